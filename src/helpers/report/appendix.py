"""The official report's appendices (Phụ lục): the figure tables by unit — every department and every
commune (every sub-unit at each level, not the top and bottom five of the progress report's
leagues), one appendix per table, landscape when wide. The unit's own row comes first; a unit without
a figure shows "—"; a level none of whose units has a table's figures (departments do not collect e-ID
applications) is left out of that table. Which tables: :data:`TABLES` (indicator codes of the catalogue; a table whose
indicators no sub-unit reported is left out)."""

from __future__ import annotations

from typing import NamedTuple

from .. import blocks, fmt
from ..selection import competition_ranks
from ..text import t
from ..units import LEVELS
from .display import show
from .official_text import period_words

LANDSCAPE_COLUMNS = 6          # more value columns than this: the appendix is landscape


class TableSpec(NamedTuple):
    title: str                  # message key; {period} is the period's words
    codes: tuple[str, ...]
    ytd: bool = False           # the year to date (where it differs from the period)
    ranked: str | None = None   # rank the units of each level on this code


TABLES = (
    TableSpec("official.appendix.dossiers",
              ("dossiers_received", "dossiers_received_online", "online_submission_rate", "dossiers_resolved",
               "dossiers_resolved_ontime", "ontime_resolution_rate", "online_payment_rate", "digitization_rate")),
    TableSpec("official.appendix.index766",
              ("idx766_total_score", "idx766_ckmb", "idx766_tdgq", "idx766_dvtt", "idx766_mdsh", "idx766_mdhl"),
              ranked="idx766_total_score"),
    TableSpec("official.appendix.eid",
              ("eid_applications", "eid_collection_vs_target", "eid_activated", "eid_activation_vs_target"), ytd=True),
)


def sub_units(r) -> list[tuple[str, list]]:
    """``[(level, [Unit])]``: every unit under the report's unit at the period's end, by level, in code order."""
    month = r.period.end.code
    found = [u for u in r.ds.units.descendants(r.unit, month) if u.code != r.unit]
    by_level = {lvl: sorted((u for u in found if u.level == lvl), key=lambda u: u.code) for lvl in LEVELS}
    return [(lvl, units) for lvl, units in by_level.items() if units]


def appendices(r) -> list[tuple[str, list[blocks.Block], bool]]:
    """``(title, blocks, landscape)`` per table with figures of at least one sub-unit."""
    groups = sub_units(r)
    if not groups:
        return []
    out = []
    for spec in TABLES:
        made = _appendix(r, spec, groups)
        if made is not None:
            out.append(made)
    return out


def _appendix(r, spec: TableSpec, groups):
    L = r.lang
    window = r.period.ytd() if spec.ytd and r.shows_ytd else r.period
    codes = [c for c in spec.codes if c in r.ds.catalogue]
    values = {(u.code, c): r.calc.value(u.code, c, window).value for _lvl, units in groups for u in units
              for c in codes}
    codes = [c for c in codes if any(values[(u.code, c)] is not None for _lvl, units in groups for u in units)]
    groups = [(lvl, units) for lvl, units in groups         # a level none of whose units has these figures
              if any(values[(u.code, c)] is not None for u in units for c in codes)]
    if not codes:
        return None
    inds = [r.ds.catalogue[c] for c in codes]
    ranked = spec.ranked in codes
    width = (0.7 - (0.08 if ranked else 0)) / len(codes)
    columns = [blocks.Column(t(L, "official.appendix.number"), 0.06, "right"),
               blocks.Column(t(L, "report.unit"), 0.24)]
    columns += [blocks.Column(ind.name(L), width, "right") for ind in inds]
    if ranked:
        columns.append(blocks.Column(t(L, "report.rank"), 0.08, "right"))
    whole = t(L, "report.whole_province" if r._unit_level == "province" else "report.whole_unit")
    own = [r.calc.value(r.unit, c, window).value for c in codes]
    rows = [["", blocks.Cell(whole, bold=True)] + [blocks.Cell(show(v, i, L), bold=True) for v, i in zip(own, inds)]
            + ([""] if ranked else [])]
    number = 0
    for level, units in groups:
        rows.append(["", blocks.Cell(_capital(r._level_words(level)), bold=True)] + [""] * (len(columns) - 2))
        ranks = competition_ranks(units, lambda u: values[(u.code, spec.ranked)], lambda u: u.code) if ranked else {}
        for u in units:
            number += 1
            row = [fmt.number(number, L), u.name(L)] + [show(values[(u.code, c)], i, L) for c, i in zip(codes, inds)]
            rows.append(row + ([str(ranks[u.code]) if u.code in ranks else fmt.NA["vi"]] if ranked else []))
    title = t(L, spec.title, period=period_words(window, L) if window == r.period else window.label(L))
    table = blocks.Table(columns, rows, notes=[t(L, "official.appendix.note")], keep_together=False)
    return title.upper(), [table], len(codes) > LANDSCAPE_COLUMNS - (1 if ranked else 0)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
