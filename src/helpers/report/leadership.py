"""What leadership reads first, judged on the figures: the verdict, the key messages, a
traffic light per reform area, the rank with its field and movement, and the doubtful
figures with the footnote a reader sees where the figure is printed. Data only
(dataclasses and plain strings in the report's language); the sections lay them out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PureWindowsPath
from typing import Optional

from .. import fmt
from ..catalogue import AREAS
from ..figures import BEHIND, MET, NO_DATA, NO_TARGET, NOT_MET, ON_TRACK, Calculator, Figure
from ..findings import Finding
from ..periods import Period
from ..selection import best, most, uniform, worst
from ..text import Msg, t, tn
from .display import decimals_of, pace_gap_text, places_text, rank_text, show, target_text
from .leagues import SCORE_CODE, League

SEVERITY = {NOT_MET: 4, BEHIND: 3, ON_TRACK: 1, MET: 0}
MAX_DOUBTFUL_NAMED = 5              # rows named on page one's "use with care" line; more are counted
MAX_MESSAGES = 7                    # sentences on page one, the doubtful figures last
NAMED_UNITS = 6                     # units named in one sentence; more are counted
MAX_FLAGS = 2                       # footnotes per figure; the appendix lists every finding
SUB_UNIT_CHECKS = {"children_sum", "missing_unit_month", "part_exceeds_whole"}
RANK_CODE = "idx766_rank"


# -- doubtful figures --------------------------------------------------------------------------------
# the leaders' wording of the findings whose own words tell the analysts which file to fix and how
LEADER_WORDING = {"finding.ignored_file": "report.leader.ignored_file",
                  "finding.notes.remote_image": "report.leader.remote_image"}
_LIST = re.compile(r"(, | \+ )")      # how a parameter lists indicator codes: "a, b" or "a + b"


def leader_message(f: Finding, calc: Calculator, lang: str) -> str:
    """A finding's message as a leader reads it, built from its parameters: its leader wording where
    it has one (:data:`LEADER_WORDING`), without the analysts' hint; indicator names instead of
    codes, a file by its name (never a machine path), no analyst's raw note in the English edition."""
    if f.check == "missing_month" and f.period:
        return t(lang, "report.flag_missing_month", month=Period.parse(f.period).label(lang))
    text = _for_leaders(f.msg, calc, lang).main(lang)
    return text[:1].upper() + text[1:]


def _for_leaders(msg: Msg, calc: Calculator, lang: str) -> Msg:
    """``msg`` in its leader wording, with each parameter as a leader reads it."""
    params = {}
    for name, value in msg.params.items():
        if name == "note" and lang != "vi":          # an analyst's note is in Vietnamese
            value = ""
        elif isinstance(value, Msg):
            value = _for_leaders(value, calc, lang)
        elif isinstance(value, str):
            value = "".join(_named(piece, calc, lang) for piece in _LIST.split(value))
        params[name] = value
    return Msg(LEADER_WORDING.get(msg.key, msg.key), **params)


def _named(piece: str, calc: Calculator, lang: str) -> str:
    """An indicator code as «its name», a path to a file as the file's name (``hinh/a.png`` -> ``a.png``;
    a date or a share such as ``2/5`` has no suffix and stays), anything else as it is."""
    if piece in calc.catalogue:
        return f"«{calc.catalogue[piece].name(lang)}»"
    path = PureWindowsPath(piece)                # either separator
    return path.name if ("/" in piece or "\\" in piece) and path.suffix else piece


@dataclass
class Flag:
    """Why a printed figure is doubtful: the footnote under the table that prints it."""
    indicator: str
    text: str


def flags(figs: dict[str, Figure], findings: list[Finding], calc: Calculator, unit: str, lang: str,
          ytd: bool = False) -> dict[str, list[Flag]]:
    """``{indicator code: [Flag]}`` for the figures of ``unit`` a leader should not quote without care:
    a data-quality finding on the figure or its inputs, or a sum of sub-units with units missing."""
    out: dict[str, list[Flag]] = {}
    units = calc.units
    for code, fig in figs.items():
        ind = fig.indicator
        codes = {code, *ind.inputs}
        for f in findings:
            if f.indicator not in codes:
                continue
            if f.unit not in (None, unit) and not (f.check in SUB_UNIT_CHECKS and (fig.current.computed or
                                                                                  fig.ytd.computed)):
                continue          # a sub-unit's jump does not make its parent's sum doubtful
            text = leader_message(f, calc, lang)
            if f.unit not in (None, unit):
                text = f"{units.name(f.unit, lang)}: {text}"
            _add(out, code, text)
        value = fig.ytd if ytd else fig.current
        if value.value is not None and value.incomplete:
            _add(out, code, t(lang, "report.flag_incomplete", n=value.reported, total=value.expected))
    return out


