"""Who has reported: expected, reported, missing and partial units, on data folders built here."""

from __future__ import annotations

from conftest import write_data

from helpers.coverage import coverage
from helpers.load import load_data
from helpers.periods import Period

UNITS = """code,name_vi,name_en,level,parent,valid_from,valid_to
10,Tỉnh Thử,Test Province,province,,,
10-A,Sở A,Department A,department,10,,
10-B,Sở B,Department B,department,10,,
001,Xã Một,Commune One,commune,10,,
002,Xã Hai,Commune Two,commune,10,,
003,Xã Ba,Commune Three,commune,10,,
004,Xã Bốn,Commune Four,commune,10,,2026-08-31
"""

HEADER = "unit,indicator,value\n"


def month(*rows) -> str:
    return HEADER + "".join(f"{u},{i},{v}\n" for u, i, v in rows)


def build(tmp_path):
    sep = month(("001", "dossiers_received", 10), ("002", "dossiers_received", 5), ("003", "eid_applications", 1))
    oct_ = month(("10-A", "dossiers_received", 7), ("10-B", "dossiers_received", 3),
                 ("001", "dossiers_received", 10), ("001", "eid_applications", 4),
                 ("002", "eid_applications", 2))
    return load_data(write_data(tmp_path, {"2026-09.csv": sep, "2026-10.csv": oct_}, units=UNITS))


def test_expected_reported_missing_and_partial(tmp_path):
    c = coverage(build(tmp_path), "10", Period.parse("2026-10"))
    assert c.as_json() == {"expected": 5, "reported": 4, "missing": ["003"], "partial": ["002"], "late": []}
    assert c.as_json()["expected"] - c.as_json()["reported"] == len(c.as_json()["missing"])
    # 004 ended in August: not expected in October
    assert [u.code for u in c.units] == ["10-A", "10-B", "001", "002", "003"]
    assert c.by_level() == {"department": {"expected": 2, "reported": 2, "partial": 0},
                            "commune": {"expected": 3, "reported": 2, "partial": 1}}
    assert c.worst_level() == "commune"


def test_a_partial_unit_says_what_it_lacks_and_what_it_sent(tmp_path):
    c = coverage(build(tmp_path), "10", "2026-10")
    two = next(u for u in c.units if u.code == "002")
    assert two.lacking == ("dossiers_received",) and two.areas == ("de_an_06",)
    assert c.inputs["commune"] == ("dossiers_received", "eid_applications")
    assert c.inputs["department"] == ("dossiers_received",)


def test_a_missing_unit_has_its_last_month_with_figures(tmp_path):
    c = coverage(build(tmp_path), "10", "2026-10")
    assert [(u.code, u.last_period) for u in c.missing] == [("003", "2026-09")]


def test_a_level_without_any_figure_in_the_period_is_not_expected(tmp_path):
    ds = load_data(write_data(tmp_path, {"2026-10.csv": month(("10-A", "dossiers_received", 7))}, units=UNITS))
    c = coverage(ds, "10", "2026-10")
    assert c.levels == ("department",)
    assert c.as_json() == {"expected": 2, "reported": 1, "missing": ["10-B"], "partial": [], "late": []}


def test_a_quarter_counts_a_figure_sent_in_any_of_its_months(tmp_path):
    c = coverage(build(tmp_path), "10", "2026-Q3")
    # September only: 004 (ended in August) is not active in the quarter's last month
    assert c.as_json() == {"expected": 3, "reported": 3, "missing": [], "partial": ["001", "002", "003"], "late": []}
    assert c.levels == ("commune",)
    assert c.complete is False


def test_a_unit_with_nothing_below_it_expects_nobody(tmp_path):
    c = coverage(build(tmp_path), "10-A", "2026-10")
    assert c.as_json() == {"expected": 0, "reported": 0, "missing": [], "partial": [], "late": []}
    assert c.worst_level() is None and c.complete
