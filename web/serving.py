"""Serving the app with waitress, in one process or in several (``bangfu serve --processes N``).

One waitress process runs the app in one interpreter: however many threads it has, Python code runs on one core
at a time (the GIL), so a machine with more cores needs more processes. With ``processes > 1`` the parent binds
the listening sockets, forks that many workers and serves nothing itself; each worker builds its own app after the
fork (its own database engine and connection pool: no connection is ever shared between processes) and runs
waitress on the sockets it inherited. On Linux each worker has sockets of its own on the same port
(``SO_REUSEPORT``) and the kernel spreads new connections evenly over them; elsewhere the workers share the
parent's, and whichever is idle first accepts (with a few keep-alive clients one worker may take them all: the
benchmark saw 8 connections land 8/0). The parent forwards SIGTERM and SIGINT to the workers as SIGTERM and waits
for them (each finishes the requests it has under way; waitress gives its threads a few seconds); a worker that
stops by itself stops the others, and the parent exits with status 1, for the supervisor (systemd, a container
runtime) to start the service again.

Several processes share nothing but the database: the rate limits must then be counted in Redis
(``BANGFU_RATELIMIT_STORAGE_URI``), or each process counts its own. POSIX only (``os.fork``).
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

#: How long the parent waits for its workers after asking them to stop, before it kills them.
STOP_GRACE_SECONDS = 30.0
#: Pending connections the kernel queues on the listening socket (waitress's own default is 1024).
BACKLOG = 1024


#: Whether the kernel can balance new connections over several sockets on one port (Linux ``SO_REUSEPORT``).
REUSE_PORT = hasattr(socket, "SO_REUSEPORT") and sys.platform.startswith("linux")


def bind(host: str, port: int, *, processes: int = 1) -> list[socket.socket]:
    """Listening TCP sockets on ``host``:``port``, one for each address ``host`` has (``localhost``: IPv4 and
    IPv6, as waitress itself would listen); port 0: a free port, on the first address only. For several
    processes (on Linux) the sockets let the other workers' sockets join them on the port (``SO_REUSEPORT``),
    once it is checked that nothing listens there yet (so a second server on a taken port still fails)."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [(family, address[:2]) for family, _type, _proto, _name, address in
                 (found[:1] if port == 0 else found)]
    shared = processes > 1 and REUSE_PORT
    if shared and port != 0:
        for probe in _listening(addresses, reuse_port=False):  # EADDRINUSE if anything listens there
            probe.close()
    return _listening(addresses, reuse_port=shared)


def _listening(addresses: list[tuple[int, tuple]], *, reuse_port: bool) -> list[socket.socket]:
    sockets: list[socket.socket] = []
    try:
        for family, address in addresses:
            sockets.append(socket.create_server(address, family=family, backlog=BACKLOG, reuse_port=reuse_port))
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def _reusable(sockets: list[socket.socket]) -> bool:
    return REUSE_PORT and all(sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) for sock in sockets)


def run(make_app: Callable[[], Any], sockets: list[socket.socket], *, threads: int, processes: int = 1,
        on_stop: Callable[[Any], None] | None = None, **adjustments: Any) -> int:
    """Serve the app ``make_app()`` builds on ``sockets`` until SIGTERM or SIGINT; the exit status to return.

    ``processes == 1``: in this process. Otherwise in that many forked workers, each calling ``make_app`` after
    the fork (see the module's docstring). ``on_stop(app)`` runs in each serving process after waitress stopped
    (e.g. to close the app's database connections); ``adjustments`` are waitress's (``ident``, ``connection_limit``
    …)."""
    if processes < 1:
        raise ValueError("processes must be at least 1")
    if processes == 1:
        _serve(make_app, sockets, threads, on_stop, adjustments)
        return 0
    # Each worker its own listening sockets on the same port where the kernel balances connections over them
    # (SO_REUSEPORT); else all share the parent's, and whichever worker is idle first accepts.
    own = _reusable(sockets)
    groups = [sockets] + [_listening([(sock.family, sock.getsockname()[:2]) for sock in sockets], reuse_port=True)
                          if own else sockets for _ in range(processes - 1)]
    workers: set[int] = set()
    for index in range(processes):
        pid = os.fork()
        if pid == 0:  # the worker: serve, then leave without running the parent's clean-up
            status = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent turns Ctrl+C into one SIGTERM
                for group in groups:  # the other workers' own sockets are theirs to accept on
                    if group is not groups[index]:
                        for sock in group:
                            sock.close()
                _serve(make_app, groups[index], threads, on_stop, adjustments)
                status = 0
            except SystemExit as leaving:  # SIGTERM before waitress ran (while the app was being built)
                status = 0 if leaving.code in (0, None) else 1
            except BaseException:  # noqa: BLE001 - whatever stops a worker is reported, then it exits 1
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(status)
        workers.add(pid)
    for group in {id(group): group for group in groups}.values():
        for sock in group:
            sock.close()  # the workers hold them; the parent accepts nothing
    return _supervise(workers)


def _serve(make_app: Callable[[], Any], sockets: list[socket.socket], threads: int,
           on_stop: Callable[[Any], None] | None, adjustments: dict[str, Any]) -> None:
    import waitress

    previous = signal.signal(signal.SIGTERM, _leave)
    try:
        app = make_app()
        server = waitress.create_server(app, sockets=sockets, threads=threads, **adjustments)
        try:
            server.run()  # returns after SIGTERM (SystemExit) or SIGINT, once waitress's threads are done
        finally:
            server.close()
            if on_stop is not None:
                on_stop(app)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _leave(_signum: int, _frame: Any) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # once: a second SIGTERM must not interrupt the stop
    raise SystemExit(0)


def _supervise(workers: set[int]) -> int:
    """Wait for the workers; forward SIGTERM/SIGINT to them; one that stops unasked stops the others."""
    stopping: list[float] = []

    def stop(_signum: int = signal.SIGTERM, _frame: Any = None) -> None:
        if not stopping:
            stopping.append(time.monotonic())
            _signal_all(workers, signal.SIGTERM)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGTERM, signal.SIGINT)}
    failed = False
    try:
        while workers:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                if stopping and time.monotonic() - stopping[0] > STOP_GRACE_SECONDS:
                    _signal_all(workers, signal.SIGKILL)
                time.sleep(0.1)
                continue
            workers.discard(pid)
            if not stopping:  # a worker ended unasked: stop the rest, report the failure
                failed = True
                print(f"bangfu serve: worker {pid} stopped ({_describe(status)}); stopping the others",
                      file=sys.stderr, flush=True)
                stop()
            elif os.waitstatus_to_exitcode(status) != 0:
                failed = True
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    return 1 if failed else 0


def _signal_all(workers: set[int], number: int) -> None:
    for pid in workers:
        try:
            os.kill(pid, number)
        except ProcessLookupError:
            pass


def _describe(status: int) -> str:
    code = os.waitstatus_to_exitcode(status)
    return f"signal {-code}" if code < 0 else f"exit status {code}"
