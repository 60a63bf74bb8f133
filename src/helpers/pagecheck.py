"""The page checker: reads rendered reports (PDF and HTML, both languages) as a reader sees them and lists
what must not be on a page: words of another period, rounded-to-zero changes with a sign, technical words
on a leader's page, overlapping or clipped text, half-empty pages, and PDFs poppler complains about.

A test tool (``scripts/check_pages.py``, ``tests/test_pagecheck.py``): it needs pdfplumber (the ``test``
extra) and poppler's ``pdfinfo``/``pdftotext``; nothing in the report pipeline imports it.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from helpers.errors import ParameterError
from helpers.periods import Period

LEADER_REPORT = "progress_report"   # the leader's PDF; the data-quality report may show codes and paths
CHAPTER_HEADING_PT = 15.0           # the level-1 heading of templates/cchc_typst/cchc.typ (a chapter)


@dataclass(frozen=True)
class Problem:
    """One thing wrong on one page (``page`` is None for HTML, which has no pages)."""
    file: Path
    page: int | None
    kind: str
    detail: str

    def line(self) -> str:
        return f"{self.file}:{'-' if self.page is None else self.page}: {self.kind}: {self.detail}"


@dataclass(frozen=True)
class Rendered:
    """A rendered report file and what the rules need to know about it."""
    path: Path
    lang: str
    last_month: str | None   # "YYYY-MM", the period's last month; None when it cannot be told

    @property
    def report(self) -> str:
        return self.path.name.split(".")[0]

    @property
    def is_leaders_pdf(self) -> bool:
        return self.report == LEADER_REPORT and self.path.suffix == ".pdf"


def rendered(path: Path) -> Rendered:
    """The language from the file name (``<report>.en.pdf`` is English, else Vietnamese) and the period
    from metrics.json beside it, or from the folder name ``reports/<period>/<unit>/``."""
    lang = "en" if path.name.split(".")[1:-1] == ["en"] else "vi"
    return Rendered(path, lang, _last_month(path))


def _last_month(path: Path) -> str | None:
    metrics = path.parent / "metrics.json"
    candidates = [path.parent.parent.name]
    if metrics.is_file():
        try:
            candidates.insert(0, str(json.loads(metrics.read_text(encoding="utf-8")).get("period", "")))
        except (ValueError, OSError):
            pass
    for text in candidates:
        try:
            return Period.parse(text).end.code
        except ParameterError:
            continue
    return None


# -- the text rules (1-3): what may not be written --------------------------------------------------------
def _uppercase_letters() -> str:
    return "".join(c for c in map(chr, range(0x41, 0x1F00)) if c.isupper() and c.isalpha())


# "huyện Bát Xát" names a unit (before the merger); "huyện" alone is the level
_NOT_A_NAME = f"(?!\\s+[{re.escape(_uppercase_letters())}])"
_SNAKE_CASE = r"(?<![\w/.])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/=])"


@dataclass(frozen=True)
class TextRule:
    """A pattern that may not appear in a report's visible text: from ``from_month`` on (all periods when
    None), in every file or only on the leader's PDF."""
    kind: str
    pattern: str
    why: str
    from_month: str | None = None
    leaders_pdf_only: bool = False
    flags: int = re.IGNORECASE

    def applies_to(self, file: Rendered) -> bool:
        if self.leaders_pdf_only and not file.is_leaders_pdf:
            return False
        return self.from_month is None or (file.last_month is not None and file.last_month >= self.from_month)

    def findings(self, text: str) -> Counter:
        return Counter(m.group(0) for m in re.finditer(self.pattern, text, self.flags))


