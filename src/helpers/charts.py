"""Report charts in one style, sized for an A4 page (16 cm of printable width).

Labels are Vietnamese or English, every number goes through :mod:`helpers.fmt`
(``1.989``, ``90,35%``), and a value of ``None`` (not reported) is a gap, never
a zero. Each chart function returns a :class:`~matplotlib.figure.Figure` made
outside pyplot, so a notebook loop does not accumulate open figures; ``show``
displays one inline as SVG with its text drawn as paths, so the PDF renderer
needs none of our fonts.
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import textwrap

import matplotlib
import numpy as np
from IPython.display import display
from matplotlib import pyplot
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import Formatter, MaxNLocator

from . import fmt

PAGE_WIDTH = 16 / 2.54  # inches: A4 minus 2.5 cm margins
TICK_SIZE = 8
NOTE_SIZE = 8

COLORS = {
    "this_year": "#1F5FA8",
    "last_year": "#A0A0A0",
    "target": "#D62728",
    "met": "#2E8B57",
    "not_met": "#E4572E",
    "neutral": "#1F5FA8",
    "error": "#D62728",
    "warning": "#F2A900",
    "other": "#7F7F7F",
    "text": "#222222",
    "muted": "#6B6B6B",
    "grid": "#E3E3E3",
}

STYLE = {
    "font.family": ["Noto Sans", "DejaVu Sans"],
    "font.size": 9,
    "text.color": COLORS["text"],
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlepad": 8,
    "axes.labelsize": 9,
    "axes.labelcolor": COLORS["text"],
    "axes.edgecolor": "#8C8C8C",
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "axes.prop_cycle": matplotlib.cycler(color=[COLORS["this_year"], COLORS["last_year"]]),
    "grid.color": COLORS["grid"],
    "grid.linewidth": 0.6,
    "xtick.labelsize": TICK_SIZE,
    "ytick.labelsize": TICK_SIZE,
    "xtick.color": COLORS["text"],
    "ytick.color": COLORS["text"],
    "legend.fontsize": 8,
    "legend.frameon": False,
    "hatch.linewidth": 0.8,
    "figure.facecolor": "white",
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "svg.fonttype": "none",     # text stays text: searchable in the PDF, and 2x faster to render
    "svg.hashsalt": "cchc",     # ids from content, so the same chart gives the same SVG
}

WORDS = {
    "vi": {
        "this_year": "Năm nay",
        "last_year": "Cùng kỳ năm trước",
        "target": "Chỉ tiêu",
        "no_data": "Không có số liệu",
        "no_data_bar": "không có số liệu",
        "no_target": "chưa có chỉ tiêu",
        "met": "Đạt chỉ tiêu",
        "not_met": "Chưa đạt chỉ tiêu",
        "value": "Kết quả",
        "computed": "(*) Tổng hợp từ số liệu đơn vị trực thuộc",
        "error": "Lỗi",
        "warning": "Cảnh báo",
        "info": "Thông tin",
        "percent_of_target": "% so với chỉ tiêu",
    },
    "en": {
        "this_year": "This year",
        "last_year": "Same month last year",
        "target": "Target",
        "no_data": "No data",
        "no_data_bar": "no data",
        "no_target": "no target",
        "met": "Target met",
        "not_met": "Target not met",
        "value": "Result",
        "computed": "(*) Computed from sub-units' figures",
        "error": "Errors",
        "warning": "Warnings",
        "info": "Info",
        "percent_of_target": "% of target",
    },
}

SEVERITY_ORDER = ("error", "warning", "info")
PROGRESS_CAP = 150.0  # percent of target beyond which a bar is drawn at the cap


# -- style --------------------------------------------------------------------
@contextlib.contextmanager
def report_style():
    """Apply :data:`STYLE` to figures made and saved inside the block."""
    with matplotlib.rc_context(STYLE):
        yield


def _styled(build):
    """Build a chart under the report style, and create its ticks before leaving
    it: matplotlib makes them lazily, and later ones copy the first one's style.
    (No draw: the figure is laid out once, when it is saved.)"""

    @functools.wraps(build)
    def wrapper(*args, **kwargs):
        with report_style():
            fig = build(*args, **kwargs)
            for ax in fig.axes:
                for axis in (ax.xaxis, ax.yaxis):
                    axis.get_major_ticks()
                    axis.get_minor_ticks()
        return fig

    return wrapper


# -- small helpers ------------------------------------------------------------
def _words(lang: str) -> dict:
    return WORDS["en" if lang == "en" else "vi"]


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


def _met(value, target, direction: str) -> bool | None:
    """Whether ``value`` reaches ``target``; ``None`` when that cannot be said."""
    if value is None or target is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if direction == "higher_better":
        return float(value) >= float(target)
    if direction == "lower_better":
        return float(value) <= float(target)
    return None


def _status_color(met: bool | None) -> str:
    return {True: COLORS["met"], False: COLORS["not_met"], None: COLORS["neutral"]}[met]


def _wrap(text, width: int) -> str:
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def _text_width(text: str, size: float = TICK_SIZE) -> float:
    """Rough width in inches of one line of text (average sans-serif glyph)."""
    return len(text) * size * 0.55 / 72


def _as_set(labels) -> set:
    if labels is None:
        return set()
    return {labels} if isinstance(labels, str) else set(labels)


class _ValueFormatter(Formatter):
    """Axis tick labels through :func:`helpers.fmt.value` in the report language,
    with the fewest decimals that tell the ticks apart."""

    def __init__(self, unit: str, lang: str):
        self.unit, self.lang, self.decimals = unit, lang, 0

    def set_locs(self, locs):
        super().set_locs(locs)
        self.decimals = _decimals_needed(locs)

    def __call__(self, x, pos=None):
        return fmt.value(x, self.unit, self.lang, self.decimals)


def _value_axis(axis, unit: str, lang: str) -> None:
    """Format a value axis for ``unit``; counts and ranks get whole-number ticks."""
    axis.set_major_formatter(_ValueFormatter(unit, lang))
    if unit in ("count", "rank"):
        axis.set_major_locator(MaxNLocator(nbins="auto", integer=True, steps=[1, 2, 2.5, 5, 10]))


def _figure(height: float, title: str):
    """A page-wide figure with one axes and a (wrapped) bold title centred on the
    figure, not on the axes, so long unit names on the left cannot push it off the page."""
    fig = Figure(figsize=(PAGE_WIDTH, height), layout="constrained")
    ax = fig.add_subplot()
    fig.suptitle(_wrap(title, 64), fontsize=matplotlib.rcParams["axes.titlesize"],
                 fontweight=matplotlib.rcParams["axes.titleweight"])
    return fig, ax


def _no_data(fig: Figure, ax, lang: str) -> Figure:
    """Turn ``ax`` into an empty panel that says there is no data."""
    ax.grid(False)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.spines[:].set_visible(False)
    ax.text(0.5, 0.5, _words(lang)["no_data"], transform=ax.transAxes, ha="center",
            va="center", fontsize=10, color=COLORS["muted"], style="italic")
    return fig


def _legend(fig: Figure, handles) -> None:
    """One legend row under the chart, or two columns read row by row if too wide."""
    width = sum(_text_width(h.get_label(), STYLE["legend.fontsize"]) + 0.55 for h in handles)
    if width <= PAGE_WIDTH - 0.3:
        fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))
    else:  # matplotlib fills columns first
        fig.legend(handles=handles[0::2] + handles[1::2], loc="outside lower center", ncols=2)


def _rotate_if_crowded(ax, labels, width: float) -> None:
    """Slant category labels on the x axis when they would not fit side by side."""
    if sum(_text_width(label) + 0.08 for label in labels) > width:
        ax.tick_params(axis="x", labelrotation=45)
        for tick in ax.get_xticklabels():
            tick.set_horizontalalignment("right")
            tick.set_rotation_mode("anchor")


def _bar_note(ax, text: str, x: float, y: float, **style) -> None:
    """A small label just past the end of a horizontal bar (left of it if negative)."""
    ax.annotate(text, (x, y), xytext=(-3 if x < 0 else 3, 0), textcoords="offset points",
                ha="right" if x < 0 else "left", va="center", fontsize=NOTE_SIZE, zorder=4,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6}, **style)


def _category_axis(ax, labels, bold=frozenset()) -> None:
    """Horizontal-bar categories, top to bottom, with chosen labels in bold."""
    ax.set_yticks(range(len(labels)), labels)
    for tick, label in zip(ax.get_yticklabels(), labels):
        if label in bold:
            tick.set_fontweight("bold")
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="y", visible=False)


def _bar_height(labels, per_line: float = 0.13, per_bar: float = 0.07) -> float:
    """Inches for evenly spaced horizontal bars, each as tall as the most wrapped label."""
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    return len(labels) * (per_bar + per_line * lines)


# -- charts -------------------------------------------------------------------
@_styled
def trend_chart(labels, values, last_year_values=None, *, title, unit="count", lang="vi",
                target=None, this_year_label=None, last_year_label=None) -> Figure:
    """Monthly trend: this year's line with markers, the same months of last year
    as a lighter line, an optional dashed target; the latest value is written."""
    words = _words(lang)
    fig, ax = _figure(3.1, title)
    x = np.arange(len(labels))
    this_year = _floats(values, len(labels))
    last_year = None if last_year_values is None else _floats(last_year_values, len(labels))
    series = [s for s in (this_year, last_year) if s is not None]
    if all(np.isnan(s).all() for s in series):
        return _no_data(fig, ax, lang)

    ax.plot(x, this_year, color=COLORS["this_year"], marker="o", markersize=4.5, linewidth=2.2,
            zorder=3, label=this_year_label or words["this_year"])
    if last_year is not None:
        ax.plot(x, last_year, color=COLORS["last_year"], marker="o", markersize=3, linewidth=1.4,
                label=last_year_label or words["last_year"])
    if target is not None:
        ax.axhline(float(target), color=COLORS["target"], linestyle="--", linewidth=1.2,
                   label=f"{words['target']} {_format(target, unit, lang)}")
    _write_latest(ax, x, this_year, unit, lang)

    ax.set_xticks(x, labels)
    ax.set_xlim(-0.5, len(labels) - 0.5)
    ax.grid(axis="x", visible=False)
    _rotate_if_crowded(ax, labels, PAGE_WIDTH - 1.0)
    _value_axis(ax.yaxis, unit, lang)
    ax.margins(y=0.15)
    if np.nanmin(np.concatenate(series)) >= 0:
        ax.set_ylim(bottom=0)
    _legend(fig, ax.get_legend_handles_labels()[0])
    return fig


def _write_latest(ax, x, values: np.ndarray, unit: str, lang: str) -> None:
    """Write the last reported value of a line above its marker."""
    reported = np.flatnonzero(~np.isnan(values))
    if reported.size:
        i = reported[-1]
        ax.annotate(_format(values[i], unit, lang), (x[i], values[i]), xytext=(0, 7),
                    textcoords="offset points", ha="center", fontsize=NOTE_SIZE,
                    fontweight="bold", color=COLORS["this_year"])


@_styled
def comparison_chart(labels, values, *, title, unit="count", lang="vi", target=None,
                     highlight=None, computed=None, direction="higher_better",
                     decimals=None) -> Figure:
    """Horizontal bars across units, largest first, each value written at the bar
    end. With a target, bars are green when met and red-orange when not.

    ``highlight`` (a label or labels) is drawn in bold with an outlined bar;
    ``computed`` labels (figures summed from sub-units) are hatched and starred.
    """
    words = _words(lang)
    numbers = _floats(values, len(labels))
    order = sorted(range(len(labels)), key=lambda i: (math.isnan(numbers[i]), -numbers[i]))
    names = [str(labels[i]) for i in order]
    numbers = numbers[order]
    computed, highlight = _as_set(computed), _as_set(highlight)
    shown = [_wrap(name + (" (*)" if name in computed else ""), 40) for name in names]
    fig, ax = _figure(1.3 + _bar_height(shown), title)
    if np.isnan(numbers).all():
        return _no_data(fig, ax, lang)

    digits = _decimals_needed(numbers) if decimals is None else decimals
    colors = [_status_color(_met(v, target, direction)) if target is not None
              else COLORS["this_year"] for v in numbers]
    bars = ax.barh(range(len(names)), numbers, height=0.7, color=colors)
    for y, (bar, name, v) in enumerate(zip(bars, names, numbers)):
        if name in computed:
            bar.set(hatch="////", edgecolor="white", linewidth=0)
        if name in highlight:
            bar.set(edgecolor=COLORS["text"], linewidth=1.2)
        if math.isnan(v):
            _bar_note(ax, words["no_data_bar"], 0, y, color=COLORS["muted"], style="italic")
        else:
            _bar_note(ax, fmt.value(v, unit, lang, digits), v, y)

    _category_axis(ax, shown, bold={s for s, n in zip(shown, names) if n in highlight})
    _value_axis(ax.xaxis, unit, lang)
    if np.nanmin(numbers) >= 0:
        ax.set_xlim(left=0)
    else:  # room for the labels left of negative bars
        ax.margins(x=0.12)
    handles = _comparison_legend(ax, target, unit, lang, direction, bool(computed & set(names)))
    if handles:
        _legend(fig, handles)
    return fig


def _comparison_legend(ax, target, unit, lang, direction, has_computed) -> list:
    """Draw the target line and return the legend entries the bars need."""
    words = _words(lang)
    handles = []
    if target is not None:
        ax.axvline(float(target), color=COLORS["target"], linestyle="--", linewidth=1.2)
        handles.append(Line2D([], [], color=COLORS["target"], linestyle="--",
                              label=f"{words['target']} {_format(target, unit, lang)}"))
        if direction in ("higher_better", "lower_better"):
            handles += [Patch(color=COLORS["met"], label=words["met"]),
                        Patch(color=COLORS["not_met"], label=words["not_met"])]
    if has_computed:
        handles.append(Patch(facecolor=COLORS["muted"], edgecolor="white", hatch="////",
                             label=words["computed"]))
    return handles


@_styled
def target_progress_chart(items, *, title, lang="vi") -> Figure:
    """Bullet bars: each item's value as a percentage of its target (drawn up to
    150%, the real figures written beside), green when met, red-orange when not.

    ``items`` are dicts with ``label``, ``value``, ``target``, ``unit`` and
    ``direction`` (``higher_better``/``lower_better``), optionally ``decimals``.
    """
    words = _words(lang)
    labels = [_wrap(item["label"], 36) for item in items]
    fig, ax = _figure(1.3 + _bar_height(labels, per_bar=0.14), title)
    ratios = _floats([_percent_of_target(item.get("value"), item.get("target")) for item in items])
    if not items or all(item.get("value") is None for item in items):
        return _no_data(fig, ax, lang)

    colors = [_status_color(_met(item.get("value"), item.get("target"), item["direction"]))
              for item in items]
    ax.barh(range(len(items)), np.minimum(ratios, PROGRESS_CAP), height=0.5, color=colors)
    ax.axvline(100, color=COLORS["target"], linestyle="--", linewidth=1.2)
    for y, item in enumerate(items):
        ax.annotate(_progress_text(item, lang), (1, y), xycoords=("axes fraction", "data"),
                    xytext=(6, 0), textcoords="offset points", va="center", fontsize=NOTE_SIZE)
        if ratios[y] > PROGRESS_CAP:
            ax.plot(PROGRESS_CAP, y, marker=">", color=colors[y], markersize=7, clip_on=False)

    _category_axis(ax, labels)
    ax.set_xlim(0, PROGRESS_CAP)
    ax.set_xticks([0, 50, 100, PROGRESS_CAP])
    _value_axis(ax.xaxis, "percent", lang)
    ax.set_xlabel(words["percent_of_target"], fontsize=TICK_SIZE, color=COLORS["muted"])
    _legend(fig, [Line2D([], [], color=COLORS["target"], linestyle="--", label=words["target"]),
                  Patch(color=COLORS["met"], label=words["met"]),
                  Patch(color=COLORS["not_met"], label=words["not_met"])])
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
    bound = "≤ " if item["direction"] == "lower_better" else ""
    return f"{value} / {words['target'].lower()} {bound}{_format(item['target'], unit, lang, decimals)}"


@_styled
def findings_bar(counts_by_label, *, title, lang="vi") -> Figure:
    """Stacked horizontal bars of data-quality findings by severity (errors,
    warnings, …) per indicator or unit, most findings first, totals written."""
    words = _words(lang)
    totals = {label: sum(counts.values()) for label, counts in counts_by_label.items()}
    names = sorted(totals, key=lambda label: -totals[label])
    shown = [_wrap(name, 40) for name in names]
    fig, ax = _figure(1.3 + _bar_height(shown), title)
    if not names:
        return _no_data(fig, ax, lang)

    left = np.zeros(len(names))
    for severity in _severities(counts_by_label):
        counts = np.array([counts_by_label[name].get(severity, 0) for name in names], dtype=float)
        ax.barh(range(len(names)), counts, left=left, height=0.7,
                color=COLORS.get(severity, COLORS["other"]), label=words.get(severity, severity))
        left += counts
    for y, total in enumerate(left):
        _bar_note(ax, fmt.number(total, lang), total, y)

    _category_axis(ax, shown)
    _value_axis(ax.xaxis, "count", lang)
    ax.set_xlim(left=0)
    _legend(fig, ax.get_legend_handles_labels()[0])
    return fig


def _severities(counts_by_label) -> list[str]:
    """Severities present: errors, warnings, info first, then others as met."""
    seen = list(dict.fromkeys(key for counts in counts_by_label.values() for key in counts))
    return sorted(seen, key=lambda s: SEVERITY_ORDER.index(s) if s in SEVERITY_ORDER
                  else len(SEVERITY_ORDER))


# -- output -------------------------------------------------------------------
def to_svg(fig: Figure) -> str:
    """The figure as SVG, its text as text (Noto Sans/DejaVu Sans), without a date,
    so that an unchanged chart renders byte for byte the same."""
    buffer = io.StringIO()
    with report_style():
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def svg(fig: Figure) -> str:
    """The figure's SVG markup, serialised once; the figure is closed."""
    try:
        return to_svg(fig)
    finally:
        pyplot.close(fig)


def show(fig: Figure) -> None:
    """Display the figure inline as SVG and close it: one image, no PNG copy."""
    svg = to_svg(fig)
    # the <svg> element itself, as IPython's SVG() keeps it, without its DOM round trip
    display({"image/svg+xml": svg[svg.index("<svg"):]}, raw=True)
    pyplot.close(fig)


def save(fig: Figure, path, dpi: int | None = None) -> None:
    """Write the figure to ``path`` (format from the suffix) in the report style."""
    with report_style():
        fig.savefig(path, dpi=dpi)
