"""The comparison chart: one horizontal bar per unit, largest first, coloured by status against a target."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .. import fmt
from .axes import bar_notes, category_axis, hbars, value_axis, value_ticks
from .layout import bar_height, bar_limits, category_width, legend, legend_height, no_data, page_figure, wrap
from .marks import (
    as_set,
    decimals_needed,
    floats,
    status_color,
    status_handles,
    status_of_value,
    target_handle,
    wording,
)
from .measure import text_height
from .style import COLORS, OUTER, PAGE_WIDTH, TICK_GAP, styled

CROWDED = 16     # more bars than this are drawn closer together, so that the chart shares a page


@styled
def comparison_chart(labels, values, *, title, unit="count", lang="vi", target=None,
                     highlight=None, computed=None, direction="higher_better",
                     decimals=None, statuses=None) -> Figure:
    """Horizontal bars across units, largest first, each value written at the bar
    end. With a target, each bar has the colour of its own status (given in
    ``statuses``, one per label, or judged here from ``target`` and
    ``direction``); the legend names only the statuses drawn, and the target line
    is always inside the axis.

    ``highlight`` (a label or labels) is drawn in bold with an outlined bar;
    ``computed`` labels (figures summed from sub-units) are hatched and starred.
    """
    words = wording(lang)
    numbers = floats(values, len(labels))
    if statuses is not None and len(statuses) != len(labels):
        raise ValueError(f"expected {len(labels)} statuses (one per label), got {len(statuses)}")
    order = sorted(range(len(labels)), key=lambda i: (math.isnan(numbers[i]), -numbers[i]))
    names = [str(labels[i]) for i in order]
    numbers = numbers[order]
    if np.isnan(numbers).all():
        return no_data(title, lang)

    if statuses is not None:
        states = [statuses[i] if math.isfinite(numbers[k]) else None for k, i in enumerate(order)]
    elif target is not None:
        states = [status_of_value(v, target, direction) for v in numbers]
    else:
        states = [None] * len(names)
    computed, highlight = as_set(computed), as_set(highlight)
    crowded = len(names) > CROWDED
    shown = [wrap(name + (" (*)" if name in computed else ""), 56 if crowded else 40) for name in names]
    bold = {s for s, n in zip(shown, names) if n in highlight}
    digits = decimals_needed(numbers) if decimals is None else decimals
    notes = [words["no_data_bar"] if math.isnan(v) else fmt.value(v, unit, lang, digits) for v in numbers]
    handles = _comparison_legend(target, unit, lang, states, bool(computed & set(names)))

    left = OUTER + category_width(shown, bold) + TICK_GAP
    bottom = OUTER + legend_height(handles) + 0.08 + text_height("0") + TICK_GAP
    gap = 0.03 if crowded else 0.07      # many bars keep their labels' height (one line each), less air between
    fig, ax = page_figure(title, bar_height(shown, per_bar=gap), left=left, bottom=bottom)
    axes_width = PAGE_WIDTH - left - 0.12

    colors = [status_color(s) if target is not None or statuses is not None else COLORS["this_year"]
              for s in states]
    lo, hi = bar_limits(numbers, notes, axes_width, () if target is None else (target,))
    scale = (hi - lo) / axes_width
    bars = hbars(ax, numbers, height=0.7, colors=colors)
    for bar, name in zip(bars, names):
        if name in computed:
            bar.set(hatch="////", edgecolor="white", linewidth=0)
        if name in highlight:
            bar.set(edgecolor=COLORS["text"], linewidth=1.2)
    bar_notes(ax, np.nan_to_num(numbers, nan=0.0), notes, over=target, scale=scale,
               muted={y for y, v in enumerate(numbers) if math.isnan(v)})
    if target is not None:
        ax.axvline(float(target), color=COLORS["target"], linestyle="--", linewidth=1.2, zorder=3)

    category_axis(ax, shown, bold=bold)
    ax.set_xlim(lo, hi)
    value_axis(ax, "x", *value_ticks(lo, hi, unit, lang))
    legend(fig, handles)
    return fig


def _comparison_legend(target, unit, lang, states, has_computed) -> list:
    """The legend entries the bars need: the target, the statuses drawn, (*)."""
    words = wording(lang)
    handles = []
    if target is not None:
        handles.append(target_handle(target, unit, lang))
    handles += status_handles([s for s in states if s], lang)
    if has_computed:
        handles.append(Patch(facecolor=COLORS["muted"], edgecolor="white", hatch="////",
                             label=words["computed"]))
    return handles
