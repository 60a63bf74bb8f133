"""The Excel entry workbook: written by ``cchc-report template PERIOD`` for analysts to
fill, read back by :mod:`helpers.load` into the same rows as a long-form CSV.

Layout (one workbook per month):

- ``Hướng dẫn``: what to fill and the number rules, in Vietnamese (English with ``lang="en"``).
- One sheet per reform area (``TTHC``, ``Chính phủ số``, ``Đề án 06``, ``Chỉ đạo điều hành``,
  ``Thể chế``, ``Bộ máy``, ``Công vụ``, ``Tài chính công``), only for areas with something to
  enter. Row 1 title, row 2 legend, row 3 unit names, row 4 unit codes (text: ``080`` stays
  ``080``); from row 5 one row per *input* indicator (aggregation ``sum``/``last``): column A the
  code, B the name, C the unit of measure, then one column per reporting unit.
  Input cells (the unit's level is in the indicator's ``levels``) are light yellow, unlocked and
  validated by the catalogue's valid range (shares 0–100; whole for counts, >= 1 for ranks; đồng
  amounts get a decimal rule with a whole-number message, see ``_validation``); other cells are
  grey and locked. Sheets are protected without a password, the workbook structure too (no renaming
  or moving sheets by accident). Last month's value is a cell comment on that cell.
- ``_cchc`` (hidden): format version, period, generation time and the layout (for each area sheet
  the header row, first/last data row, code column, unit columns, and every expected code cell),
  so that the reader can tell a re-arranged workbook from a filled one.
"""

from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from pathlib import Path

from . import clock, fmt
from .catalogue import AREAS, SHEET_ORDER
from .findings import ERROR, Finding
from .periods import Period, month_of_file
from .text import LANG, Msg, PerLanguage, t

FORMAT_NAME = "cchc_entry_workbook"
FORMAT_VERSION = 1
META_SHEET = "_cchc"

UNITS_OF_MEASURE = ("count", "percent", "points", "rank", "vnd")      # workbook.uom.<unit> in the catalogue
CADENCES = {"quarterly": "workbook.cadence.quarterly", "annual": "workbook.cadence.annual",
            "yearly": "workbook.cadence.annual"}
INTEGER_UNITS = {"count", "vnd", "rank"}
_CODE_LIKE = re.compile(r"^[a-z0-9_]+$")

TITLE_ROW, LEGEND_ROW, NAME_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3, 4, 5
CODE_COL, NAME_COL, UOM_COL, FIRST_UNIT_COL = 1, 2, 3, 4

INPUT_FILL = "FFF2CC"      # light yellow
LOCKED_FILL = "D9D9D9"     # grey
HEADER_FILL = "DDEBF7"     # light blue

_TEXT_KEYS = ("title", "legend", "code", "name", "uom", "units_label", "previous", "err_title", "err_whole",
              "err_rank", "err_vnd", "err_decimal", "err_range")      # workbook.<key> in the catalogue


def _texts(lang: str) -> dict:
    """The entry workbook's wording in ``lang`` (``workbook.*`` in the catalogue)."""
    return {**{k: t(lang, f"workbook.{k}") for k in _TEXT_KEYS}, "lang": lang}


# =====================================================================================
# writing
# =====================================================================================
def _period(period) -> Period:
    p = Period.parse(period)
    if p.kind != "month":
        from .errors import ParameterError
        raise ParameterError("error.workbook.needs_month", code=p.code)
    return p


def _month_bounds(p: Period):
    first = _dt.date(p.year, p.first, 1)
    nxt = _dt.date(p.year + (p.last == 12), p.last % 12 + 1, 1)
    return first, nxt - _dt.timedelta(days=1)


def _valid_in(u, first: _dt.date, last: _dt.date) -> bool:
    if u.valid_from is not None and u.valid_from > last:
        return False
    return u.valid_to is None or u.valid_to >= first


