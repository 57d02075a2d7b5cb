"""Placements (就业安置): the lifecycle proposed → hired → active → ended, employment checks and job losses.

Each use case is a plain function with keyword-only arguments working in the caller's session (one transaction
per call, committed by the caller) and acting for a user (``actor``, checked by :mod:`jobs.access.permissions`:
a placement outside the user's scope is :class:`~jobs.errors.NotFound`, a step the user may not take
:class:`~jobs.errors.Forbidden`). An invalid move raises :class:`PlacementError` (a conflict), a bad value
:class:`~jobs.errors.InvalidInput` naming the field, and every change writes an ``AuditEvent`` with the state
before and after.

Seats: a post's ``filled`` counts the placements holding one of its seats (hired or active). A hire takes a
seat (refused when none is left) and a post whose last seat is taken becomes ``filled``; a hire called off or a
job that ends gives the seat back and a filled post opens again. The matches follow in the same transaction
(``jobs.placements.matches``: offers of a full post and a placed worker's other offers are withdrawn, and come
back when the seat or the worker is free again).

Locks: a use case that changes a placement first checks the actor's scope, then locks the placement, its post
and its worker (always in this order, so that two use cases never wait for each other in a circle): two clerks
ending the same placement at once get one ending and one Conflict, two hires for the last seat one hire and one
Conflict.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs.access.permissions import Action, Actor, ownership, require, visible
from jobs.errors import Conflict, InvalidInput
from jobs.placements import matches
from jobs.storage import audit
from jobs.storage.enums import CheckEvidence, EmploymentStatus, EmploymentType, EndReason, PlacementStatus, PostStatus
from jobs.storage.locks import locked
from jobs.storage.models import (
    Broker,
    Dispatch,
    EmploymentCheck,
    JobLoss,
    Person,
    Placement,
    Post,
)
from jobs.people.regions import RegionError, Scope, region_table


class PlacementError(Conflict):
    """A placement's state forbids the step; ``message`` is the Chinese text shown to the user."""


#: Allowed moves: an explicit lifecycle. Cancelling is only possible before the job starts.
TRANSITIONS: dict[PlacementStatus, frozenset[PlacementStatus]] = {
    PlacementStatus.PROPOSED: frozenset({PlacementStatus.HIRED, PlacementStatus.CANCELLED}),
    PlacementStatus.HIRED: frozenset({PlacementStatus.ACTIVE, PlacementStatus.CANCELLED}),
    PlacementStatus.ACTIVE: frozenset({PlacementStatus.ENDED}),
    PlacementStatus.ENDED: frozenset(),
    PlacementStatus.CANCELLED: frozenset(),
}

#: Statuses in which the worker holds (or is about to take up) the job, and the post's seat.
HOLDING = matches.HOLDING


def _move(placement: Placement, target: PlacementStatus) -> None:
    if target not in TRANSITIONS[placement.status]:
        raise PlacementError(
            f"就业安置当前状态为“{placement.status.label}”，不能变更为“{target.label}”"
        )
    placement.status = target


def snapshot(placement: Placement) -> dict[str, Any]:
    """The audited state of a placement (no personal data beyond ids)."""
    return {
        "status": placement.status.value,
        "person_id": placement.person_id,
        "post_id": placement.post_id,
        "broker_id": placement.broker_id,
        "dispatch_id": placement.dispatch_id,
        "job_region_code": placement.job_region_code,
        "start_date": _iso(placement.start_date),
        "contract_months": placement.contract_months,
        "employment_type": placement.employment_type.value if placement.employment_type else None,
        "social_insurance": placement.social_insurance,
        "round_trip_cost": None if placement.round_trip_cost is None else f"{placement.round_trip_cost:.2f}",
        "end_date": _iso(placement.end_date),
        "end_reason": placement.end_reason.value if placement.end_reason else None,
    }


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def get_placement(session: Session, placement_id: int, *, actor: Actor,
                  action: Action = Action.VIEW) -> Placement:
    """The placement with this id if ``actor`` may see it and take ``action`` on it (NotFound / Forbidden)."""
    placement = visible(session, actor, Placement, placement_id)
    if action is not Action.VIEW:
        require(actor, action, placement)
    return placement


