"""Many reports at once: incremental skipping, failure isolation, the Dask
executor, concurrent runs on one output folder, Ctrl-C, and the kernel supply.

Each test works on a copy of the project (notebooks + sample data) in tmp_path
and renders HTML only where the PDF is not the point, to stay quick."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pytest
from conftest import FORKING, assert_valid_metrics, wait_gone

from helpers import kernel
from helpers.batch import Job, fingerprint, input_files, run_job, run_jobs, start_pool, up_to_date
from helpers.kernel.supply import KERNELS
from helpers.params import check_params

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]


# -- a project copy ---------------------------------------------------------------------------------
def make_project(tmp_path: Path, boom: bool = False) -> Path:
    proj = tmp_path / "proj"
    proj.mkdir()
    shutil.copy(ROOT / "pyproject.toml", proj)
    shutil.copytree(ROOT / "notebooks", proj / "notebooks")
    shutil.copytree(ROOT / "data", proj / "data")
    if boom:
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [
            nbformat.v4.new_code_cell('period = "2023-10"\nunit = "10"\ndata_dir = "data"\nlanguage = "vi"',
                                      metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell("x = 1"),
            nbformat.v4.new_code_cell('raise RuntimeError("boom")'),
        ]
        nbformat.write(nb, proj / "notebooks" / "boom.ipynb")
    return proj


def job(proj: Path, out: Path, period: str, report: str = "data_quality", formats=("html",), force=False) -> Job:
    params = check_params({"period": period, "unit": "10", "data_dir": str(proj / "data")}, proj)
    return Job(params, report, str(out), tuple(formats), str(proj), force)


def status(outcomes) -> dict:
    return {(o.period, o.report): o.status for o in outcomes}


def touch_month(proj: Path, month: str) -> None:
    """Change a month's file without making it invalid (a note on its first row)."""
    path = proj / "data" / "periods" / f"{month}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].rstrip(",") + ",đã sửa " + uuid.uuid4().hex[:6]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def no_temporary_files(out: Path) -> bool:
    return not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def cli(*args, cwd, env=None, **kw):
    return subprocess.run([sys.executable, "-m", "helpers.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, **kw)


# -- (i) incremental -------------------------------------------------------------------------------
def test_inputs_of_a_month_report_include_ytd_and_last_year(tmp_path):
    proj = make_project(tmp_path)
    names = {p.name for p in input_files(job(proj, tmp_path / "out", "2023-10"))}
    assert {"2023-10.csv", "2023-09.csv", "2023-01.csv", "2022-10.csv", "2022-01.csv", "units.csv",
            "data_quality.ipynb"} <= names
    assert "2023-11.csv" not in names and "2023-12.csv" not in names
    assert "2023-10.csv" not in {p.name for p in input_files(job(proj, tmp_path / "out", "2023-09"))}


def test_unchanged_reports_are_skipped_and_a_changed_month_rerenders_its_readers(tmp_path):
    proj = make_project(tmp_path)
    out = tmp_path / "out"
    jobs = [job(proj, out, "2023-09"), job(proj, out, "2023-10")]
    html = {p: out / p / "10" / "data_quality.html" for p in ("2023-09", "2023-10")}

    started = start_pool()                               # the pool's servers, started early (as the CLI does)
    first = run_jobs(jobs, n_jobs=2, started=started)    # the process pool
    started.close()
    assert status(first) == {("2023-09", "data_quality"): "ok", ("2023-10", "data_quality"): "ok"}, first
    metrics = assert_valid_metrics(out / "2023-10" / "10" / "metrics.json")
    assert metrics["fingerprints"]["data_quality"] == fingerprint(jobs[1])

    unused = start_pool()
    again = run_jobs(jobs, n_jobs=2, started=unused)
    assert set(status(again).values()) == {"skipped"}
    unused.close()                                       # nothing to run: its kernel server goes at once
    assert unused.server is None or (wait_gone(unused.server.pid) and not os.path.exists(unused.address))
    assert run_job(jobs[1]).status == "skipped"          # the worker's own check, under the lock

    before = {p: h.stat().st_mtime_ns for p, h in html.items()}
    touch_month(proj, "2023-10")                         # read by 2023-10 only
    after_oct = run_jobs(jobs, n_jobs=1)
    assert status(after_oct) == {("2023-09", "data_quality"): "skipped", ("2023-10", "data_quality"): "ok"}
    assert html["2023-09"].stat().st_mtime_ns == before["2023-09"]
    assert html["2023-10"].stat().st_mtime_ns != before["2023-10"]

    touch_month(proj, "2023-09")                         # 2023-10's previous month and year to date
    assert set(status(run_jobs(jobs, n_jobs=1)).values()) == {"ok"}

    forced = [Job(j.params, j.report, j.out_dir, j.formats, j.root, True) for j in jobs]
    assert set(status(run_jobs(forced, n_jobs=1)).values()) == {"ok"}
    assert no_temporary_files(out)
    assert not KERNELS._spares and not KERNELS._running      # no kernel left behind


def test_changed_notebook_or_other_formats_rerender(tmp_path):
    proj = make_project(tmp_path)
    out = tmp_path / "out"
    j = job(proj, out, "2023-10")
    fp = fingerprint(j)
    assert fingerprint(job(proj, out, "2023-10", formats=("html", "pdf"))) != fp
    nb = proj / "notebooks" / "data_quality.ipynb"
    nb.write_text(nb.read_text(encoding="utf-8").replace("report.jumps()", "report.jumps()\n"), encoding="utf-8")
    assert fingerprint(j) != fp
    assert not up_to_date(j, fingerprint(j))             # nothing rendered yet


# -- (ii) failure isolation ---------------------------------------------------------------------
def test_one_failing_report_does_not_stop_the_others(tmp_path):
    proj = make_project(tmp_path, boom=True)
    out = tmp_path / "out"
    folder = out / "2023-10" / "10"
    folder.mkdir(parents=True)
    (folder / "boom.html").write_text("<p>báo cáo tốt lần trước</p>", encoding="utf-8")
    good = (folder / "boom.html").read_bytes()

    outcomes = run_jobs([job(proj, out, "2023-10", "boom"), job(proj, out, "2023-10"),
                         job(proj, out, "2023-09")], n_jobs=2)
    by = {(o.period, o.report): o for o in outcomes}
    failed = by[("2023-10", "boom")]
    assert failed.status == "failed"
    assert "RuntimeError: boom" in failed.error
    assert failed.failed_notebook == str(folder / "boom.failed.ipynb")
    nb = nbformat.read(failed.failed_notebook, as_version=4)
    assert any("RuntimeError" in str(c.get("outputs", "")) for c in nb.cells)
    assert by[("2023-10", "data_quality")].status == "ok" and by[("2023-09", "data_quality")].status == "ok"
    assert (folder / "boom.html").read_bytes() == good   # the previous good file is untouched
    assert not (folder / "boom.ipynb").exists()
    assert "boom" not in assert_valid_metrics(folder / "metrics.json")["fingerprints"]
    assert no_temporary_files(out)


def test_cli_exits_1_and_names_each_failure(tmp_path):
    proj = make_project(tmp_path, boom=True)
    out = tmp_path / "out"
    r = cli("run", "--period", "2023-10", "--report", "boom", "--report", "data_quality", "--formats", "html",
            "--out", str(out), "--jobs", "1", cwd=proj)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "boom" in r.stderr and "RuntimeError" in r.stderr
    assert str(out / "2023-10" / "10" / "boom.failed.ipynb") in r.stderr.replace("\n", "")
    assert (out / "2023-10" / "10" / "data_quality.html").is_file()
    assert "Traceback" not in r.stderr


# -- (iii) Dask -----------------------------------------------------------------------------------------
def test_dask_executor_gives_the_same_results_as_the_pool(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    proj = make_project(tmp_path)
    local, remote = tmp_path / "local", tmp_path / "dask"
    periods = ("2023-09", "2023-10")
    assert set(status(run_jobs([job(proj, local, p) for p in periods], n_jobs=1)).values()) == {"ok"}
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        seen = []
        outcomes = run_jobs([job(proj, remote, p) for p in periods], executor="dask", scheduler=client,
                            on_done=seen.append)
    assert set(status(outcomes).values()) == {"ok"} and len(seen) == 2
    for p in periods:
        a = assert_valid_metrics(local / p / "10" / "metrics.json")
        b = assert_valid_metrics(remote / p / "10" / "metrics.json")
        assert a["indicators"] == b["indicators"] and a["findings"] == b["findings"]
        assert a["fingerprints"] == b["fingerprints"]
        assert (remote / p / "10" / "data_quality.html").is_file()
    assert not KERNELS._spares and not KERNELS._running


# -- (iv) two runs on one output folder ----------------------------------------------------------------
def test_concurrent_runs_on_the_same_folder(tmp_path):
    proj = make_project(tmp_path)
    out = tmp_path / "out"
    same = ["run", "--period", "2023-10", "--report", "data_quality", "--formats", "html,pdf", "--force",
            "--jobs", "1", "--quiet", "--out", str(out)]
    other = ["run", "--period", "2023-10", "--report", "progress_report", "--formats", "html",
             "--jobs", "1", "--quiet", "--out", str(out)]
    procs = [subprocess.Popen([sys.executable, "-m", "helpers.cli", *args], cwd=proj, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for args in (same, same, other)]
    results = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    for code, stdout, stderr in results:
        assert code == 0, stdout + stderr
    folder = out / "2023-10" / "10"
    assert (folder / "data_quality.pdf").read_bytes()[:5] == b"%PDF-"
    assert (folder / "data_quality.pdf").read_bytes().rstrip().endswith(b"%%EOF")
    metrics = assert_valid_metrics(folder / "metrics.json")
    assert set(metrics["fingerprints"]) == {"data_quality", "progress_report"}   # neither write lost
    assert "</html>" in (folder / "progress_report.html").read_text(encoding="utf-8")
    nbformat.read(folder / "data_quality.ipynb", as_version=4)
    assert no_temporary_files(out)


def test_writes_are_atomic_and_readable(tmp_path):
    from helpers import files
    target = tmp_path / "a" / "x.html"
    files.atomic_write(target, "một")
    files.atomic_write(target, "hai")
    assert target.read_text(encoding="utf-8") == "hai"
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~files.UMASK)      # not mkstemp's 0600
    assert [p.name for p in target.parent.iterdir()] == ["x.html"]


# -- Ctrl-C -----------------------------------------------------------------------------------------------
def _kernels_with(token: str) -> list:
    """Kernels (started by ipykernel_launcher, or forked by a kernel server) and kernel
    servers of the run whose environment carries ``token``."""
    psutil = pytest.importorskip("psutil")
    found = []
    for p in psutil.process_iter(["cmdline"]):
        try:
            if any(m in c for c in (p.info["cmdline"] or []) for m in ("ipykernel_launcher", "helpers.kernel.server")) \
                    and p.environ().get("CCHC_TEST_TOKEN") == token:
                found.append(p)
        except psutil.Error:
            continue
    return found


def _busy_kernel(token: str) -> bool:
    """A kernel of the run (not a kernel server) has spent CPU time on cells or imports."""
    psutil = pytest.importorskip("psutil")
    for p in _kernels_with(token):
        try:
            parent = " ".join(p.parent().cmdline())
            kernel = "ipykernel_launcher" in " ".join(p.cmdline()) or "helpers.kernel.server" in parent
            if kernel and sum(p.cpu_times()[:2]) >= 0.3:
                return True
        except psutil.Error:
            continue
    return False


def test_ctrl_c_stops_cleanly(tmp_path):
    proj = make_project(tmp_path)
    out = tmp_path / "out"
    token = uuid.uuid4().hex
    env = {**os.environ, "CCHC_TEST_TOKEN": token}
    proc = subprocess.Popen([sys.executable, "-m", "helpers.cli", "run", "--period", "2023-09", "--period",
                             "2023-10", "--report", "progress_report", "--jobs", "2", "--out", str(out)],
                            cwd=proj, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)                  # its own process group, like a terminal's
    deadline = time.monotonic() + 120                                # until a kernel runs a report's cells
    while time.monotonic() < deadline and proc.poll() is None and not _busy_kernel(token):
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGINT)                               # Ctrl-C reaches the whole group
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stdout + stderr
    psutil = pytest.importorskip("psutil")
    _gone, alive = psutil.wait_procs(_kernels_with(token), timeout=10)
    assert not alive                                                 # no orphan kernel
    assert no_temporary_files(out)
    for pdf in out.rglob("*.pdf"):                                   # whatever exists is whole
        assert pdf.read_bytes().rstrip().endswith(b"%%EOF")
    for html in out.rglob("*.html"):
        assert "</html>" in html.read_text(encoding="utf-8")


# -- kernels and start-up cost ----------------------------------------------------------------------------
def test_each_report_gets_a_fresh_kernel_namespace(tmp_path):
    proj = make_project(tmp_path)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell('period = "2023-10"', metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("import os, sys\nassert 'leak' not in globals()\nleak = 1\n"
                                          "print(os.getcwd(), 'helpers.report' in sys.modules, "
                                          "sorted(k for k in globals() if not k.startswith('_')))")]
    path = proj / "notebooks" / "ns.ipynb"
    nbformat.write(nb, path)
    seen = []
    try:
        for i in range(2):
            done = kernel.execute(path, tmp_path / f"ns{i}.ipynb", {"period": "2023-10"}, proj, proj / "data",
                                  prestart=i == 0)
            seen.append(done.cells[-1].outputs[0]["text"])
    finally:
        KERNELS.close()
    assert seen[0] == seen[1]
    cwd, warm, names = seen[0].split(" ", 2)
    assert cwd == str(proj) and warm == "True"                       # warm, and run from the project
    assert "helpers" not in names                                    # the warm-up binds no name
    assert [c.execution_count for c in done.cells] == [1, 2, 3]


def test_runner_does_not_import_rfc3987_syntax(tmp_path):
    fake = tmp_path / "site" / "rfc3987_syntax"
    fake.mkdir(parents=True)
    marker = tmp_path / "imported"
    (fake / "__init__.py").write_text(f"open({str(marker)!r}, 'w').close()\n"
                                      "def is_valid_syntax(*a): return True\n", encoding="utf-8")
    code = ("import sys, helpers.batch as b; b._worker_init(); import nbformat, papermill, helpers.render;"
            "assert 'jsonschema' in sys.modules")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site")}
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert not marker.exists()
    # the check is meaningful: plain jsonschema would import it
    r = subprocess.run([sys.executable, "-c", "import jsonschema"], env=env, capture_output=True, text=True)
    assert marker.exists(), r.stderr


def test_a_serial_run_leaves_the_callers_garbage_collector_as_it_was(tmp_path):
    import gc
    proj = make_project(tmp_path)
    before = gc.get_threshold()
    outcomes = run_jobs([job(proj, tmp_path / "out", "2023-10")], 1)
    assert [o.status for o in outcomes] == ["ok"]
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


@pytest.mark.parametrize("jobs", ["0", "-2", "two"])
def test_jobs_must_be_a_whole_number_of_at_least_one(tmp_path, jobs):
    r = subprocess.run([sys.executable, "-m", "helpers.cli", "run", "--period", "2023-10", "--jobs", jobs,
                        "--out", str(tmp_path / "out")], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 2 and "--jobs" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()


# -- mistakes with Dask: one line each, no traceback ----------------------------------------------------
def run_cli(monkeypatch, capsys, *args) -> tuple[int, str]:
    from helpers import cli
    monkeypatch.chdir(ROOT)
    code = cli.main(["run", "--period", "2023-10", *args])
    return code, capsys.readouterr().err


def test_a_scheduler_with_the_local_executor_is_a_mistake(monkeypatch, capsys, tmp_path):
    code, err = run_cli(monkeypatch, capsys, "--executor", "local", "--scheduler", "tcp://127.0.0.1:1",
                        "--out", str(tmp_path / "out"))
    assert code == 2 and "--scheduler" in err and not (tmp_path / "out").exists()


def test_an_unreachable_scheduler_is_named_in_one_line(monkeypatch, capsys, tmp_path):
    pytest.importorskip("dask.distributed")
    from helpers import batch
    monkeypatch.setattr(batch, "DASK_CONNECT_TIMEOUT", "1s")
    code, err = run_cli(monkeypatch, capsys, "--scheduler", "tcp://127.0.0.1:1", "--force", "--quiet",
                        "--out", str(tmp_path / "out"))
    assert code == 1 and "tcp://127.0.0.1:1" in err and "dask scheduler" in err and "Traceback" not in err
    assert not list((tmp_path / "out").rglob("*.pdf"))


def test_dask_not_installed_says_how_to_install_it(monkeypatch, capsys, tmp_path):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    code, err = run_cli(monkeypatch, capsys, "--executor", "dask", "--out", str(tmp_path / "out"))
    assert code == 2 and ".[dask]" in err


# -- cells that never end, kernels that die, runs killed outright ----------------------------------------
@pytest.mark.parametrize(("code", "message"), [
    ("while True:\n    pass", "ô số 2 (while True:) chạy quá 5 giây"),
    ("import os\nos._exit(3)", "kernel dừng đột ngột khi chạy ô số 2 (import os)"),
])
def test_a_cell_that_hangs_or_kills_its_kernel_fails_the_report_naming_the_cell(tmp_path, code, message):
    proj = make_project(tmp_path)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell('period = "2023-10"\nunit = "10"\ndata_dir = "data"\nlanguage = "vi"',
                                          metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, proj / "notebooks" / "bad.ipynb")
    out = tmp_path / "out"
    folder = out / "2023-10" / "10"
    folder.mkdir(parents=True)
    (folder / "bad.html").write_text("<p>báo cáo tốt lần trước</p>", encoding="utf-8")
    r = cli("run", "--period", "2023-10", "--report", "bad", "--formats", "html", "--cell-timeout", "5",
            "--jobs", "1", "--out", str(out), cwd=proj)
    err = " ".join(r.stderr.split())
    assert r.returncode == 1 and message in err and "Traceback" not in r.stderr, r.stderr
    failed = folder / "bad.failed.ipynb"
    assert str(failed) in r.stderr.replace("\n", "")
    cells = nbformat.read(failed, as_version=4).cells
    assert [o.ename for c in cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"] \
        in (["CellTimeout"], ["DeadKernel"])
    assert (folder / "bad.html").read_text(encoding="utf-8") == "<p>báo cáo tốt lần trước</p>"


def test_a_run_killed_outright_takes_every_process_with_it_and_the_next_run_cleans_up(tmp_path):
    """``kill -9`` of a ``--jobs 2`` run: the fork server, the workers, the kernel
    server, the kernels and the resource tracker all end with it; the next run
    removes the temporary files such a run leaves."""
    import tempfile

    psutil = pytest.importorskip("psutil")
    proj = make_project(tmp_path)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "helpers.cli", "run", "--period", "2023-09", "--period",
                             "2023-10", "--report", "progress_report", "--jobs", "2", "--quiet", "--out", str(out)],
                            cwd=proj, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    run_process = psutil.Process(proc.pid)

    def started() -> list:
        found = []
        for p in run_process.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                found.append((p, " ".join(p.cmdline())))
        return found

    def kernels(found) -> int:          # forked by the run's kernel server, or started by the workers
        return sum(("helpers.kernel.server" in cmd and p.ppid() != proc.pid) or "ipykernel_launcher" in cmd
                   for p, cmd in found)

    deadline = time.monotonic() + 120                  # until the kernels are running (they start last)
    while time.monotonic() < deadline and proc.poll() is None and kernels(started()) < 2:
        time.sleep(0.1)
    processes = started()
    expected = {"forkserver", "resource_tracker", "helpers.kernel.server" if FORKING else "ipykernel_launcher"}
    assert {kind for _p, cmd in processes for kind in expected if kind in cmd} == expected, processes
    assert kernels(processes) >= 2
    proc.kill()
    proc.wait()
    _gone, alive = psutil.wait_procs([p for p, _cmd in processes], timeout=20)
    assert not alive, [cmd for p, cmd in processes if p in alive]

    folder = out / "2023-10" / "10"                     # what a run killed while writing leaves
    folder.mkdir(parents=True, exist_ok=True)
    for name in (".progress_report.pdf.x1.tmp", ".progress_report.html.x2.tmp", ".metrics.json.x3.tmp"):
        (folder / name).write_text("half", encoding="utf-8")
    r = cli("run", "--period", "2023-10", "--report", "progress_report", "--formats", "html", "--jobs", "1",
            "--quiet", "--out", str(out), cwd=proj)
    assert r.returncode == 0, r.stderr
    assert not list(folder.glob(".*.tmp"))
    pids = [proc.pid, *(p.pid for p, _cmd in processes)]          # their sockets, executed notebooks
    assert not [f for pid in pids for f in Path(tempfile.gettempdir()).glob(f"cchc-*-{pid}-*")]
