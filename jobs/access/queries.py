"""The read side: named questions the pages, the API and the scheduler ask, each scoped to the acting user.

Every function takes the acting user and filters through :func:`jobs.access.permissions.scope`, so a page can
never show a row its user may not see. Lists are paginated (:class:`Page`) and return plain frozen dataclasses,
never ORM objects: nothing lazy-loads in a template, and nothing a page holds can be changed by accident.
ID numbers and phones appear masked only; revealing one is a use case of its own (audited).

The indexes these queries filter on are in migration 0002 (placement region and status, claim status, post
status, dispatch origin and destination, person name, owner organisations, audit actor).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, load_only, selectinload

from jobs.access.permissions import Action, Actor, area_of, in_area, permitted, require, scope, visible
from jobs.errors import InvalidInput
from jobs.people.persons import id_tail_digest, masked_id_number, masked_phone
from jobs.people.regions import RegionError, region_table
from jobs.storage.crypto import Vault
from jobs.storage.clock import CHINA, china_today
from jobs.storage.enums import (
    ArrivalStatus,
    Channel,
    ClaimStatus,
    DispatchStatus,
    EmploymentStatus,
    LabourAbility,
    MatchStatus,
    OutboxStatus,
    PersonCategory,
    PlacementStatus,
    PostStatus,
    RunStatus,
)
from jobs.storage.models import (
    AuditEvent,
    Broker,
    Dispatch,
    DispatchMember,
    Employer,
    EmploymentCheck,
    JobLoss,
    JobRun,
    Match,
    OutboxMessage,
    Person,
    Placement,
    Post,
    Push,
    SubsidyClaim,
    SupplyList,
    TrainingCourse,
    WantedOccupation,
)
from jobs.subsidy.engine import add_months

__all__ = [
    "ArrivalRow",
    "AuditRow",
    "CHECK_MONTHS",
    "CandidateRow",
    "CheckDue",
    "CheckRow",
    "ClaimRow",
    "CourseRow",
    "DashboardRow",
    "DispatchDetail",
    "DispatchRow",
    "JobLossRow",
    "LIVE_OFFER",
    "MatchRow",
    "OFFER_COLUMNS",
    "OfferRow",
    "OutboxRow",
    "Page",
    "PassengerChoice",
    "PassengerRow",
    "PeopleFilters",
    "PersonDetail",
    "PersonRow",
    "PlacementRow",
    "PostRow",
    "PushRow",
    "RunRow",
    "ServedRow",
    "arrivals",
    "audit_log",
    "candidates_for_post",
    "checks_due",
    "claim",
    "claims",
    "claims_to_review",
    "dashboard_counts",
    "dispatch",
    "dispatch_detail",
    "dispatches",
    "job_losses",
    "job_names",
    "job_runs",
    "kept_employer",
    "kept_employers",
    "kept_post",
    "kept_posts",
    "kept_supply_lists",
    "live_offers",
    "matches",
    "offers_for_seeker",
    "outbox_messages",
    "overdue_checks",
    "own_brokers",
    "passenger_choices",
    "people",
    "people_with_best_offer",
    "person_detail",
    "placement",
    "placements",
    "post",
    "posts",
    "pushes",
    "training_courses",
]

T = TypeVar("T")
MAX_PER_PAGE = 200
#: Months after the start at which a placement's stable employment is checked (稳岗核实 at 3, 6 and 12 months).
CHECK_MONTHS = (3, 6, 12)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items, the number of rows in the whole list, and where this page is."""

    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _bounds(page: int, per_page: int) -> tuple[int, int]:
    if page < 1:
        raise InvalidInput.field("page", "页码须为正整数")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidInput.field("per_page", f"每页条数须在1到{MAX_PER_PAGE}之间")
    return page, per_page


def _paginate(session: Session, query: Select, page: int, per_page: int, row: Callable[[Any], T]) -> Page[T]:
    page, per_page = _bounds(page, per_page)
    offset = (page - 1) * per_page
    found = session.execute(query.limit(per_page).offset(offset))
    items = [row(r) for r in (found.scalars() if len(query.column_descriptions) == 1 else found)]
    if len(items) < per_page and (items or offset == 0):
        total = offset + len(items)  # the last page: the rows before it and on it are all there are
    else:
        total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    return Page(items, total, page, per_page)


def _slice(items: Sequence[T], page: int, per_page: int) -> Page[T]:
    page, per_page = _bounds(page, per_page)
    start = (page - 1) * per_page
    return Page(list(items[start:start + per_page]), len(items), page, per_page)


def _place(code: str | None) -> str:
    if code is None:
        return ""
    try:
        return region_table().current(code).full_name
    except RegionError:
        return code


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


# --------------------------------------------------------------------------------------------------------
# People


@dataclass(frozen=True)
class PeopleFilters:
    """What the people search filters on; every field is optional."""

    name: str | None = None
    id_tail: str | None = None  # the last characters of the ID number, as shown masked
    village: str | None = None  # a part of the household address (村, 组 …)
    status: EmploymentStatus | None = None
    category: PersonCategory | None = None
    ability: LabourAbility | None = None
    wanted: str | None = None  # a wanted job type, as written or its occupation code


@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    id_masked: str
    phone_masked: str | None
    household: str
    category: str
    ability: str
    status: str
    wanted: tuple[str, ...]


def _person_row(person: Person, vault: Vault) -> PersonRow:
    return PersonRow(
        id=person.id, name=person.name, id_masked=masked_id_number(person, vault), phone_masked=masked_phone(person, vault),
        household=person.household_address or _place(person.household_region_code),
        category=person.category.label, ability=person.labour_ability.label, status=person.employment_status.label,
        wanted=tuple(o.text for o in person.wanted_occupations),
    )


