"""An analyst's month: new-period, template, fill, validate, run, read the PDF."""

import subprocess

import openpyxl
import pytest
from conftest import cli, project_copy

pytestmark = pytest.mark.e2e


def _project(tmp_path):
    proj = project_copy(tmp_path)
    for month in ("2023-11", "2023-12"):
        (proj / "data/periods" / f"{month}.csv").unlink()
    return proj


def _fill(path, values: dict):
    """Type figures into the entry workbook where the codes and unit codes say."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if ws.title in ("_cchc",) or ws.sheet_state != "visible":
            continue
        codes = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
        units = {str(ws.cell(4, c).value): c for c in range(1, ws.max_column + 1)}
        for (unit, code), value in values.items():
            if code in codes and unit in units:
                ws.cell(codes[code], units[unit]).value = value
    wb.save(path)


def test_new_period_writes_params_and_refuses_to_overwrite(tmp_path):
    proj = _project(tmp_path)
    r = cli("new-period", "2023-12", cwd=proj)
    assert r.returncode == 0 and (proj / "params/2023-12.yaml").is_file()
    assert "2023-Q4" in r.stdout and "cchc-report run --period 2023" in r.stdout      # a quarter and a year close
    before = (proj / "params/2023-12.yaml").read_bytes()
    r = cli("new-period", "2023-12", cwd=proj)
    assert r.returncode == 2 and "--force" in r.stderr and "Traceback" not in r.stderr
    assert (proj / "params/2023-12.yaml").read_bytes() == before
    assert cli("new-period", "2023-12", "--force", cwd=proj).returncode == 0


def test_template_fill_validate_run_pdf(tmp_path):
    proj = _project(tmp_path)
    r = cli("new-period", "2023-11", "--workbook", cwd=proj)
    assert r.returncode == 0, r.stderr
    book = proj / "data/periods/2023-11.xlsx"
    assert book.is_file()
    assert cli("template", "2023-11", cwd=proj).returncode == 2          # refuses to overwrite
    filled = {("10", "tthc_published_total"): 2024, ("10", "tthc_published_province"): 1500,
              ("10", "tthc_published_district"): 390, ("10", "tthc_published_commune"): 134,
              ("10", "dvctt_full_count"): 1313, ("10", "dvctt_partial_count"): 522}
    for unit in ("080", "082", "083", "084", "085", "086", "087", "088", "089"):
        filled[(unit, "dossiers_received")] = 4000
        filled[(unit, "dossiers_received_online")] = 2468
    _fill(book, filled)
    r = cli("validate", "--period", "2023-11", cwd=proj)
    assert r.returncode == 0, r.stdout + r.stderr
    r = cli("run", "--period", "2023-11", "--report", "progress_report", "--out", "reports", cwd=proj)
    assert r.returncode == 0, r.stdout + r.stderr
    pdf = proj / "reports/2023-11/10/progress_report.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "tháng 11/2023" in text and "2.024" in text and "1.313" in text
    assert "61,70%" in text          # 9 × 2468 / (9 × 4000) online submission this month


def test_rearranged_workbook_is_a_clear_error(tmp_path):
    proj = _project(tmp_path)
    assert cli("template", "2023-11", cwd=proj).returncode == 0
    book = proj / "data/periods/2023-11.xlsx"
    wb = openpyxl.load_workbook(book)
    wb["TTHC"].title = "Thu tuc"
    wb.save(book)
    r = cli("validate", "--period", "2023-11", cwd=proj)
    assert r.returncode == 1 and "TTHC" in r.stdout and "Traceback" not in r.stderr
