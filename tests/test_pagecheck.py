"""The page checker (helpers.pagecheck, scripts/check_pages.py) on small PDFs compiled with Typst in the test
and HTML strings: a file that breaks a rule is reported with its page and kind, a clean one is not."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pdfplumber")
typst = pytest.importorskip("typst")

from helpers import pagecheck  # noqa: E402
from helpers.render import font_paths  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PAGE = '#set page(paper: "a4", margin: 18mm)\n#set text(font: "Be Vietnam Pro", size: 9pt)\n'
needs_poppler = pytest.mark.skipif(shutil.which("pdfinfo") is None or shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdfinfo, pdftotext) not installed")


def report_path(tmp_path, name="progress_report.pdf", period="2026-10") -> Path:
    folder = tmp_path / "reports" / period / "15"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


def typst_pdf(path: Path, body: str, page: str = PAGE) -> Path:
    path.write_bytes(typst.compile((page + body).encode("utf-8"), format="pdf", font_paths=font_paths()))
    return path


def layout_problems(path: Path) -> list:
    """The layout rules only (no poppler): overlap, clipped, half-empty."""
    return [p for p in pagecheck.check([path]) if p.kind in {"overlap", "clipped", "half-empty"}]


def kinds(problems) -> list[tuple]:
    return [(p.page, p.kind) for p in problems]


# -- 1. words of another period ---------------------------------------------------------------------------
def test_district_and_town_words_after_the_merger_are_reported(tmp_path):
    vi = typst_pdf(report_path(tmp_path), "Số TTHC cấp huyện: 0.\n#pagebreak()\nCác xã, phường, thị trấn; các huyện.")
    en = typst_pdf(report_path(tmp_path, "progress_report.en.pdf"), "District-level procedures: 0; towns: 2.")
    found = [p for p in pagecheck.check([vi, en]) if p.kind == "period-word"]
    assert [(p.file.name, p.page) for p in found] == [
        ("progress_report.pdf", 1), ("progress_report.pdf", 2), ("progress_report.pdf", 2),
        ("progress_report.en.pdf", 1), ("progress_report.en.pdf", 1)]
    assert '"cấp huyện"' in found[0].detail and '"thị trấn"' in found[1].detail and '"huyện"' in found[2].detail
    assert '"District-level"' in found[3].detail and '"towns"' in found[4].detail


def test_district_words_before_the_merger_and_unit_names_are_not_reported(tmp_path):
    before = typst_pdf(report_path(tmp_path, period="2025-06"), "Số TTHC cấp huyện; các huyện, thị trấn.")
    after = typst_pdf(report_path(tmp_path), "Phường Lào Cai; huyện Bát Xát trước khi sáp nhập.")
    assert [p for p in pagecheck.check([before, after]) if p.kind == "period-word"] == []


def test_the_period_comes_from_metrics_json_before_the_folder_name(tmp_path):
    path = tmp_path / "anywhere" / "progress_report.html"
    path.parent.mkdir()
    path.write_text("<p>Các xã, phường, thị trấn</p>", encoding="utf-8")
    (path.parent / "metrics.json").write_text(json.dumps({"period": "2026-Q3"}), encoding="utf-8")
    assert kinds(pagecheck.check([path])) == [(None, "period-word")]
    (path.parent / "metrics.json").unlink()
    assert kinds(pagecheck.check([path])) == [(None, "no-period")]


def test_the_index_of_all_periods_is_checked_without_a_period(tmp_path):
    index = tmp_path / "reports" / "index.html"
    index.parent.mkdir()
    index.write_text("<p>2023-10: Huyện Bát Xát, thị trấn; 2026-10: −0,00 điểm</p>", encoding="utf-8")
    assert kinds(pagecheck.check([index])) == [(None, "signed-zero")]


# -- 2. a change that rounds to zero ----------------------------------------------------------------------
def test_signed_zero_changes_are_reported_and_real_changes_are_not(tmp_path):
    path = typst_pdf(report_path(tmp_path), "Tăng +0,25 điểm; giảm −1,00 điểm; không đổi; ±0,00 điểm; 0,00%.\n"
                                            "#pagebreak()\nSo với kỳ trước −0,00 điểm, ±0,00; cùng kỳ +0,00 điểm.")
    found = [p for p in pagecheck.check([path]) if p.kind == "signed-zero"]
    assert kinds(found) == [(2, "signed-zero")]
    assert '"−0,00 điểm"' in found[0].detail and '"+0,00 điểm"' in found[0].detail
    assert "±" not in found[0].detail   # helpers.fmt's exact zero


# -- 3. technical words on a leader's page ----------------------------------------------------------------
TECHNICAL = "Chỉ số idx766_rank_field; period=2026-10, unit=15, data_dir=data; periods/2026-10.csv, targets.xlsx."


def test_codes_and_paths_are_reported_on_the_leaders_pdf_only(tmp_path):
    leaders = typst_pdf(report_path(tmp_path), TECHNICAL)
    quality = typst_pdf(report_path(tmp_path, "data_quality.pdf"), TECHNICAL)
    html = report_path(tmp_path, "progress_report.html")
    html.write_text(f"<p>{TECHNICAL}</p>", encoding="utf-8")
    found = [p for p in pagecheck.check([leaders, quality, html]) if p.kind == "technical"]
    assert [(p.file.name, p.page) for p in found] == [("progress_report.pdf", 1)] * 2
    details = " ".join(p.detail for p in found)
    for word in ["idx766_rank_field", "period=2026-10", "unit=15", "data_dir=data", "periods/2026-10.csv",
                 "targets.xlsx"]:
        assert f'"{word}"' in details


def test_plain_words_are_not_codes(tmp_path):
    path = typst_pdf(report_path(tmp_path), "Tỷ lệ hồ sơ trực tuyến đạt 80,64% (kỳ 10/2026); e-ID, 766, Sở Nội vụ.")
    assert [p for p in pagecheck.check([path]) if p.kind == "technical"] == []


# -- 4. overlapping or clipped text -----------------------------------------------------------------------
def test_text_drawn_over_other_text_is_reported_with_both_words(tmp_path):
    path = typst_pdf(report_path(tmp_path, "progress_report.en.pdf"),
                     "#place(top + left, dx: 0pt)[October 2026]\n#place(top + left, dx: 38pt)[transparency]")
    found = layout_problems(path)
    assert kinds(found) == [(1, "overlap")]
    assert '"2026" and "transparency" overlap' in found[0].detail


def test_superscripts_marks_kerning_and_diacritics_are_not_overlaps(tmp_path):
    body = ("Tổng hợp từ 47/113 đơn vị ⚠#super[1]; 84,00%#super[\\*]; x#sub[2]; AVAWAY To Ty Wa; ↑1 bậc ↓2 ✔ ✘.\n\n"
            "Ưu tiên ở mỗi cấp: Nghĩa Lộ, Tả Củ Tỷ, Thượng Hà, Đề án 06.\n\n" * 8)
    path = typst_pdf(report_path(tmp_path), body)
    assert layout_problems(path) == []


def test_text_outside_the_page_is_reported(tmp_path):
    path = typst_pdf(report_path(tmp_path), "#place(top + left, dx: -30mm)[Outside the page]\nInside.")
    found = layout_problems(path)
    assert kinds(found) == [(1, "clipped")]
    assert "characters outside the page" in found[0].detail and "Ou" in found[0].detail


# -- 5. half-empty pages ----------------------------------------------------------------------------------
FULL_PAGE = "#lorem(900)\n"
SHORT = "#lorem(40)\n"
PAGED = PAGE.replace("margin: 18mm", "margin: 18mm, footer: context align(center)[Trang #counter(page).display()]")


def test_a_half_empty_page_before_a_page_that_is_not_a_chapter_is_reported(tmp_path):
    body = (FULL_PAGE + "#pagebreak()\n" + SHORT + "#pagebreak()\n" + SHORT + "#pagebreak()\n"
            + "= Chương hai\n" + SHORT)
    path = typst_pdf(report_path(tmp_path), body, PAGED)
    found = layout_problems(path)
    # page 2 is followed by more of its chapter; page 3 ends the chapter; page 4 is the last
    assert kinds(found) == [(2, "half-empty")]
    assert "page 3 does not begin a chapter" in found[0].detail


def test_pages_that_end_a_chapter_or_hold_a_chart_are_not_half_empty(tmp_path):
    chart = '#rect(width: 100%, height: 150mm, stroke: 1pt)\n'
    body = (FULL_PAGE + "#pagebreak()\n" + SHORT + chart + "#pagebreak()\n" + SHORT + "#pagebreak()\n"
            + "= Chương hai\n" + SHORT)
    path = typst_pdf(report_path(tmp_path), body, PAGED)
    assert layout_problems(path) == []


def test_the_reports_own_chapters_running_header_and_page_numbers_are_understood(tmp_path):
    """In the report's page setup (templates/cchc_typst/cchc.typ): the running header and "Trang n/N" are
    not content, and a level-1 heading (cchc-heading, which starts a page) begins a chapter."""
    template = (ROOT / "src" / "helpers" / "templates" / "cchc_typst" / "cchc.typ").read_text(encoding="utf-8")
    body = (template + '\n#show: cchc-report.with(lang: "vi", title: "Báo cáo", page-word: "Trang")\n'
            '#cchc-cover("BÁO CÁO", subtitle: "tháng 10/2026", running-header: "Tỉnh Lào Cai — tháng 10/2026")\n'
            '#cchc-heading("Kết luận chung", level: 1)\n' + FULL_PAGE + SHORT
            + '#cchc-heading("Xếp hạng", level: 1)\n' + SHORT + "#pagebreak()\n" + FULL_PAGE)
    path = typst_pdf(report_path(tmp_path), body, page="")
    found = layout_problems(path)
    # page 1 is the cover (its chapter starts on page 2), page 3 ends "Kết luận chung", page 4 does not end
    # "Xếp hạng" (page 5 goes on with it)
    assert [p.page for p in found] == [4]


# -- 6. valid PDF -----------------------------------------------------------------------------------------
def blank_pdf(path: Path, suspects=None) -> Path:
    from pypdf import PdfWriter
    from pypdf.generic import BooleanObject, DictionaryObject, NameObject, NumberObject
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if suspects is not None:   # the PDF standard wants a boolean: an integer is the wrong type
        writer.root_object[NameObject("/MarkInfo")] = DictionaryObject(
            {NameObject("/Marked"): BooleanObject(True), NameObject("/Suspects"): NumberObject(suspects)})
    writer.write(path)
    return path


@needs_poppler
def test_a_pdf_poppler_complains_about_is_reported(tmp_path):
    path = blank_pdf(report_path(tmp_path), suspects=1)
    found = [p for p in pagecheck.check([path]) if p.kind == "invalid-pdf"]
    assert len(found) == 1 and "Syntax Error" in found[0].detail and "Suspects" in found[0].detail


@needs_poppler
def test_a_pdf_poppler_reads_cleanly_is_not_reported(tmp_path):
    assert pagecheck.check([blank_pdf(report_path(tmp_path))]) == []


def test_a_file_that_is_not_a_pdf_is_reported_not_raised(tmp_path):
    path = report_path(tmp_path)
    path.write_text("not a PDF", encoding="utf-8")
    done = run_script(path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{path}:-: invalid-pdf: pdfplumber cannot read it" in done.stdout


# -- 7. HTML ----------------------------------------------------------------------------------------------
def test_html_visible_text_is_checked_and_scripts_and_styles_are_not(tmp_path):
    path = report_path(tmp_path, "data_quality.en.html")
    path.write_text("<html><head><title>town</title><style>.thị-trấn{}</style></head><body>"
                    "<script>const district_level = '−0,00';</script><p hidden>cấp huyện</p>"
                    "<p>District level procedures: ±0.00 pp, -0,00</p></body></html>", encoding="utf-8")
    found = pagecheck.check([path])
    assert kinds(found) == [(None, "period-word"), (None, "signed-zero")]
    assert '"District level"' in found[0].detail and found[1].detail.startswith('"-0,00"')


# -- the command ------------------------------------------------------------------------------------------
def run_script(*paths) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "check_pages.py"), *map(str, paths)],
                          capture_output=True, text=True, timeout=120)


def test_the_script_prints_file_page_kind_detail_and_exits_1(tmp_path):
    path = report_path(tmp_path, "progress_report.html")
    path.write_text("<p>Số TTHC cấp huyện</p>", encoding="utf-8")
    done = run_script(tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stdout.splitlines() == [f'{path}:-: period-word: "cấp huyện" (no district level after 2025-07)']


def test_the_script_exits_0_on_clean_reports(tmp_path):
    report_path(tmp_path, "progress_report.html").write_text("<p>Toàn tỉnh: không đổi.</p>", encoding="utf-8")
    done = run_script(tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


@needs_poppler
def test_the_reports_compiler_writes_pdfs_poppler_reads_without_a_syntax_error(tmp_path):
    """Typst's tagged PDF says /Suspects false, which poppler 22 calls a syntax error: helpers.render blanks
    the key (its default) and the PDF stays tagged and readable."""
    from pypdf import PdfReader

    from helpers import blocks
    from helpers.render import compile_typst, quiet_for_poppler, typst_document
    source = typst_document([blocks.Heading("Kết luận chung", 1), blocks.Paragraph("Toàn tỉnh: không đổi.")])
    raw = typst.compile(source.encode("utf-8"), format="pdf", font_paths=font_paths())
    pdf = compile_typst(source)
    assert b"/Suspects false" in raw and b"/Suspects" not in pdf and len(quiet_for_poppler(raw)) == len(raw)
    path = typst_pdf_bytes(report_path(tmp_path), pdf)
    assert pagecheck.poppler_errors(path) == []
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
    assert done.stderr == "" and "Toàn tỉnh: không đổi." in done.stdout
    catalogue = PdfReader(path, strict=True).trailer["/Root"]
    assert catalogue["/MarkInfo"] == {"/Marked": True} and "/StructTreeRoot" in catalogue


def typst_pdf_bytes(path: Path, pdf: bytes) -> Path:
    path.write_bytes(pdf)
    return path


def test_a_full_stop_kerned_under_a_letter_is_not_a_collision():
    """'IV.' in a bold serif: the stop sits partly under the V's right arm (kerning), not over it."""
    from helpers.pagecheck import _collide
    v = {"text": "V", "x0": 100.0, "x1": 110.0, "top": 50.0, "bottom": 62.0}
    stop = {"text": ".", "x0": 107.5, "x1": 111.0, "top": 58.0, "bottom": 62.0}
    assert not _collide(v, stop) and not _collide(stop, v)
    letter = dict(stop, text="x", top=52.0)                    # a letter drawn there is a collision
    assert _collide(v, letter)
