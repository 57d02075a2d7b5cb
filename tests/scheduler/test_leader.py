"""Two scheduler processes at once: one leads, the other waits and takes over when the leader is killed."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time

import pytest

from tests.conftest import TEST_SECRET

LEADS = "本进程成为主调度器"
WAITS = "备用调度器"
BOUND = 90.0


class Scheduler:
    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from web.cli import main; main()", "scheduler", "--lease-seconds", "3",
             "--poll-seconds", "0.3"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, encoding="utf-8",
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.put(line)

    def said(self, text: str) -> bool:
        while True:
            try:
                self.seen.append(self.lines.get_nowait())
            except queue.Empty:
                break
        return any(text in line for line in self.seen)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        self.reader.join(timeout=10)
        self.process.stderr.close()


def _wait(condition, what: str) -> None:
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow
def test_one_scheduler_leads_and_the_standby_takes_over_when_it_is_killed(app_database_url, tmp_path, app):
    env = {**os.environ, "BANGFU_DATABASE_URL": app_database_url, "BANGFU_SECRET_KEY": TEST_SECRET,
           "BANGFU_INSTANCE_PATH": str(tmp_path / "instance")}
    first = Scheduler(env)
    second = None
    try:
        _wait(lambda: first.said(LEADS), "the first scheduler to lead")
        second = Scheduler(env)
        _wait(lambda: second.said(WAITS), "the second scheduler to wait as a standby")
        time.sleep(4)  # longer than the lease: a live leader keeps it
        assert not second.said(LEADS)
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=10)
        _wait(lambda: second.said(LEADS), "the standby to take over")
    finally:
        first.stop()
        if second is not None:
            second.stop()
