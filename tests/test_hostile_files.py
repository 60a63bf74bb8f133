"""Issue 16, reading files: hostile inputs in the data folder (FIFOs, unreadable files, bombs,
damaged workbooks, odd notes), each built here, each giving one clear message naming the file and
what to do, a non-zero exit, no traceback and no hang."""

import os
import signal
import subprocess
import sys

import pytest
from conftest import ROOT, cli, csv_rows, write_data

from helpers.load import load_data
from helpers.validate import validate

GOOD = csv_rows("10,dossiers_received,300,", "080,dossiers_received,100,", "082,dossiers_received,200,")
ROOT_CATALOGUE = ROOT / "src" / "helpers" / "data" / "indicators.csv"
HANG = 120          # seconds: a generous limit for a hang, not a speed assertion


class Hang(Exception):
    """A command still running past its time limit: it would have hung."""


def command(*args, cwd, timeout=HANG) -> subprocess.CompletedProcess:
    """``cchc-report ARGS`` that fails the test (instead of hanging it) past ``timeout``: in this process
    under a timer signal (which interrupts a blocking open or read as well as a loop), or in a subprocess
    where there is no SIGALRM."""
    if not hasattr(signal, "SIGALRM"):
        return subprocess.run([sys.executable, "-m", "helpers.cli", *args], cwd=cwd, capture_output=True,
                              text=True, timeout=timeout)

    def hang(_signum, _frame):
        raise Hang(f"cchc-report {' '.join(map(str, args))} still running after {timeout} s")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return cli(*args, cwd=cwd)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def no_traceback(r):
    assert "Traceback" not in r.stdout + r.stderr, r.stdout + r.stderr


def refused(r, name, *words):
    """Exit 1 and one message naming ``name`` with each of ``words``, no traceback."""
    out = r.stdout + r.stderr
    assert r.returncode == 1, out
    assert any(name in line and all(w in line for w in words) for line in out.splitlines()), out
    no_traceback(r)


def only(findings, check):
    found = [f for f in findings if f.check == check]
    assert found, f"no {check} finding in {[f.line() for f in findings]}"
    return found[0]


# -- 1. a FIFO, a socket or a folder where a data file should be ---------------------------------
FIFO_PLACES = ["units.csv", "indicators.csv", "targets.csv", "notes/2023-10.md", "notes/2023-10/080.md",
               "periods/2023-10.csv", "periods/2023-09.xlsx"]


def fifo_in(data, name):
    path = data / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("name", FIFO_PLACES)
def test_a_fifo_in_the_data_folder_is_refused_naming_it(tmp_path, name):
    data = write_data(tmp_path, {"2023-10.csv": GOOD})
    fifo_in(data, name)
    r = command("validate", "--data-dir", str(data), cwd=tmp_path)
    refused(r, name.rsplit("/", 1)[-1], "không phải tệp thông thường", "FIFO")
    r = command("validate", "--data-dir", str(data), "--lang", "en", cwd=tmp_path)
    refused(r, name.rsplit("/", 1)[-1], "is not a regular file", "FIFO")


@pytest.mark.e2e                     # runs a notebook
@pytest.mark.parametrize("name", ["notes/2023-10.md", "periods/2023-09.csv", "targets.csv"])
def test_run_over_a_fifo_stops_naming_it_and_writes_nothing(tmp_path, name):
    data = write_data(tmp_path, {"2023-10.csv": GOOD})
    fifo_in(data, name)
    out = tmp_path / "out"
    r = command("run", "--period", "2023-10", "--report", "progress_report", "--formats", "html",
                "--data-dir", str(data), "--out", str(out), "--lang", "en", cwd=tmp_path)
    refused(r, name.rsplit("/", 1)[-1], "FIFO")      # a month the report compares with: the report fails
    assert not list(out.glob("2023-10/*/*.html"))


def test_a_socket_and_a_folder_named_like_inputs_are_refused(tmp_path):
    import socket
    data = write_data(tmp_path, {"2023-10.csv": GOOD})
    (data / "targets.csv").mkdir()
    (data / "notes" / "2023-10.md").mkdir(parents=True)
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(data / "periods" / "2023-09.csv"))
    try:
        found = validate(data)
    finally:
        sock.close()
    lines = [f.line("en") for f in found if f.check in ("unreadable", "note_refused")]
    assert any("targets.csv" in x and "a folder" in x for x in lines), lines
    assert any("2023-10.md" in x and "a folder" in x for x in lines), lines
    assert any("2023-09.csv" in x and "a socket" in x for x in lines), lines


