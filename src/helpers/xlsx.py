"""The xlsx side of reading a month: the container checks made before openpyxl opens a workbook
(a CSV renamed ``.xlsx``, an old ``.xls``, a zip bomb, a sheet of a billion cells), rows bounded by
what the file holds, the sheet checks (merged cells, formulas without a value) and the long-form sheet
(``unit, indicator, value[, note]``). The entry workbook's own layout is :mod:`helpers.workbook`."""

from __future__ import annotations

import contextlib
import zipfile
import zlib
from pathlib import Path
from typing import Optional
from xml.parsers import expat

from . import compat, fmt
from .csvfile import LONG_FORM, LONG_FORM_OPTIONAL, FileProblem, check_header, problem
from .text import LANG, Msg, PerLanguage

XLSX_MAGIC = b"PK\x03\x04"
MAX_XLSX_UNPACKED = 500_000_000      # a month's workbook is well under 10 MB unpacked
MAX_SHARED_STRINGS = 200_000         # different texts in a workbook (a month's: a few hundred)
MAX_TEXT_CHARS = 20_000_000          # characters of text in the shared strings, or in one sheet
MAX_CELLS = 500_000                  # cells in one sheet (a month's long form: tens of thousands)
MAX_PART_UNPACKED = 20_000_000       # any other part openpyxl reads whole (styles, workbook …): a few KB
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def _broken_xlsx(exc: Exception, shown: str) -> FileProblem:
    return problem("unreadable", Msg("finding.unreadable.broken", kind=type(exc).__name__), file=shown)


