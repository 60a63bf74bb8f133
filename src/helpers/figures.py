"""Figures for a unit and a period, by the aggregation rules:

- flows (``sum``): the sum over the months;
- stocks and published scores (``last``): the value at the period's end (the
  latest month of the window that has a figure);
- ratios: recomputed from the summed/period-end numerator and denominator, never
  averaged; a zero denominator gives no figure (N/A), not 0.

A unit without its own row for an additive indicator gets the sum of its
children's figures, marked as computed."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Optional

from .catalogue import Indicator
from .load import DataSet
from .periods import Period

MET, NOT_MET, NO_TARGET, NO_DATA = "met", "not_met", "no_target", "no_data"
STATUS_LABELS = {
    "vi": {MET: "Đạt", NOT_MET: "Chưa đạt", NO_TARGET: "Không có chỉ tiêu", NO_DATA: "Chưa có số liệu"},
    "en": {MET: "Met", NOT_MET: "Not met", NO_TARGET: "No target", NO_DATA: "No data"},
}


@dataclass(frozen=True)
class Value:
    """One aggregated figure: the number, whether it was computed from the
    children's rows, and how many months of the window had data."""

    value: object = None
    computed: bool = False
    months: int = 0
    numerator: object = None
    denominator: object = None
    comparable: bool = True         # False: a window before a merger that cannot be compared
    reason: Optional[str] = None    # why not comparable (a key of NOT_COMPARABLE)

    def not_comparable_text(self, lang: str = "vi") -> str:
        """"không so sánh được (…)" for a figure that is not comparable, else ""."""
        if self.comparable:
            return ""
        label = NOT_COMPARABLE_LABEL["en" if lang == "en" else "vi"]
        reason = NOT_COMPARABLE.get(self.reason, {}).get("en" if lang == "en" else "vi")
        return f"{label} ({reason})" if reason else label


NONE = Value()
NOT_ADDITIVE, SPLIT = "not_additive", "split"
NOT_COMPARABLE_LABEL = {"vi": "không so sánh được", "en": "not comparable"}
NOT_COMPARABLE = {
    NOT_ADDITIVE: {"vi": "chỉ tiêu không cộng được giữa các đơn vị đã hợp nhất",
                   "en": "the indicator does not add up across the merged units"},
    SPLIT: {"vi": "một đơn vị cũ đã được chia cho nhiều đơn vị mới",
            "en": "an old unit was split between several new units"},
}


def _not_comparable(reason: str) -> Value:
    return Value(comparable=False, reason=reason)


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
    extra: dict = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def value(self):
        return self.current.value

    def change(self, other: Value):
        """Difference to another figure (percentage points for ratios)."""
        if self.current.value is None or other.value is None:
            return None
        return self.current.value - other.value

    def change_pct(self, other: Value):
        """Relative change in percent, for counts and amounts."""
        if self.indicator.unit == "percent" or self.current.value is None or not other.value:
            return None
        return _round(Decimal(self.current.value - other.value) * 100 / Decimal(other.value), 1)

    def to_dict(self) -> dict:
        d = {
            "value": _json(self.current.value), "previous": _json(self.previous.value),
            "same_period_last_year": _json(self.last_year.value), "ytd": _json(self.ytd.value),
            "ytd_same_period_last_year": _json(self.ytd_last_year.value),
            "target": _json(self.target), "status": self.status, "ytd_status": self.ytd_status,
            "computed": self.current.computed, "unit": self.indicator.unit,
            "months_with_data": self.current.months,
        }
        if self.indicator.is_ratio:
            d["numerator"] = _json(self.current.numerator)
            d["denominator"] = _json(self.current.denominator)
        windows = {"value": self.current, "previous": self.previous, "same_period_last_year": self.last_year,
                   "ytd": self.ytd, "ytd_same_period_last_year": self.ytd_last_year}
        not_comparable = {k: v.reason for k, v in windows.items() if not v.comparable}
        if not_comparable:
            d["not_comparable"] = not_comparable      # those figures are null: why
        return d


def _json(v):
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() and v.as_tuple().exponent >= 0 else float(v)
    return v


def _round(v: Decimal, decimals: int) -> Decimal:
    return v.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def status_of(value, target, op: Optional[str]) -> str:
    if value is None:
        return NO_DATA
    if target is None:
        return NO_TARGET
    ok = value <= target if op == "<=" else value >= target
    return MET if ok else NOT_MET


