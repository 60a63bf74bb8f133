"""Report charts in one style, sized for an A4 page (16 cm of printable width).

Labels are Vietnamese or English, every number goes through :mod:`helpers.fmt`
(``1.989``, ``90,35%``), and a value of ``None`` (not reported) is a gap, never
a zero. Each chart function returns a :class:`~matplotlib.figure.Figure` made
outside pyplot, so a notebook loop does not accumulate open figures.

- **Font**: Be Vietnam Pro from the ``fontpkg-be-vietnam-pro`` package (the
  report's font), registered with matplotlib once per process; no system font
  is looked for. SVG keeps text as text (``svg.fonttype: none``), so the PDF
  and the HTML can be searched for a chart's labels.
- **Text is text**: unit names and labels are never TeX (``text.parse_math``
  is off): ``$\\x$`` or ``50%_$x$`` are drawn as typed.
- **Honest marks**: a target line always lies inside the axis range; a bar has
  the colour of its own status (``met``, ``not_met``, ``on_track``, ``behind``,
  ``no_target``) and the legend lists only the statuses drawn.
- **Cheap** (``benchmarks/bench_charts.py``): a chart is laid out here from
  measured text sizes (margins, limits, value labels fixed when it is built)
  instead of by matplotlib's constrained layout, so the figure is drawn once,
  when its SVG is written (:func:`svg`); each text is measured once per process;
  category, month and value labels are plain texts and grid lines one
  collection, not matplotlib ticks (five artists each).
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import textwrap
from pathlib import Path

import matplotlib
import numpy as np
from IPython.display import display
from matplotlib import font_manager, pyplot, transforms
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import FigureCanvasSVG, RendererSVG
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.textpath import text_to_path
from matplotlib.ticker import MaxNLocator

from . import fmt, textsizes
from .catalogue import target_op_of
from .figures import status_of
from .text import t

PAGE_WIDTH = 16 / 2.54  # inches: A4 minus 2.5 cm margins
FONT_FAMILY = "Be Vietnam Pro"
FONT_STYLES = ("Regular", "Bold", "Italic", "BoldItalic")
TITLE_SIZE = 11
TICK_SIZE = 8
NOTE_SIZE = 8
LEGEND_SIZE = 8
LINE_SPACING = 1.2     # matplotlib's default line height, in font sizes
OUTER = 0.06           # inches of white around the chart
TICK_GAP = 7 / 72      # tick length + padding between a tick and its label

COLORS = {
    "this_year": "#1F5FA8",
    "last_year": "#8C8C8C",
    "target": "#D62728",
    "met": "#2E8B57",
    "not_met": "#E4572E",
    "on_track": "#7FB77E",
    "behind": "#F2A900",
    "no_target": "#1F5FA8",
    "neutral": "#1F5FA8",
    "error": "#D62728",
    "warning": "#F2A900",
    "other": "#7F7F7F",
    "text": "#222222",
    "muted": "#6B6B6B",
    "grid": "#DDDDDD",
}
STATUS_ORDER = ("met", "on_track", "behind", "not_met", "no_target")

STYLE = {
    "font.family": [FONT_FAMILY],
    "font.size": 9,
    "text.color": COLORS["text"],
    "text.parse_math": False,   # unit names are text, never TeX
    "text.usetex": False,
    "axes.titlesize": TITLE_SIZE,
    "axes.titleweight": "bold",
    "axes.labelsize": 9,
    "axes.labelcolor": COLORS["text"],
    "axes.edgecolor": "#8C8C8C",
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,         # value axes draw their own grid lines
    "axes.axisbelow": True,
    "axes.prop_cycle": matplotlib.cycler(color=[COLORS["this_year"], COLORS["last_year"]]),
    "axes.unicode_minus": True,
    "grid.color": COLORS["grid"],
    "grid.linewidth": 0.7,
    "xtick.labelsize": TICK_SIZE,
    "ytick.labelsize": TICK_SIZE,
    "xtick.color": COLORS["text"],
    "ytick.color": COLORS["text"],
    "xtick.minor.visible": False,
    "ytick.minor.visible": False,
    "legend.fontsize": LEGEND_SIZE,
    "legend.frameon": False,
    "hatch.linewidth": 0.8,
    "figure.facecolor": "white",
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "savefig.bbox": None,       # the layout is ours: no tight-bbox pass
    "svg.fonttype": "none",     # text stays text: searchable in the PDF, and cheap to write
    "svg.hashsalt": "cchc",     # ids from content, so the same chart gives the same SVG
}

WORDS = ("chart.this_year", "chart.last_year", "chart.year", "chart.target", "chart.no_data", "chart.no_data_bar",
         "chart.no_target", "chart.status_met", "chart.status_not_met", "chart.status_on_track",
         "chart.status_behind", "chart.status_no_target", "chart.value", "chart.computed", "chart.error",
         "chart.warning", "chart.info", "chart.percent_of_target")      # the charts' wording (the catalogue's)
SEVERITY_ORDER = ("error", "warning", "info")
PROGRESS_CAP = 150.0  # percent of target beyond which a bar is drawn at the cap
PROGRESS_TICKS = (0, 50, 100, PROGRESS_CAP)


# -- style and fonts ---------------------------------------------------------------
@functools.cache
def register_fonts() -> str:
    """Add Be Vietnam Pro's TTF files to matplotlib's font list, once per process,
    and return the family name. (The files come with the Python package, so a
    machine without system fonts draws the same charts.)"""
    import fontpkg_be_vietnam_pro

    folder = Path(fontpkg_be_vietnam_pro.__file__).resolve().parent / "files"
    for style in FONT_STYLES:
        font_manager.fontManager.addfont(str(folder / f"BeVietnamPro-{style}.ttf"))
    return FONT_FAMILY


@contextlib.contextmanager
def report_style():
    """Apply :data:`STYLE` to figures made and saved inside the block (the fonts
    are registered on first use; the rest is a dictionary update)."""
    register_fonts()
    with matplotlib.rc_context(STYLE):
        yield


def _styled(build):
    """Build a chart under the report style. Ticks that matplotlib makes lazily
    are made when the SVG is written, which is also under the style."""

    @functools.wraps(build)
    def wrapper(*args, **kwargs):
        with report_style():
            return build(*args, **kwargs)

    return wrapper


# -- measuring text ------------------------------------------------------------------
@functools.lru_cache(maxsize=16384)
def _metrics(text: str, family: tuple, style: str, weight, stretch, size: float, file) -> tuple:
    """Width, height and descent in points of one line, from the font file (the
    SVG writer's own measure), once per output folder for each text and font (:mod:`helpers.textsizes`)."""
    key = (text, family, style, weight, stretch, size, file)
    known = textsizes.get(key)
    if known is not None:
        return known
    prop = FontProperties(family=list(family), style=style, weight=weight, stretch=stretch, size=size,
                          fname=file)
    measured = text_to_path.get_text_width_height_descent(text, prop, ismath=False)
    textsizes.add(key, measured)
    return measured


def _line_width(text: str, size: float, weight: str) -> float:
    """Width in inches of one line in the chart font."""
    return _metrics(text, (FONT_FAMILY,), "normal", weight, "normal", float(size), None)[0] / 72


class _Renderer(RendererSVG):
    """matplotlib's SVG renderer, measuring text through the per-process cache
    (matplotlib's own cache lives as long as one renderer, i.e. one figure)."""

    def get_text_width_height_descent(self, s, prop, ismath):
        if ismath:
            return super().get_text_width_height_descent(s, prop, ismath)
        return _metrics(s, tuple(prop.get_family()), prop.get_style(), prop.get_weight(), prop.get_stretch(),
                        prop.get_size_in_points(), prop.get_file())


class _Canvas(FigureCanvasSVG):
    """Writes a chart's SVG in one drawing pass, with :class:`_Renderer`."""

    def print_svg(self, filename, *, bbox_inches_restore=None, metadata=None, **_colors_and_orientation):
        # FigureCanvasSVG.print_svg (matplotlib 3.8-3.11) with our renderer, to a text stream only
        # (savefig passes facecolor/edgecolor/orientation to third-party canvases; the figure has its own)
        fh = filename
        dpi = self.figure.dpi
        self.figure.dpi = 72
        width, height = self.figure.get_size_inches()
        renderer = MixedModeRenderer(self.figure, width, height, dpi,
                                     _Renderer(width * 72, height * 72, fh, image_dpi=dpi, metadata=metadata),
                                     bbox_inches_restore=bbox_inches_restore)
        self.figure.draw(renderer)
        renderer.finalize()


def text_width(text, size: float = TICK_SIZE, weight: str = "normal") -> float:
    """Width in inches of (possibly multi-line) text."""
    return max((_line_width(line, float(size), weight) for line in str(text).split("\n")), default=0.0)


def text_height(text, size: float = TICK_SIZE) -> float:
    """Height in inches of (possibly multi-line) text."""
    return (str(text).count("\n") + 1) * size * LINE_SPACING / 72


# -- small helpers ------------------------------------------------------------------
def _words(lang: str) -> dict:
    return {key.split(".", 1)[1]: t(lang, key) for key in WORDS}


def _floats(values, count: int | None = None) -> np.ndarray:
    """Plot-ready floats: ``None`` becomes NaN so lines break and bars vanish."""
    out = np.array([math.nan if v is None else float(v) for v in values], dtype=float)
    if count is not None and len(out) != count:
        raise ValueError(f"expected {count} values (one per label), got {len(out)}")
    return out


def _decimals_needed(values, most: int = 2) -> int:
    """The fewest decimals (up to ``most``) that show every value exactly."""
    finite = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    for decimals in range(most + 1):
        if all(abs(v - round(v, decimals)) < 1e-9 * max(1.0, abs(v)) for v in finite):
            return decimals
    return most


def _format(value, unit: str, lang: str, decimals: int | None = None) -> str:
    """One number for a label, with as few decimals as it needs by default."""
    if decimals is None:
        decimals = _decimals_needed([value])
    return fmt.value(value, unit, lang, decimals)


def _status(value, target, direction: str = "higher_better") -> str | None:
    """The status of ``value`` against ``target`` as the report judges it
    (:func:`helpers.figures.status_of`), ``None`` without a value. ``direction``
    is the indicator's (``higher_better``, ``lower_better``, ``neutral``) or the
    target's operator (``>=``, ``<=``); a neutral indicator's target is a floor,
    as in the catalogue."""
    if value is None or math.isnan(float(value)):
        return None
    return status_of(float(value), None if target is None else float(target), target_op_of(direction))


def _status_color(state: str | None) -> str:
    return COLORS.get(state or "neutral", COLORS["neutral"])


def _status_handles(states, lang: str) -> list:
    """Legend entries for the judged statuses that occur, in a fixed order (a bar
    without a target has the plain colour and needs no entry)."""
    words = _words(lang)
    present = set(states) - {"no_target"}
    return [Patch(color=COLORS[s], label=words[f"status_{s}"]) for s in STATUS_ORDER if s in present]


def _target_handle(target, unit: str, lang: str, with_value: bool = True) -> Line2D:
    words = _words(lang)
    label = f"{words['target']} {_format(target, unit, lang)}" if with_value else words["target"]
    return Line2D([], [], color=COLORS["target"], linestyle="--", linewidth=1.2, label=label)


def _wrap(text, width: int) -> str:
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


def _as_set(labels) -> set:
    if labels is None:
        return set()
    return {labels} if isinstance(labels, str) else set(labels)


def _value_ticks(lo: float, hi: float, unit: str, lang: str) -> tuple[list[float], list[str]]:
    """Tick positions between ``lo`` and ``hi`` (whole numbers for counts and
    ranks) and their labels in the report language, with the fewest decimals
    that tell them apart."""
    locator = MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10], integer=unit in ("count", "rank"))
    slack = 1e-9 * abs(hi - lo)
    locs = [float(v) for v in locator.tick_values(lo, hi) if lo - slack <= v <= hi + slack]
    decimals = _decimals_needed(locs)
    return locs, [fmt.value(v, unit, lang, decimals) for v in locs]


