"""General semantics of the engine: verified stable employment, calendar months, scopes, rounding of instalment
shares, rule-level effective windows, same-level ties, output shape and order."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal

import pytest

from jobs.subsidy import ClaimStatus, Scope, evaluate, job_scope, parse_pack, verified_stable_employment
from jobs.subsidy.engine import add_months, age_on

D = dt.date


def _pack(pack_id: str, rule_yaml: str, *, start: str = "2024-01-01", end: str = "2025-12-31",
          code: str = "522601", doc: str | None = None) -> object:
    return parse_pack(f"""
id: {pack_id}
document_number: {doc or pack_id + '号'}
title: 测试
issuer: 测试
jurisdiction: ['{code}']
effective_from: {start}
effective_to: {end}
version: 1
source: 测试
rules:
{rule_yaml}
""")


# --- calendar and scope ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "months", "expected"), [
    (D(2024, 2, 22), 6, D(2024, 8, 22)),
    (D(2024, 1, 31), 1, D(2024, 2, 29)),
    (D(2023, 1, 31), 1, D(2023, 2, 28)),
    (D(2024, 8, 31), 6, D(2025, 2, 28)),
    (D(2024, 11, 15), 3, D(2025, 2, 15)),
])
def test_months_are_calendar_months_clamped_to_the_end_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


def test_age_counts_completed_years():
    assert (age_on(D(1964, 3, 3), D(2024, 3, 2)), age_on(D(1964, 3, 3), D(2024, 3, 3))) == (59, 60)


@pytest.mark.parametrize(("job", "scope"), [
    ("430182", Scope.SAME_COUNTY),
    ("430104", Scope.SAME_PREFECTURE),
    ("430481", Scope.SAME_PROVINCE),
    ("441900", Scope.OUTSIDE_PROVINCE),
])
def test_scope_compares_county_prefecture_and_province(job, scope):
    assert job_scope("430182", job) is scope


def test_scope_refuses_an_origin_known_only_at_prefecture_level():
    with pytest.raises(ValueError, match="只能确定到地市一级"):
        job_scope("4301", "441900")


def test_scope_resolves_retired_codes_before_comparing():
    # 430124 (宁乡县, retired) is today's 430182 宁乡市: a job there is in the same county.
    assert job_scope("430124", "430182") is Scope.SAME_COUNTY


# --- verified stable employment ---------------------------------------------------------------------------------


def test_a_check_exactly_n_months_after_the_start_verifies(facts):
    placement = facts.placement(start=D(2024, 2, 22), checks=[(D(2024, 8, 22), True)])

    result = verified_stable_employment(placement, 6, as_of=D(2024, 12, 31))

    assert (result.met, result.date, result.target) == (True, D(2024, 8, 22), D(2024, 8, 22))


def test_a_check_one_day_early_does_not_verify(facts):
    placement = facts.placement(start=D(2024, 2, 22), checks=[(D(2024, 8, 21), True)])

    result = verified_stable_employment(placement, 6, as_of=D(2024, 12, 31))

    assert (result.met, result.failed) == (False, False)


def test_the_milestone_is_the_first_qualifying_check(facts):
    placement = facts.placement(start=D(2024, 2, 22), checks=[(D(2024, 10, 1), True), (D(2024, 9, 1), True)])

    assert verified_stable_employment(placement, 6, as_of=D(2024, 12, 31)).date == D(2024, 9, 1)


def test_checks_dated_after_the_as_of_date_are_not_known_yet(facts):
    placement = facts.placement(start=D(2024, 2, 22), checks=[(D(2024, 9, 1), True)])

    assert not verified_stable_employment(placement, 6, as_of=D(2024, 8, 31)).met


def test_checks_before_the_start_are_ignored(facts):
    placement = facts.placement(start=D(2024, 2, 22), checks=[(D(2024, 1, 1), False), (D(2024, 9, 1), True)])

    assert verified_stable_employment(placement, 6, as_of=D(2024, 12, 31)).met


def test_conflicting_checks_on_one_day_count_as_not_employed(facts):
    placement = facts.placement(start=D(2024, 2, 22), checks=[(D(2024, 9, 1), True), (D(2024, 9, 1), False)])

    assert verified_stable_employment(placement, 6, as_of=D(2024, 12, 31)).failed


def test_a_placement_ending_on_the_n_month_day_is_not_ended_before_it(facts):
    placement = facts.placement(start=D(2024, 2, 22), end=D(2024, 8, 22), checks=[(D(2024, 8, 22), True)])

    assert verified_stable_employment(placement, 6, as_of=D(2024, 12, 31)).met


def test_an_end_date_after_the_as_of_date_is_not_known_yet(facts):
    placement = facts.placement(start=D(2024, 2, 22), end=D(2024, 5, 1))

    result = verified_stable_employment(placement, 6, as_of=D(2024, 4, 1))

    assert (result.met, result.failed) == (False, False)


def test_a_placement_that_ended_after_n_months_without_a_check_stays_pending(facts):
    placement = facts.placement(start=D(2024, 2, 22), end=D(2024, 9, 30))

    result = verified_stable_employment(placement, 6, as_of=D(2024, 12, 31))

    assert (result.met, result.failed) == (False, False)


def test_a_placement_starting_after_the_as_of_date_is_pending(facts, shipped, claim):
    placement = facts.placement(start=D(2024, 3, 1))

    transport = claim(evaluate([placement], shipped, as_of=D(2024, 2, 1)), "transport")

    assert transport.status is ClaimStatus.PENDING
    assert transport.reason.startswith("尚未上岗")


# --- amounts, windows, ties ---------------------------------------------------------------------------------------


def test_instalment_shares_are_rounded_to_the_cent_and_the_last_takes_the_remainder(facts, claim):
    pack = _pack("odd-cents", """
  - id: transport
    kind: transport
    article: 第一条
    beneficiary: worker
    categories: [脱贫人口]
    amount:
      fixed: "100.01"
      instalments:
        - {milestone: start, share: "0.5"}
        - {milestone: {min_verified_months: 1}, share: "0.5"}
