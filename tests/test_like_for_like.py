"""Compare like with like (issue 18) on data built here: a sum of sub-units compared over the units
with figures in both windows, groups across the merger, too few common units, a part-year unit's
pro-rated target, a quarterly indicator in a year report, rank changes only against the same field,
⚠ n/N in the month column, and metrics.json valid against its schema."""

import json
from decimal import Decimal

import pytest
from conftest import assert_valid_metrics, csv_rows, write_data

from helpers.figures import COVERAGE, Calculator, compute_figures
from helpers.load import load_data
from helpers.periods import Period
from helpers.report import Report
from helpers.report.display import change_text, ytd_change_text
from helpers.report.leagues import league

UNITS = """code,name_vi,name_en,level,parent,valid_from,valid_to,successor
P,Tỉnh Thử,Test Province,province,,,,
D1,Sở Một,Department One,department,P,,,
D2,Sở Hai,Department Two,department,P,,,
D3,Sở Ba,Department Three,department,P,,,
X1,Huyện Cũ,Old District,district,P,,2025-06-30,
O1,Xã Cũ Một,Old Commune One,commune,X1,,2025-06-30,C1
O2,Xã Cũ Hai,Old Commune Two,commune,X1,,2025-06-30,C1
O3,Xã Cũ Ba,Old Commune Three,commune,X1,,2025-06-30,
C1,Xã Mới Một,New Commune One,commune,P,2025-07-01,,
C2,Xã Mới Hai,New Commune Two,commune,P,2025-07-01,,
"""


def dossiers(unit, received, online=None):
    rows = [f"{unit},dossiers_received,{received},"]
    return rows + ([f"{unit},dossiers_received_online,{online},"] if online is not None else [])


DEPARTMENTS = """code,name_vi,name_en,level,parent,valid_from,valid_to,successor
P,Tỉnh Thử,Test Province,province,,,,
D1,Sở Một,Department One,department,P,,,
D2,Sở Hai,Department Two,department,P,,,
D3,Sở Ba,Department Three,department,P,,,
D4,Sở Bốn,Department Four,department,P,,,
"""


def data(tmp_path, files, units=UNITS):
    return write_data(tmp_path, {name: csv_rows(*rows) for name, rows in files.items()}, units=units)


@pytest.fixture
def changing(tmp_path):
    """D3 reports in February 2026, not in January; D4 in neither."""
    return data(tmp_path, {"2026-01.csv": dossiers("D1", 90, 45) + dossiers("D2", 150, 50),
                           "2026-02.csv": dossiers("D1", 100, 60) + dossiers("D2", 200, 100) + dossiers("D3", 50, 10)},
                units=DEPARTMENTS)


def test_a_sum_whose_units_change_is_compared_over_the_common_units(changing):
    figs = compute_figures(load_data(changing), "P", "2026-02")
    received, rate = figs["dossiers_received"], figs["online_submission_rate"]
    assert received.value == 350 and received.previous.value == 240              # D1 + D2 in both months
    assert received.comparisons["previous"][0] == 2 and received.comparisons["previous"][1].value == 300   # 2 of 4
    assert change_text(received, received.previous, "vi") == "+60"              # not +110: D3 is new
    assert rate.previous.value == Decimal(95) * 100 / 240                         # numerator and denominator
    assert rate.comparisons["previous"][1].value == Decimal(160) * 100 / 300      # over the same units
    d = received.to_dict()
    assert d["comparison_units"] == {"previous": 2} and d["comparison_value"] == {"previous": 300}
    assert "same_period_last_year" not in d["comparison_units"]                  # nothing a year earlier


def test_the_same_units_in_both_windows_need_no_comparison_units(tmp_path):
    folder = data(tmp_path, {"2026-01.csv": dossiers("D1", 90) + dossiers("D2", 150),
                             "2026-02.csv": dossiers("D1", 100) + dossiers("D2", 200)}, units=DEPARTMENTS)
    received = compute_figures(load_data(folder), "P", "2026-02")["dossiers_received"]
    assert received.previous.value == 240 and received.comparisons == {}
    assert "comparison_units" not in received.to_dict()
    assert change_text(received, received.previous, "vi") == "+60"


