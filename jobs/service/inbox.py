"""The in-app inbox (站内消息): a seeker's, a staff user's, and an organisation's shared inbox."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from jobs.errors import NotFound
from jobs.storage.models import InboxMessage, User


#: Messages addressed to a user: their own, their person's and their organisation's; a statement that uses it is
#: executed with :func:`_owner`'s parameters. A user without a person or an organisation passes NULL for it, which
#: equals nothing.
_OWNED = or_(InboxMessage.user_id == bindparam("owner_user"), InboxMessage.person_id == bindparam("owner_person"),
             InboxMessage.organisation_id == bindparam("owner_organisation"))


def _owner(user: User) -> dict[str, int | None]:
    return {"owner_user": user.id, "owner_person": user.person_id, "owner_organisation": user.organisation_id}


def inbox(session: Session, *, user: User, unread_only: bool = False, limit: int = 100) -> list[InboxMessage]:
    """The user's messages (their own, their person's, their organisation's), newest first."""
    query = select(InboxMessage).where(_OWNED).order_by(InboxMessage.id.desc()).limit(limit)
    if unread_only:
        query = query.where(InboxMessage.read_at.is_(None))
    return list(session.scalars(query, _owner(user)))


#: How many of a user's messages are unread, built once: every page's header asks.
_UNREAD = select(func.count()).select_from(InboxMessage).where(_OWNED, InboxMessage.read_at.is_(None))


def unread_count(session: Session, *, user: User) -> int:
    """How many of the user's messages are unread."""
    return session.scalar(_UNREAD, _owner(user)) or 0


def mark_read(session: Session, *, user: User, message_id: int, now: dt.datetime) -> InboxMessage:
    """Mark one of the user's messages read; someone else's message is not found (404)."""
    message = session.scalar(select(InboxMessage).where(InboxMessage.id == message_id, _OWNED), _owner(user))
    if message is None:
        raise NotFound(f"消息{message_id}不存在")
    if message.read_at is None:
        message.read_at = now
        session.flush()
    return message


@dataclass(frozen=True)
class InboxRow:
    id: int
    title: str
    body: str
    created_at: dt.datetime
    read: bool


def inbox_page(session: Session, *, user: User, page: int = 1, per_page: int = 50) -> tuple[list[InboxRow], int]:
    """One page of the user's messages, unread first and newest first within each; and how many there are."""
    page, per_page = max(page, 1), min(max(per_page, 1), 200)
    owner = _owner(user)
    total = session.scalar(select(func.count()).select_from(InboxMessage).where(_OWNED), owner) or 0
    found = session.scalars(
        select(InboxMessage).where(_OWNED)
        .order_by(InboxMessage.read_at.is_not(None), InboxMessage.id.desc())
        .limit(per_page).offset((page - 1) * per_page),
        owner,
    )
    return [InboxRow(m.id, m.title, m.body, m.created_at, m.read_at is not None) for m in found], total


def mark_all_read(session: Session, *, user: User, now: dt.datetime) -> int:
    """Mark every unread message of the user read; how many were."""
    unread = list(session.scalars(select(InboxMessage).where(_OWNED, InboxMessage.read_at.is_(None)), _owner(user)))
    for message in unread:
        message.read_at = now
    session.flush()
    return len(unread)
