"""One report: parameters -> papermill -> HTML, PDF, metrics.json, with atomic
writes. A failed run keeps the previous good files and leaves the executed
notebook beside them as ``<report>.failed.ipynb``.

Kernels: every report runs in a kernel of its own, from
:class:`helpers.kernels.KernelSupply` rather than papermill, so that a worker can
fork the next report's kernel while the current report renders, and kill a used
kernel at once instead of waiting for it to exit (papermill's graceful shutdown
waits up to seconds for a slow exit)."""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataError, ReportError
from .findings import errors as only_errors
from .kernels import KERNEL_NAME, KERNELS, KernelSupply
from .load import load_data_cached
from .params import ReportParams, project_root, resolve_data_dir

# ``import jsonschema`` (done by nbformat) also imports the optional format
# checkers; ``rfc3987_syntax`` (installed with the jupyter metapackage and with
# JupyterLab's dependencies) builds a grammar at import: about a second or more
# per process, for a check nothing here uses. Keep it out of the runner.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)

DEFAULT_REPORTS = ("progress_report", "data_quality")


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
        from .errors import ParameterError
        known = ", ".join(sorted(p.stem for p in (root / "notebooks").glob("*.ipynb")))
        raise ParameterError(f"không có báo cáo {report!r}", hint=f"các báo cáo có: {known}")
    return path


def output_folder(out_dir: Path, params: ReportParams) -> Path:
    return Path(out_dir) / params.period / params.unit


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _umask()


def _publish(tmp, path: Path) -> None:
    """Give a temporary file ordinary permissions and rename it over ``path``."""
    os.chmod(tmp, 0o666 & ~_UMASK)     # mkstemp makes 0600 files
    os.replace(tmp, path)


def atomic_write(path: Path, data, mode="w"):
    """Write beside the target, then rename over it (never a half-written file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **({"encoding": "utf-8"} if "b" not in mode else {})) as fh:
            fh.write(data)
        _publish(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def folder_lock(folder: Path, name: str):
    """An exclusive lock (``<folder>/.<name>.lock``, fcntl) held across processes."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f".{name}.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def check_data(params: ReportParams, root: Path):
    """Load and check the data before any kernel starts; errors raise DataError."""
    from .validate import check
    ds = load_data_cached(resolve_data_dir(params.data_dir, root))
    errs = only_errors(check(ds, [params.period]))
    if errs:
        raise DataError(f"số liệu có {len(errs)} lỗi: " + errs[0].line(), findings=errs)
    return ds


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
def run_report(params: ReportParams, report: str = "progress_report", out_dir="reports",
               formats=("html", "pdf"), root=None, fingerprint: str | None = None, *,
               prestart: bool = False) -> Outcome:
    """Render one report. Raises DataError/ReportError; writes nothing on failure
    except the ``.failed.ipynb`` notebook. ``prestart``: more reports follow in
    this process, so start the next kernel while this one renders."""
    import time

    from papermill.exceptions import PapermillExecutionError

    from . import render
    from .periods import Period
    from .report import Report

    started = time.perf_counter()
    root = Path(root) if root else project_root()
    nb_path = notebook_path(report, root)
    folder = output_folder(Path(out_dir), params)
    ds = check_data(params, root)
    failed = folder / f"{report}.failed.ipynb"
    with tempfile.TemporaryDirectory(prefix="cchc-") as tmp:
        executed = Path(tmp) / f"{report}.ipynb"
        try:
            nb = execute(nb_path, params, root, executed, prestart=prestart)
        except PapermillExecutionError as exc:
            if executed.is_file():
                atomic_write(failed, executed.read_bytes(), "wb")
            raise _failure(report, params, failed, f"{exc.ename}: {exc.evalue}") from None
        notebook_text = executed.read_text(encoding="utf-8")   # papermill wrote it once, at the end
    # title, header and metrics.json from the data just loaded and checked (no second load)
    rpt = Report(Period.parse(params.period), params.unit, resolve_data_dir(params.data_dir, root),
                 params.language, ds)
    files = {folder / f"{report}.ipynb": notebook_text}
    if "html" in formats:
        files[folder / f"{report}.html"] = render.notebook_to_html(nb, title=rpt.title, header=rpt.header,
                                                                   lang=params.language)
    folder.mkdir(parents=True, exist_ok=True)
    pdf_tmp = None
    try:
        if "pdf" in formats:
            fd, pdf_tmp = tempfile.mkstemp(prefix=f".{report}.pdf.", suffix=".tmp", dir=folder)
            os.close(fd)
            try:
                render.notebook_to_pdf(nb, pdf_tmp, title=rpt.title, header=rpt.header, lang=params.language)
            except ReportError:
                raise
            except Exception as exc:
                raise ReportError(f"không tạo được PDF: {exc}") from exc
        for path, text in files.items():
            atomic_write(path, text)
        if pdf_tmp:
            _publish(pdf_tmp, folder / f"{report}.pdf")
            pdf_tmp = None
        # metrics.json is shared by the folder's reports: read, merge and write it under one lock;
        # written last, so that its fingerprint never vouches for files not yet in place
        metrics = rpt.metrics()
        with folder_lock(folder, "metrics.json"):
            atomic_write(folder / "metrics.json",
                         json.dumps(_merged_metrics(folder, metrics, report, fingerprint), ensure_ascii=False,
                                    indent=1))
    finally:
        if pdf_tmp:
            Path(pdf_tmp).unlink(missing_ok=True)
    failed.unlink(missing_ok=True)
    written = sorted(str(p) for p in files) + [str(folder / "metrics.json")]
    if "pdf" in formats:
        written.append(str(folder / f"{report}.pdf"))
    return Outcome(report, params.period, params.unit, "ok", folder, written,
                   seconds=time.perf_counter() - started)


def _merged_metrics(folder: Path, metrics: dict, report: str, fingerprint) -> dict:
    """Keep the other reports' fingerprints of this folder in metrics.json."""
    try:
        old = json.loads((folder / "metrics.json").read_text(encoding="utf-8")).get("fingerprints", {})
    except (OSError, ValueError):
        old = {}
    old = {k: v for k, v in old.items() if k != report}
    if fingerprint:
        old[report] = fingerprint
    metrics["fingerprints"] = old
    return metrics


def _failure(report, params, failed: Path, cause: str) -> ReportError:
    return ReportError(f"báo cáo {report} ({params.period}, {params.unit}) lỗi khi chạy: {cause}",
                       failed_notebook=failed)
