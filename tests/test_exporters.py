"""The report exporters on notebooks with stored outputs, as nbconvert tests its own: each notebook is built
here with nbformat and the outputs a report cell leaves (the blocks' display data), so no kernel runs."""

import base64
import io
import re

import matplotlib

matplotlib.use("Agg")

import pytest
from bs4 import BeautifulSoup
from nbconvert.exporters import get_exporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from PIL import Image
from pypdf import PdfReader

from helpers import blocks, charts, render

TITLE = "Báo cáo CCHC tháng 10/2026"
HEADER = "Tỉnh Lào Cai — tháng 10/2026"
SECRET = "injected-value-5d1e"
CHART_TITLE = "Tỷ lệ hồ sơ giải quyết đúng hạn"
MONTHS = [charts.month_label(m) for m in range(1, 13)]
C = blocks.Column


def shown(*items) -> list:
    """The outputs ``blocks.show(*items)`` leaves in an executed notebook (IPython's mimebundle protocol)."""
    outputs = []
    for item in items:
        bundle = item._repr_mimebundle_()
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        outputs.append(new_output("display_data", data=data, metadata=metadata))
    return outputs


def code_cell(*outputs, source="blocks.show(...)", tags=()):
    cell = new_code_cell(source, outputs=list(outputs), execution_count=1)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def png_output() -> dict:
    """A reviewer's own matplotlib figure as the inline backend leaves it: a PNG and a repr."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "white").save(buffer, format="PNG")
    return new_output("display_data", data={"image/png": base64.b64encode(buffer.getvalue()).decode(),
                                            "text/plain": "<Figure size 300x200 with 1 Axes>"})


def report_notebook(language="vi", *, reviewer_cells=False):
    """A small executed report: cover and contents, two chapters with a section each, a table, a chart,
    an analyst's note; the parameter cells, a removed cell and stderr that no format may show."""
    trend = charts.trend_chart(MONTHS, [88.5, 90.1, None, 91.2, 92.0, 93.4, 94.1, 95.0, 95.5, 96.2, None, None],
                               title=CHART_TITLE, unit="percent", target=95, year=2026, lang=language)
    cells = [
        code_cell(source="language = 'vi'", tags=["parameters"]),
        code_cell(new_output("stream", name="stdout", text=SECRET), source=f"unit = '{SECRET}'",
                  tags=["injected-parameters"]),
        code_cell(new_output("stream", name="stdout", text="removed-cell-output"), tags=["remove"]),
        code_cell(*shown(blocks.Cover("BÁO CÁO TIẾN ĐỘ", HEADER, [("Đơn vị", "Tỉnh Lào Cai")],
                                      running_header=HEADER), blocks.Contents("Mục lục"))),
        code_cell(new_output("stream", name="stderr", text="stderr-noise"),
                  *shown(blocks.Heading("Cải cách thủ tục hành chính", 1),
                         blocks.Paragraph("Hồ sơ được tiếp nhận và giải quyết đúng hạn."),
                         blocks.Heading("Kết quả giải quyết hồ sơ", 2),
                         blocks.Table([C("Chỉ tiêu", 0.5), C("Số hồ sơ", 0.25, "right"), C("Đánh giá", 0.25)],
                                      [["Hồ sơ giải quyết đúng hạn", "1.989", blocks.Cell("Đạt", status="met")],
                                       ["Hồ sơ trực tuyến", "712", blocks.Cell("Không đạt", status="not_met")]]),
                         blocks.Chart.from_figure(trend))),
        code_cell(*shown(blocks.Heading("Ghi chú", 1),
                         blocks.Markdown("Ý kiến của **chuyên viên**: số liệu *đầy đủ*.")),
                  new_output("execute_result", data={"text/plain": "<helpers.blocks.Group object>"},
                             execution_count=1)),
    ]
    if reviewer_cells:
        cells += [new_markdown_cell("## Ghi chú của người xem\n\nMột đoạn *Markdown* trong sổ."),
                  code_cell(png_output(), source="plt.plot([1, 2])")]
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                            "language": "python"}})
    nb.metadata["papermill"] = {"parameters": {"language": language}}
    return nb


def html_of(nb, **resources):
    html, _ = render.ReportHTMLExporter().from_notebook_node(nb, resources={"cchc": resources} if resources
                                                             else None)
    return html


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


UNWANTED = (SECRET, "removed-cell-output", "stderr-noise", "blocks.show", "language = ")


# -- HTML --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def html():
    return html_of(report_notebook(), lang="vi", title=TITLE, header=HEADER)


def test_html_has_the_headings_table_and_chart_text(html):
    soup = BeautifulSoup(html, "html.parser")
    assert [h.get_text(strip=True) for h in soup.find_all("h1")][-2:] == ["Cải cách thủ tục hành chính", "Ghi chú"]
    assert "Kết quả giải quyết hồ sơ" in [h.get_text(strip=True) for h in soup.find_all("h2")]
    cells = [td.get_text(" ", strip=True) for td in soup.select(".cchc-table td")]
    assert {"Hồ sơ giải quyết đúng hạn", "1.989", "✔ Đạt", "✘ Không đạt"} <= set(cells)
    charts_shown = [img for img in soup.find_all("img") if img["src"].startswith("data:image/svg+xml;base64,")]
    assert [img["alt"] for img in charts_shown] == [CHART_TITLE]
    assert CHART_TITLE in base64.b64decode(charts_shown[0]["src"].split(",", 1)[1]).decode()   # text as text
    assert "chuyên viên" in soup.find("strong").get_text()


