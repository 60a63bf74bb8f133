"""Text sizes in the chart font: each line measured once per process (and once per output folder,
through :mod:`helpers.textsizes`), by the chart layout and by the SVG writer alike."""

from __future__ import annotations

import functools

from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path

from .. import textsizes
from .style import FONT_FAMILY, LINE_SPACING, TICK_SIZE


@functools.lru_cache(maxsize=16384)
def line_metrics(text: str, family: tuple, style: str, weight, stretch, size: float, file) -> tuple:
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
    return line_metrics(text, (FONT_FAMILY,), "normal", weight, "normal", float(size), None)[0] / 72



def text_width(text, size: float = TICK_SIZE, weight: str = "normal") -> float:
    """Width in inches of (possibly multi-line) text."""
    return max((_line_width(line, float(size), weight) for line in str(text).split("\n")), default=0.0)


def text_height(text, size: float = TICK_SIZE) -> float:
    """Height in inches of (possibly multi-line) text."""
    return (str(text).count("\n") + 1) * size * LINE_SPACING / 72


def prop_metrics(text: str, prop: FontProperties) -> tuple:
    """:func:`line_metrics` of one line in the font ``prop`` describes (the SVG writer's question)."""
    return line_metrics(text, tuple(prop.get_family()), prop.get_style(), prop.get_weight(), prop.get_stretch(),
                        prop.get_size_in_points(), prop.get_file())
