"""The data-quality parts: the leaders' appendix of findings in their words, and the
data-quality report's overview of findings, coverage of the units and unusual jumps, with
files and rows for the analysts."""

from __future__ import annotations

from decimal import Decimal

from .. import blocks, charts
from ..coverage import statement as coverage_statement
from ..findings import Finding
from ..findings import errors as only_errors
from ..periods import Period
from ..text import t
from .leadership import leader_message

COVERAGE_CHECKS = {"not_reported", "partial_report"}   # findings the coverage line counts and the analysts' list names

LEADER_FINDINGS = 20   # the leaders' PDF lists the first 20 findings (errors, then the unit's own); HTML all
COVERAGE_CHART_UNITS = 40   # the coverage chart draws at most this many units (a readable page)
MISSING_SHOWN = 8      # missing indicator codes listed per unit in the coverage table


class Quality:
    """The data-quality sections of :class:`helpers.report.Report` (a mixin over its model)."""

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
        intro = [head, blocks.Paragraph(lead)]
        if not self.reporting.clean:              # a leader reads the count; the analysts' report names the units
            intro.append(blocks.Paragraph(t(L, "report.coverage_line", status=coverage_statement(self.reporting, L))
                                          + " " + t(L, "report.coverage_units_listed")))
        found = sorted((f for f in self.findings if f.check not in COVERAGE_CHECKS),
                       key=lambda f: (not f.is_error, f.unit != self.unit))   # stable: then as found
        if not found:
            blocks.show(blocks.Group(intro))
            return
        rows = [[blocks.Cell(t(L, f"report.severity_{f.severity}"), bold=f.is_error), self.leader_where(f),
                 leader_message(f, self.calc, L)] for f in found]
        table = blocks.Table([blocks.Column(t(L, "report.severity"), 0.12), blocks.Column(t(L, "report.location"), 0.3),
                              blocks.Column(t(L, "report.message"), 0.58)], rows, pdf_rows=(LEADER_FINDINGS, 0))
        shown = [blocks.Group(intro), table]
        if len(rows) > LEADER_FINDINGS:          # a hundred communes' jumps are the analysts' list, not a leader's
            shown.append(blocks.Paragraph(t(L, "report.findings_cut", shown=LEADER_FINDINGS, total=len(rows)),
                                          "muted"))
        blocks.show(*shown)

    # -- data-quality notebook ---------------------------------------------------------------------
    def _coverage_row(self, u) -> tuple[list, Decimal | None]:
        """A unit's row of the coverage table (:mod:`helpers.coverage`'s definition: reported, partial or
        missing, late, its last period with figures) and the share of its level's inputs it sent."""
        L, at = self.lang, self.period.end.code
        inputs = self.reporting.inputs.get(u.level, ())
        sent = len(inputs) - len(u.lacking) if u.reported else 0
        share = Decimal(sent) * 100 / len(inputs) if inputs else None
        state = "missing" if not u.reported else ("partial" if u.partial else "reported")
        status = t(L, f"report.coverage_status.{state}")
        if u.late:
            status = t(L, "report.coverage_status.late", status=status)
        lacking = u.lacking if u.partial else ()
        listed = ", ".join(lacking[:MISSING_SHOWN]) + (" …" if len(lacking) > MISSING_SHOWN else "")
        last = Period.parse(u.last_period).label(L) if u.last_period else t(L, "report.never")
        row = [blocks.Cell(self.ds.units.name(u.code, L, at), note=f"({u.code})"),
               blocks.Cell(status, bold=state != "reported"), f"{sent}/{len(inputs)}", listed or "—", last]
        return row, share

    def coverage(self):
        """Every unit expected to report: whether it sent all the inputs of its level, part or nothing, late
        or not, what it lacks and its last period with figures (the one definition, :mod:`helpers.coverage`)."""
        L, units = self.lang, self.reporting.units
        head = blocks.Heading(t(L, "report.coverage"), 2)
        if not units:
            blocks.show(blocks.Group([head, blocks.Paragraph(t(L, "report.coverage_none"))]))
            return
        rows, shares = zip(*(self._coverage_row(u) for u in units))
        table = blocks.Table([blocks.Column(t(L, "report.unit"), 0.27),
                              blocks.Column(t(L, "report.coverage_state"), 0.14),
                              blocks.Column(t(L, "report.inputs_sent"), 0.08, "right"),
                              blocks.Column(t(L, "report.missing_codes"), 0.35),
                              blocks.Column(t(L, "report.last_period"), 0.16)], list(rows))
        shown = [head, *self._reporting_units()]
        if len(units) <= COVERAGE_CHART_UNITS:       # a bar per unit reads up to a page; beyond, the table says it
            shown.append(blocks.Chart.from_figure(charts.comparison_chart(
                [self.ds.units.name(u.code, L, self.period.end.code) for u in units], list(shares),
                title=t(L, "report.coverage_title", period=self.period.label(L)),
                unit="percent", lang=L, target=Decimal(100), decimals=0)))
        blocks.show(*shown, table)

    def _reporting_units(self) -> list:
        """Who has not reported (by level, with their last period with figures), for the office to chase."""
        L, c = self.lang, self.reporting
        if not c.expected:
            return []
        said = blocks.Paragraph(t(L, "report.coverage_line", status=coverage_statement(c, L)))
        if not c.missing:
            return [said, blocks.Paragraph(t(L, "report.all_reported"))]
        rows = [[blocks.Cell(self.ds.units.name(u.code, L, self.period.end.code), note=f"({u.code})"),
                 t(L, f"coverage.level.{u.level}"),
                 Period.parse(u.last_period).label(L) if u.last_period else t(L, "report.never")] for u in c.missing]
        table = blocks.Table([blocks.Column(t(L, "report.unit"), 0.5), blocks.Column(t(L, "report.level"), 0.2),
                              blocks.Column(t(L, "report.last_period"), 0.3)], rows)
        return [said, blocks.Heading(t(L, "report.not_reported"), 3), table]

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
