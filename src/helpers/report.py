"""What the notebooks call: one ``Report`` per unit and period, whose methods
display the cover, the summary, a section per reform area, the narrative, the
data-quality appendix and the provenance block. Every number comes from
``figures``; every word from ``text``; every chart from ``charts``."""

from __future__ import annotations

import datetime as _dt
import os
import subprocess
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path

from . import __version__, blocks, charts, clock, fmt, leadership
from .catalogue import AREAS, Indicator
from .errors import DataError
from .figures import Calculator, Figure
from .findings import Finding
from .findings import errors as only_errors
from .inputs import input_files, sha256, shown
from .load import DataSet, load_data_cached
from .params import ReportParams, check_unit, project_root, resolve
from .periods import Period
from .results import SCHEMA_VERSION
from .text import LANG, PerLanguage, messages, t
from .validate import check

# Both catalogues are read at import (about 30 ms): the kernel server imports this module once
# and every kernel it forks finds the wording read.
messages("en")

MAX_TREND_CHARTS = 1   # one trend per area keeps the PDF short; the table holds the rest
LEADER_FINDINGS = 20   # the leaders' PDF lists the first 20 findings (errors, then the unit's own); HTML all
COMPARE_ENDS = 15      # a comparison across more than 2 x 15 sub-units shows the 15 highest and the 15 lowest


