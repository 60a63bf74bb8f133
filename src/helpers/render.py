"""Executed notebook -> self-contained HTML report, and -> A4 PDF through Typst.

Two nbconvert formats, each an exporter with its own template directory, both
registered under the ``nbconvert.exporters`` entry point (``jupyter nbconvert
--to cchc_html|cchc_typst|cchc_pdf``):

- :class:`ReportHTMLExporter` (``templates/cchc``): no code, prompts, parameter
  cells or stderr; no scripts or CDN; the report CSS inlined; a table of contents
  filled in. Each report cell's ``text/html`` output is rendered.
- :class:`TypstExporter` (``templates/cchc_typst``): the same cells' ``text/x-typst``
  outputs (both MIME types come from one :mod:`helpers.blocks` object), inside the
  page setup of ``cchc.typ``; :class:`TypstPDFExporter` compiles that in-process
  with the ``typst`` package, using only the Be Vietnam Pro fonts of
  ``fontpkg-be-vietnam-pro`` (system fonts ignored), so the PDF is the same on
  every machine and no system library is needed; every PDF is PDF/A-2b.

The exporters and the Typst compiler are built once per process.
"""

from __future__ import annotations

import functools
import re
import tempfile
import threading
from pathlib import Path

from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.preprocessors import Preprocessor
from traitlets import Unicode, default
from traitlets.config import Config

from . import blocks, compat
from .errors import ReportError
from .images import OUTPUT_MIME_TYPES
from .kernel.lifetime import temporary_prefix
from .text import t

TEMPLATES_DIR = Path(__file__).parent / "templates"
REMOVED_CELL_TAGS = ("parameters", "injected-parameters", "remove")
HTML_ONLY_TAG = "html-only"          # a cell for the HTML only: the technical annex, not the leaders' PDF
TOC_PLACEHOLDER = '<div class="cchc-toc"></div>'
PDF_STANDARD = "a-2b"                # archives keep PDF/A: every PDF the tool writes is PDF/A-2b
TYPST_PRIORITY = [blocks.TYPST_MIME, *OUTPUT_MIME_TYPES, "text/markdown", "text/plain"]


