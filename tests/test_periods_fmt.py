from decimal import Decimal

import pytest

from helpers import fmt
from helpers.errors import ParameterError
from helpers.periods import Period, month_of_file


@pytest.mark.parametrize("code,vi,en", [
    ("2023-10", "tháng 10/2023", "October 2023"),
    ("2023-Q3", "quý III/2023", "Q3 2023"),
    ("2023-H1", "6 tháng đầu năm 2023", "first half of 2023"),
    ("2023-H2", "6 tháng cuối năm 2023", "second half of 2023"),
    ("2023", "năm 2023", "year 2023"),
])
def test_period_labels(code, vi, en):
    p = Period.parse(code)
    assert p.code == code
    assert p.label("vi") == vi
    assert p.label("en") == en


def test_year_to_date_label_and_months():
    ytd = Period.parse("2023-10").ytd()
    assert ytd.label("vi") == "10 tháng năm 2023"
    assert ytd.month_codes()[0] == "2023-01" and ytd.month_codes()[-1] == "2023-10"
    assert Period.parse("2023-H1").ytd().label("vi") == "6 tháng đầu năm 2023"


def test_neighbours():
    assert Period.parse("2023-01").previous().code == "2022-12"
    assert Period.parse("2023-Q1").previous().code == "2022-Q4"
    assert Period.parse("2023-H1").previous().code == "2022-H2"
    assert Period.parse("2023").previous().code == "2022"
    assert Period.parse("2023-Q3").same_period_last_year().code == "2022-Q3"
    trailing = Period.parse("2023-03").trailing_months(12)
    assert [trailing[0].code, trailing[-1].code] == ["2022-04", "2023-03"]


@pytest.mark.parametrize("bad", ["2023-13", "2023-Q5", "23-10", "2023/10", "oct 2023", "2023-H3", ""])
def test_malformed_period_is_a_parameter_error(bad):
    with pytest.raises(ParameterError) as exc:
        Period.parse(bad)
    assert "YYYY-MM" in str(exc.value)


def test_period_file_names():
    assert month_of_file("2023-10.csv").code == "2023-10"
    assert month_of_file("2023-10.xlsx").code == "2023-10"
    for bad in ("2023-13.csv", "2023_10.csv", "thang10.csv", "2023-Q3.csv", "2023.csv"):
        assert month_of_file(bad) is None


def test_vietnamese_number_formats():
    assert fmt.number(1989) == "1.989"
    assert fmt.number(60000) == "60.000"
    assert fmt.percent(Decimal("90.35")) == "90,35%"
    assert fmt.percent(Decimal("143.84")) == "143,84%"
    assert fmt.percent(Decimal("76.47"), decimals=1) == "76,5%"
    assert fmt.money(35_000_000_000) == "35 tỷ đồng"
    assert fmt.date(__import__("datetime").date(2023, 11, 14)) == "14/11/2023"
    assert fmt.points(Decimal("16.15")) == "+16,15\u00a0điểm\u00a0%"
    assert fmt.number(None) == "—"


def test_english_number_formats():
    assert fmt.number(1989, "en") == "1,989"
    assert fmt.percent(Decimal("90.35"), "en") == "90.35%"
    assert fmt.money(35_000_000_000, "en") == "35 billion VND"
    assert fmt.points(Decimal("-2.5"), "en") == "−2.50\u00a0pp"        # a no-break space: never wrapped apart


def test_a_change_that_rounds_to_zero_is_unchanged_never_minus_zero():
    assert fmt.points(Decimal("-0.004")) == "không đổi"
    assert fmt.points(Decimal("0.004"), "en") == "unchanged"
    assert fmt.points(Decimal("-0.005")) == "−0,01\u00a0điểm\u00a0%"
    assert fmt.change(Decimal("-0.4"), "count", "vi") == "không đổi"
    assert fmt.change(Decimal("-0.6"), "count", "vi") == "−1"
    assert fmt.change(0, "vnd", "en") == "unchanged"
    assert fmt.change(Decimal("-0.001"), "points", "vi", 2) == "không đổi"


def test_an_english_date_cannot_be_misread():
    import datetime
    assert fmt.date(datetime.date(2026, 12, 2), "en") == "2 December 2026"
    assert fmt.date(datetime.date(2026, 12, 2), "vi") == "02/12/2026"
