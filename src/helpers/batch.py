"""Many reports: a process pool (or Dask), incremental skipping, per-report
locks, failure isolation and a progress bar.

Each worker process keeps what is expensive for its lifetime: the nbconvert
exporters, the Typst compiler with its fonts, the imported libraries (preloaded by the fork
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

from . import inputs
from .errors import CchcError
from .kernel import DEFAULT_CELL_TIMEOUT
from .kernel.lifetime import exit_with
from .kernel.supply import KERNELS
from .params import ReportParams
from .run import Outcome, notebook_path, output_folder, output_stem, recorded_fingerprints, report_lock, start_up

__all__ = ["Job", "fingerprint", "up_to_date", "run_job", "run_jobs"]

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
    cell_timeout: float | None = DEFAULT_CELL_TIMEOUT   # seconds one notebook cell may run

    @property
    def label(self) -> str:
        return f"{self.params.period.code} · {self.params.unit} · {output_stem(self.report, self.params)}"

    @property
    def stem(self) -> str:
        return output_stem(self.report, self.params)


# -- fingerprints -----------------------------------------------------------------------
def _hash_files(h, paths):
    for p in sorted(paths, key=str):
        h.update(str(p).encode())
        h.update((inputs.sha256(p) or "<missing>").encode())


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
    """The files a report reads: its notebook and its data files (the one list of
    :func:`helpers.inputs.input_files`, which the provenance appendix shows too)."""
    p = job.params
    return [notebook_path(job.report, Path(job.root)),
            *inputs.input_files(p.data_dir, p.period, p.unit, p.language)]


@functools.cache
def _code_digest() -> str:
    """The helpers' code and the rendering libraries' versions: fixed for a process."""
    h = hashlib.sha256(_versions().encode())
    _hash_files(h, code_files())
    return h.hexdigest()


def fingerprint(job: Job) -> str:
    """Everything a report reads: notebook, parameters, data files, helpers' code,
    catalogue, and the versions of the rendering libraries."""
    h = hashlib.sha256()
    h.update(json.dumps([job.params.notebook_parameters(), job.report, sorted(job.formats), _code_digest()]).encode())
    _hash_files(h, input_files(job))
    return h.hexdigest()


def up_to_date(job: Job, fp: str) -> bool:
    folder = output_folder(Path(job.out_dir), job.params)
    recorded = recorded_fingerprints(folder).get(job.stem)
    outputs = [folder / f"{job.stem}.{ext}" for ext in ("ipynb", *job.formats)]
    return recorded == fp and all(p.is_file() for p in outputs)


def _skipped(job: Job) -> Outcome:
    return Outcome(job.report, job.params.period.code, job.params.unit, "skipped",
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
    folder = Path(job.out_dir) / job.params.period.code / job.params.unit
    try:
        folder = output_folder(Path(job.out_dir), job.params)
        fp = fingerprint(job)
        with report_lock(job.out_dir, job.params, job.stem):   # a concurrent run of the same report waits here
            remove_leftovers(job)
            if not job.force and up_to_date(job, fp):
                return _skipped(job)
            outcome = run_report(job.params, job.report, job.out_dir, job.formats, job.root, fingerprint=fp,
                                 prestart=job.prestart, cell_timeout=job.cell_timeout)
    except CchcError as exc:
        outcome = Outcome(job.report, job.params.period.code, job.params.unit, "failed", folder,
                          error=exc.text(job.params.language),
                          failed_notebook=getattr(exc, "failed_notebook", "") or "",
                          seconds=time.perf_counter() - started)
    except Exception as exc:  # one report's unexpected failure must not stop the others
        outcome = Outcome(job.report, job.params.period.code, job.params.unit, "failed", folder,
                          error=f"{type(exc).__name__}: {exc}", seconds=time.perf_counter() - started)
    return _with_memory(outcome)


def remove_leftovers(job: Job) -> None:
    """Remove the temporary files of a run that was killed while writing this
    report's edition (``.<stem>.<ext>.*.tmp``; called under the edition's lock, so no
    live run is writing them) and of metrics.json (under its own lock)."""
    folder = output_folder(Path(job.out_dir), job.params)
    if not folder.is_dir():
        return
    names = [f"{job.stem}.{ext}" for ext in ("html", "pdf", "ipynb", "failed.ipynb")]
    stale = [p for name in names for p in folder.glob(f".{name}.*.tmp")]
    if list(folder.glob(".metrics.json.*.tmp")):
        with report_lock(job.out_dir, job.params, "metrics.json"):
            stale += folder.glob(".metrics.json.*.tmp")
    for path in stale:
        path.unlink(missing_ok=True)


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


def _worker_init(root: str | None = None, data_dir: str | None = None, kernel_server: str | None = None,
                 run_pid: int | None = None):
    """Warm the expensive, reusable pieces once per worker process; ``kernel_server``:
    the address of the run's shared kernel server; ``run_pid``: the run's process,
    which this worker does not outlive (a killed run's workers write nothing more)."""
    start_up()
    if run_pid:
        exit_with(run_pid)
    signal.signal(signal.SIGINT, _on_sigint)
    KERNELS.server.address = kernel_server
    if root:
        with contextlib.suppress(Exception):
            KERNELS.start_server()    # the kernel server imports while the libraries below load
    import nbformat  # noqa: F401
    import papermill.engines  # noqa: F401  (loads the engines, ours among them)

    from . import render
    render.report_exporter()
    render.pdf_exporter()
    render.typst_compiler()
    if root:
        try:
            KERNELS.prestart(root, data_dir)
        except Exception:             # reported by the first report that needs a kernel
            pass
    tune_gc()


def tune_gc() -> tuple:
    """For a process that renders report after report: leave what is loaded by now
    out of garbage collection, and collect young objects less often (rendering
    allocates many short-lived objects). Returns the
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
    return (2 if job.report == "progress_report" else 1, _PERIOD_WEIGHT.get(job.params.period.kind, 1))


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
             on_done=None, started: PoolStart | None = None) -> list[Outcome]:
    """Run every job; ``on_done(outcome)`` is called as each finishes. ``scheduler``
    (Dask): an address such as ``tcp://10.0.0.5:8786``, or a ``Client``/cluster.
    ``started``: the pool's servers, started early by :func:`start_pool` (the caller
    closes it; a run that needs no pool leaves it unused)."""
    start_up()
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
    return out + _run_pool(todo, n_workers, on_done, started)


# Imported once by the fork server that starts the workers, instead of once by each worker;
# helpers.runner_start first: the runner's start-up, before the libraries load.
WORKER_MODULES = ("helpers.runner_start", "helpers.run", "helpers.batch", "helpers.render", "papermill.engines",
                  "nbformat", "nbconvert")


@dataclasses.dataclass
class PoolStart:
    """What a pool run needs and takes longest to start: the run's kernel server and
    the workers' fork server (both import the libraries), started by :func:`start_pool`."""
    ctx: object                              # the multiprocessing context of the workers
    server: object = None                    # the shared kernel server (a Popen), if kernels are forked
    address: str | None = None
    used: bool = False

    def close(self) -> None:
        """End the kernel server if no run used it (a run ends its own)."""
        if not self.used:
            from .kernel.fork import stop_shared_server
            stop_shared_server(self.server, self.address, now=True)