def people(session: Session, user: Actor, filters: PeopleFilters | None = None, *, vault: Vault, page: int = 1,
           per_page: int = 50) -> Page[PersonRow]:
    """The people ``user`` may see, searched by name, masked ID tail, village, status, category, ability and
    wanted job; by name."""
    filters = filters or PeopleFilters()
    query = select(Person).where(scope(user, Person))
    if filters.name:
        query = query.where(Person.name.contains(filters.name.strip(), autoescape=True))
    if filters.id_tail:
        tail = filters.id_tail.strip().upper()
        if not tail.isalnum() or len(tail) != 4:
            raise InvalidInput.field("id_tail", "请输入身份证号后4位（数字或X）")
        query = query.where(Person.id_tail_digest == id_tail_digest(tail, vault))
    if filters.village:
        query = query.where(Person.household_address.contains(filters.village.strip(), autoescape=True))
    if filters.status is not None:
        query = query.where(Person.employment_status == filters.status)
    if filters.category is not None:
        query = query.where(Person.category == filters.category)
    if filters.ability is not None:
        query = query.where(Person.labour_ability == filters.ability)
    if filters.wanted:
        wanted = filters.wanted.strip()
        query = query.where(Person.id.in_(select(WantedOccupation.person_id).where(or_(
            WantedOccupation.text.contains(wanted, autoescape=True),
            WantedOccupation.occupation_code.startswith(wanted, autoescape=True)))))
    query = query.options(selectinload(Person.wanted_occupations)).order_by(Person.name, Person.id)
    return _paginate(session, query, page, per_page, lambda person: _person_row(person, vault))


@dataclass(frozen=True)
class OfferRow:
    """A job offered to a seeker: the match with its post, reasons and state."""

    match_id: int
    post_id: int
    title: str
    employer: str
    place: str
    wage: str
    score: Decimal
    reasons: str
    status: str


#: What an offer shows, read as plain columns (no ORM objects to build: a page of offers is a hot read, the
#: seeker's phone page and ``GET /api/v1/me/offers``). The post's columns keep their attribute names, so a row
#: reads like the post where only these are needed (``jobs.access.mine.plain_reasons``).
OFFER_COLUMNS = (
    Match.id.label("match_id"), Match.person_id, Match.score, Match.reasons, Match.status, Match.answer_note,
    Post.id.label("post_id"), Post.title, Post.region_code, Post.wage_text, Post.wage_min, Post.wage_max, Post.board,
    Post.lodging, Post.contract_months, Employer.name.label("employer"),
)
LIVE_OFFER = (MatchStatus.PROPOSED, MatchStatus.PUSHED, MatchStatus.INTERESTED)


def live_offers(user: Actor, *where: Any) -> Select:
    """The live offers (matches proposed, pushed or answered with interest, on posts still open) that ``user`` may
    see and that meet ``where``, best first, as :data:`OFFER_COLUMNS`."""
    return (
        select(*OFFER_COLUMNS)
        .join(Post, Match.post_id == Post.id).join(Employer, Post.employer_id == Employer.id)
        .where(*where, scope(user, Match), Post.status == PostStatus.OPEN, Match.status.in_(LIVE_OFFER))
        .order_by(Match.score.desc(), Match.id)
    )


def offers_for_seeker(session: Session, user: Actor, person_id: int, *, page: int = 1,
                      per_page: int = 20) -> Page[OfferRow]:
    """The live offers (matches proposed, pushed or answered with interest) for a person, best first, on posts
    still open. The person must be visible to ``user`` (a seeker: themselves)."""
    visible(session, user, Person, person_id, options=(load_only(Person.id),))  # the check only
    return _paginate(session, live_offers(user, Match.person_id == person_id), page, per_page, _offer_row)


@dataclass(frozen=True)
class ServedRow:
    """A person a broker (or county) serves, with their best live offer, if any."""

    person: PersonRow
    best: OfferRow | None


def people_with_best_offer(session: Session, user: Actor, filters: PeopleFilters | None = None, *, vault: Vault,
                           page: int = 1, per_page: int = 50) -> Page[ServedRow]:
    """The people ``user`` may see (as :func:`people`), each with their best live offer on an open post."""
    found = people(session, user, filters, vault=vault, page=page, per_page=per_page)
    ids = [row.id for row in found.items]
    best: dict[int, OfferRow] = {}
    for offer in session.execute(live_offers(user, Match.person_id.in_(ids))):
        best.setdefault(offer.person_id, _offer_row(offer))
    return Page([ServedRow(row, best.get(row.id)) for row in found.items], found.total, found.page, found.per_page)


def _offer_row(offer: Any) -> OfferRow:
    """An offer row from a row of :data:`OFFER_COLUMNS`."""
    return OfferRow(offer.match_id, offer.post_id, offer.title, offer.employer, _place(offer.region_code),
                    offer.wage_text or _wage(offer.wage_min, offer.wage_max), offer.score, offer.reasons,
                    offer.status.label)


@dataclass(frozen=True)
class CandidateRow:
    """A worker matched to a post: who, how well and why."""

    match_id: int
    person: PersonRow
    score: Decimal
    reasons: str
    status: str


def candidates_for_post(session: Session, user: Actor, post_id: int, *, vault: Vault, page: int = 1,
                        per_page: int = 50) -> Page[CandidateRow]:
    """The workers matched to a post whom ``user`` may see (a broker: the people it serves), best first. The
    post must be visible to ``user`` (NotFound otherwise)."""
    visible(session, user, Post, post_id)
    query = (
        select(Match, Person).join(Person, Match.person_id == Person.id)
        .where(Match.post_id == post_id, scope(user, Match), scope(user, Person))
        .options(selectinload(Person.wanted_occupations))
        .order_by(Match.score.desc(), Match.id)
    )
    return _paginate(session, query, page, per_page, lambda found: CandidateRow(
        found[0].id, _person_row(found[1], vault), found[0].score, found[0].reasons, found[0].status.label))


def own_brokers(session: Session, user: Actor) -> list[tuple[int, str]]:
    """The brokers (经纪人/机构) registered under ``user``'s organisation, to recommend in their name."""
    if user.organisation_id is None:
        return []
    return [(b.id, b.name) for b in session.scalars(
        select(Broker).where(Broker.organisation_id == user.organisation_id).order_by(Broker.id))]


def _wage(low: int | None, high: int | None) -> str:
    if low is None and high is None:
        return "面议"
    if low == high or high is None:
        return f"{low}元/月"
    return f"{low or 0}-{high}元/月"


# --------------------------------------------------------------------------------------------------------
# Placements, checks, job losses, dispatches


@dataclass(frozen=True)
class PlacementRow:
    id: int
    person_id: int
    person: str
    id_masked: str
    employer: str
    title: str | None
    place: str
    status: str
    start_date: dt.date | None
    end_date: dt.date | None
    broker: str | None
    # The status itself (``status`` is its label, as the API gives it) and the dispatch the worker travelled
    # with, for the placement pages; defaulted so that rows made elsewhere keep working.
    state: PlacementStatus | None = None
    dispatch_id: int | None = None


