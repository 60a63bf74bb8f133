"""Coverage on the page (issue 18): a report says who has not reported and who sent only part — on the
cover, page one, the leaders' appendix (a count), the data-quality report (the units by name) and
metrics.json — in both languages, on a data folder built here."""

import subprocess

import pytest
from conftest import ROOT, assert_valid_metrics, csv_rows, write_data

from helpers import register
from helpers.params import check_params
from helpers.run import run_report

pytestmark = pytest.mark.e2e

UNITS = """code,name_vi,name_en,level,parent,valid_from,valid_to
15,Tỉnh Thử,Test Province,province,,2025-07-01,
15-SNV,Sở Nội vụ,Department of Home Affairs,department,15,2025-07-01,
02647,Phường Một,Ward One,commune,15,2025-07-01,
02680,Xã Hai,Commune Two,commune,15,2025-07-01,
02700,Xã Ba,Commune Three,commune,15,2025-07-01,
"""


def _data(tmp_path):
    full = ("dossiers_received,100", "dossiers_received_online,60", "eid_applications,40")
    sep = csv_rows(*(f"{u},{row}," for u in ("15-SNV", "02647", "02680", "02700") for row in full
                     if not (u == "15-SNV" and row.startswith("eid"))))
    oct_ = csv_rows(*(f"{u},{row}," for u in ("15-SNV", "02647") for row in full
                      if not (u == "15-SNV" and row.startswith("eid"))),
                    "02680,eid_applications,45,")                  # Xã Hai: e-ID only; Xã Ba: nothing
    data = write_data(tmp_path, {"2026-09.csv": sep, "2026-10.csv": oct_}, units=UNITS)
    register.append(data, register.Entry(unit="15-SNV", period="2026-10", received_at="2026-11-09T10:00:00+07:00",
                                         file="periods/2026-10/15-SNV.xlsx", original="so_noi_vu.xlsx", figures=2,
                                         sha256="0" * 64, late=True))       # Sở Nội vụ: sent after the deadline
    return data


def _pdf_text(path) -> str:
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_report_states_who_has_not_reported_and_who_sent_only_part(tmp_path, lang):
    data = _data(tmp_path / "d")
    out = tmp_path / "out"
    params = check_params({"period": "2026-10", "unit": "15", "data_dir": str(data), "language": lang}, ROOT)
    for report in ("progress_report", "data_quality"):
        run_report(params, report, out, ("pdf",), ROOT)
    folder = out / "2026-10" / "15"
    m = assert_valid_metrics(folder / "metrics.json")
    assert m["schema_version"] == "1.2"
    assert m["coverage"] == {"expected": 4, "reported": 3, "missing": ["02700"], "partial": ["02680"],
                             "late": ["15-SNV"]}
    assert {(f["kind"], f["unit"], f["severity"]) for f in m["findings"]} >= {
        ("not_reported", "02700", "warning"), ("partial_report", "02680", "warning")}
    suffix = ".en" if lang == "en" else ""
    leader = _pdf_text(folder / f"progress_report{suffix}.pdf")
    quality = _pdf_text(folder / f"data_quality{suffix}.pdf")
    said = {"vi": "3/4 đơn vị gửi số liệu, 1 chưa đủ: chỉ có số liệu Đề án 06",
            "en": "3/4 units sent figures, 1 incomplete: only Project 06"}[lang]
    late = {"vi": "), 1 đơn vị gửi muộn, thiếu nhiều nhất", "en": " figures, 1 sent late, most gaps"}[lang]
    assert leader.count(said) >= 3 and leader.count(late) >= 3    # cover, page one, the leaders' appendix
    assert said in quality and late in quality
    # the office can chase them: the data-quality report names the unit and its last month with figures
    last = {"vi": "tháng 9/2026", "en": "September 2026"}[lang]
    assert "Xã Ba" in quality or "Commune Three" in quality
    assert last in quality.split("Xã Ba" if lang == "vi" else "Commune Three", 1)[1][:200]
    # the coverage table: one definition (helpers.coverage), a status per unit expected, the top unit not among them
    layout = subprocess.run(["pdftotext", "-layout", str(folder / f"data_quality{suffix}.pdf"), "-"],
                            capture_output=True, text=True, check=True).stdout
    table = layout.rsplit({"vi": "Tình trạng", "en": "Status"}[lang], 1)[1].split("\n")
    rows = {"vi": [("Sở Nội vụ", "Đủ, gửi muộn"), ("Phường Một", "Đủ"), ("Xã Hai", "Chưa đủ"), ("Xã Ba", "Chưa gửi")],
            "en": [("Department of Home Affairs", "Complete, late"), ("Ward One", "Complete"),
                   ("Commune Two", "Incomplete"), ("Commune Three", "Not received")]}[lang]
    for name, status in rows:
        line = next(x for x in table if x.startswith(name))
        assert " ".join(line[len(name):].split()).startswith(status + " "), line
    assert not any(x.startswith({"vi": "Tỉnh Thử", "en": "Test Province"}[lang]) for x in table)
