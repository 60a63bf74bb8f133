"""Kernels for reports: a fresh kernel process per report, started fast.

:class:`KernelSupply` hands out kernels one per report and can start the next
one while the current report renders. On Linux and macOS the kernels are forked
from a kernel server (:mod:`helpers.kernel.server`): the process's own, or one
per run shared by the run's workers (:func:`helpers.kernel.fork.start_shared_server`).
The server has imported IPython, ipykernel, matplotlib and the helpers and read
the data folder once: a forked kernel is ready in a fraction of the time a new
interpreter needs, and is still a process of its own that is killed when its
report is done. Elsewhere, for a kernel spec that is not this Python, with
``CCHC_FORK_KERNELS=0`` or when the server fails, kernels start the ordinary way."""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import threading
import uuid

from jupyter_client import AsyncKernelClient, AsyncKernelManager
from jupyter_core.utils import run_sync
from traitlets import DottedObjectName, Type

from ..compat import wait_for_kernel
from . import preloaded_modules
from .fork import KERNEL_NAME, ForkedKernelProvisioner, KernelServer, fork_prefix, kernel_env
from .lifetime import sweep_temporary_folders, temporary_folder


def kernel_warm_up() -> str:
    """Run by the kernel as it starts, before it serves any request: imports only (the
    preloaded modules), so the notebook's namespace stays empty and its first cell finds
    the modules loaded."""
    return "if 1: " + "; ".join(f"__import__({name!r})" for name in preloaded_modules())


class ReportKernelClient(AsyncKernelClient):
    """The client of a report's kernel: no heartbeat thread (liveness comes from
    the kernel manager; jupyter_client's heartbeat thread can spin creating sockets
    when stopped as it starts), and a readiness wait without jupyter_client's closing
    0.2 s wait for IOPub to fall silent (:func:`helpers.compat.wait_for_kernel`)."""

    def start_channels(self, shell=True, iopub=True, stdin=True, hb=False, control=True) -> None:
        super().start_channels(shell=shell, iopub=iopub, stdin=stdin, hb=False, control=control)

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        await wait_for_kernel(self, timeout)


class ReportKernelManager(AsyncKernelManager):
    """A kernel manager whose ``client()`` is, once, the client connected while
    the kernel started (``connected``), so a report finds its sockets ready."""

    client_class = DottedObjectName("helpers.kernel.supply.ReportKernelClient")
    client_factory = Type(klass=ReportKernelClient)
    connected: ReportKernelClient | None = None

    def client(self, **kwargs) -> ReportKernelClient:
        kc, self.connected = self.connected, None
        return kc if kc is not None else super().client(**kwargs)


