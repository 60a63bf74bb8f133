"""One file per unit (issue 20): ``periods/<month>/<unit>.xlsx|csv`` read together with the month's file,
with the same error quality as the month's file (file, row or cell, unit, indicator); the files and the
intake register in a report's inputs; who was late, from the register — on data folders built here."""

from __future__ import annotations

import json

import openpyxl
from conftest import ROOT, assert_valid_metrics, cli, csv_rows, long_form_book, write_data

from helpers import register
from helpers.batch import Job, fingerprint
from helpers.coverage import coverage, statement
from helpers.inputs import input_files
from helpers.load import folder_state, load_data
from helpers.params import check_params
from helpers.periods import Period
from helpers.validate import validate
from helpers.workbook import write_entry_workbook

UNITS = """code,name_vi,name_en,level,parent,valid_from,valid_to
10,Tỉnh Thử,Test Province,province,,,
10-A,Sở A,Department A,department,10,,
001,Xã Một,Commune One,commune,10,,
002,Xã Hai,Commune Two,commune,10,,
003,Xã Ba,Commune Three,commune,10,,
"""

MONTH = csv_rows("10-A,dossiers_received,7,", "001,dossiers_received,10,")


def folder(tmp_path, month=MONTH, **unit_files) -> object:
    """A data folder with ``periods/2026-10.csv`` and ``periods/2026-10/<name>`` for each keyword
    (``_001_csv="…"`` is ``001.csv``)."""
    data = write_data(tmp_path, {"2026-10.csv": month} if month is not None else {}, units=UNITS)
    (data / "periods" / "2026-10").mkdir(exist_ok=True)
    for name, content in unit_files.items():
        path = data / "periods" / "2026-10" / name.lstrip("_").replace("_", ".")
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
    return data


def unit_workbook(data, unit: str, values: dict, month="2026-10", name=None) -> str:
    """The entry workbook of one unit (``cchc-report template``'s writer, restricted to ``unit``), with
    ``{indicator: value}`` typed into its cells; returns the cell of the first value (``Sheet!D5``)."""
    ds = load_data(data)
    path = data / "periods" / "2026-10" / (name or f"{unit}.xlsx")
    write_entry_workbook(path, month, ds.catalogue, ds.units, unit=unit)
    wb = openpyxl.load_workbook(path)
    cells = []
    for ws in wb.worksheets:
        column = next((c for c in range(4, ws.max_column + 1) if ws.cell(4, c).value == unit), None)
        for r in range(5, ws.max_row + 1) if column else ():
            if ws.cell(r, 1).value in values:
                ws.cell(r, column).value = values[ws.cell(r, 1).value]
                cells.append(f"{ws.title}!{ws.cell(r, column).coordinate}")
    wb.save(path)
    assert len(cells) == len(values), cells
    return cells[0]


def errors(found) -> list:
    return [f for f in found if f.is_error]


def test_a_units_workbook_and_csv_are_read_with_the_months_file(tmp_path):
    data = folder(tmp_path, _002_csv=csv_rows("002,dossiers_received,5,", "002,eid_applications,3,"))
    cell = unit_workbook(data, "003", {"dossiers_received": 4, "eid_applications": 2})
    ds = load_data(data)
    assert not errors(ds.findings), [f.line() for f in ds.findings]
    assert {(u, i): r.value for (m, u, i), r in ds.records.items()} == {
        ("10-A", "dossiers_received"): 7, ("001", "dossiers_received"): 10, ("002", "dossiers_received"): 5,
        ("002", "eid_applications"): 3, ("003", "dossiers_received"): 4, ("003", "eid_applications"): 2}
    assert ds.record("2026-10", "003", "dossiers_received").file == "periods/2026-10/003.xlsx"
    assert ds.record("2026-10", "003", "dossiers_received").row == cell
    assert ds.record("2026-10", "002", "eid_applications").file == "periods/2026-10/002.csv"
    assert ds.months == ["2026-10"] and ds.files["2026-10"][0].name == "2026-10.csv"


def test_a_month_of_units_files_only_is_a_month_with_data(tmp_path):
    data = folder(tmp_path, month=None, _001_csv=csv_rows("001,dossiers_received,10,"))
    ds = load_data(data)
    assert ds.months == ["2026-10"] and ds.value("2026-10", "001", "dossiers_received") == 10
    assert not errors(validate(data))


def test_a_row_of_another_unit_in_a_units_csv_is_an_error_naming_file_row_and_unit(tmp_path):
    data = folder(tmp_path, _002_csv=csv_rows("002,dossiers_received,5,", "003,dossiers_received,4,"))
    ds = load_data(data)
    [f] = errors(ds.findings)
    assert (f.check, f.file, f.row, f.column, f.unit, f.indicator) == (
        "foreign_unit", "periods/2026-10/002.csv", 3, "unit", "003", "dossiers_received")
    assert "003" in f.message_vi and "002" in f.message_vi and "003.xlsx" in f.message_en
    assert ds.value("2026-10", "003", "dossiers_received") is None          # not read as 003's figure
    assert ds.value("2026-10", "002", "dossiers_received") == 5


