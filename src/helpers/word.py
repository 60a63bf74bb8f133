"""The Word rendering of the blocks (python-docx): the page and styles of a Báo cáo under Nghị định
30/2020 (A4, margins 20/20/30/15 mm, Times New Roman 14 pt, justified, first-line indent 1,27 cm,
6 pt after each paragraph, page numbers at the top centre but not on page one) and the primitives
the blocks call: headings, paragraphs, dash lists, tables (header row repeated), Markdown notes,
rules and sections (an appendix starts a section of its own, numbered from 1, maybe landscape).

python-docx is imported only when a document is written (the kernels of other reports never do)."""

from __future__ import annotations

import math

FONT = "Times New Roman"
BODY_PT = 14
SMALL_PT = 12
TABLE_PT = 12
FIRST_LINE_CM = 1.27
SPACE_AFTER_PT = 6
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
A4_MM = (210, 297)


# -- the document ---------------------------------------------------------------------------------------
def new_document(title: str = "", lang: str = "vi"):
    """An empty Word document with the Decree-30 page, styles and page-number header."""
    import docx
    doc = docx.Document()
    _styles(doc, lang)
    section = doc.sections[0]
    _page(section, landscape=False)
    _page_numbers(section)
    doc.core_properties.title = title
    doc.core_properties.language = lang
    from . import clock
    doc.core_properties.created = doc.core_properties.modified = clock.now()
    return doc


def _fonts(style_or_run, size_pt: float | None = None) -> None:
    """Times New Roman for every script (ascii, hAnsi, east Asian, complex) of a style or run."""
    from docx.oxml.ns import qn
    from docx.shared import Pt
    font = style_or_run.font
    font.name = FONT
    if size_pt:
        font.size = Pt(size_pt)
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    _only(fonts)
    if size_pt:
        size_cs = rpr.find(qn("w:szCs"))
        if size_cs is not None:
            size_cs.set(qn("w:val"), str(int(size_pt * 2)))


