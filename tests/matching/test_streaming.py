"""Results a block at a time: the same matches as the whole list, never splitting a worker's (or a post's)."""


from __future__ import annotations

import pytest

from matching import iter_matches, match
from tests.matching.builders import TODAY
from tests.matching.test_ranking import as_rows, world


def _by_owner(rows, by):
    """Rows grouped per owner, each owner's in rank order (blocks may come in another order of owners)."""
    owner = 0 if by == "seeker" else 1
    grouped: dict[str, list] = {}
    for row in rows:
        grouped.setdefault(row[owner], []).append(row)
    return grouped


@pytest.mark.parametrize("by", ["seeker", "post"])
def test_blocks_add_up_to_the_whole_result_each_owner_in_rank_order(by):
    seekers, posts = world(seed=11, n_seekers=120, n_posts=50)
    whole = match(seekers, posts, today=TODAY, top_k=5, by=by)
    blocks = list(iter_matches(seekers, posts, today=TODAY, top_k=5, by=by, block=7))
    assert len(blocks) > 3
    assert _by_owner(as_rows([m for block in blocks for m in block]), by) == _by_owner(as_rows(whole), by)


@pytest.mark.parametrize("by", ["seeker", "post"])
def test_a_block_holds_whole_owners_and_at_most_block_of_them(by):
    seekers, posts = world(seed=3, n_seekers=90, n_posts=40)
    owner = (lambda m: m.seeker_key) if by == "seeker" else (lambda m: m.post_key)
    seen: set[str] = set()
    for block in iter_matches(seekers, posts, today=TODAY, top_k=4, by=by, block=5):
        owners = {owner(m) for m in block}
        assert 1 <= len(owners) <= 5
        assert not owners & seen, "an owner's matches were split over two blocks"
        seen |= owners


def test_no_workers_or_no_posts_yield_nothing_and_a_bad_block_size_is_refused_in_chinese():
    seekers, posts = world(n_seekers=5, n_posts=5)
    assert list(iter_matches([], posts, today=TODAY)) == []
    assert list(iter_matches(seekers, [], today=TODAY)) == []
    with pytest.raises(ValueError, match="block 必须为正整数"):
        list(iter_matches(seekers, posts, today=TODAY, block=0))


@pytest.mark.parametrize("by", ["seeker", "post"])
def test_an_engine_run_in_several_passes_finds_exactly_the_one_pass_result(by, monkeypatch):
    from matching import MatchStats, engine

    seekers, posts = world(seed=5, n_seekers=150, n_posts=60)
    monkeypatch.setattr(engine, "_SMALL_BLOCK", 40)  # split region blocks by occupation group, as a province does
    one_pass_stats = MatchStats()
    one_pass = match(seekers, posts, today=TODAY, top_k=6, by=by, stats=one_pass_stats)
    monkeypatch.setattr(engine, "_PASS_OWNERS", 13)
    stats = MatchStats()
    passes = [m for block in iter_matches(seekers, posts, today=TODAY, top_k=6, by=by, block=4, stats=stats)
              for m in block]
    assert _by_owner(as_rows(passes), by) == _by_owner(as_rows(one_pass), by)
    assert as_rows(match(seekers, posts, today=TODAY, top_k=6, by=by)) == as_rows(one_pass)  # input order kept
    assert stats.rescored == one_pass_stats.rescored < (150 if by == "seeker" else 60)  # blocking was in play


@pytest.mark.parametrize("by", ["seeker", "post"])
def test_the_table_holds_the_same_matches_in_the_same_order_as_the_list(by, monkeypatch):
    from matching import engine, match_table

    seekers, posts = world(seed=17, n_seekers=140, n_posts=50)
    monkeypatch.setattr(engine, "_PASS_OWNERS", 23)  # several passes, whose blocks the table puts in order
    whole = match(seekers, posts, today=TODAY, top_k=5, by=by)
    table = match_table(seekers, posts, today=TODAY, top_k=5, by=by)
    assert len(table) == len(whole) > 100
    assert list(zip(table.seeker_keys, table.post_keys, table.rank, table.score, table.reasons, strict=True)) == [
        (m.seeker_key, m.post_key, m.rank, m.score, m.reasons) for m in whole]
    assert len(match_table([], posts, today=TODAY)) == 0
