"""Kernels for reports: a fresh kernel process per report, started fast.

:class:`KernelSupply` hands out kernels one per report and can start the next
one while the current report renders. On Linux and macOS the kernels are forked
from a kernel server (:mod:`helpers.zygote`): the process's own, or one per run
shared by the run's workers (:func:`start_shared_server`). The server has
imported IPython, ipykernel, matplotlib and the helpers and read the data folder
once: a forked kernel is ready in a fraction of the time a new interpreter
needs, and is still a process of its own that is killed when its report is done.
Elsewhere, for a kernel spec that is not this Python, with ``CCHC_FORK_KERNELS=0``
or when the server fails, kernels start the ordinary way."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import uuid
from pathlib import Path

KERNEL_NAME = "python3"
# Run by the kernel as it starts, before it serves any request: imports only, so the
# notebook's namespace stays empty and its first cell finds the modules loaded.
KERNEL_WARM_UP = "if 1: __import__('helpers.report')"


class KernelSupply:
    """Fresh kernels for one process, one per report, with at most one spare.

    ``take`` hands out the spare when it was started for the same working folder
    (else starts one); ``prestart`` starts the spare and connects a client to it
    while this process renders HTML and PDF; ``discard`` kills a used kernel (its
    outputs are already in the notebook). Kernels are forked by a
    :class:`KernelServer` where they can be, use IPC sockets (no TCP ports to race
    for, nothing listening on the network) and an in-memory IPython history."""

    def __init__(self, kernel_name: str = KERNEL_NAME, warm_up: str | None = KERNEL_WARM_UP, fork: bool = True):
        self.kernel_name = kernel_name
        self.warm_up = warm_up
        self.fork = fork and os.environ.get("CCHC_FORK_KERNELS", "1") != "0"
        self.server = KernelServer()
        self._local = threading.local()     # the spare: (cwd, kernel manager), per thread (asyncio loops are)
        self._spares = []                   # every spare, for close()
        self._running = set()               # every kernel started and not yet discarded
        self._clients = {}                  # kernel manager -> its client, connected at prestart
        self._lock = threading.Lock()
        self._hooked_pid = None

    def _start(self, cwd: str, data_dir=None):
        from jupyter_client import AsyncKernelManager
        from jupyter_core.utils import run_sync
        self._exit_hooks()
        if os.name == "posix":   # IPC sockets in a private folder (absolute: the kernel runs in ``cwd``)
            km = AsyncKernelManager(kernel_name=self.kernel_name, transport="ipc",
                                    ip=os.path.join(self._ipc_dir(), uuid.uuid4().hex[:12]))
        else:
            km = AsyncKernelManager(kernel_name=self.kernel_name)
        if self.fork and self.server.launch_prefix(km.kernel_spec):
            km.provisioner = forked_provisioner_class()(kernel_id=str(uuid.uuid4()), kernel_spec=km.kernel_spec,
                                                     parent=km)
            km.provisioner.server, km.provisioner.data_dir = self.server, data_dir
        args = ["--HistoryManager.hist_file=:memory:"]
        if self.warm_up:
            args.append(f"--IPKernelApp.exec_lines={self.warm_up}")
        with self._lock:
            self._running.add(km)
        try:
            run_sync(km.start_kernel)(cwd=cwd, extra_arguments=args)
        except BaseException:
            self.discard(km)
            raise
        return km

    def take(self, cwd, data_dir=None):
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
            kc.start_channels(hb=False)   # liveness comes from the kernel manager; no heartbeat thread
            with self._lock:
                self._clients[km] = kc
        spare = (str(cwd), km)
        self._local.spare = spare
        with self._lock:
            self._spares.append(spare)

    def connected_client(self, km):
        """The client connected to ``km`` when it was prestarted (once), else None."""
        with self._lock:
            return self._clients.pop(km, None)

    def discard(self, km) -> None:
        """Kill the kernel now and remove its connection and socket files."""
        from jupyter_core.utils import run_sync
        with self._lock:
            self._running.discard(km)
            kc = self._clients.pop(km, None)
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
            _sweep_ipc_dirs()
            self._ipc = (os.getpid(), tempfile.mkdtemp(prefix=f"{_IPC_PREFIX}{os.getpid()}-"))
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


_IPC_PREFIX = "cchc-kernels-"


def _sweep_ipc_dirs() -> None:
    """Remove socket folders left by processes that were killed outright."""
    for d in Path(tempfile.gettempdir()).glob(f"{_IPC_PREFIX}*-*"):
        try:
            pid = int(d.name[len(_IPC_PREFIX):].split("-", 1)[0])
            if d.stat().st_uid != os.getuid():
                continue
            os.kill(pid, 0)                  # raises if no such process
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
        except (ValueError, OSError):
            continue


async def wait_until_ready(kc, timeout: float = 60) -> None:
    """jupyter_client's ``wait_for_ready`` without its closing 0.2 s wait: a kernel
    info reply, then one IOPub message to show that IOPub is connected (else ask
    again), then whatever IOPub has already delivered is dropped, without waiting
    for more (the notebook client ignores messages that answer no request of its)."""
    import time
    from queue import Empty

    from jupyter_core.utils import ensure_async
    deadline = time.monotonic() + timeout
    while True:
        msg_id = kc.kernel_info()
        try:
            reply = await kc.shell_channel.get_msg(timeout=1)
        except Empty:
            reply = None
        if reply is not None and reply["parent_header"].get("msg_id") == msg_id:
            try:
                await kc.iopub_channel.get_msg(timeout=0.2)
            except Empty:
                pass
            else:
                handle = getattr(kc, "_handle_kernel_info_reply", None)
                if handle:
                    handle(reply)
                break
        if not await ensure_async(kc.is_alive()):
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
    while True:
        try:
            await kc.iopub_channel.get_msg(timeout=0)
        except Empty:
            return


def _kill_now(km) -> None:
    """SIGKILL the kernel and wait for its end without jupyter_client's 0.1 s polls
    (``shutdown_kernel`` then has only files to remove)."""
    from jupyter_core.utils import run_sync
    prov = km.provisioner
    process = getattr(prov, "process", None)
    if process is None:
        return
    with contextlib.suppress(Exception):
        run_sync(prov.kill)()
        process.wait(timeout=5)
        run_sync(prov.wait)()


def _alive(km) -> bool:
    from jupyter_core.utils import run_sync
    try:
        return bool(run_sync(km.is_alive)())
    except Exception:
        return False


# -- forked kernels --------------------------------------------------------------------------------
class KernelServer:
    """This process's way to a kernel server (:mod:`helpers.zygote`): a server of
    its own, started on first use and talked to over its stdin/stdout; or, when
    ``address`` is set, a server shared by the workers of a run, on a Unix socket
    (see :func:`start_shared_server`). Thread-safe; a process forked from this one
    starts afresh."""

    def __init__(self, address: str | None = None):
        self.address = address
        self._proc = None                    # our own server
        self._sock = None                    # or our connection to a shared one
        self._rx = self._tx = None
        self._owner = None                   # the process that started or connected it
        self._prefix = None
        self._server_pid = None
        self._lock = threading.Lock()

    @staticmethod
    def launch_prefix(kernel_spec) -> list[str] | None:
        """``[python, *interpreter options]`` of a spec that runs ``-m ipykernel_launcher``
        in this Python (ipykernel's own spec adds ``-Xfrozen_modules=off``), else None."""
        if not hasattr(os, "fork") or kernel_spec is None:
            return None
        argv = list(kernel_spec.argv)
        try:
            m = argv.index("-m")
        except ValueError:
            return None
        if argv[m + 1:m + 2] != ["ipykernel_launcher"] or "{connection_file}" not in argv:
            return None
        if not all(a.startswith("-X") for a in argv[1:m]):
            return None                      # other options change the interpreter: start it the usual way
        exe = argv[0]
        if exe not in ("python", "python3", "{python}"):   # jupyter_client runs these with sys.executable
            try:
                if not os.path.samefile(exe, sys.executable):
                    return None
            except OSError:
                return None
        return [sys.executable, *argv[1:m]]

    @property
    def pid(self) -> int | None:
        """The server's process id, once it has said it is ready."""
        return self._server_pid if self._owner == os.getpid() and self._rx is not None else None

    def start(self, prefix: list[str] | None = None) -> None:
        """Start the server, or connect to the shared one (it imports in the
        background until the first fork); ``prefix``: the interpreter and its
        options, as the kernel spec has them."""
        with self._lock:
            self._start(prefix)

    def _start(self, prefix: list[str] | None = None) -> None:
        prefix = prefix or [sys.executable]
        if self._rx is not None and self._owner == os.getpid():
            if self._sock is not None or (prefix == self._prefix and self._proc.poll() is None):
                return
            self._stop()
        self._owner, self._server_pid = os.getpid(), None
        if self.address and self._connect():
            return
        self._prefix = prefix
        self._proc = subprocess.Popen([*prefix, "-m", "helpers.zygote"], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True, encoding="utf-8",
                                      start_new_session=True)   # Ctrl-C is ours to handle, not its
        self._tx, self._rx = self._proc.stdin, self._proc.stdout

    def _connect(self, seconds: float = 10) -> bool:
        """Connect to the shared server (it may not be listening yet); False if it
        never answers, and this process starts a server of its own instead."""
        import socket
        import time
        deadline = time.monotonic() + seconds
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(self.address)
            except OSError:
                sock.close()
                if time.monotonic() > deadline:
                    self.address = None
                    return False
                time.sleep(0.05)
                continue
            self._sock = sock
            self._rx = sock.makefile("r", encoding="utf-8")
            self._tx = sock.makefile("w", encoding="utf-8")
            return True

    def fork(self, prefix: list[str], args: list[str], cwd: str, env: dict, data_dir=None) -> int:
        """A new kernel process, as ``prefix -m ipykernel_launcher args`` would start; its pid."""
        with self._lock:
            self._start(prefix)
            try:
                if self._server_pid is None:
                    self._server_pid = self._answer()["ready"]
                self._tx.write(json.dumps({"args": args, "cwd": cwd, "env": env,
                                           "data_dir": str(data_dir) if data_dir else None}) + "\n")
                self._tx.flush()
                answer = self._answer()
            except (OSError, ValueError, KeyError) as exc:
                self._stop()
                raise RuntimeError(f"kernel server failed: {exc}") from None
        if "pid" not in answer:
            raise RuntimeError(f"kernel server: {answer.get('error', answer)}")
        return answer["pid"]

    def _answer(self) -> dict:
        line = self._rx.readline()
        if not line:
            status = f" (status {self._proc.wait()})" if self._proc is not None else ""
            raise OSError(f"the kernel server has gone{status}")
        return json.loads(line)

    def stop(self) -> None:
        """Leave the server: our own ends (killing any kernel of ours still
        running); a shared one kills the kernels it forked for us."""
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        proc, sock, rx, tx = self._proc, self._sock, self._rx, self._tx
        self._proc = self._sock = self._rx = self._tx = None
        self._server_pid = None
        if self._owner != os.getpid():
            return
        for f in (tx, rx, sock):
            if f is not None:
                with contextlib.suppress(OSError):
                    f.close()
        if proc is not None:
            _end(proc, 5)


def fork_prefix(kernel_name: str = KERNEL_NAME) -> list[str] | None:
    """The interpreter (and its options) of the kernel spec, when its kernels can be
    forked here and ``CCHC_FORK_KERNELS`` does not say 0; else None."""
    if os.environ.get("CCHC_FORK_KERNELS", "1") == "0":
        return None
    try:
        from jupyter_client.kernelspec import KernelSpecManager
        return KernelServer.launch_prefix(KernelSpecManager().get_kernel_spec(kernel_name))
    except Exception:                       # no such kernel spec: the kernel start will say so
        return None


def _end(proc, seconds: float) -> None:
    """A server ends when its stdin closes; kill it if it takes longer than ``seconds``."""
    with contextlib.suppress(OSError):
        proc.stdin.close()
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def start_shared_server(kernel_name: str = KERNEL_NAME, folder: str | None = None):
    """Start one kernel server for the workers of a run: ``(process, address)``, or
    ``(None, None)`` where kernels are not forked. End it with :func:`stop_shared_server`
    (it also ends when this process does, however it ends)."""
    prefix = fork_prefix(kernel_name)
    if not prefix:
        return None, None
    address = os.path.join(folder or tempfile.mkdtemp(prefix=_IPC_PREFIX + f"{os.getpid()}-"), "server.sock")
    proc = subprocess.Popen([*prefix, "-m", "helpers.zygote", "--listen", address], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, start_new_session=True)
    return proc, address


def stop_shared_server(proc, address) -> None:
    if proc is None:
        return
    _end(proc, 10)
    if address:
        shutil.rmtree(os.path.dirname(address), ignore_errors=True)


class _ForkedProcess:
    """What jupyter_client's LocalProvisioner needs of a Popen, for a kernel that is
    the server's child (the server reaps it as soon as it exits)."""
    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode = None

    def poll(self):
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except (ProcessLookupError, PermissionError):   # gone (or the pid is somebody else's now)
                self.returncode = -signal.SIGKILL
        return self.returncode

    def wait(self, timeout=None):
        import time
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.01)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