def test_across_the_merger_successors_form_groups_and_an_unlinked_unit_has_no_counterpart(tmp_path):
    folder = data(tmp_path, {"2025-03.csv": dossiers("O1", 10) + dossiers("O2", 20) + dossiers("O3", 100)
                             + dossiers("D1", 50) + dossiers("D2", 5),
                             "2026-03.csv": dossiers("C1", 40) + dossiers("D1", 60) + dossiers("D2", 7)})
    ds = load_data(folder)
    assert compute_figures(ds, "P", "2025-03")["dossiers_received"].value == 185     # D1 + D2 + the old district
    received = compute_figures(ds, "P", "2026-03")["dossiers_received"]
    # C1 continues O1 and O2 (30 → 40), D1 and D2 themselves (55 → 67); O3 continues into no unit: left out
    assert received.value == 107 and received.last_year.value == 85
    assert received.comparisons["same_period_last_year"][0] == 3          # of the 5 expected: D1-D3, C1, C2
    assert received.comparisons["same_period_last_year"][1].value == 107
    assert change_text(received, received.last_year, "en") == "+22"


def test_fewer_than_half_common_units_is_not_comparable(tmp_path):
    folder = data(tmp_path, {"2025-03.csv": dossiers("D1", 50),
                             "2026-03.csv": dossiers("D1", 60) + dossiers("D2", 70) + dossiers("D3", 80)
                             + dossiers("C1", 40)})
    received = compute_figures(load_data(folder), "P", "2026-03")["dossiers_received"]
    assert received.value == 250
    ly = received.last_year
    assert ly.value is None and not ly.comparable and ly.reason == COVERAGE          # 1 of 5 units
    assert "dưới một nửa số đơn vị" in ly.not_comparable_text("vi")
    d = received.to_dict()
    assert d["same_period_last_year"] is None
    assert d["not_comparable"] == {"same_period_last_year": COVERAGE, "ytd_same_period_last_year": COVERAGE}
    assert change_text(received, ly, "vi") == "không so sánh được"


def eid(unit, months, applications, quota=1000, year=2025):
    return {f"{year}-{m:02d}.csv": [f"{unit},eid_applications,{applications},", f"{unit},eid_quota,{quota},"]
            for m in months}


def test_a_part_year_unit_is_judged_on_its_quota_pro_rated_to_its_months(tmp_path):
    folder = data(tmp_path, eid("C1", range(7, 13), 100))          # July to December: 600 of a 1000 quota
    ds = load_data(folder)
    year = compute_figures(ds, "C1", "2025")["eid_collection_vs_target"]
    assert year.value == 60
    assert (year.target, year.full_target, year.target_prorated_months) == (50, 100, 6)
    assert year.status == "met"                                     # 60% of the year's quota in 6 months
    d = year.to_dict()
    assert d["target"] == 50 and d["target_full_year"] == 100 and d["target_prorated_months"] == 6
    october = compute_figures(ds, "C1", "2025-10")["eid_collection_vs_target"]
    assert october.ytd.value == 40                                  # July to October
    assert round(october.pace, 2) == Decimal("33.33")              # 4 of its 6 months of a 50% target
    assert october.status == "on_track"
    table = Report.open("2025", "C1", str(folder), "vi").table([year])
    target_cell = table.rows[0][-2]
    assert "chỉ tiêu tính theo 6 tháng hoạt động" in target_cell.note
    en = Report.open("2025", "C1", str(folder), "en").table([year])
    assert "target pro-rated to 6 months of operation" in en.rows[0][-2].note


def test_a_unit_with_predecessors_figures_is_judged_on_the_full_year(tmp_path):
    files = eid("C1", range(7, 13), 100)
    files.update(eid("O1", range(1, 7), 80))                        # C1 continues O1
    year = compute_figures(load_data(data(tmp_path, files)), "C1", "2025")["eid_collection_vs_target"]
    assert year.target == 100 and year.target_prorated_months is None


