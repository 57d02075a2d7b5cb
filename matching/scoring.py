"""Hard filters and score components, vectorised over blocks of seeker × post pairs.

Every function takes arrays gathered from a :class:`~matching.blocking.SeekerIndex` and a
:class:`~matching.blocking.PostIndex` that broadcast to one (seekers × posts) matrix; nothing loops per pair.

The score (0–100) is the sum of weighted components, each in 0–1:

=============  ======  ============================================================================
component      weight  what gives full marks
=============  ======  ============================================================================
occupation     40      same occupation code; then same 小类, same 中类, text similarity (≤ 0.5)
skills         15      the worker holds every certificate the post asks for, and related skills
wage           15      the post's lowest wage meets the worker's expectation (面议: 0.5)
place          15      the worker's first-choice area; nearer home within 省内/县内/不限 choices
lodging        10      board and lodging when the post is outside the worker's home prefecture
education      5       meets the post's education requirement (no requirement: full marks)
=============  ======  ============================================================================

Priority (优先保障对象) is not a component: it only breaks ties (engine.py).
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from matching.occupations import level_of, occupations

__all__ = [
    "ANCESTOR_SCORE",
    "BLOCK_UPPER_BOUND",
    "CodeTable",
    "TEXT_CUTOFF",
    "TEXT_MAX",
    "WEIGHTS",
    "block_key",
    "code_table",
    "text_similarity",
]

WEIGHTS: dict[str, float] = {
    "occupation": 40.0,
    "skills": 15.0,
    "wage": 15.0,
    "place": 15.0,
    "lodging": 10.0,
    "education": 5.0,
}
COMPONENTS = tuple(WEIGHTS)

# Occupation agreement between two codes of the classification.
SAME_CODE = 1.0
SAME_SMALL_CLASS = 0.8  # same 小类 (6-18-02-xx)
SAME_GROUP = 0.6  # same 中类 (6-18-xx-xx)
SAME_MAJOR = 0.3  # same 大类 (6-xx-xx-xx)
ANCESTOR_SCORE = {1: 0.5, 2: 0.7, 3: 0.85}  # one code is a group containing the other, by the group's level
NO_WANTED_TITLES = 0.5  # 意向工种 不限: neutral
TEXT_CUTOFF = 60  # fuzz.ratio below this is no evidence
TEXT_MAX = 0.5  # text similarity alone never reaches "same group"

# Blocking on the occupation group is exact up to this bound: a post outside every group the worker wants
# agrees on the occupation at most max(SAME_MAJOR, ANCESTOR_SCORE[1], TEXT_MAX) = 0.5.
BLOCK_UPPER_BOUND = 100.0 - WEIGHTS["occupation"] * (1.0 - max(SAME_MAJOR, ANCESTOR_SCORE[1], TEXT_MAX))

# Place: preference order of the wanted areas, and nearness to home for areas that contain home.
PREFERENCE = np.array([1.0, 0.85, 0.7, 0.6, 0.5], dtype=np.float32)
NEAR_SAME_COUNTY, NEAR_SAME_PREFECTURE, NEAR_SAME_PROVINCE, NEAR_OUTSIDE = 1.0, 0.75, 0.5, 0.25
PLACE_PREFERENCE_SHARE = 0.6

# Labour ability × intensity (rows 普通, 弱, 半, 丧失; columns 轻, 中, 重). Platform rule of the matching issue:
# 弱劳动力 and 半劳动力 only light work, 丧失劳动力 none; unknown intensity counts as 中.
ABILITY_INDEX = {"普通劳动力": 0, "弱劳动力": 1, "半劳动力": 2, "丧失劳动力": 3}
INTENSITY_INDEX = {"轻": 0, "中": 1, "重": 2, None: 1}
LABOUR_ALLOWED = np.array([[True, True, True], [True, False, False], [True, False, False],
                           [False, False, False]])


# ------------------------------------------------------------------------------------------- occupation codes


@dataclass(frozen=True)
class CodeTable:
    """Every code of the classification with an integer id, and the agreement matrix between all pairs."""

    codes: tuple[str, ...]
    ids: dict[str, int]
    padded: np.ndarray  # float32 (n + 1 × n + 1): the agreement matrix and a last row and column of zeros

    @property
    def relation(self) -> np.ndarray:
        """The agreement matrix (float32, n × n)."""
        return self.padded[:-1, :-1]

    def id(self, code: str | None) -> int:
        """Integer id of a code, -1 for None or an unknown code (which, in :attr:`padded`, agrees with
        nothing)."""
        return self.ids.get(code, -1) if code else -1


@functools.cache
def code_table() -> CodeTable:
    """The agreement matrix, built once (about 2,000 × 2,000) and kept in the cache folder, from where a
    process maps it instead of building it again."""
    codes = tuple(occupations())
    return CodeTable(codes=codes, ids={c: i for i, c in enumerate(codes)}, padded=_cached_relation(codes))


def _cached_relation(codes: tuple[str, ...]) -> np.ndarray:
    """The agreement matrix padded with a row and a column of zeros, as kept on disk: a process maps it and
    reads only the pages of the codes it meets (copying it to pad it read all 16 MB, 0.05 s)."""
    from matching.learned import cache_dir, save_arrays

    # Keyed by the codes and this module (the rules and scores of the agreement live here).
    digest = hashlib.sha256("\n".join(codes).encode())
    digest.update(Path(__file__).read_bytes())
    path = cache_dir() / f"code-relation-{digest.hexdigest()[:20]}.npy"
    size = len(codes) + 1
    try:
        padded = np.load(path, mmap_mode="r", allow_pickle=False)
        if padded.shape == (size, size) and padded.dtype == np.float32:
            return np.asarray(padded)  # a plain array over the mapping: indexing a memmap costs more
    except (OSError, ValueError):
        pass  # missing or unreadable: build it again and overwrite
    padded = np.zeros((size, size), dtype=np.float32)
    padded[:-1, :-1] = _relation(codes)
    save_arrays(path, padded)
    return padded


def _relation(codes: tuple[str, ...]) -> np.ndarray:
    n = len(codes)
    level = np.array([level_of(c) for c in codes])
    paths = np.full((n, 4), -1, dtype=np.int64)
    intern: dict[str, int] = {}
    for i, code in enumerate(codes):
        for depth, prefix_len in enumerate((1, 4, 7, 10)):
            if level[i] > depth:
                paths[i, depth] = intern.setdefault(f"{depth}:{code[:prefix_len]}", len(intern))
    rel = np.zeros((n, n), dtype=np.float32)
    equal_so_far = np.ones((n, n), dtype=bool)
    common = np.zeros((n, n), dtype=np.int8)
    for depth in range(4):
        col = paths[:, depth]
        eq = (col[:, None] == col[None, :]) & (col[:, None] >= 0)
        equal_so_far &= eq
        common += equal_so_far
    rel[common >= 1] = SAME_MAJOR
    rel[common >= 2] = SAME_GROUP
    rel[common >= 3] = SAME_SMALL_CLASS
    # One code is a group of the other: they agree on every level the coarser one has.
    coarser = np.minimum(level[:, None], level[None, :])
    ancestor = (common == coarser) & (level[:, None] != level[None, :])
    for lvl, score in ANCESTOR_SCORE.items():
        rel[ancestor & (coarser == lvl)] = score
    np.fill_diagonal(rel, SAME_CODE)
    return rel


def block_key(code: str | None) -> str | None:
    """Blocking key of a code: its 中类 (6-18), or the 大类 itself for a 大类 code; None when unclassified.

    Two codes agree by more than 0.5 only when they share this key (see :data:`BLOCK_UPPER_BOUND`).
    """
    if not code:
        return None
    return code[:1] if level_of(code) <= 1 else code[:4]


def text_similarity(left: list[str], right: list[str]) -> np.ndarray:
    """Occupation agreement from text alone (0–:data:`TEXT_MAX`), all pairs, with ``rapidfuzz.process.cdist``."""
    if not left or not right:
        return np.zeros((len(left), len(right)), dtype=np.float32)
    ratio = process.cdist(left, right, scorer=fuzz.ratio, processor=None, score_cutoff=TEXT_CUTOFF, workers=-1,
                          dtype=np.uint8)
    return ratio.astype(np.float32) * np.float32(TEXT_MAX / 100.0)


# ------------------------------------------------------------------------------------------------ components


def occupation_component(relation_max: np.ndarray, text_max: np.ndarray, has_wanted: np.ndarray) -> np.ndarray:
    """Best agreement over the worker's wanted titles; workers who want any job get the neutral 0.5."""
    best = np.maximum(relation_max, text_max)
    return np.where(has_wanted, best, np.float32(NO_WANTED_TITLES))


