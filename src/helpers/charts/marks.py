"""What the charts say and mark: their wording, plot-ready numbers, value labels with the fewest
decimals, and a value's status with its colour and legend entry."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .. import fmt
from ..catalogue import target_op_of
from ..figures import status_of
from ..text import t
from .style import COLORS, STATUS_ORDER

WORDS = ("chart.this_year", "chart.last_year", "chart.year", "chart.target", "chart.no_data", "chart.no_data_bar",
         "chart.no_target", "chart.status_met", "chart.status_not_met", "chart.status_on_track",
         "chart.status_behind", "chart.status_no_target", "chart.value", "chart.computed", "chart.error",
         "chart.warning", "chart.info", "chart.percent_of_target")      # the charts' wording (the catalogue's)


def wording(lang: str) -> dict:
    return {key.split(".", 1)[1]: t(lang, key) for key in WORDS}


def floats(values, count: int | None = None) -> np.ndarray:
    """Plot-ready floats: ``None`` becomes NaN so lines break and bars vanish."""
    out = np.array([math.nan if v is None else float(v) for v in values], dtype=float)
    if count is not None and len(out) != count:
        raise ValueError(f"expected {count} values (one per label), got {len(out)}")
    return out


def decimals_needed(values, most: int = 2) -> int:
    """The fewest decimals (up to ``most``) that show every value exactly."""
    finite = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    for decimals in range(most + 1):
        if all(abs(v - round(v, decimals)) < 1e-9 * max(1.0, abs(v)) for v in finite):
            return decimals
    return most


def format_value(value, unit: str, lang: str, decimals: int | None = None) -> str:
    """One number for a label, with as few decimals as it needs by default."""
    if decimals is None:
        decimals = decimals_needed([value])
    return fmt.value(value, unit, lang, decimals)


def status_of_value(value, target, direction: str = "higher_better") -> str | None:
    """The status of ``value`` against ``target`` as the report judges it
    (:func:`helpers.figures.status_of`), ``None`` without a value. ``direction``
    is the indicator's (``higher_better``, ``lower_better``, ``neutral``) or the
    target's operator (``>=``, ``<=``); a neutral indicator's target is a floor,
    as in the catalogue."""
    if value is None or math.isnan(float(value)):
        return None
    return status_of(float(value), None if target is None else float(target), target_op_of(direction))


def status_color(state: str | None) -> str:
    return COLORS.get(state or "neutral", COLORS["neutral"])


def status_handles(states, lang: str) -> list:
    """Legend entries for the judged statuses that occur, in a fixed order (a bar
    without a target has the plain colour and needs no entry)."""
    words = wording(lang)
    present = set(states) - {"no_target"}
    return [Patch(color=COLORS[s], label=words[f"status_{s}"]) for s in STATUS_ORDER if s in present]


def target_handle(target, unit: str, lang: str, with_value: bool = True) -> Line2D:
    words = wording(lang)
    label = f"{words['target']} {format_value(target, unit, lang)}" if with_value else words["target"]
    return Line2D([], [], color=COLORS["target"], linestyle="--", linewidth=1.2, label=label)



def as_set(labels) -> set:
    if labels is None:
        return set()
    return {labels} if isinstance(labels, str) else set(labels)
