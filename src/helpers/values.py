"""The rules of a figure's value, in one place: which units of measure take whole numbers, how a
text or an Excel cell becomes a number (canonical form only), how many digits a figure, a target or
a bound may have, and whether a value lies in its indicator's valid range."""

from __future__ import annotations

import re
from decimal import Decimal

from .text import Msg

INTEGER_UNITS = frozenset({"count", "vnd", "rank"})     # units of measure whose figures are whole numbers
MAX_DIGITS = 15                 # 10^15: beyond any count or amount in đồng a province reports
MAX_BOUND_DIGITS = 18           # a catalogue's targets and bounds: below 10^18, above 10^-18
MAX_NOTE_CHARS = 2000           # a remark on a figure, not the commentary (that is notes/*.md)
CANONICAL = re.compile(r"^-?\d+(\.\d+)?$")
_THOUSANDS = re.compile(r"^-?\d{1,3}([.,]\d{3})+$")


def parse_value(raw, unit: str):
    """Return ``(value, None)`` or ``(None, message)`` (a :class:`~helpers.text.Msg`).

    Canonical numbers only: ``1989``, ``90.35``. ``1.989``, ``1,989``, ``26,93%`` or
    ``khoảng 400`` are rejected rather than read one way or another.
    """
    if raw is None:
        return None, None
    if isinstance(raw, bool):
        return None, Msg("finding.value.boolean")
    if isinstance(raw, (int, float)):
        return _from_number(raw, unit)
    text = str(raw).strip().replace("\u00a0", "")
    if text == "":
        return None, None
    if CANONICAL.match(text):
        return _from_canonical(text, unit)
    if "," in text or "%" in text or _THOUSANDS.match(text):
        return None, Msg("finding.value.ambiguous", text=text)
    return None, Msg("finding.value.not_a_number", text=text)


def _from_canonical(text: str, unit: str):
    if len(text.lstrip("-").split(".")[0].lstrip("0")) > MAX_DIGITS:
        return None, _too_large(text)
    if unit in INTEGER_UNITS and _THOUSANDS.match(text):
        return None, Msg("finding.value.thousands_or_decimal", text=text, canonical=text.replace('.', ''))
    value = Decimal(text)
    if unit in INTEGER_UNITS:
        if value != value.to_integral_value():
            return None, Msg("finding.value.not_whole", text=text)
        return int(value), None
    return value, None


def _too_large(text: str):
    shown = text if len(text) <= 24 else Msg("finding.value.long_number", start=text[:12], n=len(text))
    return Msg("finding.value.too_large", shown=shown, max_digits=MAX_DIGITS)


def _from_number(raw, unit: str):
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return None, Msg("finding.value.not_finite")
        if abs(raw) >= 10.0 ** MAX_DIGITS:
            return None, _too_large(repr(raw))
        if unit in INTEGER_UNITS:
            if not raw.is_integer():
                return None, Msg("finding.value.not_whole_number", raw=raw)
            return int(raw), None
        return Decimal(repr(raw)), None
    if abs(raw) >= 10 ** MAX_DIGITS:
        return None, _too_large(f"{raw:.3e}")
    return (raw if unit in INTEGER_UNITS else Decimal(raw)), None


def out_of_range(value, indicator):
    """``(check, message)`` when ``value`` is outside the indicator's valid range (see the catalogue)."""
    if value is None:
        return None
    low, high = indicator.valid_range
    if low is not None and value < low:
        if value < 0 and low == 0:
            return "negative", Msg("finding.negative", value=value)
    elif high is None or value <= high:
        return None
    span = f"{plain(low)}–{plain(high)}" if high is not None else f"≥ {plain(low)}"
    what = {"percent": Msg("finding.out_of_range.percent"), "points": Msg("finding.out_of_range.points"),
            "rank": Msg("finding.out_of_range.rank")}.get(indicator.unit)
    return "out_of_range", Msg("finding.out_of_range", value=plain(value), span=span,
                               what=Msg("finding.out_of_range.what", what=what) if what else "")


def plain(v) -> str:
    """A number as written in a data file: ``1989``, ``90.35`` (a Decimal never in exponent form)."""
    return format(v, "f") if isinstance(v, Decimal) else str(v)
