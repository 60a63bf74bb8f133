"""A kernel fork server: a process that imports the kernel and the modules report
kernels preload (a setting: :func:`helpers.kernel.preloaded_modules`) once, then forks
a fresh kernel process for each report.

Every report still runs in a kernel process of its own (nothing a notebook does
reaches the next one), but the child starts with IPython, ipykernel, matplotlib
and the helpers already imported, and with the data folder already read, so a
kernel is ready in a fraction of the time of ``python -m ipykernel_launcher``.

    python -m helpers.kernel.server [--listen SOCKET]   # started by helpers.kernel.fork, not by hand

Protocol, one JSON object per line: we first say ``{"ready": <our pid>}``; the
client writes ``{"args": [...], "cwd": ..., "env": {...}, "data_dir": ...}``, we
answer ``{"pid": N}`` (or ``{"error": ...}``). The client is our parent, on
stdin/stdout; or, with ``--listen SOCKET``, any number of clients (the workers
of one run) on a Unix socket. When a client goes away, the kernels forked for it
are killed; at end of stdin (our parent has exited, however it exited) every
kernel is killed and the server exits. Each kernel is killed by the system when
this process ends, even by ``kill -9`` (Linux: :func:`helpers.kernel.lifetime.die_with_parent`),
or exits by itself within a second (ipykernel's poll of its parent, ``IPKernelApp.parent_handle``).

Only for Linux and macOS (``os.fork``); :mod:`helpers.kernel.supply` starts kernels
the ordinary way elsewhere, and for kernel specs that are not this Python.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import sys
import threading
import warnings

from . import preloaded_modules
from .lifetime import die_with_parent

_children: set[int] = set()
_IMPORT_ENV: dict[str, str] = {}   # variables that the preloaded modules set as they were imported
_PRELOADED: list = []              # the modules of helpers.kernel.preloaded_modules, imported


def _reap(*_):
    """Collect every kernel that has exited (SIGCHLD): no zombies, so that the
    parent sees at once that a killed kernel is gone."""
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _children.discard(pid)


def preload() -> list:
    """Import what every kernel imports, then the modules every report kernel preloads
    (:func:`helpers.kernel.preloaded_modules`); returns those modules."""
    import importlib
    for name in ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger",
                 "IPython.core.debugger", "IPython.core.completerlib", "IPython.core.oinspect",
                 "IPython.extensions.storemagic", "sqlite3", "tornado.queues", "ipykernel_launcher"):
        # not matplotlib_inline.backend_inline: imported without a shell, it would not hook
        # itself into the kernel's display (plt.show() would show no picture)
        try:
            importlib.import_module(name)
        except ImportError:                          # optional (debugpy): the kernel imports it if it can
            pass
    return [importlib.import_module(name) for name in preloaded_modules()]


def warm_up(modules: list) -> None:
    """Each preloaded module's ``warm_up()``: a warm-up, nothing more (the kernel will do it all again)."""
    for module in modules:
        try:
            getattr(module, "warm_up", lambda: None)()
        except Exception:
            pass


def read_ahead(modules: list, data_dir: str | None) -> None:
    """Each preloaded module's ``read_ahead(data_dir)`` before a kernel is forked (forked kernels
    inherit what it read); errors are the kernel's to report."""
    if not data_dir:
        return
    for module in modules:
        try:
            getattr(module, "read_ahead", lambda _folder: None)(data_dir)
        except Exception:
            pass


def _child(request: dict, channel_fds, server: int) -> None:
    """In the forked process: become an ordinary kernel process, then run the kernel."""
    try:
        die_with_parent(server)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.setsid()                                  # its own process group, as jupyter_client starts kernels
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)                             # (fd 0 was the request channel)
        for fd in (*channel_fds, null):
            if fd > 2:
                os.close(fd)
        sys.stdin = open(0, closefd=False)
        sys.stdout = open(1, "w", closefd=False)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        for key, value in _IMPORT_ENV.items():      # a new kernel would have set them while importing
            os.environ.setdefault(key, value)
        _reseed()
        from ipykernel import kernelapp
        # our pid as the kernel's parent, as jupyter_client's launcher passes it: ipykernel then
        # prints no console banner, and polls its parent (the only watch where prctl is missing)
        args = [*request["args"], f"--IPKernelApp.parent_handle={server}"]
        sys.argv = [_launcher_path(), *args]
        kernelapp.launch_new_instance(argv=args)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _launcher_path() -> str:
    import ipykernel_launcher
    return ipykernel_launcher.__file__


def _reseed() -> None:
    """Each kernel its own random state, as a new process would have (``random``
    reseeds itself after a fork, numpy's global generator does not)."""
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


