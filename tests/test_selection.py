"""Picks are made on the figures, ties by value then code, and tied units are all returned."""

from __future__ import annotations

from decimal import Decimal

from helpers.selection import best, competition_ranks, in_order, most, uniform, worst

ROWS = [("03", Decimal("42.1")), ("01", Decimal("41.3")), ("02", Decimal("42.1")), ("04", None), ("05", Decimal("50"))]


def value(row):
    return row[1]


def code(row):
    return row[0]


def test_order_is_by_value_then_code_and_leaves_out_missing_values():
    assert [c for c, _ in in_order(ROWS, value, code)] == ["05", "02", "03", "01"]
    assert [c for c, _ in in_order(ROWS, value, code, best_first=False)] == ["01", "02", "03", "05"]
    assert [c for c, _ in in_order(ROWS, value, code, lower_better=True)] == ["01", "02", "03", "05"]


def test_the_order_does_not_depend_on_the_input_order():
    assert in_order(ROWS, value, code) == in_order(list(reversed(ROWS)), value, code)


def test_competition_ranks_share_a_rank_on_equal_values():
    assert competition_ranks(ROWS, value, code) == {"05": 1, "02": 2, "03": 2, "01": 4}
    assert competition_ranks(ROWS, value, code, lower_better=True) == {"01": 1, "02": 2, "03": 2, "05": 4}


def test_worst_and_best_return_every_tied_unit_in_code_order():
    pick = worst(ROWS, value, code, lower_better=True)
    assert pick.value == Decimal("50") and [c for c, _ in pick.items] == ["05"] and not pick.tied
    tied = best([("b", 2), ("a", 2), ("c", 1)], value, code)
    assert [c for c, _ in tied.items] == ["a", "b"] and tied.tied
    assert worst([("x", None)], value, code) is None


def test_most_names_every_unit_tied_at_the_largest_count():
    misses = [("Phường Lào Cai", "02647", 2), ("Xã Khánh Hòa", "02650", 2), ("Xã Ba", "02700", 1)]
    pick = most(misses, lambda r: r[2], lambda r: r[1])
    assert pick.value == 2 and [r[1] for r in pick.items] == ["02647", "02650"]
    assert most([("a", "1", 0)], lambda r: r[2], lambda r: r[1]) is None


def test_values_within_five_percent_of_their_median_are_even():
    assert uniform([Decimal("41.32"), Decimal("42.81"), Decimal("42.00")])
    assert not uniform([Decimal(60), Decimal(80), Decimal(81)])
    assert uniform([Decimal(7)]) and uniform([0, 0])
    assert not uniform([0, 3])
