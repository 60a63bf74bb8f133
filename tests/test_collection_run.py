"""A month collected from end to end (issue 20): ``collect`` writes each unit's workbook, the units fill
them as they would (openpyxl: one renamed, one sent twice, one of another month, one with another unit's
column, one with a formula Excel computed), ``intake`` files the good ones, ``status`` lists who is
missing, and ``run`` reports the figures and the coverage the register gives — on a data folder built here."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import assert_valid_metrics, cli, csv_rows, write_data
from test_collect import SCRIPT, _formula_in, set_cell, with_cached_formula

pytestmark = pytest.mark.e2e

UNITS = """code,name_vi,name_en,level,parent,valid_from,valid_to
15,Tỉnh Thử,Test Province,province,,2025-07-01,
15-SNV,Sở Nội vụ,Department of Home Affairs,department,15,2025-07-01,
15-STP,Sở Tư pháp,Department of Justice,department,15,2025-07-01,
02647,Phường Một,Ward One,commune,15,2025-07-01,
02680,Xã Hai,Commune Two,commune,15,2025-07-01,
02700,Xã Ba,Commune Three,commune,15,2025-07-01,
"""
SUB_UNITS = ("15-SNV", "15-STP", "02647", "02680", "02700")
MONTH = "2026-10"
ON_TIME = "1793700000"         # 2026-11-03 10:00 UTC: before the default deadline, 5 November
LATE = "1794218400"            # 2026-11-09 10:00 UTC: after it
SENT = {"15-SNV": {"dossiers_received": "120", "dossiers_received_online": "90"},
        "02647": {"dossiers_received": "80", "dossiers_received_online": "40"},
        "02700": {"dossiers_received_online": "236"}}        # and =400+72 for dossiers_received
SECOND = {"dossiers_received": "100", "dossiers_received_online": "70"}     # Phường Một's corrected figures


def _september() -> str:
    return csv_rows(*(f"{u},{code},{value}," for u in SUB_UNITS
                      for code, value in (("dossiers_received", 50), ("dossiers_received_online", 25))))


@pytest.fixture
def collected(tmp_path):
    """The data folder after ``collect`` (October for every unit, September for Sở Tư pháp) and the inbox
    of what the units sent back."""
    data = write_data(tmp_path, {"2026-09.csv": _september()}, units=UNITS)
    r = cli("collect", MONTH, "--data-dir", data, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert sorted(p.stem for p in (data / "collect" / MONTH).glob("*.xlsx")) == sorted(("15", *SUB_UNITS))
    assert cli("collect", "2026-09", "--unit", "15-STP", "--data-dir", data, cwd=tmp_path).returncode == 0
    sent, inbox = data / "collect" / MONTH, tmp_path / "inbox"
    inbox.mkdir()
    SCRIPT.fill(sent / "15-SNV.xlsx", inbox / "BaoCao_thang10 (2).xlsx", SENT["15-SNV"])       # renamed
    SCRIPT.fill(sent / "02647.xlsx", inbox / "02647.xlsx", SENT["02647"])
    SCRIPT.fill(sent / "02700.xlsx", inbox / "02700.xlsx", SENT["02700"])
    _formula_in(inbox / "02700.xlsx", "dossiers_received", "400+72")
    with_cached_formula(inbox / "02700.xlsx", "400+72", 472)                   # as Excel saves it
    SCRIPT.fill(sent / "02680.xlsx", inbox / "02680.xlsx", {"dossiers_received": "33"})
    set_cell(inbox / "02680.xlsx", inbox / "02680.xlsx", None, "D4", "15-SNV")  # another unit's column
    SCRIPT.fill(data / "collect" / "2026-09" / "15-STP.xlsx", inbox / "STP.xlsx", {"dossiers_received": "7"})
    second = tmp_path / "again"
    second.mkdir()
    SCRIPT.fill(sent / "02647.xlsx", second / "Phuong Mot sua.xlsx", SECOND)
    return data, inbox, second


def _intake(data, *paths, at, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", at)
    return cli("intake", *map(str, paths), "--data-dir", data, "--lang", "en", cwd=data.parent)


def test_a_collected_month_runs_with_the_units_figures_and_the_registers_coverage(collected, monkeypatch):
    data, inbox, second = collected
    first = _intake(data, inbox, at=ON_TIME, monkeypatch=monkeypatch)
    assert first.returncode == 1 and "files accepted: 3, refused: 2" in first.stdout
    assert "BaoCao_thang10 (2).xlsx → periods/2026-10/15-SNV.xlsx" in first.stdout
    (foreign,) = [line for line in first.stderr.splitlines() if "02680.xlsx" in line]
    assert "unit 15-SNV" in foreign
    (other,) = [line for line in first.stderr.splitlines() if "STP.xlsx" in line]
    assert "2026-09" in other and "--period 2026-09" in other
    again = _intake(data, second, at=LATE, monkeypatch=monkeypatch)
    assert again.returncode == 0 and "LATE" in again.stdout
    kept = list((data / "received" / MONTH).glob("02647-*.xlsx"))
    assert len(kept) == 1 and f"received/{MONTH}/{kept[0].name}" in again.stdout
    filed = sorted(p.name for p in (data / "periods" / MONTH).iterdir())
    assert filed == ["02647.xlsx", "02700.xlsx", "15-SNV.xlsx"]

    status = _status(data)
    assert {u: row["status"] for u, row in status.items()} == {
        "15": "not_received", "15-STP": "not_received", "02680": "not_received",
        "02647": "late", "15-SNV": "received", "02700": "received"}
    assert status["02680"]["last_period"] == "2026-09" and status["02700"]["figures"] == "2"
    assert status["15-SNV"]["file"] == "periods/2026-10/15-SNV.xlsx"

    out = data.parent / "out"
    r = cli("run", "--period", MONTH, "--unit", "15", "--report", "progress_report", "--formats", "html",
            "--data-dir", data, "--out", out, "--quiet", cwd=data.parent)
    assert r.returncode == 0, r.stdout + r.stderr
    folder = out / MONTH / "15"
    m = assert_valid_metrics(folder / "metrics.json")
    coverage = {**m["coverage"], "missing": sorted(m["coverage"]["missing"])}
    assert coverage == {"expected": 5, "reported": 3, "missing": ["02680", "15-STP"], "partial": [],
                        "late": ["02647"]}
    received = m["indicators"]["dossiers_received"]
    assert received["value"] == 120 + 100 + 472            # Sở Nội vụ, Phường Một's second, Xã Ba's formula
    assert m["indicators"]["dossiers_received_online"]["value"] == 90 + 70 + 236
    assert received["previous"] == 3 * 50           # like for like: the three units that reported in October
    html = " ".join((folder / "progress_report.html").read_text(encoding="utf-8").split())
    assert "3/5 đơn vị gửi số liệu" in html and "1 đơn vị gửi muộn" in html


def _status(data) -> dict:
    out = data.parent / "status.csv"
    r = cli("status", MONTH, "--data-dir", data, "--csv", out, "--lang", "en", cwd=data.parent)
    assert r.returncode == 0, r.stderr
    assert "late: 1" in r.stdout
    return {row["unit"]: row for row in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))}


def test_the_register_is_what_status_and_the_report_read(collected, monkeypatch):
    """Each acceptance is one register line: the unit, on time or late, its figures and the file filed."""
    data, inbox, second = collected
    _intake(data, inbox, at=ON_TIME, monkeypatch=monkeypatch)
    _intake(data, second, at=LATE, monkeypatch=monkeypatch)
    lines = [json.loads(x) for x in (data / "received" / MONTH / "register.jsonl").read_text().splitlines()]
    assert [(e["unit"], e["late"], e["figures"]) for e in lines] == [
        ("02647", False, 2), ("02700", False, 2), ("15-SNV", False, 2), ("02647", True, 2)]
    assert lines[-1]["replaced"].startswith(f"received/{MONTH}/02647-20261103-")
    assert lines[2]["original"] == "BaoCao_thang10 (2).xlsx"
    assert [e["file"] for e in lines] == [f"periods/{MONTH}/{u}.xlsx" for u in ("02647", "02700", "15-SNV", "02647")]
