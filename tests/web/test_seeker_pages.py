"""The seeker's phone pages (/m/) through the test client: sign-in by phone and the code from the outbox (no hint
whether a number is registered), the offers with reasons in plain words, 感兴趣 reaching the broker's and the
county's queue, messages unread first, work, subsidies and my information (an edit re-matches at once); another
seeker's offer or message is 404, staff get 403, and every page stays under 100 KB."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import event, select

from jobs.access.permissions import SYSTEM
from jobs.lists.importing import occupation_code
from jobs.placements.dispatches import add_member, create_dispatch
from jobs.service.outbox import Channels, deliver_due, notify_person
from jobs.storage.clock import now_utc
from jobs.storage.enums import MatchStatus, Role
from jobs.storage.models import Match, OutboxMessage, Person, WantedOccupation
from jobs.subsidy.claims import evaluate_claims
from tests.factories import make_employer, make_hired_placement, make_person, make_post
from tests.web.conftest import csrf_token, sign_in

SEEKER_PHONE = "13800138000"  # the seeker of people_of_every_role (李四, 宁乡)
OTHER_PHONE = "13711112222"
UNKNOWN_PHONE = "13999990000"
PAGE_LIMIT = 100 * 1024
# What may differ between two numbers' pages: the number itself (masked, or as typed) and the CSRF token.
MASKED_OR_TYPED = r'1\d\d\*{4}\d{4}|value="[^"]{40,}"|value="1\d{10}"'
PAGES = ("/m/", "/m/messages", "/m/work", "/m/subsidies", "/m/info")


@dataclass(frozen=True)
class Offers:
    mine: int  # 李四 × 电焊工 in 东莞
    pushed: int  # 李四 × 普工, already pushed
    others: int  # another 宁乡 seeker's offer
    other_message: int
    my_messages: tuple[int, int]
    other_person: int


@pytest.fixture
def offers(runtime, people_of_every_role, frozen_clock) -> Offers:
    seeker = people_of_every_role[Role.SEEKER]
    with runtime.db.transaction() as session:
        employer = make_employer(session, name="东莞市长安精密五金厂", region_code="441900")
        welder = make_post(session, employer=employer, title="电焊工", region_code="441900", wage_min=7000,
                           wage_max=9000, board=True, lodging=True, contract_months=24,
                           occupation_code=occupation_code("电焊工"))
        general = make_post(session, employer=employer, title="普工", region_code="441900", wage_min=4500,
                            wage_max=5500)
        other = make_person(session, runtime.vault, name="赵六", phone=OTHER_PHONE, household_region_code="430182")
        rows = [Match(person_id=seeker.person_id, post_id=welder.id, score=91, reasons="工种相符", components={}),
                Match(person_id=seeker.person_id, post_id=general.id, score=60, reasons="工种不同",
                      components={}, status=MatchStatus.PUSHED),
                Match(person_id=other.id, post_id=welder.id, score=80, reasons="工种相符", components={})]
        session.add_all(rows)
        me = session.get(Person, seeker.person_id)
        for key, title in (("read-me", "岗位信息"), ("later", "职业指导")):
            notify_person(session, person=me, kind="push", key=f"t:{key}", title=title, body=f"{title}内容",
                          sms_text=title, now=now_utc())
        notify_person(session, person=other, kind="push", key="t:other", title="别人的消息", body="不给李四看",
                      sms_text="x", now=now_utc())
        session.flush()
        ids = [r.id for r in rows]
    deliver_due(runtime.db, Channels(vault=runtime.vault), now=now_utc() + dt.timedelta(days=1))
    from jobs.storage.models import InboxMessage

    with runtime.db.session() as session:
        inbox = {m.title: m.id for m in session.scalars(select(InboxMessage))}
    return Offers(ids[0], ids[1], ids[2], inbox["别人的消息"], (inbox["岗位信息"], inbox["职业指导"]), other.id)


def latest_code(runtime) -> str:
    with runtime.db.session() as session:
        message = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "login_code")
                                  .order_by(OutboxMessage.id.desc())).first()
    return re.search(r"验证码是(\d{6})", message.body).group(1)


def ask_code(client, phone: str):
    token = csrf_token(client.get("/m/login").get_data(as_text=True))
    return client.post("/m/login", data={"phone": phone, "csrf_token": token})


def type_code(client, code: str):
    token = csrf_token(client.get("/m/login/code").get_data(as_text=True))
    return client.post("/m/login/code", data={"code": code, "csrf_token": token})


def sign_in_by_code(client, runtime, phone: str = SEEKER_PHONE) -> None:
    assert ask_code(client, phone).status_code == 302
    assert type_code(client, latest_code(runtime)).headers["Location"].endswith("/m/")


@pytest.fixture
def seeker(client, runtime, offers):
    sign_in_by_code(client, runtime)
    return client


@contextlib.contextmanager
def connections_taken(runtime) -> Iterator[list[object]]:
    """Each connection taken from the app's pool within the block."""
    taken: list[object] = []

    def note(_dbapi_connection, record, _proxy) -> None:
        taken.append(record)

    event.listen(runtime.db.engine, "checkout", note)
    try:
        yield taken
    finally:
        event.remove(runtime.db.engine, "checkout", note)


