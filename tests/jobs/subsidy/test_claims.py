"""Subsidy claims in the database: evaluate and store idempotently, the workflow, ledgers, the public notice and
fraud signals."""

from __future__ import annotations

import datetime as dt
import io
import threading
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from jobs.access.permissions import SYSTEM
from jobs.subsidy.claims import (
    ClaimError,
    approve_claim,
    evaluate_claims,
    fraud_signals,
    ledger,
    pay_claim,
    public_notice,
    reject_claim,
    revoke_claim,
)
from jobs.errors import Forbidden, InvalidInput
from jobs.subsidy.render import ledger_xlsx, notice_html, notice_xlsx
from jobs.storage.db import is_sqlite
from jobs.storage.enums import ClaimStatus, EndReason, OrganisationKind, Role
from jobs.people.persons import reveal_id_number
from jobs.storage.models import AuditEvent, ClaimEvent, EmploymentCheck, PolicyPack, SubsidyClaim, User
from jobs.placements.placements import end_placement
from tests.factories import make_broker, make_organisation, make_placement

AS_OF = dt.date(2024, 12, 31)


def make_user(session, *, organisation=None, role=Role.COUNTY_STAFF, name="county") -> User:
    organisation = organisation or make_organisation(session, kind=OrganisationKind.COUNTY_OFFICE,
                                                     name=f"宁乡市人社局{name}")
    user = User(username=f"{name}-{organisation.id}", display_name=name, role=role, organisation_id=organisation.id)
    session.add(user)
    session.flush()
    return user


def _claim(session, placement, kind="referral") -> SubsidyClaim:
    return session.scalars(select(SubsidyClaim).where(SubsidyClaim.placement_id == placement.id,
                                                      SubsidyClaim.kind == kind)).one()


def _eligible_referral(session, vault):
    broker = make_broker(session)
    placement = make_placement(session, vault, "verified_6_months", broker=broker)
    evaluate_claims(session, vault=vault, as_of=AS_OF, actor=SYSTEM)
    claim = _claim(session, placement)
    assert claim.status is ClaimStatus.ELIGIBLE
    return claim, broker


# --- evaluate and store ---------------------------------------------------------------------------------------


def test_evaluation_stores_one_claim_per_placement_kind_and_instalment(session, vault) -> None:
    placement = make_placement(session, vault, "verified_6_months", broker=make_broker(session))
    summary = evaluate_claims(session, vault=vault, as_of=AS_OF, actor=SYSTEM)
    assert (summary.created, summary.updated, summary.unchanged) == (2, 0, 0)
    referral = _claim(session, placement)
    assert (referral.status, referral.amount, referral.milestone_date, referral.document_number, referral.fund) == (
        ClaimStatus.ELIGIBLE, Decimal("300.00"), dt.date(2024, 8, 23), "湘人社规〔2021〕10号", "就业专项资金")
    assert _claim(session, placement, "transport").status is ClaimStatus.NEEDS_LOCAL_STANDARD


def test_the_packs_come_from_the_policy_pack_table_seeded_on_first_use(session, vault) -> None:
    make_placement(session, vault, "verified_6_months", broker=make_broker(session))
    evaluate_claims(session, vault=vault, as_of=AS_OF, actor=SYSTEM)
    assert session.scalar(select(func.count()).select_from(PolicyPack)) == 5
    referral = session.scalars(select(SubsidyClaim).where(SubsidyClaim.kind == "referral")).one()
    assert session.get(PolicyPack, referral.policy_pack_id).pack_key == "hunan-2021-10"


def test_evaluating_again_changes_nothing(session, vault) -> None:
    make_placement(session, vault, "verified_6_months", broker=make_broker(session))
    evaluate_claims(session, vault=vault, as_of=AS_OF, actor=SYSTEM)
    versions = session.execute(select(SubsidyClaim.id, SubsidyClaim.version_id)).all()
    summary = evaluate_claims(session, vault=vault, as_of=AS_OF, actor=SYSTEM)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    assert session.execute(select(SubsidyClaim.id, SubsidyClaim.version_id)).all() == versions