MERGED = """code,name_vi,name_en,level,parent,valid_from,valid_to,successor
A,Tỉnh A,Province A,province,,,2025-06-30,B
B,Tỉnh B,Province B,province,,,2025-06-30,B
B,Tỉnh B mới,New Province B,province,,2025-07-01,,
"""


def test_a_quarterly_flow_appears_in_the_year_report_across_a_merger(tmp_path):
    folder = data(tmp_path, {"2025-03.csv": ["A,vbqppl_issued,10,", "B,vbqppl_issued,20,"],
                             "2025-09.csv": ["B,vbqppl_issued,30,"], "2025-12.csv": ["B,vbqppl_issued,25,"]},
                  units=MERGED)
    fig = compute_figures(load_data(folder), "B", "2025")["vbqppl_issued"]
    assert fig.value == 85 and fig.current.comparable                 # documents issued add up across the merger
    report = Report.open("2025", "B", str(folder), "vi")
    assert "vbqppl_issued" in [f.code for f in report.displayed("the_che")]


def test_a_rank_change_is_shown_only_against_the_same_field(changing, tmp_path):
    calc = Calculator(load_data(changing))
    window, previous = Period.parse("2026-02"), Period.parse("2026-01")
    units = [calc.units.get(c, "2026-02") for c in ("D1", "D2", "D3")]
    lg = league(calc, "P", "online_submission_rate", units, window, previous, 2026, "department")
    assert lg.rank_change_withheld and all(r.previous_rank is None and r.rank_change is None for r in lg.rows)
    table = Report.open("2026-02", "P", str(changing), "vi").league_table(lg)
    assert "Không so sánh thứ hạng: danh sách đơn vị thay đổi so với kỳ trước." in table.notes
    same = data(tmp_path / "same", {"2026-01.csv": dossiers("D1", 90, 45) + dossiers("D2", 150, 50)
                                    + dossiers("D3", 10, 9),
                                    "2026-02.csv": dossiers("D1", 100, 60) + dossiers("D2", 200, 100)
                                    + dossiers("D3", 50, 10)})
    calc = Calculator(load_data(same))
    lg = league(calc, "P", "online_submission_rate", units, window, previous, 2026, "department")
    assert not lg.rank_change_withheld
    assert {r.unit.code: r.rank_change for r in lg.rows} == {"D1": 1, "D2": 1, "D3": -2}


def test_a_national_rank_is_not_compared_across_a_change_of_its_field(tmp_path):
    folder = data(tmp_path, {"2024-10.csv": ["P,idx766_rank,20,"], "2025-09.csv": ["P,idx766_rank,6,"],
                             "2025-10.csv": ["P,idx766_rank,5,"]})
    rank = compute_figures(load_data(folder), "P", "2025-10")["idx766_rank"]
    assert rank.rank_field == 34 and rank.rank_fields["same_period_last_year"] == 63
    assert rank.rank_change(rank.previous) == 1 and rank.rank_change(rank.last_year) is None
    d = rank.to_dict()
    assert d["rank_change_places_last_year"] is None and d["rank_field_changed"] == ["same_period_last_year"]
    assert change_text(rank, rank.last_year, "vi") == "không so sánh được"
    assert change_text(rank, rank.previous, "en") == "↑1 place"
    assert ytd_change_text(rank, "vi") == "không so sánh được"       # October 2024's rank was out of 63 too