class KernelSupply:
    """Fresh kernels for one process, one per report, with at most one spare.

    ``take`` hands out the spare when it was started for the same working folder
    (else starts one); ``prestart`` starts the spare and connects a client to it
    while this process renders HTML and PDF; ``discard`` kills a used kernel (its
    outputs are already in the notebook). Kernels are forked by a
    :class:`KernelServer` where they can be, use IPC sockets (no TCP ports to race
    for, nothing listening on the network) and an in-memory IPython history."""

    def __init__(self, kernel_name: str = KERNEL_NAME, warm_up: str | None = None, fork: bool = True):
        self.kernel_name = kernel_name
        self.warm_up = warm_up or kernel_warm_up()
        self.fork = fork and os.environ.get("CCHC_FORK_KERNELS", "1") != "0"
        self.server = KernelServer()
        self._local = threading.local()     # the spare: (cwd, kernel manager), per thread (asyncio loops are)
        self._spares = []                   # every spare, for close()
        self._running = set()               # every kernel started and not yet discarded
        self._lock = threading.Lock()
        self._hooked_pid = None

    def _start(self, cwd: str, data_dir=None) -> ReportKernelManager:
        self._exit_hooks()
        if os.name == "posix":   # IPC sockets in a private folder (absolute: the kernel runs in ``cwd``)
            km = ReportKernelManager(kernel_name=self.kernel_name, transport="ipc",
                                     ip=os.path.join(self._ipc_dir(), uuid.uuid4().hex[:12]))
        else:
            km = ReportKernelManager(kernel_name=self.kernel_name)
        if self.fork and self.server.launch_prefix(km.kernel_spec):
            km.provisioner = ForkedKernelProvisioner(kernel_id=str(uuid.uuid4()), kernel_spec=km.kernel_spec,
                                                     parent=km)
            km.provisioner.server, km.provisioner.data_dir = self.server, data_dir
        args = ["--HistoryManager.hist_file=:memory:"]
        if self.warm_up:
            args.append(f"--IPKernelApp.exec_lines={self.warm_up}")
        with self._lock:
            self._running.add(km)
        try:
            run_sync(km.start_kernel)(cwd=cwd, env=kernel_env(), extra_arguments=args)
        except BaseException:
            self.discard(km)
            raise
        return km

    def take(self, cwd, data_dir=None) -> ReportKernelManager:
        """A kernel running in ``cwd`` that nothing has used yet (``data_dir``: the
        folder its report reads, for the kernel server to read ahead)."""
        cwd = str(cwd)
        spare = getattr(self._local, "spare", None)
        self._local.spare = None
        if spare is not None:
            with self._lock:
                if spare in self._spares:
                    self._spares.remove(spare)
            if spare[0] == cwd and _alive(spare[1]):
                return spare[1]
            self.discard(spare[1])
        return self._start(cwd, data_dir)

    def start_server(self) -> None:
        """Start the kernel server now, if kernels are forked (it imports in the
        background while this process does other work)."""
        prefix = fork_prefix(self.kernel_name) if self.fork else None
        if prefix:
            self.server.start(prefix)

    def prestart(self, cwd, data_dir=None) -> None:
        """Start the next kernel now (it boots while this process does other work)."""
        if getattr(self._local, "spare", None) is not None:
            return
        km = self._start(str(cwd), data_dir)
        with contextlib.suppress(Exception):       # connect now: the sockets are ready when the report starts
            kc = km.client()
            kc.start_channels()
            km.connected = kc
        spare = (str(cwd), km)
        self._local.spare = spare
        with self._lock:
            self._spares.append(spare)

    def discard(self, km) -> None:
        """Kill the kernel now and remove its connection and socket files."""
        with self._lock:
            self._running.discard(km)
        kc, km.connected = km.connected, None       # connected and never used
        if kc is not None:
            with contextlib.suppress(Exception):
                kc.stop_channels()
        _kill_now(km)
        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:                      # already gone
            with contextlib.suppress(Exception):
                run_sync(km.cleanup_resources)()

    def close(self) -> None:
        """Kill the spare kernels, and at exit any kernel still running."""
        with self._lock:
            spares, self._spares = self._spares, []
        self._local.spare = None
        for _cwd, km in spares:
            self.discard(km)
        ipc = getattr(self, "_ipc", None)
        if ipc and ipc[0] == os.getpid() and not self._running:
            shutil.rmtree(ipc[1], ignore_errors=True)
            self._ipc = None
        if not self._running:
            self.server.stop()

    def _at_exit(self) -> None:
        with self._lock:
            running = list(self._running)
        for km in running:
            self.discard(km)
        self.close()

    def _ipc_dir(self) -> str:
        if getattr(self, "_ipc", None) is None or self._ipc[0] != os.getpid():
            sweep_temporary_folders()
            self._ipc = (os.getpid(), temporary_folder("kernels"))
        return self._ipc[1]

    def _exit_hooks(self) -> None:
        """Kill the spares when this process ends: atexit for ordinary processes, a
        multiprocessing finalizer for pool workers (they leave by os._exit)."""
        if self._hooked_pid == os.getpid():
            return
        self._hooked_pid = os.getpid()
        atexit.register(self._at_exit)
        with contextlib.suppress(ImportError):
            from multiprocessing.util import Finalize
            Finalize(self, self._at_exit, exitpriority=100)


def _kill_now(km) -> None:
    """SIGKILL the kernel and wait for its end without jupyter_client's 0.1 s polls
    (``shutdown_kernel`` then has only files to remove)."""
    prov = km.provisioner
    process = getattr(prov, "process", None)
    if process is None:
        return
    with contextlib.suppress(Exception):
        run_sync(prov.kill)()
        process.wait(timeout=5)
        run_sync(prov.wait)()


def _alive(km) -> bool:
    try:
        return bool(run_sync(km.is_alive)())
    except Exception:
        return False


KERNELS = KernelSupply()
