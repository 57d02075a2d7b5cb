"""What a user's home page shows right after sign-in: who they are, where, and a few counts of their own area.

Every count is an aggregate over the user's own area or organisation, never a list of people, so it discloses
nothing a role may not see (the same boundaries as the scoping rules: a county office counts the people whose
household is in its area, a workstation the posts and arrivals in its city, a broker its own organisation's
work, a seeker only their own records). The role workspaces replace these counts with their dashboards.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobs.access.accounts import region_name
from jobs.access.stats import Count, platform_counts
from jobs.storage.enums import EmploymentStatus, PostStatus, Role
from jobs.storage.models import (
    Broker,
    Dispatch,
    DispatchMember,
    Match,
    Organisation,
    Person,
    Placement,
    Post,
    SubsidyClaim,
    User,
)


@dataclass(frozen=True)
class Landing:
    role_label: str
    display_name: str
    organisation: str | None
    region: str | None
    counts: list[Count]


def landing_for(session: Session, user: User) -> Landing:
    """The home page's content for ``user``."""
    organisation = session.get(Organisation, user.organisation_id) if user.organisation_id else None
    area = organisation.region_code if organisation is not None else None
    counts = _COUNTS[user.role](session, user, area or "")
    return Landing(
        role_label=user.role.label,
        display_name=user.display_name,
        organisation=organisation.name if organisation is not None else None,
        region=region_name(area) if area else None,
        counts=counts,
    )


def _count(session: Session, query) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _in_area(column, area: str):
    # Region codes nest by prefix: 43 (province) ⊃ 4301 (prefecture) ⊃ 430182 (county).
    return column.startswith(area, autoescape=True)


def _admin(session: Session, user: User, area: str) -> list[Count]:
    return [
        Count("users", "用户账号", session.scalar(select(func.count()).select_from(User)) or 0),
        Count("organisations", "机构", session.scalar(select(func.count()).select_from(Organisation)) or 0),
        *platform_counts(session),
    ]


def _county(session: Session, user: User, area: str) -> list[Count]:
    people = select(Person.id).where(_in_area(Person.household_region_code, area))
    return [
        Count("people", "本地区登记劳动力", _count(session, people)),
        Count("unemployed", "其中未就业", _count(
            session, people.where(Person.employment_status == EmploymentStatus.UNEMPLOYED))),
        Count("placements", "本地区劳动力就业安置", _count(
            session, select(Placement.id).join(Person, Placement.person_id == Person.id)
            .where(_in_area(Person.household_region_code, area)))),
        Count("dispatches", "从本地区出发的输出批次", _count(
            session, select(Dispatch.id).where(_in_area(Dispatch.origin_region_code, area)))),
        Count("claims", "本地区劳动力的补贴记录", _count(
            session, select(SubsidyClaim.id).join(Person, SubsidyClaim.person_id == Person.id)
            .where(_in_area(Person.household_region_code, area)))),
    ]


def _broker(session: Session, user: User, area: str) -> list[Count]:
    brokers = select(Broker.id).where(Broker.organisation_id == user.organisation_id)
    return [
        Count("served", "服务地区登记劳动力", _count(
            session, select(Person.id).where(_in_area(Person.household_region_code, area)))),
        Count("placements", "本机构促成的就业安置", _count(
            session, select(Placement.id).where(Placement.broker_id.in_(brokers)))),
        Count("dispatches", "本机构组织的输出批次", _count(
            session, select(Dispatch.id).where(Dispatch.organiser_organisation_id == user.organisation_id))),
        Count("claims", "本机构的补贴记录", _count(
            session, select(SubsidyClaim.id).where(SubsidyClaim.beneficiary_broker_id.in_(brokers)))),
    ]


def _workstation(session: Session, user: User, area: str) -> list[Count]:
    return [
        Count("posts", "本市在招岗位", _count(
            session, select(Post.id).where(_in_area(Post.region_code, area), Post.status == PostStatus.OPEN))),
        Count("placements", "在本市就业的安置", _count(
            session, select(Placement.id).where(_in_area(Placement.job_region_code, area)))),
        Count("arrivals", "到达本市的输出人员", _count(
            session, select(DispatchMember.id).join(Dispatch, DispatchMember.dispatch_id == Dispatch.id)
            .where(_in_area(Dispatch.destination_region_code, area)))),
    ]


def _seeker(session: Session, user: User, area: str) -> list[Count]:
    person = user.person_id
    return [
        Count("matches", "为我推荐的岗位", _count(session, select(Match.id).where(Match.person_id == person))),
        Count("placements", "我的就业记录", _count(session, select(Placement.id).where(Placement.person_id == person))),
        Count("claims", "与我有关的补贴", _count(
            session, select(SubsidyClaim.id).where(SubsidyClaim.person_id == person))),
    ]


_COUNTS = {
    Role.ADMIN: _admin,
    Role.COUNTY_STAFF: _county,
    Role.BROKER: _broker,
    Role.WORKSTATION_STAFF: _workstation,
    Role.SEEKER: _seeker,
}
