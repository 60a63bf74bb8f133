"""Executed notebook -> HTML and -> PDF through Typst (helpers.render)."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from helpers import render

pytestmark = pytest.mark.e2e

HEADER = "Tỉnh Lào Cai — tháng 10/2023"
TITLE = "Báo cáo CCHC tháng 10/2023"
INJECTED_SECRET = "injected-value-7f3a"
CODE_MARKER = "code_source_marker_91c2"
NARRATIVE = " ".join(["Cải cách thủ tục hành chính được triển khai đồng bộ ở các cấp."] * 12)
SHORT_TABLES = 14          # tables of 8 rows, enough of them to reach across page ends

KPI_TABLE = """
from helpers import blocks
C = blocks.Column
blocks.show(blocks.Table(
    [C("Chỉ tiêu", 0.4), C("Số hồ sơ", 0.2, "right"), C("Tỷ lệ", 0.2, "right"), C("Đánh giá", 0.2)],
    [["Hồ sơ giải quyết đúng hạn", "1.989", "90,35%", blocks.Cell("Đạt", status="met")],
     ["Hồ sơ trực tuyến", "712", "32,34%", blocks.Cell("Không đạt", status="not_met")]]))
"""

SHORT_TABLES_CELL = f"""
from helpers import blocks
C = blocks.Column
for t in range({SHORT_TABLES}):
    blocks.show(blocks.Table([C("Bảng", 0.3), C("Dòng", 0.7)],
                             [[f"bảng-{{t:02d}}", f"dòng-{{t:02d}}-{{r}}"] for r in range(8)]))
