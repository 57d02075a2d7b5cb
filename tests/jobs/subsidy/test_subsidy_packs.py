"""Which pack covers a county, and which governs it on a day (the most specific pack in force), with the
explanation a clerk reads."""

from __future__ import annotations

import datetime as dt

from jobs.subsidy import covering, governing, parse_pack

D = dt.date


def _ids(packs):
    return [p.id for p in packs]


def test_covering_lists_every_pack_over_the_county_most_specific_first(shipped):
    assert _ids(covering(shipped, "230522")) == ["youyi-2022-1", "national-2021-26"]
    assert _ids(covering(shipped, "430182")) == ["hunan-2021-10", "hunan-2017-58", "national-2021-26"]
    assert _ids(covering(shipped, "440103")) == ["national-2021-26"]


def test_the_province_pack_governs_hunan_with_its_explanation(shipped):
    pack, explanation = governing(shipped, "430182", D(2024, 1, 1))

    assert pack.id == "hunan-2021-10"
    assert explanation == "湘人社规〔2021〕10号 覆盖湖南省（43），2021-07-26至2025-12-31有效；无更具体的文件"


def test_the_2017_pack_governs_hunan_until_2020_12_31(shipped):
    assert governing(shipped, "430182", D(2020, 12, 31)).pack.id == "hunan-2017-58"


def test_between_the_hunan_packs_the_national_pack_governs_from_2021_05_06(shipped):
    assert governing(shipped, "430182", D(2021, 5, 5)).pack is None
    assert governing(shipped, "430182", D(2021, 5, 6)).pack.id == "national-2021-26"
    assert governing(shipped, "430182", D(2021, 7, 25)).pack.id == "national-2021-26"
    assert governing(shipped, "430182", D(2021, 7, 26)).pack.id == "hunan-2021-10"


def test_the_national_pack_explains_that_the_county_pack_is_not_in_force_yet(shipped):
    pack, explanation = governing(shipped, "230522", D(2021, 12, 1))

    assert pack.id == "national-2021-26"
    assert explanation == "人社部发〔2021〕26号 覆盖全国，2021-05-06至2025-12-31有效；更具体的友人社联发〔2022〕1号在2021-12-01不在有效期内"


def test_the_county_pack_governs_youyi_over_the_national_pack(shipped):
    pack, explanation = governing(shipped, "230522", D(2023, 1, 1))

    assert pack.id == "youyi-2022-1"
    assert explanation.startswith("友人社联发〔2022〕1号 覆盖黑龙江省双鸭山市友谊县（230522）")


def test_no_pack_governs_after_2025_and_the_explanation_lists_the_expired_ones(shipped):
    pack, explanation = governing(shipped, "430182", D(2026, 1, 1))

    assert pack is None
    assert explanation == ("2026-01-01：覆盖430182的政策文件均不在有效期内（湘人社规〔2021〕10号 2021-07-26至2025-12-31有效；"
                           "湘人社发〔2017〕58号 2017-07-01至2020-12-31有效；人社部发〔2021〕26号 2021-05-06至2025-12-31有效）")


def test_a_newer_pack_loaded_after_2025_takes_over_without_stretching_the_old_one(shipped):
    newer = parse_pack("""
id: hunan-2026-1
document_number: 湘人社规〔2026〕1号
title: 测试
issuer: 测试
jurisdiction: ['43']
jurisdiction_name: 湖南省
effective_from: 2026-03-01
effective_to: null
version: 1
source: 测试
rules: []
""")
    packs = [*shipped, newer]

    assert governing(packs, "430182", D(2026, 2, 28)).pack is None
    pack, explanation = governing(packs, "430182", D(2030, 1, 1))
    assert pack is newer
    assert explanation == "湘人社规〔2026〕1号 覆盖湖南省（43），2026-03-01起有效；无更具体的文件"


def test_two_overlapping_packs_of_one_level_resolve_to_the_newer(shipped):
    overlap = parse_pack("""
id: hunan-2024-9
document_number: 湘人社规〔2024〕9号
title: 测试
issuer: 测试
jurisdiction: ['43']
effective_from: 2024-06-01
effective_to: 2025-12-31
version: 1
source: 测试
rules: []
""")

    pack, explanation = governing([*shipped, overlap], "430182", D(2024, 7, 1))

    assert pack is overlap
    assert explanation.endswith("同级的湘人社规〔2021〕10号同时有效，以较新的文件为准")


def test_a_county_nobody_covers_is_explained(shipped):
    pack, explanation = governing([p for p in shipped if p.id == "youyi-2022-1"], "430182", D(2024, 1, 1))

    assert pack is None
    assert explanation == "2024-01-01：没有任何已载入的政策文件覆盖430182"
