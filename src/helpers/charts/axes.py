"""The axes' texts and marks drawn as plain artists instead of matplotlib ticks: value axes with
their grid lines, category labels, horizontal bars and the notes at their ends."""

from __future__ import annotations

import numpy as np
from matplotlib import transforms
from matplotlib.container import BarContainer
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from .. import fmt
from .marks import decimals_needed
from .measure import text_width
from .style import COLORS, NOTE_SIZE, STYLE, TICK_GAP, TICK_SIZE


def value_ticks(lo: float, hi: float, unit: str, lang: str) -> tuple[list[float], list[str]]:
    """Tick positions between ``lo`` and ``hi`` (whole numbers for counts and
    ranks) and their labels in the report language, with the fewest decimals
    that tell them apart."""
    locator = MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10], integer=unit in ("count", "rank"))
    slack = 1e-9 * abs(hi - lo)
    locs = [float(v) for v in locator.tick_values(lo, hi) if lo - slack <= v <= hi + slack]
    decimals = decimals_needed(locs)
    return locs, [fmt.value(v, unit, lang, decimals) for v in locs]


def value_axis(ax, which: str, locs, labels) -> None:
    """A value axis drawn as what it shows: one set of grid lines and a label per
    value (gid ``value``). matplotlib's ticks are five artists each (two marks,
    two labels, a grid line), made and laid out one by one."""
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    if which == "x":
        ax.vlines(locs, 0, 1, transform=ax.get_xaxis_transform(), color=COLORS["grid"],
                  linewidth=STYLE["grid.linewidth"], zorder=0.5)
        place = transforms.offset_copy(ax.get_xaxis_transform(), ax.figure, x=0, y=-TICK_GAP / 2, units="inches")
        style = {"ha": "center", "va": "top"}
    else:
        ax.hlines(locs, 0, 1, transform=ax.get_yaxis_transform(), color=COLORS["grid"],
                  linewidth=STYLE["grid.linewidth"], zorder=0.5)
        place = transforms.offset_copy(ax.get_yaxis_transform(), ax.figure, x=-TICK_GAP / 2, y=0, units="inches")
        style = {"ha": "right", "va": "center"}
    for loc, label in zip(locs, labels):
        position = (loc, 0) if which == "x" else (0, loc)
        ax.text(*position, label, transform=place, fontsize=TICK_SIZE, gid="value", clip_on=False, **style)


def value_labels(ax) -> list[str]:
    """The labels of a chart's value axis, in order."""
    return [t.get_text() for t in ax.texts if t.get_gid() == "value"]


def bar_notes(ax, xs, notes, *, over=None, scale: float = 0.0, muted=()) -> None:
    """A small label just past the end of each horizontal bar (left of it if
    negative); rows listed in ``muted`` are grey italics ("no data"). A label that
    crosses the line at ``over`` (``scale``: data units per inch) gets a white
    backing so the line does not strike it through (only there: a backing is one
    more artist to lay out)."""
    gap = 3 / 72
    right = transforms.offset_copy(ax.transData, ax.figure, x=gap, y=0, units="inches")
    left = transforms.offset_copy(ax.transData, ax.figure, x=-gap, y=0, units="inches")
    for y, (x, text) in enumerate(zip(xs, notes)):
        style = {"color": COLORS["muted"], "style": "italic"} if y in muted else {}
        if over is not None:
            reach = (text_width(text, NOTE_SIZE) + gap) * scale
            start, end = (x - reach, x) if x < 0 else (x, x + reach)
            if start <= float(over) <= end:
                style["bbox"] = {"facecolor": "white", "edgecolor": "none", "pad": 0.6}
        ax.text(x, y, text, transform=left if x < 0 else right, ha="right" if x < 0 else "left",
                va="center", fontsize=NOTE_SIZE, zorder=4, **style)


def category_axis(ax, labels, bold=frozenset()) -> None:
    """Horizontal-bar categories, top to bottom, with chosen labels in bold. The
    labels are plain texts left of the axes (gid ``category``), not ticks: a tick
    is five artists, and a category axis needs none of them."""
    ax.set_yticks([])
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    place = transforms.offset_copy(ax.get_yaxis_transform(), ax.figure, x=-TICK_GAP / 2, y=0,
                                   units="inches")
    for y, label in enumerate(labels):
        ax.text(0, y, label, transform=place, ha="right", va="center", fontsize=TICK_SIZE,
                fontweight="bold" if label in bold else "normal", gid="category", clip_on=False)


def category_labels(ax) -> list[str]:
    """The category labels of a chart: a bar chart's top to bottom, a trend's months."""
    return [t.get_text() for t in ax.texts if t.get_gid() == "category"]


def hbars(ax, values, *, height: float, colors, left=None, label=None) -> BarContainer:
    """Horizontal bars, one per row from the top, as ``barh`` draws them but
    without updating the data limits bar by bar (the limits are set by the chart)."""
    left = np.zeros(len(values)) if left is None else left
    bars = []
    for y, (x0, width, color) in enumerate(zip(left, values, colors)):
        bar = Rectangle((x0, y - height / 2), width, height, facecolor=color, edgecolor="none",
                        linewidth=0, label="_nolegend_")
        ax.add_artist(bar)
        bars.append(bar)
    return ax.add_container(BarContainer(bars, label=label))
