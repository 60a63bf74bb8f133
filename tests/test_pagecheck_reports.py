"""The page checker on whole reports rendered from a data folder built here, after the July 2025 merger,
in both languages, PDF and HTML: no words of another period (the procedures' district part is zero), no
signed zero, no code or path on the leader's page, no overlap, nothing clipped, no half-empty page, and
poppler reads every PDF without a syntax error. (The sample reports are checked where their tests render
them: test_reports, test_walkthrough.)"""
import pytest
from conftest import ROOT, csv_rows, write_data

from helpers import pagecheck
from helpers.params import check_params
from helpers.run import run_report

pytestmark = pytest.mark.e2e

UNITS = """code,name_vi,name_en,level,parent,valid_from,valid_to
15,Tỉnh Thử,Test Province,province,,2025-07-01,
15-SNV,Sở Nội vụ,Department of Home Affairs,department,15,2025-07-01,
15-STP,Sở Tư pháp,Department of Justice,department,15,2025-07-01,
02647,Phường Một,Ward One,commune,15,2025-07-01,
02680,Xã Hai,Commune Two,commune,15,2025-07-01,
"""


SCORES = {"15-SNV": 85, "15-STP": 90, "02647": 82, "02680": 88}


def unit_rows(code: str, month: int) -> list[str]:
    received = 100 + 7 * month + len(code)
    rows = [("dossiers_received", received), ("dossiers_received_online", received * 3 // 4),
            ("dossiers_resolved", received), ("dossiers_resolved_ontime", received - month % 3),
            ("idx766_total_score", SCORES[code] + month / 10)]
    return [f"{code},{name},{value}," for name, value in rows]


def month_file(month: int) -> str:
    rows = [r for code in ("15-SNV", "15-STP", "02647", "02680") for r in unit_rows(code, month)]
    rows += ["15,tthc_published_total,1550,", "15,tthc_published_province,1140,",
             "15,tthc_published_district,0,", "15,tthc_published_commune,410,", "15,idx766_rank,3,",
             "15,idx766_rank_field,34,"]
    return csv_rows(*rows)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    base = tmp_path_factory.mktemp("pages")
    data = write_data(base, {f"2026-{m:02d}.csv": month_file(m) for m in range(8, 11)}, units=UNITS)
    out = base / "out"
    for unit, lang, report in [("15", "vi", "progress_report"), ("15", "en", "progress_report"),
                               ("15", "vi", "data_quality"), ("15", "en", "data_quality"),
                               ("15-SNV", "vi", "progress_report"), ("15-SNV", "en", "progress_report")]:
        params = check_params({"period": "2026-10", "unit": unit, "data_dir": str(data), "language": lang}, ROOT)
        run_report(params, report, out, ("html", "pdf"), ROOT)
    return out / "2026-10"


def test_every_page_of_the_built_reports_passes_the_checker(rendered):
    files = pagecheck.report_files([rendered])
    assert {f.name for f in files} >= {"progress_report.pdf", "progress_report.en.pdf", "progress_report.html",
                                       "progress_report.en.html", "data_quality.pdf", "data_quality.en.html"}
    assert [p.line() for p in pagecheck.check(files)] == []


def test_the_department_report_says_where_it_stands(rendered):
    from pypdf import PdfReader
    pages = [page.extract_text() for name in ("progress_report.pdf", "progress_report.en.pdf")
             for page in PdfReader(rendered / "15-SNV" / name).pages]
    text = " ".join(" ".join(pages).split())
    assert "Xếp thứ 2/2 trong các sở, ban, ngành về Tổng điểm Bộ chỉ số 766" in text
    assert "Ranked 2 of 2 departments on Decision 766 service index total" in text
