"""``cchc-report intake FILE|FOLDER ...``: returned workbooks accepted into the data folder.

Each file is judged on its own, from a private copy (the file given is never modified): it must be a
workbook written by ``collect`` for this data folder (its folder id and signature, see
:mod:`helpers.workbook.identity`), for a month being taken in (the newest one collected, or those
``--period`` names), for a unit active then, holding figures of that unit only and no formula without
a computed value. An accepted copy is filed as ``<data>/periods/<period>/<unit>.xlsx`` (atomically); an
earlier submission of the unit is kept as ``<data>/received/<period>/<unit>-<YYYYMMDD-HHMMSS>.xlsx``
(the time it was received); each acceptance is one entry of the register (:mod:`helpers.register`).
Figures that the loader will reject (``1.989``, out of range) do not refuse a workbook: they are
counted as its problems, listed, and named again by ``validate``."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

from . import clock, files, register
from .csvfile import FileProblem
from .errors import ParameterError
from .findings import location
from .inputs import sha256
from .periods import Period
from .text import Msg
from .workbook.identity import genuine, read_identity

MAX_LISTED_PROBLEMS = 5           # problems of one workbook listed; the others are counted
LOCK_NAME = ".intake.lock"


@dataclass
class Verdict:
    """What intake decided about one file: accepted (``entry``) or refused (``msg`` at ``cell``)."""

    file: str                              # as the user named it
    msg: Msg | None = None
    cell: str | None = None
    unit: str | None = None
    entry: register.Entry | None = None
    problems: list = field(default_factory=list)    # lines of the figures the loader will reject
    same: bool = False                     # identical to the copy already filed
    version: object = None                 # the unit (its version in the month)

    @property
    def accepted(self) -> bool:
        return self.msg is None

    def line(self, lang: str) -> str:
        where = location(lang, self.file, self.cell, unit=self.unit)
        return f"{where}: {self.msg.text(lang)}"


class _Refused(Exception):
    def __init__(self, key: str | Msg, cell=None, unit=None, **params):
        self.msg = key if isinstance(key, Msg) else Msg(key, **params)
        self.cell, self.unit = cell, unit


def files_given(paths) -> list[Path]:
    """The files named, a folder standing for the files directly in it (not hidden ones, nor
    Excel's ``~$`` lock files), in name order."""
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(c for c in p.iterdir() if not c.name.startswith((".", "~$")) and not c.is_dir())
        else:
            out.append(p)
    return out


class Intake:
    """One intake run over a data folder: its key, units, catalogue, deadline and the months taken in."""

    def __init__(self, data_dir, periods=None):
        from .collect import folder_key
        from .load import load_data
        from .reporting import read_reporting
        from .workbook.identity import folder_id
        from .workbook.layout import month_period
        self.data_dir = Path(data_dir)
        self.key = folder_key(self.data_dir)
        if self.key is None:
            raise ParameterError("error.intake.never_collected", data_dir=str(self.data_dir))
        self.folder = folder_id(self.key)
        ds = load_data(self.data_dir, months=[])
        self.units, self.catalogue = ds.units, ds.catalogue
        self.reporting = read_reporting(self.data_dir)
        self.periods = [month_period(p).code for p in periods] if periods else self._newest_collected()

    def _newest_collected(self) -> list[str]:
        folder = self.data_dir / "collect"
        months = sorted(c.name for c in folder.iterdir() if c.is_dir() and _is_month(c.name)) if folder.is_dir() else []
        return months[-1:]

    def take(self, path: Path, shown: str) -> Verdict:
        """Judge ``path`` and file it when accepted (under a lock: one intake at a time)."""
        with files.lock(self.data_dir / "received" / LOCK_NAME):
            incoming = self.data_dir / "received" / ".incoming"
            try:
                tmp = _private_copy(path, incoming)
            except _Refused as no:
                return Verdict(shown, no.msg, no.cell, no.unit)
            try:
                verdict = self._judge(tmp, shown, path.name)
                if verdict.accepted and not verdict.same:
                    verdict.entry = self._file(tmp, verdict)
                return verdict
            finally:
                Path(tmp).unlink(missing_ok=True)

    def _judge(self, tmp: str, shown: str, original: str) -> Verdict:
        from .workbook import is_entry_workbook, read_entry_workbook
        from .workbook.layout import META_SHEET
        from .xlsx import bounded_rows, open_workbook
        try:
            with open_workbook(Path(tmp), shown) as (wb, facts):
                if not is_entry_workbook(wb):
                    raise _Refused("error.intake.not_collected")
                ident = read_identity(list(bounded_rows(wb[META_SHEET], max_col=12)))
                unit = self._check_identity(ident)
                rows = read_entry_workbook(wb, shown, self.catalogue, self.units, facts, by_name=False)
            figures, problems, indicators = self._figures(rows, unit)
            if not figures and not problems:
                raise _Refused("error.intake.empty", None, unit.code)
        except FileProblem as bad:
            return Verdict(shown, Msg("error.intake.unreadable", problem=bad.finding.msg), bad.finding.row,
                           bad.finding.unit)
        except _Refused as no:
            return Verdict(shown, no.msg, no.cell, no.unit)
        digest = sha256(tmp)
        filed = self.filed_path(ident.period, unit.code)
        same = filed.is_file() and sha256(filed) == digest
        now = clock.now().astimezone()
        entry = register.Entry(unit.code, ident.period, now.isoformat(timespec="seconds"),
                               filed.relative_to(self.data_dir).as_posix(), original, figures, digest,
                               late=now.date() > self.reporting.deadline(ident.period), problems=len(problems),
                               indicators=tuple(indicators))
        return Verdict(shown, unit=unit.code, entry=entry, problems=problems, same=same, version=unit)

    def _check_identity(self, ident):
        """The unit a genuine identity names; anything else refused naming the ``_cchc`` cell."""
        if ident is None:
            raise _Refused("error.intake.no_identity")
        if ident.folder != self.folder:
            raise _Refused("error.intake.other_folder", ident.cells.get("folder"), ident.unit or None)
        if not genuine(ident, self.key):
            raise _Refused("error.intake.tampered", ident.cells.get("signature"), ident.unit or None)
        if ident.period not in self.periods:
            raise _Refused("error.intake.other_period", ident.cells.get("period"), ident.unit, period=ident.period,
                           taking=", ".join(self.periods) or "—")
        unit = self.units.get(ident.unit, ident.period)
        if unit is None:
            raise _Refused("error.intake.unit_not_active", ident.cells.get("unit"), ident.unit, period=ident.period)
        return unit

    def _figures(self, rows, unit):
        """``(figures, problems as (cell, indicator, Msg), indicator codes)``; a figure of another unit
        refuses the file."""
        from .values import out_of_range, parse_value
        figures, problems, indicators = 0, [], []
        for _line, code_of_unit, code, raw, _note, cell in rows:
            if str(code_of_unit) != unit.code:
                raise _Refused("error.intake.foreign_unit", cell, str(code_of_unit), other=code_of_unit,
                               own=unit.code)
            indicator = self.catalogue.get(code)
            if indicator is None:                # the catalogue changed since the workbook was written
                problems.append((cell, code, Msg("finding.unknown_indicator", code=code, did_you_mean="")))
                continue
            value, problem = parse_value(raw, indicator.unit)
            problem = problem or (out_of_range(value, indicator) or (None, None))[1]
            if problem is not None:
                problems.append((cell, code, problem))
            elif value is not None:
                figures += 1
                indicators.append(code)
        return figures, problems, sorted(indicators)

    def filed_path(self, period: str, unit: str) -> Path:
        return self.data_dir / "periods" / period / f"{unit}.xlsx"

    def _file(self, tmp: str, verdict: Verdict) -> register.Entry:
        """The copy filed in ``periods/<period>/``, the earlier one kept in ``received/<period>/``."""
        entry = verdict.entry
        target = self.filed_path(entry.period, entry.unit)
        kept = None
        if target.exists():
            kept = self._keep_earlier(target, entry)
        target.parent.mkdir(parents=True, exist_ok=True)
        files.publish(tmp, target)
        entry = dataclasses.replace(entry, replaced=kept)
        register.append(self.data_dir, entry)
        return entry

    def _keep_earlier(self, target: Path, entry: register.Entry) -> str:
        earlier = register.latest(self.data_dir, entry.period).get(entry.unit)
        when = (dt.datetime.fromisoformat(earlier.received_at) if earlier else
                dt.datetime.fromtimestamp(target.stat().st_mtime))
        folder = self.data_dir / "received" / entry.period
        folder.mkdir(parents=True, exist_ok=True)
        copy, n = folder / f"{entry.unit}-{when:%Y%m%d-%H%M%S}.xlsx", 2
        while copy.exists():
            copy, n = folder / f"{entry.unit}-{when:%Y%m%d-%H%M%S}-{n}.xlsx", n + 1
        os.replace(target, copy)
        return copy.relative_to(self.data_dir).as_posix()


def _is_month(name: str) -> bool:
    try:
        return Period.parse(name).kind == "month" and Period.parse(name).code == name
    except ParameterError:
        return False


def _private_copy(path: Path, folder: Path) -> str:
    """A copy of the regular file ``path`` in ``folder`` (what is judged is what is filed)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise _Refused("error.intake.no_file") from None
    except OSError as exc:
        raise _Refused("error.intake.cannot_read", reason=exc.strerror or str(exc)) from None
    if not stat.S_ISREG(st.st_mode):
        raise _Refused("error.intake.not_a_file")
    if path.suffix.lower() != ".xlsx":
        raise _Refused("error.intake.not_xlsx")
    import tempfile
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".xlsx", dir=folder)      # openpyxl wants the suffix
    os.close(fd)
    try:
        shutil.copyfile(path, tmp)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _Refused("error.intake.cannot_read", reason=exc.strerror or str(exc)) from None
    return tmp


def intake(data_dir, paths, periods=None, shown=str) -> list[Verdict]:
    """Judge and file each of ``paths`` (files, or folders of files); one verdict per file."""
    run = Intake(data_dir, periods)
    return [run.take(p, shown(p)) for p in files_given(paths)]
