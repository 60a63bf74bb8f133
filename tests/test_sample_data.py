"""The shipped sample reproduces the article's 10-month 2023 figures for Lào Cai."""

import subprocess
import sys
from decimal import Decimal

import pytest
from conftest import ROOT

from helpers.figures import compute_figures
from helpers.load import load_data
from helpers.validate import validate


@pytest.fixture(scope="module")
def ytd():
    figs = compute_figures(load_data(ROOT / "data"), "10", "2023-10")
    return {code: f.ytd.value for code, f in figs.items()}


def test_october_2023_year_to_date_equals_the_article(ytd):
    assert ytd["tthc_published_total"] == 1989
    assert (ytd["tthc_published_province"], ytd["tthc_published_district"], ytd["tthc_published_commune"]) == \
        (1473, 294, 132)
    assert (ytd["dvctt_full_count"], ytd["dvctt_partial_count"]) == (1277, 520)
    assert round(ytd["dvctt_coverage_rate"], 2) == Decimal("90.35")           # exact 1797/1989, shown rounded
    assert ytd["tthc_time_cut30"] == 977
    assert ytd["dossiers_time_cut"] == 60000
    assert ytd["cost_saved_time_cut"] == 35_000_000_000
    assert (ytd["internal_tthc_simplified"], ytd["internal_tthc_total"]) == (39, 51)
    assert round(ytd["internal_tthc_simplified_rate"], 1) == Decimal("76.5")
    assert round(ytd["internal_tthc_cost_cut_pct"], 2) == Decimal("23.67")
    assert round(ytd["eid_collection_vs_target"], 2) == Decimal("143.84")
    assert round(ytd["eid_activation_vs_target"], 2) == Decimal("105.62")
    assert ytd["de06_models_count"] == 43
    assert ytd["online_submission_rate"] > 50
    assert ytd["online_payment_rate"] > 60


def test_sample_validates_with_the_parts_warning():
    findings = validate(ROOT / "data")
    assert not [f for f in findings if f.is_error]
    parts = [f for f in findings if f.check == "parts_sum"]
    assert len(parts) == 1 and "1.989 ≠ 1.473 + 294 + 132 = 1.899" in parts[0].message_vi
    r = subprocess.run([sys.executable, "-m", "helpers.cli", "validate"], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1.989 ≠ 1.473 + 294 + 132 = 1.899" in r.stdout


def test_sample_ships_an_excel_month_and_a_bom_csv():
    assert (ROOT / "data/periods/2023-06.xlsx").is_file()
    assert not (ROOT / "data/periods/2023-06.csv").exists()
    assert (ROOT / "data/periods/2023-03.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    ds = load_data(ROOT / "data")
    rec = ds.record("2023-06", "080", "dossiers_received")
    assert isinstance(rec.value, int) and rec.row.startswith("so_lieu!")


def test_generator_is_deterministic_and_matches_the_shipped_sample(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "scripts/make_sample_data.py"), "--out", str(tmp_path)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    for path in sorted((ROOT / "data/periods").glob("*.csv")):
        assert (tmp_path / "periods" / path.name).read_bytes() == path.read_bytes(), path.name


@pytest.mark.e2e
def test_2026_generator_matches_the_shipped_current_sample(tmp_path):
    """The current sample regenerates byte for byte (units.csv from the official lists included)."""
    r = subprocess.run([sys.executable, str(ROOT / "scripts/make_sample_data_2026.py"), "--out", str(tmp_path)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    shipped = sorted(p.relative_to(ROOT / "data-2026") for p in (ROOT / "data-2026").rglob("*") if p.is_file())
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert made == shipped and len(shipped) == 34 + 3
    for rel in shipped:
        if rel.name == "units.csv":      # the source column names the installed package version
            def rows(path):
                import csv
                with open(path, encoding="utf-8") as fh:
                    return [{k: v for k, v in r.items() if k != "source"} for r in csv.DictReader(fh)]
            assert rows(tmp_path / rel) == rows(ROOT / "data-2026" / rel)
            continue
        assert (tmp_path / rel).read_bytes() == (ROOT / "data-2026" / rel).read_bytes(), rel
