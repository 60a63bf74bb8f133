"""Units that change over time (July 2025), with hand-computed figures; the official
lists behind `cchc-report units`."""

import csv
import json

import pytest
from conftest import ROOT, assert_valid_metrics, cli, csv_rows, write_data

from helpers.errors import DataError
from helpers.figures import BEGAN, COVERAGE, NOT_ADDITIVE, SPLIT, compute_figures
from helpers.load import load_data
from helpers.units import read_units

UNITS = """code,name_vi,name_en,level,parent,valid_from,valid_to,successor
10,Tỉnh Lào Cai,Lào Cai Province,province,,,2025-06-30,15
15,Tỉnh Yên Bái,Yên Bái Province,province,,,2025-06-30,15
15,Tỉnh Lào Cai,Lào Cai Province,province,,2025-07-01,,
080,Thành phố Lào Cai,Lào Cai City,district,10,,2025-06-30,
132,Thành phố Yên Bái,Yên Bái City,district,15,,2025-06-30,
A1,Phường A1,A1 Ward,commune,080,,2025-06-30,N1
A2,Xã A2,A2 Commune,commune,080,,2025-06-30,N1
B1,Xã B1,B1 Commune,commune,132,,2025-06-30,N2;N3
N1,Phường N1,N1 Ward,commune,15,2025-07-01,,
N2,Xã N2,N2 Commune,commune,15,2025-07-01,,
N3,Xã N3,N3 Commune,commune,15,2025-07-01,,
"""


def _rows(unit, received, online, published=None):
    rows = [f"{unit},dossiers_received,{received},", f"{unit},dossiers_received_online,{online},"]
    return rows + ([f"{unit},tthc_published_total,{published},"] if published is not None else [])


@pytest.fixture
def merged(tmp_path):
    return load_data(write_data(tmp_path, {
        "2024-09.csv": csv_rows(*_rows("10", 1000, 400, 1800), *_rows("15", 600, 200, 1500),
                                *_rows("A1", 100, 50), *_rows("A2", 60, 30), *_rows("B1", 80, 20)),
        "2025-03.csv": csv_rows(*_rows("10", 900, 450), *_rows("15", 500, 250)),
        "2025-08.csv": csv_rows(*_rows("15", 1800, 900)),
        "2025-09.csv": csv_rows(*_rows("15", 2000, 1200, 3400), *_rows("N1", 200, 120), *_rows("N2", 50, 25)),
    }, units=UNITS))


def test_new_province_against_the_sum_of_the_old_ones(merged):
    f = compute_figures(merged, "15", "2025-09")
    received, rate = f["dossiers_received"], f["online_submission_rate"]
    assert received.value == 2000 and rate.value == 60                          # 1200 / 2000
    assert received.last_year.value == 1600 and received.last_year.computed     # old 10 + old 15 = 1000 + 600
    assert rate.last_year.value == 37.5                                         # (400 + 200) / 1600, recomputed
    published = f["tthc_published_total"]
    assert published.value == 3400 and published.last_year.value is None
    assert not published.last_year.comparable and published.last_year.reason == NOT_ADDITIVE
    assert "không so sánh được" in published.last_year.not_comparable_text("vi")
    d = published.to_dict()
    assert d["same_period_last_year"] is None and d["not_comparable"]["same_period_last_year"] == NOT_ADDITIVE
    json.dumps(d)


def test_year_to_date_across_the_merger(merged):
    f = compute_figures(merged, "15", "2025-09")
    # Jan–Jun: old 10 + old 15 (900 + 500); Jul–Sep: the new province (1800 + 2000)
    assert f["dossiers_received"].ytd.value == 5200
    ytd = f["online_submission_rate"].ytd
    assert (ytd.numerator, ytd.denominator) == (2800, 5200) and round(float(ytd.value), 2) == 53.85
    assert f["dossiers_received"].ytd_last_year.value == 1600
    assert f["online_submission_rate"].ytd_last_year.value == 37.5
    year = compute_figures(merged, "15", "2025")
    assert year["dossiers_received"].value == 5200
    assert compute_figures(merged, "15", "2025-H2")["dossiers_received"].value == 3800


