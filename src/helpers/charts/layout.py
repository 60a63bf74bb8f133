"""Figure sizing from measured text: the page-wide figure with its wrapped title, the axes margins in
inches, the legend under the chart, bar heights and value-axis limits that hold every label."""

from __future__ import annotations

import math
import textwrap

import numpy as np
from matplotlib.figure import Figure

from .marks import wording
from .measure import text_height, text_width
from .style import COLORS, LEGEND_SIZE, LINE_SPACING, NOTE_SIZE, OUTER, PAGE_WIDTH, TICK_SIZE, TITLE_SIZE


def wrap(text, width: int) -> str:
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def _fit(text, width: float, size: float, weight: str = "normal") -> str:
    """``text`` in as few lines no wider than ``width`` inches as it needs, the
    lines of even length (no single word left alone on the last line)."""
    lines = _lines(str(text), width, size, weight)
    if len(lines) > 1:
        narrow, wide = width / len(lines), width
        for _ in range(12):  # the narrowest width that still needs no more lines
            middle = (narrow + wide) / 2
            if len(_lines(str(text), middle, size, weight)) == len(lines):
                wide = middle
            else:
                narrow = middle
        lines = _lines(str(text), wide, size, weight)
    return "\n".join(lines) or str(text)


def _lines(text: str, width: float, size: float, weight: str) -> list[str]:
    """Greedy line breaking, word by word (a word longer than a line stays whole)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size, weight) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines



def finite_range(values, *extra) -> tuple[float, float]:
    """The smallest and largest of the finite values and the extra ones (a target)."""
    finite = [float(v) for v in values if math.isfinite(v)] + [float(e) for e in extra if e is not None]
    return min(finite), max(finite)


def _title_height(title: str) -> float:
    return text_height(title, TITLE_SIZE) + 0.12


def _legend_rows(handles) -> int:
    return 1 if _legend_fits(handles) else math.ceil(len(handles) / 2)


def _legend_fits(handles) -> bool:
    width = sum(text_width(h.get_label(), LEGEND_SIZE) + 0.45 for h in handles)
    return width <= PAGE_WIDTH - 0.3


def legend_height(handles) -> float:
    if not handles:
        return 0.0
    rows = _legend_rows(handles)
    return (rows * LEGEND_SIZE * LINE_SPACING + (rows - 1) * LEGEND_SIZE * 0.5 + LEGEND_SIZE * 0.8) / 72 + 0.04


def page_figure(title: str, axes_height: float, *, left: float, bottom: float, right: float = 0.12,
            width: float = PAGE_WIDTH) -> tuple[Figure, object]:
    """A page-wide figure: a bold (wrapped) title centred on the figure, then one
    axes whose margins are given in inches (``bottom`` holds tick labels and the
    legend), so nothing has to be measured again when the figure is drawn."""
    title = _fit(title, width - 2 * OUTER - 0.2, TITLE_SIZE, "bold")
    top = OUTER + _title_height(title)
    height = top + axes_height + bottom
    fig = Figure(figsize=(width, height))
    fig.suptitle(title, y=1 - OUTER / height, va="top", fontsize=TITLE_SIZE, fontweight="bold",
                 linespacing=LINE_SPACING)
    ax = fig.add_axes((left / width, bottom / height, (width - left - right) / width, axes_height / height))
    return fig, ax


def legend(fig: Figure, handles) -> None:
    """One legend row under the chart, or two columns read row by row if too wide."""
    if not handles:
        return
    anchor = (0.5, OUTER / fig.get_figheight())
    if _legend_fits(handles):
        fig.legend(handles=handles, loc="lower center", bbox_to_anchor=anchor, ncols=len(handles),
                   borderaxespad=0, borderpad=0.4, handlelength=1.8)
    else:  # matplotlib fills columns first
        fig.legend(handles=handles[0::2] + handles[1::2], loc="lower center", bbox_to_anchor=anchor,
                   ncols=2, borderaxespad=0, borderpad=0.4, handlelength=1.8)


def no_data(title: str, lang: str) -> Figure:
    """A small panel under the title that says there is no data."""
    fig, ax = page_figure(title, 0.9, left=OUTER, bottom=OUTER, right=OUTER)
    ax.set_axis_off()
    ax.text(0.5, 0.5, wording(lang)["no_data"], transform=ax.transAxes, ha="center",
            va="center", fontsize=10, color=COLORS["muted"], style="italic")
    return fig



def category_width(labels, bold=frozenset()) -> float:
    return max((text_width(label, TICK_SIZE, "bold" if label in bold else "normal") for label in labels),
               default=0.0)


def bar_height(labels, per_line: float = 0.13, per_bar: float = 0.07) -> float:
    """Inches for evenly spaced horizontal bars, each as tall as the most wrapped label."""
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    return max(len(labels), 1) * (per_bar + per_line * lines)


def bar_limits(numbers: np.ndarray, notes: list[str], axes_width: float, extra=()) -> tuple[float, float]:
    """Value-axis limits that hold every bar, its note past the end, and ``extra``
    values (a target line): 0 is always inside."""
    lo, hi = finite_range(numbers, 0, *extra)
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi == lo:
        hi = lo + 1
    room = [text_width(n, NOTE_SIZE) + 4 / 72 for n in notes]
    for _ in range(3):  # the note's share of the axis depends on the range: settle it
        span = hi - lo
        need_hi, need_lo = hi, lo
        for v, w in zip(numbers, room):
            if not math.isfinite(v):
                continue
            if v >= 0:
                need_hi = max(need_hi, v + w / axes_width * span)
            else:
                need_lo = min(need_lo, v - w / axes_width * span)
        hi, lo = need_hi, need_lo
    pad = (hi - lo) * 0.02
    return lo - (pad if lo < 0 else 0), hi + pad
