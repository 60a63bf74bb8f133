"""Read a data folder: ``units.csv``, ``targets.csv`` and the monthly files in
``periods/`` (CSV in UTF-8 with or without BOM, or ``.xlsx``) into one table of
records. Problems become findings that name the file, row and column; nothing
here modifies a data file."""

from __future__ import annotations

import contextlib
import csv
import io
import re
import zlib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Optional

from . import files, fmt, notes, textfile
from . import findings as F
from .catalogue import Catalogue, load_catalogue
from .errors import CatalogueError, DataError, ParameterError
from .findings import Finding
from .periods import Period, month_of_file, months_read
from .text import LANG, Msg, PerLanguage
from .units import Units, read_units

REQUIRED = ("unit", "indicator", "value")
INTEGER_UNITS = {"count", "vnd", "rank"}
_CANONICAL = re.compile(r"^-?\d+(\.\d+)?$")
_THOUSANDS = re.compile(r"^-?\d{1,3}([.,]\d{3})+$")
MAX_DIGITS = 15                     # 10^15: beyond any count or amount in đồng a province reports


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


# -- values -----------------------------------------------------------------------
def parse_value(raw, unit: str):
    """Return ``(value, None)`` or ``(None, message)`` (a :class:`~helpers.text.Msg`).

    Canonical numbers only: ``1989``, ``90.35``. ``1.989``, ``1,989``, ``26,93%`` or
    ``khoảng 400`` are rejected rather than read one way or another.
    """
    if raw is None:
        return None, None
    if isinstance(raw, bool):
        return None, Msg("finding.value.boolean")
    if isinstance(raw, (int, float)):
        return _from_number(raw, unit)
    text = str(raw).strip().replace("\u00a0", "")
    if text == "":
        return None, None
    if _CANONICAL.match(text):
        if len(text.lstrip("-").split(".")[0].lstrip("0")) > MAX_DIGITS:
            return None, _too_large(text)
        if unit in INTEGER_UNITS and _THOUSANDS.match(text):
            return None, Msg("finding.value.thousands_or_decimal", text=text,
                             canonical=text.replace('.', ''))
        value = Decimal(text)
        if unit in INTEGER_UNITS:
            if value != value.to_integral_value():
                return None, Msg("finding.value.not_whole", text=text)
            return int(value), None
        return value, None
    if "," in text or "%" in text or _THOUSANDS.match(text):
        return None, Msg("finding.value.ambiguous", text=text)
    return None, Msg("finding.value.not_a_number", text=text)


def _too_large(text: str):
    shown = text if len(text) <= 24 else Msg("finding.value.long_number", start=text[:12], n=len(text))
    return Msg("finding.value.too_large", shown=shown, max_digits=MAX_DIGITS)


def _from_number(raw, unit: str):
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return None, Msg("finding.value.not_finite")
        if abs(raw) >= 10.0 ** MAX_DIGITS:
            return None, _too_large(repr(raw))
        if unit in INTEGER_UNITS:
            if not raw.is_integer():
                return None, Msg("finding.value.not_whole_number", raw=raw)
            return int(raw), None
        return Decimal(repr(raw)), None
    if abs(raw) >= 10 ** MAX_DIGITS:
        return None, _too_large(f"{raw:.3e}")
    return (raw if unit in INTEGER_UNITS else Decimal(raw)), None


