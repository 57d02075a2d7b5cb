"""The seeker's own read side (the phone pages ``/m/`` and ``/api/v1/me/…``): their offers with the reasons in
plain words, their work (placements, checks, the trip they travel with), the subsidies that concern them and what
they told us they want. Every read goes through :func:`jobs.access.permissions.scope` like
:mod:`jobs.access.queries`; the person is the signed-in seeker's own (``User.person_id``), anyone else's is
not found.

And the staff side of the offers: the queue of workers who said 感兴趣 (:func:`interest_queue`), for the brokers
who serve them and their county's staff.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session, joinedload, load_only, selectinload

from jobs.access.permissions import Actor, scope, visible
from jobs.access.queries import Page, _paginate, _place, _wage, live_offers
from jobs.errors import NotFound
from jobs.people.persons import masked_id_number, masked_phone
from jobs.people.regions import RegionError, region_table
from jobs.storage.crypto import Vault
from jobs.storage.enums import MatchStatus, PostStatus
from jobs.storage.models import (
    Broker,
    ChannelPreference,
    Dispatch,
    DispatchMember,
    Employer,
    EmploymentCheck,
    Match,
    Person,
    Placement,
    PolicyPack,
    Post,
    SubsidyClaim,
)

def own_person(session: Session, user: Actor, *, options: tuple[Any, ...] = ()) -> Person:
    """The signed-in seeker's person record (NotFound for an account without one), read with the loader
    ``options`` given."""
    if user.person_id is None:
        raise NotFound("该账号没有对应的劳动力信息")
    return visible(session, user, Person, user.person_id, options=options)


# --------------------------------------------------------------------------------------------------------
# Offers


@dataclass(frozen=True)
class MyOffer:
    match_id: int
    title: str
    employer: str
    place: str
    from_home: str
    wage: str
    board_lodging: str
    contract: str
    reasons: tuple[str, ...]
    interested: bool
    answer_note: str | None

    @property
    def speech(self) -> str:
        """What the 朗读 button reads aloud."""
        return "。".join([f"{self.title}，{self.employer}", f"工作地点{self.place}，{self.from_home}",
                          f"工资{self.wage}", self.board_lodging, self.contract, "推荐理由：" + "；".join(self.reasons)])


def _code(code: str | None) -> str | None:
    if not code:
        return None
    try:
        return region_table().current(code).code
    except RegionError:
        return code


def _name(code: str) -> str:
    record = region_table().get(code)
    return record.name if record is not None else code


def from_home(home: str | None, job: str | None) -> str:
    """Where the job is seen from the worker's home county, in plain words."""
    home, job = _code(home), _code(job)
    if not home or not job:
        return ""
    if home == job:
        return f"就在您的家乡{_name(home)}"
    if home[:4] == job[:4]:
        return f"在您家所在的{_name(home[:4])}，离家不远"
    if home[:2] == job[:2]:
        return f"在{_name(home[:2])}省内，离家较近"
    return f"在外省：从{_name(home[:2])}到{_name(job[:2])}"


def board_lodging(post: Post | Row) -> str:
    """Board and lodging in plain words; ``post`` is a post or a row of ``queries.OFFER_COLUMNS``."""
    if post.board and post.lodging:
        return "包吃包住"
    if post.lodging:
        return "包住，不包吃"
    if post.board:
        return "包吃，不包住"
    return "不包吃住"


def contract(months: int | None) -> str:
    if not months:
        return "合同期限面议"
    if months % 12 == 0:
        return f"合同{months // 12}年"
    return f"合同{months}个月"


def plain_reasons(person: Person, post: Post | Row, engine_reasons: str = "") -> tuple[str, ...]:
    """Why this post is offered, as one would say it to the worker ("您想做焊工，这个岗位是焊工"). The matching
    engine's own verdict on the job type (its reasons start 工种相符/相近/相关/名称相似/不同) decides how the job is
    compared; without it the titles are compared. ``post`` is a post or a row of ``queries.OFFER_COLUMNS``."""
    reasons = []
    wanted = [o.text for o in person.wanted_occupations]
    if wanted:
        liked = "、".join(wanted[:3])
        verdict = engine_reasons[:4] if engine_reasons.startswith("工种") else ""
        if verdict == "工种不同":
            reasons.append(f"这个岗位是{post.title}，和您想做的{liked}不一样，也可以了解一下")
        elif verdict == "工种相符" or (not verdict and any(w in post.title or post.title in w for w in wanted)):
            reasons.append(f"您想做{liked}，这个岗位是{post.title}")
        else:
            reasons.append(f"您想做{liked}，这个岗位是{post.title}，是相近的工作")
    job = _code(post.region_code) or ""
    liked_places = [r for r in person.wanted_regions if r.region_code and job.startswith(_code(r.region_code) or "~")]
    if liked_places:
        reasons.append(f"在您想去的{liked_places[0].text}")
    else:
        open_minded = [r.text for r in person.wanted_regions if r.region_code is None]
        if open_minded:
            reasons.append("您说去哪里工作都可以" if "不限" in open_minded else f"符合您“{open_minded[0]}”的意愿")
    wage = _wage_words(person, post)
    if wage:
        reasons.append(wage)
    if post.board or post.lodging:
        reasons.append(board_lodging(post))
    return tuple(reasons)


