"""Who may see which objects and do what to them: the one module every page, endpoint, command and job asks.

Two questions, one answer each:

* :func:`scope` — which rows of a model a user may see, as a WHERE clause. Every read a user triggers adds it;
  :func:`visible` loads one object through it and answers :class:`~jobs.errors.NotFound` outside it (an object
  outside the scope is reported exactly like a missing one: its existence is not disclosed).
* :func:`can` / :func:`require` — whether a user may take an :class:`Action` on an object they can see.
  :func:`require` answers :class:`~jobs.errors.Forbidden`.

Scope follows the organisation's region: a county office sees its county, a city-level office its city, a
province-level office its province. "Inside a region" compares current codes, so a person registered under a
retired code (430124 宁乡县) belongs to the area of its successor (430182 宁乡市) — :func:`in_area`.

How a broker "serves areas": a broker organisation serves the region it is registered in (its organisation's
region, e.g. the county it recruits in), plus every person it has itself put forward for a job (a placement
with one of its brokers) or taken on one of its dispatches, wherever they live. Brokers see nothing of another
broker's placements, dispatches or claims.

Every object a user creates records its owner (:func:`ownership`: the organisation and the user; persons,
demand and supply lists, employers, posts, placements, dispatches). County staff also see the people their
office registered, wherever their household is.

System runs (the scheduler, a command line without ``--user``, the demo, scenario runs) act as a
:class:`SystemActor`, given explicitly: it has the administrators' rights and is written to the audit log
under its own label, so nothing is ever done "as nobody".

Every denial (an object outside the scope, an action not allowed) is written to the audit log as
``access.denied``. It is added to the caller's session, and carried on the raised error
(:attr:`~jobs.errors.DomainError.audit`) so that the one web handler and the one command-line handler can write
it again after the failed transaction has been rolled back (:func:`keep_denial`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NoReturn, TypeAlias, TypeVar

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.sql.elements import False_

from jobs.errors import DomainError, Forbidden, NotFound
from jobs.people.regions import RegionError, region_table
from jobs.storage import audit
from jobs.storage.enums import Role
from jobs.storage.models import (
    AuditEvent,
    Broker,
    ClaimEvent,
    DemandEntry,
    DemandList,
    Dispatch,
    DispatchMember,
    EmploymentCheck,
    Employer,
    JobLoss,
    Match,
    Organisation,
    Person,
    Placement,
    PolicyPack,
    Post,
    Push,
    SubsidyClaim,
    SupplyList,
    TrainingCourse,
    User,
    Workstation,
)

__all__ = [
    "Action",
    "Actor",
    "SYSTEM",
    "SystemActor",
    "area_of",
    "can",
    "deny",
    "in_area",
    "is_system",
    "keep_denial",
    "ownership",
    "permitted",
    "require",
    "scope",
    "system_actor",
    "visible",
]

M = TypeVar("M")


class Action(enum.StrEnum):
    """What a user may do to an object. Seeing it is :attr:`VIEW`; the others are changes or disclosures."""

    VIEW = "view"
    EDIT = "edit"
    REVEAL = "reveal"  # show one person's clear ID number or phone (with a reason, audited)
    EXPORT = "export"  # write a list to a file, numbers masked
    EXPORT_REVEALED = "export_revealed"  # write a list with clear ID and phone numbers
    IMPORT_DEMAND = "import_demand"
    IMPORT_SUPPLY = "import_supply"
    RECOMMEND = "recommend"  # put a worker forward for a post (a proposed placement)
    CHANGE_PLACEMENT = "change_placement"  # hire, start, cancel, tie to a dispatch
    ORGANISE_DISPATCH = "organise_dispatch"  # create, add passengers, depart, cancel
    CHECK_IN = "check_in"  # record arrivals of a dispatch at its destination
    RECORD_CHECK = "record_check"  # employment check (稳岗核实)
    REPORT_JOB_LOSS = "report_job_loss"  # end a placement (离岗), possibly a job loss
    EVALUATE_CLAIMS = "evaluate_claims"
    APPROVE_CLAIM = "approve_claim"
    REJECT_CLAIM = "reject_claim"
    PAY_CLAIM = "pay_claim"
    REVOKE_CLAIM = "revoke_claim"
    REMATCH = "rematch"  # run matching again for the people of one's area
    MANAGE = "manage"  # users, organisations, policy packs, scheduler runs


# --------------------------------------------------------------------------------------------------------
# Actors


@dataclass(frozen=True)
class SystemActor:
    """The platform acting on its own behalf (scheduler, command line without a user, demo, scenario runs).

    Shaped like a :class:`~jobs.storage.models.User` where the domain reads one (``id``, ``username``,
    ``role``, ``organisation_id``, ``person_id``, ``active``), but never stored: its audit events carry its
    label and no user id.
    """

    label: str = "system"

    id = None
    role = Role.ADMIN
    organisation_id = None
    person_id = None
    active = True

    @property
    def username(self) -> str:
        return self.label


Actor: TypeAlias = User | SystemActor

#: The system actor for runs that name no more specific label.
SYSTEM = SystemActor()


def system_actor(label: str) -> SystemActor:
    """A system actor with a label for the audit log, e.g. ``system_actor("cli:alice")`` or ``"scheduler"``."""
    return SystemActor(label[:64])


def is_system(actor: Actor) -> bool:
    return isinstance(actor, SystemActor)


def ownership(actor: Actor) -> dict[str, int | None]:
    """The owner columns of an object ``actor`` creates: its organisation and the user (None for system runs)."""
    return {"organisation_id": actor.organisation_id, "created_by_user_id": actor.id}


# --------------------------------------------------------------------------------------------------------
# Areas


def area_of(user: Actor) -> str | None:
    """The current region code of the user's organisation (None for a system actor or a seeker)."""
    if isinstance(user, SystemActor) or user.organisation_id is None:
        return None
    organisation = user.organisation
    if organisation is None:
        session = object_session(user)
        organisation = session.get(Organisation, user.organisation_id) if session is not None else None
    if organisation is None:
        return None
    try:
        return region_table().current(organisation.region_code).code
    except RegionError:
        return organisation.region_code


