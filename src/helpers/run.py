"""One report: parameters -> execute (papermill engine) -> executed notebook with
the glued result -> exporters (HTML, PDF) -> outputs written atomically.

The kernel computes the report once (``report.glue()`` in the notebook's last
cell hands over title, header, language and metrics); this module reads that
back and never rebuilds a ``Report`` or checks the data again. A failed run keeps
the previous good files and leaves the executed notebook beside them as
``<report>.failed.ipynb``; a data error leaves nothing new.

The notebook runs through :func:`helpers.kernel.execute` (a kernel of its own per
report, from :mod:`helpers.kernel`)."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import compat, files
from .errors import CatalogueError, DataError, ParameterError, ReportError
from .kernel import DEFAULT_CELL_TIMEOUT, execute
from .kernel.lifetime import temporary_prefix
from .params import ReportParams, project_root

DEFAULT_REPORTS = ("progress_report", "data_quality")
OFFICIAL_REPORT = "official_report"   # also run for each folder whose data folder has document.yaml
REPORT_FORMATS = ("html", "pdf")
OFFICIAL_FORMATS = ("docx", "pdf")


def formats_of(report: str, asked: tuple | None) -> tuple:
    """The formats ``report`` is rendered in: those asked for that it has (all of its own by default)."""
    own = OFFICIAL_FORMATS if report == OFFICIAL_REPORT else REPORT_FORMATS
    return own if not asked else tuple(f for f in own if f in asked)
LOCKS_FOLDER = ".locks"               # under --out: never inside a report folder


def start_up() -> None:
    """The runner's process start-up (the command line, pool workers, Dask workers): no
    import-time work for checks nothing here uses (:func:`helpers.compat.skip_unused_format_checkers`)."""
    compat.skip_unused_format_checkers()


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
    reports = sorted(p.stem for p in (root / "notebooks").glob("*.ipynb") if p.is_file())
    path = root / "notebooks" / f"{report}.ipynb"
    if report not in reports:
        known = ", ".join(reports)
        raise ParameterError("error.run.no_such_report", report=report, known=known)
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


# -- one report -----------------------------------------------------------------------------------
# Errors a notebook's first cell raises for its parameters or data: the same errors as ours, no failed notebook.
_KERNEL_INPUT_ERRORS = {"DataError": DataError, "ParameterError": ParameterError, "CatalogueError": CatalogueError}


def run_report(params: ReportParams, report: str = "progress_report", out_dir="reports",
               formats=("html", "pdf"), root=None, fingerprint: str | None = None, *,
               prestart: bool = False, cell_timeout: float | None = DEFAULT_CELL_TIMEOUT) -> Outcome:
    """Render one report. Raises DataError/ReportError; writes nothing on failure
    except the ``.failed.ipynb`` notebook of a failing cell. ``prestart``: more reports
    follow in this process, so start the next kernel while this one renders;
    ``cell_timeout``: seconds one cell may run."""
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
    with tempfile.TemporaryDirectory(prefix=temporary_prefix("run")) as tmp:   # swept if we are killed
        executed = Path(tmp) / f"{stem}.ipynb"
        try:
            nb = execute(nb_path, executed, params.notebook_parameters(), root, params.data_dir, prestart=prestart,
                         cell_timeout=cell_timeout)
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
    if "html" in formats:
        outputs[folder / f"{stem}.html"] = render.notebook_to_html(nb, title=result["title"],
                                                                   header=result["header"], lang=params.language)
    if "docx" in formats:
        from .docx_export import notebook_to_docx
        outputs[folder / f"{stem}.docx"] = notebook_to_docx(nb, title=result["title"], lang=params.language)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _write_outputs(out_dir, outputs, nb, result, params, folder / f"{stem}.pdf" if "pdf" in formats else None,
                       official=report == OFFICIAL_REPORT)
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


def _write_outputs(out_dir: Path, outputs: dict, nb, result: dict, params: ReportParams, pdf: Path | None,
                   official: bool = False) -> None:
    """Write ``outputs`` (``{path: text or bytes}``) and, when ``pdf`` is given, the PDF (``official``: in
    the Decree-30 form): the other files are put in place only once the PDF has compiled, then the PDF
    (added to ``outputs``)."""
    from . import render
    if pdf is None:
        for path, text in outputs.items():
            _write(out_dir, path, text, "wb" if isinstance(text, bytes) else "w")
        return
    if official:
        from .docx_export import notebook_to_official_pdf as to_pdf
    else:
        to_pdf = render.notebook_to_pdf
    with files.replacing(files.inside(out_dir, pdf)) as pdf_tmp:
        try:
            to_pdf(nb, pdf_tmp, title=result["title"], header=result["header"], lang=params.language)
        except ReportError:
            raise
        except Exception as exc:
            raise ReportError("error.run.pdf_failed", exc=exc) from exc
        for path, text in outputs.items():
            _write(out_dir, path, text, "wb" if isinstance(text, bytes) else "w")
    outputs[pdf] = None


def _write(out_dir: Path, path: Path, data, mode: str = "w") -> None:
    files.atomic_write(files.inside(out_dir, path), data, mode)


def _checked_result(result: dict, params: ReportParams, nb_path: Path) -> dict:
    """The glued result must be the report that was asked for."""
    metrics = result["metrics"]
    asked = (params.period.code, params.unit, params.language)
    got = (metrics.get("period"), metrics.get("unit"), result.get("language"))
    if got != asked:
        raise ReportError("error.run.wrong_report", got=got, asked=asked, file=nb_path)
    return result


def _merged_metrics(folder: Path, metrics: dict, stem: str, fingerprint) -> dict:
    """Keep the other reports' (and editions') fingerprints of this folder in metrics.json."""
    old = recorded_fingerprints(folder)
    old = {k: v for k, v in old.items() if k != stem}
    if fingerprint:
        old[stem] = fingerprint
    return {**metrics, "fingerprints": old}


def recorded_fingerprints(folder: Path) -> dict:
    """The fingerprints a folder's metrics.json records (none when it is missing, not a
    regular file, or not one of ours)."""
    from .index import read_metrics
    meta = read_metrics(folder / "metrics.json")
    found = {} if isinstance(meta, str) else meta.get("fingerprints")
    return found if isinstance(found, dict) else {}


def _failure(report, params, failed: Path, cause: str) -> ReportError:
    return ReportError("error.run.notebook_failed", report=report, code=params.period.code, unit_code=params.unit,
                       cause=cause,
                       failed_notebook=failed)
