"""``reports/index.html``: every rendered report, newest period first, with human
labels (Báo cáo tiến độ, quý III/2023, 28/11/2026) and links to both languages
and to metrics.json."""

from __future__ import annotations

import datetime as _dt
import functools
from pathlib import Path

from . import fmt, results
from .files import atomic_write
from .periods import Period
from .text import t, tn

LANG = "vi"         # the language of the index page
REPORT_NAMES = {"progress_report": "index.report.progress_report", "data_quality": "index.report.data_quality",
                "official_report": "index.report.official_report"}
EXTENSIONS = ("html", "pdf", "docx")
LANGS = (("vi", "", "index.language.vi"), ("en", ".en", "index.language.en"))

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


def read_metrics(path: Path):
    """A report folder's metrics.json as a dict, or the reason key (``index.skipped.*``)
    it is not one we read (see :func:`helpers.results.read_metrics`)."""
    try:
        return results.read_metrics(path)
    except results.NotAResult as exc:
        return exc.reason


def collect(out_dir: Path, skipped: list | None = None) -> list[dict]:
    """One entry per rendered report (``.html``, ``.pdf`` or ``.docx``, either language, beside a
    metrics.json). A metrics.json that is not one of ours is left out and added to
    ``skipped`` as ``(path, reason key)``."""
    out = []
    for metrics, meta in results.read_all(out_dir, [] if skipped is None else skipped).items():
        folder = metrics.parent
        outputs = [p for p in folder.iterdir() if p.suffix.lstrip(".") in EXTENSIONS and ".failed" not in p.name]
        for report in sorted({_stem(p) for p in outputs}):
            files = {lang: [f"{report}{suffix}.{ext}" for ext in EXTENSIONS
                            if (folder / f"{report}{suffix}.{ext}").is_file()] for lang, suffix, _n in LANGS}
            out.append({"period": folder.parent.name, "unit": folder.name, "report": report,
                        "unit_name": meta.get("unit_name", folder.name),
                        "generated_at": meta.get("generated_at", ""), "files": files})
    out.sort(key=lambda e: (_period_key(e["period"]), e["unit"], e["report"]), reverse=True)
    return out


def write_index(out_dir, skipped: list | None = None) -> Path:
    """Write ``<out_dir>/index.html`` (the template ``templates/index_page.html.j2``); the
    metrics.json files left out go to ``skipped`` (see :func:`collect`)."""
    out_dir = Path(out_dir)
    entries = [{**e, "period_label": period_label(e["period"]), "report_label": report_label(e["report"]),
                "editions": [e["files"][lang] for lang, _s, _n in LANGS], "date": date_label(e["generated_at"])}
               for e in collect(out_dir, skipped)]
    columns = [t(LANG, k) for k in ("index.period", "index.unit", "index.report")] + \
        [t(LANG, key) for _l, _s, key in LANGS] + [t(LANG, "index.data"), t(LANG, "index.generated")]
    path = out_dir / "index.html"
    atomic_write(path, _page().render(lang=LANG, title=t(LANG, "index.title"), heading=t(LANG, "index.heading"),
                                      lead=tn(LANG, "index.lead", len(entries)), columns=columns, entries=entries))
    return path


@functools.cache
def _page():
    from jinja2 import Environment, PackageLoader, select_autoescape
    env = Environment(loader=PackageLoader("helpers", "templates"), autoescape=select_autoescape(default=True),
                      keep_trailing_newline=True)
    return env.get_template("index_page.html.j2")
