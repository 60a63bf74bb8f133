"""The notebooks run through papermill into HTML, PDF and metrics.json, checked
for what a reader gets: Vietnamese figures, no code, no CDN, escaped input."""

import csv
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT, assert_valid_metrics, cli, project_copy

from helpers.params import check_params
from helpers.run import run_report

pytestmark = pytest.mark.e2e


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def render(out, period, language="vi", report="progress_report", formats=("html", "pdf"), root=ROOT):
    params = check_params({"period": period, "unit": "10", "data_dir": str(root / "data"), "language": language},
                          root)
    run_report(params, report, out, formats, root)
    return Path(out) / params.period.code / "10"


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    return render(tmp_path_factory.mktemp("out"), "2023-10")


def assert_clean_html(html: str):
    assert "<script src=" not in html and "<script" not in html
    assert not re.search(r'<link[^>]+href="https?:', html)
    assert not re.search(r"(?i)https?://[^\s\"')]*(cdn|unpkg|jsdelivr|mathjax)", html)
    assert "open_report(" not in html and "report.section" not in html     # no code
    assert "injected" not in html.lower()


def _rows(month):
    path = ROOT / "data" / "periods" / f"{month}.csv"
    with open(path, encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def _ratio(months, num, den):
    n = sum(int(r["value"]) for m in months for r in _rows(m) if r["indicator"] == num and r["value"])
    d = sum(int(r["value"]) for m in months for r in _rows(m) if r["indicator"] == den and r["value"])
    return float(Decimal(n) * 100 / Decimal(d))          # exact: metrics.json does not round


def test_month_report_pdf_shows_article_figures_in_vietnamese(month):
    text = pdf_text(month / "progress_report.pdf")
    for needle in ("BÁO CÁO TIẾN ĐỘ CẢI CÁCH HÀNH CHÍNH", "Tỉnh Lào Cai", "tháng 10/2023", "10 tháng năm 2023",
                   "1.989", "1.277", "90,35%", "143,84%", "105,62%", "60.000", "35 tỷ đồng", "Mục lục",
                   "Cải cách thủ tục hành chính", "Đề án 06", "Trang 1/"):
        assert needle in text, needle
    flat = " ".join(text.split())
    assert "1.989 ≠ 1.473 + 294 + 132 = 1.899" in flat          # the parts-don't-add-up warning
    assert "Kết quả nổi bật" in flat                              # the analysts' narrative
    assert "Thời gian lấy số liệu từ 01/10/2023 đến 31/10/2023" in flat   # the data window (reporting.yaml)


def test_month_report_html_is_self_contained_without_code(month):
    html = (month / "progress_report.html").read_text(encoding="utf-8")
    assert_clean_html(html)
    charts = len(re.findall(r'<img[^>]+src="data:image/svg\+xml|<svg\b', html))   # embedded, not linked
    assert charts >= 9, charts                                               # the report's nine charts at least
    assert "1.989" in html and 'lang="vi"' in html


def test_metrics_json_against_hand_computed_figures(month):
    m = assert_valid_metrics(month / "metrics.json")
    assert (m["period"], m["unit"]) == ("2023-10", "10")
    ind = m["indicators"]
    assert ind["tthc_published_total"]["value"] == 1989
    assert ind["dvctt_coverage_rate"]["value"] == float(Decimal(1797) * 100 / Decimal(1989))   # 90.3469…
    assert ind["online_submission_rate"]["value"] == _ratio(["2023-10"], "dossiers_received_online",
                                                             "dossiers_received")
    assert ind["online_submission_rate"]["previous"] == _ratio(["2023-09"], "dossiers_received_online",
                                                                "dossiers_received")
    assert ind["online_submission_rate"]["same_period_last_year"] == _ratio(
        ["2022-10"], "dossiers_received_online", "dossiers_received")
    assert round(ind["eid_collection_vs_target"]["ytd"], 2) == 143.84
    assert ind["online_submission_rate"]["target"] == 50 and ind["online_submission_rate"]["status"] == "met"
    assert ind["par_index_score"]["value"] is None
    assert any(f["indicator"] == "tthc_published_total" and f["severity"] == "warning" and f["kind"] == "parts_sum"
               for f in m["findings"])
    assert all(f["kind"] for f in m["findings"])
    assert all(len(h) == 64 for h in m["inputs"].values()) and "periods/2023-10.csv" in m["inputs"]


def test_quarter_report_in_english(tmp_path):
    folder = render(tmp_path, "2023-Q3", "en")
    text = pdf_text(folder / "progress_report.en.pdf")
    assert "Q3 2023" in text and "Administrative procedure reform" in text and "Page 1/" in text and "Trang" not in text
    stock = next(int(r["value"]) for r in _rows("2023-09")
                 if r["unit"] == "10" and r["indicator"] == "tthc_published_total")
    assert f"{stock:,}" in text                      # a stock at the quarter's last month, English digits (1,982)
    html = (folder / "progress_report.en.html").read_text(encoding="utf-8")
    assert_clean_html(html)
    assert 'lang="en"' in html
    m = assert_valid_metrics(folder / "metrics.json")
    months = ["2023-07", "2023-08", "2023-09"]
    assert m["indicators"]["online_submission_rate"]["value"] == _ratio(months, "dossiers_received_online",
                                                                         "dossiers_received")
    received = sum(int(r["value"]) for mo in months for r in _rows(mo) if r["indicator"] == "dossiers_received")
    assert m["indicators"]["dossiers_received"]["value"] == received          # flows sum
    assert m["indicators"]["tthc_published_total"]["value"] == next(
        int(r["value"]) for r in _rows("2023-09") if r["unit"] == "10" and r["indicator"] == "tthc_published_total")


def test_year_report_and_data_quality_notebook(tmp_path):
    folder = render(tmp_path, "2023", formats=("html",))
    html = (folder / "progress_report.html").read_text(encoding="utf-8")
    assert_clean_html(html)
    assert "năm 2023" in html and "năm 2022" in html
    m = assert_valid_metrics(folder / "metrics.json")
    assert m["indicators"]["eid_collection_vs_target"]["value"] == m["indicators"]["eid_collection_vs_target"]["ytd"]
    render(tmp_path, "2023-10", report="data_quality", formats=("html", "pdf"))
    dq = tmp_path / "2023-10" / "10"
    text = " ".join(pdf_text(dq / "data_quality.pdf").split())
    assert "CHẤT LƯỢNG SỐ LIỆU" in text and "1.989 ≠ 1.473 + 294 + 132 = 1.899" in text


@pytest.mark.parametrize("content,needle", [
    ('period: "2023-10"\nunit: "10"\nfoo: 1\n', "foo"),
    ('period: "2023-13"\nunit: "10"\n', "2023-13"),
    ('period: "2023-10"\nunit: "999"\n', "999"),
    ('period: "2023-10"\nunit: "10"\ndata_dir: "khong_co"\n', "khong_co"),
    ('period: "2023-10"\nlanguage: "fr"\n', "language"),
])
def test_bad_parameters_are_rejected_before_any_kernel(tmp_path, content, needle):
    proj = project_copy(tmp_path)
    (proj / "params" / "bad.yaml").write_text(content, encoding="utf-8")
    r = cli("run", "--params", "params/bad.yaml", "--out", str(tmp_path / "out"), cwd=proj)
    assert r.returncode == 2, r.stdout + r.stderr
    assert needle in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()          # nothing ran, nothing written


def test_data_errors_stop_the_run_with_exit_1(tmp_path):
    proj = project_copy(tmp_path)
    path = proj / "data" / "periods" / "2023-10.csv"
    path.write_text(path.read_text(encoding="utf-8") + "080,dossiers_received,\"1.989\",\n", encoding="utf-8")
    r = cli("run", "--period", "2023-10", "--out", str(tmp_path / "out"), "--formats", "html", cwd=proj)
    assert r.returncode == 1 and "1.989" in r.stderr + r.stdout and "Traceback" not in r.stderr


def test_failing_cell_keeps_the_good_report_and_the_failed_notebook(tmp_path):
    import nbformat
    proj = project_copy(tmp_path)
    out = tmp_path / "out"
    folder = render(out, "2023-10", formats=("html",), root=proj)
    good = (folder / "progress_report.html").read_bytes()
    metrics = (folder / "metrics.json").read_bytes()
    nb = nbformat.read(proj / "notebooks/progress_report.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell('raise RuntimeError("ô bị lỗi")'))
    nbformat.write(nb, proj / "notebooks/progress_report.ipynb")
    r = cli("run", "--period", "2023-10", "--report", "progress_report", "--formats", "html", "--force",
             "--out", str(out), cwd=proj)
    assert r.returncode == 1
    assert "ô bị lỗi" in r.stderr and "progress_report.failed.ipynb" in r.stderr
    assert (folder / "progress_report.html").read_bytes() == good
    assert (folder / "metrics.json").read_bytes() == metrics
    failed = nbformat.read(folder / "progress_report.failed.ipynb", as_version=4)
    assert any("An Exception was encountered" in "".join(c.source) for c in failed.cells)
    assert not list(folder.glob("*.tmp")) and not list(folder.glob(".*.tmp"))


def test_script_in_unit_name_and_note_is_escaped(tmp_path):
    proj = project_copy(tmp_path)
    units = proj / "data" / "units.csv"
    units.write_text(units.read_text(encoding="utf-8").replace(
        "Tỉnh Lào Cai,", "Tỉnh <script>alert(1)</script> Lào Cai,", 1), encoding="utf-8")
    (proj / "data/notes/2023-10.md").write_text("## Kết quả\n\n<script>alert(2)</script>\n\n- **đạt** <b>x</b>\n",
                                                 encoding="utf-8")
    folder = render(tmp_path / "out", "2023-10", formats=("html",), root=proj)
    html = (folder / "progress_report.html").read_text(encoding="utf-8")
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;script&gt;alert(2)&lt;/script&gt;" in html


@pytest.mark.parametrize("cwd", ["", "notebooks"])
def test_plain_papermill_with_params_file(tmp_path, cwd):
    papermill = Path(sys.executable).with_name("papermill")
    nb = "notebooks/progress_report.ipynb" if not cwd else "progress_report.ipynb"
    params = "params/2023-10.yaml" if not cwd else "../params/2023-10.yaml"
    out = tmp_path / "out.ipynb"
    r = subprocess.run([str(papermill), nb, str(out), "-f", params, "--no-progress-bar"], cwd=ROOT / cwd,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "1.989" in out.read_text(encoding="utf-8")


def test_month_report_in_english(tmp_path):
    folder = render(tmp_path, "2023-10", "en", formats=("html",))
    html = (folder / "progress_report.en.html").read_text(encoding="utf-8")
    assert_clean_html(html)
    for needle in ("ADMINISTRATIVE REFORM PROGRESS REPORT", "October 2023", "January–October 2023",
                   "Lào Cai Province", "1,989", "90.35%", "143.84%", "Headline indicators"):
        assert needle in html, needle
    assert "Tóm tắt" not in html


def test_unit_report_lists_only_its_own_findings(tmp_path):
    params = check_params({"period": "2023-10", "unit": "080", "data_dir": str(ROOT / "data")}, ROOT)
    run_report(params, "progress_report", tmp_path, ("html",), ROOT)
    m = assert_valid_metrics(tmp_path / "2023-10" / "080" / "metrics.json")
    assert all(f["unit"] in (None, "080") for f in m["findings"])
    assert m["indicators"]["dossiers_received"]["value"] == next(
        int(r["value"]) for r in _rows("2023-10") if r["unit"] == "080" and r["indicator"] == "dossiers_received")


def _flat_pdf(path: Path) -> str:
    return " ".join(pdf_text(path).split())


def test_month_report_page_one_judges_against_pace_and_ranks(month):
    """2023-10: the plan (520/651 = 79,88%) is behind its pace 10/12 = 83,33%, not "Chưa đạt"; the 766 rank
    is 11/63; doubtful figures carry ⚠ with their footnote in the table; league tables and overdue."""
    m = assert_valid_metrics(month / "metrics.json")
    plan = m["indicators"]["cchc_plan_completion_rate"]
    assert plan["status"] == "behind" and plan["target_kind"] == "year_end"
    assert abs(plan["pace_target"] - 1000 / 12) < 1e-9 and plan["value"] == 52000 / 651
    assert m["indicators"]["idx766_rank"]["rank_field"] == 63
    assert m["indicators"]["tthc_time_cut30_share"]["status"] == "met"                 # 977 / 1.989
    assert m["areas"]["de_an_06"] in ("met", "on_track") and m["areas"]["chi_dao_dieu_hanh"] == "behind"
    online = next(lg for lg in m["leagues"] if lg["indicator"] == "online_submission_rate"
                  and lg["level"] == "district")
    values = [r["value"] for r in online["rows"]]
    assert values == sorted(values, reverse=True) and len(values) == 9
    late = [r["late_ytd"] for r in m["overdue"]["sub_units"]]
    assert late == sorted(late, reverse=True)
    text = _flat_pdf(month / "progress_report.pdf")
    page_one = text[text.index("Kết luận chung", text.index("Mục lục") + 200):]
    page_one = page_one[:page_one.index("Tóm tắt các chỉ tiêu chủ yếu")]
    assert "11/63" in page_one and "Chậm tiến độ" in page_one and "Đề án 06" in page_one
    assert "chậm so với tiến độ" in page_one or "Chậm tiến độ" in page_one
    assert "Số liệu cần thận trọng" in page_one and "Tổng số TTHC được công bố" in page_one
    assert "49,12%" in text and "⚠1" in text and "1.989 ≠ 1.473 + 294 + 132 = 1.899" in text
    assert "Số liệu tham khảo" in text and "Xếp hạng các đơn vị" in text and "Hồ sơ trễ hạn" in text
    html = (month / "progress_report.html").read_text(encoding="utf-8")
    assert "So với cùng kỳ lũy kế" in html and "10 tháng năm 2022" in text     # YTD vs last year's YTD
    for unwanted in ("(chưa xác minh)", "cấp huyện (đến 30/6/2025)", "tthc_published_total", "periods/2023",
                     "sha256", "data_dir="):                # the technical annex is the HTML's, not the leaders' PDF
        assert unwanted not in text, unwanted
    assert "Phụ lục: Nguồn số liệu" in html and "periods/2023-10.csv" in html


def test_league_table_pdf_keeps_top_and_bottom_five_html_all(month):
    html = (month / "progress_report.html").read_text(encoding="utf-8")
    text = _flat_pdf(month / "progress_report.pdf")
    m = assert_valid_metrics(month / "metrics.json")
    depts = next(lg for lg in m["leagues"] if lg["indicator"] == "online_submission_rate"
                 and lg["level"] == "department")
    assert len(depts["rows"]) == 15
    from helpers.units import read_units
    units = read_units(ROOT / "data" / "units.csv")
    first, middle, last = (units[depts["rows"][i]["unit"]].name_vi for i in (0, 7, 14))
    section = text[text.index("Tỷ lệ hồ sơ nộp trực tuyến — các sở"):]
    section = section[:section.index("Tỷ lệ hồ sơ thanh toán trực tuyến — các sở")]
    assert first in section and last in section and middle not in section
    html_section = html[html.index("Tỷ lệ hồ sơ nộp trực tuyến — các sở"):]
    assert middle in html_section[:html_section.index("Tỷ lệ hồ sơ thanh toán trực tuyến — các sở")]


def test_english_month_report_is_english(tmp_path):
    """Every label, target text, finding and status of the English edition is English (the analysts'
    commentary is resolved by helpers.notes and checked there)."""
    folder = render(tmp_path, "2023-10", "en")
    pdf = sorted(folder.glob("progress_report*.pdf"))[-1]
    text = _flat_pdf(pdf)
    start = text.rindex("Analysts' assessment")
    end = text.index("Appendix: Data quality", start)
    leader = text[:start] + text[end:]
    for word in ("Đạt", "Chưa đạt", "chỉ tiêu", "tối đa", "kỳ trước", "mục tiêu", "Lũy kế", "điểm %", "bậc"):
        assert word not in leader, word
    for needle in ("Key conclusions", "11/63", "↑15 places", "Behind pace", "On track", "Units ranked",
                   "Overdue dossiers", "Reference figures", "1,989 ≠ 1,473 + 294 + 132 = 1,899", "49.12%"):
        assert needle in text, needle


def test_english_league_headers_never_run_into_each_other(tmp_path):
    """The 766 group scores' long English words ("transparency", "digitisation") in narrow columns break
    with a hyphen instead of drawing over the next column's header; and the whole English 2026-10 report,
    PDF and HTML, passes the page checker (no "District-level" after the merger, no half-empty page, a PDF
    poppler reads without a syntax error)."""
    from helpers import pagecheck
    params = check_params({"period": "2026-10", "unit": "15", "data_dir": str(ROOT / "data"), "language": "en"},
                          ROOT)
    run_report(params, "progress_report", tmp_path, ("html", "pdf"), ROOT)
    pdf = tmp_path / "2026-10" / "15" / "progress_report.en.pdf"
    assert "Decision 766 service index total" in pdf_text(pdf)
    assert [p.line() for p in pagecheck.check([pdf, pdf.with_suffix(".html")])] == []


def test_the_month_report_passes_the_page_checker(month):
    """The Vietnamese 2023-10 report (before the merger: districts and towns are words of its period)."""
    from helpers import pagecheck
    files = pagecheck.report_files([month])
    assert {f.name for f in files} >= {"progress_report.pdf", "progress_report.html"}
    assert [p.line() for p in pagecheck.check(files)] == []
