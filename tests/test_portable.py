"""The package on a platform without POSIX extras (Windows): no ``fcntl``, no ``os.fork``, no
``os.getuid``. Simulated here in a subprocess that takes them away before anything imports them."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from conftest import csv_rows, write_data

pytestmark = pytest.mark.e2e

WITHOUT_POSIX = textwrap.dedent("""
    import os, sys
    sys.modules["fcntl"] = None                  # import fcntl: ImportError, as on Windows
    del os.fork, os.getuid
    import importlib, pkgutil
    import papermill                             # first: it imports helpers.kernel.engine, its engine entry point
    import helpers
    for module in pkgutil.walk_packages(helpers.__path__, "helpers."):
        importlib.import_module(module.name)
    assert "fcntl" not in {m.split(".")[0] for m in sys.modules if sys.modules[m] is not None}
    from helpers.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def test_every_module_imports_and_a_report_renders_without_fcntl_fork_or_getuid(tmp_path):
    write_data(tmp_path, {"2023-10.csv": csv_rows("10,cchc_plan_tasks_done,5,", "080,cchc_plan_tasks_done,4,")})
    env = {**os.environ, "CCHC_FORK_KERNELS": "0"}       # what a platform without fork gets
    r = subprocess.run([sys.executable, "-c", WITHOUT_POSIX, "run", "--period", "2023-10", "--unit", "10",
                        "--report", "progress_report", "--formats", "html", "--out", "out", "--lang", "en"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Traceback" not in r.stdout + r.stderr
    assert (tmp_path / "out" / "2023-10" / "10" / "progress_report.en.html").is_file()
    assert (tmp_path / "out" / "index.html").is_file()
