"""One engine and session factory for the web app, the scheduler and the CLI.

SQLite is the embedded default: WAL, a busy timeout, foreign keys on, and write transactions that begin
immediately (so two writers queue on the busy timeout instead of failing half-way with "database is locked").
Reads use sessions whose transactions begin deferred, so that they never take the write lock: in WAL mode a
reader neither waits for a writer nor holds one up. The database file (and so its WAL and shared-memory
files, which SQLite creates with the database's permissions) is readable by its owner only: it holds
encrypted personal data and the look-up digests. PostgreSQL (psycopg 3) is used when the URL says so.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000
OWNER_ONLY = 0o600
BUSY_MESSAGE = (
    f"数据库正忙：另一个bangfu命令或服务（如导入、匹配、补贴计算）正在写入数据库，等待{SQLITE_BUSY_TIMEOUT_MS // 1000}秒后"
    "仍未结束。本次操作未完成；请等它结束后重试。"
)


def is_busy(error: BaseException) -> bool:
    """Whether ``error`` is SQLite's "database is locked / busy" (another connection holds the write lock)."""
    if not isinstance(error, OperationalError):
        return False
    text = str(error.orig if error.orig is not None else error).lower()
    return "database is locked" in text or "database is busy" in text or "database table is locked" in text


def _owner_only(url: str) -> None:
    """Create the SQLite file (and tighten an existing one, its WAL and shared memory) as 0600."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.exists() and path.parent.is_dir():  # a missing folder stays an error of the connection
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, OWNER_ONLY))
    for member in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        with contextlib.suppress(FileNotFoundError):
            if member.stat().st_mode & 0o077:
                os.chmod(member, OWNER_ONLY)


def sqlite_url_for(instance_path: str | Path) -> str:
    """The default embedded database: ``bangfu.sqlite3`` in the instance folder."""
    path = Path(instance_path) / "bangfu.sqlite3"
    return f"sqlite:///{path}"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def make_engine(url: str, *, echo: bool = False, durable: bool = True) -> Engine:
    """Create an engine with the project's connection settings for SQLite or PostgreSQL.

    ``durable=False`` is for throw-away SQLite databases (scenario runs): no fsync on commit.
    """
    if not is_sqlite(url):
        return create_engine(url, echo=echo, pool_pre_ping=True, future=True)

    _owner_only(url)
    engine = create_engine(
        url,
        echo=echo,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _sqlite_on_connect(dbapi_connection, _record):  # pragma: no cover - exercised through every test
        # Let SQLAlchemy emit BEGIN itself (pysqlite's own implicit BEGIN breaks savepoints and
        # BEGIN IMMEDIATE); see the SQLAlchemy docs, "Serializable isolation / Savepoints / Transactional DDL".
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL" if durable else "PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_on_begin(connection):
        mode = connection.get_execution_options().get("bangfu_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


class Database:
    """The engine plus two session factories: ``transaction()`` for writes, ``session()`` for reads."""

    def __init__(self, url: str, *, echo: bool = False, durable: bool = True) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo, durable=durable)
        write_bind = self.engine.execution_options(bangfu_begin="IMMEDIATE") if is_sqlite(url) else self.engine
        self._writer = sessionmaker(bind=write_bind, expire_on_commit=False)
        self._reader = sessionmaker(bind=self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self) -> Session:
        """A session for reading (on SQLite its transactions begin deferred and take no write lock)."""
        return self._reader()

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only unit of work (start-up checks, exports, look-ups): never takes SQLite's write lock,
        and whatever it may have changed is rolled back."""
        with self._reader() as session:
            try:
                yield session
            finally:
                session.rollback()

    def writer(self) -> Session:
        """A session whose transactions take the write lock up front (SQLite ``BEGIN IMMEDIATE``)."""
        return self._writer()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back on any exception."""
        with self._writer() as session, session.begin():
            yield session

    # -- schema -----------------------------------------------------------------------------------

    def upgrade(self) -> None:
        """Bring the schema to the newest migration, then refresh the reference data (regions)."""
        from jobs.storage import migrate

        migrate.upgrade(self.engine)
        from jobs.subsidy.policy_store import seed_shipped
        from jobs.storage.reference import sync_reference_data

        with self.transaction() as session:
            sync_reference_data(session)
            # The shipped policy packs are stored once, here, so that concurrent first evaluations never race
            # to seed an empty table.
            seed_shipped(session)

    def is_current(self) -> bool:
        from jobs.storage import migrate

        if not migrate.is_at_head(self.engine):
            return False
        from jobs.storage.reference import reference_data_is_current

        with self.reading() as session:
            return reference_data_is_current(session)

    def ensure_current(self) -> bool:
        """Upgrade an embedded SQLite database by itself; on PostgreSQL only report.

        Returns True when the database is (now) current.
        """
        if self.is_current():
            return True
        if is_sqlite(self.url):
            self.upgrade()
            return True
        return False

    def has_tables(self) -> bool:
        return bool(inspect(self.engine).get_table_names())

    def dispose(self) -> None:
        self.engine.dispose()


def file_digest(package: str, name: str) -> str:
    """A short digest of a packaged data file, used to tell whether stored reference data is current."""
    data = resources.files(package).joinpath(name).read_bytes()
    return hashlib.sha256(data).hexdigest()[:16]


__all__ = ["Database", "make_engine", "sqlite_url_for", "is_sqlite", "file_digest", "is_busy", "BUSY_MESSAGE"]
