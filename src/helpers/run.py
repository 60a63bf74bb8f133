"""One report: parameters -> execute (papermill engine) -> executed notebook with
the glued result -> exporters (HTML, PDF) -> outputs written atomically.

The kernel computes the report once (``report.glue()`` in the notebook's last
cell hands over title, header, language and metrics); this module reads that
back and never rebuilds a ``Report`` or checks the data again. A failed run keeps
the previous good files and leaves the executed notebook beside them as
``<report>.failed.ipynb``; a data error leaves nothing new.

Kernels: every report runs in a kernel of its own, from
:class:`helpers.kernels.KernelSupply` rather than papermill, so that a worker can
fork the next report's kernel while the current report renders, and kill a used
kernel at once instead of waiting for it to exit (papermill's graceful shutdown
waits up to seconds for a slow exit)."""

from __future__ import annotations

import functools
import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import files
from .errors import CatalogueError, DataError, ParameterError, ReportError
from .kernels import KERNEL_NAME, KERNELS, KernelSupply
from .params import ReportParams, project_root, resolve_data_dir

DEFAULT_REPORTS = ("progress_report", "data_quality")
LOCKS_FOLDER = ".locks"               # under --out: never inside a report folder


def start_up() -> None:
    """The runner's process start-up (the command line, pool workers, Dask workers).

    ``import jsonschema`` (done by nbformat) also imports the optional format
    checkers; ``rfc3987_syntax`` (installed with the jupyter metapackage and with
    JupyterLab's dependencies) builds a grammar at import: about a second or more
    per process, for a check nothing here uses. Keep it out of the runner."""
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


@dataclass
class Outcome:
    report: str
    period: str
    unit: str
    status: str                       # "ok", "failed", "skipped"
    folder: Path
    files: list = field(default_factory=list)
    error: str = ""
    failed_notebook: str = ""
    seconds: float = 0.0
    worker: int = 0                   # process id of the runner
    peak_mb: float = 0.0              # the runner's peak resident memory so far
    kernel_peak_mb: float = 0.0       # the largest of its finished kernels


def notebook_path(report: str, root: Path) -> Path:
    path = root / "notebooks" / f"{report}.ipynb"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in (root / "notebooks").glob("*.ipynb")))
        raise ParameterError(f"không có báo cáo {report!r}", hint=f"các báo cáo có: {known}")
    return path


def output_folder(out_dir: Path, params: ReportParams) -> Path:
    """``<out>/<period>/<unit>``, refused unless it lies inside ``out_dir``."""
    return files.inside(out_dir, Path(out_dir) / params.period.code / params.unit)


def output_stem(report: str, params: ReportParams) -> str:
    """``progress_report`` (Vietnamese) or ``progress_report.en``: editions sit side by side."""
    return report + params.stem_suffix


def report_lock(out_dir: Path, params: ReportParams, name: str):
    """An exclusive lock for one report folder's ``name`` (``<out>/.locks/<period>/<unit>/``)."""
    path = Path(out_dir) / LOCKS_FOLDER / params.period.code / params.unit / f"{name}.lock"
    return files.lock(files.inside(out_dir, path))


_ENGINE = "cchc"


@functools.cache
def _register_engine():
    """A papermill engine that runs the notebook in a kernel we provide (``km``),
    through a client already connected to it when there is one (``kc``: it was
    connected while the kernel started, so the readiness handshake is immediate),
    and closes the client's channels afterwards (papermill leaves that to the
    owner of the kernel manager). Once per process."""
    from jupyter_core.utils import run_sync
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class Client(PapermillNotebookClient):
        connected = None

        async def async_start_new_kernel_client(self):
            from nbclient.util import run_hook

            from .kernels import wait_until_ready
            kc, self.connected = self.connected, None
            if kc is None:
                kc = self.km.client()
                kc.start_channels(hb=False)
            self.kc = kc
            try:
                await wait_until_ready(kc, self.startup_timeout)
            except Exception:
                await self._async_cleanup_kernel()
                raise
            kc.allow_stdin = False
            await run_hook(self.on_notebook_start, notebook=self.nb)
            return kc

        start_new_kernel_client = run_sync(async_start_new_kernel_client)   # the sync twin calls ours

    class Engine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            import logging
            kwargs.pop("input_path", None)
            kwargs.pop("startup_timeout", None)
            connected = kwargs.pop("kc", None)
            timeout = kwargs.pop("timeout", None)
            timeout = execution_timeout or timeout
            client = Client(nb_man, timeout=timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
                            log=logging.getLogger("papermill"), log_output=log_output, stdout_file=stdout_file,
                            stderr_file=stderr_file, **kwargs)
            client.connected = connected
            try:
                return client.execute()
            finally:
                kc = client.kc or connected
                if kc is not None:
                    kc.stop_channels()
                    client.kc = None

    papermill_engines.register(_ENGINE, Engine)


def execute(nb_path: Path, params: ReportParams, root: Path, output_path: Path, *, prestart: bool = False,
            kernels: KernelSupply | None = None):
    """Run the notebook with papermill into ``output_path``; returns the executed
    NotebookNode. On a failing cell papermill writes the notebook with its error
    banner to ``output_path`` and raises PapermillExecutionError. The kernel runs
    in ``root`` and is killed as soon as the notebook is done; with ``prestart``
    the next report's kernel is started then."""
    import papermill as pm
    kernels = kernels or KERNELS
    _register_engine()
    parameters = params.model_dump()
    data_dir = resolve_data_dir(params.data_dir, root)
    parameters["data_dir"] = str(data_dir)
    km = kernels.take(root, data_dir)
    kc = kernels.connected_client(km)
    stopping = False
    try:
        return pm.execute_notebook(str(nb_path), str(output_path), parameters=parameters, engine_name=_ENGINE,
                                   km=km, kc=kc, kernel_name=KERNEL_NAME, progress_bar=False, log_output=False,
                                   request_save_on_cell_execute=False)
    except (KeyboardInterrupt, SystemExit):
        stopping = True
        # the client's pending reads end with "Kernel died" once the kernel is killed: not news
        import logging
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        raise
    finally:
        kernels.discard(km)
        if prestart and not stopping:
            kernels.prestart(root, data_dir)