def _add(out: dict, code: str, text: str) -> None:
    lst = out.setdefault(code, [])
    if len(lst) < MAX_FLAGS and all(f.text != text for f in lst):
        lst.append(Flag(code, text))


# -- judgements over the figures ---------------------------------------------------------------------
def targeted(figs: list[Figure]) -> list[Figure]:
    return [f for f in figs if f.target is not None]


def reference(figs: list[Figure]) -> list[Figure]:
    return [f for f in figs if f.target is None]


def status_shown(fig: Figure, ytd: bool) -> str:
    return fig.ytd_status if ytd else fig.status


def value_shown(fig: Figure, ytd: bool):
    return fig.ytd.value if ytd or fig.indicator.year_end else fig.current.value


def verdict(figs: list[Figure], lang: str, ytd: bool) -> str:
    """``Trong 12 chỉ tiêu có mục tiêu: 8 đạt, 1 đúng tiến độ, 1 chậm tiến độ, 2 chưa đạt.``"""
    judged = [status_shown(f, ytd) for f in targeted(figs)]
    judged = [s for s in judged if s not in (NO_DATA, NO_TARGET)]
    parts = [f"{judged.count(s)} {t(lang, f'report.count_{s}')}" for s in (MET, ON_TRACK, BEHIND, NOT_MET)
             if judged.count(s)]
    if not judged:
        return t(lang, "report.verdict_none")
    return t(lang, "report.verdict", n=len(judged), parts=", ".join(parts))


GREEN, AMBER, RED = "green", "amber", "red"
LIGHT_MARK = {GREEN: MET, AMBER: BEHIND, RED: NOT_MET}      # the mark a light's cell carries (its colour)


def light_of(statuses: list[str]) -> str:
    """The documented rule over an area's judged rows: green when every one is met or on track, red when
    more than half are not met or behind, amber otherwise."""
    bad = sum(s in (NOT_MET, BEHIND) for s in statuses)
    return GREEN if not bad else (RED if 2 * bad > len(statuses) else AMBER)


@dataclass
class AreaLight:
    area: str
    name: str
    status: str                     # the worst status of the area's judged indicators (metrics.json `areas`)
    detail: str                     # the counts ("5/8 đạt; 2 chưa đạt"), the worst row, the rows counted apart
    light: Optional[str] = None     # green / amber / red by :func:`light_of`; None: nothing judged
    statuses: tuple = ()            # of the judged rows

    def label(self, lang: str) -> str:
        """The light in words that never say more than its rows: green "Đạt" ("Đúng tiến độ" when all are on
        track, "Đạt, đúng tiến độ" for both), amber "Đạt một phần", red "Chưa đạt" ("Chậm tiến độ" when no
        row is past its year end)."""
        if self.light == GREEN and MET in self.statuses and ON_TRACK in self.statuses:
            return t(lang, "report.light.green_pace")
        if self.light == AMBER:
            return t(lang, "report.light.amber")
        return t(lang, f"status.{self.status}")      # the worst row's: met, on_track; red not_met, behind; none

    @property
    def mark(self) -> str:
        """The status whose mark and colour the light's cell shows."""
        return LIGHT_MARK[self.light] if self.light else self.status


def area_lights(figs_by_area: dict[str, list[Figure]], lang: str, ytd: bool) -> list[AreaLight]:
    """One traffic light per reform area (Đề án 06 included), by :func:`light_of` over all its judged rows,
    with the counts and its worst row; rows without a target or without a figure are counted apart."""
    out = []
    for area, registered in AREAS.items():
        rows = figs_by_area.get(area, [])
        figs = [f for f in targeted(rows) if status_shown(f, ytd) != NO_DATA]
        name = registered.name(lang)
        if not figs:
            out.append(AreaLight(area, name, NO_TARGET if rows else NO_DATA,
                                 t(lang, "report.area_reference" if rows else "report.area_no_data")))
            continue
        statuses = [status_shown(f, ytd) for f in figs]
        worst = max(figs, key=lambda f: SEVERITY.get(status_shown(f, ytd), 0))
        detail = _light_counts(statuses, lang) + _worst_row(worst, lang, ytd)
        apart = {"report.light_no_target": len(reference(rows)),
                 "report.light_no_data": len(targeted(rows)) - len(figs)}
        detail += "".join(f"; {t(lang, key, n=n)}" for key, n in apart.items() if n)
        out.append(AreaLight(area, name, status_shown(worst, ytd), detail, light_of(statuses), tuple(statuses)))
    return out


