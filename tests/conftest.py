"""Shared fixtures: one suite, parametrised by database.

``BANGFU_TEST_DATABASE_URL`` unset: SQLite files in a temporary folder. Set to a PostgreSQL server URL (any
database on it, e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``): the suite creates its own
database with a unique name, migrates it from empty, and drops it at the end, so it never assumes an empty
server.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from jobs.storage.clock import CHINA
from jobs.storage.crypto import Vault
from jobs.storage.db import Database, is_sqlite
from jobs.storage.models import Base
from jobs.storage.reference import META_KEY

# Reference tables that migrations fill and tests never clean out.
REFERENCE_TABLES = {"region", "app_meta", "alembic_version"}
TEST_SECRET = "bangfu-test-secret-not-for-production"
# The suite's "now": 10:00 China time on 24 November 2026 (after every shipped policy pack has expired).
FROZEN_NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=CHINA)


def pytest_configure(config) -> None:
    # Files bangfu may rebuild (the region index) go to a folder of this run, not the user's cache; subprocesses
    # that tests start inherit it. A cache folder given by the developer is used as it is.
    if not os.environ.get("BANGFU_CACHE_DIR"):
        folder = tempfile.mkdtemp(prefix="bangfu-test-cache-")
        os.environ["BANGFU_CACHE_DIR"] = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


def pytest_report_header(config) -> str:
    return f"bangfu test database: {os.environ.get('BANGFU_TEST_DATABASE_URL') or 'sqlite (temporary files)'}"


@pytest.fixture(scope="session", autouse=True)
def classifier_cache(tmp_path_factory) -> Iterator[Path]:
    """The learned occupation classifier is trained once per session into a temporary cache (never ~/.cache);
    commands the tests start as subprocesses inherit the variable and load it from there."""
    previous = os.environ.get("BANGFU_CACHE_DIR")
    path = tmp_path_factory.mktemp("cache")
    os.environ["BANGFU_CACHE_DIR"] = str(path)
    yield path
    if previous is None:
        os.environ.pop("BANGFU_CACHE_DIR", None)
    else:
        os.environ["BANGFU_CACHE_DIR"] = previous


@pytest.fixture(scope="session")
def server_url() -> str | None:
    return os.environ.get("BANGFU_TEST_DATABASE_URL") or None


@pytest.fixture(scope="session")
def database_url(server_url, tmp_path_factory) -> Iterator[str]:
    """A freshly created, migrated database for this test run."""
    if server_url is None or is_sqlite(server_url):
        path = tmp_path_factory.mktemp("db") / "template.sqlite3"
        url = f"sqlite:///{path}"
        _migrate(url)
        yield url
        return
    name = f"bangfu_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        _migrate(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _migrate(url: str) -> None:
    database = Database(url)
    database.upgrade()
    database.dispose()


@pytest.fixture(scope="session")
def database(database_url) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def session(database) -> Iterator[Session]:
    """A session whose every change, commits included, is rolled back after the test."""
    connection = database.engine.connect()
    outer = connection.begin()
    db_session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield db_session
    finally:
        db_session.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def vault() -> Vault:
    return Vault.from_secret(TEST_SECRET)


@pytest.fixture
def frozen_clock() -> Iterator[time_machine.Coordinates]:
    """Freeze time at :data:`FROZEN_NOW`; tests move it with ``frozen_clock.move_to(...)``."""
    with time_machine.travel(FROZEN_NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def app_database_url(database_url, tmp_path) -> Iterator[str]:
    """A database the app may commit to: a copy of the migrated SQLite file, or the PostgreSQL test
    database cleaned out after the test."""
    if is_sqlite(database_url):
        source = Path(make_url(database_url).database)
        target = tmp_path / "bangfu.sqlite3"
        shutil.copyfile(source, target)
        yield f"sqlite:///{target}"
        return
    yield database_url
    _truncate(database_url)


def _truncate(url: str) -> None:
    engine = create_engine(url)
    tables = [t.name for t in Base.metadata.sorted_tables if t.name not in REFERENCE_TABLES]
    with engine.begin() as connection:
        # The history tables refuse TRUNCATE through triggers; cleaning up between tests is not an edit, so the
        # clean-up switches triggers off for its own transaction (a superuser's right, as the tests run).
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        connection.execute(text("DELETE FROM app_meta WHERE key <> :keep"), {"keep": META_KEY})
    engine.dispose()


@pytest.fixture
def app(app_database_url, tmp_path):
    from web import create_app

    instance = tmp_path / "instance"
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": app_database_url,
            "SECRET_KEY": TEST_SECRET,
            "INSTANCE_PATH": str(instance),
        }
    )
    yield application
    application.extensions["bangfu"].db.dispose()


@pytest.fixture
def runtime(app):
    from web import runtime_of

    return runtime_of(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
