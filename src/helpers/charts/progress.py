"""The progress chart: each indicator's value as a percentage of its target, as bullet bars."""

from __future__ import annotations

import math

import numpy as np
from matplotlib import transforms
from matplotlib.figure import Figure

from .. import fmt
from ..catalogue import target_op_of
from .axes import category_axis, hbars, value_axis
from .layout import bar_height, category_width, legend, legend_height, no_data, page_figure, wrap
from .marks import floats, format_value, status_color, status_handles, status_of_value, target_handle, wording
from .measure import text_height, text_width
from .style import COLORS, NOTE_SIZE, OUTER, TICK_GAP, TICK_SIZE, styled

PROGRESS_CAP = 150.0  # percent of target beyond which a bar is drawn at the cap
PROGRESS_TICKS = (0, 50, 100, PROGRESS_CAP)


@styled
def target_progress_chart(items, *, title, lang="vi") -> Figure:
    """Bullet bars: each item's value as a percentage of its target (drawn up to
    150%, the real figures written beside), coloured by the item's own status.

    ``items`` are dicts with ``label``, ``value``, ``target``, ``unit`` and
    ``direction`` (``higher_better``/``lower_better``), optionally ``decimals``
    and ``status`` (``met``, ``not_met``, ``on_track``, ``behind``: a judgement
    made elsewhere, e.g. against the year's pace; without it, value against target).
    """
    words = wording(lang)
    if not items or all(item.get("value") is None for item in items):
        return no_data(title, lang)
    labels = [wrap(item["label"], 36) for item in items]
    ratios = floats([_percent_of_target(item.get("value"), item.get("target")) for item in items])
    states = [item.get("status") or status_of_value(item.get("value"), item.get("target"), item["direction"])
              for item in items]
    notes = [_progress_text(item, lang) for item in items]
    drawn = [s for s, r in zip(states, ratios) if s and (math.isfinite(r) or r == math.inf)]
    handles = [target_handle(None, "percent", lang, with_value=False), *status_handles(drawn, lang)]

    left = OUTER + category_width(labels) + TICK_GAP
    right = OUTER + max(text_width(n, NOTE_SIZE) for n in notes) + 8 / 72
    bottom = (OUTER + legend_height(handles) + 0.06 + text_height("0", TICK_SIZE) * 2 + TICK_GAP)
    fig, ax = page_figure(title, bar_height(labels, per_bar=0.14), left=left, bottom=bottom, right=right)

    colors = [status_color(s) for s in states]
    hbars(ax, np.minimum(ratios, PROGRESS_CAP), height=0.5, colors=colors)
    ax.axvline(100, color=COLORS["target"], linestyle="--", linewidth=1.2)
    offset = transforms.offset_copy(ax.get_yaxis_transform(), fig, x=6, y=0, units="points")
    for y, note in enumerate(notes):
        ax.text(1, y, note, transform=offset, va="center", fontsize=NOTE_SIZE, clip_on=False)
        if ratios[y] > PROGRESS_CAP:
            ax.plot(PROGRESS_CAP, y, marker=">", color=colors[y], markersize=7, clip_on=False)

    category_axis(ax, labels)
    ax.set_xlim(0, PROGRESS_CAP)
    value_axis(ax, "x", PROGRESS_TICKS, [fmt.percent(v, lang, 0) for v in PROGRESS_TICKS])
    below = transforms.offset_copy(ax.transAxes, fig, x=0, y=-(TICK_GAP + text_height("0")), units="inches")
    ax.text(0.5, 0, words["percent_of_target"], transform=below, ha="center", va="top", fontsize=TICK_SIZE,
            color=COLORS["muted"], clip_on=False)
    legend(fig, handles)
    return fig


def _percent_of_target(value, target) -> float | None:
    """``value`` as a percentage of ``target``; a zero target is met only by zero."""
    if value is None or target is None:
        return None
    if float(target) == 0:
        return 100.0 if float(value) == 0 else math.inf
    return float(value) / float(target) * 100


def _progress_text(item: dict, lang: str) -> str:
    """``143,84% / chỉ tiêu 100%``; ``≤`` marks a target not to exceed."""
    words = wording(lang)
    unit, decimals = item["unit"], item.get("decimals")
    if item.get("value") is None:
        return words["no_data_bar"]
    value = format_value(item["value"], unit, lang, decimals)
    if item.get("target") is None:
        return f"{value} / {words['no_target']}"
    bound = "≤ " if target_op_of(item["direction"]) == "<=" else ""
    return f"{value} / {words['target'].lower()} {bound}{format_value(item['target'], unit, lang)}"
