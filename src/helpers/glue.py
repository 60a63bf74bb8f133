"""A report's result travels inside its executed notebook (scrapbook's ``glue``).

The kernel computes a report once; its last cell calls ``report.glue()``, which
displays what the runner needs (title, running header, language, metrics with
its ``schema_version``, the input files and their sha256) as one output of our
own MIME type. Front ends and our HTML/PDF exporters do not render that type (and
the cell is tagged ``remove``); the runner reads it back with :func:`read` and
never recomputes."""

from __future__ import annotations

import json
from decimal import Decimal

from .errors import ReportError
from .fmt import json_number
from .text import t

MIME_TYPE = "application/vnd.cchc.report+json"
REQUIRED = ("title", "header", "language", "metrics")


def glue(payload: dict) -> None:
    """Display ``payload`` (JSON-able: Decimals become numbers, dates text) under :data:`MIME_TYPE`,
    with one line of plain text for a reviewer's JupyterLab (the exporters drop the cell)."""
    from IPython.display import display
    data = json.loads(json.dumps(payload, ensure_ascii=False, default=_jsonable))
    lang = data.get("language") or "vi"
    summary = t(lang, "glue.summary", title=data.get("title", ""),
                n=len(data.get("metrics", {}).get("indicators", {})))
    display({MIME_TYPE: data, "text/plain": summary}, raw=True)


def _jsonable(value):
    """What ``json`` cannot write itself: a Decimal as the number results store, anything else as text."""
    return json_number(value) if isinstance(value, Decimal) else str(value)


def read(nb, source: str = "") -> dict:
    """The last payload glued in an executed notebook (a NotebookNode or its dict)."""
    for cell in reversed(nb.get("cells", [])):
        for output in reversed(cell.get("outputs", []) or []):
            data = (output.get("data") or {}).get(MIME_TYPE)
            if isinstance(data, dict):
                missing = [k for k in REQUIRED if k not in data]
                if missing:
                    raise ReportError("error.glue.incomplete", missing=', '.join(missing), file=source or None)
                return dict(data)
    raise ReportError("error.glue.nothing_glued", mime_type=MIME_TYPE, file=source or None)
