"""The analysts' notes cut into the parts of the official report (Báo cáo), by their headings.

A note (already resolved and sanitised by :mod:`helpers.notes`) is Markdown; each heading opens a
section that runs to the next heading of the same or a higher level. A heading feeds a part when
its text, compared without regard to case, to the Unicode form of its accents (NFC/NFD), to the old
or new placement of a tone mark (``hoà``/``hòa``), to a trailing colon and to a leading number
(``1.``, ``II.``, ``a)``), is one of:

=============================================  ==========================================
heading                                        part of the official report
=============================================  ==========================================
Chỉ đạo, điều hành (or the area's full name)   I. Công tác chỉ đạo, điều hành
a reform area's name (``Cải cách thể chế`` …)  II. that area's part
Kết quả nổi bật / Ưu điểm                      III.1 Ưu điểm
Tồn tại, hạn chế (or Hạn chế, Tồn tại)         III.2 Tồn tại, hạn chế
Nguyên nhân                                    III.3 Nguyên nhân
Nhiệm vụ … (tháng tới, quý tới, kỳ tới …)      IV. Nhiệm vụ trọng tâm kỳ tới
Đề xuất, kiến nghị (or Kiến nghị, Đề xuất)     V. Đề xuất, kiến nghị
=============================================  ==========================================

The area names are those of the catalogue (``helpers.catalogue.AREAS``) in Vietnamese and English,
also without their leading ``Cải cách``. Any other heading feeds no part (the progress report still
shows the whole note); :func:`split` says which sections were left out."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

from .catalogue import AREAS

DIRECTION, STRENGTHS, WEAKNESSES, CAUSES, TASKS, PROPOSALS = \
    "direction", "strengths", "weaknesses", "causes", "tasks", "proposals"
AREA_PREFIX = "area:"            # a part of II: "area:tthc"

_FIXED = {DIRECTION: ("chỉ đạo, điều hành", "công tác chỉ đạo, điều hành", "chỉ đạo điều hành"),
          STRENGTHS: ("kết quả nổi bật", "ưu điểm", "kết quả đạt được"),
          WEAKNESSES: ("tồn tại, hạn chế", "tồn tại hạn chế", "hạn chế", "tồn tại", "tồn tại, hạn chế, khó khăn",
                       "khó khăn, vướng mắc", "hạn chế, khó khăn"),
          CAUSES: ("nguyên nhân", "nguyên nhân của tồn tại, hạn chế", "nguyên nhân tồn tại, hạn chế"),
          PROPOSALS: ("đề xuất, kiến nghị", "đề xuất kiến nghị", "kiến nghị, đề xuất", "kiến nghị", "đề xuất")}
_TASKS_PREFIX = "nhiệm vụ"
# the old placement of a tone mark on "oa", "oe", "uy" (hoà, khoẻ, thuỷ) -> the new one (hòa, khỏe, thủy)
_TONE = "([\u0300\u0301\u0309\u0303\u0323])"          # grave, acute, hook, tilde, dot below (NFD)
_OLD_TONE = re.compile("([oO])([aAeE])" + _TONE + "|([uU])([yY])" + _TONE)
_NUMBER = re.compile(r"^\s*(?:[0-9]+(?:\.[0-9]+)*[.)]?|[ivxlc]+[.)]|[a-zđ][.)])\s+", re.I)


def normal(text: str) -> str:
    """A heading's text as it is compared: NFC, lower case, one space, no leading number, no trailing
    colon or full stop, the new placement of tone marks."""
    decomposed = unicodedata.normalize("NFD", text)
    decomposed = _OLD_TONE.sub(lambda m: (m.group(1) + m.group(3) + m.group(2)) if m.group(1)
                               else (m.group(4) + m.group(6) + m.group(5)), decomposed)
    out = unicodedata.normalize("NFC", decomposed).casefold()
    out = _NUMBER.sub("", out)
    out = re.sub(r"\s+", " ", out).strip().rstrip(":.").strip()
    return out


def _area_names() -> dict[str, str]:
    names = {}
    for code, area in AREAS.items():
        part = DIRECTION if code == "chi_dao_dieu_hanh" else AREA_PREFIX + code
        for lang in ("vi", "en"):
            name = normal(area.name(lang))
            names[name] = part
            for prefix in ("cải cách ", "xây dựng và phát triển ", "xây dựng "):
                if name.startswith(prefix):
                    names[name[len(prefix):]] = part
    return names


def part_of(heading: str):
    """The part a heading feeds (:data:`DIRECTION` …, ``area:<code>``), or ``None``."""
    text = normal(heading)
    for part, names in _FIXED.items():
        if text in names:
            return part
    if text.startswith(_TASKS_PREFIX):
        return TASKS
    return _area_names().get(text)


@dataclass
class Section:
    """One section of a note: its heading, the line the heading is on, its body (Markdown) and the
    line the body starts on."""
    heading: str
    line: int
    body: str
    body_line: int


@dataclass
class Parts:
    """``{part: [Section]}`` in the note's order, and the sections that feed no part."""
    parts: dict = field(default_factory=dict)
    unused: list = field(default_factory=list)

    def get(self, part: str) -> list[Section]:
        return self.parts.get(part, [])


def split(text: str | None) -> Parts:
    """A note's sections by part. A section's sub-headings stay in its body (a deeper heading that
    names a part of its own opens that part instead)."""
    out = Parts()
    if not text:
        return out
    lines = text.split("\n")
    tokens = parser().parse(text)
    heads = [(tok.map[0], int(tok.tag[1]), inline.content) for tok, inline in zip(tokens, tokens[1:])
             if tok.type == "heading_open" and tok.map]
    opened = [(start, level, title, part_of(title)) for start, level, title in heads]
    for i, (start, level, title, part) in enumerate(opened):
        if part is None and _inside_a_part(opened[:i], level):
            continue                        # a sub-heading of a part stays in it
        end = next((s for s, lv, _t, p in opened[i + 1:] if lv <= level or p is not None), len(lines))
        section = Section(title, start + 1, "\n".join(lines[start + 1:end]).rstrip("\n"), start + 2)
        if part is None and section.body.strip():
            out.unused.append(section)
        elif part is None:
            continue                        # a title over the parts, with no text of its own
        else:
            out.parts.setdefault(part, []).append(section)
    return out


def _inside_a_part(before: list, level: int) -> bool:
    """Whether a heading of ``level`` after the headings ``before`` lies under one that feeds a part."""
    for _start, lv, _title, part in reversed(before):
        if lv < level:
            if part is not None:
                return True
            level = lv
    return False


@functools.cache
def parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table")
