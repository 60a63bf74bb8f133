"""The form of a Báo cáo under Nghị định 30/2020 (Phụ lục I), as blocks: the two-column header
(parent and issuing body with a short rule; Quốc hiệu and Tiêu ngữ underlined; Số: …/BC-…; place
and date in italics), "BÁO CÁO" and the trích yếu, Kính gửi, the signature block beside Nơi nhận
(never split), and an appendix's heading (Phụ lục I, its title, "(Kèm theo Báo cáo số …)"), which
starts a section numbered on its own and may be landscape. Each block has an HTML, a Typst
(``templates/cchc_official/official.typ``) and a Word rendering of the same fields.

:func:`open_official` puts them together for the official report's notebook: the issuer from
``document.yaml``, the content from the report (``official_body``, ``official_appendices``,
``official_window``, ``official_subject``), the number and date from the parameters."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from markupsafe import escape

from . import blocks, word
from .text import t
from .typst_code import typst_call, typst_value

LANG = "vi"                      # an administrative document is Vietnamese
END_MARK = "./."
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
ADDRESSED_AT_CM, ADDRESSED_LABEL_CM = 5.3, 2.2   # Kính gửi: the recipients start 5.3 cm in (as official.typ)
HEADER_SPLIT = 0.36              # the header's left column: 36 % of the text width (the Quốc hiệu on one line)


def number_text(number: str | None) -> str:
    """``05`` for 5 (a leading zero below 10), ``123`` as given, blanks for the clerk when absent."""
    if not number:
        return " " * 5                 # "Số:      /BC-UBND": room for the clerk
    return f"{int(number):02d}"


def _month(day: dt.date) -> str:
    return f"{day.month:02d}" if day.month <= 2 else str(day.month)


def short_date(day: dt.date) -> str:
    """``05/4/2026``, with the same leading zeros as :func:`date_text`."""
    return f"{day.day:02d}/{_month(day)}/{day.year}"


def date_text(day: dt.date) -> str:
    """``ngày 05 tháng 4 năm 2026``: a leading zero for days below 10 and for months 1 and 2."""
    return t(LANG, "official.date", day=f"{day.day:02d}", month=_month(day), year=day.year)


LEVEL_WORDS = ("tỉnh", "thành phố", "phường", "xã", "đặc khu", "huyện", "quận", "thị xã", "thị trấn")
ELECTED_BODIES = ("ủy ban nhân dân", "hội đồng nhân dân")
TWO_WORD_KINDS = ("văn phòng", "thanh tra", "công an", "trung tâm", "chi cục")


def _starts_with(words: list[str], i: int, phrase: str) -> bool:
    return words[i:i + len(phrase.split())] == phrase.split()


def body_in_sentence(name: str) -> str:
    """An issuing body written in capitals, as a sentence names it (the appendix's "Kèm theo … của …"):
    ``Ủy ban nhân dân tỉnh Lào Cai``, ``Sở Nội vụ``, ``Sở Khoa học và Công nghệ``. A body's own name
    (after "Sở", "Ban", "Văn phòng" …, after "và" and a comma) and a place (after "tỉnh", "xã" …) keep
    their capitals; a name already in mixed case is left as it is."""
    if name != name.upper():
        return name
    words = name.lower().split()
    capital = {0} | {i + 1 for i, w in enumerate(words) if w == "và" or w.endswith(",")}
    if not any(_starts_with(words, 0, body) for body in ELECTED_BODIES):
        capital.add(2 if any(_starts_with(words, 0, kind) for kind in TWO_WORD_KINDS) else 1)
    for i in range(1, len(words)):
        level = next((lv for lv in LEVEL_WORDS if _starts_with(words, i, lv)), None)
        if level:                                   # "tỉnh" in lower case, the place's name in capitals
            capital = {c for c in capital if c < i} | set(range(i + len(level.split()), len(words)))
            break
    return " ".join(w[:1].upper() + w[1:] if i in capital else w for i, w in enumerate(words))


def header_lines(body: str) -> list[str]:
    """The issuing body in the header's narrow column, broken where a clerk breaks it: after
    "ỦY BAN NHÂN DÂN" (the place on the next line), else where the column ends."""
    for elected in (b.upper() for b in ELECTED_BODIES):
        if body.startswith(elected + " "):
            return [elected, body[len(elected):].strip()]
    return [body]


def _html(tag: str, text: str, css: str) -> str:
    return f'<{tag} class="{css}">{escape(text)}</{tag}>'


@dataclass
class OfficialHeader(blocks.Block):
    issuing_body: str
    number_line: str                     # Số: 05/BC-UBND
    place_date: str                      # Lào Cai, ngày 05 tháng 4 năm 2026
    parent_body: str = ""
    national: str = field(default_factory=lambda: t(LANG, "official.national_title"))
    motto: str = field(default_factory=lambda: t(LANG, "official.motto"))

    def html(self):
        left = "".join(_html(tag, text, css) for tag, text, css in (
            ("div", self.parent_body, "cchc-parent"), ("div", self.issuing_body, "cchc-issuer"),
            ("div", self.number_line, "cchc-number")) if text)
        right = "".join(_html(tag, text, css) for tag, text, css in (
            ("div", self.national, "cchc-national"), ("div", self.motto, "cchc-motto"),
            ("div", self.place_date, "cchc-place-date")))
        return f'<div class="cchc-official-header"><div>{left}</div><div>{right}</div></div>'

    def typst(self):
        return typst_call("official-header", parent=self.parent_body, issuing=header_lines(self.issuing_body),
                          number=self.number_line, national=self.national, motto=self.motto,
                          place_date=self.place_date)

    def docx(self, doc):
        grid = doc.add_table(rows=2, cols=2)
        word.no_borders(grid)
        width = word.text_width(doc)
        widths = (int(width * HEADER_SPLIT), width - int(width * HEADER_SPLIT))
        word.column_widths(grid, widths)
        left, right = grid.cell(0, 0), grid.cell(0, 1)
        first = left.paragraphs[0]
        if self.parent_body:
            first.add_run(self.parent_body).font.size = _pt(13)
            word._shape(first, "center", False, 0)
            first = left.add_paragraph()
        lines = header_lines(self.issuing_body)
        for number, line in enumerate(lines):
            run = first.add_run(line)
            run.bold, run.font.size = True, _pt(13)
            if number < len(lines) - 1:
                run.add_break()
        word._shape(first, "center", False, 0)
        word.rule(left, 1 / 3, widths[0])
        national = right.paragraphs[0]
        run = national.add_run(self.national)
        run.bold, run.font.size = True, _pt(13)
        word._shape(national, "center", False, 0)
        motto = right.add_paragraph()
        run = motto.add_run(self.motto)
        run.bold, run.underline, run.font.size = True, True, _pt(14)
        word._shape(motto, "center", False, 0)
        word.paragraph(grid.cell(1, 0), self.number_line, size=13, align="center", indent=False, after=0)
        word.paragraph(grid.cell(1, 1), self.place_date, italic=True, size=14, align="center", indent=False,
                       after=0)
        for cell in (grid.cell(1, 0), grid.cell(1, 1)):
            cell._tc.remove(cell.paragraphs[0]._p)            # the empty paragraph python-docx starts with

    def plain(self):
        return "\n".join(x for x in (self.parent_body, self.issuing_body, self.national, self.motto,
                                     self.number_line, self.place_date) if x)


def _pt(size: float):
    from docx.shared import Pt
    return Pt(size)


@dataclass
class OfficialTitle(blocks.Block):
    """"BÁO CÁO", the trích yếu and, for a higher body, Kính gửi with its recipients."""
    subject: str
    addressed_to: list[str] = field(default_factory=list)
    kind: str = field(default_factory=lambda: t(LANG, "official.kind"))
    addressed_label: str = field(default_factory=lambda: t(LANG, "official.addressed_to"))

    def _addressed_lines(self) -> list[str]:
        if len(self.addressed_to) == 1:
            return [f"{self.addressed_to[0]}."]
        return [f"- {a}{'.' if i == len(self.addressed_to) - 1 else ';'}" for i, a in enumerate(self.addressed_to)]

    def html(self):
        lines = "".join(_html("div", line, "cchc-addressed") for line in self._addressed_lines())
        label = _html("div", self.addressed_label, "cchc-addressed-label") if self.addressed_to else ""
        return (f'<div class="cchc-official-title">{_html("div", self.kind, "cchc-kind")}'
                f'{_html("div", self.subject, "cchc-subject")}{label}{lines}</div>')

    def typst(self):
        return typst_call("official-title", self.kind, self.subject, label=self.addressed_label,
                          addressed=self._addressed_lines() if self.addressed_to else [])

    def docx(self, doc):
        word.paragraph(doc, self.kind, bold=True, size=14, align="center", indent=False, after=0).paragraph_format \
            .space_before = _pt(12)
        word.paragraph(doc, self.subject, bold=True, size=14, align="center", indent=False, after=0)
        word.rule(doc, 1 / 4, word.text_width(doc))
        if self.addressed_to:
            lines = self._addressed_lines()
            if len(lines) == 1:
                word.paragraph(doc, f"{self.addressed_label} {lines[0]}", align="center", indent=False)
                return
            self._addressed_docx(doc, lines)

    def _addressed_docx(self, doc, lines: list[str]) -> None:
        """"Kính gửi:" beside the first recipient (a hanging indent and a tab), the others beneath it."""
        from docx.shared import Cm
        for number, line in enumerate(lines):
            text = f"{self.addressed_label}\t{line}" if number == 0 else line
            fmt = word.paragraph(doc, text, align="left", indent=False, after=0).paragraph_format
            fmt.left_indent = Cm(ADDRESSED_AT_CM)
            if number == 0:
                fmt.first_line_indent = Cm(-ADDRESSED_LABEL_CM)
                fmt.tab_stops.add_tab_stop(Cm(ADDRESSED_AT_CM))
        doc.paragraphs[-1].paragraph_format.space_after = _pt(12)

    def plain(self):
        return "\n".join([self.kind, self.subject, *self._addressed_lines()])


@dataclass
class Signature(blocks.Block):
    """Nơi nhận (left) beside the signer (right), kept on one page with the text's end."""
    authority: list[str]
    title: str
    name: str
    recipients: list[str]
    label: str = field(default_factory=lambda: t(LANG, "official.recipients"))

    def recipient_lines(self) -> list[str]:
        return [f"- {r}{'.' if i == len(self.recipients) - 1 else ';'}" for i, r in enumerate(self.recipients)]

    def signer_lines(self) -> list[str]:
        return [*self.authority, *([self.title] if self.title else [])]

    def html(self):
        left = _html("div", self.label, "cchc-recipients-label") + "".join(
            _html("div", line, "cchc-recipient") for line in self.recipient_lines())
        right = "".join(_html("div", line, "cchc-authority") for line in self.signer_lines())
        return (f'<div class="cchc-signature"><div>{left}</div><div>{right}'
                f'{_html("div", self.name, "cchc-signer")}</div></div>')

    def typst(self):
        return typst_call("official-signature", label=self.label, recipients=self.recipient_lines(),
                          authority=self.signer_lines(), name=self.name)

    def docx(self, doc):
        if doc.paragraphs:
            doc.paragraphs[-1].paragraph_format.keep_with_next = True
        grid = doc.add_table(rows=1, cols=2)
        word.no_borders(grid)
        word.keep_row_together(grid.rows[0])
        width = word.text_width(doc)
        left, right = grid.cell(0, 0), grid.cell(0, 1)
        word.column_widths(grid, (int(width * 0.45), width - int(width * 0.45)))
        label = left.paragraphs[0].add_run(self.label)
        label.bold, label.italic, label.font.size = True, True, _pt(12)
        word._shape(left.paragraphs[0], "left", False, 0)
        for line in self.recipient_lines():
            word.paragraph(left, line, size=11, align="left", indent=False, after=0)
        first = right.paragraphs[0]
        word._shape(first, "center", False, 0)
        for number, line in enumerate(self.signer_lines()):
            para = first if number == 0 else word.paragraph(right, align="center", indent=False, after=0)
            run = para.add_run(line)
            run.bold, run.font.size = True, _pt(14)
        for _ in range(4):                                   # room for the signature and the seal
            word.paragraph(right, "", align="center", indent=False, after=0)
        word.paragraph(right, self.name, bold=True, size=14, align="center", indent=False, after=0)

    def plain(self):
        return "\n".join([self.label, *self.recipient_lines(), *self.signer_lines(), self.name])


@dataclass
class AppendixHeading(blocks.Block):
    """"Phụ lục I", the title, "(Kèm theo Báo cáo số …)": a new section, numbered from 1."""
    label: str
    title: str
    reference: str
    landscape: bool = False

    def html(self):
        return (f'<div class="cchc-appendix">{_html("div", self.label, "cchc-appendix-label")}'
                f'{_html("div", self.title, "cchc-appendix-title")}'
                f'{_html("div", self.reference, "cchc-appendix-reference")}</div>')

    def typst(self):
        return (f"#set page(flipped: {typst_value(bool(self.landscape))})\n#counter(page).update(1)\n"
                + typst_call("official-appendix", self.label, self.title, self.reference))

    def docx(self, doc):
        word.new_section(doc, self.landscape)
        word.paragraph(doc, self.label, bold=True, size=14, align="center", indent=False, after=0)
        word.paragraph(doc, self.title.upper(), bold=True, size=14, align="center", indent=False, after=0)
        word.paragraph(doc, self.reference, italic=True, size=14, align="center", indent=False, after=12)

    def plain(self):
        return "\n".join([self.label, self.title, self.reference])


def ended(items: list) -> list:
    """The body with "./." after its last words (its last paragraph or list item, else on its own), in a
    ``closing`` paragraph that the page keeps with the signature block that follows."""
    items = list(items)
    last = items[-1] if items else None
    if isinstance(last, blocks.Paragraph):
        items[-1] = dataclasses.replace(last, text=f"{last.text.rstrip()} {END_MARK}".strip(), style="closing")
    elif isinstance(last, blocks.Bullets) and last.items:
        items[-1:] = ([blocks.Bullets(last.items[:-1])] if len(last.items) > 1 else []) + [
            blocks.Paragraph(f"- {str(last.items[-1]).rstrip()} {END_MARK}", style="closing")]
    else:
        items.append(blocks.Paragraph(END_MARK, style="closing"))
    return items


class OfficialForm:
    """What the official report's notebook shows, cell by cell (each displays its blocks with
    their fields, for the Word exporter)."""

    def __init__(self, report, issuer, number: str | None, issued_on: dt.date):
        self.report, self.issuer, self.number, self.issued_on = report, issuer, number, issued_on

    @property
    def number_line(self) -> str:
        return t(LANG, "official.number", number=number_text(self.number), symbol=self.issuer.symbol)

    def header_block(self) -> OfficialHeader:
        place_date = t(LANG, "official.place_date", place=self.issuer.place, date=date_text(self.issued_on))
        return OfficialHeader(self.issuer.issuing_body, self.number_line, place_date,
                              parent_body=self.issuer.parent_body or "")

    def header(self):
        blocks.show_with_fields(self.header_block())

    def title(self):
        blocks.show_with_fields(OfficialTitle(self.report.official_subject(), list(self.issuer.addressed_to)))

    def window_block(self) -> blocks.Paragraph:
        """The data window, a sentence of its own in italics (a note on the figures, not part of I.)."""
        return blocks.Paragraph(f"{self.report.official_window().rstrip().rstrip('.')}.", "muted")

    def window(self):
        blocks.show_with_fields(self.window_block())

    def body(self):
        blocks.show_with_fields(*ended(self.report.official_body()))

    def signature_block(self) -> Signature:
        signer = self.issuer.signer
        return Signature(list(signer.authority), signer.title, signer.name, list(self.issuer.recipients))

    def signature(self):
        blocks.show_with_fields(self.signature_block())

    def appendix_blocks(self) -> list:
        found = list(self.report.official_appendices())
        reference = t(LANG, "official.appendix_reference", number=number_text(self.number).strip() or "…",
                      symbol=self.issuer.symbol, date=short_date(self.issued_on),
                      issuer=body_in_sentence(self.issuer.issuing_body))
        out = []
        for index, (title, items, landscape) in enumerate(found):
            numeral = ROMAN[index] if len(found) > 1 and index < len(ROMAN) else (str(index + 1) if len(found) > 1
                                                                                     else "")
            label = t(LANG, "official.appendix", numeral=numeral).strip()
            out += [AppendixHeading(label, title, reference, bool(landscape)), *items]
        return out

    def appendices(self):
        blocks.show_with_fields(*self.appendix_blocks())


def open_official(report, number=None, issued_on=None) -> OfficialForm:
    """The notebook's second cell: the issuer of the report's unit (``document.yaml``) and the
    number and date checked (``issued_on`` defaults to today, :mod:`helpers.clock`)."""
    from . import clock
    from .document import read_document
    from .errors import DataError
    from .params import official_date, official_number
    issuer = read_document(report.data_dir).issuer_for(report.ds.units, report.unit)
    if issuer is None:
        raise DataError("error.document.no_issuer", file=report.data_dir / "document.yaml", unit_code=report.unit)
    return OfficialForm(report, issuer, official_number(number), official_date(issued_on) or clock.now().date())
