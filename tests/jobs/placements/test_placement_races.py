"""Two clerks acting on the same placement or the same last seat at once: exactly one wins, the other gets a
Conflict (PostgreSQL row locks under real threads)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from jobs.access.permissions import SYSTEM
from jobs.errors import Conflict
from jobs.placements.placements import end_placement, hire_placement, propose_placement
from jobs.storage.db import is_sqlite
from jobs.storage.enums import EndReason, PlacementStatus, PostStatus
from jobs.storage.models import JobLoss, Placement, Post
from tests.factories import make_person, make_placement, make_post

START = dt.date(2024, 2, 22)


def _race(runtime, threads: int, action: Callable[[object, int], None]) -> tuple[list[int], list[str]]:
    """Run ``action(session, index)`` from ``threads`` threads at once, each in its own transaction."""
    barrier = threading.Barrier(threads)
    wins: list[int] = []
    refusals: list[str] = []
    errors: list[BaseException] = []

    def fire(index: int) -> None:
        barrier.wait()
        try:
            with runtime.db.transaction() as session:
                action(session, index)
            wins.append(index)
        except Conflict as conflict:
            refusals.append(conflict.message)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    workers = [threading.Thread(target=fire, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors, errors
    return wins, refusals


@pytest.mark.postgres_only
def test_two_clerks_ending_the_same_placement_at_once_end_it_once(runtime) -> None:
    if is_sqlite(runtime.db.url):
        pytest.skip("row locking under real concurrency needs PostgreSQL (set BANGFU_TEST_DATABASE_URL)")
    with runtime.db.transaction() as session:
        placement_id = make_placement(session, runtime.vault).id
    for round_ in range(5):
        if round_:
            with runtime.db.transaction() as session:
                placement_id = make_placement(session, runtime.vault).id

        def end(session, _index: int, placement_id: int = placement_id) -> None:
            end_placement(session, placement_id=placement_id, end_date=START + dt.timedelta(days=40),
                          reason=EndReason.QUIT, actor=SYSTEM)

        wins, refusals = _race(runtime, 6, end)
        assert len(wins) == 1 and len(refusals) == 5
        assert all("不能变更为" in message for message in refusals)
        with runtime.db.session() as session:
            placement = session.get(Placement, placement_id)
            assert placement.status is PlacementStatus.ENDED
            assert session.scalar(select(func.count()).select_from(JobLoss)
                                  .where(JobLoss.placement_id == placement_id)) == 1
            assert session.get(Post, placement.post_id).filled == 0


@pytest.mark.postgres_only
def test_clerks_hiring_for_the_last_seat_at_once_fill_it_once(runtime) -> None:
    if is_sqlite(runtime.db.url):
        pytest.skip("row locking under real concurrency needs PostgreSQL (set BANGFU_TEST_DATABASE_URL)")
    with runtime.db.transaction() as session:
        post = make_post(session, headcount=1)
        proposals = [propose_placement(session, person_id=make_person(session, runtime.vault).id,
                                       post_id=post.id, actor=SYSTEM).id for _ in range(6)]
        post_id = post.id

    def hire(session, index: int) -> None:
        hire_placement(session, placement_id=proposals[index], start_date=START, actor=SYSTEM)

    wins, refusals = _race(runtime, 6, hire)
    assert len(wins) == 1 and len(refusals) == 5
    assert all("已招满" in message for message in refusals)
    with runtime.db.session() as session:
        post = session.get(Post, post_id)
        assert (post.filled, post.status) == (1, PostStatus.FILLED)


@pytest.mark.postgres_only
def test_two_clerks_marking_a_dispatch_departed_at_once_move_it_once(runtime) -> None:
    from jobs.placements.dispatches import depart
    from jobs.storage.models import AuditEvent
    from tests.factories import make_broker
    from tests.jobs.placements.test_dispatches import _dispatch

    if is_sqlite(runtime.db.url):
        pytest.skip("row locking under real concurrency needs PostgreSQL (set BANGFU_TEST_DATABASE_URL)")
    with runtime.db.transaction() as session:
        dispatch_id = _dispatch(session, make_broker(session)).id

    wins, refusals = _race(runtime, 6, lambda session, _index: depart(session, dispatch_id=dispatch_id, actor=SYSTEM))
    assert len(wins) == 1 and len(refusals) == 5
    with runtime.db.session() as session:
        moves = session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "dispatch.departed", AuditEvent.object_id == str(dispatch_id)))
        assert moves == 1
