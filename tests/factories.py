"""Factories for the domain's objects, with named states (``placed``, ``verified_6_months``, ``ended`` …).

Each factory takes keyword overrides; ID numbers are generated with valid check digits and never belong to
real people.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from sqlalchemy.orm import Session

from jobs.access.permissions import SYSTEM
from jobs.storage.crypto import Vault
from jobs.storage.enums import (
    BrokerKind,
    EmploymentStatus,
    EmploymentType,
    EndReason,
    LabourAbility,
    OrganisationKind,
    PersonCategory,
)
from jobs.people.identity import generate_id_number, parse_id_number
from jobs.people.persons import PersonData, save_person
from jobs.placements.placements import (
    activate_placement,
    end_placement,
    hire_placement,
    propose_placement,
    record_check,
)
from jobs.storage.models import Broker, Employer, Organisation, Person, Placement, Post

TODAY = dt.date(2026, 11, 24)
_sequence = itertools.count(1)


def id_number(county: str = "430124", birth: dt.date = dt.date(1990, 3, 15)) -> str:
    """A valid ID number, unique within the test run."""
    return generate_id_number(county, birth, next(_sequence) % 1000)


def person_data(**overrides) -> PersonData:
    raw = overrides.pop("id_number", None) or id_number(
        overrides.pop("issuing_code", "430124"), overrides.pop("birth_date", dt.date(1990, 3, 15))
    )
    values = dict(
        name="张三",
        id_number=parse_id_number(raw, today=TODAY),
        household_region_code="430182",
        category=PersonCategory.LIFTED_OUT_OF_POVERTY,
        labour_ability=LabourAbility.FULL,
        phone="13800138000",
        education="初中",
        skills="电焊，有焊工证",
        employment_status=EmploymentStatus.UNEMPLOYED,
        wanted_occupations=(("电焊工", None),),
        wanted_regions=(("广东", "44"),),
        expected_wage_min=6000,
        expected_wage_max=8000,
    )
    values.update(overrides)
    return PersonData(**values)


def make_person(session: Session, vault: Vault, **overrides) -> Person:
    person, _ = save_person(session, vault, person_data(**overrides))
    session.flush()
    return person


def make_organisation(session: Session, **overrides) -> Organisation:
    values = dict(name=f"宁乡市某劳务公司{next(_sequence)}", kind=OrganisationKind.BROKER, region_code="430182")
    values.update(overrides)
    organisation = Organisation(**values)
    session.add(organisation)
    session.flush()
    return organisation


def make_broker(session: Session, *, qualified: bool = True, **overrides) -> Broker:
    organisation = overrides.pop("organisation", None) or make_organisation(session)
    values = dict(
        organisation=organisation,
        name=organisation.name,
        kind=BrokerKind.AGENCY,
        qualified=qualified,
        qualification_number="HRS4301822021001" if qualified else None,
        region_code=organisation.region_code,
    )
    values.update(overrides)
    broker = Broker(**values)
    session.add(broker)
    session.flush()
    return broker


def make_employer(session: Session, **overrides) -> Employer:
    values = dict(name=f"东莞市某电子有限公司{next(_sequence)}", credit_code=None, region_code="441900")
    values.update(overrides)
    employer = Employer(**values)
    session.add(employer)
    session.flush()
    return employer


def make_post(session: Session, **overrides) -> Post:
    employer = overrides.pop("employer", None) or make_employer(session)
    values = dict(
        employer=employer,
        title="电焊工（二保焊）",
        region_code=employer.region_code,
        headcount=10,
        wage_min=7000,
        wage_max=9000,
        age_min=18,
        age_max=50,
        contract_months=12,
    )
    values.update(overrides)
    post = Post(**values)
    session.add(post)
    session.flush()
    return post


def make_placement(session: Session, vault: Vault, state: str = "placed", **overrides) -> Placement:
    """A placement in a named state, reached through the placement use cases as a clerk would:
    ``proposed``, ``hired``, ``placed`` (active), ``verified_6_months`` (active, checked after six months),
    ``ended`` (left 45 days after the start: a job loss).

    Overrides: ``person``, ``post``, ``broker``, ``start_date`` and the hire's terms (``contract_months``,
    ``employment_type``, ``social_insurance``, ``round_trip_cost``, ``round_trip_evidence``).
    """
    person = overrides.pop("person", None) or make_person(session, vault)
    post = overrides.pop("post", None) or make_post(session)
    broker = overrides.pop("broker", None)
    actor = overrides.pop("actor", None) or SYSTEM
    start = overrides.pop("start_date", dt.date(2024, 2, 22))
    terms = dict(contract_months=12, employment_type=EmploymentType.DIRECT, social_insurance=True,
                 round_trip_cost=Decimal("420.00"), round_trip_evidence=None)
    terms.update({name: overrides.pop(name) for name in list(overrides) if name in terms})
    if overrides:
        raise TypeError(f"make_placement: unknown overrides {sorted(overrides)}")
    placement = propose_placement(session, person_id=person.id, post_id=post.id,
                                  broker_id=broker.id if broker is not None else None, actor=actor)
    if state == "proposed":
        return placement
    hire_placement(session, placement_id=placement.id, start_date=start, actor=actor, **terms)
    if state == "hired":
        return placement
    activate_placement(session, placement_id=placement.id, actor=actor)
    if state == "verified_6_months":
        record_check(session, placement_id=placement.id, check_date=dt.date(2024, 8, 23), employed=True,
                     actor=actor)
    if state == "ended":
        end_placement(session, placement_id=placement.id, end_date=start + dt.timedelta(days=45),
                      reason=EndReason.QUIT, actor=actor)
    session.flush()
    return placement


def make_user(session: Session, *, role=None, organisation: Organisation | None = None, region_code: str = "430182",
              person: Person | None = None, **overrides):
    """A user of ``role`` (county staff by default) in ``organisation`` — or in a new organisation of the right
    kind registered in ``region_code``; a seeker is tied to ``person``."""
    from jobs.storage.enums import Role
    from jobs.storage.models import User

    role = Role(role or Role.COUNTY_STAFF)
    if role is not Role.SEEKER and organisation is None:
        kind = {Role.ADMIN: OrganisationKind.HR_BUREAU, Role.COUNTY_STAFF: OrganisationKind.COUNTY_OFFICE,
                Role.WORKSTATION_STAFF: OrganisationKind.WORKSTATION, Role.BROKER: OrganisationKind.BROKER}[role]
        organisation = make_organisation(session, kind=kind, region_code=region_code,
                                         name=f"{kind.label}{region_code}-{next(_sequence)}")
    number = next(_sequence)
    values = dict(username=f"{role.value}-{number}", display_name=f"{role.label}{number}", role=role,
                  organisation_id=organisation.id if organisation is not None else None,
                  person_id=person.id if person is not None else None)
    values.update(overrides)
    user = User(**values)
    session.add(user)
    session.flush()
    return user


def make_broker_user(session: Session, broker: Broker, **overrides):
    """A user of the broker's organisation."""
    from jobs.storage.enums import Role

    return make_user(session, role=Role.BROKER, organisation=broker.organisation, **overrides)


def make_hired_placement(session: Session, vault: Vault, *, actor=None, person: Person | None = None,
                         post: Post | None = None, broker: Broker | None = None,
                         start_date: dt.date = dt.date(2024, 2, 22), active: bool = True) -> Placement:
    """A placement made through the use cases: proposed, hired and (``active``) started, by ``actor`` (the
    system by default)."""
    from jobs.access.permissions import SYSTEM
    from jobs.placements.placements import activate_placement, hire_placement, propose_placement

    actor = actor or SYSTEM
    person = person or make_person(session, vault)
    post = post or make_post(session)
    placement = propose_placement(session, person_id=person.id, post_id=post.id,
                                  broker_id=broker.id if broker is not None else None, actor=actor)
    hire_placement(session, placement_id=placement.id, start_date=start_date, contract_months=12,
                   social_insurance=True, round_trip_cost=Decimal("420.00"), actor=actor)
    if active:
        activate_placement(session, placement_id=placement.id, actor=actor)
    return placement
