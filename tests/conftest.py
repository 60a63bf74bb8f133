"""Shared fixtures: small data folders written per test, and the project root; the rules behind the
``e2e`` and ``units`` markers."""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import io
import json
import os
import select
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Kernels are forked from a kernel server unless the platform cannot (no os.fork) or
# CCHC_FORK_KERNELS=0 says not to (`make test` runs the kernel and batch tests both ways).
FORKING = hasattr(os, "fork") and os.environ.get("CCHC_FORK_KERNELS", "1") != "0"
forks = pytest.mark.skipif(not FORKING, reason="kernels are not forked here (no os.fork, or CCHC_FORK_KERNELS=0)")

# Tests that run notebooks in kernels, render reports or run `cchc-report run` are marked ``e2e``:
# a module of them says ``pytestmark = pytest.mark.e2e``, a test elsewhere carries ``@pytest.mark.e2e``.
# `make test-fast` (pytest -m "not e2e") runs the rest, and a test outside e2e that starts a kernel fails.

# `cchc-report units` reads the official lists of the optional extra [units]; tests marked ``units``
# are skipped where it is not installed (pip install -e ".[test]").
UNITS_EXTRA = all(importlib.util.find_spec(name) for name in ("vietnam_provinces", "vietnamadminunits"))

_current = types.SimpleNamespace(e2e=True)     # whether the test running now is marked e2e


def pytest_runtest_setup(item):
    _current.e2e = bool(item.get_closest_marker("e2e"))
    if item.get_closest_marker("units") and not UNITS_EXTRA:
        pytest.skip('needs the optional extra [units] (vietnam-provinces, vietnamadminunits): '
                    'pip install -e ".[units]"')


@pytest.fixture(autouse=True)
def kernels_only_in_e2e(request, monkeypatch):
    """A test not marked ``e2e`` that starts a Jupyter kernel in this process fails, saying to mark it
    (``cli`` runs its commands in this process; a test's own ``subprocess.run`` is out of its sight)."""
    if _current.e2e:
        yield
        return
    from jupyter_client.manager import AsyncKernelManager, KernelManager
    mistake = (f"{request.node.nodeid} starts a Jupyter kernel: mark it @pytest.mark.e2e "
               "(or its module pytestmark = pytest.mark.e2e)")
    started = []

    def refuse(manager, *args, **kwargs):
        started.append(manager.kernel_name)
        raise RuntimeError(mistake)

    for manager in (KernelManager, AsyncKernelManager):
        monkeypatch.setattr(manager, "start_kernel", refuse)
    yield
    if started:                         # also when the code under test caught the RuntimeError
        pytest.fail(mistake, pytrace=False)


UNITS = """code,name_vi,name_en,level,parent
10,Tỉnh Thử,Test Province,province,
080,Thành phố Thử,Test City,district,10
082,Huyện Bát Xát,Bát Xát District,district,10
"""


def write_data(base: Path, periods: dict[str, str | bytes], units: str = UNITS, extra: dict | None = None) -> Path:
    """A data folder with ``units.csv`` and ``periods/<name>`` files."""
    data = base / "data"
    (data / "periods").mkdir(parents=True, exist_ok=True)
    (data / "units.csv").write_text(units, encoding="utf-8")
    for name, content in periods.items():
        path = data / "periods" / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    for name, content in (extra or {}).items():
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_text(content, encoding="utf-8")
    return data


def long_form_book(*rows, header=("unit", "indicator", "value")):
    """An Excel workbook in the long form (sheet ``so_lieu``): ``(workbook, sheet)``, not yet saved."""
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "so_lieu"
    for row in ([header] if header else []) + list(rows):
        ws.append(list(row))
    return wb, ws


def csv_rows(*rows: str) -> str:
    return "unit,indicator,value,note\n" + "\n".join(rows) + "\n"


def cli(*args, cwd) -> subprocess.CompletedProcess:
    """``cchc-report ARGS`` from ``cwd``: its exit status, stdout and stderr. A test marked ``e2e`` runs it
    as a user does, in a process of its own; the others call ``helpers.cli.main`` in this process (the
    same command without an interpreter to start)."""
    if _current.e2e:
        return subprocess.run([sys.executable, "-m", "helpers.cli", *args], cwd=cwd, capture_output=True, text=True)
    from helpers.cli import main
    out, err, here = io.StringIO(), io.StringIO(), os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([str(a) for a in args])
            except SystemExit as exc:               # argparse: --help, a usage error
                code = exc.code
    finally:
        os.chdir(here)
    return subprocess.CompletedProcess(args, code or 0, out.getvalue(), err.getvalue())


def project_copy(tmp_path: Path) -> Path:
    """A copy of the project (pyproject, notebooks, data, params) to change freely."""
    proj = tmp_path / "proj"
    proj.mkdir()
    shutil.copy(ROOT / "pyproject.toml", proj)
    for folder in ("notebooks", "data", "params"):
        shutil.copytree(ROOT / folder, proj / folder)
    return proj


@functools.cache
def _metrics_validator():
    import jsonschema

    from helpers.results import SCHEMA_PATH
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def assert_valid_metrics(path: Path) -> dict:
    """The metrics.json at ``path``, after checking it against the shipped JSON Schema
    (``helpers/schemas/metrics.schema.json``); every test that produces one reads it
    through here."""
    metrics = json.loads(Path(path).read_text(encoding="utf-8"))
    errors = [f"{e.json_path}: {e.message}" for e in _metrics_validator().iter_errors(metrics)]
    assert not errors, f"{path} does not match metrics.schema.json:\n" + "\n".join(errors[:20])
    return metrics


def alive(pid: int) -> bool:
    """The process runs (a zombie, or a process that is reaped as we look, is gone)."""
    try:
        os.kill(pid, 0)
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except (ProcessLookupError, FileNotFoundError):
        return False
    except OSError:                     # no /proc (macOS): kill(0) succeeded
        return True


def wait_gone(pid: int, seconds: float = 20) -> bool:
    """Wait for the process to end, at most ``seconds``: the event itself, through a
    pidfd, which names this process and no later one with the same number."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        ended, _, _ = select.select([fd], [], [], seconds)
    finally:
        os.close(fd)
    return bool(ended)


@pytest.fixture
def root() -> Path:
    return ROOT
