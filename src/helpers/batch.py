"""Many reports: a process pool (or Dask), incremental skipping, per-report
locks, failure isolation and a progress bar.

Each worker process keeps what is expensive for its lifetime: the nbconvert
exporter, WeasyPrint's font set-up, the imported libraries (preloaded by the fork
server that starts the workers), and a spare kernel, forked by the run's kernel
server while the previous report renders."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from .errors import CchcError
from .params import ReportParams, resolve_data_dir
from .run import KERNELS, Outcome, folder_lock, notebook_path, output_folder

__all__ = ["Job", "fingerprint", "up_to_date", "folder_lock", "run_job", "run_jobs"]

# Libraries whose version changes what a report looks like: part of the fingerprint.
RENDERING_PACKAGES = ("papermill", "nbconvert", "typst", "fontpkg-be-vietnam-pro", "matplotlib", "babel",
                      "ipykernel")


@dataclass(frozen=True)
class Job:
    params: ReportParams
    report: str
    out_dir: str
    formats: tuple
    root: str
    force: bool = False
    prestart: bool = False            # more jobs follow in the same worker: start the next kernel early

    @property
    def label(self) -> str:
        return f"{self.params.period} · {self.params.unit} · {self.report}"


# -- fingerprints -----------------------------------------------------------------------
_DIGESTS: dict = {}     # (path, mtime, size) -> sha256: a batch of many units hashes each file once


def _digest(path: Path) -> bytes:
    try:
        st = path.stat()
    except OSError:
        return b"<missing>"
    key = (str(path), st.st_mtime_ns, st.st_size)
    if key not in _DIGESTS:
        _DIGESTS[key] = hashlib.sha256(path.read_bytes()).digest()
    return _DIGESTS[key]


def _hash_files(h, paths):
    for p in sorted(paths, key=str):
        h.update(str(p).encode())
        h.update(_digest(Path(p)))


def code_files() -> list[Path]:
    pkg = Path(__file__).resolve().parent
    return sorted(p for p in pkg.rglob("*") if p.is_file() and p.suffix in {".py", ".csv", ".j2", ".css", ".json"})


@functools.cache
def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version
    out = []
    for name in RENDERING_PACKAGES:
        try:
            out.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            out.append(f"{name}=-")
    return ";".join(out)


def input_files(job: Job) -> list[Path]:
    """The files a report reads: its notebook, units, catalogue, targets, its notes,
    and the month files of every window it shows (the month, previous month, same
    month last year, year to date and last year's, the trailing twelve months)."""
    from .load import period_files
    from .periods import Period, months_read

    root = Path(job.root)
    data_dir = resolve_data_dir(job.params.data_dir, root)
    months = set(months_read(Period.parse(job.params.period)))
    files = [notebook_path(job.report, root), data_dir / "units.csv", data_dir / "indicators.csv",
             data_dir / "targets.csv", data_dir / "notes" / f"{job.params.period}.md"]
    files += [p for period, p in period_files(data_dir) if period is None or period.code in months]
    return files


def fingerprint(job: Job) -> str:
    """Everything a report reads: notebook, parameters, data files, helpers' code,
    catalogue, and the versions of the rendering libraries."""
    h = hashlib.sha256()
    h.update(json.dumps([job.params.model_dump(), job.report, sorted(job.formats), _versions()]).encode())
    _hash_files(h, input_files(job))
    _hash_files(h, code_files())
    return h.hexdigest()


def up_to_date(job: Job, fp: str) -> bool:
    folder = output_folder(Path(job.out_dir), job.params)
    metrics = folder / "metrics.json"
    try:
        recorded = json.loads(metrics.read_text(encoding="utf-8")).get("fingerprints", {}).get(job.report)
    except (OSError, ValueError):
        return False
    outputs = [folder / f"{job.report}.{ext}" for ext in ("ipynb", *job.formats)]
    return recorded == fp and all(p.is_file() for p in outputs)


def _skipped(job: Job) -> Outcome:
    return Outcome(job.report, job.params.period, job.params.unit, "skipped",
                   output_folder(Path(job.out_dir), job.params))


# -- one job (runs in a worker) ---------------------------------------------------------------
_STOPPING = threading.Event()         # set by Ctrl-C in a worker: take no further job


def run_job(job: Job) -> Outcome:
    """Run one report unless it is up to date; never raises for a report's failure
    (the outcome says ``failed``, why, and where the failed notebook is)."""
    from .run import run_report

    if _STOPPING.is_set():
        raise KeyboardInterrupt
    started = time.perf_counter()
    folder = output_folder(Path(job.out_dir), job.params)
    try:
        fp = fingerprint(job)
        with folder_lock(folder, job.report):          # a concurrent run of the same report waits here
            if not job.force and up_to_date(job, fp):
                return _skipped(job)
            outcome = run_report(job.params, job.report, job.out_dir, job.formats, job.root, fingerprint=fp,
                                 prestart=job.prestart)
    except CchcError as exc:
        outcome = Outcome(job.report, job.params.period, job.params.unit, "failed", folder, error=str(exc),
                          failed_notebook=getattr(exc, "failed_notebook", "") or "",
                          seconds=time.perf_counter() - started)
    except Exception as exc:  # one report's unexpected failure must not stop the others
        outcome = Outcome(job.report, job.params.period, job.params.unit, "failed", folder,
                          error=f"{type(exc).__name__}: {exc}", seconds=time.perf_counter() - started)
    return _with_memory(outcome)


def _with_memory(outcome: Outcome) -> Outcome:
    try:
        import resource
    except ImportError:  # pragma: no cover
        return outcome
    outcome.worker = os.getpid()
    outcome.peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    outcome.kernel_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return outcome


def _on_sigint(signum, frame):
    """In a worker: the first Ctrl-C stops the current report (its clean-up kills
    the kernel and removes temporary files); later ones must not cut that short."""
    if _STOPPING.is_set():
        return
    _STOPPING.set()
    raise KeyboardInterrupt


def _worker_init(root: str | None = None, data_dir: str | None = None, kernel_server: str | None = None):
    """Warm the expensive, reusable pieces once per worker process; ``kernel_server``:
    the address of the run's shared kernel server."""
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    signal.signal(signal.SIGINT, _on_sigint)
    KERNELS.server.address = kernel_server
    if root:
        with contextlib.suppress(Exception):
            KERNELS.start_server()    # the kernel server imports while the libraries below load
    import nbformat  # noqa: F401
    import papermill  # noqa: F401

    from . import render
    from .run import _register_engine
    render.report_exporter()
    render.pdf_exporter()
    render.typst_compiler()
    _register_engine()
    if root:
        try:
            KERNELS.prestart(root, data_dir)
        except Exception:             # reported by the first report that needs a kernel
            pass
    tune_gc()


def tune_gc() -> tuple:
    """For a process that renders report after report: leave what is loaded by now
    out of garbage collection, and collect young objects less often (WeasyPrint
    allocates millions; this alone makes a PDF about 15 % cheaper). Returns the
    thresholds it replaced, for :func:`untune_gc`."""
    import gc
    before = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    return before


def untune_gc(thresholds) -> None:
    import gc
    gc.unfreeze()
    gc.set_threshold(*thresholds)


# -- executors ----------------------------------------------------------------------------------
_PERIOD_WEIGHT = {"year": 4, "half": 3, "quarter": 2, "month": 1}


def _cost(job: Job) -> tuple:
    """Rough relative cost, to start the longest reports first (fewer idle workers at the end)."""
    from .periods import Period
    return (2 if job.report == "progress_report" else 1, _PERIOD_WEIGHT.get(Period.parse(job.params.period).kind, 1))


def plan(jobs: list[Job], n_workers: int) -> list[Job]:
    """Longest first; every job but the last one per worker pre-starts its next kernel."""
    ordered = sorted(jobs, key=_cost, reverse=True)
    return [dataclasses.replace(j, prestart=i < len(ordered) - n_workers) for i, j in enumerate(ordered)]


def pending(jobs: list[Job], on_done=None) -> tuple[list[Job], list[Outcome]]:
    """Split off the jobs already up to date (checked here, cheaply, so that an
    unchanged batch starts no worker; a worker checks again under the lock)."""
    todo, skipped = [], []
    for job in jobs:
        try:
            fresh = not job.force and up_to_date(job, fingerprint(job))
        except Exception:      # let the worker report it
            fresh = False
        if fresh:
            skipped.append(_skipped(job))
            if on_done:
                on_done(skipped[-1])
        else:
            todo.append(job)
    return todo, skipped


def run_jobs(jobs: list[Job], n_jobs: int = 1, executor: str = "local", scheduler=None,
             on_done=None) -> list[Outcome]:
    """Run every job; ``on_done(outcome)`` is called as each finishes. ``scheduler``
    (Dask): an address such as ``tcp://10.0.0.5:8786``, or a ``Client``/cluster."""
    todo, out = pending(jobs, on_done)
    if not todo:
        return out
    if executor == "dask":
        return out + _run_dask(todo, scheduler, on_done)
    n_workers = max(1, min(n_jobs, len(todo)))
    todo = plan(todo, n_workers)
    if n_workers == 1:
        thresholds = tune_gc()
        try:
            for job in todo:
                outcome = run_job(job)
                out.append(outcome)
                if on_done:
                    on_done(outcome)
        finally:
            KERNELS.close()
            untune_gc(thresholds)
        return out
    return out + _run_pool(todo, n_workers, on_done)


# Imported once by the fork server that starts the workers, instead of once by each worker.
WORKER_MODULES = ("helpers.run", "helpers.batch", "helpers.render", "papermill", "nbformat", "nbconvert")


def _run_pool(jobs: list[Job], n_workers: int, on_done) -> list[Outcome]:
    import multiprocessing as mp

    from .kernels import start_shared_server, stop_shared_server
    # one kernel server for all workers: it imports while the fork server below does
    server, address = start_shared_server(KERNELS.kernel_name) if KERNELS.fork else (None, None)
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(list(WORKER_MODULES))
    data_dir = str(resolve_data_dir(jobs[0].params.data_dir, jobs[0].root))
    pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx, initializer=_worker_init,
                               initargs=(jobs[0].root, data_dir, address))
    try:
        return _collect(pool, jobs, on_done, [])
    finally:
        stop_shared_server(server, address)