# -- files -------------------------------------------------------------------------
def _rel(path: Path, data_dir: Path) -> str:
    """A path as short as it can be said: relative to the working folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _error(check, msg: Msg, **where) -> Finding:
    return Finding(F.ERROR, check, msg, **where)


OPTIONAL = ("note",)
MAX_NOTE_CHARS = 2000               # a remark on a figure, not the commentary (that is notes/*.md)


def decode_text(data: bytes, shown: str, partial: bool = False) -> str:
    """UTF-8 text (see ``helpers.textfile``), or a FileProblem naming the encoding and the line."""
    text, problem = textfile.decode(data, "csv", partial)
    if problem:
        msg, line = problem
        raise FileProblem(_error("encoding", msg, file=shown, row=line))
    return text


def csv_records(source, shown: str, required, optional=(), strict: bool = True):
    """``(header, [(physical line, {column: value} | Finding)])``.

    Line numbers are the file's physical lines (a quoted value spanning lines, or holding U+2028,
    does not shift later rows). A header without a required column, or with a column twice, is a
    FileProblem; an unknown column too when ``strict`` (it would be dropped silently); a row with more
    values than the header is a Finding for that row."""
    stream = io.StringIO(source, newline="") if isinstance(source, str) else source
    reader = csv.reader(stream)
    try:
        raw_header = next(reader, [])
    except (csv.Error, UnicodeDecodeError) as exc:
        raise _csv_problem(exc, reader, shown, stream) from None
    header = [h.strip().lower() for h in raw_header]
    missing = [c for c in required if c not in header]
    if missing and len(header) == 1 and ";" in header[0]:
        raise FileProblem(_error("missing_column",
                                 Msg("finding.missing_column.semicolons"),
                                 file=shown, row=1))
    wanted = ",".join(required) + "".join(f"[,{c}]" for c in optional)
    if missing:
        raise FileProblem(_error("missing_column",
                          Msg("finding.missing_column", missing=', '.join(missing),
                              wanted=wanted),
                          file=shown, row=1, column=", ".join(missing)))
    check_header(header, shown, required, optional, strict)
    return header, _csv_rows(reader, header, shown, stream)


def _csv_rows(reader, header, shown, stream):
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except (csv.Error, UnicodeDecodeError) as exc:
            raise _csv_problem(exc, reader, shown, stream) from None
        if not any(v.strip() for v in values):
            continue
        extra = [v for v in values[len(header):] if v.strip()]
        unnamed = [v for h, v in zip(header, values) if not h and v.strip()]
        if extra or unnamed:
            yield (line, _error("extra_values",
                                     Msg("finding.extra_values", n_values=len(values),
                                         n_header=len(header)),
                                     file=shown, row=line))
            continue
        yield line, {h: v for h, v in zip(header, values) if h}


def check_header(header, shown, required, optional=(), strict=True, sheet=None) -> None:
    """A column named twice, or (``strict``) a column that is not read, is an error naming it."""
    wanted = ",".join(required) + "".join(f"[,{c}]" for c in optional)
    row = 1 if sheet is None else f"{sheet}!1:1"
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if twice:
        raise FileProblem(_error("duplicate_column",
                                 Msg("finding.duplicate_column", twice=', '.join(twice),
                                     wanted=wanted), file=shown, row=row, column=", ".join(twice)))
    unknown = [h for h in header if h and h not in required and h not in optional]
    if unknown and strict:
        raise FileProblem(_error("unknown_column",
                                 Msg("finding.unknown_column",
                                     unknown=', '.join(unknown), wanted=wanted), file=shown, row=row,
                                 column=", ".join(unknown)))


def _csv_problem(exc, reader, shown, stream=None) -> "FileProblem":
    if isinstance(exc, UnicodeDecodeError):       # the stream decodes ahead: find the byte's own line
        try:
            _, problem = textfile.decode(Path(stream.name).read_bytes(), "csv")
        except (AttributeError, OSError, TypeError):
            problem = None
        msg, line = problem or textfile.not_utf8("csv", reader.line_num + 1)
        return FileProblem(_error("encoding", msg, file=shown, row=line))
    line = reader.line_num or 1
    if "field larger than field limit" in str(exc):
        limit = csv.field_size_limit()
        return FileProblem(_error("csv_syntax", Msg("finding.csv_syntax.field_too_long",
                                                    limit=PerLanguage(fmt.number, limit, LANG),
                                                    max_note_chars=MAX_NOTE_CHARS), file=shown, row=line))
    return FileProblem(_error("csv_syntax", Msg("finding.csv_syntax", exc=exc), file=shown,
                              row=line))


def read_csv_rows(path: Path, shown: str):
    """Yield ``(line, unit, indicator, value, note, "value")`` per row (or ``(line, Finding)`` for a
    bad row), streaming the file; a file that cannot be read at all raises FileProblem."""
    with open_csv(path, shown) as stream:
        _, rows = csv_records(stream, shown, REQUIRED, OPTIONAL)
        empty = True
        for i, r in rows:
            empty = False
            yield (i, r) if isinstance(r, Finding) else \
                (i, r.get("unit"), r.get("indicator"), r.get("value"), r.get("note"), "value")
    if empty:
        raise FileProblem(_error("empty_file", Msg("finding.empty_file.header_only"), file=shown))


def open_csv(path: Path, shown: str):
    """The file as a UTF-8 text stream (BOM or not) for ``csv``; an empty, UTF-16 or binary file
    is a FileProblem now, and a byte that is not UTF-8 one when the reader gets to it."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if not head.strip():
        raise FileProblem(_error("empty_file", Msg("finding.empty_file.no_header"), file=shown))
    decode_text(head, shown, partial=len(head) == 4096)
    return open(path, encoding="utf-8-sig", newline="")