class StripStderrPreprocessor(Preprocessor):
    """Drop ``stderr`` stream outputs (warnings, progress bars, logging)."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            cell.outputs = [output for output in cell.outputs if not _is_stderr(output)]
        return cell, resources


def _is_stderr(output) -> bool:
    return output.get("output_type") == "stream" and output.get("name") == "stderr"


class ContentsPreprocessor(Preprocessor):
    """Collect the report's h1/h2 headings for the HTML table of contents: the blocks'
    (their outputs' metadata says them) and Markdown cells' (anchors as nbconvert makes them)."""

    def preprocess(self, nb, resources):
        entries = []
        for cell in nb.cells:
            if cell.cell_type == "markdown" and _has_section_heading(cell.source):
                entries = None           # nbconvert gives these no id: add_table_of_contents does
                break
            for output in cell.get("outputs", []) if cell.cell_type == "code" else ():
                entries += output.get("metadata", {}).get(blocks.TOC_KEY, [])
        resources.setdefault("cchc", {})["toc"] = entries
        return nb, resources


def _has_section_heading(source: str) -> bool:
    from .markdown import parse
    return any(t.type == "heading_open" and t.tag in ("h1", "h2") for t in parse(source, shift_headings=False))


def _report_config(extra: dict | None = None) -> Config:
    """What both report formats drop: tagged cells (parameters, injected parameters,
    ``remove``), code inputs and prompts. The notebook is validated once, after all the
    preprocessors (nbconvert's ``optimistic_validation``), instead of after each one."""
    return Config({
        "Exporter": {"optimistic_validation": True},
        "TagRemovePreprocessor": {"enabled": True, "remove_cell_tags": set(REMOVED_CELL_TAGS)},
        "TemplateExporter": {"exclude_input": True, "exclude_input_prompt": True,
                             "exclude_output_prompt": True},
        **(extra or {}),
    })


def _merged(base: Config, extra: Config) -> Config:
    merged = base.copy()
    merged.merge(extra)
    return merged


def report_meta(nb, resources: dict | None) -> dict:
    """``lang``, ``title``, ``header`` and the footer's word for a page of a report: from
    ``resources["cchc"]`` when the caller gives them, else the language from papermill's
    parameters in the notebook."""
    given = dict((resources or {}).get("cchc") or {})
    params = nb.get("metadata", {}).get("papermill", {}).get("parameters", {}) or {}
    lang = given.get("lang") or params.get("language") or "vi"
    name = (resources or {}).get("metadata", {}).get("name") or ""
    lang = "en" if lang == "en" else "vi"
    return {"lang": lang, "title": given.get("title") or name, "header": given.get("header") or "",
            "page_word": t(lang, "report.page")}


class ReportTemplates(TemplateExporter):
    """What both report exporters share: the package's template folder (which also holds
    the files the templates include) and the preprocessors that drop stderr."""

    preprocessors_added = (StripStderrPreprocessor,)

    @default("extra_template_basedirs")
    def _default_extra_template_basedirs(self):
        return [str(TEMPLATES_DIR)]

    @default("extra_template_paths")
    def _default_extra_template_paths(self):
        return [str(TEMPLATES_DIR)]           # lets a template include report.css or cchc.typ

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for preprocessor in self.preprocessors_added:
            self.register_preprocessor(preprocessor, enabled=True)


# -- HTML -----------------------------------------------------------------------------------------------
class ReportHTMLExporter(ReportTemplates, HTMLExporter):
    """The report as one self-contained HTML page (template ``cchc``)."""

    export_from_notebook = "CCHC report HTML"
    preprocessors_added = (StripStderrPreprocessor, ContentsPreprocessor)

    @default("template_name")
    def _template_name_default(self):
        return "cchc"

    @property
    def default_config(self):
        return _merged(super().default_config,
                       _report_config({"HTMLExporter": {"exclude_anchor_links": True, "embed_images": True}}))

    def from_notebook_node(self, nb, resources=None, **kw):
        resources = dict(resources or {})
        meta = report_meta(nb, resources)
        resources["cchc"] = meta
        if _draws_images(nb):
            html, resources = super().from_notebook_node(nb, resources, **kw)
        else:          # every image has its alt: nbconvert's closing pass would only spell the page anew
            html, resources = compat.html_without_closing_pass(self, nb, resources, **kw)
        entries = resources["cchc"].get("toc") or []
        if entries and TOC_PLACEHOLDER in html:       # the Contents block's place, filled without a parse
            title = t(meta["lang"], "report.toc")
            nav = str(blocks.html_macro("contents_nav", title=title, entries=entries))
            return html.replace(TOC_PLACEHOLDER, TOC_PLACEHOLDER.replace("></", f">{nav}</"), 1), resources
        return add_table_of_contents(html, meta["lang"]), resources


def _draws_images(nb) -> bool:
    """Whether an output is an image that nbconvert draws itself (no HTML of ours beside it)."""
    return any(blocks.HTML_MIME not in data and any(t in data for t in OUTPUT_MIME_TYPES)
               for cell in nb.cells if cell.cell_type == "code"
               for data in (output.get("data") or {} for output in cell.get("outputs", [])))


@functools.cache
def report_exporter() -> ReportHTMLExporter:
    """The configured HTML exporter, built once per process."""
    return ReportHTMLExporter()


def notebook_to_html(nb, *, title: str, header: str, lang: str = "vi") -> str:
    """Render an executed notebook as one self-contained HTML document.

    ``title`` becomes ``<title>``, ``header`` the line above the report, ``lang``
    (``vi`` or ``en``) the ``<html lang>`` and the wording of the table of contents.
    """
    resources = {"cchc": {"lang": lang, "title": title, "header": header}}
    html, _ = report_exporter().from_notebook_node(nb, resources=resources)
    return html


def add_table_of_contents(html: str, lang: str = "vi") -> str:
    """Insert a ``<nav class="toc">`` linking the report's section headings.

    Lists every ``h2`` and every ``h1`` but the first (the report title). The
    nav goes into the first ``.cchc-toc`` placeholder, else right after the
    first ``h1`` (after the ``.cchc-cover`` holding it), else at the top of
    ``<main>``. Headings without an ``id`` get one (Jupyter style: spaces
    become ``-``); nothing is added when there are no sections.
    """
    soup = BeautifulSoup(html, "html.parser")
    content = soup.main or soup.body or soup
    headings = _section_headings(content)
    if not headings:
        return html
    _give_unique_ids(soup, headings)
    nav = _toc_nav(soup, headings, t(lang, "report.toc"))
    _place_toc(content, nav)
    return str(soup)


def _section_headings(content) -> list:
    """All h1/h2 headings in document order, minus the first h1."""
    headings = content.find_all(["h1", "h2"])
    title = content.find("h1")
    return [heading for heading in headings if heading is not title]


def _give_unique_ids(soup, headings) -> None:
    """Make sure each heading has an id no other element uses."""
    heading_keys = {id(heading) for heading in headings}
    taken = {tag["id"] for tag in soup.find_all(id=True) if id(tag) not in heading_keys}
    for heading in headings:
        heading["id"] = blocks.numbered_anchor(heading.get("id") or blocks.heading_anchor(heading.get_text()), taken)


def _toc_nav(soup, headings, title: str):
    """``<nav class="toc">`` with a title and one ``li.toc-h1|h2`` link per heading."""
    nav = soup.new_tag("nav", attrs={"class": "toc"})
    caption = soup.new_tag("h2", attrs={"class": "toc-title"})
    caption.string = title
    entries = soup.new_tag("ol")
    for heading in headings:
        entry = soup.new_tag("li", attrs={"class": f"toc-{heading.name}"})
        link = soup.new_tag("a", href=f"#{heading['id']}")
        link.string = heading.get_text(" ", strip=True)
        entry.append(link)
        entries.append(entry)
    nav.extend([caption, entries])
    return nav


def _place_toc(content, nav) -> None:
    placeholder = content.find(class_="cchc-toc")
    title = content.find("h1")
    if placeholder is not None:
        placeholder.append(nav)
    elif title is not None:
        (title.find_parent(class_="cchc-cover") or title).insert_after(nav)
    else:
        content.insert(0, nav)


# -- Typst ------------------------------------------------------------------------------------------------
def _markdown_to_typst(text: str) -> str:
    """A Markdown cell of the notebook (a reviewer's own text) in Typst, headings kept."""
    from .markdown import parse, to_typst
    return to_typst(parse(text, shift_headings=False), {})


_OBJECT_REPR = re.compile(r"<[\w.]+ object(?: at 0x[0-9a-f]+)?>")


def _plain_to_typst(text: str) -> str:
    """Plain text output as a preformatted block; an object's bare repr (what an
    HTML-only display leaves in text/plain) is no content and is dropped."""
    if not text.strip() or _OBJECT_REPR.fullmatch(text.strip()):
        return ""
    return f"#cchc-raw({blocks.typst_str(text)})"


class TypstExporter(ReportTemplates):
    """The report as a Typst document (``.typ``, template ``cchc_typst``): each output's
    ``text/x-typst`` first, then SVG/PNG/JPEG images, Markdown and plain text."""

    export_from_notebook = "CCHC report Typst"
    output_mimetype = Unicode("text/x-typst")

    @default("file_extension")
    def _file_extension_default(self):
        return ".typ"

    @default("template_name")
    def _template_name_default(self):
        return "cchc_typst"

    @default("template_extension")
    def _template_extension_default(self):
        return ".typ.j2"

    @property
    def default_config(self):
        return _merged(super().default_config, _report_config({
            "TagRemovePreprocessor": {"enabled": True, "remove_cell_tags": {*REMOVED_CELL_TAGS, HTML_ONLY_TAG}},
            "NbConvertBase": {"display_data_priority": TYPST_PRIORITY},
            "ExtractOutputPreprocessor": {"enabled": True, "extract_output_types": {"image/png", "image/jpeg"}},
        }))

    def default_filters(self):
        yield from super().default_filters()
        yield "typst_str", blocks.typst_str
        yield "typst_value", blocks.typst_value
        yield "markdown2typst", _markdown_to_typst
        yield "typst_plain", _plain_to_typst

    def from_notebook_node(self, nb, resources=None, **kw):
        resources = dict(resources or {})
        resources["cchc"] = report_meta(nb, resources)
        return super().from_notebook_node(nb, resources, **kw)


class TypstPDFExporter(TypstExporter):
    """The report as an A4 PDF: the Typst document compiled in-process by ``typst``."""

    export_from_notebook = "CCHC report PDF (Typst)"
    output_mimetype = Unicode("application/pdf")

    @default("file_extension")
    def _file_extension_default(self):
        return ".pdf"

    def from_notebook_node(self, nb, resources=None, **kw):
        source, resources = super().from_notebook_node(nb, resources, **kw)
        files = {name: data for name, data in (resources.get("outputs") or {}).items()}
        pdf = self.compile(source, files)
        resources["outputs"] = {}             # the images are inside the PDF
        resources["output_extension"] = ".pdf"
        return pdf, resources


    def compile(self, source: str, files: dict) -> bytes:
        return compile_typst(source, files)


@functools.cache
def pdf_exporter() -> TypstPDFExporter:
    return TypstPDFExporter()


def notebook_to_pdf(nb, pdf_path=None, *, title: str = "", header: str = "", lang: str = "vi") -> bytes:
    """Render an executed notebook as an A4 PDF (and write it to ``pdf_path`` if given)."""
    pdf, _ = pdf_exporter().from_notebook_node(nb, resources={"cchc": {"lang": lang, "title": title,
                                                                       "header": header}})
    if pdf_path is not None:
        Path(pdf_path).write_bytes(pdf)
    return pdf


# -- the compiler -------------------------------------------------------------------------------------------
def font_paths() -> list[str]:
    """The report font: Be Vietnam Pro (OFL), the folder of the ``fontpkg-be-vietnam-pro`` package;
    then, only for the symbols it lacks (↑ ↓ → ⚠ ✔ ✘ of ranks, flags and marks), the DejaVu/STIX fonts
    that matplotlib ships (Typst falls back to them glyph by glyph; the text stays Be Vietnam Pro)."""
    import importlib.util

    import fontpkg_be_vietnam_pro
    # matplotlib's folder, found without importing it (a runner never draws: 0.2 s saved per process)
    matplotlib = Path(importlib.util.find_spec("matplotlib").origin).parent
    return [str(Path(fontpkg_be_vietnam_pro.ROOT) / "files"), str(matplotlib / "mpl-data" / "fonts" / "ttf")]


_COMPILING = threading.Lock()


@functools.cache
def typst_compiler(extra_fonts: tuple[str, ...] = ()):
    """One Typst compiler per process and font set (fonts loaded once), seeing no system font;
    ``extra_fonts``: folders of fonts before the report's (the official report's serif)."""
    import typst
    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False,
                        font_paths=[*extra_fonts, *font_paths()])
    return typst.Compiler(font_paths=fonts, ignore_system_fonts=True)


def compile_typst(source: str, files: dict[str, bytes] | None = None, *, extra_fonts: tuple[str, ...] = (),
                  pdf_standards: str | None = PDF_STANDARD) -> bytes:
    """Compile a Typst document (plus the files it names, e.g. images) to PDF bytes, PDF/A-2b unless
    ``pdf_standards`` says another (None: plain PDF)."""
    return quiet_for_poppler(_compiled(source, files, extra_fonts, pdf_standards))


def _compiled(source: str, files: dict[str, bytes] | None, extra_fonts: tuple[str, ...],
              pdf_standards: str | None) -> bytes:
    import typst
    compiler = typst_compiler(tuple(extra_fonts))
    options = {"format": "pdf", **({"pdf_standards": pdf_standards} if pdf_standards else {})}
    try:
        with _COMPILING:
            if not files:
                return compiler.compile(input=source.encode("utf-8"), **options)
            with tempfile.TemporaryDirectory(prefix=temporary_prefix("typst")) as tmp:   # images are read as files
                for name, data in files.items():
                    path = Path(tmp, name)
                    if not path.resolve().is_relative_to(Path(tmp).resolve()):
                        raise ReportError("error.render.bad_image_name", name=name)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(data if isinstance(data, bytes) else str(data).encode("utf-8"))
                main = Path(tmp, "main.typ")
                main.write_text(source, encoding="utf-8")
                return compiler.compile(input=str(main), root=tmp, **options)
    except typst.TypstError as exc:
        where = (exc.diagnostic or "").strip().splitlines()[:8]
        raise ReportError("error.render.typst", message=exc.message, diagnostic="\n".join(where)) from None


# Typst writes the tagged PDF's catalogue entry "/MarkInfo<</Marked true/Suspects false>>". That is valid
# PDF, but poppler before 23.x (Catalog::getMarkInfo) accepts /Suspects only when it is true and prints
# "Syntax Error: Suspects object is wrong type (boolean)" for every such file (pdfinfo, pdftotext, evince).
# false is the key's default: blanking it with as many spaces keeps every byte offset (the xref) valid.
_SUSPECTS_FALSE = b"/Suspects false"


def quiet_for_poppler(pdf: bytes) -> bytes:
    """The PDF without its default ``/Suspects false`` in ``/MarkInfo`` (same length, same objects)."""
    start = pdf.find(b"/MarkInfo<<")
    end = pdf.find(b">>", start)
    if start < 0 or end < 0 or pdf.count(_SUSPECTS_FALSE, start, end) != 1:
        return pdf
    where = pdf.index(_SUSPECTS_FALSE, start, end)
    return pdf[:where] + b" " * len(_SUSPECTS_FALSE) + pdf[where + len(_SUSPECTS_FALSE):]


def typst_document(items, *, lang: str = "vi", title: str | None = None) -> str:
    """A whole Typst document of blocks, in the report's page setup (tests, previews)."""
    body = "\n".join(item.typst() for item in items)
    preamble = (TEMPLATES_DIR / "cchc_typst" / "cchc.typ").read_text(encoding="utf-8")
    setup = blocks.typst_call("show: cchc-report.with", lang=lang, title=title, page_word=t(lang, "report.page"))
    return f"{preamble}\n{setup}\n{body}\n"