def test_html_page_shell_and_nothing_but_the_report(html):
    assert '<html lang="vi">' in html and f"<title>{TITLE}</title>" in html and HEADER in html
    for unwanted in (*UNWANTED, "<script", "text/x-typst", "#cchc-", "In&nbsp;["):
        assert unwanted not in html, unwanted
    outside = re.sub(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+", "", html)     # random letters
    assert not re.search(r"<link[^>]+href=[\"']?http", outside)
    assert "cdn" not in outside.lower() and "mathjax" not in outside.lower()


def test_html_contents_link_every_section_of_the_blocks(html):
    soup = BeautifulSoup(html, "html.parser")
    nav = soup.select_one(".cchc-toc nav")
    links = nav.find_all("a")
    assert [a.get_text(strip=True) for a in links] == ["Cải cách thủ tục hành chính", "Kết quả giải quyết hồ sơ",
                                                       "Ghi chú"]
    for link in links:
        assert soup.find(id=link["href"][1:]).name in ("h1", "h2")


def test_html_of_a_notebook_with_reviewer_cells_gives_every_image_an_alt_and_lists_its_sections():
    soup = BeautifulSoup(html_of(report_notebook(reviewer_cells=True)), "html.parser")
    images = soup.find_all("img")
    assert any(img["src"].startswith("data:image/png;base64,") for img in images)
    assert all(img.get("alt") for img in images)
    titles = [a.get_text(strip=True) for a in soup.select("nav.toc a")]
    assert titles[-1] == "Ghi chú của người xem"
    assert all(soup.find(id=a["href"][1:]) is not None for a in soup.select("nav.toc a"))


def test_html_language_comes_from_papermill_parameters_without_resources():
    html = html_of(report_notebook("en"))
    assert '<html lang="en">' in html
    assert BeautifulSoup(html, "html.parser").select_one("nav .toc-title").get_text() == "Contents"


# -- Typst and PDF ---------------------------------------------------------------------------------------
def test_typst_source_has_the_page_setup_and_escaped_texts():
    source, resources = render.TypstExporter().from_notebook_node(
        report_notebook(), resources={"cchc": {"lang": "vi", "title": TITLE, "header": HEADER}})
    assert resources["output_extension"] == ".typ"
    assert 'cchc-report.with(lang: "vi"' in source
    assert '"Cải cách thủ tục hành chính"' in source and "<svg" in source
    for unwanted in (*UNWANTED, "object>"):
        assert unwanted not in source, unwanted


@pytest.fixture(scope="module")
def pdf():
    pdf, resources = render.TypstPDFExporter().from_notebook_node(
        report_notebook(reviewer_cells=True), resources={"cchc": {"lang": "vi", "title": TITLE, "header": HEADER}})
    assert resources["output_extension"] == ".pdf" and resources["outputs"] == {}
    return pdf


def test_pdf_is_a4_with_vietnamese_text_contents_and_chart_labels(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    assert pdf.startswith(b"%PDF") and len(reader.pages) >= 2
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - 595.28) < 1 and abs(float(page.mediabox.height) - 841.89) < 1
    text = pdf_text(pdf)
    for expected in ("BÁO CÁO TIẾN ĐỘ", "Mục lục", "Cải cách thủ tục hành chính", "Kết quả giải quyết hồ sơ",
                     "1.989", "Không đạt", "chuyên viên", "Ghi chú của người xem", CHART_TITLE, "Năm 2026"):
        assert expected in text, expected


def test_pdf_pages_have_the_running_header_numbers_and_the_contents_pages(pdf):
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    for number, page in enumerate(pages, start=1):
        assert page.rstrip().endswith(f"Trang {number}/{len(pages)}"), page[-80:]
        assert page.startswith(HEADER) == (number > 1)                   # no header above the cover title
    for title in ("Cải cách thủ tục hành chính", "Ghi chú"):              # a chapter starts a new page
        chapter = re.search(re.escape(title) + r" \.{5,} (\d+)", pages[0])
        assert chapter and pages[int(chapter[1]) - 1].splitlines()[1] == title, title


def test_pdf_shows_nothing_but_the_report(pdf):
    text = pdf_text(pdf)
    for unwanted in (*UNWANTED, "object>"):             # a bare repr beside the blocks is no content
        assert unwanted not in text, unwanted


def test_the_formats_are_nbconvert_exporters_by_name():
    assert get_exporter("cchc_html") is render.ReportHTMLExporter
    assert get_exporter("cchc_typst") is render.TypstExporter
    assert get_exporter("cchc_pdf") is render.TypstPDFExporter


def test_one_heading_anchor_rule_for_the_blocks_and_the_contents_of_other_pages():
    first, again = blocks.Heading("Chỉ  tiêu   riêng 7c1"), blocks.Heading("Chỉ tiêu riêng 7c1")
    assert (first.anchor, again.anchor) == ("Chỉ-tiêu-riêng-7c1", "Chỉ-tiêu-riêng-7c1-2")
    page = '<main><h1>R</h1><h2> </h2><h2>Kết  quả</h2><h2 id="x">Kết quả</h2><p id="Kết-quả">p</p></main>'
    soup = BeautifulSoup(render.add_table_of_contents(page, "vi"), "html.parser")
    assert [a["href"] for a in soup.select("nav.toc a")] == ["#section", "#Kết-quả-2", "#x"]
