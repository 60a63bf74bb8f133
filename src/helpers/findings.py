"""Findings of the data checks: a severity, where (file, row/cell, column, unit,
indicator, period) and a message (a key of the catalogue with its parameters, see
``helpers.text``), printed as one line in any language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .text import Msg, t

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    severity: str
    check: str
    msg: Msg
    file: Optional[str] = None
    row: Optional[object] = None      # a CSV line number, or an Excel cell such as "so_lieu!C5"
    column: Optional[str] = None
    unit: Optional[str] = None
    indicator: Optional[str] = None
    period: Optional[str] = None
    count: int = 1                    # how many problems this line stands for (a "… and N more" line)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def message(self, lang: str = "vi") -> str:
        return self.msg.text(lang)

    @property
    def message_vi(self) -> str:
        return self.message("vi")

    @property
    def message_en(self) -> str:
        return self.message("en")

    def where(self, lang: str = "vi") -> str:
        return location(lang, self.file, self.row, self.column, period=None if self.file else self.period,
                        unit=self.unit, indicator=self.indicator)

    def line(self, lang: str = "vi") -> str:
        """``LỖI data/periods/2023-10.csv, dòng 5, cột value, đơn vị 080, chỉ tiêu x: …``"""
        label = t(lang, f"finding.severity.{self.severity}")
        where = self.where(lang)
        return f"{label} {where}: {self.message(lang)}" if where else f"{label}: {self.message(lang)}"


def location(lang: str, file=None, row=None, column=None, *, period=None, unit=None, indicator=None) -> str:
    """``data/periods/2023-10.csv, dòng 5, cột value, đơn vị 080``: where a finding or an error is
    (a row is a line number, or an Excel cell such as ``so_lieu!C5``)."""
    parts = [file] if file else []
    if row is not None:
        parts.append(t(lang, "where.row", row=row) if isinstance(row, int) else str(row))
    for key, value in (("where.column", column), ("where.period", period), ("where.unit", unit),
                       ("where.indicator", indicator)):
        if value:
            parts.append(t(lang, key, **{key.split(".")[1]: value}))
    return ", ".join(parts)


def errors(findings) -> list[Finding]:
    return [f for f in findings if f.is_error]


def sort_key(f: Finding):
    return (0 if f.is_error else 1, f.file or "", str(f.period or ""), f.count > 1,
            f.row if isinstance(f.row, int) else 0, str(f.row or ""), f.unit or "", f.indicator or "")
