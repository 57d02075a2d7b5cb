"""Organised dispatch (有组织劳务输出 / 就业帮扶直通车): a group trip, its members, costs and arrival check-in.

Lifecycle: planned → departed → arrived → closed, and cancelled from planned. Members are tied to a placement or
to a person travelling to a hire; each may carry an actual cost with its evidence (ticket number). The per-head
cost of a chartered trip is its total cost divided by the members who travelled.

Every change acts for a user (``actor``, see :mod:`jobs.access.permissions`): brokers and county offices organise
dispatches (their own, or leaving their area), the workstation of the destination checks arrivals in.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs.access.permissions import Action, Actor, can, require, visible
from jobs.errors import Conflict, InvalidInput, NotFound
from jobs.storage import audit
from jobs.storage.locks import locked
from jobs.storage.enums import ArrivalStatus, DispatchStatus, TransportMode
from jobs.storage.models import Broker, Dispatch, DispatchMember, Organisation, Person, Placement, utcnow
from jobs.people.regions import RegionError, region_table

_CENT = Decimal("0.01")


class DispatchError(Conflict):
    """A dispatch's state forbids the step; ``message`` is the Chinese text shown to the user."""


TRANSITIONS: dict[DispatchStatus, frozenset[DispatchStatus]] = {
    DispatchStatus.PLANNED: frozenset({DispatchStatus.DEPARTED, DispatchStatus.CANCELLED}),
    DispatchStatus.DEPARTED: frozenset({DispatchStatus.ARRIVED}),
    DispatchStatus.ARRIVED: frozenset({DispatchStatus.CLOSED}),
    DispatchStatus.CLOSED: frozenset(),
    DispatchStatus.CANCELLED: frozenset(),
}

#: Arrival statuses of a member who made the trip with the group (or is still expected to).
TRAVELLED = (ArrivalStatus.EXPECTED, ArrivalStatus.ARRIVED)


def snapshot(dispatch: Dispatch) -> dict[str, Any]:
    """The audited state of a dispatch."""
    return {
        "status": dispatch.status.value,
        "organiser_organisation_id": dispatch.organiser_organisation_id,
        "organiser_broker_id": dispatch.organiser_broker_id,
        "origin_region_code": dispatch.origin_region_code,
        "destination_region_code": dispatch.destination_region_code,
        "departure_date": dispatch.departure_date.isoformat(),
        "transport": dispatch.transport.value,
        "total_cost": None if dispatch.total_cost is None else f"{dispatch.total_cost:.2f}",
    }


def get_dispatch(session: Session, dispatch_id: int, *, actor: Actor, action: Action = Action.VIEW) -> Dispatch:
    """The dispatch with this id if ``actor`` may see it and take ``action`` on it (NotFound / Forbidden)."""
    dispatch = visible(session, actor, Dispatch, dispatch_id)
    if action is not Action.VIEW:
        require(actor, action, dispatch)
    return dispatch


def _locked_dispatch(session: Session, dispatch_id: int) -> Dispatch:
    """The dispatch, locked until the transaction ends: moves, members joining and check-ins of one dispatch
    happen one after the other (closing waits for a check-in under way, and then sees it)."""
    dispatch = locked(session, Dispatch, dispatch_id)
    if dispatch is None:
        raise DispatchError(f"劳务输出批次{dispatch_id}不存在")
    return dispatch


def _current(code: str, what: str, field: str) -> str:
    """The current code of a region given by its code or its name (宁乡市, 东莞)."""
    text = (code or "").strip()
    if not text:
        raise InvalidInput.field(field, f"请填写{what}（行政区划代码或名称）")
    try:
        if not text.isdigit():
            resolved = region_table().resolve(text).code
            if resolved is None:
                raise InvalidInput.field(field, f"{what}需是具体的省、市或县")
            text = resolved
        return region_table().current(text).code
    except RegionError as error:
        raise InvalidInput.field(field, f"{what}{code}无法识别：{error.message}") from None


