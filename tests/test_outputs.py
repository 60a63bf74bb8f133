"""Where a run writes, and what it reads from the executed notebook (issues 9 and 10):
outputs stay inside --out, a run that cannot start creates nothing, the editions sit
side by side with one metrics.json, the runner takes the kernel's one computation,
parameters are resolved once, and units.csv is read once for ten thousand units."""

from __future__ import annotations

import argparse
import builtins
import os
import pathlib
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, assert_valid_metrics, cli, csv_rows, project_copy, write_data

from helpers import files, glue, run
from helpers.errors import ParameterError, ReportError
from helpers.params import check_params

pytestmark = pytest.mark.e2e


def params_for(proj: Path, period="2023-10", unit="10", language="vi"):
    return check_params({"period": period, "unit": unit, "data_dir": str(proj / "data"), "language": language},
                        proj)


# -- paths stay inside --out -------------------------------------------------------------------
def test_a_unit_code_that_is_a_path_writes_nothing_anywhere(tmp_path):
    proj = project_copy(tmp_path)
    units = proj / "data" / "units.csv"
    units.write_text(units.read_text(encoding="utf-8") + "../2023-09/10,Kẻ lạ,Stranger,district,10\n",
                     encoding="utf-8")
    out = tmp_path / "out"
    good = out / "2023-09" / "10" / "progress_report.html"
    good.parent.mkdir(parents=True)
    good.write_text("<p>báo cáo tốt</p>", encoding="utf-8")
    r = cli("run", "--period", "2023-10", "--unit", "all", "--formats", "html", "--out", str(out), cwd=proj)
    assert r.returncode in (1, 2), r.stdout + r.stderr
    assert "../2023-09/10" in r.stderr and "Traceback" not in r.stderr
    assert good.read_text(encoding="utf-8") == "<p>báo cáo tốt</p>"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "2023-09", "2023-09/10", "2023-09/10/progress_report.html"]


def test_an_output_folder_that_leads_outside_out_is_refused_before_any_kernel(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "2023-10").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(ReportError, match="nằm ngoài thư mục báo cáo"):
        run.run_report(params_for(ROOT), "progress_report", out, ("html",), ROOT)
    assert not list(elsewhere.rglob("*"))
    with pytest.raises(ReportError):
        files.inside(out, out / ".." / "x.html")
    assert files.inside(out, out / "2023-11" / "10" / "x.html") == out / "2023-11" / "10" / "x.html"


def test_a_unit_code_must_be_a_name():
    for code in ("../x", "/tmp/x", "a/b", ".hidden", ""):
        with pytest.raises(ParameterError):
            check_params({"period": "2023-10", "unit": code, "data_dir": str(ROOT / "data")}, ROOT)


# -- a run that cannot start creates nothing ------------------------------------------------------
def test_a_month_without_data_creates_nothing(tmp_path):
    out = tmp_path / "out"
    r = cli("run", "--period", "2021-05", "--out", str(out), cwd=ROOT)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "2021" in r.stderr and "Traceback" not in r.stderr
    assert not out.exists()                       # no report folder, no lock file, no index


def test_out_pointing_at_a_file_is_one_clear_message(tmp_path):
    target = tmp_path / "reports.txt"
    target.write_text("không phải thư mục", encoding="utf-8")
    r = cli("run", "--period", "2023-10", "--out", str(target), cwd=ROOT)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "--out" in r.stderr and "là một tệp" in r.stderr and str(target) in r.stderr.replace("\n", "")
    assert target.read_text(encoding="utf-8") == "không phải thư mục"


def _read_only(folder: Path, command: list[str]) -> list[str]:
    """``command`` run so that ``folder`` cannot be written: a read-only bind mount in a
    mount namespace of its own when the tests run as root (root writes through 0555),
    else the folder's permissions."""
    if os.geteuid() != 0:
        os.chmod(folder, 0o555)
        return command
    if not shutil.which("unshare"):
        pytest.skip("running as root without unshare: cannot make a folder read-only")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("running as root without mount namespaces: cannot make a folder read-only")
    script = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@"'
    return ["unshare", "-m", "sh", "-c", script, "sh", str(folder), *command]