def test_a_new_check_moves_a_pending_claim_to_eligible_with_its_history(session, vault) -> None:
    placement = make_placement(session, vault, broker=make_broker(session))
    evaluate_claims(session, vault=vault, as_of=AS_OF, actor=SYSTEM)
    claim = _claim(session, placement)
    assert claim.status is ClaimStatus.PENDING
    session.add(EmploymentCheck(placement=placement, check_date=dt.date(2024, 9, 1), employed=True))
    session.flush()
    assert evaluate_claims(session, vault=vault, as_of=AS_OF, actor=SYSTEM).updated == 1
    assert claim.status is ClaimStatus.ELIGIBLE
    assert [(e.from_status, e.to_status) for e in claim.events] == [(None, "pending"), ("pending", "eligible")]
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(claim.id),
                                                              AuditEvent.object_type == "subsidy_claim")).all()
    assert actions == ["claim.evaluate", "claim.evaluate"]


def test_claims_in_the_workflow_are_never_touched_by_the_engine(session, vault) -> None:
    claim, _ = _eligible_referral(session, vault)
    approve_claim(session, claim.id, actor=make_user(session))
    end_placement(session, placement_id=claim.placement_id, end_date=dt.date(2024, 3, 1), reason=EndReason.QUIT, actor=SYSTEM)
    summary = evaluate_claims(session, vault=vault, as_of=AS_OF, actor=SYSTEM)
    assert summary.in_workflow == 1
    assert claim.status is ClaimStatus.APPROVED


def test_the_claim_holding_the_yearly_slot_counts_toward_the_limit(session, vault) -> None:
    claim, _ = _eligible_referral(session, vault)
    assert (claim.counts_toward_limit, claim.limit_group, claim.milestone_year) == (
        True, "hunan-2021-10:referral", 2024)


def test_the_database_refuses_a_second_yearly_slot_for_one_person(session, vault) -> None:
    claim, _ = _eligible_referral(session, vault)
    other = make_placement(session, vault, person=claim.placement.person)
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(SubsidyClaim(placement_id=other.id, person_id=claim.person_id, kind="referral",
                                 beneficiary_person_id=claim.person_id, status=ClaimStatus.ELIGIBLE,
                                 amount=Decimal("300.00"), limit_group=claim.limit_group, milestone_year=2024,
                                 counts_toward_limit=True))
        session.flush()


def test_a_slot_held_by_an_approved_claim_makes_a_later_winner_ineligible(session, vault) -> None:
    claim, _ = _eligible_referral(session, vault)
    approve_claim(session, claim.id, actor=make_user(session))
    # A second placement whose check (recorded late) reaches the milestone earlier in the same year.
    other = make_placement(session, vault, person=claim.placement.person, broker=make_broker(session),
                           start_date=dt.date(2024, 1, 2))
    session.add(EmploymentCheck(placement=other, check_date=dt.date(2024, 7, 3), employed=True))
    session.flush()
    evaluate_claims(session, vault=vault, as_of=AS_OF, actor=SYSTEM)
    late = _claim(session, other)
    assert late.status is ClaimStatus.INELIGIBLE and not late.counts_toward_limit
    assert "已审核" in late.reason and "每人每年只享受一次" in late.reason


def test_a_revoked_claim_gives_its_yearly_slot_to_the_persons_next_placement(session, vault) -> None:
    claim, _ = _eligible_referral(session, vault)
    later = make_placement(session, vault, person=claim.placement.person, broker=make_broker(session),
                           start_date=dt.date(2024, 3, 1))
    session.add(EmploymentCheck(placement=later, check_date=dt.date(2024, 9, 2), employed=True))
    session.flush()
    evaluate_claims(session, vault=vault, as_of=AS_OF, actor=SYSTEM)
    assert _claim(session, later).status is ClaimStatus.INELIGIBLE  # the first placement won the year
    county = make_user(session)
    approve_claim(session, claim.id, actor=county)
    revoke_claim(session, claim.id, actor=county, reason="核实发现未实际到岗")
    evaluate_claims(session, vault=vault, as_of=AS_OF, actor=SYSTEM)
    now = _claim(session, later)
    assert now.status is ClaimStatus.ELIGIBLE and now.counts_toward_limit
    assert _claim(session, claim.placement).status is ClaimStatus.REVOKED


# --- workflow -------------------------------------------------------------------------------------------------


