"""The Excel entry workbook (helpers.workbook): written, filled with openpyxl as an analyst
would in Excel, then read back through helpers.load."""

import csv
import io
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from helpers import workbook
from helpers.catalogue import load_catalogue
from helpers.load import load_data
from helpers.units import read_units

UNITS_CSV = Path(__file__).parents[1] / "data" / "units.csv"
PERIOD = "2023-11"


def province_10_units() -> str:
    """The sample's units.csv cut to old Lào Cai (10), the units directly under it and the communes of
    Thành phố Lào Cai (080), in the sample's order, without successors (the new units are cut): the
    workbook's columns as the sample's, without the other communes and Yên Bái (a workbook for every
    unit of the sample takes seconds per test)."""
    with UNITS_CSV.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows({**row, "successor": ""} for row in rows
                      if row["code"] == "10" or row["parent"] in ("10", "080"))
    return out.getvalue()


@pytest.fixture
def data_dir(tmp_path):
    d = tmp_path / "data"
    (d / "periods").mkdir(parents=True)
    (d / "units.csv").write_text(province_10_units(), encoding="utf-8")
    return d


@pytest.fixture
def catalogue():
    return load_catalogue()


@pytest.fixture
def units(data_dir):
    return read_units(data_dir / "units.csv")


@pytest.fixture
def template(data_dir, catalogue, units):
    return workbook.write_entry_workbook(data_dir / "periods" / f"{PERIOD}.xlsx", PERIOD, catalogue, units)


def locate(ws, code, unit):
    """The cell of (indicator, unit), found by reading the sheet as a person would."""
    header = next(r for r in range(1, 20) if ws.cell(r, 1).value == "Mã chỉ tiêu")
    row = next(r for r in range(header + 1, ws.max_row + 1) if ws.cell(r, 1).value == code)
    col = next(c for c in range(4, ws.max_column + 1) if ws.cell(header, c).value == unit)
    return ws.cell(row, col)


def fill(path, values):
    """``values``: {(sheet, indicator, unit): value}; returns {key: "Sheet!D7"}."""
    wb = openpyxl.load_workbook(path)
    refs = {}
    for (sheet, code, unit), value in values.items():
        cell = locate(wb[sheet], code, unit)
        cell.value = value
        refs[(sheet, code, unit)] = f"{sheet}!{cell.coordinate}"
    wb.save(path)
    return refs


def edit(path, change):
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)


def layout_findings(ds):
    return [f for f in ds.findings if f.check == "workbook_layout"]


# -- (a) a filled template reads back exactly ---------------------------------------------
def test_round_trip_values_and_types(template, data_dir):
    fill(template, {
        ("TTHC", "dossiers_received", "10"): 1989,
        ("TTHC", "dossiers_received", "080"): 312,
        ("TTHC", "dossiers_resolved_ontime", "10-STP"): 0,            # a real zero
        ("TTHC", "satisfaction_tthc_rate", "10"): 90.35,
        ("Chính phủ số", "dossiers_paid_online", "089"): 45,
        ("Đề án 06", "eid_applications", "088"): 1200,
        ("Chỉ đạo điều hành", "idx766_total_score", "10-SNV"): 85.5,
        ("Tài chính công", "public_invest_disbursed", "10"): 35_000_000_000,
    })
    ds = load_data(data_dir)
    assert ds.findings == []
    got = {(u, i): r.value for (p, u, i), r in ds.records.items()}
    assert got == {
        ("10", "dossiers_received"): 1989,
        ("080", "dossiers_received"): 312,
        ("10-STP", "dossiers_resolved_ontime"): 0,
        ("10", "satisfaction_tthc_rate"): Decimal("90.35"),
        ("089", "dossiers_paid_online"): 45,
        ("088", "eid_applications"): 1200,
        ("10-SNV", "idx766_total_score"): Decimal("85.5"),
        ("10", "public_invest_disbursed"): 35_000_000_000,
    }
    assert type(got[("10", "dossiers_received")]) is int
    assert isinstance(got[("10", "satisfaction_tthc_rate")], Decimal)
    rec = ds.records[(PERIOD, "10", "dossiers_received")]
    assert rec.file.endswith("2023-11.xlsx") and rec.row.startswith("TTHC!")


def test_empty_template_reports_nothing(template, data_dir):
    ds = load_data(data_dir)
    assert ds.findings == [] and ds.records == {}
    assert ds.months == [PERIOD]


