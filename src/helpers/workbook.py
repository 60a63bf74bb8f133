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

from . import fmt
from .catalogue import AREAS, SHEET_ORDER
from .findings import ERROR, Finding
from .text import LANG, Msg, PerLanguage, t
from .periods import Period, month_of_file

FORMAT_NAME = "cchc_entry_workbook"
FORMAT_VERSION = 1
META_SHEET = "_cchc"

INSTRUCTIONS_SHEET = {"vi": "Hướng dẫn", "en": "Instructions"}
UNIT_LABELS = {
    "vi": {"count": "số lượng", "percent": "%", "points": "điểm", "rank": "thứ hạng", "vnd": "đồng"},
    "en": {"count": "count", "percent": "%", "points": "points", "rank": "rank", "vnd": "VND"},
}
CADENCE_LABELS = {
    "vi": {"quarterly": "[hằng quý]", "annual": "[hằng năm]", "yearly": "[hằng năm]"},
    "en": {"quarterly": "[quarterly]", "annual": "[annual]", "yearly": "[annual]"},
}
INTEGER_UNITS = {"count", "vnd", "rank"}
_CODE_LIKE = re.compile(r"^[a-z0-9_]+$")

TITLE_ROW, LEGEND_ROW, NAME_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3, 4, 5
CODE_COL, NAME_COL, UOM_COL, FIRST_UNIT_COL = 1, 2, 3, 4

INPUT_FILL = "FFF2CC"      # light yellow
LOCKED_FILL = "D9D9D9"     # grey
HEADER_FILL = "DDEBF7"     # light blue

_TEXT = {
    "vi": {
        "title": "Số liệu CCHC {period} — {area}",
        "legend": "Ô nền vàng: nhập số liệu của đơn vị (chỉ ghi con số; để trống nếu chưa có số liệu — "
                  "khác với 0). Ô nền xám: đơn vị không báo cáo chỉ tiêu này. Ô có tam giác đỏ: "
                  "đưa chuột vào để xem số liệu tháng trước.",
        "code": "Mã chỉ tiêu", "name": "Tên chỉ tiêu", "uom": "Đơn vị tính",
        "units_label": "Tên đơn vị →", "previous": "Tháng trước ({period}): {value}",
        "err_title": "Giá trị không hợp lệ",
        "err_whole": "Chỉ ghi một số nguyên không âm, ví dụ 1989 (không gõ dấu chấm/phẩy hàng nghìn, "
                     "không ghi chữ). Để trống nếu chưa có số liệu.",
        "err_rank": "Chỉ ghi thứ hạng là số nguyên từ 1 trở lên, ví dụ 11. Để trống nếu chưa có số liệu.",
        "err_vnd": "Chỉ ghi số tiền bằng đồng: số nguyên không âm, đủ các chữ số, ví dụ 35000000000 "
                   "(không gõ dấu chấm/phẩy hàng nghìn). Để trống nếu chưa có số liệu.",
        "err_decimal": "Chỉ ghi một số không âm, ví dụ 90,35 (tỷ lệ % ghi số phần trăm, không gõ dấu %, "
                       "không ghi chữ). Để trống nếu chưa có số liệu.",
        "err_range": "Giá trị hợp lệ: từ {low} đến {high}.",
        "lang": "vi",
    },
    "en": {
        "title": "CCHC figures {period} — {area}",
        "legend": "Yellow cells: the unit's figure (numbers only; leave empty if not reported — which "
                  "is different from 0). Grey cells: the unit does not report this indicator. A red "
                  "corner: hover to see last month's figure.",
        "code": "Indicator code", "name": "Indicator", "uom": "Unit of measure",
        "units_label": "Unit name →", "previous": "Last month ({period}): {value}",
        "err_title": "Invalid value",
        "err_whole": "Enter a whole number >= 0, e.g. 1989 (no thousands separators, no text). "
                     "Leave empty if not reported.",
        "err_rank": "Enter a rank: a whole number >= 1, e.g. 11. Leave empty if not reported.",
        "err_vnd": "Enter the amount in VND: a whole number >= 0 in full, e.g. 35000000000 (no "
                   "thousands separators). Leave empty if not reported.",
        "err_decimal": "Enter a number >= 0, e.g. 90.35 (percentages as the percent figure, no % "
                       "sign, no text). Leave empty if not reported.",
        "err_range": "Valid values: {low} to {high}.",
        "lang": "en",
    },
}


