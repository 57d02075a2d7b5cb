"""Rules written only as pack files (tests/jobs/subsidy/packs/), with no code for them: scope tiers, destination
province tiers, instalments, dispatch required/excluded, employment type, age, broker kind, social insurance,
per-person and per-employer limits, a new claim kind, and a prefecture pack under a county pack."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jobs.subsidy import ClaimStatus, evaluate

D = dt.date
ZHAOJUE = "513431"     # county pack zhaojue-2024 (2024-01-01 – 2026-12-31), inside prefecture pack liangshan-2023
XICHANG = "513401"     # same prefecture, no county pack
KAILI = "522601"       # county pack kaili-2024
START = D(2024, 3, 4)
AS_OF = D(2024, 12, 31)


def _zhaojue(facts, key="p1", category="脱贫人口"):
    return facts.person(key=key, category=category, origin=ZHAOJUE)


def _kaili(facts, key="p1", birth=D(1990, 3, 15)):
    return facts.person(key=key, origin=KAILI, birth=birth)


# --- zhaojue-2024: transport by scope, dispatch excluded ------------------------------------------------------


@pytest.mark.parametrize(("job", "amount", "where"), [
    ("513401", "100.00", "县外市内就业"),   # same prefecture
    ("510104", "200.00", "市外省内就业"),   # same province
    ("440103", "400.00", "跨省就业"),       # outside the province
])
def test_transport_amount_depends_on_how_far_from_the_origin_county(facts, with_test_packs, claim,
                                                                   job, amount, where):
    placement = facts.placement(person=_zhaojue(facts), job=job, start=START)

    transport = claim(evaluate([placement], with_test_packs, as_of=AS_OF), "transport")

    assert (transport.status, transport.amount) == (ClaimStatus.ELIGIBLE, Decimal(amount))
    assert transport.policy == "昭人社发〔2024〕1号（测试）"
    assert transport.reason == f"2024-03-04上岗，{where}，自行外出务工，符合昭人社发〔2024〕1号（测试）第一条，补助{amount[:-3]}元"


def test_transport_by_scope_is_ineligible_inside_the_origin_county(facts, with_test_packs, claim):
    placement = facts.placement(person=_zhaojue(facts), job=ZHAOJUE, start=START)

    transport = claim(evaluate([placement], with_test_packs, as_of=AS_OF), "transport")

    assert transport.status is ClaimStatus.INELIGIBLE


def test_transport_excluding_dispatches_refuses_a_worker_who_travelled_on_one(facts, with_test_packs, claim):
    placement = facts.placement(person=_zhaojue(facts), job="440103", start=START, dispatch="d1")

    transport = claim(evaluate([placement], with_test_packs, as_of=AS_OF), "transport")

    assert transport.status is ClaimStatus.INELIGIBLE
    assert transport.reason == "随有组织劳务输出批次d1外出，昭人社发〔2024〕1号（测试）第一条仅补助自行外出务工的人员"


def test_transport_tier_limit_applies_once_per_person_per_year(facts, with_test_packs, claim):
    person = _zhaojue(facts)
    placements = [facts.placement("pl-1", person=person, job="440103", start=D(2024, 3, 4)),
                  facts.placement("pl-2", person=person, job="510104", start=D(2024, 8, 1)),
                  facts.placement("pl-3", person=person, job="510104", start=D(2025, 2, 1))]

    claims = evaluate(placements, with_test_packs, as_of=D(2025, 3, 1))

    assert [claim(claims, "transport", k).status for k in ("pl-1", "pl-2", "pl-3")] == [
        ClaimStatus.ELIGIBLE, ClaimStatus.INELIGIBLE, ClaimStatus.ELIGIBLE]


# --- zhaojue-2024: referral in two halves, direct employment only, once per person and employer ------------------


def test_referral_pays_half_after_one_month_and_half_after_three(facts, with_test_packs, claim):
    placement = facts.placement(person=_zhaojue(facts), start=START,
                                checks=[(D(2024, 4, 8), True), (D(2024, 6, 5), True)])

    claims = evaluate([placement], with_test_packs, as_of=AS_OF)

    first, second = claim(claims, "referral", instalment=1), claim(claims, "referral", instalment=2)
    assert (first.status, first.amount, first.milestone_date) == (ClaimStatus.ELIGIBLE, Decimal("300.00"),
                                                                  D(2024, 4, 8))
    assert (second.status, second.amount, second.milestone_date) == (ClaimStatus.ELIGIBLE, Decimal("300.00"),
                                                                     D(2024, 6, 5))
    assert first.reason == ("经核实稳定就业1个月（2024-04-08核实），符合昭人社发〔2024〕1号（测试）第二条，"
                            "补助600元，其中第1期（共2期）发放300元")
    assert first.beneficiary == second.beneficiary == "b1"


def test_the_second_instalment_is_pending_until_three_months_are_verified(facts, with_test_packs, claim):
    placement = facts.placement(person=_zhaojue(facts), start=START, checks=[(D(2024, 4, 8), True)])

    claims = evaluate([placement], with_test_packs, as_of=D(2024, 5, 1))

    assert claim(claims, "referral", instalment=1).status is ClaimStatus.ELIGIBLE
    assert claim(claims, "referral", instalment=2).status is ClaimStatus.PENDING


def test_a_job_lost_between_the_milestones_forfeits_only_the_second_instalment(facts, with_test_packs, claim):
    placement = facts.placement(person=_zhaojue(facts), start=START, end=D(2024, 5, 20),
                                checks=[(D(2024, 4, 8), True)])

    claims = evaluate([placement], with_test_packs, as_of=AS_OF)

    assert claim(claims, "referral", instalment=1).status is ClaimStatus.ELIGIBLE
    assert claim(claims, "referral", instalment=2).status is ClaimStatus.INELIGIBLE


def test_referral_excludes_agency_dispatched_labour(facts, with_test_packs, claim):
    placement = facts.placement(person=_zhaojue(facts), start=START, employment="dispatch_agency",
                                checks=[(D(2024, 4, 8), True)])

    claims = evaluate([placement], with_test_packs, as_of=AS_OF)

    assert {claim(claims, "referral", instalment=i).status for i in (1, 2)} == {ClaimStatus.INELIGIBLE}
    assert "用工形式为劳务派遣" in claim(claims, "referral").reason


def test_referral_is_paid_once_per_person_and_employer(facts, with_test_packs, claim):
    person = _zhaojue(facts)
    checks = [(D(2024, 4, 8), True), (D(2024, 6, 5), True)]
    same_employer = [facts.placement("pl-1", person=person, start=START, employer="e1", checks=checks),
                     facts.placement("pl-2", person=person, start=START, employer="e1",
                                     checks=[(D(2024, 4, 9), True)])]
    other_employer = facts.placement("pl-3", person=person, start=START, employer="e2", checks=checks)

    claims = evaluate([*same_employer, other_employer], with_test_packs, as_of=AS_OF)

    assert claim(claims, "referral", "pl-1").status is ClaimStatus.ELIGIBLE
    assert [claim(claims, "referral", "pl-2", i).status for i in (1, 2)] == [ClaimStatus.INELIGIBLE] * 2
    assert claim(claims, "referral", "pl-2").reason.startswith("本人在同一用人单位已由安置pl-1")
    assert claim(claims, "referral", "pl-3", 2).status is ClaimStatus.ELIGIBLE


# --- kaili-2024: destination province tiers, dispatch required, age, instalment sums, new kind ----------------


@pytest.mark.parametrize(("job", "amount", "where"), [
    ("440103", "800.00", "到广东省就业"),
    ("330203", "600.00", "到浙江省就业"),
    ("320102", "300.00", "到江苏省就业"),   # the default
])
def test_transport_amount_depends_on_the_destination_province(facts, with_test_packs, claim, job, amount, where):
    placement = facts.placement(person=_kaili(facts), job=job, start=START, dispatch="d1")

    transport = claim(evaluate([placement], with_test_packs, as_of=AS_OF), "transport")

    assert (transport.status, transport.amount) == (ClaimStatus.ELIGIBLE, Decimal(amount))
    assert where in transport.reason


def test_transport_requiring_a_dispatch_refuses_a_worker_who_travelled_alone(facts, with_test_packs, claim):
    placement = facts.placement(person=_kaili(facts), job="440103", start=START, dispatch=None)

    transport = claim(evaluate([placement], with_test_packs, as_of=AS_OF), "transport")

    assert transport.status is ClaimStatus.INELIGIBLE
    assert "仅补助随有组织劳务输出外出的人员" in transport.reason


def test_transport_refuses_workers_over_the_age_limit_on_the_start_date(facts, with_test_packs, claim):
    placement = facts.placement(person=_kaili(facts, birth=D(1964, 3, 3)), job="440103", start=START,
                                dispatch="d1")

    transport = claim(evaluate([placement], with_test_packs, as_of=AS_OF), "transport")

    assert transport.status is ClaimStatus.INELIGIBLE
    assert transport.reason == "上岗时60岁，凯人社发〔2024〕2号（测试）第一条要求上岗时16至59岁"


def test_transport_with_an_age_limit_is_pending_without_a_birth_date(facts, with_test_packs, claim):
    placement = facts.placement(person=_kaili(facts, birth=None), job="440103", start=START, dispatch="d1")

    transport = claim(evaluate([placement], with_test_packs, as_of=AS_OF), "transport")

    assert transport.status is ClaimStatus.PENDING
    assert transport.reason.startswith("缺少出生日期")


def test_referral_instalments_with_their_own_sums(facts, with_test_packs, claim):
    placement = facts.placement(person=_kaili(facts), start=START, contract=6, checks=[(D(2024, 6, 4), True)])

    claims = evaluate([placement], with_test_packs, as_of=AS_OF)

    first, second = claim(claims, "referral", instalment=1), claim(claims, "referral", instalment=2)
    assert (first.amount, first.milestone_date) == (Decimal("100.00"), START)
    assert (second.amount, second.milestone_date) == (Decimal("200.00"), D(2024, 6, 4))


def test_referral_limited_to_agencies_refuses_an_individual_broker(facts, with_test_packs, claim):
    placement = facts.placement(person=_kaili(facts), start=START, broker=facts.broker(kind="individual"))

    referral = claim(evaluate([placement], with_test_packs, as_of=AS_OF), "referral")

    assert referral.status is ClaimStatus.INELIGIBLE
    assert referral.reason == "介绍方为劳务经纪人，凯人社发〔2024〕2号（测试）第二条仅适用于人力资源服务机构"


def test_referral_requiring_social_insurance_refuses_an_uninsured_job(facts, with_test_packs, claim):
    placement = facts.placement(person=_kaili(facts), start=START, insurance=False)

    referral = claim(evaluate([placement], with_test_packs, as_of=AS_OF), "referral")

    assert referral.status is ClaimStatus.INELIGIBLE
    assert "未参加社会保险" in referral.reason


def test_a_new_kind_of_claim_appears_for_placements_its_pack_covers(facts, with_test_packs, claim):
    placement = facts.placement(person=_kaili(facts), job="440103", start=START, checks=[(D(2024, 9, 5), True)])

    settling = claim(evaluate([placement], with_test_packs, as_of=AS_OF), "settling_in")

    assert (settling.status, settling.amount, settling.beneficiary) == (ClaimStatus.ELIGIBLE, Decimal("300.00"),
                                                                        "p1")


def test_a_new_kind_of_claim_is_absent_where_no_pack_has_it(facts, with_test_packs):
    claims = evaluate([facts.placement()], with_test_packs, as_of=AS_OF)

    assert {c.kind for c in claims} == {"referral", "transport"}


def test_a_named_destination_province_condition_refuses_other_provinces(facts, with_test_packs, claim):
    placement = facts.placement(person=_kaili(facts), job="330203", start=START, checks=[(D(2024, 9, 5), True)])

    settling = claim(evaluate([placement], with_test_packs, as_of=AS_OF), "settling_in")

    assert settling.status is ClaimStatus.INELIGIBLE
    assert settling.reason == "到浙江省就业，凯人社发〔2024〕2号（测试）第三条仅适用于到江苏省、广东省就业"


def test_a_once_per_person_limit_spans_years(facts, with_test_packs, claim):
    person = _kaili(facts)
    placements = [facts.placement("pl-1", person=person, job="440103", start=D(2024, 1, 8),
                                  checks=[(D(2024, 7, 9), True)]),
                  facts.placement("pl-2", person=person, job="320102", start=D(2025, 1, 6),
                                  checks=[(D(2025, 7, 7), True)])]

    claims = evaluate(placements, with_test_packs, as_of=D(2025, 12, 1))

    assert claim(claims, "settling_in", "pl-1").status is ClaimStatus.ELIGIBLE
    assert claim(claims, "settling_in", "pl-2").reason.endswith("规定每人限1次")


# --- liangshan-2023 (prefecture) under zhaojue-2024 (county) ---------------------------------------------------


def test_the_prefecture_pack_governs_a_county_before_its_own_pack_takes_effect(facts, with_test_packs, claim):
    placement = facts.placement(person=_zhaojue(facts), job="440103", start=D(2023, 6, 1))

    transport = claim(evaluate([placement], with_test_packs, as_of=D(2023, 12, 31)), "transport")

    assert (transport.status, transport.amount) == (ClaimStatus.ELIGIBLE, Decimal("150.00"))
    assert transport.policy == "凉人社发〔2023〕3号（测试）"


def test_the_county_pack_wins_over_the_prefecture_pack_once_in_force(facts, with_test_packs, claim):
    placement = facts.placement(person=_zhaojue(facts), job="440103", start=D(2024, 6, 1))

    transport = claim(evaluate([placement], with_test_packs, as_of=AS_OF), "transport")

    assert (transport.amount, transport.policy) == (Decimal("400.00"), "昭人社发〔2024〕1号（测试）")


def test_the_prefecture_pack_serves_the_other_counties_of_the_prefecture(facts, with_test_packs, claim):
    placement = facts.placement(person=facts.person(origin=XICHANG), job="440103", start=D(2024, 6, 1))

    transport = claim(evaluate([placement], with_test_packs, as_of=AS_OF), "transport")

    assert (transport.amount, transport.policy) == (Decimal("150.00"), "凉人社发〔2023〕3号（测试）")


def test_after_the_prefecture_pack_expires_the_national_pack_governs_its_other_counties(
        facts, with_test_packs, claim):
    placement = facts.placement(person=facts.person(origin=XICHANG), job="440103", start=D(2025, 8, 1))

    transport = claim(evaluate([placement], with_test_packs, as_of=D(2025, 9, 1)), "transport")

    assert (transport.status, transport.policy) == (ClaimStatus.NEEDS_LOCAL_STANDARD, "人社部发〔2021〕26号")


def test_a_county_pack_still_in_force_after_2025_keeps_paying_while_the_nation_has_expired(
        facts, with_test_packs, claim):
    placement = facts.placement(person=_zhaojue(facts), job="440103", start=D(2026, 3, 2),
                                checks=[(D(2026, 4, 6), True)])

    claims = evaluate([placement], with_test_packs, as_of=D(2026, 5, 1))

    assert claim(claims, "transport").status is ClaimStatus.ELIGIBLE
    assert claim(claims, "referral").status is ClaimStatus.ELIGIBLE
    assert claim(claims, "referral", instalment=2).status is ClaimStatus.PENDING