def _lock(session: Session, placement_id: int, *, actor: Actor,
          action: Action) -> tuple[Placement, Post | None, Person]:
    """Check that ``actor`` may take ``action`` on the placement (NotFound / Forbidden), then lock it, its post
    and its worker for the rest of the transaction (see the module docstring)."""
    get_placement(session, placement_id, actor=actor, action=action)
    placement = locked(session, Placement, placement_id)
    if placement is None:  # deleted between the check and the lock
        raise PlacementError(f"就业安置{placement_id}不存在")
    post = locked(session, Post, placement.post_id)
    person = locked(session, Person, placement.person_id)
    assert person is not None  # a foreign key
    return placement, post, person


def _take_seat(post: Post | None) -> None:
    if post is None:
        return
    if post.headcount is not None and post.filled >= post.headcount:
        raise PlacementError(f"岗位“{post.title}”已招满（招聘{post.headcount}人，已录用{post.filled}人）")
    post.filled += 1
    if post.status is PostStatus.OPEN and post.headcount is not None and post.filled >= post.headcount:
        post.status = PostStatus.FILLED


def _give_seat_back(post: Post | None) -> None:
    if post is None:
        return
    post.filled = max(post.filled - 1, 0)
    if post.status is PostStatus.FILLED and (post.headcount is None or post.filled < post.headcount):
        post.status = PostStatus.OPEN


def _audit(session: Session, action: str, placement: Placement, before: dict[str, Any] | None,
           actor: Actor) -> None:
    session.flush()
    audit.record(session, action=action, actor=actor, object_type="placement", object_id=placement.id,
                 before=before, after=snapshot(placement))


# --- scope ---------------------------------------------------------------------------------------------------


def origin_county(person: Person) -> str:
    """The current county code of the worker's household registration (输出地), retired codes resolved."""
    return _county(person.household_region_code, "户籍地")


def job_county(placement: Placement) -> str:
    """The current county code of the job, retired codes resolved."""
    return _county(placement.job_region_code, "就业地")


def _county(code: str, what: str) -> str:
    table = region_table()
    try:
        county = table.county_of(code)
    except RegionError as error:
        raise PlacementError(f"{what}{code}无法识别：{error.message}") from None
    if county is None:
        raise PlacementError(f"{what}“{table.current(code).full_name}”未到县级，无法判断就业范围")
    return county.code


def job_scope(placement: Placement) -> Scope:
    """Where the job lies seen from the worker's origin county (docs/policies.md, "Scope of a job")."""
    return region_table().scope_of(origin_county(placement.person), job_county(placement))


# --- the lifecycle -------------------------------------------------------------------------------------------


def propose_placement(
    session: Session,
    *,
    person_id: int,
    post_id: int,
    broker_id: int | None = None,
    external_key: str | None = None,
    actor: Actor,
) -> Placement:
    """Record that a worker is put forward for a post (已推荐); the job's region is the post's.

    ``actor`` must serve the worker (:attr:`~jobs.access.permissions.Action.RECOMMEND`); a broker recommends
    under one of its own brokers only, and owns the placement it makes.
    """
    person = visible(session, actor, Person, person_id)
    post = visible(session, actor, Post, post_id)
    if broker_id is not None:
        visible(session, actor, Broker, broker_id)
    require(actor, Action.RECOMMEND, person)
    placement = Placement(
        **ownership(actor),
        person=person,
        post=post,
        employer_id=post.employer_id,
        broker_id=broker_id,
        job_region_code=post.region_code,
        status=PlacementStatus.PROPOSED,
        external_key=external_key,
    )
    session.add(placement)
    _audit(session, "placement.propose", placement, None, actor)
    return placement


