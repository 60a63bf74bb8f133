"""The instruction sheet of an entry workbook: the analyst's (``template``: which file to save it as,
which commands follow) and a unit's (``collect``: whose it is, the data window, the deadline, and to
send it back)."""

from __future__ import annotations

from .. import fmt
from ..periods import Period
from ..text import t

_NUMBERS = (("h2", "workbook.guide.h_numbers"), ("", "workbook.guide.numbers_only"),
            ("", "workbook.guide.no_thousands"), ("", "workbook.guide.decimals"), ("", "workbook.guide.percent"),
            ("", "workbook.guide.whole"), ("", "workbook.guide.empty"), ("", "workbook.guide.paste"))

GUIDE = (("h1", "workbook.guide.title"), ("", "workbook.guide.scope"), ("", "workbook.guide.save"),
         ("h2", "workbook.guide.h_what"), ("", "workbook.guide.sheets"), ("", "workbook.guide.rows"),
         ("", "workbook.guide.yellow"), ("", "workbook.guide.cadence"), ("", "workbook.guide.red"), *_NUMBERS,
         ("h2", "workbook.guide.h_dont"), ("", "workbook.guide.dont"), ("", "workbook.guide.reuse"),
         ("h2", "workbook.guide.h_then"), ("", "workbook.guide.validate"), ("", "workbook.guide.run"))

UNIT_GUIDE = (("h1", "workbook.guide.title"), ("", "workbook.unit_guide.unit"), ("", "workbook.unit_guide.window"),
              ("", "workbook.unit_guide.deadline"), ("h2", "workbook.guide.h_what"), ("", "workbook.guide.sheets"),
              ("", "workbook.unit_guide.rows"), ("", "workbook.unit_guide.yellow"), ("", "workbook.guide.cadence"),
              ("", "workbook.guide.red"), *_NUMBERS, ("h2", "workbook.guide.h_dont"),
              ("", "workbook.unit_guide.dont"), ("", "workbook.unit_guide.own"), ("h2", "workbook.guide.h_then"),
              ("", "workbook.unit_guide.send"))


def write_instructions(ws, p: Period, sheets, cols, unit, units, lang: str, commands: dict | None = None) -> None:
    """The analyst's instruction sheet (``template``)."""
    code = p.code
    scope = (t(lang, "workbook.guide.scope_unit", name=units.name(unit, lang), unit=unit) if unit is not None
             else t(lang, "workbook.guide.scope_all"))
    values = dict(period=p.label(lang).upper(), scope=scope, n=len(cols), code=code,
                  sheets="; ".join(f"'{n}' = {full}" for n, full in sheets),
                  **{"file": f"data/periods/{code}.xlsx", "validate": f"--period {code}", "run": f"--period {code}",
                     "template": f"{code} --force", **(commands or {})})
    _lines(ws, [(style, t(lang, key, **values)) for style, key in GUIDE])


def write_unit_instructions(ws, p: Period, sheets, unit, issue, lang: str) -> None:
    """A unit's instruction sheet (``collect``): its name and code, the data window and the deadline."""
    start, end = issue.window
    values = dict(period=p.label(lang).upper(), name=unit.name(lang), unit=unit.code,
                  start=fmt.date(start, lang), end=fmt.date(end, lang), deadline=fmt.date(issue.deadline, lang),
                  sheets="; ".join(f"'{n}' = {full}" for n, full in sheets))
    _lines(ws, [(style, t(lang, key, **values)) for style, key in UNIT_GUIDE])


def _lines(ws, lines) -> None:
    from openpyxl.styles import Alignment, Font
    ws.column_dimensions["A"].width = 110
    for i, (style, text) in enumerate(lines, start=1):
        c = ws.cell(i, 1, text)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        if style == "h1":
            c.font = Font(bold=True, size=14, color="1F4E79")
        elif style == "h2":
            c.font = Font(bold=True, size=12, color="1F4E79")
        else:
            c.value = ("• " + text) if not text[:2].rstrip(".").isdigit() else text
            # rough row height for wrapped text (Excel does not auto-fit generated rows)
            ws.row_dimensions[i].height = 15 * (1 + len(text) // 120)
