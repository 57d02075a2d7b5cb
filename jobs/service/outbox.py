"""The outbox: every message is a row written in the same transaction as the change that causes it; a separate
delivery step sends it.

Delivery works message by message, each in its own short transaction: the attempt is logged
(``DeliveryAttempt``), a failure is retried with exponential backoff (1, 2, 4, 8 … minutes, capped at six
hours) and after ``max_attempts`` the message is ``failed`` with its last error kept. SMS never go out in quiet
hours (21:00–08:00 China time): they wait for the morning. ``dedupe_key`` is unique, so writing the same
message twice adds nothing, and a process killed mid-delivery loses nothing: the row is still pending.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs.service.mail import EMBEDDED_REFERENCE, EmbeddedMailSender, Mail, MailSender, SmtpMailSender, SmtpSettings
from jobs.service.sms import EmbeddedSmsGateway, HttpSmsGateway, SendResult, SmsGateway, next_sending_time, sms_parts
from jobs.people.persons import masked_id_number, masked_phone
from jobs.storage.crypto import Vault
from jobs.storage.db import Database
from jobs.storage.enums import Channel, OutboxStatus
from jobs.storage.models import (
    ChannelPreference,
    DeliveryAttempt,
    InboxMessage,
    OutboxMessage,
    Person,
    User,
)

DEFAULT_MAX_ATTEMPTS = 5
BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(hours=6)
DELIVERY_BATCH = 20
#: Messages the recipient asked for this very moment (a sign-in code): quiet hours do not hold them back, since a
#: code that arrives the next morning is useless and nobody is woken by what they are waiting for.
ANYTIME_KINDS = frozenset({"login_code"})


def backoff(attempts: int) -> dt.timedelta:
    """Wait after the ``attempts``-th failure: 1, 2, 4, 8 … minutes, never more than six hours."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)


@dataclass
class Channels:
    """The senders delivery uses; built from settings by :func:`channels_from_settings`."""

    vault: Vault
    sms: SmsGateway = field(default_factory=EmbeddedSmsGateway)
    mail: MailSender = field(default_factory=EmbeddedMailSender)


def channels_from_settings(settings: Mapping[str, Any], vault: Vault) -> Channels:
    """``SMS_GATEWAY_URL`` + ``SMS_GATEWAY_SECRET`` select the HTTP gateway; ``SMTP_HOST`` (with ``SMTP_PORT``,
    ``SMTP_SECURITY`` none/starttls/ssl, ``SMTP_USERNAME``, ``SMTP_PASSWORD``, ``SMTP_SENDER``) the SMTP sender.
    Unset, both keep messages in the outbox only."""
    sms: SmsGateway = EmbeddedSmsGateway()
    if settings.get("SMS_GATEWAY_URL"):
        if not settings.get("SMS_GATEWAY_SECRET"):
            raise ValueError("已配置短信网关地址 SMS_GATEWAY_URL，但缺少签名密钥 SMS_GATEWAY_SECRET")
        sms = HttpSmsGateway(str(settings["SMS_GATEWAY_URL"]), str(settings["SMS_GATEWAY_SECRET"]))
    mail: MailSender = EmbeddedMailSender()
    if settings.get("SMTP_HOST"):
        mail = SmtpMailSender(SmtpSettings(
            host=str(settings["SMTP_HOST"]),
            port=int(settings.get("SMTP_PORT") or 25),
            security=str(settings.get("SMTP_SECURITY") or "none"),
            username=settings.get("SMTP_USERNAME") or None,
            password=settings.get("SMTP_PASSWORD") or None,
            sender=str(settings.get("SMTP_SENDER") or "bangfu@localhost"),
        ))
    return Channels(vault=vault, sms=sms, mail=mail)


# -- writing ---------------------------------------------------------------------------------------------------


def enqueue(
    session: Session,
    *,
    channel: Channel,
    kind: str,
    dedupe_key: str,
    body: str,
    now: dt.datetime,
    subject: str | None = None,
    person_id: int | None = None,
    user_id: int | None = None,
    organisation_id: int | None = None,
    push_id: int | None = None,
    attachment_name: str | None = None,
    attachment: bytes | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    flush: bool = True,
) -> OutboxMessage | None:
    """Write one message in the caller's transaction; None when a message with this ``dedupe_key`` exists
    (stored, or added in this session and not yet flushed). ``flush=False`` leaves the message pending
    (no id yet) so that one flush writes all of an item's rows."""
    if any(isinstance(pending, OutboxMessage) and pending.dedupe_key == dedupe_key for pending in session.new):
        return None
    with session.no_autoflush:
        if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)) is not None:
            return None
    due = next_sending_time(now) if channel is Channel.SMS and kind not in ANYTIME_KINDS else now
    message = OutboxMessage(
        channel=channel, kind=kind, dedupe_key=dedupe_key, body=body, subject=subject, person_id=person_id,
        user_id=user_id, organisation_id=organisation_id, push_id=push_id, attachment_name=attachment_name,
        attachment=attachment, max_attempts=max_attempts, next_attempt_at=due, created_at=now,
    )
    session.add(message)
    if flush:
        session.flush()
    return message


