"""What the report's charts show: which indicators get a trend, this calendar year's months
against last year's (like for like), a comparison across sub-units (the highest and the
lowest when there are many), and the target progress of the headline figures."""

from __future__ import annotations

from dataclasses import replace

from .. import blocks, charts
from ..catalogue import Indicator
from ..figures import Figure, status_of
from ..periods import Period
from ..selection import uniform
from ..text import t
from .display import decimals_of, prorated_note, show, target_text
from .leadership import status_shown, value_shown

MAX_TREND_CHARTS = 1   # one trend per area keeps the PDF short; the table holds the rest
TREND_TITLES = {(False, True): "report.trend_title", (True, True): "report.trend_ytd_title",    # (ytd, last year)
                (False, False): "report.trend_title_alone", (True, False): "report.trend_ytd_title_alone"}
COMPARE_ENDS = 10      # a comparison across more than 2 x 10 sub-units shows the 10 highest and the 10 lowest:
                       # twenty bars share a page with the area's trend, thirty took one of their own


class ChartData:
    """The charts of :class:`helpers.report.Report` (a mixin over its model)."""

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
        fig = charts.trend_chart([charts.month_label(m.first, L) for m in months], values, last_year,
                                 title=self._trend_title(ind, last_year),
                                 unit=ind.unit, lang=L, year=year, decimals=decimals_of(ind),
                                 target=self.calc.target(self.unit, ind.code, year))
        return blocks.Chart.from_figure(fig)

    def _trend_title(self, ind: Indicator, last_year: list) -> str:
        """"… năm 2026 so với năm 2025" only when the chart draws a 2025 line: a new commune's title says
        the year it shows and no more."""
        key = TREND_TITLES[self._cumulative(ind), any(v is not None for v in last_year)]
        year = self.period.year
        return t(self.lang, key, name=ind.name(self.lang), year=year, last=year - 1)

    def _like_for_like(self, ind: Indicator, windows: list, then: list, at: str) -> list:
        """Last year's points: a window across the unit's start with nothing before it (a new
        commune's 2025 year to date) is left out, and so is every later point of a year to date."""
        kept = [self.calc.like_for_like(self.unit, ind, w, v, at) for w, v in zip(windows, then)]
        if self._cumulative(ind):
            cut = next((i for i, v in enumerate(kept) if not v.comparable), len(kept))
            kept = kept[:cut] + [replace(v, value=None) for v in kept[cut:]]
        return kept

    def compare(self, ind: Indicator) -> blocks.Chart | blocks.Paragraph:
        """The sub-units side by side; values even across them (thirty bars between 94,98% and 96,46%) are
        a sentence instead, which says the range and how many reach the target (a year-end target judged
        on its pace before December keeps its bars, coloured on track or behind)."""
        L = self.lang
        window = self.period.ytd() if self.shows_ytd else self.period
        rows = [(u, v) for u, v in self.calc.children(self.unit, ind.code, window) if v.value is not None]
        target = self.calc.target(self.unit, ind.code, self.period.year)
        on_pace = target is not None and ind.year_end and self.period.last < 12   # statuses a sentence cannot say
        if len(rows) > 2 and not on_pace and uniform(v.value for _u, v in rows):
            return self._even_sentence(ind, window, [v.value for _u, v in rows], target)
        title = t(L, "report.compare_title", name=ind.name(L), period=window.label(L))
        if len(rows) > 2 * COMPARE_ENDS:         # a hundred communes: bars a leader can read, and says so
            title = t(L, "report.compare_title_ends", name=ind.name(L), period=window.label(L), n=COMPARE_ENDS,
                      total=len(rows))
            rows = highest_and_lowest(rows, COMPARE_ENDS)
        parts = {self.calc.part_year(u.code, ind, window) for u, _v in rows} if target is not None else set()
        if len(parts) == 1 and None not in parts:      # every unit began in the year: the target on their part
            part = parts.pop()
            target = part.target(target)
            title += f" ({prorated_note(part.months, L)})"
        fig = charts.comparison_chart(
            [u.name(L) for u, _v in rows], [v.value for _u, v in rows],
            title=title, unit=ind.unit, lang=L,
            target=target, direction=ind.target_op or ind.direction, decimals=decimals_of(ind),
            statuses=[self.calc.judge(u.code, ind, v.value, self.calc.target(u.code, ind.code, self.period.year),
                                      window)[0] for u, v in rows])
        return blocks.Chart.from_figure(fig)

    def _even_sentence(self, ind: Indicator, window: Period, values: list, target) -> blocks.Paragraph:
        L = self.lang
        said = dict(name=ind.name(L), period=window.label(L), n=len(values), low=show(min(values), ind, L),
                    high=show(max(values), ind, L))
        fig = self.figures[ind.code]
        if target is None or fig.target is None:
            return blocks.Paragraph(t(L, "report.compare_even", **said))
        reached = sum(status_of(v, target, ind.target_op) == "met" for v in values)
        return blocks.Paragraph(t(L, "report.compare_even_target", **said, reached=reached,
                                  target=target_text(fig, L, with_pace=False)))

    def _progress_chart(self) -> blocks.Chart | None:
        """The headline figures with a target against it (none: no chart)."""
        L = self.lang
        items = [dict(label=f.indicator.name(L), value=value_shown(f, self.shows_ytd),
                      target=f.target, unit=f.indicator.unit, direction=f.indicator.direction,
                      status=status_shown(f, self.shows_ytd), decimals=decimals_of(f.indicator))
                 for f in self.headline() if f.target is not None]
        if not items:
            return None
        return blocks.Chart.from_figure(charts.target_progress_chart(
            items, title=t(L, "report.progress_title", ytd=self.window.label(L)), lang=L))


def highest_and_lowest(rows: list[tuple], n: int) -> list[tuple]:
    """The ``n`` highest and the ``n`` lowest of ``(unit, Value)`` rows (all of them when that is
    every row), highest first."""
    ranked = sorted(rows, key=lambda row: row[1].value, reverse=True)
    return ranked if len(ranked) <= 2 * n else ranked[:n] + ranked[-n:]
