"""docs/policies.md, "Which pack applies": a rule decides when its pack governs the origin on the rule's reference
date (milestone when met, as-of while pending, start when never met); the most specific deciding pack wins;
none → no_policy. Expired packs are never stretched."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from jobs.subsidy import ClaimStatus, evaluate

D = dt.date
HUNAN = "湘人社规〔2021〕10号"
HUNAN_2017 = "湘人社发〔2017〕58号"
NATIONAL = "人社部发〔2021〕26号"
YOUYI = "友人社联发〔2022〕1号"


def test_a_hunan_milestone_in_march_2021_has_no_policy_since_no_pack_governs_hunan_then(facts, shipped, claim):
    placement = facts.placement(start=D(2020, 9, 1), checks=[(D(2021, 3, 5), True)])

    referral = claim(evaluate([placement], shipped, as_of=D(2021, 3, 31)), "referral")

    assert referral.status is ClaimStatus.NO_POLICY
    assert (referral.policy, referral.pack_id, referral.rule_id, referral.fund) == (None, None, None, None)
    assert referral.amount is None and referral.milestone_date is None
    assert referral.beneficiary == "b1"
    assert "湘人社规〔2021〕10号第四条：达到条件之日2021-03-05不在其有效期（2021-07-26至2025-12-31）内" in referral.reason
    assert "湘人社发〔2017〕58号二、（二）2：达到条件之日2021-03-05不在其有效期（2017-07-01至2020-12-31）内" in \
        referral.reason


def test_a_hunan_transport_starting_in_march_2021_has_no_policy(facts, shipped, claim):
    placement = facts.placement(start=D(2021, 3, 10))

    transport = claim(evaluate([placement], shipped, as_of=D(2021, 12, 31)), "transport")

    assert transport.status is ClaimStatus.NO_POLICY


def test_a_hunan_transport_starting_between_the_packs_falls_back_to_the_national_pack(facts, shipped, claim):
    placement = facts.placement(start=D(2021, 6, 10))

    transport = claim(evaluate([placement], shipped, as_of=D(2021, 12, 31)), "transport")

    assert (transport.status, transport.policy) == (ClaimStatus.NEEDS_LOCAL_STANDARD, NATIONAL)
    assert transport.milestone_date == D(2021, 6, 10)


def test_a_hunan_transport_between_the_packs_inside_the_province_is_refused_by_the_national_pack(
        facts, shipped, claim):
    placement = facts.placement(start=D(2021, 6, 10), job="430104")

    transport = claim(evaluate([placement], shipped, as_of=D(2021, 12, 31)), "transport")

    assert (transport.status, transport.policy) == (ClaimStatus.INELIGIBLE, NATIONAL)


def test_a_pending_hunan_referral_before_the_2021_pack_is_decided_by_the_national_pack(facts, shipped, claim):
    placement = facts.placement(start=D(2021, 6, 1))

    referral = claim(evaluate([placement], shipped, as_of=D(2021, 7, 1)), "referral")

    assert (referral.status, referral.policy) == (ClaimStatus.NEEDS_LOCAL_STANDARD, NATIONAL)


def test_once_the_hunan_milestone_falls_in_the_2021_pack_the_province_wins_over_the_nation(facts, shipped, claim):
    placement = facts.placement(start=D(2021, 6, 1), checks=[(D(2021, 12, 2), True)])

    referral = claim(evaluate([placement], shipped, as_of=D(2021, 12, 31)), "referral")

    assert (referral.status, referral.policy, referral.amount) == (ClaimStatus.ELIGIBLE, HUNAN, Decimal("300.00"))


def test_a_2020_placement_verified_after_the_2017_pack_expired_is_paid_under_the_2021_pack(facts, shipped, claim):
    placement = facts.placement(start=D(2020, 9, 1), checks=[(D(2021, 9, 1), True)])

    referral = claim(evaluate([placement], shipped, as_of=D(2021, 12, 31)), "referral")

    assert (referral.status, referral.policy) == (ClaimStatus.ELIGIBLE, HUNAN)


def test_a_milestone_after_2025_gets_no_policy(facts, shipped, claim):
    placement = facts.placement(start=D(2025, 9, 1), checks=[(D(2026, 3, 2), True)])

    referral = claim(evaluate([placement], shipped, as_of=D(2026, 3, 31)), "referral")

    assert referral.status is ClaimStatus.NO_POLICY
    assert "达到条件之日2026-03-02不在其有效期（2021-07-26至2025-12-31）内" in referral.reason


def test_a_claim_still_pending_after_every_pack_expired_gets_no_policy(facts, shipped, claim):
    placement = facts.placement(start=D(2025, 9, 1))

    referral = claim(evaluate([placement], shipped, as_of=D(2026, 1, 15)), "referral")

    assert referral.status is ClaimStatus.NO_POLICY
    assert "湘人社规〔2021〕10号第四条：核算日2026-01-15不在其有效期（2021-07-26至2025-12-31）内" in referral.reason
    assert "人社部发〔2021〕26号第四条：达到条件之日2025-09-01由湘人社规〔2021〕10号管辖" in referral.reason


def test_a_claim_still_pending_before_expiry_is_pending_under_its_pack(facts, shipped, claim):
    placement = facts.placement(start=D(2025, 9, 1))

    referral = claim(evaluate([placement], shipped, as_of=D(2025, 12, 1)), "referral")

    assert (referral.status, referral.policy) == (ClaimStatus.PENDING, HUNAN)


def test_a_placement_starting_after_2025_gets_no_policy_for_every_kind(facts, shipped):
    placement = facts.placement(start=D(2026, 1, 5), checks=[(D(2026, 7, 6), True)])

    claims = evaluate([placement], shipped, as_of=D(2026, 8, 1))

    assert [(c.kind, c.status) for c in claims] == [("referral", ClaimStatus.NO_POLICY),
                                                    ("transport", ClaimStatus.NO_POLICY)]


def test_an_expired_pack_is_never_stretched_to_an_ineligible_start_date(facts, shipped, claim):
    # Never met under Hunan 2021 (same county), but the start date 2026-01-05 is after its period.
    placement = facts.placement(start=D(2026, 1, 5), job="430182")

    transport = claim(evaluate([placement], shipped, as_of=D(2026, 2, 1)), "transport")

    assert transport.status is ClaimStatus.NO_POLICY
    assert "上岗之日2026-01-05不在其有效期" in transport.reason


def test_youyi_before_its_county_pack_falls_back_to_the_national_pack(facts, shipped, claim):
    person = facts.person(origin="230522")
    placement = facts.placement(person=person, start=D(2021, 10, 1), cost="300.00")

    transport = claim(evaluate([placement], shipped, as_of=D(2021, 12, 1)), "transport")

    assert (transport.status, transport.policy) == (ClaimStatus.NEEDS_LOCAL_STANDARD, NATIONAL)


def test_youyi_milestone_before_the_county_pack_leaves_the_national_decision(facts, shipped, claim):
    person = facts.person(origin="230522")
    placement = facts.placement(person=person, start=D(2021, 10, 1), cost="300.00", checks=[(D(2022, 1, 5), True)])

    transport = claim(evaluate([placement], shipped, as_of=D(2022, 3, 1)), "transport")

    assert (transport.status, transport.policy) == (ClaimStatus.NEEDS_LOCAL_STANDARD, NATIONAL)


def test_when_county_and_nation_both_decide_the_county_wins(facts, shipped, claim):
    # National: start date 2021-10-01 (national governs). Youyi: milestone 2022-01-20 (Youyi governs).
    person = facts.person(origin="230522")
    placement = facts.placement(person=person, start=D(2021, 10, 1), cost="300.00",
                                checks=[(D(2022, 1, 20), True)])

    transport = claim(evaluate([placement], shipped, as_of=D(2022, 3, 1)), "transport")

    assert (transport.status, transport.policy, transport.amount) == (ClaimStatus.ELIGIBLE, YOUYI,
                                                                      Decimal("300.00"))


def test_a_county_with_no_pack_at_all_gets_no_policy_for_the_core_kinds(facts, claim):
    placement = facts.placement()

    claims = evaluate([placement], [], as_of=D(2024, 12, 31))

    assert [(c.kind, c.status, c.beneficiary) for c in claims] == [
        ("referral", ClaimStatus.NO_POLICY, "b1"), ("transport", ClaimStatus.NO_POLICY, "p1")]
    assert claims[0].reason == "户籍地430182没有已载入的政策文件规定此项补助"