def sms_enabled(session: Session, person: Person) -> bool:
    """A seeker gets SMS when they have a phone and have not turned SMS off (on by default)."""
    if not person.phone_encrypted:
        return False
    with session.no_autoflush:
        preference = session.get(ChannelPreference, person.id)
    return preference is None or preference.sms


def set_channels(session: Session, *, person_id: int, sms: bool) -> ChannelPreference:
    """Record a seeker's choice of channels (the app inbox is always on)."""
    preference = session.get(ChannelPreference, person_id)
    if preference is None:
        preference = ChannelPreference(person_id=person_id, sms=sms)
        session.add(preference)
    else:
        preference.sms = sms
    session.flush()
    return preference


def notify_person(
    session: Session, *, person: Person, kind: str, key: str, title: str, body: str, sms_text: str,
    now: dt.datetime, push_id: int | None = None,
) -> list[Channel]:
    """Tell a seeker: always in the app, by SMS too when they allow it. Returns the channels used."""
    used = []
    if enqueue(session, channel=Channel.APP, kind=kind, dedupe_key=f"{key}:app", subject=title, body=body,
               person_id=person.id, push_id=push_id, now=now, flush=False) is not None:
        used.append(Channel.APP)
    if sms_enabled(session, person) and enqueue(
        session, channel=Channel.SMS, kind=kind, dedupe_key=f"{key}:sms", body=sms_text, person_id=person.id,
        push_id=push_id, now=now, flush=False,
    ) is not None:
        used.append(Channel.SMS)
    return used


def notify_staff(
    session: Session, *, user: User, kind: str, key: str, title: str, body: str, now: dt.datetime,
    attachment_name: str | None = None, attachment: bytes | None = None,
) -> list[Channel]:
    """Tell a staff user: in the app, and by e-mail where they have an address."""
    used = []
    if enqueue(session, channel=Channel.APP, kind=kind, dedupe_key=f"{key}:app:{user.id}", subject=title,
               body=body, user_id=user.id, now=now, attachment_name=attachment_name,
               attachment=attachment, flush=False) is not None:
        used.append(Channel.APP)
    if user.email and enqueue(
        session, channel=Channel.EMAIL, kind=kind, dedupe_key=f"{key}:email:{user.id}", subject=title, body=body,
        user_id=user.id, now=now, attachment_name=attachment_name, attachment=attachment, flush=False,
    ) is not None:
        used.append(Channel.EMAIL)
    return used


# -- delivering ------------------------------------------------------------------------------------------------


@dataclass
class DeliverySummary:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "retrying": self.retrying, "failed": self.failed}


def deliver_due(db: Database, channels: Channels, *, now: dt.datetime, limit: int | None = None) -> DeliverySummary:
    """Send every message due at ``now``: messages that stay on this machine (in-app, and SMS or e-mail with
    the embedded senders) in small batches, messages to a real provider one per transaction (so a crash can
    repeat at most the one message whose provider had already taken it)."""
    summary = DeliverySummary()
    with db.session() as session:
        query = (
            select(OutboxMessage.id, OutboxMessage.channel)
            .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        )
        if limit is not None:
            query = query.limit(limit)
        due = session.execute(query).all()
    batches: list[tuple[bool, list[int]]] = []
    for message_id, channel in due:
        local = stays_local(channels, channel)
        if local and batches and batches[-1][0] and len(batches[-1][1]) < DELIVERY_BATCH:
            batches[-1][1].append(message_id)
        else:
            batches.append((local, [message_id]))
    for _local, ids in batches:
        with db.transaction() as session:
            messages = {message.id: message for message in session.scalars(_due_query(session, ids))}
            people = {m.person_id for m in messages.values() if m.channel is Channel.SMS and m.person_id}
            if people:  # loaded once for the batch; the sender finds them in the session
                session.scalars(select(Person).where(Person.id.in_(people))).all()
            for message_id in ids:
                if message_id in messages:
                    _attempt(session, channels, messages[message_id], now=now, summary=summary)
    return summary


def stays_local(channels: Channels, channel: Channel) -> bool:
    """Whether delivering on ``channel`` leaves this machine: in-app messages never do, SMS and e-mail only
    with a real gateway or SMTP server (the embedded senders keep them in the outbox)."""
    if channel is Channel.APP:
        return True
    sender = channels.sms if channel is Channel.SMS else channels.mail
    return isinstance(sender, (EmbeddedSmsGateway, EmbeddedMailSender))


def _due_query(session: Session, ids: list[int]):
    query = select(OutboxMessage).where(OutboxMessage.id.in_(ids))
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return query