def _wage_words(person: Person, post: Post | Row) -> str:
    low, high = post.wage_min, post.wage_max or post.wage_min
    if low is None and high is None:
        return ""
    offered = f"工资{low}-{high}" if high and low and high != low else f"工资{low or high}"
    expected = person.expected_wage_min or person.expected_wage_max
    if not expected:
        return offered
    if (low or 0) > (person.expected_wage_max or expected):
        return f"{offered}，比您期望的高"
    if (high or 0) >= expected:
        return f"{offered}，符合您的期望"
    return f"{offered}，比您期望的低"


def my_offers(session: Session, user: Actor, *, page: int = 1, per_page: int = 10) -> Page[MyOffer]:
    """The seeker's live offers on open posts, best first, each with its reasons in plain words."""
    # One query for what the reasons need of the person and the few jobs and places they want (rather than one
    # for each, and none of the personal data the page does not show).
    person = own_person(session, user, options=(
        load_only(Person.household_region_code, Person.expected_wage_min, Person.expected_wage_max),
        joinedload(Person.wanted_occupations), joinedload(Person.wanted_regions)))

    def row(offer) -> MyOffer:  # a row of OFFER_COLUMNS: the post's columns under the post's attribute names
        return MyOffer(
            match_id=offer.match_id, title=offer.title, employer=offer.employer, place=_place(offer.region_code),
            from_home=from_home(person.household_region_code, offer.region_code),
            wage=offer.wage_text or _wage(offer.wage_min, offer.wage_max), board_lodging=board_lodging(offer),
            contract=contract(offer.contract_months), reasons=plain_reasons(person, offer, offer.reasons),
            interested=offer.status is MatchStatus.INTERESTED, answer_note=offer.answer_note,
        )

    return _paginate(session, live_offers(user, Match.person_id == person.id), page, per_page, row)


# --------------------------------------------------------------------------------------------------------
# Work: placements, checks, trips


@dataclass(frozen=True)
class MyJob:
    id: int
    employer: str
    title: str | None
    place: str
    status: str
    start_date: dt.date | None
    end_date: dt.date | None
    contract: str
    checks: tuple[tuple[dt.date, bool], ...]


@dataclass(frozen=True)
class MyTrip:
    dispatch_id: int
    departure: str
    origin: str
    destination: str
    meeting_point: str
    transport: str
    contact: str
    status: str
    arrival: str


def my_work(session: Session, user: Actor) -> tuple[list[MyJob], list[MyTrip]]:
    """The seeker's placements (newest first, each with its employment checks) and the trips they are on."""
    person = own_person(session, user)
    jobs = []
    placements = session.scalars(
        select(Placement).where(Placement.person_id == person.id, scope(user, Placement))
        .options(selectinload(Placement.employer), selectinload(Placement.post))
        .order_by(Placement.start_date.desc(), Placement.id.desc()).limit(50)
    ).all()
    checks: dict[int, list[tuple[dt.date, bool]]] = {}
    for check in session.scalars(select(EmploymentCheck).where(
            EmploymentCheck.placement_id.in_([p.id for p in placements])).order_by(EmploymentCheck.check_date)):
        checks.setdefault(check.placement_id, []).append((check.check_date, check.employed))
    for placement in placements:
        jobs.append(MyJob(placement.id, placement.employer.name, placement.post.title if placement.post else None,
                          _place(placement.job_region_code), placement.status.label, placement.start_date,
                          placement.end_date, contract(placement.contract_months),
                          tuple(checks.get(placement.id, ()))))
    trips = []
    for member, dispatch in session.execute(
        select(DispatchMember, Dispatch).join(Dispatch, DispatchMember.dispatch_id == Dispatch.id)
        .where(DispatchMember.person_id == person.id, scope(user, Dispatch))
        .order_by(Dispatch.departure_date.desc(), Dispatch.id.desc()).limit(20)
    ):
        when = f"{dispatch.departure_date:%Y年%m月%d日}"
        if dispatch.departure_at is not None:
            when += f" {dispatch.departure_at.astimezone(_china()):%H:%M}"
        trips.append(MyTrip(
            dispatch.id, when, _place(dispatch.origin_region_code), _place(dispatch.destination_region_code),
            dispatch.meeting_point or f"{_place(dispatch.origin_region_code)}（具体集合地点请问带队人）",
            dispatch.transport.label + (f"（{dispatch.vehicle}）" if dispatch.vehicle else ""),
            dispatch.escort or "请联系县人社部门", dispatch.status.label, member.arrival.label))
    return jobs, trips