class Channel:
    """One client: requests come in as lines, answers go out as lines; the kernels
    forked for it are killed when it goes away."""

    def __init__(self, rfile, wfile, fds):
        self.rfile, self.wfile, self.fds = rfile, wfile, tuple(fds)
        self.kernels: set[int] = set()

    def send(self, answer: dict) -> None:
        self.wfile.write(json.dumps(answer) + "\n")
        self.wfile.flush()

    def kill_kernels(self) -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
        try:
            _reap()
            _kill(self.kernels & _children)      # only pids not yet reaped: never somebody else's
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})


def handle(line: str, channel: Channel, inherited: list[int]) -> None:
    """Fork a kernel for one request; ``inherited``: every descriptor of ours,
    closed in the kernel."""
    try:
        request = json.loads(line)
    except ValueError:
        channel.send({"error": "not a JSON request"})
        return
    read_ahead(_PRELOADED, request.get("data_dir"))
    # what is loaded now stays for every kernel: keep the garbage collector off it, so that
    # kernels neither scan it nor copy the pages it would touch (copy-on-write)
    gc.freeze()
    if threading.active_count() != 1:          # a fork must not copy a thread's half-done work
        channel.send({"error": "the kernel server has threads; cannot fork"})
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
    server = os.getpid()
    try:
        with warnings.catch_warnings():    # Python 3.12+ counts native threads (a BLAS pool) as a risk
            warnings.filterwarnings("ignore", message=".*fork", category=DeprecationWarning)
            pid = os.fork()
        if pid == 0:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
            _child(request, inherited, server)
        _children.add(pid)
        channel.kernels.add(pid)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
    channel.send({"pid": pid})


def serve_pipe(inp, out) -> None:
    """One client, our parent: requests on stdin, answers on stdout."""
    channel = Channel(inp, out, (inp.fileno(), out.fileno()))
    channel.send({"ready": os.getpid()})
    for line in inp:
        handle(line, channel, list(channel.fds))


def serve_socket(listener, parent_fd: int) -> None:
    """Any number of clients on a Unix socket (the workers of one run); ends when
    our parent closes our stdin, or dies."""
    import selectors
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ, "accept")
    sel.register(parent_fd, selectors.EVENT_READ, "parent")
    channels: dict[int, Channel] = {}
    while True:
        for key, _ in sel.select():
            if key.data == "parent":
                if not os.read(parent_fd, 4096):
                    return
            elif key.data == "accept":
                conn, _addr = listener.accept()
                conn.setblocking(True)
                channel = Channel(conn.makefile("r", encoding="utf-8"), conn.makefile("w", encoding="utf-8"),
                                  [conn.fileno()])
                channel.conn = conn
                channels[conn.fileno()] = channel
                sel.register(conn, selectors.EVENT_READ, channel)
                channel.send({"ready": os.getpid()})
            else:
                channel = key.data
                line = channel.rfile.readline()
                if line:
                    fds = [listener.fileno(), parent_fd, *(c.conn.fileno() for c in channels.values())]
                    handle(line, channel, fds)
                else:                              # the worker is gone: so are its kernels
                    channel.kill_kernels()
                    sel.unregister(channel.conn)
                    channels.pop(channel.conn.fileno(), None)
                    channel.conn.close()


def _kill(pids) -> None:
    for pid in list(pids):
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def kill_children() -> None:
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
    _reap()
    _kill(_children)


def main(argv=None) -> None:
    import argparse
    ap = argparse.ArgumentParser(prog="python -m helpers.kernel.server", description="kernel fork server")
    ap.add_argument("--listen", metavar="SOCKET", help="serve clients on this Unix socket (else stdin/stdout)")
    args = ap.parse_args(argv)
    # ipykernel_launcher takes the working folder off sys.path while it imports; so do we
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C is for the parent; it ends us by closing stdin
    listener = None
    if args.listen:                                # bound before the imports: clients may connect and wait
        import socket
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(args.listen)
        listener.listen(64)
    inp = os.fdopen(0, "r", encoding="utf-8")
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)                                  # nothing imported may write into the channel
    # what a kernel sets before matplotlib is imported (IPKernelApp.init_gui_pylab, when unset)
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    before = dict(os.environ)
    _PRELOADED[:] = preload()
    warm_up(_PRELOADED)
    _IMPORT_ENV.update((k, v) for k, v in os.environ.items() if before.get(k) != v)
    signal.signal(signal.SIGCHLD, _reap)
    try:
        if listener is None:
            serve_pipe(inp, out)
        else:
            serve_socket(listener, inp.fileno())
    finally:
        kill_children()


if __name__ == "__main__":
    main()