def _placement_row(placement: Placement, vault: Vault) -> PlacementRow:
    return PlacementRow(
        id=placement.id, person_id=placement.person_id, person=placement.person.name,
        id_masked=masked_id_number(placement.person, vault), employer=placement.employer.name,
        title=placement.post.title if placement.post else None, place=_place(placement.job_region_code),
        status=placement.status.label, start_date=placement.start_date, end_date=placement.end_date,
        broker=placement.broker.name if placement.broker else None, state=placement.status,
        dispatch_id=placement.dispatch_id,
    )


_PLACEMENT_LOADS = (selectinload(Placement.person), selectinload(Placement.employer), selectinload(Placement.post),
                    selectinload(Placement.broker))


def placements(session: Session, user: Actor, *, vault: Vault, status: PlacementStatus | None = None,
               person_id: int | None = None, text: str | None = None, page: int = 1,
               per_page: int = 50) -> Page[PlacementRow]:
    """The placements ``user`` may see, newest first; optionally one status, one person's, or those whose
    worker's name, employer or post title contains ``text``."""
    query = select(Placement).where(scope(user, Placement))
    if status is not None:
        query = query.where(Placement.status == status)
    if person_id is not None:
        query = query.where(Placement.person_id == person_id)
    if text and text.strip():
        pattern = f"%{text.strip()}%"
        query = query.where(or_(Placement.person.has(Person.name.like(pattern)),
                                Placement.employer.has(Employer.name.like(pattern)),
                                Placement.post.has(Post.title.like(pattern))))
    query = query.options(*_PLACEMENT_LOADS).order_by(Placement.start_date.desc(), Placement.id.desc())
    return _paginate(session, query, page, per_page, lambda placement: _placement_row(placement, vault))


def placement(session: Session, user: Actor, placement_id: int, *, vault: Vault) -> PlacementRow:
    """One placement ``user`` may see (NotFound outside the scope)."""
    return _placement_row(visible(session, user, Placement, placement_id), vault)


@dataclass(frozen=True)
class PlacementDetail:
    """One placement as its page shows it: the row, the terms of the hire, the dispatch and the checks."""

    row: PlacementRow
    contract_months: int | None
    employment_type: str | None
    social_insurance: bool
    round_trip_cost: Decimal | None
    end_reason: str | None
    dispatch: str | None
    checks: list[tuple[dt.date, bool, str | None]]
    may_change: bool  # whether ``user`` may hire, start or cancel it (the permission module's rule)


def placement_detail(session: Session, user: Actor, placement_id: int, *, vault: Vault) -> PlacementDetail:
    """One placement ``user`` may see with its terms, dispatch and checks (NotFound outside the scope)."""
    found = visible(session, user, Placement, placement_id)
    trip = found.dispatch
    return PlacementDetail(
        row=_placement_row(found, vault), contract_months=found.contract_months,
        employment_type=found.employment_type.label if found.employment_type and found.start_date else None,
        social_insurance=found.social_insurance, round_trip_cost=found.round_trip_cost,
        end_reason=found.end_reason.label if found.end_reason else None,
        dispatch=None if trip is None else
        f"{trip.external_key or f'批次 {trip.id}'}（{trip.departure_date} {_place(trip.origin_region_code)}→"
        f"{_place(trip.destination_region_code)}）",
        checks=[(c.check_date, c.employed, c.evidence.label if c.evidence else None)
                for c in sorted(found.checks, key=lambda c: c.check_date)],
        may_change=session.scalar(select(Placement.id).where(
            Placement.id == placement_id, permitted(user, Action.CHANGE_PLACEMENT, Placement))) is not None,
    )


@dataclass(frozen=True)
class CheckDue:
    """A placement whose stable-employment check at ``months`` months is due (on ``due_on``) or overdue."""

    placement: PlacementRow
    months: int
    due_on: dt.date
    overdue_days: int


def checks_due(session: Session, user: Actor, as_of: dt.date, *, vault: Vault, page: int = 1,
               per_page: int = 50) -> Page[CheckDue]:
    """Placements in ``user``'s scope (a workstation: its city) whose 3-, 6- or 12-month check is due by ``as_of``
    and not yet recorded as employed on or after that date; most overdue first.

    The milestones are calendar months after the start (:func:`~jobs.subsidy.engine.add_months`), so the
    selection is made here rather than in SQL: only placements in hand started at least three months ago are read.
    """
    return _slice(_checks_due(session, user, as_of, vault=vault), page, per_page)


def _checks_due(session: Session, user: Actor, as_of: dt.date, *, vault: Vault) -> list[CheckDue]:
    earliest_start = add_months(as_of, -CHECK_MONTHS[0])
    candidates = session.scalars(
        select(Placement).where(scope(user, Placement), Placement.status.in_([PlacementStatus.HIRED,
                                                                             PlacementStatus.ACTIVE]),
                                Placement.start_date <= earliest_start)
        .options(*_PLACEMENT_LOADS, selectinload(Placement.checks))
    ).all()
    due: list[CheckDue] = []
    for placement in candidates:
        assert placement.start_date is not None  # hired and active placements have started
        for months in CHECK_MONTHS:
            day = add_months(placement.start_date, months)
            if day > as_of:
                break
            if not any(c.employed and c.check_date >= day for c in placement.checks):
                due.append(CheckDue(_placement_row(placement, vault), months, day, (as_of - day).days))
                break
    due.sort(key=lambda d: (-d.overdue_days, d.placement.id))
    return due


@dataclass(frozen=True)
class JobLossRow:
    id: int
    person_id: int
    person: str
    id_masked: str
    loss_date: dt.date
    reason: str | None
    placement_id: int
    followed_up: bool


def job_losses(session: Session, user: Actor, *, vault: Vault, open_only: bool = False, page: int = 1,
               per_page: int = 50) -> Page[JobLossRow]:
    """Job losses (就业转失业) in ``user``'s scope, newest first; ``open_only`` those not yet followed up."""
    query = select(JobLoss).where(scope(user, JobLoss)).options(selectinload(JobLoss.person))
    if open_only:
        query = query.where(JobLoss.followed_up_at.is_(None))
    query = query.order_by(JobLoss.loss_date.desc(), JobLoss.id.desc())
    return _paginate(session, query, page, per_page, lambda loss: JobLossRow(
        loss.id, loss.person_id, loss.person.name, masked_id_number(loss.person, vault), loss.loss_date,
        loss.reason.label if loss.reason else None, loss.placement_id, loss.followed_up_at is not None))


