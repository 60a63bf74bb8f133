"""The report's model: one unit and period of one data set, opened from the notebook's
parameters, with what every part of the report reads once (its figures, findings, doubtful
figures, league tables, overdue dossiers) and which indicators a reader sees."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .. import clock
from ..catalogue import AREAS
from ..coverage import Coverage, coverage
from ..coverage import findings as coverage_findings
from ..errors import DataError
from ..figures import Calculator, Figure
from ..findings import Finding
from ..findings import errors as only_errors
from ..load import DataSet, load_data_cached
from ..params import ReportParams, check_unit, project_root, resolve
from ..periods import Period
from ..reporting import read_reporting
from ..text import LANG, PerLanguage, t
from ..units import LEVELS
from ..validate import check
from .leadership import flags
from .leagues import leagues, overdue


@dataclass
class ReportModel:
    period: Period
    unit: str
    data_dir: Path
    lang: str
    ds: DataSet
    generated_at: _dt.datetime = field(default_factory=clock.now)

    # -- construction ----------------------------------------------------------------
    @classmethod
    def open(cls, period, unit, data_dir, language, root=None):
        """The notebook's parameters (strings; their defaults live in its ``parameters`` cell,
        nowhere else) resolved once, here at the kernel's edge: from ``cchc-report run``
        ``data_dir`` arrives absolute and nothing is resolved."""
        params = resolve(dict(period=period, unit=unit, data_dir=data_dir, language=language),
                         root or project_root())
        return cls.from_params(params)

    @classmethod
    def from_params(cls, params: ReportParams):
        """Load (once per process while the folder is unchanged), check the unit against
        the units just loaded, and check the data once: this report's findings."""
        ds = load_data_cached(params.data_dir)
        check_unit(params, ds.units, params.data_dir / "units.csv")      # known, and existing in the period
        report = cls(params.period, params.unit, params.data_dir, params.language, ds)
        errs = only_errors(report.findings)
        if errs:
            raise DataError("error.report.data_errors", n=len(errs),
                            first=PerLanguage(errs[0].line, LANG), findings=errs)
        return report

    @cached_property
    def calc(self) -> Calculator:
        return Calculator(self.ds)

    @cached_property
    def findings(self) -> list[Finding]:
        """The period's findings about this unit, its sub-units, or the whole data set; then a warning for
        each sub-unit expected to report that did not, or sent only part (:mod:`helpers.coverage`)."""
        mine = {self.unit, *(u.code for u in self.ds.units.descendants(self.unit))}
        checked = [f for f in check(self.ds, [self.period]) if f.unit is None or f.unit in mine]
        return checked + coverage_findings(self.reporting)

    @cached_property
    def reporting(self) -> Coverage:
        """Who was expected to report for the period, who did, who sent only part."""
        return coverage(self.ds, self.unit, self.period)

    @cached_property
    def figures(self) -> dict[str, Figure]:
        return self.calc.figures(self.unit, self.period)

    # -- names and windows -------------------------------------------------------------
    @property
    def unit_name(self) -> str:
        return self.ds.units.name(self.unit, self.lang, self.period.end.code)   # the version of the period

    @property
    def title(self) -> str:
        return f"{t(self.lang, 'report.title').capitalize()} — {self.unit_name} — {self.period.label(self.lang)}"

    @property
    def header(self) -> str:
        return f"{self.unit_name} — {self.period.label(self.lang)}"

    @property
    def shows_ytd(self) -> bool:
        """A year-to-date column only where it differs from the period (not for Q1, H1, January, a year)."""
        return self.period.first != 1

    @property
    def is_year(self) -> bool:
        return self.period.kind == "year"

    @property
    def window(self):
        """The window the page judges: year to date where it differs from the period."""
        return self.period.ytd() if self.shows_ytd else self.period

    @cached_property
    def data_window(self) -> tuple[_dt.date, _dt.date]:
        """The first and last day the period's figures cover (``reporting.yaml``: calendar or official)."""
        return read_reporting(self.data_dir).window_dates(self.period)

    @property
    def previous_window(self):
        return self.period.previous().ytd() if self.shows_ytd else self.period.previous()

    # -- judgements read by several parts ----------------------------------------------------
    @cached_property
    def flags(self) -> dict:
        """``{code: [Flag]}``: figures with a data-quality finding or a sum missing sub-units."""
        return flags(self.figures, self.findings, self.calc, self.unit, self.lang, self.shows_ytd)

    @cached_property
    def leagues(self) -> list:
        return leagues(self.calc, self.unit, self.window, self.previous_window, self.period.year)

    @cached_property
    def overdue_rows(self):
        return overdue(self.calc, self.unit, self.period)

    # -- which indicators ------------------------------------------------------------------
    def displayed(self, area: str) -> list[Figure]:
        """Indicators of an area a reader sees: not mere ratio inputs, and with data."""
        out = []
        for ind in self.ds.catalogue.in_area(area):
            if not ind.headline and self.ds.catalogue.ratios_using(ind.code):
                continue
            fig = self.figures[ind.code]
            if self._of_a_level_gone(fig):
                continue
            if any(v.value is not None for v in (fig.current, fig.ytd, fig.previous, fig.last_year)):
                out.append(fig)
        return out

    def _of_a_level_gone(self, fig: Figure) -> bool:
        """A part of a total by level (``tthc_published_district``: a code ending in a level) when no unit of
        that level exists in the period's last month (the districts ended in July 2025) and the part is zero
        or not reported: a reader sees the levels there are, not "Số TTHC cấp huyện: 0"."""
        level = fig.code.rsplit("_", 1)[-1]
        if not fig.indicator.parts_of or level not in LEVELS or fig.current.value not in (None, 0):
            return False
        month = self.period.end.code
        return not any(u.level == level and u.valid_in(month) for u in self.ds.units.all_versions())

    def headline(self) -> list[Figure]:
        return [self.figures[i.code] for i in self.ds.catalogue.headline()
                if self.figures[i.code].current.value is not None or self.figures[i.code].ytd.value is not None]

    def _figures_by_area(self) -> dict[str, list[Figure]]:
        return {area: self.displayed(area) for area in AREAS}
