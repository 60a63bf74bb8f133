"""Many reports: a process pool (or Dask), incremental skipping, per-folder
locks, failure isolation and a progress bar."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from .errors import CchcError
from .params import ReportParams, project_root, resolve_data_dir
from .run import Outcome, notebook_path, output_folder


@dataclass(frozen=True)
class Job:
    params: ReportParams
    report: str
    out_dir: str
    formats: tuple
    root: str
    force: bool = False

    @property
    def label(self) -> str:
        return f"{self.params.period} · {self.params.unit} · {self.report}"


# -- fingerprints -----------------------------------------------------------------------
def _hash_files(h, paths):
    for p in sorted(paths, key=str):
        h.update(str(p).encode())
        h.update(Path(p).read_bytes() if Path(p).is_file() else b"<missing>")


def code_files() -> list[Path]:
    pkg = Path(__file__).resolve().parent
    return sorted(p for p in pkg.rglob("*") if p.is_file() and p.suffix in {".py", ".csv", ".j2", ".css", ".json"})


def fingerprint(job: Job) -> str:
    """Everything a report reads: notebook, parameters, data files, helpers' code, catalogue."""
    from .load import period_files
    from .periods import Period
    from .report import months_read

    root = Path(job.root)
    data_dir = resolve_data_dir(job.params.data_dir, root)
    months = set(months_read(Period.parse(job.params.period)))
    h = hashlib.sha256()
    h.update(json.dumps([job.params.model_dump(), job.report, sorted(job.formats)]).encode())
    files = [notebook_path(job.report, root), data_dir / "units.csv", data_dir / "indicators.csv",
             data_dir / "targets.csv", data_dir / "notes" / f"{job.params.period}.md"]
    files += [p for period, p in period_files(data_dir) if period is None or period.code in months]
    _hash_files(h, files)
    _hash_files(h, code_files())
    return h.hexdigest()


def up_to_date(job: Job, fp: str) -> bool:
    folder = output_folder(Path(job.out_dir), job.params)
    metrics = folder / "metrics.json"
    try:
        recorded = json.loads(metrics.read_text(encoding="utf-8")).get("fingerprints", {}).get(job.report)
    except (OSError, ValueError):
        return False
    outputs = [folder / f"{job.report}.{ext}" for ext in job.formats]
    return recorded == fp and all(p.is_file() for p in outputs)


@contextlib.contextmanager
def folder_lock(folder: Path, name: str):
    """An exclusive lock on one report's folder, so two runs never interleave writes."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / f".{name}.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# -- one job (runs in a worker) ---------------------------------------------------------------
def run_job(job: Job) -> Outcome:
    from .run import run_report

    started = time.perf_counter()
    folder = output_folder(Path(job.out_dir), job.params)
    try:
        fp = fingerprint(job)
        with folder_lock(folder, job.report):
            if not job.force and up_to_date(job, fp):
                return Outcome(job.report, job.params.period, job.params.unit, "skipped", folder)
            outcome = run_report(job.params, job.report, job.out_dir, job.formats, job.root, fingerprint=fp)
    except CchcError as exc:
        return Outcome(job.report, job.params.period, job.params.unit, "failed", folder, error=str(exc),
                       failed_notebook=getattr(exc, "failed_notebook", "") or "",
                       seconds=time.perf_counter() - started)
    except Exception as exc:  # one report's unexpected failure must not stop the others
        return Outcome(job.report, job.params.period, job.params.unit, "failed", folder,
                       error=f"{type(exc).__name__}: {exc}", seconds=time.perf_counter() - started)
    return outcome


def _worker_init():
    """Warm the expensive, reusable pieces once per worker process."""
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    import papermill  # noqa: F401

    from . import render  # noqa: F401  (nbconvert exporter, WeasyPrint fonts)


# -- executors ----------------------------------------------------------------------------------
def run_jobs(jobs: list[Job], n_jobs: int = 1, executor: str = "local", scheduler: str | None = None,
             on_done=None) -> list[Outcome]:
    """Run every job; ``on_done(outcome)`` is called as each finishes."""
    if executor == "dask":
        return _run_dask(jobs, scheduler, on_done)
    if n_jobs <= 1 or len(jobs) <= 1:
        out = []
        for job in jobs:
            outcome = run_job(job)
            out.append(outcome)
            if on_done:
                on_done(outcome)
        return out
    import multiprocessing as mp
    out = []
    pool = ProcessPoolExecutor(max_workers=min(n_jobs, len(jobs)), mp_context=mp.get_context("forkserver"),
                               initializer=_worker_init)
    try:
        futures = {pool.submit(run_job, job): job for job in jobs}
        for fut in as_completed(futures):
            outcome = fut.result()
            out.append(outcome)
            if on_done:
                on_done(outcome)
    except KeyboardInterrupt:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return out


def _run_dask(jobs, scheduler, on_done) -> list[Outcome]:
    from dask.distributed import Client
    from dask.distributed import as_completed as dask_completed
    client = Client(scheduler) if isinstance(scheduler, str) else scheduler
    try:
        futures = client.map(run_job, jobs, pure=False)
        out = []
        for fut in dask_completed(futures):
            outcome = fut.result()
            out.append(outcome)
            if on_done:
                on_done(outcome)
        return out
    finally:
        if isinstance(scheduler, str):
            client.close()


def default_root() -> str:
    return str(project_root())