def _collect(pool: ProcessPoolExecutor, jobs: list[Job], on_done, out: list) -> list[Outcome]:
    futures = {}
    try:
        futures = {pool.submit(run_job, job): job for job in jobs}
        for fut in as_completed(futures):
            outcome = fut.result()
            out.append(outcome)
            if on_done:
                on_done(outcome)
    except BaseException:            # Ctrl-C above all
        _interrupt(pool, futures)
        raise
    pool.shutdown(wait=True)
    return out


def _interrupt(pool: ProcessPoolExecutor, futures) -> None:
    """Stop the workers' current reports (each cleans up: kernel killed, temporary
    files removed, previous good files kept) and start no other."""
    for fut in futures:
        fut.cancel()
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            os.kill(proc.pid, signal.SIGINT)      # a worker that got the terminal's Ctrl-C ignores it
        except (ProcessLookupError, OSError):
            pass
    pool.shutdown(wait=True, cancel_futures=True)


# -- Dask -----------------------------------------------------------------------------------------
_DASK_LOCK = threading.Lock()
_DASK_READY = threading.Event()


def _dask_task(job: Job) -> Outcome:
    """One job on a Dask worker. Reports in one worker process run one at a time
    (papermill, nbconvert and the Typst compiler keep per-process state): give each worker
    one thread and as many worker processes as cores (``--nworkers N --nthreads 1``)."""
    with _DASK_LOCK:
        if not _DASK_READY.is_set():
            from . import render
            from .run import _register_engine
            render.report_exporter()
            render.pdf_exporter()
            render.typst_compiler()
            _register_engine()
            _DASK_READY.set()
        return run_job(job)


