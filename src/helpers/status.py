"""``cchc-report status PERIOD``: who has reported for a month, who has not, who was late.

Read from the register (:mod:`helpers.register`), not from every workbook: a unit with an accepted
workbook is ``received`` (``late`` when accepted after the deadline); a unit whose figures came in the
analyst's own file (``periods/<period>.csv|xlsx``, read once) or in a file of its own placed in
``periods/<period>/`` by hand is ``received`` too, showing that file; any other unit expected to report
is ``not_received``. Expected: the units :func:`helpers.coverage.coverage` expects (the levels that
sent figures), and every unit ``collect`` wrote a workbook for. Order: not received, then late, then
received; within each by level, then code. Open problems: the figures intake found the loader will
reject, and the inputs of its level a unit did not send (coverage's ``lacking``)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from . import register
from .periods import Period
from .text import t
from .units import LEVELS

STATUSES = ("not_received", "late", "received")
CSV_COLUMNS = ("unit", "name", "level", "status", "received_at", "file", "figures", "problems", "last_period")
_UNIT_FILE_SUFFIXES = (".xlsx", ".csv")


@dataclass(frozen=True)
class Row:
    unit: str
    name: str
    level: str
    status: str
    received_at: str = ""
    file: str = ""
    figures: int | None = None
    problems: str = ""
    last_period: str = ""

    def sort_key(self):
        level = LEVELS.index(self.level) if self.level in LEVELS else len(LEVELS)
        return STATUSES.index(self.status), level, self.unit


class _Sent:
    """What came in for one month, from the register and the file listing (and the analyst's file)."""

    def __init__(self, data_dir: Path, month: str, units, catalogue, read_month_file: bool):
        self.entries = register.latest(data_dir, month)
        folder = data_dir / "periods" / month
        self.own_files = {p.stem: p for p in _listing(folder) if p.suffix.lower() in _UNIT_FILE_SUFFIXES}
        self.month_file, self.counts = None, {}
        for suffix in (".csv", ".xlsx"):
            path = data_dir / "periods" / f"{month}{suffix}"
            if path.is_file():
                self.month_file = path
                if read_month_file:
                    self.counts = _figures_in(path, data_dir, units, catalogue)
                break

    def units(self) -> set[str]:
        return set(self.entries) | set(self.own_files) | set(self.counts)


def _listing(folder: Path) -> list[Path]:
    try:
        return [p for p in folder.iterdir() if not p.name.startswith(".")] if folder.is_dir() else []
    except OSError:
        return []


def _figures_in(path: Path, data_dir: Path, units, catalogue) -> dict[str, dict]:
    """``{unit: {indicator}}`` of the figures (non-empty values) in an analyst's month file."""
    from .csvfile import FileProblem, read_month_rows
    from .findings import Finding
    from .inputs import shown
    from .load import read_xlsx_rows
    name = shown(path, data_dir)
    out: dict[str, set] = {}
    try:
        rows = read_xlsx_rows(path, name, catalogue, units) if path.suffix == ".xlsx" else read_month_rows(path, name)
        for item in rows:
            if isinstance(item[-1], Finding):
                continue
            _line, unit, code, raw, _note, _col = item
            if raw is not None and str(raw).strip() != "":
                out.setdefault(str(unit).strip(), set()).add(str(code).strip())
    except (FileProblem, OSError):
        pass                              # validate says what is wrong with it
    return out


def status(data_dir, period, lang: str = "vi") -> list[Row]:
    """The status of every unit expected to report for the month ``period``, in the order shown."""
    from .catalogue import load_catalogue
    from .units import read_units
    from .workbook.layout import month_period
    data_dir = Path(data_dir)
    p = month_period(period)
    units = read_units(data_dir / "units.csv")
    catalogue = load_catalogue(data_dir)
    sent = _Sent(data_dir, p.code, units, catalogue, read_month_file=True)
    lacking, expected = _expected(data_dir, p, units, catalogue, sent)
    last = _last_periods(data_dir, p, [c for c in expected if c not in sent.units()], units, catalogue)
    rows = [_row(units.get(code, p.code), p, sent, lacking.get(code), last.get(code), data_dir, lang)
            for code in expected]
    return sorted(rows, key=Row.sort_key)


def _expected(data_dir: Path, p: Period, units, catalogue, sent: _Sent) -> tuple[dict, list[str]]:
    """``({unit: (lacking, of)}, [expected codes])``: coverage's notion over what came in, plus every
    unit a workbook was collected for."""
    from .coverage import coverage
    records = {}
    for code, entry in sent.entries.items():
        for ind in entry.indicators:
            records[(p.code, code, ind)] = SimpleNamespace(value=1)
    for code, indicators in sent.counts.items():
        for ind in indicators:
            records[(p.code, code, ind)] = SimpleNamespace(value=1)
    # what coverage reads of a data set, built from the register and the listing instead of every workbook
    view = SimpleNamespace(data_dir=data_dir, units=units, catalogue=catalogue, records=records, files={},
                           findings=[], unreadable=set())
    lacking, expected = {}, []
    for top in _top_units(units, p.code):
        c = coverage(view, top.code, p)
        for u in c.units:
            expected.append(u.code)
            if u.partial:
                lacking[u.code] = (len(u.lacking), len(c.inputs.get(u.level, ())))
    issued = sorted(f.stem for f in _listing(data_dir / "collect" / p.code) if f.suffix == ".xlsx")
    also = [c for c in issued + sorted(sent.units()) if units.get(c, p.code) is not None]
    return lacking, list(dict.fromkeys(expected + also))


def _top_units(units, month: str) -> list:
    out = []
    for code in units.codes:
        u = units.get(code, month)
        if u is not None and (not u.parent or units.get(u.parent, month) is None):
            out.append(u)
    return out


def _row(unit, p: Period, sent: _Sent, lacking, last, data_dir: Path, lang: str) -> Row:
    code, name, level = unit.code, unit.name(lang), unit.level
    entry = sent.entries.get(code)
    lack = t(lang, "status.problems.lacking", n=lacking[0], of=lacking[1]) if lacking and lacking[0] else ""
    if entry is not None:
        bad = t(lang, "status.problems.values", n=entry.problems) if entry.problems else ""
        return Row(code, name, level, "late" if entry.late else "received", entry.received_at, entry.file,
                   entry.figures, "; ".join(x for x in (bad, lack) if x), p.code)
    own = sent.own_files.get(code)
    if own is not None:
        return Row(code, name, level, "received", "", own.relative_to(data_dir).as_posix(), None, "", p.code)
    if code in sent.counts:
        return Row(code, name, level, "received", "", sent.month_file.relative_to(data_dir).as_posix(),
                   len(sent.counts[code]), lack, p.code)
    return Row(code, name, level, "not_received", last_period=last or "")


def _last_periods(data_dir: Path, p: Period, codes: list[str], units, catalogue) -> dict[str, str]:
    """The last month before ``p`` in which each of ``codes`` sent figures: newest first, through the
    months that have a register, a folder of units' files or an analyst's file, until all are found."""
    wanted, found = set(codes), {}
    for month in _months_before(data_dir, p.code):
        if not wanted:
            break
        sent = _Sent(data_dir, month, units, catalogue, read_month_file=False)
        here = set(sent.units())
        if sent.month_file is not None and wanted - here:
            here |= set(_figures_in(sent.month_file, data_dir, units, catalogue))
        for code in wanted & here:
            found[code] = month
        wanted -= here
    return found


def _months_before(data_dir: Path, month: str) -> list[str]:
    names = {p.name.split(".", 1)[0] for p in _listing(data_dir / "periods")}
    names |= {p.name for p in _listing(data_dir / "received")}
    months = []
    for name in names:
        try:
            q = Period.parse(name)
        except Exception:  # noqa: BLE001 - not a month: not ours to judge here
            continue
        if q.kind == "month" and q.code == name and name < month:
            months.append(name)
    return sorted(months, reverse=True)


def as_csv(rows: list[Row]) -> str:
    """The rows as CSV (``CSV_COLUMNS``, for a mail merge)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in rows:
        w.writerow([r.unit, r.name, r.level, r.status, r.received_at, r.file,
                    "" if r.figures is None else r.figures, r.problems, r.last_period])
    return out.getvalue()


def table(rows: list[Row], p: Period, lang: str):
    """The rows as a rich table, in ``lang``."""
    from rich.markup import escape
    from rich.table import Table

    from . import fmt
    tab = Table(title=t(lang, "status.title", period=p.label(lang)))
    for col in CSV_COLUMNS:
        tab.add_column(t(lang, f"status.column.{col}"))
    style = {"not_received": "red", "late": "yellow", "received": "green"}
    for r in rows:
        when = fmt.datetime(_parsed(r.received_at), lang) if r.received_at else ""
        last = Period.parse(r.last_period).short_label(lang) if r.last_period else ""
        tab.add_row(escape(r.unit), escape(r.name), t(lang, f"coverage.level.{r.level}"),
                    f"[{style[r.status]}]{t(lang, f'status.status.{r.status}')}[/]", when, escape(r.file),
                    "" if r.figures is None else fmt.number(r.figures, lang), escape(r.problems), last)
    return tab


def _parsed(text: str):
    import datetime as dt
    return dt.datetime.fromisoformat(text)


def counts(rows: list[Row]) -> dict[str, int]:
    return {s: sum(r.status == s for r in rows) for s in STATUSES}
