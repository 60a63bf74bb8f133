"""When a report or workbook is made: now, or the moment ``SOURCE_DATE_EPOCH`` names.

``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC; the reproducible-builds convention) fixes the clock so
that two renderings of the same data can be compared byte for byte."""

from __future__ import annotations

import datetime as _dt
import os


def now() -> _dt.datetime:
    """The local time, to the second; or ``SOURCE_DATE_EPOCH`` as local time when it is set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return _dt.datetime.fromtimestamp(int(epoch)).replace(microsecond=0)
    return _dt.datetime.now().replace(microsecond=0)
