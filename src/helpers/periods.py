"""Reporting periods: ``2023-10``, ``2023-Q3``, ``2023-H1``, ``2023`` and the
year-to-date window that ends with a period, with Vietnamese/English labels."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ParameterError
from .text import t

_PATTERNS = [
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})-[Qq]([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})-[Hh]([12])$"), "half"),
    (re.compile(r"^(\d{4})$"), "year"),
]


@dataclass(frozen=True, order=True)
class Period:
    """A window of whole months: ``first`` .. ``last`` month of ``year``.

    ``kind`` is ``month``, ``quarter``, ``half``, ``year`` or ``ytd`` (January up
    to ``last``).
    """

    year: int
    first: int
    last: int
    kind: str

    # -- construction -------------------------------------------------------
    @classmethod
    def parse(cls, text) -> "Period":
        if isinstance(text, Period):
            return text
        s = str(text).strip()
        for pattern, kind in _PATTERNS:
            m = pattern.match(s)
            if not m:
                continue
            year = int(m.group(1))
            if not 1900 <= year <= 2200:
                break
            if kind == "month":
                month = int(m.group(2))
                if not 1 <= month <= 12:
                    break
                return cls(year, month, month, "month")
            if kind == "quarter":
                q = int(m.group(2))
                return cls(year, 3 * q - 2, 3 * q, "quarter")
            if kind == "half":
                h = int(m.group(2))
                return cls(year, 6 * h - 5, 6 * h, "half")
            return cls(year, 1, 12, "year")
        raise ParameterError(
            "error.periods.bad_period", text=s)

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls(year, month, month, "month")

    @classmethod
    def ytd_until(cls, year: int, last: int) -> "Period":
        return cls(year, 1, last, "ytd" if last < 12 else "year")

    # -- identity -----------------------------------------------------------
    @property
    def code(self) -> str:
        if self.kind == "month":
            return f"{self.year}-{self.first:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.last // 3}"
        if self.kind == "half":
            return f"{self.year}-H{self.last // 6}"
        if self.kind == "year":
            return f"{self.year}"
        return f"{self.year}-01..{self.last:02d}"

    def __str__(self) -> str:
        return self.code

    # -- months and neighbours ------------------------------------------------
    def months(self) -> list["Period"]:
        return [Period.month(self.year, m) for m in range(self.first, self.last + 1)]

    def month_codes(self) -> list[str]:
        return [p.code for p in self.months()]

    @property
    def end(self) -> "Period":
        return Period.month(self.year, self.last)

    @property
    def length(self) -> int:
        return self.last - self.first + 1

    def previous(self) -> "Period":
        """The period of the same kind just before (Jan 2023 -> Dec 2022)."""
        if self.kind == "ytd":
            return self.same_period_last_year()
        if self.kind == "year":
            return Period(self.year - 1, 1, 12, "year")
        first = self.first - self.length
        if first >= 1:
            return Period(self.year, first, self.last - self.length, self.kind)
        return Period(self.year - 1, first + 12, self.last - self.length + 12, self.kind)

    def same_period_last_year(self) -> "Period":
        return Period(self.year - 1, self.first, self.last, self.kind)

    def ytd(self) -> "Period":
        """January .. the period's last month (a whole year is its own YTD)."""
        return Period.ytd_until(self.year, self.last)

    def trailing_months(self, n: int = 12) -> list["Period"]:
        """The ``n`` months ending with this period's last month."""
        out = []
        y, m = self.year, self.last
        for _ in range(n):
            out.append(Period.month(y, m))
            m -= 1
            if m == 0:
                y, m = y - 1, 12
        return out[::-1]

    # -- labels ---------------------------------------------------------------
    def label(self, lang: str = "vi") -> str:
        year = self.year
        if self.kind == "month":
            return month_label(self.first, year, lang)
        if self.kind == "quarter":
            return t(lang, "period.quarter", quarter=t(lang, f"quarter.{self.last // 3}"), year=year)
        if self.kind == "half":
            return t(lang, "period.first_half" if self.last == 6 else "period.second_half", year=year)
        if self.kind == "year":
            return t(lang, "period.year", year=year)
        return t(lang, f"period.ytd.{self.last}", year=year)

    def short_label(self, lang: str = "vi") -> str:
        """Compact label for chart axes: ``T10/2023`` / ``Oct 2023``."""
        if self.kind == "month":
            return t(lang, "period.month_short", short=t(lang, f"month.short.{self.first}"), year=self.year)
        return self.label(lang)


def month_label(month: int, year: int, lang: str = "vi") -> str:
    """``tháng 10/2023`` / ``October 2023``."""
    return t(lang, "period.month", name=t(lang, f"month.{month}"), year=year)


def month_of_file(name: str) -> Period | None:
    """``2023-10.csv`` -> Period(2023-10); anything else -> None."""
    stem = name.rsplit("/", 1)[-1].split(".", 1)[0]
    try:
        p = Period.parse(stem)
    except ParameterError:
        return None
    return p if p.kind == "month" and stem == p.code else None


def months_read(period: Period) -> list[str]:
    """Every month a report over ``period`` reads: the period, the previous one, the
    same period last year, both year-to-date windows and the 12-month trends (for
    provenance and for deciding which reports a changed month affects)."""
    windows = [period, period.previous(), period.same_period_last_year(), period.ytd(),
               period.ytd().same_period_last_year()]
    months = {m.code for w in windows for m in w.months()}
    trailing = period.trailing_months(12)
    months.update(m.code for m in trailing)
    months.update(m.same_period_last_year().code for m in trailing)
    return sorted(months)
