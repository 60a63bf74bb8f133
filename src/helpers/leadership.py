"""What leadership reads first, computed from the figures: the verdict, the key
messages, a traffic light per reform area, the rank with its field and movement,
league tables of sub-units, overdue dossiers, and the doubtful figures with the
footnote a reader sees where the figure is printed.

Everything here is data (dataclasses and plain strings in the report's
language); ``report`` turns it into blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional

from . import fmt
from .catalogue import AREAS, Indicator
from .figures import BEHIND, MET, NO_DATA, NO_TARGET, NOT_MET, ON_TRACK, Calculator, Figure, Value
from .findings import Finding
from .periods import Period
from .text import Msg, t
from .units import LEVELS, Unit

SEVERITY = {NOT_MET: 4, BEHIND: 3, ON_TRACK: 1, MET: 0}
MAX_MESSAGES = 6
MAX_FLAGS = 2                       # footnotes per figure; the appendix lists every finding
SUB_UNIT_CHECKS = {"children_sum", "missing_unit_month", "part_exceeds_whole"}
RANK_CODE = "idx766_rank"
SCORE_CODE = "idx766_total_score"
SCORE_GROUPS = ("idx766_ckmb", "idx766_tdgq", "idx766_dvtt", "idx766_mdsh", "idx766_mdhl")
LEAGUE_CODES = ("online_submission_rate", "online_payment_rate", "ontime_resolution_rate", "digitization_rate")
OVERDUE = ("dossiers_resolved", "dossiers_resolved_ontime", "dossiers_pending_overdue")


# -- display of one value ----------------------------------------------------------------------------
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
    return f"{arrow}{abs(change)} {t(lang, 'report.places')}"


def change_text(fig: Figure, other: Value, lang: str) -> str:
    """The difference to another figure: places for ranks, points for rates, signed numbers otherwise."""
    ind = fig.indicator
    if not (other.comparable and fig.current.comparable):       # before a merger, what does not add up
        return t(lang, "figures.not_comparable")
    if ind.kind == "rank":
        return places_text(fig.rank_change(other), lang)
    if fig.current.value is None or other.value is None:
        return fmt.NA["vi"]
    return fmt.change(fig.current.value - other.value, ind.unit, lang, decimals_of(ind))


def ytd_change_text(fig: Figure, lang: str) -> str:
    ind = fig.indicator
    if not (fig.ytd.comparable and fig.ytd_last_year.comparable):
        return t(lang, "figures.not_comparable")
    if ind.kind == "rank":
        if fig.ytd.value is None or fig.ytd_last_year.value is None:
            return fmt.NA["vi"]
        return places_text(int(fig.ytd_last_year.value - fig.ytd.value), lang)
    if fig.ytd.value is None or fig.ytd_last_year.value is None:
        return fmt.NA["vi"]
    return fmt.change(fig.ytd.value - fig.ytd_last_year.value, ind.unit, lang, decimals_of(ind))


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


# -- doubtful figures --------------------------------------------------------------------------------
_CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_PATH = re.compile(r"\S*(?:periods/|notes/)\S*|\S+\.(?:csv|xlsx|md)\b")
_ABSOLUTE = re.compile(r"“(?:[A-Za-z]:)?[/\\][^”]*[/\\]([^/\\”]+)”")   # “/machine/path/x.png” -> “x.png”


def leader_message(f: Finding, calc: Calculator, lang: str) -> str:
    """A finding's message as a leader reads it: indicator names instead of codes,
    no file paths, no analysts' raw notes in the English edition."""
    if f.check == "missing_month" and f.period:
        return t(lang, "report.flag_missing_month", month=Period.parse(f.period).label(lang))
    message = f.msg
    if lang != "vi" and message.params.get("note"):          # an analyst's note is in Vietnamese
        message = Msg(message.key, **{**message.params, "note": ""})
    msg = message.text(lang)
    cat = calc.catalogue
    msg = _CODE.sub(lambda m: f"«{cat[m.group(0)].name(lang)}»" if m.group(0) in cat else m.group(0), msg)
    msg = _ABSOLUTE.sub(r"“\1”", msg)
    msg = _PATH.sub("", msg)
    msg = re.sub(r"\s+([;,.)])", r"\1", msg).strip(" ;—-")
    return msg[:1].upper() + msg[1:]


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


@dataclass
class AreaLight:
    area: str
    name: str
    status: str                     # the worst status of the area's targeted indicators
    detail: str


