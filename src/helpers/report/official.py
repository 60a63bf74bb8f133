"""What the official report (Báo cáo, Decree 30/2020 form) says, as neutral blocks: the Ministry of Home
Affairs' outline — I. Công tác chỉ đạo, điều hành; II. one part per reform area; III. Đánh giá chung (ưu
điểm; tồn tại, hạn chế; nguyên nhân); IV. Nhiệm vụ trọng tâm kỳ tới; V. Đề xuất, kiến nghị — and the
appendices of figures by unit. Every sentence is built from the figures and judgements the progress
report has (:mod:`.official_text`, :mod:`.appendix`) or taken from the analysts' notes under the
headings :mod:`helpers.note_parts` documents; nothing is invented. The document's form (header,
signature, numbering of appendices, "./.") is the notebook's and the exporters'."""

from __future__ import annotations

import re
import unicodedata
from functools import cached_property

from .. import blocks, note_parts, notes
from ..catalogue import AREAS
from ..figures import BEHIND, NOT_MET, Figure
from ..findings import WARNING, Finding
from ..note_parts import CAUSES, DIRECTION, PROPOSALS, STRENGTHS, TASKS, WEAKNESSES
from ..text import Msg, t
from . import assessment
from .appendix import appendices
from .leadership import status_shown, targeted, verdict
from .official_tasks import task_blocks
from .official_text import day_text, dossier_sentence, figure_sentence, in_period, period_words, resolved_sentence

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
DIRECTION_AREA = "chi_dao_dieu_hanh"
COMPOSED = {"dossiers_received": dossier_sentence, "ontime_resolution_rate": resolved_sentence}
FOLDED = ("online_submission_rate",)          # said in the dossiers' sentence


