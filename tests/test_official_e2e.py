"""The official report end to end (issue 19, Done when): the sample's province, department and commune
rendered once and opened in LibreOffice headless, and another province's data folder (hidden data: another
issuing body) rendered with the same correctness."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import cli, csv_rows, project_copy, write_data

pytestmark = pytest.mark.e2e

OFFICE = shutil.which("libreoffice") or shutil.which("soffice")
needs_office = pytest.mark.skipif(not OFFICE, reason="LibreOffice not installed (scripts/install-system-packages.sh)")
SAMPLE_UNITS = {"15": ("ỦY BAN NHÂN DÂN TỈNH LÀO CAI", "Nguyễn Văn A"),
                "15-SNV": ("SỞ NỘI VỤ", "Trần Thị B"),
                "02647": ("ỦY BAN NHÂN DÂN PHƯỜNG LÀO CAI", "Lê Văn C")}


def all_text(path: Path) -> list[str]:
    """Every paragraph of a .docx, those in tables included (python-docx)."""
    import docx
    doc = docx.Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        texts += [p.text for row in table.rows for cell in row.cells for p in cell.paragraphs]
    return texts


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def libreoffice_pdf(docx_path: Path, outdir: Path) -> str:
    """The .docx converted to PDF by LibreOffice headless, with a profile of its own (another LibreOffice
    running, or a parallel test, would otherwise take the job) and a timeout; the PDF's text."""
    outdir.mkdir(parents=True, exist_ok=True)
    profile = (outdir / "profile").as_uri()
    done = subprocess.run([OFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                           "--outdir", str(outdir), str(docx_path)], capture_output=True, text=True, timeout=240)
    pdf = outdir / (docx_path.stem + ".pdf")
    assert done.returncode == 0 and pdf.is_file() and pdf.stat().st_size > 0, done.stdout + done.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    return pdf_text(pdf)


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    """One run of the sample 2026-10 for the province, a department and a commune: their report folders."""
    proj = project_copy(tmp_path_factory.mktemp("sample"))
    r = subprocess.run([sys.executable, "-m", "helpers.cli", "run", "--report", "official_report", "--period",
                        "2026-10", "--unit", ",".join(SAMPLE_UNITS), "--jobs", "1", "--quiet", "--out", "out"],
                       cwd=proj, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    return proj, {unit: proj / "out" / "2026-10" / unit for unit in SAMPLE_UNITS}


@pytest.mark.parametrize("unit", list(SAMPLE_UNITS))
def test_the_sample_official_reports_are_written_beside_their_metrics(sample_run, unit):
    issuer, signer = SAMPLE_UNITS[unit]
    folder = sample_run[1][unit]
    texts = all_text(folder / "official_report.docx")
    assert issuer in [" ".join(t.split()) for t in texts]              # the header may break it after "DÂN"
    assert "BÁO CÁO" in texts and any(t.startswith("Số:") for t in texts)
    assert signer in texts and "Nơi nhận:" in texts
    assert (folder / "official_report.pdf").read_bytes().startswith(b"%PDF")
    assert (folder / "metrics.json").is_file()


@needs_office
@pytest.mark.parametrize("unit", list(SAMPLE_UNITS))
def test_libreoffice_opens_the_sample_docx(sample_run, unit, tmp_path):
    issuer, signer = SAMPLE_UNITS[unit]
    text = libreoffice_pdf(sample_run[1][unit] / "official_report.docx", tmp_path)
    flat = " ".join(text.split())
    for wanted in (issuer, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO",
                   "Nơi nhận:", signer, "./."):
        assert wanted in flat, (unit, wanted)
    assert re.search(r"^\s*2\s*$", text.split("\f")[1], re.M)            # the page number field, from page 2


def test_number_and_date_given_on_the_command_line(sample_run):
    proj = sample_run[0]
    r = cli("run", "--report", "official_report", "--period", "2026-10", "--unit", "15", "--number", "5",
            "--issued-on", "2026-04-05", "--jobs", "1", "--quiet", "--out", "numbered", cwd=proj)
    assert r.returncode == 0, r.stdout + r.stderr
    texts = all_text(proj / "numbered" / "2026-10" / "15" / "official_report.docx")
    assert "Số: 05/BC-UBND" in texts and "Lào Cai, ngày 05 tháng 4 năm 2026" in texts


# -- hidden data: another province, another issuing body ----------------------------------------------------
UNITS = """code,name_vi,name_en,level,parent,valid_from,valid_to
08,Tỉnh Tuyên Quang,Tuyên Quang Province,province,,2025-07-01,
08001,Phường Minh Xuân,Minh Xuân Ward,commune,08,2025-07-01,
08002,Xã Yên Sơn,Yên Sơn Commune,commune,08,2025-07-01,
"""
DOCUMENT = """\
issuing_body: SỞ NỘI VỤ
parent_body: UBND TỈNH TUYÊN QUANG
symbol: BC-SNV
place: Tuyên Quang
signer: {authority: KT. GIÁM ĐỐC, title: PHÓ GIÁM ĐỐC, name: Hoàng Thị Mai}
recipients: [UBND tỉnh (để b/c), Bộ Nội vụ (để b/c), "Lưu: VT, CCHC"]
"""
RECIPIENTS = ["- UBND tỉnh (để b/c);", "- Bộ Nội vụ (để b/c);", "- Lưu: VT, CCHC."]


@pytest.fixture(scope="module")
def other_run(tmp_path_factory):
    """Tuyên Quang's January 2026, its Sở Nội vụ issuing, number 5, issued 3 February; the commune 08001
    has no issuer (document.yaml has no ``units:``)."""
    base = tmp_path_factory.mktemp("other")
    periods = {}
    for month, (a, b) in {"2025-11": (300, 200), "2025-12": (320, 210), "2026-01": (340, 230)}.items():
        periods[f"{month}.csv"] = csv_rows(
            f"08001,dossiers_received,{a},", f"08001,dossiers_received_online,{a // 2},",
            f"08002,dossiers_received,{b},", f"08002,dossiers_received_online,{b // 4},",
            "08,cchc_plan_tasks_total,120,", "08,cchc_plan_tasks_done,9,", "08,tthc_published_total,1500,")
    data = write_data(base / "elsewhere", periods, units=UNITS, extra={
        "document.yaml": DOCUMENT, "targets.csv": "indicator,unit,year,target\nonline_submission_rate,08,2026,60\n",
        "notes/2026-01.md": "## Tồn tại, hạn chế\n\nMột số xã còn thiếu công chức.\n"})
    r = subprocess.run([sys.executable, "-m", "helpers.cli", "run", "--report", "official_report", "--period",
                        "2026-01", "--unit", "08,08001", "--data", str(data), "--number", "5", "--issued-on",
                        "2026-02-03", "--jobs", "1", "--out", str(base / "out")],
                       cwd=base, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    return base / "out" / "2026-01", r.stdout + r.stderr


def test_another_issuer_in_the_docx(other_run):
    folder, _said = other_run
    texts = all_text(folder / "08" / "official_report.docx")
    for wanted in ("UBND TỈNH TUYÊN QUANG", "SỞ NỘI VỤ", "Số: 05/BC-SNV", "Tuyên Quang, ngày 03 tháng 02 năm 2026",
                   "Kết quả công tác cải cách hành chính tháng 1 năm 2026", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC",
                   "Hoàng Thị Mai", "Nơi nhận:", *RECIPIENTS):
        assert wanted in texts, wanted
    assert "Kính gửi:" not in " ".join(texts)                     # no addressed_to, no Kính gửi
    assert "(Kèm theo Báo cáo số 05/BC-SNV ngày 03/02/2026 của Sở Nội vụ)" in texts
    assert "Lào Cai" not in " ".join(texts) and "LÀO CAI" not in " ".join(texts)


def test_another_issuer_in_the_pdf(other_run):
    folder, _said = other_run
    text = pdf_text(folder / "08" / "official_report.pdf")
    flat = " ".join(text.split())
    for wanted in ("UBND TỈNH TUYÊN QUANG", "SỞ NỘI VỤ", "Số: 05/BC-SNV", "Tuyên Quang, ngày 03 tháng 02 năm 2026",
                   "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Hoàng Thị Mai", "Nơi nhận:", *RECIPIENTS, "./."):
        assert wanted in flat, wanted
    assert "Kính gửi" not in flat and "Lào Cai" not in flat and "LÀO CAI" not in flat
    assert flat.index("Nơi nhận:") < flat.index("Hoàng Thị Mai")


@needs_office
def test_libreoffice_opens_another_issuers_docx(other_run, tmp_path):
    folder, _said = other_run
    flat = " ".join(libreoffice_pdf(folder / "08" / "official_report.docx", tmp_path).split())
    for wanted in ("SỞ NỘI VỤ", "Số: 05/BC-SNV", "Hoàng Thị Mai", "- Lưu: VT, CCHC."):
        assert wanted in flat, wanted


def test_a_unit_without_an_issuer_gets_none_and_the_run_says_so(other_run):
    folder, said = other_run
    assert not (folder / "08001" / "official_report.docx").exists()
    assert not (folder / "08001" / "official_report.pdf").exists()
    flat = " ".join(said.split())
    assert "08001" in flat and "document.yaml" in flat and "không lập báo cáo chính thức" in flat, said