""")
    placement = facts.placement(person=facts.person(origin="522601"), start=D(2024, 3, 1),
                                checks=[(D(2024, 4, 1), True)])

    claims = evaluate([placement], [pack], as_of=D(2024, 12, 31))

    assert [claim(claims, "transport", instalment=i).amount for i in (1, 2)] == [Decimal("50.01"),
                                                                                Decimal("50.00")]


def test_a_rule_with_its_own_shorter_window_refuses_milestones_after_it(facts, claim):
    pack = _pack("short-window", """
  - id: transport
    kind: transport
    article: 第一条
    beneficiary: worker
    categories: [脱贫人口]
    conditions: {min_verified_months: 1}
    amount: {fixed: "100.00"}
    effective_to: 2024-06-30
""")
    inside = facts.placement("pl-1", person=facts.person(origin="522601"), start=D(2024, 3, 1),
                             checks=[(D(2024, 4, 2), True)])
    after = facts.placement("pl-2", person=facts.person(origin="522601"), start=D(2024, 6, 15),
                            checks=[(D(2024, 7, 16), True)])

    claims = evaluate([inside, after], [pack], as_of=D(2024, 12, 31))

    assert claim(claims, "transport", "pl-1").status is ClaimStatus.ELIGIBLE
    refused = claim(claims, "transport", "pl-2")
    assert refused.status is ClaimStatus.INELIGIBLE
    assert refused.reason == "2024-07-16达到条件，short-window号第一条该项政策执行期限为2024-01-01至2024-06-30"


def test_between_two_deciding_packs_of_one_level_a_grant_beats_a_refusal(facts, claim):
    # The old pack refuses on the start date (its own period); the new pack grants on the milestone (its own
    # period). Both decide at the same level: the grant wins.
    old = _pack("old-pack", """
  - id: transport
    kind: transport
    article: 第一条
    beneficiary: worker
    categories: [脱贫人口]
    conditions: {scope_in: [outside_province]}
    amount: {fixed: "100.00"}
