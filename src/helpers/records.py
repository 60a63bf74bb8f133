"""A data file's rows into records: the unit known and existing in the month, the indicator in the
catalogue, the value by the rules of :mod:`helpers.values`, the note's length, one row per unit and
indicator (in the file, and across the files of a month), and in a unit's own file only that unit's
rows; each problem a finding naming the file, row or cell, column, unit and indicator, at most
:data:`MAX_PER_KIND` of a kind per file (:class:`FindingCap`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from . import fmt
from .csvfile import error
from .findings import Finding
from .text import LANG, Msg, PerLanguage
from .units import Units
from .values import MAX_NOTE_CHARS, out_of_range, parse_value


@dataclass(frozen=True)
class Record:
    period: str
    unit: str
    indicator: str
    value: object            # int, Decimal or None (not reported)
    note: str
    file: str
    row: object              # CSV line number or Excel cell reference


MAX_PER_KIND = 50                   # findings of one kind listed per file; the rest are counted


class FindingCap:
    """Collects a file's findings: the first ``MAX_PER_KIND`` of each kind, then one line that
    counts the others (a 50 MB file of bad rows is 50 lines, not 1,6 million)."""

    def __init__(self, out: list, shown: str):
        self.out, self.shown, self.seen, self.hidden = out, shown, {}, {}

    def __call__(self, finding: Finding) -> None:
        n = self.seen[finding.check] = self.seen.get(finding.check, 0) + 1
        if n <= MAX_PER_KIND:
            self.out.append(finding)
        else:
            self.hidden.setdefault(finding.check, [finding.severity, 0])[1] += 1

    def close(self) -> None:
        for check, (severity, n) in self.hidden.items():
            self.out.append(Finding(severity, check, Msg("finding.more_of_kind", n=PerLanguage(fmt.number, n, LANG),
                                                         check=check), file=self.shown, count=n))


def read_rows(ds, month: str, rows, shown: str, report, own: str | None = None) -> None:
    """The rows of one file of ``month`` (``(line, unit, indicator, raw value, note, column or cell)``,
    or a Finding) into ``ds.records``. ``own``: the unit whose own file this is (a row of another unit
    is an error). A unit and indicator already read from another file of the month is an error naming
    both files; twice in this file, an error naming both rows."""
    first_seen: dict = {}
    for item in rows:
        if isinstance(item[-1], Finding):
            report(item[-1])
            continue
        line, unit, code, raw, note, col = item
        if own is not None and _foreign(unit, own):
            report(_foreign_row(unit, code, own, shown, line, col))
            continue
        rec = make_record(ds, month, line, unit, code, raw, note, col, shown, report)
        if rec is None:
            continue
        key = (month, rec.unit, rec.indicator)
        if key in first_seen or key in ds.records:
            report(_duplicate(first_seen.get(key), ds.records.get(key), rec))
            continue
        first_seen[key] = row_ref(line, col)
        ds.records[key] = rec


def _foreign(unit, own: str) -> bool:
    return str(unit if unit is not None else "").strip() not in ("", own)


def _foreign_row(unit, code, own: str, shown: str, line, col) -> Finding:
    column = None if "!" in str(col) else "unit"
    return error("foreign_unit", Msg("finding.foreign_unit", unit_code=str(unit).strip(), own=own),
                 file=shown, row=row_ref(line, col), column=column, unit=str(unit).strip(),
                 indicator=str(code or "").strip() or None)


def _duplicate(first_here, earlier: Optional[Record], rec: Record) -> Finding:
    """The same unit and indicator twice: in this file (``first_here``, its row or cell) or in another
    file of the month (``earlier``, the record read from it)."""
    def where(row):
        return Msg("where.row", row=row) if isinstance(row, int) else row
    msg = Msg("finding.duplicate", first=where(first_here)) if first_here is not None else \
        Msg("finding.duplicate_file", other=earlier.file, first=where(earlier.row))
    return error("duplicate", msg, file=rec.file, row=rec.row, unit=rec.unit, indicator=rec.indicator)


def row_ref(line, col):
    return col if "!" in str(col) else line


def make_record(ds, period, line, unit, code, raw, note, col, shown, report) -> Optional[Record]:
    row = row_ref(line, col)
    column = None if "!" in str(col) else col
    unit = "" if unit is None else str(unit).strip()
    code = "" if code is None else str(code).strip()
    if not unit:
        report(error("unknown_unit", Msg("finding.unknown_unit.no_code"),
                                  file=shown, row=row, column=None if column is None else "unit",
                                  indicator=code or None))
        return None
    if unit not in ds.units:
        report(unknown_unit(ds.units, unit, code, shown, row, column))
        return None
    if ds.units.get(unit, period) is None:
        ds.findings.append(not_valid_then(ds.units, unit, code, period, shown, row, column))
        return None
    indicator = ds.catalogue.get(code)
    if indicator is None:
        hint = ds.catalogue.suggest(code)
        msg = Msg("finding.unknown_indicator", code=code,
                  did_you_mean=Msg("finding.did_you_mean", hint=hint) if hint else "")
        report(error("unknown_indicator", msg, file=shown, row=row,
                                  column=None if column is None else "indicator", unit=unit, indicator=code or None))
        return None
    value, problem = parse_value(raw, indicator.unit)
    if problem:
        report(error("bad_value", problem, file=shown, row=row, column=column, unit=unit, indicator=code))
        return None
    problem = out_of_range(value, indicator)
    if problem:
        report(error(problem[0], problem[1], file=shown, row=row, column=column, unit=unit,
                                  indicator=code))
        return None
    note = "" if note is None else str(note).strip()
    if len(note) > MAX_NOTE_CHARS:
        report(error("note_too_long",
                                  Msg("finding.note_too_long", n_note=len(note),
                                      max_note_chars=MAX_NOTE_CHARS),
                                  file=shown, row=row, column=None if column is None else "note", unit=unit,
                                  indicator=code))
        return None
    return Record(period, unit, code, value, note, shown, row)


def unknown_unit(units: Units, unit, code, shown, row, column) -> Finding:
    hint = units.get("0" + unit) and "0" + unit or units.suggest(unit)
    extra = Msg("finding.unknown_unit.leading_zero", hint=hint) if hint and hint == "0" + unit else \
        (Msg("finding.did_you_mean", hint=hint) if hint else Msg("finding.unknown_unit.add"))
    return error("unknown_unit", Msg("finding.unknown_unit", unit_code=unit, extra=extra),
                  file=shown, row=row, column=None if column is None else "unit", unit=unit, indicator=code or None)


def not_valid_then(units: Units, unit, code, period, shown, row, column) -> Finding:
    spans = "; ".join(f"{v.valid_from or '…'} → {v.valid_to or '…'}" for v in units.versions(unit))
    then = [v.successor for v in units.versions(unit) if v.successor]
    then = Msg("finding.unit_not_valid.then", then=", ".join(then)) if then else ""
    return error("unit_not_valid", Msg("finding.unit_not_valid", unit_code=unit, period=period, spans=spans,
                                        then=then),
                  file=shown, row=row, column=None if column is None else "unit", unit=unit, indicator=code or None)