def workbook_units(units, period, unit: str | None = None) -> list:
    """The units that get a column: all units (file order), or ``unit`` and its children;
    only units that exist during the month (``valid_from``/``valid_to``)."""
    from .errors import ParameterError
    p = _period(period)
    first, last = _month_bounds(p)
    if unit is None:
        chosen = list(units)
    else:
        if str(unit) not in units:
            raise ParameterError("error.workbook.unknown_unit", unit_code=str(unit))
        month = p.end.code                  # the version of the unit (and its children) in the month
        chosen = [units.get(str(unit), month) or units[str(unit)]] + list(units.children(str(unit), month))
    out = [u for u in chosen if _valid_in(u, first, last)]
    if not out:
        raise ParameterError("error.workbook.no_active_units", period=PerLanguage(p.label, LANG))
    return out


def input_indicators(catalogue) -> list:
    """Indicators whose monthly figures are entered (``sum``/``last``), not computed ratios."""
    return [i for i in catalogue if i.aggregation in ("sum", "last")]


def _accepts(indicator, unit) -> bool:
    return not indicator.levels or unit.level in indicator.levels


def _sheet_name(area: str, lang: str, taken: set) -> str:
    name = AREAS[area].sheet(lang) if area in AREAS else area
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    name = name[:31]
    base, n = name, 2
    while name.lower() in taken:
        name = f"{base[:28]} {n}"
        n += 1
    taken.add(name.lower())
    return name


def _previous_text(value, indicator, lang: str, label: str) -> str:
    d = Decimal(str(value))
    places = max(0, -d.normalize().as_tuple().exponent)
    shown = fmt.number(d, lang, places)
    suffix = {"percent": "%", "vnd": " " + t(lang, "workbook.uom.vnd"),
              "points": " " + t(lang, "workbook.uom.points")}.get(indicator.unit, "")
    return t(lang, "workbook.previous", period=label, value=shown + suffix)


def _number_format(indicator) -> str:
    if indicator.unit in ("count", "vnd"):
        return "#,##0"
    if indicator.unit == "rank":
        return "0"
    places = max(indicator.decimals, 0)
    return "0." + "0" * places if places else "0"


def _validation(kind: str, T: dict, low=None, high=None):
    """Excel data validation from the catalogue's valid range (``Indicator.valid_range``): whole
    numbers for counts and ranks, decimals otherwise; between ``low`` and ``high`` when both are set.
    Amounts in đồng get a decimal rule with the whole-number message: they exceed 2^31, beyond
    what some spreadsheet programs accept in a whole-number rule; the loader rejects fractions."""
    from openpyxl.worksheet.datavalidation import DataValidation
    low = Decimal(0) if low is None else low
    rule = "whole" if kind in ("whole", "rank") else "decimal"
    msg = {"whole": T["err_whole"], "rank": T["err_rank"], "vnd": T["err_vnd"]}.get(kind, T["err_decimal"])
    if high is None:
        dv = DataValidation(type=rule, operator="greaterThanOrEqual", formula1=_plain(low))
    else:
        dv = DataValidation(type=rule, operator="between", formula1=_plain(low), formula2=_plain(high))
        msg += " " + T["err_range"].format(low=fmt.number(low, T["lang"], _places(low)),
                                           high=fmt.number(high, T["lang"], _places(high)))
    dv.allow_blank = True
    dv.showErrorMessage = True
    dv.errorStyle = "stop"
    dv.errorTitle = T["err_title"]
    dv.error = msg
    return dv


def _plain(d: Decimal) -> str:
    return format(Decimal(d).normalize(), "f")


def _places(d: Decimal) -> int:
    return max(0, -Decimal(d).normalize().as_tuple().exponent)


def _ranges(cells) -> list[str]:
    """``[(4, 5), (4, 6), (5, 5)]`` -> ``["D5:D6", "E5"]`` (runs down each column)."""
    from openpyxl.utils import get_column_letter
    by_col: dict[int, list[int]] = {}
    for col, row in cells:
        by_col.setdefault(col, []).append(row)
    out = []
    for col in sorted(by_col):
        rows = sorted(set(by_col[col]))
        start = prev = rows[0]
        for r in rows[1:] + [None]:
            if r is not None and r == prev + 1:
                prev = r
                continue
            letter = get_column_letter(col)
            out.append(f"{letter}{start}" if start == prev else f"{letter}{start}:{letter}{prev}")
            if r is not None:
                start = prev = r
    return out


