"""One report: parameters -> papermill -> HTML, PDF, metrics.json, with atomic
writes. A failed run keeps the previous good files and leaves the executed
notebook beside them as ``<report>.failed.ipynb``.

The notebook runs through :func:`helpers.kernel.execute` (a kernel of its own per
report, from :mod:`helpers.kernel`)."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataError, ReportError
from .findings import errors as only_errors
from .kernel import DEFAULT_CELL_TIMEOUT, execute
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


# -- one report -----------------------------------------------------------------------------------
def run_report(params: ReportParams, report: str = "progress_report", out_dir="reports",
               formats=("html", "pdf"), root=None, fingerprint: str | None = None, *,
               prestart: bool = False, cell_timeout: float | None = DEFAULT_CELL_TIMEOUT) -> Outcome:
    """Render one report. Raises DataError/ReportError; writes nothing on failure
    except the ``.failed.ipynb`` notebook. ``prestart``: more reports follow in
    this process, so start the next kernel while this one renders; ``cell_timeout``:
    seconds one cell may run."""
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
            data_dir = resolve_data_dir(params.data_dir, root)
            nb = execute(nb_path, executed, {**params.model_dump(), "data_dir": str(data_dir)}, root, data_dir,
                         prestart=prestart, cell_timeout=cell_timeout)
        except PapermillExecutionError as exc:
            if executed.is_file():
                atomic_write(failed, executed.read_bytes(), "wb")
            raise _failure(report, params, failed, f"{exc.ename}: {exc.evalue}") from None
        notebook_text = executed.read_text(encoding="utf-8")   # papermill wrote it once, at the end
    # title, header and metrics.json from the data just loaded and checked (no second load)
    rpt = Report(Period.parse(params.period), params.unit, resolve_data_dir(params.data_dir, root),
                 params.language, ds)
    files = {folder / f"{report}.ipynb": notebook_text}
    if "html" in formats or "pdf" in formats:
        html = render.notebook_to_html(nb, title=rpt.title, header=rpt.header, lang=params.language)
        if "html" in formats:
            files[folder / f"{report}.html"] = html
    folder.mkdir(parents=True, exist_ok=True)
    pdf_tmp = None
    try:
        if "pdf" in formats:
            fd, pdf_tmp = tempfile.mkstemp(prefix=f".{report}.pdf.", suffix=".tmp", dir=folder)
            os.close(fd)
            try:
                render.html_to_pdf(html, pdf_tmp, base_url=str(folder))
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
