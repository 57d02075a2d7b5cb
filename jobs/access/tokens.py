"""Bearer tokens of the REST API: issue (after a password check, or by an administrator on the command line),
resolve to the active user, revoke.

A token is ``bf_`` and 43 URL-safe characters (256 random bits). Only its SHA-256 digest is stored; the clear
token is shown once, when it is issued. A token ends at its expiry, when revoked, when its user is disabled and
when the user's password changes (the user's ``session_version`` moves on), like a web session.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session, joinedload

from jobs.access import accounts
from jobs.access.permissions import Actor
from jobs.errors import InvalidInput, NotFound
from jobs.storage import audit
from jobs.storage.clock import now_utc
from jobs.storage.models import ApiToken, User

__all__ = ["DEFAULT_DAYS", "MAX_DAYS", "IssuedToken", "issue_token", "revoke_token", "token_for_password",
           "note_token_use", "token_use_due", "user_for_token"]

PREFIX = "bf_"
#: A token obtained with a password lives one day by default; integrations ask an administrator for a longer one.
DEFAULT_DAYS = 1
MAX_DAYS = 365
#: ``last_used_at`` is kept to this resolution: a token used again within it is not written, so a burst of
#: requests (a seeker's phone paging through offers) costs no write per request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    """A new token: the clear value (shown once) and when it expires."""

    token: str
    expires_at: dt.datetime
    token_id: int


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, *, user: User, days: int = DEFAULT_DAYS, label: str = "api",
                remote_addr: str | None = None) -> IssuedToken:
    """A new token for ``user`` valid ``days`` days (1 to :data:`MAX_DAYS`); audited as ``auth.token_issued``."""
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise InvalidInput.field("days", f"令牌有效天数须在1到{MAX_DAYS}之间")
    if not user.active:
        raise InvalidInput.field("username", f"用户“{user.username}”已停用，不能签发令牌")
    token = PREFIX + secrets.token_urlsafe(32)
    now = now_utc()
    row = ApiToken(user_id=user.id, token_digest=_digest(token), label=label[:64], session_version=user.session_version,
                   created_at=now, expires_at=now + dt.timedelta(days=days))
    session.add(row)
    session.flush()
    audit.record(session, action="auth.token_issued", actor=user, object_type="api_token", object_id=row.id,
                 after={"label": row.label, "expires_at": row.expires_at.isoformat()}, remote_addr=remote_addr)
    return IssuedToken(token, row.expires_at, row.id)


def token_for_password(session: Session, *, username: str, password: str,
                       remote_addr: str | None = None) -> IssuedToken:
    """Check a user name and password exactly as the sign-in page does (lock-out, audit) and issue a one-day
    token. Raises :class:`~jobs.access.accounts.SignInRefused` / ``LockedOut``; the caller commits either way."""
    user = accounts.authenticate(session, username=username, password=password, remote_addr=remote_addr)
    if user.must_change_password:
        # A generated or reset password must be replaced on the sign-in page before it opens anything else.
        raise accounts.SignInRefused("请先登录网页修改初始密码，再申请接口令牌")
    return issue_token(session, user=user, remote_addr=remote_addr)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


#: A presented token's row with its user and the user's organisation (not the person: the seeker's endpoints read
#: what they need of it). Built once: every API request runs it.
_PRESENTED = (select(ApiToken).options(joinedload(ApiToken.user).joinedload(User.organisation))
              .where(ApiToken.token_digest == bindparam("digest")))


def user_for_token(session: Session, token: str) -> tuple[User, ApiToken] | None:
    """The active user behind a presented token, or None (unknown, expired, revoked, password changed, disabled)."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    row = session.scalar(_PRESENTED, {"digest": _digest(token)})
    now = now_utc()
    if row is None or row.revoked_at is not None or _aware(row.expires_at) <= now:
        return None
    user = row.user
    if not user.active or user.session_version != row.session_version:
        return None
    return user, row


def token_use_due(row: ApiToken, now: dt.datetime) -> bool:
    """Whether ``row``'s last use is older than :data:`LAST_USED_RESOLUTION` (so :func:`note_token_use` writes)."""
    return row.last_used_at is None or now - _aware(row.last_used_at) >= LAST_USED_RESOLUTION


def note_token_use(session: Session, *, token_id: int, now: dt.datetime) -> None:
    """Record that a token was used at ``now``, to :data:`LAST_USED_RESOLUTION`. Kept apart from
    :func:`user_for_token` so that authenticating a read is a read (no SQLite write lock) and only the
    once-a-minute note takes a short write transaction of its own."""
    session.execute(update(ApiToken).where(
        ApiToken.id == token_id,
        or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= now - LAST_USED_RESOLUTION),
    ).values(last_used_at=now))


def revoke_token(session: Session, *, token_id: int, actor: Actor, remote_addr: str | None = None) -> ApiToken:
    """Revoke one token: its owner, or an administrator (anyone else: NotFound). Revoking twice changes nothing."""
    from jobs.storage.enums import Role

    row = session.get(ApiToken, token_id)
    if row is None or (row.user_id != actor.id and actor.role is not Role.ADMIN):
        raise NotFound(f"令牌{token_id}不存在")
    if row.revoked_at is None:
        row.revoked_at = now_utc()
        audit.record(session, action="auth.token_revoked", actor=actor, object_type="api_token", object_id=row.id,
                     remote_addr=remote_addr)
    return row
