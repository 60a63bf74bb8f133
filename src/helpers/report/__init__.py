"""What the notebooks call: one ``Report`` per unit and period, whose methods display the
cover, the summary, a section per reform area, the narrative, the data-quality appendix and
the provenance block. Every number comes from ``figures``; every word from ``text``; every
chart from ``charts``. ``Report`` is the one facade: its parts live in this package's
modules (the model, tables, chart data, sections, data quality, metrics, provenance)."""

from __future__ import annotations

from ..text import messages
from .chartdata import COMPARE_ENDS, MAX_TREND_CHARTS, ChartData, highest_and_lowest
from .metrics import Metrics
from .model import ReportModel
from .official import Official
from .provenance import Provenance, code_version
from .quality import LEADER_FINDINGS, Quality
from .sections import Sections
from .sources import Sources
from .tables import Tables

__all__ = ["COMPARE_ENDS", "LEADER_FINDINGS", "MAX_TREND_CHARTS", "Report", "code_version", "highest_and_lowest",
           "open_report"]

# Both catalogues are read at import (about 30 ms): the kernel server imports this package once
# and every kernel it forks finds the wording read.
messages("en")


class Report(Official, Sections, Sources, Tables, ChartData, Quality, Metrics, Provenance, ReportModel):
    """A report of one unit and period: the model (:class:`.model.ReportModel`) with the methods
    the notebooks call (the official report's: :class:`.official.Official`)."""


def open_report(period, unit, data_dir, language) -> Report:
    """Called by the notebooks' first cell after the parameters."""
    return Report.open(period, unit, data_dir, language)