MERGER = "2025-07"   # districts and towns ended with the two-level local government of 1 July 2025
TEXT_RULES = [
    TextRule("period-word", r"\bthị\s+trấn\b", "no towns after 2025-07", MERGER),
    TextRule("period-word", r"\bcấp\s+huyện\b", "no district level after 2025-07", MERGER),
    TextRule("period-word", r"(?<!cấp )\bhuyện\b" + _NOT_A_NAME, "no district level after 2025-07", MERGER,
             flags=0),
    TextRule("period-word", r"\bdistrict[\s-]+level\b", "no district level after 2025-07", MERGER),
    TextRule("period-word", r"\btowns?\b", "no towns after 2025-07", MERGER),
    # helpers.fmt writes an exact zero "±0,00": only a sign that a rounded-away change kept is reported
    TextRule("signed-zero", r"(?<![\w.,])[−+-]0[.,]0+(?!\d)(?:\s*(?:điểm|points?|pp)\b)?",
             'a change that rounds to zero reads "không đổi" / "unchanged"', flags=0),
    TextRule("technical", _SNAKE_CASE, "an indicator code on a leader's page", leaders_pdf_only=True, flags=0),
    TextRule("technical", r"\bperiods/[^\s,;)]*|[\w./-]+\.(?:csv|xlsx)\b|\b(?:data_dir|period|unit)=[^\s,;)]*",
             "a file path or parameter on a leader's page", leaders_pdf_only=True),
]


def text_problems(file: Rendered, page: int | None, text: str) -> list[Problem]:
    """Rules 1-3 on one page's text (spaces and line breaks as one space)."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    problems = []
    for rule in TEXT_RULES:
        if not rule.applies_to(file):
            continue
        found = rule.findings(text)
        if found:
            problems.append(Problem(file.path, page, rule.kind, f"{_listed(found)} ({rule.why})"))
    return problems


def _listed(found: Counter, shown: int = 5) -> str:
    """'"−0,00 điểm" ×3, "+0,00"' — the first few in page order, then how many more."""
    items = [f'"{text}"' + (f" ×{n}" if n > 1 else "") for text, n in list(found.items())[:shown]]
    more = f" and {len(found) - shown} more" if len(found) > shown else ""
    return ", ".join(items) + more


def period_problem(file: Rendered) -> list[Problem]:
    """A report whose period cannot be told (the index of all periods has none to tell)."""
    if file.last_month is not None or file.report == "index":
        return []
    return [Problem(file.path, None, "no-period",
                    "the period is neither in metrics.json nor in the folder name: period words not checked")]


# -- HTML (rule 7) ----------------------------------------------------------------------------------------
_INVISIBLE = ["head", "script", "style", "noscript", "template"]


def visible_text(html: str) -> str:
    from bs4 import BeautifulSoup
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(_INVISIBLE):
        tag.decompose()
    for tag in soup.select("[hidden]"):
        tag.decompose()
    return soup.get_text(" ")


def check_html(path: Path) -> list[Problem]:
    file = rendered(path)
    text = visible_text(path.read_text(encoding="utf-8", errors="replace"))
    return period_problem(file) + text_problems(file, None, text)


# -- PDF validity (rule 6) --------------------------------------------------------------------------------
def poppler_errors(path: Path) -> list[Problem]:
    """Every stderr line of ``pdfinfo`` and ``pdftotext`` that says "Error" (each distinct line once)."""
    lines: dict[str, None] = {}
    for tool in (["pdfinfo", str(path)], ["pdftotext", str(path), "-"]):
        if shutil.which(tool[0]) is None:
            return [Problem(path, None, "invalid-pdf", f"{tool[0]} (poppler-utils) is not installed: not checked")]
        done = subprocess.run(tool, capture_output=True, text=True, errors="replace", timeout=120)
        lines.update(dict.fromkeys(line.strip() for line in done.stderr.splitlines() if "Error" in line))
    return [Problem(path, None, "invalid-pdf", f"poppler: {line}{POPPLER_QUIRKS.get(line, '')}") for line in lines]


# what poppler says of a valid file: still reported (a reader's viewer says it too), with the reason beside it
POPPLER_QUIRKS = {
    "Syntax Error: Suspects object is wrong type (boolean)":
        " (poppler's Catalog refuses the valid /MarkInfo /Suspects false that Typst writes; leaving the key"
        " out, its default, keeps poppler quiet: helpers.render.quiet_for_poppler does)",
}


# -- PDF layout (rules 4-5) -------------------------------------------------------------------------------
MIN_OVERLAP = 0.3     # of the narrower glyph's width: kerning overlaps by a few percent, a collision by far more
MIN_V_OVERLAP = 0.5   # of the shorter glyph's height: the lines above and below only touch
EDGE_TOLERANCE = 1.0  # points a glyph box may pass the page edge (rounding in the font's box)


def _glyphs(page) -> list[dict]:
    """The page's visible characters, without spaces and combining marks (a mark sits on its letter)."""
    return [c for c in page.chars
            if c["text"].strip() and not all(unicodedata.combining(ch) for ch in c["text"])
            and c["x1"] > c["x0"] and c["bottom"] > c["top"]]


