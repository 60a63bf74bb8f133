"""The official report's two formats, from its executed notebook (nbconvert exporters, registered
under ``nbconvert.exporters``: ``jupyter nbconvert --to cchc_docx|cchc_official_pdf``):

- :class:`DocxExporter`: Word (``.docx``), editable: the blocks rebuilt from the fields their cells
  left (``application/vnd.cchc.block+json``, :mod:`helpers.block_fields`) and written as real Word
  paragraphs, styles and tables by their ``docx`` method (:mod:`helpers.word`).
- :class:`OfficialPDFExporter`: the same cells' Typst in the Decree-30 page
  (``templates/cchc_official``), compiled with Liberation Serif (shipped in ``helpers/fonts``, SIL OFL:
  Times New Roman's metrics, Vietnamese) as PDF/A-2b."""

from __future__ import annotations

import functools
import io
from pathlib import Path

from nbconvert.exporters import Exporter
from traitlets import Unicode, default

from . import block_fields, official_form  # noqa: F401  (official_form: the form's blocks, rebuilt from their fields)
from .render import HTML_ONLY_TAG, PDF_STANDARD, REMOVED_CELL_TAGS, TypstPDFExporter, compile_typst, report_meta

FONTS_DIR = Path(__file__).parent / "fonts"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _skipped(cell) -> bool:
    tags = set(cell.get("metadata", {}).get("tags", []) or [])
    return cell.get("cell_type") != "code" or bool(tags & {*REMOVED_CELL_TAGS, HTML_ONLY_TAG})


def notebook_blocks(nb) -> list:
    """The blocks the report's cells showed with their fields, in order."""
    found = []
    for cell in nb.get("cells", []):
        if _skipped(cell):
            continue
        for output in cell.get("outputs", []) or []:
            data = (output.get("data") or {}).get(block_fields.BLOCK_MIME)
            if isinstance(data, dict):
                found.append(block_fields.from_fields(data))
    return found


class DocxExporter(Exporter):
    """The official report as a Word document."""

    export_from_notebook = "CCHC official report (Word)"
    output_mimetype = DOCX_MIME

    @default("file_extension")
    def _file_extension_default(self):
        return ".docx"

    def from_notebook_node(self, nb, resources=None, **kw):
        from . import word
        nb, resources = super().from_notebook_node(nb, resources, **kw)
        meta = report_meta(nb, resources)
        doc = word.new_document(title=meta["title"], lang=meta["lang"])
        for block in notebook_blocks(nb):
            block.docx(doc)
        out = io.BytesIO()
        doc.save(out)
        resources["output_extension"] = ".docx"
        return out.getvalue(), resources


class OfficialPDFExporter(TypstPDFExporter):
    """The official report as an A4 PDF/A-2b in the Decree-30 form (template ``cchc_official``)."""

    export_from_notebook = "CCHC official report PDF (Typst)"
    output_mimetype = Unicode("application/pdf")

    @default("template_name")
    def _template_name_default(self):
        return "cchc_official"

    def compile(self, source: str, files: dict) -> bytes:
        return compile_typst(source, files, extra_fonts=(str(FONTS_DIR),), pdf_standards=PDF_STANDARD)


@functools.cache
def docx_exporter() -> DocxExporter:
    return DocxExporter()


@functools.cache
def official_pdf_exporter() -> OfficialPDFExporter:
    return OfficialPDFExporter()


def _resources(title: str, lang: str) -> dict:
    return {"cchc": {"lang": lang, "title": title, "header": ""}}


def notebook_to_docx(nb, *, title: str = "", lang: str = "vi") -> bytes:
    data, _ = docx_exporter().from_notebook_node(nb, resources=_resources(title, lang))
    return data


def notebook_to_official_pdf(nb, pdf_path=None, *, title: str = "", header: str = "", lang: str = "vi") -> bytes:
    pdf, _ = official_pdf_exporter().from_notebook_node(nb, resources=_resources(title, lang))
    if pdf_path is not None:
        Path(pdf_path).write_bytes(pdf)
    return pdf
