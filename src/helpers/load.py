"""Read a data folder: ``units.csv``, ``targets.csv`` and the monthly files in
``periods/`` (CSV in UTF-8 with or without BOM, or ``.xlsx``) into one table of
records. Problems become findings that name the file, row and column; nothing
here modifies a data file."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Optional

from . import findings as F
from .catalogue import Catalogue, load_catalogue
from .errors import CatalogueError, DataError, ParameterError
from .findings import Finding
from .periods import Period, month_of_file
from .units import Units, read_units

REQUIRED = ("unit", "indicator", "value")
INTEGER_UNITS = {"count", "vnd", "rank"}
_CANONICAL = re.compile(r"^-?\d+(\.\d+)?$")
_THOUSANDS = re.compile(r"^-?\d{1,3}([.,]\d{3})+$")


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
    """Return ``(value, None)`` or ``(None, (message_vi, message_en))``.

    Canonical numbers only: ``1989``, ``90.35``. ``1.989``, ``1,989``, ``26,93%`` or
    ``khoảng 400`` are rejected rather than read one way or another.
    """
    if raw is None:
        return None, None
    if isinstance(raw, bool):
        return None, ("giá trị phải là số", "the value must be a number")
    if isinstance(raw, (int, float)):
        return _from_number(raw, unit)
    text = str(raw).strip().replace("\u00a0", "")
    if text == "":
        return None, None
    if _CANONICAL.match(text):
        if unit in INTEGER_UNITS and _THOUSANDS.match(text):
            return None, (f"giá trị {text!r} không rõ nghĩa: dấu chấm là phân cách hàng nghìn hay "
                          f"thập phân? Ghi số ở dạng chuẩn, ví dụ {text.replace('.', '')}",
                          f"value {text!r} is ambiguous (thousands separator or decimal point?); "
                          f"write it in canonical form, e.g. {text.replace('.', '')}")
        value = Decimal(text)
        if unit in INTEGER_UNITS:
            if value != value.to_integral_value():
                return None, (f"giá trị {text!r} phải là số nguyên", f"value {text!r} must be a whole number")
            return int(value), None
        return value, None
    if "," in text or "%" in text or _THOUSANDS.match(text):
        return None, (f"giá trị {text!r} không rõ nghĩa (dấu phẩy, dấu % hoặc phân cách hàng nghìn); "
                      "ghi số ở dạng chuẩn với dấu chấm thập phân, ví dụ 1989 hoặc 26.93",
                      f"value {text!r} is ambiguous (comma, % sign or thousands separator); write a "
                      "canonical number with a decimal point, e.g. 1989 or 26.93")
    return None, (f"giá trị {text!r} không phải là số; chỉ ghi con số, để trống nếu chưa có số liệu",
                  f"value {text!r} is not a number; write only the figure, or leave it empty if not reported")


def _from_number(raw, unit: str):
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return None, ("giá trị không phải là số hữu hạn", "the value is not a finite number")
        if unit in INTEGER_UNITS:
            if not raw.is_integer():
                return None, (f"giá trị {raw!r} phải là số nguyên", f"value {raw!r} must be a whole number")
            return int(raw), None
        return Decimal(repr(raw)), None
    return (raw if unit in INTEGER_UNITS else Decimal(raw)), None


# -- files -------------------------------------------------------------------------
def _rel(path: Path, data_dir: Path) -> str:
    """A path as short as it can be said: relative to the working folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _error(check, vi, en, **where) -> Finding:
    return Finding(F.ERROR, check, vi, en, **where)


def read_csv_rows(path: Path, shown: str):
    """Yield ``(line, dict)`` rows, or raise a finding for an unreadable file."""
    data = path.read_bytes()
    if not data.strip():
        raise FileProblem(_error("empty_file", "tệp trống, không có dòng tiêu đề và số liệu",
                          "the file is empty (no header, no figures)", file=shown))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise FileProblem(_error(
            "encoding",
            "tệp không phải UTF-8 (có thể là Windows-1258/TCVN3); mở bằng Excel và lưu lại dạng "
            "'CSV UTF-8 (Comma delimited)'",
            "the file is not UTF-8 (perhaps Windows-1258); re-save it as 'CSV UTF-8'",
            file=shown, row=line)) from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [c for c in REQUIRED if c not in header]
    if missing and len(header) == 1 and ";" in header[0]:
        raise FileProblem(_error("missing_column",
                                 "các cột được phân cách bằng dấu chấm phẩy (;); lưu lại tệp dạng "
                                 "'CSV UTF-8 (Comma delimited)' để dùng dấu phẩy",
                                 "columns are separated by semicolons; re-save as 'CSV UTF-8 (Comma delimited)'",
                                 file=shown, row=1))
    if missing:
        raise FileProblem(_error("missing_column",
                          f"thiếu cột {', '.join(missing)}; dòng tiêu đề phải là unit,indicator,value[,note]",
                          f"missing column {', '.join(missing)}; the header must be unit,indicator,value[,note]",
                          file=shown, row=1, column=", ".join(missing)))
    rows = [(i, r) for i, r in enumerate(reader, start=2) if not _blank(r)]
    if not rows:
        raise FileProblem(_error("empty_file", "tệp chỉ có dòng tiêu đề, không có số liệu",
                          "the file has a header but no figures", file=shown))
    return [(i, r.get("unit"), r.get("indicator"), r.get("value"), r.get("note"), "value") for i, r in rows]


