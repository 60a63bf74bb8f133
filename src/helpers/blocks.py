"""The neutral report structure: what a report says, not how a format draws it.

A report cell builds blocks (headings, paragraphs, tables, charts, facts,
bullets, Markdown notes, groups) and shows them with :func:`show`. Each block
displays with two MIME types rendered from the same fields: ``text/html``
(Jinja macros in ``templates/blocks.html.j2``, autoescaped) for the HTML report
and ``text/x-typst`` (calls of the functions that ``templates/cchc_typst``
defines, every text passed as an escaped Typst string) for the PDF. The two
can therefore never say different things. A third rendering, ``docx(doc)``,
writes Word paragraphs, styles and tables (:mod:`helpers.word`); the Word
exporter rebuilds the blocks from their fields, which :func:`show_with_fields`
(:mod:`helpers.block_fields`) adds to an output as ``BLOCK_MIME`` (the official report's cells only).

>>> from helpers import blocks
>>> blocks.show(blocks.Heading("Kết quả"), blocks.Paragraph("1.989 hồ sơ"))
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence, Union

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from . import images, markdown, word
from .block_fields import BLOCK_MIME, KINDS, as_json, from_fields, show_with_fields  # noqa: F401
from .typst_code import TypstCode, TypstContent, typst_call, typst_str, typst_value

TEMPLATES = Path(__file__).parent / "templates"
HTML_MIME = "text/html"
TYPST_MIME = "text/x-typst"
STATUSES = ("met", "not_met", "on_track", "behind", "no_target", "no_data")
PARAGRAPH_STYLES = ("body", "lead", "muted", "small", "warning", "closing")   # closing: kept with what follows
TOC_KEY = "cchc_toc"                 # output metadata: [[level, text, anchor], ...] for the HTML contents
_ANCHORS: set[str] = set()           # anchors given out in this kernel (one report per kernel)


def heading_anchor(text: str) -> str:
    """Jupyter's heading anchor: the text with runs of white space turned into ``-`` (``section`` if none)."""
    return re.sub(r"\s+", "-", str(text).strip()) or "section"


def numbered_anchor(wanted: str, taken: set[str]) -> str:
    """``wanted``, else ``wanted-2``, ``wanted-3`` … the first not ``taken`` (which it joins)."""
    anchor, suffix = wanted, 2
    while anchor in taken:
        anchor, suffix = f"{wanted}-{suffix}", suffix + 1
    taken.add(anchor)
    return anchor


def unique_anchor(text: str) -> str:
    """The heading anchor of ``text``, numbered when the text repeats in this kernel."""
    return numbered_anchor(heading_anchor(text), _ANCHORS)


# -- the two encoders ---------------------------------------------------------------------------------
@functools.cache
def _macros():
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    return env.get_template("blocks.html.j2").module


def html_macro(macro: str, **fields) -> str:
    """One macro of ``templates/blocks.html.j2`` rendered (autoescaped)."""
    return str(getattr(_macros(), macro)(**fields)).strip()


# -- blocks ---------------------------------------------------------------------------------------------
class Block(TypstContent):
    """A piece of report content with an HTML, a Typst and a Word rendering of the same fields."""

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        KINDS[cls.__name__] = cls

    def html(self) -> str:
        raise NotImplementedError

    def typst(self) -> str:
        raise NotImplementedError

    def docx(self, doc) -> None:
        """Append the block to a python-docx ``Document`` (set up by :func:`helpers.word.new_document`)."""
        raise NotImplementedError

    def fields(self) -> dict:
        """The block as JSON (:data:`BLOCK_MIME`): its class and its fields."""
        values = {f.name: as_json(getattr(self, f.name)) for f in dataclasses.fields(self)}
        return {"_block": type(self).__name__, "_module": type(self).__module__, **values}

    @classmethod
    def from_fields(cls, data: dict) -> "Block":
        return cls(**data)

    def plain(self) -> str:
        """A plain-text stand-in (``text/plain``) for consoles."""
        return f"<{type(self).__name__}>"

    def headings(self) -> list["Heading"]:
        """The headings inside (for the HTML table of contents)."""
        return []

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = {HTML_MIME: self.html(), TYPST_MIME: self.typst() + "\n", "text/plain": self.plain()}
        toc = [[h.level, h.text, h.anchor] for h in self.headings() if h.outlined and h.level <= 2]
        return (data, {TOC_KEY: toc}) if toc else data

    def __html__(self) -> str:          # lets a block sit inside a Jinja template unescaped
        return self.html()


