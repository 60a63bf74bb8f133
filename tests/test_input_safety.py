"""Issue 9, the input side: hostile or careless inputs, each built here, each giving one clear
message (file, row/cell, column, unit, indicator), a non-zero exit and no traceback, and never data
dropped silently or a command that runs without limit."""

import contextlib
import signal
from decimal import Decimal

import openpyxl
import pytest
from conftest import ROOT, cli, csv_rows, long_form_book, project_copy, write_data

from helpers import fmt, load
from helpers.errors import ParameterError
from helpers.params import read_params_file
from helpers.validate import validate

GOOD = csv_rows("080,dossiers_received,100,", "080,dossiers_received_online,60,")


@contextlib.contextmanager
def time_limit(seconds: int = 60):
    """Fail the test (instead of hanging the suite) when the block runs longer than ``seconds``: a
    generous limit for a hang, not a speed assertion."""
    def expired(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")
    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def only(findings, check):
    found = [f for f in findings if f.check == check]
    assert found, f"no {check} finding in {[f.line() for f in findings]}"
    return found[0]


def no_traceback(r):
    assert "Traceback" not in r.stdout + r.stderr, r.stdout + r.stderr


# -- silent data loss ----------------------------------------------------------------------------
def test_duplicate_column_is_an_error_naming_it(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": "unit,indicator,value,value\n080,dossiers_received,100,7\n"})
    f = only(validate(data), "duplicate_column")
    assert f.is_error and f.column == "value" and f.row == 1 and "hai lần" in f.message_vi
    r = cli("validate", "--data-dir", str(data), "--lang", "en", cwd=tmp_path)
    assert r.returncode == 1 and "appears twice" in r.stdout and "2023-10.csv" in r.stdout
    no_traceback(r)


def test_unknown_column_and_extra_values_are_errors(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": "unit,indicator,value,gia_tri\n080,dossiers_received,,100\n"})
    f = only(validate(data), "unknown_column")
    assert f.is_error and f.column == "gia_tri"
    data = write_data(tmp_path / "b", {"2023-10.csv": csv_rows("080,dossiers_received,1,989,ghi chú")})
    f = only(validate(data), "extra_values")
    assert f.is_error and f.row == 2


def test_formula_without_cached_value_names_the_cell(tmp_path):
    data = write_data(tmp_path, {})
    wb, _ws = long_form_book(["080", "dossiers_received", 100],
                             ["080", "dossiers_received_online", "=C2*0.6"])     # openpyxl stores no computed value
    wb.save(data / "periods" / "2023-10.xlsx")
    f = only(validate(data), "formula_without_value")
    assert f.is_error and f.row == "so_lieu!C3" and "Excel" in f.message_vi and "save" in f.message_en


def test_formula_in_the_entry_workbook(tmp_path):
    from helpers.catalogue import load_catalogue
    from helpers.units import read_units
    from helpers.workbook import write_entry_workbook
    data = write_data(tmp_path, {})
    book = write_entry_workbook(data / "periods" / "2023-10.xlsx", "2023-10", load_catalogue(),
                                read_units(data / "units.csv"))
    wb = openpyxl.load_workbook(book)
    wb["TTHC"]["E6"] = "=D6+1"
    wb.save(book)
    f = only(validate(data), "formula_without_value")
    assert f.row == "TTHC!E6"


@pytest.mark.parametrize("row,check", [
    ("10,satisfaction_tthc_rate,123.4,", "out_of_range"),      # a share above 100%
    ("10,par_index_score,250,", "out_of_range"),               # PAR INDEX in % of 100
    ("10,idx766_total_score,100.5,", "out_of_range"),          # 766 index: 100 points
    ("10,par_index_rank,0,", "out_of_range"),                  # ranks start at 1
    ("080,dossiers_received,-1,", "negative"),
])
def test_values_outside_the_catalogue_range_are_errors(tmp_path, row, check):
    data = write_data(tmp_path, {"2023-10.csv": csv_rows(row)})
    f = only(validate(data), check)
    assert f.is_error and f.row == 2 and f.column == "value" and f.indicator == row.split(",")[1]
    r = cli("validate", "--data-dir", str(data), cwd=tmp_path)
    assert r.returncode == 1 and "số liệu hợp lệ" not in r.stdout
    no_traceback(r)


def test_vs_quota_ratio_may_exceed_100(tmp_path):
    from helpers.catalogue import load_catalogue
    ind = load_catalogue()["eid_collection_vs_target"]
    assert ind.valid_range == (Decimal(0), None)
    assert load_catalogue()["online_submission_rate"].valid_range == (Decimal(0), Decimal(100))


def test_catalogue_min_max_columns_override(tmp_path):
    import csv

    from conftest import UNITS
    base = (ROOT / "src/helpers/data/indicators.csv").read_text(encoding="utf-8").splitlines()
    header = next(csv.reader([base[0]]))
    row = dict(zip(header, next(csv.reader([line for line in base if line.startswith("dossiers_received,")]))))
    row.update(min="0", max="5000")
    extra = ",".join(header + ["min", "max"]) + "\n" + ",".join(f'"{row.get(h, "")}"' for h in header + ["min", "max"])
    data = write_data(tmp_path, {"2023-10.csv": csv_rows("080,dossiers_received,6000,")}, units=UNITS,
                      extra={"indicators.csv": extra + "\n"})
    f = only(validate(data), "out_of_range")
    assert "0–5000" in f.message_vi


def test_entry_workbook_validation_uses_the_same_ranges(tmp_path):
    from helpers.catalogue import load_catalogue
    from helpers.units import read_units
    from helpers.workbook import write_entry_workbook
    data = write_data(tmp_path, {})
    book = write_entry_workbook(data / "periods" / "2023-10.xlsx", "2023-10", load_catalogue(),
                                read_units(data / "units.csv"))
    ws = openpyxl.load_workbook(book)["TTHC"]
    codes = {ws.cell(r, 1).value: r for r in range(5, ws.max_row + 1)}
    rules = ws.data_validations.dataValidation

    def rule(code):
        cell = f"D{codes[code]}"
        return next(dv for dv in rules if cell in dv.sqref)
    pct = rule("satisfaction_tthc_rate")
    assert (pct.type, pct.operator, pct.formula1, pct.formula2) == ("decimal", "between", "0", "100")
    assert "100" in pct.error
    count = rule("dossiers_received")
    assert (count.type, count.operator, count.formula1) == ("whole", "greaterThanOrEqual", "0")


@pytest.mark.e2e                     # the command line on the whole sample
def test_force_never_replaces_a_filled_workbook_without_a_backup(tmp_path):
    proj = project_copy(tmp_path)
    for p in (proj / "data" / "periods").glob("2023-1[12].*"):
        p.unlink()
    assert cli("new-period", "2023-11", "--workbook", cwd=proj).returncode == 0
    book = proj / "data/periods/2023-11.xlsx"
    wb = openpyxl.load_workbook(book)
    wb["TTHC"]["D6"] = 1234
    wb.save(book)
    filled = book.read_bytes()
    r = cli("new-period", "2023-11", "--workbook", "--force", cwd=proj)
    assert r.returncode == 0, r.stderr
    [backup] = (proj / "data/backups").glob("2023-11-*.xlsx")
    assert backup.read_bytes() == filled and str(backup) in r.stdout
    assert openpyxl.load_workbook(backup)["TTHC"]["D6"].value == 1234
    assert openpyxl.load_workbook(book)["TTHC"]["D6"].value is None       # a fresh template
    assert not list((proj / "data/periods").glob("*backup*"))
    r = cli("validate", "--period", "2023-11", cwd=proj)                  # the backup is not read as data
    assert "backups" not in r.stdout and r.returncode == 0


# -- hangs and resource limits ---------------------------------------------------------------------
BOMB = "\n".join([
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    *[f"{c}: &{c} [{','.join(['*' + p] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi")],
]) + "\n"


def test_params_alias_bomb_is_refused_before_parsing(tmp_path):
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB, encoding="utf-8")
    with time_limit(60), pytest.raises(ParameterError) as exc:
        read_params_file(path)
    assert exc.value.row == 1 and "&" in exc.value.message
    r = cli("run", "--params", str(path), "--lang", "en", cwd=tmp_path)
    assert r.returncode == 2 and "anchors" in r.stderr and "bomb.yaml" in r.stderr
    no_traceback(r)


@pytest.mark.parametrize("content,needle", [
    ("period: '2023-10'\n# " + "x" * 70_000 + "\n", "KB"),
    ("period: ['2023-10']\n", "giá trị đơn"),
    ("period: {a: 1}\n", "giá trị đơn"),
    ("- 2023-10\n", "khóa: giá trị"),
])
def test_params_file_is_a_small_flat_mapping(tmp_path, content, needle):
    path = tmp_path / "p.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ParameterError) as exc:
        read_params_file(path)
    assert needle in str(exc.value)


def stray_cell_book(path, rows):
    wb, ws = long_form_book(*rows, header=None)
    ws.cell(1048576, 16384, " ")                  # one space in XFD1048576
    wb.save(path)


def test_stray_cell_at_xfd1048576_is_read_in_seconds(tmp_path):
    data = write_data(tmp_path, {})
    stray_cell_book(data / "periods" / "2023-10.xlsx",
                    [["unit", "indicator", "value"], ["080", "dossiers_received", 100]])
    with time_limit(60):
        found = validate(data)
        ds = load.load_data(data)
    assert [f for f in found if f.is_error] == []
    assert ds.value("2023-10", "080", "dossiers_received") == 100
    r = cli("validate", "--data-dir", str(data), cwd=tmp_path)
    assert r.returncode == 0 and "0 lỗi" in r.stdout


def test_stray_cell_in_the_entry_workbook(tmp_path):
    from helpers.catalogue import load_catalogue
    from helpers.units import read_units
    from helpers.workbook import write_entry_workbook
    data = write_data(tmp_path, {})
    book = write_entry_workbook(data / "periods" / "2023-10.xlsx", "2023-10", load_catalogue(),
                                read_units(data / "units.csv"))
    wb = openpyxl.load_workbook(book)
    for ws in wb.worksheets:
        ws.protection.sheet = False
        ws.cell(1048576, 16384, " ")
    wb["TTHC"]["D6"] = 7
    wb.save(book)
    with time_limit(60):
        ds = load.load_data(data)
    assert ds.findings == [] and len(ds.records) == 1


def test_a_file_of_bad_rows_lists_the_first_of_each_kind_and_counts_the_rest(tmp_path):
    n = 100_000
    body = "".join(f"080,dossiers_received,1.{i % 1000:03d},\n" for i in range(n))
    data = write_data(tmp_path, {"2023-10.csv": "unit,indicator,value,note\n" + body})
    with time_limit(120):
        found = validate(data)
    bad = [f for f in found if f.check == "bad_value"]
    assert len(bad) == load.MAX_PER_KIND + 1 and bad[-1].count == n - load.MAX_PER_KIND
    assert f"{n - load.MAX_PER_KIND:,}".replace(",", ".") in bad[-1].message_vi
    with time_limit(120):
        r = cli("validate", "--data-dir", str(data), cwd=tmp_path)
    assert r.returncode == 1 and len(r.stdout.splitlines()) < 2 * load.MAX_PER_KIND
    assert "100.000 lỗi" in r.stdout            # the summary counts every bad row


# -- tracebacks become messages ---------------------------------------------------------------------
@pytest.mark.parametrize("value", ["9" * 5000, "1" + "0" * 28, "1e308"])
def test_huge_numbers_are_errors_not_tracebacks(tmp_path, value):
    data = write_data(tmp_path, {"2023-10.csv": csv_rows(f"080,dossiers_received,{value},")})
    f = only(validate(data), "bad_value")
    assert f.row == 2 and f.unit == "080" and len(f.message_vi) < 300
    r = cli("validate", "--data-dir", str(data), cwd=tmp_path)
    assert r.returncode == 1
    no_traceback(r)


def test_huge_float_in_xlsx(tmp_path):
    data = write_data(tmp_path, {})
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["unit", "indicator", "value"])
    ws.append(["080", "dossiers_received", 1e308])
    ws.append(["080", "satisfaction_tthc_rate", 1e308])
    wb.save(data / "periods" / "2023-10.xlsx")
    found = [f for f in validate(data) if f.is_error]
    assert len(found) == 2 and {f.row for f in found} == {"Sheet!C2", "Sheet!C3"}


