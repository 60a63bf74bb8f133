"""Read a data folder: ``units.csv``, ``targets.csv`` and the monthly files in ``periods/`` (CSV
through :mod:`helpers.csvfile`, ``.xlsx`` through :mod:`helpers.xlsx` and :mod:`helpers.workbook`) into
one table of records, cached per state of the folder. Problems become findings that name the file
(relative to the data folder), row and column; nothing here modifies a data file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Optional

from . import files, fmt, notes, responsibilities, tasks, xlsx
from . import findings as F
from .catalogue import Catalogue, load_catalogue
from .csvfile import FileProblem, csv_records, decode_text, error, read_month_rows
from .errors import CatalogueError, DataError, ParameterError
from .findings import Finding
from .inputs import period_files
from .inputs import shown as shown_path
from .periods import Period, month_of_file, months_read
from .text import LANG, Msg, PerLanguage
from .units import Units, read_units
from .values import CANONICAL, MAX_DIGITS, MAX_NOTE_CHARS, out_of_range, parse_value
from .workbook import is_entry_workbook, read_entry_workbook


@dataclass(frozen=True)
class Record:
    period: str
    unit: str
    indicator: str
    value: object            # int, Decimal or None (not reported)
    note: str
    file: str
    row: object              # CSV line number or Excel cell reference


@dataclass
class DataSet:
    """Everything read from a data folder, plus the findings made while reading."""

    data_dir: Path
    catalogue: Catalogue
    units: Units
    records: dict = field(default_factory=dict)        # (period, unit, indicator) -> Record
    files: dict = field(default_factory=dict)          # period -> [Path]
    targets: dict = field(default_factory=dict)        # (indicator, unit, year) -> Decimal
    milestones: dict = field(default_factory=dict)     # (indicator, unit, year) -> {month: Decimal}
    responsibilities: dict = field(default_factory=dict)   # indicator -> lead unit (responsibilities.csv)
    findings: list = field(default_factory=list)
    unreadable: set = field(default_factory=set)       # months whose file could not be read at all

    def record(self, period: str, unit: str, indicator: str) -> Optional[Record]:
        return self.records.get((period, unit, indicator))

    def value(self, period: str, unit: str, indicator: str):
        r = self.records.get((period, unit, indicator))
        return None if r is None else r.value

    @property
    def months(self) -> list[str]:
        return sorted(self.files)

    def latest_month(self) -> Optional[str]:
        return self.months[-1] if self.months else None

    def target(self, indicator: str, unit: str, year: int):
        return self.targets.get((indicator, unit, year))

    def milestones_of(self, indicator: str, unit: str, year: int) -> dict:
        """``{month: value}`` milestones of a year-end target (targets.csv rows with a month)."""
        return self.milestones.get((indicator, unit, year), {})



def read_xlsx_rows(path: Path, shown: str, catalogue, units):
    """Rows of the entry workbook or of a long-form sheet (unit, indicator, value[, note]), read in
    streaming (read-only) mode over the cells that hold data only."""
    with xlsx.open_workbook(path, shown) as (wb, facts):
        if is_entry_workbook(wb):
            return read_entry_workbook(wb, shown, catalogue, units, facts)
        return xlsx.long_form_rows(wb, shown, facts)


_CACHE: dict = {}


def folder_state(data_dir) -> tuple:
    """Every file :func:`load_data` may read, with its size and modification time: ``units.csv``,
    ``indicators.csv``, ``targets.csv``, ``responsibilities.csv``, the entries of ``periods/`` and what lies
    under ``notes/`` (a note's images). Nothing else of the folder is listed: ``--data-dir /`` must not walk
    the disk."""
    data_dir = Path(data_dir)
    paths = [data_dir / name for name in ("units.csv", "indicators.csv", "targets.csv", responsibilities.FILE_NAME)]
    paths += _entries(data_dir / "periods", recursive=False) + _entries(data_dir / "notes", recursive=True)
    stats = []
    for path in sorted(paths):
        try:
            st = path.stat()
        except OSError:
            continue
        stats.append((str(path), st.st_mtime_ns, st.st_size))
    return str(data_dir.resolve()), tuple(stats)


def _entries(folder: Path, recursive: bool) -> list[Path]:
    """What ``folder`` holds (and, ``recursive``, what its sub-folders hold, but not those reached
    through a link); the folder itself when it is a link, not a folder, or cannot be listed."""
    if folder.is_symlink() or not folder.is_dir():
        return [folder]
    try:
        return list(folder.rglob("*") if recursive else folder.iterdir())
    except OSError:
        return [folder]                # reading it says why it cannot be listed


def load_data_cached(data_dir) -> DataSet:
    """``load_data(data_dir)``, read once per process while no file in the folder
    changes (a batch worker renders many reports from the same folder, and the
    kernels it forks inherit what it read). Treat the result as read-only."""
    if not Path(data_dir).is_dir():
        return load_data(data_dir)            # raises the usual error
    key = folder_state(data_dir)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = load_data(data_dir)
    return _CACHE[key]


def load_data(data_dir, months=None, catalogue: Catalogue | None = None) -> DataSet:
    """Read the folder. ``months`` limits which monthly files are read (codes)."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise ParameterError("error.load.no_data_dir", data_dir=str(data_dir))
    findings: list[Finding] = []
    units = _read_units(data_dir)
    catalogue = catalogue or _read_catalogue(data_dir)
    ds = DataSet(data_dir=data_dir, catalogue=catalogue, units=units, findings=findings)
    ds.targets = _read_targets(data_dir, ds)
    ds.responsibilities, found = responsibilities.read_folder(
        data_dir, catalogue, units, shown_path(data_dir / responsibilities.FILE_NAME, data_dir))
    findings.extend(found)
    wanted = None if months is None else set(months)
    try:
        listed = period_files(data_dir)
    except DataError as exc:
        raise _fatal("unreadable", exc, data_dir) from None
    for period, path in listed:
        shown = shown_path(path, data_dir)
        if period is None:
            findings.append(_not_a_month_file(path.name, shown))
            continue
        if not _reportable(period):
            findings.append(error("bad_file_name", Msg("finding.bad_file_name.too_early", name=path.name,
                                                        code=period.code), file=shown))
            continue
        if wanted is not None and period.code not in wanted:
            ds.files.setdefault(period.code, []).append(path)
            continue
        if ds.files.get(period.code):
            other = shown_path(ds.files[period.code][0], data_dir)
            findings.append(error(
                "two_files", Msg("finding.two_files", code=period.code, other=other),
                file=shown))
            continue
        ds.files.setdefault(period.code, []).append(path)
        before = len(findings)
        _read_period_file(ds, period, path, shown)
        findings[before:] = [replace(f, period=period.code) for f in findings[before:]]
    findings.extend(notes.check_folder(data_dir, shown=lambda p: shown_path(p, data_dir)))
    findings.extend(tasks.check_folder(data_dir, units, shown=lambda p: shown_path(p, data_dir)))
    return ds


def _not_a_month_file(name: str, shown: str) -> Finding:
    """A file in periods/ whose name is not ``YYYY-MM.csv|xlsx``: a copy of a month file
    (``2023-11.old.csv``, ``2023-11.xlsx.bak``) is ignored with a warning, any other name is an error."""
    copy_of = month_of_file(name)                 # the month before the first dot
    if copy_of is not None:
        return Finding(F.WARNING, "ignored_file", Msg("finding.ignored_file", name=name, code=copy_of.code),
                       file=shown)
    return error("bad_file_name", Msg("finding.bad_file_name", name=name), file=shown)


def _reportable(period: Period) -> bool:
    """Whether every month a report over ``period`` compares with is a month the tool knows
    (``1900-01.csv`` would compare with December 1899)."""
    try:
        for code in months_read(period):
            Period.parse(code)
    except ParameterError:
        return False
    return True


def _read_units(data_dir: Path) -> Units:
    path = data_dir / "units.csv"
    try:
        files.regular_input(path, data_dir)           # nothing there: read_units says it is missing
        return read_units(path)
    except FileProblem as bad:
        raise _stop(_shown_from(bad.finding, data_dir)) from None
    except DataError as exc:
        raise _fatal("unknown_parent" if exc.column == "parent" else "units", exc, data_dir) from None
    except OSError as exc:
        raise _fatal("unreadable", files.unreadable(path, exc), data_dir) from None


def _read_catalogue(data_dir: Path) -> Catalogue:
    path = data_dir / "indicators.csv"
    try:
        files.regular_input(path, data_dir)
        return load_catalogue(data_dir)
    except FileProblem as bad:
        raise _stop(_shown_from(bad.finding, data_dir)) from None
    except (DataError, CatalogueError) as exc:
        raise _fatal("catalogue", exc, data_dir) from None
    except OSError as exc:
        raise _fatal("unreadable", files.unreadable(path, exc), data_dir) from None


def _fatal(check: str, exc, data_dir: Path) -> DataError:
    """An error that stops the reading of the folder, as the one finding it holds."""
    return _stop(error(check, exc.msg, file=exc.file and shown_path(Path(exc.file), data_dir), row=exc.row,
                        column=exc.column, unit=exc.unit, indicator=exc.indicator))


def _stop(finding: Finding) -> DataError:
    return DataError(Msg("error.load.finding", line=PerLanguage(finding.line, LANG)), findings=[finding])


def _shown_from(finding: Finding, data_dir: Path) -> Finding:
    """A finding made by a reader given the file's path (``read_units``), naming it as findings do."""
    return replace(finding, file=finding.file and shown_path(Path(finding.file), data_dir))


def present(path: Path, data_dir: Path) -> bool:
    """Whether the input ``path`` is there (see :func:`helpers.files.regular_input`); what is there
    but may not be opened is a FileProblem naming it."""
    try:
        return files.regular_input(path, data_dir)
    except DataError as exc:
        raise FileProblem(error("unreadable", exc.msg, file=shown_path(path, data_dir))) from None


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


def _read_period_file(ds: DataSet, period: Period, path: Path, shown: str):
    report = FindingCap(ds.findings, shown)
    try:
        if not present(path, ds.data_dir):
            return
        if path.suffix.lower() == ".xlsx":
            rows = read_xlsx_rows(path, shown, ds.catalogue, ds.units)
        else:
            rows = read_month_rows(path, shown)
        _read_rows(ds, period, rows, shown, report)
    except OSError as exc:
        report(error("unreadable", files.unreadable(path, exc).msg, file=shown))
        ds.unreadable.add(period.code)
    except FileProblem as bad:
        report(bad.finding)
        ds.unreadable.add(period.code)
    report.close()


def _read_rows(ds: DataSet, period: Period, rows, shown: str, report) -> None:
    first_seen: dict = {}
    for item in rows:
        if isinstance(item[-1], Finding):
            report(item[-1])
            continue
        line, unit, code, raw, note, col = item
        rec = _make_record(ds, period.code, line, unit, code, raw, note, col, shown, report)
        if rec is None:
            continue
        key = (period.code, rec.unit, rec.indicator)
        if key in first_seen:
            first = first_seen[key]
            report(error(
                "duplicate",
                Msg("finding.duplicate", first=Msg("where.row", row=first) if isinstance(first, int) else first),
                file=shown, row=_row_ref(line, col), unit=rec.unit, indicator=rec.indicator))
            continue
        first_seen[key] = _row_ref(line, col)
        ds.records[key] = rec


def _row_ref(line, col):
    return col if "!" in str(col) else line


def _make_record(ds, period, line, unit, code, raw, note, col, shown, report) -> Optional[Record]:
    row = _row_ref(line, col)
    column = None if "!" in str(col) else col
    unit = "" if unit is None else str(unit).strip()
    code = "" if code is None else str(code).strip()
    if not unit:
        report(error("unknown_unit", Msg("finding.unknown_unit.no_code"),
                                  file=shown, row=row, column=None if column is None else "unit",
                                  indicator=code or None))
        return None
    if unit not in ds.units:
        report(_unknown_unit(ds.units, unit, code, shown, row, column))
        return None
    if ds.units.get(unit, period) is None:
        ds.findings.append(_not_valid_then(ds.units, unit, code, period, shown, row, column))
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


def _unknown_unit(units: Units, unit, code, shown, row, column) -> Finding:
    hint = units.get("0" + unit) and "0" + unit or units.suggest(unit)
    extra = Msg("finding.unknown_unit.leading_zero", hint=hint) if hint and hint == "0" + unit else \
        (Msg("finding.did_you_mean", hint=hint) if hint else Msg("finding.unknown_unit.add"))
    return error("unknown_unit", Msg("finding.unknown_unit", unit_code=unit, extra=extra),
                  file=shown, row=row, column=None if column is None else "unit", unit=unit, indicator=code or None)


def _not_valid_then(units: Units, unit, code, period, shown, row, column) -> Finding:
    spans = "; ".join(f"{v.valid_from or '…'} → {v.valid_to or '…'}" for v in units.versions(unit))
    then = [v.successor for v in units.versions(unit) if v.successor]
    then = Msg("finding.unit_not_valid.then", then=", ".join(then)) if then else ""
    return error("unit_not_valid", Msg("finding.unit_not_valid", unit_code=unit, period=period, spans=spans,
                                        then=then),
                  file=shown, row=row, column=None if column is None else "unit", unit=unit, indicator=code or None)


def _read_targets(data_dir: Path, ds: DataSet) -> dict:
    path = data_dir / "targets.csv"
    shown = shown_path(path, data_dir)
    out = {}
    try:
        if not present(path, data_dir):
            return out
        header, rows = csv_records(decode_text(path.read_bytes(), shown), shown,
                                   ("indicator", "unit", "year", "target"), ("month", "note", "source"),
                                   strict=False)
        rows = list(rows)
    except OSError as exc:
        ds.findings.append(error("unreadable", files.unreadable(path, exc).msg, file=shown))
        return out
    except FileProblem as bad:
        ds.findings.append(bad.finding)
        return out
    for line, row in rows:
        if isinstance(row, Finding):
            ds.findings.append(row)
            continue
        code, unit = (row["indicator"] or "").strip(), (row["unit"] or "").strip()
        if code not in ds.catalogue:
            ds.findings.append(error("unknown_indicator", Msg("finding.unknown_indicator.target",
                                                               code=code), file=shown, row=line, indicator=code))
            continue
        if unit not in ds.units:
            ds.findings.append(_unknown_unit(ds.units, unit, code, shown, line, "unit"))
            continue
        year_text, target_text = (row["year"] or "").strip(), (row["target"] or "").strip()
        month_text = (row.get("month") or "").strip() or "12"
        bad_column = "year" if not re.fullmatch(r"\d{4}", year_text) else \
            ("month" if not re.fullmatch(r"0?[1-9]|1[0-2]", month_text) else
             ("target" if not CANONICAL.match(target_text) or len(target_text) > MAX_DIGITS + 8 else None))
        if bad_column:
            shown_value = {"year": year_text, "month": month_text, "target": target_text}[bad_column]
            ds.findings.append(error(
                "bad_value", Msg("finding.bad_value.target_row", bad_column=bad_column,
                                 shown_value=shown_value), file=shown, row=line, column=bad_column, unit=unit,
                indicator=code))
            continue
        target = Decimal(target_text)
        problem = out_of_range(target, ds.catalogue[code])
        if problem:
            ds.findings.append(error(problem[0], problem[1], file=shown, row=line, column="target", unit=unit,
                                      indicator=code))
            continue
        year, month = int(year_text), int(month_text)
        if month == 12:
            out[(code, unit, year)] = target
        else:
            ds.milestones.setdefault((code, unit, year), {})[month] = target
    return out