def post_on(client, page: str, url: str, data: dict):
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


# -- sign-in ----------------------------------------------------------------------------------------------


def test_a_seeker_signs_in_with_the_code_from_the_outbox(client, runtime, offers, people_of_every_role):
    from jobs.storage.models import User

    with runtime.db.transaction() as session:  # as the demo's seekers: a generated password not yet replaced
        session.get(User, people_of_every_role[Role.SEEKER].user_id).must_change_password = True
    login = client.get("/m/login")
    assert login.status_code == 200 and "手机号登录" in login.get_data(as_text=True)
    asked = ask_code(client, "138 0013 8000")
    assert asked.status_code == 302 and asked.headers["Location"].endswith("/m/login/code")
    page = client.get("/m/login/code").get_data(as_text=True)
    assert "138****8000" in page and "验证码" in page
    done = type_code(client, latest_code(runtime))
    assert done.status_code == 302
    offers_page = client.get("/m/").get_data(as_text=True)
    assert "我的岗位推荐" in offers_page and "电焊工" in offers_page
    # The demo seeker's generated password is never asked for: a code session has no password to change.
    assert client.get("/m/info").status_code == 200


def test_an_unknown_number_gets_the_same_answer_as_a_registered_one(app, runtime, offers, people_of_every_role):
    answers = {}
    for phone in (SEEKER_PHONE, UNKNOWN_PHONE):
        client = app.test_client()
        asked = ask_code(client, phone)
        flashed = client.get("/m/login/code")
        wrong = type_code(client, "000000" if latest_code(runtime) != "000000" else "111111")
        again = ask_code(client, phone)
        shown = lambda r: re.sub(MASKED_OR_TYPED, "X", r.get_data(as_text=True))  # noqa: E731
        answers[phone] = (asked.status_code, asked.headers["Location"], flashed.status_code, shown(flashed),
                          wrong.status_code, shown(wrong), again.status_code, shown(again))
    assert answers[SEEKER_PHONE] == answers[UNKNOWN_PHONE]
    assert answers[UNKNOWN_PHONE][4] == 401 and answers[UNKNOWN_PHONE][6] == 429


def test_a_malformed_number_is_named_on_the_page(client, offers):
    answer = ask_code(client, "123")
    assert answer.status_code == 422 and "手机号码" in answer.get_data(as_text=True)


def test_the_code_page_without_a_number_goes_back_to_the_first_step(client):
    assert client.get("/m/login/code").headers["Location"].endswith("/m/login")


def test_the_sign_in_steps_are_rate_limited_per_address(app, runtime, offers):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per minute"
    client = app.test_client()
    statuses = [ask_code(client, f"1370000000{n}").status_code for n in range(4)]
    assert statuses[:3] == [302, 302, 302] and statuses[3] == 429


# -- who may open what ------------------------------------------------------------------------------------


