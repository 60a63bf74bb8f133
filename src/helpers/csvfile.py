"""The one reader of the data folder's CSV files (month files, ``targets.csv``, ``units.csv``,
``indicators.csv``): it decodes (UTF-8 with or without a BOM, see :mod:`helpers.textfile`), checks
the header and yields the rows with the line numbers the file shows (a quoted value spanning two
lines does not shift the rows after it). A file that cannot be read at all is a :class:`FileProblem`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from . import findings as F
from . import fmt, textfile
from .errors import DataError
from .findings import Finding
from .text import LANG, Msg, PerLanguage
from .values import MAX_NOTE_CHARS

LONG_FORM = ("unit", "indicator", "value")      # the columns of a month file (CSV or a long-form sheet)
LONG_FORM_OPTIONAL = ("note",)


class FileProblem(DataError):
    """A file that cannot be read at all; carries the finding that says why (and, for a caller that
    reads the file alone, such as ``read_units``, is the DataError it shows)."""

    def __init__(self, finding: Finding):
        self.finding = finding
        super().__init__(finding.msg, findings=[finding], file=finding.file, row=finding.row,
                         column=finding.column, unit=finding.unit, indicator=finding.indicator)


def error(check: str, msg: Msg, **where) -> Finding:
    """An error finding of the check ``check``, at ``where`` (file, row, column, unit, indicator)."""
    return Finding(F.ERROR, check, msg, **where)


def problem(check: str, msg: Msg, **where) -> FileProblem:
    return FileProblem(error(check, msg, **where))


def decode_text(data: bytes, shown: str, partial: bool = False) -> str:
    """UTF-8 text (see ``helpers.textfile``), or a FileProblem naming the encoding and the line."""
    text, found = textfile.decode(data, "csv", partial)
    if found:
        msg, line = found
        raise problem("encoding", msg, file=shown, row=line)
    return text


def open_csv(path: Path, shown: str):
    """The file as a UTF-8 text stream (BOM or not) for ``csv``; an empty, UTF-16 or binary file
    is a FileProblem now, and a byte that is not UTF-8 one when the reader gets to it."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if not head.strip():
        raise problem("empty_file", Msg("finding.empty_file.no_header"), file=shown)
    decode_text(head, shown, partial=len(head) == 4096)
    return open(path, encoding="utf-8-sig", newline="")


def lines_and_values(source, shown: str):
    """``(header values, iterator of (line, values))`` of a CSV text or text stream, skipping blank
    lines; ``line`` is the physical line a row starts on. A syntax error is a FileProblem naming it."""
    stream = io.StringIO(source, newline="") if isinstance(source, str) else source
    reader = csv.reader(stream)
    try:
        header = next(reader, [])
    except (csv.Error, UnicodeDecodeError) as exc:
        raise _csv_problem(exc, reader, shown, stream) from None
    return header, _rows(reader, shown, stream)


def _rows(reader, shown, stream):
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as exc:
            raise _csv_problem(exc, reader, shown, stream) from None
        if values:
            yield line, values


def table(data: bytes | str, shown: str):
    """``(column names, [(line, {column: value})])`` of a table such as ``units.csv`` (its bytes, or
    its text): as ``csv.DictReader`` gives them (values past the header under ``None``, missing ones
    None), with each row's physical line. The caller checks the column names."""
    text = decode_text(data, shown) if isinstance(data, bytes) else data
    header, rows = lines_and_values(text, shown)
    out = []
    for line, values in rows:
        row = dict(zip(header, values + [None] * (len(header) - len(values))))
        if len(values) > len(header):
            row[None] = values[len(header):]
        out.append((line, row))
    return header, out


def csv_records(source, shown: str, required, optional=(), strict: bool = True):
    """``(header, [(physical line, {column: value} | Finding)])``.

    A header without a required column, or with a column twice, is a FileProblem; an unknown column
    too when ``strict`` (it would be dropped silently); a row with more values than the header is a
    Finding for that row."""
    raw_header, rows = lines_and_values(source, shown)
    header = [h.strip().lower() for h in raw_header]
    missing = [c for c in required if c not in header]
    if missing and len(header) == 1 and ";" in header[0]:
        raise problem("missing_column", Msg("finding.missing_column.semicolons"), file=shown, row=1)
    if missing:
        raise problem("missing_column", Msg("finding.missing_column", missing=', '.join(missing),
                                            wanted=_wanted(required, optional)),
                      file=shown, row=1, column=", ".join(missing))
    check_header(header, shown, required, optional, strict)
    return header, _records(rows, header, shown)


def _records(rows, header, shown):
    for line, values in rows:
        if not any(v.strip() for v in values):
            continue
        extra = [v for v in values[len(header):] if v.strip()]
        unnamed = [v for h, v in zip(header, values) if not h and v.strip()]
        if extra or unnamed:
            yield line, error("extra_values", Msg("finding.extra_values", n_values=len(values),
                                                  n_header=len(header)), file=shown, row=line)
            continue
        yield line, {h: v for h, v in zip(header, values) if h}


def _wanted(required, optional) -> str:
    return ",".join(required) + "".join(f"[,{c}]" for c in optional)


def check_header(header, shown, required, optional=(), strict=True, sheet=None) -> None:
    """A column named twice, or (``strict``) a column that is not read, is an error naming it."""
    wanted = _wanted(required, optional)
    row = 1 if sheet is None else f"{sheet}!1:1"
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if twice:
        raise problem("duplicate_column", Msg("finding.duplicate_column", twice=', '.join(twice), wanted=wanted),
                      file=shown, row=row, column=", ".join(twice))
    unknown = [h for h in header if h and h not in required and h not in optional]
    if unknown and strict:
        raise problem("unknown_column", Msg("finding.unknown_column", unknown=', '.join(unknown), wanted=wanted),
                      file=shown, row=row, column=", ".join(unknown))


def _csv_problem(exc, reader, shown, stream=None) -> FileProblem:
    if isinstance(exc, UnicodeDecodeError):       # the stream decodes ahead: find the byte's own line
        try:
            _, found = textfile.decode(Path(stream.name).read_bytes(), "csv")
        except (AttributeError, OSError, TypeError):
            found = None
        msg, line = found or textfile.not_utf8("csv", reader.line_num + 1)
        return problem("encoding", msg, file=shown, row=line)
    line = reader.line_num or 1
    if "field larger than field limit" in str(exc):
        limit = csv.field_size_limit()
        return problem("csv_syntax", Msg("finding.csv_syntax.field_too_long",
                                         limit=PerLanguage(fmt.number, limit, LANG), max_note_chars=MAX_NOTE_CHARS),
                       file=shown, row=line)
    return problem("csv_syntax", Msg("finding.csv_syntax", exc=exc), file=shown, row=line)


def read_month_rows(path: Path, shown: str):
    """Yield ``(line, unit, indicator, value, note, "value")`` per row of a month file (or
    ``(line, Finding)`` for a bad row), streaming it; a file that cannot be read at all raises
    FileProblem."""
    with open_csv(path, shown) as stream:
        _, rows = csv_records(stream, shown, LONG_FORM, LONG_FORM_OPTIONAL)
        empty = True
        for i, r in rows:
            empty = False
            yield (i, r) if isinstance(r, Finding) else \
                (i, r.get("unit"), r.get("indicator"), r.get("value"), r.get("note"), "value")
    if empty:
        raise problem("empty_file", Msg("finding.empty_file.header_only"), file=shown)
