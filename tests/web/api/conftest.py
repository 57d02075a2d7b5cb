"""The API's world: the permission tests' world (objects inside and outside each role's scope) stored in the
app's database, and one bearer token per user, issued through the token use case."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from jobs.access import tokens
from jobs.storage.models import User
from tests.jobs.access.conftest import build_world


@dataclass(frozen=True)
class ApiWorld:
    ids: dict[str, int]  # object name → id (people, posts, placements, claims, dispatches)
    bearer: dict[str, dict[str, str]]  # user name in the world → the Authorization header of their token


USERS = ("county", "other_county", "city", "province", "broker_x", "broker_y", "workstation", "other_workstation",
         "seeker", "admin")
OBJECTS = ("ningxiang", "ningxiang_old_code", "xiangtan", "post", "placement_x", "placement_y", "claim_x",
           "dispatch_x")


@pytest.fixture
def api_world(runtime, frozen_clock) -> ApiWorld:
    # evaluate_claims commits its batches itself, so the world is built in a plain writer session.
    with runtime.db.writer() as session:
        world = build_world(session, runtime.vault)
        session.flush()
        ids = {name: getattr(world, name).id for name in OBJECTS}
        bearer = {}
        for name in USERS:
            user: User = getattr(world, name)
            issued = tokens.issue_token(session, user=user, days=30, label=f"test-{name}")
            bearer[name] = {"Authorization": f"Bearer {issued.token}"}
        session.commit()
    return ApiWorld(ids, bearer)


@dataclass(frozen=True)
class ServiceIds:
    """What :func:`service_world` adds to the API's world: matches, pushes and a training course."""

    open_post: int  # a second open post in 东莞, matched to the workers looking for work
    matches: dict[str, int]  # person name in the world → the id of their match on ``open_post``
    pushes: dict[str, int]  # person name → the id of the guidance push they received
    course: int


@pytest.fixture
def service_world(api_world, runtime) -> ServiceIds:
    """The API's world plus the service side, through the use cases: a matching run over a second open post,
    guidance pushes to two workers on two days, and a training course imported from the catalogue template."""
    import datetime as dt
    import io

    from openpyxl import Workbook
    from sqlalchemy import select

    from jobs.placements.matches import run_matching
    from jobs.service.pushes import push_guidance
    from jobs.service.training import COLUMNS, import_courses
    from jobs.storage.clock import CHINA
    from jobs.storage.models import Match, Person, TrainingCourse
    from tests.factories import make_employer, make_post

    with runtime.db.writer() as session:
        post = make_post(session, employer=make_employer(session, region_code="441900"), region_code="441900",
                         title="电焊工（氩弧焊）")
        run_matching(session, vault=runtime.vault, today=dt.date(2026, 11, 24), everything=True)
        found = {person_id: match_id for person_id, match_id in session.execute(
            select(Match.person_id, Match.id).where(Match.post_id == post.id))}
        names = {api_world.ids[name]: name for name in ("ningxiang", "ningxiang_old_code", "xiangtan")}
        matches = {names[person_id]: match_id for person_id, match_id in found.items() if person_id in names}
        pushes = {}
        for name, day in (("ningxiang", 20), ("xiangtan", 23)):
            person = session.get(Person, api_world.ids[name])
            sent = dt.datetime(2026, 11, day, 9, 0, tzinfo=CHINA)
            pushes[name] = push_guidance(session, person=person, key=f"test-guidance:{name}", now=sent).id
        book = Workbook()
        book.active.append([name for name, _required, _note in COLUMNS])
        book.active.append(["焊工（初级）培训班", "宁乡市职业技术学校", "430182", "玉潭街道职教中心", "2026-12-01",
                            "2026-12-30", "电焊工", 0, 800, 40, "0731-87654321"])
        data = io.BytesIO()
        book.save(data)
        assert import_courses(session, data.getvalue()).created == 1
        course = session.scalar(select(TrainingCourse.id))
        session.commit()
    return ServiceIds(post.id, matches, pushes, course)