def write_entry_workbook(path, period, catalogue, units, *, unit=None, previous=None,
                         lang: str = "vi", commands: dict | None = None) -> Path:
    """Write the entry workbook for month ``period`` to ``path`` (atomically) and return it.

    ``previous`` maps ``(unit_code, indicator_code)`` to last month's value (see
    :func:`previous_values`); each is shown as a comment on its cell. ``unit`` limits the
    columns to that unit and its children. ``commands``: what the instruction sheet names,
    as the user typed it (``file``, and the arguments of ``validate``, ``run`` and ``template``);
    by default ``data/periods/<month>.xlsx``, ``--period <month>`` and ``<month> --force``.
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.protection import SheetProtection

    lang = "en" if lang == "en" else "vi"
    T = _texts(lang)
    p = _period(period)
    prev_label = p.previous().short_label(lang)
    cols = workbook_units(units, p, unit)
    previous = previous or {}
    path = Path(path)

    thin = Side(style="thin", color="A6A6A6")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    input_fill = PatternFill("solid", fgColor=INPUT_FILL)
    locked_fill = PatternFill("solid", fgColor=LOCKED_FILL)
    header_fill = PatternFill("solid", fgColor=HEADER_FILL)
    bold = Font(bold=True)
    wrap_top = Alignment(wrap_text=True, vertical="top")
    center_wrap = Alignment(horizontal="center", vertical="center", wrap_text=True)
    unlocked = Protection(locked=False)

    wb = Workbook()
    guide = wb.active
    guide.title = t(lang, "workbook.instructions_sheet")

    # -- area sheets ---------------------------------------------------------------------
    by_area: dict[str, list] = {}
    for ind in input_indicators(catalogue):
        if any(_accepts(ind, u) for u in cols):
            by_area.setdefault(ind.area, []).append(ind)
    order = [a for a in SHEET_ORDER if a in by_area] + [a for a in by_area if a not in SHEET_ORDER]
    taken = {guide.title.lower(), META_SHEET}
    layout = []            # (sheet, area, last_row, last_col)
    unit_cells = []        # (sheet, cell, unit code)
    code_cells = []        # (sheet, cell, indicator code)
    for area in order:
        inds = by_area[area]
        name = _sheet_name(area, lang, taken)
        ws = wb.create_sheet(name)
        area_name = AREAS[area].name(lang) if area in AREAS else area
        ws.cell(TITLE_ROW, 1, T["title"].format(period=p.label(lang), area=area_name)).font = Font(bold=True, size=13)
        ws.cell(LEGEND_ROW, 1, T["legend"]).font = Font(italic=True, size=9, color="595959")
        ws.cell(NAME_ROW, NAME_COL, T["units_label"]).alignment = Alignment(horizontal="right", vertical="center")
        for col, label in ((CODE_COL, T["code"]), (NAME_COL, T["name"]), (UOM_COL, T["uom"])):
            c = ws.cell(HEADER_ROW, col, label)
            c.font, c.fill, c.border, c.alignment = bold, header_fill, border, center_wrap
        for j, u in enumerate(cols):
            col = FIRST_UNIT_COL + j
            c = ws.cell(NAME_ROW, col, u.name(lang))
            c.font, c.fill, c.border, c.alignment = bold, header_fill, border, center_wrap
            c = ws.cell(HEADER_ROW, col, str(u.code))       # text, keeps leading zeros
            c.number_format = "@"
            c.font, c.fill, c.border = Font(bold=True, color="1F4E79"), header_fill, border
            c.alignment = Alignment(horizontal="center")
            unit_cells.append((name, c.coordinate, str(u.code)))

        validated: dict[tuple, list] = {}    # (kind, min, max) -> [(column, row)], as ranges below
        row = FIRST_DATA_ROW
        for ind in inds:
            c = ws.cell(row, CODE_COL, ind.code)
            c.font, c.border = Font(color="595959", size=9), border
            code_cells.append((name, c.coordinate, ind.code))
            label = ind.name(lang)
            cad = t(lang, CADENCES[ind.cadence]) if ind.cadence in CADENCES else None
            if cad:
                label = f"{label} {cad}"
            c = ws.cell(row, NAME_COL, label)
            c.border, c.alignment = border, wrap_top
            c = ws.cell(row, UOM_COL, t(lang, f"workbook.uom.{ind.unit}") if ind.unit in UNITS_OF_MEASURE else ind.unit)
            c.border, c.alignment = border, Alignment(horizontal="center", vertical="top")
            kind = ind.unit if ind.unit in ("rank", "vnd") else ("whole" if ind.unit in INTEGER_UNITS else "decimal")
            numfmt = _number_format(ind)
            for j, u in enumerate(cols):
                c = ws.cell(row, FIRST_UNIT_COL + j)
                c.border = border
                if _accepts(ind, u):
                    c.fill, c.protection, c.number_format = input_fill, unlocked, numfmt
                    validated.setdefault((kind, *ind.valid_range), []).append((FIRST_UNIT_COL + j, row))
                else:
                    c.fill = locked_fill
                before = previous.get((str(u.code), ind.code))
                if before is not None:
                    comment = Comment(_previous_text(before, ind, lang, prev_label), "cchc-report")
                    comment.width, comment.height = 220, 40
                    c.comment = comment
            row += 1
        last_row, last_col = row - 1, FIRST_UNIT_COL + len(cols) - 1
        for (kind, low, high), cells in validated.items():
            dv = _validation(kind, T, low, high)
            for rng in _ranges(cells):
                dv.add(rng)
            ws.add_data_validation(dv)

        ws.column_dimensions["A"].width = 34
        ws.column_dimensions["B"].width = 58
        ws.column_dimensions["C"].width = 11
        for j in range(len(cols)):
            ws.column_dimensions[get_column_letter(FIRST_UNIT_COL + j)].width = 14
        ws.row_dimensions[NAME_ROW].height = 48
        ws.row_dimensions[LEGEND_ROW].height = 15
        ws.freeze_panes = ws.cell(FIRST_DATA_ROW, FIRST_UNIT_COL)
        ws.print_title_rows = f"{NAME_ROW}:{HEADER_ROW}"
        ws.print_title_cols = "A:C"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False,
                                        selectLockedCells=False, selectUnlockedCells=False)
        layout.append((name, area, last_row, last_col))

    # -- instructions ------------------------------------------------------------------------
    _write_instructions(guide, p, [(n, (AREAS[a].name(lang) if a in AREAS else a)) for n, a, _, _ in layout],
                        cols, unit, units, lang, commands)
    guide.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False)

    # -- metadata ------------------------------------------------------------------------
    meta = wb.create_sheet(META_SHEET)
    meta.append([FORMAT_NAME, FORMAT_VERSION])
    meta.append(["period", p.code])
    meta.append(["generated_at", clock.now().astimezone().isoformat(timespec="seconds")])
    meta.append(["scope_unit", "" if unit is None else str(unit)])
    meta.append(["lang", lang])
    meta.append(["instructions_sheet", guide.title])
    meta.append([])
    meta.append(["[sheets]"])
    meta.append(["sheet", "area", "header_row", "first_data_row", "last_data_row", "code_column",
                 "first_unit_column", "last_unit_column"])
    for name, area, last_row, last_col in layout:
        meta.append([name, area, HEADER_ROW, FIRST_DATA_ROW, last_row, get_column_letter(CODE_COL),
                     get_column_letter(FIRST_UNIT_COL), get_column_letter(last_col)])
    meta.append([])
    meta.append(["[cells]"])
    meta.append(["sheet", "cell", "kind", "code"])
    for name, cell, code in unit_cells:
        meta.append([name, cell, "unit", code])
    for name, cell, code in code_cells:
        meta.append([name, cell, "indicator", code])
    for r in meta.iter_rows():
        for c in r:
            c.number_format = "@"
    meta.sheet_state = "hidden"
    meta.protection = SheetProtection(sheet=True)

    wb.active = 0
    wb.security = WorkbookProtection(lockStructure=True)
    wb.properties.title = T["title"].format(period=p.label(lang), area="").rstrip(" —")
    wb.properties.creator = "cchc-report"

    _texts_as_text(wb)
    from .files import replacing
    with replacing(path) as tmp:             # whole or not at all, with ordinary permissions
        wb.save(tmp)
    return path


def _texts_as_text(wb) -> None:
    """Every text cell holds its letters, never a formula: openpyxl makes a string that starts with ``=``
    a formula, so a unit or indicator name such as ``=HYPERLINK("http://…"&D5, …)`` from units.csv or
    indicators.csv would run in Excel. The entry workbook writes no formulas."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    c.data_type = "s"


