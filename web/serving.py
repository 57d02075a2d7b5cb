"""Serving the app with waitress, in one process or in several (``bangfu serve --processes N``).

One waitress process runs the app in one interpreter: however many threads it has, Python code runs on one core
at a time (the GIL), so a machine with more cores needs more processes. With ``processes > 1`` the parent binds
the listening socket, forks that many workers and serves nothing itself; each worker builds its own app after the
fork (its own database engine and connection pool: no connection is ever shared between processes) and runs
waitress on the inherited socket, so the kernel hands each new connection to one of them. The parent forwards
SIGTERM and SIGINT to the workers as SIGTERM and waits for them (each finishes the requests it has under way;
waitress gives its threads a few seconds); a worker that stops by itself stops the others, and the parent exits
with status 1, for the supervisor (systemd, a container runtime) to start the service again.

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


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` (port 0: a free one), IPv4 or IPv6 as ``host`` says."""
    family, _type, _proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    return socket.create_server(address[:2], family=family, backlog=BACKLOG)


def run(make_app: Callable[[], Any], sock: socket.socket, *, threads: int, processes: int = 1,
        on_stop: Callable[[Any], None] | None = None, **adjustments: Any) -> int:
    """Serve the app ``make_app()`` builds on ``sock`` until SIGTERM or SIGINT; the exit status to return.

    ``processes == 1``: in this process. Otherwise in that many forked workers, each calling ``make_app`` after
    the fork (see the module's docstring). ``on_stop(app)`` runs in each serving process after waitress stopped
    (e.g. to close the app's database connections); ``adjustments`` are waitress's (``ident``, ``connection_limit``
    …)."""
    if processes < 1:
        raise ValueError("processes must be at least 1")
    if processes == 1:
        _serve(make_app, sock, threads, on_stop, adjustments)
        return 0
    workers: set[int] = set()
    for _ in range(processes):
        pid = os.fork()
        if pid == 0:  # the worker: serve, then leave without running the parent's clean-up
            status = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent turns Ctrl+C into one SIGTERM
                _serve(make_app, sock, threads, on_stop, adjustments)
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
    sock.close()  # the workers hold it; the parent accepts nothing
    return _supervise(workers)


def _serve(make_app: Callable[[], Any], sock: socket.socket, threads: int,
           on_stop: Callable[[Any], None] | None, adjustments: dict[str, Any]) -> None:
    import waitress

    previous = signal.signal(signal.SIGTERM, _leave)
    try:
        app = make_app()
        server = waitress.create_server(app, sockets=[sock], threads=threads, **adjustments)
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