def test_fmt_formats_any_size_exactly():
    assert fmt.number(10 ** 28) == "10.000.000.000.000.000.000.000.000.000"
    assert fmt.number(Decimal("9" * 5000), "en").count(",") == 1666
    assert fmt.number(Decimal("1E+28"), "en", 2).endswith(",000.00")
    assert fmt.number(Decimal("2.345"), "vi", 2) == "2,35"


def test_a_200000_character_note_in_csv(tmp_path):
    long_note = "080,dossiers_received_online,60," + "x" * 200_000
    data = write_data(tmp_path, {"2023-10.csv": csv_rows("080,dossiers_received,100,", long_note,
                                                         "082,dossiers_received,5,")})
    f = only(validate(data), "csv_syntax")
    assert f.is_error and f.row == 3 and "ký tự" in f.message_vi
    data = write_data(tmp_path / "b", {"2023-10.csv": csv_rows("080,dossiers_received,100," + "y" * 3000)})
    f = only(validate(data), "note_too_long")
    assert f.row == 2 and f.column == "note"


@pytest.mark.parametrize("target", ["NaN", "Infinity", "-inf", "sNaN", "1e400", "50%"])
def test_nan_and_infinity_targets_are_rejected(tmp_path, target):
    data = write_data(tmp_path, {"2023-10.csv": GOOD},
                      extra={"targets.csv": f"indicator,unit,year,target\nonline_submission_rate,10,2023,50\n"
                                            f"online_submission_rate,080,2023,{target}\n"})
    f = only(validate(data), "bad_value")
    assert f.file.endswith("targets.csv") and f.row == 3 and f.column == "target" and target in f.message_vi
    assert load.load_data(data).target("online_submission_rate", "080", 2023) is None