def _light_counts(statuses: list[str], lang: str) -> str:
    """``5/8 đạt`` (``… đạt hoặc đúng tiến độ`` when some are on track), then the rows that are not:
    ``; 2 chưa đạt, 1 chậm tiến độ``."""
    ok = sum(s in (MET, ON_TRACK) for s in statuses)
    key = "report.light_counts_pace" if ON_TRACK in statuses else "report.light_counts"
    text = t(lang, key, ok=ok, n=len(statuses))
    bad = [f"{statuses.count(s)} {t(lang, f'report.count_{s}')}" for s in (NOT_MET, BEHIND) if s in statuses]
    return text + (f"; {', '.join(bad)}" if bad else "")


def _worst_row(worst: Figure, lang: str, ytd: bool) -> str:
    """`` — Tỷ lệ …: 93,14% (mục tiêu 100%)`` for a row not met or behind; ``""`` otherwise."""
    if status_shown(worst, ytd) not in (NOT_MET, BEHIND):
        return ""
    ind = worst.indicator
    said = [t(lang, "report.pace", pace=show(worst.pace, ind, lang))] if worst.pace is not None else []
    said.append(t(lang, "report.msg_target", target=target_text(worst, lang, False)))
    gap = pace_gap_text(worst, lang)
    said += [gap] if gap else []
    return f" — {ind.name(lang)}: {show(value_shown(worst, ytd), ind, lang)} ({'; '.join(said)})"


def rank_line(figs: dict[str, Figure], lang: str) -> Optional[str]:
    """``Xếp hạng Bộ chỉ số 766: 11/63 (↑15 bậc so với cùng kỳ; điểm 81,25/100)``."""
    fig = figs.get(RANK_CODE)
    if fig is None or fig.current.value is None:
        return None
    if fig.period.previous() == fig.period.same_period_last_year():      # a year: one comparison
        text = t(lang, "report.rank_line_year", rank=rank_text(fig.current.value, fig.rank_field),
                 ly=_moved(fig, fig.last_year, lang))
    else:
        text = t(lang, "report.rank_line", rank=rank_text(fig.current.value, fig.rank_field),
                 prev=_moved(fig, fig.previous, lang), ly=_moved(fig, fig.last_year, lang))
    score = figs.get(SCORE_CODE)
    if score is not None and score.current.value is not None:
        text += t(lang, "report.rank_score", score=show(score.current.value, score.indicator, lang))
    return text


def _moved(fig: Figure, other, lang: str) -> str:
    """Places moved since ``other``; across a change of the field (63 provinces, then 34), no movement."""
    if fig.rank_field_changed(other):
        return t(lang, "report.rank_field_changed", field=fig.rank_fields.get(fig.window_of(other)))
    return places_text(fig.rank_change(other), lang)


# -- key messages ------------------------------------------------------------------------------------
def _label(fig: Figure, period: Period, ytd: bool, lang: str) -> str:
    window = period.ytd() if (ytd or fig.indicator.year_end) and period.ytd().length > 1 else period
    return window.label(lang)


def sub_unit_values(calc: Calculator, fig: Figure, window: Period, period: Period) -> list[tuple]:
    """``(sub-unit, value)`` of the sub-units of ``fig``'s unit (at the period's end, of the indicator's
    levels) that have a figure over ``window``."""
    ind = fig.indicator
    vals = [(u, calc.value(u.code, ind.code, window).value) for u in calc.sub_units(fig.unit, period.end.code)
            if not ind.levels or u.level in ind.levels]
    return [(u, v) for u, v in vals if v is not None]


