"""What a report kernel loads before its first cell: the report's modules (:mod:`helpers.report`);
in the kernel server, also what every report loads on its first number, chart and block
(:func:`warm_up`) and the data folder (:func:`read_ahead`), which the forked kernels inherit. The
kernel package preloads this module by default (:func:`helpers.kernel.preloaded_modules`)."""

from __future__ import annotations

import datetime
import gc
from decimal import Decimal

from . import blocks, charts, fmt
from . import report as _report  # noqa: F401  (imported for the kernels: their first cell finds it loaded)


def warm_up() -> None:
    """Load what every report loads on its first number, chart and block: Babel's
    locale data (Vietnamese and English); the chart fonts in every weight, style and
    size the charts use, and the chart text sizes measured by earlier reports (in the run's output folder)
    (:mod:`helpers.textsizes`), by drawing one chart of each kind; and the blocks'
    HTML macros (a Jinja template compiled once here, not once per kernel). The
    kernels inherit a garbage collector that collects young objects less often, as
    the runner's workers do (:func:`helpers.batch.tune_gc`): a kernel lives for one
    report, and its charts make many short-lived objects (≈ 5 % of its cells' time)."""
    for lang in ("vi", "en"):
        fmt.number(Decimal("1234.5"), lang, 1)
        fmt.percent(Decimal("12.5"), lang)
        fmt.datetime(datetime.datetime(2023, 10, 31, 8, 30), lang)
    months = [charts.month_label(m) for m in range(1, 13)]
    name, title = "Năm nay", "Tỷ lệ hồ sơ"           # Vietnamese glyphs in every weight
    # charts.svg also writes the sizes it measured: kernels must not inherit them unsaved
    charts.svg(charts.trend_chart(months, [Decimal("41.5"), None, *[Decimal(50)] * 10], [Decimal(40)] * 12,
                                  title=title, unit="percent", target=Decimal(50), year=2023))
    charts.svg(charts.comparison_chart([name, title], [Decimal("62.35"), None], title=title, unit="percent",
                                       target=Decimal(50), computed=name))
    charts.svg(charts.target_progress_chart([{"label": name, "value": Decimal(40), "target": Decimal(50),
                                              "unit": "percent", "direction": "higher_better"}], title=title))
    blocks.Paragraph(title).html()                  # (no Heading: it would take an anchor from the kernels)
    gc.set_threshold(50_000, 20, 20)


def read_ahead(data_dir: str) -> None:
    """Read the data folder once; forked kernels find it in the helpers' cache
    (which checks that no file has changed since)."""
    from .load import load_data_cached
    load_data_cached(data_dir)
