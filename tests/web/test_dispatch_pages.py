"""The brokers' dispatches through the test client: planning a trip (the form keeps what was typed and shows
Chinese errors by the field), adding passengers from the workers the broker placed or matched, taking one off
before departure, departing (a second departure is a conflict, said in Chinese), and following the arrivals the
destination's workstation checks in. Another organisation's dispatch answers 404. Recommending asks in whose
name when the organisation has several brokers.

The end-to-end walk: recommend → hire → create a dispatch → add passengers → depart → the workstation checks the
arrivals in → the broker sees them arrived."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from jobs.access.permissions import SYSTEM
from jobs.placements.dispatches import create_dispatch
from jobs.placements.placements import hire_placement
from jobs.storage.enums import ArrivalStatus, DispatchStatus, PlacementStatus, Role
from jobs.storage.models import AuditEvent, Dispatch, DispatchMember, Match, Organisation, Placement
from tests.factories import make_broker, make_employer, make_person, make_post
from tests.web.conftest import csrf_token, sign_in


@dataclass(frozen=True)
class World:
    worker_id: int  # 宁乡, matched to the post at 90
    second_id: int  # 宁乡, matched to the post at 80
    stranger_id: int  # 湘潭, matched too: not the broker's to see
    post_id: int
    broker_id: int  # the broker row of the signed-in broker's organisation
    foreign_dispatch_id: int  # organised by another broker


@pytest.fixture
def world(runtime, people_of_every_role) -> World:
    with runtime.db.transaction() as session:
        organisation = session.scalars(select(Organisation).where(Organisation.name == "宁乡市众诚劳务")).one()
        own = make_broker(session, organisation=organisation, name="宁乡市众诚劳务")
        other = make_broker(session)
        post = make_post(session, employer=make_employer(session, name="东莞某电子厂", region_code="441900"),
                         region_code="441900", title="电焊工")
        worker = make_person(session, runtime.vault, name="郑九", household_region_code="430182")
        second = make_person(session, runtime.vault, name="冯十二", household_region_code="430182")
        stranger = make_person(session, runtime.vault, name="湘潭人", household_region_code="430321")
        session.add_all([Match(person_id=p.id, post_id=post.id, score=score, reasons="工种相符", components={})
                         for p, score in ((worker, 90), (second, 80), (stranger, 95))])
        foreign = create_dispatch(session, organiser_organisation_id=other.organisation_id,
                                  organiser_broker_id=other.id, origin_region_code="430182",
                                  destination_region_code="441900", departure_date=dt.date(2026, 12, 1),
                                  actor=SYSTEM)
        return World(worker.id, second.id, stranger.id, post.id, own.id, foreign.id)


@pytest.fixture
def broker(client, signed_in):
    signed_in(Role.BROKER)
    return client


def post(client, url: str, data: dict | None = None, *, page: str):
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client.get(page).get_data(as_text=True))})


TRIP = {"organiser_broker_id": "", "departure_date": "2026-12-05", "departure_time": "07:30",
        "origin_region_code": "430182",
        "destination_region_code": "东莞市", "transport": "chartered_coach", "vehicle": "湘A·12345 大巴",
        "meeting_point": "宁乡汽车站东广场",
        "escort": "刘建国 138****5678", "total_cost": "3600", "external_key": "NX-2026-12"}


def create(client, world: World, **changes) -> int:
    done = post(client, "/broker/dispatches/new", {**TRIP, "organiser_broker_id": world.broker_id, **changes},
                page="/broker/dispatches/new")
    assert done.status_code == 302, done.get_data(as_text=True)
    return int(re.search(r"/broker/dispatches/(\d+)$", done.headers["Location"]).group(1))


def test_a_dispatch_is_planned_from_the_form(broker, runtime, world):
    form = broker.get("/broker/dispatches/new").get_data(as_text=True)
    assert "出发日期" in form and "带队人及联系电话" in form and 'value="430182"' in form  # leaving the broker's area
    dispatch_id = create(broker, world)
    with runtime.db.session() as session:
        made = session.get(Dispatch, dispatch_id)
        assert (made.destination_region_code, made.organiser_broker_id, made.status) == (
            "4419", world.broker_id, DispatchStatus.PLANNED)
        assert str(made.total_cost) == "3600.00" and made.escort == "刘建国 138****5678"
        assert made.departure_at.replace(tzinfo=dt.UTC) == dt.datetime(2026, 12, 4, 23, 30, tzinfo=dt.UTC)
    page = broker.get(f"/broker/dispatches/{dispatch_id}").get_data(as_text=True)
    assert "NX-2026-12" in page and "东莞市" in page and "还没有出行人员" in page and "2026-12-05 07:30" in page
    assert f"/broker/dispatches/{dispatch_id}" in broker.get("/broker/dispatches").get_data(as_text=True)


def test_a_wrong_form_keeps_what_was_typed_and_says_what_is_wrong_in_chinese(broker, runtime, world):
    bad = post(broker, "/broker/dispatches/new",
               {**TRIP, "organiser_broker_id": world.broker_id, "departure_date": "2026-12-32",
                "departure_time": "7点半", "total_cost": "三千"}, page="/broker/dispatches/new")
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "日期格式应为" in page and "应填写金额数字" in page and "时间格式应为" in page
    assert "湘A·12345 大巴" in page and "宁乡汽车站东广场" in page and "NX-2026-12" in page
    unknown = post(broker, "/broker/dispatches/new",
                   {**TRIP, "organiser_broker_id": world.broker_id, "destination_region_code": "火星市"},
                   page="/broker/dispatches/new")
    assert unknown.status_code == 422 and "目的地" in unknown.get_data(as_text=True)
    assert 'value="火星市"' in unknown.get_data(as_text=True)
    other = post(broker, "/broker/dispatches/new", {**TRIP, "organiser_broker_id": 999_999},
                 page="/broker/dispatches/new")
    assert other.status_code == 422 and "请从列表中选择" in other.get_data(as_text=True)
    with runtime.db.session() as session:
        assert session.scalar(select(Dispatch.id).where(Dispatch.external_key == "NX-2026-12")) is None


def test_passengers_are_chosen_from_the_brokers_workers_and_removed_before_departure(broker, runtime, world):
    dispatch_id = create(broker, world)
    url = f"/broker/dispatches/{dispatch_id}"
    page = broker.get(url).get_data(as_text=True)
    assert "郑九" in page and "冯十二" in page and "湘潭人" not in page
    added = post(broker, f"{url}/passengers", {"choice": f"{world.worker_id}:"}, page=url)
    assert added.status_code == 302
    assert post(broker, f"{url}/passengers", {"choice": f"{world.second_id}:"}, page=url).status_code == 302
    nobody = post(broker, f"{url}/passengers", {"choice": ""}, page=url)
    assert nobody.status_code == 422 and "请选择出行人员" in nobody.get_data(as_text=True)
    twice = post(broker, f"{url}/passengers", {"choice": f"{world.worker_id}:"}, page=url)
    assert twice.status_code == 409 and "该人员已在本批次中" in twice.get_data(as_text=True)
    stranger = post(broker, f"{url}/passengers", {"choice": f"{world.stranger_id}:"}, page=url)
    assert stranger.status_code == 404
    with runtime.db.session() as session:
        members = {m.person_id: m.id for m in session.scalars(
            select(DispatchMember).where(DispatchMember.dispatch_id == dispatch_id))}
    assert set(members) == {world.worker_id, world.second_id}
    removed = post(broker, f"{url}/passengers/{members[world.second_id]}/remove", page=url)
    assert removed.status_code == 302
    with runtime.db.session() as session:
        assert session.get(DispatchMember, members[world.second_id]) is None
        assert session.scalar(select(AuditEvent.id).where(AuditEvent.action == "dispatch.remove_member"))
    assert post(broker, f"{url}/depart", page=url).status_code == 302
    late = post(broker, f"{url}/passengers/{members[world.worker_id]}/remove", page=url)
    assert late.status_code == 409 and "出发后不能再移出人员" in late.get_data(as_text=True)
    again = post(broker, f"{url}/depart", page=url)
    assert again.status_code == 409 and "不能变更为“已出发”" in again.get_data(as_text=True)


def test_another_organisations_dispatch_answers_404(broker, world):
    url = f"/broker/dispatches/{world.foreign_dispatch_id}"
    token = csrf_token(broker.get("/broker/dispatches/new").get_data(as_text=True))
    assert broker.get(url).status_code == 404
    for action in ("/depart", "/passengers", "/passengers/1/remove"):
        assert broker.post(url + action, data={"csrf_token": token, "choice": f"{world.worker_id}:"}).status_code == 404


def test_a_member_of_another_dispatch_is_not_removed_through_this_one(broker, runtime, world):
    first, second = create(broker, world), create(broker, world, external_key="NX-2")
    url = f"/broker/dispatches/{first}"
    post(broker, f"{url}/passengers", {"choice": f"{world.worker_id}:"}, page=url)
    with runtime.db.session() as session:
        member = session.scalars(select(DispatchMember).where(DispatchMember.dispatch_id == first)).one().id
    assert post(broker, f"/broker/dispatches/{second}/passengers/{member}/remove",
                page=url).status_code == 404


def test_posting_without_the_csrf_token_is_refused(broker, runtime, world):
    refused = broker.post("/broker/dispatches/new", data={**TRIP, "organiser_broker_id": world.broker_id})
    assert refused.status_code == 400
    with runtime.db.session() as session:
        assert session.scalar(select(Dispatch.id).where(Dispatch.external_key == "NX-2026-12")) is None


def test_recommending_asks_in_whose_name_when_the_organisation_has_several_brokers(broker, runtime, world):
    with runtime.db.transaction() as session:
        organisation = session.scalars(select(Organisation).where(Organisation.name == "宁乡市众诚劳务")).one()
        agent = make_broker(session, organisation=organisation, name="刘建国（宁乡市劳务经纪人）").id
        foreign = make_broker(session).id
    url = f"/broker/posts/{world.post_id}"
    page = broker.get(url).get_data(as_text=True)
    assert "以哪位经纪人名义" in page and "刘建国（宁乡市劳务经纪人）" in page
    unnamed = post(broker, f"{url}/recommend", {"person_id": world.worker_id}, page=url)
    assert unnamed.status_code == 422 and "请选择以哪位经纪人的名义推荐" in unnamed.get_data(as_text=True)
    theirs = post(broker, f"{url}/recommend", {"person_id": world.worker_id, "broker_id": foreign}, page=url)
    assert theirs.status_code == 422
    done = post(broker, f"{url}/recommend", {"person_id": world.worker_id, "broker_id": agent}, page=url)
    assert done.status_code == 302
    with runtime.db.session() as session:
        placement = session.scalars(select(Placement).where(Placement.person_id == world.worker_id)).one()
        assert placement.broker_id == agent


def test_the_workflow_from_recommendation_to_arrival(app, broker, runtime, world, people_of_every_role):
    # The broker recommends 郑九 for the post (one broker record: recommended in its name without asking).
    url = f"/broker/posts/{world.post_id}"
    assert "以哪位经纪人名义" not in broker.get(url).get_data(as_text=True)
    assert post(broker, f"{url}/recommend", {"person_id": world.worker_id}, page=url).status_code == 302
    # The employer hires him.
    with runtime.db.transaction() as session:
        placement = session.scalars(select(Placement).where(Placement.person_id == world.worker_id)).one()
        hire_placement(session, placement_id=placement.id, start_date=dt.date(2026, 12, 6), actor=SYSTEM)
        placement_id = placement.id
    # The broker plans the trip and puts him on it with his placement, and 冯十二, who is only matched.
    dispatch_id = create(broker, world)
    trip = f"/broker/dispatches/{dispatch_id}"
    choices = broker.get(trip).get_data(as_text=True)
    assert "宁乡汽车站东广场" in choices  # the meeting point, which the passengers see on their phones too
    assert f'value="{world.worker_id}:{placement_id}"' in choices and "已录用" in choices
    taken = post(broker, f"{trip}/passengers", {"choice": f"{world.worker_id}:{placement_id}"}, page=trip)
    assert taken.status_code == 302
    assert post(broker, f"{trip}/passengers", {"choice": f"{world.second_id}:"}, page=trip).status_code == 302
    assert post(broker, f"{trip}/depart", page=trip).status_code == 302
    with runtime.db.session() as session:
        assert session.get(Placement, placement_id).dispatch_id == dispatch_id
        assert session.get(Dispatch, dispatch_id).status is DispatchStatus.DEPARTED
        members = {m.person_id: m.id for m in session.scalars(
            select(DispatchMember).where(DispatchMember.dispatch_id == dispatch_id))}
    # The 东莞 workstation checks them in: one arrived, one did not travel.
    station = app.test_client()
    account = people_of_every_role[Role.WORKSTATION_STAFF]
    assert sign_in(station, account.username, account.password).status_code == 302
    arrivals = station.get("/station/arrivals").get_data(as_text=True)
    assert "郑九" in arrivals and "冯十二" in arrivals
    for person, arrival in ((world.worker_id, "arrived"), (world.second_id, "did_not_travel")):
        assert post(station, f"/station/arrivals/{members[person]}", {"arrival": arrival},
                    page="/station/arrivals").status_code == 302
    # The broker sees who arrived.
    page = broker.get(trip).get_data(as_text=True)
    assert re.search(r"郑九.*?<strong>已到达</strong>", page, re.S)
    assert re.search(r"冯十二.*?<strong>未出行</strong>", page, re.S)
    assert "已登记到达情况 2 人，已到达 1 人" in page
    with runtime.db.session() as session:
        assert session.get(DispatchMember, members[world.worker_id]).arrival is ArrivalStatus.ARRIVED
        assert session.get(Placement, placement_id).status is PlacementStatus.HIRED


def test_county_staff_cannot_open_the_brokers_dispatch_pages(client, signed_in, world):
    signed_in(Role.COUNTY_STAFF)
    assert client.get("/broker/dispatches/new").status_code == 403