def _worst_unit(calc: Calculator, fig: Figure, period: Period, ytd: bool, lang: str) -> Optional[str]:
    """The sub-unit(s) with the worst value, all of them when tied; "even across units" when the values lie
    within a few percent of each other (no one unit to call out)."""
    ind = fig.indicator
    vals = sub_unit_values(calc, fig, period.ytd() if ytd else period, period)
    if len(vals) < 2:
        return None
    numbers = [v for _u, v in vals]
    if uniform(numbers):
        return t(lang, "report.msg_even", low=show(min(numbers), ind, lang), high=show(max(numbers), ind, lang))
    pick = worst(vals, lambda uv: uv[1], lambda uv: uv[0].code, lower_better=ind.direction == "lower_better")
    return t(lang, "report.msg_lowest", unit=named(pick.items, lambda uv: uv[0].name(lang), lang),
             value=show(pick.value, ind, lang))


def named(items, name, lang: str, most: int = NAMED_UNITS) -> str:
    """``A; B; C`` — or the first ``most`` and "và n đơn vị khác" — in the order given (code order)."""
    names = [name(i) for i in items]
    if len(names) <= most:
        return "; ".join(names)
    return t(lang, "report.named_and_more", names="; ".join(names[:most]), n=len(names) - most)


def key_messages(calc: Calculator, figs: dict[str, Figure], period: Period, lang: str, ytd: bool,
                 flagged: dict[str, list[Flag]], leagues_: list[League]) -> list[str]:
    """Three to seven sentences a leader can repeat: what is not met or behind pace, what is met,
    the largest rise and fall on a year earlier, the units that lag and on what, and which figures are doubtful."""
    shown = [f for f in figs.values() if f.indicator.headline or f.target is not None]
    judged = [f for f in targeted(shown) if value_shown(f, ytd) is not None]
    problems = sorted([f for f in judged if status_shown(f, ytd) in (NOT_MET, BEHIND)],
                      key=lambda f: (-SEVERITY[status_shown(f, ytd)], not f.indicator.headline, _gap(f, ytd)))
    not_met = [f for f in problems if status_shown(f, ytd) == NOT_MET]
    behind = [f for f in problems if status_shown(f, ytd) == BEHIND]
    picked = (not_met[:1] + behind[:1]) if not_met and behind else problems[:2]
    out = []
    for f in picked:
        ind = f.indicator
        key = "report.msg_behind" if status_shown(f, ytd) == BEHIND else "report.msg_not_met"
        text = t(lang, key, name=ind.name(lang), period=_label(f, period, ytd, lang),
                 value=show(value_shown(f, ytd), ind, lang), target=target_text(f, lang, False),
                 pace=show(f.pace, ind, lang) if f.pace is not None else "")
        worst = _worst_unit(calc, f, period, ytd, lang)
        out.append(text + (f"; {worst}" if worst else "") + ".")
    met = [f for f in judged if status_shown(f, ytd) == MET and f.indicator.headline][:3]
    on_track = [f for f in judged if status_shown(f, ytd) == ON_TRACK and f.indicator.headline][:3]
    if on_track and len(met) < 2:
        items = [f"{f.indicator.name(lang)} {show(value_shown(f, ytd), f.indicator, lang)} "
                 f"({t(lang, 'report.pace', pace=show(f.pace, f.indicator, lang))})" for f in on_track]
        out.append(t(lang, "report.msg_on_track", items="; ".join(items)) + ".")
    if met:
        items = [f"{f.indicator.name(lang)} {show(value_shown(f, ytd), f.indicator, lang)} "
                 f"({t(lang, 'report.msg_target', target=target_text(f, lang, False))}"
                 f"{_ly(f, ytd, period, lang) if i == 0 else ''})" for i, f in enumerate(met)]
        out.append(t(lang, "report.msg_met", items="; ".join(items)) + ".")
    for f, delta, before in _biggest_movers(shown, ytd):          # the largest rise and the largest fall
        out.append(t(lang, "report.msg_mover_up" if delta > 0 else "report.msg_mover_down", name=f.indicator.name(lang),
                     change=fmt.change(delta, f.indicator.unit, lang, decimals_of(f.indicator)),
                     value=show(value_shown(f, ytd), f.indicator, lang), before=show(before, f.indicator, lang),
                     ly=period.same_period_last_year().label(lang) if not ytd else
                     period.ytd().same_period_last_year().label(lang)) + ".")
    lag = lagging_units(leagues_, lang)
    if lag:
        out.append(t(lang, "report.msg_lagging", units=lag) + ".")
    if not flagged:
        return out[:MAX_MESSAGES]
    names = [figs[c].indicator.name(lang) for c in flagged if c in figs]
    if len(names) > MAX_DOUBTFUL_NAMED:         # every ⚠ row counted: the first named, the others numbered
        rest = len(names) - MAX_DOUBTFUL_NAMED + 1
        names = names[:MAX_DOUBTFUL_NAMED - 1] + [tn(lang, "report.msg_doubtful_more", rest)]
    doubtful = t(lang, "report.msg_doubtful", names="; ".join(names)) + "."
    return out[:MAX_MESSAGES - 1] + [doubtful]          # what to use with care is never the one left out


