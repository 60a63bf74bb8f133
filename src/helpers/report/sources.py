"""Where a target comes from and how each figure is computed, in words: the note under an indicator's
name (its target's source, or "mặc định theo danh mục"), and the appendix "Phụ lục: Nguồn số liệu và
cách tính" — every indicator the report shows, its formula (numerator, denominator, how the months and
the sub-units add up) and its target with its source, generated from the catalogue in either language."""

from __future__ import annotations

from typing import Optional

from .. import blocks, fmt
from ..catalogue import Catalogue, Indicator
from ..figures import Calculator, Figure, target_source
from ..text import t
from .display import target_text

PUBLISHED = ("score", "rank")      # figures published by others (766 points, PAR INDEX): the period-end value


def source_note(calc: Calculator, fig: Figure, lang: str) -> Optional[str]:
    """The line under a judged indicator's name: "Mục tiêu theo KH 45/KH-UBND …" or "Mục tiêu mặc định
    theo danh mục"; a reference figure keeps the catalogue's words about its scale ("tối đa 100 điểm")."""
    if fig.target is None:
        return fig.indicator.target_label(lang) or None
    source = target_source(calc, fig.unit, fig.code, fig.period.year)
    if source is None:
        return t(lang, "report.target_default")
    return t(lang, "report.target_source", source=source) if source else t(lang, "report.target_no_source")


# -- a formula in words -----------------------------------------------------------------------------------
def aggregation_words(ind: Indicator, lang: str) -> str:
    """How a figure entered each month makes the period's: "tổng các tháng trong kỳ", "giá trị cuối kỳ" …,
    and, for what adds up across units, "tổng các đơn vị trực thuộc khi đơn vị không báo cáo riêng"."""
    if ind.kind in PUBLISHED:
        words = t(lang, "report.formula.published")
    else:
        words = t(lang, "report.formula.sum" if ind.aggregation == "sum" else "report.formula.last")
    if ind.additive:
        words += t(lang, "report.formula.children")
    return words


def formula(catalogue: Catalogue, ind: Indicator, lang: str) -> tuple[str, str]:
    """``(formula, how it adds up)``: "A ÷ B × 100%" and the aggregation of its parts for a ratio; the
    aggregation and nothing more for an entered figure."""
    if not ind.is_ratio:
        words = aggregation_words(ind, lang)
        return words[:1].upper() + words[1:], ""
    parts = [catalogue[c] for c in ind.numerator]
    den = catalogue[ind.denominator]
    numerator = " + ".join(p.name(lang) for p in parts)
    text = t(lang, "report.formula.ratio", numerator=numerator, denominator=den.name(lang))
    num_words = {aggregation_words(p, lang) for p in parts}
    den_words = aggregation_words(den, lang)
    if num_words == {den_words}:
        how = t(lang, "report.formula.parts_same", how=den_words)
    else:
        how = t(lang, "report.formula.parts", numerator="; ".join(sorted(num_words)), denominator=den_words)
    if ind.capped:
        how += t(lang, "report.formula.capped")
    return text, how + t(lang, "report.formula.no_average")


def target_words(calc: Calculator, fig: Figure, lang: str) -> tuple[str, Optional[str]]:
    """``(target, its source and how it is judged)`` for the appendix."""
    if fig.target is None:
        return t(lang, "report.sources_no_target"), None
    source = target_source(calc, fig.unit, fig.code, fig.period.year)
    said = t(lang, "report.target_default") if source is None else (
        t(lang, "report.target_source", source=source) if source else t(lang, "report.target_no_source"))
    ind = fig.indicator
    if ind.year_end:
        tolerance = fmt.number(ind.pace_tolerance, lang, 2 if ind.pace_tolerance % 1 else 0)
        key = "report.sources_pace_points" if ind.unit == "percent" else "report.sources_pace"
        said += t(lang, key, tolerance=tolerance)
    return target_text(fig, lang, False), said


class Sources:
    """The appendix of :class:`helpers.report.Report` (a mixin over its model)."""

    def shown_figures(self) -> list[Figure]:
        """Every figure the report shows (the summary's and the areas'), in catalogue order, once."""
        shown = {f.code for f in self.headline()}
        shown |= {f.code for figs in self._figures_by_area().values() for f in figs}
        return [self.figures[i.code] for i in self.ds.catalogue if i.code in shown]

    def sources_appendix(self):
        """"Phụ lục: Nguồn số liệu và cách tính": each indicator shown, its formula and its target's source."""
        L, C = self.lang, blocks.Column
        rows = []
        for fig in self.shown_figures():
            text, how = formula(self.ds.catalogue, fig.indicator, L)
            target, said = target_words(self.calc, fig, L)
            rows.append([fig.indicator.name(L), blocks.Cell(text, note=how or None), blocks.Cell(target, note=said)])
        if not rows:
            return
        columns = [C(t(L, "report.indicator"), 0.27), C(t(L, "report.sources_formula"), 0.45),
                   C(t(L, "report.sources_target"), 0.28)]
        blocks.show(blocks.Heading(t(L, "report.sources_title"), level=1),
                    blocks.Paragraph(t(L, "report.sources_lead"), "muted"), blocks.Table(columns, rows))
