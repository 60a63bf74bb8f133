"""The register of returned workbooks: ``<data>/received/<period>/register.jsonl``, one JSON
object per accepted workbook, appended by ``cchc-report intake`` and read by ``status`` and by
the reports' coverage (who reported, who was late). Never read as figures.

An entry: ``{"unit", "period", "received_at" (ISO 8601 with offset), "file" (the filed copy,
relative to the data folder, ``periods/<period>/<unit>.xlsx``), "original" (the name it came
under), "figures" (how many figures it holds), "sha256", "late" (accepted after the deadline),
"replaced" (where the earlier submission was kept, or null), "problems" (how many of its figures the
loader will reject), "indicators" (the codes of its figures)}``. A later entry of the same unit
replaces the earlier one. An entry without the last two (written before they existed) reads as 0 and
``()``."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Optional

from .errors import DataError

FILE_NAME = "register.jsonl"
MAX_REGISTER_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Entry:
    unit: str
    period: str
    received_at: str
    file: str
    original: str
    figures: int
    sha256: str
    late: bool = False
    replaced: Optional[str] = None
    problems: int = 0
    indicators: tuple = ()


def register_path(data_dir, period) -> Path:
    return Path(data_dir) / "received" / str(period) / FILE_NAME


def append(data_dir, entry: Entry) -> None:
    """One acceptance added to the period's register (one line, flushed and synced)."""
    import os
    path = register_path(data_dir, entry.period)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(asdict(entry), ensure_ascii=False, sort_keys=True) + "\n"
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(line)
        fh.flush()
        os.fsync(fh.fileno())


def entries(data_dir, period) -> list[Entry]:
    """Every acceptance for ``period``, in the order made (none: ``[]``)."""
    path = register_path(data_dir, period)
    if not path.is_file():
        return []
    if path.stat().st_size > MAX_REGISTER_BYTES:
        raise DataError("error.register.too_large", file=path)
    out = []
    for row, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            entry = Entry(**{k: data[k] for k in Entry.__dataclass_fields__ if k in data})
            out.append(_checked(entry))
        except (ValueError, TypeError, KeyError, AttributeError):
            raise DataError("error.register.bad_line", file=path, row=row) from None
    return out


def latest(data_dir, period) -> dict[str, Entry]:
    """The last acceptance of each unit for ``period``."""
    return {e.unit: e for e in entries(data_dir, period)}


def _checked(entry: Entry) -> Entry:
    """An entry whose fields have the types written (a hand-edited line is a bad line)."""
    texts = (entry.unit, entry.period, entry.received_at, entry.file, entry.original, entry.sha256)
    if not all(isinstance(v, str) for v in texts) or not isinstance(entry.late, bool):
        raise TypeError(entry)
    if type(entry.figures) is not int or type(entry.problems) is not int:
        raise TypeError(entry)
    if entry.replaced is not None and not isinstance(entry.replaced, str):
        raise TypeError(entry)
    if not isinstance(entry.indicators, (list, tuple)) or not all(isinstance(c, str) for c in entry.indicators):
        raise TypeError(entry)
    return dataclasses.replace(entry, indicators=tuple(entry.indicators))
