"""Shared fixtures: small data folders written per test, and the project root."""

from __future__ import annotations

import functools
import json
import os
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Kernels are forked from a kernel server unless the platform cannot (no os.fork) or
# CCHC_FORK_KERNELS=0 says not to (`make test` runs the kernel and batch tests both ways).
FORKING = hasattr(os, "fork") and os.environ.get("CCHC_FORK_KERNELS", "1") != "0"
forks = pytest.mark.skipif(not FORKING, reason="kernels are not forked here (no os.fork, or CCHC_FORK_KERNELS=0)")

# Modules whose tests run notebooks in kernels, render reports or run `cchc-report run`: marked
# ``e2e`` (a test elsewhere that does so carries ``@pytest.mark.e2e`` itself). `make test-fast`
# (pytest -m "not e2e") runs the rest.
E2E_MODULES = {"test_batch", "test_kernels", "test_month_workflow", "test_notebooks", "test_other_province",
               "test_outputs", "test_render", "test_reports", "test_review", "test_sample_data"}


def pytest_collection_modifyitems(items):
    for item in items:
        if item.module.__name__ in E2E_MODULES:
            item.add_marker(pytest.mark.e2e)

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
    """``cchc-report ARGS`` run as a user runs it, from ``cwd``."""
    return subprocess.run([sys.executable, "-m", "helpers.cli", *args], cwd=cwd, capture_output=True, text=True)


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
