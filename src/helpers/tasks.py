"""The next period's tasks (part IV of the official report), read from the analysts' notes.

Under a notes heading that starts with "Nhiệm vụ" (``## Nhiệm vụ tháng tới``), a list item in the form

    - <task> — chủ trì: <unit code or name>; thời hạn: dd/mm/yyyy

is a task with a lead unit and a deadline (the dash may be —, – or a spaced -; the words are matched
without regard to case or accents' encoding; ``thời hạn`` may be left out). The lead is a unit code
of ``units.csv`` or a unit's name (Vietnamese or English); the deadline a real date. A lead that
names no unit, a date that is not ``dd/mm/yyyy`` or not a day of the calendar, and an item that
says ``chủ trì:`` but is not in the form are WARNINGS naming the notes file and line (never errors:
the task is still listed, as written). Any other list item is a task without a lead or deadline."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .findings import WARNING, Finding
from .note_parts import normal
from .text import Msg

_FORM = re.compile(r"^(?P<task>.+?)\s+(?:—|–|-)\s+chủ\s*trì\s*:\s*(?P<lead>[^;]*?)\s*"
                   r"(?:;\s*thời\s*hạn\s*:\s*(?P<date>[^;]*?))?\s*[.;]?\s*$", re.I)
_SAYS_LEAD = re.compile(r"chủ\s*trì\s*:", re.I)           # "Sở X chủ trì rà soát …" is prose, not a task line
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,3}[.)])\s+(?P<text>.*\S)\s*$")


@dataclass
class Task:
    """One task: its text, its lead unit (``lead``: the unit's name as the document prints it, or the
    text as written when it names no unit; ``lead_code``: the unit's code), its deadline, the line of
    the notes file it comes from, and whether the document proposes it (no notes gave any)."""
    text: str
    lead: Optional[str] = None
    lead_code: Optional[str] = None
    deadline: Optional[dt.date] = None
    deadline_text: Optional[str] = None
    line: Optional[int] = None
    proposed: bool = False


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def parse_date(text: str) -> Optional[dt.date]:
    """``30/11/2026`` (or ``5/1/2027``) -> a date; anything else, or no such day -> ``None``."""
    m = _DATE.match(text.strip())
    if not m:
        return None
    day, month, year = (int(g) for g in m.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_unit(text: str, units, month: Optional[str] = None, within=()) -> Optional[str]:
    """The code of the unit ``text`` names: a code of ``units`` (any case), else a unit whose Vietnamese
    or English name it is (compared as :func:`helpers.note_parts.normal` does), preferring a unit
    that exists in ``month`` and then one in ``within`` (the report's unit and its sub-units)."""
    wanted = text.strip()
    if not wanted:
        return None
    by_code = {c.casefold(): c for c in units.codes}
    if wanted.casefold() in by_code:
        return by_code[wanted.casefold()]
    key = normal(wanted)
    named = sorted({u.code for u in units.all_versions()
                    if key in (normal(u.name_vi or ""), normal(u.name_en or ""))})
    if not named:
        return None
    now = [c for c in named if month is None or units.get(c, month) is not None] or named
    mine = [c for c in now if c in set(within)]
    return (mine or now)[0]


def parse_line(text: str, line: int, units, *, month=None, within=(), where=None, lang="vi"):
    """``(Task, [Finding])`` of one list item's text (without its bullet)."""
    text = _nfc(text).strip()
    where = dict(where or {}, row=line)
    m = _FORM.match(text)
    if not m:
        if _SAYS_LEAD.search(text):
            return Task(text, line=line), [Finding(WARNING, "note_task", Msg("finding.task.form", text=_short(text)),
                                                   **where)]
        return Task(text, line=line), []
    found = []
    lead_text = m.group("lead").strip()
    code = find_unit(lead_text, units, month, within)
    if code is None:
        found.append(Finding(WARNING, "note_task", Msg("finding.task.unknown_unit", lead=_short(lead_text)),
                             column="chủ trì", **where))
    date_text = (m.group("date") or "").strip()
    deadline = parse_date(date_text) if date_text else None
    if date_text and deadline is None:
        found.append(Finding(WARNING, "note_task", Msg("finding.task.bad_date", date=_short(date_text)),
                             column="thời hạn", **where))
    lead = units.name(code, lang, month) if code else lead_text
    return Task(m.group("task").strip().rstrip(".;"), lead or None, code, deadline, date_text or None, line), found


def parse(body: str, first_line: int, units, *, month=None, within=(), where=None,
          lang="vi") -> tuple[list[Task], list[Finding]]:
    """The tasks of a notes section's body (its first line is line ``first_line`` of the file): one per
    list item (an item's continuation lines joined to it), with the warnings about them."""
    tasks, found = [], []
    for text, line in _items(body, first_line):
        task, problems = parse_line(text, line, units, month=month, within=within, where=where, lang=lang)
        tasks.append(task)
        found += problems
    return tasks, found


def _items(body: str, first_line: int) -> list[tuple[str, int]]:
    """``(text, line)`` of each top-level list item; a paragraph outside a list is an item too."""
    items: list[list] = []
    current = None
    for offset, raw in enumerate(body.split("\n")):
        m = _ITEM.match(raw)
        if m:
            current = [m.group("text"), first_line + offset]
            items.append(current)
        elif not raw.strip() or raw.lstrip().startswith("#"):
            current = None                         # a blank line or a heading ends an item
        elif current is not None:
            current[0] += " " + raw.strip()        # an item's continuation line
        else:
            current = [raw.strip(), first_line + offset]
            items.append(current)
    return [(re.sub(r"\s+", " ", text), line) for text, line in items]


def _short(text: str, most: int = 80) -> str:
    return text if len(text) <= most else text[:most - 1] + "…"


def check_folder(data_dir, units, shown=None) -> list[Finding]:
    """The warnings about the task lines of every notes file of the data folder (what ``validate`` and a
    report's data-quality part list; the official report shows its own note's again)."""
    from . import note_parts, notes
    from .periods import Period
    out = []
    try:
        listed = notes.note_files(data_dir)
    except Exception:                     # notes.check_folder says why the folder cannot be listed
        return out
    for period, unit, path in listed:
        note = notes.read_note(path, Path(data_dir), period=period, unit=unit, shown=shown)
        if note.text is None or path.name.endswith(".en.md"):
            continue
        where = dict(file=shown(path) if shown else note.source, period=period, unit=unit)
        month = Period.parse(period).end.code
        for section in note_parts.split(note.text).get(note_parts.TASKS):
            out += parse(section.body, section.body_line, units, month=month, where=where)[1]
    return out
