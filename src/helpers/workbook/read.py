"""Reading a filled entry workbook back into the rows of a long-form file: the hidden ``_cchc``
sheet says where each figure is, and a workbook re-arranged since it was written is an error naming
the sheet and cell (see :mod:`helpers.workbook.layout`); and last month's figures, for the comments
of the next workbook."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from ..csvfile import FileProblem
from ..findings import ERROR, Finding
from ..periods import Period, month_of_file
from ..text import LANG, Msg, PerLanguage
from ..xlsx import MAX_CELLS, bounded_rows, check_sheet, reading_sheet, sheet_facts
from .layout import FORMAT_NAME, FORMAT_VERSION, MAX_COLUMN, MAX_ROW, META_SHEET

_CODE_LIKE = re.compile(r"^[a-z0-9_]+$")


def _problem(shown, cell, msg: Msg):
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
    """A sheet's layout whose cells to read (:func:`_read_span`) stay within ``xlsx.MAX_CELLS``."""
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


def read_entry_workbook(wb, shown, catalogue, units, facts, *, by_name: bool = True) -> list[tuple]:
    """Rows ``(row, unit, indicator, raw value, note, "Sheet!D7")`` of a filled entry workbook.

    Empty cells are skipped (not reported). Values are passed as they are (numbers, or text for
    the loader to reject with the cell reference). A workbook whose layout no longer matches its
    hidden ``_cchc`` sheet raises :class:`helpers.csvfile.FileProblem` naming the sheet and cell.
    ``facts``: what :func:`helpers.xlsx.open_workbook` found streaming each sheet (merged cells,
    formulas without a value). ``by_name``: a file named for another month (``2023-09.xlsx``) is an
    error; ``intake`` turns it off, a collected workbook's signed identity says its month.
    """
    with reading_sheet(META_SHEET, shown):
        meta = _read_meta(wb, shown)
    if by_name:
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



def previous_values(ds, period) -> dict:
    """``{(unit, indicator): value}`` read for the month before ``period`` (before its first
    month, for a longer period); absent (not reported) figures are left out."""
    p = Period.parse(period)
    before = Period.month(p.year, p.first).previous().code
    return {(unit, code): rec.value for (month, unit, code), rec in ds.records.items()
            if month == before and rec.value is not None}

