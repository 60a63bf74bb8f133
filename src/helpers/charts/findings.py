"""The data-quality chart: findings per indicator or unit, stacked by severity."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .. import fmt
from .axes import bar_notes, category_axis, hbars, value_axis, value_ticks
from .layout import bar_height, bar_limits, category_width, legend, legend_height, no_data, page_figure, wrap
from .marks import wording
from .measure import text_height
from .style import COLORS, OUTER, PAGE_WIDTH, TICK_GAP, styled

SEVERITY_ORDER = ("error", "warning", "info")


@styled
def findings_bar(counts_by_label, *, title, lang="vi") -> Figure:
    """Stacked horizontal bars of data-quality findings by severity (errors,
    warnings, …) per indicator or unit, most findings first, totals written."""
    words = wording(lang)
    totals = {label: sum(counts.values()) for label, counts in counts_by_label.items()}
    names = sorted(totals, key=lambda label: -totals[label])
    if not names:
        return no_data(title, lang)
    shown = [wrap(name, 40) for name in names]
    severities = _severities(counts_by_label)
    handles = [Patch(color=COLORS.get(s, COLORS["other"]), label=words.get(s, s)) for s in severities]
    left = OUTER + category_width(shown) + TICK_GAP
    bottom = OUTER + legend_height(handles) + 0.08 + text_height("0") + TICK_GAP
    fig, ax = page_figure(title, bar_height(shown), left=left, bottom=bottom)

    left_edge = np.zeros(len(names))
    for severity in severities:
        counts = np.array([counts_by_label[name].get(severity, 0) for name in names], dtype=float)
        hbars(ax, counts, left=left_edge.copy(), height=0.7, label=words.get(severity, severity),
               colors=[COLORS.get(severity, COLORS["other"])] * len(names))
        left_edge += counts
    notes = [fmt.number(total, lang) for total in left_edge]
    bar_notes(ax, left_edge, notes)

    category_axis(ax, shown)
    lo, hi = bar_limits(left_edge, notes, PAGE_WIDTH - left - 0.12)
    ax.set_xlim(lo, hi)
    value_axis(ax, "x", *value_ticks(lo, hi, "count", lang))
    legend(fig, handles)
    return fig


def _severities(counts_by_label) -> list[str]:
    """Severities present: errors, warnings, info first, then others as met."""
    seen = list(dict.fromkeys(key for counts in counts_by_label.values() for key in counts))
    return sorted(seen, key=lambda s: SEVERITY_ORDER.index(s) if s in SEVERITY_ORDER
                  else len(SEVERITY_ORDER))
