"""A figure's value (:class:`Value`: the number, how it was made, whether it compares, and why not),
and comparing like with like, for :class:`helpers.figures.Calculator` (a mixin over its month look-ups):

- a sum of sub-units compared over the sub-units that have figures in both windows (each unit with
  the months it has in both, offset by offset), a ratio's numerator and denominator over the same
  units; a sub-unit as it is in the report's month stands for the units it continues from
  (``successor`` links), so across the 2025 merger an old unit and the new ones it continues into form
  one group and an old unit with no link has no counterpart;
- a unit that existed for part of a year judged on the same part: its year-end target pro-rated to
  its months of activity.

- a window that runs across the month a unit's figures begin, with nothing standing for it before,
  is not comparable (:data:`BEGAN`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from .catalogue import Indicator
from .periods import Period
from .text import t


@dataclass(frozen=True)
class Value:
    """One aggregated figure: the number, whether it was computed from the
    children's rows, and how many months of the window had data."""

    value: object = None
    computed: bool = False
    months: int = 0
    numerator: object = None
    denominator: object = None
    reported: Optional[int] = None     # computed sums: sub-units that reported …
    expected: Optional[int] = None     # … of the sub-units expected to
    comparable: bool = True         # False: a window before a merger that cannot be compared
    reason: Optional[str] = None    # why not comparable (a key of NOT_COMPARABLE)
    summed: bool = False            # a month's sum of sub-units' rows (also through the units it continues)

    @property
    def incomplete(self) -> bool:
        """A sum of sub-units in which some expected sub-units are missing."""
        return self.computed and self.expected is not None and (self.reported or 0) < self.expected

    def not_comparable_text(self, lang: str = "vi") -> str:
        """"không so sánh được (…)" for a figure that is not comparable, else ""."""
        if self.comparable:
            return ""
        label = t(lang, "figures.not_comparable")
        reason = t(lang, f"figures.not_comparable.{self.reason}") if self.reason in NOT_COMPARABLE else None
        return f"{label} ({reason})" if reason else label


NONE = Value()
NOT_ADDITIVE, SPLIT, BEGAN, COVERAGE = "not_additive", "split", "began", "coverage"
NOT_COMPARABLE = (NOT_ADDITIVE, SPLIT, BEGAN, COVERAGE)   # the reasons (wording: figures.not_comparable.<reason>)
COMPARED = ("previous", "same_period_last_year", "ytd_same_period_last_year")   # metrics.json's compared windows
FLOW_KINDS = ("count", "amount")     # flows of these add up across units that merged, whatever `additive` says


def not_comparable(reason: str) -> Value:
    return Value(comparable=False, reason=reason)


MIN_COMMON_SHARE = Decimal("0.5")    # fewer common units than this share of those expected: not comparable


@dataclass(frozen=True)
class CommonSums:
    """The parts of a figure (by indicator code) over the sub-units common to two windows."""

    units: int                  # sub-units with figures in both windows
    expected: int               # sub-units expected to report in this period
    now: dict                   # part code -> sum over the common units, this window
    then: dict                  # … the compared window
    changed: bool = True        # some sub-unit has figures in months of one window and not the other

    @property
    def enough(self) -> bool:
        """At least half of the sub-units expected to report this period have figures in both
        windows: a comparison over fewer says little about the unit."""
        return self.units > 0 and Decimal(self.units) >= MIN_COMMON_SHARE * self.expected


@dataclass(frozen=True)
class PartYear:
    """A unit active for only part of the year of a year-end target."""

    months: int                 # its months of activity in the year
    so_far: int                 # … up to the report's last month

    def target(self, target) -> Decimal:
        return Decimal(target) * self.months / 12

    def month(self, month: int):
        """The report's month on the pro-rated year's scale (its last month of activity is 12)."""
        return Decimal(12) * self.so_far / self.months if self.so_far < self.months else 12


