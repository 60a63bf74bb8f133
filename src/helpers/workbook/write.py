"""Writing the entry workbook (``cchc-report template PERIOD``): the area sheets with their input
cells, validations and last month's figures, the instruction sheet and the hidden ``_cchc`` sheet
that records the layout (see :mod:`helpers.workbook.layout`)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from .. import clock, fmt
from ..catalogue import AREAS, SHEET_ORDER
from ..errors import ParameterError
from ..periods import Period
from ..text import t
from ..values import INTEGER_UNITS
from .guide import write_instructions, write_unit_instructions
from .identity import Issue, identity_rows, layout_of
from .layout import (
    CADENCES,
    CODE_COL,
    FIRST_DATA_ROW,
    FIRST_UNIT_COL,
    FORMAT_NAME,
    FORMAT_VERSION,
    HEADER_FILL,
    HEADER_ROW,
    INPUT_FILL,
    LEGEND_ROW,
    LOCKED_FILL,
    META_SHEET,
    NAME_COL,
    NAME_ROW,
    TITLE_ROW,
    UNITS_OF_MEASURE,
    UOM_COL,
    accepts,
    input_indicators,
    month_period,
    sheet_name,
    texts,
    workbook_units,
)


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
                         lang: str = "vi", commands: dict | None = None, issue: Issue | None = None) -> Path:
    """Write the entry workbook for month ``period`` to ``path`` (atomically) and return it.

    ``previous`` maps ``(unit_code, indicator_code)`` to last month's value (see
    :func:`previous_values`); each is shown as a comment on its cell. ``unit`` limits the
    columns to that unit and its children. ``commands``: what the instruction sheet names,
    as the user typed it (``file``, and the arguments of ``validate``, ``run`` and ``template``);
    by default ``data/periods/<month>.xlsx``, ``--period <month>`` and ``<month> --force``.
    ``issue`` (``collect``): a unit's own workbook, one column (``issue.unit``), its instruction
    sheet, and its signed identity in ``_cchc`` (see :mod:`.identity`).
    """
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.protection import SheetProtection

    lang = "en" if lang == "en" else "vi"
    p = month_period(period)
    cols = workbook_units(units, p, unit) if issue is None else _own_column(units, p, issue.unit)
    wb = Workbook()
    guide = wb.active
    guide.title = t(lang, "workbook.instructions_sheet")
    sheets = _AreaSheets(wb, p, cols, previous or {}, lang, taken={guide.title.lower(), META_SHEET})
    for area, indicators in _areas(catalogue, cols):
        sheets.write(area, indicators)
    named = [(n, (AREAS[a].name(lang) if a in AREAS else a)) for n, a, _, _ in sheets.layout]
    if issue is None:
        write_instructions(guide, p, named, cols, unit, units, lang, commands)
    else:
        write_unit_instructions(guide, p, named, cols[0], issue, lang)
    guide.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False)
    _write_meta(wb, p, unit if issue is None else issue.unit, lang, guide.title, sheets, issue)
    wb.active = 0
    wb.security = WorkbookProtection(lockStructure=True)
    wb.properties.title = sheets.T["title"].format(period=p.label(lang), area="").rstrip(" —")
    wb.properties.creator = "cchc-report"
    _texts_as_text(wb)
    from ..files import replacing
    path = Path(path)
    with replacing(path) as tmp:             # whole or not at all, with ordinary permissions
        wb.save(tmp)
    return path


def _own_column(units, p: Period, code: str) -> list:
    """The one column of a unit's own workbook: the version of ``code`` valid in the month."""
    version = units.get(str(code), p.code)
    if version is None:
        raise ParameterError("error.collect.unit_not_active", unit_code=str(code), period=p.code)
    return [version]


def _areas(catalogue, cols) -> list[tuple[str, list]]:
    """``(area, input indicators)`` of the areas with something to enter for ``cols``, in sheet order."""
    by_area: dict[str, list] = {}
    for ind in input_indicators(catalogue):
        if any(accepts(ind, u) for u in cols):
            by_area.setdefault(ind.area, []).append(ind)
    order = [a for a in SHEET_ORDER if a in by_area] + [a for a in by_area if a not in SHEET_ORDER]
    return [(area, by_area[area]) for area in order]


