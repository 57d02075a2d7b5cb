"""Top-K matching both ways, in batch and incrementally.

* :func:`match` ranks offers per worker (``by='seeker'``) or candidates per post (``by='post'``).
* :func:`match_one_post` / :func:`match_one_seeker` answer for one new post or worker against a prebuilt
  :class:`~matching.blocking.SeekerIndex` / :class:`~matching.blocking.PostIndex`, exhaustively within the
  acceptable region, and give the same matches as the batch.

How the batch stays far below N×M: pairs are only formed inside a region block (a post must lie within what the
worker wants: a hard filter, so nothing is lost), and inside it only between the same occupation group
(:func:`~matching.scoring.block_key`). A pair outside the group can score at most
:data:`~matching.scoring.BLOCK_UPPER_BOUND`; every worker (or post) whose K-th blocked score is below that bound,
or who has fewer than K blocked candidates, is rescored over the whole region block. The blocked result is
therefore the exhaustive one, up to exact ties at the bound.

Scores are computed for whole blocks with NumPy (scoring.py); top-K uses ``argpartition``; title similarity
uses ``rapidfuzz.process.cdist`` on unique strings. Python loops run per block or per selected match, never per
candidate pair.

Ordering: higher score first. For candidates per post, a 优先保障对象 (脱贫人口, 监测对象) comes first among those
with the same displayed score (one decimal), never above a higher one (人社部发〔2021〕26号 (五) and
友人社联发〔2022〕1号 (二十三): priority in placement, not a better fit). Remaining ties go to input order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import numpy as np

from matching.blocking import PostIndex, SeekerIndex
from matching.explain import explain
from matching.model import Match, Post, Seeker
from matching.scoring import (
    BLOCK_UPPER_BOUND,
    COMPONENTS,
    LABOUR_ALLOWED,
    WEIGHTS,
    code_table,
    education_component,
    lodging_component,
    occupation_component,
    place_component,
    skills_component,
    text_similarity,
    wage_component,
)

__all__ = ["match", "match_one_post", "match_one_seeker", "MatchStats"]

_CELLS_PER_CHUNK = 1 << 20  # seeker × post cells scored at once
_DENSE_TEXT_LIMIT = 1 << 24  # unique wanted × unique post titles kept as one dense matrix
_MILLI = 1000
_INVALID = -1.0


@dataclass
class MatchStats:
    """What a batch run did (for benchmarks and logs)."""

    pairs_scored: int = 0
    blocks: int = 0
    rescored: int = 0  # workers or posts rescored over their whole region block


@dataclass
class _Context:
    seekers: SeekerIndex
    posts: PostIndex
    today: date
    stats: MatchStats = field(default_factory=MatchStats)

    def __post_init__(self) -> None:
        rel = code_table().relation
        # One zero row and column at the end so that the id -1 (no code) agrees with nothing.
        self.relation = np.zeros((rel.shape[0] + 1, rel.shape[1] + 1), dtype=np.float32)
        self.relation[:-1, :-1] = rel
        self.age = self.seekers.ages(self.today)
        self.available = self.posts.available(self.today)
        nw, np_ = len(self.seekers.titles), len(self.posts.titles)
        self.text: np.ndarray | None = None
        if nw * np_ <= _DENSE_TEXT_LIMIT:
            self.text = np.zeros((nw + 1, np_ + 1), dtype=np.float32)
            self.text[:-1, :-1] = text_similarity(self.seekers.titles.texts, self.posts.titles.texts)


def _text_lookup(ctx: _Context, wanted: np.ndarray, titles: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                                    np.ndarray]:
    """A similarity matrix and the indices into it for these wanted-title ids and post-title ids."""
    if ctx.text is not None:
        return ctx.text, wanted, titles
    uw = np.unique(wanted[wanted >= 0])
    up = np.unique(titles)
    local = np.zeros((len(uw) + 1, len(up) + 1), dtype=np.float32)
    local[:-1, :-1] = text_similarity([ctx.seekers.titles.texts[i] for i in uw],
                                      [ctx.posts.titles.texts[i] for i in up])
    rows = np.where(wanted >= 0, np.searchsorted(uw, np.maximum(wanted, 0)), -1)
    return local, rows, np.searchsorted(up, titles)


def _score(ctx: _Context, s: np.ndarray, p: np.ndarray, position: np.ndarray, area_len: np.ndarray,
           area_code: np.ndarray, *, components: bool = False
           ) -> np.ndarray | tuple[np.ndarray, dict[str, np.ndarray]]:
    """Scores of seeker rows ``s`` × post rows ``p`` (any shapes that broadcast); -1 where a filter fails."""
    sx, px = ctx.seekers, ctx.posts
    code = px.code[p]
    wanted_code, wanted_text = sx.wanted_code[s], sx.wanted_text[s]
    text, wanted_rows, title_cols = _text_lookup(ctx, wanted_text, px.title_text[p])
    relation = np.zeros(np.broadcast_shapes(s.shape, p.shape), dtype=np.float32)
    similar = np.zeros_like(relation)
    for t in range(wanted_code.shape[-1]):
        if t and (wanted_text[..., t] < 0).all():  # titles are packed left: no one has more
            break
        relation = np.maximum(relation, ctx.relation[wanted_code[..., t], code])
        similar = np.maximum(similar, text[wanted_rows[..., t], title_cols])
    occupation = occupation_component(relation, similar, sx.has_wanted[s])
    skill_rel = np.zeros_like(relation)
    skill_code = sx.skill_code[s]
    for k in range(skill_code.shape[-1]):
        if k and (skill_code[..., k] < 0).all():
            break
        skill_rel = np.maximum(skill_rel, ctx.relation[skill_code[..., k], code])
    home, county = sx.home[s], px.county[p]
    parts = {
        "occupation": occupation,
        "skills": skills_component(sx.held[s], px.required[p], skill_rel),
        "wage": wage_component(sx.expected[s], px.wage_low[p], px.wage_high[p]),
        "place": place_component(position, area_len, area_code, home, county),
        "lodging": lodging_component(home, county, px.board[p], px.lodging[p]),
        "education": education_component(sx.education[s], px.education[p]),
    }
    total = np.zeros_like(relation)
    for name in COMPONENTS:
        total += np.float32(WEIGHTS[name]) * parts[name]
    age = ctx.age[s]
    ok = (position >= 0) & LABOUR_ALLOWED[sx.ability[s], px.intensity[p]]
    ok &= (age < 0) | ((age >= px.age_min[p]) & (age <= px.age_max[p]))
    total = np.where(ok, total, np.float32(_INVALID))
    ctx.stats.pairs_scored += total.size
    if components:
        return total, parts
    return total


# ------------------------------------------------------------------------------------------------- selection


def _keys(score: np.ndarray, owner_priority: np.ndarray | None, index: np.ndarray, size: int) -> np.ndarray:
    """Integer sort keys, larger first: displayed score (1 decimal), priority, exact score, then input order."""
    milli = np.rint(score.astype(np.float64) * _MILLI).astype(np.int64)
    key = milli
    if owner_priority is not None:
        bucket = np.rint(score.astype(np.float64) * 10).astype(np.int64)
        key = (bucket * 2 + owner_priority.astype(np.int64)) * (100 * _MILLI + 1) + milli
    return key * size + (size - 1 - index)


def _top_in_block(key: np.ndarray, k: int, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions (row, col) of up to ``k`` largest valid keys (≥ 0) along ``axis`` (1: per row, 0: per column)."""
    n = key.shape[axis]
    if n > k:
        part = np.argpartition(-key, k - 1, axis=axis)
        part = part[:, :k] if axis == 1 else part[:k, :]
    else:
        shape = (key.shape[0], n) if axis == 1 else (n, key.shape[1])
        part = np.broadcast_to(np.arange(n).reshape((1, -1) if axis == 1 else (-1, 1)), shape)
    if axis == 1:
        rows = np.repeat(np.arange(key.shape[0]), part.shape[1])
        cols = part.reshape(-1)
    else:
        cols = np.tile(np.arange(key.shape[1]), part.shape[0])
        rows = part.reshape(-1)
    valid = key[rows, cols] >= 0
    return rows[valid], cols[valid]


