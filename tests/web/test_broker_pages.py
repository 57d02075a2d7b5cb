"""The brokers' workspace through the test client: the people they serve with their best offers, a post's
candidates (never people of another area), recommending a worker (a proposed placement in the broker's name),
their dispatches and their claims; never another broker's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from jobs.access.permissions import SYSTEM
from jobs.placements.dispatches import create_dispatch
from jobs.placements.placements import record_check
from jobs.storage.enums import CheckEvidence, PlacementStatus, Role
from jobs.storage.models import Match, Organisation, Placement
from jobs.subsidy.claims import evaluate_claims
from tests.factories import make_broker, make_employer, make_hired_placement, make_person, make_post
from tests.web.conftest import csrf_token


@dataclass(frozen=True)
class Served:
    worker_id: int  # 宁乡, matched to the post at 88
    stranger_id: int  # 湘潭, matched too: not the broker's to see
    post_id: int
    broker_id: int  # the broker row of the signed-in broker's organisation


@pytest.fixture
def served(runtime, people_of_every_role) -> Served:
    with runtime.db.transaction() as session:
        organisation = session.scalars(select(Organisation).where(Organisation.name == "宁乡市众诚劳务")).one()
        own = make_broker(session, organisation=organisation, name="宁乡市众诚劳务")
        other = make_broker(session)
        post = make_post(session, employer=make_employer(session, name="东莞某电子厂", region_code="441900"),
                         region_code="441900", title="电焊工")
        worker = make_person(session, runtime.vault, name="郑九", household_region_code="430182")
        stranger = make_person(session, runtime.vault, name="湘潭人", household_region_code="430321")
        session.add_all([Match(person_id=worker.id, post_id=post.id, score=88, reasons="工种相符；期望工资相符",
                               components={}),
                         Match(person_id=stranger.id, post_id=post.id, score=95, reasons="工种相符", components={})])
        earlier = make_person(session, runtime.vault, name="钱十", household_region_code="430182")
        for person, broker in ((earlier, own), (make_person(session, runtime.vault, name="孙十一"), other)):
            placement = make_hired_placement(session, runtime.vault, person=person, post=post, broker=broker)
            record_check(session, placement_id=placement.id, check_date=dt.date(2024, 8, 23), employed=True,
                         evidence=CheckEvidence.PHONE_CALL, actor=SYSTEM)
        create_dispatch(session, organiser_organisation_id=organisation.id, organiser_broker_id=own.id,
                        origin_region_code="430182", destination_region_code="441900",
                        departure_date=dt.date(2026, 12, 5), actor=SYSTEM)
        ids = Served(worker.id, stranger.id, post.id, own.id)
    with runtime.db.session() as session:
        evaluate_claims(session, vault=runtime.vault, as_of=dt.date(2024, 12, 31), actor=SYSTEM)
    return ids


@pytest.fixture
def broker(client, signed_in):
    signed_in(Role.BROKER)
    return client


def test_the_people_served_show_their_best_offer(broker, served):
    page = broker.get("/broker/").get_data(as_text=True)
    assert "郑九" in page and "电焊工" in page and "工种相符；期望工资相符" in page and "88" in page
    assert "湘潭人" not in page
    assert "郑九" not in broker.get("/broker/?name=钱").get_data(as_text=True)


def test_a_posts_candidates_are_the_people_served_and_one_is_recommended(broker, runtime, served):
    page = broker.get(f"/broker/posts/{served.post_id}").get_data(as_text=True)
    assert "郑九" in page and "湘潭人" not in page
    assert "电焊工" in broker.get("/broker/posts").get_data(as_text=True)
    token = csrf_token(page)
    done = broker.post(f"/broker/posts/{served.post_id}/recommend",
                       data={"person_id": served.worker_id, "csrf_token": token})
    assert done.status_code == 302
    with runtime.db.session() as session:
        placement = session.scalars(select(Placement).where(Placement.person_id == served.worker_id)).one()
        assert (placement.status, placement.broker_id) == (PlacementStatus.PROPOSED, served.broker_id)
    outside = broker.post(f"/broker/posts/{served.post_id}/recommend",
                          data={"person_id": served.stranger_id, "csrf_token": token})
    assert outside.status_code == 404
    nobody = broker.post(f"/broker/posts/{served.post_id}/recommend", data={"csrf_token": token})
    assert nobody.status_code == 422 and "请选择要推荐的人员" in nobody.get_data(as_text=True)


def test_the_broker_sees_its_own_dispatches_and_claims_only(broker, served):
    assert "2026-12-05" in broker.get("/broker/dispatches").get_data(as_text=True)
    claims = broker.get("/broker/claims").get_data(as_text=True)
    assert "钱十" in claims and "孙十一" not in claims


def test_workstation_staff_cannot_open_the_brokers_pages(client, signed_in, served):
    signed_in(Role.WORKSTATION_STAFF)
    assert client.get("/broker/").status_code == 403
