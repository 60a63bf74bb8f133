"""Nothing is Lào Cai-specific: a post-2025 province with communes only, its own
catalogue extension and targets, in a data folder outside the project."""


import pytest
from conftest import ROOT, assert_valid_metrics, csv_rows, write_data

from helpers.catalogue import load_catalogue
from helpers.errors import CatalogueError
from helpers.params import check_params
from helpers.run import run_report

pytestmark = pytest.mark.e2e

UNITS = """code,name_vi,name_en,level,parent,valid_from,valid_to
15,Tỉnh Lào Cai (mới),Lào Cai Province (new),province,,2025-07-01,
02647,Phường Yên Bái,Yên Bái Ward,commune,15,2025-07-01,
02680,Xã Mường Lai,Mường Lai Commune,commune,15,2025-07-01,
"""


def _data(tmp_path):
    periods = {}
    for month, (a, b) in {"2025-07": (300, 200), "2025-08": (320, 210), "2025-09": (340, 230)}.items():
        periods[f"{month}.csv"] = csv_rows(
            f"02647,dossiers_received,{a},", f"02647,dossiers_received_online,{a // 2},",
            f"02680,dossiers_received,{b},", f"02680,dossiers_received_online,{b // 4},",
            "15,tthc_published_total,1500,", "15,so_mo_hinh_moi,7,")
    extra = {"indicators.csv": "code,area,name_vi,name_en,unit,direction,kind,aggregation,level\n"
                               "so_mo_hinh_moi,chinh_phu_so,Số mô hình chuyển đổi số mới,New digital models,"
                               "count,higher_better,count,last,province\n",
             "targets.csv": "indicator,unit,year,target\nonline_submission_rate,15,2025,40\n",
             "notes/2025-09.md": "## Kết quả\n\nSau sáp nhập, xã/phường vận hành ổn định.\n"}
    return write_data(tmp_path, periods, units=UNITS, extra=extra)


def test_post_merger_province_renders(tmp_path):
    data = _data(tmp_path / "elsewhere")
    params = check_params({"period": "2025-Q3", "unit": "15", "data_dir": str(data)}, ROOT)
    run_report(params, "progress_report", tmp_path / "out", ("html",), ROOT)
    folder = tmp_path / "out" / "2025-Q3" / "15"
    html = (folder / "progress_report.html").read_text(encoding="utf-8")
    assert "Tỉnh Lào Cai (mới)" in html and "quý III/2025" in html and "Số mô hình chuyển đổi số mới" in html
    m = assert_valid_metrics(folder / "metrics.json")
    # (150 + 160 + 170 + 50 + 52 + 57) / (960 + 640) = 639 / 1600 = 39.9375% (exact) against the province's own 40%
    rate = m["indicators"]["online_submission_rate"]
    assert rate["value"] == 39.9375 and rate["target"] == 40 and rate["status"] == "not_met" and rate["computed"]
    assert m["indicators"]["so_mo_hinh_moi"]["value"] == 7


CATALOGUE_HEADER = "code,area,name_vi,name_en,unit,direction,kind,aggregation,numerator,denominator\n"


@pytest.mark.parametrize("row,needles", [
    ("ty_le_moi,tthc,Tỷ lệ mới,New rate,percent,higher_better,ratio,ratio,,",          # a ratio without parts
     ("indicators.csv", "dòng 2", "numerator")),
    ("ty_le_moi,tthc,Tỷ lệ mới,New rate,percent,higher_better,ratio,ratio,ho_so_moi,dossiers_received",
     ("ho_so_moi", "ty_le_moi")),                                                      # an unknown part
    ("so_moi,khac,Số mới,New count,count,higher_better,count,sum,,", ("dòng 2", "khac")),   # an unknown area
])
def test_broken_catalogue_row_is_a_clear_error(tmp_path, row, needles):
    data = write_data(tmp_path, {}, extra={"indicators.csv": CATALOGUE_HEADER + row + "\n"})
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(data)
    assert all(n in str(exc.value) for n in needles), str(exc.value)


