"""友人社联发〔2022〕1号 (友谊县 230522): 第二条 referral (200 yuan, organised output, contract ≥ 12 months,
milestone = start date, no yearly limit) and 第三条 transport (跨省, 3 verified months, 500 yuan or the actual
round-trip cost when lower, once per person per year)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from jobs.subsidy import ClaimStatus, evaluate

D = dt.date
YOUYI = "友人社联发〔2022〕1号"
START = D(2024, 3, 1)
AS_OF = D(2024, 12, 31)


def _person(facts, category="脱贫人口", key="p1"):
    return facts.person(key=key, category=category, origin="230522")


def test_referral_pays_200_on_the_start_date_for_a_contract_of_at_least_a_year(facts, shipped, claim):
    placement = facts.placement(person=_person(facts), start=START, contract=12)

    referral = claim(evaluate([placement], shipped, as_of=AS_OF), "referral")

    assert referral.status is ClaimStatus.ELIGIBLE
    assert (referral.amount, referral.milestone_date) == (Decimal("200.00"), START)
    assert (referral.policy, referral.fund) == (YOUYI, "就业补助资金")
    assert referral.reason == "2024-03-01上岗，签订12个月劳动合同，符合友人社联发〔2022〕1号第二条，补助200元"


def test_referral_needs_no_employment_check(facts, shipped, claim):
    placement = facts.placement(person=_person(facts), start=START, checks=[])

    assert claim(evaluate([placement], shipped, as_of=START), "referral").status is ClaimStatus.ELIGIBLE


def test_referral_is_ineligible_for_a_contract_shorter_than_a_year(facts, shipped, claim):
    placement = facts.placement(person=_person(facts), start=START, contract=6)

    referral = claim(evaluate([placement], shipped, as_of=AS_OF), "referral")

    assert referral.status is ClaimStatus.INELIGIBLE
    assert referral.reason == "劳动合同期限6个月，友人社联发〔2022〕1号第二条要求签订12个月以上劳动合同"


def test_referral_is_pending_while_the_contract_term_is_not_recorded(facts, shipped, claim):
    placement = facts.placement(person=_person(facts), start=START, contract=None)

    referral = claim(evaluate([placement], shipped, as_of=AS_OF), "referral")

    assert (referral.status, referral.policy) == (ClaimStatus.PENDING, YOUYI)
    assert referral.reason.startswith("尚未录入劳动合同期限")


def test_referral_is_ineligible_through_a_broker_without_organised_output(facts, shipped, claim):
    placement = facts.placement(person=_person(facts), start=START, broker=facts.broker(organised_output=False))

    referral = claim(evaluate([placement], shipped, as_of=AS_OF), "referral")

    assert referral.status is ClaimStatus.INELIGIBLE
    assert "未开展有组织劳务输出" in referral.reason


def test_referral_is_ineligible_without_a_broker(facts, shipped, claim):
    placement = facts.placement(person=_person(facts), start=START, broker=None)

    assert claim(evaluate([placement], shipped, as_of=AS_OF), "referral").status is ClaimStatus.INELIGIBLE


def test_referral_has_no_yearly_limit_because_the_text_sets_none(facts, shipped, claim):
    person = _person(facts)
    placements = [facts.placement("pl-1", person=person, start=D(2024, 3, 1)),
                  facts.placement("pl-2", person=person, start=D(2024, 9, 1))]

    claims = evaluate(placements, shipped, as_of=AS_OF)

    assert {claim(claims, "referral", k).status for k in ("pl-1", "pl-2")} == {ClaimStatus.ELIGIBLE}


def test_transport_pays_the_actual_round_trip_cost_when_below_500(facts, shipped, claim):
    placement = facts.placement(person=_person(facts), start=START, cost="420.50",
                                checks=[(D(2024, 6, 3), True)])

    transport = claim(evaluate([placement], shipped, as_of=AS_OF), "transport")

    assert transport.status is ClaimStatus.ELIGIBLE
    assert (transport.amount, transport.milestone_date) == (Decimal("420.50"), D(2024, 6, 3))
    assert transport.fund == "衔接推进乡村振兴补助资金"
    assert transport.reason == ("经核实稳定就业3个月（2024-06-03核实），跨省就业，符合友人社联发〔2022〕1号第三条，"
                                "按实际往返交通费据实补助420.50元")


def test_transport_is_capped_at_500(facts, shipped, claim):
    placement = facts.placement(person=_person(facts), start=START, cost="800.00", checks=[(D(2024, 6, 3), True)])

    transport = claim(evaluate([placement], shipped, as_of=AS_OF), "transport")

    assert (transport.status, transport.amount) == (ClaimStatus.ELIGIBLE, Decimal("500.00"))
    assert transport.reason.endswith("往返交通费800元，按上限补助500元")


def test_transport_stays_pending_without_evidence_of_the_round_trip_cost(facts, shipped, claim):
    placement = facts.placement(person=_person(facts), start=START, cost=None, checks=[(D(2024, 6, 3), True)])

    transport = claim(evaluate([placement], shipped, as_of=AS_OF), "transport")

    assert transport.status is ClaimStatus.PENDING
    assert (transport.amount, transport.milestone_date, transport.policy) == (None, D(2024, 6, 3), YOUYI)
    assert "缺少往返交通费用凭证" in transport.reason


def test_transport_waiting_for_cost_evidence_keeps_its_pack_after_the_pack_expired(facts, shipped, claim):
    # The conditions were met on 2025-10-02, inside the pack's period: the missing receipt does not turn the
    # claim into no_policy once the pack has expired.
    placement = facts.placement(person=_person(facts), start=D(2025, 7, 1), checks=[(D(2025, 10, 2), True)])

    transport = claim(evaluate([placement], shipped, as_of=D(2026, 2, 1)), "transport")

    assert (transport.status, transport.policy) == (ClaimStatus.PENDING, YOUYI)


def test_transport_is_pending_before_three_verified_months(facts, shipped, claim):
    placement = facts.placement(person=_person(facts), start=START, cost="300.00", checks=[(D(2024, 5, 1), True)])

    transport = claim(evaluate([placement], shipped, as_of=D(2024, 5, 15)), "transport")

    assert (transport.status, transport.policy) == (ClaimStatus.PENDING, YOUYI)


def test_transport_covers_monitored_people(facts, shipped, claim):
    placement = facts.placement(person=_person(facts, "监测对象"), start=START, cost="300.00",
                                checks=[(D(2024, 6, 3), True)])

    transport = claim(evaluate([placement], shipped, as_of=AS_OF), "transport")

    assert (transport.status, transport.amount) == (ClaimStatus.ELIGIBLE, Decimal("300.00"))


def test_transport_is_ineligible_for_a_job_inside_heilongjiang(facts, shipped, claim):
    placement = facts.placement(person=_person(facts), start=START, job="230502", cost="100.00",
                                checks=[(D(2024, 6, 3), True)])

    transport = claim(evaluate([placement], shipped, as_of=AS_OF), "transport")

    assert (transport.status, transport.policy) == (ClaimStatus.INELIGIBLE, YOUYI)
    assert transport.reason == "县外市内就业，友人社联发〔2022〕1号第三条要求跨省就业"


def test_transport_is_paid_once_per_person_per_year(facts, shipped, claim):
    person = _person(facts)
    first = facts.placement("pl-1", person=person, start=D(2024, 1, 5), cost="400.00",
                            checks=[(D(2024, 4, 8), True)])
    second = facts.placement("pl-2", person=person, start=D(2024, 6, 1), cost="400.00",
                             checks=[(D(2024, 9, 2), True)])

    claims = evaluate([first, second], shipped, as_of=AS_OF)

    assert claim(claims, "transport", "pl-1").status is ClaimStatus.ELIGIBLE
    loser = claim(claims, "transport", "pl-2")
    assert loser.status is ClaimStatus.INELIGIBLE
    assert "安置pl-1（2024-04-08达到条件）" in loser.reason


def test_a_claim_waiting_only_for_cost_evidence_holds_the_yearly_slot(facts, shipped, claim):
    person = _person(facts)
    first = facts.placement("pl-1", person=person, start=D(2024, 1, 5), cost=None, checks=[(D(2024, 4, 8), True)])
    second = facts.placement("pl-2", person=person, start=D(2024, 6, 1), cost="400.00",
                             checks=[(D(2024, 9, 2), True)])

    claims = evaluate([first, second], shipped, as_of=AS_OF)

    assert claim(claims, "transport", "pl-1").status is ClaimStatus.PENDING
    assert claim(claims, "transport", "pl-2").status is ClaimStatus.INELIGIBLE


def test_youyi_milestones_after_2025_have_no_policy(facts, shipped, claim):
    placement = facts.placement(person=_person(facts), start=D(2025, 11, 3), cost="300.00",
                                checks=[(D(2026, 2, 3), True)])

    claims = evaluate([placement], shipped, as_of=D(2026, 3, 1))

    transport = claim(claims, "transport")
    assert transport.status is ClaimStatus.NO_POLICY
    assert "友人社联发〔2022〕1号第三条：达到条件之日2026-02-03不在其有效期（2022-01-18至2025-12-31）内" in transport.reason
    assert (claim(claims, "referral").status, claim(claims, "referral").policy) == (ClaimStatus.ELIGIBLE, YOUYI)