@dataclass
class Heading(Block):
    """``level`` 1 is a chapter (a new page in the PDF), 2 a section, 3 a sub-section."""
    text: str
    level: int = 2
    outlined: bool = True            # listed in the table of contents (levels 1-2)
    anchor: str = ""                 # the HTML id; by default from the text, unique in the process

    def __post_init__(self):
        self.anchor = self.anchor or unique_anchor(self.text)

    def headings(self):
        return [self]

    def html(self):
        return html_macro("heading", text=self.text, level=min(max(self.level, 1), 4), anchor=self.anchor)

    def typst(self):
        return typst_call("cchc-heading", self.text, level=min(max(self.level, 1), 4), outlined=self.outlined)

    def docx(self, doc):
        word.heading(doc, self.text, min(max(self.level, 1), 4))

    def plain(self):
        return self.text


@dataclass
class Paragraph(Block):
    text: str
    style: str = "body"

    def __post_init__(self):
        if self.style not in PARAGRAPH_STYLES:
            raise ValueError(f"Paragraph style {self.style!r} is not one of {', '.join(PARAGRAPH_STYLES)}")

    def html(self):
        return html_macro("paragraph", text=self.text, style=self.style)

    def typst(self):
        return typst_call("cchc-paragraph", self.text, style=self.style)

    def docx(self, doc):
        word.paragraph(doc, self.text, self.style)

    def plain(self):
        return self.text


@dataclass
class Column:
    """A table column: ``width`` is a fraction of the text width."""
    title: str
    width: float = 0.2
    align: str = "left"              # left | right | center
    subtitle: str | None = None


@dataclass
class Cell:
    """A table cell with an optional status (coloured mark), mark (e.g. ``*`` computed),
    bold text and a note (a second, smaller line)."""
    text: str
    status: str | None = None
    mark: str | None = None
    bold: bool = False
    note: str | None = None

    def __post_init__(self):
        if self.status is not None and self.status not in STATUSES:
            raise ValueError(f"Cell status {self.status!r} is not one of {', '.join(STATUSES)}")
        self.text = "" if self.text is None else str(self.text)

    def fields(self) -> dict:
        return {"text": self.text, "status": self.status, "mark": self.mark, "bold": self.bold,
                "note": self.note}


CellLike = Union[str, Cell]


def as_cell(value) -> Cell:
    return value if isinstance(value, Cell) else Cell("" if value is None else str(value))


