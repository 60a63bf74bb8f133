"""The notes' task lines (helpers.tasks) and the lead units of responsibilities.csv
(helpers.responsibilities): parsed, checked, warnings and errors naming the file, line and column."""

import csv
import datetime as dt
import unicodedata
from importlib import resources

import pytest
from conftest import ROOT, cli, csv_rows, write_data

from helpers import responsibilities, tasks
from helpers.catalogue import load_catalogue
from helpers.errors import DataError
from helpers.findings import ERROR, WARNING
from helpers.load import load_data
from helpers.units import read_units

UNITS = """code,name_vi,name_en,level,parent
10,Tỉnh Thử,Test Province,province,
10-SNV,Sở Nội vụ,Department of Home Affairs,department,10
10-VP,Văn phòng Ủy ban nhân dân tỉnh,Office of the Provincial People's Committee,department,10
080,Thành phố Thử,Test City,district,10
"""


@pytest.fixture
def units(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(UNITS, encoding="utf-8")
    return read_units(path)


def parse(body, units, first_line=5):
    return tasks.parse(body, first_line, units, month="2026-10", within=["10", "10-SNV", "10-VP", "080"],
                       where={"file": "notes/2026-10.md", "period": "2026-10"})


def test_a_task_line_gives_its_task_lead_unit_and_deadline(units):
    found, warnings = parse("- Hoàn thiện số liệu các xã — chủ trì: Sở Nội vụ; thời hạn: 30/11/2026\n"
                            "- Rà soát quy trình nội bộ – Chủ trì: 10-VP; Thời hạn: 5/1/2027.\n", units)
    assert warnings == []
    assert [(t.text, t.lead_code, t.lead, t.deadline, t.line) for t in found] == [
        ("Hoàn thiện số liệu các xã", "10-SNV", "Sở Nội vụ", dt.date(2026, 11, 30), 5),
        ("Rà soát quy trình nội bộ", "10-VP", "Văn phòng Ủy ban nhân dân tỉnh", dt.date(2027, 1, 5), 6)]


def test_task_words_match_in_any_case_and_in_nfd(units):
    line = unicodedata.normalize("NFD", "- Số hóa hồ sơ — CHỦ TRÌ: sở nội vụ; THỜI HẠN: 31/12/2026")
    found, warnings = parse(line, units)
    assert warnings == [] and found[0].lead_code == "10-SNV" and found[0].deadline == dt.date(2026, 12, 31)
    assert found[0].text == unicodedata.normalize("NFC", "Số hóa hồ sơ")


def test_an_unknown_unit_is_a_warning_naming_the_file_and_line_and_the_task_stays(units):
    found, warnings = parse("\n\n- Việc A — chủ trì: Sở Không Có; thời hạn: 30/11/2026", units, first_line=9)
    assert [(w.severity, w.file, w.row, w.column) for w in warnings] == [(WARNING, "notes/2026-10.md", 11, "chủ trì")]
    assert "Sở Không Có" in warnings[0].message("vi") and "units.csv" in warnings[0].message("vi")
    assert warnings[0].msg.hint("vi")
    assert found[0].lead == "Sở Không Có" and found[0].lead_code is None and found[0].deadline == dt.date(2026, 11, 30)


@pytest.mark.parametrize("date", ["31/02/2026", "30-11-2026", "cuối tháng 11", "30/11/26"])
def test_a_malformed_date_is_a_warning_and_the_date_is_kept_as_written(units, date):
    found, warnings = parse(f"- Việc B — chủ trì: 10-SNV; thời hạn: {date}", units)
    assert [(w.severity, w.row, w.column) for w in warnings] == [(WARNING, 5, "thời hạn")]
    assert date in warnings[0].message("vi") and date in warnings[0].message("en")
    assert found[0].deadline is None and found[0].deadline_text == date and found[0].lead_code == "10-SNV"


def test_a_line_naming_a_lead_outside_the_form_is_a_warning_other_items_are_plain_tasks(units):
    found, warnings = parse("- Việc C, chủ trì: Sở Nội vụ\n- Sở Nội vụ chủ trì rà soát quy trình\n"
                            "- Chuẩn bị báo cáo năm 2026\n  (tiếp dòng)\n", units)
    assert [(w.row, w.msg.key) for w in warnings] == [(5, "finding.task.form")]
    assert [(t.text, t.lead) for t in found] == [("Việc C, chủ trì: Sở Nội vụ", None),
                                                 ("Sở Nội vụ chủ trì rà soát quy trình", None),
                                                 ("Chuẩn bị báo cáo năm 2026 (tiếp dòng)", None)]


def test_a_unit_named_by_english_name_or_code_in_any_case(units):
    assert tasks.find_unit("department of home affairs", units) == "10-SNV"
    assert tasks.find_unit("10-snv", units) == "10-SNV"
    assert tasks.find_unit("Không có", units) is None


# -- responsibilities.csv ---------------------------------------------------------------------------
def test_the_shipped_file_covers_the_catalogue_and_names_the_samples_departments():
    shipped = responsibilities.shipped()
    catalogue = load_catalogue()
    assert sorted(shipped) == sorted(i.code for i in catalogue)
    sample = read_units(ROOT / "data" / "units.csv")
    for code in shipped:
        lead = responsibilities.lead_of(code, shipped, sample, "15", "2026-10")
        assert lead is not None and sample.get(lead, "2026-10").level == "department", code
    keys = {row["key"] for row in csv.DictReader(
        resources.files("helpers").joinpath("data", "departments.csv").open(encoding="utf-8"))}
    assert set(shipped.values()) <= keys            # department keys: any province's departments


def test_a_data_folder_file_overrides_the_shipped_lead(tmp_path):
    data = write_data(tmp_path, {"2026-10.csv": csv_rows("10,dossiers_received,100,")}, units=UNITS,
                      extra={"responsibilities.csv": "indicator,unit,note\nonline_submission_rate,10-SNV,giao SNV\n"})
    ds = load_data(data)
    assert not [f for f in ds.findings if f.is_error]
    table = responsibilities.shipped() | ds.responsibilities
    assert responsibilities.lead_of("online_submission_rate", table, ds.units, "10", "2026-10") == "10-SNV"
    assert responsibilities.lead_of("dossier_sync_rate", table, ds.units, "10", "2026-10") == "10-VP"   # shipped


def test_a_bad_responsibilities_file_is_an_error_naming_file_row_and_column(tmp_path):
    bad = ("indicator,unit\n"
           "online_submission_rate,10-SNV\n"
           "khong_co_chi_tieu,10-SNV\n"
           "digitization_rate,99-XYZ\n"
           "online_submission_rate,10-VP\n")
    data = write_data(tmp_path, {"2026-10.csv": csv_rows("10,dossiers_received,100,")}, units=UNITS,
                      extra={"responsibilities.csv": bad})
    errors = [f for f in load_data(data).findings if f.file == "responsibilities.csv"]
    assert [(f.severity, f.row, f.column) for f in errors] == [(ERROR, 3, "indicator"), (ERROR, 4, "unit"),
                                                                (ERROR, 5, "indicator")]
    assert "khong_co_chi_tieu" in errors[0].message("vi") and "99-XYZ" in errors[1].message("en")
    assert all(f.msg.hint("vi") and f.msg.hint("en") for f in errors)
    with pytest.raises(DataError):
        from helpers.report import Report
        Report.open("2026-10", "10", str(data), "vi")
    result = cli("validate", "--data-dir", data, "--period", "2026-10", cwd=tmp_path)
    assert result.returncode == 1 and "responsibilities.csv" in result.stdout + result.stderr


def test_a_responsibilities_file_without_the_unit_column_is_refused(tmp_path):
    data = write_data(tmp_path, {"2026-10.csv": csv_rows("10,dossiers_received,100,")}, units=UNITS,
                      extra={"responsibilities.csv": "indicator;unit\nonline_submission_rate;10-SNV\n"})
    errors = [f for f in load_data(data).findings if f.file == "responsibilities.csv" and f.is_error]
    assert errors and errors[0].row == 1


def test_validate_lists_the_task_warnings_of_every_note(tmp_path):
    note = "## Kết quả\n\nỔn định.\n\n## Nhiệm vụ tháng tới\n\n- Việc A — chủ trì: Sở Không Có; thời hạn: 30/11/2026\n"
    data = write_data(tmp_path, {"2026-10.csv": csv_rows("10,dossiers_received,100,")}, units=UNITS,
                      extra={"notes/2026-10.md": note, "notes/2026-10/10-SNV.md": "## Nhiệm vụ quý tới\n"
                             "- Việc B — chủ trì: 10-SNV; thời hạn: 99/99/2026\n"})
    found = sorted((f.file, f.row, f.column, f.unit) for f in load_data(data).findings if f.check == "note_task")
    assert found == [("notes/2026-10.md", 7, "chủ trì", None), ("notes/2026-10/10-SNV.md", 2, "thời hạn", "10-SNV")]
    result = cli("validate", "--data-dir", data, "--period", "2026-10", cwd=tmp_path)
    assert "Sở Không Có" in result.stdout + result.stderr and "99/99/2026" in result.stdout + result.stderr
