"""Delivery through the outbox: retries with backoff, final failure, quiet hours, and the real channels (a local
HTTP SMS gateway and a local SMTP server, both started by the tests on 127.0.0.1)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from jobs.service.mail import Mail, SmtpMailSender, SmtpSettings
from jobs.service.outbox import Channels, backoff, deliver_due, enqueue, set_channels, notify_person
from jobs.service.sms import PART_LENGTH, SIGNATURE, STOP_NOTICE, HttpSmsGateway, next_sending_time, sms_parts
from jobs.storage.clock import CHINA
from jobs.storage.db import Database
from jobs.storage.enums import Channel, OutboxStatus
from jobs.storage.models import DeliveryAttempt, InboxMessage, OutboxMessage
from tests.factories import make_person

MORNING = dt.datetime(2025, 3, 14, 10, 0, tzinfo=CHINA).astimezone(dt.UTC)
SECRET = "gateway-shared-secret"


class Gateway(BaseHTTPRequestHandler):
    """A fake SMS provider: answers with the statuses queued in ``server.answers``; records what it got."""

    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((dict(self.headers), body))
        code, status = self.server.answers.pop(0) if self.server.answers else (200, "accepted")
        payload = json.dumps({"status": status, "id": f"p{len(self.server.received)}"}).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    server.received, server.answers = [], []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def db(app_database_url):
    database = Database(app_database_url)
    yield database
    database.dispose()


def _person(db, vault, **overrides):
    with db.transaction() as session:
        return make_person(session, vault, **overrides).id


def _sms(db, person_id, *, key="k1", now=MORNING, body="您好，为您推荐岗位：电焊工，详情请登录帮扶平台查看。"):
    with db.transaction() as session:
        return enqueue(session, channel=Channel.SMS, kind="job", dedupe_key=key, body=body, person_id=person_id,
                       now=now).id


def test_every_sms_part_is_at_most_70_characters_signed_and_the_last_says_how_to_stop():
    short = sms_parts("您好，明天上午九点在县人社局有招聘会。")
    assert short == [f"{SIGNATURE}您好，明天上午九点在县人社局有招聘会。{STOP_NOTICE}"]
    long = sms_parts("岗位信息：" + "电焊工月薪八千包吃住，" * 20)
    assert len(long) > 1
    assert all(len(part) <= PART_LENGTH and part.startswith(SIGNATURE) for part in long)
    assert long[-1].endswith(STOP_NOTICE)
    assert "".join(p.replace(SIGNATURE, "").replace(STOP_NOTICE, "").split(")", 1)[1] for p in long).startswith(
        "岗位信息：电焊工")


def test_no_sms_between_nine_in_the_evening_and_eight_in_the_morning():
    evening = dt.datetime(2025, 3, 14, 21, 30, tzinfo=CHINA)
    assert next_sending_time(evening) == dt.datetime(2025, 3, 15, 8, 0, tzinfo=CHINA)
    early = dt.datetime(2025, 3, 15, 6, 0, tzinfo=CHINA)
    assert next_sending_time(early) == dt.datetime(2025, 3, 15, 8, 0, tzinfo=CHINA)
    day = dt.datetime(2025, 3, 15, 20, 59, tzinfo=CHINA)
    assert next_sending_time(day) == day


def test_an_sms_written_at_night_waits_for_the_morning(db, vault):
    person_id = _person(db, vault)
    night = dt.datetime(2025, 3, 14, 22, 0, tzinfo=CHINA).astimezone(dt.UTC)
    _sms(db, person_id, now=night)
    channels = Channels(vault=vault)
    assert deliver_due(db, channels, now=night + dt.timedelta(hours=2)).sent == 0
    morning = dt.datetime(2025, 3, 15, 8, 0, tzinfo=CHINA).astimezone(dt.UTC)
    assert deliver_due(db, channels, now=morning).sent == 1


def test_the_same_dedupe_key_is_written_once(db, vault):
    person_id = _person(db, vault)
    _sms(db, person_id, key="same")
    with db.transaction() as session:
        assert enqueue(session, channel=Channel.SMS, kind="job", dedupe_key="same", body="again",
                       person_id=person_id, now=MORNING) is None
        assert session.scalar(select(OutboxMessage.body).where(OutboxMessage.dedupe_key == "same")) != "again"


def test_app_messages_land_in_the_inbox_and_sms_only_where_the_seeker_allows(db, vault):
    person_id = _person(db, vault)
    quiet_id = _person(db, vault, name="李四")
    with db.transaction() as session:
        set_channels(session, person_id=quiet_id, sms=False)
    with db.transaction() as session:
        from jobs.storage.models import Person

        for pid in (person_id, quiet_id):
            notify_person(session, person=session.get(Person, pid), kind="job", key=f"n{pid}", title="岗位信息",
                          body="正文", sms_text="短信", now=MORNING)
    deliver_due(db, Channels(vault=vault), now=MORNING)
    with db.session() as session:
        channels = {(m.person_id, m.channel) for m in session.scalars(select(OutboxMessage))}
        assert channels == {(person_id, Channel.APP), (person_id, Channel.SMS), (quiet_id, Channel.APP)}
        assert {m.person_id for m in session.scalars(select(InboxMessage))} == {person_id, quiet_id}


def test_the_http_gateway_posts_a_signed_body_and_reads_the_providers_status(db, vault, gateway):
    person_id = _person(db, vault, phone="13912345678")
    message_id = _sms(db, person_id)
    url = f"http://127.0.0.1:{gateway.server_port}/sms"
    summary = deliver_due(db, Channels(vault=vault, sms=HttpSmsGateway(url, SECRET)), now=MORNING)
    assert summary.sent == 1
    headers, body = gateway.received[0]
    sent = json.loads(body)
    assert sent["phone"] == "13912345678" and sent["message_id"] == message_id
    assert all(len(part) <= PART_LENGTH for part in sent["parts"])
    expected = hmac.new(SECRET.encode(), headers["X-Bangfu-Timestamp"].encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    assert headers["X-Bangfu-Signature"] == f"sha256={expected}"
    with db.session() as session:
        message = session.get(OutboxMessage, message_id)
        assert (message.status, message.provider_ref) == (OutboxStatus.SENT, "p1")


def test_a_failing_gateway_is_retried_with_growing_waits_then_failed_with_the_error_kept(db, vault, gateway):
    person_id = _person(db, vault)
    message_id = _sms(db, person_id)
    gateway.answers = [(503, "busy")] * 10
    channels = Channels(vault=vault, sms=HttpSmsGateway(f"http://127.0.0.1:{gateway.server_port}/", SECRET))
    now = MORNING
    waits = []
    for _attempt in range(5):
        deliver_due(db, channels, now=now)
        with db.session() as session:
            message = session.get(OutboxMessage, message_id)
            due = message.next_attempt_at.replace(tzinfo=dt.UTC) if message.next_attempt_at.tzinfo is None \
                else message.next_attempt_at
        if message.status is OutboxStatus.PENDING:
            waits.append(due - now)
            assert deliver_due(db, channels, now=due - dt.timedelta(seconds=1)).as_dict() == {
                "sent": 0, "retrying": 0, "failed": 0}
            now = due
    assert waits == [backoff(1), backoff(2), backoff(3), backoff(4)]
    assert waits[0] < waits[1] < waits[2] < waits[3]
    with db.session() as session:
        message = session.get(OutboxMessage, message_id)
        assert message.status is OutboxStatus.FAILED and message.attempts == 5
        assert "503" in message.last_error
        log = session.scalars(select(DeliveryAttempt).where(DeliveryAttempt.message_id == message_id)).all()
        assert [a.ok for a in log] == [False] * 5
    assert len(gateway.received) == 5


def test_a_rejected_number_fails_at_once(db, vault, gateway):
    person_id = _person(db, vault)
    message_id = _sms(db, person_id)
    gateway.answers = [(200, "rejected")]
    channels = Channels(vault=vault, sms=HttpSmsGateway(f"http://127.0.0.1:{gateway.server_port}/", SECRET))
    assert deliver_due(db, channels, now=MORNING).failed == 1
    with db.session() as session:
        assert session.get(OutboxMessage, message_id).status is OutboxStatus.FAILED


def test_email_goes_through_a_real_smtp_server():
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Collect(Message):
        def handle_message(self, message):
            received.append(message)

    port = _free_port()
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        sender = SmtpMailSender(SmtpSettings(host="127.0.0.1", port=port, sender="noreply@bangfu.test"))
        result = sender.send(Mail(to="staff@county.test", subject="就业转失业提醒：张三", body="请及时跟进",
                                  attachment_name="台账.xlsx", attachment=b"PK\x03\x04"))
    finally:
        controller.stop()
    assert result.ok
    assert len(received) == 1
    message = received[0]
    assert message["To"] == "staff@county.test"
    from email.header import decode_header, make_header

    assert str(make_header(decode_header(message["Subject"]))) == "就业转失业提醒：张三"
    assert any(part.get_filename() == "台账.xlsx" for part in message.walk())


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_smtp_server_is_a_retryable_error():
    sender = SmtpMailSender(SmtpSettings(host="127.0.0.1", port=1, timeout=2))
    result = sender.send(Mail(to="a@b.test", subject="s", body="b"))
    assert not result.ok and not result.permanent and "邮件发送失败" in result.error
