"""The entry workbook's layout, shared by its writer and its reader: the sheets (one per reform
area), rows and columns, colours, the format of the hidden ``_cchc`` sheet, the units that get a
column and the indicators that get a row, and the workbook's wording in each language.

Layout (one workbook per month):

- ``Hướng dẫn``: what to fill and the number rules, in Vietnamese (English with ``lang="en"``).
- One sheet per reform area (``TTHC``, ``Chính phủ số``, ``Đề án 06``, ``Chỉ đạo điều hành``,
  ``Thể chế``, ``Bộ máy``, ``Công vụ``, ``Tài chính công``), only for areas with something to
  enter. Row 1 title, row 2 legend, row 3 unit names, row 4 unit codes (text: ``080`` stays
  ``080``); from row 5 one row per *input* indicator (aggregation ``sum``/``last``): column A the
  code, B the name, C the unit of measure, then one column per reporting unit.
  Input cells (the unit's level is in the indicator's ``levels``) are light yellow, unlocked and
  validated by the catalogue's valid range (shares 0–100; whole for counts, >= 1 for ranks; đồng
  amounts get a decimal rule with a whole-number message, see ``write._validation``); other cells
  are grey and locked. Sheets are protected without a password, the workbook structure too (no
  renaming or moving sheets by accident). Last month's value is a cell comment on that cell.
- ``_cchc`` (hidden): format version, period, generation time and the layout (for each area sheet
  the header row, first/last data row, code column, unit columns, and every expected code cell),
  so that the reader can tell a re-arranged workbook from a filled one.
"""

from __future__ import annotations

import datetime as _dt

from ..catalogue import AREAS
from ..errors import ParameterError
from ..periods import Period
from ..text import LANG, PerLanguage, t

FORMAT_NAME = "cchc_entry_workbook"
FORMAT_VERSION = 1
META_SHEET = "_cchc"

UNITS_OF_MEASURE = ("count", "percent", "points", "rank", "vnd")      # workbook.uom.<unit> in the catalogue
CADENCES = {"quarterly": "workbook.cadence.quarterly", "annual": "workbook.cadence.annual",
            "yearly": "workbook.cadence.annual"}

TITLE_ROW, LEGEND_ROW, NAME_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3, 4, 5
CODE_COL, NAME_COL, UOM_COL, FIRST_UNIT_COL = 1, 2, 3, 4
MAX_ROW, MAX_COLUMN = 1_048_576, 16_384           # Excel's own limits

INPUT_FILL = "FFF2CC"      # light yellow
LOCKED_FILL = "D9D9D9"     # grey
HEADER_FILL = "DDEBF7"     # light blue

_TEXT_KEYS = ("title", "legend", "code", "name", "uom", "units_label", "previous", "err_title", "err_whole",
              "err_rank", "err_vnd", "err_decimal", "err_range")      # workbook.<key> in the catalogue


def texts(lang: str) -> dict:
    """The entry workbook's wording in ``lang`` (``workbook.*`` in the catalogue)."""
    return {**{k: t(lang, f"workbook.{k}") for k in _TEXT_KEYS}, "lang": lang}



def is_entry_workbook(wb) -> bool:
    """Whether an open workbook is the entry workbook (it has the ``_cchc`` sheet)."""
    return META_SHEET in wb.sheetnames


def month_period(period) -> Period:
    p = Period.parse(period)
    if p.kind != "month":
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
    p = month_period(period)
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


def accepts(indicator, unit) -> bool:
    return not indicator.levels or unit.level in indicator.levels


def sheet_name(area: str, lang: str, taken: set) -> str:
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