"""

CHART_CELL = """
import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
from helpers import blocks
fig, ax = plt.subplots(figsize=(6, 3))
ax.bar(['Tháng 8', 'Tháng 9', 'Tháng 10'], [1702, 1850, 1989])
ax.set_title('Hồ sơ giải quyết đúng hạn')
blocks.show(blocks.Chart.from_figure(fig))
"""

PLAIN_MATPLOTLIB = """
%matplotlib inline
import matplotlib.pyplot as plt
plt.figure(figsize=(3, 2)); plt.plot([1, 2, 3]); plt.title('reviewer-png'); plt.show()
"""


def build_notebook(language="vi"):
    """A small report notebook covering what the renderers must handle."""
    parameters = new_code_cell(f"unit = 'LC'\nperiod = '2023-10'\nlanguage = '{language}'")
    parameters.metadata["tags"] = ["parameters"]
    injected = new_code_cell(f"unit = '{INJECTED_SECRET}'")
    injected.metadata["tags"] = ["injected-parameters"]
    removed = new_code_cell("print('removed-cell-output')")
    removed.metadata["tags"] = ["remove"]
    cover = ("from helpers import blocks\n"
             f"blocks.show(blocks.Cover('BÁO CÁO TIẾN ĐỘ', '{HEADER}', [('Đơn vị', 'Tỉnh Lào Cai')],"
             f" running_header='{HEADER}'), blocks.Contents('Mục lục'))")
    return new_notebook(
        cells=[
            parameters, injected, removed,
            new_code_cell(f"# {CODE_MARKER}\n{cover}"),
            new_code_cell("from helpers import blocks\n"
                          "blocks.show(blocks.Heading('Cải cách thủ tục hành chính', 1),"
                          f" blocks.Paragraph('''{NARRATIVE}'''))"),
            new_code_cell("import sys, warnings\nwarnings.warn('noisy warning')\n"
                          "print('stderr-noise', file=sys.stderr)\n" + KPI_TABLE),
            new_code_cell("from helpers import blocks\n"
                          "blocks.show(blocks.Heading('Kết quả giải quyết hồ sơ', 2),"
                          f" blocks.Paragraph('''{NARRATIVE}'''))"),
            new_code_cell(CHART_CELL),
            new_code_cell(SHORT_TABLES_CELL),
            new_markdown_cell("## Ghi chú của người xem\n\nMột đoạn *Markdown* trong sổ."),
            new_code_cell(PLAIN_MATPLOTLIB),
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


def pdftotext(pdf_path, *extra) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(["pdftotext", *extra, str(pdf_path), "-"], check=True, capture_output=True, text=True)
    return result.stdout


@pytest.fixture(scope="module")
def pdf_path(executed_nb, tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    render.notebook_to_pdf(executed_nb, path, title=TITLE, header=HEADER, lang="vi")
    return path


@pytest.fixture(scope="module")
def pages(pdf_path) -> list[str]:
    return [page for page in pdftotext(pdf_path, "-layout").split("\f") if page.strip()]


# -- HTML ------------------------------------------------------------------------------------------------
def test_html_is_self_contained(html):
    html = re.sub(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+", "", html)       # random letters
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
    assert "blocks.show" not in html
    assert "period = " not in html
    assert INJECTED_SECRET not in html
    assert "removed-cell-output" not in html
    assert "stderr-noise" not in html
    assert "noisy warning" not in html
    assert "In&nbsp;[" not in html and "Out[" not in html
    assert "text/x-typst" not in html and "#cchc-" not in html


def test_html_keeps_outputs_and_inline_images(html):
    assert "Cải cách thủ tục hành chính" in html
    assert 'class="cchc-table' in html
    assert "1.989" in html and "90,35%" in html
    assert "data:image/svg+xml;base64," in html
    assert "data:image/png;base64," in html           # the reviewer's own plain matplotlib figure


def test_every_image_has_a_text_alternative(html):
    images = BeautifulSoup(html, "html.parser").find_all("img")
    assert len(images) >= 2 and all(img.has_attr("alt") for img in images)   # nbconvert's own images too


def test_toc_replaces_placeholder_and_links_sections(html):
    soup = BeautifulSoup(html, "html.parser")
    nav = soup.select_one(".cchc-toc > nav.toc")
    assert nav is not None
    assert nav.find(class_="toc-title").get_text() == "Mục lục"
    links = [a.get_text() for a in nav.find_all("a")]
    assert links == ["Cải cách thủ tục hành chính", "Kết quả giải quyết hồ sơ", "Ghi chú của người xem"]
    for link in nav.find_all("a"):
        assert soup.find(id=link["href"][1:]).name in ("h1", "h2")


def test_toc_falls_back_to_after_first_h1_and_uses_english():
    html = (
        '<html lang="en"><body><main><h1>Report</h1><p>intro</p>'
        "<h2>Same</h2><h2>Same</h2></main></body></html>"
    )
    soup = BeautifulSoup(render.add_table_of_contents(html, "en"), "html.parser")
    assert soup.h1.find_next_sibling().name == "nav"
    assert soup.find(class_="toc-title").get_text() == "Contents"
    assert [a["href"] for a in soup.nav.find_all("a")] == ["#Same", "#Same-2"]


# -- PDF ---------------------------------------------------------------------------------------------------
def test_pdf_is_a4(pdf_path):
    from pypdf import PdfReader
    reader = PdfReader(str(pdf_path))
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - 595.28) < 1 and abs(height - 841.89) < 1        # 210 x 297 mm


def test_pdf_text_is_searchable_vietnamese_with_chart_labels(pdf_path):
    text = pdftotext(pdf_path)
    for expected in ("Cải cách thủ tục hành chính", "Hồ sơ giải quyết đúng hạn", "1.989", "90,35%", "Mục lục",
                     "Đạt", "Không đạt", "Ghi chú của người xem", "Markdown"):
        assert expected in text, expected
    # the chart's title and tick labels are text inside the PDF (matplotlib SVG, text as text)
    assert "Tháng 8" in text and "Tháng 10" in text


def test_pdf_drops_code_parameters_and_stderr(pdf_path):
    text = pdftotext(pdf_path)
    for unwanted in (CODE_MARKER, INJECTED_SECRET, "removed-cell-output", "stderr-noise", "noisy warning",
                     "blocks.show", "object>"):
        assert unwanted not in text, unwanted


def test_pdf_running_header_on_every_page_but_the_cover(pages):
    assert HEADER not in pages[0].split("BÁO CÁO TIẾN ĐỘ")[0]        # no header above the cover title
    for page in pages[1:]:
        assert page.lstrip().startswith(HEADER), page[:200]


def test_pdf_footer_page_numbers(pages):
    total = len(pages)
    assert total >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Trang {number}/{total}" in page


def test_pdf_contents_lists_sections_with_their_pages(pages):
    contents = pages[0]
    for title in ("Cải cách thủ tục hành chính", "Kết quả giải quyết hồ sơ"):
        match = re.search(re.escape(title) + r"\s*\.{5,}\s*(\d+)", contents)
        assert match, title
        page = int(match.group(1))
        assert title in pages[page - 1]
    assert "Cải cách thủ tục hành chính" in pages[1]            # a chapter (h1) starts a new page


def test_pdf_short_tables_are_never_split(pages):
    for t in range(SHORT_TABLES):
        holding = {n for n, page in enumerate(pages) for r in range(8) if f"dòng-{t:02d}-{r}" in page}
        assert len(holding) == 1, f"table {t} spans pages {sorted(holding)}"


def test_pdf_long_table_repeats_its_header(tmp_path):
    from helpers import blocks
    table = blocks.Table([blocks.Column("Đơn vị", 0.5), blocks.Column("Giá trị", 0.5, "right")],
                         [[f"đơn-vị-{i:03d}", str(i)] for i in range(150)])
    path = tmp_path / "long.pdf"
    path.write_bytes(render.compile_typst(render.typst_document([table])))
    pages = [p for p in pdftotext(path).split("\f") if p.strip()]
    assert len(pages) >= 3 and all("Đơn vị" in p and "Giá trị" in p for p in pages)


def test_pdf_table_notes_never_start_a_page_alone(tmp_path):
    """Whatever the table's length, its footnote stays with its last rows, and rows
    continued on a new page come under the header row."""
    from helpers import blocks
    columns = [blocks.Column("Đơn vị", 0.5), blocks.Column("Giá trị", 0.5, "right")]
    for n in range(44, 64):                 # the table's end crosses the end of the first page
        table = blocks.Table(columns, [[f"đơn-vị-{i:03d}", str(i)] for i in range(n)],
                             notes=["* chú-thích-cuối-bảng"])
        path = tmp_path / f"t{n}.pdf"
        path.write_bytes(render.compile_typst(render.typst_document([table])))
        pages = [p for p in pdftotext(path).split("\f") if p.strip()]
        noted = next(p for p in pages if "chú-thích-cuối-bảng" in p)
        assert f"đơn-vị-{n - 1:03d}" in noted and f"đơn-vị-{n - 2:03d}" in noted, n
        assert all("Đơn vị" in p for p in pages if "đơn-vị-" in p), n


def test_english_report_files(tmp_path):
    nb = build_notebook("en")
    NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    nb.metadata["papermill"] = {"parameters": {"language": "en"}}
    html = render.notebook_to_html(nb, title=TITLE, header=HEADER, lang="en")
    assert '<html lang="en">' in html
    pdf = tmp_path / "report.pdf"
    render.notebook_to_pdf(nb, pdf, title=TITLE, header=HEADER, lang="en")
    text = pdftotext(pdf)
    assert re.search(r"Page 1/\d+", text) and "Trang" not in text
    # without resources the language comes from papermill's parameters in the notebook
    source, _ = render.TypstExporter().from_notebook_node(nb)
    assert 'lang: "en"' in source


def test_nbconvert_command_line_makes_the_same_pdf(executed_nb, tmp_path):
    path = tmp_path / "executed.ipynb"
    nbformat.write(executed_nb, path)
    jupyter = Path(sys.executable).with_name("jupyter")
    r = subprocess.run([str(jupyter), "nbconvert", "--to", "cchc_pdf", str(path), "--output-dir", str(tmp_path)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    text = pdftotext(tmp_path / "executed.pdf")
    assert "Kết quả giải quyết hồ sơ" in text and "Trang 1/" in text and CODE_MARKER not in text
    r = subprocess.run([str(jupyter), "nbconvert", "--to", "cchc_html", str(path), "--output-dir", str(tmp_path)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "1.989" in (tmp_path / "executed.html").read_text(encoding="utf-8")


RENDER_IN_A_FRESH_PROCESS = """
import json, sys, nbformat
from helpers import render
nb = nbformat.read(sys.argv[1], as_version=4)
render.notebook_to_pdf(nb, sys.argv[2], header="x", lang="vi")
render.notebook_to_html(nb, title="x", header="x", lang="vi")
maps = open("/proc/self/maps").read()
print(json.dumps({"modules": sorted(m for m in sys.modules if "weasy" in m or "pango" in m or "cairo" in m),
                  "libraries": sorted({line.split()[-1] for line in maps.splitlines()
                                       if "pango" in line or "harfbuzz" in line or "fontconfig" in line})}))
