"""Part III of the official report, "Đánh giá chung", judged on the figures as the progress report
judges them: the strengths (what is met or on track, what improved on a year earlier) and the
shortcomings (what is not met or behind, what worsened, the units below target by name — every unit
tied at the extreme named, by :mod:`helpers.selection` — and the units that did not report)."""

from __future__ import annotations

from decimal import Decimal

from .. import blocks
from ..coverage import statement as coverage_statement
from ..figures import BEHIND, MET, NOT_MET, ON_TRACK, Figure
from ..selection import in_order, most
from ..text import t
from .display import decimals_of, show, target_text
from .leadership import status_shown, targeted, value_shown
from .official_text import change_words, last_year_words, lower_first

NAMED_BELOW = 10          # units below target named per indicator; the rest counted (all in the appendix)
IMPROVED = 5              # improvements (or declines) on a year earlier named


def _item(fig: Figure, ytd: bool, lang: str) -> str:
    ind = fig.indicator
    pace = show(fig.pace, ind, lang) if fig.pace is not None else None
    key = "official.item_pace" if pace and status_shown(fig, ytd) in (ON_TRACK, BEHIND) else "official.item_target"
    return t(lang, key, name=lower_first(ind.name(lang)), value=show(value_shown(fig, ytd), ind, lang),
             target=target_text(fig, lang, False), pace=pace or "")


def _listed(r, figs: list[Figure], status: str, key: str) -> list[blocks.Block]:
    chosen = [f for f in targeted(figs) if status_shown(f, r.shows_ytd) == status
              and value_shown(f, r.shows_ytd) is not None]
    if not chosen:
        return []
    return [blocks.Paragraph(t(r.lang, key, n=len(chosen),
                               items="; ".join(_item(f, r.shows_ytd, r.lang) for f in chosen)))]


def _moves(r, figs: list[Figure], better: bool) -> list[tuple[Figure, object, object]]:
    """``(figure, now, a year earlier)`` of the shares that improved (``better``) or worsened on a year
    earlier, by their change (largest first, ties by code); a ratio to a quota moves with the quota and
    is left out, as on page one."""
    out = []
    for f in figs:
        ind = f.indicator
        if ind.unit != "percent" or ind.direction == "neutral" or (ind.is_ratio and not ind.capped):
            continue
        now = value_shown(f, r.shows_ytd)
        then_value = f.ytd_last_year if (r.shows_ytd or ind.year_end) else f.last_year
        if now is None or then_value.value is None or not then_value.comparable:
            continue
        gain = (now - then_value.value) * (-1 if ind.direction == "lower_better" else 1)
        if round(Decimal(str(gain)), decimals_of(ind)) == 0 or (gain > 0) != better:
            continue
        out.append((f, now, then_value.value, abs(gain)))
    ordered = in_order(out, lambda m: m[3], lambda m: m[0].code)
    return [(f, now, then) for f, now, then, _gain in ordered[:IMPROVED]]


def _moved(r, figs: list[Figure], better: bool, key: str) -> list[blocks.Block]:
    moves = _moves(r, figs, better)
    if not moves:
        return []
    L = r.lang
    items = [f"{lower_first(f.indicator.name(L))} {change_words(now, then, f, L)} "
             f"({show(then, f.indicator, L)} → {show(now, f.indicator, L)})" for f, now, then in moves]
    window = r.period.ytd() if r.shows_ytd else r.period
    return [blocks.Paragraph(t(L, key, ly=last_year_words(window, L), items="; ".join(items)))]


def strengths(r, shown: list[Figure]) -> list[blocks.Block]:
    """What is met, what is on track, what improved on a year earlier."""
    return (_listed(r, shown, MET, "official.met_list") + _listed(r, shown, ON_TRACK, "official.on_track_list")
            + _moved(r, shown, True, "official.improved"))


def weaknesses(r, shown: list[Figure]) -> list[blocks.Block]:
    """What is not met or behind, what worsened, the units below target, the units that did not report."""
    return (_listed(r, shown, NOT_MET, "official.not_met_list") + _listed(r, shown, BEHIND, "official.behind_list")
            + _moved(r, shown, False, "official.worsened") + below_target(r) + most_missed(r) + not_reported(r))


# -- units ------------------------------------------------------------------------------------------
def _names(units, lang: str) -> str:
    return "; ".join(u.name(lang) for u in units)


def below_target(r) -> list[blocks.Block]:
    """Per league with a target: the sub-units below it, worst first (the first :data:`NAMED_BELOW`,
    with every unit tied with the last of them; the others counted)."""
    L, out = r.lang, []
    for lg in r.leagues:
        if lg.target is None:
            continue
        below = [row for row in lg.rows if row.status in (NOT_MET, BEHIND)]
        if not below:
            continue
        worst_first = in_order(below, lambda row: row.value, lambda row: row.unit.code, best_first=False,
                               lower_better=lg.indicator.direction == "lower_better")
        cut = NAMED_BELOW
        while cut < len(worst_first) and worst_first[cut].value == worst_first[cut - 1].value:
            cut += 1
        named = "; ".join(f"{row.unit.name(L)} ({show(row.value, lg.indicator, L)})" for row in worst_first[:cut])
        if cut < len(worst_first):
            named = t(L, "official.and_more", names=named, n=len(worst_first) - cut)
        fig = r.figures.get(lg.indicator.code)
        target = target_text(fig, L, False) if fig is not None else show(lg.target, lg.indicator, L)
        out.append(blocks.Paragraph(t(L, "official.below_target", name=lg.indicator.name(L), n=len(below),
                                      total=len(lg.rows), level=r._level_words(lg.level), target=target,
                                      window=lg.window.label(L), units=named)))
    return out


def most_missed(r) -> list[blocks.Block]:
    """Per level, the sub-units below target on the most league indicators, all of them when tied."""
    L, out = r.lang, []
    for level in dict.fromkeys(lg.level for lg in r.leagues):
        leagues = [lg for lg in r.leagues if lg.level == level and lg.target is not None]
        misses: dict[str, list[str]] = {}
        units = {}
        for lg in leagues:
            for row in lg.rows:
                if row.status in (NOT_MET, BEHIND):
                    misses.setdefault(row.unit.code, []).append(lower_first(lg.indicator.name(L)))
                    units[row.unit.code] = row.unit
        pick = most(list(misses), lambda c, missed=misses: len(missed[c]), lambda c: c)
        if pick is None or pick.value < 2:
            continue
        named = "; ".join(f"{units[c].name(L)} ({', '.join(misses[c])})" for c in pick.items)
        out.append(blocks.Paragraph(t(L, "official.most_missed", level=r._level_words(level), n=pick.value,
                                      total=len(leagues), units=named)))
    return out


def not_reported(r) -> list[blocks.Block]:
    """Who sent the period's figures, as the progress report's page one says it when it is incomplete
    (:func:`helpers.coverage.statement`), and the units that sent nothing, by name."""
    if r.reporting.complete:
        return []
    L = r.lang
    out = [blocks.Paragraph(t(L, "official.coverage", status=coverage_statement(r.reporting, L)))]
    missing = r.reporting.missing
    if missing:
        units = [r.ds.units.get(u.code, r.period.end.code) or r.ds.units[u.code] for u in missing]
        named = _names(units[:NAMED_BELOW], L)
        if len(units) > NAMED_BELOW:
            named = t(L, "official.and_more", names=named, n=len(units) - NAMED_BELOW)
        out.append(blocks.Paragraph(t(L, "official.not_reported", n=len(units), expected=r.reporting.expected,
                                      units=named)))
    return out