def test_names_and_figures_follow_the_version(merged):
    units = merged.units
    assert units.name("15", "vi", "2024-09") == "Tỉnh Yên Bái" and units.name("15", "vi", "2025-09") == "Tỉnh Lào Cai"
    old = compute_figures(merged, "15", "2024-09")
    assert old["dossiers_received"].value == 600 and old["tthc_published_total"].value == 1500   # Yên Bái's own
    assert [u.code for u in units.children("15", "2024-09")] == ["132"]
    assert [u.code for u in units.children("15", "2025-09")] == ["N1", "N2", "N3"]
    note = units.merger_note("15", "2025-09", "vi")
    assert note.startswith("Số liệu trước tháng 7/2025 là tổng số liệu") and "Tỉnh Lào Cai (mã 10)" in note \
        and "Tỉnh Yên Bái (mã 15)" in note
    assert "Yên Bái Province (code 15)" in units.merger_note("15", "2025-09", "en")
    assert units.merger_note("15", "2024-09", "vi") == ""


def test_merged_commune_compares_with_its_predecessors_and_a_split_one_does_not(merged):
    n1 = compute_figures(merged, "N1", "2025-09")
    assert n1["dossiers_received"].value == 200 and n1["dossiers_received"].last_year.value == 160   # A1 + A2
    assert n1["online_submission_rate"].last_year.value == 50                                      # 80 / 160
    n2 = compute_figures(merged, "N2", "2025-09")
    assert n2["dossiers_received"].value == 50
    for code in ("dossiers_received", "online_submission_rate"):
        ly = n2[code].last_year
        assert ly.value is None and not ly.comparable and ly.reason == SPLIT
    assert "chia cho nhiều đơn vị mới" in merged.units.merger_note("N2", "2025-09", "vi")


def test_a_new_communes_year_to_date_last_year_needs_its_predecessors(tmp_path):
    """N1 began in July 2025: without A1/A2's figures before that, its 2025 year to date is
    August and September only, not a year to date to compare 2026's with."""
    files = {"2025-08.csv": csv_rows(*_rows("N1", 100, 50), "N1,eid_applications,30,", "N1,eid_quota,1200,"),
             "2025-09.csv": csv_rows(*_rows("N1", 200, 120), "N1,eid_applications,40,", "N1,eid_quota,1200,"),
             "2026-09.csv": csv_rows(*_rows("N1", 300, 200), "N1,eid_applications,900,", "N1,eid_quota,1200,")}
    f = compute_figures(load_data(write_data(tmp_path / "alone", files, units=UNITS)), "N1", "2026-09")
    received, quota_share = f["dossiers_received"], f["eid_collection_vs_target"]
    assert received.last_year.value == 200                                     # September 2025: N1 existed
    for ly in (received.ytd_last_year, quota_share.ytd_last_year):
        assert ly.value is None and not ly.comparable and ly.reason == BEGAN
    assert "không so sánh được (kỳ so sánh chỉ có số liệu từ khi" in received.ytd_last_year.not_comparable_text("vi")
    assert received.to_dict()["not_comparable"] == {"ytd_same_period_last_year": BEGAN}
    assert round(float(f["online_submission_rate"].ytd_last_year.value), 2) == 56.67   # a rate: (50+120)/(100+200)
    files["2025-03.csv"] = csv_rows(*_rows("A1", 40, 10))
    f = compute_figures(load_data(write_data(tmp_path / "with_a1", files, units=UNITS)), "N1", "2026-09")
    assert f["dossiers_received"].ytd_last_year.value == 340                   # A1 in March + N1 in Aug and Sep


def test_a_province_whose_communes_began_in_july_2025_compares_whole_years_only(tmp_path):
    """Sơn La without legacy rows: its 2025 figures before July come from nowhere, unless the
    province reported them itself."""
    units = ("code,name_vi,name_en,level,parent,valid_from,valid_to,successor\n14,Tỉnh Sơn La,Sơn La,province,,,,\n"
             "C1,Xã C1,C1,commune,14,2025-07-01,,\nC2,Xã C2,C2,commune,14,2025-07-01,,\n")
    files = {"2025-08.csv": csv_rows(*_rows("C1", 100, 50)), "2025-09.csv": csv_rows(*_rows("C1", 200, 120)),
             "2026-09.csv": csv_rows(*_rows("C1", 300, 200), *_rows("C2", 100, 60))}
    f = compute_figures(load_data(write_data(tmp_path / "communes", files, units=units)), "14", "2026-09")
    assert f["dossiers_received"].value == 400 and f["dossiers_received"].last_year.value == 200
    assert f["dossiers_received"].ytd_last_year.reason == BEGAN
    files["2025-03.csv"] = csv_rows(*_rows("14", 700, 300))
    f = compute_figures(load_data(write_data(tmp_path / "province", files, units=units)), "14", "2026-09")
    assert f["dossiers_received"].ytd_last_year.value == 1000                  # 700 + 100 + 200


