"""The analysts' notes (helpers.notes): which file a report shows, and that a note reaches nothing
outside the data folder and nothing on the network, whatever renders it."""

import base64
import socket
import struct
import subprocess
import zlib

import pytest
from conftest import ROOT, cli, csv_rows, write_data

from helpers import notes
from helpers.units import read_units
from helpers.validate import validate

GOOD = csv_rows("10,dossiers_received,300,", "080,dossiers_received,100,", "082,dossiers_received,200,")


def png(width=2, height=2) -> bytes:
    """A valid PNG of any size, written by hand (a blank image compresses to almost nothing)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


@pytest.fixture
def data(tmp_path):
    return write_data(tmp_path, {"2023-10.csv": GOOD})


def note(data, name, text):
    path = data / "notes" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def for_report(data, unit="10", period="2023-10", lang="vi"):
    return notes.for_report(data, period, unit, read_units(data / "units.csv"), lang)


def rendered(n) -> str:
    """The note as the report shows it (the neutral block's HTML)."""
    from helpers import blocks
    return str(blocks.Markdown(n.text or "", n.images).html())


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection or resolve a name fails the test."""
    def refuse(*a, **k):
        raise AssertionError("network access attempted")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


# -- which file ---------------------------------------------------------------------------------
def test_top_unit_sub_unit_and_period_files(data):
    note(data, "2023-10.md", "Tỉnh: kết quả tháng 10.")
    note(data, "2023-10/082.md", "Bát Xát: kết quả riêng.")
    note(data, "2023-Q3.md", "Quý III: nhận xét quý.")
    assert for_report(data).text.strip() == "Tỉnh: kết quả tháng 10."
    assert for_report(data).source == "notes/2023-10.md"
    assert for_report(data, "082").text.strip() == "Bát Xát: kết quả riêng."
    district = for_report(data, "080")                       # no note of its own: never the province's
    assert district.text is None and "Tỉnh" not in district.missing_sentence
    assert "notes/" not in district.missing_sentence          # one plain sentence, no file path
    assert for_report(data, period="2023-Q3").text.strip() == "Quý III: nhận xét quý."
    assert for_report(data, period="2023-09").text is None


def test_a_report_fingerprints_the_note_it_reads_and_no_other(data):
    from helpers.inputs import input_files
    from helpers.periods import Period
    units = read_units(data / "units.csv")
    listed = lambda unit, lang="vi": {p.relative_to(data).as_posix() for p in   # noqa: E731
                                      input_files(data, Period.parse("2023-10"), unit, lang, units)
                                      if "notes" in p.parts}
    assert listed("10") == {"notes/2023-10.md"}
    assert listed("082") == {"notes/2023-10/082.md"}                   # never the province's note
    assert listed("082", "en") == {"notes/2023-10/082.en.md", "notes/2023-10/082.md"}
    # before the units are read (the batch fingerprint), every candidate: a new note re-renders
    assert {"notes/2023-10.md", "notes/2023-10/082.md"} <= {
        p.relative_to(data).as_posix() for p in input_files(data, Period.parse("2023-10"), "082")}


def test_english_edition_uses_en_file_or_says_where_the_commentary_is(data):
    note(data, "2023-10.md", "Kết quả 1.989 hồ sơ.")
    en = for_report(data, lang="en")
    assert en.text is None and "Vietnamese edition" in en.missing_sentence
    note(data, "2023-10.en.md", "1,989 dossiers.")
    assert for_report(data, lang="en").text.strip() == "1,989 dossiers."
    assert "no commentary" in for_report(data, "082", lang="en").missing_sentence


def narrative(data, unit, monkeypatch, lang="vi") -> tuple[str, str]:
    """The report's narrative section as its blocks render it: (HTML, Typst)."""
    from helpers import blocks
    from helpers.report import Report
    shown = []
    monkeypatch.setattr(blocks, "show", lambda *items: shown.extend(items))
    Report.open("2023-10", unit, data, lang, root=ROOT).narrative()
    return "".join(str(b.html()) for b in shown), "".join(str(b.typst()) for b in shown)


def test_district_report_never_shows_the_province_note(data, monkeypatch):
    note(data, "2023-10.md", "Nhận xét của tỉnh: BÍ MẬT CẤP TỈNH.")
    note(data, "2023-10/082.md", "Nhận xét của huyện Bát Xát.")
    html, typst = narrative(data, "082", monkeypatch)
    assert "huyện Bát Xát" in html and "BÍ MẬT CẤP TỈNH" not in html + typst
    html, typst = narrative(data, "080", monkeypatch)
    assert "BÍ MẬT CẤP TỈNH" not in html + typst and "chưa có nhận xét" in html


# -- what a note may reach ----------------------------------------------------------------------
def test_absolute_image_path_is_removed_with_a_warning(data, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(png())
    note(data, "2023-10.md", f"Trước\n\n![s]({secret})\n\nSau\n")
    n = for_report(data)
    assert str(secret) not in n.text and "Trước" in n.text and "Sau" in n.text
    assert n.images == {}
    [f] = n.findings
    assert not f.is_error and str(secret) in f.message_vi and f.row == 3 and f.file.endswith("2023-10.md")
    html = rendered(n)
    assert base64.b64encode(png()).decode()[:40] not in html and "<img" not in html


@pytest.mark.parametrize("ref", ["http://10.255.255.1/x.png", "https://example.invalid/a.png",
                                 "//example.invalid/a.png", "file:///etc/hosts", "../units.csv",
                                 "hinh/../../../x.png", "~/x.png", "C:\\Users\\a\\x.png"])
def test_remote_and_escaping_references_are_removed_without_network(data, no_network, ref, monkeypatch):
    note(data, "2023-10.md", f"A ![s]({ref}) B\n\n![ref][r]\n\n[r]: {ref}\n\n<img src=\"{ref}\">\n")
    n = for_report(data)
    assert ref not in n.text and n.images == {}
    assert "<img" not in rendered(n)
    assert len(n.findings) == 3 and all(ref in f.message_en or "HTML" in f.message_en for f in n.findings)
    html, typst = narrative(data, "10", monkeypatch)
    assert ref not in html and ref not in typst and "A  B" in html


def test_image_inside_the_data_folder_is_inlined(data):
    (data / "notes" / "hinh").mkdir(parents=True)
    (data / "notes" / "hinh" / "bieu do.png").write_bytes(png(3, 2))
    n = note(data, "2023-10.md", "![Biểu đồ](<hinh/bieu do.png>)\n")
    got = for_report(data)
    assert got.findings == [] and set(got.images.values()) == {(data / "notes" / "hinh" / "bieu do.png").resolve()}
    assert set(got.images) == {"hinh/bieu do.png", "hinh/bieu%20do.png"}     # as written, as a parser spells it
    html = rendered(got)
    assert 'src="data:image/png;base64,' in html and "bieu do" not in html.split("alt=")[0]
    assert n.is_file()


def test_image_symlink_leaving_the_data_folder_is_refused(data, tmp_path):
    outside = tmp_path / "outside.png"
    outside.write_bytes(png())
    (data / "notes").mkdir()
    (data / "notes" / "link.png").symlink_to(outside)
    note(data, "2023-10.md", "![x](link.png)\n")
    n = for_report(data)
    assert n.images == {} and n.text is None and "symlink" in n.findings[0].message_en


def test_notes_file_linking_to_etc_passwd_is_refused(data):
    (data / "notes").mkdir()
    (data / "notes" / "2023-10.md").symlink_to("/etc/passwd")
    n = for_report(data)
    assert n.text is None and n.missing_sentence and n.findings[0].is_error
    errors = [f for f in validate(data) if f.is_error]
    assert errors and errors[0].check == "note_refused" and "symlink" in errors[0].message_en
    r = cli("validate", "--data-dir", str(data), "--lang", "en", cwd=data.parent)
    assert r.returncode == 1 and "root:" not in r.stdout and "Traceback" not in r.stdout + r.stderr
    assert "2023-10.md" in r.stdout and "symlink" in r.stdout


def test_size_limits(data, tmp_path):
    note(data, "2023-10.md", "x" * (notes.MAX_NOTE_BYTES + 1))
    [f] = for_report(data).findings
    assert f.is_error and "KB" in f.message_vi
    (data / "notes" / "big.png").write_bytes(png(12000, 12000))          # small file, huge picture
    note(data, "2023-10.md", "![lớn](big.png)\n")
    n = for_report(data)
    assert n.images == {} and "12000 × 12000" in n.findings[0].message_vi and not n.findings[0].is_error
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>'
    (data / "notes" / "a.svg").write_bytes(svg)
    note(data, "2023-10.md", "![svg](a.svg)\n![d](data:image/svg+xml;base64," + base64.b64encode(svg).decode() + ")\n")
    n = for_report(data)
    assert n.images == {} and len(n.findings) == 2 and "svg" not in rendered(n).lower().replace("![svg]", "")


def test_small_data_uri_image_is_kept(data):
    uri = "data:image/png;base64," + base64.b64encode(png()).decode()
    note(data, "2023-10.md", f"![d]({uri})\n")
    n = for_report(data)
    assert n.findings == [] and uri in rendered(n)


@pytest.mark.parametrize("raw,needle", [("Nhận xét".encode("utf-16"), "UTF-16"),
                                        ("Bát Xát".encode("cp1258"), "UTF-8")])
def test_notes_that_are_not_utf8(data, raw, needle):
    (data / "notes").mkdir()
    (data / "notes" / "2023-10.md").write_bytes(raw)
    f = [f for f in validate(data) if f.is_error][0]
    assert f.check == "encoding" and needle in f.message_vi and f.file.endswith("notes/2023-10.md")


@pytest.mark.e2e                     # runs `cchc-report run`
def test_end_to_end_report_embeds_nothing_from_outside(tmp_path):
    """A district report rendered to HTML and PDF: its own note, none of the province's, and no
    image from outside the data folder."""
    from conftest import project_copy
    proj = project_copy(tmp_path)
    data = proj / "data"
    secret = tmp_path / "secret.png"
    secret.write_bytes(png(40, 40))
    note(data, "2023-10.md", "TỈNH: NHẬN XÉT RIÊNG CỦA TỈNH\n")
    note(data, "2023-10/082.md", f"Huyện Bát Xát làm tốt.\n\n![bí mật]({secret})\n\n![xa](http://10.255.255.1/a.png)\n")
    out = tmp_path / "out"
    r = cli("run", "--period", "2023-10", "--unit", "082", "--report", "progress_report", "--data-dir", str(data),
            "--out", str(out), cwd=proj)
    assert r.returncode == 0, r.stderr
    folder = out / "2023-10" / "082"
    html = (folder / "progress_report.html").read_text(encoding="utf-8")
    assert "Huyện Bát Xát làm tốt." in html and "NHẬN XÉT RIÊNG CỦA TỈNH" not in html
    assert f'src="{secret}' not in html and 'src="http://10.255.255.1' not in html
    assert "Đã bỏ hình “secret.png”" in html             # the appendix names each refused reference,
    assert str(secret) not in html                         # by its name, not a machine path
    assert base64.b64encode(secret.read_bytes()).decode()[:60] not in html
    text = subprocess.run(["pdftotext", str(folder / "progress_report.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Huyện Bát Xát làm tốt." in text and "NHẬN XÉT RIÊNG" not in text
    images = subprocess.run(["pdfimages", "-list", str(folder / "progress_report.pdf")], capture_output=True,
                            text=True).stdout
    assert " 40    40 " not in images
