"""The command line's traps for a newcomer and its hostile inputs (issue 16): a run that
would render nothing is an error saying why, commands agree with each other, and what a
user types is checked at the edge — one readable message, never a traceback or a hang."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, cli, csv_rows, write_data

from helpers.params import read_params_file

UNITS_TO_JUNE = """code,name_vi,name_en,level,parent,valid_from,valid_to
10,Tỉnh Thử,Test Province,province,,,2023-06-30
080,Thành phố Thử,Test City,district,10,,2023-06-30
"""


def month(*rows: str) -> str:
    return csv_rows(*(rows or ("10,cchc_plan_tasks_done,5,",)))


def assert_clean_failure(r, status: int = 1, *texts: str) -> None:
    assert r.returncode == status, r.stdout + r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    for text in texts:
        assert text in r.stderr + r.stdout


# -- 1. a run that renders nothing -------------------------------------------------------------
@pytest.mark.parametrize("period, lang, says", [
    ("2026-11", "vi", "không có số liệu tháng 11/2026 trong data/"),
    ("2026-Q4", "vi", "không có số liệu quý IV/2026 trong data/"),
    ("2200-01", "en", "no figures for January 2200 in data/"),
])
def test_a_run_of_a_period_without_figures_is_an_error_and_writes_nothing(tmp_path, period, lang, says):
    write_data(tmp_path, {"2023-10.csv": month()})
    r = cli("run", "--period", period, "--data-dir", "data", "--out", "out", "--lang", lang, cwd=tmp_path)
    assert_clean_failure(r, 1, says, "2023")                 # and names the latest month with figures
    assert not (tmp_path / "out").exists()


def test_a_run_of_a_period_no_unit_is_active_in_is_an_error_and_writes_nothing(tmp_path):
    write_data(tmp_path, {"2023-10.csv": month()}, units=UNITS_TO_JUNE)
    r = cli("run", "--period", "2023-10", "--data-dir", "data", "--out", "out", "--lang", "en", cwd=tmp_path)
    assert_clean_failure(r, 1, "no unit of data/units.csv is active in October 2023")
    assert not (tmp_path / "out").exists()


# -- 8. hostile inputs on the command line -------------------------------------------------------
@pytest.mark.parametrize("out, says", [
    ("data/periods", "lies in the data folder"),
    ("data", "lies in the data folder"),
    ("/", "is the root of the file system"),
])
def test_an_output_folder_in_the_data_folder_or_at_the_root_is_refused(tmp_path, out, says):
    data = write_data(tmp_path, {"2023-10.csv": month()})
    before = sorted(p.name for p in data.rglob("*"))
    r = cli("run", "--period", "2023-10", "--data-dir", "data", "--out", out, "--lang", "en", cwd=tmp_path)
    assert_clean_failure(r, 2, says, "--out")
    assert sorted(p.name for p in data.rglob("*")) == before


def test_index_refuses_the_root_or_a_data_folder_as_its_folder(tmp_path):
    assert_clean_failure(cli("index", "--out", "/", cwd=tmp_path), 2, "--out /")
    data = write_data(tmp_path, {"2023-10.csv": month()})
    for out in ("data", "data/periods"):
        assert_clean_failure(cli("index", "--out", out, "--lang", "en", cwd=tmp_path), 2, "lies in the data folder")
    assert not (data / "index.html").exists() and not (data / "periods" / "index.html").exists()


def test_index_of_a_folder_that_does_not_exist_says_so_and_creates_nothing(tmp_path):
    r = cli("index", "--out", "nowhere/reports", "--lang", "en", cwd=tmp_path)
    assert_clean_failure(r, 2, "there is no report folder", "cchc-report run")
    assert not (tmp_path / "nowhere").exists()


def test_index_skips_a_fifo_named_metrics_json_instead_of_hanging(tmp_path):
    folder = tmp_path / "out" / "2023-10" / "10"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "metrics.json")
    (folder / "progress_report.html").write_text("<html></html>", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "helpers.cli", "index", "--out", "out"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "metrics.json" in r.stderr and "không phải tệp thông thường" in r.stderr
    assert (tmp_path / "out" / "index.html").is_file()


@pytest.mark.parametrize("content", ["[1, 2, 3]", '{"unit_name": null}', "{not json", "[" * 100_000,
                                     '{"unit_name": "x", "generated_at": 5}'])
def test_a_foreign_metrics_json_is_skipped_with_a_warning(tmp_path, content):
    good, foreign = tmp_path / "out" / "2023-10" / "10", tmp_path / "out" / "2023-09" / "10"
    for folder in (good, foreign):
        folder.mkdir(parents=True)
        (folder / "progress_report.html").write_text("<html></html>", encoding="utf-8")
    (good / "metrics.json").write_text('{"unit_name": "Tỉnh Thử", "generated_at": "2026-11-28T09:15:00"}',
                                       encoding="utf-8")
    (foreign / "metrics.json").write_text(content, encoding="utf-8")
    r = cli("index", "--out", "out", cwd=tmp_path)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert "bỏ qua" in r.stderr and str(foreign / "metrics.json") in r.stderr
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "Tỉnh Thử" in page and "2023-09" not in page


def test_units_out_a_folder_or_under_a_file_is_a_clear_error(tmp_path):
    (tmp_path / "somewhere").mkdir()
    r = cli("units", "--province", "15", "--out", "somewhere", cwd=tmp_path)
    assert_clean_failure(r, 2, "somewhere", "units.csv")
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    r = cli("units", "--province", "15", "--out", "a-file/units.csv", cwd=tmp_path)
    assert_clean_failure(r, 2, "a-file")


def test_template_force_when_backups_is_a_file_says_so_and_keeps_the_workbook(tmp_path):
    data = write_data(tmp_path, {"2023-10.csv": month()})
    assert cli("template", "2023-11", "--data-dir", "data", cwd=tmp_path).returncode == 0
    workbook = data / "periods" / "2023-11.xlsx"
    before = workbook.read_bytes()
    (data / "backups").write_text("not a folder", encoding="utf-8")
    r = cli("template", "2023-11", "--data-dir", "data", "--force", cwd=tmp_path)
    assert_clean_failure(r, 1, "backups", "2023-11.xlsx")
    assert workbook.read_bytes() == before


def test_a_cell_timeout_beyond_a_day_is_refused_with_the_range(tmp_path):
    write_data(tmp_path, {"2023-10.csv": month()})
    r = cli("run", "--period", "2023-10", "--data-dir", "data", "--cell-timeout", "1e308", cwd=tmp_path)
    assert_clean_failure(r, 2, "--cell-timeout", "86400")


def test_a_fractional_cell_timeout_is_accepted_as_whole_seconds():
    from helpers.cli import build_parser
    args = build_parser().parse_args(["run", "--cell-timeout", "1.5"])
    assert args.cell_timeout == 2 and isinstance(args.cell_timeout, int)


def test_a_report_given_as_a_path_is_an_unknown_report_naming_the_known_ones(tmp_path):
    write_data(tmp_path, {"2023-10.csv": month()})
    r = cli("run", "--period", "2023-10", "--data-dir", "data", "--out", "out", "--lang", "en",
            "--report", "../notebooks/data_quality", cwd=tmp_path)
    assert_clean_failure(r, 2, "unknown report '../notebooks/data_quality'",
                         "known: data_quality, official_report, progress_report")
    assert not (tmp_path / "out").exists()


@pytest.mark.e2e                     # renders a report
def test_jobs_above_the_reports_are_capped_with_a_warning(tmp_path):
    write_data(tmp_path, {"2023-10.csv": month()})
    r = cli("run", "--period", "2023-10", "--unit", "10", "--data-dir", "data", "--out", "out", "--lang", "en",
            "--report", "progress_report", "--formats", "html", "--jobs", "1000", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "--jobs 1000: running 1 worker (reports: 1," in r.stderr
    assert (tmp_path / "out" / "2023-10" / "10" / "progress_report.en.html").is_file()


# -- 4. new-period and params files --------------------------------------------------------------
def tiny_project(tmp_path: Path, units: str | None = None) -> Path:
    """A project folder (pyproject.toml, the notebook whose parameters cell holds the defaults)
    holding a small data/ of its own."""
    proj = tmp_path / "proj"
    (proj / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / "pyproject.toml", proj)
    shutil.copy(ROOT / "notebooks" / "progress_report.ipynb", proj / "notebooks")
    write_data(proj, {"2023-10.csv": month()}, **({"units": units} if units else {}))
    return proj


@pytest.mark.parametrize("unit", ['10"\nlanguage: "en', "../../etc"])
def test_new_period_refuses_a_unit_that_is_no_code_and_writes_nothing(tmp_path, unit):
    proj = tiny_project(tmp_path)
    r = cli("new-period", "2023-11", "--unit", unit, cwd=proj)
    assert_clean_failure(r, 2, "unit")
    assert not (proj / "params").exists()


def test_new_period_refuses_a_unit_not_in_units_csv(tmp_path):
    proj = tiny_project(tmp_path)
    assert_clean_failure(cli("new-period", "2023-11", "--unit", "99", cwd=proj), 2, "99", "units.csv")
    assert not (proj / "params").exists()


@pytest.mark.parametrize("name", ["data\\new", "C:\\so-lieu", 'so "lieu"'])
def test_new_period_writes_any_folder_name_so_that_it_reads_back(tmp_path, name):
    proj = tiny_project(tmp_path)
    shutil.copytree(proj / "data", proj / name)
    r = cli("new-period", "2023-11", "--data-dir", name, cwd=proj)
    assert r.returncode == 0, r.stderr
    values = read_params_file(proj / "params" / "2023-11.yaml")
    assert values == {"period": "2023-11", "unit": "10", "data_dir": name, "language": "vi"}


def test_new_period_takes_the_data_folder_from_the_working_folder_and_writes_it_project_relative(tmp_path):
    proj = tiny_project(tmp_path)
    r = cli("new-period", "2023-11", "--data-dir", "../data", cwd=proj / "notebooks")
    assert r.returncode == 0, r.stderr
    assert read_params_file(proj / "params" / "2023-11.yaml")["data_dir"] == "data"
    outside = write_data(tmp_path / "elsewhere", {"2023-10.csv": month()})
    r = cli("new-period", "2023-12", "--data-dir", str(outside), cwd=proj)
    assert r.returncode == 0, r.stderr
    assert read_params_file(proj / "params" / "2023-12.yaml")["data_dir"] == str(outside)


def test_a_failed_new_period_leaves_nothing_and_the_retry_works(tmp_path):
    proj = tiny_project(tmp_path, units=UNITS_TO_JUNE)
    r = cli("new-period", "2023-12", "--workbook", "--lang", "en", cwd=proj)
    assert_clean_failure(r, 1, "no unit of data/units.csv is active in December 2023")
    assert not (proj / "params").exists() and not (proj / "data" / "periods" / "2023-12.xlsx").exists()
    r = cli("new-period", "2023-05", "--workbook", cwd=proj)
    assert r.returncode == 0, r.stderr
    assert (proj / "params" / "2023-05.yaml").is_file() and (proj / "data" / "periods" / "2023-05.xlsx").is_file()


def test_new_period_with_a_workbook_already_there_leaves_no_params_file(tmp_path):
    proj = tiny_project(tmp_path)
    r = cli("new-period", "2023-10", "--workbook", cwd=proj)          # 2023-10.csv holds the month
    assert_clean_failure(r, 2, "2023-10.csv")
    assert not (proj / "params").exists()


@pytest.mark.parametrize("text, says", [
    ('period: "2023-10"\nunit: "10"\nunit: "080"\n', "unit"),
    ('period: "2023-10"\nunit: "10"\ndata_dir:\n', "data_dir"),
])
def test_a_params_file_with_a_key_twice_or_an_empty_data_dir_is_a_clear_error(tmp_path, text, says):
    proj = tiny_project(tmp_path)
    (proj / "params").mkdir()
    (proj / "params" / "p.yaml").write_text(text, encoding="utf-8")
    r = cli("run", "--params", "params/p.yaml", "--out", "out", "--lang", "en", cwd=proj)
    assert_clean_failure(r, 2, "p.yaml", says)
    assert not (proj / "out").exists()


@pytest.mark.parametrize("written, code", [("010", "010"), ("1_0", "1_0"), ("0x10", "0x10"), ("1e1", "1e1")])
def test_a_unit_code_in_a_params_file_is_read_as_the_text_written(tmp_path, written, code):
    path = tmp_path / "p.yaml"
    path.write_text(f"period: 2023-10\nunit: {written}\n", encoding="utf-8")
    assert read_params_file(path) == {"period": "2023-10", "unit": code}
    proj = tiny_project(tmp_path)
    r = cli("run", "--params", str(path), "--data-dir", "data", "--out", "out", cwd=proj)
    assert_clean_failure(r, 2, f"'{code}'" if "_" not in code else code)


# -- 2. `cchc-report run` with no arguments --------------------------------------------------------
MERGED = """code,name_vi,name_en,level,parent,valid_from,valid_to,successor
10,Tỉnh Cũ,Old Province,province,,,2025-06-30,15
080,Thành phố Cũ,Old City,district,10,,2025-06-30,
15,Tỉnh Mới,New Province,province,,2025-07-01,,
15-X,Xã Mới,New Commune,commune,15,2025-07-01,,
20,Tỉnh Khác,Other Province,province,,,,
"""


@pytest.mark.e2e                     # renders a report
def test_run_without_arguments_renders_the_latest_month_for_the_top_units_with_figures(tmp_path):
    proj = tiny_project(tmp_path)
    shutil.rmtree(proj / "notebooks")
    shutil.copytree(ROOT / "notebooks", proj / "notebooks")
    write_data(proj, {"2025-06.csv": month("080,cchc_plan_tasks_done,5,"),
                      "2025-07.csv": month("15-X,cchc_plan_tasks_done,5,")}, units=MERGED)
    (proj / "data" / "periods" / "2023-10.csv").unlink()
    r = cli("run", "--report", "progress_report", "--formats", "html", cwd=proj)
    assert r.returncode == 0, r.stdout + r.stderr
    rendered = {p.parent.relative_to(proj / "reports").as_posix() for p in (proj / "reports").rglob("*.html")
                if p.name != "index.html"}
    assert rendered == {"2025-07/15"}           # not the ended 10, not 20 without figures


# -- 6. English users get English ------------------------------------------------------------------
COMMANDS = ("run", "validate", "template", "new-period", "index", "units")


def cli_env(*args, cwd, **env) -> subprocess.CompletedProcess:
    """``cchc-report ARGS`` with the locale variables ``env`` (and no others)."""
    clean = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    return subprocess.run([sys.executable, "-m", "helpers.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env={**clean, **env})


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("env, lang_option, english", [
    ({"LANG": "en_US.UTF-8"}, [], True),
    ({"LANG": "vi_VN.UTF-8"}, [], False),
    ({"LANG": "C.UTF-8"}, [], False),
    ({"LANG": "vi_VN.UTF-8", "LC_MESSAGES": "en_GB.UTF-8"}, [], True),
    ({"LANG": "en_US.UTF-8", "LC_ALL": "vi_VN.UTF-8"}, [], False),
    ({"LANG": "vi_VN.UTF-8"}, ["--lang", "en"], True),
    ({"LANG": "en_US.UTF-8"}, ["--lang=vi"], False),
])
def test_help_follows_lang_then_the_locale(tmp_path, command, env, lang_option, english):
    if command == "units" and lang_option:
        pytest.skip("units has no --lang (its help follows the locale)")
    r = cli_env(command, *lang_option, "--help", cwd=tmp_path, **env)
    assert r.returncode == 0, r.stderr
    assert ("\nexamples:" in r.stdout) is english and ("ví dụ" in r.stdout) is not english


@pytest.mark.e2e                     # renders a report
def test_the_locale_never_changes_the_report_language(tmp_path):
    proj = tiny_project(tmp_path)
    shutil.rmtree(proj / "notebooks")
    shutil.copytree(ROOT / "notebooks", proj / "notebooks")
    r = cli_env("run", "--period", "2023-10", "--report", "progress_report", "--formats", "html", cwd=proj,
                LANG="en_US.UTF-8")
    assert r.returncode == 0, r.stderr
    assert {p.name for p in (proj / "reports" / "2023-10" / "10").glob("*.html")} == {"progress_report.html"}


def test_new_period_and_template_speak_english_with_lang_en(tmp_path):
    proj = tiny_project(tmp_path)
    r = cli("new-period", "2023-12", "--lang", "en", cwd=proj)
    assert r.returncode == 0 and "written: " in r.stdout and "December 2023 closes Q4 2023" in r.stdout, r.stdout
    r = cli("template", "2023-11", "--lang", "en", cwd=proj)
    assert r.returncode == 0 and "written: " in r.stdout and "đã tạo" not in r.stdout
    import openpyxl
    wb = openpyxl.load_workbook(proj / "data" / "periods" / "2023-11.xlsx")          # an English workbook
    text = "\n".join(str(c.value) for row in wb["Instructions"].iter_rows() for c in row if c.value)
    assert ["validate", "--period", "2023-11", "--lang", "en"] in _printed_commands(text, "validate")
    assert cli("validate", "--period", "2023-11", "--lang", "en", cwd=proj).returncode == 0        # it reads back


@pytest.mark.e2e                     # runs a notebook
def test_with_lang_en_the_failure_lines_of_reports_are_english(tmp_path):
    import nbformat
    proj = tiny_project(tmp_path)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell('period = "2023-10"\nunit = "10"\ndata_dir = "data"\nlanguage = "vi"',
                                          metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell('raise RuntimeError("boom")')]
    nbformat.write(nb, proj / "notebooks" / "boom.ipynb")
    r = cli("run", "--period", "2023-10", "--report", "boom", "--formats", "html", "--lang", "en", cwd=proj)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "FAILED" in r.stderr and "report boom (2023-10, 10) failed while running: RuntimeError: boom" in r.stderr
    assert "lỗi khi chạy" not in r.stderr


# -- 7. output details -------------------------------------------------------------------------------
def test_validate_caps_repeated_warnings_and_names_files_as_errors_do(tmp_path):
    units = "code,name_vi,name_en,level,parent\n10,Tỉnh Thử,Test Province,province,\n" + "".join(
        f"D{i:02},Huyện {i},District {i},district,10\n" for i in range(80))
    everyone = month(*(f"D{i:02},cchc_plan_tasks_done,5," for i in range(80)))
    data = write_data(tmp_path, {"2023-09.csv": everyone, "2023-10.csv": month("D00,cchc_plan_tasks_done,5,")},
                      units=units)
    r = cli("validate", "--data-dir", str(data), "--period", "2023-10", "--lang", "en", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    silent = [line for line in r.stdout.splitlines() if line.startswith("WARNING data/periods/2023-10.csv")]
    assert len(silent) == 51, r.stdout                       # 50 listed, one line counting the other 29
    assert "29 more of the same kind" in silent[-1]
    assert str(tmp_path) not in "\n".join(silent)
    assert "87 warnings" in r.stdout          # the summary counts them all (79 units, 8 months before)


@pytest.mark.e2e                     # renders a report
def test_the_run_summary_prints_the_output_folder_in_full_on_its_own_line(tmp_path):
    proj = tiny_project(tmp_path)
    shutil.rmtree(proj / "notebooks")
    shutil.copytree(ROOT / "notebooks", proj / "notebooks")
    out = tmp_path / ("một thư mục có tên rất dài để xem dòng có bị cắt ở tám mươi cột hay không " * 2).strip()
    r = subprocess.run([sys.executable, "-m", "helpers.cli", "run", "--period", "2023-10", "--report", "data_quality",
                        "--formats", "html", "--out", str(out), "--lang", "en"], cwd=proj, capture_output=True,
                       text=True, env={**os.environ, "COLUMNS": "80"})
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"Reports in: {out}\n" in r.stdout


def test_make_clean_removes_the_index_and_the_caches_too(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path)
    for folder in (".venv", "reports/2023-10/10", "reports/.cache", "reports/.locks/2023-10"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "reports" / "index.html").write_text("<html></html>", encoding="utf-8")
    subprocess.run(["make", "-s", "clean"], cwd=tmp_path, check=True, timeout=120)
    assert list((tmp_path / "reports").iterdir()) == [] and not (tmp_path / ".venv").exists()


# -- 3. a relative --data-dir is taken from the working folder in every command -----------------
def test_a_relative_data_dir_is_taken_from_the_working_folder_in_every_command(tmp_path):
    proj = tiny_project(tmp_path)
    here = proj / "notebooks"
    assert cli("validate", "--data-dir", "../data", "--period", "2023-10", cwd=here).returncode == 0
    assert cli("template", "2023-11", "--data-dir", "../data", cwd=here).returncode == 0
    assert (proj / "data" / "periods" / "2023-11.xlsx").is_file()
    r = cli("new-period", "2023-12", "--data-dir", "../data", "--workbook", cwd=here)
    assert r.returncode == 0, r.stderr
    assert (proj / "data" / "periods" / "2023-12.xlsx").is_file()
    assert read_params_file(proj / "params" / "2023-12.yaml")["data_dir"] == "data"     # the params file's rule
    r = cli("validate", "--period", "2023-10", "--lang", "en", cwd=here)           # no data/ in notebooks/
    assert_clean_failure(r, 2, str(here / "data"))


# -- 5. the commands the tool prints name the data folder and unit the user gave -----------------
def _printed_commands(text: str, command: str) -> list[list[str]]:
    """Every ``cchc-report <command> …`` in ``text``, as arguments (up to `` · ``, a backquote or the line's end)."""
    import re
    import shlex
    return [shlex.split(m) for m in re.findall(rf"cchc-report ({command} [^·`\n]*)", text)]


def test_new_periods_reminders_name_the_data_folder_and_unit_given_and_work(tmp_path):
    proj = tiny_project(tmp_path)
    here = proj / "notebooks"
    r = cli("new-period", "2023-12", "--data-dir", "../data", "--unit", "10", cwd=here)
    assert r.returncode == 0, r.stderr
    runs = _printed_commands(r.stdout, "run")
    assert ["run", "--period", "2023-Q4", "--data-dir", "../data", "--unit", "10"] in runs
    assert ["new-period", "2023", "--data-dir", "../data", "--unit", "10"] in _printed_commands(r.stdout, "new-period")
    for args in _printed_commands(r.stdout, "new-period"):
        assert cli(*args, cwd=here).returncode == 0                  # each hint works as printed


def test_the_workbooks_instruction_sheet_names_the_data_folder_and_unit_given(tmp_path):
    import openpyxl
    proj = tiny_project(tmp_path)
    here = proj / "notebooks"
    assert cli("template", "2023-11", "--data-dir", "../data", "--unit", "10", cwd=here).returncode == 0
    wb = openpyxl.load_workbook(proj / "data" / "periods" / "2023-11.xlsx")
    text = "\n".join(str(c.value) for row in wb["Hướng dẫn"].iter_rows() for c in row if c.value)
    assert "Lưu tệp này với tên ../data/periods/2023-11.xlsx" in text
    [validate] = _printed_commands(text, "validate")
    assert validate == ["validate", "--period", "2023-11", "--data-dir", "../data"]
    assert _printed_commands(text, "run") == [["run", "--period", "2023-11", "--data-dir", "../data", "--unit", "10"]]
    assert _printed_commands(text, "template") == [["template", "2023-11", "--data-dir", "../data", "--unit", "10",
                                                    "--force"]]
    r = cli(*validate, cwd=here)                        # the hint checks the folder the workbook is in
    assert "Traceback" not in r.stderr and str(proj / "data") in r.stdout, r.stdout + r.stderr


@pytest.mark.e2e                     # renders a report
def test_the_warnings_line_names_the_data_folder_given_and_works(tmp_path):
    proj = tiny_project(tmp_path)
    shutil.rmtree(proj / "notebooks")
    shutil.copytree(ROOT / "notebooks", proj / "notebooks")
    here = proj / "notebooks"
    r = cli("run", "--period", "2023-10", "--data-dir", "../data", "--out", "../out", "--report", "data_quality",
            "--formats", "html", cwd=here)
    assert r.returncode == 0, r.stdout + r.stderr
    [validate] = _printed_commands(r.stdout, "validate")
    assert validate[:3] == ["validate", "--data-dir", "../data"]
    assert cli(*validate, cwd=here).returncode == 0


@pytest.mark.parametrize("key", ["unit", "period", "language"])
def test_a_params_file_with_an_empty_value_names_it(tmp_path, key):
    proj = tiny_project(tmp_path)
    values = {"period": '"2023-10"', "unit": '"10"', "language": '"vi"', key: '""' if key == "unit" else ""}
    (proj / "p.yaml").write_text("".join(f"{k}: {v}\n" for k, v in values.items()), encoding="utf-8")
    r = cli("run", "--params", "p.yaml", "--out", "out", "--lang", "en", cwd=proj)
    assert_clean_failure(r, 2, "p.yaml", f"{key} is empty")


@pytest.mark.e2e                     # PyYAML takes ~40 s over 30 000 '['
@pytest.mark.parametrize("text, says", [
    ("a: " + "[" * 30_000 + "\n", "key: value lines"),
    ('period: "2023-10"\n? [a, b]\n: 1\n', "single value"),
    ('period: "2023-10"\nunit: {a: 1}\n', "'unit' must be a single value"),
])
def test_a_params_file_nested_or_keyed_by_a_list_is_one_clear_error(tmp_path, text, says):
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    r = cli("run", "--params", "p.yaml", "--out", "out", "--lang", "en", cwd=tmp_path)
    assert_clean_failure(r, 2, "p.yaml", says)


@pytest.mark.parametrize("command", [("run", "--period", "2023-10"), ("template", "2023-10"),
                                     ("new-period", "2023-10")])
def test_a_data_folder_without_units_csv_is_named_before_anything_reads_it(tmp_path, command):
    proj = tiny_project(tmp_path)
    r = subprocess.run([sys.executable, "-m", "helpers.cli", *command, "--data-dir", "/", "--lang", "en"],
                       cwd=proj, capture_output=True, text=True, timeout=120)
    assert_clean_failure(r, 1, "/units.csv")
    assert not (proj / "params").exists()


# -- counts in their language's plural form (Babel's ngettext) -----------------------------------
@pytest.mark.parametrize("rows, says", [
    (("10,cchc_plan_tasks_done,1.989,",), "1 error, "),
    (("10,cchc_plan_tasks_done,1.989,", '080,cchc_plan_tasks_done,"26,93%",'), "2 errors, "),
])
def test_validate_counts_errors_in_the_plural_form_of_the_count(tmp_path, rows, says):
    write_data(tmp_path, {"2023-10.csv": month(*rows)}, units=UNITS_TO_JUNE.replace("2023-06-30", ""))
    r = cli("validate", "--period", "2023-10", "--lang", "en", cwd=tmp_path)
    assert_clean_failure(r, 1, says, "NOT usable")
    assert "(s)" not in r.stdout + r.stderr
    run = cli("run", "--period", "2023-10", "--lang", "en", "--out", "out", cwd=tmp_path)
    assert_clean_failure(run, 1, f"the data has {says.split(',')[0]}:")
    assert not (tmp_path / "out").exists()
