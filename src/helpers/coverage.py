"""Who has reported for a period: the units expected to, those that sent figures, those that sent only
part of what their level sends, those that sent late, and when the missing ones last reported.

A unit has **reported** when it has at least one figure of its own in the period. It is **partial** when
it lacks one of the inputs its level sends: an entered indicator (not a computed ratio) that the catalogue
allows at that level and that some unit of that level reported in the period. A level none of whose
units has a figure in the period is not expected to report (the 2023 sample has no commune figures).
A unit that reported is **late** when its latest acceptance of a month of the period in the intake register
(:func:`helpers.register.latest`) came after the deadline; it still counts as reported."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import files
from .catalogue import AREAS
from .errors import DataError
from .findings import WARNING, Finding
from .periods import Period
from .register import latest as latest_acceptances
from .register import register_path
from .text import LANG, Msg, PerLanguage, t
from .units import LEVELS


@dataclass(frozen=True)
class UnitCoverage:
    code: str
    level: str
    reported: bool
    lacking: tuple[str, ...] = ()         # inputs of its level it did not send (indicator codes, sorted)
    areas: tuple[str, ...] = ()           # the reform areas of the figures it sent (catalogue order)
    last_period: str | None = None        # its last month with a figure of its own, up to the period's end
    late: bool = False                    # reported, and its latest acceptance of a month came after the deadline

    @property
    def partial(self) -> bool:
        return self.reported and bool(self.lacking)


@dataclass(frozen=True)
class Coverage:
    unit: str
    period: Period
    units: tuple[UnitCoverage, ...] = ()  # every unit expected to report, by level then code
    levels: tuple[str, ...] = ()          # the levels expected to report
    inputs: dict = field(default_factory=dict)   # level -> the inputs its units send (codes, sorted)

    @property
    def expected(self) -> int:
        return len(self.units)

    @property
    def reported(self) -> int:
        return sum(u.reported for u in self.units)

    @property
    def missing(self) -> list[UnitCoverage]:
        return [u for u in self.units if not u.reported]

    @property
    def partial(self) -> list[UnitCoverage]:
        return [u for u in self.units if u.partial]

    @property
    def late(self) -> list[UnitCoverage]:
        return [u for u in self.units if u.late]

    @property
    def complete(self) -> bool:
        return not self.missing and not self.partial

    @property
    def clean(self) -> bool:
        """Every unit expected reported fully and in time: nothing for the page to state."""
        return self.complete and not self.late

    def by_level(self) -> dict[str, dict[str, int]]:
        """``{level: {"expected": n, "reported": n, "partial": n}}`` in the order of the levels."""
        out = {}
        for level in self.levels:
            mine = [u for u in self.units if u.level == level]
            out[level] = {"expected": len(mine), "reported": sum(u.reported for u in mine),
                          "partial": sum(u.partial for u in mine)}
        return out

    def worst_level(self) -> str | None:
        """The level with the smallest share of units that reported fully (ties: the earlier level)."""
        shares = [(1 - (c["reported"] - c["partial"]) / c["expected"], -i, level)
                  for i, (level, c) in enumerate(self.by_level().items()) if c["expected"]]
        worst = max(shares, default=None)
        return worst[2] if worst and worst[0] > 0 else None

    def as_json(self) -> dict:
        """metrics.json's ``coverage``: ``expected − reported == len(missing)``; ``late`` since 1.2."""
        return {"expected": self.expected, "reported": self.reported,
                "missing": sorted(u.code for u in self.missing),
                "partial": sorted(u.code for u in self.partial),
                "late": sorted(u.code for u in self.late)}


def coverage(ds, unit: str, period: Period) -> Coverage:
    """The coverage of ``unit``'s report for ``period`` from the data set ``ds`` (a :class:`DataSet`)."""
    period = Period.parse(period)
    last = period.end.code
    months = set(period.month_codes())
    below = sorted(ds.units.descendants(unit, last), key=lambda u: (_level_order(u.level), u.code))
    sent, latest = _figures_sent(ds, {u.code for u in below}, months, last)
    levels = tuple(dict.fromkeys(u.level for u in below if sent.get(u.code)))
    inputs = {level: _inputs_of_level(ds.catalogue, level, [sent.get(u.code, set()) for u in below
                                                             if u.level == level]) for level in levels}
    late = late_units(ds.data_dir, period)
    rows = tuple(_unit_coverage(ds.catalogue, u, sent.get(u.code, set()), inputs[u.level], latest.get(u.code),
                                u.code in late)
                 for u in below if u.level in levels)
    return Coverage(unit, period, rows, levels, inputs)