def test_a_column_of_another_unit_in_a_units_workbook_is_an_error_naming_the_cell(tmp_path):
    data = folder(tmp_path)
    cell = unit_workbook(data, "003", {"dossiers_received": 4}, name="002.xlsx")     # 003's workbook, as 002's
    [f] = errors(load_data(data).findings)
    assert (f.check, f.file, f.row, f.unit) == ("foreign_unit", "periods/2026-10/002.xlsx", cell, "003")
    assert f.line("en").startswith(f"ERROR periods/2026-10/002.xlsx, {cell}")


def test_the_same_unit_and_indicator_in_two_files_names_both(tmp_path):
    data = folder(tmp_path, _001_csv=csv_rows("001,eid_applications,2,", "001,dossiers_received,11,"))
    [f] = errors(load_data(data).findings)
    assert (f.check, f.file, f.row, f.unit, f.indicator) == (
        "duplicate", "periods/2026-10/001.csv", 3, "001", "dossiers_received")
    assert "periods/2026-10.csv" in f.message_vi and "dòng 3" in f.message_vi     # the month file's row 3
    assert "periods/2026-10.csv, row 3" in f.message_en and "one of the two" in f.message_en


def test_a_file_not_named_after_a_unit_is_an_error_and_lock_and_hidden_files_are_ignored(tmp_path):
    data = folder(tmp_path, **{"_BaoCao thang10 (2).xlsx": b"PK", "_0011.csv": csv_rows("001,eid_applications,1,"),
                               "_001.pdf": b"%PDF", "_~$002.xlsx": b"lock", "_.DS_Store": b"\0\0",
                               "_Thumbs.db": b"\0", "_.~lock.003.xlsx#": b"x"})
    found = errors(validate(data))
    assert sorted(f.file for f in found) == ["periods/2026-10/001.pdf", "periods/2026-10/0011.csv",
                                             "periods/2026-10/BaoCao thang10 (2).xlsx"]
    assert {f.check for f in found} == {"bad_file_name"}
    near = next(f for f in found if f.file.endswith("0011.csv"))
    assert "'001'" in near.message_en and "name the file after the unit's code" in near.message_en
    assert "đặt tên tệp theo mã đơn vị" in near.message_vi


def test_two_files_of_one_unit_in_a_month_is_an_error_naming_the_other(tmp_path):
    data = folder(tmp_path, _002_csv=csv_rows("002,dossiers_received,5,"))
    unit_workbook(data, "002", {"eid_applications": 3})
    [f] = errors(load_data(data).findings)
    assert (f.check, f.file, f.unit) == ("two_files", "periods/2026-10/002.xlsx", "002")
    assert "periods/2026-10/002.csv" in f.message_en


def test_a_bad_cell_in_a_units_workbook_names_file_cell_unit_and_indicator(tmp_path):
    data = folder(tmp_path)
    cell = unit_workbook(data, "002", {"dossiers_received": "1.989"})
    [f] = errors(load_data(data).findings)
    assert (f.check, f.file, f.row, f.unit, f.indicator) == (
        "bad_value", "periods/2026-10/002.xlsx", cell, "002", "dossiers_received")


def test_a_workbook_of_another_month_in_a_months_folder_is_an_error(tmp_path):
    data = folder(tmp_path)
    unit_workbook(data, "002", {"dossiers_received": 5}, month="2026-09")
    [f] = errors(load_data(data).findings)
    assert (f.check, f.file, f.row) == ("workbook_layout", "periods/2026-10/002.xlsx", "_cchc!B2")
    assert "2026-09" in f.message_en and "periods/2026-09/" in f.message_en


