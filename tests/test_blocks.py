"""The neutral report blocks: one object, two renderings (HTML and Typst) that say the same."""

import pytest

from helpers import blocks
from helpers.render import compile_typst, typst_document

NASTY = 'Tỉnh <script>alert(1)</script> #set $x$ *đậm* _n_ `c` @ref <lbl> [a] \\ ~ "q" // không phải chú thích'


def typst_text(*items) -> str:
    """Compile blocks into a PDF and return its text (pdftotext)."""
    import subprocess
    import tempfile
    from pathlib import Path
    pdf = compile_typst(typst_document(items, lang="vi"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "b.pdf"
        path.write_bytes(pdf)
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_typst_string_escapes_markup_and_quotes():
    assert blocks.typst_str('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    assert blocks.typst_str("#x $y$ *z*") == '"#x $y$ *z*"'


def test_every_block_has_both_mime_types():
    bundle = blocks.Paragraph("1.989 hồ sơ")._repr_mimebundle_()
    assert set(bundle) >= {"text/html", "text/x-typst"}
    assert "1.989 hồ sơ" in bundle["text/html"] and '"1.989 hồ sơ"' in bundle["text/x-typst"]


def test_html_escapes_text_everywhere():
    table = blocks.Table([blocks.Column(NASTY), blocks.Column("b", subtitle=NASTY)],
                         [[blocks.Cell(NASTY, note=NASTY, mark="*"), blocks.Cell(NASTY, status="met")]],
                         notes=[NASTY])
    for block in (blocks.Heading(NASTY), blocks.Paragraph(NASTY, "warning"), table, blocks.Facts([(NASTY, NASTY)]),
                  blocks.Bullets([NASTY]), blocks.Cover(NASTY, NASTY, [(NASTY, NASTY)]), blocks.Markdown(NASTY)):
        html = block.html()
        assert "<script" not in html, type(block).__name__
        assert "&lt;script&gt;" in html, type(block).__name__


def test_typst_shows_hostile_text_verbatim():
    items = [blocks.Heading(NASTY, 2), blocks.Paragraph(NASTY),
             blocks.Table([blocks.Column("Chỉ tiêu", 0.5), blocks.Column("Đánh giá", 0.5)],
                          [[NASTY, blocks.Cell("Đạt", status="met")]]),
             blocks.Markdown("## Ghi chú\n\n" + NASTY)]
    text = " ".join(typst_text(*items).split())
    assert "Tỉnh <script>alert(1)</script> #set $x$ *đậm* _n_ `c` @ref <lbl> [a] \\ ~" in text
    assert "// không phải chú thích" in text


def test_markdown_renders_structure_in_both():
    md = blocks.Markdown("# Kết quả nổi bật\n\nĐoạn *nghiêng* và **đậm**.\n\n- một\n- hai\n\n"
                         "| Đơn vị | Số |\n|---|--:|\n| Sa Pa | 1.989 |\n\n![ảnh](khong-cho-phep.png)\n")
    html = md.html()
    assert "<h3>Kết quả nổi bật</h3>" in html and "<em>nghiêng</em>" in html and "<li>một</li>" in html
    assert "<table>" in html and "<img" not in html and "ảnh" in html
    typ = md.typst()
    assert "#heading(level: 3" in typ and "#emph[" in typ and "#strong[" in typ and "#list(" in typ
    assert "#cchc-md-table(" in typ and "image(" not in typ
    text = " ".join(typst_text(md).split())
    for needle in ("Kết quả nổi bật", "nghiêng", "một", "Sa Pa", "1.989", "ảnh"):
        assert needle in text


def test_markdown_allowed_image_is_embedded():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20"/></svg>'
    md = blocks.Markdown("![sơ đồ](so-do.svg)", images={"so-do.svg": svg})
    assert "data:image/svg+xml;base64," in md.html()
    assert "#cchc-note-image(" in md.typst()
    typst_text(md)               # compiles


def test_table_keeps_short_tables_together_and_trims_pdf_rows():
    cols = [blocks.Column("a"), blocks.Column("b")]
    assert blocks.Table(cols, [["1", "2"]] * 8).keep_together
    assert not blocks.Table(cols, [["1", "2"]] * 9).keep_together
    long = blocks.Table(cols, [[str(i), "x"] for i in range(20)], pdf_rows=(3, 2))
    typ = long.typst()
    assert '"0"' in typ and '"2"' in typ and '"3"' not in typ and '"19"' in typ and '"…"' in typ
    assert "<td>10</td>" in long.html()


def test_bad_fields_are_refused():
    with pytest.raises(ValueError):
        blocks.Cell("x", status="ok")
    with pytest.raises(ValueError):
        blocks.Paragraph("x", style="huge")
    with pytest.raises(ValueError):
        blocks.Table([blocks.Column("a")], [["1", "2"]])


def test_markdown_data_uri_images_of_the_note_are_shown():
    import base64
    import io

    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    fig = Figure(figsize=(1, 1))
    fig.add_subplot().plot([0, 1])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    uri = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
    md = blocks.Markdown(f"![biểu đồ]({uri})\n\n![khác](data:image/png;base64,@@@)")
    assert md.html().count("<img") == 1 and "khác" in md.html()
    assert md.typst().count("#cchc-note-image(") == 1
    typst_text(md)               # compiles


def test_markdown_shows_every_data_uri_image_the_notes_keep(tmp_path):
    """One data: URI rule (helpers.images): a type in capitals or a parameter before ``;base64`` is
    kept by the notes and shown by the block; a type the notes refuse is its alt text."""
    import base64

    from PIL import Image

    from helpers import notes
    Image.new("RGB", (4, 3), "red").save(tmp_path / "red.png")
    data = base64.b64encode((tmp_path / "red.png").read_bytes()).decode()
    text = (f"![hoa](data:IMAGE/PNG;base64,{data})\n\n![tham số](data:image/png;name=a.png;base64,{data})\n\n"
            f"![bmp](data:image/bmp;base64,{data})")
    kept, _, refused = notes.sanitise(text, tmp_path, tmp_path)
    md = blocks.Markdown(kept)
    assert md.html().count("<img") == 2 and md.typst().count("#cchc-note-image(") == 2
    assert len(refused) == 1 and "image/bmp" not in kept
