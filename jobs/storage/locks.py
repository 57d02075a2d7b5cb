"""Row locks for use cases that two requests may run on the same row at once.

``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite has no row locks and needs none (a write transaction holds the
whole database: see ``jobs.storage.db``). ``populate_existing`` makes the locked read overwrite whatever the
session already holds, so the checks that follow see the row as the previous holder of the lock left it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

T = TypeVar("T")


def locked(session: Session, model: type[T], ident: int | None) -> T | None:
    """The row with this id, locked for update until the transaction ends (None when there is none)."""
    if ident is None:
        return None
    return session.scalars(
        select(model).where(model.id == ident).with_for_update().execution_options(populate_existing=True)
    ).one_or_none()


def share_locked_ids(session: Session, model: type, ids: Iterable[int], *criteria) -> set[int]:
    """Of these ids, those whose rows meet ``criteria``, locked FOR SHARE (in id order) until the transaction
    ends: a concurrent change to any of them waits until this transaction has written what it decided."""
    wanted = sorted(set(ids))
    found: set[int] = set()
    for start in range(0, len(wanted), 5000):
        chunk = wanted[start:start + 5000]
        found.update(session.scalars(
            select(model.id).where(model.id.in_(chunk), *criteria).order_by(model.id).with_for_update(read=True)
        ))
    return found


__all__ = ["locked", "share_locked_ids"]