KERNED_PUNCTUATION = set(".,:;")   # kerned under the letter before it ("V." in a bold serif): not a collision


def _kerned(a: dict, b: dict) -> bool:
    """``b`` a full stop or comma tucked under the end of the letter ``a`` on the same baseline."""
    first, second = (a, b) if a["x0"] <= b["x0"] else (b, a)
    return (second["text"] in KERNED_PUNCTUATION and abs(first["bottom"] - second["bottom"]) < 1
            and second["x0"] >= first["x0"] + 0.5 * (first["x1"] - first["x0"]))


def _collide(a: dict, b: dict) -> bool:
    if _kerned(a, b):
        return False
    width = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
    height = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return (width > MIN_OVERLAP * min(a["x1"] - a["x0"], b["x1"] - b["x0"])
            and height > MIN_V_OVERLAP * min(a["bottom"] - a["top"], b["bottom"] - b["top"]))


def _colliding_pairs(glyphs: list[dict]) -> list[tuple[dict, dict]]:
    """Pairs of glyphs drawn over each other (a sweep over the glyphs sorted by their left edge)."""
    pairs, active = [], []
    for glyph in sorted(glyphs, key=lambda c: c["x0"]):
        active = [other for other in active if other["x1"] > glyph["x0"]]
        pairs.extend((other, glyph) for other in active if _collide(other, glyph))
        active.append(glyph)
    return pairs


def _runs(chars: list[dict]) -> dict[int, str]:
    """Each character's run: the text drawn with it left to right on its line, in the order the page draws
    (so two runs drawn over each other stay apart, where a word extraction would interleave them)."""
    run_of, run = {}, []
    for char in chars + [None]:
        last = run[-1] if run else None
        if char is None or not char["text"].strip() or (last is not None and not _continues(last, char)):
            text = "".join(c["text"] for c in run)
            run_of.update((id(c), text) for c in run)
            run = []
        if char is not None and char["text"].strip():
            run.append(char)
    return run_of


def _continues(last: dict, char: dict) -> bool:
    return abs(char["top"] - last["top"]) < 1 and -1 < char["x0"] - last["x1"] < 1


def overlap_problems(path: Path, number: int, page) -> list[Problem]:
    run_of = _runs(page.chars)
    seen, problems = set(), []
    for a, b in _colliding_pairs(_glyphs(page)):
        names = tuple(sorted({run_of.get(id(a), a["text"]), run_of.get(id(b), b["text"])}))
        if names in seen:
            continue
        seen.add(names)
        where = f"at x={min(a['x0'], b['x0']):.0f}, y={min(a['top'], b['top']):.0f}"
        drawn = f'"{names[0]}" and "{names[1]}" overlap' if len(names) == 2 else f'"{names[0]}" overlaps itself'
        problems.append(Problem(path, number, "overlap", f"{drawn} {where}"))
    return problems


def outside_problems(path: Path, number: int, page) -> list[Problem]:
    x0, top, x1, bottom = page.bbox
    outside = [c for c in _glyphs(page) if c["x0"] < x0 - EDGE_TOLERANCE or c["x1"] > x1 + EDGE_TOLERANCE
               or c["top"] < top - EDGE_TOLERANCE or c["bottom"] > bottom + EDGE_TOLERANCE]
    if not outside:
        return []
    text = "".join(c["text"] for c in outside[:40])
    return [Problem(path, number, "clipped", f'{len(outside)} characters outside the page: "{text}"')]