def _check_xlsx_container(path: Path, shown: str) -> None:
    """A CSV renamed .xlsx, an old .xls or a file cut short: one error saying which."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if not head:
        raise problem("empty_file", Msg("finding.empty_file.zero_bytes"), file=shown)
    if head.startswith(OLE_MAGIC):
        raise problem("unreadable", Msg("finding.unreadable.xls_or_password"), file=shown)
    if not head.startswith(XLSX_MAGIC):
        looks_csv = b"," in head or head[:3] == b"\xef\xbb\xbf" or head.isascii()
        raise problem("unreadable", Msg("finding.unreadable.not_xlsx",
                                        looks_csv=Msg("finding.unreadable.looks_csv") if looks_csv else ""),
                      file=shown)
    try:
        with zipfile.ZipFile(path) as z:
            parts = z.infolist()
    except (zipfile.BadZipFile, OSError, EOFError):
        raise problem("unreadable", Msg("finding.unreadable.truncated"), file=shown) from None
    unpacked = sum(i.file_size for i in parts)
    if unpacked > MAX_XLSX_UNPACKED:
        raise problem("too_large", Msg("finding.too_large.unpacked",
                                       mb=PerLanguage(fmt.number, unpacked // 1_000_000, LANG),
                                       max_mb=MAX_XLSX_UNPACKED // 1_000_000), file=shown)
    whole = [i for i in parts if _read_whole(i.filename) and i.file_size > MAX_PART_UNPACKED]
    if whole:
        raise problem("too_large", Msg("finding.too_large.part", part=whole[0].filename,
                                       mb=PerLanguage(fmt.number, whole[0].file_size // 1_000_000, LANG),
                                       max_mb=MAX_PART_UNPACKED // 1_000_000), file=shown)
    _check_shared_strings(path, shown)


def _read_whole(part: str) -> bool:
    """Whether openpyxl reads the xlsx part whole into memory (the workbook, styles, theme,
    relations …): every XML part but the worksheets and shared strings, which are streamed."""
    name = part.lower()
    return name.endswith((".xml", ".rels")) and not name.startswith("xl/worksheets/sheet") \
        and name != "xl/sharedstrings.xml"


def _check_shared_strings(path: Path, shown: str) -> None:
    """The shared strings (every text of the workbook), counted while they are unpacked, before
    openpyxl reads them all into memory: over :data:`MAX_SHARED_STRINGS` texts or
    :data:`MAX_TEXT_CHARS` characters is an error saying which limit."""
    with zipfile.ZipFile(path) as z:
        name = next((n for n in z.namelist() if n.lower() == "xl/sharedstrings.xml"), None)
        if name is None:
            return
        try:
            _SharedStringsScan(shown).run(z.open(name))
        except (expat.ExpatError, zlib.error, zipfile.BadZipFile, OSError, EOFError) as exc:
            raise _broken_xlsx(exc, shown) from None


class _XmlScan:
    """One streaming pass (expat) over an xlsx part, counting as it goes and stopping at the first
    limit passed (:data:`MAX_TEXT_CHARS` here, more in the subclasses): a part of a few hundred KB
    on disk may unpack to gigabytes. Subclasses say what an element start and end do."""

    def __init__(self, shown: str, sheet: Optional[str] = None):
        self.shown, self.sheet = shown, sheet
        self.chars = 0

    def run(self, stream) -> "_XmlScan":
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler, parser.EndElementHandler = self.start, self.end
        parser.CharacterDataHandler = self.text
        with stream:
            for chunk in iter(lambda: stream.read(1 << 16), b""):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        return self

    def start(self, name: str, attrs: dict) -> None:
        pass

    def end(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        self.chars += len(data)
        if self.chars > MAX_TEXT_CHARS:
            raise self.over("finding.too_large.text", MAX_TEXT_CHARS)

    def over(self, key: str, limit: int) -> FileProblem:
        return problem("too_large", Msg(key, limit=PerLanguage(fmt.number, limit, LANG), sheet=self.sheet or ""),
                       file=self.shown)


class _SharedStringsScan(_XmlScan):
    """The shared strings: at most :data:`MAX_SHARED_STRINGS` texts."""

    def __init__(self, shown):
        super().__init__(shown)
        self.strings = 0

    def start(self, name, attrs):
        if name.rpartition(":")[2] == "si":
            self.strings += 1
            if self.strings > MAX_SHARED_STRINGS:
                raise self.over("finding.too_large.strings", MAX_SHARED_STRINGS)


class _SheetScan(_XmlScan):
    """A worksheet: at most :data:`MAX_CELLS` cells; collects its merged ranges and the cells
    holding a formula without a computed value (read-only worksheets keep neither)."""

    def __init__(self, shown, sheet):
        super().__init__(shown, sheet)
        self.cells = 0
        self.merged, self.uncached = [], []
        self.ref = self.type = self.value = None
        self.formula = False

    def start(self, name, attrs):
        tag = name.rpartition(":")[2]
        if tag == "c":
            self.cells += 1
            if self.cells > MAX_CELLS:
                raise self.over("finding.too_large.cells", MAX_CELLS)
            self.ref, self.type, self.value, self.formula = attrs.get("r") or "?", attrs.get("t"), None, False
        elif tag == "v":
            self.value = ""
        elif tag == "f":
            self.formula = True
        elif tag == "mergeCell":
            self.merged.append(attrs.get("ref") or "?")

    def end(self, name):
        if self.formula and name.rpartition(":")[2] == "c":
            if self.value is None or (not self.value and self.type != "str"):
                self.uncached.append(self.ref)
            self.formula = False

    def text(self, data):
        super().text(data)
        if self.value == "":
            self.value = data[:1]                 # whether the value is empty is all that matters



@contextlib.contextmanager
def open_workbook(path: Path, shown: str):
    """``(workbook, facts)`` of an xlsx file (read-only, values only), after the container checks and
    one streamed pass over each sheet (``facts``: :func:`sheet_facts`); a part found broken while it
    is read is one FileProblem. The workbook is closed after."""
    import openpyxl
    _check_xlsx_container(path, shown)
    facts = _scan_sheets(path, shown)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise _broken_xlsx(exc, shown) from None
    try:
        yield wb, facts
    except FileProblem:
        raise
    except (KeyError, OSError, ValueError, EOFError, zlib.error, zipfile.BadZipFile) as exc:    # a part broken
        raise _broken_xlsx(exc, shown) from None
    finally:
        wb.close()


def _scan_sheets(path: Path, shown: str) -> dict:
    """``{sheet title: (merged ranges, cells holding a formula without a computed value)}``,
    each sheet streamed once within the limits of :class:`_SheetScan` before openpyxl opens the
    workbook (it reads a sheet without a declared size whole just to open it)."""
    try:
        sheets = compat.worksheet_parts(path)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise _broken_xlsx(exc, shown) from None
    facts = {}
    with zipfile.ZipFile(path) as z:
        for title, part in sheets:
            with reading_sheet(title, shown):
                scan = _SheetScan(shown, title).run(z.open(part))
            facts[title] = scan.merged, scan.uncached
    return facts


def sheet_facts(facts: dict, ws) -> tuple[list[str], list[str]]:
    """What :func:`_scan_sheets` found in the sheet ``ws`` (titles are unique in a workbook)."""
    return facts.get(ws.title, ([], []))


def check_sheet(ws, shown, facts, locate=None) -> None:
    """Merged cells and formulas without a computed value (``facts``: :func:`sheet_facts`) make a
    sheet unreadable: say so (for a formula, with the unit and indicator ``locate(cell)`` says the
    cell holds, when it can)."""
    merged, uncached = facts
    if merged:
        cells = ", ".join(f"{ws.title}!{r}" for r in merged[:5]) + (" …" if len(merged) > 5 else "")
        raise problem("merged_cells", Msg("finding.merged_cells", cells=cells), file=shown,
                      row=f"{ws.title}!{merged[0]}")
    if uncached:
        more = Msg("finding.formula_without_value.more", n=len(uncached) - 1) if len(uncached) > 1 else ""
        unit, indicator = locate(uncached[0]) if locate else (None, None)
        raise problem("formula_without_value",
                      Msg("finding.formula_without_value", cell=f"{ws.title}!{uncached[0]}", more=more),
                      file=shown, row=f"{ws.title}!{uncached[0]}", unit=unit, indicator=indicator)


def bounded_rows(ws, **kw):
    """``ws.iter_rows`` over the rows present in the file only: a stray value in XFD1048576 makes
    the declared dimension a billion empty cells, which read-only mode would otherwise pad."""
    ws.reset_dimensions()
    return ws.iter_rows(values_only=True, **kw)


def long_form_rows(wb, shown, facts):
    """Rows ``(row, unit, indicator, raw value, note, "Sheet!C7")`` of the first sheet whose header
    names the long form's columns (``unit, indicator, value[, note]``)."""
    for ws in wb.worksheets:
        with reading_sheet(ws.title, shown):
            rows = _long_form_rows(ws, shown, sheet_facts(facts, ws))
        if rows is not None:
            return rows
    raise problem("missing_column", Msg("finding.missing_column.no_sheet"), file=shown, row=1)


