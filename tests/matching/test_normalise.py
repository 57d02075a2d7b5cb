"""Normalisation of Chinese job text (matching/normalise.py)."""

from __future__ import annotations

import pytest

from matching.normalise import JobText, clean, is_any, normalise_title, split_titles


def test_full_width_letters_and_traditional_characters_become_half_width_simplified_lower_case():
    assert clean("ＣＮＣ數控（長白班）") == "cnc数控(长白班)"


@pytest.mark.parametrize(("raw", "core", "qualifiers"), [
    ("普工（长白班）包吃住", "普工", ("长白班",)),
    ("焊工（二保焊）持证上岗", "焊工", ("持证上岗", "二保焊")),
    ("急招电焊工 二保焊 月入过万", "电焊工", ("二保焊",)),
    ("【急招】保安员", "保安员", ()),
    ("司机（C1驾照）", "司机", ("c1驾照",)),
])
def test_bracket_contents_are_kept_as_qualifiers_and_noise_goes(raw, core, qualifiers):
    assert normalise_title(raw) == JobText(core=core, qualifiers=qualifiers)


@pytest.mark.parametrize(("raw", "core"), [
    ("网店客服 双休五险", "网店客服"),
    ("外卖骑手 多劳多得", "外卖骑手"),
    ("招聘普工20名 18-45岁 月薪5000-8000元", "普工"),
    ("电子厂普工 包吃住 5k-8k", "电子厂普工"),
    ("月嫂 8000元/月", "月嫂"),
    ("普工三名", "普工"),
    ("保洁阿姨 50岁以下", "保洁阿姨"),
])
def test_recruiting_noise_wages_ages_and_head_counts_are_removed(raw, core):
    assert normalise_title(raw).core == core


def test_letter_digit_codes_survive_number_removal():
    assert normalise_title("叉车司机 A2").qualifiers == ("a2",)
    assert normalise_title("3D打印操作员").core == "3d打印操作员"


def test_recruiting_is_noise_except_in_the_recruiters_own_title():
    assert normalise_title("招聘专员").core == "招聘专员"
    assert normalise_title("招聘电工").core == "电工"


def test_each_unique_string_is_normalised_once():
    normalise_title.cache_clear()
    for _ in range(3):
        normalise_title("急招电焊工 包吃住")
    info = normalise_title.cache_info()
    assert (info.misses, info.hits) == (1, 2)


@pytest.mark.parametrize(("raw", "parts"), [
    ("普工/电焊工、保安", ("普工", "电焊工", "保安")),
    ("家政，保姆；月嫂", ("家政", "保姆", "月嫂")),
    ("焊工(二保焊/氩弧焊) 或 保安", ("焊工", "保安")),
    ("电工及水电工", ("电工", "水电工")),
    ("普工/普工", ("普工",)),
])
def test_several_wanted_job_types_are_split_without_splitting_inside_brackets(raw, parts):
    assert split_titles(raw) == parts


@pytest.mark.parametrize("raw", ["不限", "都可以", "服从安排", ""])
def test_a_wanted_job_type_that_means_any_job_gives_no_parts(raw):
    assert split_titles(raw) == ()


def test_any_words_are_recognised():
    assert is_any("不限") and is_any(" 都行 ") and not is_any("普工")
