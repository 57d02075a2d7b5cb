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
therefore the exhaustive one, up to exact ties at the bound. Region blocks small enough to scan whole (a county)
are not split at all.

Within a block each score factor is computed once per distinct seeker profile (what that factor depends on)
and the factors are added as integer points with row gathers (``_block_scores``).

Scores are computed for whole blocks with NumPy (scoring.py); top-K uses ``argpartition``; title similarity
uses ``rapidfuzz.process.cdist`` on unique strings. Python loops run per block or per selected match, never per
candidate pair.

Ordering: higher score first. For candidates per post, a 优先保障对象 (脱贫人口, 监测对象) comes first among those
with the same displayed score (one decimal), never above a higher one (人社部发〔2021〕26号 (五) and
友人社联发〔2022〕1号 (二十三): priority in placement, not a better fit). Remaining ties go to input order.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import numpy as np

from matching.blocking import PostIndex, SeekerIndex
from matching.explain import explain_many
from matching.model import Match, Post, Seeker
from matching.scoring import (
    BLOCK_UPPER_BOUND,
    COMPONENTS,
    LABOUR_ALLOWED,
    PREFERENCE,
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

__all__ = ["CHUNK_OWNERS", "MatchStats", "MatchTable", "iter_matches", "match", "match_one_post",
           "match_one_seeker", "match_table", "score_matrix"]

CHUNK_OWNERS = 10_000  # seekers (or posts) whose Match objects iter_matches builds at once
_PASS_OWNERS = 100_000  # seekers (or posts) whose candidates one pass of the engine keeps at once
_CELLS_PER_CHUNK = 1 << 20  # seeker × post cells scored at once
_SMALL_BLOCK = 1 << 22  # region blocks up to this many cells are scanned whole (exact, fewer tiny blocks)
_DENSE_TEXT_LIMIT = 1 << 24  # unique wanted × unique post titles kept as one dense matrix
# Points are added as integers (1/10000 of a point): integer addition is associative, so a score is the same
# whichever way the factors are grouped (block tables, merged tables, one pair at a time).
UNITS = 10_000
_INVALID = -1
_NEG = -100_000_000  # added by a failed hard filter: the sum of the factors goes negative
_MERGE_ROWS = 4096  # factor tables are merged while the merged table stays this small
_MERGE_CELLS = 1 << 22  # ... and holds at most this many cells
_FEW_POSTS = 4  # blocks with this few posts are scored seeker by seeker (no profile sharing)


@dataclass
class MatchStats:
    """What a batch run did (for benchmarks and logs)."""

    pairs_scored: int = 0  # seeker × post cells covered
    profile_cells: int = 0  # cells actually computed (distinct seeker profiles × posts)
    blocks: int = 0
    rescored: int = 0  # workers or posts rescored over their whole region block


@dataclass
class _Context:
    seekers: SeekerIndex
    posts: PostIndex
    today: date
    stats: MatchStats = field(default_factory=MatchStats)

    def __post_init__(self) -> None:
        self.relation = code_table().padded  # the id -1 (no code) agrees with nothing
        self.age, self.place_profile = self.seekers.on(self.today)
        self.available = self.posts.available(self.today)
        self._counties: tuple[dict, dict] | None = None
        nw, np_ = len(self.seekers.titles), len(self.posts.titles)
        self.text: np.ndarray | None = None
        if nw * np_ <= _DENSE_TEXT_LIMIT:
            self.text = np.zeros((nw + 1, np_ + 1), dtype=np.float32)
            self.text[:-1, :-1] = text_similarity(self.seekers.titles.texts, self.posts.titles.texts)

    def counties(self) -> tuple[dict, dict]:
        """Available posts grouped by county, and the seekers accepting each county (computed once)."""
        if self._counties is None:
            every = self.posts.counties(self.available)
            self._counties = every, {c: self.seekers.accepting(c) for c in every}
        return self._counties


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


def _occupation_part(ctx: _Context, s: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Occupation agreement (0–1) of seeker rows ``s`` × post rows ``p``: the best over the wanted titles.

    For a block (``s`` a column, ``p`` a row) the agreement is first computed per distinct wanted title and
    then gathered; the maximum is exact, so both ways give identical values.
    """
    sx, px = ctx.seekers, ctx.posts
    code = px.code[p]
    wanted_code, wanted_text = sx.wanted_code[s], sx.wanted_text[s]
    shape = np.broadcast_shapes(s.shape, p.shape)
    best = np.zeros(shape, dtype=np.float32)
    if s.ndim == 2 and s.shape[1] == 1 and p.ndim == 2 and p.shape[0] == 1:
        texts, first = np.unique(wanted_text.reshape(-1), return_index=True)
        keep = texts >= 0
        texts, codes = texts[keep], wanted_code.reshape(-1)[first[keep]]
        text, rows, cols = _text_lookup(ctx, texts, px.title_text[p])
        per_title = np.zeros((len(texts) + 1, shape[1]), dtype=np.float32)  # last row: no title
        per_title[:-1] = np.maximum(ctx.relation[codes[:, None], code], text[rows[:, None], cols])
        for t in range(wanted_text.shape[-1]):
            column = wanted_text[:, 0, t] if wanted_text.ndim == 3 else wanted_text[..., t].reshape(-1)
            if t and (column < 0).all():  # titles are packed left: no one has more
                break
            at = np.where(column >= 0, np.searchsorted(texts, np.maximum(column, 0)), len(texts))
            np.maximum(best, per_title[at], out=best)
    else:
        text, wanted_rows, title_cols = _text_lookup(ctx, wanted_text, px.title_text[p])
        for t in range(wanted_code.shape[-1]):
            if t and (wanted_text[..., t] < 0).all():
                break
            best = np.maximum(best, np.maximum(ctx.relation[wanted_code[..., t], code],
                                               text[wanted_rows[..., t], title_cols]))
    return occupation_component(best, np.zeros_like(best), sx.has_wanted[s]), best


def _parts(ctx: _Context, s: np.ndarray, p: np.ndarray, position: np.ndarray, area_len: np.ndarray,
           area_code: np.ndarray, which: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """One factor of the score (weighted points) for seeker rows ``s`` × post rows ``p`` (shapes that broadcast).

    The score is the sum of five factors, each depending on few seeker attributes, so that each is computed
    once per distinct seeker profile and shared (see :func:`_block_scores`): occupation (wanted titles), skills
    (certificates and skills), wage (expectation), education (level; the labour-ability filter) and place (home
    and age; place, lodging, the area and age filters). A failed filter adds :data:`_NEG`.
    """
    sx, px = ctx.seekers, ctx.posts
    shape = np.broadcast_shapes(s.shape, p.shape)
    if which == "occupation":
        occupation, _ = _occupation_part(ctx, s, p)
        return _points(WEIGHTS["occupation"] * occupation), {"occupation": occupation}
    if which == "skills":
        skill_code = sx.skill_code[s]
        code = px.code[p]
        skill_rel = np.zeros(shape, dtype=np.float32)
        for k in range(skill_code.shape[-1]):
            if k and (skill_code[..., k] < 0).all():
                break
            skill_rel = np.maximum(skill_rel, ctx.relation[skill_code[..., k], code])
        skills = skills_component(sx.held[s], px.required[p], skill_rel)
        return _points(WEIGHTS["skills"] * skills), {"skills": skills}
    if which == "wage":
        wage = wage_component(sx.expected[s], px.wage_low[p], px.wage_high[p])
        return _points(WEIGHTS["wage"] * wage), {"wage": wage}
    if which == "education":
        education = education_component(sx.education[s], px.education[p])
        ok = LABOUR_ALLOWED[sx.ability[s], px.intensity[p]]
        return np.where(ok, _points(WEIGHTS["education"] * education), np.int32(_NEG)), {"education": education}
    home, county = sx.home[s], px.county[p]
    place = place_component(position, area_len, area_code, home, county)
    lodging = lodging_component(home, county, px.board[p], px.lodging[p])
    age = ctx.age[s]
    ok = (position >= 0) & ((age < 0) | ((age >= px.age_min[p]) & (age <= px.age_max[p])))
    total = _points(WEIGHTS["place"] * place) + _points(WEIGHTS["lodging"] * lodging)
    return np.where(ok, total, np.int32(_NEG)), {"place": place, "lodging": lodging}


def _points(weighted: np.ndarray) -> np.ndarray:
    """Weighted component values as integer points (1/:data:`UNITS` of a point)."""
    return np.rint(weighted * UNITS).astype(np.int32)


_FACTORS = ("occupation", "skills", "wage", "education", "place")


def _score(ctx: _Context, s: np.ndarray, p: np.ndarray, position: np.ndarray, area_len: np.ndarray,
           area_code: np.ndarray, *, components: bool = False
           ) -> np.ndarray | tuple[np.ndarray, dict[str, np.ndarray]]:
    """Integer scores (1/:data:`UNITS` of a point) of seeker rows ``s`` × post rows ``p`` (shapes that broadcast);
    -1 where a filter fails. Elementwise; the block scan gives the same integers."""
    total = None
    parts: dict[str, np.ndarray] = {}
    for which in _FACTORS:
        value, more = _parts(ctx, s, p, position, area_len, area_code, which)
        total = value if total is None else total + value
        parts.update(more)
    total = np.where(total >= 0, total, np.int32(_INVALID))
    if components:
        return total, parts
    return total


# ------------------------------------------------------------------------------------------------- selection


def _shown(total: np.ndarray) -> np.ndarray:
    """The displayed score in tenths of a point (round half up) of integer scores."""
    return (total.astype(np.int64) + UNITS // 20) // (UNITS // 10)


def _keys(total: np.ndarray, owner_priority: np.ndarray | None, index: np.ndarray, size: int) -> np.ndarray:
    """Integer sort keys, larger first: displayed score (1 decimal), priority, exact score, then input order."""
    key = total.astype(np.int64)
    if owner_priority is not None:
        key = (_shown(total) * 2 + owner_priority.astype(np.int64)) * (100 * UNITS + 1) + key
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
            return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int32)
        return np.concatenate(self.seeker), np.concatenate(self.post), np.concatenate(self.score)


def _dense_ids(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Dense ids (0..n-1) of 1-D integer values, and n."""
    unique, inverse = np.unique(values, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), len(unique)


def _first_of(inverse: np.ndarray, n: int) -> np.ndarray:
    """Position of the first occurrence of each id 0..n-1 in ``inverse``."""
    first = np.full(n, len(inverse), dtype=np.int64)
    np.minimum.at(first, inverse, np.arange(len(inverse)))
    return first


def _profile_rows(ctx: _Context, s: np.ndarray, position: np.ndarray, area_len: np.ndarray,
                  area_code: np.ndarray, per_seeker_area: bool) -> list[tuple[np.ndarray, np.ndarray]]:
    """For each factor, the distinct profiles among seeker rows ``s``: (first row of each, inverse index)."""
    sx = ctx.seekers
    out = []
    for which in _FACTORS:
        if which != "place":
            pid = sx.profiles[which][s]
        elif per_seeker_area:  # home and age, and which wanted area holds the post, as one integer
            # Positions from len(PREFERENCE) - 1 on score alike; -1 (no area) stays apart.
            slot = np.minimum(position + 1, len(PREFERENCE))
            pid = ((ctx.place_profile[s] * 8 + slot) * 8 + area_len // 2) * 1_000_000 + area_code
        else:
            pid = ctx.place_profile[s]
        inverse, n = _dense_ids(pid)
        out.append((_first_of(inverse, n), inverse))
    return out


def _combine(profiles: list[tuple[np.ndarray, np.ndarray]], priority: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seekers equal on every factor and on priority share one row: (factor ids per row, first seeker, inverse)."""
    key, size = priority.astype(np.int64), 2
    for first, inverse in profiles:  # pairwise, so that the combined key never overflows
        key, size = _dense_ids(key * len(first) + inverse)
    rep = _first_of(key, size)
    return np.stack([inv[rep] for _, inv in profiles], axis=1), rep, key


def _merge_small(tables: list[tuple[np.ndarray, np.ndarray]], limit: int = _MERGE_ROWS
                 ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Merge factor tables with few rows into one (all sums of their rows), so that fewer gathers are needed.

    Exact: the points are integers.
    """
    tables = sorted(tables, key=lambda t: len(t[0]))
    # A merged table has one row per pair of rows, each as wide as the block has posts: bounded in cells too,
    # or a province-wide block (tens of thousands of posts) would merge into a table of gigabytes.
    width = tables[0][0].shape[1] if tables and tables[0][0].ndim == 2 else 1
    limit = min(limit, max(1, _MERGE_CELLS // max(width, 1)))
    while len(tables) > 1 and len(tables[0][0]) * len(tables[1][0]) <= limit:
        (a, ia), (b, ib) = tables[0], tables[1]
        both = (a[:, None, :] + b[None, :, :]).reshape(len(a) * len(b), a.shape[1])
        tables = sorted([(both, ia * len(b) + ib), *tables[2:]], key=lambda t: len(t[0]))
    return tables


def _block_scores(ctx: _Context, s: np.ndarray, p: np.ndarray, position: np.ndarray, area_len: np.ndarray,
                  area_code: np.ndarray, per_seeker_area: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores of distinct seeker profiles × posts, the first seeker row of each profile and the inverse.

    Each factor is computed once per distinct value of what it depends on, then the factors are added with row
    gathers; seekers equal on everything share one row.
    """
    if len(p) <= _FEW_POSTS:  # sorting out profiles costs more than scoring every seeker directly
        area = (position[:, None], area_len[:, None], area_code[:, None]) if per_seeker_area else (
            position[None, :], area_len[None, :], area_code[None, :])
        total = _score(ctx, s[:, None], p[None, :], *area)
        ctx.stats.pairs_scored += total.size
        ctx.stats.profile_cells += total.size
        identity = np.arange(len(s))
        return total, identity, identity
    profiles = _profile_rows(ctx, s, position, area_len, area_code, per_seeker_area)
    tables = []
    for which, (first, _inverse) in zip(_FACTORS, profiles, strict=True):
        if which == "place" and per_seeker_area:
            area = (position[first][:, None], area_len[first][:, None], area_code[first][:, None])
        elif which == "place":
            area = (position[None, :], area_len[None, :], area_code[None, :])
        else:
            area = (position, area_len, area_code)  # unused by the other factors
        tables.append(_parts(ctx, s[first][:, None], p[None, :], *area, which)[0])
    factor_ids, rep, inverse = _combine(profiles, ctx.seekers.priority[s])
    merged = _merge_small(list(zip(tables, factor_ids.T, strict=True)))
    total = merged[0][0][merged[0][1]]
    for table, ids in merged[1:]:
        total += table[ids]
    total = np.where(total >= 0, total, np.int32(_INVALID))
    ctx.stats.pairs_scored += len(s) * len(p)
    ctx.stats.profile_cells += total.size
    return total, rep, inverse


def _scan_block(ctx: _Context, cands: _Candidates, s_rows: np.ndarray, p_rows: np.ndarray, position: np.ndarray,
                area_len: np.ndarray, area_code: np.ndarray, k: int, by: str) -> None:
    """Score one block (seekers × posts), chunked, and keep each owner's best ``k`` in that block.

    ``position``/``area_len``/``area_code`` describe the wanted area containing each pair: per post when ranking
    posts for seekers that share their wanted areas (by seeker), per seeker when ranking seekers for posts of one
    county (by post). ``s_rows`` must be ascending (ties go to the lower row).
    """
    if len(s_rows) == 0 or len(p_rows) == 0:
        return
    ctx.stats.blocks += 1
    if by == "seeker":
        step = max(1, _CELLS_PER_CHUNK // len(p_rows))
        for start in range(0, len(s_rows), step):
            s = s_rows[start:start + step]
            total, rep, inverse = _block_scores(ctx, s, p_rows, position, area_len, area_code, False)
            key = np.where(total >= 0, _keys(total, None, p_rows[None, :], len(ctx.posts)), -1)
            r, c = _top_in_block(key, k, axis=1)
            # Seekers sharing a profile share its offers: expand profile rows to seekers.
            order = np.argsort(r, kind="stable")
            r, c = r[order], c[order]
            counts = np.bincount(r, minlength=len(rep))
            starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
            n_each = counts[inverse]
            seeker_pos = np.repeat(np.arange(len(s)), n_each)
            offset = np.arange(len(seeker_pos)) - np.repeat(np.cumsum(n_each) - n_each, n_each)
            picked = starts[inverse][seeker_pos] + offset
            cands.add(s[seeker_pos], p_rows[c[picked]], total[r[picked], c[picked]])
    else:
        step = max(1, _CELLS_PER_CHUNK // len(s_rows))
        for start in range(0, len(p_rows), step):
            p = p_rows[start:start + step]
            total, rep, inverse = _block_scores(ctx, s_rows, p, position, area_len, area_code, True)
            priority = ctx.seekers.priority[s_rows[rep]][:, None]
            key = np.where(total >= 0, _keys(total, priority, s_rows[rep][:, None], len(ctx.seekers)), -1)
            r, c = _top_in_block(key, k, axis=0)
            # A profile row stands for all its seekers; the best k seekers of a post are among the first k
            # members (lowest rows) of its best k profile rows.
            cand = _first_members(inverse, r, k)  # (n, k) seeker positions, -1 padded
            valid = cand >= 0
            cands.add(s_rows[cand[valid]], np.repeat(p[c], k)[valid.reshape(-1)],
                      np.repeat(total[r, c], k)[valid.reshape(-1)])


def _first_members(inverse: np.ndarray, profiles: np.ndarray, k: int) -> np.ndarray:
    """For each of ``profiles``, the positions of its first ``k`` members (ascending), padded with -1."""
    wanted, slot = np.unique(profiles, return_inverse=True)
    at = np.flatnonzero(np.isin(inverse, wanted))  # ascending positions
    group = np.searchsorted(wanted, inverse[at])
    order = np.argsort(group, kind="stable")
    at, group = at[order], group[order]
    starts = np.searchsorted(group, np.arange(len(wanted)))
    rank = np.arange(len(at)) - starts[group]
    table = np.full((len(wanted), k), -1, dtype=np.int64)
    keep = rank < k
    table[group[keep], rank[keep]] = at[keep]
    return table[slot.reshape(-1)]


def _select(owner: np.ndarray, other: np.ndarray, score: np.ndarray, priority: np.ndarray | None, size: int,
            k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Best ``k`` per owner over all candidates; returns (owner, other, score, rank) sorted by owner, rank."""
    if len(owner) == 0:
        empty = np.empty(0, np.int64)
        return empty, empty, np.empty(0, np.int32), empty
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
    kth = np.full(n, -1, dtype=np.int64)
    at_k = rank == k
    kth[owner[at_k]] = score[at_k]
    return (count < k) | (kth < round(BLOCK_UPPER_BOUND * UNITS))


# ------------------------------------------------------------------------------------------ batch strategies


def _by_seeker(ctx: _Context, k: int, exhaustive: bool,
               signatures: dict[tuple[str, ...], np.ndarray] | None = None) -> tuple[np.ndarray, ...]:
    """Top-K posts of every seeker, or of the seekers of ``signatures`` (region blocks: seekers grouped by
    their wanted areas). A seeker's top-K depends on nobody else's, so a run may take its region blocks a
    pass at a time; each block's posts are looked up for its pass only."""
    sx, px = ctx.seekers, ctx.posts
    able = sx.ability < 3
    if signatures is None:
        signatures = sx.signatures()
    else:
        mine = np.zeros(len(sx), dtype=bool)
        for rows in signatures.values():
            mine[rows] = True
        able &= mine
    region = {areas: px.within(areas, ctx.available) for areas in signatures}
    # Small region blocks are cheaper to scan whole than to split by occupation group.
    rescan = np.zeros(len(sx), dtype=bool)
    for areas, rows in signatures.items():
        if exhaustive or len(rows) * len(region[areas][0]) <= _SMALL_BLOCK:
            rescan[rows] = True
    rescan &= able
    cands = _Candidates()
    if not rescan[able].all():
        post_block = np.array([b or "" for b in px.block], dtype=object)
        for areas, rows in signatures.items():
            rows = rows[able[rows] & ~rescan[rows]]
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
        blocked = able & ~rescan
        rescan |= _needs_rescan(s, sc, rank, len(sx), k) & blocked
        keep = ~rescan[s]
        cands = _Candidates()
        cands.add(s[keep], p[keep], sc[keep])
    ctx.stats.rescored += int(rescan.sum())
    for areas, rows in signatures.items():
        rows = rows[rescan[rows]]
        if len(rows):
            _scan_block(ctx, cands, rows, *region[areas], k, "seeker")
    s, p, sc = cands.arrays()
    return _select(s, p, sc, None, len(px), k)


def _by_post(ctx: _Context, k: int, exhaustive: bool, subset: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """Top-K seekers of every post (of ``subset``, a mask, when given: posts are independent of each other)."""
    sx, px = ctx.seekers, ctx.posts
    able = sx.ability < 3
    available = ctx.available if subset is None else ctx.available & subset
    every, accepting = ctx.counties()
    counties = {c: rows[available[rows]] for c, rows in every.items()}
    counties = {c: rows for c, rows in counties.items() if len(rows)}
    cands = _Candidates()

    def region_rows(county: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        rows, pos = accepting[county]
        keep = able[rows]
        rows, pos = rows[keep], pos[keep]
        return rows, pos, sx.area_len[rows, pos].astype(np.int64), sx.area_code[rows, pos]

    rescan = np.zeros(len(px), dtype=bool)
    for county, p_rows in every.items():  # the whole county decides, whichever of its posts this pass takes
        if exhaustive or len(accepting[county][0]) * len(p_rows) <= _SMALL_BLOCK:
            rescan[p_rows] = True
    rescan &= available
    if not rescan[available].all():
        post_block = [b or "" for b in px.block]
        for county, p_rows in counties.items():
            p_rows = p_rows[~rescan[p_rows]]
            rows, pos, alen, acode = region_rows(county)
            if len(rows) == 0 or len(p_rows) == 0:
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
        blocked = available & ~rescan
        rescan |= _needs_rescan(p, sc, rank, len(px), k) & blocked
        keep = ~rescan[p]
        cands = _Candidates()
        cands.add(s[keep], p[keep], sc[keep])
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


@dataclass(frozen=True)
class MatchTable:
    """Ranked matches as columns, without an object per pair (:func:`match_table`): row ``i`` is the match of
    seeker ``seeker_keys[i]`` and post ``post_keys[i]``, with the rank, displayed score and reasons that the
    :class:`Match` of :func:`match` has for the pair."""

    seeker_keys: list[str]
    post_keys: list[str]
    rank: list[int]
    score: list[float]
    reasons: list[str]

    def __len__(self) -> int:
        return len(self.rank)


def _build(ctx: _Context, s: np.ndarray, p: np.ndarray, rank: np.ndarray, with_reasons: bool) -> list[Match]:
    """Match objects for selected pairs, components recomputed for these pairs only (vectorised)."""
    if len(s) == 0:
        return []
    sx, px = ctx.seekers, ctx.posts
    shown, parts, reasons = _pairs(ctx, s, p, with_reasons, components=True)
    points = {n: np.round(np.float64(WEIGHTS[n]) * parts[n].astype(np.float64), 1).tolist() for n in COMPONENTS}
    shown = (shown / 10).tolist()
    seeker_keys = [sx.keys[i] for i in s.tolist()]
    post_keys = [px.keys[i] for i in p.tolist()]
    components = [
        {"occupation": o, "skills": k, "wage": w, "place": pl, "lodging": lo, "education": ed}
        for o, k, w, pl, lo, ed in zip(*(points[n] for n in COMPONENTS), strict=True)
    ]
    return [Match(sk, pk, sc, rk, comp, why)
            for sk, pk, sc, rk, comp, why in zip(seeker_keys, post_keys, shown, rank.tolist(), components, reasons,
                                                 strict=True)]


def _pairs(ctx: _Context, s: np.ndarray, p: np.ndarray, with_reasons: bool, *, components: bool = False
           ) -> tuple[np.ndarray, dict[str, np.ndarray] | None, list[str]]:
    """For selected pairs: the displayed scores (tenths of a point), the score components (with ``components``)
    and the reasons (empty without ``with_reasons``), recomputed for these pairs only (vectorised)."""
    sx = ctx.seekers
    position = _positions(ctx, s, p)
    at = np.maximum(position, 0)
    scored = _score(ctx, s, p, position, sx.area_len[s, at].astype(np.int64), sx.area_code[s, at],
                    components=components)
    total, parts = scored if components else (scored, None)
    reasons = explain_many(sx, ctx.posts, s.tolist(), p.tolist(), position.tolist()) if with_reasons else [""] * len(s)
    return _shown(total), parts, reasons


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
    ties). The list is ordered by seeker (or post) in input order, then rank. For large runs use
    :func:`iter_matches`, which gives the same matches a block at a time.
    """
    sx = seekers if isinstance(seekers, SeekerIndex) else SeekerIndex(seekers)
    px = posts if isinstance(posts, PostIndex) else PostIndex(posts)
    found = [m for chunk in iter_matches(sx, px, today=today, top_k=top_k, by=by, exhaustive=exhaustive,
                                         reasons=reasons, stats=stats) for m in chunk]
    if by == "seeker":  # blocks come region block by region block; the list is in input order
        position = {key: i for i, key in enumerate(sx.keys)}
        found.sort(key=lambda m: (position[m.seeker_key], m.rank))
    return found


def iter_matches(seekers: Sequence[Seeker] | SeekerIndex, posts: Sequence[Post] | PostIndex, *, today: date,
                 top_k: int = 10, by: Literal["seeker", "post"] = "seeker", exhaustive: bool = False,
                 reasons: bool = True, stats: MatchStats | None = None,
                 block: int = CHUNK_OWNERS) -> Iterator[list[Match]]:
    """The matches of :func:`match` as lists covering up to ``block`` whole owners (seekers for
    ``by='seeker'``, posts for ``by='post'``) each, in rank order within an owner. Posts come in input order;
    seekers region block by region block (by wanted areas), in input order within a pass.

    Each owner's top-K depends on no other owner's, so the engine takes the owners a pass of
    ``_PASS_OWNERS`` at a time: candidates and selections exist for one pass, and the ``Match`` objects, with
    their components and reasons, for one block. A caller that writes each block away (``bangfu match run``)
    runs a province in bounded memory; the indexes, the region blocks and the rescan decisions are shared by
    all passes, so the result is exactly the one-pass result.
    """
    for ctx, s, p, rank in _selected(seekers, posts, today, top_k, by, exhaustive, stats, block):
        yield _build(ctx, s, p, rank, reasons)


def match_table(seekers: Sequence[Seeker] | SeekerIndex, posts: Sequence[Post] | PostIndex, *, today: date,
                top_k: int = 10, by: Literal["seeker", "post"] = "seeker", reasons: bool = True,
                stats: MatchStats | None = None) -> MatchTable:
    """The matches of :func:`match`, in the same order, as one :class:`MatchTable`: no ``Match`` object and no
    score components per pair. For callers that write many matches at once (a county list gives 10^5 pairs:
    ``bangfu match DEMAND SUPPLY``); a province run goes block by block through :func:`iter_matches`."""
    found_s, found_p, found_rank, found_shown, found_reasons = [], [], [], [], []
    ctx = None
    for ctx, s, p, rank in _selected(seekers, posts, today, top_k, by, False, stats, CHUNK_OWNERS):
        shown, _, why = _pairs(ctx, s, p, reasons)
        found_s.append(s)
        found_p.append(p)
        found_rank.append(rank)
        found_shown.append(shown)
        found_reasons.extend(why)
    if ctx is None:
        return MatchTable([], [], [], [], [])
    s, p, rank, shown = (np.concatenate(parts) for parts in (found_s, found_p, found_rank, found_shown))
    if by == "seeker":  # blocks come region block by region block; the table is in input order
        order = np.lexsort((rank, s))
        s, p, rank, shown = s[order], p[order], rank[order], shown[order]
        found_reasons = np.array(found_reasons, dtype=object)[order].tolist()
    seeker_keys, post_keys = ctx.seekers.keys, ctx.posts.keys
    return MatchTable([seeker_keys[i] for i in s.tolist()], [post_keys[i] for i in p.tolist()], rank.tolist(),
                      (shown / 10).tolist(), found_reasons)


def _selected(seekers: Sequence[Seeker] | SeekerIndex, posts: Sequence[Post] | PostIndex, today: date, top_k: int,
              by: str, exhaustive: bool, stats: MatchStats | None, block: int
              ) -> Iterator[tuple[_Context, np.ndarray, np.ndarray, np.ndarray]]:
    """The selected (seeker, post, rank) rows, up to ``block`` whole owners at a time, owners sorted."""
    if top_k < 1:
        raise ValueError("top_k 必须为正整数")
    if by not in ("seeker", "post"):
        raise ValueError("by 只能是 'seeker'（为求职者推荐岗位）或 'post'（为岗位推荐求职者）")
    if block < 1:
        raise ValueError("block 必须为正整数")
    sx = seekers if isinstance(seekers, SeekerIndex) else SeekerIndex(seekers)
    px = posts if isinstance(posts, PostIndex) else PostIndex(posts)
    if len(sx) == 0 or len(px) == 0:
        return
    ctx = _Context(sx, px, today, stats or MatchStats())
    for s, p, rank, owner in _passes(ctx, by, top_k, exhaustive):
        order = np.lexsort((rank, owner))
        s, p, rank, owner = s[order], p[order], rank[order], owner[order]
        del order
        # Owners are sorted: a block ends where the count of owners seen reaches a multiple of ``block``.
        starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]) if len(owner) else np.empty(0, np.int64)
        bounds = np.r_[starts[::block], len(owner)] if len(owner) else []
        for start, end in zip(bounds[:-1], bounds[1:], strict=False):
            yield ctx, s[start:end], p[start:end], rank[start:end]


def _passes(ctx: _Context, by: str, k: int, exhaustive: bool) -> Iterator[tuple[np.ndarray, ...]]:
    """(seeker, post, rank, owner) arrays for up to ``_PASS_OWNERS`` owners at a time: workers a few region
    blocks at a time (whole blocks), posts in input order."""
    if by == "seeker":
        group: dict[tuple[str, ...], np.ndarray] = {}
        size = 0
        signatures = ctx.seekers.signatures()
        for number, (areas, rows) in enumerate(signatures.items(), start=1):
            group[areas] = rows
            size += len(rows)
            if size >= _PASS_OWNERS or number == len(signatures):
                whole = len(group) == len(signatures)
                s, p, _, rank = _by_seeker(ctx, k, exhaustive, None if whole else group)
                yield s, p, rank, s
                group, size = {}, 0
        return
    owners = len(ctx.posts)
    for first in range(0, owners, _PASS_OWNERS):
        subset = None
        if owners > _PASS_OWNERS:
            subset = np.zeros(owners, dtype=bool)
            subset[first:first + _PASS_OWNERS] = True
        s, p, _, rank = _by_post(ctx, k, exhaustive, subset)
        yield s, p, rank, p


def score_matrix(seekers: SeekerIndex, posts: PostIndex, *, today: date) -> np.ndarray:
    """The score of every seeker × post pair (float32, seekers × posts); -1 where a hard filter fails.

    For checks and county-sized sets: it fills the whole matrix. The factors that do not depend on place are
    computed once per distinct seeker profile against all posts; place per region block.
    """
    ctx = _Context(seekers, posts, today)
    n_posts = len(posts)
    out = np.full((len(seekers), n_posts), _INVALID, dtype=np.float32)
    if len(seekers) == 0 or n_posts == 0:
        return out
    every_post = np.arange(n_posts)[None, :]
    none = np.zeros((1, 1), dtype=np.int64)
    tables = []
    for which in _FACTORS[:-1]:
        ids = seekers.profiles[which]
        first = _first_of(ids, int(ids.max()) + 1)
        tables.append((_parts(ctx, first[:, None], every_post, none, none, none, which)[0], ids))
    # Tables in points (float32): three gathers and two additions per cell; a failed filter stays far below 0.
    scale = np.float32(1 / UNITS)
    shared = [(t.astype(np.float32) * scale, ids)
              for t, ids in _merge_small(tables, limit=max(_MERGE_ROWS, len(seekers) // 4))]
    for areas, rows in seekers.signatures().items():
        position, area_len, area_code = (a[None, :] for a in posts.positions(areas))
        place_ids, n_place = _dense_ids(ctx.place_profile[rows])
        first = rows[_first_of(place_ids, n_place)]
        place = _parts(ctx, first[:, None], every_post, position, area_len, area_code, "place")[0].astype(np.float32)
        place *= scale
        step = max(1, _CELLS_PER_CHUNK // n_posts)
        for start in range(0, len(rows), step):
            chunk = rows[start:start + step]
            total = place[place_ids[start:start + step]]
            for table, ids in shared:
                total += table[ids[chunk]]
            out[chunk] = np.maximum(total, np.float32(_INVALID), out=total)
    ctx.stats.pairs_scored += out.size
    out[:, ~ctx.available] = _INVALID
    out[seekers.ability >= 3] = _INVALID
    return out


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
