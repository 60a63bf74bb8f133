"""Executed notebook -> HTML -> PDF (helpers.render)."""

import re
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from helpers import render

HEADER = "Tỉnh Lào Cai — tháng 10/2023"
TITLE = "Báo cáo CCHC tháng 10/2023"
INJECTED_SECRET = "injected-value-7f3a"
CODE_MARKER = "code_source_marker_91c2"

TABLE_HTML = """
<table class="cchc-table">
  <thead><tr>
    <th>Chỉ tiêu</th><th class="num">Số hồ sơ</th><th class="num">Tỷ lệ</th><th>Đánh giá</th>
  </tr></thead>
  <tbody>
    <tr><td>Hồ sơ giải quyết đúng hạn</td><td class="num">1.989</td><td class="num">90,35%</td>
        <td><span class="status-met">✔ Đạt</span></td></tr>
    <tr><td>Hồ sơ trực tuyến</td><td class="num">712</td><td class="num">32,34%</td>
        <td><span class="status-not-met">✘ Không đạt</span></td></tr>
  </tbody>
</table>
"""

NARRATIVE = " ".join(["Cải cách thủ tục hành chính được triển khai đồng bộ ở các cấp."] * 12)


def build_notebook():
    """A small report notebook covering what the renderer must handle."""
    parameters = new_code_cell("unit = 'LC'\nperiod = '2023-10'")
    parameters.metadata["tags"] = ["parameters"]
    injected = new_code_cell(f"unit = '{INJECTED_SECRET}'")
    injected.metadata["tags"] = ["injected-parameters"]
    removed = new_code_cell("print('removed-cell-output')")
    removed.metadata["tags"] = ["remove"]
    return new_notebook(
        cells=[
            parameters,
            injected,
            removed,
            new_markdown_cell("# Báo cáo tiến độ CCHC"),
            new_code_cell(
                f"# {CODE_MARKER}\n"
                "from IPython.display import HTML, display\n"
                "display(HTML('<div class=\"cchc-toc\"></div>'))"
            ),
            new_markdown_cell(f"## Cải cách thủ tục hành chính\n\n{NARRATIVE}"),
            new_code_cell(
                "import sys, warnings\n"
                "warnings.warn('noisy warning')\n"
                "print('stderr-noise', file=sys.stderr)\n"
                f"display(HTML('''{TABLE_HTML}'''))"
            ),
            new_markdown_cell(f"## Kết quả giải quyết hồ sơ\n\n{NARRATIVE}\n\n{NARRATIVE}"),
            new_code_cell(
                "import matplotlib\n"
                "matplotlib.use('Agg')\n"
                "import matplotlib.pyplot as plt\n"
                "%matplotlib inline\n"
                "fig, ax = plt.subplots(figsize=(7, 4))\n"
                "ax.bar(['Tháng 8', 'Tháng 9', 'Tháng 10'], [1702, 1850, 1989])\n"
                "ax.set_title('Hồ sơ giải quyết đúng hạn')\n"
                "plt.show()"
            ),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )


@pytest.fixture(scope="module")
def executed_nb():
    nb = build_notebook()
    NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    return nb


@pytest.fixture(scope="module")
def html(executed_nb):
    return render.notebook_to_html(executed_nb, title=TITLE, header=HEADER, lang="vi")


def pdftotext(pdf_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(
        ["pdftotext", "-layout", str(pdf_path), "-"], check=True, capture_output=True, text=True
    )
    return result.stdout


@pytest.fixture(scope="module")
def pdf_text(html, tmp_path_factory):
    pdf_path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    render.html_to_pdf(html, pdf_path)
    return pdftotext(pdf_path)


def test_html_is_self_contained(html):
    assert "<script" not in html
    assert not re.search(r"<link[^>]+href=[\"']?http", html)
    assert "cdn" not in html.lower()
    assert "mathjax" not in html.lower()


def test_html_page_shell(html):
    assert '<html lang="vi">' in html
    assert f"<title>{TITLE}</title>" in html
    assert HEADER in html
    assert "max-width: 900px" in html


def test_html_drops_code_prompts_parameters_and_stderr(html):
    assert CODE_MARKER not in html
    assert "display(HTML" not in html
    assert "period = " not in html
    assert INJECTED_SECRET not in html
    assert "removed-cell-output" not in html
    assert "stderr-noise" not in html
    assert "noisy warning" not in html
    assert "In&nbsp;[" not in html and "Out[" not in html


def test_html_keeps_outputs_and_inline_images(html):
    assert "Cải cách thủ tục hành chính" in html
    assert 'class="cchc-table"' in html
    assert "1.989" in html and "90,35%" in html
    assert "data:image/png;base64," in html


def test_toc_replaces_placeholder_and_links_sections(html):
    soup = BeautifulSoup(html, "html.parser")
    nav = soup.select_one(".cchc-toc > nav.toc")
    assert nav is not None
    assert nav.find(class_="toc-title").get_text() == "Mục lục"
    links = nav.find_all("a")
    assert [a.get_text() for a in links] == ["Cải cách thủ tục hành chính", "Kết quả giải quyết hồ sơ"]
    for link in links:
        assert soup.find(id=link["href"][1:]).name == "h2"


def test_toc_falls_back_to_after_first_h1_and_uses_english():
    html = (
        '<html lang="en"><body><main><h1>Report</h1><p>intro</p>'
        "<h2>Same</h2><h2>Same</h2></main></body></html>"
    )
    soup = BeautifulSoup(render.add_table_of_contents(html, "en"), "html.parser")
    assert soup.h1.find_next_sibling().name == "nav"
    assert soup.find(class_="toc-title").get_text() == "Contents"
    assert [a["href"] for a in soup.nav.find_all("a")] == ["#Same", "#Same-2"]


def test_pdf_text_is_searchable_vietnamese(pdf_text):
    for expected in ("Cải cách thủ tục hành chính", "1.989", "90,35%", "Mục lục", HEADER):
        assert expected in pdf_text


def test_pdf_footer_and_toc_page_numbers(pdf_text):
    pages = pdf_text.split("\f")
    page_count = len([page for page in pages if page.strip()])
    assert page_count >= 2
    assert f"Trang 1/{page_count}" in pdf_text
    assert re.search(r"Kết quả giải quyết hồ sơ\s*\.{5,}\s*\d+", pdf_text)


def test_english_report_files(executed_nb, tmp_path):
    html_path, pdf_path = tmp_path / "report.html", tmp_path / "report.pdf"
    render.write_html_and_pdf(executed_nb, html_path, pdf_path, title=TITLE, header=HEADER, lang="en")
    assert '<html lang="en">' in html_path.read_text(encoding="utf-8")
    text = pdftotext(pdf_path)
    assert "Contents" in text and "Mục lục" not in text
    assert re.search(r"Page 1 of \d+", text)


def test_exporter_is_built_once():
    assert render.report_exporter() is render.report_exporter()
    assert render.font_configuration() is render.font_configuration()