@functools.lru_cache(maxsize=None)
def forked_provisioner_class():
    """A jupyter_client provisioner that asks the :class:`KernelServer` to fork the
    kernel (a class made on first use: jupyter_client is imported only then)."""
    from jupyter_client.provisioning import LocalProvisioner

    class ForkedKernelProvisioner(LocalProvisioner):
        server: KernelServer | None = None
        data_dir = None

        async def launch_kernel(self, cmd: list[str], **kwargs):
            cwd = str(kwargs.get("cwd") or os.getcwd())
            env = dict(kwargs.get("env") or os.environ)
            env.setdefault("JPY_PARENT_PID", str(os.getpid()))      # as jupyter_client's launcher sets it
            m = cmd.index("-m")                 # cmd: python [-X...] -m ipykernel_launcher -f ...
            try:
                pid = self.server.fork(cmd[:m], cmd[m + 2:], cwd, env, self.data_dir)
            except (RuntimeError, OSError) as exc:  # no server: start this kernel the ordinary way
                self.log.warning("kernel server unavailable (%s); starting the kernel directly", exc)
                return await super().launch_kernel(cmd, **kwargs)
            self.process = _ForkedProcess(pid)
            self.pid = self.pgid = pid       # the server puts each kernel in a session of its own
            self.cwd = cwd
            return self.connection_info

        async def wait(self):
            if self.process:
                while await self.poll() is None:
                    await asyncio.sleep(0.01)
                self.process = None
            return 0

    return ForkedKernelProvisioner


KERNELS = KernelSupply()
