"""What ``cchc-report collect PERIOD`` writes: one workbook per reporting unit active in the month,
``<data>/collect/<period>/<unit>.xlsx``, holding only that unit's indicators (by its level), last
month's figures as comments, the deadline and data window (``reporting.yaml``) on its instruction
sheet, and a signed identity (:mod:`helpers.workbook.identity`) keyed with the data folder's
collection key ``<data>/collect/.key`` (random, made by the first ``collect``; never inside
``periods/``, never sent). A workbook that already holds figures is kept unless ``--force``, which
first copies it to ``<data>/backups/``."""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import DataError, ParameterError
from .periods import Period
from .workbook.identity import Issue
from .workbook.layout import accepts, input_indicators, month_period

KEY_FILE = Path("collect") / ".key"
KEY_BYTES = 32


def key_path(data_dir) -> Path:
    return Path(data_dir) / KEY_FILE


def folder_key(data_dir, create: bool = False) -> bytes | None:
    """The data folder's collection key: made (``create``) when there is none, else None."""
    path = key_path(data_dir)
    if not path.exists():
        if not create:
            return None
        _make_key(path)
    try:
        text = path.read_text(encoding="ascii").strip()
        key = bytes.fromhex(text)
    except (OSError, UnicodeDecodeError, ValueError):
        raise DataError("error.collect.bad_key", file=path) from None
    if len(key) < 16:
        raise DataError("error.collect.bad_key", file=path)
    return key


def _make_key(path: Path) -> None:
    """A new random key, readable by its owner only; a key another process made meanwhile wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".key.", dir=path.parent)        # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_bytes(KEY_BYTES).hex() + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)


def reporting_units(units, catalogue, period, codes=None) -> list:
    """The units that report for the month: every unit valid in it whose level some entered indicator
    accepts (by level, then code), or the units ``codes`` names (each known and active then; ``all``: every
    one)."""
    from .units import LEVELS
    p = month_period(period)
    inputs = input_indicators(catalogue)
    codes = [c for c in codes or [] if c != "all"]          # as in `run`: all is every unit
    if codes:
        chosen = []
        for code in codes:
            if code not in units:
                raise ParameterError("error.workbook.unknown_unit", unit_code=code)
            version = units.get(code, p.code)
            if version is None:
                raise ParameterError("error.collect.unit_not_active", unit_code=code, period=p.code)
            chosen.append(version)
    else:
        chosen = [u for u in (units.get(c, p.code) for c in units.codes) if u is not None]
    out = [u for u in dict.fromkeys(chosen) if any(accepts(i, u) for i in inputs)]
    return sorted(out, key=lambda u: (LEVELS.index(u.level) if u.level in LEVELS else len(LEVELS), u.code))


@dataclass(frozen=True)
class Written:
    unit: str
    path: Path
    backup: Path | None = None
    kept: bool = False            # it holds figures and was left as it was (no --force)


def collect(data_dir, period, codes=None, force: bool = False, lang: str = "vi") -> list[Written]:
    """Write the month's workbooks (see the module's docstring); what was written or kept, per unit."""
    from .load import load_data
    from .new_period import backup_file
    from .reporting import read_reporting
    from .workbook import previous_values, write_entry_workbook
    data_dir = Path(data_dir)
    p = month_period(period)
    before = Period.month(p.year, p.first).previous().code
    ds = load_data(data_dir, months=[before])
    chosen = reporting_units(ds.units, ds.catalogue, p, codes)
    reporting = read_reporting(data_dir)
    key = folder_key(data_dir, create=True)
    previous = previous_values(ds, p)
    folder = data_dir / "collect" / p.code
    out = []
    for unit in chosen:
        target = folder / f"{unit.code}.xlsx"
        backup = None
        if target.exists() and has_figures(target, ds):
            if not force:
                out.append(Written(unit.code, target, kept=True))
                continue
            backup = backup_file(target, data_dir)
        issue = Issue(unit.code, key, reporting.deadline(p), reporting.window_dates(p))
        write_entry_workbook(target, p, ds.catalogue, ds.units, previous=previous, lang=lang, issue=issue)
        out.append(Written(unit.code, target, backup))
    return out


def has_figures(path: Path, ds) -> bool:
    """Whether a workbook holds any figure (one that cannot be read is taken to hold some)."""
    from .csvfile import FileProblem
    from .workbook import read_entry_workbook
    from .xlsx import open_workbook
    try:
        with open_workbook(path, str(path)) as (wb, facts):
            return bool(read_entry_workbook(wb, str(path), ds.catalogue, ds.units, facts))
    except (FileProblem, OSError):
        return True