GUIDE = (("h1", "workbook.guide.title"), ("", "workbook.guide.scope"), ("", "workbook.guide.save"), ("h2",
         "workbook.guide.h_what"), ("", "workbook.guide.sheets"), ("", "workbook.guide.rows"), ("",
         "workbook.guide.yellow"), ("", "workbook.guide.cadence"), ("", "workbook.guide.red"), ("h2",
         "workbook.guide.h_numbers"), ("", "workbook.guide.numbers_only"), ("", "workbook.guide.no_thousands"), ("",
         "workbook.guide.decimals"), ("", "workbook.guide.percent"), ("", "workbook.guide.whole"), ("",
         "workbook.guide.empty"), ("", "workbook.guide.paste"), ("h2", "workbook.guide.h_dont"), ("",
         "workbook.guide.dont"), ("", "workbook.guide.reuse"), ("h2", "workbook.guide.h_then"), ("",
         "workbook.guide.validate"), ("", "workbook.guide.run"))


def _write_instructions(ws, p: Period, sheets, cols, unit, units, lang: str, commands: dict | None = None) -> None:
    from openpyxl.styles import Alignment, Font

    code = p.code
    scope = (t(lang, "workbook.guide.scope_unit", name=units.name(unit, lang), unit=unit) if unit is not None
             else t(lang, "workbook.guide.scope_all"))
    values = dict(period=p.label(lang).upper(), scope=scope, n=len(cols), code=code,
                  sheets="; ".join(f"'{n}' = {full}" for n, full in sheets),
                  **{"file": f"data/periods/{code}.xlsx", "validate": f"--period {code}", "run": f"--period {code}",
                     "template": f"{code} --force", **(commands or {})})
    lines = [(style, t(lang, key, **values)) for style, key in GUIDE]
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


