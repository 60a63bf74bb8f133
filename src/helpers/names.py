"""Names and other texts read from the data folder (units.csv, indicators.csv) that reach reports
and workbooks: refused when they hold an invisible character that changes what is shown, or are too long
for a title, a table cell or an Excel cell."""

from __future__ import annotations

import unicodedata
from typing import Optional

from .text import Msg

MAX_TEXT_LENGTH = 300       # characters: the longest shipped text is 119; Excel holds at most 32 767
# Control characters (NUL, tab, newline …), format characters (the bidi overrides U+202E, U+2066–2069,
# zero-width characters) and line or paragraph separators: none belongs in a one-line name.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs"}


def text_problem(text: str) -> Optional[Msg]:
    """What is wrong with a one-line text from the data folder, or None."""
    if len(text) > MAX_TEXT_LENGTH:
        return Msg("error.text.too_long", length=len(text), limit=MAX_TEXT_LENGTH, start=text[:30])
    found = invisible_character(text)
    return Msg("error.text.invisible_character", character=found) if found else None


def invisible_character(text: str) -> Optional[str]:
    """``U+202E (RIGHT-TO-LEFT OVERRIDE)`` for the first such character in ``text``, or None."""
    for ch in text:
        if unicodedata.category(ch) in _INVISIBLE_CATEGORIES:
            name = unicodedata.name(ch, "")
            return f"U+{ord(ch):04X}" + (f" ({name})" if name else "")
    return None
