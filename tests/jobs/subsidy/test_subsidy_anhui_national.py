"""皖人社发〔2021〕10号 二、（一） and 人社部发〔2021〕26号 第四条: referral to organised-output brokers and transport
for 跨省 jobs, both "按规定" → needs_local_standard."""

from __future__ import annotations

import datetime as dt

from jobs.subsidy import ClaimStatus, evaluate

D = dt.date
ANHUI = "皖人社发〔2021〕10号"
NATIONAL = "人社部发〔2021〕26号"
AS_OF = D(2024, 12, 31)
FUYANG = "341221"       # 临泉县, Anhui
GUANGZHOU = "440103"    # 荔湾区, Guangdong (no provincial pack: the national pack governs)


def test_anhui_referral_to_an_organised_output_broker_needs_the_local_standard(facts, shipped, claim):
    placement = facts.placement(person=facts.person(origin=FUYANG), job="320102")

    referral = claim(evaluate([placement], shipped, as_of=AS_OF), "referral")

    assert referral.status is ClaimStatus.NEEDS_LOCAL_STANDARD
    assert (referral.policy, referral.milestone_date, referral.beneficiary) == (ANHUI, D(2024, 2, 22), "b1")
    assert referral.fund is None


def test_anhui_referral_is_ineligible_without_organised_output(facts, shipped, claim):
    placement = facts.placement(person=facts.person(origin=FUYANG), broker=facts.broker(organised_output=False))

    referral = claim(evaluate([placement], shipped, as_of=AS_OF), "referral")

    assert (referral.status, referral.policy) == (ClaimStatus.INELIGIBLE, ANHUI)


def test_anhui_referral_is_ineligible_for_other_categories(facts, shipped, claim):
    placement = facts.placement(person=facts.person(origin=FUYANG, category="农村低收入人口"))

    assert claim(evaluate([placement], shipped, as_of=AS_OF), "referral").status is ClaimStatus.INELIGIBLE


def test_anhui_transport_outside_the_province_needs_the_local_standard(facts, shipped, claim):
    placement = facts.placement(person=facts.person(origin=FUYANG), job="320102")

    transport = claim(evaluate([placement], shipped, as_of=AS_OF), "transport")

    assert transport.status is ClaimStatus.NEEDS_LOCAL_STANDARD
    assert (transport.policy, transport.fund) == (ANHUI, "衔接推进乡村振兴补助资金")


def test_anhui_transport_is_ineligible_inside_anhui(facts, shipped, claim):
    placement = facts.placement(person=facts.person(origin=FUYANG), job="340102")

    transport = claim(evaluate([placement], shipped, as_of=AS_OF), "transport")

    assert (transport.status, transport.policy) == (ClaimStatus.INELIGIBLE, ANHUI)
    assert transport.reason == "市外省内就业，皖人社发〔2021〕10号二、（一）要求跨省就业"


def test_anhui_placement_before_the_anhui_pack_falls_back_to_the_national_pack(facts, shipped, claim):
    placement = facts.placement(person=facts.person(origin=FUYANG), start=D(2021, 6, 1))

    claims = evaluate([placement], shipped, as_of=D(2021, 6, 30))

    assert claim(claims, "transport").policy == NATIONAL
    assert claim(claims, "referral").policy == NATIONAL


def test_national_referral_needs_the_local_standard_where_no_province_pack_exists(facts, shipped, claim):
    placement = facts.placement(person=facts.person(origin=GUANGZHOU), job="430182")

    referral = claim(evaluate([placement], shipped, as_of=AS_OF), "referral")

    assert (referral.status, referral.policy) == (ClaimStatus.NEEDS_LOCAL_STANDARD, NATIONAL)
    assert referral.reason == ("2024-02-22上岗，符合人社部发〔2021〕26号第四条，"
                               "补助标准按地方有关规定（本文件仅规定“按规定给予”）执行，须由当地确定")


def test_national_referral_is_ineligible_without_organised_output(facts, shipped, claim):
    placement = facts.placement(person=facts.person(origin=GUANGZHOU), broker=facts.broker(organised_output=False))

    referral = claim(evaluate([placement], shipped, as_of=AS_OF), "referral")

    assert (referral.status, referral.policy) == (ClaimStatus.INELIGIBLE, NATIONAL)


def test_national_transport_across_provinces_needs_the_local_standard(facts, shipped, claim):
    placement = facts.placement(person=facts.person(origin=GUANGZHOU), job="430182")

    transport = claim(evaluate([placement], shipped, as_of=AS_OF), "transport")

    assert (transport.status, transport.policy) == (ClaimStatus.NEEDS_LOCAL_STANDARD, NATIONAL)
    assert transport.fund == "衔接推进乡村振兴补助资金"


def test_national_transport_is_ineligible_inside_the_province(facts, shipped, claim):
    placement = facts.placement(person=facts.person(origin=GUANGZHOU), job="441900")

    transport = claim(evaluate([placement], shipped, as_of=AS_OF), "transport")

    assert (transport.status, transport.policy) == (ClaimStatus.INELIGIBLE, NATIONAL)


def test_national_transport_is_ineligible_for_monitored_people(facts, shipped, claim):
    placement = facts.placement(person=facts.person(origin=GUANGZHOU, category="监测对象"), job="430182")

    assert claim(evaluate([placement], shipped, as_of=AS_OF), "transport").status is ClaimStatus.INELIGIBLE


def test_national_rules_give_no_policy_before_2021_05_06(facts, shipped, claim):
    placement = facts.placement(person=facts.person(origin=GUANGZHOU), job="430182", start=D(2021, 5, 5))

    claims = evaluate([placement], shipped, as_of=D(2021, 5, 31))

    assert claim(claims, "transport").status is ClaimStatus.NO_POLICY
    assert claim(claims, "referral").status is ClaimStatus.NO_POLICY


def test_national_referral_is_pending_until_the_worker_starts(facts, shipped, claim):
    placement = facts.placement(person=facts.person(origin=GUANGZHOU), start=D(2025, 3, 1))

    referral = claim(evaluate([placement], shipped, as_of=D(2025, 2, 1)), "referral")

    assert (referral.status, referral.policy) == (ClaimStatus.PENDING, NATIONAL)


def test_national_referral_is_ineligible_without_a_broker(facts, shipped, claim):
    placement = facts.placement(person=facts.person(origin=GUANGZHOU), broker=None)

    referral = claim(evaluate([placement], shipped, as_of=AS_OF), "referral")

    assert (referral.status, referral.beneficiary) == (ClaimStatus.INELIGIBLE, None)


def test_national_and_anhui_rules_give_no_policy_after_2025(facts, shipped, claim):
    placements = [facts.placement("pl-gd", person=facts.person(origin=GUANGZHOU), job="430182",
                                  start=D(2026, 1, 2)),
                  facts.placement("pl-ah", person=facts.person(origin=FUYANG), job="320102", start=D(2026, 1, 2))]

    claims = evaluate(placements, shipped, as_of=D(2026, 2, 1))

    assert {c.status for c in claims} == {ClaimStatus.NO_POLICY}
    assert "皖人社发〔2021〕10号二、（一）：达到条件之日2026-01-02不在其有效期（2021-07-07至2025-12-31）内" in \
        claim(claims, "transport", "pl-ah").reason


def test_anhui_before_the_national_pack_has_no_policy(facts, shipped, claim):
    placement = facts.placement(person=facts.person(origin=FUYANG), job="320102", start=D(2021, 4, 1))

    assert claim(evaluate([placement], shipped, as_of=D(2021, 4, 30)), "transport").status is ClaimStatus.NO_POLICY
