"""``bangfu jobs simulate`` killed with SIGKILL in the middle of a job, then run again, leaves exactly the state
an uninterrupted run leaves on an identical world: nothing lost, nothing twice."""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import aliased

from jobs.storage.db import Database, is_sqlite
from jobs.storage.enums import RunStatus
from jobs.storage.models import DeliveryAttempt, InboxMessage, JobRun, Match, OutboxMessage, Push, PushPost
from tests import factories
from tests.conftest import TEST_SECRET, _truncate
from tests.jobs.service.world import build_world

RANGE = ("--from", "2025-01-01", "--to", "2025-01-12")  # the monthly ledger (10th) and a fortnight of jobs
BOUND = 120.0  # seconds any one wait may take before the test gives up (never asserted as a duration)

#: ``bangfu jobs simulate`` with one difference: the third seeker's job push stops half-way (its push row
#: written, its messages not yet, the item's transaction open) and waits there to be killed.
PAUSING = """
import sys, time
from pathlib import Path
from jobs.service import pushes
marker = Path(sys.argv[1])
real = pushes.notify_person
calls = []
def paused(session, **kwargs):
    calls.append(1)
    if len(calls) == 3:
        session.flush()
        marker.write_text("paused")
        time.sleep(3600)
    return real(session, **kwargs)
pushes.notify_person = paused
from web.cli import main
sys.argv = ["bangfu", *sys.argv[2:]]
main()
"""


@pytest.fixture
def env(app_database_url, tmp_path):
    return {**os.environ, "BANGFU_DATABASE_URL": app_database_url, "BANGFU_SECRET_KEY": TEST_SECRET,
            "BANGFU_INSTANCE_PATH": str(tmp_path / "instance")}


def _world(url: str, vault, monkeypatch) -> None:
    monkeypatch.setattr(factories, "_sequence", itertools.count(1))  # the same ID numbers every time
    database = Database(url)
    with database.writer() as session:  # build_world matches: run_matching commits
        build_world(session, vault, posts=24)
        session.commit()
    database.dispose()


def _fresh(database_url: str, app_database_url: str) -> None:
    """The app database as it was before the test: the migrated template again, or truncated."""
    if is_sqlite(app_database_url):
        target = Path(make_url(app_database_url).database)
        for extra in (Path(f"{target}-wal"), Path(f"{target}-shm")):
            extra.unlink(missing_ok=True)
        shutil.copyfile(make_url(database_url).database, target)
    else:
        _truncate(app_database_url)


def _simulate(env) -> None:
    done = subprocess.run([sys.executable, "-c", "from web.cli import main; main()", "jobs", "simulate", *RANGE,
                           "--format", "json"], env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr


def final_state(url: str) -> dict[str, list]:
    """Every table the run writes, by natural keys (surrogate ids differ where a killed transaction used one)."""
    database = Database(url)
    message = aliased(OutboxMessage)
    with database.session() as session:
        state = {
            "pushes": session.execute(select(
                Push.dedupe_key, Push.person_id, Push.kind, Push.post_id, Push.content, Push.sent_at,
                Push.service_year, Push.channel, Push.done_at).order_by(Push.dedupe_key)).all(),
            "offers": session.execute(select(Push.dedupe_key, PushPost.person_id, PushPost.post_id, PushPost.rank)
                                      .join(Push, Push.id == PushPost.push_id)
                                      .order_by(Push.dedupe_key, PushPost.rank)).all(),
            "outbox": session.execute(select(
                OutboxMessage.dedupe_key, OutboxMessage.channel, OutboxMessage.kind, OutboxMessage.subject,
                OutboxMessage.body, OutboxMessage.person_id, OutboxMessage.user_id, OutboxMessage.organisation_id,
                OutboxMessage.attachment_name, OutboxMessage.status, OutboxMessage.attempts,
                OutboxMessage.next_attempt_at, OutboxMessage.created_at, OutboxMessage.sent_at,
                OutboxMessage.last_error, Push.dedupe_key)
                .outerjoin(Push, Push.id == OutboxMessage.push_id).order_by(OutboxMessage.dedupe_key)).all(),
            "inbox": session.execute(select(
                message.dedupe_key, InboxMessage.person_id, InboxMessage.user_id, InboxMessage.organisation_id,
                InboxMessage.title, InboxMessage.body, InboxMessage.created_at, InboxMessage.read_at)
                .join(message, message.id == InboxMessage.outbox_id).order_by(message.dedupe_key)).all(),
            "deliveries": session.execute(select(
                message.dedupe_key, DeliveryAttempt.at, DeliveryAttempt.ok, DeliveryAttempt.provider_status,
                DeliveryAttempt.error).join(message, message.id == DeliveryAttempt.message_id)
                .order_by(message.dedupe_key, DeliveryAttempt.at)).all(),
            "job_runs": session.execute(select(JobRun.job, JobRun.period, JobRun.status, JobRun.counts)
                                        .order_by(JobRun.job, JobRun.period)).all(),
            "matches": session.execute(select(Match.person_id, Match.post_id, Match.status)
                                       .order_by(Match.person_id, Match.post_id)).all(),
        }
    database.dispose()
    return state


def _wait(condition, what: str, log: Path) -> None:
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}; the child said:\n{log.read_text()[-3000:]}")


@pytest.mark.slow
def test_a_simulation_killed_mid_job_and_run_again_ends_as_an_uninterrupted_one(
        env, database_url, app_database_url, vault, tmp_path, monkeypatch):
    _fresh(database_url, app_database_url)  # both worlds start from the same empty database, ids included
    _world(app_database_url, vault, monkeypatch)
    _simulate(env)
    uninterrupted = final_state(app_database_url)
    assert uninterrupted["pushes"] and uninterrupted["inbox"]

    _fresh(database_url, app_database_url)
    _world(app_database_url, vault, monkeypatch)
    marker = tmp_path / "paused"
    log = tmp_path / "child.log"
    with log.open("w") as output:
        child = subprocess.Popen([sys.executable, "-c", PAUSING, str(marker), "jobs", "simulate", *RANGE],
                                 env=env, stdout=output, stderr=subprocess.STDOUT)
    database = Database(app_database_url)

    def progress() -> dict | None:
        with database.session() as session:
            return session.scalar(select(JobRun.counts).where(JobRun.job == "job-information",
                                                              JobRun.status == RunStatus.RUNNING))

    try:
        _wait(lambda: marker.exists() and (progress() or {}).get("job_pushes") == 2,
              "the job-run table to show two job pushes of the running job", log)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=30)
    with database.session() as session:
        # The kill kept the two finished pushes and lost the half-written third: nothing of it is stored.
        assert session.scalar(select(JobRun.status).where(JobRun.job == "job-information")) is RunStatus.RUNNING
        assert len(session.scalars(select(Push.dedupe_key)).all()) == 2
        assert session.scalars(select(OutboxMessage.push_id).where(OutboxMessage.push_id.is_not(None))).all()
    database.dispose()

    _simulate(env)  # the rerun finishes the period and the rest of the range
    rerun = final_state(app_database_url)
    assert rerun == uninterrupted
    database = Database(app_database_url)
    with database.session() as session:
        attempts = dict(session.execute(
            select(JobRun.period, JobRun.attempts).where(JobRun.job == "job-information")).all())
    database.dispose()
    assert attempts["2025-01-01"] == 2 and set(attempts.values()) <= {1, 2}
