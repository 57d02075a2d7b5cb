"""Permissions: for each role, objects inside the scope are visible and outside it answer NotFound (audited);
actions the role may take are allowed and others answer Forbidden (audited)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from jobs.access.permissions import SYSTEM, Action, can, in_area, keep_denial, require, scope, system_actor, visible
from jobs.errors import Forbidden, NotFound
from jobs.lists import export_demand
from jobs.placements.dispatches import check_in, create_dispatch
from jobs.placements.placements import end_placement, hire_placement, propose_placement, record_check
from jobs.storage.enums import ArrivalStatus, EndReason, Role
from jobs.storage.models import AuditEvent, Dispatch, DispatchMember, Person, Placement, Post, SubsidyClaim, User
from jobs.subsidy.claims import approve_claim, pay_claim
from tests.factories import make_person, make_user


def denials(session) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "access.denied")
                                .order_by(AuditEvent.id)))


def sees(session, user, model, obj) -> bool:
    try:
        return visible(session, user, model, obj.id) is obj
    except NotFound:
        return False


# Who sees what: (user attribute, model, object attribute, visible?)
MATRIX = [
    # County staff: their people (retired household codes too), placements and claims of those people,
    # dispatches leaving their area; posts read-only.
    ("county", Person, "ningxiang", True),
    ("county", Person, "ningxiang_old_code", True),
    ("county", Person, "xiangtan", False),
    ("county", Placement, "placement_x", True),
    ("county", Placement, "placement_y", False),
    ("county", SubsidyClaim, "claim_x", True),
    ("county", Dispatch, "dispatch_x", True),
    ("county", Post, "post", True),
    ("other_county", Person, "ningxiang", False),
    ("other_county", Person, "xiangtan", True),
    ("other_county", SubsidyClaim, "claim_x", False),
    ("other_county", Dispatch, "dispatch_x", False),
    # A city-level office sees its city's counties; a province-level office its province.
    ("city", Person, "ningxiang", True),
    ("city", Person, "xiangtan", False),
    ("province", Person, "xiangtan", True),
    ("province", SubsidyClaim, "claim_x", True),
    # Brokers: people of their area and those they placed; only their own placements, dispatches and claims.
    ("broker_x", Person, "ningxiang", True),
    ("broker_x", Person, "xiangtan", False),
    ("broker_x", Placement, "placement_x", True),
    ("broker_x", SubsidyClaim, "claim_x", True),
    ("broker_x", Dispatch, "dispatch_x", True),
    ("broker_y", Person, "ningxiang", True),
    ("broker_y", Person, "xiangtan", True),
    ("broker_y", Placement, "placement_x", False),
    ("broker_y", SubsidyClaim, "claim_x", False),
    ("broker_y", Dispatch, "dispatch_x", False),
    # Workstation staff: placements and arrivals in their city, and those workers; no claims.
    ("workstation", Placement, "placement_x", True),
    ("workstation", Dispatch, "dispatch_x", True),
    ("workstation", Person, "ningxiang", True),
    ("workstation", Person, "ningxiang_old_code", False),
    ("workstation", SubsidyClaim, "claim_x", False),
    ("other_workstation", Placement, "placement_x", False),
    ("other_workstation", Dispatch, "dispatch_x", False),
    ("other_workstation", Person, "ningxiang", False),
    # Seekers: themselves, their placements and claims.
    ("seeker", Person, "ningxiang", True),
    ("seeker", Person, "ningxiang_old_code", False),
    ("seeker", Placement, "placement_x", True),
    ("seeker", Placement, "placement_y", False),
    ("seeker", SubsidyClaim, "claim_x", True),
    ("seeker", Post, "post", True),
    # Administrators: everything.
    ("admin", Person, "xiangtan", True),
    ("admin", SubsidyClaim, "claim_x", True),
]


@pytest.mark.parametrize(("who", "model", "what", "expected"), MATRIX,
                         ids=[f"{w}-{m.__name__}-{o}" for w, m, o, _ in MATRIX])
def test_each_role_sees_its_scope_and_nothing_else(session, world, who, model, what, expected):
    user, obj = getattr(world, who), getattr(world, what)
    assert sees(session, user, model, obj) is expected
    assert (session.scalar(select(model.id).where(model.id == obj.id, scope(user, model))) is not None) is expected


def test_outside_the_scope_is_reported_as_missing_and_audited(session, world):
    with pytest.raises(NotFound, match=f"劳动力{world.xiangtan.id}不存在") as caught:
        visible(session, world.county, Person, world.xiangtan.id)
    with pytest.raises(NotFound, match="劳动力999999不存在"):
        visible(session, world.county, Person, 999999)
    (denial,) = denials(session)  # the id that does not exist is no denial
    assert (denial.actor_user_id, denial.object_type, denial.object_id, denial.after) == (
        world.county.id, "person", str(world.xiangtan.id), {"action": "view", "reason": "outside_scope"})
    assert caught.value.audit["reason"] == "outside_scope"


def test_a_retired_household_code_belongs_to_its_successors_area(session, world):
    inside = select(Person.id).where(in_area(Person.household_region_code, "430182"))
    assert set(session.scalars(inside)) >= {world.ningxiang.id, world.ningxiang_old_code.id}
    assert world.xiangtan.id not in set(session.scalars(inside))


def test_county_staff_read_posts_but_only_the_workstation_of_the_city_edits_them(session, world):
    assert can(world.workstation, Action.EDIT, world.post)
    assert not can(world.other_workstation, Action.EDIT, world.post)
    with pytest.raises(Forbidden, match="无权修改该记录"):
        require(world.county, Action.EDIT, world.post)
    assert [d.after for d in denials(session)] == [{"action": "edit", "reason": "not_permitted"}]


def test_claims_are_decided_by_the_workers_county_and_never_by_a_broker(session, world):
    assert can(world.county, Action.APPROVE_CLAIM, world.claim_x)
    assert can(world.province, Action.APPROVE_CLAIM, world.claim_x)
    with pytest.raises(Forbidden):
        approve_claim(session, world.claim_x.id, actor=world.broker_x)
    with pytest.raises(NotFound):
        approve_claim(session, world.claim_x.id, actor=world.broker_y)
    approve_claim(session, world.claim_x.id, actor=world.county)
    with pytest.raises(NotFound):
        pay_claim(session, world.claim_x.id, actor=world.other_county, reference="R1", paid_on=dt.date(2025, 1, 5))
    assert [d.after["action"] for d in denials(session)] == ["approve_claim", "view", "view"]


def test_a_broker_recommends_only_people_it_serves_and_owns_the_placement(session, vault, world):
    placement = propose_placement(session, person_id=world.ningxiang_old_code.id, post_id=world.post.id,
                                  actor=world.broker_x)
    assert (placement.organisation_id, placement.created_by_user_id) == (world.broker_x.organisation_id,
                                                                        world.broker_x.id)
    with pytest.raises(NotFound):
        propose_placement(session, person_id=make_person(session, vault, household_region_code="430321").id,
                          post_id=world.post.id, actor=world.broker_x)
    with pytest.raises(Forbidden):
        propose_placement(session, person_id=world.ningxiang.id, post_id=world.post.id, actor=world.workstation)


def test_placement_changes_follow_the_placement_scope(session, world):
    with pytest.raises(NotFound):
        hire_placement(session, placement_id=world.placement_x.id, start_date=dt.date(2024, 3, 1),
                       actor=world.broker_y)
    with pytest.raises(Forbidden):
        record_check(session, placement_id=world.placement_x.id, check_date=dt.date(2024, 9, 1), employed=True,
                     actor=world.broker_x)
    check = record_check(session, placement_id=world.placement_x.id, check_date=dt.date(2024, 9, 1), employed=True,
                         actor=world.workstation)
    assert check.recorded_by_id == world.workstation.id
    loss = end_placement(session, placement_id=world.placement_x.id, end_date=dt.date(2024, 10, 1),
                         reason=EndReason.QUIT, actor=world.workstation)
    assert loss is not None and loss.person_id == world.ningxiang.id


def test_arrivals_are_checked_in_by_the_workstation_of_the_destination(session, world):
    member = session.scalars(select(DispatchMember).where(DispatchMember.dispatch_id == world.dispatch_x.id)).one()
    world.dispatch_x.status = world.dispatch_x.status.DEPARTED
    session.flush()
    with pytest.raises(NotFound):
        check_in(session, member_id=member.id, arrival=ArrivalStatus.ARRIVED, actor=world.other_workstation)
    with pytest.raises(Forbidden):
        check_in(session, member_id=member.id, arrival=ArrivalStatus.ARRIVED, actor=world.broker_x)
    assert check_in(session, member_id=member.id, arrival=ArrivalStatus.ARRIVED,
                    actor=world.workstation).checked_in_by_id == world.workstation.id


def test_a_county_organises_dispatches_leaving_its_area_only(session, world):
    organisation_id = world.county.organisation_id
    dispatch = create_dispatch(session, organiser_organisation_id=organisation_id, origin_region_code="430182",
                               destination_region_code="441900", departure_date=dt.date(2025, 2, 1),
                               total_cost=Decimal("1000.00"), actor=world.county)
    assert dispatch.created_by_user_id == world.county.id
    with pytest.raises(Forbidden, match="无权组织或变更该劳务输出批次"):
        create_dispatch(session, organiser_organisation_id=organisation_id, origin_region_code="430321",
                        destination_region_code="441900", departure_date=dt.date(2025, 2, 1), actor=world.county)


def test_county_staff_may_export_their_demand_lists_revealed_but_brokers_and_workstations_never(session, world,
                                                                                                tmp_path):
    assert can(world.county, Action.EXPORT_REVEALED, Placement)
    for user in (world.broker_x, world.workstation, world.seeker):
        with pytest.raises(Forbidden):
            export_demand(session, None, tmp_path / "x.xlsx", reveal=True, actor=user)
    assert not (tmp_path / "x.xlsx").exists()
    assert len(denials(session)) == 3


def test_asked_about_a_model_can_says_whether_the_role_ever_may(world):
    assert can(world.county, Action.VIEW, SubsidyClaim) and not can(world.workstation, Action.VIEW, SubsidyClaim)
    assert not can(world.county, Action.VIEW, AuditEvent) and can(world.admin, Action.VIEW, AuditEvent)
    assert can(world.broker_x, Action.RECOMMEND, Person) and not can(world.seeker, Action.RECOMMEND, Person)


def test_an_inactive_user_may_do_nothing(session, world):
    world.county.active = False
    session.flush()
    assert not sees(session, world.county, Person, world.ningxiang)
    assert not can(world.county, Action.VIEW, Person)


def test_a_system_run_acts_with_every_right_under_its_own_label(session, world):
    runner = system_actor("scheduler")
    assert sees(session, runner, Person, world.xiangtan)
    approve_claim(session, world.claim_x.id, actor=runner)
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "claim.approve")).one()
    assert (event.actor, event.actor_user_id) == ("scheduler", None)
    assert SYSTEM.username == "system"


def test_a_denial_survives_the_rollback_of_the_refused_transaction(runtime):
    with runtime.db.transaction() as session:
        person_id = make_person(session, runtime.vault, household_region_code="430321").id
        stranger_id = make_user(session, role=Role.COUNTY_STAFF, region_code="430182").id
    with pytest.raises(NotFound) as caught, runtime.db.transaction() as session:
        visible(session, session.get(User, stranger_id), Person, person_id)
    keep_denial(runtime.db, caught.value)
    with runtime.db.session() as session:
        (denial,) = denials(session)
        assert (denial.actor_user_id, denial.object_id) == (stranger_id, str(person_id))