class _Styles:
    """The cell styles of the area sheets (openpyxl objects, made once per workbook)."""

    def __init__(self):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
        thin = Side(style="thin", color="A6A6A6")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.input_fill = PatternFill("solid", fgColor=INPUT_FILL)
        self.locked_fill = PatternFill("solid", fgColor=LOCKED_FILL)
        self.header_fill = PatternFill("solid", fgColor=HEADER_FILL)
        self.bold = Font(bold=True)
        self.wrap_top = Alignment(wrap_text=True, vertical="top")
        self.center_wrap = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.unlocked = Protection(locked=False)


class _AreaSheets:
    """Writes one sheet per reform area and records where everything went, for ``_cchc``."""

    def __init__(self, wb, p: Period, cols: list, previous: dict, lang: str, taken: set):
        self.wb, self.p, self.cols, self.previous, self.lang, self.taken = wb, p, cols, previous, lang, taken
        self.T, self.S = texts(lang), _Styles()
        self.prev_label = p.previous().short_label(lang)
        self.layout = []            # (sheet, area, last_row, last_col)
        self.unit_cells = []        # (sheet, cell, unit code)
        self.code_cells = []        # (sheet, cell, indicator code)

    def write(self, area: str, indicators: list) -> None:
        from openpyxl.worksheet.protection import SheetProtection
        name = sheet_name(area, self.lang, self.taken)
        ws = self.wb.create_sheet(name)
        self._header(ws, area)
        validated: dict[tuple, list] = {}    # (kind, min, max) -> [(column, row)], as ranges below
        for row, ind in enumerate(indicators, start=FIRST_DATA_ROW):
            self._indicator_row(ws, row, ind, validated)
        for (kind, low, high), cells in validated.items():
            dv = _validation(kind, self.T, low, high)
            for rng in _ranges(cells):
                dv.add(rng)
            ws.add_data_validation(dv)
        self._page(ws)
        ws.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False,
                                        selectLockedCells=False, selectUnlockedCells=False)
        self.layout.append((name, area, FIRST_DATA_ROW + len(indicators) - 1, FIRST_UNIT_COL + len(self.cols) - 1))

    def _header(self, ws, area: str) -> None:
        from openpyxl.styles import Alignment, Font
        T, S, lang = self.T, self.S, self.lang
        area_name = AREAS[area].name(lang) if area in AREAS else area
        ws.cell(TITLE_ROW, 1, T["title"].format(period=self.p.label(lang), area=area_name)).font = \
            Font(bold=True, size=13)
        ws.cell(LEGEND_ROW, 1, T["legend"]).font = Font(italic=True, size=9, color="595959")
        ws.cell(NAME_ROW, NAME_COL, T["units_label"]).alignment = Alignment(horizontal="right", vertical="center")
        for col, label in ((CODE_COL, T["code"]), (NAME_COL, T["name"]), (UOM_COL, T["uom"])):
            c = ws.cell(HEADER_ROW, col, label)
            c.font, c.fill, c.border, c.alignment = S.bold, S.header_fill, S.border, S.center_wrap
        for j, u in enumerate(self.cols):
            col = FIRST_UNIT_COL + j
            c = ws.cell(NAME_ROW, col, u.name(lang))
            c.font, c.fill, c.border, c.alignment = S.bold, S.header_fill, S.border, S.center_wrap
            c = ws.cell(HEADER_ROW, col, str(u.code))       # text, keeps leading zeros
            c.number_format = "@"
            c.font, c.fill, c.border = Font(bold=True, color="1F4E79"), S.header_fill, S.border
            c.alignment = Alignment(horizontal="center")
            self.unit_cells.append((ws.title, c.coordinate, str(u.code)))

    def _indicator_row(self, ws, row: int, ind, validated: dict) -> None:
        from openpyxl.styles import Alignment, Font
        S, lang = self.S, self.lang
        c = ws.cell(row, CODE_COL, ind.code)
        c.font, c.border = Font(color="595959", size=9), S.border
        self.code_cells.append((ws.title, c.coordinate, ind.code))
        label = ind.name(lang)
        cad = t(lang, CADENCES[ind.cadence]) if ind.cadence in CADENCES else None
        if cad:
            label = f"{label} {cad}"
        c = ws.cell(row, NAME_COL, label)
        c.border, c.alignment = S.border, S.wrap_top
        c = ws.cell(row, UOM_COL, t(lang, f"workbook.uom.{ind.unit}") if ind.unit in UNITS_OF_MEASURE else ind.unit)
        c.border, c.alignment = S.border, Alignment(horizontal="center", vertical="top")
        kind = ind.unit if ind.unit in ("rank", "vnd") else ("whole" if ind.unit in INTEGER_UNITS else "decimal")
        numfmt = _number_format(ind)
        for j, u in enumerate(self.cols):
            c = ws.cell(row, FIRST_UNIT_COL + j)
            c.border = S.border
            if accepts(ind, u):
                c.fill, c.protection, c.number_format = S.input_fill, S.unlocked, numfmt
                validated.setdefault((kind, *ind.valid_range), []).append((FIRST_UNIT_COL + j, row))
            else:
                c.fill = S.locked_fill
            before = self.previous.get((str(u.code), ind.code))
            if before is not None:
                self._comment(c, before, ind)

    def _comment(self, c, before, ind) -> None:
        from openpyxl.comments import Comment
        comment = Comment(_previous_text(before, ind, self.lang, self.prev_label), "cchc-report")
        comment.width, comment.height = 220, 40
        c.comment = comment

    def _page(self, ws) -> None:
        from openpyxl.utils import get_column_letter
        ws.column_dimensions["A"].width = 34
        ws.column_dimensions["B"].width = 58
        ws.column_dimensions["C"].width = 11
        for j in range(len(self.cols)):
            ws.column_dimensions[get_column_letter(FIRST_UNIT_COL + j)].width = 14
        ws.row_dimensions[NAME_ROW].height = 48
        ws.row_dimensions[LEGEND_ROW].height = 15
        ws.freeze_panes = ws.cell(FIRST_DATA_ROW, FIRST_UNIT_COL)
        ws.print_title_rows = f"{NAME_ROW}:{HEADER_ROW}"
        ws.print_title_cols = "A:C"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4


