"""The papermill engine ``cchc``: papermill's notebook client, run in a kernel from
:class:`~helpers.kernel.supply.KernelSupply` instead of one papermill starts and
stops itself. Registered through the entry point group ``papermill.engine``
(pyproject.toml), so ``papermill --engine cchc in.ipynb out.ipynb`` uses it too.
papermill imports this module when ``papermill.engines`` is first imported: reach
it through papermill (``import papermill.engines``), not by importing it first.

Why not papermill's own kernel handling: the supply forks a kernel from a warm
kernel server and can start the next report's kernel while this process renders
the current report; a used kernel is killed at once (papermill's graceful
shutdown waits up to seconds for a slow exit).

A cell that runs longer than ``execution_timeout`` seconds, or a kernel that dies,
fails the notebook like an error in a cell: the cell gets an error output naming
what happened, papermill's error banner is added, the notebook is written to its
output path, and :class:`papermill.exceptions.PapermillExecutionError` is raised."""

from __future__ import annotations

import logging
import os

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine

from ..text import t
from .supply import KERNELS, KernelSupply


class _CellFailed(Exception):
    """A cell timed out or its kernel died; ``nb``: the notebook, the cell marked."""

    def __init__(self, nb):
        self.nb = nb
        super().__init__()


class CchcEngine(NBClientEngine):
    @classmethod
    def execute_notebook(cls, nb, kernel_name, output_path=None, final_output_path=None, **kwargs):
        """``final_output_path``: where papermill writes the notebook when it is done
        (it gives an engine no ``output_path`` when it writes the notebook only once,
        at the end), for a notebook that a timeout or a dead kernel ends."""
        try:
            return super().execute_notebook(nb, kernel_name, output_path=output_path, **kwargs)
        except _CellFailed as failed:       # papermill adds its banner, writes the notebook and raises
            from papermill.execute import raise_for_execution_errors
            raise_for_execution_errors(failed.nb, output_path or final_output_path)
            raise                           # (not reached: the failed cell has an error output)

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, kernel_cwd=None, data_dir=None,
                                 prestart=False, kernels: KernelSupply | None = None, **kwargs):
        """Papermill's ``execute_managed_notebook``, plus: ``kernel_cwd`` (the
        kernel's working folder, default ours), ``data_dir`` (for the kernel server
        to read ahead), ``prestart`` (start the next kernel once this one is done),
        ``kernels`` (default: this process's supply)."""
        kernels = kernels or KERNELS
        if kernel_name != kernels.kernel_name:          # a kernel we do not supply: papermill's own way
            return super().execute_managed_notebook(
                nb_man, kernel_name, log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file,
                start_timeout=start_timeout, execution_timeout=execution_timeout, **kwargs)
        for name in ("input_path", "timeout", "startup_timeout"):
            kwargs.pop(name, None)
        cwd = str(kernel_cwd or os.getcwd())
        km = kernels.take(cwd, data_dir)
        client = PapermillNotebookClient(nb_man, km=km, timeout=execution_timeout, startup_timeout=start_timeout,
                                         kernel_name=kernel_name, log=logging.getLogger("papermill"),
                                         log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file,
                                         **kwargs)
        stopping = False
        try:
            return client.execute()
        except (CellTimeoutError, DeadKernelError) as exc:
            fail_running_cell(nb_man, exc, execution_timeout)
        except (KeyboardInterrupt, SystemExit):
            stopping = True
            # the client's pending reads end with "Kernel died" once the kernel is killed: not news
            logging.getLogger("asyncio").setLevel(logging.CRITICAL)
            raise
        finally:
            if client.kc is not None:
                client.kc.stop_channels()
            kernels.discard(km)
            if prestart and not stopping:
                kernels.prestart(cwd, data_dir)


def fail_running_cell(nb_man, exc: Exception, timeout) -> None:
    """Record a cell that timed out or whose kernel died as the notebook's failing
    cell (an error output saying which and what to do), and stop the notebook."""
    nb = nb_man.nb
    index = max((i for i, c in enumerate(nb.cells) if c.get("metadata", {}).get("papermill", {}).get("start_time")),
                default=0)
    cell = nb.cells[index]
    line = next((s for s in cell.source.splitlines() if s.strip()), "").strip()
    # its place in the notebook as written (papermill's injected parameters cell not counted)
    number = 1 + sum("injected-parameters" not in c.get("metadata", {}).get("tags", []) for c in nb.cells[:index])
    lang = nb.metadata.get("papermill", {}).get("parameters", {}).get("language", "vi")
    where = t(lang, "kernel.cell_line" if line else "kernel.cell", number=number, line=line[:80])
    if isinstance(exc, CellTimeoutError):
        ename = "CellTimeout"
        evalue = t(lang, "error.kernel.cell_timeout", where=where, seconds=f"{timeout:g}")
    else:
        ename = "DeadKernel"
        evalue = t(lang, "error.kernel.dead", where=where)
    if cell.cell_type == "code":
        cell.outputs.append(nbformat.v4.new_output("error", ename=ename, evalue=evalue,
                                                   traceback=[f"{ename}: {evalue}"]))
    nb_man.cell_exception(cell, cell_index=index, exception=exc)
    raise _CellFailed(nb) from None
