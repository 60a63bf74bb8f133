"""The one place where cchc-report relies on a third-party library's internals.

Each section names the library, what it uses that is not public API, why no public API does it, and the
versions it was checked against; pyproject.toml bounds each library to that range. Everything else in
the package uses public APIs only."""

from __future__ import annotations

import functools

# --- openpyxl ---------------------------------------------------------------------------------------
# Checked with openpyxl 3.1.5; pyproject.toml bounds it: openpyxl>=3.1,<3.2 (a minor release may move these).
# helpers.xlsx streams every worksheet part once, within limits, before openpyxl opens the workbook
# (a read-only workbook reads a sheet without a declared size whole just to open it). Which zip part
# holds which sheet is said by the workbook's relations; openpyxl's ExcelReader finds them
# (``read_manifest``, ``read_workbook``, ``parser.find_sheets``, ``valid_files``, ``archive``), which
# is not public API. No public API lists the parts without opening the sheets.

def worksheet_parts(path) -> list[tuple[str, str]]:
    """``(sheet title, zip part)`` of every worksheet of the xlsx file ``path``, in workbook order."""
    from openpyxl.reader.excel import ExcelReader
    reader = ExcelReader(path, read_only=True)
    try:
        reader.read_manifest()
        reader.read_workbook()
        return [(sheet.name, rel.target) for sheet, rel in reader.parser.find_sheets()
                if rel.target in reader.valid_files]
    finally:
        reader.archive.close()


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
# HTMLExporter.from_notebook_node ends with a pass that parses the whole page again with BeautifulSoup to
# give an alt to images without one and a tabindex to the cells of a .jp-Notebook, then writes the page out
# again (about 0.15 CPU-s a report). No setting turns that pass off, so this is a copy of the method (its
# two filters registered the same way) without it, calling TemplateExporter.from_notebook_node directly.
# Checked with nbconvert 7.17.2 (the copy follows the method as 7.16 and 7.17 have it): pyproject.toml
# bounds nbconvert to >=7.16,<7.18.
def html_without_closing_pass(exporter, nb, resources: dict, **kw):
    """``(html, resources)`` as ``HTMLExporter.from_notebook_node`` makes them, for ``exporter`` (an
    HTMLExporter), without the closing BeautifulSoup pass (the caller's pages give every image an ``alt``
    and have no ``.jp-Notebook``: there the pass changes how the markup is spelled, not what it says)."""
    from nbconvert.exporters import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    language = nb.metadata.get("language_info", {})
    lexer = language.get("pygments_lexer", language.get("name"))
    exporter.register_filter("highlight_code", exporter.filters.get(
        "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=exporter)))
    data_types = WidgetsDataTypeFilter(notebook_metadata={}, parent=exporter, resources=resources)
    data_types.metadata[data_types.notebook_path] = nb.metadata     # widget state, as nbconvert passes it
    exporter.register_filter("filter_data_type", data_types)
    return TemplateExporter.from_notebook_node(exporter, nb, resources, **kw)


# --- jupyter_client / ipykernel ---------------------------------------------------------------------
# A report kernel's readiness wait without jupyter_client's closing wait: ``KernelClient.wait_for_ready``
# (public) ends by waiting 0.2 s for IOPub to fall silent, once per report. This is its loop (a
# ``kernel_info_reply`` to any of our requests, then one IOPub message to show that IOPub is connected,
# else ask again) without that wait, and its protocol adaptation (``Session.adapt_version``, not
# public). Checked with jupyter_client 8.10 (pyproject: jupyter_client>=8,<9).
async def wait_for_kernel(client, timeout: float | None = None) -> None:
    """Wait until the kernel of ``client`` (an ``AsyncKernelClient`` with started channels) answers,
    as ``wait_for_ready`` does; what IOPub has already delivered is dropped (the notebook client
    ignores any later message that answers no request of its)."""
    import time
    from queue import Empty

    from jupyter_client import protocol_version_info
    from jupyter_core.utils import ensure_async

    async def iopub_heard(seconds: float = 0.2) -> bool:
        try:
            await client.iopub_channel.get_msg(timeout=seconds)
        except Empty:
            return False
        return True

    deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
    while True:
        client.kernel_info()
        try:
            reply = await client.shell_channel.get_msg(timeout=1)
        except Empty:
            reply = None
        if reply is not None and reply["msg_type"] == "kernel_info_reply" and await iopub_heard():
            major = int(reply["content"]["protocol_version"].split(".")[0])
            if major != protocol_version_info[0]:          # speak the kernel's major version, as jupyter_client does
                client.session.adapt_version = major
            break
        if not await ensure_async(client.is_alive()):
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
    while await iopub_heard(0):
        pass


# --- jsonschema (import-time) -----------------------------------------------------------------------
# ``import jsonschema`` (done by nbformat) also imports its optional format checkers; ``rfc3987_syntax``
# (installed with the jupyter metapackage and JupyterLab's dependencies) builds a grammar as it is
# imported: a second or more per process, for a format check nothing here uses. jsonschema has no
# public switch for it; an absent module (``sys.modules[name] = None``) is one it skips. Checked with
# jsonschema 4.26 (``jsonschema._format`` imports it in a try block; pyproject: jsonschema>=4.18,<5).
def skip_unused_format_checkers() -> None:
    """Keep ``rfc3987_syntax`` out of this process, unless jsonschema is already imported."""
    import sys
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)
