"""Top-K both ways, priority as a tie-breaker only, incremental indexes, blocking, reasons."""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import date

import pytest

from matching import (
    MatchStats,
    PostIndex,
    SeekerIndex,
    engine,
    match,
    match_one_post,
    match_one_seeker,
    score_matrix,
)
from matching.model import Seeker
from tests.matching.builders import TODAY, post, seeker

TITLES = ["普工（长白班）", "电焊工", "焊工（二保焊）持证上岗", "保安", "保洁员", "家政服务员", "叉车司机", "厨师",
          "电工", "缝纫工", "建筑小工", "外卖骑手", "客服", "电子厂普工"]
WANTED = ["普工", "电焊工", "保安/保洁", "保姆", "叉车", "厨师、帮厨", "电工", "车位", "不限", "建筑小工", "骑手"]
COUNTIES = ["430182", "430102", "430405", "441900", "440306", "330206", "330106"]
AREAS = [("ANY",), ("43",), ("430182",), ("44",), ("44", "33"), ("3302",), ("43", "44")]


def world(seed: int = 7, n_seekers: int = 60, n_posts: int = 40):
    """A small random world with ties (repeated profiles) and every filter in play."""
    rng = random.Random(seed)
    seekers = [seeker(
        f"s{i}", home_county=rng.choice(COUNTIES[:3]), birth_date=date(rng.randint(1965, 2004), 5, 1),
        category=rng.choice(["脱贫人口", "监测对象", "农村低收入人口", "其他"]),
        labour_ability=rng.choice(["普通劳动力"] * 6 + ["弱劳动力", "半劳动力", "丧失劳动力"]),
        wanted_titles=(rng.choice(WANTED),), wanted_areas=(areas := rng.choice(AREAS)),
        wanted_area_labels=tuple(areas), expected_wage_min=rng.choice([None, 4000, 5000, 6000, 8000]),
        skills=rng.choice(["", "焊工证", "叉车证 C1驾照", "健康证"]),
        education=rng.choice([None, "小学", "初中", "高中"])) for i in range(n_seekers)]
    posts = [post(
        f"p{i}", title=rng.choice(TITLES), region_code=rng.choice(COUNTIES),
        wage_min=(w := rng.choice([None, 4000, 5000, 6000, 7000])), wage_max=None if w is None else w + 2000,
        age_max=rng.choice([None, 45, 55]), labour_intensity=rng.choice([None, "轻", "中", "重"]),
        board=rng.random() < 0.5, lodging=rng.random() < 0.6, headcount=rng.choice([None, 3]),
        filled=rng.choice([0, 0, 3]), open=rng.random() > 0.1) for i in range(n_posts)]
    return seekers, posts


def as_rows(matches):
    return [(m.seeker_key, m.post_key, m.score, m.rank, m.components, m.reasons) for m in matches]


# ---------------------------------------------------------------------------------------------------- top-K


def test_offers_per_worker_are_the_best_k_in_rank_order():
    seekers, posts = world()
    result = match(seekers, posts, today=TODAY, top_k=3)
    by_seeker = {}
    for m in result:
        by_seeker.setdefault(m.seeker_key, []).append(m)
    assert by_seeker and all(len(ms) <= 3 for ms in by_seeker.values())
    for ms in by_seeker.values():
        assert [m.rank for m in ms] == list(range(1, len(ms) + 1))
        assert [m.score for m in ms] == sorted((m.score for m in ms), reverse=True)
    full = match(seekers, posts, today=TODAY, top_k=100)
    for key, ms in by_seeker.items():
        best = [m for m in full if m.seeker_key == key][:3]
        assert [m.post_key for m in ms] == [m.post_key for m in best]


def test_candidates_per_post_are_the_best_k_in_rank_order():
    seekers, posts = world()
    result = match(seekers, posts, today=TODAY, top_k=4, by="post")
    by_post = {}
    for m in result:
        by_post.setdefault(m.post_key, []).append(m)
    assert by_post and all(len(ms) <= 4 for ms in by_post.values())
    for ms in by_post.values():
        assert [m.rank for m in ms] == list(range(1, len(ms) + 1))
        assert [m.score for m in ms] == sorted((m.score for m in ms), reverse=True)


def test_both_directions_see_the_same_pairs_with_the_same_scores():
    seekers, posts = world()
    one = {(m.seeker_key, m.post_key): m.score for m in match(seekers, posts, today=TODAY, top_k=1000)}
    other = {(m.seeker_key, m.post_key): m.score for m in match(seekers, posts, today=TODAY, top_k=1000, by="post")}
    assert one == other


def test_bad_arguments_are_refused_in_chinese():
    with pytest.raises(ValueError, match="top_k"):
        match([seeker()], [post()], today=TODAY, top_k=0)
    with pytest.raises(ValueError, match="by 只能是"):
        match([seeker()], [post()], today=TODAY, by="worker")


# ----------------------------------------------------------------------------------------------- priority


def test_a_priority_worker_comes_first_among_equals():
    twins = [seeker("other", category="其他"), seeker("lifted", category="脱贫人口"),
             seeker("monitored", category="监测对象")]
    ranked = [m.seeker_key for m in match(twins, [post()], today=TODAY, by="post")]
    assert ranked == ["lifted", "monitored", "other"]


def test_priority_never_lifts_a_worker_over_a_better_fit():
    better = seeker("better", category="其他", expected_wage_min=6000)
    priority = seeker("priority", category="脱贫人口", expected_wage_min=6100)  # slightly worse wage fit
    ranked = match([priority, better], [post(wage_min=6000, wage_max=6000)], today=TODAY, by="post")
    assert [m.seeker_key for m in ranked] == ["better", "priority"]
    assert ranked[0].score > ranked[1].score


