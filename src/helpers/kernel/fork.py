"""This process's side of a kernel server (:mod:`helpers.kernel.server`): start
or connect to one, ask it to fork a kernel, and a jupyter_client provisioner
whose kernels are those forks.

A server is the process's own (talked to over its stdin/stdout) or, for the
workers of one run, shared over a Unix socket (:func:`start_shared_server`)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading

from jupyter_client.provisioning import LocalProvisioner

from .lifetime import temporary_folder

KERNEL_NAME = "python3"
# What every kernel (and the server that forks kernels) gets in its environment: the
# debugger that ipykernel imports warns about frozen modules unless told not to check.
KERNEL_ENV = {"PYDEVD_DISABLE_FILE_VALIDATION": "1"}
SERVER_MODULE = "helpers.kernel.server"


def kernel_env() -> dict:
    return {**os.environ, **KERNEL_ENV}


class KernelServer:
    """This process's way to a kernel server (:mod:`helpers.kernel.server`): a server of
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
        self._proc = subprocess.Popen([*prefix, "-m", SERVER_MODULE], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True, encoding="utf-8", env=kernel_env(),
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
    address = os.path.join(folder or temporary_folder("kernels"), "server.sock")
    proc = subprocess.Popen([*prefix, "-m", SERVER_MODULE, "--listen", address], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, env=kernel_env(), start_new_session=True)
    return proc, address


def stop_shared_server(proc, address, now: bool = False) -> None:
    """End the run's kernel server (it kills its kernels); ``now``: kill it at once
    (a server that no worker used may still be importing)."""
    if proc is None:
        return
    if now:
        proc.kill()
        proc.wait()
    else:
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


class ForkedKernelProvisioner(LocalProvisioner):
    """A jupyter_client provisioner that asks a :class:`KernelServer` to fork the
    kernel (``server``), and starts it the ordinary way when the server fails."""
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
