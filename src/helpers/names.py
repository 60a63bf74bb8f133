"""The tables of the data folder that describe things (units.csv, indicators.csv): a column with a
misspelt or repeated name is refused (it would be read as nothing), and so is a name or other text that
holds an invisible character that changes what is shown, or is too long for a title, a table cell or an
Excel cell."""

from __future__ import annotations

import unicodedata
from typing import Optional

from .text import Msg

MAX_SOURCE_LENGTH = 120     # a target's source (targets.csv), printed under an indicator's name in a table
MAX_TEXT_LENGTH = 300       # characters: the longest shipped text is 119; Excel holds at most 32 767
# Control characters (NUL, tab, newline …), format characters (the bidi overrides U+202E, U+2066–2069,
# zero-width characters) and line or paragraph separators: none belongs in a one-line name.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs"}


def column_problem(columns, known) -> Optional[tuple[Msg, str]]:
    """``(message, column)`` for the first header column not in ``known`` or named twice, or None."""
    seen = set()
    for column in columns or ():
        if column not in known:
            return Msg("error.table.unknown_column", column=column, known=", ".join(known)), column
        if column in seen:
            return Msg("error.table.repeated_column", column=column), column
        seen.add(column)
    return None


def text_problem(text: str, limit: int = MAX_TEXT_LENGTH) -> Optional[Msg]:
    """What is wrong with a one-line text from the data folder (longer than ``limit``, an invisible
    character), or None."""
    if len(text) > limit:
        return Msg("error.text.too_long", length=len(text), limit=limit, start=text[:30])
    found = invisible_character(text)
    return Msg("error.text.invisible_character", character=found) if found else None


def invisible_character(text: str) -> Optional[str]:
    """``U+202E (RIGHT-TO-LEFT OVERRIDE)`` for the first such character in ``text``, or None."""
    for ch in text:
        if unicodedata.category(ch) in _INVISIBLE_CATEGORIES:
            name = unicodedata.name(ch, "")
            return f"U+{ord(ch):04X}" + (f" ({name})" if name else "")
    return None