def wage_component(expected: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Expected vs offered monthly wage; 面议 (NaN) on either side is neutral (0.5)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        short = (expected - high) / expected
        score = np.where(low >= expected, np.float32(1.0),
                         np.where(high >= expected, np.float32(0.8),
                                  np.clip(np.float32(0.5) - np.float32(2.5) * short, 0.0, 0.5)))
    unknown = np.isnan(expected) | np.isnan(low)
    return np.where(unknown, np.float32(0.5), score).astype(np.float32)


def nearness(home: np.ndarray, county: np.ndarray) -> np.ndarray:
    """1 same county, 0.75 same prefecture, 0.5 same province, 0.25 outside (6-digit codes as integers)."""
    return np.where(home == county, np.float32(NEAR_SAME_COUNTY),
                    np.where(home // 100 == county // 100, np.float32(NEAR_SAME_PREFECTURE),
                             np.where(home // 10000 == county // 10000, np.float32(NEAR_SAME_PROVINCE),
                                      np.float32(NEAR_OUTSIDE))))


def place_component(position: np.ndarray, area_len: np.ndarray, area_code: np.ndarray, home: np.ndarray,
                    county: np.ndarray) -> np.ndarray:
    """First choice over later ones; within an area that contains home (省内, 县内, 不限) nearer is better.

    ``position`` is the index of the first wanted area that contains the post (-1: none, filtered elsewhere);
    ``area_len`` its code length (0 for ANY) and ``area_code`` its integer value.
    """
    pref = PREFERENCE[np.clip(position, 0, len(PREFERENCE) - 1)]
    divisor = np.power(np.int64(10), (6 - area_len).astype(np.int64))
    contains_home = (area_len == 0) | (home // divisor == area_code)
    near = np.where(contains_home, nearness(home, county), np.float32(1.0))
    share = np.float32(PLACE_PREFERENCE_SHARE)
    return (share * pref + (np.float32(1.0) - share) * near).astype(np.float32)


def lodging_component(home: np.ndarray, county: np.ndarray, board: np.ndarray, lodging: np.ndarray) -> np.ndarray:
    """Outside the home prefecture, board and lodging matter: both 1, lodging 0.7, board 0.3, none 0."""
    far = home // 100 != county // 100
    offered = np.where(board & lodging, np.float32(1.0),
                       np.where(lodging, np.float32(0.7), np.where(board, np.float32(0.3), np.float32(0.0))))
    return np.where(far, offered, np.float32(1.0)).astype(np.float32)


def education_component(held: np.ndarray, required: np.ndarray) -> np.ndarray:
    """Meets the requirement 1, one level short 0.4, more 0; unknown education 0.5; no requirement 1."""
    score = np.where(held >= required, np.float32(1.0),
                     np.where(held == required - 1, np.float32(0.4), np.float32(0.0)))
    score = np.where(held < 0, np.float32(0.5), score)
    return np.where(required <= 0, np.float32(1.0), score).astype(np.float32)


def skills_component(held: np.ndarray, required: np.ndarray, skill_relation: np.ndarray) -> np.ndarray:
    """Certificates the post asks for (missing ones lower the score a lot) and related skills.

    ``held`` and ``required`` are certificate bit masks; ``skill_relation`` the best agreement between the
    worker's skills and the post's occupation.
    """
    have = np.bitwise_count(held & required).astype(np.float32)
    need = np.bitwise_count(required).astype(np.float32)
    holds_some = have > 0
    related = np.maximum(skill_relation, holds_some.astype(np.float32))
    skill_part = np.float32(0.6) + np.float32(0.4) * related
    with np.errstate(invalid="ignore", divide="ignore"):
        cert_part = np.where(need > 0, np.float32(0.25) + np.float32(0.75) * have / need, np.float32(1.0))
    return (skill_part * cert_part).astype(np.float32)


def age_on(birth_year: np.ndarray, birth_month_day: np.ndarray, year: int, month_day: int) -> np.ndarray:
    """Whole years of age on a day given as (year, month*100+day); -1 where the birth year is unknown (0)."""
    age = year - birth_year - (birth_month_day > month_day)
    return np.where(birth_year > 0, age, -1).astype(np.int32)
