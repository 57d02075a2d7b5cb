"""A seeker's sign-in by phone number and a one-time code sent by SMS (the outbox's SMS channel).

The rules: six digits, valid :data:`VALID_FOR` (5 minutes), at most :data:`MAX_TRIES` (5) tries per code, at
most one code a minute (:data:`MIN_INTERVAL`) and :data:`PER_DAY` (10) in any 24 hours per number. Only a keyed
hash of each code is stored, next to the phone's keyed hash (the digest :class:`~jobs.storage.models.Person`
is found by); the newest code of a number is the only one that counts.

Nothing tells whether a number is registered (GB/T 35273-2020 §8: no enumeration of personal information):
a request for an unknown number is stored and counted exactly like one for a registered number (its code is
never sent and never accepted), so the answer, the limits and the tries behave the same; only the SMS differs,
and that reaches the number's owner only. A registered worker without an account gets a seeker account tied to
their person record at their first sign-in (they proved they hold the phone their county registered).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from jobs.errors import DomainError, InvalidInput
from jobs.people.identity import InvalidPhone, mask_phone, normalise_mobile
from jobs.service.outbox import enqueue
from jobs.storage import audit
from jobs.storage.crypto import Vault
from jobs.storage.enums import Channel, Role
from jobs.storage.models import OneTimeCode, Person, User

CODE_DIGITS = 6
VALID_FOR = dt.timedelta(minutes=5)
MAX_TRIES = 5
MIN_INTERVAL = dt.timedelta(minutes=1)
PER_DAY = 10
DAY = dt.timedelta(hours=24)
#: The outbox kind of the SMS; quiet hours never hold it back (``jobs.service.outbox.ANYTIME_KINDS``).
KIND = "login_code"
WRONG = "验证码错误或已失效，请重新获取"


class CodeRefused(DomainError):
    """A code that does not sign anyone in: wrong, expired, used, tried too often, or for no account. One
    message for every cause that could tell a registered number from another."""

    status = 401

    def __init__(self, message: str = WRONG) -> None:
        super().__init__(message)


class TooManyCodes(DomainError):
    """The number asked for a code too recently, or too often today."""

    status = 429


@dataclass(frozen=True)
class CodeSent:
    """What the sign-in page may say after a request: the masked number, and how long the code lives. The same
    for every number."""

    phone_masked: str
    valid_minutes: int


def phone_number(raw: str | None) -> str:
    """The mobile number typed on the page, as 11 digits; InvalidInput (field ``phone``) otherwise."""
    try:
        return normalise_mobile(raw or "")
    except InvalidPhone as error:
        raise InvalidInput.field("phone", error.message) from None


def _code_hash(vault: Vault, phone_hash: str, code: str) -> str:
    # Keyed (the look-up key) and tied to the number: a stolen table does not give the 10^6 codes away.
    return vault.digest(f"sign-in-code:{phone_hash}:{code}")


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def request_code(session: Session, vault: Vault, *, phone: str, now: dt.datetime,
                 remote_addr: str | None = None) -> tuple[CodeSent, int | None]:
    """Issue a code for ``phone`` and, when a person has that number, put the SMS in the outbox.

    Returns what the page may say and the outbox message's id (None for an unknown number: the caller must not
    let that show, e.g. in the time it takes). Raises :class:`TooManyCodes` past the per-number limits (alike
    for every number) and InvalidInput for a malformed number.
    """
    number = phone_number(phone)
    digest = vault.digest(number)
    if session.get_bind().dialect.name == "postgresql":
        # Two requests for one number at once take turns, so the limits hold (SQLite serialises writers anyway).
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"sign-in-code:{digest}"})
    recent = session.execute(
        select(func.count(), func.max(OneTimeCode.created_at))
        .where(OneTimeCode.phone_hash == digest, OneTimeCode.created_at > now - DAY)
    ).one()
    if recent[1] is not None and now - _aware(recent[1]) < MIN_INTERVAL:
        wait = int((MIN_INTERVAL - (now - _aware(recent[1]))).total_seconds()) + 1
        raise TooManyCodes(f"验证码已发送，请 {wait} 秒后再重新获取")
    if recent[0] >= PER_DAY:
        raise TooManyCodes(f"该号码24小时内获取验证码已达 {PER_DAY} 次，请明天再试")
    person_id = session.scalar(select(Person.id).where(Person.phone_hash == digest).order_by(Person.id).limit(1))
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    # Only the newest code counts: earlier ones of this number stop working.
    session.execute(update(OneTimeCode).where(OneTimeCode.phone_hash == digest, OneTimeCode.used_at.is_(None))
                    .values(used_at=now))
    row = OneTimeCode(phone_hash=digest, person_id=person_id, code_hash=_code_hash(vault, digest, code),
                      created_at=now, expires_at=now + VALID_FOR, attempts=0, remote_addr=remote_addr)
    session.add(row)
    session.flush()
    message_id = None
    if person_id is not None:
        message = enqueue(
            session, channel=Channel.SMS, kind=KIND, dedupe_key=f"{KIND}:{row.id}", person_id=person_id, now=now,
            body=f"您的登录验证码是{code}，{VALID_FOR.seconds // 60}分钟内有效。请勿告诉他人，工作人员不会向您索要验证码。",
            max_attempts=3,
        )
        message_id = message.id if message is not None else None
    audit.record(session, action="auth.code_requested", actor_label=mask_phone(number), object_type="person",
                 object_id=person_id, remote_addr=remote_addr)
    return CodeSent(mask_phone(number), VALID_FOR.seconds // 60), message_id


def sign_in_with_code(session: Session, vault: Vault, *, phone: str, code: str, now: dt.datetime,
                      remote_addr: str | None = None) -> User:
    """The seeker account of the person whose phone received ``code``; raises :class:`CodeRefused`.

    The caller commits even when this raises: the try counts (and is audited) either way.
    """
    try:
        number = normalise_mobile(phone or "")
    except InvalidPhone:
        raise CodeRefused() from None
    digest = vault.digest(number)
    row = session.scalar(
        select(OneTimeCode).where(OneTimeCode.phone_hash == digest, OneTimeCode.used_at.is_(None))
        .order_by(OneTimeCode.id.desc()).limit(1).with_for_update()
    )
    typed = "".join((code or "").split())
    if row is None or _aware(row.expires_at) <= now or row.attempts >= MAX_TRIES:
        _failed(session, number, None, remote_addr, "no_live_code")
        raise CodeRefused()
    row.attempts += 1
    good = len(typed) == CODE_DIGITS and typed.isdigit() and hmac.compare_digest(
        row.code_hash, _code_hash(vault, digest, typed))
    if not good or row.person_id is None:
        _failed(session, number, row.person_id, remote_addr, "wrong_code")
        if row.attempts >= MAX_TRIES:
            row.used_at = now
            session.flush()
            raise CodeRefused(f"验证码已输错 {MAX_TRIES} 次，已失效，请重新获取")
        session.flush()
        raise CodeRefused()
    row.used_at = now
    user = _seeker_account(session, row.person_id)
    if not user.active:
        _failed(session, number, row.person_id, remote_addr, "inactive")
        raise CodeRefused("该账号已停用，请联系县人社部门")
    user.last_login_at = now
    audit.record(session, action="auth.sign_in", actor=user, object_type="user", object_id=user.id,
                 after={"method": "sms_code"}, remote_addr=remote_addr)
    return user


def _failed(session: Session, number: str, person_id: int | None, remote_addr: str | None, reason: str) -> None:
    audit.record(session, action="auth.sign_in_failed", actor_label=mask_phone(number), object_type="person",
                 object_id=person_id, after={"reason": reason, "method": "sms_code"}, remote_addr=remote_addr)


def _seeker_account(session: Session, person_id: int) -> User:
    """The person's seeker account, made at their first sign-in by code (no password: they sign in by phone)."""
    user = session.scalar(select(User).where(User.person_id == person_id, User.role == Role.SEEKER))
    if user is not None:
        return user
    person = session.get(Person, person_id)
    username = f"phone-{person_id}"
    suffix = 1
    while session.scalar(select(User.id).where(User.username == username)) is not None:
        suffix += 1
        username = f"phone-{person_id}-{suffix}"
    user = User(username=username, display_name=person.name[:64], password_hash=None, role=Role.SEEKER,
                person_id=person_id, active=True, must_change_password=False)
    session.add(user)
    session.flush()
    audit.record(session, action="user.add", actor_label="sign-in:sms_code", object_type="user", object_id=user.id,
                 after={"username": user.username, "role": user.role.value, "person_id": person_id})
    return user


__all__ = [
    "CODE_DIGITS",
    "MAX_TRIES",
    "MIN_INTERVAL",
    "PER_DAY",
    "VALID_FOR",
    "CodeRefused",
    "CodeSent",
    "TooManyCodes",
    "phone_number",
    "request_code",
    "sign_in_with_code",
]
