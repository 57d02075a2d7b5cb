"""The placements workspace through the test client: the list each role may see (filtered by status and by
name), a placement's page with the moves its status allows, hiring with the form's Chinese errors by the field
(the typed values kept), starting, cancelling with a reason, a move the status forbids said in Chinese (409), and
a placement outside the user's scope answering 404."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from jobs.access.permissions import SYSTEM
from jobs.placements.placements import propose_placement
from jobs.storage.enums import PlacementStatus, Role
from jobs.storage.models import Organisation, Placement
from tests.factories import make_broker, make_employer, make_person, make_post
from tests.web.conftest import csrf_token


@dataclass(frozen=True)
class World:
    placement_id: int  # 宁乡 worker 郑九, proposed by the signed-in broker's organisation for a 东莞 post
    outside_id: int  # a 湘潭 worker's placement in 苏州, by another broker: nobody here may see it


@pytest.fixture
def world(runtime, people_of_every_role) -> World:
    with runtime.db.transaction() as session:
        organisation = session.scalars(select(Organisation).where(Organisation.name == "宁乡市众诚劳务")).one()
        own = make_broker(session, organisation=organisation, name="宁乡市众诚劳务")
        post = make_post(session, employer=make_employer(session, name="东莞某电子厂", region_code="441900"),
                         region_code="441900", title="电焊工", headcount=5)
        worker = make_person(session, runtime.vault, name="郑九", household_region_code="430182")
        stranger = make_person(session, runtime.vault, name="湘潭人", household_region_code="430321")
        elsewhere = make_post(session, employer=make_employer(session, name="苏州某厂", region_code="320506"),
                              region_code="320506", title="装配工")
        inside = propose_placement(session, person_id=worker.id, post_id=post.id, broker_id=own.id, actor=SYSTEM)
        outside = propose_placement(session, person_id=stranger.id, post_id=elsewhere.id,
                                    broker_id=make_broker(session).id, actor=SYSTEM)
        return World(inside.id, outside.id)


def post(client, url: str, data: dict | None = None, *, page: str):
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client.get(page).get_data(as_text=True))})


def status_of(runtime, placement_id: int) -> PlacementStatus:
    with runtime.db.session() as session:
        return session.get(Placement, placement_id).status


HIRE = {"start_date": "2026-12-01", "contract_months": "12", "employment_type": "direct", "social_insurance": "y",
        "round_trip_cost": "460", "round_trip_evidence": "G1234 车票"}


@pytest.mark.parametrize("role", [Role.COUNTY_STAFF, Role.BROKER, Role.WORKSTATION_STAFF], ids=str)
def test_each_role_lists_the_placements_in_its_scope_and_filters_them(client, signed_in, world, role):
    signed_in(role)
    listed = client.get("/placements/").get_data(as_text=True)
    assert "郑九" in listed and "东莞某电子厂" in listed and "已推荐" in listed and "湘潭人" not in listed
    assert "就业安置" in listed  # the menu item
    assert "郑九" in client.get("/placements/?status=proposed&text=郑").get_data(as_text=True)
    assert "郑九" not in client.get("/placements/?status=hired").get_data(as_text=True)
    assert "没有符合条件的就业安置" in client.get("/placements/?text=电子厂不存在").get_data(as_text=True)


def test_a_placement_outside_the_scope_answers_404_on_every_route(client, signed_in, world, runtime):
    signed_in(Role.WORKSTATION_STAFF)
    url = f"/placements/{world.outside_id}"
    assert client.get(url).status_code == 404
    for move, data in (("hire", HIRE), ("start", {}), ("cancel", {"reason": "不去了"})):
        assert post(client, f"{url}/{move}", data, page="/placements/").status_code == 404
    assert status_of(runtime, world.outside_id) is PlacementStatus.PROPOSED


def test_the_workstation_hires_then_starts_a_placement(client, signed_in, world, runtime):
    signed_in(Role.WORKSTATION_STAFF)
    url = f"/placements/{world.placement_id}"
    page = client.get(url).get_data(as_text=True)
    assert "郑九" in page and "东莞某电子厂" in page and "电焊工" in page and "宁乡市众诚劳务" in page
    assert 'id="hire"' in page and 'id="cancel"' in page and 'id="start"' not in page  # proposed: hire or cancel
    hired = post(client, f"{url}/hire", HIRE, page=url)
    assert hired.status_code == 302 and hired.location.endswith(url)
    page = client.get(url).get_data(as_text=True)
    assert "已录用" in page and "2026-12-01" in page and "12 个月" in page and "已参保" in page and "460" in page
    assert 'id="start"' in page and 'id="cancel"' in page and 'id="hire"' not in page
    started = post(client, f"{url}/start", page=url)
    assert started.status_code == 302 and status_of(runtime, world.placement_id) is PlacementStatus.ACTIVE
    page = client.get(url).get_data(as_text=True)
    assert "已登记上岗" in page and "在岗" in page  # the flash and the status
    assert 'id="start"' not in page and 'id="cancel"' not in page  # no move is left once the job has started


def test_a_bad_hire_form_keeps_what_was_typed_and_says_what_is_wrong(client, signed_in, world, runtime):
    signed_in(Role.BROKER)
    url = f"/placements/{world.placement_id}"
    missing = post(client, f"{url}/hire", {**HIRE, "start_date": "2026-13-40", "round_trip_cost": "四百"}, page=url)
    text = missing.get_data(as_text=True)
    assert missing.status_code == 422 and "日期格式应为" in text and "应填写金额数字" in text
    assert 'value="G1234 车票"' in text  # kept
    negative = post(client, f"{url}/hire", {**HIRE, "contract_months": "-3"}, page=url)
    text = negative.get_data(as_text=True)
    assert negative.status_code == 422 and "劳动合同期限不能为负数" in text and 'value="-3"' in text
    assert status_of(runtime, world.placement_id) is PlacementStatus.PROPOSED


def test_a_move_the_status_forbids_is_a_409_in_chinese(client, signed_in, world, runtime):
    signed_in(Role.COUNTY_STAFF)
    url = f"/placements/{world.placement_id}"
    early = post(client, f"{url}/start", page=url)
    assert early.status_code == 409
    assert "就业安置当前状态为“已推荐”，不能变更为“在岗”" in early.get_data(as_text=True)
    assert status_of(runtime, world.placement_id) is PlacementStatus.PROPOSED


def test_cancelling_needs_a_reason_and_then_no_move_is_left(client, signed_in, world, runtime):
    signed_in(Role.BROKER)
    url = f"/placements/{world.placement_id}"
    blank = post(client, f"{url}/cancel", {"reason": " "}, page=url)
    assert blank.status_code == 422 and "请填写取消原因" in blank.get_data(as_text=True)
    cancelled = post(client, f"{url}/cancel", {"reason": "本人改去县内务工"}, page=url)
    assert cancelled.status_code == 302 and status_of(runtime, world.placement_id) is PlacementStatus.CANCELLED
    page = client.get(url).get_data(as_text=True)
    assert "已取消" in page and "取消原因" not in page and 'id="hire"' not in page
    again = post(client, f"{url}/cancel", {"reason": "重复"}, page=url)
    assert again.status_code == 409 and "不能变更为“已取消”" in again.get_data(as_text=True)
