"""Placements: the lifecycle proposed → hired → active → ended, checks, job losses and the job's scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from jobs.access.permissions import SYSTEM
from jobs.errors import InvalidInput, NotFound
from jobs.placements.dispatches import create_dispatch
from jobs.storage.enums import (
    CheckEvidence,
    EmploymentStatus,
    EmploymentType,
    EndReason,
    PlacementStatus,
    TransportMode,
)
from jobs.storage.models import AuditEvent, JobLoss
from jobs.placements.placements import (
    PlacementError,
    activate_placement,
    attach_dispatch,
    cancel_placement,
    end_placement,
    hire_placement,
    job_scope,
    propose_placement,
    record_check,
)
from jobs.people.regions import Scope
from tests.factories import make_broker, make_person, make_post

START = dt.date(2024, 2, 22)


def _active(session, vault, person=None, post=None):
    person = person or make_person(session, vault)
    placement = propose_placement(session, person_id=person.id, post_id=(post or make_post(session)).id,
                                  broker_id=make_broker(session).id, actor=SYSTEM)
    hire_placement(session, placement_id=placement.id, start_date=START, contract_months=12,
                   employment_type=EmploymentType.DIRECT, social_insurance=True, round_trip_cost=Decimal("420.00"), actor=SYSTEM)
    return activate_placement(session, placement_id=placement.id, actor=SYSTEM)


def test_a_placement_goes_from_proposed_to_hired_to_active(session, vault) -> None:
    person = make_person(session, vault)
    placement = propose_placement(session, person_id=person.id, post_id=make_post(session).id, actor=SYSTEM)
    assert placement.status is PlacementStatus.PROPOSED
    hire_placement(session, placement_id=placement.id, start_date=START, contract_months=12,
                   employment_type=EmploymentType.DISPATCH_AGENCY, social_insurance=True, actor=SYSTEM)
    assert (placement.status, placement.start_date, placement.employment_type) == (
        PlacementStatus.HIRED, START, EmploymentType.DISPATCH_AGENCY)
    activate_placement(session, placement_id=placement.id, actor=SYSTEM)
    assert placement.status is PlacementStatus.ACTIVE
    assert person.employment_status is EmploymentStatus.EMPLOYED


def test_every_step_is_audited_with_before_and_after(session, vault) -> None:
    placement = _active(session, vault)
    events = session.scalars(select(AuditEvent).where(AuditEvent.object_type == "placement",
                                                      AuditEvent.object_id == str(placement.id))
                             .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["placement.propose", "placement.hire", "placement.activate"]
    assert events[1].before["status"] == "proposed" and events[1].after["status"] == "hired"


@pytest.mark.parametrize("step", ["activate", "end"])
def test_skipping_a_step_raises_with_a_chinese_message(session, vault, step) -> None:
    placement = propose_placement(session, person_id=make_person(session, vault).id, post_id=make_post(session).id, actor=SYSTEM)
    with pytest.raises(PlacementError, match="当前状态为“已推荐”"):
        if step == "activate":
            activate_placement(session, placement_id=placement.id, actor=SYSTEM)
        else:
            end_placement(session, placement_id=placement.id, end_date=START, reason=EndReason.QUIT, actor=SYSTEM)


def test_an_active_placement_cannot_be_cancelled(session, vault) -> None:
    placement = _active(session, vault)
    with pytest.raises(PlacementError, match="不能变更为“已取消”"):
        cancel_placement(session, placement_id=placement.id, reason="单位不招了", actor=SYSTEM)


def test_a_hired_placement_can_be_cancelled_with_a_reason(session, vault) -> None:
    placement = propose_placement(session, person_id=make_person(session, vault).id, post_id=make_post(session).id, actor=SYSTEM)
    hire_placement(session, placement_id=placement.id, start_date=START, actor=SYSTEM)
    cancel_placement(session, placement_id=placement.id, reason="本人放弃", actor=SYSTEM)
    assert placement.status is PlacementStatus.CANCELLED


def test_a_check_records_date_result_evidence_and_who(session, vault) -> None:
    placement = _active(session, vault)
    check = record_check(session, placement_id=placement.id, check_date=dt.date(2024, 8, 23), employed=True,
                         evidence=CheckEvidence.WAGE_SLIPS, actor=SYSTEM)
    assert (check.check_date, check.employed, check.evidence) == (dt.date(2024, 8, 23), True, CheckEvidence.WAGE_SLIPS)
    assert placement.checks == [check]


def test_a_check_before_the_start_date_is_refused(session, vault) -> None:
    placement = _active(session, vault)
    with pytest.raises(InvalidInput, match="早于上岗日期"):
        record_check(session, placement_id=placement.id, check_date=dt.date(2024, 1, 1), employed=True, actor=SYSTEM)


def test_ending_the_only_job_is_a_job_loss_and_the_worker_reenters_matching(session, vault) -> None:
    placement = _active(session, vault)
    loss = end_placement(session, placement_id=placement.id, end_date=dt.date(2024, 5, 1), reason=EndReason.QUIT, actor=SYSTEM)
    assert loss is not None and (loss.loss_date, loss.reason) == (dt.date(2024, 5, 1), EndReason.QUIT)
    assert placement.status is PlacementStatus.ENDED
    assert placement.person.employment_status is EmploymentStatus.UNEMPLOYED


def test_ending_one_of_two_jobs_is_no_job_loss(session, vault) -> None:
    person = make_person(session, vault)
    first = _active(session, vault, person=person)
    _active(session, vault, person=person)
    assert end_placement(session, placement_id=first.id, end_date=dt.date(2024, 5, 1), reason=EndReason.QUIT, actor=SYSTEM) is None
    assert session.scalar(select(JobLoss).where(JobLoss.person_id == person.id)) is None
    assert person.employment_status is EmploymentStatus.EMPLOYED


def test_an_end_before_the_start_is_refused(session, vault) -> None:
    placement = _active(session, vault)
    with pytest.raises(InvalidInput, match="离岗日期"):
        end_placement(session, placement_id=placement.id, end_date=dt.date(2024, 1, 1), reason=EndReason.QUIT, actor=SYSTEM)


@pytest.mark.parametrize(
    ("home", "job", "scope"),
    [
        ("430124", "430182", Scope.SAME_COUNTY),  # retired 宁乡县 resolves to 宁乡市 first
        ("430182", "430104", Scope.SAME_PREFECTURE),
        ("430182", "430405", Scope.SAME_PROVINCE),
        ("430182", "441900", Scope.OUTSIDE_PROVINCE),
    ],
)
def test_the_jobs_scope_comes_from_region_codes_with_retired_codes_resolved(session, vault, home, job, scope) -> None:
    person = make_person(session, vault, household_region_code="430182")
    person.household_region_code = home
    post = make_post(session, region_code=job)
    assert job_scope(_active(session, vault, person=person, post=post)) is scope


def test_a_check_saying_employed_after_the_placement_ended_is_refused(session, vault) -> None:
    placement = _active(session, vault)
    end_placement(session, placement_id=placement.id, end_date=dt.date(2024, 5, 1), reason=EndReason.QUIT, actor=SYSTEM)
    with pytest.raises(PlacementError, match="已于2024-05-01结束，不能登记2024-06-01在岗"):
        record_check(session, placement_id=placement.id, check_date=dt.date(2024, 6, 1), employed=True, actor=SYSTEM)
    # Saying "not employed" then is no contradiction.
    check = record_check(session, placement_id=placement.id, check_date=dt.date(2024, 6, 1), employed=False, actor=SYSTEM)
    assert placement.checks == [check]


def test_a_placement_is_attached_to_its_dispatch_and_untied_again(session, vault) -> None:
    broker = make_broker(session)
    placement = _active(session, vault)
    dispatch = create_dispatch(session, organiser_organisation_id=broker.organisation_id,
                               organiser_broker_id=broker.id, origin_region_code="430124",
                               destination_region_code="441900", departure_date=START,
                               transport=TransportMode.CHARTERED_COACH, actor=SYSTEM)
    assert attach_dispatch(session, placement_id=placement.id, dispatch_id=dispatch.id, actor=SYSTEM).dispatch_id == dispatch.id
    assert attach_dispatch(session, placement_id=placement.id, dispatch_id=None, actor=SYSTEM).dispatch_id is None


def test_attaching_a_placement_to_a_dispatch_that_does_not_exist_is_refused(session, vault) -> None:
    placement = _active(session, vault)
    with pytest.raises(NotFound, match="劳务输出批次999999不存在"):
        attach_dispatch(session, placement_id=placement.id, dispatch_id=999999, actor=SYSTEM)
    assert placement.dispatch_id is None