@dataclass
class Report:
    period: Period
    unit: str
    data_dir: Path
    lang: str
    ds: DataSet
    generated_at: _dt.datetime = field(default_factory=clock.now)

    # -- construction ----------------------------------------------------------------
    @classmethod
    def open(cls, period, unit, data_dir, language, root=None) -> "Report":
        """The notebook's parameters (strings; their defaults live in its ``parameters`` cell,
        nowhere else) resolved once, here at the kernel's edge: from ``cchc-report run``
        ``data_dir`` arrives absolute and nothing is resolved."""
        params = resolve(dict(period=period, unit=unit, data_dir=data_dir, language=language),
                         root or project_root())
        return cls.from_params(params)

    @classmethod
    def from_params(cls, params: ReportParams) -> "Report":
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
        """The period's findings about this unit, its sub-units, or the whole data set."""
        mine = {self.unit, *(u.code for u in self.ds.units.descendants(self.unit))}
        return [replace(f, file=self._shown_file(f.file)) if f.file else f
                for f in check(self.ds, [self.period]) if f.unit is None or f.unit in mine]

    def _shown_file(self, name: str) -> str:
        """A finding's file as the report shows it: relative to the data folder."""
        path = Path(name)
        return shown(path if path.is_absolute() else Path.cwd() / path, self.data_dir)

    @cached_property
    def figures(self) -> dict[str, Figure]:
        return self.calc.figures(self.unit, self.period)

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

    @property
    def previous_window(self):
        return self.period.previous().ytd() if self.shows_ytd else self.period.previous()

    @cached_property
    def flags(self) -> dict:
        """``{code: [Flag]}``: figures with a data-quality finding or a sum missing sub-units."""
        return leadership.flags(self.figures, self.findings, self.calc, self.unit, self.lang, self.shows_ytd)

    @cached_property
    def leagues(self) -> list:
        return leadership.leagues(self.calc, self.unit, self.window, self.previous_window, self.period.year)

    @cached_property
    def overdue_rows(self):
        return leadership.overdue(self.calc, self.unit, self.period)

    def _f(self, value, ind: Indicator) -> str:
        return fmt.value(value, ind.unit, self.lang, ind.decimals)

    # -- which indicators ------------------------------------------------------------------
    def displayed(self, area: str) -> list[Figure]:
        """Indicators of an area a reader sees: not mere ratio inputs, and with data."""
        out = []
        for ind in self.ds.catalogue.in_area(area):
            if not ind.headline and self.ds.catalogue.ratios_using(ind.code):
                continue
            fig = self.figures[ind.code]
            if any(v.value is not None for v in (fig.current, fig.ytd, fig.previous, fig.last_year)):
                out.append(fig)
        return out

    def headline(self) -> list[Figure]:
        return [self.figures[i.code] for i in self.ds.catalogue.headline()
                if self.figures[i.code].current.value is not None or self.figures[i.code].ytd.value is not None]

    # -- blocks ------------------------------------------------------------------------------
    def cover(self, title_key: str = "report.title"):
        """Title, unit, period, date and data status."""
        need = self.period.ytd().month_codes()
        have = [m for m in need if m in self.ds.files]
        errs = only_errors(self.findings)
        status = t(self.lang, "report.data_status_value", have=len(have), need=len(need), errors=len(errs),
                   warnings=len(self.findings) - len(errs))
        rows = [(t(self.lang, "report.unit"), self.unit_name),
                (t(self.lang, "report.period"), self.period.label(self.lang))]
        if self.shows_ytd:
            rows.append((t(self.lang, "report.ytd"), self.period.ytd().label(self.lang)))
        rows += [(t(self.lang, "report.generated"), fmt.date(self.generated_at.date(), self.lang)),
                 (t(self.lang, "report.data_status"), status)]
        merger = self.ds.units.merger_note(self.unit, self.period, self.lang)
        blocks.show(blocks.Cover(t(self.lang, title_key), self.header, rows, running_header=self.header,
                                 note=merger))

    def toc(self):
        blocks.show(blocks.Contents(t(self.lang, "report.toc")))

    # -- figures tables ----------------------------------------------------------------------------
    def _status_cell(self, status: str) -> blocks.Cell:
        return blocks.Cell(t(self.lang, f"status.{status}"), status=status)

    def _show(self, value, ind: Indicator, fig: Figure | None = None) -> str:
        if ind.kind == "rank" and fig is not None and value is not None:
            return leadership.rank_text(value, fig.rank_field)
        return leadership.show(value, ind, self.lang)

    def _value_cell(self, fig: Figure, value, mark: str | None = None) -> blocks.Cell:
        if not value.comparable:                 # before a merger, for what does not add up
            return blocks.Cell(value.not_comparable_text(self.lang))
        marks = ("*" if value.computed else "") + (mark or "")
        return blocks.Cell(self._show(value.value, fig.indicator, fig), mark=marks or None)

    def _target_cell(self, fig: Figure) -> blocks.Cell:
        """The target; a year-end target before December shows its pace on a second line."""
        pace = t(self.lang, "report.pace", pace=leadership.show(fig.pace, fig.indicator, self.lang)) \
            if fig.pace is not None else None
        return blocks.Cell(leadership.target_text(fig, self.lang, with_pace=False), note=pace)

    def _name_cell(self, fig: Figure) -> blocks.Cell:
        return blocks.Cell(fig.indicator.name(self.lang), note=fig.indicator.target_label(self.lang) or None)

    def _flag_marks(self, figs: list[Figure]) -> tuple[dict, list[str]]:
        """``{code: "⚠1"}`` and the footnotes under the table."""
        marks, numbers = {}, {}
        for fig in figs:
            for flag in self.flags.get(fig.code, []):
                n = numbers.setdefault(flag.text, len(numbers) + 1)     # one footnote per finding
                marks[fig.code] = (marks.get(fig.code, "") + f" ⚠{n}").strip()
        return marks, [f"⚠{n} {text}" for text, n in numbers.items()]

    def _value_columns(self) -> list:
        """This period, vs previous, vs same period last year, year to date and vs last year to date
        (a year: the year and vs the previous year only)."""
        L, C = self.lang, blocks.Column
        if self.is_year:
            return [C(t(L, "report.value"), 0.13, "right", self.period.label(L)),
                    C(t(L, "report.change_year"), 0.15, "right")]
        cols = [C(t(L, "report.value"), 0.11, "right", self.period.label(L)),
                C(t(L, "report.change_prev"), 0.12, "right"),
                C(t(L, "report.change_ly"), 0.12, "right")]
        if self.shows_ytd:
            cols += [C(t(L, "report.ytd"), 0.11, "right", self.period.ytd().label(L)),
                     C(t(L, "report.ytd_change"), 0.12, "right")]
        return cols

    def _value_cells(self, fig: Figure, mark: str | None) -> list:
        L = self.lang
        cells = [self._value_cell(fig, fig.current, None if self.shows_ytd else mark)]
        if self.is_year:
            return cells + [leadership.change_text(fig, fig.previous, L)]
        cells += [leadership.change_text(fig, fig.previous, L), leadership.change_text(fig, fig.last_year, L)]
        if self.shows_ytd:
            cells += [self._value_cell(fig, fig.ytd, mark), leadership.ytd_change_text(fig, L)]
        return cells

    def table(self, figs: list[Figure]) -> blocks.Table:
        """Indicators with a target: value, comparisons, year to date, target, judgement; a doubtful
        figure carries ⚠ and its footnote."""
        L, C = self.lang, blocks.Column
        figs = leadership.targeted(figs)
        marks, notes = self._flag_marks(figs)
        columns = [C(t(L, "report.indicator"), 0.2)] + self._value_columns() + \
            [C(t(L, "report.target"), 0.1, "right"), C(t(L, "report.status"), 0.12)]
        rows = [[self._name_cell(f)] + self._value_cells(f, marks.get(f.code))
                + [self._target_cell(f), self._status_cell(leadership.status_shown(f, self.shows_ytd))]
                for f in figs]
        if any(f.current.computed or f.ytd.computed for f in figs):
            notes.append(t(L, "report.computed_note"))
        return blocks.Table(columns, rows, notes=notes, css_class="cchc-kpi")

    def reference_table(self, figs: list[Figure]) -> blocks.Table:
        """Figures without a target ("số liệu tham khảo"): no judgement column."""
        L, C = self.lang, blocks.Column
        figs = leadership.reference(figs)
        marks, notes = self._flag_marks(figs)
        columns = [C(t(L, "report.indicator"), 0.3)] + self._value_columns()
        rows = [[blocks.Cell(f.indicator.name(L), note=f.indicator.target_label(L) or None)]
                + self._value_cells(f, marks.get(f.code)) for f in figs]
        if any(f.current.computed or f.ytd.computed for f in figs):
            notes.append(t(L, "report.computed_note"))
        return blocks.Table(columns, rows, notes=notes, css_class="cchc-kpi")

    def _tables(self, figs: list[Figure], heading=None) -> list:
        out = []
        if leadership.targeted(figs):
            out.append(self.table(figs))
        if leadership.reference(figs):
            ref = [blocks.Paragraph(t(self.lang, "report.reference"), "muted"), self.reference_table(figs)]
            out.append(blocks.Group(ref) if len(leadership.reference(figs)) <= 8 else ref[0])
            if len(leadership.reference(figs)) > 8:
                out.append(ref[1])
        if heading is not None and heading.level == 1:     # a chapter starts a page: nothing to keep with
            out = [heading] + out
        elif heading is not None and out:                  # a heading never ends a page
            out[0] = blocks.Group([heading, out[0]])
        elif heading is not None:
            out = [heading]
        return out

    # -- page one -------------------------------------------------------------------------------------
    def _figures_by_area(self) -> dict[str, list[Figure]]:
        return {area: self.displayed(area) for area in AREAS}

    def lead(self) -> str:
        """What the page compares: a year with the previous year; a period with its predecessor and the
        same period last year, and, where it differs, year to date with last year to date."""
        L = self.lang
        key = "report.lead_year" if self.is_year else ("report.lead_ytd" if self.shows_ytd else "report.lead_period")
        return t(L, key, period=self.period.label(L), unit=self.unit_name, ytd=self.window.label(L),
                 ly=self.window.same_period_last_year().label(L))

    def key_messages(self) -> list[str]:
        return leadership.key_messages(self.calc, self.figures, self.period, self.lang, self.shows_ytd,
                                       self.flags, self.leagues)

    def area_lights(self) -> list:
        return leadership.area_lights(self._figures_by_area(), self.lang, self.shows_ytd)

    def conclusions(self):
        """Page one, "Kết luận chung": the verdict, 3–6 key messages, the 766 rank with its field and
        movement, and a traffic light per reform area."""
        L, C = self.lang, blocks.Column
        shown = [f for figs in self._figures_by_area().values() for f in figs]
        verdict = leadership.verdict(shown, L, self.shows_ytd)
        items = [blocks.Heading(t(L, "report.conclusions"), level=1),
                 blocks.Paragraph(self.lead(), "muted"),
                 blocks.Paragraph(verdict, "lead")]
        rank = leadership.rank_line(self.figures, L)
        if rank:
            items.append(blocks.Paragraph(rank, "lead"))
        items.append(blocks.Bullets(self.key_messages()))
        rows = [[blocks.Cell(a.name, bold=True), self._status_cell(a.status), a.detail] for a in self.area_lights()]
        grid = blocks.Table([C(t(L, "report.area"), 0.34), C(t(L, "report.status"), 0.16),
                             C(t(L, "report.detail"), 0.5)], rows,
                            keep_together=True)
        blocks.show(*items, blocks.Group([blocks.Heading(t(L, "report.areas_grid"), level=3), grid]))

    def summary(self):
        """The headline indicators: those with a target judged, the others as reference figures."""
        L = self.lang
        heading = blocks.Heading(t(L, "report.summary"), level=1)
        shown = self._tables(self.headline(), heading)
        items = [dict(label=f.indicator.name(L), value=leadership.value_shown(f, self.shows_ytd),
                      target=f.target, unit=f.indicator.unit, direction=f.indicator.direction,
                      status=leadership.status_shown(f, self.shows_ytd), decimals=leadership.decimals_of(f.indicator))
                 for f in self.headline() if f.target is not None]
        if items:
            shown.append(blocks.Chart.from_figure(charts.target_progress_chart(
                items, title=t(L, "report.progress_title", ytd=self.window.label(L)), lang=L)))
        blocks.show(*shown)

    def section(self, area: str):
        """One reform area: its figures (judged, then reference), a trend and a comparison chart."""
        L = self.lang
        name = AREAS[area].name(L)
        figs = self.displayed(area)
        if not figs:
            blocks.show(blocks.Group([blocks.Heading(name, 2), blocks.Paragraph(t(L, "report.no_figures"), "muted")]))
            return
        shown = self._tables(figs, blocks.Heading(name, 2))
        shown += [self.trend(f.indicator) for f in self._chart_indicators(figs)]
        compared = next((f for f in figs if self._has_children_data(f.indicator)), None)
        if compared is not None:
            shown.append(self.compare(compared.indicator))
        blocks.show(*shown)

    # -- league tables and overdue dossiers --------------------------------------------------------------
    def league_table(self, lg) -> blocks.Table:
        L, C = self.lang, blocks.Column
        ind = lg.indicator
        cols = [C(t(L, "report.rank"), 0.07, "right"), C(t(L, "report.unit"), 0.3),
                C(t(L, "report.score_total") if lg.extra_columns else ind.name(L), 0.12, "right", lg.window.label(L))]
        cols += [C(e.name(L).split("(")[0].replace("Điểm nhóm ", "").strip() if L == "vi" else
                   e.name(L).replace("766 group: ", ""), 0.09, "right") for e in lg.extra_columns]
        cols += [C(t(L, "report.rank_change"), 0.12, "right")]
        judged = lg.target is not None or any(r.status not in ("no_target", "no_data") for r in lg.rows)
        if judged:
            cols.append(C(t(L, "report.status"), 0.13))
        rows = []
        for r in lg.rows:
            row = [str(r.rank), blocks.Cell(r.unit.name(L), note=r.incomplete and
                                            t(L, "report.flag_incomplete", n=r.incomplete.split("/")[0],
                                              total=r.incomplete.split("/")[1])),
                   leadership.show(r.value, ind, L)]
            row += [leadership.show(v, e, L) for v, e in zip(r.extra, lg.extra_columns)]
            row.append(leadership.places_text(r.rank_change, L))
            if judged:
                row.append(self._status_cell(r.status))
            rows.append(row)
        notes = []
        if lg.target is not None:
            fig = self.figures.get(ind.code)
            notes.append(f"{t(L, 'report.target')}: {leadership.target_text(fig, L, False)}" if fig else "")
        return blocks.Table(cols, rows, notes=[n for n in notes if n], pdf_rows=5)

    def league_tables(self):
        """Sub-units ranked on the indicators leadership steers by; top and bottom five in the PDF,
        every unit in the HTML."""
        L = self.lang
        if not self.leagues:
            return
        shown = [blocks.Heading(t(L, "report.leagues"), level=1),
                 blocks.Paragraph(t(L, "report.leagues_lead", window=self.window.label(L),
                                    previous=self.previous_window.label(L)), "muted")]
        for lg in self.leagues:
            title = t(L, "report.league_title", name=lg.indicator.name(L), level=t(L, f"report.level_{lg.level}"))
            shown.append(blocks.Group([blocks.Heading(title, level=3), self.league_table(lg)]))
        blocks.show(*shown)

    def overdue(self):
        """Dossiers resolved late (resolved − on time) and, where reported, pending past their deadline:
        for the period and the year to date, by unit, worst first."""
        L, C = self.lang, blocks.Column
        own, rows = self.overdue_rows
        head = blocks.Heading(t(L, "report.overdue"), level=2)
        if own is None and not rows:
            blocks.show(blocks.Group([head, blocks.Paragraph(t(L, "report.no_overdue"), "muted")]))
            return
        pending = any(r.pending is not None for r in rows + ([own] if own else []))
        cols = [C(t(L, "report.unit"), 0.34), C(t(L, "report.late_period"), 0.15, "right", self.period.label(L))]
        if self.shows_ytd:
            cols += [C(t(L, "report.late_ytd"), 0.15, "right", self.period.ytd().label(L))]
        cols += [C(t(L, "report.late_rate"), 0.15, "right")]
        if pending:
            cols.append(C(t(L, "report.pending_overdue"), 0.15, "right"))

        def cells(r, name, bold=False):
            out = [blocks.Cell(name, bold=bold), blocks.Cell(fmt.number(r.late, L), bold=bold)]
            if self.shows_ytd:
                out.append(blocks.Cell(fmt.number(r.late_ytd, L), bold=bold))
            out.append(blocks.Cell(fmt.percent(r.late_rate_ytd, L, 2), bold=bold))
            if pending:
                out.append(blocks.Cell(fmt.number(r.pending, L), bold=bold))
            return out

        body = ([cells(own, t(L, "report.whole_unit"), True)] if own else []) + [cells(r, r.unit.name(L)) for r in rows]
        lead = t(L, "report.overdue_lead", pending=t(L, "report.overdue_pending_lead") if pending else "")
        blocks.show(blocks.Group([head, blocks.Paragraph(lead, "muted")]),
                    blocks.Table(cols, body, pdf_rows=(6, 5) if own else 5))

    def _chart_indicators(self, figs: list[Figure]) -> list[Figure]:
        figs = [f for f in figs if f.indicator.cadence == "monthly"]
        ratios = [f for f in figs if f.indicator.is_ratio and f.indicator.headline]
        ratios += [f for f in figs if f.indicator.is_ratio and not f.indicator.headline]
        others = [f for f in figs if not f.indicator.is_ratio and f.indicator.aggregation == "sum"]
        return (ratios + others)[:MAX_TREND_CHARTS]

    def _has_children_data(self, ind: Indicator) -> bool:
        if not (ind.is_ratio or ind.additive):
            return False
        return sum(v.value is not None for _u, v in self.calc.children(self.unit, ind.code, self.period)) >= 2

    def _cumulative(self, ind: Indicator) -> bool:
        """A flow measured against a yearly quota (e-ID) only means something year to date."""
        return ind.is_ratio and self.ds.catalogue[ind.denominator].aggregation == "last" and \
            any(self.ds.catalogue[c].aggregation == "sum" for c in ind.numerator)

    def trend(self, ind: Indicator) -> blocks.Chart:
        """This year's months (January to the period's end) against all of last year's.

        Calendar years, not the last 12 months: many figures run from January
        against a yearly plan or quota (plan tasks done, disbursement, e-ID) and
        restart each January, so a 12-month window would show a fall from 96 % to
        8 % that is only the new year. Indicators measured year to date
        (``_cumulative``) plot each month's year-to-date value, the figure the
        report judges; the others plot each month's own value. Months after the
        period are empty, months without figures are gaps."""
        L = self.lang
        year = self.period.year
        months = [Period.month(year, m) for m in range(1, 13)]
        windows = [m.ytd() for m in months] if self._cumulative(ind) else months
        at = self.period.end.code             # the unit as it is in the period (after a merger: its predecessors' sums)
        shown = windows[:self.period.last]          # nothing after the period is read
        values = [self.calc.value(self.unit, ind.code, w, at).value for w in shown] + [None] * (12 - len(shown))
        before = [w.same_period_last_year() for w in windows]
        then = [self.calc.value(self.unit, ind.code, w, at) for w in before]
        last_year = [v.value for v in self._like_for_like(ind, before, then, at)]
        key = "report.trend_ytd_title" if self._cumulative(ind) else "report.trend_title"
        fig = charts.trend_chart([charts.month_label(m.first, L) for m in months], values, last_year,
                                 title=t(L, key, name=ind.name(L), year=year, last=year - 1),
                                 unit=ind.unit, lang=L, year=year, decimals=leadership.decimals_of(ind),
                                 target=self.calc.target(self.unit, ind.code, year))
        return blocks.Chart.from_figure(fig)

    def _like_for_like(self, ind: Indicator, windows: list, then: list, at: str) -> list:
        """Last year's points: a window across the unit's start with nothing before it (a new
        commune's 2025 year to date) is left out, and so is every later point of a year to date."""
        kept = [self.calc.like_for_like(self.unit, ind, w, v, at) for w, v in zip(windows, then)]
        if self._cumulative(ind):
            cut = next((i for i, v in enumerate(kept) if not v.comparable), len(kept))
            kept = kept[:cut] + [replace(v, value=None) for v in kept[cut:]]
        return kept

    def compare(self, ind: Indicator) -> blocks.Chart:
        L = self.lang
        window = self.period.ytd() if self.shows_ytd else self.period
        rows = [(u, v) for u, v in self.calc.children(self.unit, ind.code, window) if v.value is not None]
        target = self.calc.target(self.unit, ind.code, self.period.year)
        title = t(L, "report.compare_title", name=ind.name(L), period=window.label(L))
        if len(rows) > 2 * COMPARE_ENDS:         # a hundred communes: bars a leader can read, and says so
            title = t(L, "report.compare_title_ends", name=ind.name(L), period=window.label(L), n=COMPARE_ENDS,
                      total=len(rows))
            rows = highest_and_lowest(rows, COMPARE_ENDS)
        fig = charts.comparison_chart(
            [u.name(L) for u, _v in rows], [v.value for _u, v in rows],
            title=title, unit=ind.unit, lang=L,
            target=target, direction=ind.target_op or ind.direction, decimals=leadership.decimals_of(ind),
            statuses=[self.calc.judge(u.code, ind, v.value, self.calc.target(u.code, ind.code, self.period.year),
                                      window)[0] for u, v in rows])
        return blocks.Chart.from_figure(fig)

    def narrative(self):
        """The analysts' commentary for this unit, period and language, resolved and sanitised
        by ``helpers.notes`` (images only from inside the data folder, nothing fetched)."""
        from . import notes
        L = self.lang
        note = notes.for_report(self.data_dir, self.period, self.unit, self.ds.units, L)
        head = blocks.Heading(t(L, "report.narrative"), 2)
        if note.text is None:
            blocks.show(head, blocks.Paragraph(note.missing_sentence, "muted"))
            return
        blocks.show(head, blocks.Markdown(note.text, note.images))

    def leader_where(self, f: Finding) -> str:
        """Where a finding is, as a leader reads it: unit, indicator and month names (no file, row or code)."""
        L = self.lang
        parts = []
        if f.unit:
            parts.append(self.ds.units.name(f.unit, L))
        if f.indicator and f.indicator in self.ds.catalogue:
            parts.append(self.ds.catalogue[f.indicator].name(L))
        if f.period:
            try:
                parts.append(Period.parse(f.period).label(L))
            except Exception:
                pass
        return ", ".join(parts)

    def findings_block(self, title_key: str = "report.findings"):
        """The data-quality appendix of the leaders' report, in their words (the data-quality
        report lists the same findings with files and rows for the analysts)."""
        L = self.lang
        head = blocks.Heading(t(L, title_key), 2)
        if not self.findings:
            blocks.show(blocks.Group([head, blocks.Paragraph(t(L, "report.no_findings"))]))
            return
        errs = only_errors(self.findings)
        lead = t(L, "report.findings_lead", errors=len(errs), warnings=len(self.findings) - len(errs))
        found = sorted(self.findings, key=lambda f: (not f.is_error, f.unit != self.unit))   # stable: then as found
        rows = [[blocks.Cell(t(L, f"report.severity_{f.severity}"), bold=f.is_error), self.leader_where(f),
                 leadership.leader_message(f, self.calc, L)] for f in found]
        table = blocks.Table([blocks.Column(t(L, "report.severity"), 0.12), blocks.Column(t(L, "report.location"), 0.3),
                              blocks.Column(t(L, "report.message"), 0.58)], rows, pdf_rows=(LEADER_FINDINGS, 0))
        shown = [blocks.Group([head, blocks.Paragraph(lead)]), table]
        if len(rows) > LEADER_FINDINGS:          # a hundred communes' jumps are the analysts' list, not a leader's
            shown.append(blocks.Paragraph(t(L, "report.findings_cut", shown=LEADER_FINDINGS, total=len(rows)),
                                          "muted"))
        blocks.show(*shown)

    # -- provenance ------------------------------------------------------------------------
    def input_files(self) -> list[Path]:
        """The files this report reads (the one list; see :mod:`helpers.inputs`)."""
        return input_files(self.data_dir, self.period, self.unit, self.lang, self.ds.units)

    def inputs(self) -> dict[str, str]:
        """``{path relative to the data folder: sha256}`` of the input files that exist."""
        return {shown(p, self.data_dir): sha256(p) for p in self.input_files() if p.is_file()}

    def parameters(self) -> dict:
        """The parameters as the appendix shows them: the data folder by its name, never
        an absolute machine path."""
        return {"period": self.period.code, "unit": self.unit, "data_dir": self.data_dir.name,
                "language": self.lang}

    def provenance(self):
        """The technical annex: parameters, code version and one sha256 per input file."""
        L = self.lang
        params = ", ".join(f"{k}={v}" for k, v in self.parameters().items())
        facts = blocks.Facts([(t(L, "report.parameters"), params), (t(L, "report.code_version"), code_version()),
                              (t(L, "report.generated_at"), fmt.datetime(self.generated_at, L))])
        hashes = blocks.Table([blocks.Column(t(L, "report.inputs"), 0.3), blocks.Column("sha256", 0.7)],
                              [[p, h] for p, h in self.inputs().items()], css_class="cchc-provenance")
        blocks.show(blocks.Heading(t(L, "report.provenance"), 1),
                    blocks.Group([facts, hashes], keep_together=False, style="small"))

    # -- metrics.json -------------------------------------------------------------------------
    def metrics(self) -> dict:
        """metrics.json: the same values whatever the language of the edition (labels and
        messages in Vietnamese; each finding's ``kind`` is a stable code), laid out as
        :data:`helpers.results.SCHEMA_VERSION` says."""
        return {
            "schema_version": SCHEMA_VERSION, "period": self.period.code, "unit": self.unit,
            "unit_name": self.ds.units.name(self.unit, "vi", self.period.end.code),
            "period_label": self.period.label("vi"),
            "generated_at": self.generated_at.isoformat(), "inputs": self.inputs(),
            "code_version": code_version(),
            "indicators": {code: f.to_dict() for code, f in self.figures.items()},
            "findings": [{"severity": f.severity, "kind": f.check, "check": f.check, "indicator": f.indicator,
                          "unit": f.unit, "period": f.period, "file": f.file, "row": f.row,
                          "message": f.message("vi")} for f in self.findings],
            **self.leadership_metrics(),
        }

    def leadership_metrics(self) -> dict:
        """The judgements of page one and the league tables, language-neutral (codes, numbers, statuses)."""
        own, rows = self.overdue_rows

        def overdue_row(r):
            return {"unit": r.unit.code, "late": _num(r.late), "late_ytd": _num(r.late_ytd),
                    "late_rate_ytd": _num(r.late_rate_ytd), "pending_overdue": _num(r.pending)}

        return {
            "areas": {a.area: a.status for a in leadership.area_lights(self._figures_by_area(), "en",
                                                                       self.shows_ytd)},
            "leagues": [{"indicator": lg.indicator.code, "level": lg.level, "window": lg.window.code,
                         "target": _num(lg.target),
                         "rows": [{"unit": r.unit.code, "value": _num(r.value), "rank": r.rank,
                                   "previous_rank": r.previous_rank, "rank_change_places": r.rank_change,
                                   "status": r.status} for r in lg.rows]} for lg in self.leagues],
            "overdue": {"unit": overdue_row(own) if own else None, "sub_units": [overdue_row(r) for r in rows]},
            "flagged": {code: len(fl) for code, fl in self.flags.items()},
        }

    # -- the result the runner reads back -------------------------------------------------------
    def result(self) -> dict:
        """What ``cchc-report run`` needs from this one computation: the title and running
        header of the HTML and PDF, the edition's language, and metrics.json."""
        return {"title": self.title, "header": self.header, "language": self.lang, "metrics": self.metrics()}

    def glue(self) -> None:
        """The notebook's last cell: hand :meth:`result` to the runner inside the notebook."""
        from . import glue
        glue.glue(self.result())

    # -- data-quality notebook ---------------------------------------------------------------------
    def coverage(self):
        """Which units reported the monthly indicators expected of their level, and what is missing."""
        L = self.lang
        at = self.period.end.code             # the units that exist at the period's end
        top = self.ds.units.get(self.unit, at) or self.ds.units[self.unit]
        units = [top, *self.ds.units.descendants(self.unit, at)]
        months = self.period.month_codes()
        rows, shares = [], []
        for u in units:
            expected = [i for i in self.ds.catalogue
                        if not i.is_ratio and i.cadence == "monthly" and u.level in i.levels]
            missing = [i.code for i in expected      # a sum of the sub-units' rows counts as reported
                       if not any(self.calc.month_value(u.code, i.code, m).value is not None for m in months)]
            share = None if not expected else Decimal(len(expected) - len(missing)) * 100 / len(expected)
            shares.append(share)
            shown = ", ".join(missing[:8]) + (" …" if len(missing) > 8 else "")
            rows.append([blocks.Cell(u.name(L), note=f"({u.code})"),
                         f"{len(expected) - len(missing)}/{len(expected)}", shown or "—"])
        chart = blocks.Chart.from_figure(charts.comparison_chart(
            [u.name(L) for u in units], shares, title=t(L, "report.coverage_title", period=self.period.label(L)),
            unit="percent", lang=L, target=Decimal(100), decimals=0))
        table = blocks.Table([blocks.Column(t(L, "report.unit"), 0.4),
                              blocks.Column(t(L, "report.units_reporting"), 0.14, "right"),
                              blocks.Column(t(L, "report.missing_codes"), 0.46)], rows)
        blocks.show(blocks.Heading(t(L, "report.coverage"), 2), chart, table)

    def jumps(self):
        L = self.lang
        found = [f for f in self.findings if f.check == "jump"]
        head = blocks.Heading(t(L, "report.jumps"), 2)
        blocks.show(head, self._findings_table(found) if found else blocks.Paragraph(t(L, "report.no_jumps")))

    def _findings_table(self, found) -> blocks.Table:
        L = self.lang
        rows = [[blocks.Cell(t(L, f"report.severity_{f.severity}"), bold=f.severity == "error"), f.where(L),
                 f.message(L)]
                for f in found]
        return blocks.Table([blocks.Column(t(L, "report.severity"), 0.13), blocks.Column(t(L, "report.location"), 0.32),
                             blocks.Column(t(L, "report.message"), 0.55)], rows)

    def findings_overview(self):
        L = self.lang
        head = blocks.Heading(t(L, "report.all_findings"), 2)
        if not self.findings:
            blocks.show(head, blocks.Paragraph(t(L, "report.no_findings")))
            return
        counts: dict = {}
        for f in self.findings:
            key = f.indicator or f.check
            counts.setdefault(key, {}).setdefault(f.severity, 0)
            counts[key][f.severity] += 1
        blocks.show(head, blocks.Chart.from_figure(charts.findings_bar(counts, title=t(L, "report.findings_by"),
                                                                       lang=L)),
                    self._findings_table(self.findings))


def highest_and_lowest(rows: list[tuple], n: int) -> list[tuple]:
    """The ``n`` highest and the ``n`` lowest of ``(unit, Value)`` rows (all of them when that is
    every row), highest first."""
    ranked = sorted(rows, key=lambda row: row[1].value, reverse=True)
    return ranked if len(ranked) <= 2 * n else ranked[:n] + ranked[-n:]


def _num(v):
    """Exact numbers for metrics.json (Decimal -> int or float, unrounded)."""
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() and v.as_tuple().exponent >= 0 else float(v)
    return v


@lru_cache(maxsize=1)
def code_version() -> str:
    """Package version plus the git commit when run from a checkout."""
    root = Path(__file__).resolve().parents[2]
    rev = os.environ.get("CCHC_CODE_REVISION")
    if rev is None and (root / ".git").exists():
        try:
            rev = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                                 text=True, timeout=5).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            rev = ""
    return f"{__version__}" + (f" ({rev})" if rev else "")


def open_report(period, unit, data_dir, language) -> Report:
    """Called by the notebooks' first cell after the parameters."""
    return Report.open(period, unit, data_dir, language)