def create_dispatch(
    session: Session,
    *,
    organiser_organisation_id: int,
    origin_region_code: str,
    destination_region_code: str,
    departure_date: dt.date,
    organiser_broker_id: int | None = None,
    departure_at: dt.datetime | None = None,
    transport: TransportMode = TransportMode.CHARTERED_COACH,
    vehicle: str | None = None,
    escort: str | None = None,
    total_cost: Decimal | None = None,
    external_key: str | None = None,
    meeting_point: str | None = None,
    actor: Actor,
) -> Dispatch:
    """Plan a dispatch organised by a broker or a county office; region codes are stored as current codes.

    The new dispatch must be one ``actor`` may organise (its own organisation's, or leaving its county), else
    :class:`~jobs.errors.Forbidden` and nothing is kept.
    """
    if session.get(Organisation, organiser_organisation_id) is None:
        raise NotFound(f"组织单位{organiser_organisation_id}不存在")
    if organiser_broker_id is not None:
        broker = visible(session, actor, Broker, organiser_broker_id)
        if broker.organisation_id != organiser_organisation_id:
            raise InvalidInput.field("organiser_broker_id", "组织输出的劳务经纪人不属于该组织单位")
    if total_cost is not None and total_cost < 0:
        raise InvalidInput.field("total_cost", "包车总费用不能为负数")
    dispatch = Dispatch(
        created_by_user_id=actor.id,
        organiser_organisation_id=organiser_organisation_id,
        organiser_broker_id=organiser_broker_id,
        origin_region_code=_current(origin_region_code, "输出地", "origin_region_code"),
        destination_region_code=_current(destination_region_code, "目的地", "destination_region_code"),
        departure_date=departure_date,
        departure_at=departure_at,
        transport=transport,
        vehicle=vehicle,
        escort=escort,
        total_cost=total_cost,
        external_key=external_key,
        meeting_point=(meeting_point or "").strip()[:128] or None,
    )
    session.add(dispatch)
    session.flush()
    require(actor, Action.ORGANISE_DISPATCH, dispatch)
    audit.record(session, action="dispatch.create", actor=actor, object_type="dispatch", object_id=dispatch.id,
                 after=snapshot(dispatch))
    return dispatch


def add_member(
    session: Session,
    *,
    dispatch_id: int,
    person_id: int,
    placement_id: int | None = None,
    cost: Decimal | None = None,
    ticket_ref: str | None = None,
    actor: Actor,
) -> DispatchMember:
    """Add a traveller, tied to a placement (which then records the dispatch) or to a person going to a hire.

    The traveller must be someone ``actor`` serves, the placement one it can see."""
    if cost is not None and cost < 0:
        raise InvalidInput.field("cost", "个人交通费用不能为负数")
    dispatch = get_dispatch(session, dispatch_id, actor=actor, action=Action.ORGANISE_DISPATCH)
    dispatch = _locked_dispatch(session, dispatch.id)
    if dispatch.status not in (DispatchStatus.PLANNED, DispatchStatus.DEPARTED):
        raise DispatchError(f"劳务输出批次状态为“{dispatch.status.label}”，不能再增加人员")
    visible(session, actor, Person, person_id)
    if session.scalar(select(DispatchMember.id).where(DispatchMember.dispatch_id == dispatch.id,
                                                      DispatchMember.person_id == person_id)) is not None:
        raise DispatchError("该人员已在本批次中")
    placement = None
    if placement_id is not None:
        placement = visible(session, actor, Placement, placement_id)
        if placement.person_id != person_id:
            raise InvalidInput.field("placement_id", "就业安置不属于该劳动力")
    member = DispatchMember(dispatch=dispatch, person_id=person_id, placement_id=placement_id, cost=cost,
                            ticket_ref=ticket_ref)
    session.add(member)
    if placement is not None:
        placement.dispatch_id = dispatch.id
    session.flush()
    audit.record(session, action="dispatch.add_member", actor=actor, object_type="dispatch", object_id=dispatch.id,
                 after={"member_id": member.id, "person_id": person_id, "placement_id": placement_id,
                        "cost": None if cost is None else f"{cost:.2f}", "ticket_ref": ticket_ref})
    return member