""", start="2023-01-01", end="2023-12-31")
    new = _pack("new-pack", """
  - id: transport
    kind: transport
    article: 第一条
    beneficiary: worker
    categories: [脱贫人口]
    conditions: {min_verified_months: 3}
    amount: {fixed: "200.00"}
""", start="2024-01-01", end="2025-12-31")
    placement = facts.placement(person=facts.person(origin="522601"), job="522622", start=D(2023, 11, 1),
                                checks=[(D(2024, 2, 5), True)])

    transport = claim(evaluate([placement], [old, new], as_of=D(2024, 12, 31)), "transport")

    assert (transport.status, transport.pack_id, transport.amount) == (ClaimStatus.ELIGIBLE, "new-pack",
                                                                       Decimal("200.00"))


# --- output -----------------------------------------------------------------------------------------------------


def test_claims_are_sorted_by_placement_then_kind_then_instalment(facts, with_test_packs):
    placements = [facts.placement("pl-b"), facts.placement("pl-a", person=facts.person(origin="513431"))]

    claims = evaluate(placements, with_test_packs, as_of=D(2024, 12, 31))

    assert [(c.placement, c.kind, c.instalment) for c in claims] == [
        ("pl-a", "referral", 1), ("pl-a", "referral", 2), ("pl-a", "transport", 1),
        ("pl-b", "referral", 1), ("pl-b", "transport", 1)]


def test_a_claim_prints_as_the_scenario_output_of_formats_section_3(facts, shipped):
    placement = facts.placement(dispatch="d1", cost="420.00",
                                checks=[(D(2024, 5, 22), True), (D(2024, 8, 23), True)])

    printed = [c.as_dict() for c in evaluate([placement], shipped, as_of=D(2024, 12, 31))]

    assert json.loads(json.dumps(printed, ensure_ascii=False)) == [
        {"placement": "pl1", "person": "p1", "kind": "referral", "instalment": 1, "beneficiary": "b1",
         "status": "eligible", "amount": "300.00", "milestone_date": "2024-08-23",
         "policy": "湘人社规〔2021〕10号", "fund": "就业专项资金",
         "reason": "经核实稳定就业6个月（2024-08-23核实），县外就业，符合湘人社规〔2021〕10号第四条，补助300元"},
        {"placement": "pl1", "person": "p1", "kind": "transport", "instalment": 1, "beneficiary": "p1",
         "status": "needs_local_standard", "amount": None, "milestone_date": "2024-02-22",
         "policy": "湘人社规〔2021〕10号", "fund": "衔接推进乡村振兴补助资金",
         "reason": "2024-02-22上岗，县外就业，符合湘人社规〔2021〕10号第四条，补助标准按湘财农〔2021〕10号执行，须由当地确定"},
    ]


def test_duplicate_placement_keys_are_refused(facts, shipped):
    with pytest.raises(ValueError, match="就业安置 key重复：pl1"):
        evaluate([facts.placement(), facts.placement()], shipped, as_of=D(2024, 12, 31))


def test_duplicate_pack_ids_are_refused(facts, shipped):
    with pytest.raises(ValueError, match="政策文件 id重复"):
        evaluate([facts.placement()], shipped + shipped[:1], as_of=D(2024, 12, 31))


def test_rules_with_other_triggers_produce_no_claims_for_placements(facts, shipped):
    claims = evaluate([facts.placement(checks=[(D(2025, 3, 1), True)])], shipped, as_of=D(2025, 6, 1))

    assert {c.kind for c in claims} == {"referral", "transport"}


def test_money_in_the_facts_must_be_decimal(facts):
    with pytest.raises(TypeError, match="Decimal"):
        dataclasses.replace(facts.placement(), round_trip_cost=420.0)