# =====================================================================================
# writing
# =====================================================================================
def _period(period) -> Period:
    p = Period.parse(period)
    if p.kind != "month":
        from .errors import ParameterError
        raise ParameterError('error.workbook.needs_month', code=p.code)
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
            raise ParameterError('error.workbook.unknown_unit', unit_code=str(unit))
        month = p.end.code                  # the version of the unit (and its children) in the month
        chosen = [units.get(str(unit), month) or units[str(unit)]] + list(units.children(str(unit), month))
    out = [u for u in chosen if _valid_in(u, first, last)]
    if not out:
        raise ParameterError('error.workbook.no_active_units', p=PerLanguage(p.label, LANG))
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
    suffix = {"percent": "%", "vnd": " đồng" if lang != "en" else " VND",
              "points": " điểm" if lang != "en" else " points"}.get(indicator.unit, "")
    return _TEXT[lang]["previous"].format(period=label, value=shown + suffix)


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
                         lang: str = "vi") -> Path:
    """Write the entry workbook for month ``period`` to ``path`` (atomically) and return it.

    ``previous`` maps ``(unit_code, indicator_code)`` to last month's value (see
    :func:`previous_values`); each is shown as a comment on its cell. ``unit`` limits the
    columns to that unit and its children.
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.protection import SheetProtection

    lang = "en" if lang == "en" else "vi"
    T = _TEXT[lang]
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
    guide.title = INSTRUCTIONS_SHEET[lang]

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
            cad = CADENCE_LABELS[lang].get(ind.cadence)
            if cad:
                label = f"{label} {cad}"
            c = ws.cell(row, NAME_COL, label)
            c.border, c.alignment = border, wrap_top
            c = ws.cell(row, UOM_COL, UNIT_LABELS[lang].get(ind.unit, ind.unit))
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
                        cols, unit, units, lang)
    guide.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False)

    # -- metadata ------------------------------------------------------------------------
    meta = wb.create_sheet(META_SHEET)
    meta.append([FORMAT_NAME, FORMAT_VERSION])
    meta.append(["period", p.code])
    meta.append(["generated_at", _dt.datetime.now().astimezone().isoformat(timespec="seconds")])
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

    from .files import replacing
    with replacing(path) as tmp:             # whole or not at all, with ordinary permissions
        wb.save(tmp)
    return path


def _write_instructions(ws, p: Period, sheets, cols, unit, units, lang: str) -> None:
    from openpyxl.styles import Alignment, Font

    code = p.code
    if lang == "en":
        scope = (f"Units: {units.name(unit, 'en')} ({unit}) and the units under it"
                 if unit is not None else "Units: every unit in units.csv")
        lines = [
            ("h1", f"CCHC DATA ENTRY WORKBOOK — {p.label('en').upper()}"),
            ("", scope + f" ({len(cols)} columns)."),
            ("", f"Save this file as data/periods/{code}.xlsx (keep the name)."),
            ("h2", "What to fill"),
            ("", "Each sheet is one reform area: " + "; ".join(f"'{n}' = {full}" for n, full in sheets) + "."),
            ("", ("Each row is an indicator (column A its code, B its name, C its unit of measure); each "
                  "column from D is a unit (row 3 its name, row 4 its code).")),
            ("", "Type only into the yellow cells. Grey cells: that unit does not report the indicator."),
            ("", "Indicators marked [quarterly]/[annual]: fill only when there is a new figure."),
            ("", ("A red triangle in a cell's corner: hover to see last month's figure (for reference, "
                  "not to be re-typed).")),
            ("h2", "Numbers"),
            ("", "Numbers only: no words, units, % signs or remarks in a figure cell."),
            ("", "No thousands separators: type 1989; the cell shows 1,989 by itself."),
            ("", ("Decimals: type them with your computer's decimal separator (the cell's own number "
                  "format shows them). A figure that sits on the LEFT of its cell is text, not a number: "
                  "type it again.")),
            ("", "Percentages: the percent figure, 90.35 for 90.35% (not 0.9035, no % sign)."),
            ("", "Counts, amounts (VND, in full: 35 billion = 35000000000) and ranks: whole numbers >= 0."),
            ("", "EMPTY means not reported, which is different from 0. Type 0 only when the figure is 0."),
            ("", "Pasting from another file: use Paste Special → Values."),
            ("h2", "Do not"),
            ("", ("rename, delete or re-order sheets; insert, delete or move rows or columns; edit the "
                  "indicator codes (column A) or unit codes (row 4). Sheets are protected without a "
                  f"password to keep the layout; if it got broken, make a new one with "
                  f"`cchc-report template {code}` and copy the figures over (Paste Special → Values).")),
            ("", "re-use last month's file for this month: make a new template every month."),
            ("h2", "Then"),
            ("", (f"1. `cchc-report validate --period {code}` — checks the figures; every problem names "
                  "the sheet and cell (e.g. Procedures!D7).")),
            ("", f"2. `cchc-report run --period {code}` — makes the reports."),
        ]
    else:
        scope = (f"Đơn vị: {units.name(unit, 'vi')} ({unit}) và các đơn vị trực thuộc"
                 if unit is not None else "Đơn vị: tất cả đơn vị trong units.csv")
        lines = [
            ("h1", f"MẪU NHẬP SỐ LIỆU CẢI CÁCH HÀNH CHÍNH — {p.label('vi').upper()}"),
            ("", scope + f" ({len(cols)} cột đơn vị)."),
            ("", f"Lưu tệp này với tên data/periods/{code}.xlsx (giữ nguyên tên tệp)."),
            ("h2", "Nhập gì"),
            ("", ("Mỗi trang tính là một lĩnh vực CCHC: "
                  + "; ".join(f"'{n}' = {full}" for n, full in sheets) + ".")),
            ("", ("Mỗi dòng là một chỉ tiêu (cột A: mã, cột B: tên, cột C: đơn vị tính); mỗi cột từ cột D "
                  "là một đơn vị (dòng 3: tên đơn vị, dòng 4: mã đơn vị).")),
            ("", "Chỉ nhập vào ô nền vàng. Ô nền xám: đơn vị đó không báo cáo chỉ tiêu này."),
            ("", "Chỉ tiêu có ghi [hằng quý] hoặc [hằng năm]: chỉ nhập khi có số liệu mới của kỳ đó."),
            ("", ("Ô có tam giác đỏ ở góc: đưa chuột vào để xem số liệu tháng trước (chỉ để tham khảo, "
                  "không phải nhập lại).")),
            ("h2", "Quy tắc ghi số"),
            ("", "Chỉ ghi con số: không ghi chữ, đơn vị tính, dấu % hay ghi chú vào ô số liệu."),
            ("", "Không gõ dấu phân cách hàng nghìn: ghi 1989, ô tự hiển thị 1.989."),
            ("", ("Số thập phân: gõ bằng dấu thập phân của máy tính (Excel tiếng Việt: dấu phẩy, 90,35); "
                  "định dạng số của ô tự hiển thị. Số vừa gõ mà nằm lệch TRÁI trong ô là Excel đang coi "
                  "nó là chữ: gõ lại.")),
            ("", "Tỷ lệ (%): ghi số phần trăm, 90,35 nghĩa là 90,35% (không ghi 0,9035, không gõ dấu %)."),
            ("", ("Số lượng, số tiền (đồng, ghi đủ chữ số: 35 tỷ đồng = 35000000000) và thứ hạng: số "
                  "nguyên, không âm.")),
            ("", ("ĐỂ TRỐNG nghĩa là chưa có số liệu / không báo cáo, KHÁC với 0. Chỉ ghi 0 khi số liệu "
                  "thực sự bằng 0.")),
            ("", "Dán số liệu từ tệp khác: dùng Dán đặc biệt → Giá trị (Paste Special → Values)."),
            ("h2", "Không được"),
            ("", ("đổi tên, xóa hay sắp xếp lại trang tính; chèn, xóa hay di chuyển dòng, cột; sửa mã chỉ "
                  "tiêu (cột A) hay mã đơn vị (dòng 4). Trang tính được khóa (không mật khẩu) để giữ bố "
                  f"cục; nếu bố cục đã bị thay đổi, tải lại mẫu bằng `cchc-report template {code}` rồi "
                  "chép số liệu sang (Dán đặc biệt → Giá trị).")),
            ("", "dùng lại tệp của tháng trước cho tháng này: mỗi tháng tạo một mẫu mới."),
            ("h2", "Sau khi nhập"),
            ("", (f"1. `cchc-report validate --period {code}` — kiểm tra số liệu; mỗi lỗi ghi rõ trang "
                  "tính và ô (ví dụ TTHC!D7).")),
            ("", f"2. `cchc-report run --period {code}` — tạo báo cáo."),
        ]
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
    cmd = f"`cchc-report template {period_code}`" if period_code else "`cchc-report template YYYY-MM`"
    return Msg('finding.workbook.make_fresh_template_copy', cmd=cmd)


def _read_meta(wb, shown):
    from openpyxl.utils import column_index_from_string

    from .load import bounded_rows
    ws = wb[META_SHEET]
    rows = [tuple(r) for r in bounded_rows(ws, max_col=12)]
    redo = _redo(None)
    bad = _problem(shown, f"{META_SHEET}!A1",
                   Msg('finding.workbook.hidden_sheet_template_layout', meta_sheet=META_SHEET, redo=redo))
    if not rows or _text(rows[0][0] if rows[0] else None) != FORMAT_NAME:
        raise bad
    version = rows[0][1] if len(rows[0]) > 1 else None
    try:
        version = int(_text(version))
    except ValueError:
        raise bad from None
    if version > FORMAT_VERSION:
        raise _problem(shown, f"{META_SHEET}!B1",
                       Msg('finding.workbook.workbook_was_made_newer', version=version))
    meta = {"sheets": [], "cells": {}}
    section = None
    header = None
    for r in rows[1:]:
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
        rec = dict(zip(header, r))
        try:
            if section == "sheets":
                meta["sheets"].append({
                    "sheet": rec["sheet"], "area": rec.get("area", ""),
                    "header_row": int(rec["header_row"]), "first_data_row": int(rec["first_data_row"]),
                    "last_data_row": int(rec["last_data_row"]),
                    "code_column": column_index_from_string(rec["code_column"]),
                    "first_unit_column": column_index_from_string(rec["first_unit_column"]),
                    "last_unit_column": column_index_from_string(rec["last_unit_column"]),
                })
            elif section == "cells":
                meta["cells"].setdefault(rec["sheet"], []).append((rec["cell"], rec["kind"], rec["code"]))
        except (KeyError, ValueError):
            raise bad from None
    if not meta["sheets"]:
        raise bad
    return meta


def _check_period(meta, shown):
    wanted = meta.get("period") or ""
    named = month_of_file(Path(str(shown)).name)
    if not wanted or named is None or named.code == wanted:
        return
    made = Period.parse(wanted)
    raise _problem(
        shown, f"{META_SHEET}!B2",
        Msg('finding.workbook.template_but_file_named', made=PerLanguage(made.label, LANG),
            name=Path(str(shown)).name, named=PerLanguage(named.label, LANG), code=named.code,
            code2=made.code))


def _percent_typed(cell) -> bool:
    """Excel turned ``90%`` typed into a cell into 0.9 with a % format: not a plain figure."""
    nf = getattr(cell, "number_format", None) or ""
    return isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool) and "%" in nf \
        and not nf.startswith('"') and '"%"' not in nf and "\\%" not in nf


def read_entry_workbook(wb, shown, catalogue, units) -> list[tuple]:
    """Rows ``(row, unit, indicator, raw value, note, "Sheet!D7")`` of a filled entry workbook.

    Empty cells are skipped (not reported). Values are passed as they are (numbers, or text for
    the loader to reject with the cell reference). A workbook whose layout no longer matches its
    hidden ``_cchc`` sheet raises :class:`helpers.load.FileProblem` naming the sheet and cell.
    """
    meta = _read_meta(wb, shown)
    _check_period(meta, shown)
    redo = _redo(meta.get("period"))
    _check_sheets(wb, meta, shown, redo)
    from .load import check_sheet
    out = []
    for spec in meta["sheets"]:
        check_sheet(wb, wb[spec["sheet"]], shown)
        out.extend(_SheetReader(wb[spec["sheet"]], spec, meta["cells"].get(spec["sheet"], []),
                                shown, redo).rows())
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
        self.width = max(spec["last_unit_column"], spec["code_column"]) + 3
        top = max(1, min(spec["header_row"], spec["first_data_row"]) - 2)
        self.grid = {}
        for r, row in enumerate(ws.iter_rows(min_row=top, max_row=spec["last_data_row"] + 2,
                                             min_col=1, max_col=self.width), start=top):
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
                                Msg('finding.workbook.indicator_code_column_was', code=code, here=here, there=there))
            moved = [k for k in sorted(self.grid) if k != r and self.text(k, c) == code]
            if moved:
                there = self.ref(moved[0], c)
                raise self.fail(r, c,
                                Msg('finding.workbook.cell_should_hold_indicator2', here=here, code=code,
                                    there=there))
            if found == "":
                raise self.fail(r, c,
                                Msg('finding.workbook.cell_should_hold_indicator3', here=here, code=code))
            if found in every:
                raise self.fail(r, c,
                                Msg('finding.workbook.cell_should_hold_indicator4', here=here, code=code,
                                    found=found))
            if not _CODE_LIKE.match(found):
                raise self.fail(r, c,
                                Msg('finding.workbook.cell_should_hold_indicator5', here=here, code=code,
                                    found=found))
            raise self.fail(r, c,
                            Msg('finding.workbook.cell_should_hold_indicator', here=here, code=code, found=found), join=" ")
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
                why = Msg('finding.workbook.cell_empty_code_deleted')
            elif found in every:
                why = Msg("finding.workbook.unit_code_other_column", found=found)
            else:
                out[c] = found      # an edited code: the loader names it if it is unknown
                continue
            here = self.ref(r, c)
            raise self.fail(r, c, Msg('finding.workbook.cell_should_hold_unit', here=here, code=code, why=why))
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