# =====================================================================================
# reading
# =====================================================================================
def _problem(shown, cell, msg: Msg):
    from .load import FileProblem
    return FileProblem(Finding(severity=ERROR, check="workbook_layout", msg=msg, file=shown, row=cell))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _redo(period_code) -> Msg:
    cmd = f"`cchc-report template {period_code} --force`" if period_code else "`cchc-report template YYYY-MM --force`"
    return Msg("finding.workbook.redo", cmd=cmd)


def _read_meta(wb, shown):
    from .load import bounded_rows
    ws = wb[META_SHEET]
    rows = [tuple(r) for r in bounded_rows(ws, max_col=12)]
    redo = _redo(None)
    bad = _problem(shown, f"{META_SHEET}!A1",
                   Msg("finding.workbook.layout_sheet_broken", meta_sheet=META_SHEET, redo=redo))
    if not rows or _text(rows[0][0] if rows[0] else None) != FORMAT_NAME:
        raise bad
    version = rows[0][1] if len(rows[0]) > 1 else None
    try:
        version = int(_text(version))
    except ValueError:
        raise bad from None
    if version > FORMAT_VERSION:
        raise _problem(shown, f"{META_SHEET}!B1",
                       Msg("finding.workbook.newer_format", version=version))
    meta = {"sheets": [], "cells": {}}
    section = None
    header = None
    for number, r in enumerate(rows[1:], start=2):
        r = [_text(v) for v in r]
        if not any(r):
            continue
        if r[0].startswith("["):
            section, header = r[0].strip("[]"), None
            continue
        if section is None:
            meta[r[0]] = r[1] if len(r) > 1 else ""
            continue
        if header is None:
            header = r
            continue
        field = _LayoutRecord(dict(zip(header, r)))
        try:
            if section == "sheets":
                meta["sheets"].append(_within_limits({
                    "sheet": field.text("sheet"), "area": field.rec.get("area", ""),
                    "header_row": field.row("header_row"), "first_data_row": field.row("first_data_row"),
                    "last_data_row": field.row("last_data_row"),
                    "code_column": field.column("code_column"),
                    "first_unit_column": field.column("first_unit_column"),
                    "last_unit_column": field.column("last_unit_column"),
                }))
            elif section == "cells":
                meta["cells"].setdefault(field.text("sheet"), []).append(
                    (field.cell("cell"), field.text("kind"), field.text("code")))
        except _BadLayout as exc:
            raise _layout_cell_broken(shown, header, number, exc.name, field.rec.get(exc.name),
                                      _redo(meta.get("period"))) from None
    if not meta["sheets"]:
        raise bad
    return meta