def read_xlsx_rows(path: Path, shown: str, catalogue, units, period):
    """Long-form sheet (unit, indicator, value[, note]) or the entry workbook."""
    import openpyxl
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise FileProblem(_error("unreadable", f"không đọc được tệp Excel ({type(exc).__name__}); lưu lại dạng .xlsx",
                          f"cannot read the Excel file ({type(exc).__name__}); re-save it as .xlsx",
                          file=shown)) from None
    try:
        if _is_entry_workbook(wb):
            from .workbook import read_entry_workbook
            return read_entry_workbook(wb, shown, catalogue, units)
        return _long_form_sheet(wb, shown)
    finally:
        wb.close()


def _is_entry_workbook(wb) -> bool:
    return "_cchc" in wb.sheetnames


def _long_form_sheet(wb, shown):
    for ws in wb.worksheets:
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            continue
        names = [str(h).strip().lower() if h is not None else "" for h in header]
        if all(c in names for c in REQUIRED):
            idx = {c: names.index(c) for c in REQUIRED + ("note",) if c in names}
            col_letter = _column_letter(idx["value"])
            out = []
            for i, row in enumerate(rows, start=2):
                cells = list(row) + [None] * (len(names) - len(row))
                if all(c is None or str(c).strip() == "" for c in cells):
                    continue
                out.append((i, cells[idx["unit"]], cells[idx["indicator"]], cells[idx["value"]],
                            cells[idx["note"]] if "note" in idx else None,
                            f"{ws.title}!{col_letter}{i}"))
            if not out:
                raise FileProblem(_error("empty_file", f"trang tính {ws.title!r} không có số liệu",
                                  f"sheet {ws.title!r} has no figures", file=shown))
            return out
    raise FileProblem(_error("missing_column",
                      "không có trang tính nào có tiêu đề unit, indicator, value ở dòng 1",
                      "no sheet has the header unit, indicator, value in row 1", file=shown, row=1))


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(index + 1)


def _blank(row: dict) -> bool:
    return not any(v.strip() for v in row.values() if isinstance(v, str))


class FileProblem(Exception):
    """A file that cannot be read at all; carries the finding that says why."""

    def __init__(self, finding: Finding):
        self.finding = finding


# -- the data folder -------------------------------------------------------------------
def period_files(data_dir: Path):
    """``(period or None, path)`` for every data file in ``periods/``."""
    folder = data_dir / "periods"
    if not folder.is_dir():
        return []
    out = []
    for p in sorted(folder.iterdir()):
        if p.name.startswith((".", "~$")) or not p.is_file() or p.suffix.lower() in {".md", ".txt"}:
            continue
        period = month_of_file(p.name) if p.suffix.lower() in {".csv", ".xlsx"} else None
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
        raise ParameterError(f"không tìm thấy thư mục dữ liệu {str(data_dir)!r}",
                             hint="kiểm tra --data-dir hoặc data_dir trong tệp tham số")
    try:
        catalogue = catalogue or load_catalogue(data_dir)
    except CatalogueError as exc:
        raise DataError(str(exc), findings=[_error("catalogue", str(exc), str(exc), file=exc.file,
                                                   row=exc.row, indicator=exc.indicator)]) from None
    findings: list[Finding] = []
    try:
        units = read_units(data_dir / "units.csv")
    except DataError as exc:
        finding = _error("unknown_parent" if exc.column == "parent" else "units", exc.message,
                         exc.message, file=_rel(Path(exc.file), data_dir), row=exc.row,
                         column=exc.column, unit=exc.unit)
        raise DataError(finding.line(), findings=[finding]) from None
    ds = DataSet(data_dir=data_dir, catalogue=catalogue, units=units, findings=findings)
    ds.targets = _read_targets(data_dir, ds)
    wanted = None if months is None else set(months)
    for period, path in period_files(data_dir):
        shown = _rel(path, data_dir)
        if period is None:
            findings.append(_error(
                "bad_file_name",
                f"tên tệp {path.name!r} không phải một tháng; đặt tên theo dạng YYYY-MM.csv hoặc YYYY-MM.xlsx, "
                "ví dụ 2023-10.csv",
                f"file name {path.name!r} is not a month; name it YYYY-MM.csv or YYYY-MM.xlsx, e.g. 2023-10.csv",
                file=shown))
            continue
        if wanted is not None and period.code not in wanted:
            ds.files.setdefault(period.code, []).append(path)
            continue
        if ds.files.get(period.code):
            other = _rel(ds.files[period.code][0], data_dir)
            findings.append(_error(
                "two_files", f"tháng {period.code} đã có tệp {other}; giữ lại một tệp cho mỗi tháng",
                f"month {period.code} already has {other}; keep one file per month", file=shown))
            continue
        ds.files.setdefault(period.code, []).append(path)
        before = len(findings)
        _read_period_file(ds, period, path, shown)
        findings[before:] = [replace(f, period=period.code) for f in findings[before:]]
    findings.extend(_unreadable_notes(data_dir))
    return ds


