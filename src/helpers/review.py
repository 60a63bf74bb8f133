"""What a reviewer uses in a notebook cell of their own: a few verbs, in the spirit
of scrapbook's ``glue``/``read_notebook``.

- :func:`figures` — the report's figures as a tidy pandas DataFrame, one row per
  period × unit × indicator, with value, previous period, same period last year,
  year to date (and its comparison), target and status;
- :func:`findings` — the data-quality findings as a DataFrame;
- :func:`read_figures` — the figures of reports already rendered (their metrics.json, their
  executed notebooks, or a whole reports folder) as one DataFrame of the same layout, to
  compare months;
- :func:`chart`, :func:`table`, :func:`text` — show a matplotlib figure, a
  DataFrame or a paragraph of Markdown in the house style; each appears in both
  the HTML and the PDF report (they are report blocks like every other).

Example (a cell added after ``report = open_report(...)``)::

    from helpers import review
    df = review.figures(report, units="children")
    online = df[df.indicator == "online_submission_rate"].sort_values("value")
    review.table(online[["unit_name", "value", "target", "status"]], title="Nộp trực tuyến theo đơn vị")

    months = review.read_figures("reports")          # every report rendered so far
    months[(months.unit == "15") & (months.indicator == "online_submission_rate")]
"""

from __future__ import annotations

import numbers
from pathlib import Path

import numpy as np
import pandas as pd

from . import blocks, charts, fmt
from .figures import STATUSES
from .fmt import json_number
from .results import read_all, read_metrics, read_notebook
from .text import t

FIGURE_COLUMNS = ("period", "unit", "unit_name", "indicator", "name", "area", "unit_of_measure", "value",
                  "previous", "same_period_last_year", "ytd", "ytd_same_period_last_year", "target", "status",
                  "ytd_status", "computed")
READ_COLUMNS = tuple(c for c in FIGURE_COLUMNS if c not in ("name", "area"))   # what a metrics.json holds
VALUE_COLUMNS = ("value", "previous", "same_period_last_year", "ytd", "ytd_same_period_last_year", "target")
STATUS_COLUMNS = ("status", "ytd_status")


def _units(report, units) -> list[str]:
    """The codes ``units`` names, the sub-units as they are at the report's period's end."""
    at = report.period.end.code
    if units in (None, "self"):
        return [report.unit]
    if units == "children":
        return [report.unit, *(u.code for u in report.calc.sub_units(report.unit, at))]
    if units == "all":
        return [report.unit, *(u.code for u in report.ds.units.descendants(report.unit, at))]
    return [str(u) for u in units]


def figures(report, units=None) -> pd.DataFrame:
    """The figures of ``report`` (``units``: ``None`` the report's unit, ``"children"``
    with its direct sub-units, ``"all"`` with every sub-unit — those that exist at the period's
    end, not a unit dissolved before it — or a list of codes)."""
    rows = []
    for code in _units(report, units):
        figs = report.figures if code == report.unit else report.calc.figures(code, report.period)
        name = report.ds.units.name(code, report.lang, report.period.end.code)     # the version of the period
        for ind_code, fig in figs.items():
            d = fig.to_dict()
            ind = fig.indicator
            rows.append({
                "period": report.period.code, "unit": code, "unit_name": name,
                "indicator": ind_code, "name": ind.name(report.lang), "area": ind.area,
                "unit_of_measure": ind.unit,
                **{k: json_number(d.get(k)) for k in VALUE_COLUMNS},
                "status": d.get("status"), "ytd_status": d.get("ytd_status"), "computed": d.get("computed"),
            })
    df = pd.DataFrame(rows, columns=list(FIGURE_COLUMNS))
    df.attrs["language"] = report.lang        # review.table() writes the numbers in the report's language
    return df


