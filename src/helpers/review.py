"""What a reviewer uses in a notebook cell of their own: a few verbs, in the spirit
of scrapbook's ``glue``/``read_notebook``.

- :func:`figures` — the report's figures as a tidy pandas DataFrame, one row per
  period × unit × indicator, with value, previous period, same period last year,
  year to date (and its comparison), target and status;
- :func:`findings` — the data-quality findings as a DataFrame;
- :func:`chart`, :func:`table`, :func:`text` — show a matplotlib figure, a
  DataFrame or a paragraph of Markdown in the house style; each appears in both
  the HTML and the PDF report (they are report blocks like every other).

Example (a cell added after ``report = open_report(...)``)::

    from helpers import review
    df = review.figures(report, units="children")
    online = df[df.indicator == "online_submission_rate"].sort_values("value")
    review.table(online[["unit_name", "value", "target", "status"]], title="Nộp trực tuyến theo đơn vị")
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from . import blocks, charts

FIGURE_COLUMNS = ("period", "unit", "unit_name", "indicator", "name", "area", "unit_of_measure", "value",
                  "previous", "same_period_last_year", "ytd", "ytd_same_period_last_year", "target", "status",
                  "ytd_status", "computed")


def _units(report, units) -> list[str]:
    if units in (None, "self"):
        return [report.unit]
    if units == "children":
        return [report.unit, *(u.code for u in report.ds.units.children(report.unit))]
    if units == "all":
        return [report.unit, *(u.code for u in report.ds.units.descendants(report.unit))]
    return [str(u) for u in units]


def _number(v):
    return float(v) if isinstance(v, Decimal) else v


def figures(report, units=None) -> pd.DataFrame:
    """The figures of ``report`` (``units``: ``None`` the report's unit, ``"children"``
    with its direct sub-units, ``"all"`` with every sub-unit, or a list of codes)."""
    rows = []
    for code in _units(report, units):
        figs = report.figures if code == report.unit else report.calc.figures(code, report.period)
        for ind_code, fig in figs.items():
            d = fig.to_dict()
            ind = fig.indicator
            rows.append({
                "period": report.period.code, "unit": code, "unit_name": report.ds.units.name(code, report.lang),
                "indicator": ind_code, "name": ind.name(report.lang), "area": ind.area,
                "unit_of_measure": ind.unit,
                **{k: _number(d.get(k)) for k in ("value", "previous", "same_period_last_year", "ytd",
                                                  "ytd_same_period_last_year", "target")},
                "status": d.get("status"), "ytd_status": d.get("ytd_status"), "computed": d.get("computed"),
            })
    return pd.DataFrame(rows, columns=list(FIGURE_COLUMNS))


def findings(report) -> pd.DataFrame:
    """The report's data-quality findings: severity, kind, unit, indicator, file, row, message."""
    rows = [{"severity": f.severity, "kind": f.check, "unit": f.unit, "indicator": f.indicator,
             "file": f.file, "row": f.row, "message": f.message(report.lang)} for f in report.findings]
    return pd.DataFrame(rows, columns=["severity", "kind", "unit", "indicator", "file", "row", "message"])


def chart(fig, title: str | None = None) -> None:
    """Show a matplotlib figure of your own in the report (HTML and PDF)."""
    shown = [blocks.Heading(title, level=3)] if title else []
    blocks.show(blocks.Group([*shown, blocks.Chart(charts.svg(fig), alt=title or "")]))


def table(df: pd.DataFrame, title: str | None = None, widths=None) -> None:
    """Show a DataFrame as a report table (numbers right-aligned, None/NaN as "—")."""
    n = max(len(df.columns), 1)
    widths = widths or [1 / n] * n
    columns = [blocks.Column(str(name), width=w, align="right" if pd.api.types.is_numeric_dtype(df[name])
                             else "left") for name, w in zip(df.columns, widths)]
    rows = [["—" if v is None or (isinstance(v, float) and v != v) else str(v) for v in rec]
            for rec in df.itertuples(index=False)]
    shown = [blocks.Heading(title, level=3)] if title else []
    blocks.show(*shown, blocks.Table(columns, rows))


def text(markdown: str) -> None:
    """Show a paragraph (Markdown, no raw HTML, no images) in the report."""
    blocks.show(blocks.Markdown(markdown))