def test_a_partial_month_sum_carries_its_flag_in_the_month_column(changing, tmp_path):
    report = Report.open("2026-02", "P", str(changing), "vi")
    fig = report.figures["dossiers_received"]
    assert fig.current.incomplete and (fig.current.reported, fig.current.expected) == (3, 4)
    table = report.reference_table([fig])
    month, ytd = table.rows[0][1], table.rows[0][4]
    assert "⚠" in (month.mark or "") and "⚠" in (ytd.mark or "")
    number = month.mark.split("⚠")[1]
    assert f"⚠{number} Tổng hợp từ 3/4 đơn vị trực thuộc (còn đơn vị chưa báo cáo)" in table.notes
    change = table.rows[0][2]
    assert change.text == "+60" and change.mark == "†1"
    assert "†1 So sánh trên 2 đơn vị có số liệu cả hai kỳ" in table.notes
    assert ytd_change_text(fig, "vi") == "—"                         # no 2025: nothing to compare
    metrics = dict(report.metrics(), fingerprints={})
    path = tmp_path / "metrics.json"
    path.write_text(json.dumps(metrics, ensure_ascii=False), encoding="utf-8")
    m = assert_valid_metrics(path)
    assert m["indicators"]["dossiers_received"]["comparison_units"] == {"previous": 2}
    assert m["indicators"]["dossiers_received"]["comparison_value"] == {"previous": 300}
    assert any(lg["rank_change_withheld"] for lg in m["leagues"])


def test_metrics_with_coverage_and_pro_rated_targets_are_valid(tmp_path):
    files = {name: rows for name, rows in eid("C1", range(7, 13), 100).items()}
    files["2025-03.csv"] = dossiers("D1", 50)
    files["2025-12.csv"] += dossiers("D1", 60) + dossiers("D2", 70) + dossiers("D3", 80)
    files["2024-12.csv"] = dossiers("D1", 40)
    folder = data(tmp_path, files)
    report = Report.open("2025", "P", str(folder), "en")
    path = tmp_path / "metrics.json"
    path.write_text(json.dumps(dict(report.metrics(), fingerprints={}), ensure_ascii=False), encoding="utf-8")
    m = assert_valid_metrics(path)
    assert m["indicators"]["dossiers_received"]["not_comparable"]["previous"] == COVERAGE
    assert m["indicators"]["eid_collection_vs_target"]["computed"]
    table = report.reference_table([report.figures["dossiers_received"]])
    assert table.rows[0][2].text == "not comparable" and table.rows[0][2].mark == "†1"
    assert "†1 Not comparable: fewer than half of the units expected to report have figures in both periods" \
        in table.notes


SPLIT_UNITS = """code,name_vi,name_en,level,parent,valid_from,valid_to,successor
P,Tỉnh Thử,Test Province,province,,,,
D,Sở Ổn Định,Stable Department,department,P,,,
OLD,Sở Cũ,Old Department,department,P,,2025-06-30,N1;N2
N1,Sở Mới Một,New Department One,department,P,2025-07-01,,
N2,Sở Mới Hai,New Department Two,department,P,2025-07-01,,
"""


def test_a_department_whose_predecessor_was_split_keeps_its_rate_in_the_year_ranking(tmp_path):
    folder = data(tmp_path, {"2025-03.csv": dossiers("OLD", 100, 50) + dossiers("D", 100, 40),
                             "2025-09.csv": dossiers("N1", 100, 80) + dossiers("N2", 50, 20) + dossiers("D", 100, 60)},
                  units=SPLIT_UNITS)
    calc = Calculator(load_data(folder))
    year = Period.parse("2025")
    n1 = calc.value("N1", "online_submission_rate", year)
    assert n1.value == 80 and n1.months == 1                       # its own months: a rate stays a rate
    assert not calc.value("N1", "dossiers_received", year).comparable     # a count of half a year does not
    units = [calc.units.get(c, "2025-12") for c in ("D", "N1", "N2")]
    lg = league(calc, "P", "online_submission_rate", units, year, Period.parse("2024"), 2025, "department")
    assert [r.unit.code for r in lg.rows] == ["N1", "D", "N2"]      # 80%, 50%, 40%: nobody dropped
    table = Report.open("2025", "P", str(folder), "vi").league_table(lg)
    assert table.rows[0][1].note == "số liệu 1/12 tháng"            # N1's rate: one month of the year
