"""Names and other texts read from the data folder (units.csv, indicators.csv) that reach reports
and workbooks: refused when they hold an invisible character that changes what is shown."""

from __future__ import annotations

import unicodedata
from typing import Optional

# Control characters (NUL, tab, newline …), format characters (the bidi overrides U+202E, U+2066–2069,
# zero-width characters) and line or paragraph separators: none belongs in a one-line name.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs"}


def invisible_character(text: str) -> Optional[str]:
    """``U+202E (RIGHT-TO-LEFT OVERRIDE)`` for the first such character in ``text``, or None."""
    for ch in text:
        if unicodedata.category(ch) in _INVISIBLE_CATEGORIES:
            name = unicodedata.name(ch, "")
            return f"U+{ord(ch):04X}" + (f" ({name})" if name else "")
    return None