def _dask_close_kernels() -> None:
    with _DASK_LOCK:
        KERNELS.close()


DASK_CONNECT_TIMEOUT = "10s"


def _run_dask(jobs: list[Job], scheduler, on_done) -> list[Outcome]:
    from dask.distributed import Client
    from dask.distributed import as_completed as dask_completed

    own = scheduler is None or isinstance(scheduler, str)
    try:
        client = (Client(scheduler, timeout=DASK_CONNECT_TIMEOUT) if own
                  else scheduler if isinstance(scheduler, Client) else Client(scheduler))
    except (OSError, TimeoutError) as exc:
        from .errors import ReportError
        raise ReportError(f"không kết nối được Dask scheduler {scheduler}: {exc}",
                          hint="kiểm tra địa chỉ và cổng, và rằng `dask scheduler` đang chạy "
                               "(xem benchmarks/README.md)") from None
    created = own or not isinstance(scheduler, Client)
    futures = []
    try:
        slots = max(1, sum(client.nthreads().values()))
        jobs = plan(jobs, slots)
        futures = [client.submit(_dask_task, job, pure=False, priority=len(jobs) - i) for i, job in enumerate(jobs)]
        out = []
        for fut in dask_completed(futures):
            outcome = fut.result()
            out.append(outcome)
            if on_done:
                on_done(outcome)
        return out
    except BaseException:
        client.cancel(futures)
        raise
    finally:
        try:
            client.run(_dask_close_kernels)          # no idle spare kernel left on the workers
        except Exception:
            pass
        if created:
            client.close()
