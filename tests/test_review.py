"""The reviewer's API (helpers.review): figures and findings as DataFrames, and a
cell of one's own whose chart, table and text reach both the HTML and the PDF."""

from __future__ import annotations

import base64
import json
import re
import subprocess
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, assert_valid_metrics, cli, project_copy

from helpers import fmt, glue, review
from helpers.report import Report
from helpers.text import t

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def report():
    return Report.open("2023-10", "10", str(ROOT / "data"), "vi")


def test_figures_frame_is_tidy_and_matches_the_report(report):
    df = review.figures(report)
    assert list(df.columns)[:4] == ["period", "unit", "unit_name", "indicator"]
    assert set(df.unit) == {"10"} and set(df.period) == {"2023-10"}
    assert len(df) == len(report.figures)
    row = df.set_index("indicator").loc["tthc_published_total"]
    fig = report.figures["tthc_published_total"]
    assert row.value == fig.current.value and row.status == fig.status


def test_figures_frame_of_sub_units(report):
    df = review.figures(report, units="children")
    children = {u.code for u in report.ds.units.children("10", "2023-10")}      # as they are in the period
    assert set(df.unit) == {"10", *children}
    assert df.groupby("unit").size().nunique() == 1      # every unit has every indicator


def test_figures_frame_of_sub_units_leaves_out_a_unit_dissolved_before_the_period(tmp_path):
    from conftest import csv_rows, write_data
    units = ("code,name_vi,name_en,level,parent,valid_from,valid_to,successor\n"
             "10,Tỉnh Thử,Test Province,province,,,,\n"
             "080,Thành phố Thử,Test City,district,10,,,\n"
             "082,Huyện Cũ,Old District,district,10,,2023-06-30,080\n")
    data = write_data(tmp_path, {"2023-10.csv": csv_rows("080,dossiers_received,5,")}, units=units)
    rep = Report.open("2023-10", "10", str(data), "vi")
    assert set(review.figures(rep, units="children").unit) == {"10", "080"}
    assert set(review.figures(rep, units="all").unit) == {"10", "080"}


def test_findings_frame(report):
    df = review.findings(report)
    assert list(df.columns) == ["severity", "kind", "unit", "indicator", "file", "row", "message"]
    assert len(df) == len(report.findings)
    assert set(df.severity) <= {"error", "warning"} and df.kind.notna().all()
    assert "1989" in " ".join(df.message.str.replace(".", "", regex=False))      # the article's 1.989 vs its parts


