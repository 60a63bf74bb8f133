"""Running a report notebook: one call, :func:`execute`.

- :mod:`.supply`: a fresh kernel per report, the next one started while the current
  report renders (``KERNELS``: this process's supply);
- :mod:`.server`: the kernel server, a process that has imported the libraries once
  and forks each kernel (``python -m helpers.kernel.server``), and :mod:`.fork`, this
  process's side of it;
- :mod:`.engine`: the papermill engine ``cchc`` that runs a notebook in a supplied
  kernel (registered by entry point: ``papermill --engine cchc`` works too);
- :mod:`.lifetime`: every process a run starts ends with it.

Importing this package imports nothing else (the kernel server imports it first)."""

from __future__ import annotations

from pathlib import Path

PRELOAD_VARIABLE = "CCHC_KERNEL_PRELOAD"        # modules report kernels preload, comma-separated
DEFAULT_PRELOAD = ("helpers.report_kernel",)
DEFAULT_CELL_TIMEOUT = 600      # seconds one notebook cell may run (``run --cell-timeout``)
ENGINE_NAME = "cchc"            # the papermill engine of .engine (entry point in pyproject.toml)


def execute(nb_path: Path, output_path: Path, parameters: dict, cwd: Path, data_dir: Path, *,
            prestart: bool = False, cell_timeout: float | None = None, kernels=None):
    """Run the notebook with papermill (engine ``cchc``) into ``output_path``; return
    the executed NotebookNode. The kernel runs in ``cwd`` and is killed as soon as
    the notebook is done; with ``prestart`` the next report's kernel is started then.
    A cell that fails, runs longer than ``cell_timeout`` seconds (None: no limit) or
    kills its kernel raises ``PapermillExecutionError`` naming the cell, the failed
    notebook written to ``output_path``. ``kernels``: a ``KernelSupply`` (default:
    this process's)."""
    import papermill as pm

    from .fork import KERNEL_NAME
    _check_engine()
    return pm.execute_notebook(str(nb_path), str(output_path), parameters=parameters, engine_name=ENGINE_NAME,
                               kernel_name=KERNEL_NAME, progress_bar=False, log_output=False,
                               request_save_on_cell_execute=False, final_output_path=str(output_path),
                               execution_timeout=cell_timeout,
                               kernel_cwd=str(cwd), data_dir=str(data_dir) if data_dir else None,
                               prestart=prestart, kernels=kernels)


def preloaded_modules() -> list[str]:
    """The modules every report kernel imports before it serves a request (and the kernel
    server before it forks one): ``CCHC_KERNEL_PRELOAD`` (module names, comma-separated), else
    :data:`DEFAULT_PRELOAD`. In the kernel server, a preloaded module's ``warm_up()`` runs once
    and its ``read_ahead(data_dir)`` before each fork, when it has them."""
    import os
    names = [n.strip() for n in os.environ.get(PRELOAD_VARIABLE, "").split(",") if n.strip()]
    return names or list(DEFAULT_PRELOAD)


def _check_engine() -> None:
    """The engine comes from the package's entry points: an install made before it
    was declared lacks it (one line saying what to do, not papermill's traceback)."""
    from papermill.engines import papermill_engines
    from papermill.exceptions import PapermillException

    from ..errors import ReportError
    try:
        papermill_engines.get_engine(ENGINE_NAME)
    except PapermillException:
        raise ReportError("error.kernel.no_engine", engine=ENGINE_NAME) from None