@dataclass(frozen=True)
class DispatchRow:
    id: int
    key: str | None
    origin: str
    destination: str
    departure_date: dt.date
    status: str
    organiser: str
    members: int
    arrived: int


def dispatches(session: Session, user: Actor, *, status: DispatchStatus | None = None, page: int = 1,
               per_page: int = 50) -> Page[DispatchRow]:
    """Dispatches in ``user``'s scope (county: leaving it; workstation: arriving; broker: its own), latest first."""
    query = select(Dispatch).where(scope(user, Dispatch))
    if status is not None:
        query = query.where(Dispatch.status == status)
    query = query.options(selectinload(Dispatch.members), selectinload(Dispatch.organiser_organisation)) \
        .order_by(Dispatch.departure_date.desc(), Dispatch.id.desc())
    return _paginate(session, query, page, per_page, _dispatch_row)


def _dispatch_row(dispatch: Dispatch) -> DispatchRow:
    arrived = sum(1 for m in dispatch.members if m.arrival.value == "arrived")
    return DispatchRow(dispatch.id, dispatch.external_key, _place(dispatch.origin_region_code),
                       _place(dispatch.destination_region_code), dispatch.departure_date, dispatch.status.label,
                       dispatch.organiser_organisation.name, len(dispatch.members), arrived)


def dispatch(session: Session, user: Actor, dispatch_id: int) -> DispatchRow:
    """One dispatch ``user`` may see (NotFound outside the scope)."""
    return _dispatch_row(visible(session, user, Dispatch, dispatch_id))


@dataclass(frozen=True)
class ArrivalRow:
    """One traveller of a dispatch: who, on which trip, and whether they arrived."""

    member_id: int
    dispatch_id: int
    person_id: int
    person: str
    id_masked: str
    origin: str
    destination: str
    departure_date: dt.date
    dispatch_status: str
    arrival: str
    expected: bool
    placement_id: int | None = None  # the job the traveller goes to, when the broker tied one


def arrivals(session: Session, user: Actor, *, vault: Vault, expected_only: bool = False, page: int = 1,
             per_page: int = 50) -> Page[ArrivalRow]:
    """Travellers of the dispatches in ``user``'s scope that have left (a workstation: those coming to its city),
    latest departure first; ``expected_only`` those not yet checked in."""
    query = (
        select(DispatchMember, Dispatch, Person)
        .join(Dispatch, DispatchMember.dispatch_id == Dispatch.id).join(Person, DispatchMember.person_id == Person.id)
        .where(scope(user, Dispatch), Dispatch.status.in_([DispatchStatus.DEPARTED, DispatchStatus.ARRIVED]))
        .order_by(Dispatch.departure_date.desc(), Dispatch.id.desc(), Person.name, DispatchMember.id)
    )
    if expected_only:
        query = query.where(DispatchMember.arrival == ArrivalStatus.EXPECTED)

    def row(found) -> ArrivalRow:
        member, dispatch, person = found
        return ArrivalRow(member.id, dispatch.id, person.id, person.name, masked_id_number(person, vault),
                          _place(dispatch.origin_region_code), _place(dispatch.destination_region_code),
                          dispatch.departure_date, dispatch.status.label, member.arrival.label,
                          member.arrival is ArrivalStatus.EXPECTED, member.placement_id)

    return _paginate(session, query, page, per_page, row)


# --------------------------------------------------------------------------------------------------------
# Posts


@dataclass(frozen=True)
class PostRow:
    id: int
    title: str
    employer: str
    place: str
    headcount: int | None
    filled: int
    wage: str
    status: str
    closing_date: dt.date | None


def posts(session: Session, user: Actor, *, status: PostStatus | None = None, region: str | None = None,
          occupation: str | None = None, post_id: int | None = None, page: int = 1,
          per_page: int = 50) -> Page[PostRow]:
    """Posts ``user`` may see, optionally by status, region (a code, retired codes resolved), occupation code or
    one post's id."""
    query = select(Post, Employer).join(Employer, Post.employer_id == Employer.id).where(scope(user, Post))
    if post_id is not None:
        query = query.where(Post.id == post_id)
    if status is not None:
        query = query.where(Post.status == status)
    if region:
        try:
            code = region_table().current(region).code
        except RegionError as error:
            raise InvalidInput.field("region", error.message) from None
        query = query.where(in_area(Post.region_code, code))
    if occupation:
        query = query.where(Post.occupation_code.startswith(occupation, autoescape=True))
    query = query.order_by(Post.id.desc())

    return _paginate(session, query, page, per_page, lambda found: _post_row(*found))


def _post_row(post: Post, employer: Employer) -> PostRow:
    return PostRow(post.id, post.title, employer.name, _place(post.region_code), post.headcount, post.filled,
                   post.wage_text or _wage(post.wage_min, post.wage_max), post.status.label, post.closing_date)


def post(session: Session, user: Actor, post_id: int) -> PostRow:
    """One post ``user`` may see (NotFound outside the scope)."""
    found = visible(session, user, Post, post_id)
    return _post_row(found, session.get(Employer, found.employer_id))


# --------------------------------------------------------------------------------------------------------
# Claims


@dataclass(frozen=True)
class ClaimRow:
    id: int
    placement_id: int
    person_id: int
    person: str
    id_masked: str
    kind: str
    instalment: int
    status: str
    amount: str | None
    milestone_date: dt.date | None
    policy: str | None
    fund: str | None
    reason: str
    payment_reference: str | None = None  # once paid (defaulted: the API's claim schema does not carry it)
    paid_on: dt.date | None = None


def _claim_row(found, vault: Vault) -> ClaimRow:
    from jobs.subsidy.claims import kind_label

    claim, person = found
    return ClaimRow(claim.id, claim.placement_id, person.id, person.name, masked_id_number(person, vault),
                    kind_label(claim.kind), claim.instalment, claim.status.label, _money(claim.amount),
                    claim.milestone_date, claim.document_number, claim.fund, claim.reason,
                    claim.payment_reference, claim.paid_on)


