"""Findings of the data checks: a severity, where (file, row/cell, column, unit,
indicator, period) and a message (a key of the catalogue with its parameters, see
``helpers.text``), printed as one line in any language."""

from __future__ import annotations

from dataclasses import asdict, dataclass
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
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(t(lang, "where.row", row=self.row) if isinstance(self.row, int) else str(self.row))
        if self.column:
            parts.append(t(lang, "where.column", column=self.column))
        if self.period and not self.file:
            parts.append(t(lang, "where.period", period=self.period))
        if self.unit:
            parts.append(t(lang, "where.unit", unit=self.unit))
        if self.indicator:
            parts.append(t(lang, "where.indicator", indicator=self.indicator))
        return ", ".join(parts)

    def line(self, lang: str = "vi") -> str:
        """``LỖI data/periods/2023-10.csv, dòng 5, cột value, đơn vị 080, chỉ tiêu x: …``"""
        label = t(lang, f"finding.severity.{self.severity}")
        where = self.where(lang)
        return f"{label} {where}: {self.message(lang)}" if where else f"{label}: {self.message(lang)}"

    def to_dict(self, lang: str = "vi") -> dict:
        d = asdict(self)
        del d["msg"]
        d["message"] = self.message(lang)
        return d


def errors(findings) -> list[Finding]:
    return [f for f in findings if f.is_error]


def warnings(findings) -> list[Finding]:
    return [f for f in findings if not f.is_error]


def sort_key(f: Finding):
    return (0 if f.is_error else 1, f.file or "", str(f.period or ""), f.count > 1,
            f.row if isinstance(f.row, int) else 0, str(f.row or ""), f.unit or "", f.indicator or "")