def area_lights(figs_by_area: dict[str, list[Figure]], lang: str, ytd: bool) -> list[AreaLight]:
    """One traffic light per reform area (Đề án 06 included): its worst judgement and why."""
    out = []
    for area, registered in AREAS.items():
        figs = [f for f in targeted(figs_by_area.get(area, [])) if status_shown(f, ytd) != NO_DATA]
        name = registered.name(lang)
        if not figs:
            has_data = bool(figs_by_area.get(area))
            out.append(AreaLight(area, name, NO_TARGET if has_data else NO_DATA,
                                 t(lang, "report.area_reference" if has_data else "report.area_no_data")))
            continue
        worst = max(figs, key=lambda f: SEVERITY.get(status_shown(f, ytd), 0))
        status = status_shown(worst, ytd)
        counts = [f"{sum(status_shown(f, ytd) == s for f in figs)} {t(lang, f'report.count_{s}')}"
                  for s in (MET, ON_TRACK, BEHIND, NOT_MET) if any(status_shown(f, ytd) == s for f in figs)]
        detail = ", ".join(counts)
        if status in (NOT_MET, BEHIND):
            detail += f" — {worst.indicator.name(lang)}: {show(value_shown(worst, ytd), worst.indicator, lang)}"
            pace = "" if worst.pace is None else \
                f"{t(lang, 'report.pace', pace=show(worst.pace, worst.indicator, lang))}; "
            detail += f" ({pace}{t(lang, 'report.msg_target', target=target_text(worst, lang, False))})"
        out.append(AreaLight(area, name, status, detail))
    return out


def rank_line(figs: dict[str, Figure], lang: str) -> Optional[str]:
    """``Xếp hạng Bộ chỉ số 766: 11/63 (↑15 bậc so với cùng kỳ; điểm 81,25/100)``."""
    fig = figs.get(RANK_CODE)
    if fig is None or fig.current.value is None:
        return None
    if fig.period.previous() == fig.period.same_period_last_year():      # a year: one comparison
        text = t(lang, "report.rank_line_year", rank=rank_text(fig.current.value, fig.rank_field),
                 ly=places_text(fig.rank_change(fig.last_year), lang))
    else:
        text = t(lang, "report.rank_line", rank=rank_text(fig.current.value, fig.rank_field),
                 prev=places_text(fig.rank_change(fig.previous), lang),
                 ly=places_text(fig.rank_change(fig.last_year), lang))
    score = figs.get(SCORE_CODE)
    if score is not None and score.current.value is not None:
        text += t(lang, "report.rank_score", score=show(score.current.value, score.indicator, lang))
    return text


# -- league tables -----------------------------------------------------------------------------------
@dataclass
class LeagueRow:
    unit: Unit
    value: object
    rank: int
    previous_rank: Optional[int]
    status: str
    extra: list = field(default_factory=list)      # group scores beside a total score
    incomplete: Optional[str] = None               # "2/5 đơn vị"

    @property
    def rank_change(self) -> Optional[int]:
        return None if self.previous_rank is None else self.previous_rank - self.rank


@dataclass
class League:
    indicator: Indicator
    level: str
    window: Period
    rows: list[LeagueRow]
    target: Optional[Decimal] = None
    extra_columns: list = field(default_factory=list)


def _ranked(values: list[tuple[Unit, object]], ind: Indicator) -> dict[str, int]:
    """Competition ranks (1, 2, 2, 4) by the indicator's direction."""
    lower = ind.direction == "lower_better"
    have = sorted((v for v in values if v[1] is not None), key=lambda uv: uv[1], reverse=not lower)
    ranks, last, last_rank = {}, None, 0
    for i, (u, v) in enumerate(have, start=1):
        if v != last:
            last, last_rank = v, i
        ranks[u.code] = last_rank
    return ranks


def sub_units(calc: Calculator, unit: str, period: Period) -> list[Unit]:
    """The sub-units as they are at the period's end (after a merger: the new ones)."""
    return [c for c in calc.units.children(unit, period.end.code) if c.code != unit]


def children_by_level(calc: Calculator, unit: str, period: Period) -> dict[str, list[Unit]]:
    out: dict[str, list[Unit]] = {}
    for c in sub_units(calc, unit, period):
        out.setdefault(c.level, []).append(c)
    return {lvl: out[lvl] for lvl in LEVELS if lvl in out}


