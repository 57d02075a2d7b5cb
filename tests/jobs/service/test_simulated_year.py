"""A simulated year on a small world: the "311" standard met by everyone it covers, and the pacing rules."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from sqlalchemy import func, select

from jobs.access.permissions import SYSTEM
from jobs.service.report import service_report
from jobs.service.sms import in_quiet_hours
from jobs.storage.clock import CHINA
from jobs.storage.db import Database
from jobs.storage.enums import Channel, OutboxStatus, PushKind
from jobs.storage.models import JobRun, OutboxMessage, Push, PushPost
from scheduler.runner import simulate
from tests.jobs.service.world import build_world

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def year(tmp_path_factory, database_url):
    """The world, simulated through 2025 once for every test of this module."""
    import shutil

    from sqlalchemy.engine import make_url
    import time_machine

    from jobs.storage.crypto import Vault
    from tests.conftest import FROZEN_NOW, TEST_SECRET, _truncate
    from jobs.storage.db import is_sqlite

    if is_sqlite(database_url):
        target = tmp_path_factory.mktemp("year") / "year.sqlite3"
        shutil.copyfile(make_url(database_url).database, target)
        url = f"sqlite:///{target}"
    else:
        url = database_url
    db = Database(url)
    vault = Vault.from_secret(TEST_SECRET)
    with time_machine.travel(FROZEN_NOW, tick=False):
        with db.writer() as session:  # build_world matches: run_matching commits
            world = build_world(session, vault)
            session.commit()
        ids = {"covered": [p.id for p in world["covered"]], "not_covered": [p.id for p in world["not_covered"]]}
        first = simulate(db=db, vault=vault, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
        with db.session() as session:
            outbox_before = session.scalar(select(func.count()).select_from(OutboxMessage))
        again = simulate(db=db, vault=vault, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    yield {"db": db, "vault": vault, "ids": ids, "first": first, "again": again, "outbox_before": outbox_before}
    db.dispose()
    if not is_sqlite(url):
        _truncate(url)


def test_every_covered_seeker_meets_three_one_one(year):
    with year["db"].session() as session:
        report = service_report(session, vault=year["vault"], year=2025, today=dt.date(2026, 11, 24), actor=SYSTEM)
    assert [c["county"] for c in report["counties"]] == ["430182"]
    county = report["counties"][0]
    assert county["eligible"] == len(year["ids"]["covered"])
    assert county["met"] == county["eligible"] and county["laggards"] == []
    assert county["job_pushes"] >= 3 * county["eligible"]


def test_no_one_outside_the_standard_is_pushed(year):
    with year["db"].session() as session:
        pushed = set(session.scalars(select(Push.person_id)))
    assert pushed == set(year["ids"]["covered"])


def test_job_pushes_never_repeat_a_post_never_come_twice_in_a_week_and_span_three_months(year):
    with year["db"].session() as session:
        pairs = session.execute(select(PushPost.person_id, PushPost.post_id)).all()
        assert len(pairs) == len(set(pairs))
        by_person = defaultdict(list)
        for person_id, sent_at in session.execute(
                select(Push.person_id, Push.sent_at).where(Push.kind == PushKind.JOB).order_by(Push.sent_at)):
            moment = sent_at if sent_at.tzinfo else sent_at.replace(tzinfo=dt.UTC)
            by_person[person_id].append(moment.astimezone(CHINA).date())
    for days in by_person.values():
        assert all(b - a >= dt.timedelta(days=7) for a, b in zip(days, days[1:]))
        assert len({d.month for d in days}) >= 3


def test_a_seeker_without_any_match_still_gets_the_nearest_open_posts_said_plainly(year):
    nothing = year["ids"]["covered"][2]
    with year["db"].session() as session:
        contents = session.scalars(select(Push.content).where(Push.person_id == nothing,
                                                              Push.kind == PushKind.JOB)).all()
    assert len(contents) >= 3
    assert all("暂时没有与您的求职意向匹配的岗位" in text for text in contents)


def test_quiet_hours_hold_and_the_seeker_without_a_phone_gets_no_sms(year):
    no_phone = year["ids"]["covered"][3]
    with year["db"].session() as session:
        sms = session.scalars(select(OutboxMessage).where(OutboxMessage.channel == Channel.SMS)).all()
    assert sms and all(m.status is OutboxStatus.SENT for m in sms)
    assert not any(in_quiet_hours(m.sent_at.replace(tzinfo=dt.UTC) if m.sent_at.tzinfo is None else m.sent_at)
                   for m in sms)
    assert no_phone not in {m.person_id for m in sms}


def test_the_monthly_ledger_reaches_the_county_inbox_every_month(year):
    with year["db"].session() as session:
        ledgers = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "ledger")).all()
    assert len(ledgers) == 12
    assert all(m.attachment and m.attachment_name.endswith(".xlsx") for m in ledgers)
    assert all(m.created_at.replace(tzinfo=dt.UTC).astimezone(CHINA).day < 20 for m in ledgers)


def test_rerunning_the_year_sends_nothing_new(year):
    assert year["again"].as_dict()["runs"] == 0
    assert year["again"].as_dict()["already_done"] == year["first"].as_dict()["runs"]
    with year["db"].session() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == year["outbox_before"]
        assert session.scalar(select(func.count()).select_from(JobRun).where(JobRun.status != "done")) == 0
