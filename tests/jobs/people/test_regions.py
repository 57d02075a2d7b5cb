"""Specification of jobs.people.regions: codes, retired codes, place-name resolution and job scope."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from jobs.people import regions
from jobs.people.regions import (
    RESOLVE_CACHE_SIZE,
    AmbiguousPlace,
    RegionError,
    Scope,
    UnknownPlace,
    UnknownRegion,
    open_region_table,
    outside_county,
    region_table,
    resolve,
    scope_of,
    within,
)

NINGXIANG = "430182"  # 湖南省长沙市宁乡市


@pytest.fixture(scope="module")
def table():
    return region_table()


# --------------------------------------------------------------------------- retired codes


@pytest.mark.parametrize(
    ("retired", "successor", "name"),
    [
        ("430124", NINGXIANG, "宁乡市"),  # 宁乡县 under 长沙, retired 2017
        ("432324", NINGXIANG, "宁乡市"),  # 宁乡县 under the old 益阳地区
        ("230824", "230522", "友谊县"),  # moved from 佳木斯 to 双鸭山 in 1991
        ("342426", "341524", "金寨县"),  # 六安地区 code before 1999
        ("371202", "370116", "莱芜区"),  # 莱芜市莱城区 → 济南市莱芜区 (2019)
    ],
)
def test_a_retired_county_code_resolves_to_its_current_successor(table, retired, successor, name):
    record = table.get(retired)
    assert record.retired
    assert record.successor_code == successor
    current = table.current(retired)
    assert (current.code, current.name, current.retired) == (successor, name, False)


def test_the_retired_prefecture_laiwu_resolves_to_jinan_in_either_code_form(table):
    assert table.current("3712").code == "3701"
    assert table.current("371200").code == "3701"


def test_a_retired_record_keeps_its_historical_full_name(table):
    assert table.get("430124").full_name == "湖南省长沙市宁乡县"
    assert table.get("432324").full_name == "湖南省益阳地区宁乡县"


def test_a_retired_code_without_known_successor_raises_unknown_region_in_chinese(table):
    with pytest.raises(UnknownRegion) as caught:
        table.current("3414")  # 地级巢湖市, split in 2011
    assert "已撤销" in caught.value.message
    assert caught.value.code == "3414"


def test_an_unknown_code_raises_unknown_region(table):
    with pytest.raises(UnknownRegion) as caught:
        table.current("999999")
    assert "未知的行政区划代码" in caught.value.message


def test_region_errors_are_value_errors_with_a_message(table):
    with pytest.raises(ValueError, match="未知"):
        table.current("999999")


# --------------------------------------------------------------------------- validity years


@pytest.mark.parametrize(
    ("code", "birth_year"),
    [("430124", 1990), ("432324", 1979), ("230824", 1986), ("342426", 1979)],
)
def test_a_retired_county_code_is_valid_for_a_birth_year_while_it_was_in_force(
    table, code, birth_year
):
    assert table.valid_for_year(code, birth_year)


@pytest.mark.parametrize(
    ("code", "year"),
    [("430124", 2018), ("432324", 1995), ("230824", 1992), ("342426", 2000), ("430124", 1982)],
)
def test_a_retired_county_code_is_not_valid_outside_its_years(table, code, year):
    assert not table.valid_for_year(code, year)


def test_a_current_county_code_is_valid_for_any_year(table):
    assert table.valid_for_year(NINGXIANG, 1960)
    assert table.valid_for_year(NINGXIANG, 2024)


def test_statistical_zones_prefectures_and_unknown_codes_are_no_valid_county_codes(table):
    assert not table.valid_for_year("130171", 2000)  # 石家庄高新技术产业开发区 (NBS only)
    assert not table.valid_for_year("4301", 2000)
    assert not table.valid_for_year("999999", 2000)


# --------------------------------------------------------------------------- records


def test_full_names_skip_the_municipal_district_grouping(table):
    assert table.get("110105").full_name == "北京市朝阳区"
    assert table.get("500229").full_name == "重庆市城口县"
    assert table.get(NINGXIANG).full_name == "湖南省长沙市宁乡市"


def test_a_county_that_is_its_own_prefecture_is_not_named_twice(table):
    assert table.get("441900").full_name == "广东省东莞市"


def test_records_carry_level_and_parent(table):
    township = table.get("430182106")
    assert (township.level, township.parent_code, township.name) == (
        "township", NINGXIANG, "煤炭坝镇"
    )
    assert table.get(NINGXIANG).parent_code == "4301"
    assert table.get("4301").parent_code == "43"
    assert table.get("43").parent_code is None


def test_six_digit_codes_ending_in_zeros_name_their_prefecture_or_province(table):
    assert table.get("430100").code == "4301"
    assert table.get("430000").code == "43"


def test_nbs_development_zones_are_flagged_as_statistical_zones(table):
    assert table.get("130171").statistical_zone
    assert not table.get("130102").statistical_zone


def test_county_of_gives_a_townships_county_and_the_single_county_of_dongguan(table):
    assert table.county_of("430182106").code == NINGXIANG
    assert table.county_of("4419").code == "441900"
    assert table.county_of("4301") is None
    assert table.county_of("430124").code == NINGXIANG


def test_children_lists_the_current_units_below(table):
    counties = {r.code for r in table.children("4301")}
    assert NINGXIANG in counties
    assert "430124" not in counties
    assert all(r.level == "township" for r in table.children(NINGXIANG))


def test_db_rows_have_unique_codes_and_existing_parents_and_current_successors(table):
    rows = list(table.iter_db_rows())
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    current = {r["code"] for r in rows if not r["retired"]}
    assert all(r["successor_code"] in current for r in rows if r["successor_code"])
    seen: set[str] = set()
    for row in rows:  # parents come first, so a region table can be filled in order
        assert row["parent_code"] is None or row["parent_code"] in seen
        seen.add(row["code"])


def test_db_rows_hold_provinces_prefectures_counties_and_retired_codes_only(table):
    rows = {r["code"]: r for r in table.iter_db_rows()}
    assert {r["level"] for r in rows.values()} == {"province", "prefecture", "county"}
    assert rows["430124"]["retired"] and rows["430124"]["successor_code"] == NINGXIANG
    assert rows["130171"]["statistical_zone"]
    assert set(rows["430124"]) == {
        "code", "name", "full_name", "level", "parent_code", "retired", "successor_code",
        "statistical_zone",
    }


def test_packaged_retired_table_leaves_the_successor_empty_only_when_unknown_or_split():
    text = resources.files("jobs").joinpath("data", "retired_regions.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    methods = {"same_name", "recoded", "parent", "newer", "override", "split", "unknown"}
    assert {r["method"] for r in rows} <= methods
    for row in rows:
        assert (row["successor_code"] == "") == (row["method"] in {"split", "unknown"})


# --------------------------------------------------------------------------- resolve: codes


def test_resolving_a_retired_code_gives_the_successor_with_a_chinese_note():
    result = resolve("430124")
    assert (result.code, result.level, result.confidence) == (NINGXIANG, "county", 1.0)
    assert result.note == "旧代码430124已撤销，现为430182宁乡市"
    assert result.name == "湖南省长沙市宁乡市"


@pytest.mark.parametrize(
    ("text", "code", "level"),
    [("44", "44", "province"), ("3302", "3302", "prefecture"), ("330206", "330206", "county"),
     ("371200", "3701", "prefecture")],
)
def test_resolving_a_code_of_any_level(text, code, level):
    result = resolve(text)
    assert (result.code, result.level, result.confidence) == (code, level, 1.0)


def test_resolving_a_township_code_gives_its_county_and_keeps_the_township():
    result = resolve("430182106")
    assert (result.code, result.county_code, result.township_code) == (
        NINGXIANG, NINGXIANG, "430182106"
    )


def test_resolving_an_unknown_code_raises_unknown_place():
    with pytest.raises(UnknownPlace, match="未知的行政区划代码"):
        resolve("999999")


# --------------------------------------------------------------------------- resolve: names


@pytest.mark.parametrize(
    ("text", "code", "level"),
    [
        ("湖南宁乡", NINGXIANG, "county"),
        ("宁乡市煤炭坝镇", NINGXIANG, "county"),
        ("东莞长安", "441900", "county"),
        ("浙江宁波北仑", "330206", "county"),
        ("长沙市内", "4301", "prefecture"),
        ("广东", "44", "province"),
        ("浙江宁波", "3302", "prefecture"),
        ("湖南省长沙市宁乡市", NINGXIANG, "county"),
        ("北京朝阳", "110105", "county"),
        ("上海浦东", "310115", "county"),
        ("湖北仙桃", "429004", "county"),
    ],
)
def test_resolving_full_and_short_place_names(text, code, level):
    result = resolve(text)
    assert (result.code, result.level) == (code, level)


def test_a_township_after_its_county_is_kept_beside_the_county_code():
    result = resolve("宁乡市煤炭坝镇")
    assert result.county_code == NINGXIANG
    assert result.township_code == "430182106"
    assert result.confidence == 1.0


def test_dongguan_townships_resolve_to_the_county_level_city():
    result = resolve("东莞长安")
    assert (result.code, result.county_code, result.name) == ("441900", "441900", "广东省东莞市")
    assert result.township_code.startswith("441900")


def test_an_old_county_name_resolves_to_the_successor_and_says_so():
    result = resolve("湖南省长沙市宁乡县")
    assert result.code == NINGXIANG
    assert "430124已撤销" in result.note


def test_a_name_and_a_unit_inside_it_resolve_to_the_larger_unit():
    assert resolve("长沙").code == "4301"  # 长沙市 contains 长沙县
    assert resolve("长沙县").code == "430121"


def test_exact_full_names_score_higher_than_short_forms():
    assert resolve("湖南省").confidence == 1.0
    assert resolve("宁乡市").confidence > resolve("湖南宁乡").confidence


def test_a_partly_recognised_text_resolves_to_the_recognised_part_with_low_confidence():
    result = resolve("湖南长沙某工地")
    assert result.code == "4301"
    assert result.confidence < 0.5
    assert "某工地" in result.note


def test_a_typo_falls_back_to_a_fuzzy_match_with_low_confidence():
    result = resolve("浙江宁波北伦区")
    assert result.code == "330206"
    assert result.confidence < 0.5
    assert "北仑区" in result.note


def test_a_bare_name_shared_by_counties_in_two_provinces_is_ambiguous():
    with pytest.raises(AmbiguousPlace) as caught:
        resolve("朝阳区")
    error = caught.value
    assert [c.code for c in error.candidates] == ["110105", "220104"]
    assert "北京市朝阳区" in error.message
    assert "吉林省长春市朝阳区" in error.message
    assert "请写明所在的省或市" in error.message


def test_an_ambiguous_name_is_settled_by_the_home_region():
    result = resolve("朝阳区", home="220102")
    assert result.code == "220104"
    assert result.confidence < 1.0
    assert "户籍地" in result.note


def test_a_higher_level_unit_wins_over_same_named_districts_and_says_so():
    result = resolve("中山")
    assert result.code == "4420"
    assert "大连市中山区" in result.note


def test_ambiguity_is_raised_again_on_every_call():
    for _ in range(2):
        with pytest.raises(AmbiguousPlace):
            resolve("朝阳区")


def test_an_unknown_text_raises_unknown_place_in_chinese():
    with pytest.raises(UnknownPlace) as caught:
        resolve("火星基地")
    assert "无法识别地点“火星基地”" in caught.value.message


# --------------------------------------------------------------------------- resolve: relative


@pytest.mark.parametrize(
    ("text", "code", "level"),
    [
        ("省内", "43", "province"),
        ("本省", "43", "province"),
        ("市内", "4301", "prefecture"),
        ("本市", "4301", "prefecture"),
        ("县内", NINGXIANG, "county"),
        ("本县", NINGXIANG, "county"),
        ("县城", NINGXIANG, "county"),
    ],
)
def test_relative_places_are_taken_from_the_home_region(text, code, level):
    result = resolve(text, home=NINGXIANG)
    assert (result.code, result.level) == (code, level)
    assert "户籍地" in result.note


def test_a_retired_home_code_is_followed_for_relative_places():
    assert resolve("县内", home="430124").code == NINGXIANG


def test_a_relative_place_without_home_raises_unknown_place():
    with pytest.raises(UnknownPlace, match="户籍"):
        resolve("本县")


def test_a_relative_county_with_a_prefecture_home_raises_unknown_place():
    with pytest.raises(UnknownPlace, match="地市一级"):
        resolve("县内", home="4301")


@pytest.mark.parametrize("text", ["不限", "全国", "", "  "])
def test_any_place_resolves_to_the_special_any_resolution(text):
    result = resolve(text)
    assert (result.code, result.level, result.name) == (None, "any", "全国")


# --------------------------------------------------------------------------- scope


@pytest.mark.parametrize(
    ("origin", "job", "scope"),
    [
        (NINGXIANG, "430182106", Scope.SAME_COUNTY),
        (NINGXIANG, "430121", Scope.SAME_PREFECTURE),
        (NINGXIANG, "430302", Scope.SAME_PROVINCE),
        (NINGXIANG, "441900", Scope.OUTSIDE_PROVINCE),
    ],
)
def test_scope_of_a_job_for_each_of_the_four_scopes(origin, job, scope):
    assert scope_of(origin, job) is scope


def test_scope_resolves_retired_codes_on_both_sides_first():
    assert scope_of("430124", NINGXIANG) is Scope.SAME_COUNTY
    assert scope_of("432324", "430124") is Scope.SAME_COUNTY
    assert scope_of("371202", "3701") is Scope.SAME_PREFECTURE


def test_a_job_known_only_at_prefecture_level_counts_as_same_prefecture():
    assert scope_of(NINGXIANG, "4301") is Scope.SAME_PREFECTURE


def test_a_job_known_only_at_province_level_counts_as_same_province():
    assert scope_of(NINGXIANG, "43") is Scope.SAME_PROVINCE


def test_a_prefecture_whose_only_county_is_the_origin_counts_as_same_county():
    assert scope_of("441900", "4419") is Scope.SAME_COUNTY


def test_an_origin_known_only_at_prefecture_level_cannot_be_scoped():
    with pytest.raises(RegionError, match="无法判断"):
        scope_of("4301", NINGXIANG)


def test_outside_county_means_anywhere_but_the_origin_county():
    assert not outside_county("430124", NINGXIANG)
    assert outside_county(NINGXIANG, "430121")
    assert outside_county(NINGXIANG, "44")


def test_within_tells_whether_a_code_lies_inside_an_area():
    assert within("430124", "4301")
    assert within("430182106", "43")
    assert within(NINGXIANG, NINGXIANG)
    assert not within(NINGXIANG, "4309")
    assert not within("43", "4301")


# --------------------------------------------------------------------------- process-wide state


def test_the_look_up_cache_stays_bounded_in_a_long_running_process():
    fresh = open_region_table()
    fresh.resolve("宁乡")
    for number in range(RESOLVE_CACHE_SIZE + 50):
        fresh.resolve(f"宁乡{number}号")
    assert fresh.resolve_cache_info().currsize == RESOLVE_CACHE_SIZE
    assert fresh.resolve("宁乡").code == NINGXIANG  # still answers after its entry was evicted


def test_the_region_index_is_built_once_into_the_cache_folder_and_then_only_opened(tmp_path, monkeypatch):
    monkeypatch.setenv("BANGFU_CACHE_DIR", str(tmp_path))
    first = open_region_table()
    (cached,) = tmp_path.glob("regions-*.sqlite3")
    assert first.resolve("湖南宁乡").code == NINGXIANG

    def no_rebuild(*_args, **_kwargs):
        raise AssertionError("the index was rebuilt although a cached copy exists")

    monkeypatch.setattr(regions, "_build_index", no_rebuild)
    second = open_region_table()
    assert second.resolve("湖南宁乡").code == NINGXIANG
    assert second.current("430124").code == NINGXIANG
    assert list(tmp_path.glob("regions-*")) == [cached]


def test_a_cache_folder_that_cannot_be_written_still_gives_a_working_index(tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("BANGFU_CACHE_DIR", str(blocked))
    assert open_region_table().resolve("东莞长安").code == "441900"
    assert blocked.read_text(encoding="utf-8") == "a file where the cache folder should be"


def test_the_cached_index_answers_like_the_packaged_tables(table):
    rows = list(table.iter_db_rows())
    assert [row["level"] for row in rows[:3]] == ["province"] * 3
    assert sum(row["level"] == "county" for row in rows) > 2800
    with resources.files("jobs").joinpath("data", "areas.csv").open(encoding="utf-8") as handle:
        counties = {row["code"]: row["name"] for row in csv.DictReader(handle)}
    assert all(table.get(code).name == name for code, name in counties.items())
