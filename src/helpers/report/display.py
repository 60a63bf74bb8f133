"""How one value reads in a table cell or a sentence of the report: a figure in its unit with
the page's decimals, a rank in its field, a movement in places, a change, a target."""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

from .. import fmt
from ..catalogue import Indicator
from ..figures import COVERAGE, Figure, Value, pace_gap
from ..text import t, tn


def decimals_of(ind: Indicator) -> int:
    """Rates show two decimals everywhere on the page (76,47%)."""
    return 2 if ind.unit == "percent" else ind.decimals


def show(value, ind: Indicator, lang: str) -> str:
    return fmt.value(value, ind.unit, lang, decimals_of(ind))


def rank_text(rank, field_size: Optional[int]) -> str:
    """``21/63`` (or ``21`` when the field is unknown)."""
    if rank is None:
        return fmt.NA["vi"]
    return f"{int(rank)}/{field_size}" if field_size else f"{int(rank)}"


def places_text(change: Optional[int], lang: str) -> str:
    """A rank's movement in places: ``↑9 bậc`` / ``↑9 places``; never a percentage."""
    if change is None:
        return fmt.NA["vi"]
    if change == 0:
        return t(lang, "report.rank_same")
    arrow = "↑" if change > 0 else "↓"
    return tn(lang, "report.places_moved", abs(change), arrow=arrow, n=abs(change))


def change_text(fig: Figure, other: Value, lang: str) -> str:
    """The difference to another figure: places for ranks, points for rates, signed numbers otherwise;
    where the sub-units behind the sums differ, over the units common to both windows."""
    ind = fig.indicator
    now, base = fig.compared(other)
    if not (base.comparable and now.comparable):       # before a merger, what does not add up
        return t(lang, "figures.not_comparable")
    if ind.kind == "rank":
        if fig.rank_field_changed(other):           # 63 provinces then, 34 now: the places say nothing
            return t(lang, "figures.not_comparable")
        return places_text(fig.rank_change(other), lang)
    if now.value is None or base.value is None:
        return fmt.NA["vi"]
    return fmt.change(now.value - base.value, ind.unit, lang, decimals_of(ind))


def ytd_change_text(fig: Figure, lang: str) -> str:
    ind = fig.indicator
    if ind.kind == "rank":
        if not (fig.ytd.comparable and fig.ytd_last_year.comparable) or fig.rank_field_changed(fig.ytd_last_year):
            return t(lang, "figures.not_comparable")
        if fig.ytd.value is None or fig.ytd_last_year.value is None:
            return fmt.NA["vi"]
        return places_text(int(fig.ytd_last_year.value - fig.ytd.value), lang)
    return change_text(fig, fig.ytd_last_year, lang)


def compared_note(fig: Figure, other: Value, lang: str) -> Optional[str]:
    """Under a change: over how many sub-units it is compared, or why it is not comparable."""
    n = fig.common_units(other)
    if n is not None:
        return t(lang, "report.compared_over", n=n)
    if not other.comparable and other.reason == COVERAGE:
        return f'{t(lang, "figures.not_comparable")}: {t(lang, "figures.not_comparable.coverage")}'
    return None


def prorated_note(months: Optional[int], lang: str) -> Optional[str]:
    """"chỉ tiêu tính theo 6 tháng hoạt động" for a unit active for part of the year."""
    return None if months is None or months >= 12 else tn(lang, "report.target_prorated", months, n=months)


def target_text(fig: Figure, lang: str, with_pace: bool = True) -> str:
    """``≥ 50%``; a year-end target before December adds its pace: ``100% (tiến độ 83,33%)``."""
    if fig.target is None:
        return fmt.NA["vi"]
    ind = fig.indicator
    op = "≤ " if ind.target_op == "<=" else ("≥ " if not (ind.unit == "percent" and fig.target == 100) else "")
    whole = Decimal(fig.target) == Decimal(fig.target).to_integral_value()
    text = op + fmt.value(fig.target, ind.unit, lang, 0 if whole else decimals_of(ind))
    if with_pace and fig.pace is not None:
        text += " " + t(lang, "report.pace_suffix", pace=show(fig.pace, fig.indicator, lang))
    return text


def pace_gap_text(fig: Figure, lang: str) -> str:
    """How far a year-end figure stands from its pace, in words: ``thấp hơn tiến độ 0,39 điểm phần trăm``,
    ``cao hơn tiến độ …``, ``bằng tiến độ``; ``""`` without a pace. The gap is between the two figures as the
    page prints them (78,78% and 79,17%: 0,39), so that a reader's subtraction gives the same."""
    if pace_gap(fig) is None:
        return ""
    ind = fig.indicator
    decimals = decimals_of(ind)
    gap = fmt.rounded(fig.ytd.value, decimals) - fmt.rounded(fig.pace, decimals)
    if gap == 0:
        return t(lang, "report.pace_gap_none")
    points = ind.unit == "percent"
    amount = fmt.number(abs(gap), lang, decimals) if points else show(abs(gap), ind, lang)
    keys = {(True, True): "report.pace_gap_above_points", (False, True): "report.pace_gap_below_points",
            (True, False): "report.pace_gap_above", (False, False): "report.pace_gap_below"}
    return t(lang, keys[gap > 0, points], gap=amount)
