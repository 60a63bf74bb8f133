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

from . import __version__, blocks, charts, fmt
from .catalogue import AREAS, Indicator
from .errors import DataError
from .figures import NOT_COMPARABLE_LABEL, STATUS_LABELS, Calculator, Figure
from .findings import Finding
from .findings import errors as only_errors
from .inputs import input_files, sha256, shown
from .load import DataSet, load_data_cached
from .params import ReportParams, check_unit, project_root, resolve
from .periods import Period
from .text import t
from .validate import check

MAX_TREND_CHARTS = 1   # one trend per area keeps the PDF short; the table holds the rest


@dataclass
class Report:
    period: Period
    unit: str
    data_dir: Path
    lang: str
    ds: DataSet
    generated_at: _dt.datetime = field(default_factory=lambda: _dt.datetime.now().replace(microsecond=0))

    # -- construction ----------------------------------------------------------------
    @classmethod
    def open(cls, period="2026-10", unit="15", data_dir="data-2026", language="vi", root=None) -> "Report":
        """The notebook's parameters (strings) resolved once, here at the kernel's edge:
        from ``cchc-report run`` ``data_dir`` arrives absolute and nothing is resolved."""
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
            raise DataError(f"số liệu có {len(errs)} lỗi, không lập được báo cáo: " + errs[0].line(),
                            findings=errs, en=f"{len(errs)} data error(s), no report: " + errs[0].line("en"))
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
        return f"{t(self.lang, 'title').capitalize()} — {self.unit_name} — {self.period.label(self.lang)}"

    @property
    def header(self) -> str:
        return f"{self.unit_name} — {self.period.label(self.lang)}"

    @property
    def shows_ytd(self) -> bool:
        return self.period.ytd() != self.period and self.period.kind != "year"

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
    def cover(self, title_key: str = "title"):
        """Title, unit, period, date and data status."""
        need = self.period.ytd().month_codes()
        have = [m for m in need if m in self.ds.files]
        errs = only_errors(self.findings)
        status = t(self.lang, "data_status_value", have=len(have), need=len(need), errors=len(errs),
                   warnings=len(self.findings) - len(errs))
        rows = [(t(self.lang, "unit"), self.unit_name), (t(self.lang, "period"), self.period.label(self.lang))]
        if self.shows_ytd:
            rows.append((t(self.lang, "ytd"), self.period.ytd().label(self.lang)))
        rows += [(t(self.lang, "generated"), fmt.date(self.generated_at.date(), self.lang)),
                 (t(self.lang, "data_status"), status)]
        merger = self.ds.units.merger_note(self.unit, self.period, self.lang)
        blocks.show(blocks.Cover(t(self.lang, title_key), self.header, rows, running_header=self.header,
                                 note=merger))

    def toc(self):
        blocks.show(blocks.Contents(t(self.lang, "toc")))

    def _status(self, status: str) -> blocks.Cell:
        return blocks.Cell(STATUS_LABELS["en" if self.lang == "en" else "vi"][status], status=status)

    def _change(self, fig: Figure, other) -> str:
        if not other.comparable:      # before a merger, for what does not add up
            return NOT_COMPARABLE_LABEL["en" if self.lang == "en" else "vi"]
        delta = fig.change(other)
        if delta is None:
            return fmt.NA["vi"]
        text = fmt.change(delta, fig.indicator.unit, self.lang, fig.indicator.decimals)
        pct = fig.change_pct(other)
        if pct is not None:
            text += f" ({fmt.signed(pct, self.lang, 1, '%')})"
        return text

    def _value_cell(self, fig: Figure, value) -> blocks.Cell:
        return blocks.Cell(self._f(value.value, fig.indicator), mark="*" if value.computed else None)

    def table(self, figs: list[Figure]) -> blocks.Table:
        """The standard figures table: value, comparisons, YTD, target, status."""
        L = self.lang
        C = blocks.Column
        columns = [C(t(L, "indicator"), 0.28 if self.shows_ytd else 0.34),
                   C(t(L, "value"), 0.11 if self.shows_ytd else 0.12, "right", subtitle=self.period.label(L)),
                   C(t(L, "change_prev"), 0.14 if self.shows_ytd else 0.15, "right"),
                   C(t(L, "change_ly"), 0.14 if self.shows_ytd else 0.15, "right")]
        if self.shows_ytd:
            columns.append(C(t(L, "ytd"), 0.11, "right", subtitle=self.period.ytd().label(L)))
        columns += [C(t(L, "target"), 0.09 if self.shows_ytd else 0.10, "right"),
                    C(t(L, "status"), 0.13 if self.shows_ytd else 0.14)]
        rows = []
        for fig in figs:
            ind = fig.indicator
            ref = fig.ytd if self.shows_ytd else fig.current
            status = fig.ytd_status if self.shows_ytd else fig.status
            target = self._f(fig.target, ind) if fig.target is not None else "—"
            note = ind.target_text if ind.target_text and (fig.target is None or L == "vi") else None
            row = [blocks.Cell(ind.name(L), note=note), self._value_cell(fig, fig.current),
                   self._change(fig, fig.previous), self._change(fig, fig.last_year)]
            if self.shows_ytd:
                row.append(self._value_cell(fig, ref))
            row += [target, self._status(status)]
            rows.append(row)
        notes = [t(L, "computed_note")] if any(f.current.computed or f.ytd.computed for f in figs) else []
        return blocks.Table(columns, rows, notes=notes, css_class="cchc-kpi")

    def summary(self):
        """The one-page summary of headline indicators with a progress chart."""
        L = self.lang
        lead = t(L, "summary_lead", period=self.period.label(L), unit=self.unit_name,
                 ytd=self.period.ytd().label(L), ly=self.period.same_period_last_year().label(L))
        shown = [blocks.Heading(t(L, "summary"), level=1), blocks.Paragraph(lead, "lead"),
                 self.table(self.headline())]
        items = [dict(label=f.indicator.name(L), value=(f.ytd.value if self.shows_ytd else f.current.value),
                      target=f.target, unit=f.indicator.unit, direction=f.indicator.direction)
                 for f in self.headline() if f.target is not None]
        if items:
            shown.append(blocks.Chart.from_figure(charts.target_progress_chart(
                items, title=t(L, "progress_title", ytd=self.period.ytd().label(L)), lang=L)))
        blocks.show(*shown)

    def section(self, area: str):
        """One reform area: heading, table, trend and comparison charts."""
        L = self.lang
        name = AREAS[area][1 if L == "en" else 0]
        figs = self.displayed(area)
        if not figs:
            blocks.show(blocks.Heading(name, 2), blocks.Paragraph(t(L, "no_figures"), "muted"))
            return
        shown = [blocks.Heading(name, 2), self.table(figs)]
        shown += [self.trend(fig.indicator) for fig in self._chart_indicators(figs)]
        compared = next((f for f in figs if self._has_children_data(f.indicator)), None)
        if compared is not None:
            shown.append(self.compare(compared.indicator))
        blocks.show(*shown)

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
        L = self.lang
        months = self.period.trailing_months(12)
        windows = [m.ytd() for m in months] if self._cumulative(ind) else months
        at = self.period.end.code             # the unit as it is in the period (after a merger: its predecessors' sums)
        values = self.calc.series(self.unit, ind.code, windows, at)
        last_year = self.calc.series(self.unit, ind.code, [m.same_period_last_year() for m in windows], at)
        fig = charts.trend_chart([m.short_label(L) for m in months], values, last_year,
                                 title=t(L, "trend_title", name=ind.name(L)), unit=ind.unit, lang=L,
                                 target=self.calc.target(self.unit, ind.code, self.period.year))
        return blocks.Chart.from_figure(fig)

    def compare(self, ind: Indicator) -> blocks.Chart:
        L = self.lang
        window = self.period.ytd() if self.shows_ytd else self.period
        rows = [(u, v) for u, v in self.calc.children(self.unit, ind.code, window) if v.value is not None]
        fig = charts.comparison_chart(
            [u.name(L) for u, _v in rows], [v.value for _u, v in rows],
            title=t(L, "compare_title", name=ind.name(L), period=window.label(L)), unit=ind.unit, lang=L,
            target=self.calc.target(self.unit, ind.code, self.period.year),
            direction=ind.direction, decimals=ind.decimals)
        return blocks.Chart.from_figure(fig)

    def narrative(self):
        """The analysts' commentary for this unit, period and language, resolved and sanitised
        by ``helpers.notes`` (images only from inside the data folder, nothing fetched)."""
        from . import notes
        L = self.lang
        note = notes.for_report(self.data_dir, self.period, self.unit, self.ds.units, L)
        head = blocks.Heading(t(L, "narrative"), 2)
        if note.text is None:
            blocks.show(head, blocks.Paragraph(note.missing_sentence, "muted"))
            return
        blocks.show(head, blocks.Markdown(note.text, note.images))

    def findings_block(self, title_key: str = "findings"):
        L = self.lang
        head = blocks.Heading(t(L, title_key), 2)
        if not self.findings:
            blocks.show(head, blocks.Paragraph(t(L, "no_findings")))
            return
        errs = only_errors(self.findings)
        lead = t(L, "findings_lead", errors=len(errs), warnings=len(self.findings) - len(errs))
        blocks.show(head, blocks.Paragraph(lead), self._findings_table(self.findings))

    # -- provenance ------------------------------------------------------------------------
    def input_files(self) -> list[Path]:
        """The files this report reads (the one list; see :mod:`helpers.inputs`)."""
        return input_files(self.data_dir, self.period, self.unit, self.lang)

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
        facts = blocks.Facts([(t(L, "parameters"), params), (t(L, "code_version"), code_version()),
                              (t(L, "generated_at"), fmt.datetime(self.generated_at, L))])
        hashes = blocks.Table([blocks.Column(t(L, "inputs"), 0.3), blocks.Column("sha256", 0.7)],
                              [[p, h] for p, h in self.inputs().items()], css_class="cchc-provenance")
        blocks.show(blocks.Heading(t(L, "provenance"), 1),
                    blocks.Group([facts, hashes], keep_together=False, style="small"))

    # -- metrics.json -------------------------------------------------------------------------
    def metrics(self) -> dict:
        """metrics.json: the same values whatever the language of the edition (labels and
        messages in Vietnamese; each finding's ``kind`` is a stable code)."""
        return {
            "period": self.period.code, "unit": self.unit,
            "unit_name": self.ds.units.name(self.unit, "vi", self.period.end.code),
            "period_label": self.period.label("vi"),
            "generated_at": self.generated_at.isoformat(), "inputs": self.inputs(),
            "code_version": code_version(),
            "indicators": {code: f.to_dict() for code, f in self.figures.items()},
            "findings": [{"severity": f.severity, "kind": f.check, "check": f.check, "indicator": f.indicator,
                          "unit": f.unit, "period": f.period, "file": f.file, "row": f.row,
                          "message": f.message("vi")} for f in self.findings],
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
            [u.name(L) for u in units], shares, title=t(L, "coverage_title", period=self.period.label(L)),
            unit="percent", lang=L, target=Decimal(100), decimals=0))
        table = blocks.Table([blocks.Column(t(L, "unit"), 0.4), blocks.Column(t(L, "units_reporting"), 0.14, "right"),
                              blocks.Column(t(L, "missing_codes"), 0.46)], rows)
        blocks.show(blocks.Heading(t(L, "coverage"), 2), chart, table)

    def jumps(self):
        L = self.lang
        found = [f for f in self.findings if f.check == "jump"]
        head = blocks.Heading(t(L, "jumps"), 2)
        blocks.show(head, self._findings_table(found) if found else blocks.Paragraph(t(L, "no_jumps")))

    def _findings_table(self, found) -> blocks.Table:
        L = self.lang
        rows = [[blocks.Cell(t(L, f.severity), bold=f.severity == "error"), f.where(L), f.message(L)]
                for f in found]
        return blocks.Table([blocks.Column(t(L, "severity"), 0.13), blocks.Column(t(L, "location"), 0.32),
                             blocks.Column(t(L, "message"), 0.55)], rows)

    def findings_overview(self):
        L = self.lang
        head = blocks.Heading(t(L, "all_findings"), 2)
        if not self.findings:
            blocks.show(head, blocks.Paragraph(t(L, "no_findings")))
            return
        counts: dict = {}
        for f in self.findings:
            key = f.indicator or f.check
            counts.setdefault(key, {}).setdefault(f.severity, 0)
            counts[key][f.severity] += 1
        blocks.show(head, blocks.Chart.from_figure(charts.findings_bar(counts, title=t(L, "findings_by"), lang=L)),
                    self._findings_table(self.findings))


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


def open_report(period="2026-10", unit="15", data_dir="data-2026", language="vi") -> Report:
    """Called by the notebooks' first cell after the parameters."""
    return Report.open(period, unit, data_dir, language)