class CommonUnits:
    """Like-for-like sums and part-year quotas (a mixin of :class:`helpers.figures.Calculator`)."""

    def parts_of(self, ind) -> list[str]:
        return [*ind.numerator, ind.denominator] if ind.is_ratio else [ind.code]

    def _present(self, unit: str, parts: list[str], month: str, at: str) -> bool:
        for code in parts:
            v = self.month_at(unit, code, month, at)
            if v.value is None or not v.comparable:
                return False
        return True

    def _own_rows(self, unit: str, parts: list[str], months: list[str], at: str) -> bool:
        """Whether own rows (the unit's or, before it began, its predecessors': totals, not sums of
        sub-units) give any of these months' figures."""
        return any((v := self.month_at(unit, code, m, at)).value is not None and not v.summed
                   for code in parts for m in months)

    def common_sums(self, unit: str, ind, now, then, at: str) -> Optional[CommonSums]:
        """``ind`` over the sub-units of ``unit`` (as they are in ``at``) that have figures in both
        ``now`` and ``then``; None when the figure is not a sum of sub-units in both windows. Whether
        other units stand behind the unit's own sums (an old unit that continues into none) is for the
        caller to see, comparing these sums with them."""
        parts = self.parts_of(ind)
        a, b = now.month_codes(), then.month_codes()
        if len(a) != len(b) or not all(self.catalogue[p].additive for p in parts):
            return None
        if self._own_rows(unit, parts, a + b, at):
            return None
        kids = [c for c in self.sub_units(unit, at) if not ind.levels or c.level in ind.levels]
        paired, changed = {}, False
        for c in kids:
            here = [self._present(c.code, parts, m, at) for m in a]
            there = [self._present(c.code, parts, m, at) for m in b]
            changed = changed or here != there
            both = [(ma, mb) for ma, mb, x, y in zip(a, b, here, there) if x and y]
            if both:
                paired[c.code] = both
        if not kids:
            return None
        return CommonSums(len(paired), len(kids), self._summed(paired, parts, 0, at),
                          self._summed(paired, parts, 1, at), changed)

    def _summed(self, paired: dict, parts: list[str], side: int, at: str) -> dict:
        out = {}
        for code in parts:
            ind = self.catalogue[code]
            values = [self.over_months(c, ind, [pair[side] for pair in pairs], at).value
                      for c, pairs in paired.items()]
            values = [v for v in values if v is not None]
            out[code] = sum(values) if values else None
        return out

    def over_common_units(self, unit: str, ind: Indicator, now: tuple, then: tuple, at: str,
                          comparisons: dict, name: str) -> Value:
        """``then`` (a window and its figure) as the base of a comparison with ``now``: where the
        sub-units behind the two sums differ, both over the sub-units with figures in both windows
        (``comparisons[name]``: how many, and ``now``'s figure over them); not comparable
        (:data:`COVERAGE`) when fewer than half of the sub-units expected are common."""
        (now_window, mine), (window, other) = now, then
        if mine.value is None or other.value is None or not (mine.computed or other.computed):
            return other
        common = self.common_sums(unit, ind, now_window, window, at)
        if common is None:
            return other
        base, over_common = _from_parts(ind, common.then, other, common), _from_parts(ind, common.now, mine, common)
        if not common.changed and base.value == other.value and over_common.value == mine.value:
            return other                              # the same units behind both sums
        if not common.enough:
            return not_comparable(COVERAGE)
        comparisons[name] = (common.units, over_common)
        return base

    def grows_with_months(self, ind: Indicator) -> bool:
        """Whether the figure grows with the months it adds up: a flow, or a flow against a
        stock (e-ID applications against the year's quota). A stock is the value at the
        window's end, and a ratio of two flows is a rate over whichever months there are."""
        if not ind.is_ratio:
            return ind.aggregation == "sum"
        sums = {self.catalogue[c].aggregation == "sum" for c in [*ind.numerator, ind.denominator]}
        return sums == {True, False}

    def began(self, unit: str, at: str) -> Optional[str]:
        """The month from which ``unit`` (as it is in ``at``) has figures of its own: its start, or,
        for a unit that has always been there but whose sub-units all began later (a province
        whose communes replaced its districts in July 2025, without the old units in units.csv),
        the first sub-unit's start. ``None``: no such month."""
        version = self.units.get(unit, at)
        if version is None:
            return None
        if version.valid_from is not None:
            return f"{version.valid_from:%Y-%m}"
        starts = [c.valid_from for c in self.sub_units(version.code, at)]
        return f"{min(starts):%Y-%m}" if starts and None not in starts else None

    def like_for_like(self, unit: str, ind: Indicator, window: Period, other: Value, at: str) -> Value:
        """``other``, the figure over ``window``, as a comparison: a figure that grows with its
        months is not comparable when ``window`` runs across the month the unit's figures begin
        (:meth:`began`) and nothing stands for it before (no predecessor's or own figure in any of
        those months): a new commune's 2025 year to date would be its months since July only."""
        if other.value is None or not self.grows_with_months(ind):
            return other
        start, months = self.began(unit, at), window.month_codes()
        if start is None or not months[0] < start <= months[-1]:
            return other
        parts = [*ind.numerator, ind.denominator] if ind.is_ratio else [ind.code]
        if any(self.month_at(unit, code, m, at).value is not None for code in parts for m in months if m < start):
            return other
        return not_comparable(BEGAN)

    # -- part of a year ----------------------------------------------------------------------
    def part_year(self, unit: str, ind, period) -> Optional[PartYear]:
        """Whether ``unit`` (as it is at the period's end) was active for only part of the period's year
        on ``ind``, a figure that grows with its months against a year-end target: it began during the
        year and nothing stands for it before (no figure of its own or its predecessors')."""
        if not ind.year_end or not self.grows_with_months(ind):
            return None
        at = period.end.code
        start = self.began(unit, at)
        year = f"{period.year}"
        if start is None or not (f"{year}-01" < start <= f"{year}-12"):
            return None
        before = [f"{year}-{m:02d}" for m in range(1, int(start[5:]))]
        if any(self.month_at(unit, code, m, at).value is not None for code in self.parts_of(ind) for m in before):
            return None
        first = int(start[5:])
        return PartYear(months=13 - first, so_far=max(0, period.last - first + 1))


def adds_across_units(ind: Optional[Indicator]) -> bool:
    """Whether figures of units that merged add up to the merged unit's: what adds up to a parent
    (``additive``), and a flow of counts or amounts (documents issued, money disbursed by each)."""
    if ind is None:
        return False
    return ind.additive or (ind.aggregation == "sum" and ind.kind in FLOW_KINDS)


def _from_parts(ind: Indicator, parts: dict, like: Value, common) -> Value:
    """A figure from its parts' sums over common units (a ratio recomputed from them)."""
    cover = {"reported": common.units, "expected": common.expected}
    if not ind.is_ratio:
        return Value(parts[ind.code], True, like.months, **cover)
    num = [parts[c] for c in ind.numerator]
    den = parts[ind.denominator]
    if den is None or any(n is None for n in num):
        return Value(None, True, like.months, **cover)
    num = sum(num)
    ratio = Decimal(num) * 100 / Decimal(den) if den else None
    return Value(ratio, True, like.months, num, den, **cover)
