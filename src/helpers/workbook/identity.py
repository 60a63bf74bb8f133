"""The identity of a collected workbook (``cchc-report collect``): whose it is, for which month and
data folder, kept in the hidden ``_cchc`` sheet so that it survives renaming the file.

Three rows of ``_cchc``'s head hold it: ``unit`` (the unit's code), ``folder`` (the data folder's id, a
hash of its collection key, never the key itself) and ``signature``: an HMAC-SHA256, keyed with the
folder's key (``<data>/collect/.key``), over the format, the period, the unit, the folder id and the
layout (the ``[sheets]`` and ``[cells]`` sections, as their cells read). A workbook of another folder
has another folder id; one whose period, unit or layout was edited has a signature that no longer
matches; a workbook made by ``template`` has no identity at all."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field

from .layout import FORMAT_NAME, FORMAT_VERSION, META_SHEET

IDENTITY_KEYS = ("unit", "folder", "signature")
_FOLDER_TAG = b"cchc-collect-folder:"


@dataclass(frozen=True)
class Issue:
    """What a collected workbook is made for: the unit, the folder's key, the deadline and the data
    window (dates) its instruction sheet states."""

    unit: str
    key: bytes
    deadline: object
    window: tuple

    @property
    def folder(self) -> str:
        return folder_id(self.key)


@dataclass(frozen=True)
class Identity:
    """The identity rows read back from a workbook, with the cell each came from."""

    period: str
    unit: str
    folder: str
    signature: str
    layout: tuple
    cells: dict = field(default_factory=dict)       # key -> "_cchc!B5"


def folder_id(key: bytes) -> str:
    """The public id of a data folder's collection key (16 hex digits)."""
    return hashlib.sha256(_FOLDER_TAG + key).hexdigest()[:16]


def as_text(value) -> str:
    """A ``_cchc`` cell as text, the same whether written or read back (``5`` and ``5.0`` are ``"5"``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def layout_of(rows) -> tuple:
    """The signed part of ``_cchc``: every non-empty row from ``[sheets]`` on, as texts."""
    out, started = [], False
    for row in rows:
        texts = [as_text(v) for v in row]
        while texts and texts[-1] == "":
            texts.pop()
        if not texts:
            continue
        started = started or texts[0] == "[sheets]"
        if started:
            out.append(tuple(texts))
    return tuple(out)


def signature(key: bytes, period: str, unit: str, folder: str, layout) -> str:
    """The HMAC-SHA256 (hex) of a collected workbook's identity and layout."""
    signed = json.dumps({"format": FORMAT_NAME, "version": FORMAT_VERSION, "period": period, "unit": unit,
                         "folder": folder, "layout": [list(r) for r in layout]},
                        ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, signed.encode("utf-8"), hashlib.sha256).hexdigest()


def identity_rows(issue: Issue, period: str, layout) -> list[list[str]]:
    """The rows the writer adds to ``_cchc``'s head."""
    return [["unit", issue.unit], ["folder", issue.folder],
            ["signature", signature(issue.key, period, issue.unit, issue.folder, layout)]]


def read_identity(rows) -> Identity | None:
    """The identity in the rows of ``_cchc`` (from its first row), or None when it has none (a
    workbook made by ``template``)."""
    head, cells = {}, {}
    for number, row in enumerate(rows, start=1):
        texts = [as_text(v) for v in row]
        if texts and texts[0].startswith("["):
            break
        if len(texts) > 1 and texts[0] in (*IDENTITY_KEYS, "period") and texts[0] not in head:
            head[texts[0]] = texts[1]
            cells[texts[0]] = f"{META_SHEET}!B{number}"
    if not any(k in head for k in IDENTITY_KEYS):
        return None
    return Identity(head.get("period", ""), head.get("unit", ""), head.get("folder", ""),
                    head.get("signature", ""), layout_of(rows), cells)


def genuine(identity: Identity, key: bytes) -> bool:
    """Whether the identity and layout are as ``collect`` signed them with ``key``."""
    wanted = signature(key, identity.period, identity.unit, identity.folder, identity.layout)
    return hmac.compare_digest(wanted, identity.signature)