def test_target_outside_the_range(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": GOOD},
                      extra={"targets.csv": "indicator,unit,year,target\nonline_submission_rate,10,2023,150\n"})
    f = only(validate(data), "out_of_range")
    assert f.file.endswith("targets.csv") and f.row == 2


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_file_is_called_utf16(tmp_path, codec):
    data = write_data(tmp_path, {"2023-10.csv": GOOD.encode(codec)},
                      extra={"targets.csv": "indicator,unit,year,target\n"})
    (data / "targets.csv").write_bytes("indicator,unit,year,target\n".encode(codec))
    found = [f for f in validate(data) if f.check == "encoding"]
    assert {f.file.rsplit("/", 1)[-1] for f in found} == {"2023-10.csv", "targets.csv"}
    for f in found:
        assert "UTF-16" in f.message_vi and "UTF-8" in f.message_vi and "UTF-16" in f.message_en
        assert "1258" not in f.message_vi


def test_utf16_units_csv_in_both_languages(tmp_path):
    from conftest import UNITS
    data = write_data(tmp_path, {"2023-10.csv": GOOD})
    (data / "units.csv").write_bytes(UNITS.encode("utf-16"))
    r = cli("validate", "--data-dir", str(data), "--lang", "en", cwd=tmp_path)
    assert r.returncode == 1 and "UTF-16" in r.stdout + r.stderr and "units.csv" in r.stdout + r.stderr
    no_traceback(r)


