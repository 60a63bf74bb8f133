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


NONE = Value()


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

    # -- one month ----------------------------------------------------------------
    def _month_value(self, unit: str, code: str, month: str) -> Value:
        rec = self.ds.record(month, unit, code)
        if rec is not None and rec.value is not None:
            return Value(rec.value, False, 1)
        ind = self.catalogue.get(code)
        if ind is None or not ind.additive:
            return NONE
        parts = [self.month_value(c.code, code, month) for c in self._contributors(unit, month)]
        parts = [p for p in parts if p.value is not None]
        if not parts:
            return NONE
        return Value(sum(p.value for p in parts), True, 1)

    def _contributors(self, unit: str, month: str) -> list:
        """Whose rows add up to ``unit``'s figure in ``month``: its children, or, before
        the unit existed (a merger), the units that merged into it."""
        u = self.units.get(unit)
        if u is not None and u.valid_from is not None and month < f"{u.valid_from:%Y-%m}":
            return self.units.predecessors(unit)
        return self.units.children(unit)

    # -- a window -------------------------------------------------------------------
    def value(self, unit: str, code: str, period: Period) -> Value:
        ind = self.catalogue[code]
        if ind.is_ratio:
            return self._ratio(unit, ind, period)
        return self._input(unit, ind, period)

    def _input(self, unit: str, ind: Indicator, period: Period) -> Value:
        months = [self.month_value(unit, ind.code, m) for m in period.month_codes()]
        have = [v for v in months if v.value is not None]
        if not have:
            return NONE
        computed = any(v.computed for v in have)
        if ind.aggregation == "sum":
            return Value(sum(v.value for v in have), computed, len(have))
        return Value(have[-1].value, have[-1].computed, len(have))

    def _ratio(self, unit: str, ind: Indicator, period: Period) -> Value:
        nums = [self._input(unit, self.catalogue[c], period) for c in ind.numerator]
        den = self._input(unit, self.catalogue[ind.denominator], period)
        if den.value is None or any(n.value is None for n in nums):
            reported = self._input(unit, ind.model_copy(update={"aggregation": "last"}), period)
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
        ytd = period.ytd()
        fig = Figure(
            indicator=ind, unit=unit, period=period,
            current=self.value(unit, code, period),
            previous=self.value(unit, code, period.previous()),
            last_year=self.value(unit, code, period.same_period_last_year()),
            ytd=self.value(unit, code, ytd),
            ytd_last_year=self.value(unit, code, ytd.same_period_last_year()),
            target=self.target(unit, code, period.year),
        )
        fig.status = status_of(fig.current.value, fig.target, ind.target_op)
        fig.ytd_status = status_of(fig.ytd.value, fig.target, ind.target_op)
        return fig

    def figures(self, unit: str, period: Period) -> dict[str, Figure]:
        return {i.code: self.figure(unit, i.code, period) for i in self.catalogue}

    def series(self, unit: str, code: str, months: list[Period]) -> list:
        """Monthly values (ratios recomputed per month) for trend charts."""
        return [self.value(unit, code, m).value for m in months]

    def children(self, unit: str, code: str, period: Period) -> list[tuple]:
        """``(child unit, Value)`` for comparison charts across departments/districts."""
        return [(c, self.value(c.code, code, period)) for c in self.units.children(unit)]


def compute_figures(ds: DataSet, unit: str, period) -> dict[str, Figure]:
    return Calculator(ds).figures(unit, Period.parse(period))
