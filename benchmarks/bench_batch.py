"""Time the naive per-report chain against ``cchc-report run`` on the same reports.

    python benchmarks/bench_batch.py                 # 12 reports: 12 months of progress_report
    python benchmarks/bench_batch.py --reports 6     # quicker
    python benchmarks/bench_batch.py --notebooks progress_report,data_quality --reports 24

(a) what a user would script, one report after the other: the ``papermill`` CLI,
    ``jupyter-nbconvert --to html --no-input``, then ``python -m weasyprint`` for the PDF
    (WeasyPrint is only the benchmark's: ``bash scripts/install-bench-packages.sh``);
(b) ``cchc-report run`` on the same periods and notebooks (a process pool, ``--jobs``),
    PDF through Typst;
floor: a bare kernel start plus the helpers' imports (what any fresh kernel pays);
cold: one report, ``cchc-report run --period P`` from a fresh process (an analyst's latency).

Everything goes to a temporary folder, removed at the end (``--keep`` keeps it).
The result is printed as a compact table; nothing is asserted (benchmarks are not tests).
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NOTEBOOKS = ("progress_report",)


def months_in(data_dir: Path) -> list[str]:
    names = {p.stem for p in (data_dir / "periods").iterdir() if p.suffix in {".csv", ".xlsx"}}
    return sorted(n for n in names if len(n) == 7 and n[4] == "-")


def plan(n_reports: int, notebooks: tuple[str, ...], data_dir: Path) -> tuple[list[str], tuple[str, ...]]:
    """The newest months, enough for ``n_reports`` = months x notebooks."""
    months = months_in(data_dir)
    n_months = math.ceil(n_reports / len(notebooks))
    if n_months > len(months):
        sys.exit(f"only {len(months)} months of data: at most {len(months) * len(notebooks)} reports")
    if n_months * len(notebooks) != n_reports:
        print(f"note: {n_reports} reports rounded up to {n_months} months x {len(notebooks)} notebooks")
    return months[-n_months:], notebooks


# -- memory: sample the process tree ----------------------------------------------------------------
class TreeSampler(threading.Thread):
    """Peak memory and CPU of a process and its descendants, sampled every
    ``interval`` seconds. Memory is proportional set size (PSS: pages shared between
    processes, such as a kernel server's with the kernels it forks, are split
    between them, so that the sum over processes is what the run really uses)."""

    def __init__(self, pid: int, interval: float = 0.25):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.stop = threading.Event()
        self.total_peak = 0.0                     # the whole tree at its largest
        self.runner_peak = 0.0                    # the largest process that is not a kernel
        self.kernel_peak = 0.0                    # the largest kernel
        self.process_peak = 0.0                   # the largest process of any kind
        self.cpu: dict[int, float] = {}            # pid -> own user + system seconds, as last seen
        self.reaped: dict[int, float] = {}         # pid -> CPU of its children it has waited for
        self.kernel_parent: dict[int, int] = {}    # kernel pid -> the process that started or forked it

    @staticmethod
    def _memory(p) -> float:
        try:
            return p.memory_full_info().pss / 2**20
        except Exception:
            return p.memory_info().rss / 2**20

    def run(self):
        try:
            import psutil
        except ImportError:
            return
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self.stop.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            mem, info = {}, {}
            for p in procs:
                try:
                    mem[p.pid] = self._memory(p)
                    t = p.cpu_times()
                    self.cpu[p.pid] = max(self.cpu.get(p.pid, 0.0), t.user + t.system)
                    self.reaped[p.pid] = max(self.reaped.get(p.pid, 0.0), t.children_user + t.children_system)
                    info[p.pid] = (p.ppid(), " ".join(p.cmdline()))
                except psutil.Error:
                    continue
            for pid, (ppid, cmd) in info.items():
                forked = "helpers.kernel.server" in cmd and "helpers.kernel.server" in info.get(ppid, (0, ""))[1]
                if "ipykernel_launcher" in cmd or forked:
                    self.kernel_parent[pid] = ppid
                    self.kernel_peak = max(self.kernel_peak, mem.get(pid, 0.0))
                elif "helpers.kernel.server" not in cmd:
                    self.runner_peak = max(self.runner_peak, mem.get(pid, 0.0))
            if mem:
                self.process_peak = max(self.process_peak, max(mem.values()))
                self.total_peak = max(self.total_peak, sum(mem.values()))
            self.stop.wait(self.interval)

    def cpu_seconds(self) -> float:
        """CPU of the tree: each process as last seen, except kernels, counted by the
        process that started or forked them once it has waited for them (exact), or
        as last seen if it never did."""
        kernels_of: dict[int, list[int]] = {}
        for k, parent in self.kernel_parent.items():
            kernels_of.setdefault(parent, []).append(k)
        total = sum(v for pid, v in self.cpu.items() if pid not in self.kernel_parent)
        for parent, kernels in kernels_of.items():
            total += max(self.reaped.get(parent, 0.0), sum(self.cpu.get(k, 0.0) for k in kernels))
        return total


def children_cpu() -> float:
    import resource
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_sampled(cmd, **kw) -> tuple[float, subprocess.CompletedProcess, TreeSampler]:
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{err[-3000:]}")
    return seconds, subprocess.CompletedProcess(cmd, proc.returncode, out, err), sampler


# -- (a) the naive chain -----------------------------------------------------------------------
def naive(months, notebooks, data_dir: Path, out: Path, sample: int | None):
    steps = {"papermill": [], "nbconvert": [], "weasyprint": []}
    peak, cpu = 0.0, 0.0
    pairs = [(m, nb) for m in months for nb in notebooks]
    if sample:
        pairs = pairs[:: max(1, len(pairs) // sample)][:sample]
    for month, nb in pairs:
        folder = out / month
        folder.mkdir(parents=True, exist_ok=True)
        ipynb, html, pdf = folder / f"{nb}.ipynb", folder / f"{nb}.html", folder / f"{nb}.pdf"
        cmds = {
            "papermill": [BIN / "papermill", ROOT / "notebooks" / f"{nb}.ipynb", ipynb, "-r", "period", month,
                          "-r", "unit", "10", "-r", "data_dir", data_dir, "--cwd", ROOT],
            "nbconvert": [BIN / "jupyter-nbconvert", "--to", "html", "--no-input", ipynb, "--output", html.name],
            "weasyprint": [sys.executable, "-m", "weasyprint", html, pdf],
        }
        for step, cmd in cmds.items():
            before = children_cpu()               # exact: each process waits for its kernel
            seconds, _, sampler = run_sampled([str(c) for c in cmd], cwd=ROOT)
            cpu += children_cpu() - before
            steps[step].append(seconds)
            peak = max(peak, sampler.total_peak)
        if not pdf.is_file() or pdf.read_bytes()[:4] != b"%PDF":
            sys.exit(f"naive chain wrote no PDF for {month} {nb}")
    return steps, len(pairs), peak, cpu


# -- (b) cchc-report run -------------------------------------------------------------------------
def batch(months, notebooks, data_dir: Path, out: Path, jobs: int):
    cmd = [str(BIN / "cchc-report"), "run", "--unit", "10", "--data-dir", str(data_dir), "--out", str(out),
           "--jobs", str(jobs), "--quiet", "--formats", "html,pdf"]
    for m in months:
        cmd += ["--period", m]
    for nb in notebooks:
        cmd += ["--report", nb]
    seconds, _, sampler = run_sampled(cmd, cwd=ROOT)
    pdfs = list(out.glob("*/10/*.pdf"))
    if len(pdfs) != len(months) * len(notebooks):
        sys.exit(f"cchc-report run wrote {len(pdfs)} PDFs, expected {len(months) * len(notebooks)}")
    return seconds, sampler


# -- floor ----------------------------------------------------------------------------------------------
FLOOR_SCRIPT = r"""
import sys, time
from jupyter_client import KernelManager
t = time.perf_counter()
km = KernelManager(kernel_name="python3")
km.start_kernel(cwd=sys.argv[1], extra_arguments=["--HistoryManager.hist_file=:memory:"])
kc = km.client(); kc.start_channels(); kc.wait_for_ready(timeout=60)
kc.execute_interactive("import helpers.report", timeout=60)
print(time.perf_counter() - t)
kc.stop_channels(); km.shutdown_kernel(now=True)
"""


def cold(month: str, notebook: str, data_dir: Path, out: Path) -> float:
    """One report from a fresh process, nothing warm: what an analyst waits for."""
    cmd = [str(BIN / "cchc-report"), "run", "--unit", "10", "--data-dir", str(data_dir), "--out", str(out),
           "--period", month, "--report", notebook, "--quiet", "--formats", "html,pdf"]
    seconds, _, _ = run_sampled(cmd, cwd=ROOT)
    return seconds


def floor(repeat: int = 3) -> float:
    """Wall time from asking for a kernel to having it ready with the helpers (and
    matplotlib, IPython, pydantic...) imported: the least any fresh kernel costs."""
    times = []
    for _ in range(repeat):
        r = subprocess.run([sys.executable, "-c", FLOOR_SCRIPT, str(ROOT)], capture_output=True, text=True,
                           check=True)
        times.append(float(r.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, default=12, help="number of reports (months x notebooks); default 12")
    ap.add_argument("--notebooks", default=",".join(NOTEBOOKS), help="comma-separated; default progress_report")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="cchc-report run --jobs (default: cores)")
    ap.add_argument("--naive-sample", type=int, default=None,
                    help="time only this many reports of the naive chain and scale up (default: all)")
    ap.add_argument("--data-dir", default=str(ROOT / "data"))
    ap.add_argument("--keep", action="store_true", help="keep the temporary output folder")
    args = ap.parse_args(argv)

    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        sys.exit(f"the naive chain needs WeasyPrint ({exc}): bash scripts/install-bench-packages.sh")
    data_dir = Path(args.data_dir).resolve()
    notebooks = tuple(n.strip() for n in args.notebooks.split(",") if n.strip())
    months, notebooks = plan(args.reports, notebooks, data_dir)
    n = len(months) * len(notebooks)
    tmp = Path(tempfile.mkdtemp(prefix="cchc-bench-"))
    try:
        print(f"{n} reports: {months[0]}..{months[-1]} x {', '.join(notebooks)}; {os.cpu_count()} CPUs; "
              f"jobs={args.jobs}; output in {tmp}", flush=True)
        fl = floor()
        print(f"floor measured: {fl:.2f} s", flush=True)
        b_wall, sampler = batch(months, notebooks, data_dir, tmp / "b", args.jobs)
        print(f"(b) done: {b_wall:.1f} s", flush=True)
        cold_s = statistics.median(cold(months[-1], notebooks[0], data_dir, tmp / f"c{i}") for i in range(3))
        print(f"cold single report: {cold_s:.2f} s", flush=True)
        steps, n_naive, naive_peak, naive_cpu = naive(months, notebooks, data_dir, tmp / "a", args.naive_sample)
        a_per = sum(sum(v) for v in steps.values()) / n_naive
        a_wall = a_per * n
        print(f"(a) done: {a_per * n_naive:.1f} s for {n_naive} reports", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    workers = max(1, min(args.jobs, n))
    b_per = b_wall / n
    split = " · ".join(f"{k} {statistics.mean(v):.2f}" for k, v in steps.items())
    scaled = "" if n_naive == n else f" (timed {n_naive}, scaled)"
    b_cpu = sampler.cpu_seconds() / n
    rows = [
        ("(a) naive chain, serial" + scaled, f"{a_wall:8.1f}", f"{a_per:7.2f}",
         f"CPU {naive_cpu / n_naive:.2f} s/report: {split}"),
        (f"(b) cchc-report run --jobs {args.jobs}", f"{b_wall:8.1f}", f"{b_per:7.2f}",
         f"CPU {b_cpu:.2f} s/report; {b_wall * workers / n:.2f} worker-s/report"),
        ("floor: kernel start + imports", "", f"{fl:7.2f}", f"(b) per report = {b_per / fl:.1f}x floor"),
        ("cold: one report, fresh process", "", f"{cold_s:7.2f}",
         f"cchc-report run --period {months[-1]} --report {notebooks[0]} (median of 3)"),
    ]
    print()
    print(f"{'':40} {'wall s':>8} {'s/report':>8}")
    for name, wall, per, note in rows:
        print(f"{name:40} {wall:>8} {per:>8}  {note}")
    print(f"{'speed-up (a)/(b)':40} {a_wall / b_wall:7.2f}x")
    print(f"{'peak memory per worker (PSS)':40} {sampler.total_peak / workers:7.0f} MB  "
          f"(whole run {sampler.total_peak:.0f} MB over {workers} workers, one kernel server and their kernels; "
          f"largest runner {sampler.runner_peak:.0f}, kernel {sampler.kernel_peak:.0f})")
    print(f"{'peak memory, naive chain (PSS)':40} {naive_peak:7.0f} MB  (one report's processes at their largest)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
