"""Numbers, percentages, money and dates in Vietnamese or English (Babel), and an exact figure as
JSON stores it (:func:`json_number`)."""

from __future__ import annotations

import datetime as _dt
from decimal import MAX_EMAX, MIN_EMIN, ROUND_HALF_UP, Context, Decimal, localcontext

from babel.dates import format_date
from babel.numbers import format_decimal

from .text import t

LOCALES = {"vi": "vi_VN", "en": "en_GB"}
NA = {"vi": "—", "en": "—"}


def _locale(lang: str) -> str:
    return LOCALES.get(lang, LOCALES["vi"])


def _rounded(value, decimals: int) -> Decimal:
    """``value`` rounded half-up to ``decimals`` places, exact at any size (a context with as many
    digits as the number needs: the default 28 fails on ``1`` followed by 28 zeros)."""
    d = value if isinstance(value, Decimal) else _decimal(value)
    if not d.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    ctx = _context(d, decimals)
    return d.quantize(Decimal(1).scaleb(-decimals, ctx), rounding=ROUND_HALF_UP, context=ctx)


def rounded(value, decimals: int) -> Decimal:
    """``value`` as the page prints it: rounded half-up to ``decimals`` places (see :func:`_rounded`)."""
    return _rounded(value, decimals)


def _context(d: Decimal, decimals: int) -> Context:
    digits = max(d.adjusted(), 0) + 1 + max(decimals, 0) + 2
    return Context(prec=max(28, digits), rounding=ROUND_HALF_UP, Emax=MAX_EMAX, Emin=MIN_EMIN)


def _decimal(value) -> Decimal:
    if isinstance(value, int):
        return Decimal(value)            # exact, and no int -> str digit limit
    return Decimal(str(value))


def number(value, lang: str = "vi", decimals: int = 0) -> str:
    """``1989`` -> ``1.989`` (vi) / ``1,989`` (en); ``None`` -> ``—``."""
    if value is None:
        return NA[lang if lang in NA else "vi"]
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    rounded = _rounded(value, decimals)
    with localcontext(_context(rounded, decimals)):      # Babel quantizes once more
        return format_decimal(rounded, format=pattern, locale=_locale(lang))


def percent(value, lang: str = "vi", decimals: int = 2) -> str:
    """A value already in percent: ``90.35`` -> ``90,35%``."""
    if value is None:
        return NA[lang if lang in NA else "vi"]
    return number(value, lang, decimals) + "%"


NBSP = "\u00a0"


def points(value, lang: str = "vi", decimals: int = 2) -> str:
    """Percentage points of a change: ``+16,15 điểm %`` / ``+16.15 pp`` (joined by no-break spaces);
    ``không đổi`` / ``unchanged`` when it rounds to zero (never ``−0,00``)."""
    if value is None:
        return NA[lang if lang in NA else "vi"]
    if _rounded(value, decimals) == 0:
        return t(lang, "fmt.unchanged")
    sign = "+" if value > 0 else "−"
    unit = t(lang, "fmt.points").replace(" ", NBSP)      # "điểm %" never wraps away from its number
    return f"{sign}{number(abs(value), lang, decimals)}{NBSP}{unit}"


def signed(value, lang: str = "vi", decimals: int = 0, suffix: str = "") -> str:
    """A change with its sign: ``+120``, ``−3,5%``; ``không đổi`` / ``unchanged`` when it rounds to zero."""
    if value is None:
        return NA[lang if lang in NA else "vi"]
    if _rounded(value, decimals) == 0:
        return t(lang, "fmt.unchanged")
    sign = "+" if value > 0 else "−"
    return f"{sign}{number(abs(value), lang, decimals)}{suffix}"


_MONEY_SCALES = ((Decimal(10) ** 9, "fmt.money.billion"), (Decimal(10) ** 6, "fmt.money.million"),
                 (Decimal(1), "fmt.money.dong"))


def money(value, lang: str = "vi", decimals: int | None = None) -> str:
    """VND amounts: ``35_000_000_000`` -> ``35 tỷ đồng`` / ``35 billion VND``."""
    if value is None:
        return NA[lang if lang in NA else "vi"]
    amount = Decimal(str(value))
    for scale, unit in _MONEY_SCALES:
        if abs(amount) >= scale or scale == 1:
            scaled = amount / scale
            if decimals is None:
                d = 0 if scaled == scaled.to_integral_value() else (1 if abs(scaled) >= 100 else 2)
                scaled_r = _rounded(scaled, d).normalize()
                d = max(0, -scaled_r.as_tuple().exponent)
            else:
                d = decimals
            return f"{number(scaled, lang, d)} {t(lang, unit)}"
    raise AssertionError("unreachable")


DATE_PATTERNS = {"vi": "dd/MM/yyyy", "en": "d MMMM yyyy"}   # 14/11/2023; 14 November 2023 (never 11/14)


def date(value: _dt.date, lang: str = "vi") -> str:
    """``14/11/2023`` in Vietnamese, ``14 November 2023`` in English: a date no reader can misread."""
    return format_date(value, DATE_PATTERNS.get(lang, DATE_PATTERNS["vi"]), locale=_locale(lang))


def datetime(value: _dt.datetime, lang: str = "vi") -> str:
    return f"{value:%H:%M} {date(value.date(), lang)}"


def value(value, unit: str, lang: str = "vi", decimals: int = 0) -> str:
    """Format by an indicator's unit (``count``, ``percent``, ``points``, ``rank``, ``vnd``)."""
    if unit == "percent":
        return percent(value, lang, decimals)
    if unit == "vnd":
        return money(value, lang)
    return number(value, lang, decimals)


def change(delta, unit: str, lang: str = "vi", decimals: int = 0) -> str:
    """A difference between two figures of the same unit."""
    if delta is None:
        return NA[lang if lang in NA else "vi"]
    if unit == "percent":
        return points(delta, lang, decimals)
    if unit == "vnd":
        if delta == 0:
            return t(lang, "fmt.unchanged")
        return ("+" if delta > 0 else "−") + money(abs(delta), lang)
    return signed(delta, lang, decimals)


def json_number(value):
    """An exact figure as a result stores it: a whole Decimal as an int, any other Decimal as a
    float (unrounded: rounding is for the page); anything else as it is."""
    if isinstance(value, Decimal):
        whole = value == value.to_integral_value() and value.as_tuple().exponent >= 0
        return int(value) if whole else float(value)
    return value