def start_pool() -> PoolStart:
    """Start the kernel server and the workers' fork server now: they import while
    this process goes on (the command line reads and checks the data meanwhile)."""
    import multiprocessing as mp

    from .kernel.fork import start_shared_server
    server, address = start_shared_server(KERNELS.kernel_name) if KERNELS.fork else (None, None)
    if "forkserver" not in mp.get_all_start_methods():     # Windows: each worker imports for itself
        return PoolStart(mp.get_context("spawn"), server, address)
    from multiprocessing import forkserver
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(list(WORKER_MODULES))
    forkserver.ensure_running()
    return PoolStart(ctx, server, address)


def _run_pool(jobs: list[Job], n_workers: int, on_done, started: PoolStart | None = None) -> list[Outcome]:
    from .kernel.fork import stop_shared_server
    started = started or start_pool()        # one kernel server for all workers
    started.used = True
    data_dir = str(jobs[0].params.data_dir)
    pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=started.ctx, initializer=_worker_init,
                               initargs=(jobs[0].root, data_dir, started.address, os.getpid()))
    try:
        return _collect(pool, started.ctx, jobs, on_done, [])
    finally:
        stop_shared_server(started.server, started.address)


def _collect(pool: ProcessPoolExecutor, ctx, jobs: list[Job], on_done, out: list) -> list[Outcome]:
    futures = {}
    try:
        futures = {pool.submit(run_job, job): job for job in jobs}
        for fut in as_completed(futures):
            outcome = fut.result()
            out.append(outcome)
            if on_done:
                on_done(outcome)
    except BaseException:            # Ctrl-C above all
        _interrupt(pool, ctx, futures)
        raise
    pool.shutdown(wait=True)
    return out


def _interrupt(pool: ProcessPoolExecutor, ctx, futures) -> None:
    """Stop the workers' current reports (each cleans up: kernel killed, temporary
    files removed, previous good files kept) and start no other. ``ctx``: the
    pool's multiprocessing context, whose children are the workers."""
    for fut in futures:
        fut.cancel()
    for proc in ctx.active_children():
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
            start_up()
            from . import render
            render.report_exporter()
            render.pdf_exporter()
            render.typst_compiler()
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
        raise ReportError("error.batch.no_scheduler", scheduler=scheduler, exc=exc) from None
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
