"""Kernels forked from a kernel server: each report still gets a process of its
own, sees the data as it is now, and nothing is left running."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from conftest import FORKING, alive, forks, project_copy, wait_gone
from papermill.exceptions import PapermillExecutionError

from helpers import kernel
from helpers.batch import Job, run_jobs
from helpers.kernel.fork import KernelServer, start_shared_server, stop_shared_server
from helpers.kernel.supply import KernelSupply
from helpers.params import check_params

pytestmark = pytest.mark.e2e

PROBE = """\
import os, sys, numpy
from helpers.load import load_data_cached
ds = load_data_cached(data_dir)
print(os.getpid(), os.getppid(), ds.value("2023-10", "10", "cchc_plan_tasks_done"), numpy.random.randint(1 << 30),
      'leak' in globals())
leak = 1
"""


def write_notebook(proj: Path, name: str, code: str, parameters: str = 'period = "2023-10"') -> Path:
    """``notebooks/<name>.ipynb``: a parameters cell, then ``code``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(code)]
    path = proj / "notebooks" / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def probe_notebook(proj: Path) -> Path:
    return write_notebook(proj, "probe", PROBE, 'period = "2023-10"\ndata_dir = "data"')


def run_probe(proj: Path, path: Path, out: Path, kernels: KernelSupply, prestart=True) -> list[str]:
    done = kernel.execute(path, out, {"period": "2023-10", "data_dir": str(proj / "data")}, proj, proj / "data",
                          prestart=prestart, kernels=kernels)
    return done.cells[-1].outputs[0]["text"].split()


def set_value(proj: Path, month: str, unit: str, code: str, value: str) -> None:
    path = proj / "data" / "periods" / f"{month}.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        cells = line.split(",")
        if cells[:2] == [unit, code]:
            cells[2] = value
            lines[i] = ",".join(cells)
            break
    else:
        raise AssertionError(f"no row {unit},{code} in {path}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@forks
def test_forked_kernels_are_fresh_processes_that_see_data_changes(tmp_path):
    proj = project_copy(tmp_path)
    path = probe_notebook(proj)
    kernels = KernelSupply()
    try:
        first = run_probe(proj, path, tmp_path / "a.ipynb", kernels)
        server = kernels.server.pid
        assert server is not None                                    # the kernel was forked by the server
        set_value(proj, "2023-10", "10", "cchc_plan_tasks_done", "7")  # the server read the old value
        second = run_probe(proj, path, tmp_path / "b.ipynb", kernels)
        # the spare's client is connected without a heartbeat thread (jupyter_client's can spin
        # forever when stopped just after it starts; liveness comes from the kernel manager)
        assert kernels._spares and not [t for t in threading.enumerate() if type(t).__name__ == "HBChannel"]
        third = run_probe(proj, path, tmp_path / "c.ipynb", kernels, prestart=False)
    finally:
        kernels.close()
    pids = {first[0], second[0], third[0]}
    assert len(pids) == 3 and first[1] == second[1] == str(server)  # a new process each time, the server's child
    assert first[2] == "520" and second[2] == third[2] == "7"       # the changed file is read again
    assert len({first[3], second[3], third[3]}) == 3                  # its own random state, as a new process
    assert [first[4], second[4], third[4]] == ["False"] * 3           # and an empty namespace
    assert all(wait_gone(int(p)) for p in pids)                       # killed once its report was done
    assert wait_gone(server)                                          # close() ends the server


@forks
def test_kernels_of_a_killed_server_exit_by_themselves(tmp_path):
    proj = project_copy(tmp_path)
    kernels = KernelSupply()
    try:
        kernels.prestart(proj, proj / "data")
        (_cwd, km), = kernels._spares
        kernel, server = km.provisioner.pid, kernels.server.pid
        assert alive(kernel) and server
        os.kill(server, signal.SIGKILL)
        assert wait_gone(kernel)              # the system kills it with its server (PR_SET_PDEATHSIG)
    finally:
        kernels.close()


@forks
def test_the_server_ends_its_kernels_when_its_parent_dies(tmp_path):
    """A worker killed outright (no clean-up of its own) leaves no kernel behind."""
    proj = project_copy(tmp_path)
    script = (
        "import sys, time\n"
        "from helpers.kernel.supply import KernelSupply\n"
        "k = KernelSupply(); k.prestart(sys.argv[1], None)\n"
        "(_, km), = k._spares\n"
        "print(km.provisioner.pid, k.server.pid, flush=True)\n"
        "time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", script, str(proj)], stdout=subprocess.PIPE, text=True)
    try:
        kernel, server = map(int, proc.stdout.readline().split())
        assert alive(kernel) and alive(server)
        proc.kill()
        proc.wait()
        assert wait_gone(server) and wait_gone(kernel)
    finally:
        proc.kill()