@dataclass
class Table(Block):
    """A data table. Rows of at most 8 are kept on one page (``keep_together``); a
    longer table may continue on the next page, its header repeated. ``pdf_rows``
    (n or (top, bottom)) shows only the first/last rows in the PDF, the HTML has all."""
    columns: list[Column]
    rows: list[list[CellLike]]
    notes: list[str] = field(default_factory=list)
    keep_together: bool | None = None
    pdf_rows: int | tuple[int, int] | None = None
    css_class: str = ""              # extra HTML class (e.g. cchc-kpi), no effect in the PDF

    def __post_init__(self):
        self.rows = [[as_cell(c) for c in row] for row in self.rows]
        for number, row in enumerate(self.rows, start=1):
            if len(row) != len(self.columns):
                raise ValueError(f"table row {number} has {len(row)} cells for {len(self.columns)} columns")
        if self.keep_together is None:
            self.keep_together = len(self.rows) <= 8

    def html(self):
        total = sum(c.width for c in self.columns) or 1
        widths = [round(c.width * 100 / total, 2) for c in self.columns]
        return html_macro("table", columns=self.columns, widths=widths, rows=self.rows, notes=self.notes,
                     css_class=self.css_class)

    def _pdf_rows(self) -> list:
        if not self.pdf_rows:
            return self.rows
        top, bottom = (self.pdf_rows, self.pdf_rows) if isinstance(self.pdf_rows, int) else self.pdf_rows
        if top + bottom >= len(self.rows):
            return self.rows
        gap = [Cell("…") for _ in self.columns]
        return self.rows[:top] + [gap] + (self.rows[-bottom:] if bottom else [])

    def typst(self):
        columns = [{"title": c.title, "width": float(c.width), "align": c.align, "subtitle": c.subtitle}
                   for c in self.columns]
        rows = [[cell.fields() for cell in row] for row in self._pdf_rows()]
        return typst_call("cchc-table", columns=columns, rows=rows, notes=list(self.notes),
                          keep=bool(self.keep_together))

    def docx(self, doc):
        word.table(doc, self.columns, self.rows, self.notes)

    @classmethod
    def from_fields(cls, data):
        return cls(**{**data, "columns": [Column(**c) for c in data["columns"]],
                      "rows": [[Cell(**c) for c in row] for row in data["rows"]],
                      "pdf_rows": tuple(data["pdf_rows"]) if isinstance(data.get("pdf_rows"), list) else
                      data.get("pdf_rows")})

    def plain(self):
        return "\n".join(" | ".join(c.text for c in row) for row in self.rows)


@dataclass
class Chart(Block):
    """An SVG chart (matplotlib's, text kept as text so PDF search finds labels)."""
    svg: str
    alt: str = ""

    def __post_init__(self):
        start = self.svg.find("<svg")
        if start < 0:
            raise ValueError("Chart needs SVG markup (an <svg> element)")
        self.svg = self.svg[start:]          # drop the XML prolog and doctype

    @classmethod
    def from_figure(cls, fig, alt: str = "") -> "Chart":
        """Serialise a matplotlib Figure once (``charts.svg``) and close it."""
        from . import charts
        if not alt:
            titles = [fig.get_suptitle(), *(ax.get_title() for ax in fig.axes)]
            alt = " — ".join(title for title in titles if title)
        return cls(charts.svg(fig), alt=alt)

    def html(self):
        # an <img> of the SVG: one element for the HTML exporter's parsers instead of thousands
        uri = "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode("utf-8")).decode("ascii")
        return html_macro("chart", src=uri, alt=self.alt)

    def typst(self):
        return typst_call("cchc-chart", self.svg, alt=self.alt)

    def docx(self, doc):
        word.paragraph(doc, f"[{self.alt}]" if self.alt else "", "muted")

    def plain(self):
        return f"[chart: {self.alt}]"


@dataclass
class Facts(Block):
    """Label/value pairs: a definition list (cover, page one)."""
    items: list[tuple[str, str]]

    def html(self):
        return html_macro("facts", items=[(str(k), str(v)) for k, v in self.items])

    def typst(self):
        return typst_call("cchc-facts", [[str(k), str(v)] for k, v in self.items])

    def docx(self, doc):
        word.facts(doc, [(str(k), str(v)) for k, v in self.items])

    def plain(self):
        return "\n".join(f"{k}: {v}" for k, v in self.items)


@dataclass
class Bullets(Block):
    items: list[str]

    def html(self):
        return html_macro("bullets", items=[str(i) for i in self.items])

    def typst(self):
        return typst_call("cchc-bullets", [str(i) for i in self.items])

    def docx(self, doc):
        word.bullets(doc, [str(i) for i in self.items])

    def plain(self):
        return "\n".join(f"• {i}" for i in self.items)


