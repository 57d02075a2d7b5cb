"""SMS: the text rules and the gateway interface.

The embedded gateway keeps messages in the outbox only (``bangfu outbox list`` shows them), so a demo or a test
never sends a real SMS. The HTTP gateway posts JSON with an HMAC-signed body to a provider URL and reads the
provider's status from its answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from jobs.storage.clock import CHINA

#: The platform's name, first in every SMS (a message must say who sends it).
SIGNATURE = "【帮扶平台】"
#: How to stop SMS; the last part of every message carries it.
STOP_NOTICE = "回复TD退订"
#: One SMS part holds at most 70 Chinese characters.
PART_LENGTH = 70
#: Quiet hours in China time: no SMS from 21:00 to 08:00; messages wait for the morning.
QUIET_FROM = dt.time(21, 0)
QUIET_UNTIL = dt.time(8, 0)


def sms_parts(text: str) -> list[str]:
    """Split ``text`` into parts of at most 70 characters, each signed, numbered when there are several, the
    last one ending with the stop notice."""
    body = " ".join(text.split())
    single = f"{SIGNATURE}{body}{STOP_NOTICE}"
    if len(single) <= PART_LENGTH:
        return [single]
    count = 2
    while True:
        parts = _split(body, count)
        if parts is not None:
            return parts
        count += 1


def _split(body: str, count: int) -> list[str] | None:
    parts: list[str] = []
    rest = body
    for index in range(1, count + 1):
        head = f"{SIGNATURE}({index}/{count})"
        tail = STOP_NOTICE if index == count else ""
        room = PART_LENGTH - len(head) - len(tail)
        chunk, rest = rest[:room], rest[room:]
        parts.append(f"{head}{chunk}{tail}")
    return parts if not rest else None


def in_quiet_hours(moment: dt.datetime) -> bool:
    """True between 21:00 and 08:00 China time."""
    local = moment.astimezone(CHINA).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def next_sending_time(moment: dt.datetime) -> dt.datetime:
    """``moment`` itself outside quiet hours, else 08:00 China time of the next morning (as UTC)."""
    if not in_quiet_hours(moment):
        return moment
    local = moment.astimezone(CHINA)
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, QUIET_UNTIL, tzinfo=CHINA).astimezone(dt.UTC)


@dataclass(frozen=True)
class SendResult:
    """A provider's answer: accepted (with its reference) or not, and whether trying again can help."""

    ok: bool
    status: str
    reference: str | None = None
    error: str | None = None
    permanent: bool = False


class SmsGateway(Protocol):
    """Sends one message (its parts) to one phone number."""

    name: str

    def send(self, *, message_id: int, phone: str, parts: list[str]) -> SendResult: ...


class EmbeddedSmsGateway:
    """The default: nothing leaves the machine; the message stays in the outbox, marked as stored."""

    name = "embedded"

    def send(self, *, message_id: int, phone: str, parts: list[str]) -> SendResult:
        return SendResult(ok=True, status="stored", reference=f"embedded-{message_id}")


#: Provider statuses that mean the message was taken; "rejected"/"invalid" mean retrying cannot help.
ACCEPTED = frozenset({"accepted", "queued", "sent", "delivered"})
PERMANENT = frozenset({"rejected", "invalid"})


class HttpSmsGateway:
    """POSTs ``{"message_id", "phone", "parts"}`` as JSON to ``url``.

    The body is signed with HMAC-SHA256 under ``secret``: header ``X-Bangfu-Signature: sha256=<hex>`` over
    ``<X-Bangfu-Timestamp>.<body>``, so the provider can check it came from us and is not replayed. The answer
    is JSON ``{"status": …, "id": …}``; a network error or a 5xx answer is worth retrying, a 4xx is not.
    """

    name = "http"

    def __init__(self, url: str, secret: str, *, timeout: float = 10.0) -> None:
        self.url = url
        self.secret = secret.encode("utf-8")
        self.timeout = timeout

    def signature(self, timestamp: str, body: bytes) -> str:
        digest = hmac.new(self.secret, timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()
        return f"sha256={digest}"

    def send(self, *, message_id: int, phone: str, parts: list[str]) -> SendResult:
        body = json.dumps({"message_id": message_id, "phone": phone, "parts": parts}, ensure_ascii=False).encode()
        timestamp = str(int(dt.datetime.now(dt.UTC).timestamp()))
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "X-Bangfu-Timestamp": timestamp,
                "X-Bangfu-Signature": self.signature(timestamp, body),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - configured URL
                answer = _json(response.read())
        except urllib.error.HTTPError as error:
            answer = _json(error.read())
            status = str(answer.get("status") or f"http_{error.code}")
            return SendResult(ok=False, status=status, error=f"短信网关返回HTTP {error.code}：{status}",
                              permanent=400 <= error.code < 500)
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            return SendResult(ok=False, status="unreachable", error=f"无法连接短信网关：{reason}")
        status = str(answer.get("status") or "unknown")
        if status in ACCEPTED:
            return SendResult(ok=True, status=status, reference=_reference(answer))
        return SendResult(ok=False, status=status, error=f"短信网关未接受：{status}", permanent=status in PERMANENT)


def _json(raw: bytes) -> dict:
    try:
        value = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def _reference(answer: dict) -> str | None:
    value = answer.get("id")
    return None if value is None else str(value)[:64]
