"""Every error and warning of the data checks, each triggered by a file, with
the message naming the file, row/cell, unit and indicator."""

import os

import pytest
from conftest import UNITS, cli, csv_rows, long_form_book, write_data

from helpers.errors import DataError
from helpers.validate import validate

GOOD = csv_rows("080,dossiers_received,100,", "080,dossiers_received_online,60,")


def only(findings, check):
    found = [f for f in findings if f.check == check]
    assert found, f"no {check} finding in {[f.line() for f in findings]}"
    return found[0]


@pytest.mark.parametrize("value,needle", [
    ("1.989", "1.989"), ("26,93%", "26,93%"), ("khoảng 400", "khoảng 400"), ("1,989", "1,989"),
])
def test_ambiguous_or_non_numeric_value(tmp_path, value, needle):
    data = write_data(tmp_path, {"2023-10.csv": csv_rows("080,dossiers_received,100,",
                                                         f'080,dossiers_received_online,"{value}",')})
    f = only(validate(data), "bad_value")
    assert f.is_error and f.row == 3 and f.column == "value"
    assert (f.unit, f.indicator) == ("080", "dossiers_received_online")
    assert f.file.endswith("periods/2023-10.csv") and needle in f.message_vi
    line = f.line()
    assert "2023-10.csv" in line and "dòng 3" in line and "080" in line and "dossiers_received_online" in line


def test_windows_1258_file_is_an_encoding_error(tmp_path):
    text = csv_rows("080,dossiers_received,100,Bát Xát tăng")
    data = write_data(tmp_path, {"2023-10.csv": text.encode("cp1258")})
    f = only(validate(data), "encoding")
    assert f.is_error and "UTF-8" in f.message_vi and f.file.endswith("2023-10.csv") and f.row == 2


def test_missing_column(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": "unit,indicator,gia_tri\n080,dossiers_received,1\n"})
    f = only(validate(data), "missing_column")
    assert f.is_error and "value" in f.message_vi and f.row == 1


@pytest.mark.parametrize("content", ["", "unit,indicator,value\n"])
def test_empty_file(tmp_path, content):
    data = write_data(tmp_path, {"2023-10.csv": content})
    f = only(validate(data), "empty_file")
    assert f.is_error and f.file.endswith("2023-10.csv")


def test_unknown_indicator_suggests_nearest_code(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": csv_rows("080,dossiers_recieved,100,")})
    f = only(validate(data), "unknown_indicator")
    assert f.is_error and f.row == 2 and "dossiers_received" in f.message_vi and "dossiers_recieved" in f.message_vi


def test_unknown_unit_hints_dropped_leading_zero(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": csv_rows("80,dossiers_received,100,", "999,dossiers_received,1,")})
    found = [f for f in validate(data) if f.check == "unknown_unit"]
    assert len(found) == 2
    assert "'080'" in found[0].message_vi and "số 0" in found[0].message_vi
    assert found[1].unit == "999" and found[1].row == 3


def test_unit_whose_parent_does_not_exist(tmp_path):
    units = UNITS + "099,Huyện Mồ Côi,Orphan District,district,77\n"
    data = write_data(tmp_path, {"2023-10.csv": GOOD}, units=units)
    with pytest.raises(DataError) as exc:
        validate(data)
    f = exc.value.findings[0]
    assert f.check == "unknown_parent" and f.unit == "099" and f.row == 5 and "77" in f.message_vi


def test_duplicate_rows(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": csv_rows("080,dossiers_received,100,", "080,dossiers_received,100,")})
    f = only(validate(data), "duplicate")
    assert f.is_error and f.row == 3 and "dòng 2" in f.message_vi and f.indicator == "dossiers_received"


def test_negative_count(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": csv_rows("080,dossiers_received,-5,")})
    f = only(validate(data), "negative")
    assert f.is_error and f.row == 2 and f.unit == "080"


def test_capped_ratio_part_exceeding_whole(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": csv_rows("080,dossiers_received,100,",
                                                         "080,dossiers_received_online,120,")})
    f = only(validate(data), "part_exceeds_whole")
    assert f.is_error and f.unit == "080" and f.indicator == "dossiers_received_online"
    assert "120" in f.message_vi and "100" in f.message_vi and "online_submission_rate" in f.message_vi


def test_uncapped_ratio_part_may_exceed_whole(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": csv_rows("080,eid_applications,14384,", "080,eid_quota,10000,")})
    assert not [f for f in validate(data) if f.is_error]


@pytest.mark.parametrize("name", ["2023-13.csv", "thang-10.csv", "2023_10.xlsx", "2023-Q3.csv"])
def test_bad_period_file_name(tmp_path, name):
    data = write_data(tmp_path, {name: GOOD})
    f = only(validate(data), "bad_file_name")
    assert f.is_error and name in f.message_vi


def test_parts_not_adding_up_is_a_warning(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": csv_rows(
        "10,tthc_published_total,1989,", "10,tthc_published_province,1473,",
        "10,tthc_published_district,294,", "10,tthc_published_commune,132,")})
    f = only(validate(data), "parts_sum")
    assert not f.is_error and f.unit == "10" and f.indicator == "tthc_published_total" and f.row == 2
    assert "1.989 ≠ 1.473 + 294 + 132 = 1.899" in f.message_vi
    assert "1,989 ≠ 1,473 + 294 + 132 = 1,899" in f.message_en


def test_own_figure_differs_from_children(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": csv_rows(
        "10,dossiers_received,500,", "080,dossiers_received,100,", "082,dossiers_received,200,")})
    f = only(validate(data), "children_sum")
    assert not f.is_error and f.unit == "10" and "500" in f.message_vi and "300" in f.message_vi


