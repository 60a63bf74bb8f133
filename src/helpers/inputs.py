"""What a report reads, how a data file is named to users, and the one hash of a file.

:func:`input_files` is the single list of a report's data files: the provenance
appendix and metrics.json show it (the files that exist, with their sha256), and
the batch fingerprint hashes it (a file that appears later, such as a new note,
changes the fingerprint). :func:`period_files` lists ``periods/``; :func:`shown` is the
one rule for a data file's name in findings and reports (relative to the data folder).
:func:`sha256` hashes a file once per version of it."""

from __future__ import annotations

import hashlib
import re
import stat
from pathlib import Path

from . import files
from .periods import Period, month_of_file, months_read
from .register import register_path

_DIGESTS: dict = {}     # (path, mtime_ns, size) -> hex digest: many reports hash each file once
_LISTINGS: dict = {}    # (periods folder, its mtime_ns) -> period_files(): many reports list it once


def sha256(path) -> str:
    """The file's SHA-256 (hex); ``""`` for a file that does not exist. What is not a regular file
    (a FIFO would block the read for ever) or cannot be read is a DataError naming it."""
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        return ""
    except OSError as exc:
        raise files.unreadable(path, exc) from None
    if not stat.S_ISREG(st.st_mode):
        raise files.not_regular(path, st.st_mode)
    key = (str(path), st.st_mtime_ns, st.st_size)
    if key not in _DIGESTS:
        h = hashlib.sha256()
        try:
            with open(path, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 16), b""):
                    h.update(chunk)
        except OSError as exc:
            raise files.unreadable(path, exc) from None
        _DIGESTS[key] = h.hexdigest()
    return _DIGESTS[key]


def note_files(data_dir: Path, period: Period, unit: str, language: str, units=None) -> list[Path]:
    """The narratives a report may show: with the units table, the one it reads
    (:func:`helpers.notes.note_path`; an English edition also looks whether the
    Vietnamese note exists); without it, every candidate (``notes/<period>.md`` of the
    top unit, ``notes/<period>/<unit>.md`` of a sub-unit, and their ``.en.md`` editions)."""
    from .notes import note_path
    langs = ["en", "vi"] if language == "en" else ["vi"]
    if units is not None:
        return [note_path(data_dir, period, unit, units, lang) for lang in langs]
    notes = Path(data_dir) / "notes"
    stems = [notes / period.code, notes / period.code / unit]
    suffixes = [".en.md" if lang == "en" else ".md" for lang in langs]
    return [stem.with_name(stem.name + s) for stem in stems for s in suffixes]


def input_files(data_dir: Path, period: Period, unit: str, language: str = "vi", units=None) -> list[Path]:
    """Every data file a report over ``period`` for ``unit`` reads, existing or not:
    units, catalogue, targets, the lead units and the data window (``responsibilities.csv``,
    ``reporting.yaml``), its notes (see :func:`note_files`), and the month files of every window it shows
    (the period, previous, same period last year, year to date and last year's, the
    trailing twelve months) with the units' own files of those months (``periods/<month>/``), plus
    files in ``periods/`` whose names are not a month (the data checks report them), and the intake
    register of each month of the period (its coverage says who was late)."""
    data_dir = Path(data_dir)
    months = set(months_read(period))
    files = [data_dir / "units.csv", data_dir / "indicators.csv", data_dir / "targets.csv",
             data_dir / "responsibilities.csv", data_dir / "reporting.yaml",
             *note_files(data_dir, period, unit, language, units)]
    files += [p for month, p in _period_files(data_dir) if month is None or month.code in months]
    files += [p for month in sorted(months) for p in month_folder_files(data_dir, month)]
    files += [register_path(data_dir, month) for month in period.month_codes()]
    return files


_MONTH_FILE = re.compile(r"\d{4}-\d{2}\.(csv|xlsx)", re.I)     # exactly: 2023-11.old.csv is not November
_MONTH_FOLDER = re.compile(r"\d{4}-\d{2}")                     # periods/2023-10/: one file per unit


def _listing(folder: Path) -> list[Path]:
    """A folder's entries, sorted by name; no folder: ``[]``; one that cannot be listed is a DataError."""
    if not folder.is_dir():
        return []
    try:
        return sorted(folder.iterdir())
    except OSError as exc:
        raise files.unreadable(folder, exc) from None


def period_files(data_dir: Path):
    """``(period or None, path)`` for every entry of ``periods/`` but folders (``periods/2023-10/``
    is for one file per unit), hidden files, Excel's lock files and notes (``.md``, ``.txt``). An
    entry need not be a regular file: reading it says so. An unreadable folder is a DataError."""
    out = []
    for p in _listing(Path(data_dir) / "periods"):
        if p.name.startswith((".", "~$")) or p.is_dir() or p.suffix.lower() in {".md", ".txt"}:
            continue
        period = month_of_file(p.name) if _MONTH_FILE.fullmatch(p.name) else None
        out.append((period, p))
    return out


_IGNORED_IN_MONTH_FOLDER = {"thumbs.db", "desktop.ini"}     # what Windows leaves in a folder


def month_folder_files(data_dir: Path, month: str) -> list[Path]:
    """The entries of ``periods/<month>/``, the units' own files of the month (``082.xlsx``,
    ``082.csv``), sorted by name; hidden files (``.DS_Store``), Excel's and Office's lock and temporary
    files (``~$082.xlsx``, ``~WRL0001.tmp``) and Windows' ``Thumbs.db``/``desktop.ini`` left out. An
    entry need not be a regular file, nor named after a unit: reading it says so. No folder: ``[]``;
    one that cannot be listed is a DataError."""
    return [p for p in _listing(Path(data_dir) / "periods" / month)
            if not p.name.startswith((".", "~")) and p.name.lower() not in _IGNORED_IN_MONTH_FOLDER]


def unit_files(data_dir: Path) -> list[tuple[Period, Path]]:
    """``(month, path)`` for every unit's own file in the month folders of ``periods/`` (a folder named
    ``YYYY-MM``; other folders there are not data), by month, then name."""
    folder = Path(data_dir) / "periods"
    if not folder.is_dir():
        return []
    try:
        months = sorted(p.name for p in folder.iterdir() if _MONTH_FOLDER.fullmatch(p.name) and p.is_dir())
    except OSError as exc:
        raise files.unreadable(folder, exc) from None
    return [(month_of_file(m), p) for m in months if month_of_file(m) for p in month_folder_files(data_dir, m)]


def _period_files(data_dir: Path) -> list:
    """:func:`period_files`, listed again only when the folder's entries change."""
    try:
        key = (str(data_dir), (data_dir / "periods").stat().st_mtime_ns)
    except OSError:
        return period_files(data_dir)
    if key not in _LISTINGS:
        _LISTINGS.clear()
        _LISTINGS[key] = period_files(data_dir)
    return _LISTINGS[key]


def shown(path: Path, data_dir: Path) -> str:
    """A data file as findings and reports name it: relative to the data folder
    (``periods/2023-10.csv``, ``units.csv``), whatever the working folder, never an absolute
    machine path (outside the data folder: the file's name). The one rule for it: the loader
    names every file so once, as it reads it."""
    path, data_dir = Path(path), Path(data_dir)
    for inner, outer in ((path, data_dir), (path.absolute(), data_dir.absolute())):
        try:
            return inner.relative_to(outer).as_posix() or "."
        except ValueError:
            continue
    try:
        return path.resolve().relative_to(data_dir.resolve()).as_posix() or "."
    except ValueError:
        return path.name