def read_figures(*sources) -> pd.DataFrame:
    """The figures of rendered reports as one DataFrame, one row per period × unit × indicator
    (columns as :func:`figures`, without the indicator's name and area), sorted by period, unit
    and indicator. A source is a reports folder (every ``<period>/<unit>/metrics.json`` in it;
    the files it cannot read are left out with a warning), a ``metrics.json``, or an executed
    report notebook (``.ipynb``); a file that is not a result raises
    :class:`helpers.results.NotAResult` saying why. A report read twice (its notebook and its
    metrics.json) counts once."""
    rows = [_figure_row(meta, code, d) for meta in _results(sources)
            for code, d in (meta.get("indicators") or {}).items()]
    df = pd.DataFrame(rows, columns=list(READ_COLUMNS))
    df = df.drop_duplicates(["period", "unit", "indicator"], keep="last")
    return df.sort_values(["period", "unit", "indicator"], kind="stable").reset_index(drop=True)


def _results(sources) -> list[dict]:
    found = []
    for source in map(Path, sources):
        if source.is_dir():
            found += read_all(source).values()
        elif source.suffix == ".ipynb":
            found.append(read_notebook(source))
        else:
            found.append(read_metrics(source))
    return found


def _figure_row(meta: dict, code: str, d: dict) -> dict:
    return {"period": meta.get("period"), "unit": meta.get("unit"), "unit_name": meta.get("unit_name"),
            "indicator": code, "unit_of_measure": d.get("unit"), **{k: d.get(k) for k in VALUE_COLUMNS},
            "status": d.get("status"), "ytd_status": d.get("ytd_status"), "computed": d.get("computed")}


def findings(report) -> pd.DataFrame:
    """The report's data-quality findings: severity, kind, unit, indicator, file, row, message."""
    rows = [{"severity": f.severity, "kind": f.check, "unit": f.unit, "indicator": f.indicator,
             "file": f.file, "row": f.row, "message": f.message(report.lang)} for f in report.findings]
    return pd.DataFrame(rows, columns=["severity", "kind", "unit", "indicator", "file", "row", "message"])


def chart(fig, title: str | None = None) -> None:
    """Show a matplotlib figure of your own in the report (HTML and PDF)."""
    shown = [blocks.Heading(title, level=3)] if title else []
    blocks.show(blocks.Group([*shown, blocks.Chart(charts.svg(fig), alt=title or "")]))


def table(df: pd.DataFrame, title: str | None = None, widths=None, lang: str | None = None) -> None:
    """Show a DataFrame as a report table: numbers right-aligned and written in the report's
    language (``lang``, else the language of the report :func:`figures` read, else Vietnamese),
    a figure in its row's ``unit_of_measure`` where the frame has one, statuses in words,
    None/NaN as "—"."""
    lang = lang or df.attrs.get("language") or "vi"
    n = max(len(df.columns), 1)
    widths = widths or [1 / n] * n
    columns = [blocks.Column(str(name), width=w, align="right" if pd.api.types.is_numeric_dtype(df[name])
                             else "left") for name, w in zip(df.columns, widths)]
    measures = df["unit_of_measure"] if "unit_of_measure" in df.columns else [None] * len(df)
    rows = [[_cell(name, v, measure, lang) for name, v in zip(df.columns, rec)]
            for rec, measure in zip(df.itertuples(index=False), measures)]
    shown = [blocks.Heading(title, level=3)] if title else []
    blocks.show(*shown, blocks.Table(columns, rows))


def _cell(column, v, measure, lang: str) -> str:
    """One cell of a reviewer's table as the report writes it."""
    if v is None or (pd.api.types.is_scalar(v) and pd.isna(v)):
        return fmt.NA[lang if lang in fmt.NA else "vi"]
    if column in STATUS_COLUMNS and v in STATUSES:
        return t(lang, f"status.{v}")
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
        return str(v)
    whole = float(v).is_integer()
    if column in VALUE_COLUMNS and measure:
        rate = measure == "percent" and not (whole and column == "target")     # 76,47% / ≥ 50%
        return fmt.value(v, measure, lang, 2 if rate else (0 if whole else 2))
    return fmt.number(v, lang, 0 if whole else 2)


def text(markdown: str) -> None:
    """Show a paragraph (Markdown, no raw HTML, no images) in the report."""
    blocks.show(blocks.Markdown(markdown))