@pytest.mark.parametrize("fork", [True, False])
def test_a_kernel_that_dies_names_its_cell_and_leaves_the_notebook(tmp_path, fork):
    proj = project_copy(tmp_path)
    path = write_notebook(proj, "die", "import os\nos._exit(3)")          # the kernel dies mid-report
    out = tmp_path / "die.out.ipynb"
    kernels = KernelSupply(fork=fork)
    try:
        with pytest.raises(PapermillExecutionError) as info:
            kernel.execute(path, out, {}, proj, proj / "data", kernels=kernels)
        # the next report still gets a kernel
        assert run_probe(proj, probe_notebook(proj), tmp_path / "p.ipynb", kernels)[2] == "520"
    finally:
        kernels.close()
    exc = info.value
    assert exc.ename == "DeadKernel" and "ô số 2 (import os)" in exc.evalue      # its place in the notebook
    failed = nbformat.read(out, as_version=4)
    errors = [o for c in failed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert [e.ename for e in errors] == ["DeadKernel"] and "os._exit" in failed.cells[-1].source


def test_a_cell_that_never_ends_is_stopped_at_the_cell_timeout(tmp_path):
    proj = project_copy(tmp_path)
    path = write_notebook(proj, "loop", "while True:\n    pass")
    out = tmp_path / "loop.out.ipynb"
    kernels = KernelSupply()
    try:
        with pytest.raises(PapermillExecutionError) as info:
            kernel.execute(path, out, {}, proj, proj / "data", kernels=kernels, cell_timeout=5)
        assert not kernels._running                                   # its kernel is killed, not left spinning
    finally:
        kernels.close()
    assert info.value.ename == "CellTimeout" and "ô số 2 (while True:)" in info.value.evalue
    assert "5 giây" in info.value.evalue and "--cell-timeout" in info.value.evalue
    failed = nbformat.read(out, as_version=4)
    assert failed.cells[-1].outputs[-1].ename == "CellTimeout"


@pytest.mark.parametrize("fork", [True, False])
def test_a_kernel_slower_than_a_second_to_answer_is_ready_when_it_answers(tmp_path, fork):
    """The readiness wait takes the reply to any of its kernel_info requests (it asks
    again every second): a kernel that answers after 2 s still counts as ready."""
    proj = project_copy(tmp_path)
    kernels = KernelSupply(fork=fork, warm_up="import time; time.sleep(2)")   # before any request is served
    try:
        out = run_probe(proj, probe_notebook(proj), tmp_path / "p.ipynb", kernels, prestart=False)
    finally:
        kernels.close()
    assert out[2] == "520"


@pytest.mark.parametrize(("argv", "forked"), [
    (["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"], True),
    ([sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "{connection_file}"], True),
    (["/nonexistent/python3.9", "-m", "ipykernel_launcher", "-f", "{connection_file}"], False),
    ([sys.executable, "-O", "-m", "ipykernel_launcher", "-f", "{connection_file}"], False),
    (["R", "--slave", "-e", "IRkernel::main()", "--args", "{connection_file}"], False),
])
def test_only_kernels_of_this_python_are_forked(argv, forked):
    assert (KernelServer.launch_prefix(SimpleNamespace(argv=argv)) is not None) == forked


def test_forking_can_be_turned_off(monkeypatch, tmp_path):
    monkeypatch.setenv("CCHC_FORK_KERNELS", "0")
    proj = project_copy(tmp_path)
    kernels = KernelSupply()
    try:
        out = run_probe(proj, probe_notebook(proj), tmp_path / "p.ipynb", kernels, prestart=False)
        assert kernels.server.pid is None and out[1] == str(os.getpid())   # started by us, the usual way
    finally:
        kernels.close()


def parent_of(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as fh:
        return int(fh.read().rsplit(")", 1)[1].split()[1])


@forks
def test_a_shared_server_serves_several_workers_and_cleans_up_after_each(tmp_path):
    proj = project_copy(tmp_path)
    server, address = start_shared_server()
    assert server is not None                      # (it binds its socket as it starts; clients wait for it)
    a, b = KernelSupply(), KernelSupply()
    try:
        for supply in (a, b):
            supply.server.address = address
            supply.prestart(proj, proj / "data")
        (_, km_a), = a._spares
        (_, km_b), = b._spares
        ka, kb = km_a.provisioner.pid, km_b.provisioner.pid
        assert parent_of(ka) == parent_of(kb) == server.pid == a.server.pid   # one server forked both
        a.close()                                      # worker a is done: its kernel goes, b's stays
        assert wait_gone(ka) and alive(kb) and server.poll() is None
        # a worker that dies without a word: its kernels go too
        script = ("import sys, time\nfrom helpers.kernel.supply import KernelSupply\n"
                  "k = KernelSupply(); k.server.address = sys.argv[2]; k.prestart(sys.argv[1], None)\n"
                  "(_, km), = k._spares\nprint(km.provisioner.pid, flush=True)\ntime.sleep(60)\n")
        worker = subprocess.Popen([sys.executable, "-c", script, str(proj), address], stdout=subprocess.PIPE,
                                  text=True)
        kc = int(worker.stdout.readline())
        assert parent_of(kc) == server.pid
        worker.kill()
        worker.wait()
        assert wait_gone(kc) and alive(kb)            # (the server learns of it from its socket's end)
    finally:
        stop_shared_server(server, address)           # the run is over: everything goes
        b.close()
    assert server.poll() is not None and wait_gone(kb) and not os.path.exists(os.path.dirname(address))


@forks
def test_a_pool_run_forks_every_kernel_from_one_server(tmp_path):
    """Two workers, four reports: the kernels are all children of the run's one
    kernel server, and neither the server nor a kernel outlives the run."""
    psutil = pytest.importorskip("psutil")
    proj = project_copy(tmp_path)
    me = psutil.Process()
    seen_servers, seen_kernels = set(), set()

    def servers_and_kernels():
        for p in me.children(recursive=True):
            try:
                if "helpers.kernel.server" in " ".join(p.cmdline()):
                    yield p
            except psutil.Error:
                continue

    # a server of an earlier test in this process (pytest-xdist runs many tests per worker) may still be
    # ending: only what this run starts counts
    before = {p.pid for p in servers_and_kernels()}

    def look(_outcome):
        for p in servers_and_kernels():
            try:
                if p.pid not in before:
                    (seen_kernels if p.ppid() != me.pid else seen_servers).add(p.pid)
            except psutil.Error:
                continue

    jobs = []
    for period in ("2023-09", "2023-10"):
        params = check_params({"period": period, "unit": "10", "data_dir": str(proj / "data")}, proj)
        jobs += [Job(params, report, str(tmp_path / "out"), ("html",), str(proj)) for report in
                 ("data_quality", "progress_report")]
    outcomes = run_jobs(jobs, 2, on_done=look)
    assert [o.status for o in outcomes] == ["ok"] * 4
    assert len(seen_servers) == 1 and seen_kernels                     # one server, started by this process
    assert not [p for p in servers_and_kernels() if p.pid not in before]


@forks
def test_without_a_working_server_kernels_start_the_ordinary_way(tmp_path, monkeypatch):
    def broken(*_a, **_k):
        raise RuntimeError("kernel server failed: gone")
    monkeypatch.setattr(KernelServer, "fork", broken)
    proj = project_copy(tmp_path)
    kernels = KernelSupply()
    try:
        out = run_probe(proj, probe_notebook(proj), tmp_path / "p.ipynb", kernels, prestart=False)
    finally:
        kernels.close()
    assert out[1] == str(os.getpid()) and out[2] == "520"           # our own child, and it works


PARITY = """\
import os, sys, signal, __main__, multiprocessing as mp
import matplotlib, matplotlib.pyplot as plt
print(repr([os.getcwd(), sys.argv[0].rsplit("/", 1)[-1], sys.path[:3], __main__.__name__, mp.current_process().name,
            str(signal.getsignal(signal.SIGINT)), str(signal.getsignal(signal.SIGCHLD)), matplotlib.get_backend(),
            sorted(k for k in os.environ if k.startswith(("JPY", "MPL", "PYDEVD", "CCHC_PARITY")))]))
plt.plot([1, 2])
plt.show()
"""


@forks
def test_a_forked_kernel_looks_like_a_fresh_one(tmp_path, monkeypatch):
    """What a notebook can see of its kernel is the same whether it was forked or
    started the ordinary way: working folder, argv, sys.path, signals, environment,
    and matplotlib's inline pictures."""
    monkeypatch.setenv("CCHC_PARITY", "1")
    proj = project_copy(tmp_path)
    path = write_notebook(proj, "parity", PARITY)
    seen = {}
    for fork in (True, False):
        kernels = KernelSupply(fork=fork)
        try:
            done = kernel.execute(path, tmp_path / f"parity-{fork}.ipynb", {}, proj, proj / "data", kernels=kernels)
            assert (kernels.server.pid is not None) == fork
        finally:
            kernels.close()
        outputs = done.cells[-1].outputs
        seen[fork] = (outputs[0]["text"], [sorted(o.get("data", {})) for o in outputs[1:]])
    assert seen[True] == seen[False]
    assert seen[True][1] == [["image/png", "text/plain"]]


FROZEN_PROBE = """\
import sys
from jupyter_core.utils import run_sync
from helpers.kernel.supply import KernelSupply
kernels = KernelSupply(kernel_name="plain", fork=sys.argv[1] == "fork")
km = kernels.take(sys.argv[2])
kc = km.client()
kc.start_channels()
run_sync(kc.wait_for_ready)(60)
reply = run_sync(kc.execute_interactive)("import debugpy, os; print(os.environ['PYDEVD_DISABLE_FILE_VALIDATION'])",
                                          timeout=60)
print(reply["content"]["status"], kernels.server.pid is not None)
kc.stop_channels()
kernels.discard(km)
kernels.close()
"""


@pytest.mark.parametrize("fork", [True, False])
def test_no_debugger_warning_about_frozen_modules(tmp_path, fork):
    """A kernel spec without ``-Xfrozen_modules=off`` (a system-wide one) still starts
    kernels that do not warn about the debugger: the warning is switched off in the
    kernel's (and the kernel server's) environment."""
    spec = tmp_path / "jupyter" / "kernels" / "plain"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "plain", "language": "python"}), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYDEVD_DISABLE_FILE_VALIDATION"}
    env["JUPYTER_PATH"] = str(tmp_path / "jupyter")
    # this Python does warn when nothing switches the warning off
    control = subprocess.run([sys.executable, "-c", "import ipykernel.debugger"], env=env, capture_output=True,
                             text=True, timeout=120)
    assert "frozen modules" in control.stderr
    r = subprocess.run([sys.executable, "-c", FROZEN_PROBE, "fork" if fork else "plain", str(tmp_path)], env=env,
                       capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["1", "ok", str(fork and FORKING)]          # the kernel printed, then we did
    assert "frozen modules" not in r.stderr


@forks
def test_papermill_itself_runs_notebooks_with_our_engine(tmp_path):
    """The engine is registered by entry point: plain ``papermill --engine cchc``
    runs the notebook in a kernel forked by our kernel server."""
    proj = project_copy(tmp_path)
    path = write_notebook(proj, "who", "import os\nprint(open(f'/proc/{os.getppid()}/cmdline').read().split('\\0'))")
    out = tmp_path / "who.out.ipynb"
    papermill = Path(sys.executable).with_name("papermill")
    r = subprocess.run([str(papermill), "--engine", "cchc", str(path), str(out), "-p", "period", "2023-11"],
                       cwd=proj, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    done = nbformat.read(out, as_version=4)
    assert "helpers.kernel.server" in done.cells[-1].outputs[0]["text"]     # the kernel's parent: our server
    assert 'period = "2023-11"' in done.cells[1].source                     # papermill's parameters, injected
