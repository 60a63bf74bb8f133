"""A chart's way out: its SVG written in one drawing pass (the text measured as the layout measured
it), displayed inline, or saved to a file."""

from __future__ import annotations

import io

from IPython.display import display
from matplotlib import pyplot
from matplotlib.figure import Figure

from .. import compat, textsizes
from .measure import prop_metrics
from .style import report_style


def to_svg(fig: Figure) -> str:
    """The figure as a standalone SVG document (XML declaration and doctype)."""
    buffer = io.StringIO()
    compat.measured_svg_canvas(fig, prop_metrics)
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
