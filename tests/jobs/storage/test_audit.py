"""The audit trail cannot be got round: the history tables refuse edits in the database itself, and the audit
log is a hash chain whose first broken link ``verify_chain`` names."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from jobs.access.permissions import SYSTEM
from jobs.storage import audit
from jobs.storage.db import is_sqlite
from jobs.storage.models import AuditEvent, ClaimEvent
from jobs.subsidy.claims import evaluate_claims
from tests.factories import TODAY, make_broker, make_placement

HISTORY_TABLES = ("audit_event", "claim_event")


def _on_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


@pytest.fixture
def history(session, vault, frozen_clock) -> Session:
    """A session whose audit log and claim history hold rows written by the real use cases."""
    audit.record(session, action="login", actor_label="county")
    make_placement(session, vault, "verified_6_months", broker=make_broker(session))
    evaluate_claims(session, vault=vault, as_of=TODAY, actor=SYSTEM)  # writes claim events and audit events
    audit.record(session, action="reveal", actor_label="county", object_type="person", object_id=1,
                 after={"fields": ["身份证号"]})
    session.flush()
    assert session.scalar(select(func.count()).select_from(ClaimEvent)) > 0
    return session


@contextlib.contextmanager
def triggers_bypassed(session: Session, table: str) -> Iterator[None]:
    """What an intruder with the database's owner rights does: take the guard off, edit, put it back."""
    if _on_sqlite(session):
        saved = session.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
                                {"t": table}).all()
        for name, _sql in saved:
            session.execute(text(f"DROP TRIGGER {name}"))
        yield
        for _name, sql in saved:
            session.execute(text(sql))
    else:
        session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        yield
        session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))


@pytest.mark.parametrize("table", HISTORY_TABLES)
@pytest.mark.parametrize("statement", ["UPDATE {table} SET id = id", "DELETE FROM {table}"])
def test_the_history_tables_refuse_updates_and_deletes_in_the_database(history, table, statement):
    with pytest.raises(Exception, match=f"{table} is append-only"), history.begin_nested():
        history.execute(text(statement.format(table=table)))


@pytest.mark.parametrize("table", HISTORY_TABLES)
def test_truncate_is_refused_on_postgresql(history, table):
    if _on_sqlite(history):
        pytest.skip("SQLite has no TRUNCATE (DELETE is refused above)")
    with pytest.raises(Exception, match=f"{table} is append-only"), history.begin_nested():
        history.execute(text(f"TRUNCATE {table} CASCADE"))


@pytest.mark.parametrize("model", [AuditEvent, ClaimEvent])
def test_the_orm_refuses_to_change_or_delete_history_rows(history, model):
    row = history.scalars(select(model).limit(1)).one()
    history.delete(row)
    with pytest.raises(RuntimeError, match="append-only"), history.begin_nested():
        history.flush()


def test_an_untouched_log_verifies_with_every_row_checked(history):
    report = audit.verify_chain(history)
    total = history.scalar(select(func.count()).select_from(AuditEvent))
    assert report.intact and report.checked == report.head_seq == total >= 3
    assert report.head_hash == history.scalar(select(AuditEvent.chain_hash).order_by(AuditEvent.chain_seq.desc()))


def test_rows_are_numbered_without_gaps_each_chaining_from_the_one_before(history):
    rows = history.scalars(select(AuditEvent).order_by(AuditEvent.chain_seq)).all()
    assert [r.chain_seq for r in rows] == list(range(1, len(rows) + 1))
    previous = audit.GENESIS
    for row in rows:
        assert row.chain_hash == audit.chain_digest(previous, row)
        previous = row.chain_hash


def _row(history, action: str) -> AuditEvent:
    return history.scalars(select(AuditEvent).where(AuditEvent.action == action)).one()


def test_a_row_edited_behind_the_triggers_back_is_named_by_verify(history):
    reveal = _row(history, "reveal")
    with triggers_bypassed(history, "audit_event"):
        history.execute(text("UPDATE audit_event SET actor = 'nobody' WHERE id = :id"), {"id": reveal.id})
    history.expire_all()
    report = audit.verify_chain(history)
    assert not report.intact
    assert (report.broken.event_id, report.broken.chain_seq) == (reveal.id, reveal.chain_seq)
    assert "被改动" in report.broken.message


def test_a_row_deleted_from_the_middle_is_detected_at_the_next_one(history):
    login = _row(history, "login")
    following = history.scalars(select(AuditEvent).where(AuditEvent.chain_seq == login.chain_seq + 1)).one()
    with triggers_bypassed(history, "audit_event"):
        history.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": login.id})
    report = audit.verify_chain(history)
    assert report.broken.event_id == following.id and "缺少" in report.broken.message


def test_rows_cut_off_the_end_are_detected_by_the_head(history):
    last = history.scalars(select(AuditEvent).order_by(AuditEvent.chain_seq.desc()).limit(1)).one()
    with triggers_bypassed(history, "audit_event"):
        history.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": last.id})
    report = audit.verify_chain(history)
    assert not report.intact and report.broken.event_id is None and "末尾" in report.broken.message


def test_a_forged_row_with_a_made_up_hash_is_detected(history):
    head = audit.verify_chain(history)
    with triggers_bypassed(history, "audit_event"):
        history.execute(text(
            "INSERT INTO audit_event (at, actor, action, chain_seq, chain_hash) "
            "VALUES ('2026-11-24 02:00:00', 'x', 'claim.pay', :seq, :hash)"), {"seq": head.head_seq + 1,
                                                                              "hash": "f" * 64})
    report = audit.verify_chain(history)
    assert report.broken.chain_seq == head.head_seq + 1


@pytest.mark.postgres_only
def test_concurrent_writers_extend_one_unbroken_chain(runtime):
    if is_sqlite(runtime.db.url):
        pytest.skip("concurrent writers need PostgreSQL (set BANGFU_TEST_DATABASE_URL)")
    threads, per_thread = 8, 10
    barrier = threading.Barrier(threads)
    failures: list[BaseException] = []

    def write(index: int) -> None:
        try:
            barrier.wait()
            for number in range(per_thread):
                with runtime.db.transaction() as session:
                    audit.record(session, action="login", actor_label=f"t{index}", object_id=number)
        except BaseException as error:  # reported below, not swallowed
            failures.append(error)

    workers = [threading.Thread(target=write, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    with runtime.db.session() as session:
        report = audit.verify_chain(session)
        assert report.intact and report.checked >= threads * per_thread


def test_events_written_while_serving_a_request_say_where_it_came_from(session, frozen_clock):
    outside = audit.record(session, action="test.outside", object_type="x", object_id=1)
    with audit.origin("203.0.113.7"):
        inside = audit.record(session, action="test.inside", object_type="x", object_id=2)
        given = audit.record(session, action="test.given", object_type="x", object_id=3, remote_addr="198.51.100.2")
    after = audit.record(session, action="test.after", object_type="x", object_id=4)
    assert [e.remote_addr for e in (outside, inside, given, after)] == [None, "203.0.113.7", "198.51.100.2", None]
    assert audit.verify_chain(session).intact  # the address is part of what the chain covers