def test_every_page_opens_for_the_seeker_and_stays_small(seeker):
    for url in PAGES:
        response = seeker.get(url)
        assert response.status_code == 200, url
        assert len(response.get_data()) < PAGE_LIMIT, url
        page = response.get_data(as_text=True)
        assert "seeker.css" in page and "bangfu.css" not in page
        assert "<script>" not in page and " style=" not in page


def test_nobody_signed_in_is_sent_to_the_phone_sign_in(client):
    for url in PAGES:
        assert client.get(url).headers["Location"].endswith("/m/login"), url


def test_staff_get_403(client, signed_in):
    signed_in(Role.BROKER)
    for url in PAGES:
        assert client.get(url).status_code == 403, url


def test_another_seekers_offer_and_message_are_not_found(seeker, offers):
    answered = post_on(seeker, "/m/", f"/m/offers/{offers.others}/interest", {"answer": "yes"})
    assert answered.status_code == 404
    assert post_on(seeker, "/m/messages", f"/m/messages/{offers.other_message}/read", {}).status_code == 404
    assert "别人的消息" not in seeker.get("/m/messages").get_data(as_text=True)
    assert "赵六" not in seeker.get("/m/").get_data(as_text=True)


# -- offers -----------------------------------------------------------------------------------------------


def test_offers_show_the_job_and_the_reasons_in_plain_words(seeker, offers):
    page = seeker.get("/m/").get_data(as_text=True)
    assert page.index("电焊工") < page.index("普工")  # best first
    for text in ("东莞市长安精密五金厂", "7000-9000", "包吃包住", "合同2年", "在外省：从湖南省到广东省",
                 "您想做电焊工，这个岗位是电焊工", "在您想去的广东", "符合您的期望", "感兴趣", "不感兴趣"):
        assert text in page, text
    # The read-aloud button is there for the script to show, hidden without it.
    assert 'class="speak"' in page and "hidden" in page and "seeker.js" in page


def test_the_offers_page_takes_one_database_connection_other_pages_their_own(seeker, runtime, offers):
    # The signed-in seeker is loaded in the session the offers are then read in (web.reads); another page reads
    # in sessions of its own beside the one the seeker was loaded in.
    with connections_taken(runtime) as taken:
        assert "电焊工" in seeker.get("/m/").get_data(as_text=True)
    assert len(taken) == 1
    with connections_taken(runtime) as taken:
        assert seeker.get("/m/messages").status_code == 200
    assert len(taken) > 1


def test_interest_reaches_the_brokers_and_the_countys_queue(app, seeker, runtime, offers, people_of_every_role):
    answered = post_on(seeker, "/m/", f"/m/offers/{offers.mine}/interest", {"answer": "yes", "reason": "想学技术"})
    assert answered.status_code == 303
    with runtime.db.session() as session:
        match = session.get(Match, offers.mine)
        assert match.status is MatchStatus.INTERESTED and match.answer_note == "想学技术"
        assert match.answered_at is not None
    assert "您已表示感兴趣" in seeker.get("/m/").get_data(as_text=True)
    for role, url in ((Role.BROKER, "/broker/interest"), (Role.COUNTY_STAFF, "/county/interest")):
        staff = app.test_client()
        account = people_of_every_role[role]
        sign_in(staff, account.username, account.password)
        page = staff.get(url).get_data(as_text=True)
        assert "李四" in page and "电焊工" in page and "想学技术" in page, role
        assert "赵六" not in page


def test_not_interested_declines_for_good(seeker, runtime, offers):
    assert post_on(seeker, "/m/", f"/m/offers/{offers.pushed}/interest", {"answer": "no"}).status_code == 303
    with runtime.db.session() as session:
        assert session.get(Match, offers.pushed).status is MatchStatus.DECLINED
    assert "普工" not in seeker.get("/m/").get_data(as_text=True)
    assert post_on(seeker, "/m/", f"/m/offers/{offers.pushed}/interest", {"answer": "yes"}).status_code == 409


# -- messages, work, subsidies, info ----------------------------------------------------------------------


