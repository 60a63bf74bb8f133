"""Figures for a unit and a period, by the aggregation rules:

- flows (``sum``): the sum over the months;
- stocks and published scores (``last``): the value at the period's end (the
  latest month of the window that has a figure);
- ratios: recomputed from the summed/period-end numerator and denominator, never
  averaged; a zero denominator gives no figure (N/A), not 0.

A unit without its own row for an additive indicator gets the sum of its
children's figures, marked as computed, with how many of the sub-units expected
to report it did.

Values are exact (a ratio 35/48 is 72.9166…): rounding belongs to the page.
Targets are judged on the exact values: a target that holds at all times
(``always``) is ``met``/``not_met``; a year-end target (``year_end``) is judged
before December against its pace (``on_track``/``behind``, within the catalogue's
``pace_tolerance``; linear by default, or through the milestones of targets.csv) and
gets ``met``/``not_met`` only in a report whose period ends in December.

Comparisons are like with like (:mod:`helpers.comparisons`): a sum of sub-units against a window
where other sub-units stood behind it is compared over the sub-units common to both, or not at all
when too few are; a unit active for part of the year is judged on its target pro-rated to its months."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Optional

from .catalogue import DEFAULT_PACE_TOLERANCE, Indicator
from .comparisons import (  # noqa: F401
    BEGAN,
    COMPARED,
    COVERAGE,
    NONE,
    NOT_ADDITIVE,
    NOT_COMPARABLE,
    SPLIT,
    CommonUnits,
    Value,
    adds_across_units,
)
from .comparisons import not_comparable as _not_comparable
from .fmt import json_number
from .load import DataSet
from .periods import Period

MET, NOT_MET, NO_TARGET, NO_DATA = "met", "not_met", "no_target", "no_data"
ON_TRACK, BEHIND = "on_track", "behind"
STATUSES = (MET, ON_TRACK, BEHIND, NOT_MET, NO_TARGET, NO_DATA)
NATIONAL_FIELD_CHANGE = "2025-07"      # 63 provinces before, 34 from July 2025 (Resolution 202/2025/QH15)


@dataclass
class Figure:
    indicator: Indicator
    unit: str
    period: Period
    current: Value
    previous: Value
    last_year: Value
    ytd: Value
    ytd_last_year: Value
    target: Optional[Decimal] = None
    status: str = NO_DATA
    ytd_status: str = NO_DATA
    pace: Optional[Decimal] = None          # a year-end target's expected level at the period's end
    rank_field: Optional[int] = None        # a rank's field: "21/63"
    # like for like: window (COMPARED) -> (common sub-units, this period's figure over them)
    comparisons: dict = field(default_factory=dict)
    target_prorated_months: Optional[int] = None   # a part-year unit: its target pro-rated to these months
    full_target: Optional[Decimal] = None           # … the year's target before pro-rating
    rank_fields: dict = field(default_factory=dict)  # a rank: window (COMPARED) -> its field then

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def value(self):
        return self.current.value

    def window_of(self, other: Value) -> Optional[str]:
        """Which compared window (:data:`COMPARED`) ``other`` is."""
        for name, value in zip(COMPARED, (self.previous, self.last_year, self.ytd_last_year)):
            if other is value:
                return name
        return None

    def compared(self, other: Value) -> tuple[Value, Value]:
        """``(this period's figure, other)`` as they are compared: over the sub-units common to both
        windows where the units behind the sums differ (``other`` then is that base)."""
        now = self.ytd if other is self.ytd_last_year else self.current
        common = self.comparisons.get(self.window_of(other))
        return (common[1] if common else now), other

    def common_units(self, other: Value) -> Optional[int]:
        common = self.comparisons.get(self.window_of(other))
        return common[0] if common else None

    def rank_field_changed(self, other: Value) -> bool:
        """A rank compared with one out of another field (63 provinces, then 34) says nothing."""
        then = self.rank_fields.get(self.window_of(other))
        return then is not None and self.rank_field is not None and then != self.rank_field

    def rank_change(self, other: Value):
        """Places gained (positive) or lost since ``other``: a rank 30 -> 21 is +9; none across a
        change of the field."""
        if self.indicator.kind != "rank" or self.current.value is None or other.value is None \
                or self.rank_field_changed(other):
            return None
        return int(other.value - self.current.value)

    def to_dict(self) -> dict:
        d = {
            "value": json_number(self.current.value), "previous": json_number(self.previous.value),
            "same_period_last_year": json_number(self.last_year.value), "ytd": json_number(self.ytd.value),
            "ytd_same_period_last_year": json_number(self.ytd_last_year.value),
            "target": json_number(self.target), "status": self.status, "ytd_status": self.ytd_status,
            "computed": self.current.computed, "unit": self.indicator.unit,
            "months_with_data": self.current.months,
        }
        if self.target is not None:
            d["target_kind"] = self.indicator.target_kind
            d["pace_target"] = json_number(self.pace)
        if self.current.incomplete:
            d["sub_units_reported"], d["sub_units_expected"] = self.current.reported, self.current.expected
        if self.indicator.kind == "rank":
            d["rank_field"] = self.rank_field
            d["rank_change_places"] = self.rank_change(self.previous)
            d["rank_change_places_last_year"] = self.rank_change(self.last_year)
            changed = [w for w, v in zip(COMPARED[:2], (self.previous, self.last_year)) if self.rank_field_changed(v)]
            if changed:
                d["rank_field_changed"] = changed     # no rank change across a change of the field
        if self.target_prorated_months is not None:
            d["target_prorated_months"] = self.target_prorated_months
            d["target_full_year"] = json_number(self.full_target)
        if self.comparisons:
            d["comparison_units"] = {w: n for w, (n, _v) in self.comparisons.items()}
            d["comparison_value"] = {w: json_number(v.value) for w, (_n, v) in self.comparisons.items()}
        if self.indicator.is_ratio:
            d["numerator"] = json_number(self.current.numerator)
            d["denominator"] = json_number(self.current.denominator)
        windows = {"value": self.current, "previous": self.previous, "same_period_last_year": self.last_year,
                   "ytd": self.ytd, "ytd_same_period_last_year": self.ytd_last_year}
        not_comparable = {k: v.reason for k, v in windows.items() if not v.comparable}
        if not_comparable:
            d["not_comparable"] = not_comparable      # those figures are null: why
        return d


def status_of(value, target, op: Optional[str]) -> str:
    """A target that holds at all times: met or not met, on the exact value."""
    if value is None:
        return NO_DATA
    if target is None:
        return NO_TARGET
    ok = value <= target if op == "<=" else value >= target
    return MET if ok else NOT_MET


def pace_of(target: Decimal, month: int, milestones: Optional[dict] = None) -> Decimal:
    """Where a year-end target should stand at the end of ``month``: linear from 0 in
    January to the target in December, or through the ``{month: value}`` milestones."""
    points = [(0, Decimal(0))] + sorted((int(m), Decimal(v)) for m, v in (milestones or {}).items()
                                        if int(m) < 12) + [(12, Decimal(target))]
    for (m0, v0), (m1, v1) in zip(points, points[1:]):
        if m0 <= month <= m1:
            return v1 if m1 == m0 else v0 + (v1 - v0) * (month - m0) / (m1 - m0)
    return Decimal(target)


def judge(value, target, op: Optional[str], year_end: bool, month: int, milestones=None,
          tolerance=DEFAULT_PACE_TOLERANCE):
    """``(status, pace)``: a year-end target before December is on track or behind its pace — behind
    only when the value falls short of the pace by more than ``tolerance`` (the catalogue's
    ``pace_tolerance``, in the indicator's unit: 78,78% against a pace of 79,17% is on track with 1 point);
    in December (or for a target that holds at all times) it is met or not met, exactly."""
    if not year_end or value is None or target is None or month >= 12:
        return status_of(value, target, op), None
    if op == "<=":
        return (ON_TRACK if value <= target else BEHIND), None
    pace = pace_of(target, month, milestones)
    return (ON_TRACK if pace - value <= Decimal(tolerance) else BEHIND), pace


def pace_gap(fig: "Figure"):
    """How far a year-end figure stands above (positive) or below (negative) its pace, or None."""
    if fig.pace is None or fig.ytd.value is None:
        return None
    return fig.ytd.value - fig.pace


def target_source(calc: "Calculator", unit: str, code: str, year: int) -> Optional[str]:
    """Where ``unit``'s target for ``code`` in ``year`` comes from: the ``source`` of its targets.csv row (its
    own or its nearest ancestor's; ``""`` when the row gives none), or ``None`` for the catalogue's default."""
    owner = calc._target_owner(unit, code, year)
    return None if owner is None else calc.ds.target_sources.get((code, owner, year), "")


def default_rank_field(unit_level: Optional[str], period: Period) -> Optional[int]:
    """A province's national rank is out of 63 before July 2025 and out of 34 from then."""
    if unit_level != "province":
        return None
    return 63 if period.end.code < NATIONAL_FIELD_CHANGE else 34


class Calculator(CommonUnits):
    """Computes figures over one data set, caching month-level look-ups."""

    def __init__(self, ds: DataSet):
        self.ds = ds
        self.catalogue = ds.catalogue
        self.units = ds.units
        self.month_value = lru_cache(maxsize=None)(self._month_value)
        self.version_month = lru_cache(maxsize=None)(self._version_month_value)
        self.month_at = lru_cache(maxsize=None)(self._at)      # windows overlap: a month is read by many

    # -- one month ----------------------------------------------------------------
    def _month_value(self, unit: str, code: str, month: str) -> Value:
        """``unit``'s figure in ``month``, for the version of the unit valid in that month."""
        version = self.units.get(unit, month)
        return NONE if version is None else self._own_or_children(version, code, month)

    def _at(self, unit: str, code: str, month: str, at: str) -> Value:
        """The figure in ``month`` of the version of ``unit`` valid in ``at`` (the
        report's month): before that version began, its predecessors' figures."""
        version = self.units.get(unit, at) or self.units.get(unit, month)
        if version is None:
            return NONE
        if version.valid_in(month):
            return self.month_value(unit, code, month)
        return self.version_month(version, code, month)

    def _version_month_value(self, version, code: str, month: str) -> Value:
        """Built oldest version first (a chain of successors may be long: no recursion)."""
        values: dict = {}
        for v in self.units.earlier_versions(version, month):
            values[v] = self._one_version_month(v, code, month, values)
        return values[version]

    def _one_version_month(self, version, code: str, month: str, earlier: dict) -> Value:
        """``earlier``: the figures of the versions ``version`` continues from."""
        if version.valid_in(month):
            return self._own_or_children(version, code, month)
        if version.valid_from is not None and month < f"{version.valid_from:%Y-%m}":
            return self._predecessors_sum(version, code, month, earlier)
        return NONE                                # after the unit ended

    def _own_or_children(self, version, code: str, month: str) -> Value:
        rec = self.ds.record(month, version.code, code)
        if rec is not None and rec.value is not None:
            return Value(rec.value, False, 1)
        ind = self.catalogue.get(code)
        if ind is None or not ind.additive:
            return NONE
        contributors = [c for c in self.sub_units(version.code, month) if not ind.levels or c.level in ind.levels]
        parts = [self.month_value(c.code, code, month) for c in contributors]
        parts = [p for p in parts if p.value is not None]
        if not parts:
            return NONE
        return Value(sum(p.value for p in parts), True, 1, reported=len(parts), expected=len(contributors),
                     summed=True)

    def sub_units(self, unit: str, month: str) -> list:
        """``unit``'s sub-units in ``month`` (its children then, not itself): whose rows add up to
        its figure, the units its league tables and comparisons rank."""
        return [c for c in self.units.children(unit, month) if c.code != unit]

    def _predecessors_sum(self, version, code: str, month: str, earlier: dict) -> Value:
        """Before a unit began: the sum of the units that merged into it, for what adds
        up; a lone predecessor's own figure; otherwise not comparable."""
        preds = self.units.predecessors(version.code, before=version)
        if not preds:
            return NONE
        if any(len(p.successors) > 1 for p in preds):
            return _not_comparable(SPLIT)
        ind = self.catalogue.get(code)
        if len(preds) > 1 and not adds_across_units(ind):
            return _not_comparable(NOT_ADDITIVE)
        parts = [earlier[p] for p in preds]
        blocked = [p for p in parts if not p.comparable]
        if blocked:
            return blocked[0]
        parts = [p for p in parts if p.value is not None]
        if not parts:
            return NONE
        return Value(sum(p.value for p in parts), True, 1, summed=all(p.summed for p in parts))

    # -- a window -------------------------------------------------------------------
    def value(self, unit: str, code: str, period: Period, at: Optional[str] = None) -> Value:
        """The figure over ``period`` of the version of ``unit`` valid in ``at``
        (default: the period's last month)."""
        ind = self.catalogue[code]
        at = at or period.end.code
        return self.over_months(unit, ind, period.month_codes(), at)

    def over_months(self, unit: str, ind: Indicator, months: list[str], at: str) -> Value:
        """The figure over the months ``months`` (``YYYY-MM``, in order)."""
        if ind.is_ratio:
            return self._ratio(unit, ind, months, at)
        return self._input(unit, ind, months, at)

    def _input(self, unit: str, ind: Indicator, month_codes: list[str], at: str) -> Value:
        months = [self.month_at(unit, ind.code, m, at) for m in month_codes]
        have = [v for v in months if v.value is not None]
        blocked = [v for v in months if not v.comparable]
        if ind.aggregation == "sum" and blocked:
            return blocked[0]
        if not have:
            return blocked[0] if blocked else NONE
        computed = any(v.computed for v in have)
        if ind.aggregation == "sum":
            return Value(sum(v.value for v in have), computed, len(have), **_coverage(have))
        last = max(i for i, v in enumerate(months) if v.value is not None or not v.comparable)
        if not months[last].comparable:
            return months[last]
        return Value(have[-1].value, have[-1].computed, len(have), **_coverage(have[-1:]))

    def _ratio(self, unit: str, ind: Indicator, period: list[str], at: str) -> Value:
        nums = [self._input(unit, self.catalogue[c], period, at) for c in ind.numerator]
        den = self._input(unit, self.catalogue[ind.denominator], period, at)
        blocked = [v for v in nums + [den] if not v.comparable]
        if blocked:
            return self._rate_over_comparable_months(unit, ind, period, at) or blocked[0]
        if den.value is None or any(n.value is None for n in nums):
            reported = self._input(unit, ind.model_copy(update={"aggregation": "last"}), period, at)
            return reported
        num = sum(n.value for n in nums)
        computed = den.computed or any(n.computed for n in nums)
        months = min([den.months] + [n.months for n in nums])
        cover = _coverage([den, *nums])
        if den.value == 0:
            return Value(None, computed, months, num, den.value, **cover)
        ratio = Decimal(num) * 100 / Decimal(den.value)          # exact: rounding belongs to the page
        return Value(ratio, computed, months, num, den.value, **cover)

    def _rate_over_comparable_months(self, unit: str, ind: Indicator, months: list[str], at: str):
        """A rate (a ratio that does not grow with its months) over the months of the window whose
        figures compare (a department whose predecessor was split has its own months since July 2025):
        a rate stays a rate over fewer months. None for any other figure, or when no month is left."""
        if self.grows_with_months(ind):
            return None
        parts = self.parts_of(ind)
        fine = [m for m in months if all(self.month_at(unit, c, m, at).comparable for c in parts)]
        return self._ratio(unit, ind, fine, at) if fine and len(fine) < len(months) else None

    # -- a figure with its comparisons ------------------------------------------------
    def _target_owner(self, unit: str, code: str, year: int) -> Optional[str]:
        """The unit whose targets.csv row applies: the unit itself, else its nearest ancestor."""
        seen = set()
        while unit and unit not in seen:
            seen.add(unit)
            if self.ds.target(code, unit, year) is not None:
                return unit
            u = self.units.get(unit)
            unit = u.parent if u is not None else None
        return None

    def target(self, unit: str, code: str, year: int):
        owner = self._target_owner(unit, code, year)
        return self.ds.target(code, owner, year) if owner else self.catalogue[code].target

    def milestones(self, unit: str, code: str, year: int) -> dict:
        owner = self._target_owner(unit, code, year)
        return self.ds.milestones_of(code, owner, year) if owner else {}

    def judge(self, unit: str, ind: Indicator, value, target, period: Period):
        """``(status, pace)`` of ``value`` against the year's ``target``; a unit active for part of the
        year (:meth:`part_year`) is judged on the same part: its target pro-rated to its months."""
        part = self.part_year(unit, ind, period) if target is not None else None
        if part is not None:
            return judge(value, part.target(target), ind.target_op, True, part.month(period.last))
        return judge(value, target, ind.target_op, ind.year_end, period.last,
                     self.milestones(unit, ind.code, period.year), ind.pace_tolerance)

    def rank_field(self, unit: str, ind: Indicator, period: Period) -> Optional[int]:
        if ind.kind != "rank":
            return None
        if ind.rank_field and ind.rank_field in self.catalogue:
            given = self.value(unit, ind.rank_field, period).value
            if given is not None:
                return int(given)
        u = self.units.get(unit)
        return default_rank_field(u.level if u else None, period)

    def figure(self, unit: str, code: str, period: Period) -> Figure:
        ind = self.catalogue[code]
        ytd, at = period.ytd(), period.end.code      # comparisons are for the unit as it is in the period
        current, year_to_date = self.value(unit, code, period, at), self.value(unit, code, ytd, at)

        comparisons: dict = {}

        def compared(name: str, window: Period, now: Period, mine: Value) -> Value:
            other = self.like_for_like(unit, ind, window, self.value(unit, code, window, at), at)
            return self.over_common_units(unit, ind, (now, mine), (window, other), at, comparisons, name)

        target = self.target(unit, code, period.year)
        fig = Figure(
            indicator=ind, unit=unit, period=period, current=current,
            previous=compared(COMPARED[0], period.previous(), period, current),
            last_year=compared(COMPARED[1], period.same_period_last_year(), period, current),
            ytd=year_to_date,
            ytd_last_year=compared(COMPARED[2], ytd.same_period_last_year(), ytd, year_to_date),
            target=target, comparisons=comparisons,
        )
        if ind.year_end:
            fig.status, fig.pace = self.judge(unit, ind, fig.ytd.value, target, period)
            fig.ytd_status = fig.status
        else:
            fig.status, _ = self.judge(unit, ind, fig.current.value, target, period)
            fig.ytd_status, _ = self.judge(unit, ind, fig.ytd.value, target, period)
        part = self.part_year(unit, ind, period) if target is not None else None
        if part is not None:
            fig.target, fig.full_target, fig.target_prorated_months = part.target(target), target, part.months
        self._rank_fields(fig, unit, ind, period)
        return fig

    def _rank_fields(self, fig: Figure, unit: str, ind: Indicator, period: Period) -> None:
        fig.rank_field = self.rank_field(unit, ind, period)
        if ind.kind == "rank":
            windows = (period.previous(), period.same_period_last_year(), period.ytd().same_period_last_year())
            for name, window in zip(COMPARED, windows):
                fig.rank_fields[name] = self.rank_field(unit, ind, window)

    def figures(self, unit: str, period: Period) -> dict[str, Figure]:
        return {i.code: self.figure(unit, i.code, period) for i in self.catalogue}

    def children(self, unit: str, code: str, period: Period) -> list[tuple]:
        """``(child unit, Value)`` for comparison charts across departments/districts
        (the children that exist at the period's end)."""
        at = period.end.code
        return [(c, self.value(c.code, code, period, at)) for c in self.sub_units(unit, at)]


def _coverage(values) -> dict:
    """The least complete sum of sub-units among ``values`` (``reported``/``expected``)."""
    sums = [v for v in values if v.computed and v.expected is not None]
    if not sums:
        return {}
    worst = min(sums, key=lambda v: ((v.reported or 0) / v.expected if v.expected else 1))
    return {"reported": worst.reported, "expected": worst.expected}


def compute_figures(ds: DataSet, unit: str, period) -> dict[str, Figure]:
    return Calculator(ds).figures(unit, Period.parse(period))
