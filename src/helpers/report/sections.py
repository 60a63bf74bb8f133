"""The report's sections as the notebook shows them: the cover and contents, page one
("Kết luận chung"), the summary, one section per reform area, the league tables, the overdue
dossiers and the analysts' narrative."""

from __future__ import annotations

from functools import cached_property

from .. import blocks, fmt
from ..catalogue import AREAS
from ..coverage import statement as coverage_statement
from ..findings import errors as only_errors
from ..text import t
from .display import places_text, rank_text, show
from .leadership import area_lights, key_messages, rank_line, verdict
from .leagues import standings


class Sections:
    """The sections of :class:`helpers.report.Report` (a mixin over its model, tables and charts)."""

    def cover(self, title_key: str = "report.title"):
        """Title, unit, period, the days the figures cover, date and data status."""
        need = self.period.ytd().month_codes()
        have = [m for m in need if m in self.ds.files]
        errs = only_errors(self.findings)
        status = t(self.lang, "report.data_status_value", have=len(have), need=len(need), errors=len(errs),
                   warnings=len(self.findings) - len(errs))
        reported = coverage_statement(self.reporting, self.lang)
        if reported:
            status = f"{status}; {reported}"
        rows = [(t(self.lang, "report.unit"), self.unit_name),
                (t(self.lang, "report.period"), self.period.label(self.lang))]
        if self.shows_ytd:
            rows.append((t(self.lang, "report.ytd"), self.period.ytd().label(self.lang)))
        start, end = self.data_window                # what the month files cover (reporting.yaml)
        rows.append((t(self.lang, "report.data_window"),
                     t(self.lang, "report.data_window_value", start=fmt.date(start, self.lang),
                       end=fmt.date(end, self.lang))))
        rows += [(t(self.lang, "report.generated"), fmt.date(self.generated_at.date(), self.lang)),
                 (t(self.lang, "report.data_status"), status)]
        merger = self.ds.units.merger_note(self.unit, self.period, self.lang)
        blocks.show(blocks.Cover(t(self.lang, title_key), self.header, rows, running_header=self.header,
                                 note=merger))

    def toc(self):
        blocks.show(blocks.Contents(t(self.lang, "report.toc")))

    # -- page one -------------------------------------------------------------------------------------
    def lead(self) -> str:
        """What the page compares: a year with the previous year; a period with its predecessor and the
        same period last year, and, where it differs, year to date with last year to date."""
        L = self.lang
        key = "report.lead_year" if self.is_year else ("report.lead_ytd" if self.shows_ytd else "report.lead_period")
        return t(L, key, period=self.period.label(L), unit=self.unit_name, ytd=self.window.label(L),
                 ly=self.window.same_period_last_year().label(L))

    def key_messages(self) -> list[str]:
        return key_messages(self.calc, self.figures, self.period, self.lang, self.shows_ytd, self.marked_rows,
                            self.leagues)

    @cached_property
    def marked_rows(self) -> dict:
        """The rows the tables print with ⚠, in the order they appear (area by area): a flagged figure,
        or a period's own sum missing sub-units beside a judged year to date. Page one names exactly these."""
        out = {}
        for area in AREAS:
            for fig in self.displayed(area):
                now = fig.current
                if fig.code in self.flags or (self.shows_ytd and now.value is not None and now.incomplete):
                    out[fig.code] = self.flags.get(fig.code, [])
        return out

    def area_lights(self) -> list:
        return area_lights(self._figures_by_area(), self.lang, self.shows_ytd)

    def conclusions(self):
        """Page one, "Kết luận chung": the verdict, 3–6 key messages, the 766 rank with its field and
        movement, and a traffic light per reform area."""
        L, C = self.lang, blocks.Column
        shown = [f for figs in self._figures_by_area().values() for f in figs]
        items = [blocks.Heading(t(L, "report.conclusions"), level=1),
                 blocks.Paragraph(self.lead(), "muted")]
        if not self.reporting.clean:              # what the figures below stand on, before any judgement
            items.append(blocks.Paragraph(t(L, "report.coverage_line",
                                            status=coverage_statement(self.reporting, L)), "warning"))
        items.append(blocks.Paragraph(verdict(shown, L, self.shows_ytd), "lead"))
        for line in (rank_line(self.figures, L), self.standing_line()):
            if line:
                items.append(blocks.Paragraph(line, "lead"))
        items.append(blocks.Bullets(self.key_messages()))
        rows = [[blocks.Cell(a.name, bold=True), blocks.Cell(a.label(L), status=a.mark), a.detail]
                for a in self.area_lights()]
        grid = blocks.Table([C(t(L, "report.area"), 0.34), C(t(L, "report.status"), 0.16),
                             C(t(L, "report.detail"), 0.5)], rows,
                            keep_together=True)
        rule = blocks.Paragraph(t(L, "report.light_rule"), "muted")      # how a light is decided
        blocks.show(*items, blocks.Group([blocks.Heading(t(L, "report.areas_grid"), level=3), grid, rule]))

    def summary(self):
        """The headline indicators: those with a target judged, the others as reference figures."""
        heading = blocks.Heading(t(self.lang, "report.summary"), level=1)
        shown = self._tables(self.headline(), heading)
        chart = self._progress_chart()
        blocks.show(*shown, *([chart] if chart is not None else []))

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
    def league_tables(self):
        """A sub-unit's place among the units of its level; then its sub-units ranked on the indicators
        leadership steers by (top and bottom five in the PDF, every unit in the HTML)."""
        L = self.lang
        if self.standings:
            blocks.show(*self._standing_blocks())
        if not self.leagues:
            return
        shown = [blocks.Heading(t(L, "report.leagues"), level=1),
                 blocks.Paragraph(t(L, "report.leagues_lead", window=self.window.label(L),
                                    previous=self.previous_window.label(L)), "muted")]
        for lg in self.leagues:
            title = t(L, "report.league_title", name=lg.indicator.name(L), level=self._level_words(lg.level))
            shown.append(blocks.Group([blocks.Heading(title, level=3), self.league_table(lg)]))
        blocks.show(*shown)

    # -- a sub-unit among the units of its level ------------------------------------------------------------
    @cached_property
    def standings(self) -> list:
        return standings(self.calc, self.unit, self.window, self.previous_window, self.period.year)

    def _parent_words(self, parent, in_sentence: bool = False) -> str:
        """The parent as a column title ("Toàn tỉnh") or inside a sentence ("toàn tỉnh", "the province")."""
        if parent.level != "province":
            return parent.name(self.lang)
        return t(self.lang, "report.standing_province" if in_sentence else "report.whole_province")

    def standing_line(self) -> str | None:
        """Page one of a department's or commune's report: "Xếp thứ 4/14 trong các sở, ban, ngành về Tổng
        điểm Bộ chỉ số 766: 89,89 (bình quân các sở, ban, ngành: 87,06; toàn tỉnh: 94,64)"."""
        if not self.standings:
            return None
        s, L = self.standings[0], self.lang
        line = t(L, "report.standing_line", rank=s.rank, n=s.ranked, level=self._level_words(s.level),
                 name=s.indicator.name(L), value=show(s.value, s.indicator, L),
                 average=show(s.level_average, s.indicator, L), parent=self._parent_words(s.parent, True),
                 parent_value=show(s.parent_value, s.indicator, L))
        return line + self._ranked_of(s)

    def _ranked_of(self, s) -> str:
        """" Xếp hạng trên 33/99 đơn vị có số liệu." when not every unit of the level has a figure."""
        return "" if s.ranked == s.peers else " " + t(self.lang, "report.standing_ranked_of", n=s.ranked,
                                                           total=s.peers)

    def _standing_blocks(self) -> list:
        """Each league indicator, the unit's value, its rank and movement, the level's average
        and the parent's figure."""
        L, C, first = self.lang, blocks.Column, self.standings[0]
        level = self._level_words(first.level)
        columns = [C(t(L, "report.indicator"), 0.3), C(self.unit_name, 0.14, "right", self.window.label(L)),
                   C(t(L, "report.rank"), 0.1, "right"), C(t(L, "report.rank_change"), 0.14, "right"),
                   C(t(L, "report.level_average", level=level), 0.16, "right"),
                   C(self._parent_words(first.parent), 0.16, "right")]
        rows = [[s.indicator.name(L), show(s.value, s.indicator, L), rank_text(s.rank, s.ranked),
                 places_text(s.rank_change, L), show(s.level_average, s.indicator, L),
                 show(s.parent_value, s.indicator, L)] for s in self.standings]
        lead = t(L, "report.standing_lead", level=level, window=self.window.label(L),
                 previous=self.previous_window.label(L)) + self._ranked_of(first)
        # a section, not a chapter: a department's short report goes on from its last area on the same page
        return [blocks.Group([blocks.Heading(t(L, "report.standing", level=level), level=2),
                              blocks.Paragraph(lead, "muted"), blocks.Table(columns, rows, keep_together=True)])]

    def _level_words(self, level: str) -> str:
        """"các xã, phường, thị trấn" while districts exist (towns, thị trấn, are theirs); after the 2025
        reform, which ended the districts, "các xã, phường" — read from the units, not from a date."""
        at = self.period.end.code
        if level == "commune" and not any(u.level == "district" for u in self.ds.units.descendants(self.unit, at)):
            return t(self.lang, "report.level_commune_no_districts")
        return t(self.lang, f"report.level_{level}")

    @property
    def _unit_level(self) -> str:
        version = self.ds.units.get(self.unit, self.period.end.code) or self.ds.units[self.unit]
        return version.level

    def _overdue_columns(self, pending: bool) -> list:
        L, C = self.lang, blocks.Column
        cols = [C(t(L, "report.unit"), 0.34), C(t(L, "report.late_period"), 0.15, "right", self.period.label(L))]
        if self.shows_ytd:
            cols += [C(t(L, "report.late_ytd"), 0.15, "right", self.period.ytd().label(L))]
        cols += [C(t(L, "report.late_rate"), 0.15, "right")]
        if pending:
            cols.append(C(t(L, "report.pending_overdue"), 0.15, "right"))
        return cols

    def _overdue_cells(self, r, name: str, pending: bool, bold: bool = False) -> list:
        L = self.lang
        out = [blocks.Cell(name, bold=bold), blocks.Cell(fmt.number(r.late, L), bold=bold)]
        if self.shows_ytd:
            out.append(blocks.Cell(fmt.number(r.late_ytd, L), bold=bold))
        out.append(blocks.Cell(fmt.percent(r.late_rate_ytd, L, 2), bold=bold))
        if pending:
            out.append(blocks.Cell(fmt.number(r.pending, L), bold=bold))
        return out

    def overdue(self):
        """Dossiers resolved late (resolved − on time) and, where reported, pending past their deadline:
        for the period and the year to date, by unit, worst first."""
        L = self.lang
        own, rows = self.overdue_rows
        head = blocks.Heading(t(L, "report.overdue"), level=2)
        if own is None and not rows:
            blocks.show(blocks.Group([head, blocks.Paragraph(t(L, "report.no_overdue"), "muted")]))
            return
        pending = any(r.pending is not None for r in rows + ([own] if own else []))
        whole = t(L, "report.whole_province" if self._unit_level == "province" else "report.whole_unit")
        if not rows:                             # the unit alone: its own name, and no order to speak of
            whole = self.unit_name
        body = ([self._overdue_cells(own, whole, pending, True)] if own else []) + \
            [self._overdue_cells(r, r.unit.name(L), pending) for r in rows]
        lead = t(L, "report.overdue_lead" if rows else "report.overdue_lead_own",
                 pending=t(L, "report.overdue_pending_lead") if pending else "")
        blocks.show(blocks.Group([head, blocks.Paragraph(lead, "muted")]),
                    blocks.Table(self._overdue_columns(pending), body, pdf_rows=(6, 5) if own else 5))

    # -- the analysts' words ------------------------------------------------------------------------------
    def narrative(self):
        """The analysts' commentary for this unit, period and language, resolved and sanitised
        by ``helpers.notes`` (images only from inside the data folder, nothing fetched)."""
        from .. import notes
        L = self.lang
        note = notes.for_report(self.data_dir, self.period, self.unit, self.ds.units, L)
        head = blocks.Heading(t(L, "report.narrative"), 2)
        if note.text is None:
            blocks.show(head, blocks.Paragraph(note.missing_sentence, "muted"))
            return
        blocks.show(head, blocks.Markdown(note.text, note.images))
