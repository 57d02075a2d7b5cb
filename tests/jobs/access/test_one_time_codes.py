"""Sign-in by phone number and SMS code: six digits through the outbox, five minutes, five tries, one code a
minute and ten a day per number, stored hashed, and no way to tell a registered number from another."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from jobs.access.one_time_codes import (
    CodeRefused,
    TooManyCodes,
    WRONG,
    request_code,
    sign_in_with_code,
)
from jobs.errors import InvalidInput
from jobs.storage.clock import now_utc
from jobs.storage.enums import Channel, OutboxStatus, Role
from jobs.storage.models import AuditEvent, OneTimeCode, OutboxMessage, User
from tests.factories import make_person

PHONE = "13912345678"
UNKNOWN = "13687654321"


@pytest.fixture
def worker(session, vault, frozen_clock):
    return make_person(session, vault, name="王五", phone=PHONE)


def ask(session, vault, phone=PHONE):
    return request_code(session, vault, phone=phone, now=now_utc(), remote_addr="10.0.0.1")


def sent_code(session) -> str:
    message = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "login_code")
                              .order_by(OutboxMessage.id.desc())).first()
    return re.search(r"验证码是(\d{6})", message.body).group(1)


def sign_in(session, vault, code, phone=PHONE):
    return sign_in_with_code(session, vault, phone=phone, code=code, now=now_utc(), remote_addr="10.0.0.1")


def test_the_code_goes_out_as_an_sms_through_the_outbox_and_signs_the_worker_in(session, vault, worker):
    answer, message_id = ask(session, vault, phone="139 1234 5678")
    assert answer.phone_masked == "139****5678" and answer.valid_minutes == 5
    message = session.get(OutboxMessage, message_id)
    assert (message.channel, message.kind, message.person_id, message.status) == \
        (Channel.SMS, "login_code", worker.id, OutboxStatus.PENDING)
    code = sent_code(session)
    # Only a keyed hash of the code is stored.
    row = session.scalars(select(OneTimeCode)).one()
    assert code not in row.code_hash and row.phone_hash == worker.phone_hash
    user = sign_in(session, vault, code)
    assert (user.role, user.person_id, user.password_hash) == (Role.SEEKER, worker.id, None)
    # The code works once.
    with pytest.raises(CodeRefused):
        sign_in(session, vault, code)
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert "auth.code_requested" in actions and "auth.sign_in" in actions


def test_a_login_code_is_not_held_back_by_the_sms_quiet_hours(session, vault, worker, frozen_clock):
    frozen_clock.move_to(dt.datetime(2026, 11, 24, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    _, message_id = ask(session, vault)
    message = session.get(OutboxMessage, message_id)
    assert message.next_attempt_at.replace(tzinfo=dt.UTC) == now_utc()


def test_an_existing_seeker_account_is_the_one_signed_in(session, vault, worker):
    from jobs.access.accounts import add_user

    account = add_user(session, vault, username="wangwu", role=Role.SEEKER,
                       id_number=vault.decrypt(worker.id_number_encrypted)).user
    ask(session, vault)
    assert sign_in(session, vault, sent_code(session)).id == account.id
    assert session.scalar(select(func.count()).select_from(User).where(User.person_id == worker.id)) == 1


def test_a_code_expires_after_five_minutes(session, vault, worker, frozen_clock):
    ask(session, vault)
    code = sent_code(session)
    frozen_clock.shift(dt.timedelta(minutes=5, seconds=1))
    with pytest.raises(CodeRefused) as refused:
        sign_in(session, vault, code)
    assert refused.value.message == WRONG


def test_a_code_still_works_just_before_five_minutes(session, vault, worker, frozen_clock):
    ask(session, vault)
    code = sent_code(session)
    frozen_clock.shift(dt.timedelta(minutes=4, seconds=59))
    assert sign_in(session, vault, code).person_id == worker.id


def test_five_wrong_tries_kill_the_code(session, vault, worker):
    ask(session, vault)
    code = sent_code(session)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        with pytest.raises(CodeRefused) as refused:
            sign_in(session, vault, wrong)
        assert refused.value.message == WRONG
    with pytest.raises(CodeRefused) as refused:
        sign_in(session, vault, wrong)
    assert "5 次" in refused.value.message
    with pytest.raises(CodeRefused):  # the right code no longer helps
        sign_in(session, vault, code)


def test_one_code_a_minute_per_number(session, vault, worker, frozen_clock):
    ask(session, vault)
    frozen_clock.shift(dt.timedelta(seconds=30))
    with pytest.raises(TooManyCodes) as refused:
        ask(session, vault)
    assert "31 秒" in refused.value.message
    frozen_clock.shift(dt.timedelta(seconds=31))
    ask(session, vault)


def test_only_the_newest_code_counts(session, vault, worker, frozen_clock):
    ask(session, vault)
    first = sent_code(session)
    frozen_clock.shift(dt.timedelta(minutes=1))
    ask(session, vault)
    second = sent_code(session)
    if first != second:
        with pytest.raises(CodeRefused):
            sign_in(session, vault, first)
    assert sign_in(session, vault, second).person_id == worker.id


def test_ten_codes_a_day_per_number(session, vault, worker, frozen_clock):
    for _ in range(10):
        ask(session, vault)
        frozen_clock.shift(dt.timedelta(minutes=2))
    with pytest.raises(TooManyCodes) as refused:
        ask(session, vault)
    assert "10 次" in refused.value.message
    # A rolling day: 24 hours after the first request there is room again.
    frozen_clock.shift(dt.timedelta(hours=24) - dt.timedelta(minutes=20))
    ask(session, vault)


def test_an_unknown_number_is_answered_and_limited_exactly_like_a_registered_one(session, vault, worker,
                                                                                 frozen_clock):
    known, _ = ask(session, vault, PHONE)
    unknown, message_id = ask(session, vault, UNKNOWN)
    assert message_id is None  # nothing is sent to a number nobody registered …
    assert type(known) is type(unknown) and known.valid_minutes == unknown.valid_minutes  # … nor said
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    # The same limits …
    with pytest.raises(TooManyCodes) as for_known:
        ask(session, vault, PHONE)
    with pytest.raises(TooManyCodes) as for_unknown:
        ask(session, vault, UNKNOWN)
    assert for_known.value.message == for_unknown.value.message
    # … and the same refusals, try by try, whatever code is typed.
    messages = {PHONE: [], UNKNOWN: []}
    for phone in messages:
        for _ in range(6):
            with pytest.raises(CodeRefused) as refused:
                sign_in(session, vault, "123456" if sent_code(session) != "123456" else "654321", phone=phone)
            messages[phone].append(refused.value.message)
    assert messages[PHONE] == messages[UNKNOWN]


def test_a_malformed_number_is_named_as_such(session, vault, frozen_clock):
    with pytest.raises(InvalidInput) as refused:
        ask(session, vault, "12345")
    assert "phone" in refused.value.fields
    with pytest.raises(CodeRefused):
        sign_in(session, vault, "123456", phone="12345")


def test_a_disabled_account_cannot_sign_in_by_code(session, vault, worker, frozen_clock):
    ask(session, vault)
    user = sign_in(session, vault, sent_code(session))
    user.active = False
    session.flush()
    frozen_clock.shift(dt.timedelta(minutes=1))
    ask(session, vault)
    with pytest.raises(CodeRefused) as refused:
        sign_in(session, vault, sent_code(session))
    assert "停用" in refused.value.message


def test_requests_for_one_number_at_once_get_one_code(runtime):
    """Six requests for one number at the same moment, each in its own transaction: one code, five refusals
    (PostgreSQL takes them in turn under an advisory lock; SQLite's writers queue anyway)."""
    import threading

    with runtime.db.transaction() as session:
        make_person(session, runtime.vault, phone="13512345678")
    now = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def fire() -> None:
        barrier.wait()
        try:
            with runtime.db.transaction() as session:
                request_code(session, runtime.vault, phone="13512345678", now=now)
            outcomes.append("sent")
        except TooManyCodes:
            outcomes.append("refused")
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            outcomes.append(repr(error))

    threads = [threading.Thread(target=fire) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * 5 + ["sent"]
    with runtime.db.session() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
