"""湘人社规〔2021〕10号 第四条: referral (300 yuan, outside the county, 6 verified months, once a year) and
transport (脱贫人口 and 监测对象 outside the county, amount set by 湘财农〔2021〕10号)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from jobs.subsidy import ClaimStatus, evaluate

D = dt.date
HUNAN = "湘人社规〔2021〕10号"
START = D(2024, 2, 22)
AS_OF = D(2024, 12, 31)


def test_referral_pays_300_to_a_qualified_broker_after_six_verified_months_outside_the_county(
        facts, shipped, claim):
    placement = facts.placement(checks=[(D(2024, 5, 22), True), (D(2024, 8, 23), True)])

    referral = claim(evaluate([placement], shipped, as_of=AS_OF), "referral")

    assert referral.status is ClaimStatus.ELIGIBLE
    assert referral.amount == Decimal("300.00")
    assert referral.milestone_date == D(2024, 8, 23)
    assert referral.beneficiary == "b1"
    assert (referral.policy, referral.pack_id, referral.rule_id) == (HUNAN, "hunan-2021-10", "referral")
    assert referral.fund == "就业专项资金"
    assert referral.reason == "经核实稳定就业6个月（2024-08-23核实），县外就业，符合湘人社规〔2021〕10号第四条，补助300元"


def test_referral_counts_a_job_in_another_county_of_the_same_prefecture_as_outside_the_county(
        facts, shipped, claim):
    placement = facts.placement(job="430104", checks=[facts.verified(START, 6)])

    assert claim(evaluate([placement], shipped, as_of=AS_OF), "referral").status is ClaimStatus.ELIGIBLE


def test_referral_is_pending_before_six_months(facts, shipped, claim):
    placement = facts.placement(checks=[(D(2024, 5, 22), True)])

    referral = claim(evaluate([placement], shipped, as_of=D(2024, 6, 30)), "referral")

    assert referral.status is ClaimStatus.PENDING
    assert referral.policy == HUNAN
    assert referral.amount is None and referral.milestone_date is None
    assert "2024-08-22满6个月" in referral.reason


def test_referral_stays_pending_after_six_months_until_a_check_says_employed(facts, shipped, claim):
    placement = facts.placement(checks=[(D(2024, 8, 21), True)])

    referral = claim(evaluate([placement], shipped, as_of=AS_OF), "referral")

    assert referral.status is ClaimStatus.PENDING
    assert "尚无2024-08-22及以后的在岗核实记录" in referral.reason


def test_referral_is_ineligible_for_a_job_in_the_origin_county(facts, shipped, claim):
    placement = facts.placement(job="430182", checks=[facts.verified(START, 6)])

    referral = claim(evaluate([placement], shipped, as_of=AS_OF), "referral")

    assert referral.status is ClaimStatus.INELIGIBLE
    assert referral.policy == HUNAN
    assert referral.reason == "县内就业，湘人社规〔2021〕10号第四条要求县外就业"


def test_referral_is_ineligible_through_a_broker_without_legal_qualification(facts, shipped, claim):
    placement = facts.placement(broker=facts.broker(qualified=False), checks=[facts.verified(START, 6)])

    referral = claim(evaluate([placement], shipped, as_of=AS_OF), "referral")

    assert referral.status is ClaimStatus.INELIGIBLE
    assert "不具备合法资质" in referral.reason


def test_referral_is_ineligible_without_a_broker_and_names_no_beneficiary(facts, shipped, claim):
    placement = facts.placement(broker=None, checks=[facts.verified(START, 6)])

    referral = claim(evaluate([placement], shipped, as_of=AS_OF), "referral")

    assert referral.status is ClaimStatus.INELIGIBLE
    assert referral.beneficiary is None
    assert "未经人力资源服务机构或劳务经纪人介绍" in referral.reason


def test_referral_is_ineligible_for_a_monitored_person_since_article_4_names_only_脱贫人口(facts, shipped, claim):
    person = facts.person(category="监测对象")
    placement = facts.placement(person=person, checks=[facts.verified(START, 6)])

    referral = claim(evaluate([placement], shipped, as_of=AS_OF), "referral")

    assert referral.status is ClaimStatus.INELIGIBLE
    assert referral.reason == "人员类别为监测对象，湘人社规〔2021〕10号第四条仅适用于脱贫人口"


def test_referral_is_ineligible_when_the_placement_ended_before_six_months(facts, shipped, claim):
    placement = facts.placement(end=D(2024, 6, 30), checks=[(D(2024, 5, 22), True)])

    referral = claim(evaluate([placement], shipped, as_of=AS_OF), "referral")

    assert referral.status is ClaimStatus.INELIGIBLE
    assert referral.reason.startswith("2024-06-30离岗，未满6个月")


def test_referral_is_ineligible_when_a_check_before_the_milestone_says_not_employed(facts, shipped, claim):
    placement = facts.placement(checks=[(D(2024, 5, 22), False), (D(2024, 8, 23), True)])

    referral = claim(evaluate([placement], shipped, as_of=AS_OF), "referral")

    assert referral.status is ClaimStatus.INELIGIBLE
    assert referral.reason.startswith("2024-05-22核实未在岗")


def test_referral_is_ineligible_when_the_first_check_after_six_months_says_not_employed(facts, shipped, claim):
    placement = facts.placement(checks=[(D(2024, 8, 25), False), (D(2024, 9, 25), True)])

    assert claim(evaluate([placement], shipped, as_of=AS_OF), "referral").status is ClaimStatus.INELIGIBLE


def test_referral_is_paid_once_per_person_per_year_and_the_first_milestone_wins(facts, shipped, claim):
    person = facts.person()
    first = facts.placement("pl-b", person=person, start=D(2024, 1, 10), checks=[(D(2024, 7, 15), True)])
    second = facts.placement("pl-a", person=person, start=D(2024, 3, 1), checks=[(D(2024, 9, 2), True)])

    claims = evaluate([second, first], shipped, as_of=AS_OF)

    assert claim(claims, "referral", "pl-b").status is ClaimStatus.ELIGIBLE
    loser = claim(claims, "referral", "pl-a")
    assert loser.status is ClaimStatus.INELIGIBLE
    assert loser.amount is None
    assert loser.milestone_date == D(2024, 9, 2)
    assert loser.reason == ("本人2024年已由安置pl-b（2024-07-15达到条件）享受本项补助，"
                            "湘人社规〔2021〕10号第四条规定每人每年只享受一次")


def test_referral_race_on_the_same_milestone_day_goes_to_the_earlier_start(facts, shipped, claim):
    person = facts.person()
    early = facts.placement("pl-z", person=person, start=D(2024, 1, 5), checks=[(D(2024, 8, 1), True)])
    late = facts.placement("pl-a", person=person, start=D(2024, 1, 20), checks=[(D(2024, 8, 1), True)])

    claims = evaluate([late, early], shipped, as_of=AS_OF)

    assert claim(claims, "referral", "pl-z").status is ClaimStatus.ELIGIBLE
    assert claim(claims, "referral", "pl-a").status is ClaimStatus.INELIGIBLE


def test_referral_race_with_equal_dates_goes_to_the_smaller_placement_key(facts, shipped, claim):
    person = facts.person()
    one = facts.placement("pl-1", person=person, checks=[(D(2024, 8, 23), True)])
    two = facts.placement("pl-2", person=person, checks=[(D(2024, 8, 23), True)])

    claims = evaluate([two, one], shipped, as_of=AS_OF)

    assert [claim(claims, "referral", k).status for k in ("pl-1", "pl-2")] == [ClaimStatus.ELIGIBLE,
                                                                              ClaimStatus.INELIGIBLE]


def test_referral_yearly_limit_uses_the_calendar_year_of_the_milestone(facts, shipped, claim):
    person = facts.person()
    this_year = facts.placement("pl-1", person=person, start=D(2024, 1, 10), checks=[(D(2024, 7, 15), True)])
    next_year = facts.placement("pl-2", person=person, start=D(2024, 7, 1), checks=[(D(2025, 1, 3), True)])

    claims = evaluate([this_year, next_year], shipped, as_of=D(2025, 3, 1))

    assert claim(claims, "referral", "pl-1").status is ClaimStatus.ELIGIBLE
    assert claim(claims, "referral", "pl-2").status is ClaimStatus.ELIGIBLE


def test_referral_limit_is_per_person_not_per_broker(facts, shipped, claim):
    placements = [facts.placement("pl-1", person=facts.person("p1"), checks=[facts.verified(START, 6)]),
                  facts.placement("pl-2", person=facts.person("p2"), checks=[facts.verified(START, 6)])]

    claims = evaluate(placements, shipped, as_of=AS_OF)

    assert {claim(claims, "referral", k).status for k in ("pl-1", "pl-2")} == {ClaimStatus.ELIGIBLE}


def test_a_pending_placement_does_not_take_the_yearly_slot(facts, shipped, claim):
    person = facts.person()
    pending = facts.placement("pl-1", person=person, start=D(2024, 1, 10))
    verified = facts.placement("pl-2", person=person, start=D(2024, 3, 1), checks=[(D(2024, 9, 2), True)])

    claims = evaluate([pending, verified], shipped, as_of=AS_OF)

    assert claim(claims, "referral", "pl-1").status is ClaimStatus.PENDING
    assert claim(claims, "referral", "pl-2").status is ClaimStatus.ELIGIBLE


def test_transport_needs_the_local_standard_of_湘财农_2021_10_from_the_start_date(facts, shipped, claim):
    transport = claim(evaluate([facts.placement()], shipped, as_of=AS_OF), "transport")

    assert transport.status is ClaimStatus.NEEDS_LOCAL_STANDARD
    assert transport.amount is None
    assert transport.milestone_date == START
    assert transport.beneficiary == "p1"
    assert transport.fund == "衔接推进乡村振兴补助资金"
    assert transport.reason == ("2024-02-22上岗，县外就业，符合湘人社规〔2021〕10号第四条，"
                                "补助标准按湘财农〔2021〕10号执行，须由当地确定")


def test_transport_covers_monitored_people_working_outside_the_county(facts, shipped, claim):
    placement = facts.placement(person=facts.person(category="监测对象"), job="430481")

    transport = claim(evaluate([placement], shipped, as_of=AS_OF), "transport")

    assert transport.status is ClaimStatus.NEEDS_LOCAL_STANDARD
    assert transport.policy == HUNAN


def test_transport_is_ineligible_for_a_job_in_the_origin_county(facts, shipped, claim):
    transport = claim(evaluate([facts.placement(job="430182")], shipped, as_of=AS_OF), "transport")

    assert transport.status is ClaimStatus.INELIGIBLE
    assert transport.reason == "县内就业，湘人社规〔2021〕10号第四条要求县外就业"


def test_transport_is_ineligible_for_other_rural_low_income_people_and_the_province_decides(
        facts, shipped, claim):
    placement = facts.placement(person=facts.person(category="农村低收入人口"))

    transport = claim(evaluate([placement], shipped, as_of=AS_OF), "transport")

    assert transport.status is ClaimStatus.INELIGIBLE
    assert transport.policy == HUNAN


def test_a_national_rule_never_overrides_the_province_on_a_day_the_province_governs(facts, shipped, claim):
    # Outside the county but inside Hunan: the national rule (跨省 only) would refuse; Hunan's rule applies.
    placement = facts.placement(job="430481")

    transport = claim(evaluate([placement], shipped, as_of=AS_OF), "transport")

    assert (transport.status, transport.policy) == (ClaimStatus.NEEDS_LOCAL_STANDARD, HUNAN)