def _unreadable_notes(data_dir: Path) -> list[Finding]:
    """Narratives must be UTF-8 text: a report would fail on them half-way."""
    out = []
    for path in sorted((data_dir / "notes").glob("*.md")):
        try:
            path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            line = path.read_bytes()[:exc.start].count(b"\n") + 1
            out.append(_error("encoding", "tệp nhận xét không phải UTF-8; lưu lại với mã hóa UTF-8",
                              "the narrative is not UTF-8; re-save it as UTF-8",
                              file=_rel(path, data_dir), row=line,
                              period=path.stem if month_of_file(path.name.replace(".md", ".csv")) else None))
    return out


def _read_period_file(ds: DataSet, period: Period, path: Path, shown: str):
    try:
        if path.suffix.lower() == ".xlsx":
            rows = read_xlsx_rows(path, shown, ds.catalogue, ds.units, period)
        else:
            rows = read_csv_rows(path, shown)
    except FileProblem as bad:
        ds.findings.append(bad.finding)
        return
    first_seen: dict = {}
    for line, unit, code, raw, note, col in rows:
        rec = _make_record(ds, period.code, line, unit, code, raw, note, col, shown)
        if rec is None:
            continue
        key = (period.code, rec.unit, rec.indicator)
        if key in first_seen:
            first = first_seen[key]
            first_vi = f"dòng {first}" if isinstance(first, int) else first
            first_en = f"row {first}" if isinstance(first, int) else first
            ds.findings.append(_error(
                "duplicate",
                f"trùng với {first_vi} (cùng đơn vị và chỉ tiêu); xóa một trong hai dòng",
                f"duplicates {first_en} (same unit and indicator); delete one of the two rows",
                file=shown, row=_row_ref(line, col), unit=rec.unit, indicator=rec.indicator))
            continue
        first_seen[key] = _row_ref(line, col)
        ds.records[key] = rec


def _row_ref(line, col):
    return col if "!" in str(col) else line


def _make_record(ds, period, line, unit, code, raw, note, col, shown) -> Optional[Record]:
    row = _row_ref(line, col)
    column = None if "!" in str(col) else col
    unit = "" if unit is None else str(unit).strip()
    code = "" if code is None else str(code).strip()
    if not unit:
        ds.findings.append(_error("unknown_unit", "thiếu mã đơn vị", "the unit code is missing",
                                  file=shown, row=row, column=None if column is None else "unit",
                                  indicator=code or None))
        return None
    if unit not in ds.units:
        ds.findings.append(_unknown_unit(ds.units, unit, code, shown, row, column))
        return None
    if ds.units.get(unit, period) is None:
        ds.findings.append(_not_valid_then(ds.units, unit, code, period, shown, row, column))
        return None
    indicator = ds.catalogue.get(code)
    if indicator is None:
        hint = ds.catalogue.suggest(code)
        vi = f"mã chỉ tiêu {code!r} không có trong danh mục" + (f"; có phải là {hint!r}?" if hint else "")
        en = f"unknown indicator code {code!r}" + (f"; did you mean {hint!r}?" if hint else "")
        ds.findings.append(_error("unknown_indicator", vi, en, file=shown, row=row,
                                  column=None if column is None else "indicator", unit=unit, indicator=code or None))
        return None
    value, problem = parse_value(raw, indicator.unit)
    if problem:
        ds.findings.append(_error("bad_value", *problem, file=shown, row=row, column=column, unit=unit, indicator=code))
        return None
    if value is not None and value < 0:
        ds.findings.append(_error("negative", f"giá trị âm ({value}) không hợp lệ cho chỉ tiêu này",
                                  f"negative value ({value}) is not valid for this indicator",
                                  file=shown, row=row, column=column, unit=unit, indicator=code))
        return None
    return Record(period, unit, code, value, "" if note is None else str(note).strip(), shown, row)