def _only(fonts) -> None:
    """An ``rFonts`` element naming Times New Roman for every script, and no theme font (which would win)."""
    from docx.oxml.ns import qn
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):   # a theme font would win
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _styles(doc, lang: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor
    for fonts in doc.styles.element.iter(qn("w:rFonts")):        # the defaults' and every style's
        _only(fonts)
    normal = doc.styles["Normal"]
    _fonts(normal, BODY_PT)
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Cm(FIRST_LINE_CM)
    fmt.space_before, fmt.space_after = Pt(0), Pt(SPACE_AFTER_PT)
    fmt.line_spacing = 1.15
    fmt.widow_control = True
    for level in range(1, 5):
        style = doc.styles[f"Heading {level}"]
        _fonts(style, BODY_PT)
        style.font.bold, style.font.italic = True, False
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.first_line_indent = Cm(FIRST_LINE_CM)
        style.paragraph_format.space_before, style.paragraph_format.space_after = Pt(6), Pt(SPACE_AFTER_PT)
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def _page(section, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Twips
    short, long = A4_MM
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(long), Mm(short)) if landscape else (Mm(short), Mm(long))
    for side, mm in MARGINS_MM.items():          # in whole twips, never below the decree's least
        setattr(section, f"{side}_margin", Twips(math.ceil(mm * 1440 / 25.4)))
    section.header_distance = Mm(10)


def _page_numbers(section) -> None:
    """The page number centred in the top margin, none on the section's first page."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    para = header.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.first_line_indent = 0
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = para.add_run("1")
    _fonts(run, BODY_PT)
    field.append(run._r)
    para._p.append(field)


def new_section(doc, landscape: bool = False) -> None:
    """A new page in a section of its own, numbered from 1 (an appendix)."""
    from docx.enum.section import WD_SECTION
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    _page(section, landscape)
    section.different_first_page_header_footer = True
    numbering = section._sectPr.find(qn("w:pgNumType"))
    if numbering is None:
        numbering = OxmlElement("w:pgNumType")
        section._sectPr.append(numbering)
    numbering.set(qn("w:start"), "1")


def text_width(doc):
    section = doc.sections[-1]
    return section.page_width - section.left_margin - section.right_margin


# -- paragraphs -------------------------------------------------------------------------------------------
def paragraph(doc_or_cell, text: str = "", style: str = "body", *, bold=False, italic=False, size=None,
              align: str | None = None, indent: bool | None = None, after: float | None = None):
    """One paragraph of ``text`` (``style``: body, lead, muted, small, warning as in the blocks)."""
    from docx.shared import Pt
    para = doc_or_cell.add_paragraph()
    if text:
        run = para.add_run(text)
        run.bold = bold or None
        run.italic = italic or (style in ("muted", "warning")) or None
        if size or style == "small":
            run.font.size = Pt(size or SMALL_PT)
    _shape(para, align, indent, after)
    return para


def _shape(para, align: str | None, indent: bool | None, after: float | None) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt
    if align:
        para.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                          "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    if indent is not None:
        para.paragraph_format.first_line_indent = Cm(FIRST_LINE_CM) if indent else Cm(0)
    if after is not None:
        para.paragraph_format.space_after = Pt(after)


def heading(doc, text: str, level: int):
    return doc.add_paragraph(text, style=f"Heading {min(max(level, 1), 4)}")


def bullets(doc, items: list[str]) -> None:
    """A list the way a Báo cáo writes one: paragraphs opening with a dash."""
    for item in items:
        paragraph(doc, f"- {item}")


def facts(doc, items) -> None:
    for label, value in items:
        para = paragraph(doc)
        para.add_run(f"{label}: ").bold = True
        para.add_run(value)


def rule(doc_or_cell, fraction: float = 1 / 3, width=None):
    """A short solid line, centred: an empty paragraph's bottom border ``fraction`` of ``width`` long."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt
    para = doc_or_cell.add_paragraph()
    _shape(para, "center", False, 4)
    para.paragraph_format.line_spacing = Pt(2)
    if width:
        side = int(width * (1 - fraction) / 2)
        para.paragraph_format.left_indent = para.paragraph_format.right_indent = side
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    para._p.get_or_add_pPr().append(borders)
    return para


# -- tables ------------------------------------------------------------------------------------------------
def table(doc, columns, rows, notes=()) -> None:
    """A table of cells (``helpers.blocks`` Column and Cell), the header row repeated on each page."""
    from docx.enum.table import WD_ALIGN_VERTICAL
    from docx.shared import Pt
    grid = doc.add_table(rows=1 + len(rows), cols=len(columns))
    grid.style = "Table Grid"
    total = sum(c.width for c in columns) or 1
    widths = [int(text_width(doc) * c.width / total) for c in columns]
    column_widths(grid, widths)
    for x, column in enumerate(columns):
        title = column.title + (f"\n{column.subtitle}" if column.subtitle else "")
        _cell(grid.cell(0, x), title, "center", widths[x], bold=True, size=TABLE_PT - 1)   # wraps less
        grid.cell(0, x).vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    repeat_header(grid.rows[0])
    for y, row in enumerate(rows, start=1):
        for x, cell in enumerate(row):
            _cell(grid.cell(y, x), cell.text + (cell.mark or ""), columns[x].align, widths[x], bold=cell.bold,
                  note=cell.note)
    for note in notes:
        paragraph(doc, note, "small", italic=True, indent=False, after=Pt(0).pt)


def _cell(cell, text: str, align: str, width, bold=False, note=None, size=None) -> None:
    cell.width = width
    para = cell.paragraphs[0]
    run = para.add_run(text)
    run.bold = bold or None
    from docx.shared import Pt
    run.font.size = Pt(size or TABLE_PT)
    _shape(para, align, False, 0)
    para.paragraph_format.line_spacing = 1.0
    if note:
        small = cell.add_paragraph()
        small_run = small.add_run(note)
        small_run.font.size, small_run.italic = Pt(TABLE_PT - 2), True
        _shape(small, align, False, 0)


def column_widths(grid, widths) -> None:
    """Fixed column widths, said where Word and LibreOffice both read them (the grid and each cell)."""
    grid.autofit = False
    for column, width in zip(grid.columns, widths):
        column.width = width
        for cell in column.cells:
            cell.width = width


def repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(mark)


def keep_row_together(row) -> None:
    from docx.oxml import OxmlElement
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def no_borders(grid) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    props = grid._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    props.append(borders)


# -- Markdown notes -----------------------------------------------------------------------------------------
def markdown(doc, tokens) -> None:
    """An analyst's note (markdown-it tokens) as Word paragraphs: headings bold, lists with dashes."""
    from markdown_it.tree import SyntaxTreeNode
    for node in SyntaxTreeNode(tokens).children:
        _md_block(doc, node)


def _md_block(doc, node, prefix: str = "") -> None:
    if node.type in ("paragraph", "heading"):
        para = paragraph(doc)
        if prefix:
            para.add_run(prefix)
        _md_inline(para, node.children, bold=node.type == "heading")
        if node.type == "heading":
            para.paragraph_format.keep_with_next = True
    elif node.type in ("bullet_list", "ordered_list"):
        start = int(node.attrs.get("start", 1) or 1)
        for number, item in enumerate(node.children, start=start):
            for child in item.children:
                _md_block(doc, child, f"{number}. " if node.type == "ordered_list" else "- ")
    elif node.type in ("fence", "code_block"):
        paragraph(doc, node.content.rstrip("\n"), indent=False)
    elif node.type == "table":
        _md_table(doc, node)
    elif node.type != "hr":
        for child in node.children:
            _md_block(doc, child, prefix)


def _md_inline(para, nodes, bold=False, italic=False) -> None:
    for node in nodes:
        if node.type in ("text", "code_inline", "html_inline"):
            run = para.add_run(node.content)
            run.bold, run.italic = bold or None, italic or None
        elif node.type == "image":
            para.add_run(node.content or "").italic = True
        elif node.type in ("softbreak", "hardbreak"):
            para.add_run(" ")
        else:
            _md_inline(para, node.children, bold or node.type == "strong", italic or node.type == "em")


def _md_table(doc, node) -> None:
    from types import SimpleNamespace as Fields
    rows = [[_plain(cell) for cell in tr.children] for section in node.children for tr in section.children]
    if rows:
        columns = [Fields(title=title, subtitle=None, width=1.0, align="left") for title in rows[0]]
        table(doc, columns, [[Fields(text=text, mark=None, bold=False, note=None) for text in row] for row in rows[1:]])


def _plain(node) -> str:
    return node.content if node.type in ("text", "code_inline") else "".join(_plain(c) for c in node.children)