@dataclass
class PageBody:
    """A page's text without its running header and footer, and how far down its content reaches."""
    number: int
    words: list[dict]
    graphics: list[dict]

    @property
    def top(self) -> float | None:
        return min((w["top"] for w in self.words), default=None)

    def first_line_size(self) -> float:
        top = self.top
        return max((w["size"] for w in self.words if w["top"] <= top + 2), default=0.0)

    def lowest(self, area_top: float) -> float:
        """The bottom of the lowest text, table rule, chart or image below the top of the text area."""
        bottoms = [w["bottom"] for w in self.words] + [g["bottom"] for g in self.graphics if g["top"] >= area_top - 2]
        return max(bottoms, default=area_top)


def _line_key(word: dict) -> tuple:
    return round(word["top"]), re.sub(r"\d+", "#", word["text"])


def page_bodies(pdf) -> list[PageBody]:
    """The pages without the words repeated at the same height on at least half the pages (running header,
    page numbers: "Trang 3/18" and "Trang 4/18" are one line)."""
    pages = [(p, p.extract_words(extra_attrs=["size"])) for p in pdf.pages]
    seen = Counter(key for _, words in pages for key in {_line_key(w) for w in words})
    repeated = {key for key, n in seen.items() if n >= 2 and n >= len(pages) / 2}
    return [PageBody(number, [w for w in words if _line_key(w) not in repeated],
                     [*page.rects, *page.lines, *page.curves, *page.images])
            for number, (page, words) in enumerate(pages, 1)]


def half_empty_problems(path: Path, bodies: list[PageBody]) -> list[Problem]:
    """A page whose content ends above the middle of the text area, when the next page does not begin a
    chapter and it is not the last page."""
    words = [w for body in bodies for w in body.words]
    if len(bodies) < 2 or not words:
        return []
    area_top, area_bottom = min(w["top"] for w in words), max(w["bottom"] for w in words)
    middle = (area_top + area_bottom) / 2
    chapter_pt = min(CHAPTER_HEADING_PT, max((w["size"] for body in bodies[1:] for w in body.words), default=0.0))
    problems = []
    for body, following in zip(bodies, bodies[1:]):
        lowest = body.lowest(area_top)
        if lowest >= middle or following.first_line_size() >= chapter_pt - 0.5:
            continue
        full = (lowest - area_top) / (area_bottom - area_top)
        problems.append(Problem(path, body.number, "half-empty",
                                f"content ends {full:.0%} down the text area and page {following.number} "
                                "does not begin a chapter"))
    return problems


def check_pdf(path: Path) -> list[Problem]:
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException
    file = rendered(path)
    problems = period_problem(file) + poppler_errors(path)
    try:
        problems += page_problems(file)
    except (PdfminerException, MalformedPDFException) as exc:
        problems.append(Problem(path, None, "invalid-pdf", f"pdfplumber cannot read it: {exc}"))
    return sorted(problems, key=lambda p: (p.page or 0, p.kind))


def page_problems(file: Rendered) -> list[Problem]:
    """Rules 1-5 on every page of a PDF."""
    import pdfplumber
    problems = []
    with pdfplumber.open(file.path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            problems += text_problems(file, number, page.extract_text() or "")
            problems += overlap_problems(file.path, number, page) + outside_problems(file.path, number, page)
        problems += half_empty_problems(file.path, page_bodies(pdf))
    return problems


# -- files and folders ------------------------------------------------------------------------------------
CHECKERS = {".pdf": check_pdf, ".html": check_html}


def report_files(paths) -> list[Path]:
    """The PDF and HTML files named, and those in the folders named (recursively, sorted)."""
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in CHECKERS and p.is_file())
        else:
            files.append(path)
    return files


def check(paths) -> list[Problem]:
    problems = []
    for path in report_files(paths):
        checker = CHECKERS.get(path.suffix)
        if checker is None or not path.is_file():
            problems.append(Problem(path, None, "not-checked", "not a PDF or HTML file"))
            continue
        problems += checker(path)
    return problems