"""


def test_rendering_loads_no_weasyprint_or_pango(executed_nb, tmp_path):
    path = tmp_path / "executed.ipynb"
    nbformat.write(executed_nb, path)
    r = subprocess.run([sys.executable, "-c", RENDER_IN_A_FRESH_PROCESS, str(path), str(tmp_path / "r.pdf")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    loaded = json.loads(r.stdout.strip().splitlines()[-1])
    assert loaded == {"modules": [], "libraries": []}
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


def test_exporters_and_compiler_are_built_once():
    assert render.report_exporter() is render.report_exporter()
    assert render.pdf_exporter() is render.pdf_exporter()
    assert render.typst_compiler() is render.typst_compiler()


def test_typst_error_is_one_report_error():
    from helpers.errors import ReportError
    with pytest.raises(ReportError, match="Typst"):
        render.compile_typst("#let x = (")


def test_contents_of_a_blocks_only_report_link_every_section():
    from nbformat.v4 import new_output

    from helpers import blocks

    def cell(*items):
        outputs = []
        for item in items:
            bundle = item._repr_mimebundle_()
            data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
            outputs.append(new_output("display_data", data=data, metadata=metadata))
        code = new_code_cell("blocks.show(...)")
        code.outputs = outputs
        return code

    nb = new_notebook(cells=[cell(blocks.Cover("BÁO CÁO", HEADER), blocks.Contents("Mục lục")),
                             cell(blocks.Heading("Tóm tắt", 1), blocks.Paragraph("…")),
                             cell(blocks.Group([blocks.Heading("Lĩnh vực <1>", 2), blocks.Paragraph("x")])),
                             cell(blocks.Heading("Tóm tắt", 2), blocks.Heading("Chi tiết", 3))])
    soup = BeautifulSoup(render.notebook_to_html(nb, title=TITLE, header=HEADER), "html.parser")
    links = soup.select(".cchc-toc > nav.toc a")
    assert [a.get_text() for a in links] == ["Tóm tắt", "Lĩnh vực <1>", "Tóm tắt"]       # h3 not listed
    targets = [soup.find(id=a["href"][1:]) for a in links]
    assert [t.name for t in targets] == ["h1", "h2", "h2"] and len({id(t) for t in targets}) == 3


def test_pdf_headings_stay_with_what_follows(tmp_path):
    from helpers import blocks
    items = []
    for i in range(30):
        items += [blocks.Paragraph(" ".join(["Câu văn mẫu để lấp đầy trang."] * (5 + (i * 7) % 23))),
                  blocks.Heading(f"Mục-{i:02d}", 2),
                  blocks.Table([blocks.Column("Hàng", 0.5), blocks.Column("Giá trị", 0.5)],
                               [[f"hàng-{i:02d}-{r}", str(r)] for r in range(4)])]
    path = tmp_path / "headings.pdf"
    path.write_bytes(render.compile_typst(render.typst_document(items)))
    pages = [p for p in pdftotext(path).split("\f") if p.strip()]
    assert len(pages) >= 4
    for i in range(30):
        heading = next(n for n, p in enumerate(pages) if f"Mục-{i:02d}" in p)
        assert f"hàng-{i:02d}-0" in pages[heading], f"heading {i} left alone at the foot of page {heading + 1}"


def test_pdf_text_uses_only_the_shipped_be_vietnam_pro(pdf_path):
    """Text is Be Vietnam Pro; the symbols it lacks (↑ ⚠ …) come from the fonts matplotlib ships,
    so the PDF uses no system font and is the same on any machine."""
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) is not installed")
    import matplotlib
    shipped = {p.stem for p in (Path(matplotlib.get_data_path()) / "fonts" / "ttf").glob("*.ttf")}
    listing = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True, check=True).stdout
    fonts = [line.split()[0] for line in listing.splitlines()[2:] if line.strip()]
    assert fonts and all("BeVietnamPro" in name or name.split("+")[-1] in shipped for name in fonts), fonts
    assert {"BeVietnamPro-Regular", "BeVietnamPro-Bold"} <= {name.split("+")[-1] for name in fonts}