def remove_member(session: Session, *, member_id: int, actor: Actor, dispatch_id: int | None = None) -> None:
    """Take a traveller off a dispatch that has not left yet (a placement tied to it no longer records it).
    With ``dispatch_id``, a member of another dispatch is not found."""
    member = visible(session, actor, DispatchMember, member_id)
    if dispatch_id is not None and member.dispatch_id != dispatch_id:
        raise NotFound(f"随行人员{member_id}不存在")
    dispatch = get_dispatch(session, member.dispatch_id, actor=actor, action=Action.ORGANISE_DISPATCH)
    dispatch = _locked_dispatch(session, dispatch.id)
    if dispatch.status is not DispatchStatus.PLANNED:
        raise DispatchError(f"劳务输出批次状态为“{dispatch.status.label}”，出发后不能再移出人员")
    before = {"member_id": member.id, "person_id": member.person_id, "placement_id": member.placement_id}
    if member.placement_id is not None:
        placement = session.get(Placement, member.placement_id)
        if placement is not None and placement.dispatch_id == dispatch.id:
            placement.dispatch_id = None
    session.delete(member)
    session.flush()
    audit.record(session, action="dispatch.remove_member", actor=actor, object_type="dispatch",
                 object_id=dispatch.id, before=before)


def _move(session: Session, dispatch_id: int, target: DispatchStatus, actor: Actor,
          dispatch: Dispatch | None = None) -> Dispatch:
    """Move the dispatch, after checking ``actor``'s right (the organiser's, unless the caller checked) and
    under the dispatch's row lock."""
    if dispatch is None:
        get_dispatch(session, dispatch_id, actor=actor, action=Action.ORGANISE_DISPATCH)
    dispatch = _locked_dispatch(session, dispatch_id)
    if target not in TRANSITIONS[dispatch.status]:
        raise DispatchError(f"劳务输出批次当前状态为“{dispatch.status.label}”，不能变更为“{target.label}”")
    before = snapshot(dispatch)
    dispatch.status = target
    session.flush()
    audit.record(session, action=f"dispatch.{target.value}", actor=actor, object_type="dispatch",
                 object_id=dispatch.id, before=before, after=snapshot(dispatch))
    return dispatch


def _at_either_end(session: Session, dispatch_id: int, actor: Actor) -> Dispatch:
    """Arrival and closing are recorded by the organiser (its escort travels along) or by the workstation of
    the destination."""
    dispatch = get_dispatch(session, dispatch_id, actor=actor)
    if not can(actor, Action.ORGANISE_DISPATCH, dispatch):
        require(actor, Action.CHECK_IN, dispatch)
    return dispatch


def depart(session: Session, *, dispatch_id: int, actor: Actor) -> Dispatch:
    """The group has left (已出发)."""
    return _move(session, dispatch_id, DispatchStatus.DEPARTED, actor)


def arrive(session: Session, *, dispatch_id: int, actor: Actor) -> Dispatch:
    """The group has reached its destination (已到达); members are then checked in one by one."""
    return _move(session, dispatch_id, DispatchStatus.ARRIVED, actor, _at_either_end(session, dispatch_id, actor))


def close_dispatch(session: Session, *, dispatch_id: int, actor: Actor) -> Dispatch:
    """Close the dispatch once every member is checked in (已结束)."""
    _at_either_end(session, dispatch_id, actor)
    dispatch = _locked_dispatch(session, dispatch_id)
    session.refresh(dispatch, ["members"])
    waiting = [m for m in dispatch.members if m.arrival is ArrivalStatus.EXPECTED]
    if waiting:
        raise DispatchError(f"还有{len(waiting)}人未登记到达情况，不能结束该批次")
    return _move(session, dispatch_id, DispatchStatus.CLOSED, actor, dispatch)


def cancel_dispatch(session: Session, *, dispatch_id: int, actor: Actor) -> Dispatch:
    """Call off a planned dispatch (已取消)."""
    return _move(session, dispatch_id, DispatchStatus.CANCELLED, actor)


