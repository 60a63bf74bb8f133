"""The one place where cchc-report relies on a third-party library's internals.

Each section names the library, what it uses that is not public API, why no public API does it, and the
versions it was checked against; pyproject.toml bounds each library to that range. Everything else in
the package uses public APIs only."""

from __future__ import annotations

# --- openpyxl ---------------------------------------------------------------------------------------
# Checked with openpyxl 3.1.5; pyproject should bound it to openpyxl>=3.1,<3.2 (a minor release may move these).
# helpers.xlsx streams every worksheet part once, within limits, before openpyxl opens the workbook
# (a read-only workbook reads a sheet without a declared size whole just to open it). Which zip part
# holds which sheet is said by the workbook's relations; openpyxl's ExcelReader finds them
# (``read_manifest``, ``read_workbook``, ``parser.find_sheets``, ``valid_files``, ``archive``), which
# is not public API. No public API lists the parts without opening the sheets.

def worksheet_parts(path) -> list[tuple[str, str]]:
    """``(sheet title, zip part)`` of every worksheet of the xlsx file ``path``, in workbook order."""
    from openpyxl.reader.excel import ExcelReader
    reader = ExcelReader(path, read_only=True)
    try:
        reader.read_manifest()
        reader.read_workbook()
        return [(sheet.name, rel.target) for sheet, rel in reader.parser.find_sheets()
                if rel.target in reader.valid_files]
    finally:
        reader.archive.close()


# --- matplotlib -------------------------------------------------------------------------------------


# --- nbconvert --------------------------------------------------------------------------------------


# --- jupyter_client / ipykernel ---------------------------------------------------------------------


# --- jsonschema (import-time) -----------------------------------------------------------------------
