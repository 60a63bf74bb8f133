"""Which unit leads the work on each indicator: ``responsibilities.csv`` (``indicator,unit[,note]``).

The package ships one (``data/responsibilities.csv``) covering its catalogue, whose ``unit`` is a
department key of ``data/departments.csv`` (``SNV``, ``VP``, ``STC`` …): it names the department
``<province>-<key>`` of the report's province, as ``cchc-report units`` codes departments (``15-SNV``
in the sample). A data folder's own ``responsibilities.csv`` overrides it indicator by indicator; its
``unit`` is a unit code of ``units.csv`` (or such a key). It is untrusted input, read by
:mod:`helpers.csvfile`: an indicator not in the catalogue, a unit that names no unit, or an indicator
given twice is an error naming the file, row and column. The official report proposes a task for an
indicator behind its target with this lead unit (:mod:`helpers.report.official`)."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Optional

from .csvfile import FileProblem, csv_records, decode_text, error
from .files import unreadable
from .findings import Finding
from .text import Msg

FILE_NAME = "responsibilities.csv"
COLUMNS = ("indicator", "unit")
OPTIONAL = ("note",)


def shipped() -> dict[str, str]:
    """``{indicator: department key}`` of the package's file (trusted: it ships with the code)."""
    return dict(_shipped())


@functools.cache
def _shipped() -> dict[str, str]:
    text = resources.files("helpers").joinpath("data", FILE_NAME).read_text(encoding="utf-8")
    _header, rows = csv_records(text, FILE_NAME, COLUMNS, OPTIONAL)
    return {r["indicator"].strip(): r["unit"].strip() for _line, r in rows if isinstance(r, dict)}


def known_unit(value: str, units) -> bool:
    """A unit code, or a department key some unit's code ends with (``SNV`` -> ``15-SNV``)."""
    return value in units or any(code.endswith("-" + value) for code in units.codes)


def read_folder(data_dir: Path, catalogue, units, shown: str) -> tuple[dict[str, str], list[Finding]]:
    """``({indicator: unit}, findings)`` of ``<data>/responsibilities.csv`` (``({}, [])`` without one)."""
    path = Path(data_dir) / FILE_NAME
    if not path.is_file():
        return {}, []
    try:
        _header, rows = csv_records(decode_text(path.read_bytes(), shown), shown, COLUMNS, OPTIONAL)
        rows = list(rows)
    except OSError as exc:
        return {}, [error("unreadable", unreadable(path, exc).msg, file=shown)]
    except FileProblem as bad:
        return {}, [bad.finding]
    out, found, first = {}, [], {}
    for line, row in rows:
        if isinstance(row, Finding):
            found.append(row)
            continue
        code, unit = (row["indicator"] or "").strip(), (row["unit"] or "").strip()
        where = dict(file=shown, row=line, indicator=code or None)
        if code not in catalogue:
            found.append(error("unknown_indicator", Msg("finding.responsibilities.unknown_indicator", code=code),
                               column="indicator", **where))
        elif code in first:
            found.append(error("duplicate", Msg("finding.responsibilities.twice", code=code, first=first[code]),
                               column="indicator", **where))
        elif not known_unit(unit, units):
            found.append(error("unknown_unit", Msg("finding.responsibilities.unknown_unit", unit=unit[:40]),
                               column="unit", unit=unit or None, **where))
        else:
            first[code] = line
            out[code] = unit
    return out, found


def province_of(unit: str, units, month: Optional[str] = None) -> str:
    """The top of ``unit``'s line of parents (its province in the sample)."""
    seen = set()
    code = unit
    while code not in seen:
        seen.add(code)
        u = units.get(code, month) or units.get(code)
        if u is None or not u.parent or u.parent not in units:
            return code
        code = u.parent
    return code


def lead_of(indicator: str, table: dict[str, str], units, report_unit: str, month: Optional[str] = None):
    """The code of the unit that leads ``indicator`` for a report of ``report_unit``, or ``None``: the
    table's unit as a code, else as the key of a department of the report's province."""
    value = table.get(indicator)
    if not value:
        return None
    if value in units and (units.get(value, month) or month is None):
        return value
    department = f"{province_of(report_unit, units, month)}-{value}"
    if department in units and (month is None or units.get(department, month)):
        return department
    return None
