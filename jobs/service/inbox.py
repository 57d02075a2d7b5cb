"""The in-app inbox (站内消息): a seeker's, a staff user's, and an organisation's shared inbox."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from jobs.errors import NotFound
from jobs.storage.models import InboxMessage, User


def _owned_by(user: User):
    clauses = [InboxMessage.user_id == user.id]
    if user.person_id is not None:
        clauses.append(InboxMessage.person_id == user.person_id)
    if user.organisation_id is not None:
        clauses.append(InboxMessage.organisation_id == user.organisation_id)
    return or_(*clauses)


def inbox(session: Session, *, user: User, unread_only: bool = False, limit: int = 100) -> list[InboxMessage]:
    """The user's messages (their own, their person's, their organisation's), newest first."""
    query = select(InboxMessage).where(_owned_by(user)).order_by(InboxMessage.id.desc()).limit(limit)
    if unread_only:
        query = query.where(InboxMessage.read_at.is_(None))
    return list(session.scalars(query))


def unread_count(session: Session, *, user: User) -> int:
    """How many of the user's messages are unread."""
    return session.scalar(
        select(func.count()).select_from(InboxMessage).where(_owned_by(user), InboxMessage.read_at.is_(None))
    ) or 0


def mark_read(session: Session, *, user: User, message_id: int, now: dt.datetime) -> InboxMessage:
    """Mark one of the user's messages read; someone else's message is not found (404)."""
    message = session.scalar(select(InboxMessage).where(InboxMessage.id == message_id, _owned_by(user)))
    if message is None:
        raise NotFound(f"消息{message_id}不存在")
    if message.read_at is None:
        message.read_at = now
        session.flush()
    return message
