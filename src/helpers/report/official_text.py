"""The official report's sentences, built from the figures and judgements the progress report has
(:mod:`helpers.figures`, :mod:`.leadership`, :mod:`helpers.selection`), in the official register:
"Trong tháng, toàn tỉnh tiếp nhận 61.417 hồ sơ, trong đó trực tuyến 49.405 hồ sơ, đạt 80,44%, tăng
0,18 điểm phần trăm so với tháng trước". Every template is a catalogue message (``official.*``);
every number goes through :mod:`helpers.fmt`. Nothing here decides a status: it words one."""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

from .. import fmt
from ..figures import BEHIND, MET, NOT_MET, ON_TRACK, Figure, Value
from ..periods import Period
from ..selection import uniform, worst
from ..text import t
from .display import decimals_of, rank_text, show, target_text
from .leadership import status_shown, sub_unit_values, value_shown

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
JUDGED = (MET, ON_TRACK, BEHIND, NOT_MET)


# -- words of a period -------------------------------------------------------------------------------
def period_words(period: Period, lang: str) -> str:
    """``tháng 10 năm 2026``, ``quý III năm 2026``, ``6 tháng đầu năm 2026``, ``năm 2026``."""
    if period.kind == "month":
        return t(lang, "official.period.month", month=period.last, year=period.year)
    if period.kind == "quarter":
        return t(lang, "official.period.quarter", quarter=ROMAN[period.last // 3], year=period.year)
    if period.kind == "half":
        return t(lang, "official.period.half_1" if period.first == 1 else "official.period.half_2", year=period.year)
    if period.kind == "year":
        return t(lang, "official.period.year", year=period.year)
    return period.label(lang)


def day_text(day, lang: str) -> str:
    """``15/9/2026`` as the official documents write a day; ``15 September 2026`` in English."""
    return f"{day.day}/{day.month}/{day.year}" if lang == "vi" else fmt.date(day, lang)


def in_period(period: Period, lang: str) -> str:
    """``Trong tháng`` / ``Trong quý`` / ``Trong 6 tháng`` / ``Trong năm``."""
    return t(lang, f"official.in.{period.kind if period.kind in ('month', 'quarter', 'half') else 'year'}")


def previous_words(period: Period, lang: str) -> str:
    """``tháng trước`` …; a year's previous is the year before, named."""
    if period.kind == "year":
        return t(lang, "official.period.year", year=period.year - 1)
    return t(lang, f"official.previous.{period.kind if period.kind in ('month', 'quarter') else 'half'}")


def last_year_words(period: Period, lang: str) -> str:
    return t(lang, "official.last_year", year=period.year - 1)


def lower_first(name: str) -> str:
    """``Tỷ lệ hồ sơ …`` -> ``tỷ lệ hồ sơ …`` inside a sentence; an acronym (``TTHC``) stays."""
    return name[:1].lower() + name[1:] if len(name) > 1 and not name[1].isupper() else name


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# -- a value, a change, a judgement ------------------------------------------------------------------------
def value_words(value, fig: Figure, lang: str) -> str:
    ind = fig.indicator
    if ind.kind == "rank":
        return rank_text(value, fig.rank_field)
    if ind.unit == "points":
        return t(lang, "official.score", value=show(value, ind, lang))
    return show(value, ind, lang)


def change_words(now, before, fig: Figure, lang: str) -> Optional[str]:
    """``tăng 0,18 điểm phần trăm`` / ``giảm 2,5%`` / ``tăng 1 bậc`` / ``không thay đổi``."""
    if now is None or before is None:
        return None
    ind = fig.indicator
    if ind.kind == "rank":
        delta = int(before - now)                # places gained
        amount = t(lang, "official.places", n=abs(delta))
    elif ind.unit == "percent":
        delta = now - before
        amount = t(lang, "official.pp", n=fmt.number(abs(delta), lang, decimals_of(ind)))
    elif ind.unit == "points":
        delta = now - before
        amount = t(lang, "official.score", value=fmt.number(abs(delta), lang, decimals_of(ind)))
    elif before:
        delta = Decimal(str(now)) - Decimal(str(before))
        amount = fmt.percent(abs(delta) * 100 / abs(Decimal(str(before))), lang, 2)
    else:
        delta = now - before
        amount = fmt.value(abs(delta), ind.unit, lang, decimals_of(ind))
    if round(Decimal(str(delta)), 2) == 0:
        return t(lang, "official.same")
    return t(lang, "official.up" if delta > 0 else "official.down", change=amount)


def versus(now: Value, other: Value, fig: Figure, what: str, lang: str) -> Optional[tuple[str, str]]:
    """``("tăng 0,18 điểm phần trăm", "tháng trước")``, or ``None`` (no figure, or not comparable)."""
    if not (now.comparable and other.comparable):
        return None
    words = change_words(now.value, other.value, fig, lang)
    return None if words is None else (words, what)


def compared(changes: list, lang: str) -> str:
    """``tăng 0,18 điểm phần trăm so với tháng trước và tăng 8,64 điểm phần trăm so với cùng kỳ năm 2025``;
    the same change on both reads once: ``không thay đổi so với tháng trước và cùng kỳ năm 2025``."""
    changes = [c for c in changes if c]
    if len(changes) == 2 and changes[0][0] == changes[1][0]:
        return t(lang, "official.versus", change=changes[0][0],
                 other=t(lang, "official.and", first=changes[0][1], last=changes[1][1]))
    return joined([t(lang, "official.versus", change=words, other=what) for words, what in changes], lang)


def joined(parts: list[Optional[str]], lang: str) -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return t(lang, "official.and", first=", ".join(parts[:-1]), last=parts[-1])


def judgement(fig: Figure, ytd: bool, lang: str) -> Optional[str]:
    """``vượt chỉ tiêu (≥ 65%)``, ``chậm so với tiến độ (tiến độ 83,33%, chỉ tiêu năm 100%)`` …"""
    status = status_shown(fig, ytd)
    if fig.target is None or status not in JUDGED:
        return None
    target = target_text(fig, lang, False)
    pace = show(fig.pace, fig.indicator, lang) if fig.pace is not None else ""
    if status == MET and _beyond(value_shown(fig, ytd), fig):
        return t(lang, "official.judge.exceeded", target=target)
    return t(lang, f"official.judge.{status}", target=target, pace=pace)


def _beyond(value, fig: Figure) -> bool:
    if value is None:
        return False
    return value < fig.target if fig.indicator.target_op == "<=" else value > fig.target


def worst_units(calc, fig: Figure, period: Period, ytd: bool, lang: str) -> Optional[str]:
    """For a figure behind or not met: the sub-unit(s) with the worst value, every one tied named
    (:func:`helpers.selection.worst`, ties by code), or "đồng đều" when the values are even."""
    if status_shown(fig, ytd) not in (NOT_MET, BEHIND):
        return None
    ind = fig.indicator
    vals = sub_unit_values(calc, fig, period.ytd() if ytd or ind.year_end else period, period)
    if len(vals) < 2:
        return None
    numbers = [v for _u, v in vals]
    if uniform(numbers):
        return t(lang, "official.even", low=show(min(numbers), ind, lang), high=show(max(numbers), ind, lang))
    lower = ind.direction == "lower_better"
    pick = worst(vals, lambda uv: uv[1], lambda uv: uv[0].code, lower_better=lower)
    return t(lang, "official.worst_high" if lower else "official.worst_low",
             units=", ".join(u.name(lang) for u, _v in pick.items), value=show(pick.value, ind, lang))


# -- one figure's sentence -----------------------------------------------------------------------------
def is_stock(fig: Figure, catalogue) -> bool:
    """A level at a date (procedures published, services online, a plan's completion), not a flow."""
    ind = fig.indicator
    if ind.aggregation == "last":
        return True
    if ind.is_ratio:
        return all(catalogue[c].aggregation == "last" for c in ind.inputs if c in catalogue)
    return False


def _fraction(value: Value, fig: Figure, lang: str) -> str:
    text = value_words(value.value, fig, lang)
    if fig.indicator.is_ratio and value.numerator is not None and value.denominator is not None \
            and fig.indicator.unit == "percent" and not fig.indicator.year_end:
        return t(lang, "official.fraction", value=text, numerator=fmt.number(value.numerator, lang),
                 denominator=fmt.number(value.denominator, lang))
    return text


def _verb(fig: Figure) -> str:
    return "official.fig.reached" if fig.indicator.unit in ("percent", "points") else "official.fig.is"


def figure_sentence(r, fig: Figure, parts: list[Figure] = (), said: Optional[set] = None) -> Optional[str]:
    """One figure in one sentence: this period's value and its change on the previous period, the year to
    date and its change on last year's (where it differs), the judgement on the target, the weakest
    sub-units when it is behind, and its parts (``trong đó: cấp tỉnh 3.140; cấp xã 410``). ``said``: the
    openings ("Trong tháng", "Tính đến ngày …") the paragraphs before already said, not repeated."""
    L, ind, period = r.lang, fig.indicator, r.period
    stock = is_stock(fig, r.ds.catalogue)
    if fig.current.value is None and not (fig.ytd.value is not None and r.shows_ytd and not stock):
        return None
    ytd_clause = r.shows_ytd and not stock and fig.ytd.value is not None
    intro = t(L, "official.intro.stock", date=day_text(r.data_window[1], L)) if stock else in_period(period, L)
    name = lower_first(ind.name(L))
    pieces = []
    if fig.current.value is not None:
        pieces.append(t(L, _verb(fig), name=name, value=_fraction(fig.current, fig, L)))
        # a year-end target's figure grows through its year: against last December it says nothing
        restarts = ind.year_end and period.previous().year != period.year and period.kind != "year"
        others = [None if restarts else versus(fig.current, fig.previous, fig, previous_words(period, L), L)]
        if not ytd_clause and period.kind != "year":
            others.append(versus(fig.current, fig.last_year, fig, last_year_words(period, L), L))
        if others := compared(others, L):
            pieces[-1] += ", " + others
        if parts:
            pieces[-1] += " (" + t(L, "official.parts", parts="; ".join(
                f"{lower_first(p.indicator.name(L))} {value_words(p.current.value, p, L)}" for p in parts
                if p.current.value is not None)) + ")"
    if ytd_clause:
        clause = t(L, "official.ytd_clause", window=r.period.ytd().label(L), value=_fraction(fig.ytd, fig, L))
        if fig.current.value is None:            # nothing this month (a quarterly figure): the year to date
            intro = t(L, "official.ytd_intro", window=r.period.ytd().label(L))
            clause = t(L, _verb(fig), name=name, value=_fraction(fig.ytd, fig, L))
        other = compared([versus(fig.ytd, fig.ytd_last_year, fig, last_year_words(period, L), L)], L)
        pieces.append(clause + (", " + other if other else ""))
    said = set() if said is None else said
    text = "; ".join(pieces)
    text = capital(text) if intro in said else f"{intro}, {text}"
    if fig.current.value is not None:            # "Lũy kế …" (nothing this period) is said every time
        said.add(intro)
    judged = judgement(fig, r.shows_ytd, L)
    if judged:
        text += ", " + judged
    weakest = worst_units(r.calc, fig, period, r.shows_ytd, L)
    if weakest:
        text += "; " + weakest
    return text + "."


# -- dossiers: the composite sentences of the example -------------------------------------------
def scope_words(r) -> str:
    """``toàn tỉnh`` for a province; the unit's name otherwise."""
    return t(r.lang, "official.scope.province") if r._unit_level == "province" else r.unit_name


def dossier_sentence(r) -> Optional[str]:
    """``Trong tháng, toàn tỉnh tiếp nhận 61.417 hồ sơ, trong đó trực tuyến 49.405 hồ sơ, đạt 80,44%, tăng
    0,18 điểm phần trăm so với tháng trước; lũy kế …``."""
    figs, L = r.figures, r.lang
    need = ("dossiers_received", "dossiers_received_online", "online_submission_rate")
    if any(c not in figs for c in need):
        return None
    received, online, rate = (figs[c] for c in need)
    if received.current.value is None or online.current.value is None or rate.current.value is None:
        return None
    text = t(L, "official.dossiers", intro=in_period(r.period, L), scope=scope_words(r),
             received=fmt.number(received.current.value, L), online=fmt.number(online.current.value, L),
             rate=show(rate.current.value, rate.indicator, L))
    return _rate_tail(r, rate, text)


def resolved_sentence(r) -> Optional[str]:
    """``Đã giải quyết 60.000 hồ sơ, trong đó trước hạn và đúng hạn 59.470 hồ sơ, đạt 99,11% …``."""
    figs, L = r.figures, r.lang
    need = ("dossiers_resolved", "dossiers_resolved_ontime", "ontime_resolution_rate")
    if any(c not in figs for c in need):
        return None
    resolved, ontime, rate = (figs[c] for c in need)
    if resolved.current.value is None or ontime.current.value is None or rate.current.value is None:
        return None
    text = t(L, "official.resolved", resolved=fmt.number(resolved.current.value, L),
             ontime=fmt.number(ontime.current.value, L), rate=show(rate.current.value, rate.indicator, L))
    text = _rate_tail(r, rate, text)[:-1]
    own, _rows = r.overdue_rows
    if own is not None and own.late is not None:
        text += "; " + t(L, "official.late", late=fmt.number(own.late, L))
    if own is not None and own.pending is not None:
        text += "; " + t(L, "official.pending", pending=fmt.number(own.pending, L))
    return text + "."


def _rate_tail(r, rate: Figure, text: str) -> str:
    L, period = r.lang, r.period
    ytd = r.shows_ytd and rate.ytd.value is not None
    others = [versus(rate.current, rate.previous, rate, previous_words(period, L), L)]
    if not ytd and period.kind != "year":
        others.append(versus(rate.current, rate.last_year, rate, last_year_words(period, L), L))
    if others := compared(others, L):
        text += ", " + others
    if ytd:
        text += "; " + t(L, "official.ytd_clause", window=period.ytd().label(L), value=show(rate.ytd.value,
                                                                                          rate.indicator, L))
        other = compared([versus(rate.ytd, rate.ytd_last_year, rate, last_year_words(period, L), L)], L)
        if other:
            text += ", " + other
    judged = judgement(rate, r.shows_ytd, L)
    if judged:
        text += ", " + judged
    weakest = worst_units(r.calc, rate, period, r.shows_ytd, L)
    return text + ("; " + weakest if weakest else "") + "."