@pytest.mark.e2e
def test_a_reviewer_cell_appears_in_html_and_pdf(tmp_path):
    proj = project_copy(tmp_path)
    nb_path = proj / "notebooks" / "progress_report.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    cell = nbformat.v4.new_code_cell(
        "from helpers import review\n"
        "from matplotlib.figure import Figure\n"
        "df = review.figures(report, units='children')\n"
        "rows = df[df.indicator == 'online_submission_rate'].sort_values('value')\n"
        "review.table(rows[['unit_name', 'value']], title='Bảng của người duyệt')\n"
        "fig = Figure(figsize=(5, 2))\n"
        "fig.add_subplot().bar(['Một', 'Hai'], [1, 2])\n"
        "fig.axes[0].set_title('Biểu đồ của người duyệt')\n"
        "review.chart(fig, title='Hình tự thêm')\n"
        "review.text('**Nhận xét riêng** của người duyệt về số liệu.')\n")
    at = next(i for i, c in enumerate(nb.cells) if "report.glue()" in c.source)
    nb.cells.insert(at, cell)
    nbformat.write(nb, nb_path)
    out = tmp_path / "out"
    result = cli("run", "--period", "2023-10", "--unit", "10", "--data-dir", "data", "--out", str(out),
                 "--report", "progress_report", cwd=proj)
    assert result.returncode == 0, result.stdout + result.stderr
    folder = out / "2023-10" / "10"
    html = (folder / "progress_report.html").read_text(encoding="utf-8")
    pdf = subprocess.run(["pdftotext", "-layout", str(folder / "progress_report.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    charts_svg = " ".join(base64.b64decode(b).decode("utf-8")
                          for b in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html))
    for text in ("Bảng của người duyệt", "Hình tự thêm", "Nhận xét riêng"):
        assert text in html, text
        assert text in pdf, text
    assert "Biểu đồ của người duyệt" in charts_svg and "Biểu đồ của người duyệt" in pdf   # the chart's own title
    # the reviewer's table holds the sub-units' figures the report computed
    metrics = assert_valid_metrics(folder / "metrics.json")
    assert metrics["unit"] == "10"
    # the read side on the real outputs: the folder's metrics.json and the executed notebook agree
    df = review.read_figures(out)
    assert len(df) == len(metrics["indicators"]) and set(df.period) == {"2023-10"} and set(df.unit) == {"10"}
    assert df.equals(review.read_figures(folder / "progress_report.ipynb"))
    online = df.set_index("indicator").loc["online_submission_rate"]
    assert online.value == metrics["indicators"]["online_submission_rate"]["value"]


# -- the read side: rendered reports as one DataFrame, to compare months ----------------------------
def _result(period: str, unit: str = "10", **rate) -> dict:
    """A metrics.json of two indicators, as a run writes it (the layout of schema 1.0)."""
    online = {"value": 53.31, "previous": 40, "same_period_last_year": None, "ytd": 50.5,
              "ytd_same_period_last_year": None, "target": 50, "status": "met", "ytd_status": "met",
              "computed": False, "unit": "percent", **rate}
    received = {"value": 1989, "previous": 1800, "same_period_last_year": 1500, "ytd": 19000,
                "ytd_same_period_last_year": 17000, "target": None, "status": "no_target",
                "ytd_status": "no_target", "computed": True, "unit": "count"}
    return {"schema_version": "1.0", "period": period, "unit": unit, "unit_name": "Tỉnh Thử",
            "generated_at": "2023-11-14T08:00:00", "inputs": {},
            "indicators": {"online_submission_rate": online, "dossiers_received": received}, "findings": []}


def _write(folder: Path, period: str, meta: dict) -> Path:
    path = folder / period / meta["unit"] / "metrics.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    return path


def _glued_notebook(path: Path, meta: dict) -> Path:
    """An executed report notebook whose last cell glued ``meta`` (as ``report.glue()`` does)."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("report.glue()")
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        glue.MIME_TYPE: {"title": "T", "header": "H", "language": "vi", "metrics": meta}})]
    nb.cells = [cell]
    nbformat.write(nb, path)
    return path


def test_read_figures_of_two_months_is_one_row_per_period_unit_and_indicator(tmp_path):
    _write(tmp_path, "2023-10", _result("2023-10"))
    _write(tmp_path, "2023-09", _result("2023-09", value=40, status="not_met"))
    df = review.read_figures(tmp_path)
    assert list(df.columns) == [c for c in review.FIGURE_COLUMNS if c not in ("name", "area")]
    both = ["dossiers_received", "online_submission_rate"]
    assert list(zip(df.period, df.indicator)) == [(p, code) for p in ("2023-09", "2023-10") for code in both]
    online = df[df.indicator == "online_submission_rate"].set_index("period")
    assert online.value.to_dict() == {"2023-09": 40, "2023-10": 53.31}
    assert online.status.to_dict() == {"2023-09": "not_met", "2023-10": "met"}
    assert set(df.unit_of_measure) == {"percent", "count"} and set(df.unit_name) == {"Tỉnh Thử"}


def test_read_figures_of_a_notebook_and_its_metrics_counts_the_report_once(tmp_path):
    meta = _result("2023-10")
    notebook = _glued_notebook(tmp_path / "progress_report.ipynb", meta)
    df = review.read_figures(notebook, _write(tmp_path, "2023-10", meta))
    assert len(df) == 2 and set(df.period) == {"2023-10"}
    assert df.set_index("indicator").value.to_dict() == {"online_submission_rate": 53.31, "dossiers_received": 1989}


def test_read_figures_refuses_a_file_that_is_not_a_result_naming_it(tmp_path):
    from helpers.results import NotAResult
    empty = _glued_notebook(tmp_path / "empty.ipynb", _result("2023-10"))
    nb = nbformat.read(empty, as_version=4)
    nb.cells[0].outputs = []
    nbformat.write(nb, empty)
    with pytest.raises(NotAResult) as caught:
        review.read_figures(empty)
    assert "empty.ipynb" in str(caught.value) and "report.glue()" in str(caught.value)
    other = tmp_path / "metrics.json"
    other.write_text('["not", "a", "result"]', encoding="utf-8")
    with pytest.raises(NotAResult, match="metrics.json"):
        review.read_figures(other)


def test_read_figures_of_a_folder_leaves_out_a_foreign_file_with_a_warning(tmp_path):
    from helpers.results import SkippedResultWarning
    _write(tmp_path, "2023-10", _result("2023-10"))
    foreign = tmp_path / "2023-09" / "10" / "metrics.json"
    foreign.parent.mkdir(parents=True)
    foreign.write_text("{", encoding="utf-8")
    with pytest.warns(SkippedResultWarning, match="2023-09"):
        df = review.read_figures(tmp_path)
    assert set(df.period) == {"2023-10"}


def _table_cells(monkeypatch, df, **kw) -> list[list[str]]:
    from helpers import blocks
    shown = []
    monkeypatch.setattr(blocks, "show", lambda *b: shown.extend(b))
    review.table(df, **kw)
    (table,) = shown
    return [[c if isinstance(c, str) else c.text for c in row] for row in table.rows]


def test_table_writes_numbers_and_statuses_in_the_reports_language(report, monkeypatch):
    df = review.figures(report)
    online = df[df.indicator == "online_submission_rate"][["unit_name", "value", "target", "status", "unit_of_measure"]]
    fig = report.figures["online_submission_rate"]
    (vi,) = _table_cells(monkeypatch, online)
    assert vi[1] == fmt.percent(fig.value, "vi", 2) and "," in vi[1] and vi[3] == t("vi", f"status.{fig.status}")
    assert vi[2] == "50%"
    (en,) = _table_cells(monkeypatch, online, lang="en")
    assert en[1] == fmt.percent(fig.value, "en", 2) and en[3] == t("en", f"status.{fig.status}")
    received = df[df.indicator == "tthc_published_total"][["value"]]
    (row,) = _table_cells(monkeypatch, received)
    assert row == [fmt.number(report.figures["tthc_published_total"].value, "vi")]     # 1.989, not 1989


def test_table_of_a_read_frame_takes_the_language_it_is_given(tmp_path, monkeypatch):
    _write(tmp_path, "2023-10", _result("2023-10"))
    df = review.read_figures(tmp_path)
    rows = _table_cells(monkeypatch, df[["indicator", "value", "status", "unit_of_measure"]], lang="en")
    assert rows == [["dossiers_received", "1,989", "No target", "count"],
                    ["online_submission_rate", "53.31%", "Met", "percent"]]