def _value_axis(ax, which: str, locs, labels) -> None:
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


def _span(values, *extra) -> tuple[float, float]:
    """The smallest and largest of the finite values and the extra ones (a target)."""
    finite = [float(v) for v in values if math.isfinite(v)] + [float(e) for e in extra if e is not None]
    return min(finite), max(finite)


# -- layout -----------------------------------------------------------------------------
def _title_height(title: str) -> float:
    return text_height(title, TITLE_SIZE) + 0.12


def _legend_rows(handles) -> int:
    return 1 if _legend_fits(handles) else math.ceil(len(handles) / 2)


def _legend_fits(handles) -> bool:
    width = sum(text_width(h.get_label(), LEGEND_SIZE) + 0.45 for h in handles)
    return width <= PAGE_WIDTH - 0.3


def _legend_height(handles) -> float:
    if not handles:
        return 0.0
    rows = _legend_rows(handles)
    return (rows * LEGEND_SIZE * LINE_SPACING + (rows - 1) * LEGEND_SIZE * 0.5 + LEGEND_SIZE * 0.8) / 72 + 0.04


def _figure(title: str, axes_height: float, *, left: float, bottom: float, right: float = 0.12,
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


def _legend(fig: Figure, handles) -> None:
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


def _no_data(title: str, lang: str) -> Figure:
    """A small panel under the title that says there is no data."""
    fig, ax = _figure(title, 0.9, left=OUTER, bottom=OUTER, right=OUTER)
    ax.set_axis_off()
    ax.text(0.5, 0.5, _words(lang)["no_data"], transform=ax.transAxes, ha="center",
            va="center", fontsize=10, color=COLORS["muted"], style="italic")
    return fig


def _bar_notes(ax, xs, notes, *, over=None, scale: float = 0.0, muted=()) -> None:
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


def _category_axis(ax, labels, bold=frozenset()) -> None:
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


def _hbars(ax, values, *, height: float, colors, left=None, label=None) -> BarContainer:
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


def _category_width(labels, bold=frozenset()) -> float:
    return max((text_width(label, TICK_SIZE, "bold" if label in bold else "normal") for label in labels),
               default=0.0)


def _bar_height(labels, per_line: float = 0.13, per_bar: float = 0.07) -> float:
    """Inches for evenly spaced horizontal bars, each as tall as the most wrapped label."""
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    return max(len(labels), 1) * (per_bar + per_line * lines)


def _bar_limits(numbers: np.ndarray, notes: list[str], axes_width: float, extra=()) -> tuple[float, float]:
    """Value-axis limits that hold every bar, its note past the end, and ``extra``
    values (a target line): 0 is always inside."""
    lo, hi = _span(numbers, 0, *extra)
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


# -- trend --------------------------------------------------------------------------------
@_styled
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
    words = _words(lang)
    if year is not None:
        this_year_label = this_year_label or words["year"].format(year=year)
        last_year_label = last_year_label or words["year"].format(year=year - 1)
    x = np.arange(len(labels))
    this_year = _floats(values, len(labels))
    last_year = None if last_year_values is None else _floats(last_year_values, len(labels))
    series = [s for s in (this_year, last_year) if s is not None and not np.isnan(s).all()]
    if not series:
        return _no_data(title, lang)

    lo, hi = _trend_limits(*_span(np.concatenate(series), target))
    locs, tick_texts = _value_ticks(lo, hi, unit, lang)
    label_texts = [str(label) for label in labels]
    left = OUTER + max((text_width(t) for t in tick_texts), default=0) + TICK_GAP
    plot_width = PAGE_WIDTH - left - 0.15
    crowded = sum(text_width(label) + 0.08 for label in label_texts) > plot_width
    label_height = (max((text_width(s) for s in label_texts), default=0) * 0.72 + 0.08 if crowded
                    else text_height("0"))
    handles = _trend_handles(this_year, last_year, target, unit, lang, words,
                             this_year_label, last_year_label)
    bottom = OUTER + _legend_height(handles) + 0.06 + label_height + TICK_GAP
    fig, ax = _figure(title, 2.0, left=left, bottom=bottom, right=0.15)

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
    _value_axis(ax, "y", locs, tick_texts)
    _month_axis(ax, label_texts, crowded)
    _legend(fig, handles)
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
        handles.append(_target_handle(target, unit, lang))
    return handles


def _write_latest(ax, x, values: np.ndarray, unit: str, lang: str, decimals: int | None = None) -> None:
    """Write the last reported value of a line above its marker."""
    reported = np.flatnonzero(~np.isnan(values))
    if reported.size:
        i = reported[-1]
        offset = transforms.offset_copy(ax.transData, ax.figure, x=0, y=7, units="points")
        ax.text(x[i], values[i], _format(values[i], unit, lang, decimals), transform=offset, ha="center",
                va="bottom", fontsize=NOTE_SIZE, fontweight="bold", color=COLORS["this_year"], zorder=4)


# -- comparison ---------------------------------------------------------------------------
@_styled
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
    words = _words(lang)
    numbers = _floats(values, len(labels))
    if statuses is not None and len(statuses) != len(labels):
        raise ValueError(f"expected {len(labels)} statuses (one per label), got {len(statuses)}")
    order = sorted(range(len(labels)), key=lambda i: (math.isnan(numbers[i]), -numbers[i]))
    names = [str(labels[i]) for i in order]
    numbers = numbers[order]
    if np.isnan(numbers).all():
        return _no_data(title, lang)

    if statuses is not None:
        states = [statuses[i] if math.isfinite(numbers[k]) else None for k, i in enumerate(order)]
    elif target is not None:
        states = [_status(v, target, direction) for v in numbers]
    else:
        states = [None] * len(names)
    computed, highlight = _as_set(computed), _as_set(highlight)
    shown = [_wrap(name + (" (*)" if name in computed else ""), 40) for name in names]
    bold = {s for s, n in zip(shown, names) if n in highlight}
    digits = _decimals_needed(numbers) if decimals is None else decimals
    notes = [words["no_data_bar"] if math.isnan(v) else fmt.value(v, unit, lang, digits) for v in numbers]
    handles = _comparison_legend(target, unit, lang, states, bool(computed & set(names)))

    left = OUTER + _category_width(shown, bold) + TICK_GAP
    bottom = OUTER + _legend_height(handles) + 0.08 + text_height("0") + TICK_GAP
    fig, ax = _figure(title, _bar_height(shown), left=left, bottom=bottom)
    axes_width = PAGE_WIDTH - left - 0.12

    colors = [_status_color(s) if target is not None or statuses is not None else COLORS["this_year"]
              for s in states]
    lo, hi = _bar_limits(numbers, notes, axes_width, () if target is None else (target,))
    scale = (hi - lo) / axes_width
    bars = _hbars(ax, numbers, height=0.7, colors=colors)
    for bar, name in zip(bars, names):
        if name in computed:
            bar.set(hatch="////", edgecolor="white", linewidth=0)
        if name in highlight:
            bar.set(edgecolor=COLORS["text"], linewidth=1.2)
    _bar_notes(ax, np.nan_to_num(numbers, nan=0.0), notes, over=target, scale=scale,
               muted={y for y, v in enumerate(numbers) if math.isnan(v)})
    if target is not None:
        ax.axvline(float(target), color=COLORS["target"], linestyle="--", linewidth=1.2, zorder=3)

    _category_axis(ax, shown, bold=bold)
    ax.set_xlim(lo, hi)
    _value_axis(ax, "x", *_value_ticks(lo, hi, unit, lang))
    _legend(fig, handles)
    return fig


def _comparison_legend(target, unit, lang, states, has_computed) -> list:
    """The legend entries the bars need: the target, the statuses drawn, (*)."""
    words = _words(lang)
    handles = []
    if target is not None:
        handles.append(_target_handle(target, unit, lang))
    handles += _status_handles([s for s in states if s], lang)
    if has_computed:
        handles.append(Patch(facecolor=COLORS["muted"], edgecolor="white", hatch="////",
                             label=words["computed"]))
    return handles


# -- progress toward targets -----------------------------------------------------------
@_styled
def target_progress_chart(items, *, title, lang="vi") -> Figure:
    """Bullet bars: each item's value as a percentage of its target (drawn up to
    150%, the real figures written beside), coloured by the item's own status.

    ``items`` are dicts with ``label``, ``value``, ``target``, ``unit`` and
    ``direction`` (``higher_better``/``lower_better``), optionally ``decimals``
    and ``status`` (``met``, ``not_met``, ``on_track``, ``behind``: a judgement
    made elsewhere, e.g. against the year's pace; without it, value against target).
    """
    words = _words(lang)
    if not items or all(item.get("value") is None for item in items):
        return _no_data(title, lang)
    labels = [_wrap(item["label"], 36) for item in items]
    ratios = _floats([_percent_of_target(item.get("value"), item.get("target")) for item in items])
    states = [item.get("status") or _status(item.get("value"), item.get("target"), item["direction"])
              for item in items]
    notes = [_progress_text(item, lang) for item in items]
    drawn = [s for s, r in zip(states, ratios) if s and (math.isfinite(r) or r == math.inf)]
    handles = [_target_handle(None, "percent", lang, with_value=False), *_status_handles(drawn, lang)]

    left = OUTER + _category_width(labels) + TICK_GAP
    right = OUTER + max(text_width(n, NOTE_SIZE) for n in notes) + 8 / 72
    bottom = (OUTER + _legend_height(handles) + 0.06 + text_height("0", TICK_SIZE) * 2 + TICK_GAP)
    fig, ax = _figure(title, _bar_height(labels, per_bar=0.14), left=left, bottom=bottom, right=right)

    colors = [_status_color(s) for s in states]
    _hbars(ax, np.minimum(ratios, PROGRESS_CAP), height=0.5, colors=colors)
    ax.axvline(100, color=COLORS["target"], linestyle="--", linewidth=1.2)
    offset = transforms.offset_copy(ax.get_yaxis_transform(), fig, x=6, y=0, units="points")
    for y, note in enumerate(notes):
        ax.text(1, y, note, transform=offset, va="center", fontsize=NOTE_SIZE, clip_on=False)
        if ratios[y] > PROGRESS_CAP:
            ax.plot(PROGRESS_CAP, y, marker=">", color=colors[y], markersize=7, clip_on=False)

    _category_axis(ax, labels)
    ax.set_xlim(0, PROGRESS_CAP)
    _value_axis(ax, "x", PROGRESS_TICKS, [fmt.percent(v, lang, 0) for v in PROGRESS_TICKS])
    below = transforms.offset_copy(ax.transAxes, fig, x=0, y=-(TICK_GAP + text_height("0")), units="inches")
    ax.text(0.5, 0, words["percent_of_target"], transform=below, ha="center", va="top", fontsize=TICK_SIZE,
            color=COLORS["muted"], clip_on=False)
    _legend(fig, handles)
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
    words = _words(lang)
    unit, decimals = item["unit"], item.get("decimals")
    if item.get("value") is None:
        return words["no_data_bar"]
    value = _format(item["value"], unit, lang, decimals)
    if item.get("target") is None:
        return f"{value} / {words['no_target']}"
    bound = "≤ " if target_op_of(item["direction"]) == "<=" else ""
    return f"{value} / {words['target'].lower()} {bound}{_format(item['target'], unit, lang)}"


# -- data-quality findings -------------------------------------------------------------
@_styled
def findings_bar(counts_by_label, *, title, lang="vi") -> Figure:
    """Stacked horizontal bars of data-quality findings by severity (errors,
    warnings, …) per indicator or unit, most findings first, totals written."""
    words = _words(lang)
    totals = {label: sum(counts.values()) for label, counts in counts_by_label.items()}
    names = sorted(totals, key=lambda label: -totals[label])
    if not names:
        return _no_data(title, lang)
    shown = [_wrap(name, 40) for name in names]
    severities = _severities(counts_by_label)
    handles = [Patch(color=COLORS.get(s, COLORS["other"]), label=words.get(s, s)) for s in severities]
    left = OUTER + _category_width(shown) + TICK_GAP
    bottom = OUTER + _legend_height(handles) + 0.08 + text_height("0") + TICK_GAP
    fig, ax = _figure(title, _bar_height(shown), left=left, bottom=bottom)

    left_edge = np.zeros(len(names))
    for severity in severities:
        counts = np.array([counts_by_label[name].get(severity, 0) for name in names], dtype=float)
        _hbars(ax, counts, left=left_edge.copy(), height=0.7, label=words.get(severity, severity),
               colors=[COLORS.get(severity, COLORS["other"])] * len(names))
        left_edge += counts
    notes = [fmt.number(total, lang) for total in left_edge]
    _bar_notes(ax, left_edge, notes)

    _category_axis(ax, shown)
    lo, hi = _bar_limits(left_edge, notes, PAGE_WIDTH - left - 0.12)
    ax.set_xlim(lo, hi)
    _value_axis(ax, "x", *_value_ticks(lo, hi, "count", lang))
    _legend(fig, handles)
    return fig


def _severities(counts_by_label) -> list[str]:
    """Severities present: errors, warnings, info first, then others as met."""
    seen = list(dict.fromkeys(key for counts in counts_by_label.values() for key in counts))
    return sorted(seen, key=lambda s: SEVERITY_ORDER.index(s) if s in SEVERITY_ORDER
                  else len(SEVERITY_ORDER))


# -- output -------------------------------------------------------------------
def to_svg(fig: Figure) -> str:
    """The figure as a standalone SVG document (XML declaration and doctype)."""
    buffer = io.StringIO()
    _Canvas(fig)
    with report_style():
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def svg(fig: Figure) -> str:
    """The figure as an ``<svg>`` element, drawn and written once (text as text,
    Be Vietnam Pro, no date: an unchanged chart gives the same bytes), fit to
    embed in HTML or to hand to Typst; the figure is closed (if pyplot knew it)."""
    try:
        document = to_svg(fig)
    finally:
        pyplot.close(fig)
        textsizes.save()
    return document[document.index("<svg"):]


def show(fig: Figure) -> None:
    """Display the figure inline as SVG and close it: one image, no PNG copy."""
    display({"image/svg+xml": svg(fig)}, raw=True)


def save(fig: Figure, path, dpi: int | None = None) -> None:
    """Write the figure to ``path`` (format from the suffix) in the report style."""
    with report_style():
        fig.savefig(path, dpi=dpi)