def claims(session: Session, user: Actor, *, vault: Vault, status: ClaimStatus | None = None,
           person_id: int | None = None, page: int = 1, per_page: int = 50) -> Page[ClaimRow]:
    """Subsidy claims ``user`` may see (county: of its people; broker: its own; seeker: theirs)."""
    query = select(SubsidyClaim, Person).join(Person, SubsidyClaim.person_id == Person.id) \
        .where(scope(user, SubsidyClaim))
    if status is not None:
        query = query.where(SubsidyClaim.status == status)
    if person_id is not None:
        query = query.where(SubsidyClaim.person_id == person_id)
    query = query.order_by(SubsidyClaim.milestone_date.desc(), SubsidyClaim.id.desc())
    return _paginate(session, query, page, per_page, lambda found: _claim_row(found, vault))


def claim(session: Session, user: Actor, claim_id: int, *, vault: Vault) -> ClaimRow:
    """One subsidy claim ``user`` may see (NotFound outside the scope)."""
    found = visible(session, user, SubsidyClaim, claim_id)
    return _claim_row((found, session.get(Person, found.person_id)), vault)


def claims_to_review(session: Session, user: Actor, *, vault: Vault, page: int = 1,
                     per_page: int = 50) -> Page[ClaimRow]:
    """The review queue: eligible claims in ``user``'s area, oldest milestone first (the first to be paid)."""
    query = select(SubsidyClaim, Person).join(Person, SubsidyClaim.person_id == Person.id) \
        .where(scope(user, SubsidyClaim), SubsidyClaim.status == ClaimStatus.ELIGIBLE) \
        .order_by(SubsidyClaim.milestone_date, SubsidyClaim.id)
    return _paginate(session, query, page, per_page, lambda found: _claim_row(found, vault))


# --------------------------------------------------------------------------------------------------------
# A person's page


@dataclass(frozen=True)
class PersonDetail:
    """Everything a person's page shows, each part within the viewer's scope."""

    person: PersonRow
    offers: list[OfferRow] = field(default_factory=list)
    placements: list[PlacementRow] = field(default_factory=list)
    claims: list[ClaimRow] = field(default_factory=list)
    pushes: list[tuple[dt.datetime, str, str]] = field(default_factory=list)
    checks: dict[int, list[CheckRow]] = field(default_factory=dict)  # by placement id


@dataclass(frozen=True)
class CheckRow:
    """One recorded employment check (稳岗核实) of a placement."""

    check_date: dt.date
    employed: bool
    evidence: str | None


def person_detail(session: Session, user: Actor, person_id: int, *, vault: Vault) -> PersonDetail:
    """A person with their offers, placements (with their employment checks), claims and the messages pushed to
    them (NotFound outside scope)."""
    person = visible(session, user, Person, person_id)
    pushes = session.scalars(
        select(Push).where(Push.person_id == person_id, scope(user, Push)).order_by(Push.sent_at.desc()).limit(50)
    ).all()
    shown = placements(session, user, vault=vault, person_id=person_id, per_page=MAX_PER_PAGE).items
    checks: dict[int, list[CheckRow]] = defaultdict(list)
    for check in session.scalars(select(EmploymentCheck).where(
            EmploymentCheck.placement_id.in_([p.id for p in shown]))
            .order_by(EmploymentCheck.check_date, EmploymentCheck.id)):
        checks[check.placement_id].append(
            CheckRow(check.check_date, check.employed, check.evidence.label if check.evidence else None))
    return PersonDetail(
        person=_person_row(person, vault),
        offers=offers_for_seeker(session, user, person_id, per_page=MAX_PER_PAGE).items,
        placements=shown,
        checks=dict(checks),
        claims=claims(session, user, vault=vault, person_id=person_id, per_page=MAX_PER_PAGE).items,
        pushes=[(p.sent_at, p.kind.label, p.content) for p in pushes],
    )


# --------------------------------------------------------------------------------------------------------
# Audit log and dashboard


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    actor: str
    action: str
    object_type: str | None
    object_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def audit_log(session: Session, user: Actor, *, action: str | None = None, actor: str | None = None,
              object_type: str | None = None, page: int = 1, per_page: int = 50) -> Page[AuditRow]:
    """The audit log, newest first, with filters: administrators only (Forbidden for everyone else)."""
    require(user, Action.MANAGE, AuditEvent, session=session)
    query = select(AuditEvent).where(scope(user, AuditEvent))
    if action:
        query = query.where(AuditEvent.action == action)
    if actor:
        query = query.where(AuditEvent.actor == actor)
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    query = query.order_by(AuditEvent.id.desc())
    return _paginate(session, query, page, per_page, lambda e: AuditRow(
        e.id, e.at, e.actor, e.action, e.object_type, e.object_id, e.before, e.after))


@dataclass(frozen=True)
class DashboardRow:
    """Counts for one area one level below the viewer's (a province's cities, a city's counties)."""

    region_code: str
    region_name: str
    people: int = 0
    unemployed: int = 0
    placements_this_year: int = 0
    claims_eligible: int = 0
    job_losses_open: int = 0


def _level_below(area: str | None) -> int:
    """How many code digits name the areas a dashboard groups by: provinces (2) for the whole country, cities
    (4) for a province, counties (6) for a city or a county."""
    if area is None:
        return 2
    return 4 if len(area) == 2 else 6


