"""The report's tables as cells: the figures judged against their targets, the reference
figures, a league of sub-units; each cell's text from :mod:`.display`, a doubtful figure
marked ⚠ with its footnote."""

from __future__ import annotations

from .. import blocks
from ..catalogue import Indicator
from ..figures import Figure
from ..text import t
from .display import (
    change_text,
    compared_note,
    pace_gap_text,
    places_text,
    prorated_note,
    rank_text,
    show,
    target_text,
    ytd_change_text,
)
from .leadership import reference, status_shown, targeted
from .sources import source_note

REFERENCE_KEPT_WITH_NOTE = 8    # a reference table this short stays on the page of its lead line


class Tables:
    """The table cells of :class:`helpers.report.Report` (a mixin over its model)."""

    def _status_cell(self, status: str) -> blocks.Cell:
        return blocks.Cell(t(self.lang, f"status.{status}"), status=status)

    def _show(self, value, ind: Indicator, fig: Figure | None = None) -> str:
        if ind.kind == "rank" and fig is not None and value is not None:
            return rank_text(value, fig.rank_field)
        return show(value, ind, self.lang)

    def _judged_cell(self, fig: Figure) -> blocks.Cell:
        """The judgement; a year-end target before December says how far from its pace in words."""
        cell = self._status_cell(status_shown(fig, self.shows_ytd))
        cell.note = pace_gap_text(fig, self.lang) or None
        return cell

    def _value_cell(self, fig: Figure, value, mark: str | None = None) -> blocks.Cell:
        if not value.comparable:                 # before a merger, for what does not add up
            return blocks.Cell(value.not_comparable_text(self.lang))
        marks = ("*" if value.computed else "") + (mark or "")
        return blocks.Cell(self._show(value.value, fig.indicator, fig), mark=marks or None)

    def _target_cell(self, fig: Figure) -> blocks.Cell:
        """The target; a year-end target before December shows its pace on a second line."""
        pace = t(self.lang, "report.pace", pace=show(fig.pace, fig.indicator, self.lang)) \
            if fig.pace is not None else None
        notes = [n for n in (pace, prorated_note(fig.target_prorated_months, self.lang)) if n]
        return blocks.Cell(target_text(fig, self.lang, with_pace=False), note="; ".join(notes) or None)

    def _change_cell(self, fig: Figure, other, footnotes: dict) -> blocks.Cell:
        """A change; over the sub-units common to both windows it says so (``†1`` and its footnote in
        ``footnotes``: text -> number), and why it is not comparable when too few are."""
        text = ytd_change_text(fig, self.lang) if other is fig.ytd_last_year else change_text(fig, other, self.lang)
        note = compared_note(fig, other, self.lang)
        if note is None:
            return blocks.Cell(text)
        return blocks.Cell(text, mark=f"†{footnotes.setdefault(note, len(footnotes) + 1)}")

    @staticmethod
    def _compared_notes(footnotes: dict) -> list[str]:
        return [f"†{n} {text[:1].upper()}{text[1:]}" for text, n in footnotes.items()]

    def _name_cell(self, fig: Figure) -> blocks.Cell:
        """The name; under it, where its one target comes from (the target itself is in its own column)."""
        return blocks.Cell(fig.indicator.name(self.lang), note=source_note(self.calc, fig, self.lang))

    def _flag_marks(self, figs: list[Figure]) -> tuple[dict, dict, list[str]]:
        """``{code: "⚠1"}`` for the judged column, ``{code: "⚠2"}`` for the period's column where the
        year to date is judged and the period's own figure is a sum missing sub-units too, and the
        footnotes under the table."""
        marks, month_marks, numbers = {}, {}, {}
        for fig in figs:
            for flag in self.flags.get(fig.code, []):
                n = numbers.setdefault(flag.text, len(numbers) + 1)     # one footnote per finding
                marks[fig.code] = (marks.get(fig.code, "") + f" ⚠{n}").strip()
            now = fig.current
            if self.shows_ytd and now.value is not None and now.incomplete:
                text = t(self.lang, "report.flag_incomplete", n=now.reported, total=now.expected)
                month_marks[fig.code] = f"⚠{numbers.setdefault(text, len(numbers) + 1)}"
        return marks, month_marks, [f"⚠{n} {text}" for text, n in numbers.items()]

    def _value_columns(self) -> list:
        """This period, vs previous, vs same period last year, year to date and vs last year to date
        (a year: the year and vs the previous year only)."""
        L, C = self.lang, blocks.Column
        if self.is_year:
            return [C(t(L, "report.value"), 0.13, "right", self.period.label(L)),
                    C(t(L, "report.change_year"), 0.15, "right")]
        change = 0.135            # "−0,20 điểm %†3" on one line: the unit never wraps away from its number
        cols = [C(t(L, "report.value"), 0.105, "right", self.period.label(L)),
                C(t(L, "report.change_prev"), change, "right"),
                C(t(L, "report.change_ly"), change, "right")]
        if self.shows_ytd:
            cols += [C(t(L, "report.ytd"), 0.105, "right", self.period.ytd().label(L)),
                     C(t(L, "report.ytd_change"), change, "right")]
        return cols

    def _value_cells(self, fig: Figure, mark: str | None, month_mark: str | None, footnotes: dict) -> list:
        cells = [self._value_cell(fig, fig.current, month_mark if self.shows_ytd else mark)]
        if self.is_year:
            return cells + [self._change_cell(fig, fig.previous, footnotes)]
        cells += [self._change_cell(fig, fig.previous, footnotes), self._change_cell(fig, fig.last_year, footnotes)]
        if self.shows_ytd:
            cells += [self._value_cell(fig, fig.ytd, mark), self._change_cell(fig, fig.ytd_last_year, footnotes)]
        return cells

    def _computed_note(self, figs: list[Figure], notes: list[str]) -> list[str]:
        if any(f.current.computed or f.ytd.computed for f in figs):
            notes.append(t(self.lang, "report.computed_note"))
        return notes

    def table(self, figs: list[Figure]) -> blocks.Table:
        """Indicators with a target: value, comparisons, year to date, target, judgement; a doubtful
        figure carries ⚠ and its footnote."""
        L, C = self.lang, blocks.Column
        figs = targeted(figs)
        marks, month_marks, notes = self._flag_marks(figs)
        columns = [C(t(L, "report.indicator"), 0.2)] + self._value_columns() + \
            [C(t(L, "report.target"), 0.09, "right"), C(t(L, "report.status"), 0.11)]
        compared: dict = {}
        rows = [[self._name_cell(f)] + self._value_cells(f, marks.get(f.code), month_marks.get(f.code), compared)
                + [self._target_cell(f), self._judged_cell(f)]
                for f in figs]
        notes = self._computed_note(figs, notes + self._compared_notes(compared))
        return blocks.Table(columns, rows, notes=notes, css_class="cchc-kpi")

    def reference_table(self, figs: list[Figure]) -> blocks.Table:
        """Figures without a target ("số liệu tham khảo"): no judgement column."""
        L, C = self.lang, blocks.Column
        figs = reference(figs)
        marks, month_marks, notes = self._flag_marks(figs)
        columns = [C(t(L, "report.indicator"), 0.3)] + self._value_columns()
        compared: dict = {}
        rows = [[self._name_cell(f)] + self._value_cells(f, marks.get(f.code), month_marks.get(f.code), compared)
                for f in figs]
        notes = self._computed_note(figs, notes + self._compared_notes(compared))
        return blocks.Table(columns, rows, notes=notes, css_class="cchc-kpi")

    def _tables(self, figs: list[Figure], heading=None) -> list:
        out = []
        if targeted(figs):
            out.append(self.table(figs))
        if reference(figs):
            ref = [blocks.Paragraph(t(self.lang, "report.reference"), "muted"), self.reference_table(figs)]
            short = len(reference(figs)) <= REFERENCE_KEPT_WITH_NOTE
            out += [blocks.Group(ref)] if short else ref
        if heading is not None and heading.level == 1:     # a chapter starts a page: nothing to keep with
            out = [heading] + out
        elif heading is not None and out and _kept_whole(out[0]):   # a heading never ends a page:
            out[0] = blocks.Group([heading, out[0]])
        elif heading is not None and out:     # a long table breaks across pages; its (sticky) heading stays
            out = [heading] + out             # with its first rows instead of pushing all of it to the next page
        elif heading is not None:
            out = [heading]
        return out

    # -- a league of sub-units ------------------------------------------------------------------
    def _league_columns(self, lg, judged: bool) -> list:
        L, C = self.lang, blocks.Column
        ind = lg.indicator
        cols = [C(t(L, "report.rank"), 0.07, "right"), C(t(L, "report.unit"), 0.3),
                C(t(L, "report.score_total") if lg.extra_columns else ind.name(L), 0.12, "right", lg.window.label(L))]
        cols += [C(_group_name(e, L), 0.09, "right") for e in lg.extra_columns]
        cols += [C(t(L, "report.rank_change"), 0.12, "right")]
        if judged:
            cols.append(C(t(L, "report.status"), 0.13))
        return cols

    def _league_row(self, lg, r, judged: bool) -> list:
        L = self.lang
        reported, _slash, expected = (r.incomplete or "").partition("/")
        notes = [t(L, "report.flag_incomplete", n=reported, total=expected) if r.incomplete else None,
                 t(L, "report.months_with_data", n=r.months, total=lg.window.length) if r.months else None]
        row = [str(r.rank), blocks.Cell(r.unit.name(L), note="; ".join(n for n in notes if n) or None),
               show(r.value, lg.indicator, L)]
        row += [show(v, e, L) for v, e in zip(r.extra, lg.extra_columns)]
        row.append(places_text(r.rank_change, L))
        if judged:
            cell = self._status_cell(r.status)
            cell.note = prorated_note(r.prorated_months, L)
            row.append(cell)
        return row

    def league_table(self, lg) -> blocks.Table:
        judged = lg.target is not None or any(r.status not in ("no_target", "no_data") for r in lg.rows)
        rows = [self._league_row(lg, r, judged) for r in lg.rows]
        notes = []
        fig = self.figures.get(lg.indicator.code)
        if lg.target is not None and fig:
            notes.append(f"{t(self.lang, 'report.target')}: {target_text(fig, self.lang, False)}")
        if lg.rank_change_withheld:
            notes.append(t(self.lang, "report.rank_change_withheld"))
        if judged and any(r.prorated_months for r in lg.rows):
            notes.append(t(self.lang, "report.target_prorated_note"))
        return blocks.Table(self._league_columns(lg, judged), rows, notes=notes, pdf_rows=5)


def _group_name(ind: Indicator, lang: str) -> str:
    """A 766 group score's column: its name without the words every group shares."""
    name = ind.name(lang)
    return name.split("(")[0].replace("Điểm nhóm ", "").strip() if lang == "vi" else name.replace("766 group: ", "")


def _kept_whole(block) -> bool:
    """Whether a block is drawn on one page (a short table, a kept group)."""
    return bool(getattr(block, "keep_together", True))