MAX_ROW, MAX_COLUMN = 1_048_576, 16_384           # Excel's own limits


class _BadLayout(Exception):
    """A field of the ``_cchc`` sheet that is missing or does not parse (its column name)."""

    def __init__(self, name: str):
        self.name = name


class _LayoutRecord:
    """One row of a ``_cchc`` section, read field by field: a row number, a column letter or a
    cell reference within Excel's limits, or a text; anything else is a :class:`_BadLayout`."""

    def __init__(self, rec: dict):
        self.rec = rec

    def text(self, name: str) -> str:
        if name not in self.rec:
            raise _BadLayout(name)
        return self.rec[name]

    def row(self, name: str) -> int:
        text = self.text(name)
        if not text.isdigit() or not 1 <= int(text) <= MAX_ROW:
            raise _BadLayout(name)
        return int(text)

    def column(self, name: str) -> int:
        index = _column_number(self.text(name))
        if index is None:
            raise _BadLayout(name)
        return index

    def cell(self, name: str) -> str:
        from openpyxl.utils.cell import coordinate_from_string
        from openpyxl.utils.exceptions import CellCoordinatesException
        text = self.text(name)
        try:
            letters, number = coordinate_from_string(text)
        except (CellCoordinatesException, ValueError):
            raise _BadLayout(name) from None
        if _column_number(letters) is None or not 1 <= number <= MAX_ROW:
            raise _BadLayout(name)
        return text


def _within_limits(spec: dict) -> dict:
    """A sheet's layout whose cells to read (:func:`_read_span`) stay within ``load.MAX_CELLS``."""
    from .load import MAX_CELLS
    (top, bottom), width = _read_span(spec)
    if (bottom - top + 1) * width > MAX_CELLS:
        raise _BadLayout("last_data_row" if bottom - top + 1 > width else "last_unit_column")
    return spec


def _read_span(spec: dict) -> tuple[tuple[int, int], int]:
    """``((first row, last row), columns)`` of a sheet that :class:`_SheetReader` reads: the table
    and two rows and three columns around it (to say where a moved code went)."""
    top = max(1, min(spec["header_row"], spec["first_data_row"]) - 2)
    return (top, spec["last_data_row"] + 2), max(spec["last_unit_column"], spec["code_column"]) + 3


def _column_number(letters: str):
    """The column number of ``A``…``XFD``, or None."""
    from openpyxl.utils import column_index_from_string
    try:
        index = column_index_from_string(letters)
    except ValueError:
        return None
    return index if 1 <= index <= MAX_COLUMN else None


def _layout_cell_broken(shown, header, number: int, name: str, value, redo: Msg):
    """The ``_cchc`` cell (or, for a column missing from its header, the header row) that is broken."""
    from openpyxl.utils import get_column_letter
    where = f"{META_SHEET}!{get_column_letter(header.index(name) + 1)}{number}" if name in header else \
        f"{META_SHEET}!{number}:{number}"
    shown_value = value if value is None or len(value) <= 40 else value[:39] + "…"
    return _problem(shown, where, Msg("finding.workbook.layout_cell_broken", meta_sheet=META_SHEET,
                                      value=shown_value or "", redo=redo))


