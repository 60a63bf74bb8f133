"""What the notebooks call: one ``Report`` per unit and period, whose methods
display the cover, the summary, a section per reform area, the narrative, the
data-quality appendix and the provenance block. Every number comes from
``figures``; every word from ``text``; every chart from ``charts``."""

from __future__ import annotations

import datetime as _dt
import html
import os
import subprocess
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path

from IPython.display import HTML, display

from . import __version__, charts, fmt
from .catalogue import AREAS, Indicator
from .errors import DataError
from .figures import STATUS_LABELS, Calculator, Figure, status_of
from .findings import Finding
from .findings import errors as only_errors
from .load import DataSet, load_data_cached, sha256
from .params import check_params, project_root, resolve_data_dir
from .periods import Period, months_read
from .text import t
from .validate import check

STATUS_MARK = {"met": "✔", "not_met": "✘", "no_target": "–", "no_data": "…"}
MAX_TREND_CHARTS = 1   # one trend per area keeps the PDF short; the table holds the rest


def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


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
    def open(cls, period="2023-10", unit="10", data_dir="data", language="vi", root=None) -> "Report":
        root = Path(root) if root else project_root()
        params = check_params(dict(period=period, unit=unit, data_dir=str(data_dir), language=language), root)
        data_path = resolve_data_dir(params.data_dir, root)
        ds = load_data_cached(data_path)
        report = cls(Period.parse(params.period), params.unit, data_path, params.language, ds)
        errs = only_errors(report.findings)
        if errs:
            raise DataError(f"số liệu có {len(errs)} lỗi, không lập được báo cáo: " + errs[0].line(),
                            findings=errs)
        return report

    @cached_property
    def calc(self) -> Calculator:
        return Calculator(self.ds)

    @cached_property
    def findings(self) -> list[Finding]:
        """The period's findings about this unit, its sub-units, or the whole data set."""
        mine = {self.unit, *(u.code for u in self.ds.units.descendants(self.unit))}
        return [f for f in check(self.ds, [self.period.code]) if f.unit is None or f.unit in mine]

    @cached_property
    def figures(self) -> dict[str, Figure]:
        return self.calc.figures(self.unit, self.period)

    @property
    def unit_name(self) -> str:
        return self.ds.units.name(self.unit, self.lang)

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
        facts = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows)
        return HTML(f'<div class="cchc-cover"><h1>{esc(t(self.lang, title_key))}</h1>'
                    f'<p class="subtitle">{esc(self.unit_name)} — {esc(self.period.label(self.lang))}</p>'
                    f"<dl>{facts}</dl></div>")

    def toc(self):
        return HTML('<div class="cchc-toc"></div>')

    def _status(self, status: str) -> str:
        label = STATUS_LABELS["en" if self.lang == "en" else "vi"][status]
        return f'<span class="status-{status.replace("_", "-")}">{STATUS_MARK[status]} {esc(label)}</span>'

    def _change(self, fig: Figure, other) -> str:
        delta = fig.change(other)
        if delta is None:
            return fmt.NA["vi"]
        text = fmt.change(delta, fig.indicator.unit, self.lang, fig.indicator.decimals)
        pct = fig.change_pct(other)
        if pct is not None:
            text += f" ({fmt.signed(pct, self.lang, 1, '%')})"
        return text

    def _value_cell(self, fig: Figure, value) -> str:
        mark = '<span class="computed">*</span>' if value.computed else ""
        return f'<td class="num">{esc(self._f(value.value, fig.indicator))}{mark}</td>'

    def table(self, figs: list[Figure]) -> str:
        """The standard figures table: value, comparisons, YTD, target, status."""
        L = self.lang
        heads = [t(L, "indicator"), f"{t(L, 'value')}<br><small>{esc(self.period.label(L))}</small>",
                 t(L, "change_prev"), t(L, "change_ly")]
        if self.shows_ytd:
            heads.append(f"{t(L, 'ytd')}<br><small>{esc(self.period.ytd().label(L))}</small>")
        heads += [t(L, "target"), t(L, "status")]
        body = []
        for fig in figs:
            ind = fig.indicator
            ref = fig.ytd if self.shows_ytd else fig.current
            status = fig.ytd_status if self.shows_ytd else fig.status
            target = esc(self._f(fig.target, ind)) if fig.target is not None else "—"
            name = esc(ind.name(L))
            if ind.target_text and (fig.target is None or L == "vi"):
                name += f'<span class="target-text">{esc(ind.target_text)}</span>'
            cells = [f"<td>{name}</td>", self._value_cell(fig, fig.current),
                     f'<td class="num change">{esc(self._change(fig, fig.previous))}</td>',
                     f'<td class="num change">{esc(self._change(fig, fig.last_year))}</td>']
            if self.shows_ytd:
                cells.append(self._value_cell(fig, ref))
            cells += [f'<td class="num">{target}</td>', f"<td>{self._status(status)}</td>"]
            body.append("<tr>" + "".join(cells) + "</tr>")
        widths = [28, 11, 14, 14, 11, 9, 13] if self.shows_ytd else [34, 12, 15, 15, 10, 14]
        cols = "".join(f'<col style="width:{w}%">' for w in widths)
        head = "".join(f"<th>{h}</th>" for h in heads)
        note = ""
        if any(f.current.computed or f.ytd.computed for f in figs):
            note = f'<p class="muted">{esc(t(L, "computed_note"))}</p>'
        return (f'<table class="cchc-table cchc-kpi"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>'
                f'<tbody>{"".join(body)}</tbody></table>{note}')

    def summary(self):
        """The one-page summary of headline indicators with a progress chart."""
        L = self.lang
        lead = t(L, "summary_lead", period=self.period.label(L), unit=self.unit_name,
                 ytd=self.period.ytd().label(L), ly=self.period.same_period_last_year().label(L))
        head = f"<h2 class='page-break'>{esc(t(L, 'summary'))}</h2><p>{esc(lead)}</p>"
        display(HTML(head + self.table(self.headline())))
        items = [dict(label=f.indicator.name(L), value=(f.ytd.value if self.shows_ytd else f.current.value),
                      target=f.target, unit=f.indicator.unit, direction=f.indicator.direction,
                      status=f.ytd_status if self.shows_ytd else f.status, decimals=f.indicator.decimals)
                 for f in self.headline() if f.target is not None]
        if items:
            charts.show(charts.target_progress_chart(
                items, title=t(L, "progress_title", ytd=self.period.ytd().label(L)), lang=L))

    def section(self, area: str):
        """One reform area: heading, table, trend and comparison charts."""
        L = self.lang
        name = AREAS[area][1 if L == "en" else 0]
        figs = self.displayed(area)
        if not figs:
            display(HTML(f"<h2>{esc(name)}</h2><p class='muted'>{esc(t(L, 'no_figures'))}</p>"))
            return
        display(HTML(f"<h2>{esc(name)}</h2>" + self.table(figs)))
        for fig in self._chart_indicators(figs):
            self.trend(fig.indicator)
        compared = next((f for f in figs if self._has_children_data(f.indicator)), None)
        if compared is not None:
            self.compare(compared.indicator)

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

    def trend(self, ind: Indicator):
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
        shown = windows[:self.period.last]          # nothing after the period is read
        values = self.calc.series(self.unit, ind.code, shown) + [None] * (12 - len(shown))
        last_year = self.calc.series(self.unit, ind.code, [m.same_period_last_year() for m in windows])
        key = "trend_ytd_title" if self._cumulative(ind) else "trend_title"
        fig = charts.trend_chart([charts.month_label(m.first, L) for m in months], values, last_year,
                                 title=t(L, key, name=ind.name(L), year=year, last=year - 1),
                                 unit=ind.unit, lang=L, year=year, decimals=ind.decimals,
                                 target=self.calc.target(self.unit, ind.code, year))
        charts.show(fig)

    def compare(self, ind: Indicator):
        L = self.lang
        window = self.period.ytd() if self.shows_ytd else self.period
        rows = [(u, v) for u, v in self.calc.children(self.unit, ind.code, window) if v.value is not None]
        target = self.calc.target(self.unit, ind.code, self.period.year)
        fig = charts.comparison_chart(
            [u.name(L) for u, _v in rows], [v.value for _u, v in rows],
            title=t(L, "compare_title", name=ind.name(L), period=window.label(L)), unit=ind.unit, lang=L,
            target=target, direction=ind.target_op or ind.direction, decimals=ind.decimals,
            statuses=[status_of(v.value, target, ind.target_op) for _u, v in rows])
        charts.show(fig)

    def narrative(self):
        """The analysts' notes/<period>.md, as Markdown with raw HTML escaped."""
        from markdown_it import MarkdownIt
        L = self.lang
        path = self.data_dir / "notes" / f"{self.period.code}.md"
        head = f"<h2>{esc(t(L, 'narrative'))}</h2>"
        if not path.is_file():
            return HTML(head + f"<p class='muted'>{esc(t(L, 'no_narrative', period=self.period.code))}</p>")
        md = MarkdownIt("commonmark", {"html": False}).enable("table")
        body = md.render(path.read_text(encoding="utf-8-sig"))
        body = body.replace("<h1>", "<h3>").replace("</h1>", "</h3>").replace("<h2>", "<h3>").replace("</h2>", "</h3>")
        return HTML(head + f'<div class="cchc-note">{body}</div>')

    def findings_block(self, title_key: str = "findings"):
        L = self.lang
        head = f"<h2>{esc(t(L, title_key))}</h2>"
        if not self.findings:
            return HTML(head + f"<p>{esc(t(L, 'no_findings'))}</p>")
        errs = only_errors(self.findings)
        lead = t(L, "findings_lead", errors=len(errs), warnings=len(self.findings) - len(errs))
        items = "".join(f'<li class="{f.severity}"><strong>{esc(t(L, f.severity))}</strong> '
                        f"{esc(f.where(L))}: {esc(f.message(L))}</li>" for f in self.findings)
        return HTML(head + f'<p>{esc(lead)}</p><ul class="cchc-findings">{items}</ul>')

    # -- provenance ------------------------------------------------------------------------
    def input_files(self) -> list[Path]:
        return self.ds.input_files(months_read(self.period))

    def inputs(self) -> dict[str, str]:
        return {_shown(p): sha256(p) for p in self.input_files() if p.is_file()}

    def parameters(self) -> dict:
        return {"period": self.period.code, "unit": self.unit, "data_dir": str(self.data_dir),
                "language": self.lang}

    def provenance(self):
        L = self.lang
        rows = "".join(f"<tr><td>{esc(p)}</td><td><code>{esc(h)}</code></td></tr>"
                       for p, h in self.inputs().items())
        params = ", ".join(f"{k}={v}" for k, v in self.parameters().items())
        return HTML(
            f"<h2>{esc(t(L, 'provenance'))}</h2><div class='cchc-provenance'>"
            f"<p><strong>{esc(t(L, 'parameters'))}:</strong> {esc(params)}<br>"
            f"<strong>{esc(t(L, 'code_version'))}:</strong> {esc(code_version())}<br>"
            f"<strong>{esc(t(L, 'generated_at'))}:</strong> {esc(fmt.datetime(self.generated_at, L))}</p>"
            f"<table class='cchc-table cchc-provenance'><thead><tr><th>{esc(t(L, 'inputs'))}</th>"
            f"<th>sha256</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>")

    # -- metrics.json -------------------------------------------------------------------------
    def metrics(self) -> dict:
        return {
            "period": self.period.code, "unit": self.unit, "unit_name": self.unit_name,
            "period_label": self.period.label(self.lang), "language": self.lang,
            "generated_at": self.generated_at.isoformat(), "inputs": self.inputs(),
            "code_version": code_version(),
            "indicators": {code: f.to_dict() for code, f in self.figures.items()},
            "findings": [{"severity": f.severity, "check": f.check, "indicator": f.indicator, "unit": f.unit,
                          "file": f.file, "row": f.row, "message": f.message(self.lang)} for f in self.findings],
        }

    # -- data-quality notebook ---------------------------------------------------------------------
    def coverage(self):
        """Which units reported the monthly indicators expected of their level, and what is missing."""
        L = self.lang
        units = [self.ds.units[self.unit], *self.ds.units.descendants(self.unit)]
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
            rows.append(f"<tr><td>{esc(u.name(L))} <span class='muted'>({esc(u.code)})</span></td>"
                        f"<td class='num'>{len(expected) - len(missing)}/{len(expected)}</td>"
                        f"<td>{esc(shown) or '—'}</td></tr>")
        display(HTML(f"<h2>{esc(t(L, 'coverage'))}</h2>"))
        charts.show(charts.comparison_chart(
            [u.name(L) for u in units], shares, title=t(L, "coverage_title", period=self.period.label(L)),
            unit="percent", lang=L, target=Decimal(100), decimals=0))
        display(HTML(fixed_table([t(L, "unit"), t(L, "units_reporting"), t(L, "missing_codes")], rows,
                                 widths=(40, 14, 46))))

    def jumps(self):
        L = self.lang
        found = [f for f in self.findings if f.check == "jump"]
        head = f"<h2>{esc(t(L, 'jumps'))}</h2>"
        if not found:
            return HTML(head + f"<p>{esc(t(L, 'no_jumps'))}</p>")
        return HTML(head + self._findings_table(found))

    def _findings_table(self, found) -> str:
        L = self.lang
        rows = [f'<tr><td>{esc(t(L, f.severity))}</td><td>{esc(f.where(L))}</td>'
                f"<td>{esc(f.message(L))}</td></tr>" for f in found]
        return fixed_table([t(L, "severity"), t(L, "location"), t(L, "message")], rows, widths=(13, 32, 55))

    def findings_overview(self):
        L = self.lang
        display(HTML(f"<h2>{esc(t(L, 'all_findings'))}</h2>"))
        if not self.findings:
            display(HTML(f"<p>{esc(t(L, 'no_findings'))}</p>"))
            return
        counts: dict = {}
        for f in self.findings:
            key = f.indicator or f.check
            counts.setdefault(key, {}).setdefault(f.severity, 0)
            counts[key][f.severity] += 1
        charts.show(charts.findings_bar(counts, title=t(L, "findings_by"), lang=L))
        display(HTML(self._findings_table(self.findings)))


def fixed_table(head: list[str], rows, widths: tuple[int, ...]) -> str:
    """A full-width table with fixed column widths (percent): it lays out in one
    pass, where an automatic layout measures every cell's text first."""
    cols = "".join(f'<col style="width: {w}%">' for w in widths)
    heads = "".join(f"<th>{esc(h)}</th>" for h in head)
    return (f'<table class="cchc-table cchc-fixed"><colgroup>{cols}</colgroup><thead><tr>{heads}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _shown(path: Path) -> str:
    """Input paths relative to the project when inside it (``data/periods/2023-10.csv``)."""
    try:
        return str(Path(path).resolve().relative_to(project_root()))
    except ValueError:
        return str(path)


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


def open_report(period="2023-10", unit="10", data_dir="data", language="vi") -> Report:
    """Called by the notebooks' first cell after the parameters."""
    return Report.open(period, unit, data_dir, language)
