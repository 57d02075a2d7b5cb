"""The append-only audit log: who did what, when, to which object, with the state before and after.

The log is a hash chain. Row ``n`` (``chain_seq``) carries ``chain_hash = SHA-256(hash of row n-1 ‖ canonical
form of row n)``, the first row chaining from :data:`GENESIS`. Database triggers already refuse UPDATE, DELETE
and TRUNCATE; the chain is for whoever gets round them (a superuser, a restored file): :func:`verify_chain`
recomputes every link and names the first row that no longer fits. Anyone can recompute a plain SHA-256 chain,
so a thorough forger could rewrite every row after the one they change: note the head hash that
``bangfu audit verify`` prints somewhere outside the database now and then, and such a rewrite shows too.

Appends are serialised: :func:`record` locks the single ``audit_chain_head`` row (``SELECT … FOR UPDATE`` on
PostgreSQL; SQLite write transactions already hold the database's write lock), numbers the new row after it and
moves the head in the same transaction, so two concurrent writers can neither fork the chain nor skip a number.
The head stays locked until the transaction ends, so a use case records its audit event after it has locked and
changed its own rows: the head is then the last lock it takes, and two use cases cannot wait on each other.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from jobs.storage.clock import now_utc
from jobs.storage.models import AuditChainHead, AuditEvent, User

SYSTEM_ACTOR = "system"
#: The hash the first row chains from.
GENESIS = "0" * 64
#: Names the canonical form below; a future change of form gets a new label, so old rows still verify.
CHAIN_VERSION = "bangfu-audit-v1"
_HEAD_ID = 1

#: Where the current request comes from (the client's address), set by the web layer around each request so that
#: every event a use case records while serving it says from where, without the domain knowing about HTTP.
_ORIGIN: contextvars.ContextVar[str | None] = contextvars.ContextVar("bangfu_audit_origin", default=None)


@contextlib.contextmanager
def origin(address: str | None) -> Iterator[None]:
    """Record ``address`` as the origin of every event written inside the block (unless one is given)."""
    token = _ORIGIN.set(address)
    try:
        yield
    finally:
        _ORIGIN.reset(token)


def set_origin(address: str | None) -> contextvars.Token:
    """The same as :func:`origin` for frameworks with separate before/after hooks; undo with :func:`reset_origin`."""
    return _ORIGIN.set(address)


def reset_origin(token: contextvars.Token) -> None:
    _ORIGIN.reset(token)


def record(
    session: Session,
    *,
    action: str,
    actor: User | None = None,
    actor_label: str | None = None,
    actor_user_id: int | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    remote_addr: str | None = None,
) -> AuditEvent:
    """Add one audit event to the session's transaction (it commits or rolls back with the change itself).

    The event is chained to the previous one here, under the chain head's row lock. Without ``remote_addr`` the
    event takes the origin of the request being served (:func:`origin`), if any.
    """
    last_seq, last_hash = _locked_head(session)
    event = AuditEvent(
        at=now_utc(),
        actor_user_id=actor.id if actor is not None else actor_user_id,
        actor=actor.username if actor is not None else (actor_label or SYSTEM_ACTOR),
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        # Stored as the JSON it will read back as, so that the hash covers exactly what is stored.
        before=_as_stored_json(before),
        after=_as_stored_json(after),
        remote_addr=remote_addr if remote_addr is not None else _ORIGIN.get(),
        chain_seq=last_seq + 1,
    )
    event.chain_hash = chain_digest(last_hash, event)
    session.execute(
        update(AuditChainHead).where(AuditChainHead.id == _HEAD_ID)
        .values(last_seq=event.chain_seq, last_hash=event.chain_hash)
    )
    session.add(event)
    return event


def _locked_head(session: Session) -> tuple[int, str]:
    """The chain head (sequence number and hash of the newest row), locked until the transaction ends."""
    query = select(AuditChainHead.last_seq, AuditChainHead.last_hash).where(AuditChainHead.id == _HEAD_ID)
    head = session.execute(query.with_for_update()).one_or_none()
    if head is None:
        # A database whose log was never written to (the migration seeds the row; test clean-ups empty it).
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        session.execute(
            insert(AuditChainHead).values(id=_HEAD_ID, last_seq=0, last_hash=GENESIS).on_conflict_do_nothing()
        )
        head = session.execute(query.with_for_update()).one()
    return head.last_seq, head.last_hash


def _as_stored_json(value: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if value is None else json.loads(json.dumps(value, ensure_ascii=False))


def canonical_form(event: Any) -> str:
    """The row (an ``AuditEvent`` or a row read with its columns) as the chain hashes it: every column but the
    id and the hash itself, in one JSON text."""
    at = event.at.astimezone(dt.UTC).isoformat(timespec="microseconds") if event.at is not None else None
    return json.dumps(
        [CHAIN_VERSION, event.chain_seq, at, event.actor_user_id, event.actor, event.action, event.object_type,
         event.object_id, event.before, event.after, event.remote_addr],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"),
    )


def chain_digest(previous_hash: str, event: Any) -> str:
    """SHA-256 hex over the previous row's hash and this row's canonical form."""
    return hashlib.sha256(f"{previous_hash}\n{canonical_form(event)}".encode()).hexdigest()


# --------------------------------------------------------------------------------------------------------
# Verification


@dataclass(frozen=True)
class BrokenLink:
    """The first row that does not fit the chain, and why (Chinese, for the operator)."""

    event_id: int | None
    chain_seq: int | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.event_id, "seq": self.chain_seq, "message": self.message}


@dataclass(frozen=True)
class ChainReport:
    """What :func:`verify_chain` found: rows checked, the head hash to note down, the first broken link."""

    checked: int
    head_seq: int
    head_hash: str
    broken: BrokenLink | None

    @property
    def intact(self) -> bool:
        return self.broken is None

    def as_dict(self) -> dict[str, Any]:
        return {"intact": self.intact, "checked": self.checked, "head_seq": self.head_seq,
                "head_hash": self.head_hash, "broken": self.broken.as_dict() if self.broken else None}


def _events(session: Session, batch_size: int) -> Iterator[Any]:
    """Every row in chain order, a batch at a time (the log grows without bound), as plain rows."""
    table = AuditEvent.__table__
    after = -1
    while True:
        batch = session.execute(
            select(table).where(table.c.chain_seq > after).order_by(table.c.chain_seq).limit(batch_size)
        ).all()
        yield from batch
        if len(batch) < batch_size:
            return
        after = batch[-1].chain_seq


def verify_chain(session: Session, *, batch_size: int = 1000) -> ChainReport:
    """Recompute the chain from the first row and compare it with what is stored, and with the head."""
    expected_seq, previous, checked = 1, GENESIS, 0
    broken: BrokenLink | None = None
    for event in _events(session, batch_size):
        if event.chain_seq != expected_seq:
            what = "缺少" if event.chain_seq > expected_seq else "重复或错位的"
            broken = BrokenLink(event.id, event.chain_seq,
                                f"审计日志第{expected_seq}条{what}记录：此条（编号{event.id}）的序号为{event.chain_seq}，"
                                "其前面的记录被删除或改动")
            break
        if chain_digest(previous, event) != event.chain_hash:
            broken = BrokenLink(event.id, event.chain_seq,
                                f"审计日志第{event.chain_seq}条（编号{event.id}）的内容与哈希链不符：该条记录被改动过")
            break
        previous, expected_seq, checked = event.chain_hash, expected_seq + 1, checked + 1
    head = session.execute(select(AuditChainHead.last_seq, AuditChainHead.last_hash)
                           .where(AuditChainHead.id == _HEAD_ID)).one_or_none()
    head_seq, head_hash = (head.last_seq, head.last_hash) if head is not None else (0, GENESIS)
    if broken is None and (head_seq, head_hash) != (checked, previous):
        broken = BrokenLink(None, head_seq,
                            f"审计日志链头记录到第{head_seq}条，日志中只能核对到第{checked}条：末尾的记录被删除，"
                            "或链头被改动")
    return ChainReport(checked=checked, head_seq=head_seq, head_hash=head_hash, broken=broken)