class Official:
    """The official report's content, a mixin of :class:`helpers.report.Report`."""

    # -- the interface the official notebook calls ------------------------------------------------
    def official_subject(self) -> str:
        """The trích yếu: ``Kết quả công tác cải cách hành chính tháng 10 năm 2026``."""
        return t(self.lang, "official.subject", period=period_words(self.period, self.lang))

    def official_window(self) -> str:
        """``Số liệu từ ngày 15/9/2026 đến ngày 14/10/2026`` (``reporting.yaml``: calendar or official)."""
        start, end = self.data_window
        return t(self.lang, "official.window", start=day_text(start, self.lang), end=day_text(end, self.lang))

    def official_body(self) -> list[blocks.Block]:
        """Sections I–V in order, in the official register."""
        return list(self._official_blocks)

    def official_appendices(self) -> list[tuple[str, list[blocks.Block], bool]]:
        """``(title, blocks, landscape)`` per appendix: the figure tables by unit, every sub-unit."""
        return appendices(self)

    def official_findings(self) -> list[Finding]:
        """What the analysts should fix in the notes for this document (warnings naming file and line):
        tasks whose lead names no unit or whose date is malformed, sections that feed no part."""
        _made = self._official_blocks               # made once: its tasks' warnings join the findings
        return list(self._official_found)

    # -- what the parts read once -------------------------------------------------------------------
    @cached_property
    def _official_blocks(self) -> list[blocks.Block]:
        return [*self._official_direction(), *self._official_results(), *self._official_assessment(),
                *self._official_tasks(), *self._official_proposals()]

    @cached_property
    def _official_note(self) -> notes.Note:
        return notes.for_report(self.data_dir, self.period, self.unit, self.ds.units, self.lang)

    @cached_property
    def _official_parts(self) -> note_parts.Parts:
        return note_parts.split(self._official_note.text)

    @cached_property
    def _official_found(self) -> list[Finding]:
        note = self._official_note
        return [Finding(WARNING, "note_unused", Msg("finding.notes.section_unused", heading=s.heading[:60]),
                        file=note.source, row=s.line, period=self.period.code) for s in self._official_parts.unused]

    def _note_blocks(self, part: str) -> list[blocks.Block]:
        return [b for s in self._official_parts.get(part) for b in as_blocks(s.body)]

    def _from_notes(self, part: str, heading_key: str) -> list[blocks.Block]:
        """The notes' words for ``part``, or one sentence saying where the analyst writes them."""
        found = self._note_blocks(part)
        if found:
            return found
        path = notes.note_path(self.data_dir, self.period, self.unit, self.ds.units, self.lang)
        return [blocks.Paragraph(t(self.lang, "official.from_notes_missing", heading=t(self.lang, heading_key),
                                   file=path.relative_to(self.data_dir).as_posix()), "muted")]

    def _heading(self, number: int, key: str) -> blocks.Heading:
        return blocks.Heading(f"{ROMAN[number - 1]}. {t(self.lang, key)}", level=1)

    # -- I and II ------------------------------------------------------------------------------------
    def _area_sentences(self, area: str) -> list[blocks.Block]:
        figs = self.displayed(area)
        shown = {f.code for f in figs}
        parts: dict[str, list[Figure]] = {}
        for f in figs:
            if f.indicator.parts_of in shown:
                parts.setdefault(f.indicator.parts_of, []).append(f)
        out, said, folded = [], set(), False
        for f in sorted(figs, key=lambda f: f.code not in COMPOSED):      # the dossiers first, then as catalogued
            if f.indicator.parts_of in shown or (f.code in FOLDED and folded):
                continue
            composed = COMPOSED.get(f.code)
            text = composed(self) if composed else None
            if text:
                said.add(in_period(self.period, self.lang))      # "Trong tháng" opened the dossiers' sentence
                folded = folded or f.code == "dossiers_received"
            text = text or figure_sentence(self, f, parts.get(f.code, []), said)
            if text:
                out.append(blocks.Paragraph(text))
        return out

    def _official_direction(self) -> list[blocks.Block]:
        said = self._area_sentences(DIRECTION_AREA) + self._note_blocks(DIRECTION)
        return [self._heading(1, "official.part.direction"),
                *(said or [blocks.Paragraph(t(self.lang, "official.area_no_figures"))])]

    def _official_results(self) -> list[blocks.Block]:
        out = [self._heading(2, "official.part.results")]
        areas = [a for a in AREAS if a != DIRECTION_AREA]
        for number, area in enumerate(areas, start=1):
            said = self._area_sentences(area) + self._note_blocks(note_parts.AREA_PREFIX + area)
            out.append(blocks.Heading(f"{number}. {AREAS[area].name(self.lang)}", level=2))
            out += said or [blocks.Paragraph(t(self.lang, "official.area_no_figures"))]
        return out

    # -- III ----------------------------------------------------------------------------------------
    def _official_assessment(self) -> list[blocks.Block]:
        L = self.lang
        shown = [f for area in AREAS for f in self.displayed(area)]
        out = [self._heading(3, "official.part.assessment"),
               blocks.Paragraph(verdict(shown, L, self.shows_ytd))]
        out += [blocks.Heading(f"1. {t(L, 'official.part.strengths')}", level=2),
                *assessment.strengths(self, shown), *self._note_blocks(STRENGTHS)]
        weak = assessment.weaknesses(self, shown) + self._note_blocks(WEAKNESSES)
        out += [blocks.Heading(f"2. {t(L, 'official.part.weaknesses')}", level=2),
                *(weak or [blocks.Paragraph(t(L, "official.no_weaknesses"))])]
        out += [blocks.Heading(f"3. {t(L, 'official.part.causes')}", level=2),
                *self._from_notes(CAUSES, "official.notes_heading.causes")]
        return out

    # -- IV and V -----------------------------------------------------------------------------------
    def _official_tasks(self) -> list[blocks.Block]:
        shown = [f for area in AREAS for f in self.displayed(area)]
        behind = [f for f in targeted(shown) if status_shown(f, self.shows_ytd) in (NOT_MET, BEHIND)]
        made, found = task_blocks(self, self._official_parts.get(TASKS), behind)
        self._official_found[:] = [f for f in self._official_found if f.check != "note_task"] + found
        return [self._heading(4, "official.part.tasks"), *made]

    def _official_proposals(self) -> list[blocks.Block]:
        return [self._heading(5, "official.part.proposals"),
                *self._from_notes(PROPOSALS, "official.notes_heading.proposals")]


# -- a notes section as the document's text ----------------------------------------------------------
def as_blocks(markdown: str) -> list[blocks.Block]:
    """A section's Markdown as plain paragraphs, bullet lists and tables (the official document shows
    text only: emphasis and links become their text, images are left out; a sub-heading is a paragraph)."""
    out: list[blocks.Block] = []
    items: list[str] = []
    rows: list[list[str]] | None = None
    depth = 0
    for tok in note_parts.parser().parse(markdown or ""):
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0 and items:
                out.append(blocks.Bullets(items))
                items = []
        elif tok.type == "table_open":
            rows = []
        elif tok.type == "tr_open" and rows is not None:
            rows.append([])
        elif tok.type == "table_close" and rows:
            out.append(_table(rows))
            rows = None
        elif tok.type == "inline" and rows is not None:
            rows[-1].append(inline_text(tok))
        elif tok.type == "inline" and (text := inline_text(tok)):
            (items.append(text) if depth else out.append(blocks.Paragraph(text)))
        elif tok.type in ("fence", "code_block") and tok.content.strip():
            out.append(blocks.Paragraph(unicodedata.normalize("NFC", tok.content.strip())))
    return out


def _table(rows: list[list[str]]) -> blocks.Table:
    """A note's Markdown table: its first row the header."""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    columns = [blocks.Column(title, round(1 / width, 3)) for title in rows[0]]
    return blocks.Table(columns, rows[1:], keep_together=len(rows) <= 9)


def inline_text(tok) -> str:
    """The text of an inline token: its words, line breaks as spaces."""
    parts = []
    for child in tok.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")                      # an image is left out, its alt text with it
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", "".join(parts)).strip())
