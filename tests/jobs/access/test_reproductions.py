"""The two findings of the domain review, reproduced: a county approving another county's claim, and a broker
exporting the demand list with clear ID numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from jobs.access.permissions import SYSTEM
from jobs.errors import Forbidden, NotFound
from jobs.lists import export_demand, import_demand
from jobs.storage.enums import ClaimStatus, Role
from jobs.storage.models import AuditEvent, SubsidyClaim
from jobs.subsidy.claims import approve_claim, evaluate_claims
from tests.factories import make_broker, make_broker_user, make_placement, make_user
from tests.jobs.lists.gallery import TODAY, county_list


def _denials(session) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "access.denied")))


def test_staff_of_one_county_cannot_approve_a_claim_of_another_county(session, vault, frozen_clock):
    placement = make_placement(session, vault, "verified_6_months", broker=make_broker(session))  # 宁乡市 worker
    evaluate_claims(session, vault=vault, as_of=dt.date(2024, 12, 31), actor=SYSTEM)
    claim = session.scalars(select(SubsidyClaim).where(SubsidyClaim.placement_id == placement.id,
                                                       SubsidyClaim.status == ClaimStatus.ELIGIBLE)).first()
    other_county = make_user(session, role=Role.COUNTY_STAFF, region_code="430321")  # 湘潭县
    with pytest.raises(NotFound, match=f"补贴申领{claim.id}不存在"):
        approve_claim(session, claim.id, actor=other_county)
    session.refresh(claim)
    assert claim.status is ClaimStatus.ELIGIBLE
    assert [(d.actor, d.object_type, d.after["action"]) for d in _denials(session)] == [
        (other_county.username, "subsidy_claim", "view")]


def test_a_broker_cannot_export_the_demand_list_with_clear_numbers(session, vault, tmp_path, frozen_clock):
    import_demand(session, vault, county_list(tmp_path), today=TODAY, actor=SYSTEM)
    broker_user = make_broker_user(session, make_broker(session))  # a broker of 宁乡市, serving its people
    with pytest.raises(Forbidden):
        export_demand(session, vault, tmp_path / "out.xlsx", reveal=True, actor=broker_user)
    assert not (tmp_path / "out.xlsx").exists()
    assert [d.after["action"] for d in _denials(session)] == ["export_revealed"]
