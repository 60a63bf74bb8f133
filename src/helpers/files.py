"""File safety for everything the package writes: atomic writes with ordinary
permissions, locks with a time limit, and paths that stay inside the folder
they are meant for.

- :func:`atomic_write` writes beside the target and renames over it, so a reader
  never sees half a file and a failed write leaves the old file as it was.
- :func:`publish` gives a finished temporary file the permissions an ordinary
  ``open()`` would (``mkstemp`` makes ``0600`` files) and renames it into place.
- :func:`lock` is an exclusive lock held across processes, waited for up to a limit.
- :func:`inside` refuses a path that leaves its base folder (``..``, an absolute
  part, a symbolic link pointing elsewhere).
- :func:`check_output_folder` says in one line why a folder cannot take outputs.
- :func:`regular_input` says whether an input file is there, refusing (before anything opens it)
  what is not a regular file inside the data folder: opening a FIFO blocks for ever.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

import filelock

from .errors import DataError, ParameterError, ReportError
from .kernel.lifetime import end_if_orphaned
from .text import Msg

LOCK_WAIT_SECONDS = 3600.0       # a concurrent run of the same report may take this long
_LOCK_POLL_SECONDS = 0.1


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


UMASK = _umask()
FILE_MODE = 0o666 & ~UMASK        # what open(path, "w") gives


def publish(tmp, path: Path) -> None:
    """Give a finished temporary file ordinary permissions and rename it over ``path``
    (unless this is a worker whose run has died: then nothing more is written)."""
    end_if_orphaned()
    os.chmod(tmp, FILE_MODE)
    os.replace(tmp, path)


def temporary_beside(path: Path) -> str:
    """An empty temporary file in ``path``'s folder (hidden, ``.tmp``), for a writer that
    wants a file name (``openpyxl``'s ``save``, a PDF compiler); :func:`publish` it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    return tmp


@contextlib.contextmanager
def replacing(path: Path):
    """``with replacing(path) as tmp: write(tmp)``: the file appears whole at ``path``
    when the block ends, or not at all when it raises."""
    tmp = temporary_beside(Path(path))
    try:
        yield tmp
        publish(tmp, Path(path))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(path: Path, data, mode: str = "w") -> None:
    """Write text (``mode="w"``, UTF-8) or bytes (``"wb"``) beside the target, then
    rename over it (never a half-written file, never a 0600 file)."""
    path = Path(path)
    with replacing(path) as tmp:
        with open(tmp, mode, **({"encoding": "utf-8"} if "b" not in mode else {})) as fh:
            fh.write(data)


@contextlib.contextmanager
def lock(path: Path, wait: float | None = None):
    """An exclusive lock on the file ``path`` (created with its folder), held across
    processes (``filelock``: the platform's own file lock); waits at most ``wait`` seconds
    (default :data:`LOCK_WAIT_SECONDS`)."""
    path = Path(path)
    limit = LOCK_WAIT_SECONDS if wait is None else wait
    path.parent.mkdir(parents=True, exist_ok=True)
    held = filelock.FileLock(path, timeout=limit)
    try:
        held.acquire(poll_interval=_LOCK_POLL_SECONDS)
    except filelock.Timeout:
        raise ReportError("error.files.lock_timeout", limit=limit, file=path) from None
    try:
        yield
    finally:
        held.release()


def inside(base: Path, path: Path) -> Path:
    """``path`` if it lies inside ``base`` once ``..`` and symbolic links are resolved;
    otherwise a ReportError naming both."""
    base_real = Path(base).resolve()
    real = Path(path).resolve()
    if real != base_real and not real.is_relative_to(base_real):
        raise ReportError("error.files.outside", path=str(path), base=str(base))
    return Path(path)


def check_output_folder(folder: Path, option: str = "--out") -> Path:
    """A folder the run can write into, created by nobody yet: not a file, and (it or
    the nearest folder above it that exists) writable. Errors are one ParameterError."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ParameterError("error.files.is_a_file", option=option, folder=str(folder))
    existing = folder
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise ParameterError("error.files.under_a_file", option=option, folder=str(folder), existing=str(existing))
    try:
        probe = tempfile.TemporaryFile(dir=existing, prefix=".cchc-probe-")
    except OSError as exc:
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise ParameterError("error.files.not_writable", option=option, existing=str(existing),
                                 strerror=exc.strerror) from None
        raise ParameterError("error.files.cannot_write_to", option=option, existing=str(existing), exc=exc) from None
    probe.close()
    return folder


def write_error(folder: Path, exc: OSError) -> ReportError:
    """An OSError while writing into ``folder``, as one line naming it."""
    return ReportError("error.files.cannot_write", reason=exc.strerror or exc, file=folder)


_KINDS = ((stat.S_ISDIR, "folder"), (stat.S_ISFIFO, "fifo"), (stat.S_ISSOCK, "socket"),
          (stat.S_ISCHR, "device"), (stat.S_ISBLK, "device"))


def regular_input(path: Path, base: Path) -> bool:
    """Whether the input file ``path`` is there: ``False`` when nothing is, ``True`` for a regular
    file inside ``base`` (symbolic links followed); anything else (a FIFO, a device, a socket, a
    folder, a broken link, a link leading outside ``base``) is a DataError naming it. Looks with
    ``stat`` only, never opens it."""
    path = Path(path)
    try:
        os.lstat(path)
        st = os.stat(path)
    except FileNotFoundError:
        if not os.path.lexists(path):
            return False
        raise DataError("error.file.link_broken", file=path) from None
    except OSError as exc:
        raise unreadable(path, exc) from None
    if not stat.S_ISREG(st.st_mode):
        raise not_regular(path, st.st_mode)
    if not path.resolve().is_relative_to(Path(base).resolve()):
        raise DataError("error.file.link_outside", file=path)
    return True


def not_regular(path: Path, mode: int) -> DataError:
    """The input ``path`` is a FIFO, a device, a socket or a folder (``mode`` from its ``stat``)."""
    kind = next((name for is_kind, name in _KINDS if is_kind(mode)), "other")
    return DataError("error.file.not_regular", kind=Msg(f"error.file.kind.{kind}"), file=path)


def unreadable(path: Path, exc: OSError) -> DataError:
    """An OSError while reading the input ``path`` (no read permission, an I/O error), as one error naming it."""
    return DataError("error.file.unreadable", reason=exc.strerror or exc, file=path)