def deliver_one(
    session: Session, channels: Channels, *, message_id: int, now: dt.datetime, summary: DeliverySummary | None = None
) -> OutboxMessage | None:
    """Try one message once, if it is still due (another process may have sent it meanwhile)."""
    message = session.scalar(_due_query(session, [message_id]))
    if message is None:
        return None
    attempted = _attempt(session, channels, message, now=now, summary=summary)
    session.flush()
    return attempted


def _attempt(
    session: Session, channels: Channels, message: OutboxMessage, *, now: dt.datetime,
    summary: DeliverySummary | None = None,
) -> OutboxMessage | None:
    if message.status is not OutboxStatus.PENDING or _aware(message.next_attempt_at) > now:
        return None
    if message.channel is Channel.SMS and message.kind not in ANYTIME_KINDS:
        later = next_sending_time(now)
        if later != now:
            message.next_attempt_at = later
            return message
    result = _send(session, channels, message)
    message.attempts += 1
    session.add(DeliveryAttempt(message_id=message.id, at=now, ok=result.ok, provider_status=result.status[:64],
                                error=result.error))
    summary = summary if summary is not None else DeliverySummary()
    if result.ok:
        message.status = OutboxStatus.SENT
        message.sent_at = now
        message.provider_ref = result.reference
        message.last_error = None
        summary.sent += 1
    elif result.permanent or message.attempts >= message.max_attempts:
        message.status = OutboxStatus.FAILED
        message.last_error = result.error
        summary.failed += 1
    else:
        message.last_error = result.error
        message.next_attempt_at = now + backoff(message.attempts)
        summary.retrying += 1
    return message


def _send(session: Session, channels: Channels, message: OutboxMessage) -> SendResult:
    if message.channel is Channel.APP:
        session.add(InboxMessage(
            outbox_id=message.id, person_id=message.person_id, user_id=message.user_id,
            organisation_id=message.organisation_id, title=message.subject or "消息", body=message.body,
            created_at=message.created_at,
        ))
        return SendResult(ok=True, status="delivered")
    if message.channel is Channel.SMS:
        person = session.get(Person, message.person_id) if message.person_id else None
        phone = channels.vault.decrypt(person.phone_encrypted) if person and person.phone_encrypted else None
        if phone is None:
            return SendResult(ok=False, status="no_phone", error="收信人没有手机号码", permanent=True)
        return channels.sms.send(message_id=message.id, phone=phone, parts=sms_parts(message.body))
    user = session.get(User, message.user_id) if message.user_id else None
    if user is None or not user.email:
        return SendResult(ok=False, status="no_address", error="收信人没有电子邮箱", permanent=True)
    return channels.mail.send(Mail(to=user.email, subject=message.subject or "帮扶平台通知", body=message.body,
                                   attachment_name=message.attachment_name, attachment=message.attachment))


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; they were stored as UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


# -- reading ---------------------------------------------------------------------------------------------------


def list_messages(
    session: Session, *, channel: Channel | None = None, status: OutboxStatus | None = None, limit: int = 1000
) -> list[OutboxMessage]:
    """Outbox messages, newest first, optionally of one channel and status."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if channel is not None:
        query = query.where(OutboxMessage.channel == channel)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return list(session.scalars(query))


def message_view(message: OutboxMessage, recipient: str) -> dict[str, Any]:
    """A message as ``bangfu outbox list --format json`` shows it (recipient masked)."""
    return {
        "id": message.id,
        "channel": message.channel.value,
        "kind": message.kind,
        "recipient": recipient,
        "subject": message.subject,
        "body": message.body,
        "parts": sms_parts(message.body) if message.channel is Channel.SMS else None,
        "status": message.status.value,
        # Sent by the embedded senders: kept in the outbox only, since no gateway or SMTP server is configured.
        "stored_only": message.channel is not Channel.APP and bool(message.provider_ref)
        and message.provider_ref.startswith(EMBEDDED_REFERENCE),
        "attempts": message.attempts,
        "next_attempt_at": _aware(message.next_attempt_at).isoformat(),
        "created_at": _aware(message.created_at).isoformat(),
        "sent_at": _aware(message.sent_at).isoformat() if message.sent_at else None,
        "last_error": message.last_error,
        "attachment": message.attachment_name,
    }


def recipient_label(session: Session, message: OutboxMessage, vault: Vault) -> str:
    """Who the message is for, masked: ``张三 138****5678``, a staff user's name, or an organisation."""
    from jobs.storage.models import Organisation

    if message.person_id is not None:
        person = session.get(Person, message.person_id)
        if person is not None:
            return f"{person.name} {masked_phone(person, vault) or masked_id_number(person, vault)}"
    if message.user_id is not None:
        user = session.get(User, message.user_id)
        if user is not None:
            return user.display_name
    if message.organisation_id is not None:
        organisation = session.get(Organisation, message.organisation_id)
        if organisation is not None:
            return organisation.name
    return "未知收信人"
