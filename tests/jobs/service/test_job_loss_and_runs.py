"""Job loss follow-up, and a job killed in the middle then run again."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from jobs.access.permissions import SYSTEM
from jobs.placements.placements import record_check
from jobs.service import pushes
from jobs.service.runs import RunContext, execute
from jobs.storage.clock import CHINA
from jobs.storage.db import Database
from jobs.storage.enums import Channel, PushKind, RunStatus
from jobs.storage.models import JobLoss, JobRun, OutboxMessage, Push, PushPost
from scheduler.definitions import BY_NAME
from scheduler.runner import run_at, simulate
from tests.factories import make_placement
from tests.jobs.service.world import build_world


@pytest.fixture
def db(app_database_url, frozen_clock):
    database = Database(app_database_url)
    yield database
    database.dispose()


def test_a_check_that_finds_the_worker_gone_alerts_county_staff_the_same_day_and_offers_follow_within_three_days(
        db, vault):
    with db.writer() as session:  # build_world matches: run_matching commits
        world = build_world(session, vault)
        placement = make_placement(session, vault, start_date=dt.date(2025, 1, 6), post=world["posts"][0])
        worker_id = placement.person_id
        record_check(session, placement_id=placement.id, check_date=dt.date(2025, 6, 3), employed=False, actor=SYSTEM)
        session.commit()
    simulate(db=db, vault=vault, start=dt.date(2025, 6, 3), end=dt.date(2025, 6, 6))
    with db.session() as session:
        loss = session.scalar(select(JobLoss).where(JobLoss.person_id == worker_id))
        assert loss is not None and loss.loss_date == dt.date(2025, 6, 3)
        alerts = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "job_loss")).all()
        assert {a.channel for a in alerts} == {Channel.APP, Channel.EMAIL}
        assert all(a.user_id == world["staff"].id for a in alerts)
        assert all(_china(a.sent_at).date() == dt.date(2025, 6, 3) for a in alerts)
        offers = session.scalar(select(Push).where(Push.dedupe_key == f"jobloss-offers:{loss.id}"))
        guidance = session.scalar(select(Push).where(Push.dedupe_key == f"jobloss-guidance:{loss.id}"))
        assert offers is not None and guidance is not None
        assert _china(offers.sent_at).date() - loss.loss_date <= dt.timedelta(days=3)
        assert _china(guidance.sent_at).date() - loss.loss_date <= dt.timedelta(days=3)
        assert session.scalar(select(func.count()).select_from(PushPost).where(PushPost.push_id == offers.id)) > 0


def _china(moment: dt.datetime) -> dt.datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(CHINA)


def test_a_job_killed_in_the_middle_finishes_on_the_rerun_without_sending_anything_twice(db, vault, monkeypatch):
    with db.writer() as session:  # build_world matches: run_matching commits
        build_world(session, vault)
        session.commit()
    job = BY_NAME["job-information"]
    moment = dt.datetime(2025, 1, 6, 10, 0, tzinfo=CHINA)
    real = pushes.push_job_information_if_due
    calls = {"n": 0}

    def dies_on_the_third(session, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # a kill: nothing after this point of the run happens
        return real(session, **kwargs)

    monkeypatch.setattr(pushes, "push_job_information_if_due", dies_on_the_third)
    with pytest.raises(KeyboardInterrupt):
        run_at(job, db=db, vault=vault, moment=moment)
    with db.session() as session:
        assert session.scalar(select(JobRun.status).where(JobRun.job == job.name)) is RunStatus.RUNNING
        assert session.scalar(select(func.count()).select_from(Push)) == 2
    monkeypatch.setattr(pushes, "push_job_information_if_due", real)
    outcome = run_at(job, db=db, vault=vault, moment=moment)
    # The run's counts are the period's: the two pushes kept from the killed attempt and the two of the rerun.
    assert outcome.status == "done" and outcome.counts["job_pushes"] == 4
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Push).where(Push.kind == PushKind.JOB)) == 4
        keys = session.scalars(select(OutboxMessage.dedupe_key)).all()
        assert len(keys) == len(set(keys))
        assert session.scalar(select(JobRun).where(JobRun.job == job.name)).attempts == 2
    assert run_at(job, db=db, vault=vault, moment=moment).status == "already_done"


def test_a_failing_job_is_recorded_failed_with_its_error_and_retried_for_the_same_period(db, vault):
    def broken(ctx):
        ctx.counts["seen"] += 1
        raise ValueError("数据源不可用")

    ctx = RunContext(db=db, vault=vault, now=dt.datetime(2025, 2, 1, 2, 0, tzinfo=dt.UTC))
    outcome = execute(job="broken", period="2025-02-01", body=broken, ctx=ctx)
    assert outcome.status == "failed" and "数据源不可用" in outcome.error
    with db.session() as session:
        run = session.scalar(select(JobRun).where(JobRun.job == "broken"))
        assert run.status is RunStatus.FAILED and "数据源不可用" in run.error
    ctx = RunContext(db=db, vault=vault, now=dt.datetime(2025, 2, 1, 3, 0, tzinfo=dt.UTC))
    assert execute(job="broken", period="2025-02-01", body=lambda c: None, ctx=ctx).status == "done"


def test_a_dry_run_reports_what_it_would_send_and_changes_nothing(db, vault):
    with db.writer() as session:  # build_world matches: run_matching commits
        build_world(session, vault)
        session.commit()
    outcome = run_at(BY_NAME["job-information"], db=db, vault=vault,
                     moment=dt.datetime(2025, 1, 6, 10, 0, tzinfo=CHINA), dry_run=True)
    assert outcome.status == "dry_run" and outcome.counts["job_pushes"] == 4
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Push)) == 0
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        assert session.scalar(select(func.count()).select_from(JobRun)) == 0