def _long_form_rows(ws, shown, facts):
    """The sheet's rows when its header names the long form's columns, else None."""
    rows = bounded_rows(ws)
    header = next(rows, None)
    if not header:
        return None
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    while names and not names[-1]:
        names.pop()
    if not all(c in names for c in LONG_FORM):
        return None
    check_header(names, shown, LONG_FORM, LONG_FORM_OPTIONAL, sheet=ws.title)
    idx = {c: names.index(c) for c in LONG_FORM + LONG_FORM_OPTIONAL if c in names}
    check_sheet(ws, shown, facts, locate=lambda cell: _unit_and_indicator_of_row(ws, idx, cell))
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
        raise problem("empty_file", Msg("finding.empty_file.sheet", title=ws.title), file=shown)
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
def reading_sheet(title: str, shown: str):
    """While the sheet named ``title`` is read: its XML cut short, holding a control character or
    otherwise damaged is one FileProblem naming the file and the sheet."""
    try:
        yield
    except (SyntaxError, KeyError, OSError, EOFError, zlib.error, zipfile.BadZipFile, expat.ExpatError) as exc:
        raise problem("unreadable", Msg("finding.unreadable.broken_sheet", sheet=title, kind=type(exc).__name__),
                      file=shown) from None


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(index + 1)