def test_value_in_a_grey_cell_is_still_read(template, data_dir):
    # tthc_published_total is reported by the province only; a department's cell is grey
    fill(template, {("TTHC", "tthc_published_total", "10-SYT"): 7})
    ds = load_data(data_dir)
    assert ds.findings == []
    assert ds.value(PERIOD, "10-SYT", "tthc_published_total") == 7


# -- (b) text in a number cell -----------------------------------------------------------
def test_text_number_is_rejected_with_cell(template, data_dir):
    refs = fill(template, {("TTHC", "dossiers_received", "10"): "1.989",
                           ("TTHC", "dossiers_received", "082"): 40})
    ds = load_data(data_dir)
    [bad] = ds.findings
    assert bad.check == "bad_value"
    assert bad.row == refs[("TTHC", "dossiers_received", "10")]
    assert bad.unit == "10" and bad.indicator == "dossiers_received"
    assert "TTHC!" in bad.line()
    assert ds.value(PERIOD, "082", "dossiers_received") == 40     # the rest of the file is read


def test_percent_typed_with_percent_sign_is_not_read_silently(template, data_dir):
    def typed_percent(wb):
        cell = locate(wb["TTHC"], "satisfaction_tthc_rate", "10")
        cell.value, cell.number_format = 0.9035, "0.00%"           # what Excel does with "90,35%"
    edit(template, typed_percent)
    ds = load_data(data_dir)
    [bad] = ds.findings
    assert bad.check == "bad_value" and bad.row.startswith("TTHC!")
    assert "%" in bad.message_vi


# -- (c) a renamed or missing sheet ---------------------------------------------------
def test_renamed_sheet(template, data_dir):
    edit(template, lambda wb: setattr(wb["Chính phủ số"], "title", "CPS"))
    ds = load_data(data_dir)
    [f] = ds.findings
    assert f.check == "workbook_layout" and f.is_error
    assert "'Chính phủ số'" in f.message_vi and "'CPS'" in f.message_vi
    assert "cchc-report template 2023-11" in f.message_vi
    assert "'Chính phủ số'" in f.message_en
    assert ds.records == {}


def test_deleted_sheet(template, data_dir):
    edit(template, lambda wb: wb.remove(wb["Thể chế"]))
    [f] = layout_findings(load_data(data_dir))
    assert "'Thể chế'" in f.message_vi and "'TTHC'" in f.message_vi   # names it and lists the sheets


# -- (d) a re-arranged sheet ----------------------------------------------------------
def test_edited_indicator_code(template, data_dir):
    ref = {}

    def change(wb):
        ws = wb["TTHC"]
        cell = locate(ws, "dossiers_received", "10").offset(column=-3)   # column A
        cell.value = "dossiers_recieved"
        ref["cell"] = f"TTHC!{cell.coordinate}"
    edit(template, change)
    [f] = layout_findings(load_data(data_dir))
    assert f.row == ref["cell"]
    assert "'dossiers_received'" in f.message_vi and "'dossiers_recieved'" in f.message_vi


def test_code_column_moved(template, data_dir):
    edit(template, lambda wb: wb["TTHC"].move_range("A5:A40", cols=1))   # codes now in column B
    [f] = layout_findings(load_data(data_dir))
    assert f.row == "TTHC!A5"
    assert "TTHC!B5" in f.message_vi and "di chuyển" in f.message_vi


def test_inserted_row(template, data_dir):
    edit(template, lambda wb: wb["Đề án 06"].insert_rows(6))
    [f] = layout_findings(load_data(data_dir))
    assert f.row == "Đề án 06!A6"


def test_deleted_column(template, data_dir):
    edit(template, lambda wb: wb["TTHC"].delete_cols(1))
    [f] = layout_findings(load_data(data_dir))
    assert f.row.startswith("TTHC!")


def test_unit_header_emptied(template, data_dir):
    def change(wb):
        assert wb["TTHC"]["F4"].value == "10-SNV"
        wb["TTHC"]["F4"] = None
    edit(template, change)
    [f] = layout_findings(load_data(data_dir))
    assert f.row == "TTHC!F4"
    assert "'10-SNV'" in f.message_vi


