"""Text files the analysts write (CSV files, notes): UTF-8 with or without a BOM, or one message
that says what the file is instead (UTF-16, perhaps Windows-1258, binary) and how to save it as UTF-8."""

from __future__ import annotations

from typing import Optional

from .text import Msg

_HOW = {
    "csv": Msg("finding.textfile.how_csv"),
    "text": Msg("finding.textfile.how_text"),
}


def looks_utf16(data: bytes) -> bool:
    """A UTF-16 byte-order mark, or the NUL byte beside every ASCII letter that UTF-16 has."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    head = data[:400]
    return len(head) >= 4 and head.count(b"\x00") * 3 >= len(head)


def decode(data: bytes, how: str = "csv", partial: bool = False):
    """``(text, None)``, or ``(None, (message, line))`` naming the encoding (a :class:`~helpers.text.Msg`).
    ``partial``: ``data`` is the start of a file (a character cut at its end is not an error)."""
    if looks_utf16(data):
        return None, (Msg("finding.textfile.utf16", how=_HOW[how]), 1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if partial and exc.start >= len(data) - 4:
            return data[:exc.start].decode("utf-8-sig"), None
        return None, not_utf8(how, data[:exc.start].count(b"\n") + 1)
    problem = nul_problem(text, how)
    return (None, problem) if problem else (text, None)


def not_utf8(how: str, line: int) -> tuple[Msg, int]:
    return Msg("finding.textfile.not_utf8", how=_HOW[how]), line


def nul_problem(text: str, how: str = "csv") -> Optional[tuple[Msg, int]]:
    if "\x00" not in text:
        return None
    line = text[:text.index("\x00")].count("\n") + 1
    return Msg("finding.textfile.nul", how=_HOW[how]), line