def check_in(
    session: Session,
    *,
    member_id: int,
    arrival: ArrivalStatus,
    actor: Actor,
) -> DispatchMember:
    """Workstation staff record a member's arrival: arrived, did not travel, or left on the way."""
    if arrival is ArrivalStatus.EXPECTED:
        raise InvalidInput.field("arrival", "到达登记须为“已到达”“未出行”或“中途离队”")
    member = visible(session, actor, DispatchMember, member_id)
    require(actor, Action.CHECK_IN, member)
    # Check-ins of one dispatch take turns with its moves (closing waits for a check-in under way, then sees it).
    dispatch = _locked_dispatch(session, member.dispatch_id)
    member = locked(session, DispatchMember, member_id)
    if dispatch.status not in (DispatchStatus.DEPARTED, DispatchStatus.ARRIVED):
        raise DispatchError(f"劳务输出批次状态为“{dispatch.status.label}”，不能登记到达")
    before = member.arrival.value
    member.arrival = arrival
    member.checked_in_by_id = actor.id
    member.checked_in_at = utcnow()
    session.flush()
    audit.record(session, action="dispatch.check_in", actor=actor, object_type="dispatch_member",
                 object_id=member.id, before={"arrival": before}, after={"arrival": arrival.value})
    return member


# --- costs -----------------------------------------------------------------------------------------------------


def travellers(dispatch: Dispatch) -> list[DispatchMember]:
    """Members who made (or are still expected to make) the trip with the group."""
    return [m for m in dispatch.members if m.arrival in TRAVELLED]


def per_head_cost(dispatch: Dispatch) -> Decimal | None:
    """The total cost of the trip shared by the members who travelled, to the cent; None when unknown."""
    if dispatch.total_cost is None:
        return None
    count = len(travellers(dispatch))
    if count == 0:
        return None
    return (dispatch.total_cost / count).quantize(_CENT, rounding=ROUND_HALF_UP)


def member_of(session: Session, placement: Placement) -> DispatchMember | None:
    """The dispatch member row of this placement, if it travelled on a dispatch."""
    if placement.dispatch_id is None:
        return None
    return session.scalar(
        select(DispatchMember).where(
            DispatchMember.dispatch_id == placement.dispatch_id,
            DispatchMember.person_id == placement.person_id,
        )
    )


def travel_cost(session: Session, placement: Placement) -> tuple[Decimal | None, str | None]:
    """The worker's travel cost for the transport subsidy, and where it comes from.

    In order: the placement's own round-trip cost (with its evidence); the member's own ticket cost on the
    dispatch; else the dispatch's per-head charter cost — 湘人社发〔2017〕58号 二、（二）6: "统一组织外出务工的
    包（租）车人均费用参照同一标准执行", the per-head charter cost counts as that worker's travel cost.
    A member who did not travel or left on the way has no dispatch cost.
    """
    if placement.round_trip_cost is not None:
        return placement.round_trip_cost, placement.round_trip_evidence or "placement"
    member = member_of(session, placement)
    if member is None or member.arrival not in TRAVELLED:
        return None, None
    if member.cost is not None:
        return member.cost, member.ticket_ref or "dispatch_member"
    share = per_head_cost(member.dispatch)
    return (share, "dispatch_per_head") if share is not None else (None, None)


def travelled_with_dispatch(session: Session, placement: Placement) -> bool:
    """Whether the worker went to this job on an organised dispatch (for rules with a dispatch condition)."""
    member = member_of(session, placement)
    return member is not None and member.arrival in TRAVELLED


def organises_output(session: Session, broker_id: int, *, as_of: dt.date) -> bool:
    """Whether the broker runs organised labour output (开展有组织劳务输出): it organised a dispatch that had
    departed (was not cancelled) by ``as_of``."""
    found = session.scalar(
        select(Dispatch.id).where(
            Dispatch.organiser_broker_id == broker_id,
            Dispatch.departure_date <= as_of,
            Dispatch.status != DispatchStatus.CANCELLED,
        ).limit(1)
    )
    return found is not None


__all__ = [
    "TRANSITIONS",
    "TRAVELLED",
    "DispatchError",
    "add_member",
    "arrive",
    "cancel_dispatch",
    "check_in",
    "close_dispatch",
    "create_dispatch",
    "depart",
    "get_dispatch",
    "member_of",
    "organises_output",
    "per_head_cost",
    "remove_member",
    "travel_cost",
    "travelled_with_dispatch",
    "travellers",
]
