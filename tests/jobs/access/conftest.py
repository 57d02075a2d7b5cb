"""A small world with objects inside and outside each role's scope, built through the use cases.

Two origin counties, 宁乡市 (430182, also reached through the retired code 430124 宁乡县) and 湘潭县 (430321);
two brokers of 宁乡; workstations in 东莞 (4419) and 苏州 (3205); jobs in 东莞; an eligible referral claim.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from jobs.access.permissions import SYSTEM
from jobs.placements.dispatches import add_member, create_dispatch
from jobs.placements.placements import record_check
from jobs.storage.enums import CheckEvidence, ClaimStatus, Role
from jobs.storage.models import Dispatch, Person, Placement, Post, SubsidyClaim, User
from jobs.subsidy.claims import evaluate_claims
from tests.factories import (
    make_broker,
    make_broker_user,
    make_employer,
    make_hired_placement,
    make_organisation,
    make_person,
    make_post,
    make_user,
)


@dataclass
class World:
    ningxiang: Person  # household 430182
    ningxiang_old_code: Person  # household under the retired code 430124 (now 宁乡市)
    xiangtan: Person  # household 430321
    post: Post  # in 东莞 441900
    placement_x: Placement  # 宁乡 worker placed by broker X
    placement_y: Placement  # 湘潭 worker placed by broker Y
    claim_x: SubsidyClaim  # broker X's eligible referral claim for the 宁乡 worker
    dispatch_x: Dispatch  # broker X's trip from 宁乡 to 东莞
    county: User  # 宁乡市 county staff
    other_county: User  # 湘潭县 county staff
    city: User  # 长沙市 (4301) county staff: a city-level office
    province: User  # 湖南省 (43) county staff: a province-level office
    broker_x: User
    broker_y: User
    workstation: User  # 东莞
    other_workstation: User  # 苏州
    seeker: User  # the 宁乡 worker
    admin: User


@pytest.fixture
def world(session, vault, frozen_clock) -> World:
    return build_world(session, vault)


def build_world(session, vault) -> World:
    """The world, built in ``session`` (also used by the API tests, through the app's own database)."""
    ningxiang = make_person(session, vault, name="宁乡人", household_region_code="430182")
    old_code = make_person(session, vault, name="老代码人", household_region_code="430124")
    xiangtan = make_person(session, vault, name="湘潭人", household_region_code="430321")
    broker_x, broker_y = make_broker(session), make_broker(session)
    post = make_post(session, employer=make_employer(session, region_code="441900"), region_code="441900")
    start = dt.date(2024, 2, 22)
    placement_x = make_hired_placement(session, vault, person=ningxiang, post=post, broker=broker_x, start_date=start)
    placement_y = make_hired_placement(session, vault, person=xiangtan, post=post, broker=broker_y, start_date=start)
    for placement in (placement_x, placement_y):
        record_check(session, placement_id=placement.id, check_date=dt.date(2024, 8, 23), employed=True,
                     evidence=CheckEvidence.PHONE_CALL, actor=SYSTEM)
    evaluate_claims(session, vault=vault, as_of=dt.date(2024, 12, 31), actor=SYSTEM)
    claim_x = session.scalars(select(SubsidyClaim).where(SubsidyClaim.placement_id == placement_x.id,
                                                         SubsidyClaim.kind == "referral")).one()
    assert claim_x.status is ClaimStatus.ELIGIBLE
    dispatch = create_dispatch(session, organiser_organisation_id=broker_x.organisation_id,
                               organiser_broker_id=broker_x.id, origin_region_code="430182",
                               destination_region_code="441900", departure_date=dt.date(2024, 2, 20), actor=SYSTEM)
    add_member(session, dispatch_id=dispatch.id, person_id=ningxiang.id, placement_id=placement_x.id, actor=SYSTEM)
    return World(
        ningxiang=ningxiang, ningxiang_old_code=old_code, xiangtan=xiangtan, post=post,
        placement_x=placement_x, placement_y=placement_y, claim_x=claim_x, dispatch_x=dispatch,
        county=make_user(session, role=Role.COUNTY_STAFF, region_code="430182"),
        other_county=make_user(session, role=Role.COUNTY_STAFF, region_code="430321"),
        city=make_user(session, role=Role.COUNTY_STAFF, region_code="4301"),
        province=make_user(session, role=Role.COUNTY_STAFF, region_code="43"),
        broker_x=make_broker_user(session, broker_x),
        broker_y=make_broker_user(session, broker_y, ),
        workstation=make_user(session, role=Role.WORKSTATION_STAFF, region_code="4419"),
        other_workstation=make_user(session, role=Role.WORKSTATION_STAFF, region_code="3205"),
        seeker=make_user(session, role=Role.SEEKER, person=ningxiang),
        admin=make_user(session, role=Role.ADMIN, organisation=make_organisation(session, region_code="43")),
    )
