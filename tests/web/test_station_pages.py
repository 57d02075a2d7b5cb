"""The workstation staff's workspace through the test client: the employment-check queue of their city
(record employed or not with a date), reporting a job loss, and checking in the arrivals of dispatches coming
to the city. Placements and travellers of another city answer 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from jobs.access.permissions import SYSTEM
from jobs.placements.dispatches import add_member, create_dispatch, depart
from jobs.storage.enums import ArrivalStatus, PlacementStatus, Role
from jobs.storage.models import DispatchMember, EmploymentCheck, JobLoss, Organisation, Placement
from tests.factories import make_broker, make_employer, make_hired_placement, make_person, make_post
from tests.web.conftest import csrf_token


@dataclass(frozen=True)
class City:
    placement_id: int  # a 宁乡 worker in 东莞, started 2024-02-22: its 3-month check is long overdue
    other_placement_id: int  # a worker in 苏州
    member_id: int  # that worker, travelling to 东莞 on a dispatch that has left
    other_member_id: int  # a traveller to 苏州


@pytest.fixture
def city(runtime, people_of_every_role) -> City:
    with runtime.db.transaction() as session:
        broker = make_broker(session)
        dongguan = make_post(session, employer=make_employer(session, region_code="441900"), region_code="441900")
        suzhou = make_post(session, employer=make_employer(session, region_code="320506"), region_code="320506")
        worker = make_person(session, runtime.vault, name="周七", household_region_code="430182")
        other = make_person(session, runtime.vault, name="吴八", household_region_code="430182")
        here = make_hired_placement(session, runtime.vault, person=worker, post=dongguan, broker=broker)
        there = make_hired_placement(session, runtime.vault, person=other, post=suzhou, broker=broker)
        members = []
        for person, placement, destination in ((worker, here, "441900"), (other, there, "320506")):
            trip = create_dispatch(session, organiser_organisation_id=broker.organisation_id,
                                   organiser_broker_id=broker.id, origin_region_code="430182",
                                   destination_region_code=destination, departure_date=dt.date(2024, 2, 20),
                                   actor=SYSTEM)
            members.append(add_member(session, dispatch_id=trip.id, person_id=person.id,
                                      placement_id=placement.id, actor=SYSTEM).id)
            depart(session, dispatch_id=trip.id, actor=SYSTEM)
        return City(here.id, there.id, *members)


@pytest.fixture
def station(client, signed_in):
    signed_in(Role.WORKSTATION_STAFF)
    return client


def post(client, url: str, data: dict, page: str):
    return client.post(url, data={**data, "csrf_token": csrf_token(client.get(page).get_data(as_text=True))})


def test_the_check_queue_lists_the_citys_due_checks_and_records_one(station, runtime, city):
    page = station.get("/station/checks").get_data(as_text=True)
    assert "周七" in page and "吴八" not in page and "3 个月核实" in page and "逾期" in page
    bad = post(station, f"/station/placements/{city.placement_id}/check",
               {"check_date": "2024-02-30", "employed": "yes"}, "/station/checks")
    assert bad.status_code == 422 and "日期格式应为" in bad.get_data(as_text=True)
    done = post(station, f"/station/placements/{city.placement_id}/check",
                {"check_date": "2024-05-25", "employed": "yes", "evidence": "phone_call"}, "/station/checks")
    assert done.status_code == 302
    with runtime.db.session() as session:
        check = session.scalars(select(EmploymentCheck).where(EmploymentCheck.placement_id == city.placement_id)).one()
        assert (check.check_date, check.employed) == (dt.date(2024, 5, 25), True)
    assert "6 个月核实" in station.get("/station/checks").get_data(as_text=True)
    outside = post(station, f"/station/placements/{city.other_placement_id}/check",
                   {"check_date": "2024-05-25", "employed": "yes"}, "/station/checks")
    assert outside.status_code == 404


def test_a_job_loss_is_reported_from_the_queue(station, runtime, city):
    reported = post(station, f"/station/placements/{city.placement_id}/job-loss",
                    {"end_date": "2024-06-01", "reason": "quit"}, "/station/checks")
    assert reported.status_code == 302
    with runtime.db.session() as session:
        assert session.get(Placement, city.placement_id).status is PlacementStatus.ENDED
        assert session.scalars(select(JobLoss).where(JobLoss.placement_id == city.placement_id)).one()
    assert "周七" not in station.get("/station/checks").get_data(as_text=True)
    again = post(station, f"/station/placements/{city.placement_id}/job-loss",
                 {"end_date": "2024-06-01", "reason": "quit"}, "/station/checks")
    assert again.status_code == 409 and "不能变更为“已离岗”" in again.get_data(as_text=True)


def test_arrivals_coming_to_the_city_are_checked_in(station, runtime, city):
    page = station.get("/station/arrivals").get_data(as_text=True)
    assert "周七" in page and "吴八" not in page
    done = post(station, f"/station/arrivals/{city.member_id}", {"arrival": "arrived"}, "/station/arrivals")
    assert done.status_code == 302
    with runtime.db.session() as session:
        assert session.get(DispatchMember, city.member_id).arrival is ArrivalStatus.ARRIVED
    assert "周七" not in station.get("/station/arrivals").get_data(as_text=True)
    assert "周七" in station.get("/station/arrivals?all=1").get_data(as_text=True)
    outside = post(station, f"/station/arrivals/{city.other_member_id}", {"arrival": "arrived"}, "/station/arrivals")
    assert outside.status_code == 404


def test_county_staff_cannot_open_the_workstation_pages(client, signed_in, city):
    signed_in(Role.COUNTY_STAFF)
    assert client.get("/station/arrivals").status_code == 403