def test_a_month_file_linked_outside_the_data_folder_is_refused(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": GOOD})
    outside = tmp_path / "elsewhere.csv"
    outside.write_text(GOOD, encoding="utf-8")
    (data / "periods" / "2023-09.csv").symlink_to(outside)
    f = only(validate(data), "unreadable")
    assert f.is_error and f.file.endswith("2023-09.csv") and "outside the data folder" in f.message_en
    (data / "periods" / "2023-08.csv").symlink_to(data / "periods" / "2023-10.csv")     # inside: read
    assert not any(x.file and x.file.endswith("2023-08.csv") for x in validate(data))


def test_a_month_folder_is_read_as_the_units_own_files_and_another_folder_is_skipped(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": GOOD})
    (data / "periods" / "2023-11").mkdir()
    (data / "periods" / "2023-11" / "080.csv").write_text(csv_rows("080,dossiers_received,100,"), encoding="utf-8")
    (data / "periods" / "archive").mkdir()
    (data / "periods" / "archive" / "2023-09.csv").write_text("not,a,month\n", encoding="utf-8")
    found = validate(data)
    assert not [f for f in found if f.is_error], [f.line() for f in found]
    assert not any("archive" in (f.file or "") for f in found)
    assert load_data(data).value("2023-11", "080", "dossiers_received") == 100


# -- 6. an input without read permission --------------------------------------------------------
def deny(monkeypatch, *paths):
    """Reading (opening, listing) any of ``paths`` fails as it does for an ordinary user without
    read permission: the tests run as root, which file modes do not stop."""
    import builtins
    import io
    denied = {os.path.realpath(p) for p in paths}

    def check(path):
        if isinstance(path, (str, bytes, os.PathLike)) and os.path.realpath(os.fsdecode(path)) in denied:
            raise PermissionError(13, "Permission denied", os.fsdecode(path))

    real_open, real_listdir, real_scandir = io.open, os.listdir, os.scandir

    def guarded_open(file, *a, **k):
        check(file)
        return real_open(file, *a, **k)

    def guarded_listdir(path="."):
        check(path)
        return real_listdir(path)

    def guarded_scandir(path="."):
        check(path)
        return real_scandir(path)
    monkeypatch.setattr(io, "open", guarded_open)
    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(os, "listdir", guarded_listdir)
    monkeypatch.setattr(os, "scandir", guarded_scandir)


def cli_main(capsys, *args) -> tuple[int, str]:
    from helpers import cli
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


def png_file(path):
    from PIL import Image
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (4, 4), "white").save(path)
    return path


UNREADABLE = ["units.csv", "indicators.csv", "targets.csv", "periods/2023-10.csv", "periods/2023-09.xlsx",
              "notes/2023-10.md", "notes/hinh.png", "periods", "notes"]


@pytest.mark.parametrize("name", UNREADABLE)
def test_an_input_without_read_permission_is_named(tmp_path, monkeypatch, capsys, name):
    from conftest import long_form_book
    data = write_data(tmp_path, {"2023-10.csv": GOOD},
                      extra={"targets.csv": "indicator,unit,year,target\nonline_submission_rate,10,2023,50\n",
                             "indicators.csv": (ROOT_CATALOGUE.read_text(encoding="utf-8")),
                             "notes/2023-10.md": "# Kết quả\n\n![biểu đồ](hinh.png)\n"})
    long_form_book(["080", "dossiers_received", 90])[0].save(data / "periods" / "2023-09.xlsx")
    png_file(data / "notes" / "hinh.png")
    deny(monkeypatch, data / name)
    code, out = cli_main(capsys, "validate", "--data-dir", str(data), "--lang", "en")
    assert code == 1, out
    shown = name.rsplit("/", 1)[-1]
    assert any(shown in line and "cannot be read (Permission denied)" in line and "read permission" in line
               for line in out.splitlines()), out
    assert "Traceback" not in out


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode (the test above "
                                               "simulates it)")
def test_a_month_file_without_read_permission_really(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": GOOD})
    (data / "periods" / "2023-10.csv").chmod(0)
    r = command("validate", "--data-dir", str(data), cwd=tmp_path)
    refused(r, "2023-10.csv", "không đọc được")


# -- 5. a field longer than the CSV reader takes ------------------------------------------------
@pytest.mark.parametrize("name", ["units.csv", "indicators.csv", "targets.csv"])
def test_a_megabyte_field_names_the_file_and_row(tmp_path, capsys, name):
    from conftest import UNITS
    data = write_data(tmp_path, {"2023-10.csv": GOOD})
    long = '"' + "x" * 1_000_000 + '"'
    texts = {"units.csv": UNITS + f"083,{long},Long,district,10\n",
             "indicators.csv": ROOT_CATALOGUE.read_text(encoding="utf-8").rstrip("\n") + f"\nlong,{long}\n",
             "targets.csv": f"indicator,unit,year,target\nonline_submission_rate,10,2023,50\n{long},10,2023,1\n"}
    (data / name).write_text(texts[name], encoding="utf-8")
    row = texts[name].count("\n")
    code, out = cli_main(capsys, "validate", "--data-dir", str(data), "--lang", "en")
    assert code == 1, out
    assert any(name in line and f"row {row}" in line and "longer than" in line for line in out.splitlines()), out
    assert "Traceback" not in out


# -- 3. a workbook whose sheet XML is cut short or holds a control character ----------------------
def rezip(path, member, change):
    """Rewrite one part of the xlsx (zip) at ``path`` with ``change(bytes) -> bytes``."""
    import zipfile
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    parts[member] = change(parts[member])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def long_form_xlsx(path, rows=(("080", "dossiers_received", 100), ("082", "dossiers_received", 200))):
    from conftest import long_form_book
    wb, _ = long_form_book(*rows)
    wb.save(path)
    return path


SHEET = "xl/worksheets/sheet1.xml"


def cut_short(xml: bytes) -> bytes:
    return xml[:len(xml) * 2 // 3]


def control_character(xml: bytes) -> bytes:
    return xml.replace(b"<v>100</v>", b"<v>10\x010</v>", 1)


@pytest.mark.parametrize("damage", [cut_short, control_character])
def test_a_damaged_sheet_is_named_and_re_saving_it_is_the_advice(tmp_path, capsys, damage):
    data = write_data(tmp_path, {})
    book = long_form_xlsx(data / "periods" / "2023-10.xlsx")
    rezip(book, SHEET, damage)
    code, out = cli_main(capsys, "validate", "--data-dir", str(data), "--lang", "en")
    assert code == 1, out
    assert any("2023-10.xlsx" in line and "so_lieu" in line and "damaged" in line and "save it again" in line
               for line in out.splitlines()), out
    assert "Traceback" not in out


def entry_workbook(data, period="2023-10"):
    from helpers.catalogue import load_catalogue
    from helpers.units import read_units
    from helpers.workbook import write_entry_workbook
    return write_entry_workbook(data / "periods" / f"{period}.xlsx", period, load_catalogue(data),
                                read_units(data / "units.csv"))


def sheet_part(book, title):
    """The zip member holding the sheet named ``title``."""
    import openpyxl
    wb = openpyxl.load_workbook(book, read_only=True)
    try:
        return wb[title]._worksheet_path
    finally:
        wb.close()


@pytest.mark.parametrize("which", ["_cchc", "area"])
def test_a_damaged_sheet_of_the_entry_workbook_is_named(tmp_path, capsys, which):
    import openpyxl
    data = write_data(tmp_path, {})
    book = entry_workbook(data)
    names = openpyxl.load_workbook(book, read_only=True).sheetnames
    title = "_cchc" if which == "_cchc" else next(n for n in names if not n.startswith("_") and n != names[0])
    rezip(book, sheet_part(book, title), cut_short)
    code, out = cli_main(capsys, "validate", "--data-dir", str(data), "--lang", "en")
    assert code == 1, out
    assert any("2023-10.xlsx" in line and f"“{title}”" in line and "damaged" in line for line in out.splitlines()), out
    assert "Traceback" not in out


# -- 4. a garbage cell in the entry workbook's hidden _cchc sheet --------------------------------
def edit_layout(book, section, field, value):
    """Put ``value`` in the first record's ``field`` of ``[section]`` of the ``_cchc`` sheet; its cell."""
    import openpyxl
    wb = openpyxl.load_workbook(book)
    ws = wb["_cchc"]
    rows = list(ws.iter_rows())
    start = next(i for i, r in enumerate(rows) if r[0].value == f"[{section}]")
    header = [c.value for c in rows[start + 1]]
    cell = rows[start + 2][header.index(field)]
    cell.value = value
    wb.save(book)
    return f"_cchc!{cell.coordinate}"


@pytest.mark.parametrize("section,field,value", [
    ("cells", "cell", "ZZ!!9"), ("cells", "cell", "A0"), ("cells", "cell", "XFE1"),
    ("sheets", "header_row", "-3"), ("sheets", "last_data_row", 10 ** 12), ("sheets", "first_unit_column", "ZZZZ"),
])
def test_a_garbage_cell_in_the_layout_sheet_is_named(tmp_path, capsys, section, field, value):
    data = write_data(tmp_path, {})
    book = entry_workbook(data)
    where = edit_layout(book, section, field, value)
    code, out = cli_main(capsys, "validate", "--data-dir", str(data), "--lang", "en")
    assert code == 1, out
    assert any("2023-10.xlsx" in line and where in line and "hidden sheet '_cchc'" in line
               and "cchc-report template 2023-10" in line for line in out.splitlines()), out
    assert "Traceback" not in out


# -- 11. only YYYY-MM.csv|xlsx is a month file -------------------------------------------------
@pytest.mark.parametrize("name", ["2023-11.old.csv", "2023-11.csv.bak", "2023-11.ban-cu.xlsx"])
def test_a_copy_of_a_month_file_is_ignored_with_a_warning(tmp_path, capsys, name):
    data = write_data(tmp_path, {"2023-10.csv": GOOD, name: csv_rows("080,dossiers_received,999,")})
    found = validate(data)
    f = only(found, "ignored_file")
    assert not f.is_error and f.file.endswith(name) and "2023-11.csv" in f.message_en
    from helpers.load import load_data
    assert load_data(data).months == ["2023-10"]          # not read as November
    code, out = cli_main(capsys, "validate", "--data-dir", str(data), "--lang", "en")
    assert code == 0 and name in out and "is not read" in out, out


@pytest.mark.parametrize("name", ["1900-01.csv", "1901-06.xlsx"])
def test_a_month_file_too_early_to_compare_is_named(tmp_path, capsys, name):
    data = write_data(tmp_path, {"2023-10.csv": GOOD, name: csv_rows("080,dossiers_received,999,")})
    code, out = cli_main(capsys, "validate", "--data-dir", str(data), "--lang", "en")
    assert code == 1, out
    assert any(name in line and "before 1900" in line for line in out.splitlines()), out
    assert "Usage error" not in out and "Traceback" not in out


# -- 12. a formula without a cached value: its cell, unit and indicator ----------------------------
def test_a_formula_without_a_value_names_its_unit_and_indicator(tmp_path, capsys):
    from conftest import long_form_book
    data = write_data(tmp_path, {})
    wb, _ = long_form_book(["080", "dossiers_received", 100], ["082", "dossiers_received_online", "=C2*0.6"])
    wb.save(data / "periods" / "2023-10.xlsx")
    f = only(validate(data), "formula_without_value")
    assert (f.row, f.unit, f.indicator) == ("so_lieu!C3", "082", "dossiers_received_online")
    code, out = cli_main(capsys, "validate", "--data-dir", str(data), "--lang", "en")
    assert code == 1 and "so_lieu!C3, unit 082, indicator dossiers_received_online" in out, out


def test_a_formula_in_the_entry_workbook_names_its_unit_and_indicator(tmp_path):
    import openpyxl
    data = write_data(tmp_path, {})
    book = entry_workbook(data)
    wb = openpyxl.load_workbook(book)
    ws = wb["TTHC"]
    code, unit = ws["A6"].value, ws["E4"].value
    ws["E6"] = "=D6+1"
    wb.save(book)
    f = only(validate(data), "formula_without_value")
    assert (f.row, f.unit, f.indicator) == ("TTHC!E6", unit, code) and unit and code


# -- 9. a NUL byte in a note ----------------------------------------------------------------------
@pytest.mark.parametrize("name", ["notes/2023-10.md", "notes/2023-10.en.md", "notes/2023-10/080.md"])
def test_a_nul_byte_in_a_note_is_an_error_naming_the_note_and_line(tmp_path, capsys, name):
    data = write_data(tmp_path, {"2023-10.csv": GOOD})
    (data / name).parent.mkdir(parents=True, exist_ok=True)
    (data / name).write_bytes("# Kết quả\n\nĐã giải quyết\x00 đúng hạn.\n".encode())
    code, out = cli_main(capsys, "validate", "--data-dir", str(data), "--lang", "en")
    assert code == 1, out
    assert any(name in line and "row 3" in line and "NUL" in line for line in out.splitlines()), out
    assert "Traceback" not in out


# -- 8. notes: linear-time parsing, each image file once, a cap on a note's image bytes -----------
@pytest.mark.parametrize("unit", ["![a](", "![", "[a\n", "<img ", "![a](x (", "![a](<"])
def test_a_note_of_repeated_image_openings_is_read_in_one_pass(tmp_path, unit):
    data = write_data(tmp_path, {"2023-10.csv": GOOD})
    (data / "notes").mkdir()
    # 60 000 characters: linear parsing reads them in well under a second, a quadratic one for about an hour
    (data / "notes" / "2023-10.md").write_text(unit * (60_000 // len(unit)), encoding="utf-8")
    r = command("validate", "--data-dir", str(data), "--period", "2023-10", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr                  # text, not images: nothing to refuse
    no_traceback(r)


def noise_png(path, side):
    """A PNG of random pixels (it does not compress): about ``3 * side²`` bytes."""
    from PIL import Image
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(path, compress_level=1)
    return path


def rendered(note) -> str:
    from helpers import blocks
    return str(blocks.Markdown(note.text or "", note.images).html())


def for_report(data):
    from helpers import notes
    from helpers.units import read_units
    return notes.for_report(data, "2023-10", "10", read_units(data / "units.csv"), "vi")


def test_thirty_references_to_one_image_embed_it_once(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": GOOD})
    image = noise_png(data / "notes" / "img.png", 1270)                 # 4.9 MB
    spellings = ["img.png", "./img.png", "img.png?1", "img.png#a", "./././img.png", "<img.png>", "img.png?v=2"]
    refs = [spellings[i % len(spellings)] for i in range(30)]
    (data / "notes" / "2023-10.md").write_text("".join(f"![hình {i}]({r})\n\n" for i, r in enumerate(refs)),
                                                encoding="utf-8")
    n = for_report(data)
    assert set(n.images.values()) == {image.resolve()}
    repeated = [f for f in n.findings if "already shown on line 1" in f.message_en]
    assert len(repeated) == 29 and not any(f.is_error for f in n.findings)
    assert rendered(n).count("data:image/png;base64,") == 1


def test_a_notes_images_are_capped_in_total(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": GOOD})
    for name in ("a.png", "b.png", "c.png"):
        noise_png(data / "notes" / name, 1150)                            # 4 MB each
    (data / "notes" / "2023-10.md").write_text("![a](a.png)\n\n![b](b.png)\n\n![c](c.png)\n", encoding="utf-8")
    n = for_report(data)
    assert sorted(p.name for p in n.images.values()) == ["a.png", "b.png"]
    [f] = n.findings
    assert f.row == 5 and "c.png" in f.message_en and "more than 10 MB" in f.message_en
    assert f.file.endswith("notes/2023-10.md")


def test_one_reference_definition_shown_twice_shows_images_as_text(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": GOOD})
    png_file(data / "notes" / "a.png")
    (data / "notes" / "2023-10.md").write_text("![x][r]\n\n![y][r]\n\n[r]: a.png\n", encoding="utf-8")
    n = for_report(data)
    assert "data:image" not in rendered(n)
    [f] = n.findings
    assert not f.is_error and "shown as text" in f.message_en and f.row == 3


# -- 10. an image with a valid header over garbage -----------------------------------------------
GARBAGE = bytes((i * 37 + 11) % 256 for i in range(3000))


def garbage_after_header(good: bytes, kind: str) -> bytes:
    """The image's header (its size readable) over garbage: for a PNG, well-formed chunks whose
    compressed pixels are garbage (their checksum right); for a GIF, garbage after its image descriptor;
    for a JPEG, garbage after its first 200 bytes."""
    if kind == "gif":
        return good[:good.index(b",") + 11] + GARBAGE
    if kind == "jpeg":
        return good[:200] + GARBAGE
    import struct
    import zlib
    idat = good.index(b"IDAT") - 4
    chunk = struct.pack(">I", len(GARBAGE)) + b"IDAT" + GARBAGE + struct.pack(">I", zlib.crc32(b"IDAT" + GARBAGE))
    return good[:idat] + chunk + good[good.index(b"IEND") - 4:]


@pytest.mark.parametrize("cut", [33, 60])
def test_a_png_cut_after_its_header_is_an_error(tmp_path, cut):
    data = write_data(tmp_path, {"2023-10.csv": GOOD})
    good = png_file(tmp_path / "ok.png").read_bytes()
    (data / "notes").mkdir()
    (data / "notes" / "hinh.png").write_bytes(good[:cut] + GARBAGE)
    (data / "notes" / "2023-10.md").write_text("![biểu đồ](hinh.png)\n", encoding="utf-8")
    [f] = for_report(data).findings
    assert f.is_error and "hinh.png" in f.message_en and f.row == 1


@pytest.mark.parametrize("kind", ["png", "jpeg", "gif"])
def test_an_image_with_a_valid_header_over_garbage_names_the_note_and_image(tmp_path, capsys, kind):
    import io as _io

    from PIL import Image
    data = write_data(tmp_path, {"2023-10.csv": GOOD})
    buf = _io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buf, {"jpeg": "JPEG", "png": "PNG", "gif": "GIF"}[kind])
    (data / "notes").mkdir()
    (data / "notes" / f"hinh.{kind}").write_bytes(garbage_after_header(buf.getvalue(), kind))
    (data / "notes" / "2023-10.md").write_text(f"Kết quả\n\n![biểu đồ](hinh.{kind})\n", encoding="utf-8")
    code, out = cli_main(capsys, "validate", "--data-dir", str(data), "--lang", "en")
    assert code == 1, out
    assert any("notes/2023-10.md, row 3" in line and f"hinh.{kind}" in line and "damaged" in line
               for line in out.splitlines()), out
    assert "Traceback" not in out
    assert "data:image" not in rendered(for_report(data))


def test_a_data_uri_over_garbage_is_an_error_too(tmp_path):
    import base64
    data = write_data(tmp_path, {"2023-10.csv": GOOD})
    good = png_file(tmp_path / "ok.png").read_bytes()
    uri = "data:image/png;base64," + base64.b64encode(garbage_after_header(good, "png")).decode()
    (data / "notes").mkdir(exist_ok=True)
    (data / "notes" / "2023-10.md").write_text(f"![d]({uri})\n", encoding="utf-8")
    [f] = for_report(data).findings
    assert f.is_error and "damaged" in f.message_en and f.row == 1


# -- 2. xlsx bombs: small on disk, huge unpacked ---------------------------------------------------
def rezip_streaming(path, member, pieces):
    """Rewrite the xlsx at ``path`` with ``member`` written from the byte strings ``pieces`` (streamed:
    the test never holds the unpacked part in memory)."""
    import zipfile
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist() if i.filename != member}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, data in parts.items():
            z.writestr(name, data)
        with z.open(member, "w", force_zip64=True) as fh:
            for piece in pieces:
                fh.write(piece)


MAIN = b'<?xml version="1.0" encoding="UTF-8"?>\n'
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def one_long_text(mb):
    yield MAIN + b"<sst " + NS + b' count="1" uniqueCount="1"><si><t>'
    for _ in range(mb):
        yield b"x" * 1_000_000
    yield b"</t></si></sst>"


def many_texts(n):
    yield MAIN + b"<sst " + NS + b">"
    for start in range(0, n, 10_000):
        yield b"".join(b"<si><t>%d</t></si>" % i for i in range(start, start + 10_000))
    yield b"</sst>"


def styles_of(mb):
    yield MAIN + b"<styleSheet " + NS + b">"
    for _ in range(mb):
        yield b" " * 1_000_000
    yield b"</styleSheet>"


def empty_cells(rows, columns):
    from openpyxl.utils import get_column_letter
    letters = [get_column_letter(c + 1).encode() for c in range(columns)]
    yield MAIN + b"<worksheet " + NS + b"><sheetData>"
    yield (b'<row r="1"><c r="A1" t="inlineStr"><is><t>unit</t></is></c><c r="B1" t="inlineStr"><is><t>indicator'
           b'</t></is></c><c r="C1" t="inlineStr"><is><t>value</t></is></c></row>')
    for r in range(2, rows + 2):
        yield b'<row r="%d">' % r + b"".join(b'<c r="%s%d"/>' % (col, r) for col in letters) + b"</row>"
    yield b"</sheetData></worksheet>"


@pytest.mark.parametrize("bomb,part,words", [
    (lambda: one_long_text(60), "xl/sharedStrings.xml", ("longer than 20,000,000 characters",)),
    (lambda: many_texts(300_000), "xl/sharedStrings.xml", ("more than 200,000 different texts",)),
    (lambda: empty_cells(1_000, 1_000), SHEET, ("so_lieu", "more than 500,000 cells")),
    (lambda: styles_of(30), "xl/styles.xml", ("xl/styles.xml", "unpacks to 30 MB")),
])
def test_an_xlsx_bomb_stops_at_a_limit_it_names(tmp_path, bomb, part, words):
    data = write_data(tmp_path, {})
    book = long_form_xlsx(data / "periods" / "2023-10.xlsx")
    rezip_streaming(book, part, bomb())
    assert book.stat().st_size < 10_000_000                   # a few MB on disk, far more unpacked
    r = command("validate", "--data-dir", str(data), "--lang", "en", cwd=tmp_path)
    refused(r, "2023-10.xlsx", *words)


def test_an_entry_workbook_layout_spanning_the_whole_sheet_is_refused(tmp_path, capsys):
    data = write_data(tmp_path, {})
    book = entry_workbook(data)
    edit_layout(book, "sheets", "last_unit_column", "XFD")
    where = edit_layout(book, "sheets", "last_data_row", 1_048_000)
    code, out = cli_main(capsys, "validate", "--data-dir", str(data), "--lang", "en")
    assert code == 1 and where in out and "hidden sheet '_cchc'" in out, out


# -- 7. the data folder is read where the data is, never walked ------------------------------------
@pytest.mark.parametrize("cmd", ["validate", "run"])
def test_data_dir_slash_says_units_csv_is_missing_at_once(tmp_path, cmd):
    run = ["--period", "2023-10", "--out", str(tmp_path / "out")] if cmd == "run" else []
    r = command(cmd, "--data-dir", "/", "--lang", "en", *run, cwd=tmp_path)
    assert r.returncode in (1, 2) and "units.csv" in r.stderr + r.stdout, r.stdout + r.stderr
    no_traceback(r)
    assert not (tmp_path / "out").exists()


def test_only_periods_and_notes_are_listed(tmp_path, monkeypatch):
    from helpers import load
    data = write_data(tmp_path, {"2023-10.csv": GOOD})
    (data / "notes").mkdir()
    (data / "notes" / "2023-10.md").write_text("Nhận xét.\n", encoding="utf-8")
    (data / "archive" / "2019" / "deep").mkdir(parents=True)
    (data / "archive" / "2019" / "deep" / "old.csv").write_text(GOOD, encoding="utf-8")
    listed = []
    real_scandir, real_listdir = os.scandir, os.listdir
    monkeypatch.setattr(os, "scandir", lambda p=".": listed.append(os.fspath(p)) or real_scandir(p))
    monkeypatch.setattr(os, "listdir", lambda p=".": listed.append(os.fspath(p)) or real_listdir(p))
    load._CACHE.clear()
    ds = load.load_data_cached(data)
    assert ds.months == ["2023-10"]
    assert listed and not [p for p in listed if "archive" in p or os.path.realpath(p) == str(data.resolve())], listed