def test_shipped_catalogue_keeps_the_draft_vocabulary():
    import csv
    draft = ROOT.parent / "shared" / "domain" / "indicator-catalogue-draft.csv"
    cat = load_catalogue()
    if draft.is_file():
        with open(draft, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                assert row["code"] in cat
                for part in (row["numerator"] + "+" + row["denominator"]).split("+"):
                    assert not part or part in cat, part
    assert cat["online_submission_rate"].capped and not cat["eid_collection_vs_target"].capped
    assert cat.parts("tthc_published_total") == ["tthc_published_province", "tthc_published_district",
                                                 "tthc_published_commune"]
    assert {cat[c].aggregation for c in ("dossiers_received", "tthc_published_total", "idx766_total_score")} == \
        {"sum", "last"}


def test_merged_province_compares_with_its_predecessors_last_year(tmp_path):
    """July 2025: two provinces merge. The new province's same-period-last-year figure
    for an additive indicator is the sum of the old provinces' figures (units.csv ``successor``)."""
    units = ("code,name_vi,name_en,level,parent,valid_from,valid_to,successor\n"
             "15,Tỉnh Lào Cai (mới),Lào Cai (new),province,,2025-07-01,,\n"
             "10,Tỉnh Lào Cai (cũ),Lào Cai (old),province,,,2025-06-30,15\n"
             "13,Tỉnh Yên Bái,Yên Bái,province,,,2025-06-30,15\n"
             "02647,Phường Yên Bái,Yên Bái Ward,commune,15,2025-07-01,,\n")
    data = write_data(tmp_path, {
        "2024-07.csv": csv_rows("10,dossiers_received,1000,", "10,dossiers_received_online,400,",
                                "13,dossiers_received,600,", "13,dossiers_received_online,200,"),
        "2025-07.csv": csv_rows("02647,dossiers_received,2000,", "02647,dossiers_received_online,1200,"),
    }, units=units)
    from helpers.figures import compute_figures
    from helpers.load import load_data
    f = compute_figures(load_data(data), "15", "2025-07")["online_submission_rate"]
    assert f.value == 60 and f.last_year.value == 37.5 and f.last_year.computed      # 600 / 1600


def test_unknown_successor_is_an_error(tmp_path):
    from helpers.errors import DataError
    from helpers.units import read_units
    path = tmp_path / "units.csv"
    path.write_text("code,name_vi,name_en,level,parent,successor\n10,A,A,province,,99\n", encoding="utf-8")
    try:
        read_units(path)
    except DataError as exc:
        assert exc.column == "successor" and exc.row == 2 and "99" in str(exc)
    else:
        raise AssertionError("unknown successor must be rejected")


def test_other_province_page_one_across_the_new_year(tmp_path):
    """A post-2025 province ranked out of 34, communes in league tables, a January report whose
    comparisons reach back into the previous year, a year-end target judged against January's pace."""
    units = UNITS + "02650,Phường Văn Phú,Văn Phú Ward,commune,15,2025-07-01,\n"
    periods = {}
    for month, rank in (("2025-11", 9), ("2025-12", 7), ("2026-01", 4)):
        periods[f"{month}.csv"] = csv_rows(
            "02647,dossiers_received,400,", "02647,dossiers_received_online,300,",
            "02680,dossiers_received,200,", "02680,dossiers_received_online,40,",
            "02650,dossiers_received,100,", "02650,dossiers_received_online,60,",
            f"15,idx766_rank,{rank},", "15,cchc_plan_tasks_total,120,", "15,cchc_plan_tasks_done,6,")
    data = write_data(tmp_path / "elsewhere", periods, units=units)
    params = check_params({"period": "2026-01", "unit": "15", "data_dir": str(data)}, ROOT)
    run_report(params, "progress_report", tmp_path / "out", ("html",), ROOT)
    folder = tmp_path / "out" / "2026-01" / "15"
    m = assert_valid_metrics(folder / "metrics.json")
    rank = m["indicators"]["idx766_rank"]
    assert (rank["value"], rank["rank_field"], rank["rank_change_places"]) == (4, 34, 3)    # 7 -> 4 over New Year
    plan = m["indicators"]["cchc_plan_completion_rate"]
    assert plan["status"] == "behind" and abs(plan["pace_target"] - 100 / 12) < 1e-9        # 5% < 8.33%
    online = next(lg for lg in m["leagues"] if lg["indicator"] == "online_submission_rate")
    assert online["level"] == "commune" and [r["unit"] for r in online["rows"]] == ["02647", "02650", "02680"]
    assert [r["status"] for r in online["rows"]] == ["met", "met", "not_met"]
    html = (folder / "progress_report.html").read_text(encoding="utf-8")
    assert "4/34" in html and "↑3 bậc" in html and "Kết luận chung" in html and "các xã, phường" in html
    assert "Xã Mường Lai" in html and "Chậm tiến độ" in html
