"""``<data>/reporting.yaml`` (optional): how the province collects its figures. ``window`` says
what a month file covers (``calendar``, the default: the calendar month; ``official``: from the
15th of the previous month to the 14th, a quarter from the 15th of the last month of the previous
quarter); it does not re-slice data, the reports state it. ``deadline_day`` is the day of the month
after the period by which units send their figures (default :data:`DEFAULT_DEADLINE_DAY`); a
workbook accepted after it is late."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import DataError
from .periods import Period
from .yamlfile import read_settings

FILE_NAME = "reporting.yaml"
DEFAULT_DEADLINE_DAY = 5


class Reporting(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    window: Literal["calendar", "official"] = "calendar"
    deadline_day: int = Field(DEFAULT_DEADLINE_DAY, ge=1, le=28)

    def deadline(self, period) -> dt.date:
        """The last day a unit's figures for ``period`` are on time: ``deadline_day`` of the
        month after the period's last month."""
        p = Period.parse(str(period))
        year, month = (p.year + 1, 1) if p.last == 12 else (p.year, p.last + 1)
        return dt.date(year, month, self.deadline_day)

    def window_dates(self, period) -> tuple[dt.date, dt.date]:
        """The first and last day the figures of ``period`` cover."""
        p = Period.parse(str(period))
        start = dt.date(p.year, p.first, 1)
        year, month = (p.year + 1, 1) if p.last == 12 else (p.year, p.last + 1)
        end = dt.date(year, month, 1) - dt.timedelta(days=1)
        if self.window == "official":
            start = (start - dt.timedelta(days=1)).replace(day=15)
            end = end.replace(day=14)
        return start, end


def read_reporting(data_dir) -> Reporting:
    """The data folder's ``reporting.yaml``, or the defaults when there is none."""
    path = Path(data_dir) / FILE_NAME
    if not path.is_file():
        return Reporting()
    data = read_settings(path)
    try:
        return Reporting(**{k: (int(v) if k == "deadline_day" and isinstance(v, str) and v.strip().isdigit() else v)
                            for k, v in data.items()})
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "?"
        if err["type"] == "extra_forbidden":
            raise DataError("error.reporting.unknown_key", file=path, column=key, name=key) from None
        raise DataError("error.reporting.bad_value", file=path, column=key, name=key,
                        value=str(data.get(key, ""))[:40]) from None