def _write_meta(wb, p: Period, unit, lang: str, instructions_sheet: str, sheets: _AreaSheets,
                issue: Issue | None = None) -> None:
    """The hidden ``_cchc`` sheet: the format, the month, where each sheet's table and codes are, and
    (a collected workbook) its identity, signed over the layout."""
    from openpyxl.worksheet.protection import SheetProtection
    meta = wb.create_sheet(META_SHEET)
    head = [[FORMAT_NAME, FORMAT_VERSION], ["period", p.code],
            ["generated_at", clock.now().astimezone().isoformat(timespec="seconds")],
            ["scope_unit", "" if unit is None else str(unit)], ["lang", lang],
            ["instructions_sheet", instructions_sheet]]
    layout = _layout_rows(sheets)
    if issue is not None:
        head += identity_rows(issue, p.code, layout_of(layout))
    for row in head + [[]] + layout:
        meta.append(row)
    for r in meta.iter_rows():
        for c in r:
            c.number_format = "@"
    meta.sheet_state = "hidden"
    meta.protection = SheetProtection(sheet=True)


def _layout_rows(sheets: _AreaSheets) -> list[list]:
    """The ``[sheets]`` and ``[cells]`` sections of ``_cchc``."""
    from openpyxl.utils import get_column_letter
    rows = [["[sheets]"], ["sheet", "area", "header_row", "first_data_row", "last_data_row", "code_column",
                           "first_unit_column", "last_unit_column"]]
    for name, area, last_row, last_col in sheets.layout:
        rows.append([name, area, HEADER_ROW, FIRST_DATA_ROW, last_row, get_column_letter(CODE_COL),
                     get_column_letter(FIRST_UNIT_COL), get_column_letter(last_col)])
    rows += [[], ["[cells]"], ["sheet", "cell", "kind", "code"]]
    rows += [[name, cell, "unit", code] for name, cell, code in sheets.unit_cells]
    rows += [[name, cell, "indicator", code] for name, cell, code in sheets.code_cells]
    return rows


def _texts_as_text(wb) -> None:
    """Every text cell holds its letters, never a formula: openpyxl makes a string that starts with ``=``
    a formula, so a unit or indicator name such as ``=HYPERLINK("http://…"&D5, …)`` from units.csv or
    indicators.csv would run in Excel. The entry workbook writes no formulas."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    c.data_type = "s"