def test_a_read_only_output_folder_is_one_clear_message(tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    command = _read_only(out, [sys.executable, "-m", "helpers.cli", "run", "--period", "2023-10", "--out", str(out)])
    try:
        r = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    finally:
        os.chmod(out, 0o755)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "không ghi được vào --out" in r.stderr and str(out) in r.stderr.replace("\n", "")
    assert "Traceback" not in r.stderr
    assert not list(out.iterdir())


def test_a_relative_data_dir_is_taken_from_the_working_folder(tmp_path):
    for command in (["run", "--period", "2023-10"], ["validate"]):
        r = cli(*command, "--data-dir", "data", "--out", str(tmp_path / "out"), cwd=tmp_path) \
            if command[0] == "run" else cli(*command, "--data-dir", "data", cwd=tmp_path)
        assert r.returncode != 0, r.stdout
        assert str(tmp_path / "data") in r.stderr.replace("\n", "") and "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()
    own = write_data(tmp_path / "own", {"2023-10.csv": csv_rows("10,dossiers_received,5,")})
    r = cli("validate", "--data-dir", "own/data", cwd=tmp_path)
    assert str(own) in r.stdout.replace("\n", "")           # this folder, not the project's sample


# -- both editions, one metrics.json, one summary line ---------------------------------------------
def test_vietnamese_and_english_editions_side_by_side(tmp_path):
    proj = project_copy(tmp_path)
    out = tmp_path / "out"
    folder = out / "2023-10" / "10"
    args = ("run", "--period", "2023-10", "--report", "data_quality", "--formats", "html,pdf", "--jobs", "1",
            "--quiet", "--out", str(out))
    vi = cli(*args, cwd=proj)
    assert vi.returncode == 0, vi.stdout + vi.stderr
    vi_html = (folder / "data_quality.html").read_bytes()
    vi_metrics = assert_valid_metrics(folder / "metrics.json")
    en = cli(*args, "--lang", "en", cwd=proj)
    assert en.returncode == 0, en.stdout + en.stderr

    names = {p.name for p in folder.iterdir()}
    assert {f"data_quality{lang}.{ext}" for lang in ("", ".en") for ext in ("html", "pdf", "ipynb")} <= names
    assert (folder / "data_quality.html").read_bytes() == vi_html          # the English run replaced nothing
    assert 'lang="en"' in (folder / "data_quality.en.html").read_text(encoding="utf-8")
    assert not [n for n in names if n.endswith(".lock")]                   # locks live in <out>/.locks
    en_metrics = assert_valid_metrics(folder / "metrics.json")
    for key in ("indicators", "findings", "inputs", "unit_name", "period_label"):
        assert en_metrics[key] == vi_metrics[key], key
    assert set(en_metrics["fingerprints"]) == {"data_quality", "data_quality.en"}
    assert all(f["kind"] and f["message"] for f in en_metrics["findings"])
    assert "1.989 ≠" in " ".join(f["message"] for f in en_metrics["findings"])   # messages in Vietnamese

    # one summary line of the data checks' warnings, in the language asked for
    assert [line for line in vi.stdout.splitlines() if "cảnh báo" in line][0].startswith("Số liệu: ")
    assert len([line for line in vi.stdout.splitlines() if "cảnh báo" in line]) == 1
    assert len([line for line in en.stdout.splitlines() if line.startswith("Data: ")]) == 1

    # the appendix names files relative to the data folder, never the machine's paths
    html = (folder / "data_quality.html").read_text(encoding="utf-8")
    assert "periods/2023-10.csv" in html and str(proj) not in html and str(tmp_path) not in html
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "2023-10/10/data_quality.en.html" in index and "2023-10/10/data_quality.html" in index
    assert "2023-10/10/metrics.json" in index

    loud = [a for a in args if a != "--quiet"]
    again = cli(*loud, "--lang", "en", cwd=proj)                          # the English edition is up to date
    assert again.returncode == 0 and (folder / "data_quality.en.html").is_file()
    assert "skipped (unchanged)" in again.stdout and "Summary" in again.stdout     # the terminal speaks English
    assert "bỏ qua" not in again.stdout and "Tổng hợp" not in again.stdout


# -- one computation: the runner reads the kernel's result --------------------------------------
def test_the_runner_neither_checks_the_data_nor_builds_a_report(tmp_path, monkeypatch):
    from helpers import report, validate

    def refuse(*a, **kw):
        raise AssertionError("the runner computed the report again")

    monkeypatch.setattr(validate, "check", refuse)
    monkeypatch.setattr(report.Report, "from_params", refuse)
    monkeypatch.setattr(report.Report, "metrics", refuse)
    outcome = run.run_report(params_for(ROOT), "data_quality", tmp_path, ("html",), ROOT)
    assert outcome.status == "ok"
    nb = nbformat.read(tmp_path / "2023-10" / "10" / "data_quality.ipynb", as_version=4)
    glued = glue.read(nb)
    metrics = assert_valid_metrics(tmp_path / "2023-10" / "10" / "metrics.json")
    assert glued["metrics"]["indicators"] == metrics["indicators"]       # metrics.json is the glued result
    assert glued["title"] in (tmp_path / "2023-10" / "10" / "data_quality.html").read_text(encoding="utf-8")
    html = (tmp_path / "2023-10" / "10" / "data_quality.html").read_text(encoding="utf-8")
    assert glue.MIME_TYPE not in html and "kết quả gắn" not in html          # the glue cell is not rendered


def test_a_notebook_that_glues_nothing_is_a_clear_failure(tmp_path):
    proj = project_copy(tmp_path)
    nb = nbformat.read(proj / "notebooks" / "data_quality.ipynb", as_version=4)
    nb.cells = [c for c in nb.cells if "glue" not in "".join(c.source)]
    nbformat.write(nb, proj / "notebooks" / "data_quality.ipynb")
    with pytest.raises(ReportError, match=r"report\.glue\(\)"):
        run.run_report(params_for(proj), "data_quality", tmp_path / "out", ("html",), proj)
    assert not list((tmp_path / "out").rglob("*.html"))


# -- parameters resolved once, units.csv read once --------------------------------------------
def test_ten_thousand_units_read_units_csv_once(tmp_path, monkeypatch):
    from helpers import plan as commands
    rows = ["code,name_vi,name_en,level,parent", "P,Tỉnh Thử,Test Province,province,"]
    rows += [f"D{i:05d},Huyện {i},District {i},district,P" for i in range(1, 10_000)]
    data = write_data(tmp_path, {"2023-10.csv": csv_rows("P,dossiers_received,5,")},
                      units="\n".join(rows) + "\n")
    reads = []

    def counting(opener):
        def opened(file, *a, **kw):
            if str(file).endswith("units.csv"):
                reads.append(str(file))
            return opener(file, *a, **kw)
        return opened

    monkeypatch.setattr(pathlib.Path, "open", counting(pathlib.Path.open))
    monkeypatch.setattr(builtins, "open", counting(builtins.open))
    args = argparse.Namespace(params=None, data_dir=str(data), period=["2023-10"], unit=["all"], all=False,
                              lang=None)
    folders = commands.DataFolders()
    sets = commands.param_sets(args, ROOT, folders)
    assert len(sets) == 10_000 and {p.unit for p in sets} >= {"P", "D09999"}
    assert len({id(p.period) for p in sets}) == 1              # the period was parsed once
    assert all(p.data_dir == data for p in sets)
    commands.check_data(sets, folders)                         # the data checks reuse what was read
    assert len(reads) == 1, reads


def test_parameters_carry_a_period_and_an_absolute_folder(tmp_path, monkeypatch):
    from helpers.params import resolve
    monkeypatch.chdir(tmp_path)
    p = resolve({"period": "2023-Q3", "unit": "10", "data_dir": "data"}, ROOT)
    assert p.period.kind == "quarter" and p.data_dir == ROOT / "data" and p.data_dir.is_absolute()
    assert p.notebook_parameters() == {"period": "2023-Q3", "unit": "10", "data_dir": str(ROOT / "data"),
                                       "language": "vi"}      # number and issued_on only when given


# -- file safety ----------------------------------------------------------------------------------
def test_the_entry_workbook_has_ordinary_permissions(tmp_path):
    from helpers.load import load_data
    from helpers.workbook import write_entry_workbook
    ds = load_data(ROOT / "data")
    path = write_entry_workbook(tmp_path / "periods" / "2023-11.xlsx", "2023-11", ds.catalogue, ds.units)
    assert stat.S_IMODE(path.stat().st_mode) == files.FILE_MODE               # not mkstemp's 0600
    assert [p.name for p in path.parent.iterdir()] == ["2023-11.xlsx"]


def test_a_lock_held_elsewhere_is_waited_for_with_a_limit(tmp_path):
    lock = tmp_path / ".locks" / "x.lock"
    code = (f"import sys, helpers.files as f\nwith f.lock({str(lock)!r}):\n"
            "    print('held', flush=True); sys.stdin.readline()\n")
    holder = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(ReportError, match="khóa"):
            with files.lock(lock, wait=0.3):
                pass
    finally:
        holder.communicate("\n", timeout=30)
    with files.lock(lock, wait=0.3):                                          # free again
        pass


def test_the_defaults_are_the_notebooks_parameters_cell(tmp_path):
    """The data folder and language a parameters file leaves out are the notebook's own defaults
    (what JupyterLab and plain papermill use), read from its ``parameters`` cell."""
    import nbformat

    from helpers.errors import ParameterError
    from helpers.params import notebook_defaults, resolve
    (tmp_path / "notebooks").mkdir()
    nb = nbformat.read(ROOT / "notebooks" / "progress_report.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert 'data_dir = "data"' in cell.source and 'language = "vi"' in cell.source
    cell.source = cell.source.replace('data_dir = "data"', 'data_dir = "so-lieu"').replace('"vi"', '"en"')
    nbformat.write(nb, tmp_path / "notebooks" / "progress_report.ipynb")
    assert notebook_defaults(tmp_path) == {"data_dir": "so-lieu", "language": "en"}
    p = resolve({"period": "2023-10", "unit": "10"}, tmp_path)
    assert p.data_dir == tmp_path / "so-lieu" and p.language == "en"
    (tmp_path / "notebooks" / "progress_report.ipynb").unlink()
    with pytest.raises(ParameterError, match="progress_report.ipynb"):
        resolve({"period": "2023-10", "unit": "10"}, tmp_path)


def test_units_csv_from_the_official_lists_has_ordinary_permissions(tmp_path):
    """``cchc-report units`` writes through files.atomic_write: the file a plain open() would make, not 0600."""
    pytest.importorskip("vietnam_provinces")
    from helpers.files import FILE_MODE
    out = tmp_path / "units.csv"
    r = cli("units", "--province", "14", "--out", str(out), cwd=tmp_path)
    assert r.returncode == 0 and f"đã tạo {out}" in r.stdout and " dòng)" in r.stdout, r.stdout + r.stderr
    assert (out.stat().st_mode & 0o777) == FILE_MODE
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]      # no temporary file left beside it