def dashboard_counts(session: Session, user: Actor, *, year: int | None = None) -> list[DashboardRow]:
    """The dashboard's counts grouped one administrative level below the viewer's area, by the workers' household
    registration (retired codes counted under their successors)."""
    year = year or china_today().year
    digits = _level_below(area_of(user))
    table = region_table()
    totals: dict[str, Counter[str]] = defaultdict(Counter)

    def unit(code: str) -> str:
        try:
            return table.current(code).code[:digits]
        except RegionError:
            return code[:digits]

    def add(name: str, query: Select) -> None:
        for code, number in session.execute(query):
            totals[unit(code)][name] += number

    household = Person.household_region_code
    add("people", select(household, func.count()).where(scope(user, Person)).group_by(household))
    add("unemployed", select(household, func.count()).where(
        scope(user, Person), Person.employment_status == EmploymentStatus.UNEMPLOYED).group_by(household))
    add("placements_this_year", select(household, func.count()).select_from(Placement)
        .join(Person, Placement.person_id == Person.id)
        .where(scope(user, Placement), Placement.start_date >= dt.date(year, 1, 1),
               Placement.start_date <= dt.date(year, 12, 31)).group_by(household))
    add("claims_eligible", select(household, func.count()).select_from(SubsidyClaim)
        .join(Person, SubsidyClaim.person_id == Person.id)
        .where(scope(user, SubsidyClaim), SubsidyClaim.status == ClaimStatus.ELIGIBLE).group_by(household))
    add("job_losses_open", select(household, func.count()).select_from(JobLoss)
        .join(Person, JobLoss.person_id == Person.id)
        .where(scope(user, JobLoss), JobLoss.followed_up_at.is_(None)).group_by(household))
    rows = []
    for code in sorted(totals):
        record = table.get(code)
        rows.append(DashboardRow(code, record.full_name if record else code, **totals[code]))
    return rows


# --------------------------------------------------------------------------------------------------------
# A dispatch's passengers, the workers a broker may add, alerts, scheduler runs and the outbox


@dataclass(frozen=True)
class PassengerRow:
    """One traveller of a dispatch and whether the destination's workstation has checked them in."""

    member_id: int
    person_id: int
    person: str
    id_masked: str
    placement_id: int | None
    placement: str | None  # the job the passenger travels to: employer and the placement's state
    arrival: str
    expected: bool
    checked_in_at: dt.datetime | None
    cost: str | None
    ticket_ref: str | None


@dataclass(frozen=True)
class DispatchDetail:
    """A dispatch with its trip details and its passengers."""

    dispatch: DispatchRow
    status: DispatchStatus
    departure_at: dt.datetime | None
    transport: str
    vehicle: str | None
    escort: str | None
    total_cost: str | None
    broker: str | None
    passengers: list[PassengerRow] = field(default_factory=list)
    meeting_point: str | None = None

    @property
    def planned(self) -> bool:
        return self.status is DispatchStatus.PLANNED

    @property
    def checked_in(self) -> int:
        return sum(1 for p in self.passengers if not p.expected)


def dispatch_detail(session: Session, user: Actor, dispatch_id: int, *, vault: Vault) -> DispatchDetail:
    """One dispatch ``user`` may see with its passengers by name (NotFound outside the scope)."""
    found = visible(session, user, Dispatch, dispatch_id)
    members = session.execute(
        select(DispatchMember, Person).join(Person, DispatchMember.person_id == Person.id)
        .where(DispatchMember.dispatch_id == found.id).order_by(Person.name, DispatchMember.id)
    ).all()
    return DispatchDetail(
        dispatch=_dispatch_row(found), status=found.status, departure_at=found.departure_at, transport=found.transport.label, vehicle=found.vehicle,
        escort=found.escort, total_cost=_money(found.total_cost),
        broker=found.organiser_broker.name if found.organiser_broker else None, meeting_point=found.meeting_point,
        passengers=[PassengerRow(m.id, p.id, p.name, masked_id_number(p, vault), m.placement_id,
                                 f"{m.placement.employer.name} · {m.placement.status.label}" if m.placement else None,
                                 m.arrival.label, m.arrival is ArrivalStatus.EXPECTED, m.checked_in_at,
                                 _money(m.cost), m.ticket_ref)
                    for m, p in members],
    )


@dataclass(frozen=True)
class PassengerChoice:
    """A worker who may join a dispatch: placed by the user's organisation (with the placement) or matched."""

    person_id: int
    placement_id: int | None
    label: str


#: How many workers the passenger choice offers at most (placements first, then the best matches).
MAX_PASSENGER_CHOICES = 200


def passenger_choices(session: Session, user: Actor, dispatch_id: int, *, vault: Vault) -> list[PassengerChoice]:
    """The workers ``user`` may put on the dispatch: those of its placements not yet started (recommended or
    hired: a worker already at work does not travel to the job), then those matched to an open post with a live
    offer, best first; never someone already on it.
    The dispatch must be visible to ``user`` (NotFound otherwise)."""
    found = visible(session, user, Dispatch, dispatch_id)
    aboard = select(DispatchMember.person_id).where(DispatchMember.dispatch_id == found.id)
    choices: list[PassengerChoice] = []
    seen: set[int] = set()
    for placement, person, employer in session.execute(
        select(Placement, Person, Employer).join(Person, Placement.person_id == Person.id)
        .join(Employer, Placement.employer_id == Employer.id)
        .where(scope(user, Placement), scope(user, Person), Person.id.not_in(aboard),
               Placement.status.in_([PlacementStatus.PROPOSED, PlacementStatus.HIRED]))
        .order_by(Placement.id.desc()).limit(MAX_PASSENGER_CHOICES)
    ):
        if person.id in seen:
            continue
        seen.add(person.id)
        choices.append(PassengerChoice(person.id, placement.id, f"{person.name}（{masked_id_number(person, vault)}）"
                                       f" · {employer.name} · {placement.status.label}"))
    for match, person, post in session.execute(
        select(Match, Person, Post).join(Person, Match.person_id == Person.id).join(Post, Match.post_id == Post.id)
        .where(scope(user, Match), scope(user, Person), Person.id.not_in(aboard), Post.status == PostStatus.OPEN,
               Match.status.in_(LIVE_OFFER))
        .order_by(Match.score.desc(), Match.id).limit(MAX_PASSENGER_CHOICES * 3)
    ):
        if person.id in seen or len(choices) >= MAX_PASSENGER_CHOICES:
            continue
        seen.add(person.id)
        choices.append(PassengerChoice(person.id, None, f"{person.name}（{masked_id_number(person, vault)}）"
                                       f" · 匹配“{post.title}” {match.score}分"))
    return choices


def overdue_checks(session: Session, user: Actor, as_of: dt.date, *, grace_days: int, vault: Vault,
                   page: int = 1, per_page: int = 50) -> Page[CheckDue]:
    """Employment checks in ``user``'s scope more than ``grace_days`` past their milestone, most overdue first
    (county staff: of their people, wherever the job is)."""
    late = [d for d in _checks_due(session, user, as_of, vault=vault) if d.overdue_days > grace_days]
    return _slice(late, page, per_page)


