"""Only one scheduler acts at a time: the leader lock.

PostgreSQL: ``pg_try_advisory_lock`` on a connection the leader keeps open; the server frees the lock when
that connection dies with its process. SQLite: a lease row with an expiry that the leader renews; a standby
takes over once the lease has expired.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid

from sqlalchemy import select, text

from jobs.storage.db import Database, is_sqlite
from jobs.storage.models import SchedulerLease

LOCK_NAME = "bangfu-scheduler"
#: The advisory-lock key: a fixed 64-bit number standing for "the bangfu scheduler".
ADVISORY_KEY = 0x62616E67667531


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class AdvisoryLock:
    """PostgreSQL session-level advisory lock held on a dedicated connection."""

    def __init__(self, db: Database, holder: str) -> None:
        self.db = db
        self.holder = holder
        self._connection = None

    def acquire(self) -> bool:
        if self._connection is None:
            self._connection = self.db.engine.connect()
        got = bool(self._connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY})
                   .scalar())
        self._connection.commit()
        return got

    def renew(self) -> bool:
        """Still leader while our connection is alive (the lock lives and dies with it)."""
        try:
            self._connection.execute(text("SELECT 1"))
            self._connection.commit()
            return True
        except Exception:  # noqa: BLE001 - any failure of the connection means the lock is gone
            return False

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
                self._connection.commit()
            finally:
                self._connection.close()
                self._connection = None


class LeaseLock:
    """SQLite lease row: whoever holds an unexpired lease leads; the leader renews it well before expiry."""

    def __init__(self, db: Database, holder: str, *, lease_seconds: float) -> None:
        self.db = db
        self.holder = holder
        self.lease = dt.timedelta(seconds=lease_seconds)

    def _take(self, *, only_if_mine: bool) -> bool:
        now = dt.datetime.now(dt.UTC)
        with self.db.transaction() as session:
            row = session.scalar(select(SchedulerLease).where(SchedulerLease.name == LOCK_NAME))
            if row is None:
                if only_if_mine:
                    return False
                session.add(SchedulerLease(name=LOCK_NAME, holder=self.holder, acquired_at=now,
                                           expires_at=now + self.lease))
                return True
            expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=dt.UTC)
            mine = row.holder == self.holder
            if only_if_mine and not mine:
                return False
            if not mine and expires > now:
                return False
            if not mine:
                row.holder = self.holder
                row.acquired_at = now
            row.expires_at = now + self.lease
            return True

    def acquire(self) -> bool:
        return self._take(only_if_mine=False)

    def renew(self) -> bool:
        return self._take(only_if_mine=True)

    def release(self) -> None:
        with self.db.transaction() as session:
            row = session.get(SchedulerLease, LOCK_NAME)
            if row is not None and row.holder == self.holder:
                session.delete(row)


def leader_lock(db: Database, *, lease_seconds: float = 30.0, holder: str | None = None):
    holder = holder or holder_name()
    if is_sqlite(db.url):
        return LeaseLock(db, holder, lease_seconds=lease_seconds)
    return AdvisoryLock(db, holder)
