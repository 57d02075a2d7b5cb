"""Imports carry the organisation and user that made them and are refused outside the importer's area;
revealing a person's numbers needs a reason and the right, and is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jobs.errors import Forbidden, InvalidInput, NotFound
from jobs.lists import import_demand, import_supply
from jobs.people.reveal import Revealable, reveal_person
from jobs.storage.enums import Role
from jobs.storage.models import AuditEvent, DemandList, Employer, Person, Post, SupplyList
from tests.factories import make_person, make_user
from tests.jobs.lists.gallery import TODAY, county_list, supply_list


def test_a_demand_import_records_the_county_and_the_clerk_on_the_list_and_the_people(session, vault, tmp_path):
    clerk = make_user(session, role=Role.COUNTY_STAFF, region_code="430182")
    result = import_demand(session, vault, county_list(tmp_path), today=TODAY, actor=clerk)
    demand_list = session.get(DemandList, result.list_id)
    assert (demand_list.organisation_id, demand_list.compiled_by_id) == (clerk.organisation_id, clerk.id)
    owners = set(session.execute(select(Person.organisation_id, Person.created_by_user_id)).all())
    assert owners == {(clerk.organisation_id, clerk.id)}


def test_a_county_cannot_import_into_another_countys_list_and_a_broker_cannot_import_at_all(session, vault,
                                                                                             tmp_path):
    elsewhere = make_user(session, role=Role.COUNTY_STAFF, region_code="430321")  # the file is 宁乡's list
    with pytest.raises(Forbidden, match="无权导入该地区的就业需求清单"):
        import_demand(session, vault, county_list(tmp_path), today=TODAY, actor=elsewhere)
    assert session.scalar(select(DemandList.id)) is None and session.scalar(select(Person.id)) is None
    with pytest.raises(Forbidden):
        import_demand(session, vault, county_list(tmp_path), today=TODAY,
                      actor=make_user(session, role=Role.BROKER))


def test_a_supply_import_records_the_workstation_on_the_list_employers_and_posts(session, vault, tmp_path):
    station = make_user(session, role=Role.WORKSTATION_STAFF, region_code="4419")
    result = import_supply(session, vault, supply_list(tmp_path), today=TODAY, region="东莞", actor=station)
    supply = session.get(SupplyList, result.list_id)
    assert (supply.organisation_id, supply.compiled_by_id) == (station.organisation_id, station.id)
    for model in (Post, Employer):
        assert set(session.execute(select(model.organisation_id, model.created_by_user_id)).all()) == {
            (station.organisation_id, station.id)}
    with pytest.raises(Forbidden):
        import_supply(session, vault, supply_list(tmp_path), today=TODAY, region="苏州",
                      actor=make_user(session, role=Role.WORKSTATION_STAFF, region_code="4419"))


def test_a_broker_reveals_a_served_workers_phone_with_a_reason_and_it_is_audited(session, vault, frozen_clock):
    worker = make_person(session, vault, household_region_code="430182", phone="13912345678")
    broker = make_user(session, role=Role.BROKER, region_code="430182")
    with pytest.raises(InvalidInput) as caught:
        reveal_person(session, vault, person_id=worker.id, actor=broker, reason=" ")
    assert list(caught.value.fields) == ["reason"]
    revealed = reveal_person(session, vault, person_id=worker.id, actor=broker, reason="电话通知面试时间")
    assert (revealed.phone, revealed.id_number) == ("13912345678", None)
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "reveal")).one()
    assert (event.actor_user_id, event.object_id, event.after) == (
        broker.id, str(worker.id), {"fields": ["phone"], "reason": "电话通知面试时间"})


def test_workstation_staff_never_reveal_and_nobody_reveals_outside_their_scope(session, vault, world):
    with pytest.raises(Forbidden):
        reveal_person(session, vault, person_id=world.ningxiang.id, actor=world.workstation, reason="核实身份信息",
                      fields=(Revealable.ID_NUMBER,))
    with pytest.raises(NotFound):
        reveal_person(session, vault, person_id=world.ningxiang.id, actor=world.other_county, reason="核实身份信息")
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "reveal")).all() == []
