"""The monthly trend chart: this year against last year, with an optional target line."""

from __future__ import annotations

import numpy as np
from matplotlib import transforms
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..text import t
from .axes import value_axis, value_ticks
from .layout import finite_range, legend, legend_height, no_data, page_figure
from .marks import floats, format_value, target_handle, wording
from .measure import text_height, text_width
from .style import COLORS, NOTE_SIZE, OUTER, PAGE_WIDTH, TICK_GAP, TICK_SIZE, styled


@styled
def trend_chart(labels, values, last_year_values=None, *, title, unit="count", lang="vi",
                target=None, this_year_label=None, last_year_label=None, year=None,
                decimals=None) -> Figure:
    """Monthly trend: this year's line (solid, blue, markers), the same months of
    last year as a grey dashed line with hollow markers, an optional red dashed
    target (always inside the axis); the latest value is written. A month without
    a figure (``None``) is a gap in the line, never a zero.

    The caller chooses the months (the report: January..December of its year
    against last year's, see ``Report.trend``); with ``year`` the lines are
    named "Năm 2023" and "Năm 2022" instead of "this year" and "last year";
    ``decimals`` is the written value's (fewest needed by default)."""
    words = wording(lang)
    if year is not None:
        this_year_label = this_year_label or words["year"].format(year=year)
        last_year_label = last_year_label or words["year"].format(year=year - 1)
    x = np.arange(len(labels))
    this_year = floats(values, len(labels))
    last_year = None if last_year_values is None else floats(last_year_values, len(labels))
    series = [s for s in (this_year, last_year) if s is not None and not np.isnan(s).all()]
    if not series:
        return no_data(title, lang)

    lo, hi = _trend_limits(*finite_range(np.concatenate(series), target))
    locs, tick_texts = value_ticks(lo, hi, unit, lang)
    label_texts = [str(label) for label in labels]
    left = OUTER + max((text_width(t) for t in tick_texts), default=0) + TICK_GAP
    plot_width = PAGE_WIDTH - left - 0.15
    crowded = sum(text_width(label) + 0.08 for label in label_texts) > plot_width
    label_height = (max((text_width(s) for s in label_texts), default=0) * 0.72 + 0.08 if crowded
                    else text_height("0"))
    handles = _trend_handles(this_year, last_year, target, unit, lang, words,
                             this_year_label, last_year_label)
    bottom = OUTER + legend_height(handles) + 0.06 + label_height + TICK_GAP
    fig, ax = page_figure(title, 2.0, left=left, bottom=bottom, right=0.15)

    ax.plot(x, this_year, color=COLORS["this_year"], marker="o", markersize=4.5, linewidth=2.2, zorder=3)
    if last_year is not None and not np.isnan(last_year).all():
        # over this year's thicker line, so that equal values still show both
        ax.plot(x, last_year, color=COLORS["last_year"], linestyle=(0, (4, 2)), linewidth=1.4,
                marker="o", markersize=3.5, markerfacecolor="white", markeredgewidth=1.0, zorder=3.5)
    if target is not None:
        ax.axhline(float(target), color=COLORS["target"], linestyle="--", linewidth=1.2, zorder=2.5)
    _write_latest(ax, x, this_year, unit, lang, decimals)

    ax.set_xlim(-0.5, len(labels) - 0.5)
    ax.set_ylim(lo, hi)
    value_axis(ax, "y", locs, tick_texts)
    _month_axis(ax, label_texts, crowded)
    legend(fig, handles)
    return fig


def _month_axis(ax, labels, slanted: bool) -> None:
    """Month labels under the axis, slanted when they would not fit side by side
    (plain texts with gid ``category``, like the bar charts' categories)."""
    ax.set_xticks([])
    ax.grid(axis="x", visible=False)
    place = transforms.offset_copy(ax.get_xaxis_transform(), ax.figure, x=0, y=-TICK_GAP / 2,
                                   units="inches")
    style = ({"rotation": 45, "ha": "right", "va": "top", "rotation_mode": "anchor"} if slanted
             else {"ha": "center", "va": "top"})
    for x, label in enumerate(labels):
        ax.text(x, 0, label, transform=place, fontsize=TICK_SIZE, gid="category", clip_on=False, **style)


def month_label(month: int, lang: str = "vi") -> str:
    """A month on a chart axis: ``T1`` .. ``T12`` / ``Jan`` .. ``Dec``."""
    return t(lang, f"month.short.{month}")


def _trend_limits(lo: float, hi: float) -> tuple[float, float]:
    """A value range with room above for the written latest value; it starts at 0
    for non-negative data and always holds the target."""
    if hi == lo:
        hi, lo = hi + (abs(hi) or 1) * 0.5, lo - (abs(lo) or 1) * 0.5
    span = hi - lo
    bottom = 0.0 if lo >= 0 else lo - span * 0.1
    return bottom, hi + (hi - bottom) * 0.15


def _trend_handles(this_year, last_year, target, unit, lang, words, this_label, last_label) -> list:
    """Legend entries for what is drawn: no entry for a line with no value."""
    handles = []
    if not np.isnan(this_year).all():
        handles.append(Line2D([], [], color=COLORS["this_year"], marker="o", markersize=4.5, linewidth=2.2,
                              label=this_label or words["this_year"]))
    if last_year is not None and not np.isnan(last_year).all():
        handles.append(Line2D([], [], color=COLORS["last_year"], linestyle=(0, (4, 2)), linewidth=1.4,
                              marker="o", markersize=3.5, markerfacecolor="white",
                              label=last_label or words["last_year"]))
    if target is not None:
        handles.append(target_handle(target, unit, lang))
    return handles


def _write_latest(ax, x, values: np.ndarray, unit: str, lang: str, decimals: int | None = None) -> None:
    """Write the last reported value of a line above its marker."""
    reported = np.flatnonzero(~np.isnan(values))
    if reported.size:
        i = reported[-1]
        offset = transforms.offset_copy(ax.transData, ax.figure, x=0, y=7, units="points")
        ax.text(x[i], values[i], format_value(values[i], unit, lang, decimals), transform=offset, ha="center",
                va="bottom", fontsize=NOTE_SIZE, fontweight="bold", color=COLORS["this_year"], zorder=4)