def late_units(data_dir, period: Period) -> set[str]:
    """The units whose latest acceptance of a month of ``period`` in the intake register was late."""
    return {code for month in period.month_codes()
            for code, entry in acceptances(data_dir, month).items() if entry.late}


def acceptances(data_dir, month: str) -> dict:
    """``{unit: its latest Entry}`` of the month's intake register (none: ``{}``). A register that is not
    a regular file inside the data folder, cannot be read or is damaged is a DataError naming it (the
    data checks, :func:`helpers.validate.check`, report it before any report starts)."""
    path = register_path(data_dir, month)
    try:
        if not files.regular_input(path, data_dir):
            return {}
        return latest_acceptances(data_dir, month)
    except OSError as exc:
        raise files.unreadable(path, exc) from None
    except UnicodeDecodeError:
        raise DataError("error.register.bad_line", file=path) from None


def _level_order(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else len(LEVELS)


def _figures_sent(ds, codes: set[str], months: set[str], until: str) -> tuple[dict, dict]:
    """One pass over the records: ``{unit: {indicator}}``, the figures of its own each unit sent in the
    months, and ``{unit: month}``, its last month with a figure up to ``until``."""
    sent: dict[str, set[str]] = {}
    latest: dict[str, str] = {}
    for (month, unit, indicator), record in ds.records.items():
        if unit not in codes or record.value is None or month > until:
            continue
        if month in months:
            sent.setdefault(unit, set()).add(indicator)
        if month > latest.get(unit, ""):
            latest[unit] = month
    return sent, latest


def _inputs_of_level(catalogue, level: str, sent_by_units: list[set[str]]) -> tuple[str, ...]:
    """The entered indicators allowed at ``level`` that at least one of its units sent."""
    anyone = set().union(*sent_by_units) if sent_by_units else set()
    return tuple(sorted(i.code for i in catalogue.inputs(level) if i.code in anyone))


def _unit_coverage(catalogue, unit, sent: set[str], inputs: tuple[str, ...], last: str | None,
                   late: bool) -> UnitCoverage:
    areas = tuple(dict.fromkeys(i.area for i in catalogue if i.code in sent))
    return UnitCoverage(unit.code, unit.level, bool(sent), tuple(c for c in inputs if c not in sent), areas, last,
                        late and bool(sent))


# -- in words ------------------------------------------------------------------------------------------
def area_names(areas, lang: str) -> str:
    return ", ".join(AREAS[a].name(lang) for a in areas if a in AREAS)


def statement(c: Coverage, lang: str) -> str:
    """"113/113 đơn vị gửi số liệu, 66 chưa đủ: chỉ có số liệu Đề án 06 (…), 3 đơn vị gửi muộn"; "" when
    nobody is expected."""
    if not c.expected:
        return ""
    parts = [t(lang, "coverage.reported", reported=c.reported, expected=c.expected)]
    partial = c.partial
    if partial:
        shared = {u.areas for u in partial}
        parts.append(t(lang, "coverage.partial_only", n=len(partial), areas=area_names(shared.pop(), lang))
                     if len(shared) == 1 else t(lang, "coverage.partial", n=len(partial)))
    if c.late:
        parts.append(t(lang, "coverage.late", n=len(c.late)))
    worst = c.worst_level()
    if worst and len(c.levels) > 1:
        parts.append(t(lang, "coverage.worst_level", level=t(lang, f"coverage.level.{worst}")))
    return ", ".join(parts)


def findings(c: Coverage) -> list[Finding]:
    """A warning for each expected unit that has not reported and each that reported only part (never an
    error: a missing report must not stop the others)."""
    period = PerLanguage(c.period.label, LANG)
    out = []
    for u in c.units:
        if not u.reported:
            last = PerLanguage(Period.parse(u.last_period).label, LANG) if u.last_period else None
            msg = (Msg("finding.not_reported_since", period=period, last=last) if last
                   else Msg("finding.not_reported", period=period))
            out.append(Finding(WARNING, "not_reported", msg, unit=u.code, period=c.period.code))
        elif u.partial:
            out.append(Finding(WARNING, "partial_report",
                               Msg("finding.partial_report", areas=PerLanguage(area_names, u.areas, LANG),
                                   n=len(u.lacking), expected=len(c.inputs[u.level])),
                               unit=u.code, period=c.period.code))
    return out
