"""Read a data folder: ``units.csv``, ``targets.csv``, the monthly files in ``periods/`` and the units'
own files of a month in ``periods/<month>/<unit>.xlsx|csv`` (CSV through :mod:`helpers.csvfile`,
``.xlsx`` through :mod:`helpers.xlsx` and :mod:`helpers.workbook`, each row checked by
:mod:`helpers.records`) into one table of records, cached per state of the folder. Problems become
findings that name the file (relative to the data folder), row or cell and column; nothing here
modifies a data file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Optional

from . import files, notes, responsibilities, tasks, xlsx
from . import findings as F
from .catalogue import Catalogue, load_catalogue
from .csvfile import FileProblem, csv_records, decode_text, error, read_month_rows
from .errors import CatalogueError, DataError, ParameterError
from .findings import Finding
from .inputs import period_files, unit_files
from .inputs import shown as shown_path
from .names import MAX_SOURCE_LENGTH, text_problem
from .periods import Period, month_of_file, months_read
from .records import MAX_PER_KIND, FindingCap, Record, read_rows, unknown_unit
from .text import LANG, Msg, PerLanguage
from .units import Units, read_units
from .values import CANONICAL, MAX_DIGITS, out_of_range
from .workbook import is_entry_workbook, read_entry_workbook
from .workbook.layout import META_SHEET

__all__ = ["DataSet", "FindingCap", "MAX_PER_KIND", "Record", "folder_state", "load_data", "load_data_cached"]


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
    target_sources: dict = field(default_factory=dict)  # (indicator, unit, year) -> targets.csv `source`
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



def read_xlsx_rows(path: Path, shown: str, catalogue, units, month: str | None = None):
    """Rows of the entry workbook or of a long-form sheet (unit, indicator, value[, note]), read in
    streaming (read-only) mode over the cells that hold data only. ``month``: the month a unit's own
    workbook is filed under (``periods/<month>/``), which an entry workbook must be made for."""
    with xlsx.open_workbook(path, shown) as (wb, facts):
        if is_entry_workbook(wb):
            if month is not None:
                _check_workbook_month(wb, month, shown)
            return read_entry_workbook(wb, shown, catalogue, units, facts)
        return xlsx.long_form_rows(wb, shown, facts)


def _check_workbook_month(wb, month: str, shown: str) -> None:
    """An entry workbook in ``periods/<month>/`` whose hidden sheet names another month is an error at
    that cell (its file name, a unit's code, says nothing of the month)."""
    with xlsx.reading_sheet(META_SHEET, shown):
        for number, row in enumerate(xlsx.bounded_rows(wb[META_SHEET], max_row=12, max_col=2), start=1):
            if len(row) > 1 and row[0] == "period" and row[1] and str(row[1]).strip() != month:
                made = str(row[1]).strip()
                raise FileProblem(error("workbook_layout", Msg("finding.unit_file.other_month", made=made,
                                                               month=month), file=shown, row=f"{META_SHEET}!B{number}"))


_CACHE: dict = {}


def folder_state(data_dir) -> tuple:
    """Every file :func:`load_data` may read, with its size and modification time: ``units.csv``,
    ``indicators.csv``, ``targets.csv``, ``responsibilities.csv``, the entries of ``periods/`` and of its
    month folders (the units' own files) and what lies under ``notes/`` (a note's images). Nothing else
    of the folder is listed: ``--data-dir /`` must not walk the disk."""
    data_dir = Path(data_dir)
    paths = [data_dir / name for name in ("units.csv", "indicators.csv", "targets.csv",
                                         responsibilities.FILE_NAME)]
    periods = _entries(data_dir / "periods", recursive=False)
    paths += periods + _entries(data_dir / "notes", recursive=True)
    paths += [p for folder in periods if "." not in folder.name and month_of_file(folder.name)
              and folder.is_dir() for p in _entries(folder, recursive=False)]
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
        _read_month_file(ds, period, path, shown)
    _read_unit_files(ds, wanted)
    findings.extend(notes.check_folder(data_dir, shown=lambda p: shown_path(p, data_dir)))
    findings.extend(tasks.check_folder(data_dir, units, shown=lambda p: shown_path(p, data_dir)))
    return ds


def _read_unit_files(ds: DataSet, wanted) -> None:
    """The units' own files of each month (``periods/<month>/<unit>.xlsx|csv``), after the month's file:
    each holds its unit's rows only, and a figure already read from another file is an error."""
    try:
        listed = unit_files(ds.data_dir)
    except DataError as exc:
        raise _fatal("unreadable", exc, ds.data_dir) from None
    owners: dict = {}                  # (month, unit) -> the file read for it
    for period, path in listed:
        shown = shown_path(path, ds.data_dir)
        problem = _unit_file_problem(ds, period, path, shown, owners)
        if problem is not None:
            ds.findings.append(replace(problem, period=period.code))
            continue
        owners[(period.code, path.stem)] = shown
        ds.files.setdefault(period.code, []).append(path)
        if wanted is None or period.code in wanted:
            _read_month_file(ds, period, path, shown, own=path.stem)


def _unit_file_problem(ds: DataSet, period: Period, path: Path, shown: str, owners: dict) -> Finding | None:
    """Why a file of ``periods/<month>/`` is not read: a month too early, a name that is not a unit's
    code with ``.xlsx`` or ``.csv``, a unit that already has a file of the month."""
    if not _reportable(period):
        return error("bad_file_name", Msg("finding.bad_file_name.too_early", name=f"{period.code}/",
                                          code=period.code), file=shown)
    if path.suffix.lower() not in (".xlsx", ".csv") or path.stem not in ds.units:
        hint = ds.units.suggest(path.stem)
        return error("bad_file_name", Msg("finding.unit_file_name", name=path.name, folder=f"periods/{period.code}/",
                                          did_you_mean=Msg("finding.did_you_mean", hint=hint) if hint else ""),
                     file=shown)
    other = owners.get((period.code, path.stem))
    if other is not None:
        return error("two_files", Msg("finding.two_unit_files", unit_code=path.stem, other=other), file=shown,
                     unit=path.stem)
    return None


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


def _read_month_file(ds: DataSet, period: Period, path: Path, shown: str, own: str | None = None) -> None:
    """One file of the month ``period`` (the month's file, or ``own`` unit's file) into ``ds``; its
    findings carry the month."""
    before = len(ds.findings)
    _read_period_file(ds, period, path, shown, own)
    ds.findings[before:] = [replace(f, period=period.code) for f in ds.findings[before:]]


def _read_period_file(ds: DataSet, period: Period, path: Path, shown: str, own: str | None = None):
    report = FindingCap(ds.findings, shown)
    try:
        if not present(path, ds.data_dir):
            return
        if path.suffix.lower() == ".xlsx":
            rows = read_xlsx_rows(path, shown, ds.catalogue, ds.units, month=own and period.code)
        else:
            rows = read_month_rows(path, shown)
        read_rows(ds, period.code, rows, shown, report, own)
    except OSError as exc:
        report(error("unreadable", files.unreadable(path, exc).msg, file=shown))
        ds.unreadable.add(period.code)
    except FileProblem as bad:
        report(bad.finding)
        ds.unreadable.add(period.code)
    report.close()


def _read_targets(data_dir: Path, ds: DataSet) -> dict:
    """targets.csv: ``{(indicator, unit, year): target}``; milestones and sources into ``ds``, a bad row a finding."""
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
        read = row if isinstance(row, Finding) else _target_row(row, line, shown, ds)
        if isinstance(read, Finding):
            ds.findings.append(read)
            continue
        code, unit, year, month, target, source = read
        if month == 12:
            out[(code, unit, year)] = target
        else:
            ds.milestones.setdefault((code, unit, year), {})[month] = target
        if source and (month == 12 or (code, unit, year) not in ds.target_sources):
            ds.target_sources[(code, unit, year)] = source      # the year-end row's, else a milestone's
    return out


def _target_row(row: dict, line: int, shown: str, ds: DataSet):
    """``(indicator, unit, year, month, target, source)`` of one targets.csv row, or the Finding saying why not."""
    code, unit = (row["indicator"] or "").strip(), (row["unit"] or "").strip()
    if code not in ds.catalogue:
        return error("unknown_indicator", Msg("finding.unknown_indicator.target", code=code), file=shown, row=line,
                     indicator=code)
    if unit not in ds.units:
        return unknown_unit(ds.units, unit, code, shown, line, "unit")
    year_text, target_text = (row["year"] or "").strip(), (row["target"] or "").strip()
    month_text = (row.get("month") or "").strip() or "12"
    bad_column = "year" if not re.fullmatch(r"\d{4}", year_text) else \
        ("month" if not re.fullmatch(r"0?[1-9]|1[0-2]", month_text) else
         ("target" if not CANONICAL.match(target_text) or len(target_text) > MAX_DIGITS + 8 else None))
    if bad_column:
        shown_value = {"year": year_text, "month": month_text, "target": target_text}[bad_column]
        return error("bad_value", Msg("finding.bad_value.target_row", bad_column=bad_column, shown_value=shown_value),
                     file=shown, row=line, column=bad_column, unit=unit, indicator=code)
    target = Decimal(target_text)
    problem = out_of_range(target, ds.catalogue[code])
    if problem:
        return error(problem[0], problem[1], file=shown, row=line, column="target", unit=unit, indicator=code)
    source = (row.get("source") or "").strip()
    problem = text_problem(source, MAX_SOURCE_LENGTH)
    if problem:
        return error("bad_text", problem, file=shown, row=line, column="source", unit=unit, indicator=code)
    return code, unit, int(year_text), int(month_text), target, source