@pytest.mark.parametrize("note", ['"dòng một\ndòng hai\ndòng ba"', '"có\u2028ký tự U+2028"', '"a\r\nb"'])
def test_row_numbers_are_physical_lines(tmp_path, note):
    text = csv_rows(f"080,dossiers_received,100,{note}", "080,dossiers_received_online,1.989,")
    data = write_data(tmp_path, {"2023-10.csv": text})
    f = only(validate(data), "bad_value")
    physical = text.replace("\r\n", "\n").split("\n").index("080,dossiers_received_online,1.989,") + 1
    assert f.row == physical


def test_merged_cells_are_named(tmp_path):
    data = write_data(tmp_path, {})
    wb, ws = long_form_book(*(["080", code, 10] for code in ("dossiers_received", "dossiers_received_online",
                                                            "dossiers_resolved")))
    ws.merge_cells("A2:A4")
    wb.save(data / "periods" / "2023-10.xlsx")
    found = validate(data)
    f = only(found, "merged_cells")
    assert "A2:A4" in f.message_vi and "merged" in f.message_en
    assert not [x for x in found if x.check == "unknown_unit"]


@pytest.mark.parametrize("content", [GOOD.encode("utf-8"), b"cut", b"corrupt"])
def test_broken_or_renamed_xlsx_is_one_error(tmp_path, content):
    book_rows = "".join(f"{u},dossiers_received,10,\n" for u in ("10", "080", "082"))
    data = write_data(tmp_path, {"2023-09.csv": "unit,indicator,value,note\n" + book_rows})
    if content in (b"cut", b"corrupt"):                    # a real workbook cut short, or damaged inside
        wb = openpyxl.Workbook()
        wb.active.append(["unit", "indicator", "value"])
        for u in ("10", "080", "082"):
            wb.active.append([u, "dossiers_received", 10])
        wb.save(tmp_path / "full.xlsx")
        full = (tmp_path / "full.xlsx").read_bytes()
        if content == b"cut":
            content = full[:-200]
        else:
            import zipfile
            info = zipfile.ZipFile(tmp_path / "full.xlsx").getinfo("xl/worksheets/sheet1.xml")
            start = info.header_offset + 30 + len(info.filename) + len(info.extra)
            content = full[:start + 20] + bytes(40) + full[start + 60:]
    (data / "periods" / "2023-10.xlsx").write_bytes(content)
    found = validate(data, ["2023-10"])
    about = [f for f in found if f.period == "2023-10" or (f.file or "").endswith("2023-10.xlsx")]
    assert len(about) == 1 and about[0].is_error, [f.line() for f in found]
    assert ("CSV" in about[0].message_vi) == (content.startswith(b"unit"))


