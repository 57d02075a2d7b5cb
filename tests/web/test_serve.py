"""``bangfu serve``: the app under waitress, in one process or in several forked workers (``--processes``,
``web.serving``) that share one listening socket and stop together."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from web import serving

ROOT = Path(__file__).resolve().parents[2]
# However a test goes, it waits no longer than this for a server.
DEADLINE_SECONDS = 120


# Two workers of web.serving whose app answers which process it is; prints the port first.
PID_SERVER = """
import os, sys
from web import serving

def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(os.getpid()).encode()]

sockets = serving.bind("127.0.0.1", 0, processes=2)
print(sockets[0].getsockname()[1], flush=True)
sys.exit(serving.run(lambda: app, sockets, threads=2, processes=2))
"""


def _pid_server(folder: Path) -> Path:
    script = folder / "serve_pid.py"
    script.write_text(PID_SERVER)
    return script


def _environment(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BANGFU_")}
    return {**env, "PYTHONPATH": str(ROOT), **extra}


def _get(port: int, path: str) -> tuple[int, bytes]:
    """One GET on a new connection, waiting while the workers are still starting."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=DEADLINE_SECONDS) as answer:
                return answer.status, answer.read()
        except ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@contextlib.contextmanager
def _running(command: list[str], **options) -> Iterator[subprocess.Popen]:
    """The server process; killed if the test left it running, its pipes closed."""
    with subprocess.Popen(command, text=True, **options) as server:
        try:
            yield server
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _port_is_free(port: int) -> bool:
    try:
        socket.create_server(("127.0.0.1", port)).close()
    except OSError:
        return False
    return True


def test_two_worker_processes_answer_on_one_port_and_sigterm_stops_them_all(tmp_path):
    script = _pid_server(tmp_path)
    with _running([sys.executable, str(script)], env=_environment(), stdout=subprocess.PIPE) as server:
        port = int(server.stdout.readline())
        answered: set[int] = set()
        deadline = time.monotonic() + DEADLINE_SECONDS
        while len(answered) < 2 and time.monotonic() < deadline:  # the kernel picks the worker of a connection
            status, body = _get(port, "/")
            assert status == 200
            answered.add(int(body))
        assert len(answered) == 2 and server.pid not in answered
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=DEADLINE_SECONDS) == 0
    assert all(_gone(pid) for pid in answered)
    assert _port_is_free(port)


def test_a_port_already_listened_on_is_refused_even_to_several_processes():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    for processes in (1, 2):  # whether the server on it runs in one process or in several
        taken_by = serving.bind("127.0.0.1", port, processes=processes)
        try:
            with pytest.raises(OSError):
                serving.bind("127.0.0.1", port, processes=2)
        finally:
            for sock in taken_by:
                sock.close()


def test_a_worker_that_dies_stops_the_others_and_the_server_exits_1(tmp_path):
    script = _pid_server(tmp_path)
    with _running([sys.executable, str(script)], env=_environment(), stdout=subprocess.PIPE,
                  stderr=subprocess.PIPE) as server:
        port = int(server.stdout.readline())
        _status, body = _get(port, "/")
        os.kill(int(body), signal.SIGKILL)
        assert server.wait(timeout=DEADLINE_SECONDS) == 1
        assert "stopping the others" in server.stderr.read()
    assert _port_is_free(port)


def test_bangfu_serve_with_two_processes_serves_the_app_warns_about_the_limits_and_stops_on_sigterm(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with _running([sys.executable, "-m", "web.cli", "serve", "--port", str(port), "--processes", "2", "--threads", "2"],
                  env=_environment(BANGFU_INSTANCE_PATH=str(tmp_path / "instance")), cwd=tmp_path,
                  stderr=subprocess.PIPE) as server:
        started = ""
        while "帮扶平台已启动" not in started:
            line = server.stderr.readline()
            assert line, f"bangfu serve ended: {started}"
            started += line
        assert "2个进程" in started and "BANGFU_RATELIMIT_STORAGE_URI=redis://" in started
        for _ in range(4):  # new connections, whichever worker takes them
            status, body = _get(port, "/healthz")
            assert status == 200 and b'"status":"ok"' in body
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=DEADLINE_SECONDS) == 0
    assert _port_is_free(port)