def test_data_for_a_unit_where_no_version_is_valid_is_an_error(tmp_path):
    rows = csv_rows("15,dossiers_received,5,", "080,dossiers_received,7,")
    ds = load_data(write_data(tmp_path, {"2025-09.csv": rows}, units=UNITS))
    bad = [f for f in ds.findings if f.check == "unit_not_valid"]
    assert len(bad) == 1 and bad[0].unit == "080" and bad[0].row == 3 and bad[0].file.endswith("2025-09.csv")
    assert "2025-09" in bad[0].message("vi") and bad[0].is_error


@pytest.mark.parametrize("rows,row,column,needle", [
    ("15,Tỉnh Yên Bái,Yên Bái,province,,,2025-06-30,\n15,Tỉnh Lào Cai,Lào Cai,province,,2025-06-01,,\n",
     3, "valid_from", "trùng thời gian"),                                      # overlapping versions
    ("10,Tỉnh Lào Cai,Lào Cai,province,,,2025-06-30,15\n15,Tỉnh Lào Cai,Lào Cai,province,,2025-08-01,,\n",
     2, "successor", "2025-07-01"),                                            # successor not there the day after
    ("10,Tỉnh Lào Cai,Lào Cai,province,,,,\n../2023-09/10,Xã X,X,commune,10,,,\n", 3, "code", "../2023-09/10"),
    ("10,Tỉnh Lào Cai,Lào Cai,province,,,,\n/tmp/x,Xã X,X,commune,10,,,\n", 3, "code", "/tmp/x"),
    ("10,Tỉnh Lào Cai,Lào Cai,province,,,,\n.hidden,Xã X,X,commune,10,,,\n", 3, "code", ".hidden"),
])
def test_bad_units_are_errors_naming_file_and_row(tmp_path, rows, row, column, needle):
    path = tmp_path / "units.csv"
    path.write_text("code,name_vi,name_en,level,parent,valid_from,valid_to,successor\n" + rows, encoding="utf-8")
    with pytest.raises(DataError) as exc:
        read_units(path)
    assert exc.value.row == row and exc.value.column == column and str(path) in str(exc.value)
    assert needle in str(exc.value)


@pytest.mark.e2e
def test_path_like_unit_code_stops_validate_and_run(tmp_path):
    units = "code,name_vi,name_en,level,parent\n10,Tỉnh,Province,province,\n../2023-09/10,X,X,district,10\n"
    data = write_data(tmp_path, {"2023-10.csv": csv_rows("10,dossiers_received,5,")}, units=units)
    r = cli("validate", "--data-dir", str(data), cwd=tmp_path)
    assert r.returncode == 1 and "units.csv" in r.stdout + r.stderr and "dòng 3" in r.stdout + r.stderr
    assert "Traceback" not in r.stderr


def _official_communes(province: int) -> dict:
    from vietnam_provinces import ProvinceCode, Ward
    return {f"{w.code.value:05d}": w.name for w in Ward.iter_by_province(ProvinceCode(province))}


