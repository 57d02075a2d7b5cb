"""SQLite under concurrent use: writers queue instead of failing, reads never take the write lock, a busy
database is named in Chinese, and the database file is readable by its owner only."""

from __future__ import annotations

import multiprocessing
import shutil
import sqlite3
import stat
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from jobs.access.permissions import SYSTEM
from jobs.lists import export_demand, import_demand
from jobs.storage.db import BUSY_MESSAGE, Database, is_busy
from tests.jobs.lists.gallery import TODAY, county_list, demand_rows, generated_people, write_xlsx

WRITERS = 8
WRITES = 500


def _write_many(url: str, worker: int, failures) -> None:
    database = Database(url)
    try:
        for index in range(WRITES):
            try:
                with database.transaction() as session:
                    session.execute(text("INSERT INTO hits (worker, n) VALUES (:w, :n)"), {"w": worker, "n": index})
            except OperationalError as error:
                failures.put(str(error.orig))
    finally:
        database.dispose()


@pytest.mark.slow
def test_eight_processes_writing_500_times_each_never_see_database_is_locked(tmp_path, server_url):
    if server_url is not None and not server_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock: run once, in the SQLite pass")
    url = f"sqlite:///{tmp_path / 'busy.sqlite3'}"
    database = Database(url)
    with database.transaction() as session:
        session.execute(text("CREATE TABLE hits (id INTEGER PRIMARY KEY, worker INTEGER, n INTEGER)"))
    context = multiprocessing.get_context("spawn")
    failures = context.Queue()
    workers = [context.Process(target=_write_many, args=(url, worker, failures)) for worker in range(WRITERS)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=300)
    assert [process.exitcode for process in workers] == [0] * WRITERS
    errors = []
    while not failures.empty():
        errors.append(failures.get())
    assert errors == []
    with database.reading() as session:
        assert session.execute(text("SELECT count(*) FROM hits")).scalar() == WRITERS * WRITES
    database.dispose()


@pytest.fixture
def own_sqlite(database_url, tmp_path):
    """A private copy of the migrated test database (SQLite only: the locks under test are SQLite's)."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock")
    path = tmp_path / "own.sqlite3"
    shutil.copyfile(make_url(database_url).database, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


def test_an_export_and_an_import_both_succeed_while_a_long_write_holds_the_lock(own_sqlite, vault, tmp_path):
    with own_sqlite.writer() as session:
        import_demand(session, vault, county_list(tmp_path), today=TODAY, actor=SYSTEM)
    holding, release, done = threading.Event(), threading.Event(), threading.Event()

    def long_write() -> None:
        with own_sqlite.transaction() as session:
            session.execute(text("UPDATE person SET notes = 'x' WHERE id > 0"))
            holding.set()
            release.wait(60)
        done.set()

    writer = threading.Thread(target=long_write)
    writer.start()
    holding.wait(60)
    with own_sqlite.reading() as session:
        exported = export_demand(session, vault, tmp_path / "out.xlsx", record=False, actor=SYSTEM)
    assert exported.rows == 3 and not done.is_set()  # read while the write lock was held
    importer_result = {}

    def run_import() -> None:
        with own_sqlite.writer() as session:
            importer_result["r"] = import_demand(session, vault, write_xlsx(
                tmp_path / "more.xlsx", demand_rows(*generated_people(5, "430182"))), default_name="more",
                today=TODAY, actor=SYSTEM)

    importer = threading.Thread(target=run_import)
    importer.start()
    release.set()  # the import waits on the busy timeout for the long write, then goes through
    importer.join(60)
    writer.join(60)
    assert importer_result["r"].created == 5


def test_a_busy_database_is_recognised_for_a_chinese_message(own_sqlite):
    other = Database(own_sqlite.url)
    other.engine.pool.dispose()
    with own_sqlite.transaction() as session:
        session.execute(text("SELECT 1"))
        quick = Database(own_sqlite.url)
        with quick.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA busy_timeout=1")
            with pytest.raises(OperationalError) as caught:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
        quick.dispose()
    other.dispose()
    assert is_busy(caught.value)
    assert "数据库正忙" in BUSY_MESSAGE and "重试" in BUSY_MESSAGE


def test_the_sqlite_file_is_created_readable_by_its_owner_only(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'private.sqlite3'}")
    with database.transaction() as session:
        session.execute(text("CREATE TABLE t (x INTEGER)"))
        session.execute(text("INSERT INTO t VALUES (1)"))
    for name in ("private.sqlite3", "private.sqlite3-wal"):
        mode = stat.S_IMODE((tmp_path / name).stat().st_mode)
        assert mode == 0o600, (name, oct(mode))
    database.dispose()


def test_a_dry_run_import_lets_other_writers_in_between_its_batches_and_stores_nothing(own_sqlite, vault, tmp_path,
                                                                                     monkeypatch):
    from jobs.lists import demand

    writable_before_batch = []
    original_write = demand._DemandImport.write

    def write_and_probe(self, batch):
        # Another connection that will not wait: can it take the write lock at the start of this batch?
        probe = sqlite3.connect(make_url(own_sqlite.url).database, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            writable_before_batch.append(True)
        except sqlite3.OperationalError:
            writable_before_batch.append(False)
        finally:
            probe.close()
        return original_write(self, batch)

    monkeypatch.setattr(demand._DemandImport, "write", write_and_probe)
    source = write_xlsx(tmp_path / "dry.xlsx", demand_rows(*generated_people(6, "430182")))
    with own_sqlite.writer() as session:
        result = import_demand(session, vault, source, default_name="dry", dry_run=True, batch_size=2,
                               today=TODAY, actor=SYSTEM)
    assert result.created == 6 and result.dry_run
    assert writable_before_batch == [True, True, True]
    with own_sqlite.reading() as session:
        assert session.execute(text("SELECT count(*) FROM person")).scalar() == 0
        assert session.execute(text("SELECT count(*) FROM demand_list")).scalar() == 0


def test_an_import_and_an_export_both_succeed_between_the_batches_of_a_match_run(own_sqlite, vault, tmp_path):
    from sqlalchemy import event

    from jobs.lists import import_supply
    from jobs.placements.matches import run_matching
    from tests.jobs.lists.gallery import supply_list

    with own_sqlite.writer() as session:
        import_demand(session, vault, write_xlsx(tmp_path / "first.xlsx", demand_rows(*generated_people(4, "430182"))),
                      default_name="first", today=TODAY, actor=SYSTEM)
        import_supply(session, vault, supply_list(tmp_path), today=TODAY, actor=SYSTEM)
    seen, commits = {}, []
    with own_sqlite.writer() as session:

        def meanwhile(_session) -> None:
            commits.append(1)
            if len(commits) != 2:  # the run's first commit ends what was pending; the second, its first batch
                return
            seen["batch"] = True
            # Another user, other sessions, no waiting: the match run holds no lock between its batches.
            with own_sqlite.reading() as reader:
                seen["exported"] = export_demand(reader, vault, tmp_path / "out.xlsx", record=False,
                                                 actor=SYSTEM).rows
            with own_sqlite.writer() as writer:
                seen["imported"] = import_demand(writer, vault, write_xlsx(
                    tmp_path / "more.xlsx", demand_rows(*generated_people(2, "430124"))), default_name="more",
                    today=TODAY, actor=SYSTEM).created

        event.listen(session, "after_commit", meanwhile)
        summary = run_matching(session, vault=vault, today=TODAY, everything=True, batch_size=1)
    assert summary.batches >= 4
    assert seen == {"batch": True, "exported": 4, "imported": 2}
