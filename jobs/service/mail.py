"""E-mail to staff through ``smtplib``: host, port, security (none, STARTTLS or SSL) and credentials come from
settings. Without an SMTP host the embedded sender keeps e-mail in the outbox only, like the SMS default."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

from jobs.service.sms import SendResult

SECURITY_MODES = ("none", "starttls", "ssl")
#: The provider reference of a message the embedded senders kept (nothing left the machine).
EMBEDDED_REFERENCE = "embedded"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    security: str = "none"
    username: str | None = None
    password: str | None = None
    sender: str = "bangfu@localhost"
    timeout: float = 15.0

    def __post_init__(self) -> None:
        if self.security not in SECURITY_MODES:
            raise ValueError(f"SMTP安全方式须为 {'、'.join(SECURITY_MODES)} 之一：{self.security}")


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    attachment_name: str | None = None
    attachment: bytes | None = None


class MailSender(Protocol):
    name: str

    def send(self, mail: Mail) -> SendResult: ...


class EmbeddedMailSender:
    """No SMTP server configured: the e-mail stays in the outbox, marked as stored."""

    name = "embedded"

    def send(self, mail: Mail) -> SendResult:
        return SendResult(ok=True, status="stored", reference=EMBEDDED_REFERENCE)


class SmtpMailSender:
    name = "smtp"

    def __init__(self, settings: SmtpSettings, *, context: ssl.SSLContext | None = None) -> None:
        self.settings = settings
        self.context = context or ssl.create_default_context()

    def compose(self, mail: Mail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.settings.sender
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message["Message-ID"] = make_msgid(domain="bangfu")
        message.set_content(mail.body)
        if mail.attachment is not None and mail.attachment_name:
            message.add_attachment(
                mail.attachment, maintype="application", subtype="octet-stream", filename=mail.attachment_name
            )
        return message

    def send(self, mail: Mail) -> SendResult:
        s = self.settings
        message = self.compose(mail)
        try:
            if s.security == "ssl":
                client: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self.context)
            else:
                client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            with client:
                if s.security == "starttls":
                    client.starttls(context=self.context)
                if s.username:
                    client.login(s.username, s.password or "")
                refused = client.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            return SendResult(ok=False, status="refused", error=f"邮件服务器拒收：{error.recipients}", permanent=True)
        except (smtplib.SMTPException, OSError) as error:
            return SendResult(ok=False, status="smtp_error", error=f"邮件发送失败：{error}")
        if refused:
            return SendResult(ok=False, status="refused", error=f"邮件服务器拒收：{refused}", permanent=True)
        return SendResult(ok=True, status="sent", reference=str(message["Message-ID"])[:64])