class Calculator:
    """Computes figures over one data set, caching month-level look-ups."""

    def __init__(self, ds: DataSet):
        self.ds = ds
        self.catalogue = ds.catalogue
        self.units = ds.units
        self.month_value = lru_cache(maxsize=None)(self._month_value)
        self.version_month = lru_cache(maxsize=None)(self._version_month_value)

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
        if version.valid_in(month):
            return self._own_or_children(version, code, month)
        if version.valid_from is not None and month < f"{version.valid_from:%Y-%m}":
            return self._predecessors_sum(version, code, month)
        return NONE                                # after the unit ended

    def _own_or_children(self, version, code: str, month: str) -> Value:
        rec = self.ds.record(month, version.code, code)
        if rec is not None and rec.value is not None:
            return Value(rec.value, False, 1)
        ind = self.catalogue.get(code)
        if ind is None or not ind.additive:
            return NONE
        parts = [self.month_value(c.code, code, month) for c in self._contributors(version.code, month)]
        parts = [p for p in parts if p.value is not None]
        if not parts:
            return NONE
        return Value(sum(p.value for p in parts), True, 1)

    def _contributors(self, unit: str, month: str) -> list:
        """Whose rows add up to ``unit``'s figure in ``month``: its children then."""
        return [c for c in self.units.children(unit, month) if c.code != unit]

    def _predecessors_sum(self, version, code: str, month: str) -> Value:
        """Before a unit began: the sum of the units that merged into it, for what adds
        up; a lone predecessor's own figure; otherwise not comparable."""
        preds = self.units.predecessors(version.code, before=version)
        if not preds:
            return NONE
        if any(len(p.successors) > 1 for p in preds):
            return _not_comparable(SPLIT)
        ind = self.catalogue.get(code)
        if len(preds) > 1 and (ind is None or not ind.additive):
            return _not_comparable(NOT_ADDITIVE)
        parts = [self.version_month(p, code, month) for p in preds]
        blocked = [p for p in parts if not p.comparable]
        if blocked:
            return blocked[0]
        parts = [p for p in parts if p.value is not None]
        if not parts:
            return NONE
        return Value(sum(p.value for p in parts), True, 1)

    # -- a window -------------------------------------------------------------------
    def value(self, unit: str, code: str, period: Period, at: Optional[str] = None) -> Value:
        """The figure over ``period`` of the version of ``unit`` valid in ``at``
        (default: the period's last month)."""
        ind = self.catalogue[code]
        at = at or period.end.code
        if ind.is_ratio:
            return self._ratio(unit, ind, period, at)
        return self._input(unit, ind, period, at)

    def _input(self, unit: str, ind: Indicator, period: Period, at: str) -> Value:
        months = [self._at(unit, ind.code, m, at) for m in period.month_codes()]
        have = [v for v in months if v.value is not None]
        blocked = [v for v in months if not v.comparable]
        if ind.aggregation == "sum" and blocked:
            return blocked[0]
        if not have:
            return blocked[0] if blocked else NONE
        computed = any(v.computed for v in have)
        if ind.aggregation == "sum":
            return Value(sum(v.value for v in have), computed, len(have))
        last = max(i for i, v in enumerate(months) if v.value is not None or not v.comparable)
        if not months[last].comparable:
            return months[last]
        return Value(have[-1].value, have[-1].computed, len(have))

    def _ratio(self, unit: str, ind: Indicator, period: Period, at: str) -> Value:
        nums = [self._input(unit, self.catalogue[c], period, at) for c in ind.numerator]
        den = self._input(unit, self.catalogue[ind.denominator], period, at)
        blocked = [v for v in nums + [den] if not v.comparable]
        if blocked:
            return blocked[0]
        if den.value is None or any(n.value is None for n in nums):
            reported = self._input(unit, ind.model_copy(update={"aggregation": "last"}), period, at)
            return reported
        num = sum(n.value for n in nums)
        computed = den.computed or any(n.computed for n in nums)
        months = min([den.months] + [n.months for n in nums])
        if den.value == 0:
            return Value(None, computed, months, num, den.value)
        ratio = _round(Decimal(num) * 100 / Decimal(den.value), ind.decimals)
        return Value(ratio, computed, months, num, den.value)

    # -- a figure with its comparisons ------------------------------------------------
    def target(self, unit: str, code: str, year: int):
        t = self.ds.target(code, unit, year)
        return t if t is not None else self.catalogue[code].target

    def figure(self, unit: str, code: str, period: Period) -> Figure:
        ind = self.catalogue[code]
        ytd, at = period.ytd(), period.end.code      # comparisons are for the unit as it is in the period
        fig = Figure(
            indicator=ind, unit=unit, period=period,
            current=self.value(unit, code, period, at),
            previous=self.value(unit, code, period.previous(), at),
            last_year=self.value(unit, code, period.same_period_last_year(), at),
            ytd=self.value(unit, code, ytd, at),
            ytd_last_year=self.value(unit, code, ytd.same_period_last_year(), at),
            target=self.target(unit, code, period.year),
        )
        fig.status = status_of(fig.current.value, fig.target, ind.target_op)
        fig.ytd_status = status_of(fig.ytd.value, fig.target, ind.target_op)
        return fig

    def figures(self, unit: str, period: Period) -> dict[str, Figure]:
        return {i.code: self.figure(unit, i.code, period) for i in self.catalogue}

    def series(self, unit: str, code: str, months: list[Period], at: Optional[str] = None) -> list:
        """Monthly values (ratios recomputed per month) for trend charts, for the
        unit as it is in ``at`` (default: the last month)."""
        at = at or (months[-1].end.code if months else None)
        return [self.value(unit, code, m, at).value for m in months]

    def children(self, unit: str, code: str, period: Period) -> list[tuple]:
        """``(child unit, Value)`` for comparison charts across departments/districts
        (the children that exist at the period's end)."""
        at = period.end.code
        kids = [c for c in self.units.children(unit, at) if c.code != unit]
        return [(c, self.value(c.code, code, period, at)) for c in kids]


def compute_figures(ds: DataSet, unit: str, period) -> dict[str, Figure]:
    return Calculator(ds).figures(unit, Period.parse(period))
