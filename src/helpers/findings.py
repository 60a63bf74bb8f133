"""Findings of the data checks: a severity, where (file, row/cell, column, unit,
indicator, period) and a message in Vietnamese and English, printed as one line."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Optional

ERROR = "error"
WARNING = "warning"
_LABELS = {
    "vi": {ERROR: "LỖI", WARNING: "CẢNH BÁO", "row": "dòng", "column": "cột", "unit": "đơn vị",
           "indicator": "chỉ tiêu", "period": "kỳ"},
    "en": {ERROR: "ERROR", WARNING: "WARNING", "row": "row", "column": "column", "unit": "unit",
           "indicator": "indicator", "period": "period"},
}


@dataclass(frozen=True)
class Finding:
    severity: str
    check: str
    message_vi: str
    message_en: str
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
        return self.message_en if lang == "en" else self.message_vi

    def where(self, lang: str = "vi") -> str:
        lab = _LABELS["en" if lang == "en" else "vi"]
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"{lab['row']} {self.row}" if isinstance(self.row, int) else str(self.row))
        if self.column:
            parts.append(f"{lab['column']} {self.column}")
        if self.period and not self.file:
            parts.append(f"{lab['period']} {self.period}")
        if self.unit:
            parts.append(f"{lab['unit']} {self.unit}")
        if self.indicator:
            parts.append(f"{lab['indicator']} {self.indicator}")
        return ", ".join(parts)

    def line(self, lang: str = "vi") -> str:
        """``LỖI data/periods/2023-10.csv, dòng 5, cột value, đơn vị 080, chỉ tiêu x: …``"""
        lab = _LABELS["en" if lang == "en" else "vi"]
        where = self.where(lang)
        return f"{lab[self.severity]} {where}: {self.message(lang)}" if where else \
            f"{lab[self.severity]}: {self.message(lang)}"

    def to_dict(self, lang: str = "vi") -> dict:
        d = asdict(self)
        d["message"] = self.message(lang)
        return d


def errors(findings) -> list[Finding]:
    return [f for f in findings if f.is_error]


def warnings(findings) -> list[Finding]:
    return [f for f in findings if not f.is_error]


def sort_key(f: Finding):
    return (0 if f.is_error else 1, f.file or "", str(f.period or ""), f.count > 1,
            f.row if isinstance(f.row, int) else 0, str(f.row or ""), f.unit or "", f.indicator or "")
