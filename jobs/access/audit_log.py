"""Reading the audit log: filters and pages for the administrator's audit page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobs.storage.clock import CHINA
from jobs.storage.models import AuditEvent


@dataclass(frozen=True)
class AuditFilter:
    """Every field optional; dates are China calendar days, both ends included."""

    actor: str | None = None
    action: str | None = None
    object_type: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _china_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=CHINA).astimezone(dt.UTC)


def search(session: Session, criteria: AuditFilter, *, offset: int = 0, limit: int = 50) -> tuple[list[AuditEvent], int]:
    """The events matching ``criteria``, newest first, one page of them, and how many match in all.

    ``action`` matches a prefix, so ``auth.`` finds every sign-in event; ``actor`` the user name exactly.
    """
    query = select(AuditEvent)
    if criteria.actor:
        query = query.where(AuditEvent.actor == criteria.actor.strip().lower())
    if criteria.action:
        query = query.where(AuditEvent.action.startswith(criteria.action.strip(), autoescape=True))
    if criteria.object_type:
        query = query.where(AuditEvent.object_type == criteria.object_type.strip())
    if criteria.date_from:
        query = query.where(AuditEvent.at >= _china_midnight(criteria.date_from))
    if criteria.date_to:
        query = query.where(AuditEvent.at < _china_midnight(criteria.date_to + dt.timedelta(days=1)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AuditEvent.id.desc()).offset(offset).limit(limit)).all()
    return list(rows), total