def _gap(f: Figure, ytd: bool):
    """How far beyond (positive) or short of (negative) its target or pace a figure is."""
    v, goal = value_shown(f, ytd), (f.pace if f.pace is not None else f.target)
    if v is None or goal is None:
        return 0
    return (goal - v) if f.indicator.target_op == "<=" else (v - goal)


def _ly(f: Figure, ytd: bool, period: Period, lang: str) -> str:
    other = f.ytd_last_year if ytd or f.indicator.year_end else f.last_year
    before = other.value
    if before is None or f.common_units(other) is not None:     # a base over fewer units than the figure
        return ""
    window = period.ytd() if ytd else period
    return "; " + t(lang, "report.msg_ly", ly=window.same_period_last_year().label(lang),
                    value=show(before, f.indicator, lang))


def _biggest_movers(figs: list[Figure], ytd: bool) -> list[tuple]:
    """``[(figure, change, before)]``: the headline share that rose most on a year earlier, then the one that
    fell most (each only if it moved at the page's precision; ties by indicator code)."""
    moves = []
    for f in figs:
        ind = f.indicator
        if ind.unit != "percent" or not ind.headline or ind.direction == "neutral" or (ind.is_ratio and not ind.capped):
            continue          # shares of a whole move; a ratio to a quota (e-ID 143%) moves with the quota
        now = value_shown(f, ytd)
        other = f.ytd_last_year if ytd else f.last_year
        before = other.value
        if now is None or before is None or f.common_units(other) is not None \
                or round(now - before, decimals_of(ind)) == 0:
            continue          # (a base over fewer units than the figure is for the table, with its note)
        moves.append((f, now - before, before))
    rises = best([m for m in moves if m[1] > 0], lambda m: m[1], lambda m: m[0].indicator.code)
    falls = worst([m for m in moves if m[1] < 0], lambda m: m[1], lambda m: m[0].indicator.code)
    return [pick.items[0] for pick in (rises, falls) if pick is not None]


def lagging_units(leagues_: list[League], lang: str) -> str:
    """The sub-units below target on the most league indicators, decided on the counts (ties by unit
    code, whatever the language): ``Huyện X (chưa đạt 2/4: nộp trực tuyến, số hóa)``, or all the units
    tied at that count: ``6 đơn vị cùng chưa đạt 2/4: A; B; …``."""
    misses: dict[str, list[str]] = {}
    units: dict = {}
    for lg in leagues_:
        for r in lg.rows:
            if r.status in (NOT_MET, BEHIND):
                misses.setdefault(r.unit.code, []).append(lg.indicator.name(lang))
                units[r.unit.code] = r.unit
    pick = most(list(misses), lambda c: len(misses[c]), lambda c: c)
    if pick is None:
        return ""
    total = len({lg.indicator.code for lg in leagues_ if lg.target is not None})
    if not pick.tied:
        c = pick.items[0]
        return t(lang, "report.msg_lagging_unit", unit=units[c].name(lang), n=len(misses[c]), total=total,
                 names=", ".join(_short(n) for n in misses[c]))
    return t(lang, "report.msg_lagging_tied", count=len(pick.items), n=pick.value, total=total,
             units=named(pick.items, lambda c: units[c].name(lang), lang))


def _short(name: str) -> str:
    """``Tỷ lệ hồ sơ nộp trực tuyến`` -> ``hồ sơ nộp trực tuyến`` (a list of names reads shorter)."""
    for prefix in ("Tỷ lệ ", "Share of ", "Số "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name[:1].lower() + name[1:] if not name[:2].isupper() else name

