"""Processes that a run starts end with it, however it ends (``kill -9`` included).

Linux delivers a signal to a process when its parent ends if the process asks
for it (``prctl(PR_SET_PDEATHSIG)``): a forked kernel asks for SIGKILL when its
kernel server ends. A pool worker's parent is multiprocessing's fork server, not
the run, so a worker watches the run's process itself (:func:`exit_with`).
Elsewhere (macOS) the same functions fall back to what the platform has: ipykernel's
parent poller for kernels, a poll of the parent's pid for workers; where there is no
``SIGKILL`` (Windows), a process ends by ``os._exit``, and where there are no user ids
every temporary folder found is taken as the user's own (Windows' are per user)."""

from __future__ import annotations

import ctypes
import os
import select
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path

_PR_SET_PDEATHSIG = 1
_PROCESS_QUERY_LIMITED_INFORMATION = 0x1000     # Windows
_STILL_ACTIVE = 259


def die_with_parent(parent: int) -> bool:
    """Ask to be killed when ``parent`` (our parent now) ends; if it has already
    ended, end now. False where the platform cannot do it (the caller falls back)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if os.getppid() != parent:            # it ended before we asked
        _end_now()
    return True


def _end_now() -> None:
    """End this process at once, running no clean-up that could still write a file."""
    if hasattr(signal, "SIGKILL"):
        os.kill(os.getpid(), signal.SIGKILL)
    os._exit(1)                           # no SIGKILL (Windows)


RUN_PID: int | None = None      # the process this one ends with (set by exit_with)


def exit_with(pid: int) -> None:
    """Kill this process (SIGKILL: no clean-up that could still write a file) as
    soon as process ``pid`` ends. A daemon thread waits on a pidfd (Linux), or
    polls the pid twice a second elsewhere; :func:`end_if_orphaned` checks too."""
    global RUN_PID
    RUN_PID = pid
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = None
        if not _exists(pid):
            _end_now()

    def watch():
        if fd is not None:
            select.select([fd], [], [])
        else:
            while _exists(pid):
                threading.Event().wait(0.5)
        _end_now()

    threading.Thread(target=watch, name=f"exit-with-{pid}", daemon=True).start()


def end_if_orphaned() -> None:
    """Called before a file is put in place: if the process this one ends with has
    ended (and the watch has not killed us yet), end now, writing nothing."""
    if RUN_PID is not None and not _exists(RUN_PID):
        _end_now()


def temporary_prefix(kind: str) -> str:
    """The name of a temporary folder of this process (``cchc-<kind>-<pid>-``), so
    that :func:`sweep_temporary_folders` can tell when its owner is gone."""
    return f"cchc-{kind}-{os.getpid()}-"


def temporary_folder(kind: str) -> str:
    return tempfile.mkdtemp(prefix=temporary_prefix(kind))


def sweep_temporary_folders() -> None:
    """Remove the temporary folders (sockets, executed notebooks, PDF sources) of
    processes that were killed outright and could not remove their own."""
    for folder in Path(tempfile.gettempdir()).glob("cchc-*-*-*"):
        try:
            pid = int(folder.name.split("-")[2])
            if not _ours(folder) or _exists(pid):
                continue
        except (ValueError, IndexError, OSError):
            continue
        shutil.rmtree(folder, ignore_errors=True)


def _ours(folder: Path) -> bool:
    """Whether this user owns ``folder`` (without user ids, Windows: the temporary folder is the user's)."""
    getuid = getattr(os, "getuid", None)
    return getuid is None or folder.stat().st_uid == getuid()


def _exists(pid: int) -> bool:
    if os.name == "nt":                   # os.kill(pid, 0) would end the process there
        return _exists_on_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _exists_on_windows(pid: int) -> bool:
    """Whether process ``pid`` is running, asked of Windows (``OpenProcess``, ``GetExitCodeProcess``)."""
    kernel32 = ctypes.windll.kernel32
    handle = kernel32.OpenProcess(_PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == _STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)