def _unknown_unit(units: Units, unit, code, shown, row, column) -> Finding:
    hint = units.get("0" + unit) and "0" + unit or units.suggest(unit)
    extra_vi = f"; có phải là {hint!r}? (Excel có thể đã bỏ số 0 ở đầu)" if hint and hint == "0" + unit else \
        (f"; có phải là {hint!r}?" if hint else "; thêm đơn vị vào units.csv")
    extra_en = f"; did you mean {hint!r}? (Excel may have dropped a leading zero)" if hint and hint == "0" + unit else \
        (f"; did you mean {hint!r}?" if hint else "; add the unit to units.csv")
    return _error("unknown_unit", f"mã đơn vị {unit!r} không có trong units.csv{extra_vi}",
                  f"unit code {unit!r} is not in units.csv{extra_en}",
                  file=shown, row=row, column=None if column is None else "unit", unit=unit, indicator=code or None)


def _not_valid_then(units: Units, unit, code, period, shown, row, column) -> Finding:
    spans = "; ".join(f"{v.valid_from or '…'} → {v.valid_to or '…'}" for v in units.versions(unit))
    then = [v.successor for v in units.versions(unit) if v.successor]
    hint_vi = f"; số liệu từ đó thuộc về {', '.join(then)}" if then else ""
    hint_en = f"; from then on its figures belong to {', '.join(then)}" if then else ""
    return _error("unit_not_valid", f"đơn vị {unit} không có hiệu lực trong tháng {period} "
                  f"(hiệu lực: {spans}){hint_vi}; sửa mã đơn vị hoặc valid_from/valid_to trong units.csv",
                  f"unit {unit} does not exist in {period} (valid: {spans}){hint_en}; fix the unit code "
                  "or valid_from/valid_to in units.csv",
                  file=shown, row=row, column=None if column is None else "unit", unit=unit, indicator=code or None)


def _read_targets(data_dir: Path, ds: DataSet) -> dict:
    path = data_dir / "targets.csv"
    if not path.is_file():
        return {}
    shown = _rel(path, data_dir)
    out = {}
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        ds.findings.append(_error("encoding", "tệp không phải UTF-8; lưu lại dạng 'CSV UTF-8'",
                                  "the file is not UTF-8; re-save it as 'CSV UTF-8'", file=shown))
        return out
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in ("indicator", "unit", "year", "target") if c not in (reader.fieldnames or [])]
    if missing:
        ds.findings.append(_error("missing_column", f"thiếu cột {', '.join(missing)}",
                                  f"missing column {', '.join(missing)}", file=shown, row=1))
        return out
    for line, row in enumerate(reader, start=2):
        code, unit = (row["indicator"] or "").strip(), (row["unit"] or "").strip()
        if code not in ds.catalogue:
            ds.findings.append(_error("unknown_indicator", f"mã chỉ tiêu {code!r} không có trong danh mục",
                                      f"unknown indicator code {code!r}", file=shown, row=line, indicator=code))
            continue
        if unit not in ds.units:
            ds.findings.append(_unknown_unit(ds.units, unit, code, shown, line, "unit"))
            continue
        try:
            year = int((row["year"] or "").strip())
            target = Decimal((row["target"] or "").strip())
            month = int((row.get("month") or "").strip() or 12)
            if not 1 <= month <= 12:
                raise ValueError(month)
        except (ValueError, InvalidOperation):
            ds.findings.append(_error("bad_value", "năm, tháng hoặc chỉ tiêu không phải số ở dạng chuẩn "
                                      "(ví dụ 2023, 6, 50; tháng từ 1 đến 12)",
                                      "year, month or target is not a canonical number (e.g. 2023, 6, 50; "
                                      "month 1 to 12)", file=shown, row=line, unit=unit, indicator=code))
            continue
        if month == 12:
            out[(code, unit, year)] = target
        else:
            ds.milestones.setdefault((code, unit, year), {})[month] = target
    return out
