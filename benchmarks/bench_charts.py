"""What the charts of one progress report cost: figure set-up, layout and SVG.

    python benchmarks/bench_charts.py                       # sample 2023-10, unit 10, 20 rounds
    python benchmarks/bench_charts.py --before 9c318ed      # also the charts.py of that commit
    python benchmarks/bench_charts.py --period 2023-Q3 --rounds 5 --profile

The chart calls are recorded once, by running the report's chart-making methods
(summary and the eight reform areas) with the display switched off; then each
round replays the same calls: build the Figure (set-up, artists), then
serialise it to SVG (layout, drawing, writing). With ``--before REV``, the
``charts.py`` of that git revision is loaded beside the current one and the
same calls are replayed on it in the same process, rounds alternating, so
both are measured on the same (loaded) machine. Arguments the old module does
not know are dropped. The first round (fonts, caches) is reported apart: a
report kernel forked from the kernel server starts warm.

Nothing is asserted: benchmarks are not tests.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import importlib.util
import inspect
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
CHART_FUNCTIONS = ("trend_chart", "comparison_chart", "target_progress_chart", "findings_bar")
AREAS = ("chi_dao_dieu_hanh", "the_che", "tthc", "bo_may", "cong_vu", "tai_chinh_cong",
         "chinh_phu_so", "de_an_06")


def record_calls(period: str, unit: str, data_dir: str) -> list[tuple[str, tuple, dict]]:
    """The chart calls a progress report makes, with their arguments."""
    from helpers import charts, report

    calls = []
    originals = {name: getattr(charts, name) for name in CHART_FUNCTIONS}

    def recorder(name):
        def call(*args, **kwargs):
            calls.append((name, args, kwargs))
            return originals[name](*args, **kwargs)
        return call

    patches = {name: recorder(name) for name in CHART_FUNCTIONS}
    with _patched(charts, patches), _quiet_display(report):
        rep = report.open_report(period, unit, data_dir, "vi")
        rep.summary()
        for area in AREAS:
            rep.section(area)
    return calls


@contextlib.contextmanager
def _patched(module, attributes: dict):
    saved = {name: getattr(module, name) for name in attributes}
    for name, value in attributes.items():
        setattr(module, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(module, name, value)


@contextlib.contextmanager
def _quiet_display(report_module):
    """No output while recording: ``display`` is a no-op in IPython and in every
    helpers module that imported it (report, charts, blocks…)."""
    from IPython import display as ipy_display
    noop = {"display": lambda *a, **k: None}
    modules = [ipy_display, report_module] + [m for name, m in list(sys.modules.items())
                                              if name.startswith("helpers.") and m is not None]
    with contextlib.ExitStack() as stack:
        for module in dict.fromkeys(modules):
            if hasattr(module, "display"):
                stack.enter_context(_patched(module, noop))
        yield


def load_revision(rev: str):
    """``helpers/charts.py`` as it was at ``rev``, as a module of the helpers package."""
    source = subprocess.run(["git", "show", f"{rev}:src/helpers/charts.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp(prefix="charts-before-")) / "charts_before.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("helpers._charts_before", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def serialiser(module):
    """``charts.svg`` (one serialisation) where it exists, else the older ``to_svg``."""
    return getattr(module, "svg", None) or module.to_svg


def replay(module, calls) -> tuple[float, float, float]:
    """One round: build every chart, then its SVG. Returns (build s, SVG s, CPU s):
    wall-clock seconds of each part, and the process's CPU seconds for both (on a
    loaded machine wall time includes waiting for a core; CPU time does not)."""
    to_svg = serialiser(module)
    build = write = 0.0
    cpu = time.process_time()
    for name, args, kwargs in calls:
        fn = getattr(module, name)
        known = inspect.signature(fn).parameters
        kw = {k: v for k, v in kwargs.items() if k in known}
        t0 = time.perf_counter()
        fig = fn(*args, **kw)
        t1 = time.perf_counter()
        to_svg(fig)
        t2 = time.perf_counter()
        build += t1 - t0
        write += t2 - t1
    return build, write, time.process_time() - cpu


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--period", default="2023-10")
    parser.add_argument("--unit", default="10")
    parser.add_argument("--data-dir", default=str(ROOT / "data"))
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--before", metavar="REV", help="also time charts.py of this git revision")
    parser.add_argument("--profile", action="store_true", help="print where the current code's time goes")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    from helpers import charts
    imported = time.perf_counter() - t0
    calls = record_calls(args.period, args.unit, args.data_dir)
    modules = {"current": charts}
    if args.before:
        modules = {f"before ({args.before})": load_revision(args.before), **modules}

    first = {label: replay(module, calls) for label, module in modules.items()}
    times = {label: [] for label in modules}
    for _ in range(args.rounds):
        for label, module in modules.items():
            times[label].append(replay(module, calls))

    n = len(calls)
    names = [name for name, *_ in calls]
    kinds = ", ".join(f"{names.count(name)}× {name}" for name in dict.fromkeys(names))
    print(f"{n} charts of a progress report ({args.period}, unit {args.unit}): {kinds}")
    print(f"import helpers.charts: {imported * 1000:.0f} ms; {args.rounds} rounds after a first one")
    print(f"{'code':<22} {'first round':>12} {'build':>9} {'SVG':>9} {'total':>9} {'per chart':>10} "
          f"{'CPU/chart':>10}")
    medians = {}
    for label, rounds in times.items():
        build = statistics.median(r[0] for r in rounds)
        write = statistics.median(r[1] for r in rounds)
        cpu = statistics.median(r[2] for r in rounds)
        medians[label] = (build + write, cpu)
        print(f"{label:<22} {sum(first[label][:2]) * 1000:>9.0f} ms {build * 1000:>6.0f} ms {write * 1000:>6.0f} ms "
              f"{(build + write) * 1000:>6.0f} ms {(build + write) / n * 1000:>7.1f} ms {cpu / n * 1000:>7.1f} ms")
    if len(medians) == 2:
        (before, before_cpu), (after, after_cpu) = medians.values()
        print(f"current / before: {after / before:.2f} wall ({before / after:.2f}x faster), "
              f"{after_cpu / before_cpu:.2f} CPU ({before_cpu / after_cpu:.2f}x)")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(replay, charts, calls)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