XLSX_MAGIC = b"PK\x03\x04"
MAX_XLSX_UNPACKED = 500_000_000      # a month's workbook is well under 10 MB unpacked
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def _broken_xlsx(exc: Exception, shown: str) -> "FileProblem":
    return FileProblem(_error("unreadable",
                              Msg("finding.unreadable.broken",
                                  kind=type(exc).__name__), file=shown))


def read_xlsx_rows(path: Path, shown: str, catalogue, units, period):
    """Long-form sheet (unit, indicator, value[, note]) or the entry workbook, read in streaming
    (read-only) mode over the cells that hold data only."""
    import openpyxl
    _check_xlsx_container(path, shown)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise _broken_xlsx(exc, shown) from None
    try:
        if _is_entry_workbook(wb):
            from .workbook import read_entry_workbook
            return read_entry_workbook(wb, shown, catalogue, units)
        return _long_form_sheet(wb, shown)
    except FileProblem:
        raise
    except (KeyError, OSError, ValueError, EOFError, zlib.error, zipfile_error()) as exc:    # a part broken
        raise _broken_xlsx(exc, shown) from None
    finally:
        wb.close()


def zipfile_error():
    import zipfile
    return zipfile.BadZipFile


def _check_xlsx_container(path: Path, shown: str) -> None:
    """A CSV renamed .xlsx, an old .xls or a file cut short: one error saying which."""
    import zipfile
    with open(path, "rb") as fh:
        head = fh.read(8)
    if not head:
        raise FileProblem(_error("empty_file", Msg("finding.empty_file.zero_bytes"), file=shown))
    if head.startswith(OLE_MAGIC):
        raise FileProblem(_error("unreadable",
                                 Msg("finding.unreadable.xls_or_password"), file=shown))
    if not head.startswith(XLSX_MAGIC):
        looks_csv = b"," in head or head[:3] == b"\xef\xbb\xbf" or head.isascii()
        raise FileProblem(_error("unreadable",
                                 Msg("finding.unreadable.not_xlsx",
                                     looks_csv=Msg("finding.unreadable.looks_csv") if looks_csv else ""), file=shown))
    try:
        with zipfile.ZipFile(path) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError, EOFError):
        raise FileProblem(_error("unreadable",
                                 Msg("finding.unreadable.truncated"), file=shown)) from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise FileProblem(_error("too_large", Msg("finding.too_large.unpacked",
                                                  mb=PerLanguage(fmt.number, unpacked // 1_000_000, LANG),
                                                  max_mb=MAX_XLSX_UNPACKED // 1_000_000), file=shown))


def _is_entry_workbook(wb) -> bool:
    return "_cchc" in wb.sheetnames


def sheet_facts(wb, ws) -> tuple[list[str], list[str]]:
    """``(merged ranges, cells holding a formula without a computed value)``, streamed from the
    sheet's XML (read-only worksheets do not keep either)."""
    from xml.etree.ElementTree import iterparse
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    merged, uncached = [], []
    try:
        src = wb._archive.open(ws._worksheet_path)
    except (AttributeError, KeyError):
        return merged, uncached
    with src:
        for _event, el in iterparse(src):
            if el.tag == ns + "c":
                value = el.find(ns + "v")
                if el.find(ns + "f") is not None and (value is None or (not value.text and el.get("t") != "str")):
                    uncached.append(el.get("r") or "?")
                el.clear()
            elif el.tag == ns + "row":
                el.clear()
            elif el.tag == ns + "mergeCell":
                merged.append(el.get("ref") or "?")
    return merged, uncached


def check_sheet(wb, ws, shown, locate=None) -> None:
    """Merged cells and formulas without a computed value make a sheet unreadable: say so (for a
    formula, with the unit and indicator ``locate(cell)`` says the cell holds, when it can)."""
    merged, uncached = sheet_facts(wb, ws)
    if merged:
        cells = ", ".join(f"{ws.title}!{r}" for r in merged[:5]) + (" …" if len(merged) > 5 else "")
        raise FileProblem(_error("merged_cells",
                                 Msg("finding.merged_cells", cells=cells), file=shown,
                                 row=f"{ws.title}!{merged[0]}"))
    if uncached:
        more = Msg("finding.formula_without_value.more", n=len(uncached) - 1) if len(uncached) > 1 else ""
        unit, indicator = locate(uncached[0]) if locate else (None, None)
        raise FileProblem(_error("formula_without_value",
                                 Msg("finding.formula_without_value", cell=f"{ws.title}!{uncached[0]}", more=more),
                                 file=shown, row=f"{ws.title}!{uncached[0]}", unit=unit, indicator=indicator))


def bounded_rows(ws, **kw):
    """``ws.iter_rows`` over the rows present in the file only: a stray value in XFD1048576 makes
    the declared dimension a billion empty cells, which read-only mode would otherwise pad."""
    ws.reset_dimensions()
    return ws.iter_rows(values_only=True, **kw)


def _long_form_sheet(wb, shown):
    for ws in wb.worksheets:
        with reading_sheet(ws, shown):
            rows = _long_form_rows(wb, ws, shown)
        if rows is not None:
            return rows
    raise FileProblem(_error("missing_column",
                      Msg("finding.missing_column.no_sheet"), file=shown, row=1))


def _long_form_rows(wb, ws, shown):
    """The sheet's rows when its header names the long form's columns, else None."""
    rows = bounded_rows(ws)
    header = next(rows, None)
    if not header:
        return None
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    while names and not names[-1]:
        names.pop()
    if not all(c in names for c in REQUIRED):
        return None
    check_header(names, shown, REQUIRED, OPTIONAL, sheet=ws.title)
    idx = {c: names.index(c) for c in REQUIRED + OPTIONAL if c in names}
    check_sheet(wb, ws, shown, locate=lambda cell: _unit_and_indicator_of_row(ws, idx, cell))
    col_letter = _column_letter(idx["value"])
    out = []
    for i, row in enumerate(rows, start=2):
        if not row:
            continue                  # a row absent from the file
        cells = list(row[:len(names)]) + [None] * (len(names) - len(row))
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        out.append((i, cells[idx["unit"]], cells[idx["indicator"]], cells[idx["value"]],
                    cells[idx["note"]] if "note" in idx else None,
                    f"{ws.title}!{col_letter}{i}"))
    if not out:
        raise FileProblem(_error("empty_file", Msg("finding.empty_file.sheet", title=ws.title),
                                 file=shown))
    return out


def _unit_and_indicator_of_row(ws, idx: dict, cell: str) -> tuple:
    """``(unit, indicator)`` written in the long-form row of ``cell`` (``C7``), or None for either."""
    from openpyxl.utils.cell import coordinate_from_string
    row = coordinate_from_string(cell)[1]
    values = next(ws.iter_rows(min_row=row, max_row=row, values_only=True), ())

    def text(column):
        value = values[idx[column]] if idx[column] < len(values) else None
        return None if value is None or str(value).strip() == "" else str(value).strip()
    return text("unit"), text("indicator")


@contextlib.contextmanager
def reading_sheet(ws, shown: str):
    """While the sheet ``ws`` is read: its XML cut short, holding a control character or
    otherwise damaged is one FileProblem naming the file and the sheet."""
    try:
        yield
    except (SyntaxError, KeyError, OSError, EOFError, zlib.error, zipfile_error()) as exc:
        raise FileProblem(_error("unreadable", Msg("finding.unreadable.broken_sheet", sheet=ws.title,
                                                   kind=type(exc).__name__), file=shown)) from None


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(index + 1)


class FileProblem(Exception):
    """A file that cannot be read at all; carries the finding that says why."""

    def __init__(self, finding: Finding):
        self.finding = finding


# -- the data folder -------------------------------------------------------------------
_MONTH_FILE = re.compile(r"\d{4}-\d{2}\.(csv|xlsx)", re.I)     # exactly: 2023-11.old.csv is not November


def period_files(data_dir: Path):
    """``(period or None, path)`` for every entry of ``periods/`` but folders (``periods/2023-10/``
    is for one file per unit), hidden files, Excel's lock files and notes (``.md``, ``.txt``). An
    entry need not be a regular file: reading it says so. An unreadable folder is a DataError."""
    folder = data_dir / "periods"
    if not folder.is_dir():
        return []
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise files.unreadable(folder, exc) from None
    out = []
    for p in entries:
        if p.name.startswith((".", "~$")) or p.is_dir() or p.suffix.lower() in {".md", ".txt"}:
            continue
        period = month_of_file(p.name) if _MONTH_FILE.fullmatch(p.name) else None
        out.append((period, p))
    return out


_CACHE: dict = {}


def folder_state(data_dir) -> tuple:
    """Every file under the folder with its size and modification time."""
    data_dir = Path(data_dir)
    stats = sorted((str(p), p.stat()) for p in data_dir.rglob("*") if p.is_file())
    return (str(data_dir.resolve()), tuple((name, st.st_mtime_ns, st.st_size) for name, st in stats))


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
    wanted = None if months is None else set(months)
    try:
        listed = period_files(data_dir)
    except DataError as exc:
        raise _fatal("unreadable", exc, data_dir) from None
    for period, path in listed:
        shown = _rel(path, data_dir)
        if period is None:
            findings.append(_not_a_month_file(path.name, shown))
            continue
        if not _reportable(period):
            findings.append(_error("bad_file_name", Msg("finding.bad_file_name.too_early", name=path.name,
                                                        code=period.code), file=shown))
            continue
        if wanted is not None and period.code not in wanted:
            ds.files.setdefault(period.code, []).append(path)
            continue
        if ds.files.get(period.code):
            other = _rel(ds.files[period.code][0], data_dir)
            findings.append(_error(
                "two_files", Msg("finding.two_files", code=period.code, other=other),
                file=shown))
            continue
        ds.files.setdefault(period.code, []).append(path)
        before = len(findings)
        _read_period_file(ds, period, path, shown)
        findings[before:] = [replace(f, period=period.code) for f in findings[before:]]
    findings.extend(notes.check_folder(data_dir, shown=lambda p: _rel(p, data_dir)))
    return ds


def _not_a_month_file(name: str, shown: str) -> Finding:
    """A file in periods/ whose name is not ``YYYY-MM.csv|xlsx``: a copy of a month file
    (``2023-11.old.csv``, ``2023-11.xlsx.bak``) is ignored with a warning, any other name is an error."""
    copy_of = month_of_file(name)                 # the month before the first dot
    if copy_of is not None:
        return Finding(F.WARNING, "ignored_file", Msg("finding.ignored_file", name=name, code=copy_of.code),
                       file=shown)
    return _error("bad_file_name", Msg("finding.bad_file_name", name=name), file=shown)


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
    except DataError as exc:
        raise _fatal("unknown_parent" if exc.column == "parent" else "units", exc, data_dir) from None
    except OSError as exc:
        raise _fatal("unreadable", files.unreadable(path, exc), data_dir) from None
    except csv.Error as exc:
        raise _csv_syntax(path, data_dir, exc) from None


def _read_catalogue(data_dir: Path) -> Catalogue:
    path = data_dir / "indicators.csv"
    try:
        files.regular_input(path, data_dir)
        return load_catalogue(data_dir)
    except (DataError, CatalogueError) as exc:
        raise _fatal("catalogue", exc, data_dir) from None
    except OSError as exc:
        raise _fatal("unreadable", files.unreadable(path, exc), data_dir) from None
    except csv.Error as exc:
        raise _csv_syntax(path, data_dir, exc) from None


def _fatal(check: str, exc, data_dir: Path) -> DataError:
    """An error that stops the reading of the folder, as the one finding it holds."""
    return _stop(_error(check, exc.msg, file=exc.file and _rel(Path(exc.file), data_dir), row=exc.row,
                        column=exc.column, unit=exc.unit, indicator=exc.indicator))


def _stop(finding: Finding) -> DataError:
    return DataError(Msg("error.load.finding", line=PerLanguage(finding.line, LANG)), findings=[finding])


def _csv_syntax(path: Path, data_dir: Path, exc: csv.Error) -> DataError:
    """A CSV syntax error that another module's reader (units, catalogue) stopped at, found again
    by :func:`csv_records` so that it is said as in any CSV file: the line, and what to do."""
    shown = _rel(path, data_dir)
    try:
        with open_csv(path, shown) as stream:
            for _ in csv_records(stream, shown, (), strict=False)[1]:
                pass
    except FileProblem as bad:
        return _stop(bad.finding)
    return _stop(_error("csv_syntax", Msg("finding.csv_syntax", exc=exc), file=shown))


def present(path: Path, data_dir: Path) -> bool:
    """Whether the input ``path`` is there (see :func:`helpers.files.regular_input`); what is there
    but may not be opened is a FileProblem naming it."""
    try:
        return files.regular_input(path, data_dir)
    except DataError as exc:
        raise FileProblem(_error("unreadable", exc.msg, file=_rel(path, data_dir))) from None


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
            rows = read_xlsx_rows(path, shown, ds.catalogue, ds.units, period)
        else:
            rows = read_csv_rows(path, shown)
        _read_rows(ds, period, rows, shown, report)
    except OSError as exc:
        report(_error("unreadable", files.unreadable(path, exc).msg, file=shown))
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
            report(_error(
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
        report(_error("unknown_unit", Msg("finding.unknown_unit.no_code"),
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
        report(_error("unknown_indicator", msg, file=shown, row=row,
                                  column=None if column is None else "indicator", unit=unit, indicator=code or None))
        return None
    value, problem = parse_value(raw, indicator.unit)
    if problem:
        report(_error("bad_value", problem, file=shown, row=row, column=column, unit=unit, indicator=code))
        return None
    problem = out_of_range(value, indicator)
    if problem:
        report(_error(problem[0], problem[1], file=shown, row=row, column=column, unit=unit,
                                  indicator=code))
        return None
    note = "" if note is None else str(note).strip()
    if len(note) > MAX_NOTE_CHARS:
        report(_error("note_too_long",
                                  Msg("finding.note_too_long", n_note=len(note),
                                      max_note_chars=MAX_NOTE_CHARS),
                                  file=shown, row=row, column=None if column is None else "note", unit=unit,
                                  indicator=code))
        return None
    return Record(period, unit, code, value, note, shown, row)


def out_of_range(value, indicator):
    """``(check, message)`` when ``value`` is outside the indicator's valid range (see the catalogue)."""
    if value is None:
        return None
    low, high = indicator.valid_range
    if low is not None and value < low:
        if value < 0 and low == 0:
            return "negative", Msg("finding.negative", value=value)
    elif high is None or value <= high:
        return None
    span = f"{_plain(low)}–{_plain(high)}" if high is not None else f"≥ {_plain(low)}"
    what = {"percent": Msg("finding.out_of_range.percent"), "points": Msg("finding.out_of_range.points"),
            "rank": Msg("finding.out_of_range.rank")}.get(indicator.unit)
    return "out_of_range", Msg("finding.out_of_range", value=_plain(value), span=span,
                               what=Msg("finding.out_of_range.what", what=what) if what else "")


def _plain(v) -> str:
    return format(v, "f") if isinstance(v, Decimal) else str(v)


def _unknown_unit(units: Units, unit, code, shown, row, column) -> Finding:
    hint = units.get("0" + unit) and "0" + unit or units.suggest(unit)
    extra = Msg("finding.unknown_unit.leading_zero", hint=hint) if hint and hint == "0" + unit else \
        (Msg("finding.did_you_mean", hint=hint) if hint else Msg("finding.unknown_unit.add"))
    return _error("unknown_unit", Msg("finding.unknown_unit", unit_code=unit, extra=extra),
                  file=shown, row=row, column=None if column is None else "unit", unit=unit, indicator=code or None)


def _not_valid_then(units: Units, unit, code, period, shown, row, column) -> Finding:
    spans = "; ".join(f"{v.valid_from or '…'} → {v.valid_to or '…'}" for v in units.versions(unit))
    then = [v.successor for v in units.versions(unit) if v.successor]
    then = Msg("finding.unit_not_valid.then", then=", ".join(then)) if then else ""
    return _error("unit_not_valid", Msg("finding.unit_not_valid", unit_code=unit, period=period, spans=spans,
                                        then=then),
                  file=shown, row=row, column=None if column is None else "unit", unit=unit, indicator=code or None)


def _read_targets(data_dir: Path, ds: DataSet) -> dict:
    path = data_dir / "targets.csv"
    shown = _rel(path, data_dir)
    out = {}
    try:
        if not present(path, data_dir):
            return out
        header, rows = csv_records(decode_text(path.read_bytes(), shown), shown,
                                   ("indicator", "unit", "year", "target"), ("month", "note", "source"),
                                   strict=False)
        rows = list(rows)
    except OSError as exc:
        ds.findings.append(_error("unreadable", files.unreadable(path, exc).msg, file=shown))
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
            ds.findings.append(_error("unknown_indicator", Msg("finding.unknown_indicator.target",
                                                               code=code), file=shown, row=line, indicator=code))
            continue
        if unit not in ds.units:
            ds.findings.append(_unknown_unit(ds.units, unit, code, shown, line, "unit"))
            continue
        year_text, target_text = (row["year"] or "").strip(), (row["target"] or "").strip()
        month_text = (row.get("month") or "").strip() or "12"
        bad_column = "year" if not re.fullmatch(r"\d{4}", year_text) else \
            ("month" if not re.fullmatch(r"0?[1-9]|1[0-2]", month_text) else
             ("target" if not _CANONICAL.match(target_text) or len(target_text) > MAX_DIGITS + 8 else None))
        if bad_column:
            shown_value = {"year": year_text, "month": month_text, "target": target_text}[bad_column]
            ds.findings.append(_error(
                "bad_value", Msg("finding.bad_value.target_row", bad_column=bad_column,
                                 shown_value=shown_value), file=shown, row=line, column=bad_column, unit=unit,
                indicator=code))
            continue
        target = Decimal(target_text)
        problem = out_of_range(target, ds.catalogue[code])
        if problem:
            ds.findings.append(_error(problem[0], problem[1], file=shown, row=line, column="target", unit=unit,
                                      indicator=code))
            continue
        year, month = int(year_text), int(month_text)
        if month == 12:
            out[(code, unit, year)] = target
        else:
            ds.milestones.setdefault((code, unit, year), {})[month] = target
    return out
