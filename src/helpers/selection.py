"""How the report picks units: the order of a league, the lowest or highest unit, the units that miss
most targets. Every pick is made here, once, on the figures — ties broken by value, then by unit code
ascending, never by a name in one language — so both language editions name the same units in the same
order, and units tied at the extreme are all returned so the page can name or count them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Generic, Iterable, Optional, TypeVar

T = TypeVar("T")

UNIFORM = Decimal("0.05")       # values whose range is within 5% of their median are even across units


@dataclass(frozen=True)
class Pick(Generic[T]):
    """The units at one extreme: ``value`` shared by every item of ``items`` (in code order)."""

    value: object
    items: tuple[T, ...]

    @property
    def tied(self) -> bool:
        return len(self.items) > 1


def in_order(items: Iterable[T], value: Callable[[T], object], code: Callable[[T], str], *,
             best_first: bool = True, lower_better: bool = False) -> list[T]:
    """Items with a value, best first (or worst first), ties by code ascending; items without one left out."""
    have = [i for i in items if value(i) is not None]
    descending = best_first != lower_better
    by_code = sorted(have, key=code)
    return sorted(by_code, key=value, reverse=descending)    # stable: equal values keep the code order


def competition_ranks(items: Iterable[T], value: Callable[[T], object], code: Callable[[T], str], *,
                      lower_better: bool = False) -> dict[str, int]:
    """``{code: rank}``, 1 for the best, equal values sharing a rank (1, 2, 2, 4)."""
    ranks, last, last_rank = {}, object(), 0
    for position, item in enumerate(in_order(items, value, code, lower_better=lower_better), start=1):
        if value(item) != last:
            last, last_rank = value(item), position
        ranks[code(item)] = last_rank
    return ranks


def worst(items: Iterable[T], value: Callable[[T], object], code: Callable[[T], str], *,
          lower_better: bool = False) -> Optional[Pick[T]]:
    """The item(s) with the worst value: the lowest, or the highest when lower is better."""
    ordered = in_order(items, value, code, best_first=False, lower_better=lower_better)
    return _first_group(ordered, value)


def best(items: Iterable[T], value: Callable[[T], object], code: Callable[[T], str], *,
         lower_better: bool = False) -> Optional[Pick[T]]:
    ordered = in_order(items, value, code, best_first=True, lower_better=lower_better)
    return _first_group(ordered, value)


def most(items: Iterable[T], count: Callable[[T], int], code: Callable[[T], str]) -> Optional[Pick[T]]:
    """The item(s) with the largest positive count (e.g. targets missed), ties all returned."""
    pick = best([i for i in items if count(i) > 0], count, code)
    return pick


def uniform(values: Iterable, *, within: Decimal = UNIFORM) -> bool:
    """Whether the values are even across units: their range is within ``within`` of their median
    ("đồng đều ở mọi đơn vị (41,32–42,81%)"). Fewer than two values are not a comparison."""
    numbers = sorted(Decimal(str(v)) for v in values if v is not None)
    if len(numbers) < 2:
        return True
    median = numbers[len(numbers) // 2]
    spread = numbers[-1] - numbers[0]
    return spread == 0 or (median != 0 and spread <= within * abs(median))


def _first_group(ordered: list[T], value: Callable[[T], object]) -> Optional[Pick[T]]:
    if not ordered:
        return None
    top = value(ordered[0])
    return Pick(top, tuple(i for i in ordered if value(i) == top))
