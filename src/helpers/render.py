"""Executed notebook -> self-contained HTML report -> A4 PDF.

The HTML comes from nbconvert's ``HTMLExporter`` with the package's ``cchc``
template: no code, no prompts, no parameter cells, no stderr, no scripts or
CDN links, the report CSS inlined and a table of contents added. The PDF is
printed from that HTML by WeasyPrint using the same CSS (paged media rules).

The exporter and WeasyPrint's font configuration are built once per process,
so rendering a batch of reports only pays for that once.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from bs4 import BeautifulSoup
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from traitlets.config import Config
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

TEMPLATES_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "cchc"
REMOVED_CELL_TAGS = ("parameters", "injected-parameters", "remove")
TOC_TITLES = {"vi": "Mục lục", "en": "Contents"}


class StripStderrPreprocessor(Preprocessor):
    """Drop ``stderr`` stream outputs (warnings, progress bars, logging)."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            cell.outputs = [output for output in cell.outputs if not _is_stderr(output)]
        return cell, resources


def _is_stderr(output) -> bool:
    return output.get("output_type") == "stream" and output.get("name") == "stderr"


@functools.cache
def report_exporter() -> HTMLExporter:
    """The configured HTML exporter, built once per process."""
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(REMOVED_CELL_TAGS)
    exporter = HTMLExporter(
        config=config,
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES_DIR)],  # finds templates/cchc
        extra_template_paths=[str(TEMPLATES_DIR)],  # lets it include report.css
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        embed_images=True,
    )
    exporter.register_preprocessor(StripStderrPreprocessor, enabled=True)
    return exporter


def notebook_to_html(nb, *, title: str, header: str, lang: str = "vi") -> str:
    """Render an executed notebook as one self-contained HTML document.

    ``title`` becomes ``<title>``, ``header`` the running header of the PDF
    pages, ``lang`` (``vi`` or ``en``) the ``<html lang>`` and the wording of
    the table of contents and page footer.
    """
    resources = {"cchc": {"lang": lang, "title": title, "header": header}}
    html, _ = report_exporter().from_notebook_node(nb, resources=resources)
    return add_table_of_contents(html, lang)


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
    nav = _toc_nav(soup, headings, TOC_TITLES.get(lang, TOC_TITLES["vi"]))
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
    for number, heading in enumerate(headings, start=1):
        wanted = heading.get("id") or _slug(heading.get_text()) or f"section-{number}"
        unique, suffix = wanted, 2
        while unique in taken:
            unique, suffix = f"{wanted}-{suffix}", suffix + 1
        heading["id"] = unique
        taken.add(unique)


def _slug(text: str) -> str:
    """Jupyter's heading anchor: the text with runs of spaces turned into ``-``."""
    return re.sub(r"\s+", "-", text.strip())


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


@functools.cache
def font_configuration():
    """WeasyPrint's font configuration, built once per process."""
    return FontConfiguration()


def html_to_pdf(html: str, pdf_path, *, base_url=None) -> None:
    """Print report HTML to an A4 PDF with WeasyPrint (text stays searchable).

    The page setup (size, margins, running header, "Trang x/y" footer) comes
    from the CSS inlined in the HTML. ``base_url`` resolves relative links.
    """
    HTML(string=html, base_url=base_url).write_pdf(str(pdf_path), font_config=font_configuration())


def write_html_and_pdf(nb, html_path, pdf_path, *, title: str, header: str, lang: str = "vi") -> None:
    """Render ``nb`` once and write both the HTML and the PDF report."""
    html = notebook_to_html(nb, title=title, header=header, lang=lang)
    Path(html_path).write_text(html, encoding="utf-8")
    html_to_pdf(html, pdf_path, base_url=str(html_path))