def test_an_eligible_claim_is_approved_then_paid_with_its_history(session, vault) -> None:
    claim, _ = _eligible_referral(session, vault)
    user = make_user(session)
    approve_claim(session, claim.id, actor=user)
    pay_claim(session, claim.id, actor=user, reference="ZF2025-0001", paid_on=dt.date(2025, 1, 10))
    assert (claim.status, claim.payment_reference, claim.paid_on, claim.approved_by_id) == (
        ClaimStatus.PAID, "ZF2025-0001", dt.date(2025, 1, 10), user.id)
    assert [e.to_status for e in claim.events] == ["eligible", "approved", "paid"]
    audits = session.scalars(select(AuditEvent).where(AuditEvent.action.in_(["claim.approve", "claim.pay"]))
                             .order_by(AuditEvent.id)).all()
    assert [(a.before["status"], a.after["status"], a.actor) for a in audits] == [
        ("eligible", "approved", user.username), ("approved", "paid", user.username)]


def test_the_approver_must_not_belong_to_the_claimant_brokers_organisation(session, vault) -> None:
    claim, broker = _eligible_referral(session, vault)
    insider = make_user(session, organisation=broker.organisation, role=Role.COUNTY_STAFF, name="insider")
    with pytest.raises(Forbidden, match="须回避"):
        approve_claim(session, claim.id, actor=insider)


def test_whoever_found_a_claim_eligible_may_not_approve_it_four_eyes(session, vault) -> None:
    claim, _ = _eligible_referral(session, vault)
    clerk = make_user(session, name="clerk")
    claim.status = ClaimStatus.PENDING  # found eligible again, this time by a clerk's own evaluation run
    session.flush()
    evaluate_claims(session, vault=vault, as_of=AS_OF, actor=clerk)
    assert claim.status is ClaimStatus.ELIGIBLE and claim.events[-1].by_user_id == clerk.id
    with pytest.raises(Forbidden, match="四眼"):
        approve_claim(session, claim.id, actor=clerk)
    second = make_user(session, name="second")
    approve_claim(session, claim.id, actor=second)
    assert claim.approved_by_id == second.id


def test_a_broker_cannot_decide_on_its_own_claims(session, vault) -> None:
    claim, broker = _eligible_referral(session, vault)
    with pytest.raises(Forbidden, match="无权审核该补贴申领"):
        approve_claim(session, claim.id,
                      actor=make_user(session, organisation=broker.organisation, role=Role.BROKER, name="broker"))


def test_only_an_approved_claim_can_be_paid_and_only_once(session, vault) -> None:
    claim, _ = _eligible_referral(session, vault)
    user = make_user(session)
    with pytest.raises(ClaimError, match="只有“已审核”的申领才能发放"):
        pay_claim(session, claim.id, actor=user, reference="R1", paid_on=dt.date(2025, 1, 10))
    approve_claim(session, claim.id, actor=user)
    pay_claim(session, claim.id, actor=user, reference="R1", paid_on=dt.date(2025, 1, 10))
    with pytest.raises(ClaimError, match="当前状态为“已发放”"):
        pay_claim(session, claim.id, actor=user, reference="R2", paid_on=dt.date(2025, 1, 11))


def test_only_an_eligible_claim_can_be_approved(session, vault) -> None:
    placement = make_placement(session, vault, broker=make_broker(session))
    evaluate_claims(session, vault=vault, as_of=AS_OF, actor=SYSTEM)
    with pytest.raises(ClaimError, match="当前状态为“待达标”"):
        approve_claim(session, _claim(session, placement).id, actor=make_user(session))


def test_a_rejected_claim_keeps_its_reason_and_gives_its_slot_back(session, vault) -> None:
    claim, _ = _eligible_referral(session, vault)
    reject_claim(session, claim.id, actor=make_user(session), reason="经核查为虚假介绍")
    assert (claim.status, claim.counts_toward_limit) == (ClaimStatus.REJECTED, False)
    assert claim.events[-1].note == "经核查为虚假介绍"


def test_a_paid_claim_can_be_revoked_with_a_reason_but_not_rejected(session, vault) -> None:
    claim, _ = _eligible_referral(session, vault)
    user = make_user(session)
    approve_claim(session, claim.id, actor=user)
    pay_claim(session, claim.id, actor=user, reference="R9", paid_on=dt.date(2025, 1, 10))
    with pytest.raises(ClaimError):
        reject_claim(session, claim.id, actor=user, reason="x")
    with pytest.raises(InvalidInput, match="须说明原因"):
        revoke_claim(session, claim.id, actor=user, reason=" ")
    revoke_claim(session, claim.id, actor=user, reason="骗取补贴，已追回")
    assert claim.status is ClaimStatus.REVOKED