def test_validate_lists_the_units_files_errors_and_exits_1(tmp_path):
    data = folder(tmp_path, _002_csv=csv_rows("003,dossiers_received,4,"), _x99_csv=csv_rows())
    r = cli("validate", "--data-dir", data, "--period", "2026-10", "--lang", "en", cwd=tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    out = " ".join(r.stdout.split())
    assert "periods/2026-10/002.csv, row 2, column unit, unit 003" in out
    assert "periods/2026-10/x99.csv" in out and "Traceback" not in r.stdout + r.stderr


def test_a_new_units_file_and_the_register_are_inputs_and_change_the_folder_state(tmp_path):
    data = folder(tmp_path)
    p = Period.parse("2026-10")
    before = folder_state(data)
    (data / "periods" / "2026-10" / "002.csv").write_text(csv_rows("002,dossiers_received,5,"), encoding="utf-8")
    assert folder_state(data) != before                  # the loader's cache reads the folder again
    listed = input_files(data, p, "10")
    assert data / "periods" / "2026-10" / "002.csv" in listed
    assert register.register_path(data, "2026-10") in listed
    q3 = input_files(data, Period.parse("2026-Q3"), "10")        # 2026-10 is not a month a Q3 report reads
    assert data / "periods" / "2026-10" / "002.csv" not in q3
    assert register.register_path(data, "2026-09") in q3 and register.register_path(data, "2026-10") not in q3


def _accept(data, unit: str, late: bool, month="2026-10", at="2026-11-03T09:00:00+07:00"):
    register.append(data, register.Entry(unit=unit, period=month, received_at=at,
                                         file=f"periods/{month}/{unit}.xlsx", original=f"{unit}.xlsx", figures=1,
                                         sha256="0" * 64, late=late))


def test_coverage_says_who_was_late_from_the_latest_acceptance_in_the_register(tmp_path):
    data = folder(tmp_path, _002_csv=csv_rows("002,dossiers_received,5,"))
    _accept(data, "002", late=True)
    _accept(data, "001", late=True)
    _accept(data, "001", late=False, at="2026-11-02T09:00:00+07:00")    # the latest acceptance counts
    _accept(data, "003", late=True)                                      # accepted, but no figures: missing
    c = coverage(load_data(data), "10", Period.parse("2026-10"))
    assert c.as_json() == {"expected": 4, "reported": 3, "missing": ["003"], "partial": [], "late": ["002"]}
    assert statement(c, "vi") == "3/4 đơn vị gửi số liệu, 1 đơn vị gửi muộn, thiếu nhiều nhất ở cấp xã"
    assert statement(c, "en").startswith("3/4 units sent figures, 1 sent late")
    q4 = coverage(load_data(data), "10", Period.parse("2026-Q4"))          # any month of the period
    assert q4.as_json()["late"] == ["002"]
    assert not c.clean and coverage(load_data(data), "10", Period.parse("2026-09")).as_json()["late"] == []


def test_a_damaged_register_is_a_data_error_naming_it(tmp_path):
    data = folder(tmp_path)
    path = register.register_path(data, "2026-10")
    path.parent.mkdir(parents=True)
    path.write_text('{"unit": "001"\n', encoding="utf-8")
    [f] = errors(validate(data, ["2026-10"]))
    assert (f.check, f.file, f.row) == ("register", "received/2026-10/register.jsonl", 1)


def test_metrics_with_late_units_match_the_schema(tmp_path):
    from helpers.report import Report
    data = folder(tmp_path, _002_csv=csv_rows("002,dossiers_received,5,"))
    _accept(data, "002", late=True)
    report = Report.open("2026-10", "10", str(data), "vi")
    metrics = report.metrics()
    assert metrics["schema_version"] == "1.2" and metrics["coverage"]["late"] == ["002"]
    assert "periods/2026-10/002.csv" in metrics["inputs"]
    assert "received/2026-10/register.jsonl" in metrics["inputs"]
    path = tmp_path / "metrics.json"
    path.write_text(json.dumps({**metrics, "fingerprints": {}}, ensure_ascii=False), encoding="utf-8")   # as run
    assert_valid_metrics(path)


def test_a_newly_filed_unit_file_or_acceptance_changes_the_reports_fingerprint(tmp_path):
    data = folder(tmp_path)
    params = check_params({"period": "2026-10", "unit": "10", "data_dir": str(data)}, ROOT)
    job = Job(params, "progress_report", str(tmp_path / "out"), ("html",), str(ROOT))
    seen = [fingerprint(job)]
    (data / "periods" / "2026-10" / "002.csv").write_text(csv_rows("002,dossiers_received,5,"), encoding="utf-8")
    seen.append(fingerprint(job))
    _accept(data, "002", late=True)
    seen.append(fingerprint(job))
    assert len(set(seen)) == 3                       # each re-renders the report; nothing else changed
    assert fingerprint(job) == seen[-1]


def test_a_unit_silent_in_a_month_of_units_files_is_named_at_the_months_folder(tmp_path):
    data = folder(tmp_path, month=None, _001_csv=csv_rows("001,dossiers_received,10,"))
    (data / "periods" / "2026-09.csv").write_text(MONTH, encoding="utf-8")
    [f] = [f for f in validate(data, ["2026-10"]) if f.check == "missing_unit_month"]
    assert (f.file, f.unit) == ("periods/2026-10/", "10-A")


def test_a_units_long_form_workbook_is_read_and_a_foreign_row_named_at_its_cell(tmp_path):
    data = folder(tmp_path)
    wb, _ = long_form_book(("002", "dossiers_received", 5), ("003", "eid_applications", 1))
    wb.save(data / "periods" / "2026-10" / "002.xlsx")
    ds = load_data(data)
    [f] = errors(ds.findings)
    assert (f.check, f.file, f.row, f.unit) == ("foreign_unit", "periods/2026-10/002.xlsx", "so_lieu!C3", "003")
    assert ds.value("2026-10", "002", "dossiers_received") == 5