def test_messages_unread_first_and_marked_read(seeker, offers):
    first, second = offers.my_messages
    assert post_on(seeker, "/m/messages", f"/m/messages/{first}/read", {}).status_code == 303
    page = seeker.get("/m/messages").get_data(as_text=True)
    assert page.index("职业指导") < page.index("岗位信息")  # the unread one first
    assert page.count("标为已读") == 1


def test_work_and_subsidies_show_the_placement_the_trip_and_the_claims(seeker, runtime, offers,
                                                                        people_of_every_role):
    from jobs.storage.models import Organisation

    person_id = people_of_every_role[Role.SEEKER].person_id
    with runtime.db.transaction() as session:
        employer = make_employer(session, name="东莞市凤岗电子厂", region_code="441900")
        post = make_post(session, employer=employer, title="电子装配工", region_code="441900")
        placement = make_hired_placement(session, runtime.vault, person=session.get(Person, person_id), post=post)
        organisation = session.scalars(select(Organisation).where(Organisation.name == "宁乡市人社局")).one()
        dispatch = create_dispatch(session, organiser_organisation_id=organisation.id, origin_region_code="430182",
                                   destination_region_code="441900", departure_date=dt.date(2026, 12, 5),
                                   escort="刘队长 13700000000", meeting_point="宁乡市汽车西站", actor=SYSTEM)
        add_member(session, dispatch_id=dispatch.id, person_id=person_id, placement_id=placement.id, actor=SYSTEM)
    with runtime.db.session() as session:
        evaluate_claims(session, vault=runtime.vault, as_of=dt.date(2024, 12, 31), actor=SYSTEM)
    work = seeker.get("/m/work").get_data(as_text=True)
    for text in ("电子装配工", "东莞市凤岗电子厂", "2026年12月05日", "宁乡市汽车西站", "刘队长", "出发安排"):
        assert text in work, text
    subsidies = seeker.get("/m/subsidies")
    assert subsidies.status_code == 200 and len(subsidies.get_data()) < PAGE_LIMIT
    for text in ("一次性交通补助", "发给您本人", "政策依据", "湘人社规〔2021〕10号"):
        assert text in subsidies.get_data(as_text=True), text


def test_my_information_is_masked_and_an_edit_rematches_at_once(seeker, runtime, offers, people_of_every_role):
    person_id = people_of_every_role[Role.SEEKER].person_id
    page = seeker.get("/m/info").get_data(as_text=True)
    assert "138****8000" in page and "13800138000" not in page and "********" in page
    with runtime.db.transaction() as session:
        guard = make_post(session, employer=make_employer(session, name="东莞市安保服务公司", region_code="441900"),
                          title="保安员", region_code="441900", wage_min=5000, wage_max=6000,
                          occupation_code=occupation_code("保安员"))
        guard_id = guard.id
    saved = post_on(seeker, "/m/info", "/m/info", {"jobs": "保安", "places": "广东", "wage_min": "5000",
                                                   "wage_max": "7000", "training": "y"})
    assert saved.status_code == 303
    with runtime.db.session() as session:
        assert session.scalars(select(WantedOccupation.text).where(WantedOccupation.person_id == person_id)).all() \
            == ["保安"]
        assert session.scalar(select(Match.id).where(Match.person_id == person_id, Match.post_id == guard_id))
        from jobs.storage.models import ChannelPreference

        assert session.get(ChannelPreference, person_id).sms is False  # unticked
    assert "保安员" in seeker.get("/m/").get_data(as_text=True)


def test_a_bad_edit_is_named_next_to_its_field(seeker, offers):
    answer = post_on(seeker, "/m/info", "/m/info", {"jobs": "电焊工", "places": "广东", "wage_min": "8000",
                                                    "wage_max": "5000"})
    assert answer.status_code == 422 and "最高工资不能低于最低工资" in answer.get_data(as_text=True)


def test_an_idle_phone_session_ends_back_at_the_phone_sign_in(seeker, frozen_clock):
    frozen_clock.shift(dt.timedelta(minutes=31))
    ended = seeker.get("/m/work")
    assert ended.status_code == 302 and ended.headers["Location"].endswith("/m/login")
    assert seeker.get("/m/").headers["Location"].endswith("/m/login")
