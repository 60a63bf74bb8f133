"""The sub-units ranked: league tables on the indicators leadership steers by (the 766 score with
its group scores, online submission and payment, on-time resolution, digitisation) and the
overdue dossiers by unit, worst first. Data only; the report's sections lay them out."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional

from ..catalogue import Indicator
from ..figures import Calculator
from ..periods import Period
from ..selection import competition_ranks
from ..units import LEVELS, Unit

SCORE_CODE = "idx766_total_score"
SCORE_GROUPS = ("idx766_ckmb", "idx766_tdgq", "idx766_dvtt", "idx766_mdsh", "idx766_mdhl")
LEAGUE_CODES = ("online_submission_rate", "online_payment_rate", "ontime_resolution_rate", "digitization_rate")
OVERDUE = ("dossiers_resolved", "dossiers_resolved_ontime", "dossiers_pending_overdue")


@dataclass
class LeagueRow:
    unit: Unit
    value: object
    rank: int
    previous_rank: Optional[int]
    status: str
    extra: list = field(default_factory=list)      # group scores beside a total score
    incomplete: Optional[str] = None               # "2/5 đơn vị"
    prorated_months: Optional[int] = None          # judged on a target pro-rated to its months of activity
    months: Optional[int] = None                   # months with figures, when fewer than the window's

    @property
    def rank_change(self) -> Optional[int]:
        return None if self.previous_rank is None else self.previous_rank - self.rank


@dataclass
class League:
    indicator: Indicator
    level: str
    window: Period
    rows: list[LeagueRow]
    target: Optional[Decimal] = None
    extra_columns: list = field(default_factory=list)
    rank_change_withheld: bool = False             # the units ranked then were another list: no rank change


def _ranked(values: list[tuple[Unit, object]], ind: Indicator) -> dict[str, int]:
    """Competition ranks (1, 2, 2, 4) by the indicator's direction (:mod:`helpers.selection`)."""
    return competition_ranks(values, lambda uv: uv[1], lambda uv: uv[0].code,
                             lower_better=ind.direction == "lower_better")


def sub_units_by_level(calc: Calculator, unit: str, period: Period) -> dict[str, list[Unit]]:
    """The sub-units as they are at the period's end, by level (provinces first)."""
    out: dict[str, list[Unit]] = {}
    for c in calc.sub_units(unit, period.end.code):
        out.setdefault(c.level, []).append(c)
    return {lvl: out[lvl] for lvl in LEVELS if lvl in out}


def league(calc: Calculator, parent: str, code: str, units: list[Unit], window: Period,
           previous: Period, year: int, level: str, extra_codes=()) -> Optional[League]:
    """Sub-units sorted best first on ``code`` over ``window``, with their rank in ``previous``,
    their status against their target (own, else the parent's, else the catalogue's)."""
    ind = calc.catalogue.get(code)
    if ind is None:
        return None
    now = [(u, calc.value(u.code, code, window)) for u in units if ind.levels == () or u.level in ind.levels]
    if sum(v.value is not None for _u, v in now) < 2:
        return None
    before = [(u, calc.value(u.code, code, previous).value) for u, _v in now]
    ranks = _ranked([(u, v.value) for u, v in now], ind)
    withheld = field_changed(now, before, previous)
    sums = any(calc.catalogue[c].aggregation == "sum" for c in calc.parts_of(ind))    # a figure over its months
    prev_ranks = {} if withheld else _ranked(before, ind)
    rows = []
    for u, v in sorted(((u, v) for u, v in now if v.value is not None), key=lambda uv: (ranks[uv[0].code], uv[0].code)):
        target = calc.target(u.code, code, year)
        status, _pace = calc.judge(u.code, ind, v.value, target, window)
        part = calc.part_year(u.code, ind, window) if target is not None else None
        extra = [calc.value(u.code, c, window).value for c in extra_codes]
        rows.append(LeagueRow(u, v.value, ranks[u.code], prev_ranks.get(u.code), status, extra,
                              f"{v.reported}/{v.expected}" if v.incomplete else None, part and part.months,
                              v.months if sums and v.months < window.length else None))
    return League(ind, level, window, rows, calc.target(parent, code, year),
                  [calc.catalogue[c] for c in extra_codes], withheld)


