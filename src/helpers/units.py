"""Administrative units (``units.csv``) and their hierarchy. Codes are strings:
official codes keep their leading zeros (``080``).

A code may have several *versions* with non-overlapping validity: ``15`` is Tỉnh
Yên Bái until 2025-06-30 and the new Tỉnh Lào Cai from 2025-07-01. A monthly row
belongs to the version valid in its month; ``successor`` (``;``-separated when an
old unit was split) names the units an old one continues into."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Optional

from .errors import DataError
from .text import t

LEVELS = ("province", "department", "district", "commune")     # the one list; catalogue.LEVELS adds "national"
# How deep a level sits: a parent is always shallower (province › department or district › commune), so a
# chain of parents is at most three long.
DEPTH = {"province": 0, "department": 1, "district": 1, "commune": 2}
REQUIRED_COLUMNS = ("code", "name_vi", "name_en", "level", "parent")
COLUMNS = REQUIRED_COLUMNS + ("valid_from", "valid_to", "successor", "source")
CODE_PATTERN = re.compile(r"\w[\w.-]*")     # letters, digits and _, then also - and .
MAX_CODE_LENGTH = 40        # a code names report files and folders: far below any file-name limit
TEXT_COLUMNS = ("name_vi", "name_en", "source")
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100     # a date outside is a typo (0205-06-30, 2205-06-30 for 2025-06-30)
_FAR_PAST, _FAR_FUTURE = _dt.date.min, _dt.date.max


@dataclass(frozen=True)
class Unit:
    code: str
    name_vi: str
    name_en: str
    level: str
    parent: Optional[str] = None
    valid_from: Optional[_dt.date] = None
    valid_to: Optional[_dt.date] = None
    successor: Optional[str] = None     # the unit(s) this one continues into, ";"-separated
    source: str = ""                    # which official list (or file) the row came from

    def __hash__(self):            # a version is one code from one date (cheap: used as a cache key)
        return hash((self.code, self.valid_from))

    def name(self, lang: str = "vi") -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_vi

    @property
    def successors(self) -> tuple[str, ...]:
        return tuple(s.strip() for s in (self.successor or "").split(";") if s.strip())

    @property
    def start(self) -> _dt.date:
        return self.valid_from or _FAR_PAST

    @property
    def end(self) -> _dt.date:
        return self.valid_to or _FAR_FUTURE

    def valid_on(self, day: _dt.date) -> bool:
        return self.start <= day <= self.end

    @cached_property
    def months(self) -> tuple[str, str]:
        """First and last month (``YYYY-MM``) of the validity."""
        return (f"{self.valid_from:%Y-%m}" if self.valid_from else "0000-00",
                f"{self.valid_to:%Y-%m}" if self.valid_to else "9999-99")

    def valid_in(self, month: str) -> bool:
        """Whether the unit exists during any day of ``month`` (``YYYY-MM``)."""
        first, last = self.months
        return first <= month <= last


def _month_label(day: _dt.date, lang: str) -> str:
    from .periods import month_label
    return month_label(day.month, day.year, lang)


def valid_code(code: str) -> bool:
    """A letter, digit or ``_``, then also ``-`` and ``.``; at most ``MAX_CODE_LENGTH`` characters: a
    name, never a path or an option."""
    return len(code) <= MAX_CODE_LENGTH and bool(CODE_PATTERN.fullmatch(code))


class Units:
    """All units of a data folder, with parent/child look-ups. Look-ups that take a
    ``month`` see the versions valid in that month; without it, every version
    (and ``get`` returns the newest version of a code)."""

    def __init__(self, units: list[Unit]):
        self._versions: dict[str, list[Unit]] = {}
        for u in units:
            self._versions.setdefault(u.code, []).append(u)
        for versions in self._versions.values():
            versions.sort(key=lambda u: u.start)
        self._children: dict[str, list[Unit]] = {}
        self._predecessors: dict[str, list[Unit]] = {}
        self._memo: dict = {}                # (look-up, code, month) -> result; the list never changes
        self._valid: dict = {}               # (code, month) -> the version valid then
        for u in units:
            if u.parent:
                self._children.setdefault(u.parent, []).append(u)
            for s in u.successors:
                self._predecessors.setdefault(s, []).append(u)

    def __contains__(self, code) -> bool:
        return str(code) in self._versions

    def __getitem__(self, code) -> Unit:
        return self._versions[str(code)][-1]

    def __iter__(self):
        """The newest version of each code, in file order."""
        return (v[-1] for v in self._versions.values())

    def __len__(self):
        return len(self._versions)

    def versions(self, code) -> list[Unit]:
        return list(self._versions.get(str(code), []))

    def all_versions(self) -> list[Unit]:
        return [u for v in self._versions.values() for u in v]

    def get(self, code, month: str | None = None) -> Optional[Unit]:
        """The version of ``code`` valid in ``month`` (``YYYY-MM``), or the newest one."""
        if month is not None:
            try:
                return self._valid[code, month]
            except KeyError:
                pass
        versions = self._versions.get(str(code))
        if not versions:
            return None
        if month is None:
            return versions[-1]
        valid = [u for u in versions if u.valid_in(month)]
        self._valid[code, month] = valid[-1] if valid else None
        return self._valid[code, month]

    @property
    def codes(self) -> list[str]:
        return list(self._versions)

    def children(self, code, month: str | None = None) -> list[Unit]:
        kids = self._children.get(str(code), [])
        if month is None:
            seen, out = set(), []
            for u in kids:
                if u.code not in seen:
                    seen.add(u.code)
                    out.append(self[u.code] if self[u.code].parent == str(code) else u)
            return out
        key = ("children", str(code), month)
        if key not in self._memo:
            self._memo[key] = [u for u in kids if u.valid_in(month)]
        return list(self._memo[key])

    def predecessors(self, code, before: Unit | None = None) -> list[Unit]:
        """Versions whose ``successor`` names ``code`` (and, given the version
        ``before``, that ended before it began)."""
        out = self._predecessors.get(str(code), [])
        if before is not None:
            out = [u for u in out if u.end < before.start]
        return list(out)

    def descendants(self, code, month: str | None = None) -> list[Unit]:
        """Children, each followed by its own descendants (walked without recursion: a chain of
        parents may be long)."""
        out, todo = [], list(reversed(self.children(code, month)))
        while todo:
            unit = todo.pop()
            out.append(unit)
            if unit.code != str(code):
                todo.extend(reversed([c for c in self.children(unit.code, month) if c.code != unit.code]))
        return out

    def earlier_versions(self, version: Unit, month: str) -> list[Unit]:
        """The versions ``version`` continues from, back to those of ``month``, each after the versions
        it continues from (so a figure can be built oldest first, without recursion). A version is
        walked through while ``month`` is before its start."""
        done, out, todo = set(), [], [(version, False)]
        while todo:
            unit, expanded = todo.pop()
            if expanded:
                out.append(unit)
                continue
            if unit in done:
                continue
            done.add(unit)
            todo.append((unit, True))
            if not unit.valid_in(month) and unit.valid_from is not None and month < unit.months[0]:
                todo.extend((p, False) for p in reversed(self.predecessors(unit.code, before=unit)))
        return out

    def name(self, code, lang: str = "vi", month: str | None = None) -> str:
        u = self.get(code, month) or self.get(code)
        return u.name(lang) if u else str(code)

    def lineage(self, code, month: str) -> list[Unit]:
        """The versions that merged into the version of ``code`` valid in ``month``."""
        unit = self.get(code, month)
        return [] if unit is None or unit.valid_from is None else self.predecessors(unit.code, before=unit)

    def merger_note(self, code, period, lang: str = "vi") -> str:
        """One sentence for a report whose comparisons reach back before the unit
        began: its earlier figures are the sums of the units that merged into it
        (or, where one of them was split, not comparable). Empty when it does not apply."""
        from .periods import Period, months_read
        period = Period.parse(period)
        unit = self.get(code, period.end.code)
        before = self.lineage(code, period.end.code)
        earliest = months_read(period)[0]
        if not before or earliest >= f"{unit.valid_from:%Y-%m}":
            return ""
        names = ", ".join(t(lang, "units.name_and_code", name=u.name(lang), code=u.code) for u in before)
        month = _month_label(unit.valid_from, lang)
        split = [u for u in before if len(u.successors) > 1]
        if split:          # a unit reached along two lines of succession is named once
            parts = ", ".join(dict.fromkeys(u.name(lang) for u in split))
            return t(lang, "units.merger_split", month=month, parts=parts)
        return t(lang, "units.merger_sum", month=month, unit=unit.name(lang), names=names)

    def suggest(self, code) -> Optional[str]:
        import difflib
        m = difflib.get_close_matches(str(code), self.codes, n=1, cutoff=0.6)
        return m[0] if m else None


def _date(text: str, path, line: int, column: str, code: str):
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = _dt.date.fromisoformat(text)
    except ValueError:
        raise DataError("error.units.bad_date", text=text, file=path, row=line, column=column, unit=code) from None
    if day.year < EARLIEST_YEAR:
        raise DataError("error.units.date_too_early", text=text, year=EARLIEST_YEAR, file=path, row=line,
                        column=column, unit=code)
    if day.year > LATEST_YEAR:
        raise DataError("error.units.date_too_late", text=text, year=LATEST_YEAR, file=path, row=line,
                        column=column, unit=code)
    return day


def _refuse_bad_texts(row: dict, path, line: int, code: str) -> None:
    from .names import text_problem
    for column in TEXT_COLUMNS:
        problem = text_problem((row.get(column) or "").strip())
        if problem:
            raise DataError(problem, file=path, row=line, column=column, unit=code)


def _read_table(path: Path):
    """``(column names, [(line, row)])`` of units.csv (see :func:`helpers.csvfile.table`)."""
    if not path.is_file():
        raise DataError("error.units.missing", file=path)
    from .csvfile import table
    return table(path.read_bytes(), str(path))


def _unit_from_row(row: dict, path, line: int) -> Unit:
    code = (row.get("code") or "").strip()
    if not code:
        raise DataError("error.units.no_code", file=path, row=line, column="code")
    if len(code) > MAX_CODE_LENGTH:
        raise DataError("error.units.code_too_long", length=len(code), limit=MAX_CODE_LENGTH, start=code[:20],
                        file=path, row=line, column="code")
    if not valid_code(code):
        raise DataError("error.units.bad_code", code=code, file=path, row=line, column="code",
                        unit=code)
    _refuse_bad_texts(row, path, line, code)
    level = (row.get("level") or "").strip()
    if level not in LEVELS:
        raise DataError("error.units.bad_level", level=level, levels=', '.join(LEVELS), file=path, row=line,
                        column="level", unit=code)
    unit = Unit(code=code, name_vi=(row.get("name_vi") or "").strip() or code,
                name_en=(row.get("name_en") or "").strip(), level=level,
                parent=(row.get("parent") or "").strip() or None,
                valid_from=_date(row.get("valid_from"), path, line, "valid_from", code),
                valid_to=_date(row.get("valid_to"), path, line, "valid_to", code),
                successor=(row.get("successor") or "").strip() or None,
                source=(row.get("source") or "").strip())
    if unit.start > unit.end:
        raise DataError("error.units.dates_reversed", valid_from=unit.valid_from, valid_to=unit.valid_to,
                        file=path, row=line, column="valid_to", unit=code)
    return unit


def read_units(path) -> Units:
    """Read ``units.csv``; structural problems are a DataError naming file, line and column (the line
    the file shows: a quoted name over two lines does not shift the rows after it)."""
    path = Path(path)
    header, table = _read_table(path)
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise DataError("error.units.missing_column", missing=', '.join(missing),
                        required_columns=','.join(REQUIRED_COLUMNS), file=path, row=1)
    from .names import column_problem
    problem = column_problem(header, COLUMNS)
    if problem:
        raise DataError(problem[0], file=path, row=1, column=problem[1])
    rows = [(line, _unit_from_row(row, path, line)) for line, row in table]
    if not rows:
        raise DataError("error.units.empty", file=path)
    _refuse_overlaps(rows, path)
    codes = {u.code for _, u in rows}
    units = Units([u for _, u in rows])
    for line, u in rows:
        if u.parent and u.parent not in codes:
            raise DataError("error.units.unknown_parent", code=u.code, parent=u.parent, file=path, row=line,
                            column="parent", unit=u.code)
        _check_successors(units, u, path, line)
    _refuse_cycles(rows, path)
    _refuse_parents_not_above(rows, units, path)
    _refuse_successor_cycles(rows, units, path)
    return units


def _refuse_overlaps(rows, path) -> None:
    """Versions of one code must not be valid on the same day."""
    by_code: dict[str, list] = {}
    for line, u in rows:
        by_code.setdefault(u.code, []).append((line, u))
    for code, versions in by_code.items():
        versions.sort(key=lambda lu: lu[1].start)
        for (line_a, a), (line_b, b) in zip(versions, versions[1:]):
            if b.start <= a.end:
                later = max(line_a, line_b)
                raise DataError(
                    "error.units.overlapping_versions", code=code, line_a=line_a, line_b=line_b, file=path,
                    row=later, column="valid_from", unit=code)


def _check_successors(units: Units, u: Unit, path, line: int) -> None:
    repeated = [s for i, s in enumerate(u.successors) if s in u.successors[:i]]
    if repeated:
        raise DataError("error.units.repeated_successor", code=u.code, successor=repeated[0], file=path, row=line,
                        column="successor", unit=u.code)
    for s in u.successors:
        if s not in units:
            raise DataError("error.units.unknown_successor", code=u.code, successor=s, file=path, row=line,
                            column="successor", unit=u.code)
        if u.valid_to is None:
            continue
        day = u.valid_to + _dt.timedelta(days=1)
        if not any(v.valid_on(day) for v in units.versions(s)):
            raise DataError("error.units.successor_not_valid_then", successor=s, code=u.code, day=day.isoformat(),
                            valid_to=u.valid_to.isoformat(), file=path, row=line, column="successor", unit=u.code)


def _refuse_cycles(rows, path) -> None:
    """A unit that is its own ancestor would make every sum go round forever."""
    parents: dict[str, list] = {}
    first_line: dict[str, int] = {}
    for line, u in rows:
        if u.parent == u.code:
            raise DataError("error.units.own_parent", code=u.code, file=path, row=line, column="parent",
                            unit=u.code)
        if u.parent:
            parents.setdefault(u.code, []).append(u.parent)
        first_line.setdefault(u.code, line)
    cycle = _find_cycle(first_line, lambda code: parents.get(code, ()))
    if cycle:
        cycle = _from_first(cycle, first_line)
        code = cycle[0]
        raise DataError("error.units.parent_cycle", code=code, cycle=" → ".join(cycle + cycle[:1]), file=path,
                        row=first_line[code], column="parent", unit=code)


def _from_first(cycle: list, line_of: dict) -> list:
    """The cycle turned to start at the node of the first row."""
    i = cycle.index(min(cycle, key=line_of.get))
    return cycle[i:] + cycle[:i]


def _find_cycle(starts, following) -> Optional[list]:
    """The nodes of a cycle (in order) of the graph where ``following(node)`` gives the nodes after
    ``node``, looking from each of ``starts``; None without one. Each node is walked once, without
    recursion (a chain may be long)."""
    state: dict = {}                         # "open" while on the current path, "done" after
    for start in starts:
        if start in state:
            continue
        state[start] = "open"
        path, todo = [start], [iter(following(start))]
        while todo:
            node = next(todo[-1], None)
            if node is None:
                state[path.pop()] = "done"
                todo.pop()
            elif state.get(node) == "open":
                return path[path.index(node):]
            elif node not in state:
                state[node] = "open"
                path.append(node)
                todo.append(iter(following(node)))
    return None


def _refuse_parents_not_above(rows, units: Units, path) -> None:
    """A unit's parent (its versions valid at the same time) is a level above it."""
    for line, u in rows:
        for parent in units.versions(u.parent) if u.parent else ():
            overlaps = parent.start <= u.end and u.start <= parent.end
            if overlaps and DEPTH[parent.level] >= DEPTH[u.level]:
                raise DataError("error.units.parent_not_above", code=u.code, level=u.level, parent=parent.code,
                                parent_level=parent.level, file=path, row=line, column="parent", unit=u.code)


def _successor_versions(units: Units, u: Unit) -> list[Unit]:
    """The versions ``u`` continues into: those of its successors valid the day after it ends (every
    version of them when it gives no end)."""
    if u.valid_to is None:
        return [v for s in u.successors for v in units.versions(s)]
    day = u.valid_to + _dt.timedelta(days=1)
    return [v for s in u.successors for v in units.versions(s) if v.valid_on(day)]


def _refuse_successor_cycles(rows, units: Units, path) -> None:
    """A unit that continues, through its successors, into itself would make every look-back go round
    forever: one error naming the rows of the cycle."""
    line_of = {u: line for line, u in rows}
    cycle = _find_cycle([u for _, u in rows], lambda u: _successor_versions(units, u))
    if cycle:
        cycle = _from_first(cycle, line_of)
        first = cycle[0]
        raise DataError(
            "error.units.successor_cycle", code=first.code, cycle=" → ".join(v.code for v in cycle + cycle[:1]),
            rows=", ".join(str(line_of[v]) for v in sorted(cycle, key=line_of.get)),
            file=path, row=line_of[first], column="successor", unit=first.code)