def _check_period(meta, shown):
    wanted = meta.get("period") or ""
    named = month_of_file(Path(str(shown)).name)
    if not wanted or named is None or named.code == wanted:
        return
    made = Period.parse(wanted)
    raise _problem(
        shown, f"{META_SHEET}!B2",
        Msg("finding.workbook.other_month", made=PerLanguage(made.label, LANG),
            name=Path(str(shown)).name, named=PerLanguage(named.label, LANG), code=named.code,
            made_code=made.code))


def _percent_typed(cell) -> bool:
    """Excel turned ``90%`` typed into a cell into 0.9 with a % format: not a plain figure."""
    nf = getattr(cell, "number_format", None) or ""
    return isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool) and "%" in nf \
        and not nf.startswith('"') and '"%"' not in nf and "\\%" not in nf


def read_entry_workbook(wb, shown, catalogue, units, facts) -> list[tuple]:
    """Rows ``(row, unit, indicator, raw value, note, "Sheet!D7")`` of a filled entry workbook.

    Empty cells are skipped (not reported). Values are passed as they are (numbers, or text for
    the loader to reject with the cell reference). A workbook whose layout no longer matches its
    hidden ``_cchc`` sheet raises :class:`helpers.load.FileProblem` naming the sheet and cell.
    ``facts``: what ``helpers.load`` found streaming each sheet (merged cells, formulas without a value).
    """
    from .load import check_sheet, reading_sheet, sheet_facts
    with reading_sheet(META_SHEET, shown):
        meta = _read_meta(wb, shown)
    _check_period(meta, shown)
    redo = _redo(meta.get("period"))
    _check_sheets(wb, meta, shown, redo)
    out = []
    for spec in meta["sheets"]:
        ws = wb[spec["sheet"]]
        cells = meta["cells"].get(spec["sheet"], [])
        with reading_sheet(ws.title, shown):
            reader = _SheetReader(ws, spec, cells, shown, redo)
            check_sheet(ws, shown, sheet_facts(facts, ws), locate=reader.unit_and_indicator)
            out.extend(reader.rows())
    return out


def _check_sheets(wb, meta, shown, redo) -> None:
    present = list(wb.sheetnames)
    listed = [s for s in present if s != META_SHEET]
    expected = [s["sheet"] for s in meta["sheets"]]
    known = set(expected) | {META_SHEET, meta.get("instructions_sheet", "")}
    strangers = [s for s in present if s not in known]
    for name in expected:
        if name in present:
            continue
        if strangers:
            hint = Msg("finding.workbook.renamed_sheet", stranger=strangers[0], name=name, redo=redo)
        else:
            hint = redo
        raise _problem(shown, None, Msg("finding.workbook.missing_sheet", name=name,
                                        listed=", ".join(repr(s) for s in listed), hint=hint))