@dataclass
class Cover(Block):
    """The title page: title, subtitle and the report's facts."""
    title: str
    subtitle: str = ""
    facts: list[tuple[str, str]] = field(default_factory=list)
    running_header: str = ""         # "unit — period" at the top of every later PDF page
    note: str = ""                   # one sentence under the facts (e.g. figures before a merger)

    def html(self):
        return html_macro("cover", title=self.title, subtitle=self.subtitle,
                          facts=[(str(k), str(v)) for k, v in self.facts], note=self.note)

    def typst(self):
        return typst_call("cchc-cover", self.title, subtitle=self.subtitle,
                          facts=[[str(k), str(v)] for k, v in self.facts], running_header=self.running_header,
                          note=self.note)

    def docx(self, doc):
        word.heading(doc, self.title, 1)
        for text in filter(None, (self.subtitle, self.note)):
            word.paragraph(doc, text)
        word.facts(doc, [(str(k), str(v)) for k, v in self.facts])

    def plain(self):
        return f"{self.title}\n{self.subtitle}"


@dataclass
class Contents(Block):
    """The table of contents: filled from the headings (HTML) or ``outline()`` (PDF)."""
    title: str = ""

    def html(self):
        return html_macro("contents")

    def typst(self):
        return typst_call("cchc-contents", self.title)

    def docx(self, doc):
        pass                             # Word builds its own table of contents


@dataclass
class Markdown(Block):
    """An analyst's note (Markdown already sanitized by ``helpers.notes``): raw HTML is
    shown as text; images only those named in ``images`` (reference -> file path or bytes)
    and ``data:`` URIs of PNG, JPEG or GIF (which ``helpers.notes`` leaves in the text)."""
    text: str
    images: dict = field(default_factory=dict)

    def _tokens(self):
        return markdown.parse(self.text)

    def html(self):
        return html_macro("note", body=Markup(markdown.to_html(self.text, self._image_uris())))

    def typst(self):
        return "#cchc-note[" + markdown.to_typst(self._tokens(), self._image_names()) + "]"

    def docx(self, doc):
        word.markdown(doc, self._tokens())

    def _image_bytes(self) -> dict[str, bytes]:
        found = {name: (Path(v).read_bytes() if isinstance(v, (str, Path)) else bytes(v))
                 for name, v in self.images.items()}
        for src in markdown.image_sources(self._tokens()):
            uri = images.data_uri(src)
            if uri and uri.mime in images.MIME_TYPES.values() and src not in found:
                try:
                    found[src] = images.decode_base64(uri.data)
                except ValueError:
                    continue                  # not base64: shown as its alt text
        return found

    def _image_uris(self) -> dict[str, str]:
        return {name: f"data:{images.mime_type(data)};base64,{base64.b64encode(data).decode()}"
                for name, data in self._image_bytes().items()}

    def _image_names(self) -> dict[str, TypstCode]:
        """Typst expressions decoding each allowed image (SVG as text, others as bytes)."""
        out = {}
        for name, data in self._image_bytes().items():
            if images.mime_type(data) == images.SVG_MIME:
                out[name] = TypstCode(f"bytes({typst_str(data.decode('utf-8'))})")
            else:
                out[name] = TypstCode("bytes((" + ",".join(str(b) for b in data) + ",))")
        return out

    def plain(self):
        return self.text


@dataclass
class Group(Block):
    """Blocks that stay together on one page (heading + short table, chart + caption)."""
    items: Sequence[Block]
    keep_together: bool = True
    style: str | None = None         # "small": an annex in small type

    def headings(self):
        return [h for b in self.items for h in b.headings()]

    def html(self):
        return html_macro("group", items=[Markup(b.html()) for b in self.items], style=self.style)

    def typst(self):
        body = "\n".join(b.typst() for b in self.items)
        return (f"#cchc-group(keep: {typst_value(bool(self.keep_together))}, style: {typst_value(self.style)})"
                f"[\n{body}\n]")

    def docx(self, doc):
        for item in self.items:
            item.docx(doc)

    @classmethod
    def from_fields(cls, data):
        return cls(**{**data, "items": [from_fields(item) for item in data["items"]]})

    def plain(self):
        return "\n".join(b.plain() for b in self.items)


def show(*items: Block) -> None:
    """Display each block in the notebook (both MIME types)."""
    from IPython.display import display
    display(*items)
