"""Reading results back: one reader for every metrics.json (the index, a reviewer's
notebook, a future dashboard), in the spirit of scrapbook's ``read_notebook(s)``.

A result says which layout it follows in ``schema_version`` (``"MAJOR.MINOR"``); the
layout is the JSON Schema shipped beside this module (:data:`SCHEMA_PATH`, copied to
``docs/metrics.schema.json``). A later minor version only adds fields, so any 1.x file
reads as 1.0 did; a file without a version is 1.0; a file of another major version, or
one that is not a result at all, is skipped with a warning saying why."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

from .errors import ReportError
from .glue import read
from .text import DEFAULT, t

SCHEMA_VERSION = "1.2"                      # what this code writes (Report.metrics)
SCHEMA_PATH = Path(__file__).with_name("schemas") / "metrics.schema.json"
UNVERSIONED = "1.0"                         # the results written before schema_version existed
TEXT_FIELDS = ("schema_version", "period", "unit", "unit_name", "generated_at")   # what readers show as text
MAX_BYTES = 64 * 1024 * 1024                # a report's metrics.json is well under a megabyte


class NotAResult(Exception):
    """``path`` is not a metrics.json this code can read; ``reason`` is the message key
    (``index.skipped.*``) saying why."""

    def __init__(self, path: Path, reason: str):
        self.path, self.reason = Path(path), reason
        super().__init__(f"{path}: {t(DEFAULT, reason)}")


class SkippedResultWarning(UserWarning):
    """A metrics.json left out by :func:`read_all` (its text says which and why)."""


def major(version: str) -> int | None:
    """``"1.0"`` -> 1; None for a text that is not ``MAJOR.MINOR``."""
    head, dot, minor = version.partition(".")
    return int(head) if dot and head.isdigit() and minor.isdigit() else None


def read_metrics(path) -> dict:
    """One metrics.json as a dict whose ``schema_version`` is always set; raises
    :class:`NotAResult` for a file that is not a regular file (a FIFO would hang the
    reader), too large, not JSON, not the object a run writes, or of a major version this
    code does not know."""
    path = Path(path)
    try:
        meta = json.loads(_read_text(path))
    except (ValueError, RecursionError):      # RecursionError: arrays nested thousands deep
        raise NotAResult(path, "index.skipped.unreadable") from None
    return _checked(meta, path)


def read_notebook(path) -> dict:
    """The metrics glued in an executed report notebook (``.ipynb``), checked as
    :func:`read_metrics` checks a metrics.json; :class:`NotAResult` for a notebook that
    holds no report result."""
    path = Path(path)
    try:
        nb = json.loads(_read_text(path))
    except (ValueError, RecursionError):
        raise NotAResult(path, "index.skipped.unreadable") from None
    try:
        meta = read(nb, str(path))["metrics"]
    except (ReportError, AttributeError, TypeError):     # JSON that is not a notebook
        raise NotAResult(path, "index.skipped.no_result") from None
    return _checked(meta, path)


def _read_text(path: Path) -> str:
    """A result file's text, refused unless it is a regular file of a result's size."""
    if not path.is_file():
        raise NotAResult(path, "index.skipped.not_regular")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise NotAResult(path, "index.skipped.too_large")
        return path.read_text(encoding="utf-8")
    except (OSError, ValueError):            # ValueError: not UTF-8
        raise NotAResult(path, "index.skipped.unreadable") from None


def _checked(meta, path: Path) -> dict:
    """``meta`` if it is the object a run writes, in a major version this code reads."""
    if not isinstance(meta, dict) or not all(isinstance(meta.get(k, ""), str) for k in TEXT_FIELDS):
        raise NotAResult(path, "index.skipped.foreign")
    version = meta.setdefault("schema_version", UNVERSIONED)
    if major(version) is None:
        raise NotAResult(path, "index.skipped.foreign")
    if major(version) != major(SCHEMA_VERSION):
        raise NotAResult(path, "index.skipped.unknown_version")
    return meta


def read_all(out_dir, skipped: list | None = None) -> dict[Path, dict]:
    """Every ``<period>/<unit>/metrics.json`` under a reports folder, by path, in path
    order. The files :func:`read_metrics` refuses are left out: added to ``skipped`` as
    ``(path, reason key)`` when a list is given, else each one is a
    :class:`SkippedResultWarning`."""
    found = {}
    for path in sorted(Path(out_dir).glob("*/*/metrics.json")):
        try:
            found[path] = read_metrics(path)
        except NotAResult as exc:
            if skipped is None:
                warnings.warn(t(DEFAULT, "cli.index_skipped", path=path, reason=t(DEFAULT, exc.reason)),
                              SkippedResultWarning, stacklevel=2)
            else:
                skipped.append((path, exc.reason))
    return found