def league(calc: Calculator, parent: str, code: str, units: list[Unit], window: Period,
           previous: Period, year: int, level: str, extra_codes=()) -> Optional[League]:
    """Sub-units sorted best first on ``code`` over ``window``, with their rank in ``previous``,
    their status against their target (own, else the parent's, else the catalogue's)."""
    ind = calc.catalogue.get(code)
    if ind is None:
        return None
    now = [(u, calc.value(u.code, code, window)) for u in units if ind.levels == () or u.level in ind.levels]
    if sum(v.value is not None for _u, v in now) < 2:
        return None
    before = [(u, calc.value(u.code, code, previous).value) for u, _v in now]
    ranks = _ranked([(u, v.value) for u, v in now], ind)
    prev_ranks = _ranked(before, ind)
    rows = []
    for u, v in sorted(((u, v) for u, v in now if v.value is not None), key=lambda uv: ranks[uv[0].code]):
        target = calc.target(u.code, code, year)
        status, _pace = calc.judge(u.code, ind, v.value, target, window)
        extra = [calc.value(u.code, c, window).value for c in extra_codes]
        rows.append(LeagueRow(u, v.value, ranks[u.code], prev_ranks.get(u.code), status, extra,
                              f"{v.reported}/{v.expected}" if v.incomplete else None))
    return League(ind, level, window, rows, calc.target(parent, code, year),
                  [calc.catalogue[c] for c in extra_codes])


def leagues(calc: Calculator, unit: str, window: Period, previous: Period, year: int) -> list[League]:
    """The league tables leadership steers by: the 766 score (with its group scores), online
    submission and payment, on-time resolution, digitisation; one per level of sub-units."""
    out = []
    for level, units in children_by_level(calc, unit, window).items():
        groups = tuple(c for c in SCORE_GROUPS if c in calc.catalogue and
                       sum(calc.value(u.code, c, window).value is not None for u in units) >= 2)
        for code, extra in [(SCORE_CODE, groups)] + [(c, ()) for c in LEAGUE_CODES]:
            lg = league(calc, unit, code, units, window, previous, year, level, extra)
            if lg is not None:
                out.append(lg)
    return out


# -- overdue dossiers --------------------------------------------------------------------------------
@dataclass
class OverdueRow:
    unit: Unit
    late: object              # resolved late in the period (resolved − resolved on time)
    late_ytd: object          # … year to date
    late_rate_ytd: object     # late / resolved, year to date, in percent
    pending: object           # pending past their deadline at the period's end (where reported)


def _late(calc: Calculator, unit: str, window: Period):
    resolved = calc.value(unit, "dossiers_resolved", window).value
    ontime = calc.value(unit, "dossiers_resolved_ontime", window).value
    if resolved is None or ontime is None:
        return None, None
    late = resolved - ontime
    return late, (Decimal(late) * 100 / Decimal(resolved) if resolved else None)


def overdue(calc: Calculator, unit: str, period: Period) -> tuple[Optional[OverdueRow], list[OverdueRow]]:
    """The unit's overdue dossiers and its sub-units', worst first (late year to date plus pending)."""
    if any(c not in calc.catalogue for c in OVERDUE[:2]):
        return None, []

    def row(u: Unit) -> Optional[OverdueRow]:
        late, _ = _late(calc, u.code, period)
        late_ytd, rate = _late(calc, u.code, period.ytd())
        pending = calc.value(u.code, "dossiers_pending_overdue", period).value \
            if "dossiers_pending_overdue" in calc.catalogue else None
        if late is None and late_ytd is None and pending is None:
            return None
        return OverdueRow(u, late, late_ytd, rate, pending)

    own = row(calc.units.get(unit, period.end.code) or calc.units.get(unit))
    rows = [r for r in (row(c) for c in sub_units(calc, unit, period)) if r is not None]
    rows.sort(key=lambda r: ((r.late_ytd or 0) + (r.pending or 0), r.late or 0), reverse=True)
    return own, rows


# -- key messages ------------------------------------------------------------------------------------
def _label(fig: Figure, period: Period, ytd: bool, lang: str) -> str:
    window = period.ytd() if (ytd or fig.indicator.year_end) and period.ytd().length > 1 else period
    return window.label(lang)


