"""The append-only audit log: who did what, when, to which object, with the state before and after."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from jobs.storage.models import AuditEvent, User

SYSTEM_ACTOR = "system"


def record(
    session: Session,
    *,
    action: str,
    actor: User | None = None,
    actor_label: str | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    remote_addr: str | None = None,
) -> AuditEvent:
    """Add one audit event to the session's transaction (it commits or rolls back with the change itself)."""
    event = AuditEvent(
        actor_user_id=actor.id if actor is not None else None,
        actor=actor.username if actor is not None else (actor_label or SYSTEM_ACTOR),
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        before=before,
        after=after,
        remote_addr=remote_addr,
    )
    session.add(event)
    return event