def test_unit_columns_swapped(template, data_dir):
    def swap(wb):
        ws = wb["Công vụ"]
        ws["E4"], ws["F4"] = ws["F4"].value, ws["E4"].value
    edit(template, swap)
    [f] = layout_findings(load_data(data_dir))
    assert f.row == "Công vụ!E4"


def test_unit_header_edited_to_unknown_code_goes_to_loader(template, data_dir):
    def change(wb):
        ws = wb["TTHC"]
        col = next(c for c in range(4, ws.max_column + 1) if ws.cell(4, c).value == "080")
        ws.cell(4, col).value = 80                    # Excel dropped the leading zero
        locate_row = next(r for r in range(5, ws.max_row + 1) if ws.cell(r, 1).value == "dossiers_received")
        ws.cell(locate_row, col).value = 5
    edit(template, change)
    ds = load_data(data_dir)
    [f] = ds.findings
    assert f.check == "unknown_unit" and "'080'" in f.message_vi


def test_wrong_month_file_name(template, data_dir):
    template.rename(template.with_name("2023-12.xlsx"))
    [f] = layout_findings(load_data(data_dir))
    assert "tháng 11/2023" in f.message_vi and "2023-12" in f.message_vi


def test_broken_metadata(template, data_dir):
    edit(template, lambda wb: wb["_cchc"].__setitem__("A1", "something else"))
    [f] = layout_findings(load_data(data_dir))
    assert "_cchc" in f.message_vi


# -- (e) leading zeros -----------------------------------------------------------------------
def test_unit_codes_are_text_with_leading_zeros(template, data_dir):
    wb = openpyxl.load_workbook(template)
    ws = wb["TTHC"]
    header = [ws.cell(4, c).value for c in range(4, ws.max_column + 1)]
    assert "080" in header and "089" in header and 80 not in header
    assert all(isinstance(v, str) for v in header)
    assert ws.cell(3, 4 + header.index("080")).value == "Thành phố Lào Cai"
    fill(template, {("Đề án 06", "eid_applications", "080"): 10})
    assert load_data(data_dir).value(PERIOD, "080", "eid_applications") == 10


# -- (f) protection, validation, look ---------------------------------------------------
def test_input_cells_unlocked_and_validated(template, catalogue):
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames[0] == "Hướng dẫn"
    assert wb["_cchc"].sheet_state == "hidden"
    assert wb.security.lockStructure
    ws = wb["TTHC"]
    assert ws.protection.sheet and not ws.protection.password
    assert ws.freeze_panes == "D5"
    validations = ws.data_validations.dataValidation

    def rule(cell):
        found = [dv for dv in validations if cell.coordinate in dv.sqref]
        return found[0] if found else None

    count_in = locate(ws, "dossiers_received", "080")           # district reports dossiers
    assert count_in.protection.locked is False
    assert rule(count_in).type == "whole" and rule(count_in).formula1 == "0"
    assert "số nguyên" in rule(count_in).error
    pct_in = locate(ws, "satisfaction_tthc_rate", "10")
    assert pct_in.protection.locked is False and rule(pct_in).type == "decimal"
    grey = locate(ws, "tthc_published_total", "080")            # province-only indicator
    assert grey.protection.locked is True and rule(grey) is None
    assert grey.fill.fgColor.rgb.endswith(workbook.LOCKED_FILL)
    assert count_in.fill.fgColor.rgb.endswith(workbook.INPUT_FILL)
    # ratios are computed, never entered
    codes = {sheet.cell(r, 1).value for sheet in wb.worksheets[1:-1] for r in range(5, sheet.max_row + 1)}
    assert "dossier_sync_rate" not in codes and "dossiers_synced" in codes
    assert all(catalogue[c].aggregation in ("sum", "last") for c in codes if c)
    rank = locate(wb["Chỉ đạo điều hành"], "par_index_rank", "10")
    assert rule_of(wb["Chỉ đạo điều hành"], rank).formula1 == "1"


def rule_of(ws, cell):
    return next(dv for dv in ws.data_validations.dataValidation if cell.coordinate in dv.sqref)


def test_instructions_sheet(template):
    ws = openpyxl.load_workbook(template)["Hướng dẫn"]
    text = "\n".join(str(c.value) for c in ws["A"] if c.value)
    for phrase in ("tháng 11/2023".upper(), "ĐỂ TRỐNG", "khác", "1989", "đổi tên",
                   "cchc-report template 2023-11", "cchc-report validate --period 2023-11",
                   "cchc-report run --period 2023-11", "TTHC", "Chính phủ số"):
        assert phrase in text, phrase


