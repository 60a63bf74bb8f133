"""``reports/index.html``: every rendered report, newest period first, with links to
both editions (``<report>.*`` in Vietnamese, ``<report>.en.*`` in English) and to
the folder's metrics.json."""

from __future__ import annotations

import html
import json
from pathlib import Path

from .files import atomic_write
from .periods import Period

PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Báo cáo CCHC — danh mục</title>
<style>body{{font-family:"Noto Sans","DejaVu Sans",sans-serif;max-width:960px;margin:2em auto;padding:0 1em}}
table{{border-collapse:collapse;width:100%}}th,td{{border-bottom:1px solid #ccd;padding:.35em .5em;text-align:left}}
th{{background:#e8eef4}}.muted{{color:#667}}</style></head><body>
<h1>Báo cáo tiến độ cải cách hành chính</h1>
<p class="muted">{count} báo cáo, kỳ mới nhất trước.</p>
<table><thead><tr><th>Kỳ</th><th>Đơn vị</th><th>Báo cáo</th><th>Tệp</th><th>Lập lúc</th></tr></thead>
<tbody>{rows}</tbody></table></body></html>
"""


def _period_key(code: str):
    try:
        p = Period.parse(code)
    except Exception:
        return (0, 0, 0)
    return (p.year, p.last, p.length)   # ties: the longer report (quarter) before the month


def collect(out_dir: Path) -> list[dict]:
    """One entry per rendered report (an ``.html`` or ``.pdf`` beside a metrics.json)."""
    out = []
    for metrics in Path(out_dir).glob("*/*/metrics.json"):
        folder = metrics.parent
        try:
            meta = json.loads(metrics.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
        stems = {p.stem for p in folder.glob("*.html")} | {p.stem for p in folder.glob("*.pdf")}
        for report in sorted({s.removesuffix(".en") for s in stems}):
            out.append({"period": folder.parent.name, "unit": folder.name, "report": report,
                        "unit_name": meta.get("unit_name", folder.name),
                        "generated_at": meta.get("generated_at", ""),
                        "files": sorted((p.name for p in folder.glob(f"{report}.*")
                                         if p.suffix in {".html", ".pdf", ".ipynb"} and ".failed" not in p.name
                                         and p.name.count(".") <= 2), key=_edition_order) + ["metrics.json"]})
    out.sort(key=lambda e: (_period_key(e["period"]), e["unit"], e["report"]), reverse=True)
    return out


def _edition_order(name: str) -> tuple:
    """Vietnamese before English; HTML, PDF, notebook within an edition."""
    return (".en." in name, [".html", ".pdf", ".ipynb"].index(Path(name).suffix))


def _link_label(name: str) -> str:
    """``HTML``, ``PDF``, ``IPYNB`` of the Vietnamese edition; ``HTML (EN)`` … of the English."""
    if name == "metrics.json":
        return "metrics.json"
    label = name.rsplit(".", 1)[-1].upper()
    return f"{label} (EN)" if ".en." in name else label


def write_index(out_dir) -> Path:
    out_dir = Path(out_dir)
    entries = collect(out_dir)
    rows = []
    for e in entries:
        links = " · ".join(f'<a href="{html.escape(e["period"])}/{html.escape(e["unit"])}/{html.escape(f)}">'
                           f'{html.escape(_link_label(f))}</a>' for f in e["files"])
        rows.append(f"<tr><td>{html.escape(e['period'])}</td><td>{html.escape(e['unit_name'])} "
                    f"<span class='muted'>({html.escape(e['unit'])})</span></td><td>{html.escape(e['report'])}</td>"
                    f"<td>{links}</td><td>{html.escape(e['generated_at'])}</td></tr>")
    path = out_dir / "index.html"
    atomic_write(path, PAGE.format(count=len(entries), rows="\n".join(rows)))
    return path
