"""Comparing like with like, for :class:`helpers.figures.Calculator` (a mixin over its month look-ups):

- a sum of sub-units compared over the sub-units that have figures in both windows (each unit with
  the months it has in both, offset by offset), a ratio's numerator and denominator over the same
  units; a sub-unit as it is in the report's month stands for the units it continues from
  (``successor`` links), so across the 2025 merger an old unit and the new ones it continues into form
  one group and an old unit with no link has no counterpart;
- a unit that existed for part of a year judged on the same part: its year-end target pro-rated to
  its months of activity.

Numbers only (sums of the parts by indicator code); :mod:`helpers.figures` makes them figures."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

MIN_COMMON_SHARE = Decimal("0.5")    # fewer common units than this share of this period's: not comparable


@dataclass(frozen=True)
class CommonSums:
    """The parts of a figure (by indicator code) over the sub-units common to two windows."""

    units: int                  # sub-units with figures in both windows
    expected: int               # sub-units expected to report
    behind: int                 # sub-units behind this period's figure (with a figure in it)
    now: dict                   # part code -> sum over the common units, this window
    then: dict                  # … the compared window

    @property
    def enough(self) -> bool:
        """At least half of the units behind this period's figure are common to both windows: a
        comparison over fewer says little about the figure on the page."""
        return self.units > 0 and Decimal(self.units) >= MIN_COMMON_SHARE * self.behind


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
        """Whether the unit's own rows (not a sum of sub-units) give any of these months' figures."""
        return any((v := self.month_at(unit, code, m, at)).value is not None and not v.computed
                   for code in parts for m in months)

    def common_sums(self, unit: str, ind, now, then, at: str) -> Optional[CommonSums]:
        """``ind`` over the sub-units of ``unit`` (as they are in ``at``) that have figures in both
        ``now`` and ``then``, when the units behind the two sums differ; None when the figure is not a
        sum of sub-units in both windows or the same units stand behind both."""
        parts = self.parts_of(ind)
        a, b = now.month_codes(), then.month_codes()
        if len(a) != len(b) or not all(self.catalogue[p].additive for p in parts):
            return None
        if self._own_rows(unit, parts, a + b, at):
            return None
        kids = [c for c in self.sub_units(unit, at) if not ind.levels or c.level in ind.levels]
        paired, changed, behind = {}, False, 0
        for c in kids:
            here = [self._present(c.code, parts, m, at) for m in a]
            there = [self._present(c.code, parts, m, at) for m in b]
            changed, behind = changed or here != there, behind + any(here)
            both = [(ma, mb) for ma, mb, x, y in zip(a, b, here, there) if x and y]
            if both:
                paired[c.code] = both
        if not changed or not kids:
            return None
        return CommonSums(len(paired), len(kids), behind, self._summed(paired, parts, 0, at),
                          self._summed(paired, parts, 1, at))

    def _summed(self, paired: dict, parts: list[str], side: int, at: str) -> dict:
        out = {}
        for code in parts:
            ind = self.catalogue[code]
            values = [self.over_months(c, ind, [pair[side] for pair in pairs], at).value
                      for c, pairs in paired.items()]
            values = [v for v in values if v is not None]
            out[code] = sum(values) if values else None
        return out

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
