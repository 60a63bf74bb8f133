"""The report's result: metrics.json as :data:`helpers.results.SCHEMA_VERSION` lays it out (the
same whatever the edition's language), and the payload glued into the executed notebook for the
runner, which never computes the report again."""

from __future__ import annotations

from ..fmt import json_number
from ..results import SCHEMA_VERSION
from .leadership import area_lights
from .provenance import code_version


def _overdue_row(r) -> dict:
    return {"unit": r.unit.code, "late": json_number(r.late), "late_ytd": json_number(r.late_ytd),
            "late_rate_ytd": json_number(r.late_rate_ytd), "pending_overdue": json_number(r.pending)}


def _league(lg) -> dict:
    return {"indicator": lg.indicator.code, "level": lg.level, "window": lg.window.code,
            "target": json_number(lg.target), "rank_change_withheld": lg.rank_change_withheld,
            "rows": [{"unit": r.unit.code, "value": json_number(r.value), "rank": r.rank,
                      "previous_rank": r.previous_rank, "rank_change_places": r.rank_change,
                      "status": r.status} for r in lg.rows]}


class Metrics:
    """metrics.json and the glued result of :class:`helpers.report.Report` (a mixin over its model)."""

    def metrics(self) -> dict:
        """metrics.json: the same values whatever the language of the edition (labels and
        messages in Vietnamese; each finding's ``kind`` is a stable code), laid out as
        :data:`helpers.results.SCHEMA_VERSION` says."""
        return {
            "schema_version": SCHEMA_VERSION, "period": self.period.code, "unit": self.unit,
            "unit_name": self.ds.units.name(self.unit, "vi", self.period.end.code),
            "period_label": self.period.label("vi"),
            "generated_at": self.generated_at.isoformat(), "inputs": self.inputs(),
            "code_version": code_version(),
            "coverage": self.reporting.as_json(),
            "indicators": {code: f.to_dict() for code, f in self.figures.items()},
            "findings": [{"severity": f.severity, "kind": f.check, "check": f.check, "indicator": f.indicator,
                          "unit": f.unit, "period": f.period, "file": f.file, "row": f.row,
                          "message": f.message("vi")} for f in self.findings],
            **self.leadership_metrics(),
        }

    def leadership_metrics(self) -> dict:
        """The judgements of page one and the league tables, language-neutral (codes, numbers, statuses)."""
        own, rows = self.overdue_rows
        return {
            "areas": {a.area: a.status for a in area_lights(self._figures_by_area(), "en", self.shows_ytd)},
            "leagues": [_league(lg) for lg in self.leagues],
            "overdue": {"unit": _overdue_row(own) if own else None, "sub_units": [_overdue_row(r) for r in rows]},
            "flagged": {code: len(fl) for code, fl in self.flags.items()},
        }

    # -- the result the runner reads back -------------------------------------------------------
    def result(self) -> dict:
        """What ``cchc-report run`` needs from this one computation: the title and running
        header of the HTML and PDF, the edition's language, and metrics.json."""
        return {"title": self.title, "header": self.header, "language": self.lang, "metrics": self.metrics()}

    def glue(self) -> None:
        """The notebook's last cell: hand :meth:`result` to the runner inside the notebook."""
        from .. import glue
        glue.glue(self.result())
