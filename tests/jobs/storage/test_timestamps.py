"""Timestamps are aware UTC on both databases: stored as UTC, read back tagged UTC, naive values refused."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from jobs.storage import audit
from jobs.storage.clock import CHINA
from jobs.storage.models import AuditEvent, Base, Person, UTCDateTime
from tests.factories import make_person


def test_every_timestamp_column_uses_the_utc_type():
    naive_prone = [f"{table.name}.{column.name}" for table in Base.metadata.sorted_tables for column in table.columns
                   if column.type.python_type is dt.datetime and not isinstance(column.type, UTCDateTime)]
    assert naive_prone == []


def test_a_timestamp_reads_back_as_the_same_instant_in_aware_utc(session, vault, frozen_clock):
    person = make_person(session, vault)
    morning = dt.datetime(2026, 11, 24, 9, 30, tzinfo=CHINA)  # 01:30 UTC
    person.updated_at = morning
    session.flush()
    session.expire_all()
    stored = session.scalar(select(Person.updated_at).where(Person.id == person.id))
    assert stored == morning and stored.tzinfo is dt.UTC
    assert stored.hour == 1
    assert session.get(Person, person.id).created_at.tzinfo is dt.UTC


def test_comparisons_in_queries_use_the_same_instant(session, vault, frozen_clock):
    person = make_person(session, vault)  # created at 02:00 UTC, i.e. 10:00 China time
    just_before = dt.datetime(2026, 11, 24, 9, 59, tzinfo=CHINA)
    just_after = dt.datetime(2026, 11, 24, 10, 1, tzinfo=CHINA)
    assert session.scalar(select(Person.id).where(Person.created_at > just_before)) == person.id
    assert session.scalar(select(Person.id).where(Person.created_at > just_after)) is None


def test_a_naive_timestamp_is_refused_on_write(session, vault):
    person = make_person(session, vault)
    person.updated_at = dt.datetime(2026, 11, 24, 9, 30)
    with pytest.raises(StatementError, match="naive datetime"), session.begin_nested():
        session.flush()


def test_audit_events_carry_aware_utc_times(session, frozen_clock):
    event = audit.record(session, action="login")
    session.flush()
    session.expire_all()
    assert session.get(AuditEvent, event.id).at == dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)