def field_changed(now: list, before: list, previous: Period) -> bool:
    """Whether the units ranked in ``previous`` are another list than those ranked now: another set
    with figures, or units that did not exist then (a pre-merger list): a rank change then says nothing."""
    ranked_now = {u.code for u, v in now if v.value is not None}
    ranked_then = {u.code for u, v in before if v is not None}
    if not ranked_then:
        return False                      # nothing to compare with: no rank change is shown anyway
    return ranked_now != ranked_then or any(not u.valid_in(previous.end.code) for u, _v in now
                                            if u.code in ranked_now)


def leagues(calc: Calculator, unit: str, window: Period, previous: Period, year: int) -> list[League]:
    """The league tables leadership steers by: the 766 score (with its group scores), online
    submission and payment, on-time resolution, digitisation; one per level of sub-units."""
    out = []
    for level, units in sub_units_by_level(calc, unit, window).items():
        groups = tuple(c for c in SCORE_GROUPS if c in calc.catalogue and
                       sum(calc.value(u.code, c, window).value is not None for u in units) >= 2)
        for code, extra in [(SCORE_CODE, groups)] + [(c, ()) for c in LEAGUE_CODES]:
            lg = league(calc, unit, code, units, window, previous, year, level, extra)
            if lg is not None:
                out.append(lg)
    return out


# -- a sub-unit among the units of its level ---------------------------------------------------------
@dataclass
class Standing:
    """A sub-unit's place on one league indicator among the units of its level under the same parent, with
    the level's average (the units' values, unweighted) and the parent's own figure."""
    indicator: Indicator
    level: str
    parent: Unit
    value: object
    rank: int
    ranked: int                       # units of the level with a value
    peers: int                        # units of the level
    rank_change: Optional[int]
    level_average: Optional[Decimal]
    parent_value: object


def standings(calc: Calculator, unit: str, window: Period, previous: Period, year: int) -> list[Standing]:
    """Where ``unit`` stands on each league indicator (the 766 score first) among its level's units, by
    the league tables' own ranking (ties share a rank); none for a unit without a parent."""
    version = calc.units.get(unit, window.end.code)
    parent = calc.units.get(version.parent, window.end.code) if version is not None and version.parent else None
    if parent is None:
        return []
    peers = sub_units_by_level(calc, parent.code, window).get(version.level, [])
    out = []
    for code in (SCORE_CODE, *LEAGUE_CODES):
        lg = league(calc, parent.code, code, peers, window, previous, year, version.level)
        own = next((r for r in lg.rows if r.unit.code == unit), None) if lg is not None else None
        if own is None:
            continue
        values = [Decimal(str(r.value)) for r in lg.rows]
        out.append(Standing(lg.indicator, version.level, parent, own.value, own.rank, len(lg.rows), len(peers),
                            own.rank_change, sum(values) / len(values),
                            calc.value(parent.code, code, window).value))
    return out


# -- overdue dossiers --------------------------------------------------------------------------------
@dataclass
class OverdueRow:
    unit: Unit
    late: object              # resolved late in the period (resolved − resolved on time)
    late_ytd: object          # … year to date
    late_rate_ytd: object     # late / resolved, year to date, in percent
    pending: object           # pending past their deadline at the period's end (where reported)


def _late(calc: Calculator, unit: str, window: Period):
    resolved = calc.value(unit, "dossiers_resolved", window).value
    ontime = calc.value(unit, "dossiers_resolved_ontime", window).value
    if resolved is None or ontime is None:
        return None, None
    late = resolved - ontime
    return late, (Decimal(late) * 100 / Decimal(resolved) if resolved else None)


def overdue(calc: Calculator, unit: str, period: Period) -> tuple[Optional[OverdueRow], list[OverdueRow]]:
    """The unit's overdue dossiers and its sub-units', worst first (late year to date plus pending)."""
    if any(c not in calc.catalogue for c in OVERDUE[:2]):
        return None, []

    def row(u: Unit) -> Optional[OverdueRow]:
        late, _ = _late(calc, u.code, period)
        late_ytd, rate = _late(calc, u.code, period.ytd())
        pending = calc.value(u.code, "dossiers_pending_overdue", period).value \
            if "dossiers_pending_overdue" in calc.catalogue else None
        if late is None and late_ytd is None and pending is None:
            return None
        return OverdueRow(u, late, late_ytd, rate, pending)

    own = row(calc.units.get(unit, period.end.code) or calc.units.get(unit))
    rows = [r for r in (row(c) for c in calc.sub_units(unit, period.end.code)) if r is not None]
    rows.sort(key=lambda r: ((r.late_ytd or 0) + (r.pending or 0), r.late or 0), reverse=True)
    return own, rows