@pytest.mark.e2e
@pytest.mark.units
def test_units_command_for_new_lao_cai_with_legacy_is_accepted_by_validate(tmp_path):
    data = tmp_path / "data"
    r = cli("units", "--province", "15", "--legacy", "--out", str(data / "units.csv"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    with open(data / "units.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    current = {r["code"]: r for r in rows if r["level"] == "commune" and r["valid_from"] == "2025-07-01"}
    official = _official_communes(15)
    assert len(current) == 99 and {c: r["name_vi"] for c, r in current.items()} == official
    assert all(r["parent"] == "15" and r["source"].startswith("vietnam-provinces ") for r in current.values())
    old = {r["code"]: r for r in rows if r["valid_to"] == "2025-06-30" and r["level"] == "province"}
    assert old["10"]["successor"] == "15" and old["15"]["name_vi"] == "Tỉnh Yên Bái" and old["15"]["successor"] == "15"
    assert any(r["code"] == "10-SLDTBXH" and r["successor"] == "15-SNV;15-SYT;15-SGDDT" for r in rows)
    assert sum(r["level"] == "district" for r in rows) == 18
    (data / "periods").mkdir()
    (data / "periods" / "2025-06.csv").write_text(csv_rows("080,dossiers_received,10,", "132,dossiers_received,5,"),
                                                  encoding="utf-8")
    (data / "periods" / "2025-07.csv").write_text(csv_rows("02647,dossiers_received,9,", "15-SNV,dossiers_received,4,"),
                                                  encoding="utf-8")
    r = cli("validate", "--data-dir", str(data), cwd=tmp_path)
    assert r.returncode == 0 and "0 lỗi" in r.stdout, r.stdout + r.stderr
    ds = load_data(data)
    assert compute_figures(ds, "15", "2025-07")["dossiers_received"].last_year.value is None
    previous = compute_figures(ds, "15", "2025-07")["dossiers_received"].previous
    # June's 15 came from two old districts, which continue into no unit: July's commune and department
    # have no counterpart in June, so the sums are not compared (like with like)
    assert previous.value is None and previous.reason == COVERAGE


@pytest.mark.units
def test_a_centrally_run_city_has_city_departments_its_old_provinces_provincial_ones():
    from helpers.unit_lists import build_units
    names = {u.code: (u.name_vi, u.name_en) for u in build_units("79", legacy=True) if u.level == "department"}
    assert names["79-TTT"] == ("Thanh tra thành phố", "City Inspectorate")
    assert names["79-CAT"] == ("Công an thành phố", "City Police")
    assert names["74-CAT"] == ("Công an tỉnh", "Provincial Police")        # Bình Dương, merged into it
    assert names["79-SNV"] == ("Sở Nội vụ", "Department of Home Affairs")
    lao_cai = {u.code: u.name_vi for u in build_units("15") if u.level == "department"}
    assert lao_cai["15-TTT"] == "Thanh tra tỉnh"


@pytest.mark.e2e
@pytest.mark.units
def test_units_command_never_overwrites_an_edited_file(tmp_path):
    out = tmp_path / "units.csv"
    assert cli("units", "--province", "14", "--out", str(out), cwd=tmp_path).returncode == 0
    edited = out.read_text(encoding="utf-8").replace("Sở Nội vụ", "Sở Nội vụ tỉnh Sơn La")
    out.write_text(edited, encoding="utf-8")
    r = cli("units", "--province", "14", "--out", str(out), cwd=tmp_path)
    assert r.returncode == 0 and "units.new.csv" in r.stdout and "KHÔNG ghi đè" in r.stdout
    assert out.read_text(encoding="utf-8") == edited
    assert "Sở Nội vụ tỉnh Sơn La" not in (tmp_path / "units.new.csv").read_text(encoding="utf-8")


@pytest.mark.e2e
@pytest.mark.units
def test_unknown_province_is_one_line_naming_the_valid_codes(tmp_path):
    r = cli("units", "--province", "63", "--out", str(tmp_path / "u.csv"), cwd=tmp_path)
    assert r.returncode == 2 and "'63'" in r.stderr and "15 Tỉnh Lào Cai" in r.stderr and "14 Tỉnh Sơn La" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and not (tmp_path / "u.csv").exists()


@pytest.mark.e2e
@pytest.mark.units
def test_province_that_did_not_merge_works_without_legacy_rows(tmp_path):
    data = tmp_path / "data"
    assert cli("units", "--province", "14", "--out", str(data / "units.csv"), cwd=tmp_path).returncode == 0
    units = read_units(data / "units.csv")
    communes = [u for u in units if u.level == "commune"]
    assert {u.code: u.name_vi for u in communes} == _official_communes(14)
    assert all(u.valid_to is None and not u.successor for u in units.all_versions())
    first = communes[0].code
    write_data(tmp_path, {"2024-09.csv": csv_rows("14,dossiers_received,700,", "14,dossiers_received_online,350,"),
                          "2025-09.csv": csv_rows(f"{first},dossiers_received,300,",
                                                  f"{first},dossiers_received_online,240,",
                                                  "14-SNV,dossiers_received,100,",
                                                  "14-SNV,dossiers_received_online,60,")},
               units=(data / "units.csv").read_text(encoding="utf-8"))
    ds = load_data(data)
    assert not [f for f in ds.findings if f.is_error]
    f = compute_figures(ds, "14", "2025-09")
    assert f["dossiers_received"].value == 400 and f["online_submission_rate"].value == 75    # 300 / 400
    assert f["dossiers_received"].last_year.value == 700 and f["online_submission_rate"].last_year.value == 50
    assert units.merger_note("14", "2025-09", "vi") == ""


def test_current_sample_reports_the_new_province_with_comparable_last_year():
    ds = load_data(ROOT / "data")
    assert ds.latest_month() == "2026-10" and not [f for f in ds.findings if f.is_error]
    f = compute_figures(ds, "15", "2025-09")["dossiers_received"]
    old = [compute_figures(ds, code, "2024-09")["dossiers_received"].value for code in ("10", "15")]
    assert all(old)        # the old provinces' sums came from old districts, which continue into no unit:
    assert not f.last_year.comparable and f.last_year.reason == COVERAGE     # too few units in both years
    def reporting(code):
        return {u for (m, u, c) in ds.records if m == "2026-10" and c == code}
    communes = {u.code for u in ds.units.children("15", "2026-10") if u.level == "commune"}
    assert len(communes) == 99 and 0 < len(reporting("dossiers_received") & communes) < 99   # shows "n/N"
    assert reporting("eid_applications") >= communes     # e-ID from every commune: like with like across the merger


@pytest.mark.e2e
def test_report_across_the_merger_says_so_and_marks_what_does_not_compare(tmp_path):
    from helpers.params import check_params
    from helpers.run import run_report
    params = check_params({"period": "2025-09", "unit": "15", "data_dir": str(ROOT / "data")}, ROOT)
    run_report(params, "progress_report", tmp_path, ("html",), ROOT)
    folder = tmp_path / "2025-09" / "15"
    html = (folder / "progress_report.html").read_text(encoding="utf-8")
    assert "Tỉnh Lào Cai" in html and "Tỉnh Yên Bái (mã 15)" in html
    assert "Số liệu trước tháng 7/2025 là tổng số liệu của các đơn vị hợp nhất" in html
    assert "không so sánh được" in html
    m = assert_valid_metrics(folder / "metrics.json")
    assert m["unit_name"] == "Tỉnh Lào Cai"
    published = m["indicators"]["tthc_published_total"]
    assert published["same_period_last_year"] is None and published["not_comparable"]["same_period_last_year"]
    received = m["indicators"]["dossiers_received"]      # 2024's sums came mostly from old districts:
    assert received["same_period_last_year"] is None      # too few units with figures in both years
    assert received["not_comparable"]["same_period_last_year"] == "coverage"


def test_district_reports_end_with_june_2025():
    from helpers.errors import ParameterError
    from helpers.params import check_params
    data = str(ROOT / "data")
    assert check_params({"period": "2025-06", "unit": "080", "data_dir": data}, ROOT).unit == "080"
    with pytest.raises(ParameterError) as exc:
        check_params({"period": "2025-09", "unit": "080", "data_dir": data}, ROOT)
    assert "080" in str(exc.value) and "2025-06-30" in str(exc.value)


def test_a_quoted_name_over_two_lines_does_not_shift_a_later_error(tmp_path, capsys):
    """Excel writes a cell ending in Alt+Enter as a quoted value over two lines: the error two rows
    further down names the line the file shows (5), not the record's number (4)."""
    from helpers import cli
    units = ("code,name_vi,name_en,level,parent\n10,Tỉnh Thử,Test Province,province,\n"
             '082,"Huyện Một\n",District One,district,10\n083,Huyện Hai,District Two,region,10\n')
    data = write_data(tmp_path, {"2023-10.csv": csv_rows("10,dossiers_received,5,")}, units=units)
    with pytest.raises(DataError) as exc:
        read_units(data / "units.csv")
    assert exc.value.row == 5 and exc.value.column == "level"
    code = cli.main(["validate", "--data-dir", str(data), "--lang", "en"])
    out = capsys.readouterr()
    assert code == 1 and "units.csv, row 5, column level" in out.out + out.err, out
    assert "Traceback" not in out.out + out.err
