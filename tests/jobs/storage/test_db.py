"""Storage: SQLite settings, migrations from empty, and the embedded database upgrading itself."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from jobs.storage import migrate
from jobs.storage.db import Database
from jobs.storage.models import Base


@pytest.fixture
def empty_sqlite(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    yield database
    database.dispose()


def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout(empty_sqlite):
    with empty_sqlite.session() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(text("PRAGMA busy_timeout")).scalar() == 30_000


def test_sqlite_write_transactions_take_the_write_lock_up_front(empty_sqlite, tmp_path):
    other = Database(empty_sqlite.url)
    with empty_sqlite.transaction() as session:
        session.execute(text("SELECT 1"))
        # A second writer cannot begin while the first holds the reserved lock: with a zero timeout it fails
        # at BEGIN IMMEDIATE rather than half-way through its work.
        raw = other.engine.raw_connection()
        try:
            raw.execute("PRAGMA busy_timeout=0")
            with pytest.raises(Exception, match="locked"):
                raw.execute("BEGIN IMMEDIATE")
        finally:
            raw.close()
    other.dispose()


def test_migrations_build_the_whole_schema_from_empty(empty_sqlite):
    assert not empty_sqlite.has_tables()
    empty_sqlite.upgrade()
    tables = set(inspect(empty_sqlite.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert migrate.is_at_head(empty_sqlite.engine)
    assert empty_sqlite.is_current()


def test_the_schema_from_migrations_matches_the_models(database):
    """No model change without a migration: autogenerate finds nothing to do on a migrated database."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_migrations_downgrade_to_empty_and_back(empty_sqlite):
    empty_sqlite.upgrade()
    migrate.downgrade(empty_sqlite.engine, "base")
    assert set(inspect(empty_sqlite.engine).get_table_names()) == {"alembic_version"}
    empty_sqlite.upgrade()
    assert empty_sqlite.is_current()


def test_an_embedded_database_brings_itself_up_to_date(empty_sqlite):
    assert not empty_sqlite.is_current()
    assert empty_sqlite.ensure_current()
    assert empty_sqlite.is_current()


def test_reference_data_sync_is_idempotent(database):
    from jobs.storage.reference import sync_reference_data

    with database.transaction() as session:
        assert sync_reference_data(session) == 0
