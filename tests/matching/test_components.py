"""Score components one by one, with everything else held equal (matching/scoring.py)."""

from __future__ import annotations

import pytest

from matching import match
from matching.scoring import WEIGHTS
from tests.matching.builders import TODAY, post, seeker


def components(s=None, p=None):
    (m,) = match([s or seeker()], [p or post()], today=TODAY)
    return m.components


def test_the_score_is_the_sum_of_its_components_and_a_perfect_fit_scores_100():
    (m,) = match([seeker(skills="电焊 焊工证")], [post()], today=TODAY)
    assert m.score == 100.0
    assert m.components == WEIGHTS
    assert sum(m.components.values()) == pytest.approx(m.score)


# ---------------------------------------------------------------------------------------------- occupation


def test_occupation_same_code_beats_same_group_beats_unrelated():
    welder = components(p=post(title="焊工"))["occupation"]
    caster = components(p=post(title="铸造工"))["occupation"]  # same 小类 机械热加工人员
    turner = components(p=post(title="车工"))["occupation"]  # same 中类 机械制造基础加工人员
    cleaner = components(p=post(title="保洁员"))["occupation"]
    assert welder == WEIGHTS["occupation"] > caster > turner > cleaner


def test_electric_welder_agrees_highly_with_welder_and_little_with_electrician():
    wants = seeker(wanted_titles=("电焊工",))
    assert components(wants, post(title="焊工"))["occupation"] == WEIGHTS["occupation"]
    assert components(wants, post(title="电工"))["occupation"] <= WEIGHTS["occupation"] / 2


def test_nanny_agrees_fully_with_housekeeper_through_the_classifier():
    assert components(seeker(wanted_titles=("保姆",)), post(title="家政服务员"))["occupation"] == WEIGHTS[
        "occupation"]


def test_the_best_of_several_wanted_titles_counts():
    assert components(seeker(wanted_titles=("普工/电焊工、保安",)), post(title="保安员"))["occupation"] == WEIGHTS[
        "occupation"]


def test_a_worker_who_wants_any_job_is_neutral_on_occupation():
    assert components(seeker(wanted_titles=("不限",)), post())["occupation"] == WEIGHTS["occupation"] / 2


def test_a_post_with_its_own_occupation_code_is_not_reclassified():
    assert components(p=post(title="某某岗位", occupation_code="6-18-02-04"))["occupation"] == WEIGHTS["occupation"]


# -------------------------------------------------------------------------------------------------- skills


def test_holding_the_required_certificate_beats_missing_it():
    needs = post(title="焊工（二保焊）持证上岗")
    holds = components(seeker(skills="电焊，有焊工证"), needs)["skills"]
    lacks = components(seeker(skills=""), needs)["skills"]
    assert holds == WEIGHTS["skills"]
    assert lacks < WEIGHTS["skills"] / 2


def test_a_missing_driving_licence_class_lowers_the_score_and_a_higher_class_satisfies_it():
    driver = post(title="货车司机", skills_required="B2驾照")
    wants = {"wanted_titles": ("货车司机",)}
    assert components(seeker(skills="A2驾照", **wants), driver)["skills"] == WEIGHTS["skills"]
    assert components(seeker(skills="C1驾照", **wants), driver)["skills"] < WEIGHTS["skills"] / 2


def test_related_skills_count_when_no_certificate_is_asked_for():
    related = components(seeker(skills="电焊"), post())["skills"]
    unrelated = components(seeker(skills="做饭"), post())["skills"]
    assert related == WEIGHTS["skills"] > unrelated


# ---------------------------------------------------------------------------------------------------- wage


@pytest.mark.parametrize(("expected", "offered", "points"), [
    (6000, (6000, 8000), 15.0),    # the lowest wage meets the expectation
    (7000, (6000, 8000), 12.0),    # only the top of the range does
    (None, (6000, 8000), 7.5),     # 面议 on the worker's side: neutral
    (6000, (None, None), 7.5),     # 面议 on the post's side: neutral
    (8000, (6000, 6000), 0.0),     # a quarter short
])
def test_wage_fit(expected, offered, points):
    s = seeker(expected_wage_min=expected)
    p = post(wage_min=offered[0], wage_max=offered[1])
    assert components(s, p)["wage"] == points


def test_a_wage_a_little_short_scores_below_neutral_but_above_zero():
    assert 0 < components(seeker(expected_wage_min=6300), post(wage_min=6000, wage_max=6000))["wage"] < 7.5


# --------------------------------------------------------------------------------------------------- place


def test_the_first_choice_area_beats_a_later_one():
    s = seeker(wanted_areas=("44", "33"), wanted_area_labels=("广东", "浙江"))
    first = components(s, post(region_code="441900"))["place"]
    second = components(s, post(region_code="330206"))["place"]
    assert first == WEIGHTS["place"] > second


def test_within_the_province_nearer_home_is_better():
    s = seeker(wanted_areas=("43",), wanted_area_labels=("省内",))
    county = components(s, post(region_code="430182"))["place"]
    prefecture = components(s, post(region_code="430102"))["place"]
    province = components(s, post(region_code="430405"))["place"]
    assert county == WEIGHTS["place"] > prefecture > province


def test_with_no_preference_nearer_home_is_better_too():
    s = seeker(wanted_areas=("ANY",))
    assert components(s, post(region_code="430182"))["place"] > components(s, post(region_code="441900"))["place"]


def test_a_chosen_faraway_area_is_not_penalised_for_distance():
    s = seeker(wanted_areas=("44",), wanted_area_labels=("广东",))
    assert components(s, post(region_code="441900"))["place"] == WEIGHTS["place"]


# ------------------------------------------------------------------------------------------------- lodging


def test_board_and_lodging_matter_only_outside_the_home_prefecture():
    far = {"region_code": "441900"}
    both = components(p=post(board=True, lodging=True, **far))["lodging"]
    lodging = components(p=post(board=False, lodging=True, **far))["lodging"]
    board = components(p=post(board=True, lodging=False, **far))["lodging"]
    none = components(p=post(board=False, lodging=False, **far))["lodging"]
    assert both == WEIGHTS["lodging"] > lodging > board > none == 0.0
    near = components(p=post(board=False, lodging=False, region_code="430102"))["lodging"]
    assert near == WEIGHTS["lodging"]


# ----------------------------------------------------------------------------------------------- education


@pytest.mark.parametrize(("held", "required", "points"), [
    ("高中", "初中及以上", 5.0),
    ("初中", "初中及以上", 5.0),
    ("小学", "初中及以上", 2.0),
    ("小学", "高中及以上", 0.0),
    (None, "初中及以上", 2.5),
    ("小学", None, 5.0),
    ("小学", "不限", 5.0),
])
def test_education_requirement(held, required, points):
    assert components(seeker(education=held), post(education=required))["education"] == points
