"""A versioned result (issue 17): metrics.json carries ``schema_version``, the JSON Schema
ships in the package (a copy in docs/), and one reader (``helpers.results``) reads every
metrics.json back: a file without a version is 1.0, another major version or a file that
is not a result is skipped with a warning saying which file and why."""

from __future__ import annotations

import copy
import json
import warnings
from pathlib import Path

import jsonschema
import nbformat
import pytest
from conftest import ROOT, assert_valid_metrics, cli

from helpers import glue, results
from helpers.cli import main
from helpers.text import t

SCHEMA = results.SCHEMA_PATH
SHA = "0" * 64

# the smallest metrics.json the schema accepts: one indicator, one finding, one league, one overdue row
MINIMAL = {
    "schema_version": "1.0", "period": "2023-10", "unit": "10", "unit_name": "Tỉnh Thử",
    "period_label": "tháng 10/2023", "generated_at": "2023-11-14T08:00:00", "inputs": {"units.csv": SHA},
    "code_version": "0.1.0",
    "indicators": {"online_submission_rate": {
        "value": 53.31, "previous": None, "same_period_last_year": 40, "ytd": 50.5, "ytd_same_period_last_year": None,
        "target": 50, "status": "met", "ytd_status": "met", "computed": True, "unit": "percent",
        "months_with_data": 1, "not_comparable": {"previous": "split"}}},
    "findings": [{"severity": "warning", "kind": "jump", "check": "jump", "indicator": None, "unit": "10",
                  "period": "2023-10", "file": "periods/2023-10.csv", "row": 4, "message": "tăng đột biến"}],
    "areas": {"tthc": "met"},
    "leagues": [{"indicator": "online_submission_rate", "level": "district", "window": "2023-01..10", "target": None,
                 "rows": [{"unit": "080", "value": 61.2, "rank": 1, "previous_rank": None, "rank_change_places": None,
                           "status": "no_target"}]}],
    "overdue": {"unit": None, "sub_units": [{"unit": "080", "late": 3, "late_ytd": 12, "late_rate_ytd": 1.5,
                                             "pending_overdue": None}]},
    "flagged": {"online_submission_rate": 1},
    "fingerprints": {"progress_report": SHA},
}


def schema_errors(metrics: dict) -> list[str]:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return [e.json_path for e in jsonschema.Draft202012Validator(schema).iter_errors(metrics)]


def write_result(out: Path, period: str, content) -> Path:
    folder = out / period / "10"
    folder.mkdir(parents=True)
    (folder / "progress_report.html").write_text("<html></html>", encoding="utf-8")
    path = folder / "metrics.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


# -- the shipped schema ---------------------------------------------------------------------------
def test_the_schema_is_draft_2020_12_and_docs_holds_the_same_file():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert (ROOT / "docs" / "metrics.schema.json").read_bytes() == SCHEMA.read_bytes()


@pytest.mark.filterwarnings("ignore:Support for `\\[tool.setuptools\\]`")
def test_the_schema_ships_as_package_data():
    from setuptools.config.pyprojecttoml import read_configuration
    patterns = read_configuration(ROOT / "pyproject.toml")["tool"]["setuptools"]["package-data"]["helpers"]
    package = SCHEMA.parents[1]
    assert any(SCHEMA in package.glob(pattern) for pattern in patterns), patterns


def test_the_schema_accepts_a_result_and_a_later_minor_version_with_more_fields():
    assert schema_errors(MINIMAL) == []
    assert schema_errors({**MINIMAL, "schema_version": "1.4", "official_document": {"number": "12/BC-UBND"}}) == []


@pytest.mark.parametrize("change, where", [
    (lambda m: m.pop("schema_version"), "$"),
    (lambda m: m.update(schema_version=1.0), "$.schema_version"),
    (lambda m: m.update(schema_version="2.0"), "$.schema_version"),
    (lambda m: m.update(period="October"), "$.period"),
    (lambda m: m["indicators"]["online_submission_rate"].update(status="green"),
     "$.indicators.online_submission_rate.status"),
    (lambda m: m["indicators"]["online_submission_rate"].update(value="53.31"),
     "$.indicators.online_submission_rate.value"),
    (lambda m: m["indicators"]["online_submission_rate"].pop("target"), "$.indicators.online_submission_rate"),
    (lambda m: m["findings"][0].update(severity="fatal"), "$.findings[0].severity"),
    (lambda m: m["leagues"][0]["rows"][0].update(rank=0), "$.leagues[0].rows[0].rank"),
    (lambda m: m["inputs"].update({"units.csv": "not a hash"}), "$.inputs['units.csv']"),
], ids=["no version", "version a number", "major 2", "period", "status", "value as text", "no target",
        "severity", "rank 0", "hash"])
