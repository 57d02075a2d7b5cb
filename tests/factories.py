"""Factories for the domain's objects, with named states (``placed``, ``verified_6_months``, ``ended`` …).

Each factory takes keyword overrides; ID numbers are generated with valid check digits and never belong to
real people.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from sqlalchemy.orm import Session

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
    start = overrides.pop("start_date", dt.date(2024, 2, 22))
    terms = dict(contract_months=12, employment_type=EmploymentType.DIRECT, social_insurance=True,
                 round_trip_cost=Decimal("420.00"), round_trip_evidence=None)
    terms.update({name: overrides.pop(name) for name in list(overrides) if name in terms})
    if overrides:
        raise TypeError(f"make_placement: unknown overrides {sorted(overrides)}")
    placement = propose_placement(session, person_id=person.id, post_id=post.id,
                                  broker_id=broker.id if broker is not None else None)
    if state == "proposed":
        return placement
    hire_placement(session, placement_id=placement.id, start_date=start, **terms)
    if state == "hired":
        return placement
    activate_placement(session, placement_id=placement.id)
    if state == "verified_6_months":
        record_check(session, placement_id=placement.id, check_date=dt.date(2024, 8, 23), employed=True)
    if state == "ended":
        end_placement(session, placement_id=placement.id, end_date=start + dt.timedelta(days=45),
                      reason=EndReason.QUIT)
    session.flush()
    return placement
