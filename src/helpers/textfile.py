"""Text files the analysts write (CSV files, notes): UTF-8 with or without a BOM, or one message
that says what the file is instead (UTF-16, perhaps Windows-1258, binary) and how to save it as UTF-8."""

from __future__ import annotations

from typing import Optional

_HOW = {
    "csv": ("mở bằng Excel và lưu lại dạng 'CSV UTF-8 (Comma delimited)'",
            "open it in Excel and save it as 'CSV UTF-8 (Comma delimited)'"),
    "text": ("lưu lại với mã hóa UTF-8 (Notepad: Lưu thành → Mã hóa: UTF-8)",
             "save it again as UTF-8 (Notepad: Save As → Encoding: UTF-8)"),
}


def looks_utf16(data: bytes) -> bool:
    """A UTF-16 byte-order mark, or the NUL byte beside every ASCII letter that UTF-16 has."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    head = data[:400]
    return len(head) >= 4 and head.count(b"\x00") * 3 >= len(head)


def decode(data: bytes, how: str = "csv", partial: bool = False):
    """``(text, None)``, or ``(None, (message_vi, message_en, line))`` naming the encoding.
    ``partial``: ``data`` is the start of a file (a character cut at its end is not an error)."""
    save_vi, save_en = _HOW[how]
    if looks_utf16(data):
        return None, (f"tệp được lưu dạng UTF-16 (Unicode), không phải UTF-8; {save_vi}",
                      f"the file is saved as UTF-16 (Unicode), not UTF-8; {save_en}", 1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if partial and exc.start >= len(data) - 4:
            return data[:exc.start].decode("utf-8-sig"), None
        return None, not_utf8(how, data[:exc.start].count(b"\n") + 1)
    problem = nul_problem(text, how)
    return (None, problem) if problem else (text, None)


def not_utf8(how: str, line: int) -> tuple[str, str, int]:
    save_vi, save_en = _HOW[how]
    return (f"tệp không phải UTF-8 (có thể là Windows-1258/TCVN3); {save_vi}",
            f"the file is not UTF-8 (perhaps Windows-1258); {save_en}", line)


def nul_problem(text: str, how: str = "csv") -> Optional[tuple[str, str, int]]:
    if "\x00" not in text:
        return None
    save_vi, save_en = _HOW[how]
    line = text[:text.index("\x00")].count("\n") + 1
    return (f"tệp chứa ký tự NUL (tệp nhị phân, hoặc UTF-16?); {save_vi}",
            f"the file holds NUL characters (a binary file, or UTF-16?); {save_en}", line)
