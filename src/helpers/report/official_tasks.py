"""Part IV of the official report, "Nhiệm vụ trọng tâm kỳ tới": the tasks the notes give
(:mod:`helpers.tasks`), or — where the notes give no task with a lead unit — one proposed task per
indicator behind or short of its target, led by the unit ``responsibilities.csv`` names
(:mod:`helpers.responsibilities`), due at the end of the next period, and marked for the analyst to
confirm or delete."""

from __future__ import annotations

import calendar
import datetime as dt

from .. import blocks, fmt, responsibilities, tasks
from ..figures import BEHIND, Figure
from ..text import t
from .display import show, target_text
from .leadership import status_shown, value_shown
from .official_text import lower_first

LINES = {(False, False): "official.task.line", (True, False): "official.task.line_lead",
         (False, True): "official.task.line_deadline", (True, True): "official.task.line_lead_deadline"}


def next_period_end(period) -> dt.date:
    """The last day of the period that follows ``period`` (of the same length)."""
    month = period.last + period.length
    year = period.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def given_tasks(r, sections) -> tuple[list[tasks.Task], list]:
    """The tasks of the notes' "Nhiệm vụ …" sections and the warnings about them."""
    month = r.period.end.code
    within = [r.unit, *(u.code for u in r.ds.units.descendants(r.unit, month))]
    where = dict(file=r._official_note.source, period=r.period.code)
    out, found = [], []
    for s in sections:
        parsed, problems = tasks.parse(s.body, s.body_line, r.ds.units, month=month, within=within,
                                       where=where, lang=r.lang)
        out += parsed
        found += problems
    return out, found


def proposed_tasks(r, behind: list[Figure]) -> list[tasks.Task]:
    """One task per figure behind or short of its target, led by its responsible unit (the report's own
    unit when that unit is not one of its own), due at the end of the next period."""
    L, month = r.lang, r.period.end.code
    table = responsibilities.shipped() | r.ds.responsibilities
    mine = {r.unit, *(u.code for u in r.ds.units.descendants(r.unit, month))}
    due = next_period_end(r.period)
    out = []
    for f in behind:
        lead = responsibilities.lead_of(f.code, table, r.ds.units, r.unit, month)
        lead = lead if lead in mine else r.unit
        ind = f.indicator
        key = "official.task.speed_up" if status_shown(f, r.shows_ytd) == BEHIND else "official.task.improve"
        text = t(L, key, name=lower_first(ind.name(L)), value=show(value_shown(f, r.shows_ytd), ind, L),
                 target=target_text(f, L, False), pace=show(f.pace, ind, L) if f.pace is not None else "")
        out.append(tasks.Task(text, r.ds.units.name(lead, L, month), lead, due, proposed=True))
    return out


def task_line(number: int, task: tasks.Task, lang: str) -> str:
    """``1. <task>. Chủ trì: Sở Nội vụ; thời hạn: 30/11/2026.`` (and the mark of a proposed task)."""
    deadline = fmt.date(task.deadline, lang) if task.deadline else task.deadline_text
    key = LINES[(bool(task.lead), bool(deadline))]
    text = t(lang, key, n=number, task=task.text.rstrip("."), lead=task.lead or "", deadline=deadline or "")
    return f"{text} {t(lang, 'official.task.proposed_mark')}" if task.proposed else text


def task_blocks(r, sections, behind: list[Figure]) -> tuple[list[blocks.Block], list]:
    """The part's paragraphs, and the warnings about the notes' task lines."""
    given, found = given_tasks(r, sections)
    listed = given if any(task.lead for task in given) else given + proposed_tasks(r, behind)
    if not listed:
        return [blocks.Paragraph(t(r.lang, "official.no_tasks"), "muted")], found
    return [blocks.Paragraph(task_line(n, task, r.lang)) for n, task in enumerate(listed, start=1)], found