def test_priority_is_not_a_score_component_and_is_named_in_the_reasons():
    plain, = match([seeker(category="其他")], [post()], today=TODAY)
    lifted, = match([seeker(category="脱贫人口")], [post()], today=TODAY)
    assert plain.score == lifted.score and plain.components == lifted.components
    assert lifted.reasons.endswith("优先保障对象") and "优先保障对象" not in plain.reasons


# ------------------------------------------------------------------------------------------- incremental


def test_one_new_post_against_a_prebuilt_seeker_index_gives_the_batch_candidates():
    seekers, posts = world()
    batch = match(seekers, posts, today=TODAY, top_k=5, by="post")
    index = SeekerIndex(seekers)
    incremental = [m for p in posts for m in match_one_post(p, index, today=TODAY, top_k=5)]
    assert as_rows(incremental) == as_rows(batch)


def test_one_new_seeker_against_a_prebuilt_post_index_gives_the_batch_offers():
    seekers, posts = world()
    batch = match(seekers, posts, today=TODAY, top_k=5)
    index = PostIndex(posts)
    incremental = [m for s in seekers for m in match_one_seeker(s, index, today=TODAY, top_k=5)]
    assert as_rows(incremental) == as_rows(batch)


def test_prebuilt_indexes_can_be_passed_to_the_batch():
    seekers, posts = world()
    assert as_rows(match(SeekerIndex(seekers), PostIndex(posts), today=TODAY)) == as_rows(
        match(seekers, posts, today=TODAY))


@pytest.mark.parametrize("by", ["seeker", "post"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_blocking_on_occupation_groups_keeps_the_exhaustive_result(by, seed, monkeypatch):
    seekers, posts = world(seed, n_seekers=120, n_posts=80)
    monkeypatch.setattr(engine, "_SMALL_BLOCK", 0)  # block every region, however small
    stats = MatchStats()
    blocked = match(seekers, posts, today=TODAY, top_k=5, by=by, stats=stats)
    assert stats.blocks > 0
    exhaustive = match(seekers, posts, today=TODAY, top_k=5, by=by, exhaustive=True)
    assert as_rows(blocked) == as_rows(exhaustive)


def test_the_score_matrix_agrees_with_the_matches():
    seekers, posts = world()
    sx, px = SeekerIndex(seekers), PostIndex(posts)
    matrix = score_matrix(sx, px, today=TODAY)
    row, col = {k: i for i, k in enumerate(sx.keys)}, {k: j for j, k in enumerate(px.keys)}
    found = match(sx, px, today=TODAY, top_k=1000)
    assert found and all(abs(float(matrix[row[m.seeker_key], col[m.post_key]]) - m.score) <= 0.05 + 1e-4
                         for m in found)  # the matrix is exact, a match shows one decimal
    assert (matrix >= 0).sum() == len(found)


def test_a_worker_without_working_ability_is_offered_nothing():
    assert match_one_seeker(seeker(labour_ability="丧失劳动力"), PostIndex([post(labour_intensity="轻")]),
                            today=TODAY) == []


# ------------------------------------------------------------------------------------------------- reasons


def test_the_reasons_say_why_in_chinese():
    s = seeker(wanted_titles=("电焊工",), wanted_areas=("33",), wanted_area_labels=("浙江",),
               expected_wage_min=7000, category="脱贫人口")
    p = post(title="焊工", region_code="330206", wage_min=7000, wage_max=9000)
    (m,) = match([s], [p], today=TODAY)
    assert m.reasons == ("工种相符：电焊工≈焊工（6-18-02-04）；地点：意向浙江 ✓；薪资：期望7000，岗位7000-9000 ✓；"
                         "食宿：包吃住 ✓（外出务工）；优先保障对象")


def test_the_reasons_name_a_missing_certificate_and_a_wage_below_expectation():
    (m,) = match([seeker(expected_wage_min=9000)], [post(title="焊工（持证上岗）", wage_min=6000, wage_max=6000)],
                 today=TODAY)
    assert "证书：需焊工证 ✗" in m.reasons
    assert "薪资：期望9000，岗位6000 ✗（低于期望）" in m.reasons


def test_the_reasons_say_where_within_the_province():
    (m,) = match([seeker(wanted_areas=("43",), wanted_area_labels=("省内",))], [post(region_code="430102")],
                 today=TODAY)
    assert "地点：意向省内 ✓，本市" in m.reasons


# ---------------------------------------------------------------------------------------------- contracts


def test_invalid_seekers_are_refused_with_a_chinese_message():
    with pytest.raises(ValueError, match="人员类别无效"):
        Seeker(key="x", home_county="430182", category="贫困户")
    with pytest.raises(ValueError, match="意向地区编码无效"):
        Seeker(key="x", home_county="430182", wanted_areas=("省内",))
    with pytest.raises(ValueError, match="户籍县编码无效"):
        Seeker(key="x", home_county="4301")


def test_the_engine_imports_no_web_database_or_domain_packages():
    code = ("import sys, matching, matching.engine, matching.evaluation; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'jobs', 'web')]; "
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_empty_lists_give_no_matches():
    assert match([], [post()], today=TODAY) == []
    assert match([seeker()], [], today=TODAY, by="post") == []
    assert match_one_post(post(), SeekerIndex([]), today=TODAY) == []
    assert match_one_seeker(seeker(), PostIndex([]), today=TODAY) == []


def test_a_worker_without_wanted_areas_accepts_any_place():
    assert [m.post_key for m in match([seeker(wanted_areas=(), wanted_area_labels=())],
                                      [post(region_code="441900")], today=TODAY)] == ["p"]