@dataclass
class _Candidates:
    """Candidate pairs collected from blocks: seeker row, post row, score."""

    seeker: list[np.ndarray] = field(default_factory=list)
    post: list[np.ndarray] = field(default_factory=list)
    score: list[np.ndarray] = field(default_factory=list)

    def add(self, seeker: np.ndarray, post: np.ndarray, score: np.ndarray) -> None:
        self.seeker.append(seeker)
        self.post.append(post)
        self.score.append(score)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not self.seeker:
            return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float32)
        return np.concatenate(self.seeker), np.concatenate(self.post), np.concatenate(self.score)


def _scan_block(ctx: _Context, cands: _Candidates, s_rows: np.ndarray, p_rows: np.ndarray, position: np.ndarray,
                area_len: np.ndarray, area_code: np.ndarray, k: int, by: str) -> None:
    """Score one block (seekers × posts), chunked, and keep each owner's best ``k`` in that block.

    ``position``/``area_len``/``area_code`` describe the wanted area containing each pair: per post when ranking
    posts for seekers that share their wanted areas (by seeker), per seeker when ranking seekers for posts of one
    county (by post).
    """
    if len(s_rows) == 0 or len(p_rows) == 0:
        return
    ctx.stats.blocks += 1
    if by == "seeker":
        step = max(1, _CELLS_PER_CHUNK // len(p_rows))
        for start in range(0, len(s_rows), step):
            s = s_rows[start:start + step]
            total = _score(ctx, s[:, None], p_rows[None, :],
                           *(a[None, :] for a in (position, area_len, area_code)))
            key = np.where(total >= 0, _keys(total, None, p_rows[None, :], len(ctx.posts)), -1)
            r, c = _top_in_block(key, k, axis=1)
            cands.add(s[r], p_rows[c], total[r, c])
    else:
        step = max(1, _CELLS_PER_CHUNK // len(s_rows))
        priority = ctx.seekers.priority[s_rows][:, None]
        for start in range(0, len(p_rows), step):
            p = p_rows[start:start + step]
            total = _score(ctx, s_rows[:, None], p[None, :],
                           *(a[:, None] for a in (position, area_len, area_code)))
            key = np.where(total >= 0, _keys(total, priority, s_rows[:, None], len(ctx.seekers)), -1)
            r, c = _top_in_block(key, k, axis=0)
            cands.add(s_rows[r], p[c], total[r, c])


def _select(owner: np.ndarray, other: np.ndarray, score: np.ndarray, priority: np.ndarray | None, size: int,
            k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Best ``k`` per owner over all candidates; returns (owner, other, score, rank) sorted by owner, rank."""
    if len(owner) == 0:
        empty = np.empty(0, np.int64)
        return empty, empty, np.empty(0, np.float32), empty
    key = _keys(score, priority, other, size)
    order = np.lexsort((-key, owner))
    owner, other, score = owner[order], other[order], score[order]
    start = np.ones(len(owner), dtype=bool)
    start[1:] = owner[1:] != owner[:-1]
    group_start = np.maximum.accumulate(np.where(start, np.arange(len(owner)), 0))
    rank = np.arange(len(owner)) - group_start
    keep = rank < k
    return owner[keep], other[keep], score[keep], rank[keep] + 1


def _needs_rescan(owner: np.ndarray, score: np.ndarray, rank: np.ndarray, n: int, k: int) -> np.ndarray:
    """Owners whose blocked top-K could still change: fewer than K candidates, or K-th below the bound."""
    count = np.bincount(owner, minlength=n)
    kth = np.full(n, -np.inf)
    at_k = rank == k
    kth[owner[at_k]] = score[at_k]
    return (count < k) | (kth < BLOCK_UPPER_BOUND)


# ------------------------------------------------------------------------------------------ batch strategies


def _by_seeker(ctx: _Context, k: int, exhaustive: bool) -> tuple[np.ndarray, ...]:
    sx, px = ctx.seekers, ctx.posts
    able = sx.ability < 3
    signatures = sx.signatures()
    region = {areas: px.within(areas, ctx.available) for areas in signatures}
    rescan = np.zeros(len(sx), dtype=bool)
    cands = _Candidates()
    if not exhaustive:
        post_block = np.array([b or "" for b in px.block], dtype=object)
        for areas, rows in signatures.items():
            rows = rows[able[rows]]
            p_rows, position, area_len, area_code = region[areas]
            if len(rows) == 0 or len(p_rows) == 0:
                continue
            by_key: dict[str, list[int]] = {}
            for r in rows:
                for key in sx.block_keys[r]:
                    by_key.setdefault(key, []).append(r)
            blocks = post_block[p_rows]
            for key, members in by_key.items():
                sel = blocks == key
                if sel.any():
                    _scan_block(ctx, cands, np.array(members, dtype=np.int64), p_rows[sel], position[sel],
                                area_len[sel], area_code[sel], k, "seeker")
        s, p, sc = cands.arrays()
        s, p, sc, rank = _select(s, p, sc, None, len(px), k)
        rescan = _needs_rescan(s, sc, rank, len(sx), k) & able
        keep = ~rescan[s]
        cands = _Candidates()
        cands.add(s[keep], p[keep], sc[keep])
    else:
        rescan = able.copy()
    ctx.stats.rescored += int(rescan.sum())
    for areas, rows in signatures.items():
        rows = rows[rescan[rows]]
        if len(rows):
            _scan_block(ctx, cands, rows, *region[areas], k, "seeker")
    s, p, sc = cands.arrays()
    return _select(s, p, sc, None, len(px), k)


def _by_post(ctx: _Context, k: int, exhaustive: bool) -> tuple[np.ndarray, ...]:
    sx, px = ctx.seekers, ctx.posts
    able = sx.ability < 3
    counties = px.counties(ctx.available)
    accepting = {c: sx.accepting(c) for c in counties}
    cands = _Candidates()

    def region_rows(county: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        rows, pos = accepting[county]
        keep = able[rows]
        rows, pos = rows[keep], pos[keep]
        return rows, pos, sx.area_len[rows, pos].astype(np.int64), sx.area_code[rows, pos]

    if not exhaustive:
        post_block = [b or "" for b in px.block]
        for county, p_rows in counties.items():
            rows, pos, alen, acode = region_rows(county)
            if len(rows) == 0:
                continue
            by_key: dict[str, list[int]] = {}
            for i, r in enumerate(rows):
                for key in sx.block_keys[r]:
                    by_key.setdefault(key, []).append(i)
            for key in {post_block[p] for p in p_rows} - {""}:
                members = by_key.get(key)
                if not members:
                    continue
                m = np.array(members, dtype=np.int64)
                posts_here = np.array([p for p in p_rows if post_block[p] == key], dtype=np.int64)
                _scan_block(ctx, cands, rows[m], posts_here, pos[m], alen[m], acode[m], k, "post")
        s, p, sc = cands.arrays()
        p, s, sc, rank = _select(p, s, sc, sx.priority[s], len(sx), k)
        rescan = _needs_rescan(p, sc, rank, len(px), k) & ctx.available
        keep = ~rescan[p]
        cands = _Candidates()
        cands.add(s[keep], p[keep], sc[keep])
    else:
        rescan = ctx.available.copy()
    ctx.stats.rescored += int(rescan.sum())
    for county, p_rows in counties.items():
        p_rows = p_rows[rescan[p_rows]]
        if len(p_rows):
            rows, pos, alen, acode = region_rows(county)
            _scan_block(ctx, cands, rows, p_rows, pos, alen, acode, k, "post")
    s, p, sc = cands.arrays()
    p, s, sc, rank = _select(p, s, sc, sx.priority[s], len(sx), k)
    return s, p, sc, rank


# ----------------------------------------------------------------------------------------------- public API


def _build(ctx: _Context, s: np.ndarray, p: np.ndarray, rank: np.ndarray, with_reasons: bool) -> list[Match]:
    """Match objects for selected pairs, components recomputed for these pairs only (vectorised)."""
    if len(s) == 0:
        return []
    sx, px = ctx.seekers, ctx.posts
    position = _positions(ctx, s, p)
    alen = sx.area_len[s, np.maximum(position, 0)].astype(np.int64)
    acode = sx.area_code[s, np.maximum(position, 0)]
    total, parts = _score(ctx, s, p, position, alen, acode, components=True)
    points = {name: np.round(np.float64(WEIGHTS[name]) * parts[name].astype(np.float64), 1) for name in COMPONENTS}
    shown = np.rint(total.astype(np.float64) * 10) / 10
    out = []
    for i in range(len(s)):
        comps = {name: float(points[name][i]) for name in COMPONENTS}
        si, pi = int(s[i]), int(p[i])
        reasons = explain(sx, px, si, pi, int(position[i]), {n: float(parts[n][i]) for n in COMPONENTS}) \
            if with_reasons else ""
        out.append(Match(seeker_key=sx.keys[si], post_key=px.keys[pi], score=float(shown[i]), rank=int(rank[i]),
                         components=comps, reasons=reasons))
    return out


def _positions(ctx: _Context, s: np.ndarray, p: np.ndarray) -> np.ndarray:
    """For each pair, the position of the first wanted area containing the post (-1 if none)."""
    sx, px = ctx.seekers, ctx.posts
    county = px.county[p]
    pos = np.full(len(s), -1, dtype=np.int32)
    for a in range(sx.area_len.shape[1] - 1, -1, -1):
        alen = sx.area_len[s, a].astype(np.int64)
        code = sx.area_code[s, a]
        present = a < sx.area_count[s]
        contains = present & ((alen == 0) | (county // np.power(np.int64(10), 6 - alen) == code))
        pos = np.where(contains, a, pos)
    return pos


def match(seekers: Sequence[Seeker] | SeekerIndex, posts: Sequence[Post] | PostIndex, *, today: date,
          top_k: int = 10, by: Literal["seeker", "post"] = "seeker", exhaustive: bool = False,
          reasons: bool = True, stats: MatchStats | None = None) -> list[Match]:
    """Ranked matches: the best ``top_k`` posts per seeker (``by='seeker'``) or seekers per post (``by='post'``).

    Hard filters: the post lies within the worker's wanted areas; the worker's age on ``today`` is within the
    post's range; labour ability fits the intensity; the post is open, has places left and is not past its
    closing date. ``exhaustive`` switches off occupation blocking (for checks; the result is the same up to exact
    ties). The list is ordered by seeker (or post) in input order, then rank.
    """
    if top_k < 1:
        raise ValueError("top_k 必须为正整数")
    if by not in ("seeker", "post"):
        raise ValueError("by 只能是 'seeker'（为求职者推荐岗位）或 'post'（为岗位推荐求职者）")
    sx = seekers if isinstance(seekers, SeekerIndex) else SeekerIndex(seekers)
    px = posts if isinstance(posts, PostIndex) else PostIndex(posts)
    ctx = _Context(sx, px, today, stats or MatchStats())
    if len(sx) == 0 or len(px) == 0:
        return []
    if by == "seeker":
        s, p, _score_, rank = _by_seeker(ctx, top_k, exhaustive)
        order = np.lexsort((rank, s))
    else:
        s, p, _score_, rank = _by_post(ctx, top_k, exhaustive)
        order = np.lexsort((rank, p))
    return _build(ctx, s[order], p[order], rank[order], reasons)


def match_one_post(post: Post, seekers_index: SeekerIndex, *, today: date, top_k: int = 10,
                   reasons: bool = True) -> list[Match]:
    """The best ``top_k`` seekers for one new post, scored against every seeker who accepts its county."""
    px = PostIndex([post])
    ctx = _Context(seekers_index, px, today)
    if not ctx.available[0]:
        return []
    sx = seekers_index
    rows, pos = sx.accepting(post.region_code)
    keep = sx.ability[rows] < 3
    rows, pos = rows[keep], pos[keep]
    cands = _Candidates()
    _scan_block(ctx, cands, rows, np.zeros(1, dtype=np.int64), pos, sx.area_len[rows, pos].astype(np.int64),
                sx.area_code[rows, pos], top_k, "post")
    s, p, sc = cands.arrays()
    p, s, sc, rank = _select(p, s, sc, sx.priority[s], len(sx), top_k)
    return _build(ctx, s, p, rank, reasons)


def match_one_seeker(seeker: Seeker, posts_index: PostIndex, *, today: date, top_k: int = 10,
                     reasons: bool = True) -> list[Match]:
    """The best ``top_k`` posts for one new seeker, scored against every post within their wanted areas."""
    sx = SeekerIndex([seeker])
    ctx = _Context(sx, posts_index, today)
    if sx.ability[0] >= 3:
        return []
    cands = _Candidates()
    _scan_block(ctx, cands, np.zeros(1, dtype=np.int64), *posts_index.within(sx.areas[0], ctx.available), top_k,
                "seeker")
    s, p, sc = cands.arrays()
    s, p, sc, rank = _select(s, p, sc, None, len(posts_index), top_k)
    return _build(ctx, s, p, rank, reasons)
