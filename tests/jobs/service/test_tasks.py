"""Long actions started from a page (jobs.service.tasks): a checked upload is kept for its user only, until it
expires; confirming it queues the import once; the worker runs it, records done/total in commits of its own and
lets the upload go; a failure ends the task with a Chinese message. Re-matching is for county staff, one at a
time per area."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from jobs.errors import Conflict, Forbidden, NotFound
from jobs.service.tasks import (
    STALE_AFTER,
    UPLOAD_TTL,
    check_upload,
    confirm_upload,
    run_task,
    stage_upload,
    staged_upload,
    start_rematch,
    task_view,
)
from jobs.storage.db import Database
from jobs.storage.enums import Role, TaskStatus
from jobs.storage.models import Person, Task, User
from tests.factories import make_user
from tests.jobs.lists.gallery import demand_rows, generated_people, write_xlsx

NOW = dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def db(app_database_url) -> Iterator[Database]:
    database = Database(app_database_url)
    yield database
    database.dispose()


@pytest.fixture
def users(db) -> dict[str, int]:
    with db.transaction() as session:
        clerk = make_user(session, role=Role.COUNTY_STAFF, region_code="430182")
        other = make_user(session, role=Role.COUNTY_STAFF, region_code="430182")
        station = make_user(session, role=Role.WORKSTATION_STAFF, region_code="4419")
        return {"clerk": clerk.id, "other": other.id, "station": station.id}


def staged(db, vault, user_id: int, data: bytes, now=NOW) -> str:
    with db.writer() as session:
        result, options = check_upload(session, vault, kind="demand_import", data=data, file_name="宁乡清单.xlsx",
                                       actor=session.get(User, user_id))
    with db.transaction() as session:
        return stage_upload(session, kind="demand_import", data=data, file_name="宁乡清单.xlsx", options=options,
                            result=result, actor=session.get(User, user_id), now=now)


def people(db) -> int:
    with db.reading() as session:
        return len(session.scalars(select(Person.id)).all())


def test_an_upload_is_kept_for_its_user_until_it_expires_and_is_imported_once(db, vault, users, tmp_path):
    data = write_xlsx(tmp_path / "list.xlsx", demand_rows(*generated_people(250))).read_bytes()
    token = staged(db, vault, users["clerk"], data)
    assert people(db) == 0
    with db.transaction() as session:
        clerk, other = session.get(User, users["clerk"]), session.get(User, users["other"])
        assert staged_upload(session, token=token, actor=clerk, now=NOW).checked["rows"] == 250
        with pytest.raises(NotFound):
            staged_upload(session, token=token, actor=other, now=NOW)
        with pytest.raises(NotFound, match="已过期"):
            staged_upload(session, token=token, actor=clerk, now=NOW + UPLOAD_TTL + dt.timedelta(seconds=1))
        task_id = confirm_upload(session, token=token, actor=clerk, now=NOW)
    with db.transaction() as session, pytest.raises(Conflict):
        confirm_upload(session, token=token, actor=session.get(User, users["clerk"]), now=NOW)
    run_task(db, vault, task_id)
    assert people(db) == 250
    with db.reading() as session:
        task = session.get(Task, task_id)
        assert (task.status, task.done, task.total, task.payload) == (TaskStatus.DONE, 250, 250, None)
        assert task.result["created"] == 250
        view = task_view(session, task_id=task_id, actor=session.get(User, users["clerk"]))
        assert view.finished and view.percent == 100
        with pytest.raises(NotFound):
            task_view(session, task_id=task_id, actor=session.get(User, users["other"]))
    run_task(db, vault, task_id)  # a task not queued is left alone
    assert people(db) == 250


def test_a_task_whose_user_was_disabled_fails_with_a_message_and_imports_nothing(db, vault, users, tmp_path):
    data = write_xlsx(tmp_path / "list.xlsx", demand_rows(*generated_people(3))).read_bytes()
    token = staged(db, vault, users["clerk"], data)
    with db.transaction() as session:
        clerk = session.get(User, users["clerk"])
        task_id = confirm_upload(session, token=token, actor=clerk, now=NOW)
        clerk.active = False
    run_task(db, vault, task_id)
    with db.reading() as session:
        task = session.get(Task, task_id)
        assert task.status is TaskStatus.FAILED and "停用" in task.message and task.payload is None
    assert people(db) == 0


def test_expired_uploads_are_removed_when_another_is_kept(db, vault, users, tmp_path):
    data = write_xlsx(tmp_path / "list.xlsx", demand_rows(*generated_people(1))).read_bytes()
    staged(db, vault, users["clerk"], data, now=NOW)
    staged(db, vault, users["clerk"], data, now=NOW + UPLOAD_TTL + dt.timedelta(minutes=1))
    with db.reading() as session:
        assert len(session.scalars(select(Task.id)).all()) == 1


def test_rematching_is_for_county_staff_one_run_per_area_at_a_time(db, vault, users):
    with db.transaction() as session:
        with pytest.raises(Forbidden):
            start_rematch(session, actor=session.get(User, users["station"]), now=NOW)
    with db.transaction() as session:
        task_id = start_rematch(session, actor=session.get(User, users["clerk"]), now=NOW)
    with db.transaction() as session, pytest.raises(Conflict):
        start_rematch(session, actor=session.get(User, users["other"]), now=NOW)
    run_task(db, vault, task_id)
    with db.reading() as session:
        assert session.get(Task, task_id).status is TaskStatus.DONE


def test_a_task_that_stopped_moving_is_shown_stale_and_no_longer_blocks_rematching(db, vault, users):
    with db.transaction() as session:
        clerk = session.get(User, users["clerk"])
        task_id = start_rematch(session, actor=clerk, now=NOW)
        assert not task_view(session, task_id=task_id, actor=clerk, now=NOW + dt.timedelta(minutes=5)).stale
        later = NOW + STALE_AFTER + dt.timedelta(minutes=1)
        assert task_view(session, task_id=task_id, actor=clerk, now=later).stale
        assert start_rematch(session, actor=clerk, now=later) != task_id