def test_missing_month_in_year_to_date_window(tmp_path):
    data = write_data(tmp_path, {"2023-01.csv": GOOD, "2023-03.csv": GOOD})
    f = only(validate(data, ["2023-03"]), "missing_month")
    assert not f.is_error and f.period == "2023-02" and "2023-02" in f.message_vi


def test_month_on_month_jump(tmp_path):
    data = write_data(tmp_path, {"2023-07.csv": csv_rows("080,dossiers_received,100,"),
                                 "2023-08.csv": csv_rows("080,dossiers_received,420,chiến dịch cấp sổ đỏ")})
    f = only(validate(data), "jump")
    assert not f.is_error and f.unit == "080" and f.file.endswith("2023-08.csv") and f.row == 2
    assert "100 → 420" in f.message_vi and "chiến dịch" in f.message_vi


def test_excel_long_form_names_the_cell(tmp_path):
    data = write_data(tmp_path, {})
    wb, _ws = long_form_book(["080", "dossiers_received", 100], ["080", "dossiers_received_online", "1.989"])
    wb.save(data / "periods" / "2023-10.xlsx")
    f = only(validate(data), "bad_value")
    assert f.row == "so_lieu!C3" and f.unit == "080"


def test_cli_exit_codes_and_languages(tmp_path):
    bad = write_data(tmp_path / "bad", {"2023-10.csv": csv_rows("080,dossiers_received,1.989,")})
    r = cli("validate", "--data-dir", str(bad), cwd=tmp_path)
    assert r.returncode == 1 and "Traceback" not in r.stdout + r.stderr
    assert "LỖI" in r.stdout and "dòng 2" in r.stdout and "1.989" in r.stdout
    r = cli("validate", "--data-dir", str(bad), "--lang", "en", cwd=tmp_path)
    assert r.returncode == 1 and "ERROR" in r.stdout and "row 2" in r.stdout and "ambiguous" in r.stdout

    warn = write_data(tmp_path / "warn", {"2023-07.csv": csv_rows("080,dossiers_received,100,"),
                                          "2023-08.csv": csv_rows("080,dossiers_received,420,")})
    assert cli("validate", "--data-dir", str(warn), cwd=tmp_path).returncode == 0
    assert cli("validate", "--data-dir", str(warn), "--strict", cwd=tmp_path).returncode == 1
    r = cli("validate", "--data-dir", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr and "nowhere" in r.stderr
    r = cli("validate", "--data-dir", str(warn), "--period", "2023-13", cwd=tmp_path)
    assert r.returncode == 2 and "2023-13" in r.stderr


def test_validation_never_modifies_data_files(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": csv_rows("080,dossiers_received,1.989,")})
    before = {p: p.read_bytes() for p in data.rglob("*") if p.is_file()}
    validate(data)
    assert before == {p: p.read_bytes() for p in data.rglob("*") if p.is_file()}


def test_semicolon_separated_csv_gets_a_hint(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": "unit;indicator;value\n080;dossiers_received;100\n"})
    f = only(validate(data), "missing_column")
    assert "chấm phẩy" in f.message_vi and "semicolons" in f.message_en


def test_a_data_folder_without_months_is_an_error(tmp_path):
    data = write_data(tmp_path, {})
    f = only(validate(data), "no_data")
    assert f.is_error and "periods" in f.file


def test_parent_cycle_is_an_error_not_a_hang(tmp_path):
    units = "code,name_vi,name_en,level,parent\n10,A,A,province,082\n080,B,B,district,10\n082,C,C,district,080\n"
    data = write_data(tmp_path, {"2023-10.csv": GOOD}, units=units)
    with pytest.raises(DataError) as exc:
        validate(data)
    assert exc.value.findings[0].column == "parent" and "vòng" in exc.value.findings[0].message_vi


def test_narrative_in_windows_1258_is_an_error(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": GOOD})
    (data / "notes").mkdir()
    not_utf8 = "## Kết quả\nBát Xát tăng\n".encode("utf-8")[:4] + "Bát".encode("cp1258")
    (data / "notes" / "2023-10.md").write_bytes(not_utf8)
    f = only(validate(data), "encoding")
    assert f.is_error and f.file.endswith("notes/2023-10.md")


def test_a_period_without_any_data_is_an_error(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": GOOD})
    f = only(validate(data, ["2030-01"]), "no_data")
    assert f.is_error and "tháng 1/2030" in f.message_vi
    assert not [f for f in validate(data, ["2023-Q4"]) if f.is_error]      # one month of the quarter is enough


@pytest.mark.e2e                     # runs `cchc-report run`
def test_names_with_brackets_are_printed_as_they_are(tmp_path):
    """The terminal output uses rich: a name such as "[red]" must not be read as its markup."""
    data = write_data(tmp_path, {"2023-10.csv": GOOD, "2023-10 [red] bản cũ.csv": GOOD})
    r = cli("validate", "--data-dir", str(data), cwd=tmp_path)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "2023-10 [red] bản cũ.csv" in r.stdout
    r = cli("run", "--period", "2023-10", "--data-dir", str(data), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert r.returncode == 1 and "Traceback" not in r.stderr and "[red] bản cũ" in r.stderr


def test_runs_warning_line_names_the_data_folder_the_run_read(tmp_path, monkeypatch):
    """The command it suggests lists the warnings of the folder the run read, not of data/."""
    from types import SimpleNamespace

    from helpers.params import cli_path
    from helpers.periods import Period
    from helpers.plan import warnings_line
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hanoi data").mkdir()
    here = [SimpleNamespace(period=Period.parse(p), data_dir=tmp_path / "hanoi data") for p in ("2026-03", "2026-Q1")]
    assert warnings_line([1, 2], here, "vi").endswith(
        "cchc-report validate --data-dir 'hanoi data' --period 2026-03,2026-Q1")
    default = [SimpleNamespace(period=Period.parse("2026-03"), data_dir=cli_path(None, "data"))]
    assert warnings_line([1], default, "en").endswith("cchc-report validate --period 2026-03 --lang en")


@pytest.mark.parametrize("data_arg", ["absolute", "relative"])
def test_findings_name_files_relative_to_the_data_folder_from_any_working_folder(tmp_path, monkeypatch,
                                                                                 data_arg):
    """The appendix showed `2023-10.csv` in one process and `periods/2023-10.csv` in another: the
    loader names each file relative to the data folder, whatever folder the process works in."""
    data = write_data(tmp_path, {"2023-09.csv": csv_rows("080,dossiers_received,100,", "081,dossiers_received,5,"),
                                 "2023-10.csv": csv_rows("080,dossiers_received,1.989,")},
                      extra={"targets.csv": "indicator,unit,year,target\nnot_a_code,080,2023,5\n"})
    seen = {}
    for cwd in (tmp_path, data / "periods"):
        monkeypatch.chdir(cwd)
        found = validate(data if data_arg == "absolute" else os.path.relpath(data, cwd))
        seen[cwd] = {(f.check, f.file) for f in found if f.file}
    assert len(set(map(frozenset, seen.values()))) == 1, seen
    files = {file for _, file in seen[tmp_path]}
    assert {"periods/2023-10.csv", "targets.csv"} <= files, files
    assert ("missing_unit_month", "periods/2023-10.csv") in seen[tmp_path]
    assert not any(file.startswith(("/", "data/", "..")) for file in files), files
