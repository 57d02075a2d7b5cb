"""Who a service standard covers, day by day from the placements: no pushes asked for months a worker held a
job, and no worker forgotten for having found work late in the year."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from jobs.access.permissions import SYSTEM
from jobs.service.report import service_report
from jobs.service.standards import employed_on
from jobs.storage.clock import CHINA
from jobs.storage.db import Database
from jobs.storage.enums import EmploymentStatus, PushKind
from jobs.storage.models import Push
from scheduler.runner import simulate
from tests.factories import make_placement
from tests.jobs.service.world import build_world

EMPLOYED, UNEMPLOYED = EmploymentStatus.EMPLOYED, EmploymentStatus.UNEMPLOYED


def test_a_worker_out_of_work_now_was_without_work_outside_their_placements():
    spans = [(dt.date(2025, 3, 1), dt.date(2025, 6, 30))]
    assert employed_on(UNEMPLOYED, spans, dt.date(2025, 4, 15))
    assert not employed_on(UNEMPLOYED, spans, dt.date(2025, 2, 28))
    assert not employed_on(UNEMPLOYED, spans, dt.date(2025, 6, 30))  # the day the job was lost: without work
    assert not employed_on(UNEMPLOYED, [], dt.date(2025, 4, 15))


def test_a_worker_placed_in_june_was_without_work_until_then():
    spans = [(dt.date(2025, 6, 15), None)]
    assert not employed_on(EMPLOYED, spans, dt.date(2025, 5, 31))
    assert not employed_on(EMPLOYED, spans, dt.date(2025, 6, 14))
    assert employed_on(EMPLOYED, spans, dt.date(2025, 6, 15))


def test_a_worker_employed_without_a_placement_is_taken_as_employed_all_along_or_since_the_last_one():
    assert employed_on(EMPLOYED, [], dt.date(2025, 1, 1))
    ended = [(dt.date(2025, 2, 1), dt.date(2025, 4, 1))]
    assert not employed_on(EMPLOYED, ended, dt.date(2025, 1, 15))
    assert employed_on(EMPLOYED, ended, dt.date(2025, 8, 1))


@pytest.fixture
def world(app_database_url, frozen_clock, vault):
    database = Database(app_database_url)
    with database.writer() as session:  # build_world matches: run_matching commits
        built = build_world(session, vault)
        posts = built["posts"]
        june = make_placement(session, vault, state="placed", start_date=dt.date(2025, 6, 15), post=posts[1],
                              person=built["covered"][0])
        december = make_placement(session, vault, state="placed", start_date=dt.date(2025, 12, 5), post=posts[3],
                                  person=built["covered"][1])
        all_year = make_placement(session, vault, state="placed", start_date=dt.date(2024, 5, 6), post=posts[5],
                                  person=built["covered"][2])
        session.commit()
        ids = {"june": june.person_id, "december": december.person_id, "all_year": all_year.person_id,
               "no_phone": built["covered"][3].id}
    simulate(db=database, vault=vault, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    yield database, ids
    database.dispose()


def _job_push_days(database, person_id) -> list[dt.date]:
    with database.session() as session:
        moments = session.scalars(select(Push.sent_at).where(Push.person_id == person_id,
                                                             Push.kind == PushKind.JOB).order_by(Push.sent_at))
        return [(m if m.tzinfo else m.replace(tzinfo=dt.UTC)).astimezone(CHINA).date() for m in moments]


@pytest.mark.slow
def test_the_replayed_year_pushes_only_while_a_worker_was_without_work(world):
    database, ids = world
    june = _job_push_days(database, ids["june"])
    assert june and all(day < dt.date(2025, 6, 15) for day in june)
    assert {day.month for day in june} == {1, 5}  # the slots of "311" that fell before the job
    assert len(_job_push_days(database, ids["december"])) == 3
    assert _job_push_days(database, ids["all_year"]) == []


@pytest.mark.slow
def test_the_report_counts_every_worker_covered_during_the_year_for_what_fell_due_while_covered(world, vault):
    database, ids = world
    with database.session() as session:
        report = service_report(session, vault=vault, year=2025, actor=SYSTEM, today=dt.date(2026, 11, 24))
    (county,) = report["counties"]
    # Placed in June and in December (both employed on the report's day) are counted; employed all year is not.
    assert county["eligible"] == 3
    assert county["met"] == 3 and county["laggards"] == []
    with database.session() as session:
        pushed = {kind: len(session.scalars(select(Push.id).where(Push.person_id == ids["june"],
                                                                  Push.kind == kind)).all())
                  for kind in PushKind}
    assert pushed[PushKind.JOB] == 2 and pushed[PushKind.TRAINING] == 1 and pushed[PushKind.GUIDANCE] == 1
