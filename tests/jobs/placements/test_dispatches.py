"""Organised dispatch: lifecycle, members, check-in, and the per-head charter cost as a worker's travel cost."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jobs.access.permissions import SYSTEM
from jobs.placements.dispatches import (
    DispatchError,
    add_member,
    arrive,
    check_in,
    close_dispatch,
    create_dispatch,
    depart,
    organises_output,
    per_head_cost,
    travel_cost,
)
from jobs.storage.enums import ArrivalStatus, DispatchStatus, TransportMode
from tests.factories import make_broker, make_placement

DAY = dt.date(2024, 2, 20)


def _dispatch(session, broker, total="900.00"):
    return create_dispatch(session, organiser_organisation_id=broker.organisation_id,
                           organiser_broker_id=broker.id, origin_region_code="430124",
                           destination_region_code="441900", departure_date=DAY,
                           transport=TransportMode.CHARTERED_COACH, vehicle="湘A·12345", escort="李四",
                           total_cost=None if total is None else Decimal(total), actor=SYSTEM)


def _three_members(session, vault, dispatch, **overrides):
    placements = [make_placement(session, vault, round_trip_cost=None, **overrides) for _ in range(3)]
    members = [add_member(session, dispatch_id=dispatch.id, person_id=p.person_id, placement_id=p.id, actor=SYSTEM)
               for p in placements]
    return placements, members


def test_a_dispatch_stores_current_region_codes(session) -> None:
    dispatch = _dispatch(session, make_broker(session))
    assert (dispatch.origin_region_code, dispatch.status) == ("430182", DispatchStatus.PLANNED)


def test_the_charter_per_head_cost_is_shared_by_those_who_travelled(session, vault) -> None:
    dispatch = _dispatch(session, make_broker(session))
    placements, members = _three_members(session, vault, dispatch)
    depart(session, dispatch_id=dispatch.id, actor=SYSTEM)
    arrive(session, dispatch_id=dispatch.id, actor=SYSTEM)
    check_in(session, member_id=members[0].id, arrival=ArrivalStatus.ARRIVED, actor=SYSTEM)
    check_in(session, member_id=members[1].id, arrival=ArrivalStatus.ARRIVED, actor=SYSTEM)
    check_in(session, member_id=members[2].id, arrival=ArrivalStatus.DID_NOT_TRAVEL, actor=SYSTEM)
    assert per_head_cost(dispatch) == Decimal("450.00")
    # 湘人社发〔2017〕58号 二、（二）6: the per-head charter cost counts as the worker's travel cost.
    assert travel_cost(session, placements[0]) == (Decimal("450.00"), "dispatch_per_head")
    assert travel_cost(session, placements[2]) == (None, None)


def test_a_placements_own_cost_and_a_members_ticket_come_before_the_per_head_cost(session, vault) -> None:
    dispatch = _dispatch(session, make_broker(session))
    own = make_placement(session, vault, round_trip_cost=Decimal("380.00"), round_trip_evidence="G1234")
    ticket = make_placement(session, vault, round_trip_cost=None)
    add_member(session, dispatch_id=dispatch.id, person_id=own.person_id, placement_id=own.id, actor=SYSTEM)
    add_member(session, dispatch_id=dispatch.id, person_id=ticket.person_id, placement_id=ticket.id,
               cost=Decimal("260.50"), ticket_ref="E123456789", actor=SYSTEM)
    assert travel_cost(session, own) == (Decimal("380.00"), "G1234")
    assert travel_cost(session, ticket) == (Decimal("260.50"), "E123456789")


def test_a_dispatch_closes_only_when_every_member_is_checked_in(session, vault) -> None:
    dispatch = _dispatch(session, make_broker(session))
    _, members = _three_members(session, vault, dispatch)
    depart(session, dispatch_id=dispatch.id, actor=SYSTEM)
    arrive(session, dispatch_id=dispatch.id, actor=SYSTEM)
    with pytest.raises(DispatchError, match="还有3人未登记到达情况"):
        close_dispatch(session, dispatch_id=dispatch.id, actor=SYSTEM)
    for member, arrival in zip(members, (ArrivalStatus.ARRIVED, ArrivalStatus.LEFT_EN_ROUTE,
                                         ArrivalStatus.DID_NOT_TRAVEL), strict=True):
        check_in(session, member_id=member.id, arrival=arrival, actor=SYSTEM)
    assert close_dispatch(session, dispatch_id=dispatch.id, actor=SYSTEM).status is DispatchStatus.CLOSED


def test_an_invalid_dispatch_transition_raises(session) -> None:
    dispatch = _dispatch(session, make_broker(session))
    with pytest.raises(DispatchError, match="不能变更为“已到达”"):
        arrive(session, dispatch_id=dispatch.id, actor=SYSTEM)


def test_a_broker_runs_organised_output_once_it_has_organised_a_dispatch(session) -> None:
    broker = make_broker(session)
    assert not organises_output(session, broker.id, as_of=DAY)
    _dispatch(session, broker)
    assert organises_output(session, broker.id, as_of=DAY)
    assert not organises_output(session, broker.id, as_of=DAY - dt.timedelta(days=1))