class _SheetReader:
    """One area sheet: check its code column and unit header against ``_cchc``, then read it."""

    def __init__(self, ws, spec, cells, shown, redo):
        from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
        self.name, self.spec, self.shown, self.redo = ws.title, spec, shown, redo
        (top, bottom), self.width = _read_span(spec)
        self.grid = {}
        for r, row in enumerate(ws.iter_rows(min_row=top, max_row=bottom, min_col=1, max_col=self.width),
                                start=top):
            self.grid[r] = list(row) + [None] * (self.width - len(row))
        self.codes, self.units = {}, {}     # (row, column) -> expected code
        for coord, kind, code in cells:
            letters, number = coordinate_from_string(coord)
            target = self.codes if kind == "indicator" else self.units
            target[(number, column_index_from_string(letters))] = code

    def cell(self, r, c):
        row = self.grid.get(r)
        return row[c - 1] if row is not None and 1 <= c <= self.width else None

    def text(self, r, c) -> str:
        return _text(getattr(self.cell(r, c), "value", None))

    def ref(self, r, c) -> str:
        from openpyxl.utils import get_column_letter
        return f"{self.name}!{get_column_letter(c)}{r}"

    def unit_and_indicator(self, cell: str) -> tuple:
        """``(unit, indicator)`` whose figure the cell ``E7`` holds (None outside the figures)."""
        from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
        letters, r = coordinate_from_string(cell)
        return self.column_units().get(column_index_from_string(letters)), self.row_codes().get(r)

    def fail(self, r, c, problem: Msg, join="; "):
        return _problem(self.shown, self.ref(r, c), Msg("finding.workbook.then_redo", problem=problem, join=join,
                                                        redo=self.redo))

    # -- the indicator-code column ------------------------------------------------------
    def row_codes(self) -> dict:
        out, every = {}, set(self.codes.values())
        for (r, c), code in sorted(self.codes.items()):
            found = self.text(r, c)
            if found == code:
                out[r] = code
                continue
            here = self.ref(r, c)
            elsewhere = [k for k in range(1, self.width + 1) if k != c and self.text(r, k) == code]
            if elsewhere:
                there = self.ref(r, elsewhere[0])
                raise self.fail(r, c,
                                Msg("finding.workbook.indicator_column_moved", code=code, here=here, there=there))
            moved = [k for k in sorted(self.grid) if k != r and self.text(k, c) == code]
            if moved:
                there = self.ref(moved[0], c)
                raise self.fail(r, c,
                                Msg("finding.workbook.indicator_rows_moved", here=here, code=code,
                                    there=there))
            if found == "":
                raise self.fail(r, c,
                                Msg("finding.workbook.indicator_code_empty", here=here, code=code))
            if found in every:
                raise self.fail(r, c,
                                Msg("finding.workbook.indicator_rows_reordered", here=here, code=code,
                                    found=found))
            if not _CODE_LIKE.match(found):
                raise self.fail(r, c,
                                Msg("finding.workbook.indicator_column_gone", here=here, code=code,
                                    found=found))
            raise self.fail(r, c,
                            Msg("finding.workbook.indicator_code_edited", here=here, code=code, found=found),
                            join=" ")
        return out

    # -- the unit-code header row -------------------------------------------------------
    def column_units(self) -> dict:
        out, every = {}, set(self.units.values())
        for (r, c), code in sorted(self.units.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            found = self.text(r, c)
            if found == code:
                out[c] = code
                continue
            same_col = [k for k in sorted(self.grid) if k != r and self.text(k, c) == code]
            same_row = [k for k in range(1, self.width + 1) if k != c and self.text(r, k) == code]
            if same_col:
                why = Msg("finding.workbook.unit_code_row_moved", there=self.ref(same_col[0], c))
            elif same_row:
                why = Msg("finding.workbook.unit_code_column_moved", there=self.ref(r, same_row[0]))
            elif found == "":
                why = Msg("finding.workbook.unit_code_empty")
            elif found in every:
                why = Msg("finding.workbook.unit_code_other_column", found=found)
            else:
                out[c] = found      # an edited code: the loader names it if it is unknown
                continue
            here = self.ref(r, c)
            raise self.fail(r, c, Msg("finding.workbook.unit_code_moved", here=here, code=code, why=why))
        return out

    # -- the figures ----------------------------------------------------------------------
    def rows(self) -> list[tuple]:
        codes = self.row_codes()
        units = self.column_units()
        out = []
        for r in range(self.spec["first_data_row"], self.spec["last_data_row"] + 1):
            code = codes.get(r)
            if code is None:
                continue
            for c in range(self.spec["first_unit_column"], self.spec["last_unit_column"] + 1):
                unit = units.get(c)
                cell = self.cell(r, c)
                raw = getattr(cell, "value", None)
                if unit is None or raw is None or (isinstance(raw, str) and raw.strip() == ""):
                    continue
                if _percent_typed(cell):
                    raw = f"{Decimal(str(raw)) * 100:f}".rstrip("0").rstrip(".") + "%"
                out.append((r, unit, code, raw, None, self.ref(r, c)))
        return out


# =====================================================================================
# last month's figures
# =====================================================================================
def previous_values(ds, period) -> dict:
    """``{(unit, indicator): value}`` read for the month before ``period`` (before its first
    month, for a longer period); absent (not reported) figures are left out."""
    p = Period.parse(period)
    before = Period.month(p.year, p.first).previous().code
    return {(unit, code): rec.value for (month, unit, code), rec in ds.records.items()
            if month == before and rec.value is not None}
