"""The reviewer's API (helpers.review): figures and findings as DataFrames, and a
cell of one's own whose chart, table and text reach both the HTML and the PDF."""

from __future__ import annotations

import base64
import re
import subprocess

import nbformat
import pytest
from conftest import ROOT, assert_valid_metrics, cli, project_copy

from helpers import review
from helpers.report import Report

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
    children = {u.code for u in report.ds.units.children("10")}
    assert set(df.unit) == {"10", *children}
    assert df.groupby("unit").size().nunique() == 1      # every unit has every indicator


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