# -- last month, one unit's workbook, English ---------------------------------------------
def test_previous_values_become_comments(data_dir, catalogue, units):
    (data_dir / "periods" / "2023-10.csv").write_text(
        "unit,indicator,value\n10,dossiers_received,1989\n10,satisfaction_tthc_rate,90.35\n"
        "080,dossiers_received,\n", encoding="utf-8")
    ds = load_data(data_dir)
    prev = workbook.previous_values(ds, "2023-11")
    assert prev == {("10", "dossiers_received"): 1989, ("10", "satisfaction_tthc_rate"): Decimal("90.35")}
    assert workbook.previous_values(ds, "2023-12") == {}          # nothing read for November
    path = workbook.write_entry_workbook(data_dir / "periods" / "2023-11.xlsx", "2023-11", catalogue,
                                         units, previous=prev)
    ws = openpyxl.load_workbook(path)["TTHC"]
    assert locate(ws, "dossiers_received", "10").comment.text == "Tháng trước (T10/2023): 1.989"
    assert locate(ws, "satisfaction_tthc_rate", "10").comment.text == "Tháng trước (T10/2023): 90,35%"
    assert locate(ws, "dossiers_received", "080").comment is None
    assert locate(ws, "dossiers_received", "10").value is None      # shown, never pre-filled
    assert load_data(data_dir).findings == []


def test_one_unit_and_its_children(data_dir, catalogue, units):
    path = workbook.write_entry_workbook(data_dir / "periods" / "2023-11.xlsx", "2023-11", catalogue,
                                         units, unit="080")
    wb = openpyxl.load_workbook(path)
    ws = wb["TTHC"]
    communes = [u.code for u in units.children("080", "2023-11")]
    assert len(communes) == 17                     # Thành phố Lào Cai's wards and communes in 2023
    assert [ws.cell(4, c).value for c in range(4, ws.max_column + 1)] == ["080", *communes]
    assert "Thể chế" not in wb.sheetnames          # nothing a district reports there
    codes = [ws.cell(r, 1).value for r in range(5, ws.max_row + 1)]
    assert "dossiers_received" in codes and "tthc_published_total" not in codes


def test_english_workbook_reads_back(data_dir, catalogue, units):
    path = workbook.write_entry_workbook(data_dir / "periods" / "2023-11.xlsx", "2023-11", catalogue,
                                         units, lang="en")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "Instructions" and "Procedures" in wb.sheetnames
    ws = wb["Procedures"]
    row = next(r for r in range(5, ws.max_row + 1) if ws.cell(r, 1).value == "dossiers_received")
    ws.cell(row, 4).value = 3
    wb.save(path)
    ds = load_data(data_dir)
    assert ds.findings == [] and ds.value(PERIOD, "10", "dossiers_received") == 3


def test_units_outside_their_validity_get_no_column(tmp_path, catalogue):
    csv = tmp_path / "units.csv"
    csv.write_text("code,name_vi,name_en,level,parent,valid_from,valid_to\n"
                   "10,Tỉnh Lào Cai,Lào Cai,province,,,\n"
                   "080,Thành phố Lào Cai,Lào Cai City,district,10,,2025-06-30\n", encoding="utf-8")
    cols = workbook.workbook_units(read_units(csv), "2025-07")
    assert [u.code for u in cols] == ["10"]


def test_a_month_is_required(tmp_path, catalogue, units):
    from helpers.errors import ParameterError
    with pytest.raises(ParameterError):
        workbook.write_entry_workbook(tmp_path / "x.xlsx", "2023-Q4", catalogue, units)


def test_pdf_preview(template, tmp_path):
    """Render the workbook with LibreOffice when it is installed (a look, not a check)."""
    import subprocess
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if not office:
        pytest.skip("LibreOffice not installed")
    profile = (tmp_path / "profile").as_uri()      # its own profile: another LibreOffice running takes no job of ours
    done = subprocess.run([office, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), str(template)], capture_output=True, timeout=300)
    if b"could not be loaded" in done.stdout + done.stderr and not shutil.which("localc"):
        pytest.skip("LibreOffice without Calc (e.g. only libreoffice-writer-nogui)")
    assert done.returncode == 0 and (tmp_path / "2023-11.pdf").stat().st_size > 0, done