# -- one report -----------------------------------------------------------------------------------
# Errors a notebook's first cell raises for its parameters or data: the same errors as ours, no failed notebook.
_KERNEL_INPUT_ERRORS = {"DataError": DataError, "ParameterError": ParameterError, "CatalogueError": CatalogueError}


def run_report(params: ReportParams, report: str = "progress_report", out_dir="reports",
               formats=("html", "pdf"), root=None, fingerprint: str | None = None, *,
               prestart: bool = False) -> Outcome:
    """Render one report. Raises DataError/ReportError; writes nothing on failure
    except the ``.failed.ipynb`` notebook of a failing cell. ``prestart``: more reports
    follow in this process, so start the next kernel while this one renders."""
    import time

    from papermill.exceptions import PapermillExecutionError

    from . import glue, render

    started = time.perf_counter()
    root = Path(root) if root else project_root()
    nb_path = notebook_path(report, root)
    out_dir = Path(out_dir)
    folder = output_folder(out_dir, params)
    stem = output_stem(report, params)
    failed = files.inside(out_dir, folder / f"{stem}.failed.ipynb")
    with tempfile.TemporaryDirectory(prefix="cchc-") as tmp:
        executed = Path(tmp) / f"{stem}.ipynb"
        try:
            nb = execute(nb_path, params, root, executed, prestart=prestart)
        except PapermillExecutionError as exc:
            if exc.ename in _KERNEL_INPUT_ERRORS:
                raise _KERNEL_INPUT_ERRORS[exc.ename](exc.evalue) from None
            if executed.is_file():
                try:
                    _write(out_dir, failed, executed.read_bytes(), "wb")
                except OSError as write_exc:
                    raise files.write_error(folder, write_exc) from None
            raise _failure(report, params, failed, f"{exc.ename}: {exc.evalue}") from None
        notebook_text = executed.read_text(encoding="utf-8")   # papermill wrote it once, at the end
    result = _checked_result(glue.read(nb, str(nb_path)), params, nb_path)
    outputs = {folder / f"{stem}.ipynb": notebook_text}
    if "html" in formats or "pdf" in formats:
        html = render.notebook_to_html(nb, title=result["title"], header=result["header"], lang=params.language)
        if "html" in formats:
            outputs[folder / f"{stem}.html"] = html
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if "pdf" in formats:
            pdf = files.inside(out_dir, folder / f"{stem}.pdf")
            with files.replacing(pdf) as pdf_tmp:
                try:
                    render.html_to_pdf(html, pdf_tmp, base_url=str(folder))
                except Exception as exc:
                    raise ReportError(f"không tạo được PDF: {exc}") from exc
                for path, text in outputs.items():
                    _write(out_dir, path, text)
            outputs[pdf] = None
        else:
            for path, text in outputs.items():
                _write(out_dir, path, text)
        # metrics.json is shared by the folder's reports and editions: read, merge and write it under
        # one lock; written last, so that its fingerprint never vouches for files not yet in place
        with report_lock(out_dir, params, "metrics.json"):
            _write(out_dir, folder / "metrics.json",
                   json.dumps(_merged_metrics(folder, result["metrics"], stem, fingerprint), ensure_ascii=False,
                              indent=1))
    except OSError as exc:
        raise files.write_error(folder, exc) from None
    failed.unlink(missing_ok=True)
    written = sorted(str(p) for p in outputs) + [str(folder / "metrics.json")]
    return Outcome(report, params.period.code, params.unit, "ok", folder, written,
                   seconds=time.perf_counter() - started)


def _write(out_dir: Path, path: Path, data, mode: str = "w") -> None:
    files.atomic_write(files.inside(out_dir, path), data, mode)


def _checked_result(result: dict, params: ReportParams, nb_path: Path) -> dict:
    """The glued result must be the report that was asked for."""
    metrics = result["metrics"]
    asked = (params.period.code, params.unit, params.language)
    got = (metrics.get("period"), metrics.get("unit"), result.get("language"))
    if got != asked:
        raise ReportError(f"sổ tay lập báo cáo {got} thay vì {asked}", file=nb_path,
                          hint="ô tham số phải dùng period, unit, data_dir, language được truyền vào")
    return result


def _merged_metrics(folder: Path, metrics: dict, stem: str, fingerprint) -> dict:
    """Keep the other reports' (and editions') fingerprints of this folder in metrics.json."""
    try:
        old = json.loads((folder / "metrics.json").read_text(encoding="utf-8")).get("fingerprints", {})
    except (OSError, ValueError):
        old = {}
    old = {k: v for k, v in old.items() if k != stem}
    if fingerprint:
        old[stem] = fingerprint
    return {**metrics, "fingerprints": old}


def _failure(report, params, failed: Path, cause: str) -> ReportError:
    return ReportError(f"báo cáo {report} ({params.period.code}, {params.unit}) lỗi khi chạy: {cause}",
                       failed_notebook=failed)