def test_merged_cells_in_the_entry_workbook(tmp_path):
    from helpers.catalogue import load_catalogue
    from helpers.units import read_units
    from helpers.workbook import write_entry_workbook
    data = write_data(tmp_path, {})
    book = write_entry_workbook(data / "periods" / "2023-10.xlsx", "2023-10", load_catalogue(),
                                read_units(data / "units.csv"))
    wb = openpyxl.load_workbook(book)
    wb["TTHC"].merge_cells("D6:D8")
    wb.save(book)
    found = validate(data)
    f = only(found, "merged_cells")
    assert "TTHC!D6:D8" in f.message_vi and f.row == "TTHC!D6:D8"
    assert len([x for x in found if x.is_error]) == 1


def test_units_csv_errors_honour_lang_en(tmp_path):
    from conftest import UNITS
    data = write_data(tmp_path, {"2023-10.csv": GOOD}, units=UNITS + "099,Huyện X,X District,huyen,10\n")
    r = cli("validate", "--data-dir", str(data), "--lang", "en", cwd=tmp_path)
    assert r.returncode == 1 and "units.csv" in r.stderr + r.stdout and "row 5" in r.stderr + r.stdout
    out = r.stderr + r.stdout
    assert "level" in out and "không" not in out and "Lỗi" not in out
    no_traceback(r)


# -- help ---------------------------------------------------------------------------------------------
def test_every_option_has_help_and_every_command_an_example():
    import argparse

    from helpers.cli import build_parser
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert {"run", "validate", "template", "new-period", "index"} <= set(sub.choices)
    for name, p in sub.choices.items():
        assert p.epilog and "cchc-report " + name in p.epilog, name
        for action in p._actions:
            assert action.help, f"{name} {action.option_strings or action.dest} has no description"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "cchc-report template" in readme


# -- a data error leaves the last good report as it was -------------------------------------------------
@pytest.mark.e2e                     # renders a report
def test_bad_input_keeps_the_last_good_report(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": GOOD})
    out = tmp_path / "out"
    args = ("run", "--period", "2023-10", "--unit", "080", "--report", "progress_report", "--formats", "html",
            "--data-dir", str(data), "--out", str(out))
    r = cli(*args, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    good = {p: p.read_bytes() for p in (out / "2023-10" / "080").iterdir() if p.is_file()}
    assert any(p.name == "progress_report.html" for p in good)
    (data / "periods" / "2023-10.csv").write_text("unit,indicator,value,value\n080,dossiers_received,1,2\n",
                                                  encoding="utf-8")
    r = cli(*args, "--force", cwd=tmp_path)
    assert r.returncode == 1 and "xuất hiện hai lần" in r.stderr and "2023-10.csv" in r.stderr
    no_traceback(r)
    r = cli(*args, "--force", "--lang", "en", cwd=tmp_path)
    assert r.returncode == 1 and "appears twice" in r.stderr and "xuất hiện" not in r.stderr
    no_traceback(r)
    assert {p: p.read_bytes() for p in good} == good
    assert sorted(p.name for p in (out / "2023-10" / "080").iterdir()) == sorted(p.name for p in good)


def test_target_milestone_month_is_checked(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": GOOD},
                      extra={"targets.csv": "indicator,unit,year,target,month\nonline_submission_rate,10,2023,50,\n"
                                            "online_submission_rate,10,2023,30,6\nonline_submission_rate,10,2023,40,13\n"})
    f = only(validate(data), "bad_value")
    assert f.row == 4 and f.column == "month"
    ds = load.load_data(data)
    assert ds.target("online_submission_rate", "10", 2023) == 50
    assert ds.milestones_of("online_submission_rate", "10", 2023) == {6: Decimal(30)}


def test_a_data_error_writes_nothing(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": "unit,indicator,value,value\n080,dossiers_received,1,2\n"})
    out = tmp_path / "out"
    r = cli("run", "--period", "2023-10", "--data-dir", str(data), "--out", str(out), "--lang", "en", cwd=tmp_path)
    assert r.returncode == 1 and "appears twice" in r.stderr and "2023-10.csv" in r.stderr
    no_traceback(r)
    assert not out.exists()
