"""``reports/index.html``: every rendered report, newest period first, with human
labels (Báo cáo tiến độ, quý III/2023, 28/11/2026) and links to both languages
and to metrics.json."""

from __future__ import annotations

import datetime as _dt
import html
import json
from pathlib import Path

from . import fmt
from .files import atomic_write
from .periods import Period
from .text import t

LANG = "vi"         # the language of the index page
REPORT_NAMES = {"progress_report": "index.report.progress_report", "data_quality": "index.report.data_quality"}
LANGS = (("vi", "", "index.language.vi"), ("en", ".en", "index.language.en"))

PAGE = """<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:"Be Vietnam Pro","Noto Sans","DejaVu Sans",sans-serif;max-width:1040px;margin:2em auto;
padding:0 1em}}table{{border-collapse:collapse;width:100%}}th,td{{border-bottom:1px solid #ccd;padding:.35em .5em;
text-align:left;vertical-align:top}}th{{background:#e8eef4}}.muted{{color:#667;font-size:.85em}}</style></head><body>
<h1>{heading}</h1>
<p class="muted">{lead}</p>
<table><thead><tr>{columns}</tr></thead>
<tbody>{rows}</tbody></table></body></html>
"""


def _period_key(code: str):
    try:
        p = Period.parse(code)
    except Exception:
        return (0, 0, 0)
    return (p.year, p.last, p.length)   # ties: the longer report (quarter) before the month


def period_label(code: str) -> str:
    """``2023-Q3`` -> ``quý III/2023``; an unknown folder name stays as it is."""
    try:
        return Period.parse(code).label(LANG)
    except Exception:
        return code


def report_label(stem: str) -> str:
    return t(LANG, REPORT_NAMES[stem]) if stem in REPORT_NAMES else stem.replace("_", " ").capitalize()


def date_label(iso: str) -> str:
    """``2026-11-28T09:15:00`` -> ``28/11/2026``."""
    try:
        return fmt.date(_dt.datetime.fromisoformat(iso).date())
    except (TypeError, ValueError):
        return iso or ""


def _stem(path: Path) -> str:
    """``progress_report.en.pdf`` -> ``progress_report``."""
    return path.name.split(".", 1)[0]


TEXT_FIELDS = ("unit_name", "generated_at")       # what the index shows of a metrics.json
MAX_METRICS_BYTES = 64 * 1024 * 1024               # a report's metrics.json is well under a megabyte


def read_metrics(path: Path):
    """A report folder's metrics.json as a dict, or the reason it is not one of ours
    (``index.skipped.*``): not a regular file (a FIFO would hang the reader), too large,
    not JSON, or not the object a run writes."""
    if not path.is_file():
        return "index.skipped.not_regular"
    try:
        if path.stat().st_size > MAX_METRICS_BYTES:
            return "index.skipped.too_large"
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):      # RecursionError: arrays nested thousands deep
        return "index.skipped.unreadable"
    if not isinstance(meta, dict) or not all(isinstance(meta.get(k, ""), str) for k in TEXT_FIELDS):
        return "index.skipped.foreign"
    return meta


def collect(out_dir: Path, skipped: list | None = None) -> list[dict]:
    """One entry per rendered report (``.html`` or ``.pdf``, either language, beside a
    metrics.json). A metrics.json that is not one of ours is left out and added to
    ``skipped`` as ``(path, reason key)``."""
    out = []
    for metrics in sorted(Path(out_dir).glob("*/*/metrics.json")):
        folder = metrics.parent
        meta = read_metrics(metrics)
        if isinstance(meta, str):
            if skipped is not None:
                skipped.append((metrics, meta))
            continue
        outputs = [p for p in folder.iterdir() if p.suffix in {".html", ".pdf"} and ".failed" not in p.name]
        for report in sorted({_stem(p) for p in outputs}):
            files = {lang: [f"{report}{suffix}.{ext}" for ext in ("html", "pdf")
                            if (folder / f"{report}{suffix}.{ext}").is_file()] for lang, suffix, _n in LANGS}
            out.append({"period": folder.parent.name, "unit": folder.name, "report": report,
                        "unit_name": meta.get("unit_name", folder.name),
                        "generated_at": meta.get("generated_at", ""), "files": files})
    out.sort(key=lambda e: (_period_key(e["period"]), e["unit"], e["report"]), reverse=True)
    return out


def _links(e: dict, names: list[str]) -> str:
    base = f"{html.escape(e['period'])}/{html.escape(e['unit'])}/"
    return " · ".join(f'<a href="{base}{html.escape(n)}">{html.escape(n.rsplit(".", 1)[-1].upper())}</a>'
                      for n in names) or "—"


def write_index(out_dir, skipped: list | None = None) -> Path:
    """Write ``<out_dir>/index.html``; the metrics.json files left out go to ``skipped``
    (see :func:`collect`)."""
    out_dir = Path(out_dir)
    entries = collect(out_dir, skipped)
    rows = []
    for e in entries:
        esc = html.escape
        rows.append(
            f"<tr><td>{esc(period_label(e['period']))}<br><span class='muted'>{esc(e['period'])}</span></td>"
            f"<td>{esc(e['unit_name'])} <span class='muted'>({esc(e['unit'])})</span></td>"
            f"<td>{esc(report_label(e['report']))}</td>"
            + "".join(f"<td>{_links(e, e['files'][lang])}</td>" for lang, _s, _n in LANGS)
            + f"<td>{_links(e, ['metrics.json'])}</td><td>{esc(date_label(e['generated_at']))}</td></tr>")
    path = out_dir / "index.html"
    columns = [t(LANG, k) for k in ("index.period", "index.unit", "index.report")] + \
        [t(LANG, key) for _l, _s, key in LANGS] + [t(LANG, "index.data"), t(LANG, "index.generated")]
    atomic_write(path, PAGE.format(lang=LANG, title=t(LANG, "index.title"), heading=t(LANG, "index.heading"),
                                   lead=t(LANG, "index.lead", count=len(entries)),
                                   columns="".join(f"<th>{c}</th>" for c in columns), rows="\n".join(rows)))
    return path