@dataclass(frozen=True)
class RunRow:
    """One run of a scheduled job for one period."""

    id: int
    job: str
    period: str
    status: str
    failed: bool
    started_at: dt.datetime
    finished_at: dt.datetime | None
    attempts: int
    counts: dict[str, Any]
    error: str | None


def job_runs(session: Session, user: Actor, *, job: str | None = None, status: RunStatus | None = None,
             page: int = 1, per_page: int = 50) -> Page[RunRow]:
    """The scheduler's runs, latest first, by job and status: administrators only (Forbidden otherwise)."""
    require(user, Action.MANAGE, JobRun, session=session)
    query = select(JobRun)
    if job:
        query = query.where(JobRun.job == job.strip())
    if status is not None:
        query = query.where(JobRun.status == status)
    query = query.order_by(JobRun.started_at.desc(), JobRun.id.desc())
    return _paginate(session, query, page, per_page, lambda run: RunRow(
        run.id, run.job, run.period, run.status.label, run.status is RunStatus.FAILED, run.started_at,
        run.finished_at, run.attempts, dict(run.counts or {}), run.error))


def job_names(session: Session, user: Actor) -> list[str]:
    """The names of the jobs that have run, for a filter: administrators only."""
    require(user, Action.MANAGE, JobRun, session=session)
    return list(session.scalars(select(JobRun.job).distinct().order_by(JobRun.job)))


@dataclass(frozen=True)
class OutboxRow:
    """One outbox message as an administrator sees it: the recipient masked, never the body's numbers."""

    id: int
    channel: str
    kind: str
    recipient: str
    subject: str | None
    status: str
    failed: bool
    attempts: int
    max_attempts: int
    created_at: dt.datetime
    next_attempt_at: dt.datetime
    sent_at: dt.datetime | None
    last_error: str | None


def outbox_messages(session: Session, user: Actor, *, vault: Vault, status: OutboxStatus | None = None,
                    channel: Channel | None = None, kind: str | None = None, page: int = 1,
                    per_page: int = 50) -> Page[OutboxRow]:
    """Outbox messages, newest first, by status, channel and kind: administrators only (Forbidden otherwise)."""
    from jobs.service.outbox import recipient_label

    require(user, Action.MANAGE, OutboxMessage, session=session)
    query = select(OutboxMessage)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    if channel is not None:
        query = query.where(OutboxMessage.channel == channel)
    if kind:
        query = query.where(OutboxMessage.kind == kind.strip())
    query = query.order_by(OutboxMessage.id.desc())
    return _paginate(session, query, page, per_page, lambda m: OutboxRow(
        m.id, m.channel.label, m.kind, recipient_label(session, m, vault), m.subject, m.status.label,
        m.status is OutboxStatus.FAILED, m.attempts, m.max_attempts, m.created_at, m.next_attempt_at, m.sent_at,
        m.last_error))
# The supply side a workstation keeps (the lists, employers and posts it may edit)


@dataclass(frozen=True)
class SupplyListRow:
    id: int
    name: str
    period: str
    place: str
    posts: int
    open_posts: int
    updated_at: dt.datetime


def kept_supply_lists(session: Session, user: Actor, *, text: str | None = None, page: int = 1,
                      per_page: int = 50) -> Page[SupplyListRow]:
    """The supply lists ``user`` keeps (may edit), newest first; ``text`` filters by name or period."""
    posts = select(Post.supply_list_id, func.count().label("posts"),
                   func.count().filter(Post.status == PostStatus.OPEN).label("open_posts")) \
        .group_by(Post.supply_list_id).subquery()
    query = select(SupplyList, func.coalesce(posts.c.posts, 0), func.coalesce(posts.c.open_posts, 0)) \
        .outerjoin(posts, posts.c.supply_list_id == SupplyList.id) \
        .where(permitted(user, Action.EDIT, SupplyList))
    if text and text.strip():
        like = f"%{text.strip()}%"
        query = query.where(or_(SupplyList.name.like(like), SupplyList.period.like(like)))
    query = query.order_by(SupplyList.updated_at.desc(), SupplyList.id.desc())
    return _paginate(session, query, page, per_page, lambda found: SupplyListRow(
        found[0].id, found[0].name, found[0].period, _place(found[0].region_code), found[1], found[2],
        found[0].updated_at))


@dataclass(frozen=True)
class EmployerRow:
    id: int
    name: str
    credit_code: str | None
    place: str
    posts: int


def kept_employers(session: Session, user: Actor, *, text: str | None = None, page: int = 1,
                   per_page: int = 50) -> Page[EmployerRow]:
    """The employers ``user`` keeps, by name; ``text`` filters by name or credit code."""
    posts = select(Post.employer_id, func.count().label("posts")).group_by(Post.employer_id).subquery()
    query = select(Employer, func.coalesce(posts.c.posts, 0)).outerjoin(posts, posts.c.employer_id == Employer.id) \
        .where(permitted(user, Action.EDIT, Employer))
    if text and text.strip():
        like = f"%{text.strip()}%"
        query = query.where(or_(Employer.name.like(like), Employer.credit_code.like(like)))
    query = query.order_by(Employer.name, Employer.id)
    return _paginate(session, query, page, per_page, lambda found: EmployerRow(
        found[0].id, found[0].name, found[0].credit_code, _place(found[0].region_code), found[1]))


def kept_posts(session: Session, user: Actor, *, text: str | None = None, status: PostStatus | None = None,
               supply_list_id: int | None = None, employer_id: int | None = None, page: int = 1,
               per_page: int = 50) -> Page[PostRow]:
    """The posts ``user`` keeps, newest first; filtered by title or employer (``text``), status, list or
    employer."""
    query = select(Post, Employer).join(Employer, Post.employer_id == Employer.id) \
        .where(permitted(user, Action.EDIT, Post))
    if text and text.strip():
        like = f"%{text.strip()}%"
        query = query.where(or_(Post.title.like(like), Employer.name.like(like)))
    if status is not None:
        query = query.where(Post.status == status)
    if supply_list_id is not None:
        query = query.where(Post.supply_list_id == supply_list_id)
    if employer_id is not None:
        query = query.where(Post.employer_id == employer_id)
    query = query.order_by(Post.id.desc())
    return _paginate(session, query, page, per_page, lambda found: _post_row(*found))


