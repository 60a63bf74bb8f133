"""The charts' look: page width, font sizes, colours and matplotlib's rcParams (:data:`STYLE`), the
report font registered once per process, and the context every chart is built and written in."""

from __future__ import annotations

import contextlib
import functools
from pathlib import Path

import matplotlib
from matplotlib import font_manager

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


def styled(build):
    """Build a chart under the report style. Ticks that matplotlib makes lazily
    are made when the SVG is written, which is also under the style."""

    @functools.wraps(build)
    def wrapper(*args, **kwargs):
        with report_style():
            return build(*args, **kwargs)

    return wrapper