def hire_placement(
    session: Session,
    *,
    placement_id: int,
    start_date: dt.date,
    contract_months: int | None = None,
    employment_type: EmploymentType = EmploymentType.DIRECT,
    social_insurance: bool = False,
    round_trip_cost: Decimal | None = None,
    round_trip_evidence: str | None = None,
    actor: Actor,
) -> Placement:
    """The employer hires the worker (已录用): start date, contract, employment type and social insurance.

    The hire takes a seat of the post (refused when none is left); the matches follow (module docstring).
    """
    if contract_months is not None and contract_months < 0:
        raise InvalidInput.field("contract_months", "劳动合同期限不能为负数")
    if round_trip_cost is not None and round_trip_cost < 0:
        raise InvalidInput.field("round_trip_cost", "往返交通费不能为负数")
    placement, post, person = _lock(session, placement_id, actor=actor, action=Action.CHANGE_PLACEMENT)
    before = snapshot(placement)
    _move(placement, PlacementStatus.HIRED)
    _take_seat(post)
    placement.start_date = start_date
    placement.contract_months = contract_months
    placement.employment_type = employment_type
    placement.social_insurance = social_insurance
    placement.round_trip_cost = round_trip_cost
    placement.round_trip_evidence = round_trip_evidence
    session.flush()
    matches.took_seat(session, person_id=person.id, post=post)
    _audit(session, "placement.hire", placement, before, actor)
    return placement


def activate_placement(session: Session, *, placement_id: int, actor: Actor) -> Placement:
    """The worker is on the job (在岗): their status becomes employed (they left the matching pool at the hire)."""
    placement, _post, person = _lock(session, placement_id, actor=actor, action=Action.CHANGE_PLACEMENT)
    before = snapshot(placement)
    _move(placement, PlacementStatus.ACTIVE)
    person.employment_status = EmploymentStatus.EMPLOYED
    person.employment_place = region_table().current(placement.job_region_code).full_name[:128]
    _audit(session, "placement.activate", placement, before, actor)
    return placement


def cancel_placement(session: Session, *, placement_id: int, reason: str, actor: Actor) -> Placement:
    """Call off a proposal or a hire before the job starts (已取消); a hire gives its seat back."""
    if not reason.strip():
        raise InvalidInput.field("reason", "取消就业安置须说明原因")
    placement, post, person = _lock(session, placement_id, actor=actor, action=Action.CHANGE_PLACEMENT)
    before = snapshot(placement)
    held = placement.status in HOLDING
    _move(placement, PlacementStatus.CANCELLED)
    if held:
        _give_seat_back(post)
    session.flush()
    if held:
        matches.gave_seat_back(session, person_id=person.id, post=post)
    audit.record(session, action="placement.cancel", actor=actor, object_type="placement", object_id=placement.id,
                 before=before, after={**snapshot(placement), "reason": reason})
    return placement


def record_check(
    session: Session,
    *,
    placement_id: int,
    check_date: dt.date,
    employed: bool,
    evidence: CheckEvidence | None = None,
    note: str | None = None,
    actor: Actor,
) -> EmploymentCheck:
    """Record an employment check (稳岗核实): on ``check_date`` the worker was (not) employed, with evidence.

    Checks are about a job that has started: a check before the start date, or one saying "employed" after
    the placement ended, contradicts the record and is refused.
    """
    get_placement(session, placement_id, actor=actor, action=Action.RECORD_CHECK)
    placement = locked(session, Placement, placement_id)
    if placement.status not in (*HOLDING, PlacementStatus.ENDED):
        raise PlacementError(f"就业安置状态为“{placement.status.label}”，不能登记稳岗核实")
    assert placement.start_date is not None  # guaranteed by the "started" CHECK for these statuses
    if check_date < placement.start_date:
        raise InvalidInput.field(
            "check_date", f"核实日期{check_date.isoformat()}早于上岗日期{placement.start_date.isoformat()}")
    if employed and placement.end_date is not None and check_date > placement.end_date:
        raise PlacementError(
            f"就业安置已于{placement.end_date.isoformat()}结束，不能登记{check_date.isoformat()}在岗"
        )
    check = EmploymentCheck(
        placement=placement,
        check_date=check_date,
        employed=employed,
        evidence=evidence,
        note=note,
        recorded_by_id=actor.id,
    )
    session.add(check)
    session.flush()
    audit.record(
        session, action="placement.check", actor=actor, object_type="placement", object_id=placement.id,
        after={"check_id": check.id, "check_date": check_date.isoformat(), "employed": employed,
               "evidence": evidence.value if evidence else None},
    )
    return check


