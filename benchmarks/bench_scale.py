"""A province's year at scale: 12 months x 34 units = 408 progress reports (HTML + PDF),
then the scaling of the same kind of work from 1 to 2 Dask workers on a LocalCluster.

    python benchmarks/bench_scale.py                     # 408 reports, then Dask on 48
    python benchmarks/bench_scale.py --dask-reports 24   # a shorter Dask part

The sample data has 25 units (the province, 14 departments, 9 districts); the benchmark
copies it to a temporary folder and adds 9 generated districts (each a copy of Lào Cai
City's figures under a new code), so that the province has 34 units, as after 2025.
Nothing is asserted (benchmarks are not tests); the output folder is removed at the end.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MODEL_DISTRICT = "080"
EXTRA_DISTRICTS = 9
MONTHS = [f"2022-{m:02d}" for m in range(1, 13)]


def generated_data(src: Path, dst: Path) -> list[str]:
    """The sample data plus generated districts; returns every unit code."""
    shutil.copytree(src, dst)
    codes = [f"09{i}" for i in range(EXTRA_DISTRICTS)]
    units = dst / "units.csv"
    with open(units, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0])
    model = next(r for r in rows if r["code"] == MODEL_DISTRICT)
    for i, code in enumerate(codes, start=1):
        rows.append({**model, "code": code, "name_vi": f"Huyện Mẫu {i}", "name_en": f"Sample District {i}"})
    with open(units, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    for path in (dst / "periods").glob("*.csv"):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            data = list(csv.DictReader(fh))
        header = list(data[0]) if data else ["unit", "indicator", "value", "note"]
        copies = [{**r, "unit": code} for code in codes for r in data if r["unit"] == MODEL_DISTRICT]
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=header)
            writer.writeheader()
            writer.writerows(data + copies)
    return [r["code"] for r in rows]


def run(cmd: list[str]) -> float:
    started = time.perf_counter()
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if r.returncode != 0:
        sys.exit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}")
    return seconds


def report_cmd(data: Path, out: Path, units: list[str], months: list[str], extra: list[str]) -> list[str]:
    cmd = [str(BIN / "cchc-report"), "run", "--data-dir", str(data), "--out", str(out), "--report",
           "progress_report", "--formats", "html,pdf", "--quiet", *extra]
    for month in months:
        cmd += ["--period", month]
    for unit in units:
        cmd += ["--unit", unit]
    return cmd


def dask_run(data: Path, out: Path, units: list[str], months: list[str], workers: int) -> float:
    from dask.distributed import LocalCluster
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        return run(report_cmd(data, out, units, months, ["--scheduler", cluster.scheduler_address]))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--dask-reports", type=int, default=48, help="reports of the Dask part (12 months x N units)")
    ap.add_argument("--skip-408", action="store_true", help="only the Dask part")
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="cchc-scale-"))
    try:
        units = generated_data(ROOT / "data", tmp / "data")
        print(f"{len(units)} units x {len(MONTHS)} months = {len(units) * len(MONTHS)} reports; "
              f"{os.cpu_count()} CPUs; output in {tmp}", flush=True)
        if not args.skip_408:
            seconds = run(report_cmd(tmp / "data", tmp / "all", units, MONTHS, ["--jobs", str(args.jobs)]))
            pdfs = len(list((tmp / "all").glob("*/*/progress_report.pdf")))
            print(f"cchc-report run --jobs {args.jobs}: {pdfs} reports (HTML + PDF) in {seconds:.1f} s = "
                  f"{seconds / pdfs:.2f} s/report ({seconds * args.jobs / pdfs:.2f} worker-s/report)", flush=True)
        n_units = max(1, args.dask_reports // len(MONTHS))
        chosen = units[-n_units:]
        times = {}
        for workers in (1, 2):
            times[workers] = dask_run(tmp / "data", tmp / f"dask{workers}", chosen, MONTHS, workers)
            n = len(list((tmp / f"dask{workers}").glob("*/*/progress_report.pdf")))
            print(f"Dask LocalCluster, {workers} worker(s) x 1 thread: {n} reports in {times[workers]:.1f} s = "
                  f"{times[workers] / n:.2f} s/report", flush=True)
        print(f"Dask scaling 1 -> 2 workers: {times[1] / times[2]:.2f}x")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
