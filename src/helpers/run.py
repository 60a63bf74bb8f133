"""One report: parameters -> papermill -> HTML, PDF, metrics.json, with atomic
writes. A failed run keeps the previous good files and leaves the executed
notebook beside them as ``<report>.failed.ipynb``."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataError, ReportError
from .findings import errors as only_errors
from .params import ReportParams, project_root, resolve_data_dir

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


def notebook_path(report: str, root: Path) -> Path:
    path = root / "notebooks" / f"{report}.ipynb"
    if not path.is_file():
        from .errors import ParameterError
        known = ", ".join(sorted(p.stem for p in (root / "notebooks").glob("*.ipynb")))
        raise ParameterError(f"không có báo cáo {report!r}", hint=f"các báo cáo có: {known}")
    return path


def output_folder(out_dir: Path, params: ReportParams) -> Path:
    return Path(out_dir) / params.period / params.unit


def atomic_write(path: Path, data, mode="w"):
    """Write beside the target, then rename over it (never a half-written file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **({"encoding": "utf-8"} if "b" not in mode else {})) as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_data(params: ReportParams, root: Path):
    """Load and check the data before any kernel starts; errors raise DataError."""
    from .load import load_data
    from .validate import check
    ds = load_data(resolve_data_dir(params.data_dir, root))
    errs = only_errors(check(ds, [params.period]))
    if errs:
        raise DataError(f"số liệu có {len(errs)} lỗi: " + errs[0].line(), findings=errs)
    return ds


def execute(nb_path: Path, params: ReportParams, root: Path, output_path: Path):
    """Run the notebook with papermill into ``output_path``; returns the executed
    NotebookNode. On a failing cell papermill writes the notebook with its error
    banner to ``output_path`` and raises PapermillExecutionError."""
    import papermill as pm
    parameters = params.model_dump()
    parameters["data_dir"] = str(resolve_data_dir(params.data_dir, root))
    return pm.execute_notebook(str(nb_path), str(output_path), parameters=parameters, cwd=str(root),
                               progress_bar=False, log_output=False, kernel_name="python3")


def run_report(params: ReportParams, report: str = "progress_report", out_dir="reports",
               formats=("html", "pdf"), root=None, fingerprint: str | None = None) -> Outcome:
    """Render one report. Raises DataError/ReportError; writes nothing on failure
    except the ``.failed.ipynb`` notebook."""
    import time

    import nbformat
    from papermill.exceptions import PapermillExecutionError

    from . import render
    from .report import Report

    started = time.perf_counter()
    root = Path(root) if root else project_root()
    nb_path = notebook_path(report, root)
    folder = output_folder(Path(out_dir), params)
    check_data(params, root)
    failed = folder / f"{report}.failed.ipynb"
    with tempfile.TemporaryDirectory(prefix="cchc-") as tmp:
        executed = Path(tmp) / f"{report}.ipynb"
        try:
            nb = execute(nb_path, params, root, executed)
        except PapermillExecutionError as exc:
            folder.mkdir(parents=True, exist_ok=True)
            if executed.is_file():
                shutil.move(str(executed), failed)
            raise _failure(report, params, failed, f"{exc.ename}: {exc.evalue}") from None
    rpt = Report.open(params.period, params.unit, resolve_data_dir(params.data_dir, root), params.language, root)
    files = {}
    files[folder / f"{report}.ipynb"] = nbformat.writes(nb)
    if "html" in formats or "pdf" in formats:
        html = render.notebook_to_html(nb, title=rpt.title, header=rpt.header, lang=params.language)
        if "html" in formats:
            files[folder / f"{report}.html"] = html
    files[folder / "metrics.json"] = json.dumps(_merged_metrics(folder, rpt.metrics(), report, fingerprint),
                                                ensure_ascii=False, indent=1)
    folder.mkdir(parents=True, exist_ok=True)
    pdf_tmp = None
    if "pdf" in formats:
        fd, pdf_tmp = tempfile.mkstemp(prefix=f".{report}.pdf.", suffix=".tmp", dir=folder)
        os.close(fd)
        try:
            render.html_to_pdf(html, pdf_tmp, base_url=str(folder))
        except Exception as exc:
            Path(pdf_tmp).unlink(missing_ok=True)
            raise ReportError(f"không tạo được PDF: {exc}") from exc
    for path, text in files.items():
        atomic_write(path, text)
    if pdf_tmp:
        os.replace(pdf_tmp, folder / f"{report}.pdf")
    failed.unlink(missing_ok=True)
    return Outcome(report, params.period, params.unit, "ok", folder,
                   sorted(str(p) for p in files) + ([str(folder / f"{report}.pdf")] if pdf_tmp else []),
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
