"""Hard filters: place, age, labour ability, and posts that are closed, full or past their closing date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from matching import match
from tests.matching.builders import TODAY, post, seeker


def pairs(seekers, posts, **kw):
    return {(m.seeker_key, m.post_key) for m in match(seekers, posts, today=TODAY, **kw)}


# --------------------------------------------------------------------------------------------------- place


def test_any_area_accepts_posts_anywhere():
    assert pairs([seeker(wanted_areas=("ANY",))], [post("gd", region_code="441900"), post("home")]) == {
        ("s", "gd"), ("s", "home")}


def test_within_the_province_accepts_the_province_and_nothing_outside():
    s = seeker(wanted_areas=("43",), wanted_area_labels=("省内",))
    posts = [post("cs", region_code="430102"), post("hy", region_code="430405"), post("gd", region_code="441900")]
    assert pairs([s], posts) == {("s", "cs"), ("s", "hy")}


def test_within_the_county_accepts_only_the_county():
    s = seeker(wanted_areas=("430182",), wanted_area_labels=("县内",))
    assert pairs([s], [post("home"), post("cs", region_code="430102")]) == {("s", "home")}


def test_a_prefecture_choice_accepts_its_counties():
    s = seeker(wanted_areas=("3302",), wanted_area_labels=("宁波",))
    assert pairs([s], [post("nb", region_code="330206"), post("hz", region_code="330106")]) == {("s", "nb")}


def test_several_choices_accept_any_of_them():
    s = seeker(wanted_areas=("44", "3302"), wanted_area_labels=("广东", "宁波"))
    posts = [post("gd", region_code="441900"), post("nb", region_code="330206"), post("home")]
    assert pairs([s], posts) == {("s", "gd"), ("s", "nb")}


# ----------------------------------------------------------------------------------------------------- age


@pytest.mark.parametrize(("birth", "age_min", "age_max", "matched"), [
    (date(1980, 6, 1), None, 45, True),    # 45 today: the upper bound is inclusive
    (date(1980, 5, 31), None, 45, True),   # turned 45 yesterday: still 45
    (date(1979, 6, 1), None, 45, False),   # 46 today
    (date(2008, 6, 2), 18, None, False),   # 18 tomorrow
    (date(2007, 6, 1), 18, None, True),    # 18 today
    (None, 18, 45, True),                  # unknown birth date: not excluded
])
def test_age_on_the_matching_date_must_be_within_the_posts_range(birth, age_min, age_max, matched):
    found = pairs([seeker(birth_date=birth)], [post(age_min=age_min, age_max=age_max)])
    assert bool(found) is matched


# ---------------------------------------------------------------------------------------------- labour


@pytest.mark.parametrize(("ability", "intensity", "matched"), [
    ("普通劳动力", "重", True),
    ("普通劳动力", None, True),
    ("弱劳动力", "轻", True),
    ("弱劳动力", "中", False),
    ("弱劳动力", None, False),  # unknown intensity counts as 中
    ("半劳动力", "轻", True),
    ("半劳动力", "重", False),
    ("丧失劳动力", "轻", False),
])
def test_labour_ability_must_fit_the_intensity(ability, intensity, matched):
    assert bool(pairs([seeker(labour_ability=ability)], [post(labour_intensity=intensity)])) is matched


# ------------------------------------------------------------------------------------------ post status


@pytest.mark.parametrize(("changes", "matched"), [
    ({"open": False}, False),
    ({"headcount": 5, "filled": 5}, False),
    ({"headcount": 5, "filled": 4}, True),
    ({"headcount": None, "filled": 30}, True),  # 若干: unknown headcount counts as open
    ({"closing_date": TODAY - timedelta(days=1)}, False),
    ({"closing_date": TODAY}, True),
])
def test_only_open_posts_with_places_left_before_their_closing_date(changes, matched):
    assert bool(pairs([seeker()], [post(**changes)])) is matched


def test_a_closed_post_gets_no_candidates_either_way():
    assert match([seeker()], [post(open=False)], today=TODAY, by="post") == []
