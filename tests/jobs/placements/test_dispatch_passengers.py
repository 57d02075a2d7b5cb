"""A dispatch's passengers before departure: places given by name, one person once, a passenger taken off again
(their placement no longer records the trip) but never after departure, and never through another dispatch."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from jobs.access import queries
from jobs.access.permissions import SYSTEM
from jobs.errors import InvalidInput, NotFound
from jobs.placements.dispatches import DispatchError, add_member, create_dispatch, depart, remove_member
from jobs.storage.models import AuditEvent, DispatchMember
from tests.factories import make_broker, make_broker_user, make_person, make_placement


def _trip(session, broker, **changes):
    values = dict(organiser_organisation_id=broker.organisation_id, organiser_broker_id=broker.id,
                  origin_region_code="宁乡市", destination_region_code="东莞", departure_date=dt.date(2026, 12, 5))
    return create_dispatch(session, **{**values, **changes}, actor=SYSTEM)


def test_places_may_be_given_by_name(session) -> None:
    dispatch = _trip(session, make_broker(session))
    assert (dispatch.origin_region_code, dispatch.destination_region_code) == ("430182", "4419")
    with pytest.raises(InvalidInput) as unknown:
        _trip(session, make_broker(session), destination_region_code="火星市")
    assert set(unknown.value.fields) == {"destination_region_code"}
    with pytest.raises(InvalidInput) as empty:
        _trip(session, make_broker(session), destination_region_code=" ")
    assert empty.value.fields["destination_region_code"] == ["请填写目的地（行政区划代码或名称）"]


def test_a_person_joins_a_dispatch_once(session, vault) -> None:
    dispatch = _trip(session, make_broker(session))
    person = make_person(session, vault)
    add_member(session, dispatch_id=dispatch.id, person_id=person.id, actor=SYSTEM)
    with pytest.raises(DispatchError, match="该人员已在本批次中"):
        add_member(session, dispatch_id=dispatch.id, person_id=person.id, actor=SYSTEM)


def test_a_passenger_is_taken_off_before_departure_only(session, vault) -> None:
    dispatch = _trip(session, make_broker(session))
    placement = make_placement(session, vault)
    member = add_member(session, dispatch_id=dispatch.id, person_id=placement.person_id, placement_id=placement.id,
                        actor=SYSTEM)
    assert placement.dispatch_id == dispatch.id
    remove_member(session, member_id=member.id, dispatch_id=dispatch.id, actor=SYSTEM)
    assert placement.dispatch_id is None
    assert session.scalar(select(DispatchMember).where(DispatchMember.dispatch_id == dispatch.id)) is None
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "dispatch.remove_member")).one()
    assert event.before["placement_id"] == placement.id
    again = add_member(session, dispatch_id=dispatch.id, person_id=placement.person_id, actor=SYSTEM)
    depart(session, dispatch_id=dispatch.id, actor=SYSTEM)
    with pytest.raises(DispatchError, match="出发后不能再移出人员"):
        remove_member(session, member_id=again.id, actor=SYSTEM)


def test_a_member_is_removed_only_through_its_own_dispatch_and_by_its_organiser(session, vault) -> None:
    broker = make_broker(session)
    first, second = _trip(session, broker), _trip(session, broker)
    member = add_member(session, dispatch_id=first.id, person_id=make_person(session, vault).id, actor=SYSTEM)
    with pytest.raises(NotFound):
        remove_member(session, member_id=member.id, dispatch_id=second.id, actor=SYSTEM)
    stranger = make_broker_user(session, make_broker(session))
    with pytest.raises(NotFound):
        remove_member(session, member_id=member.id, actor=stranger)


def test_the_passengers_offered_are_the_brokers_placed_then_matched_workers(session, vault) -> None:
    broker = make_broker(session)
    user = make_broker_user(session, broker)
    placed = make_placement(session, vault, broker=broker, state="hired")
    other = make_placement(session, vault, broker=make_broker(session), state="hired")
    dispatch = _trip(session, broker)
    offered = queries.passenger_choices(session, user, dispatch.id, vault=vault)
    assert (placed.person_id, placed.id) in [(c.person_id, c.placement_id) for c in offered]
    assert other.person_id not in [c.person_id for c in offered]
    add_member(session, dispatch_id=dispatch.id, person_id=placed.person_id, placement_id=placed.id, actor=user)
    assert placed.person_id not in [c.person_id for c in queries.passenger_choices(session, user, dispatch.id,
                                                                                     vault=vault)]
