"""The kernel package's small parts, without running a kernel: processes that end
with their parent, the engine's registration, the --cell-timeout option."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import wait_gone

from helpers import kernel
from helpers.errors import ReportError

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pidfd and prctl are Linux's")

# A parent that starts a child asking to end with it, prints the child's pid, then waits.
PARENT = """\
import os, sys, time
from helpers.kernel import lifetime
parent = os.getpid()
pid = os.fork()
if pid == 0:
    if sys.argv[1] == "pdeathsig":
        lifetime.die_with_parent(parent)
    else:
        lifetime.exit_with(parent)
    print(os.getpid(), flush=True)
    time.sleep(120)
    os._exit(0)
time.sleep(120)
"""


@linux
@pytest.mark.parametrize("how", ["pdeathsig", "pidfd"])
def test_a_child_ends_when_its_parent_is_killed(how):
    parent = subprocess.Popen([sys.executable, "-c", PARENT, how], stdout=subprocess.PIPE, text=True)
    try:
        child = int(parent.stdout.readline())
        assert not wait_gone(child, 0)                      # alive while its parent is
        parent.kill()
        parent.wait()
        assert wait_gone(child)                             # and ended by the system with it
    finally:
        parent.kill()


def test_the_engine_is_registered_by_entry_point():
    from papermill.engines import papermill_engines
    assert papermill_engines.get_engine(kernel.ENGINE_NAME).__module__ == "helpers.kernel.engine"


def test_a_missing_engine_says_how_to_install_it(monkeypatch):
    from papermill.engines import papermill_engines
    from papermill.exceptions import PapermillException

    def missing(name=None):
        raise PapermillException(f"No engine named '{name}' found")
    monkeypatch.setattr(papermill_engines, "get_engine", missing)
    with pytest.raises(ReportError, match=r'pip install -e "\.\[dev\]"'):
        kernel.execute("in.ipynb", "out.ipynb", {}, ".", None)


@pytest.mark.parametrize("value", ["0", "-5", "nan", "inf", "soon"])
def test_cell_timeout_must_be_a_number_of_seconds(value, capsys, tmp_path):
    from helpers import cli
    with pytest.raises(SystemExit) as info:
        cli.main(["run", "--period", "2023-10", "--cell-timeout", value, "--out", str(tmp_path / "out")])
    assert info.value.code == 2 and "--cell-timeout" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


PUBLISH = """\
import sys
from pathlib import Path
from helpers import files
from helpers.kernel import lifetime
target = Path(sys.argv[1])
tmp = files.temporary_beside(target)
Path(tmp).write_text("new", encoding="utf-8")
lifetime.RUN_PID = int(sys.argv[2])          # as exit_with sets it, without the watch that would kill us first
files.publish(tmp, target)
"""


def test_a_worker_whose_run_has_died_publishes_nothing(tmp_path):
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(ended.stdout)
    target = tmp_path / "report.html"
    target.write_text("good", encoding="utf-8")
    r = subprocess.run([sys.executable, "-c", PUBLISH, str(target), str(dead)], capture_output=True, text=True)
    assert r.returncode == -9, r.stderr                         # ended by SIGKILL before the rename
    assert target.read_text(encoding="utf-8") == "good"
    alive = subprocess.run([sys.executable, "-c", PUBLISH, str(target), str(os.getpid())], capture_output=True,
                           text=True)
    assert alive.returncode == 0 and target.read_text(encoding="utf-8") == "new"


def test_temporary_folders_of_killed_processes_are_swept(tmp_path, monkeypatch):
    from helpers.kernel import lifetime
    monkeypatch.setattr(lifetime.tempfile, "tempdir", str(tmp_path))
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / f"cchc-run-{int(ended.stdout)}-abc"
    mine = Path(lifetime.temporary_folder("run"))
    other = tmp_path / "cchc-something-else"
    for folder in (dead, other):
        folder.mkdir()
    (dead / "report.ipynb").write_text("{}", encoding="utf-8")
    lifetime.sweep_temporary_folders()
    assert not dead.exists() and mine.is_dir() and other.is_dir()