def _worst_unit(calc: Calculator, fig: Figure, period: Period, ytd: bool, lang: str) -> Optional[str]:
    window = period.ytd() if ytd else period
    ind = fig.indicator
    vals = [(u, calc.value(u.code, ind.code, window).value) for u in sub_units(calc, fig.unit, period)
            if not ind.levels or u.level in ind.levels]
    vals = [(u, v) for u, v in vals if v is not None]
    if len(vals) < 2:
        return None
    u, v = min(vals, key=lambda uv: uv[1]) if ind.direction != "lower_better" else max(vals, key=lambda uv: uv[1])
    return t(lang, "report.msg_lowest", unit=u.name(lang), value=show(v, ind, lang))


def key_messages(calc: Calculator, figs: dict[str, Figure], period: Period, lang: str, ytd: bool,
                 flagged: dict[str, list[Flag]], leagues_: list[League]) -> list[str]:
    """Three to six sentences a leader can repeat: what is not met or behind pace, what is met,
    the biggest mover, the units that lag and on what, and which figures are doubtful."""
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
    mover = _biggest_mover(shown, ytd)
    if mover is not None:
        f, delta, before = mover
        out.append(t(lang, "report.msg_mover_up" if delta > 0 else "report.msg_mover_down", name=f.indicator.name(lang),
                     change=fmt.change(delta, f.indicator.unit, lang, decimals_of(f.indicator)),
                     value=show(value_shown(f, ytd), f.indicator, lang), before=show(before, f.indicator, lang),
                     ly=period.same_period_last_year().label(lang) if not ytd else
                     period.ytd().same_period_last_year().label(lang)) + ".")
    lag = lagging_units(leagues_, lang)
    if lag:
        out.append(t(lang, "report.msg_lagging", units=lag) + ".")
    if flagged:
        names = [figs[c].indicator.name(lang) for c in flagged if c in figs][:4]
        out.append(t(lang, "report.msg_doubtful", names="; ".join(names)) + ".")
    return out[:MAX_MESSAGES]


def _gap(f: Figure, ytd: bool):
    """How far beyond (positive) or short of (negative) its target or pace a figure is."""
    v, goal = value_shown(f, ytd), (f.pace if f.pace is not None else f.target)
    if v is None or goal is None:
        return 0
    return (goal - v) if f.indicator.target_op == "<=" else (v - goal)


def _ly(f: Figure, ytd: bool, period: Period, lang: str) -> str:
    before = (f.ytd_last_year if ytd or f.indicator.year_end else f.last_year).value
    if before is None:
        return ""
    window = period.ytd() if ytd else period
    return "; " + t(lang, "report.msg_ly", ly=window.same_period_last_year().label(lang),
                    value=show(before, f.indicator, lang))


def _biggest_mover(figs: list[Figure], ytd: bool):
    best = None
    for f in figs:
        ind = f.indicator
        if ind.unit != "percent" or not ind.headline or ind.direction == "neutral" or (ind.is_ratio and not ind.capped):
            continue          # shares of a whole move; a ratio to a quota (e-ID 143%) moves with the quota
        now = value_shown(f, ytd)
        before = (f.ytd_last_year if ytd else f.last_year).value
        if now is None or before is None:
            continue
        delta = now - before
        if best is None or abs(delta) > abs(best[1]):
            best = (f, delta, before)
    return best if best is not None and best[1] != 0 else None


def lagging_units(leagues_: list[League], lang: str, limit: int = 2) -> str:
    """The sub-units below target on the most league indicators: ``Huyện X (nộp trực tuyến, số hóa)``."""
    misses: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for lg in leagues_:
        for r in lg.rows:
            if r.status in (NOT_MET, BEHIND):
                misses.setdefault(r.unit.code, []).append(lg.indicator.name(lang))
                names[r.unit.code] = r.unit.name(lang)
    worst = sorted(misses, key=lambda c: (-len(misses[c]), names[c]))[:limit]
    total = len({lg.indicator.code for lg in leagues_ if lg.target is not None})
    return "; ".join(t(lang, "report.msg_lagging_unit", unit=names[c], n=len(misses[c]), total=total,
                       names=", ".join(_short(n) for n in misses[c])) for c in worst)


def _short(name: str) -> str:
    """``Tỷ lệ hồ sơ nộp trực tuyến`` -> ``hồ sơ nộp trực tuyến`` (a list of names reads shorter)."""
    for prefix in ("Tỷ lệ ", "Share of ", "Số "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name[:1].lower() + name[1:] if not name[:2].isupper() else name