@dataclass(frozen=True)
class KeptEmployer:
    id: int
    name: str
    credit_code: str | None
    place: str


def kept_employer(session: Session, user: Actor, employer_id: int) -> KeptEmployer:
    """An employer ``user`` keeps, as its edit form shows it (NotFound for any other)."""
    found = visible(session, user, Employer, employer_id, action=Action.EDIT)
    return KeptEmployer(found.id, found.name, found.credit_code, _place(found.region_code))


@dataclass(frozen=True)
class KeptPost:
    """A post as its edit form shows it: the stored values, and what is not editable."""

    id: int
    employer_id: int
    employer: str
    place: str
    status: PostStatus
    filled: int
    wage_text: str | None
    values: dict[str, Any] = field(default_factory=dict)


EDITABLE_POST_FIELDS = ("title", "headcount", "wage_min", "wage_max", "age_min", "age_max", "education",
                        "skills_required", "address", "contact_name", "closing_date", "board", "lodging", "notes")


def kept_post(session: Session, user: Actor, post_id: int) -> KeptPost:
    """A post ``user`` keeps, as its edit form shows it (NotFound for any other)."""
    found = visible(session, user, Post, post_id, action=Action.EDIT)
    employer = session.get(Employer, found.employer_id)
    return KeptPost(found.id, employer.id, employer.name, _place(found.region_code), found.status, found.filled,
                    found.wage_text, {name: getattr(found, name) for name in EDITABLE_POST_FIELDS})
# Matches, pushes and the training catalogue (the REST API's staff lists)


@dataclass(frozen=True)
class MatchRow:
    """A stored match: which worker, which post, how well and why, and where it stands."""

    id: int
    person_id: int
    person: str
    post_id: int
    title: str
    employer: str
    place: str
    score: Decimal
    reasons: str
    status: str


def matches(session: Session, user: Actor, *, person_id: int | None = None, post_id: int | None = None,
            status: MatchStatus | None = None, page: int = 1, per_page: int = 50) -> Page[MatchRow]:
    """The matches of the people ``user`` looks after (county: its people; broker: the people it serves; a
    seeker: their own), optionally for one person, one post or in one state; best first."""
    query = (
        select(Match, Person.name, Post, Employer.name)
        .join(Person, Match.person_id == Person.id).join(Post, Match.post_id == Post.id)
        .join(Employer, Post.employer_id == Employer.id)
        .where(scope(user, Match))
    )
    if person_id is not None:
        query = query.where(Match.person_id == person_id)
    if post_id is not None:
        query = query.where(Match.post_id == post_id)
    if status is not None:
        query = query.where(Match.status == status)
    query = query.order_by(Match.score.desc(), Match.id)

    def row(found) -> MatchRow:
        match, name, post, employer = found
        return MatchRow(match.id, match.person_id, name, post.id, post.title, employer, _place(post.region_code),
                        match.score, match.reasons, match.status.label)

    return _paginate(session, query, page, per_page, row)


@dataclass(frozen=True)
class PushRow:
    """A push ("311" service standard): job information, training information or guidance sent to a worker."""

    id: int
    person_id: int
    person: str
    kind: str
    post_id: int | None
    content: str
    channel: str
    sent_on: dt.date
    done: bool


def _china_midnight_utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=CHINA).astimezone(dt.UTC)


def pushes(session: Session, user: Actor, *, person_id: int | None = None, kind: Any = None,
           date_from: dt.date | None = None, date_to: dt.date | None = None, page: int = 1,
           per_page: int = 50) -> Page[PushRow]:
    """The pushes sent to the people ``user`` looks after, newest first; optionally for one person, of one kind
    (:class:`~jobs.storage.enums.PushKind`) or sent between two days (China time, both included)."""
    if date_from is not None and date_to is not None and date_to < date_from:
        raise InvalidInput.field("date_to", "截止日期不能早于起始日期")
    query = select(Push, Person.name).join(Person, Push.person_id == Person.id).where(scope(user, Push))
    if person_id is not None:
        query = query.where(Push.person_id == person_id)
    if kind is not None:
        query = query.where(Push.kind == kind)
    if date_from is not None:
        query = query.where(Push.sent_at >= _china_midnight_utc(date_from))
    if date_to is not None:
        query = query.where(Push.sent_at < _china_midnight_utc(date_to + dt.timedelta(days=1)))
    query = query.order_by(Push.sent_at.desc(), Push.id.desc())

    def row(found) -> PushRow:
        push, name = found
        sent = push.sent_at if push.sent_at.tzinfo else push.sent_at.replace(tzinfo=dt.UTC)
        return PushRow(push.id, push.person_id, name, push.kind.label, push.post_id, push.content, push.channel,
                       sent.astimezone(CHINA).date(), push.done_at is not None)

    return _paginate(session, query, page, per_page, row)


@dataclass(frozen=True)
class CourseRow:
    """One course of the training catalogue (职业技能培训)."""

    id: int
    course: str
    provider: str
    place: str
    address: str | None
    start_date: dt.date
    end_date: dt.date
    occupation: str | None
    occupation_code: str | None
    cost: str | None
    subsidy: str | None
    capacity: int | None
    contact: str | None


def training_courses(session: Session, user: Actor, *, region: str | None = None, occupation: str | None = None,
                     starting_from: dt.date | None = None, page: int = 1, per_page: int = 50) -> Page[CourseRow]:
    """The training catalogue ``user`` may read, by start date; optionally in a region (a code, retired codes
    resolved), for an occupation code (prefix) or starting on or after a day."""
    query = select(TrainingCourse).where(scope(user, TrainingCourse))
    if region:
        try:
            code = region_table().current(region).code
        except RegionError as error:
            raise InvalidInput.field("region", error.message) from None
        query = query.where(in_area(TrainingCourse.region_code, code))
    if occupation:
        query = query.where(TrainingCourse.occupation_code.startswith(occupation, autoescape=True))
    if starting_from is not None:
        query = query.where(TrainingCourse.start_date >= starting_from)
    query = query.order_by(TrainingCourse.start_date, TrainingCourse.id)
    return _paginate(session, query, page, per_page, lambda c: CourseRow(
        c.id, c.course, c.provider, _place(c.region_code), c.address, c.start_date, c.end_date, c.occupation_text,
        c.occupation_code, _money(c.cost), _money(c.subsidy), c.capacity, c.contact))
