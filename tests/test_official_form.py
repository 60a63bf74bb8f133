"""The official report (issue 19): document.yaml, the Decree-30 form in Word and PDF, the run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import cli, project_copy

from helpers import blocks, docx_export, official_form
from helpers.document import read_document
from helpers.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = """\
issuing_body: ỦY BAN NHÂN DÂN TỈNH LÀO CAI
symbol: BC-UBND
place: Lào Cai
addressed_to: [Ban Chỉ đạo cải cách hành chính của Chính phủ, Bộ Nội vụ]
signer: {authority: [TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH], title: PHÓ CHỦ TỊCH, name: Nguyễn Văn A}
recipients: [Như trên, "Lưu: VT, CCHC"]
"""


def _write(folder: Path, text: str) -> Path:
    (folder / "document.yaml").write_text(text, encoding="utf-8")
    return folder


# -- document.yaml ------------------------------------------------------------------------------------
def test_the_issue_sample_reads_as_written(tmp_path):
    doc = read_document(_write(tmp_path, SAMPLE))
    issuer = doc.issuer_of("15", top=True)
    assert issuer.signer.authority == ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH")
    assert issuer.recipients == ("Như trên", "Lưu: VT, CCHC")
    assert issuer.addressed_to[1] == "Bộ Nội vụ" and issuer.parent_body is None
    assert doc.issuer_of("15-SNV", top=False) is None


def test_the_shipped_sample_gives_a_department_and_a_commune_their_issuers():
    doc = read_document(ROOT / "data")
    assert doc.issuer_of("15-SNV", top=False).issuing_body == "SỞ NỘI VỤ"
    assert doc.issuer_of("15-SNV", top=False).parent_body == "UBND TỈNH LÀO CAI"
    assert doc.issuer_of("02647", top=False).signer.authority == ("TM. ỦY BAN NHÂN DÂN",)
    assert doc.issuer_of("15-STP", top=False) is None


@pytest.mark.parametrize("text, key, words", [
    (SAMPLE + "signed_by: X\n", "error.document.unknown_key", ["signed_by", "issuing_body"]),
    (SAMPLE.replace('"Lưu: VT, CCHC"', "Lưu: VT, CCHC"), "error.document.item_mapping",
     ["recipients[2]", "Lưu", '"Lưu: VT, CCHC"']),
    (SAMPLE.replace("place: Lào Cai\n", ""), "error.document.missing_key", ["place"]),
    (SAMPLE.replace("recipients: [Như trên, \"Lưu: VT, CCHC\"]", "recipients: Như trên"),
     "error.document.not_list", ["recipients"]),
    (SAMPLE.replace("name: Nguyễn Văn A", "name: Nguyễn Văn A, rank: 1"), "error.document.unknown_key",
     ["signer.rank"]),
    (SAMPLE + "units:\n  15-SNV: [a]\n", "error.document.not_mapping", ["units.15-SNV"]),
    (SAMPLE + "units:\n  15-SNV: {issuing_body: SỞ NỘI VỤ}\n", "error.document.missing_key", ["units.15-SNV.symbol"]),
])
def test_a_bad_document_file_names_the_key_and_what_to_do(tmp_path, text, key, words):
    with pytest.raises(DataError) as err:
        read_document(_write(tmp_path, text))
    assert err.value.msg.key == key
    line = err.value.text("en")
    assert "document.yaml" in line and err.value.hint
    for word in words:
        assert word in line + err.value.msg.hint("en"), line


def test_anchors_and_a_missing_file_are_refused_with_the_file_named(tmp_path):
    with pytest.raises(DataError) as err:
        read_document(tmp_path)
    assert err.value.msg.key == "error.document.missing" and "document.yaml" in err.value.text("en")
    with pytest.raises(DataError) as err:
        read_document(_write(tmp_path, "place: &p Lào Cai\nissuing_body: *p\n"))
    assert err.value.msg.key == "error.settings.yaml_anchors" and "document.yaml" in err.value.text("vi")


# -- the form in Word and PDF (a notebook built here, as the kernel would leave it) ----------------------

SUBJECT = "Kết quả công tác cải cách hành chính tháng 10 năm 2026"
SENTENCE = ("Trong tháng, toàn tỉnh tiếp nhận 61.417 hồ sơ, trong đó trực tuyến 49.405 hồ sơ, đạt 80,44%, "
            "tăng 0,18 điểm phần trăm so với tháng trước.")


class StandIn:
    """The content interface of the official report (helpers.report.official, another part of the work)."""

    def official_subject(self):
        return SUBJECT

    def official_window(self):
        return "Số liệu từ ngày 15/9/2026 đến ngày 14/10/2026."

    def official_body(self):
        return [blocks.Heading("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", 2),
                *[blocks.Paragraph(" ".join([SENTENCE] * 4)) for _ in range(10)],
                blocks.Heading("1. Ưu điểm", 3), blocks.Paragraph("Tỷ lệ hồ sơ trực tuyến đạt chỉ tiêu.")]

    def official_appendices(self):
        table = blocks.Table([blocks.Column("Đơn vị", .6), blocks.Column("Tỷ lệ trực tuyến", .3, "right")],
                             [[f"Xã số {i}", "80,44%"] for i in range(70)])
        return [("Kết quả theo đơn vị", [table], False), ("Chỉ số theo nhóm", [table], True)]


def official_notebook(issuer, number="5", issued_on=dt.date(2026, 4, 5)):
    """An executed official notebook's cells: each form method's displayed outputs."""
    import IPython.display
    import nbformat
    form = official_form.OfficialForm(StandIn(), issuer, number, issued_on)
    cells = []
    for name in ("header", "title", "window", "body", "signature", "appendices"):
        outputs = []

        def capture(*objs, raw=False, metadata=None, outputs=outputs, **_kw):
            outputs.extend(nbformat.v4.new_output("display_data", data=o, metadata=metadata or {}) for o in objs)
        real, IPython.display.display = IPython.display.display, capture
        try:
            getattr(form, name)()
        finally:
            IPython.display.display = real
        cell = nbformat.v4.new_code_cell(f"form.{name}()")
        cell.outputs = outputs
        cells.append(cell)
    return nbformat.v4.new_notebook(cells=cells)


@pytest.fixture(scope="module")
def issuer():
    return read_document(ROOT / "data").issuer


@pytest.fixture(scope="module")
def word_doc(issuer, tmp_path_factory):
    import docx
    path = tmp_path_factory.mktemp("docx") / "official_report.docx"
    path.write_bytes(docx_export.notebook_to_docx(official_notebook(issuer), title=SUBJECT))
    return docx.Document(str(path))


@pytest.fixture(scope="module")
def pdf_pages(issuer, tmp_path_factory):
    import subprocess
    path = tmp_path_factory.mktemp("pdf") / "official_report.pdf"
    docx_export.notebook_to_official_pdf(official_notebook(issuer), path, title=SUBJECT)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return path, text.split("\f")


def _all_text(doc) -> list[str]:
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        texts += [p.text for row in table.rows for cell in row.cells for p in cell.paragraphs]
    return texts


def test_number_and_date_have_the_decree_leading_zeros():
    assert official_form.number_text("5") == "05" and official_form.number_text("123") == "123"
    assert official_form.number_text(None).strip() == ""
    form = official_form.OfficialForm(StandIn(), read_document(ROOT / "data").issuer, None, dt.date(2026, 4, 5))
    assert form.number_line == "Số:      /BC-UBND"
    assert official_form.date_text(dt.date(2026, 4, 5)) == "ngày 05 tháng 4 năm 2026"
    assert official_form.date_text(dt.date(2026, 2, 12)) == "ngày 12 tháng 02 năm 2026"
    assert official_form.date_text(dt.date(2026, 11, 20)) == "ngày 20 tháng 11 năm 2026"


def test_the_word_page_is_a4_with_the_decree_margins(word_doc):
    from docx.shared import Mm
    for section in word_doc.sections[:2]:
        assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
        assert Mm(20) <= section.top_margin <= Mm(25) and Mm(20) <= section.bottom_margin <= Mm(25)
        assert Mm(30) <= section.left_margin <= Mm(35) and Mm(15) <= section.right_margin <= Mm(20)
    landscape = word_doc.sections[-1]
    assert landscape.page_width > landscape.page_height


def test_the_word_body_is_times_new_roman_14_justified_with_a_first_line_indent(word_doc):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt
    normal = word_doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and Pt(13) <= normal.font.size <= Pt(14)
    assert "Theme=" not in word_doc.styles.element.xml.replace("w:cstheme", "Theme=")     # no theme font wins
    body = next(p for p in word_doc.paragraphs if p.text.startswith("Trong tháng"))
    assert body.style.name == "Normal"
    fmt = body.style.paragraph_format
    assert fmt.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert Cm(1) <= fmt.first_line_indent <= Cm(1.27) + 1 and fmt.space_after >= Pt(6)


def test_the_word_header_and_title_say_the_decree_texts(word_doc):
    texts = _all_text(word_doc)
    for wanted in ("ỦY BAN NHÂN DÂN\nTỈNH LÀO CAI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                   "Số: 05/BC-UBND", "Lào Cai, ngày 05 tháng 4 năm 2026", "BÁO CÁO", SUBJECT,
                   "Kính gửi:\t- Ban Chỉ đạo cải cách hành chính của Chính phủ;", "- Bộ Nội vụ.", "Phụ lục I",
                   "Phụ lục II"):
        assert wanted in texts, wanted
    motto = next(r for t in word_doc.tables for c in t.rows[0].cells for p in c.paragraphs for r in p.runs
                 if r.text == "Độc lập - Tự do - Hạnh phúc")
    assert motto.bold and motto.underline
    place = next(r for t in word_doc.tables for c in t.rows[1].cells for p in c.paragraphs for r in p.runs
                 if r.text.startswith("Lào Cai, ngày"))
    assert place.italic
    assert "(Kèm theo Báo cáo số 05/BC-UBND ngày 05/4/2026 của Ủy ban nhân dân tỉnh Lào Cai)" in texts


def test_the_data_window_is_a_sentence_in_italics(issuer):
    class Calendar(StandIn):
        def official_window(self):
            return "Số liệu từ ngày 1/10/2026 đến ngày 31/10/2026"
    for report in (StandIn(), Calendar()):
        window = official_form.OfficialForm(report, issuer, None, dt.date(2026, 4, 5)).window_block()
        assert window.text.endswith("/2026.") and not window.text.endswith("..") and window.style == "muted"


def test_the_issuing_body_breaks_where_a_clerk_breaks_it():
    assert official_form.header_lines("ỦY BAN NHÂN DÂN TỈNH LÀO CAI") == ["ỦY BAN NHÂN DÂN", "TỈNH LÀO CAI"]
    assert official_form.header_lines("HỘI ĐỒNG NHÂN DÂN XÃ TẢ VAN") == ["HỘI ĐỒNG NHÂN DÂN", "XÃ TẢ VAN"]
    assert official_form.header_lines("SỞ NỘI VỤ") == ["SỞ NỘI VỤ"]
    assert official_form.header_lines("ỦY BAN NHÂN DÂN") == ["ỦY BAN NHÂN DÂN"]


def test_kinh_gui_stands_beside_the_first_recipient_the_others_beneath_it(word_doc):
    first = next(p for p in word_doc.paragraphs if p.text.startswith("Kính gửi:"))
    after = word_doc.paragraphs[[p._p for p in word_doc.paragraphs].index(first._p) + 1]
    fmt = first.paragraph_format
    assert fmt.first_line_indent < 0 and fmt.left_indent + fmt.first_line_indent > 0      # a hanging indent
    assert after.text == "- Bộ Nội vụ." and after.paragraph_format.left_indent == fmt.left_indent
    assert [s.position for s in fmt.tab_stops] == [fmt.left_indent]


@pytest.mark.parametrize("capitals, sentence", [
    ("ỦY BAN NHÂN DÂN TỈNH LÀO CAI", "Ủy ban nhân dân tỉnh Lào Cai"),
    ("ỦY BAN NHÂN DÂN PHƯỜNG LÀO CAI", "Ủy ban nhân dân phường Lào Cai"),
    ("ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI", "Ủy ban nhân dân thành phố Hà Nội"),
    ("SỞ NỘI VỤ", "Sở Nội vụ"), ("SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Sở Khoa học và Công nghệ"),
    ("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "Sở Văn hóa, Thể thao và Du lịch"),
    ("SỞ NỘI VỤ TỈNH TUYÊN QUANG", "Sở Nội vụ tỉnh Tuyên Quang"), ("CÔNG AN TỈNH", "Công an tỉnh"),
    ("VĂN PHÒNG ỦY BAN NHÂN DÂN TỈNH", "Văn phòng Ủy ban nhân dân tỉnh"), ("Sở Nội vụ", "Sở Nội vụ"),
])
def test_the_appendix_names_the_issuer_as_a_sentence_does(capitals, sentence):
    assert official_form.body_in_sentence(capitals) == sentence


def test_the_word_body_ends_with_the_mark_and_the_signature_beside_the_recipients(word_doc):
    texts = [p.text for p in word_doc.paragraphs]
    assert texts[texts.index(next(t for t in texts if t.startswith("Tỷ lệ hồ sơ")))].endswith("./.")
    signature = next(t for t in word_doc.tables if "Nơi nhận:" in t.cell(0, 0).text)
    recipients = [p.text for p in signature.cell(0, 0).paragraphs]
    assert recipients[0] == "Nơi nhận:" and recipients[-1] == "- Lưu: VT, CCHC."
    signer = [p.text for p in signature.cell(0, 1).paragraphs if p.text]
    assert signer == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn A"]
    assert signature.rows[0]._tr.trPr.xpath("./w:cantSplit")          # never split across pages
    label = signature.cell(0, 0).paragraphs[0].runs[0]
    assert label.bold and label.italic


def test_the_word_pages_are_numbered_at_the_top_from_page_two_and_each_appendix_from_one(word_doc):
    first = word_doc.sections[0]
    assert first.different_first_page_header_footer
    assert "PAGE" in first.header._element.xml and "PAGE" not in first.first_page_header._element.xml
    for appendix in word_doc.sections[1:]:
        assert appendix._sectPr.xpath("./w:pgNumType/@w:start") == ["1"]


def test_the_pdf_keeps_the_diacritics_and_numbers_pages_from_two(pdf_pages):
    path, pages = pdf_pages
    first = pages[0]
    for wanted in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 05/BC-UBND",
                   "Lào Cai, ngày 05 tháng 4 năm 2026", "BÁO CÁO"):
        assert wanted in first, wanted
    assert first.splitlines()[0].strip() != "1" and not any(line.strip() == "1" for line in first.splitlines()[:3])
    assert pages[1].strip().splitlines()[0].strip() == "2"
    body = "".join(pages)
    assert "./." in body and "Nơi nhận:" in body and "- Lưu: VT, CCHC." in body and "Nguyễn Văn A" in body
    appendix = next(i for i, p in enumerate(pages) if "Phụ lục I\n" in p or p.lstrip().startswith("Phụ lục I"))
    assert pages[appendix].strip().splitlines()[0].strip() == "Phụ lục I"          # no number on its first page
    assert pages[appendix + 1].strip().splitlines()[0].strip() == "2"              # counted from 1


def test_the_pdf_is_pdf_a_2b_with_the_serif_embedded(pdf_pages):
    import pypdf
    path, _pages = pdf_pages
    reader = pypdf.PdfReader(str(path))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    fonts = {str(f["/BaseFont"]) for page in reader.pages
             for f in (page["/Resources"].get("/Font") or {}).values()
             for f in [f.get_object()]}
    assert any("LiberationSerif" in name for name in fonts)
    assert reader.pages[0].mediabox.width < reader.pages[0].mediabox.height
    assert reader.pages[-1].mediabox.width > reader.pages[-1].mediabox.height          # a landscape appendix


def test_the_docx_and_the_pdf_carry_the_same_words(word_doc, pdf_pages):
    import re
    import subprocess
    words = lambda text: set(re.findall(r"\w[\w%,./-]*", text))  # noqa: E731
    pdf = subprocess.run(["pdftotext", str(pdf_pages[0]), "-"], capture_output=True, text=True, check=True).stdout
    assert words(" ".join(_all_text(word_doc))) == words(pdf)
    assert {"61.417", "49.405", "80,44%"} <= words(pdf) and "./." in pdf


def test_the_exporter_is_a_format_of_its_own(issuer, tmp_path):
    """`jupyter nbconvert --to cchc_docx` once installed (the entry point in pyproject.toml)."""
    import subprocess
    import sys

    import nbformat
    from nbconvert.exporters import get_export_names
    path = tmp_path / "official_report.ipynb"
    nbformat.write(official_notebook(issuer), path)
    # the entry point once the package is (re)installed; until then the class by its import path
    name = "cchc_docx" if "cchc_docx" in get_export_names() else "helpers.docx_export.DocxExporter"
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", name, str(path)], check=True,
                   capture_output=True)
    import docx
    assert "Số: 05/BC-UBND" in _all_text(docx.Document(str(tmp_path / "official_report.docx")))
    name = "cchc_official_pdf" if "cchc_official_pdf" in get_export_names() else \
        "helpers.docx_export.OfficialPDFExporter"
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", name, str(path)], check=True,
                   capture_output=True)
    assert (tmp_path / "official_report.pdf").read_bytes().startswith(b"%PDF")


# -- the run: which official reports, and their parameters (all decided before any kernel starts) -----------


def test_number_with_two_official_reports_is_a_usage_error(tmp_path):
    proj = project_copy(tmp_path)
    r = cli("run", "--report", "official_report", "--period", "2026-10", "--unit", "15,15-SNV", "--number", "5",
            "--jobs", "1", "--out", "out", cwd=proj)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "--number" in r.stderr + r.stdout and "2" in r.stderr + r.stdout
    assert not (proj / "out" / "2026-10").exists()


def test_a_malformed_number_or_date_is_a_usage_error(tmp_path):
    proj = project_copy(tmp_path)
    for option, value in (("--number", "5a"), ("--issued-on", "05/04/2026")):
        r = cli("run", "--report", "official_report", "--period", "2026-10", "--unit", "15", option, value,
                "--jobs", "1", "--out", "out", "--lang", "en", cwd=proj)
        assert r.returncode == 2 and value in r.stderr + r.stdout, r.stderr


def test_the_official_report_without_document_yaml_names_the_missing_file(tmp_path):
    proj = project_copy(tmp_path)
    (proj / "data" / "document.yaml").unlink()
    r = cli("run", "--report", "official_report", "--period", "2026-10", "--unit", "15", "--jobs", "1",
            "--out", "out", cwd=proj)
    assert r.returncode == 1 and "document.yaml" in r.stderr + r.stdout, r.stderr
    assert not (proj / "out" / "2026-10").exists()


def test_a_broken_document_yaml_stops_the_run_naming_the_key(tmp_path):
    proj = project_copy(tmp_path)
    (proj / "data" / "document.yaml").write_text(SAMPLE.replace('"Lưu: VT, CCHC"', "Lưu: VT, CCHC"),
                                                 encoding="utf-8")
    r = cli("run", "--period", "2026-10", "--unit", "15", "--jobs", "1", "--out", "out", "--lang", "en", cwd=proj)
    assert r.returncode == 1 and "recipients[2]" in r.stderr + r.stdout, r.stderr


def test_which_units_get_an_official_report(tmp_path):
    from helpers.params import resolve
    from helpers.plan import DataFolders, report_pairs
    folders = DataFolders()
    sets = [resolve({"period": "2026-10", "unit": u, "data_dir": ROOT / "data", "language": lang}, ROOT)
            for u, lang in (("15", "vi"), ("15-STP", "vi"), ("15-SNV", "vi"), ("15", "en"))]
    pairs, notices = report_pairs(sets, [], folders)
    official = [p.unit for p, r in pairs if r == "official_report"]
    assert official == ["15", "15-SNV"]
    assert sorted(n.key for n in notices) == ["cli.official.no_issuer", "cli.official.vietnamese_only"]
    assert "15-STP" in next(n for n in notices if n.key == "cli.official.no_issuer").text("en")
    many = [resolve({"period": "2026-10", "unit": u, "data_dir": ROOT / "data", "language": "vi"}, ROOT)
            for u in ("15-STP", "15-STC", "15-SCT", "15-VP")]
    _pairs, notices = report_pairs(many, [], folders)
    assert len(notices) == 1 and "15-STP, 15-STC, 15-SCT, 15-VP" in notices[0].text("vi")     # one line
    pairs, _ = report_pairs(sets[:1], ["official_report"], folders, number="05", issued_on="2026-04-05")
    assert pairs == [(sets[0].model_copy(update={"number": "5", "issued_on": dt.date(2026, 4, 5)}),
                      "official_report")]
    assert pairs[0][0].notebook_parameters()["number"] == "5"
    assert "number" not in sets[0].notebook_parameters()


# -- blocks: one set of fields, three renderings --------------------------------------------------------------
def _sample_blocks():
    table = blocks.Table([blocks.Column("Đơn vị", .5, subtitle="mã"), blocks.Column("Tỷ lệ", .2, "right")],
                         [["Sở Nội vụ", blocks.Cell("80,44%", status="met", note="đạt", bold=True)]],
                         notes=["* ước tính"], pdf_rows=(1, 1))
    return [blocks.Heading("II. KẾT QUẢ", 2), blocks.Paragraph("Đạt 80,44%.", "muted"), blocks.Bullets(["a", "b"]),
            blocks.Facts([("Kỳ", "tháng 10/2026")]), table,
            blocks.Markdown("## Tồn tại\n\n- **Chậm** số hóa\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"),
            blocks.Group([blocks.Paragraph("x"), blocks.Heading("y", 3)]),
            official_form.AppendixHeading("Phụ lục I", "Bảng", "(Kèm theo …)", True)]


def test_every_block_comes_back_from_its_fields_and_writes_word():
    from helpers import word
    doc = word.new_document()
    for block in _sample_blocks():
        again = blocks.from_fields(block.fields())
        assert again.fields() == block.fields() and again.typst() == block.typst() and again.html() == block.html()
        again.docx(doc)
    texts = _all_text(doc)
    assert {"II. KẾT QUẢ", "Đạt 80,44%.", "- a", "Kỳ: tháng 10/2026", "Tồn tại", "- Chậm số hóa", "80,44%",
            "Phụ lục I"} <= set(texts)


def test_only_the_official_cells_carry_the_fields():
    import IPython.display
    shown = []
    real, IPython.display.display = IPython.display.display, lambda *objs, **kw: shown.append((objs, kw))
    try:
        blocks.show(blocks.Paragraph("tiến độ"))
        blocks.show_with_fields(blocks.Paragraph("chính thức"))
    finally:
        IPython.display.display = real
    assert shown[0][1] == {} and blocks.BLOCK_MIME not in shown[0][0][0]._repr_mimebundle_()
    assert shown[1][1]["raw"]
    assert blocks.BLOCK_MIME in shown[1][0][0] and blocks.from_fields(shown[1][0][0][blocks.BLOCK_MIME]).text == \
        "chính thức"


def test_every_pdf_the_tool_compiles_is_pdf_a_2b():
    import io

    import pypdf

    from helpers import render
    pdf = render.compile_typst(render.typst_document([blocks.Paragraph("Tiến độ: đạt 80,44%")]))
    root = pypdf.PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert "<pdfaid:part>2</pdfaid:part>" in root["/Metadata"].get_object().get_data().decode("utf-8")


def test_libreoffice_opens_the_docx_and_keeps_its_words(issuer, tmp_path):
    """When LibreOffice is installed (CI installs it): the .docx converts headless, with the same words."""
    import re
    import shutil
    import subprocess
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if not office:
        pytest.skip("LibreOffice not installed")
    path = tmp_path / "official_report.docx"
    path.write_bytes(docx_export.notebook_to_docx(official_notebook(issuer)))
    profile = (tmp_path / "profile").as_uri()      # its own profile: a parallel LibreOffice takes no job of ours
    done = subprocess.run([office, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(tmp_path), str(path)], capture_output=True, text=True, timeout=240)
    assert done.returncode == 0 and (tmp_path / "official_report.pdf").is_file(), done.stdout + done.stderr
    text = subprocess.run(["pdftotext", str(tmp_path / "official_report.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    for wanted in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 05/BC-UBND", "Nơi nhận:", "Nguyễn Văn A", "./."):
        assert wanted in text, wanted
    assert re.search(r"^\s*2\s*$", text.split("\f")[1], re.M)            # the page number field


def test_the_pdf_body_is_14_pt_serif_and_the_page_number_sits_top_centre(pdf_pages):
    import pdfplumber
    path, _pages = pdf_pages
    with pdfplumber.open(str(path)) as pdf:
        page = pdf.pages[1]
        words = page.extract_words(extra_attrs=["size", "fontname"])
        number = words[0]
        assert number["text"] == "2" and number["bottom"] < 20 / 25.4 * 72          # in the top margin
        assert abs((number["x0"] + number["x1"]) / 2 - (30 + (210 - 45) / 2) / 25.4 * 72) < 6   # centred on the text
        body = [w for w in words[1:] if w["text"] == "Trong"]
        assert body and all(13 <= w["size"] <= 14.1 and "LiberationSerif" in w["fontname"] for w in body)
        left = min(w["x0"] for w in words[1:])
        assert abs(left - 30 / 25.4 * 72) < 2                                        # the 30 mm left margin


def test_the_body_ends_in_a_closing_paragraph_the_page_keeps_with_the_signature():
    """Decree 30: the signature block is never alone on its page: the body's last words carry
    "./." in a ``closing`` paragraph, which Typst keeps with what follows (sticky)."""
    from helpers import blocks
    from helpers.official_form import END_MARK, ended
    body = ended([blocks.Paragraph("Mở đầu."), blocks.Bullets(["Một", "Hai"])])
    assert body[-1] == blocks.Paragraph(f"- Hai {END_MARK}", style="closing")
    assert body[-2] == blocks.Bullets(["Một"])
    assert ended([blocks.Paragraph("Kết.")])[-1].style == "closing"
    template = Path(__file__).parents[1] / "src/helpers/templates/cchc_official/official.typ"
    source = template.read_text(encoding="utf-8")
    assert 'style == "closing" { block(sticky: true' in source
