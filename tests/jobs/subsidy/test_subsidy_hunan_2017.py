"""湘人社发〔2017〕58号 二、（二）2 referral (200 yuan, 6 verified months, once a year, no scope condition) and
二、（二）6 transport (cross-county, local standard), in force 2017-07-01 – 2020-12-31."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from jobs.subsidy import ClaimStatus, evaluate

D = dt.date
HUNAN_2017 = "湘人社发〔2017〕58号"
START = D(2019, 3, 1)


def test_referral_pays_200_after_six_verified_months_even_within_the_origin_county(facts, shipped, claim):
    placement = facts.placement(start=START, job="430182", checks=[(D(2019, 9, 10), True)])

    referral = claim(evaluate([placement], shipped, as_of=D(2019, 12, 31)), "referral")

    assert referral.status is ClaimStatus.ELIGIBLE
    assert referral.amount == Decimal("200.00")
    assert (referral.policy, referral.fund) == (HUNAN_2017, "就业补助资金")
    assert referral.reason == "经核实稳定就业6个月（2019-09-10核实），符合湘人社发〔2017〕58号二、（二）2，补助200元"


def test_a_claim_that_arose_under_the_2017_pack_stays_eligible_after_it_expired(facts, shipped, claim):
    placement = facts.placement(start=START, checks=[(D(2019, 9, 10), True)])

    referral = claim(evaluate([placement], shipped, as_of=D(2024, 6, 1)), "referral")

    assert (referral.status, referral.policy) == (ClaimStatus.ELIGIBLE, HUNAN_2017)


def test_referral_is_pending_before_six_months(facts, shipped, claim):
    placement = facts.placement(start=START)

    referral = claim(evaluate([placement], shipped, as_of=D(2019, 6, 1)), "referral")

    assert (referral.status, referral.policy) == (ClaimStatus.PENDING, HUNAN_2017)


def test_referral_is_ineligible_through_an_unqualified_broker(facts, shipped, claim):
    placement = facts.placement(start=START, broker=facts.broker(qualified=False),
                                checks=[(D(2019, 9, 10), True)])

    referral = claim(evaluate([placement], shipped, as_of=D(2019, 12, 31)), "referral")

    assert (referral.status, referral.policy) == (ClaimStatus.INELIGIBLE, HUNAN_2017)


def test_referral_is_ineligible_for_a_monitored_person(facts, shipped, claim):
    placement = facts.placement(start=START, person=facts.person(category="监测对象"),
                                checks=[(D(2019, 9, 10), True)])

    referral = claim(evaluate([placement], shipped, as_of=D(2019, 12, 31)), "referral")

    assert (referral.status, referral.policy) == (ClaimStatus.INELIGIBLE, HUNAN_2017)


def test_referral_is_paid_once_per_person_per_year(facts, shipped, claim):
    person = facts.person()
    first = facts.placement("pl-1", person=person, start=D(2019, 1, 2), checks=[(D(2019, 7, 3), True)])
    second = facts.placement("pl-2", person=person, start=D(2019, 2, 1), checks=[(D(2019, 8, 5), True)])

    claims = evaluate([first, second], shipped, as_of=D(2019, 12, 31))

    assert claim(claims, "referral", "pl-1").status is ClaimStatus.ELIGIBLE
    loser = claim(claims, "referral", "pl-2")
    assert loser.status is ClaimStatus.INELIGIBLE
    assert "本人2019年已由安置pl-1（2019-07-03达到条件）享受本项补助" in loser.reason


def test_transport_outside_the_county_needs_the_local_standard(facts, shipped, claim):
    placement = facts.placement(start=START, job="430104")

    transport = claim(evaluate([placement], shipped, as_of=D(2019, 12, 31)), "transport")

    assert transport.status is ClaimStatus.NEEDS_LOCAL_STANDARD
    assert (transport.policy, transport.fund, transport.milestone_date) == (HUNAN_2017, "输出地财政统筹资金", START)
    assert "包（租）车人均费用参照同一标准执行" in transport.reason


def test_transport_is_ineligible_within_the_origin_county(facts, shipped, claim):
    placement = facts.placement(start=START, job="430182")

    transport = claim(evaluate([placement], shipped, as_of=D(2019, 12, 31)), "transport")

    assert (transport.status, transport.policy) == (ClaimStatus.INELIGIBLE, HUNAN_2017)
    assert transport.reason == "县内就业，湘人社发〔2017〕58号二、（二）6要求县外就业"


def test_transport_is_ineligible_for_a_monitored_person_in_2019(facts, shipped, claim):
    placement = facts.placement(start=START, person=facts.person(category="监测对象"))

    transport = claim(evaluate([placement], shipped, as_of=D(2019, 12, 31)), "transport")

    assert (transport.status, transport.policy) == (ClaimStatus.INELIGIBLE, HUNAN_2017)


def test_hunan_before_the_2017_pack_has_no_policy(facts, shipped, claim):
    placement = facts.placement(start=D(2017, 3, 1), checks=[(D(2017, 9, 4), True)])

    claims = evaluate([placement], shipped, as_of=D(2017, 12, 31))

    assert claim(claims, "transport").status is ClaimStatus.NO_POLICY
    assert (claim(claims, "referral").status, claim(claims, "referral").policy) == (ClaimStatus.ELIGIBLE,
                                                                                  HUNAN_2017)