@lru_cache(maxsize=512)
def _retired_exceptions(area: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Codes the prefix test gets wrong for ``area``: retired codes outside the prefix whose successor lies inside
    (added), and retired codes inside the prefix whose successor lies elsewhere (removed). Bounded cache: one
    entry per area code in use."""
    table = region_table()
    inside: list[str] = []
    outside: list[str] = []
    for row in table.iter_db_rows():
        if not row["retired"]:
            continue
        code = str(row["code"])
        try:
            now = table.current(code).code
        except RegionError:
            continue  # successor unknown: the prefix is all we know
        prefixed, belongs = code.startswith(area), now.startswith(area)
        if belongs and not prefixed:
            inside.append(code)
        elif prefixed and not belongs:
            outside.append(code)
    return tuple(inside), tuple(outside)


def in_area(column: Any, area: str | None) -> ColumnElement[bool]:
    """SQL: the region code in ``column`` lies within ``area`` (current codes; retired codes resolved)."""
    if area is None:
        return false()
    inside, outside = _retired_exceptions(area)
    condition: ColumnElement[bool] = column.startswith(area, autoescape=True)
    if outside:
        condition = and_(condition, column.not_in(outside))
    if inside:
        condition = or_(condition, column.in_(inside))
    return condition


# --------------------------------------------------------------------------------------------------------
# Scope: which rows a user may see


def _own_brokers(user: Actor):
    return select(Broker.id).where(Broker.organisation_id == user.organisation_id)


def _served_people(user: Actor, area: str | None):
    """The people a broker serves: those registered in its area, and those it put forward or took on a trip."""
    return or_(
        in_area(Person.household_region_code, area),
        Person.id.in_(select(Placement.person_id).where(Placement.broker_id.in_(_own_brokers(user)))),
        Person.id.in_(
            select(DispatchMember.person_id).join(Dispatch, DispatchMember.dispatch_id == Dispatch.id)
            .where(Dispatch.organiser_organisation_id == user.organisation_id)
        ),
    )


def _person_scope(user: Actor, area: str | None) -> ColumnElement[bool]:
    role = user.role
    if role is Role.COUNTY_STAFF:
        # County staff look after the people whose household registration is in their area, and the people
        # their office registered (a list may name someone registered elsewhere).
        return or_(in_area(Person.household_region_code, area), Person.organisation_id == user.organisation_id)
    if role is Role.BROKER:
        return _served_people(user, area)
    if role is Role.WORKSTATION_STAFF:
        # Workstation staff meet the workers placed in, or travelling to, their city: they check them in and
        # verify they are still employed, so they see those people (and no one else).
        return or_(
            Person.id.in_(select(Placement.person_id).where(in_area(Placement.job_region_code, area))),
            Person.id.in_(
                select(DispatchMember.person_id).join(Dispatch, DispatchMember.dispatch_id == Dispatch.id)
                .where(in_area(Dispatch.destination_region_code, area))
            ),
        )
    if role is Role.SEEKER:
        # A seeker sees their own record only.
        return Person.id == user.person_id
    return false()


def _placement_scope(user: Actor, area: str | None) -> ColumnElement[bool]:
    role = user.role
    if role is Role.COUNTY_STAFF:
        # Placements of the county's people, wherever the job is.
        return Placement.person_id.in_(select(Person.id).where(_person_scope(user, area)))
    if role is Role.BROKER:
        # Only the placements the broker made: never another broker's.
        return Placement.broker_id.in_(_own_brokers(user))
    if role is Role.WORKSTATION_STAFF:
        # Placements whose job is in the workstation's city.
        return in_area(Placement.job_region_code, area)
    if role is Role.SEEKER:
        return Placement.person_id == user.person_id
    return false()


def _dispatch_scope(user: Actor, area: str | None) -> ColumnElement[bool]:
    role = user.role
    if role is Role.COUNTY_STAFF:
        # Dispatches leaving the county's area.
        return in_area(Dispatch.origin_region_code, area)
    if role is Role.BROKER:
        # The dispatches the broker's organisation organised.
        return or_(Dispatch.organiser_organisation_id == user.organisation_id,
                   Dispatch.organiser_broker_id.in_(_own_brokers(user)))
    if role is Role.WORKSTATION_STAFF:
        # Arrivals: dispatches coming to the workstation's city.
        return in_area(Dispatch.destination_region_code, area)
    if role is Role.SEEKER:
        # The trips the seeker is on.
        return Dispatch.id.in_(select(DispatchMember.dispatch_id).where(DispatchMember.person_id == user.person_id))
    return false()


def _claim_scope(user: Actor, area: str | None) -> ColumnElement[bool]:
    role = user.role
    if role is Role.COUNTY_STAFF:
        # Claims of the county's people (the county office reviews and pays them).
        return SubsidyClaim.person_id.in_(select(Person.id).where(_person_scope(user, area)))
    if role is Role.BROKER:
        # The broker's own claims (referral subsidies it is the beneficiary of).
        return SubsidyClaim.beneficiary_broker_id.in_(_own_brokers(user))
    if role is Role.SEEKER:
        return SubsidyClaim.person_id == user.person_id
    # Workstation staff do not handle subsidies.
    return false()


def _post_scope(user: Actor, area: str | None) -> ColumnElement[bool]:
    if user.role in (Role.COUNTY_STAFF, Role.BROKER, Role.WORKSTATION_STAFF):
        # Posts are job offers meant to be spread: every staff role reads all of them (county staff and
        # brokers to recommend workers anywhere; editing is narrower, see EDIT).
        return true()
    if user.role is Role.SEEKER:
        # A seeker sees the posts offered to them or that they were placed in.
        return or_(Post.id.in_(select(Match.post_id).where(Match.person_id == user.person_id)),
                   Post.id.in_(select(Placement.post_id).where(Placement.person_id == user.person_id)))
    return false()


def _employer_scope(user: Actor, area: str | None) -> ColumnElement[bool]:
    if user.role in (Role.COUNTY_STAFF, Role.BROKER, Role.WORKSTATION_STAFF):
        return true()  # as posts: employers are public information of the offers
    if user.role is Role.SEEKER:
        return Employer.id.in_(select(Post.employer_id).where(_post_scope(user, area)))
    return false()


def scope(user: Actor, model: type) -> ColumnElement[bool]:
    """A WHERE clause selecting the rows of ``model`` that ``user`` may see (``true()`` for administrators).

    Models without a rule are visible to administrators only.
    """
    if not user.active:
        return false()
    if user.role is Role.ADMIN:
        # Administrators (and system runs) see everything, including users, organisations and the audit log.
        return true()
    area = area_of(user)
    if model is Person:
        return _person_scope(user, area)
    if model is Placement:
        return _placement_scope(user, area)
    if model is Dispatch:
        return _dispatch_scope(user, area)
    if model is SubsidyClaim:
        return _claim_scope(user, area)
    if model is Post:
        return _post_scope(user, area)
    if model is Employer:
        return _employer_scope(user, area)
    if model is DemandList:
        # Demand lists are the origin county's work: its staff see the lists of their area.
        return in_area(DemandList.origin_region_code, area) if user.role is Role.COUNTY_STAFF else false()
    if model is DemandEntry:
        return DemandEntry.demand_list_id.in_(select(DemandList.id).where(scope(user, DemandList)))
    if model is SupplyList:
        if user.role is Role.WORKSTATION_STAFF:
            # The workstation's own lists, and any list of its city.
            return or_(SupplyList.organisation_id == user.organisation_id, in_area(SupplyList.region_code, area))
        # County staff and brokers read supply lists as they read posts.
        return true() if user.role in (Role.COUNTY_STAFF, Role.BROKER) else false()
    if model is Match:
        if user.role in (Role.COUNTY_STAFF, Role.BROKER, Role.SEEKER):
            # Matches for the people one looks after (a seeker: their own offers).
            return Match.person_id.in_(select(Person.id).where(_person_scope(user, area)))
        return false()
    if model in (EmploymentCheck, JobLoss):
        # Checks and job losses go with their placement (workstation: placements in its city).
        column = EmploymentCheck.placement_id if model is EmploymentCheck else JobLoss.placement_id
        return column.in_(select(Placement.id).where(_placement_scope(user, area)))
    if model is DispatchMember:
        return DispatchMember.dispatch_id.in_(select(Dispatch.id).where(_dispatch_scope(user, area)))
    if model is ClaimEvent:
        return ClaimEvent.claim_id.in_(select(SubsidyClaim.id).where(_claim_scope(user, area)))
    if model is Push:
        return Push.person_id.in_(select(Person.id).where(_person_scope(user, area)))
    if model is Broker:
        if user.role is Role.BROKER:
            return Broker.organisation_id == user.organisation_id  # never another broker's record
        return true() if user.role in (Role.COUNTY_STAFF, Role.WORKSTATION_STAFF) else false()
    if model in (Workstation, PolicyPack):
        # Reference information for staff: where workstations are, which policy documents are in force.
        return true() if user.role is not Role.SEEKER else false()
    if model is TrainingCourse:
        # The training catalogue is public information pushed to workers (湘人社规〔2021〕10号 第十三条): every
        # signed-in role reads all of it.
        return true()
    if model is Organisation:
        return Organisation.id == user.organisation_id
    if model is User:
        return User.id == user.id
    # AuditEvent and anything else: administrators only.
    return false()


# --------------------------------------------------------------------------------------------------------
# Actions


def _owned_or_in_city(user: Actor, model: type, area: str | None) -> ColumnElement[bool]:
    """Workstation staff edit the supply side they keep: what their organisation created, or lies in their city."""
    if model is Post:
        return or_(Post.organisation_id == user.organisation_id, in_area(Post.region_code, area))
    if model is Employer:
        return or_(Employer.organisation_id == user.organisation_id, in_area(Employer.region_code, area))
    return or_(SupplyList.organisation_id == user.organisation_id, in_area(SupplyList.region_code, area))


_CLAIM_DECISIONS = (Action.APPROVE_CLAIM, Action.REJECT_CLAIM, Action.PAY_CLAIM, Action.REVOKE_CLAIM)


def _action_filter(user: Actor, action: Action, model: type) -> ColumnElement[bool] | None:
    """The rows of ``model`` on which ``user`` may take ``action``; None when the role may never take it."""
    if not user.active:
        return None
    if user.role is Role.ADMIN:
        return true()
    role, area = user.role, area_of(user)
    if action is Action.VIEW:
        return scope(user, model)
    if action is Action.EDIT:
        if role is Role.COUNTY_STAFF and model in (Person, DemandList, DemandEntry):
            return scope(user, model)  # county staff keep their people and demand lists; posts are read-only
        if role is Role.WORKSTATION_STAFF and model in (SupplyList, Employer, Post):
            return _owned_or_in_city(user, model, area)
        return None
    if action is Action.REVEAL:
        # Clear numbers of one person: county staff for their people; brokers for the people they serve, to
        # phone them (the reveal needs a reason and is audited). Workstation staff and seekers never.
        if model is Person and role in (Role.COUNTY_STAFF, Role.BROKER):
            return scope(user, Person)
        return None
    if action in (Action.EXPORT, Action.EXPORT_REVEALED):
        # Lists in files: county staff their demand lists and 稳岗清单 (placements); workstation staff and county
        # staff the supply lists. Brokers never export lists, masked or not (a broker's export of the demand
        # list would hand another broker's recruits to it).
        if model in (DemandList, Placement) and role is Role.COUNTY_STAFF:
            return scope(user, model)
        if model is SupplyList and role in (Role.COUNTY_STAFF, Role.WORKSTATION_STAFF):
            return scope(user, model)
        return None
    if action is Action.IMPORT_DEMAND:
        return in_area(DemandList.origin_region_code, area) if model is DemandList and role is Role.COUNTY_STAFF \
            else None
    if action is Action.IMPORT_SUPPLY:
        # A workstation keeps the supply list of the city it sits in, not of another city.
        if model is SupplyList and role is Role.WORKSTATION_STAFF:
            return in_area(SupplyList.region_code, area)
        return None
    if action is Action.RECOMMEND:
        # Putting a worker forward: brokers for the people they serve, county staff for their people.
        return scope(user, Person) if model is Person and role in (Role.COUNTY_STAFF, Role.BROKER) else None
    if action is Action.CHANGE_PLACEMENT:
        # Hiring and starting are recorded by whoever made or follows the placement: the broker who made it,
        # the county of the worker, the workstation of the job's city.
        if model is Placement and role in (Role.COUNTY_STAFF, Role.BROKER, Role.WORKSTATION_STAFF):
            return scope(user, Placement)
        return None
    if action is Action.ORGANISE_DISPATCH:
        # Dispatches are organised by brokers (their own) and county offices (leaving their area).
        if model is Dispatch and role in (Role.COUNTY_STAFF, Role.BROKER):
            return scope(user, Dispatch)
        return None
    if action is Action.CHECK_IN:
        # Arrivals are checked in at the destination, by the workstation of that city.
        if model in (Dispatch, DispatchMember) and role is Role.WORKSTATION_STAFF:
            return scope(user, model)
        return None
    if action is Action.RECORD_CHECK:
        # Employment checks: the workstation where the job is, or the worker's county (by phone).
        if model is Placement and role in (Role.WORKSTATION_STAFF, Role.COUNTY_STAFF):
            return scope(user, Placement)
        return None
    if action is Action.REPORT_JOB_LOSS:
        if model is Placement and role in (Role.WORKSTATION_STAFF, Role.COUNTY_STAFF, Role.BROKER):
            return scope(user, Placement)
        return None
    if action in _CLAIM_DECISIONS:
        # Subsidies are reviewed, approved and paid by the office of the worker's county (the county staff's
        # job), never by the broker who claims them; another county's claim is outside the scope altogether.
        return scope(user, SubsidyClaim) if model is SubsidyClaim and role is Role.COUNTY_STAFF else None
    if action is Action.REMATCH:
        # County staff look after their people's offers: they may have them matched again (the run reads every
        # post, but writes matches only for the people of their area).
        return scope(user, Person) if model is Person and role is Role.COUNTY_STAFF else None
    if action is Action.EVALUATE_CLAIMS:
        return scope(user, Placement) if model is Placement and role is Role.COUNTY_STAFF else None
    # MANAGE and anything else: administrators only.
    return None


def permitted(user: Actor, action: Action | str, model: type) -> ColumnElement[bool]:
    """A WHERE clause selecting the rows of ``model`` on which ``user`` may take ``action`` (``false()`` when
    the role never may): e.g. the posts a workstation may edit, to list only those."""
    condition = _action_filter(user, Action(action), model)
    return false() if condition is None else condition


def can(user: Actor, action: Action | str, obj: object) -> bool:
    """Whether ``user`` may take ``action`` on ``obj``.

    ``obj`` is a stored object (checked against the database: one source of truth with :func:`scope`) or a
    model class (whether the role may ever take the action on such objects, e.g. to show a button).
    """
    action = Action(action)
    model = obj if isinstance(obj, type) else type(obj)
    condition = _action_filter(user, action, model)
    if condition is None or isinstance(condition, False_):
        return False
    if isinstance(obj, type) or user.role is Role.ADMIN:
        return True
    session = object_session(obj)
    if session is None:
        raise ValueError("can() needs an object attached to a session")
    session.flush()
    key = model.__mapper__.primary_key[0]
    return bool(session.scalar(select(exists().where(key == getattr(obj, key.key), condition))))


def require(user: Actor, action: Action | str, obj: object, *, reason: str | None = None,
            session: Session | None = None) -> None:
    """Raise :class:`~jobs.errors.Forbidden` (audited) unless ``user`` may take ``action`` on ``obj``.

    ``obj`` must be stored (flushed): new objects are checked right after they are added, before the caller's
    transaction commits, so a refusal rolls them back. For a model class (a role-level check) pass ``session``
    so that the denial is audited.
    """
    action = Action(action)
    if can(user, action, obj):
        return
    model = obj if isinstance(obj, type) else type(obj)
    role = Role(user.role).label
    error = Forbidden(f"{role}“{user.username}”无权{_ACTION_LABELS[action]}")
    session = session if isinstance(obj, type) else object_session(obj)
    _deny(session, user, error, action=action, model=model,
          object_id=None if isinstance(obj, type) else _identity(obj), reason=reason or "not_permitted")
    raise error


def visible(session: Session, user: Actor, model: type[M], object_id: Any, *, for_update: bool = False,
            what: str | None = None, action: Action = Action.VIEW, options: tuple[Any, ...] = ()) -> M:
    """The ``model`` row with this id, if ``user`` may see it; else :class:`~jobs.errors.NotFound`.

    A row outside the scope is reported as missing (audited as a denial). ``for_update`` locks the row
    (``SELECT … FOR UPDATE``) and reads it afresh, for the workflow steps that change it. With ``action`` the
    scope is the rows ``user`` may take that action on (e.g. the posts a workstation keeps, for its edit pages):
    another one is reported as missing too. ``options`` are loader options for the row (e.g. ``joinedload``),
    so that a caller needing its collections reads it once.
    """
    key = model.__mapper__.primary_key[0]
    condition = scope(user, model) if action is Action.VIEW else permitted(user, action, model)
    query = select(model).where(key == object_id, condition)
    if options:
        query = query.options(*options)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    found = session.scalars(query).unique().one_or_none()
    if found is not None:
        return found
    error = NotFound(f"{what or _MODEL_LABELS.get(model, '记录')}{object_id}不存在")
    if session.scalar(select(exists().where(key == object_id))):
        _deny(session, user, error, action=Action.VIEW, model=model, object_id=object_id, reason="outside_scope")
    raise error


def deny(session: Session | None, user: Actor, error: DomainError, *, action: Action, obj: object,
         reason: str) -> NoReturn:
    """Refuse with ``error`` for a rule a use case checks itself (e.g. the four-eyes rule of approvals): audited
    like every other denial."""
    model = obj if isinstance(obj, type) else type(obj)
    _deny(session, user, error, action=action, model=model,
          object_id=None if isinstance(obj, type) else _identity(obj), reason=reason)
    raise error


def _identity(obj: object) -> Any:
    state = instance_state(obj)
    return state.identity[0] if state.identity else None


def _deny(session: Session | None, user: Actor, error: DomainError, *, action: Action, model: type,
          object_id: Any, reason: str) -> None:
    details = {
        "action": action.value,
        "reason": reason,
        "object_type": getattr(model, "__tablename__", model.__name__),
        "object_id": None if object_id is None else str(object_id),
        "actor_user_id": user.id,
        "actor": user.username,
    }
    error.audit = details
    if session is not None:
        _write(session, details)
        session.flush()


def _write(session: Session, details: dict[str, Any]) -> AuditEvent:
    return audit.record(session, action="access.denied", actor_label=details["actor"][:64],
                        actor_user_id=details["actor_user_id"], object_type=details["object_type"],
                        object_id=details["object_id"],
                        after={"action": details["action"], "reason": details["reason"]})


def keep_denial(database: Any, error: BaseException) -> None:
    """After a refused request's transaction was rolled back, write its denial to the audit log again.

    Called by the one web error handler and the one command-line handler; ``database`` is a
    :class:`~jobs.storage.db.Database`.
    """
    details = getattr(error, "audit", None)
    if not details:
        return
    with database.transaction() as session:
        _write(session, details)


_ACTION_LABELS: dict[Action, str] = {
    Action.VIEW: "查看该记录",
    Action.EDIT: "修改该记录",
    Action.REVEAL: "查看完整的身份证号和电话",
    Action.EXPORT: "导出该清单",
    Action.EXPORT_REVEALED: "导出含完整身份证号和电话的清单",
    Action.IMPORT_DEMAND: "导入该地区的就业需求清单",
    Action.IMPORT_SUPPLY: "导入该地区的岗位供给清单",
    Action.RECOMMEND: "推荐该劳动力",
    Action.CHANGE_PLACEMENT: "变更该就业安置",
    Action.ORGANISE_DISPATCH: "组织或变更该劳务输出批次",
    Action.CHECK_IN: "登记该批次的到达情况",
    Action.RECORD_CHECK: "登记该就业安置的稳岗核实",
    Action.REPORT_JOB_LOSS: "登记该就业安置离岗",
    Action.EVALUATE_CLAIMS: "评估补贴",
    Action.APPROVE_CLAIM: "审核该补贴申领",
    Action.REJECT_CLAIM: "驳回该补贴申领",
    Action.PAY_CLAIM: "发放该补贴",
    Action.REVOKE_CLAIM: "撤销该补贴",
    Action.REMATCH: "重新匹配该地区的劳动力",
    Action.MANAGE: "进行系统管理",
}

_MODEL_LABELS: dict[type, str] = {
    Person: "劳动力",
    DemandList: "就业需求清单",
    DemandEntry: "清单条目",
    SupplyList: "岗位供给清单",
    Employer: "用人单位",
    Post: "岗位",
    Match: "匹配结果",
    Placement: "就业安置",
    Dispatch: "劳务输出批次",
    DispatchMember: "随行人员",
    SubsidyClaim: "补贴申领",
    TrainingCourse: "培训课程",
    EmploymentCheck: "稳岗核实",
    JobLoss: "失业登记",
    Broker: "劳务经纪人",
    Organisation: "单位",
    User: "用户",
    AuditEvent: "审计记录",
}