def _china():
    from jobs.storage.clock import CHINA

    return CHINA


# --------------------------------------------------------------------------------------------------------
# Subsidies


@dataclass(frozen=True)
class MySubsidy:
    id: int
    kind: str
    who: str
    status: str
    amount: str | None
    reason: str
    policy: str | None
    milestone_date: dt.date | None


def my_subsidies(session: Session, user: Actor) -> list[MySubsidy]:
    """The subsidies that concern the seeker: theirs (transport) and those paid for them (a broker's referral)."""
    from jobs.subsidy.claims import kind_label

    person = own_person(session, user)
    rows = session.execute(
        select(SubsidyClaim, PolicyPack, Broker)
        .outerjoin(PolicyPack, SubsidyClaim.policy_pack_id == PolicyPack.id)
        .outerjoin(Broker, SubsidyClaim.beneficiary_broker_id == Broker.id)
        .where(SubsidyClaim.person_id == person.id, scope(user, SubsidyClaim))
        .order_by(SubsidyClaim.milestone_date.desc(), SubsidyClaim.id.desc()).limit(100)
    ).all()
    out = []
    for claim, pack, broker in rows:
        if claim.beneficiary_person_id == person.id:
            who = "发给您本人"
        elif broker is not None:
            who = f"发给介绍您就业的{broker.name}"
        else:
            who = "发给用人单位" if claim.beneficiary_employer_id else "—"
        policy = None
        if pack is not None:
            policy = f"{pack.title}（{pack.document_number}）"
        elif claim.document_number:
            policy = claim.document_number
        out.append(MySubsidy(claim.id, kind_label(claim.kind), who, claim.status.label,
                             None if claim.amount is None else f"{claim.amount:.2f}", claim.reason or "", policy,
                             claim.milestone_date))
    return out


# --------------------------------------------------------------------------------------------------------
# What they want


@dataclass(frozen=True)
class MyInfo:
    name: str
    id_masked: str
    phone_masked: str | None
    jobs: tuple[str, ...]
    places: tuple[str, ...]
    wage_min: int | None
    wage_max: int | None
    training: bool
    sms: bool
    household: str


def my_info(session: Session, user: Actor, *, vault: Vault) -> MyInfo:
    person = own_person(session, user)
    preference = session.get(ChannelPreference, person.id)
    return MyInfo(person.name, masked_id_number(person, vault), masked_phone(person, vault),
                  tuple(o.text for o in person.wanted_occupations), tuple(r.text for r in person.wanted_regions),
                  person.expected_wage_min, person.expected_wage_max, person.training_intent,
                  preference is None or preference.sms,
                  person.household_address or _place(person.household_region_code))


# --------------------------------------------------------------------------------------------------------
# Staff: the workers who said 感兴趣


@dataclass(frozen=True)
class InterestRow:
    match_id: int
    person_id: int
    person: str
    id_masked: str
    post_id: int
    title: str
    employer: str
    place: str
    answered_at: dt.datetime | None
    note: str | None


def interest_queue(session: Session, user: Actor, *, vault: Vault, page: int = 1,
                   per_page: int = 50) -> Page[InterestRow]:
    """Offers the worker answered with 感兴趣 on open posts, among the people ``user`` serves (a broker: its
    areas and recruits; county staff: its county), newest answer first: whom to call back."""
    query = (
        select(Match, Person, Post, Employer)
        .join(Person, Match.person_id == Person.id).join(Post, Match.post_id == Post.id)
        .join(Employer, Post.employer_id == Employer.id)
        .where(Match.status == MatchStatus.INTERESTED, Post.status == PostStatus.OPEN, scope(user, Match),
               scope(user, Person))
        .order_by(Match.answered_at.desc().nulls_last(), Match.id.desc())
    )
    return _paginate(session, query, page, per_page, lambda found: InterestRow(
        found[0].id, found[1].id, found[1].name, masked_id_number(found[1], vault), found[2].id, found[2].title,
        found[3].name, _place(found[2].region_code), found[0].answered_at, found[0].answer_note))


__all__ = [
    "InterestRow",
    "MyInfo",
    "MyJob",
    "MyOffer",
    "MySubsidy",
    "MyTrip",
    "from_home",
    "interest_queue",
    "my_info",
    "my_offers",
    "my_subsidies",
    "my_work",
    "own_person",
    "plain_reasons",
]