def test_the_schema_refuses_what_a_reader_could_not_rely_on(change, where):
    metrics = copy.deepcopy(MINIMAL)
    change(metrics)
    assert where in schema_errors(metrics)


# -- the reader -----------------------------------------------------------------------------------
def test_a_result_without_a_version_reads_as_1_0_and_a_later_minor_as_itself(tmp_path):
    old = {k: v for k, v in MINIMAL.items() if k != "schema_version"}
    assert results.read_metrics(write_result(tmp_path, "2023-09", old))["schema_version"] == "1.0"
    assert results.read_metrics(write_result(tmp_path, "2023-10", {**MINIMAL, "schema_version": "1.7"})) \
        == {**MINIMAL, "schema_version": "1.7"}


@pytest.mark.parametrize("content, reason", [
    ({**MINIMAL, "schema_version": "2.0"}, "index.skipped.unknown_version"),
    ({**MINIMAL, "schema_version": "one"}, "index.skipped.foreign"),
    ({**MINIMAL, "schema_version": 1}, "index.skipped.foreign"),
    ({**MINIMAL, "period": None}, "index.skipped.foreign"),
    ("[1, 2]", "index.skipped.foreign"),
    ("{not json", "index.skipped.unreadable"),
], ids=["major 2", "version not MAJOR.MINOR", "version a number", "period not text", "a list", "broken"])
def test_a_file_the_reader_cannot_rely_on_is_refused_naming_it_and_why(tmp_path, content, reason):
    path = write_result(tmp_path, "2023-10", content)
    with pytest.raises(results.NotAResult) as caught:
        results.read_metrics(path)
    assert caught.value.reason == reason and str(path) in str(caught.value)


def test_read_all_reads_every_report_folder_and_warns_about_the_others(tmp_path):
    good = write_result(tmp_path, "2023-10", MINIMAL)
    newer = write_result(tmp_path, "2023-09", {**MINIMAL, "schema_version": "2.1"})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = results.read_all(tmp_path)
    assert list(found) == [good]
    assert [w.category for w in caught] == [results.SkippedResultWarning]
    text = str(caught[0].message)
    assert str(newer) in text and "schema_version" in text and "không đọc được" in text
    skipped: list = []
    assert list(results.read_all(tmp_path, skipped)) == [good]
    assert skipped == [(newer, "index.skipped.unknown_version")]


def test_the_index_skips_another_major_version_naming_the_file_and_why(tmp_path):
    write_result(tmp_path / "out", "2023-10", MINIMAL)
    newer = write_result(tmp_path / "out", "2023-09", {**MINIMAL, "schema_version": "2.0", "unit_name": "Mới hơn"})
    r = cli("index", "--out", "out", cwd=tmp_path)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert str(newer) in r.stderr and t("vi", "index.skipped.unknown_version") in r.stderr
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "Tỉnh Thử" in page and "Mới hơn" not in page
    assert "schema_version" in t("en", "index.skipped.unknown_version")


# -- a real run -----------------------------------------------------------------------------------
@pytest.mark.e2e
@pytest.mark.parametrize("period, unit", [("2023-10", "10"), ("2026-10", "15-SNV")])
def test_a_rendered_report_writes_a_metrics_json_the_schema_accepts(tmp_path, period, unit):
    out = tmp_path / "out"
    assert main(["run", "--period", period, "--unit", unit, "--data-dir", str(ROOT / "data"), "--out", str(out),
                 "--report", "progress_report", "--formats", "html", "--jobs", "1", "--quiet"]) == 0
    folder = out / period / unit
    metrics = assert_valid_metrics(folder / "metrics.json")
    assert metrics["schema_version"] == results.SCHEMA_VERSION
    glued = glue.read(nbformat.read(folder / "progress_report.ipynb", as_version=4))
    assert glued["metrics"]["schema_version"] == results.SCHEMA_VERSION
    assert results.read_all(out) == {folder / "metrics.json": metrics}


def test_glue_writes_a_decimal_as_the_number_metrics_json_stores(monkeypatch):
    """One Decimal→JSON rule (helpers.fmt.json_number) for metrics.json and the glued result."""
    from datetime import date
    from decimal import Decimal

    import IPython.display
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda data, raw: shown.append(data))
    glue.glue({"title": "T", "header": "H", "language": "vi",
               "metrics": {"indicators": {}, "exact": [Decimal("72.9166"), Decimal("1989"), Decimal("1E+3")],
                           "day": date(2023, 10, 31)}})
    (data,) = shown
    metrics = data[glue.MIME_TYPE]["metrics"]
    assert metrics["exact"] == [72.9166, 1989, 1000] and isinstance(metrics["exact"][1], int)
    assert metrics["day"] == "2023-10-31"