def end_placement(
    session: Session,
    *,
    placement_id: int,
    end_date: dt.date,
    reason: EndReason,
    actor: Actor,
) -> JobLoss | None:
    """End an active placement (离岗). Returns the JobLoss when it is one.

    A placement that ends while the worker holds no other hired or active placement is a job loss
    (就业转失业): it is recorded, the worker is unemployed again and re-enters matching (docs/policies.md,
    "Service standards": 人社部发〔2021〕26号 第十三条).
    """
    placement, post, person = _lock(session, placement_id, actor=actor, action=Action.REPORT_JOB_LOSS)
    before = snapshot(placement)
    if placement.start_date is not None and end_date < placement.start_date:
        raise InvalidInput.field(
            "end_date", f"离岗日期{end_date.isoformat()}早于上岗日期{placement.start_date.isoformat()}")
    _move(placement, PlacementStatus.ENDED)
    placement.end_date = end_date
    placement.end_reason = reason
    _give_seat_back(post)
    _audit(session, "placement.end", placement, before, actor)
    if _holds_another_job(session, placement):
        matches.gave_seat_back(session, person_id=person.id, post=post)
        return None
    person.employment_status = EmploymentStatus.UNEMPLOYED
    person.employment_place = None
    loss = JobLoss(person_id=person.id, placement_id=placement.id, loss_date=end_date, reason=reason)
    session.add(loss)
    session.flush()
    matches.gave_seat_back(session, person_id=person.id, post=post)
    audit.record(session, action="person.job_loss", actor=actor, object_type="person", object_id=person.id,
                 after={"placement_id": placement.id, "loss_date": end_date.isoformat(), "reason": reason.value})
    return loss


def _holds_another_job(session: Session, placement: Placement) -> bool:
    other = session.scalar(
        select(Placement.id).where(
            Placement.person_id == placement.person_id,
            Placement.id != placement.id,
            Placement.status.in_(HOLDING),
        ).limit(1)
    )
    return other is not None


def attach_dispatch(session: Session, *, placement_id: int, dispatch_id: int | None, actor: Actor) -> Placement:
    """Tie a placement to the organised dispatch the worker travels on (or untie it with None)."""
    get_placement(session, placement_id, actor=actor, action=Action.CHANGE_PLACEMENT)
    if dispatch_id is not None:
        visible(session, actor, Dispatch, dispatch_id)
    placement = locked(session, Placement, placement_id)
    if dispatch_id is not None:
        locked(session, Dispatch, dispatch_id)
    before = snapshot(placement)
    placement.dispatch_id = dispatch_id
    _audit(session, "placement.attach_dispatch", placement, before, actor)
    return placement


__all__ = [
    "HOLDING",
    "TRANSITIONS",
    "PlacementError",
    "activate_placement",
    "attach_dispatch",
    "cancel_placement",
    "end_placement",
    "get_placement",
    "hire_placement",
    "job_county",
    "job_scope",
    "origin_county",
    "propose_placement",
    "record_check",
    "snapshot",
]
