"""The one place where cchc-report relies on a third-party library's internals.

Each section names the library, what it uses that is not public API, why no public API does it, and the
versions it was checked against; pyproject.toml bounds each library to that range. Everything else in
the package uses public APIs only."""

from __future__ import annotations

import functools

# --- openpyxl ---------------------------------------------------------------------------------------


# --- matplotlib -------------------------------------------------------------------------------------
# A chart's SVG is written in one drawing pass by matplotlib's SVG renderer, measuring text through the
# charts' per-process cache (helpers.charts.measure): matplotlib's own cache lives as long as one renderer,
# i.e. one figure. No public API lets a caller supply the text measure or the renderer, so this subclasses
# RendererSVG (overriding get_text_width_height_descent) and FigureCanvasSVG, whose print_svg is a copy of
# matplotlib's that builds our renderer (MixedModeRenderer, figure.dpi set to 72 while drawing).
# Checked with matplotlib 3.11.2 (the copy follows print_svg as matplotlib 3.8 to 3.11 have it): pyproject.toml
# bounds matplotlib to >=3.8,<3.12.
def measured_svg_canvas(figure, text_metrics) -> None:
    """Give ``figure`` an SVG canvas whose renderer measures each line of (non-math) text with
    ``text_metrics(text, font_properties) -> (width, height, descent)`` in points; ``figure.savefig(stream,
    format="svg")`` then draws the figure once into the text ``stream``."""
    _measured_svg_canvas_class()(figure, text_metrics)


@functools.cache
def _measured_svg_canvas_class() -> type:
    """The canvas class, made on first use so that importing this module does not import matplotlib."""
    from matplotlib.backends.backend_mixed import MixedModeRenderer
    from matplotlib.backends.backend_svg import FigureCanvasSVG, RendererSVG

    class MeasuredRendererSVG(RendererSVG):
        def __init__(self, *args, text_metrics, **kwargs):
            super().__init__(*args, **kwargs)
            self._text_metrics = text_metrics

        def get_text_width_height_descent(self, s, prop, ismath):
            if ismath:
                return super().get_text_width_height_descent(s, prop, ismath)
            return self._text_metrics(s, prop)

    class MeasuredCanvasSVG(FigureCanvasSVG):
        def __init__(self, figure, text_metrics):
            super().__init__(figure)
            self._text_metrics = text_metrics

        def print_svg(self, filename, *, bbox_inches_restore=None, metadata=None, **_colors_and_orientation):
            # FigureCanvasSVG.print_svg with our renderer, to a text stream only (savefig passes
            # facecolor/edgecolor/orientation to third-party canvases; the figure has its own)
            dpi = self.figure.dpi
            self.figure.dpi = 72
            width, height = self.figure.get_size_inches()
            svg = MeasuredRendererSVG(width * 72, height * 72, filename, image_dpi=dpi, metadata=metadata,
                                      text_metrics=self._text_metrics)
            renderer = MixedModeRenderer(self.figure, width, height, dpi, svg,
                                         bbox_inches_restore=bbox_inches_restore)
            self.figure.draw(renderer)
            renderer.finalize()

    return MeasuredCanvasSVG


# --- nbconvert --------------------------------------------------------------------------------------


# --- jupyter_client / ipykernel ---------------------------------------------------------------------


# --- jsonschema (import-time) -----------------------------------------------------------------------