@pytest.mark.postgres_only
def test_concurrent_approvals_and_payments_pay_a_claim_exactly_once(runtime) -> None:
    """Many threads fire approve + pay at the same claim, round after round: exactly one payment each round."""
    if is_sqlite(runtime.db.url):
        pytest.skip("row locking under real concurrency needs PostgreSQL (set BANGFU_TEST_DATABASE_URL)")
    threads, rounds = 12, 15
    with runtime.db.writer() as session:  # evaluate_claims commits its batches
        user_id = make_user(session).id
        claim_ids = []
        for _ in range(rounds):
            placement = make_placement(session, runtime.vault, "verified_6_months", broker=make_broker(session))
            evaluate_claims(session, vault=runtime.vault, as_of=AS_OF, person_ids=[placement.person_id], actor=SYSTEM)
            claim_ids.append(_claim(session, placement).id)
        session.commit()
    payments_per_round = []
    for number, claim_id in enumerate(claim_ids):
        successes: list[str] = []
        barrier = threading.Barrier(threads)

        def fire(index: int, claim_id: int = claim_id, number: int = number, barrier=barrier,
                 successes=successes) -> None:
            barrier.wait()
            for step in ("approve", "pay"):
                try:
                    with runtime.db.transaction() as session:
                        user = session.get(User, user_id)
                        if step == "approve":
                            approve_claim(session, claim_id, actor=user)
                        else:
                            pay_claim(session, claim_id, actor=user, reference=f"R{number}-{index}",
                                      paid_on=dt.date(2025, 1, 10))
                            successes.append(f"R{number}-{index}")
                except ClaimError:
                    pass

        workers = [threading.Thread(target=fire, args=(i,)) for i in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        with runtime.db.session() as session:
            claim = session.get(SubsidyClaim, claim_id)
            paid_events = session.scalar(select(func.count()).select_from(ClaimEvent).where(
                ClaimEvent.claim_id == claim_id, ClaimEvent.to_status == "paid"))
            assert claim.status is ClaimStatus.PAID and [claim.payment_reference] == successes
            assert paid_events == 1
        payments_per_round.append(len(successes))
    assert payments_per_round == [1] * rounds
    print(f"race: {threads} threads x {rounds} rounds, payments per round {payments_per_round}")


# --- ledgers and the public notice -------------------------------------------------------------------------------


def test_the_ledger_groups_claims_by_fund_status_county_and_month(session, vault) -> None:
    _eligible_referral(session, vault)
    _eligible_referral(session, vault)
    rows = ledger(session, actor=SYSTEM)
    referral = next(r for r in rows if r.fund == "就业专项资金")
    assert (referral.status, referral.origin_county, referral.month, referral.count, referral.amount) == (
        "符合条件", "湖南省长沙市宁乡市", "2024-08", 2, Decimal("600.00"))
    stream = io.BytesIO()
    ledger_xlsx(rows, stream)
    sheet = load_workbook(stream).active
    assert [c.value for c in sheet[1]] == ["资金渠道", "状态", "户籍地（县）", "月份", "笔数", "金额（元）"]
    assert sheet.max_row == len(rows) + 1


def test_the_public_notice_lists_eligible_claims_with_masked_id_numbers(session, vault) -> None:
    claim, broker = _eligible_referral(session, vault)
    rows = public_notice(session, vault=vault, actor=SYSTEM)
    assert len(rows) == 1
    row = rows[0]
    number = reveal_id_number(claim.placement.person, vault)
    assert row.id_masked == number[:6] + "********" + number[-4:]
    assert (row.kind, row.beneficiary, row.amount) == ("就业创业服务补助", broker.name, "300.00")
    stream = io.BytesIO()
    notice_xlsx(rows, stream)
    sheet = load_workbook(stream).active
    assert sheet.cell(row=2, column=3).value == row.id_masked
    stream = io.BytesIO()
    notice_html(rows, stream)
    page = stream.getvalue().decode("utf-8")
    assert row.id_masked in page and "@page" in page and page.startswith("<!DOCTYPE html>")


# --- fraud signals -------------------------------------------------------------------------------------------------


def _kinds(session, vault) -> list[str]:
    return [s.kind for s in fraud_signals(session, vault=vault, actor=SYSTEM)]


def test_one_worker_claimed_by_two_brokers_is_signalled(session, vault) -> None:
    claim, _ = _eligible_referral(session, vault)
    make_placement(session, vault, person=claim.placement.person, broker=make_broker(session),
                   start_date=dt.date(2024, 3, 1))
    evaluate_claims(session, vault=vault, as_of=AS_OF, actor=SYSTEM)
    assert _kinds(session, vault) == ["worker_claimed_by_two_brokers"]


def test_a_placement_ending_within_30_days_of_payment_is_signalled(session, vault) -> None:
    claim, _ = _eligible_referral(session, vault)
    user = make_user(session)
    approve_claim(session, claim.id, actor=user)
    pay_claim(session, claim.id, actor=user, reference="R1", paid_on=dt.date(2024, 9, 1))
    end_placement(session, placement_id=claim.placement_id, end_date=dt.date(2024, 9, 20), reason=EndReason.QUIT, actor=SYSTEM)
    signals = fraud_signals(session, vault=vault, actor=SYSTEM)
    assert [s.kind for s in signals] == ["ended_soon_after_payment"]
    assert "19天后" in signals[0].message


def test_a_broker_whose_placements_end_unusually_early_is_signalled(session, vault) -> None:
    early, normal = make_broker(session), make_broker(session)
    for broker, days in ((early, 20), (normal, 200), (normal, 220), (normal, 240)):
        for _ in range(3 if broker is early else 1):
            placement = make_placement(session, vault, broker=broker, round_trip_cost=None)
            end_placement(session, placement_id=placement.id, reason=EndReason.QUIT,
                          end_date=placement.start_date + dt.timedelta(days=days), actor=SYSTEM)
    signals = [s for s in fraud_signals(session, vault=vault, actor=SYSTEM) if s.kind == "broker_placements_end_early"]
    assert [s.broker_id for s in signals] == [early.id]


def test_a_round_trip_cost_far_above_the_route_median_is_signalled(session, vault) -> None:
    costs = ("400.00", "420.00", "410.00", "1500.00")
    placements = [make_placement(session, vault, round_trip_cost=Decimal(c)) for c in costs]
    signals = fraud_signals(session, vault=vault, actor=SYSTEM)
    assert [(s.kind, s.placement_ids) for s in signals] == [("cost_above_route_median", (placements[3].id,))]


EMPLOYER_PACK = """
id: ningxiang-2024-employer
document_number: 宁人社发〔2024〕9号（测试）
title: 测试用县级文件：吸纳脱贫人口就业的用人单位奖补
issuer: 宁乡市人力资源和社会保障局（虚构）
jurisdiction: ['430182']
effective_from: 2024-01-01
effective_to: 2025-12-31
version: 1
source: 测试数据，非真实文件
rules:
  - id: hiring-reward
    kind: hiring_reward
    article: 第一条
    beneficiary: employer
    categories: [脱贫人口]
    conditions:
      min_verified_months: 6
    amount:
      fixed: "1000.00"
    fund: 就业补助资金
"""


def test_a_rule_that_pays_the_employer_stores_the_employer_as_beneficiary(session, vault) -> None:
    from jobs.subsidy import parse_pack, shipped_packs

    placement = make_placement(session, vault, "verified_6_months", broker=make_broker(session))
    packs = [*shipped_packs(), parse_pack(EMPLOYER_PACK)]
    evaluate_claims(session, vault=vault, as_of=AS_OF, packs=packs, actor=SYSTEM)
    claim = _claim(session, placement, kind="hiring_reward")
    assert claim.status is ClaimStatus.ELIGIBLE and claim.amount == Decimal("1000.00")
    assert claim.beneficiary_employer_id == placement.employer_id
    assert claim.beneficiary_broker_id is None and claim.beneficiary_person_id is None


def test_a_placement_whose_id_number_cannot_be_decrypted_is_skipped_with_a_message(session, vault) -> None:
    from jobs.storage.crypto import Vault

    placement = make_placement(session, vault, "verified_6_months", broker=make_broker(session))
    placement.person.id_number_encrypted = Vault.from_secret("another-secret-of-at-least-32-characters").encrypt("x")
    healthy = make_placement(session, vault, "verified_6_months", broker=make_broker(session))
    summary = evaluate_claims(session, vault=vault, as_of=AS_OF, actor=SYSTEM)
    assert [item["placement"] for item in summary.skipped] == [str(placement.id)]
    assert "无法解密" in summary.skipped[0]["message"]
    assert _claim(session, healthy).status is ClaimStatus.ELIGIBLE
