"""Short Chinese explanations of a match, for workers, brokers and county staff.

Example: "工种相符：电焊工≈焊工（6-18-02-04）；地点：意向浙江 ✓；薪资：期望7000，岗位7000-9000 ✓；优先保障对象".
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz

from matching.occupations import group_of, level_of, occupation
from matching.scoring import (
    NEAR_SAME_COUNTY,
    NEAR_SAME_PREFECTURE,
    NEAR_SAME_PROVINCE,
    SAME_GROUP,
    SAME_SMALL_CLASS,
    TEXT_CUTOFF,
    TEXT_MAX,
    code_table,
)
from matching.skills import EDUCATION_LEVELS, certificate_names

if TYPE_CHECKING:
    from matching.blocking import PostIndex, SeekerIndex

__all__ = ["explain_many"]

_SEP = "；"


def _name(code: str | None) -> str:
    occ = occupation(code) if code else None
    return occ.name if occ else ""


def _small_class(code: str) -> str:
    return f"{code[:7]}-00"


def _occupation_reason(wanted: tuple[str, ...], wanted_codes: tuple[str | None, ...], title: str,
                       code: str | None) -> str:
    if not wanted:
        return "工种：意向不限"
    table = code_table()
    relation, post_id = table.padded, table.id(code)  # the id -1 of an unknown code: the padding, no agreement
    best, best_text, how = -1.0, "", ""
    for text, wcode in zip(wanted, wanted_codes, strict=True):
        rel = float(relation[table.id(wcode), post_id]) if wcode and code else 0.0
        ratio = fuzz.ratio(text, title, processor=None)
        sim = ratio * TEXT_MAX / 100 if ratio >= TEXT_CUTOFF else 0.0
        if rel >= sim and rel > best:
            best, best_text, how = rel, text, "code"
        elif sim > best:
            best, best_text, how = sim, text, "text"
    shown_code = f"（{code}）" if code else ""
    if how == "code" and best >= 1.0:
        pair = best_text if best_text == title else f"{best_text}≈{title}"
        return f"工种相符：{pair}{shown_code}"
    if how == "code" and best >= SAME_GROUP and code:
        coarser = _small_class(code) if best >= SAME_SMALL_CLASS and level_of(code) >= 3 else group_of(code)
        return f"工种相近：{best_text}→{title}（同属{_name(coarser) or coarser}）"
    if how == "code" and best > 0 and code:
        return f"工种相关：{best_text}→{title}（同属{_name(code[:1] + '-00-00-00')}）"
    if how == "text" and best > 0:
        return f"工种名称相似：{best_text}～{title}"
    return f"工种不同：意向{'、'.join(wanted)}，岗位{title}{shown_code}"


def _money(low: float, high: float) -> str:
    if low != low:  # NaN: 面议
        return "面议"
    if high != high or high == low:
        return f"{int(low)}"
    return f"{int(low)}-{int(high)}"


def _wage_reason(expected: float, low: float, high: float) -> str:
    offered = _money(low, high)
    if expected != expected:
        return f"薪资：期望面议，岗位{offered}"
    if low != low:
        return f"薪资：期望{int(expected)}，岗位面议"
    if low >= expected:
        mark = " ✓"
    elif high >= expected:
        mark = " ≈"
    else:
        mark = " ✗（低于期望）"
    return f"薪资：期望{int(expected)}，岗位{offered}{mark}"


def _place_reason(label: str, position: int, contains_home: bool, near: float) -> str:
    order = f"（第{position + 1}意向）" if position > 0 else ""
    where = ""
    if contains_home:
        where = {NEAR_SAME_COUNTY: "，本县", NEAR_SAME_PREFECTURE: "，本市",
                 NEAR_SAME_PROVINCE: "，本省"}.get(near, "，省外")
    return f"地点：意向{label} ✓{order}{where}"


def _near(home: int, county: int) -> float:
    if home == county:
        return NEAR_SAME_COUNTY
    if home // 100 == county // 100:
        return NEAR_SAME_PREFECTURE
    if home // 10000 == county // 10000:
        return NEAR_SAME_PROVINCE
    return 0.0


@functools.lru_cache(maxsize=1 << 12)
def _certificate_reason(required: int, held: int) -> str:
    names = certificate_names(required)
    if not names:
        return ""
    have = set(certificate_names(held & required))
    return "证书：" + "、".join(f"需{c} {'✓' if c in have else '✗'}" for c in names)


@functools.lru_cache(maxsize=1 << 16)
def _skill_reason(names: tuple[str, ...], codes: tuple[int, ...], post_code: int) -> str:
    if post_code < 0:
        return ""
    relation = code_table().relation
    related = [n for n, c in zip(names, codes, strict=False) if c >= 0 and relation[c, post_code] >= SAME_GROUP]
    return f"技能：{'、'.join(related)} ✓" if related else ""


_LODGING = {(True, True): "食宿：包吃住 ✓（外出务工）", (False, True): "食宿：包住（外出务工）",
            (True, False): "食宿：包吃（外出务工）", (False, False): "食宿：不提供 ✗（外出务工）"}


@functools.lru_cache(maxsize=256)
def _education_reason(needed: int, have: int) -> str:
    if needed <= 0:
        return ""
    mine = EDUCATION_LEVELS[have] if have >= 0 else "未登记"
    mark = " ✓" if have >= needed else (" ✗" if have >= 0 else "")
    return f"学历：要求{EDUCATION_LEVELS[needed]}及以上，本人{mine}{mark}"


_occupation_reason_cached = functools.lru_cache(maxsize=1 << 16)(_occupation_reason)
_wage_reason_cached = functools.lru_cache(maxsize=1 << 16)(_wage_reason)
_place_reason_cached = functools.lru_cache(maxsize=1 << 12)(_place_reason)


def _wanted(sx: SeekerIndex, si: int) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
    """A seeker's wanted titles and their codes."""
    table = code_table()
    wanted = sx.wanted_names[si]
    return wanted, tuple(table.codes[c] if c >= 0 else None for c in sx.wanted_code[si][: len(wanted)].tolist())


def _skills(sx: SeekerIndex, si: int) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """A seeker's skills that name an occupation, and their code ids."""
    names = sx.skill_names[si]
    return names, tuple(sx.skill_code[si][: len(names)].tolist())


def _area_labels(sx: SeekerIndex, si: int) -> tuple[str, ...]:
    seeker = sx.seekers[si]
    return tuple(seeker.area_label(i) for i in range(len(seeker.wanted_areas))) or ("不限",)


def explain_many(sx: SeekerIndex, px: PostIndex, s: Sequence[int], p: Sequence[int],
                 position: Sequence[int]) -> list[str]:
    """The reasons for each pair of seeker rows ``s`` and post rows ``p``.

    ``position`` says which wanted area holds the post. Each part of a reason is built once per distinct
    value of what it depends on (found with NumPy), so a batch of 10^6 matches builds few part strings and
    loops over pairs only to join them.
    """
    n = len(s)
    if n == 0:
        return []
    s_arr, p_arr = np.asarray(s, dtype=np.int64), np.asarray(p, dtype=np.int64)
    pos_raw = np.asarray(position, dtype=np.int64)
    pos_arr = np.maximum(pos_raw, 0)
    # Per pair, only what is needed (the indexes may hold 10^6 rows), computed with NumPy.
    home, county = sx.home[s_arr], px.county[p_arr]
    near = np.where(home == county, NEAR_SAME_COUNTY,
                    np.where(home // 100 == county // 100, NEAR_SAME_PREFECTURE,
                             np.where(home // 10000 == county // 10000, NEAR_SAME_PROVINCE, 0.0)))
    area_len = sx.area_len[s_arr, pos_arr].astype(np.int64)
    contains_home = (area_len == 0) | (home // np.power(np.int64(10), 6 - area_len) == sx.area_code[s_arr, pos_arr])
    far = home // 100 != county // 100
    expected = sx.expected[s_arr]
    low, high = px.wage_low[p_arr], px.wage_high[p_arr]
    required, held = px.required[p_arr], sx.held[s_arr]
    board, lodging = px.board[p_arr], px.lodging[p_arr]
    needed, education = px.education[p_arr].astype(np.int64), sx.education[s_arr].astype(np.int64)
    post_code = px.code[p_arr].astype(np.int64)

    # Posts with equal titles and codes share an id, as seekers with equal wanted titles, skills and wanted
    # areas do in the index.
    posts, post_local = np.unique(p_arr, return_inverse=True)
    titles, title_id = _interned([(px.title_names[pi], px.codes[pi]) for pi in posts.tolist()])
    title_of = title_id[post_local]

    wanted_group = sx.wanted_group[s_arr]
    wanted: dict[int, tuple] = {}  # wanted titles and codes by group, each group's looked up once

    def occupation_of(i: int) -> str:
        group = wanted_group[i]
        if group not in wanted:
            wanted[group] = _wanted(sx, s[i])
        return _occupation_reason_cached(*wanted[group], *titles[title_of[i]])

    occupation_part, occupation_text = _parts((wanted_group, title_of), occupation_of)
    extra_part, extra_text = _parts(
        (required, held, sx.skill_group[s_arr], post_code),
        lambda i: _certificate_reason(int(required[i]), int(held[i]))
        or _skill_reason(*_skills(sx, s[i]), int(post_code[i])))
    place_part, place_text = _parts(
        (sx.place_group[s_arr], pos_raw, contains_home, near),
        lambda i: _place_reason_cached(_area_labels(sx, s[i])[pos_raw[i]], int(pos_raw[i]), bool(contains_home[i]),
                                       float(near[i])))
    wage_part, wage_text = _parts(
        (expected.view(np.int32), low.view(np.int32), high.view(np.int32)),
        lambda i: _wage_reason_cached(float(expected[i]), float(low[i]), float(high[i])))
    lodging_part, lodging_text = _parts(
        (np.where(far, board * 2 + lodging.astype(np.int64), -1),),
        lambda i: _LODGING[bool(board[i]), bool(lodging[i])] if far[i] else "")
    education_part, education_text = _parts(
        (np.where(needed > 0, needed * 64 + education, -1),),
        lambda i: _education_reason(int(needed[i]), int(education[i])) if needed[i] > 0 else "")

    # Almost every pair's whole reason differs from the others': the parts are joined pair by pair, in C. Each
    # distinct text after the first part carries its separator (an empty part stays empty); the occupation part
    # always says something (_occupation_reason has no empty answer), so no reason starts with a separator.
    parts = ((occupation_part, occupation_text), (extra_part, extra_text), (place_part, place_text),
             (wage_part, wage_text), (lodging_part, lodging_text), (education_part, education_text),
             (sx.priority[s_arr].astype(np.int64), ["", "优先保障对象"]))
    columns = [np.array([text if index == 0 or not text else _SEP + text for text in texts], dtype=object)[ids]
               .tolist() for index, (ids, texts) in enumerate(parts)]
    return list(map("".join, zip(*columns, strict=True)))


def _interned(values: list) -> tuple[list, np.ndarray]:
    """The distinct values (in order of first appearance) and, for each value, the index of its own."""
    ids: dict = {}
    index = np.array([ids.setdefault(v, len(ids)) for v in values], dtype=np.int64)
    return list(ids), index


def _distinct(columns: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """For rows given as parallel columns: each row's id among the distinct rows, and one row of each id.

    Integer and boolean columns are combined arithmetically (offset by their minimum, times the spans of the
    columns before), so that one sort finds the distinct rows; a float column, or a combination whose span
    would overflow, is first made dense by a sort of its own."""
    key, span = np.zeros(len(columns[0]), dtype=np.int64), 1
    for column in columns:
        if column.dtype.kind in "biu":
            ids = column.astype(np.int64)
            ids -= ids.min()
        else:
            _, ids = np.unique(column, return_inverse=True)
        size = int(ids.max()) + 1
        if span * size >= _KEY_LIMIT:
            _, key = np.unique(key, return_inverse=True)
            span = int(key.max()) + 1
            if span * size >= _KEY_LIMIT:
                _, ids = np.unique(ids, return_inverse=True)
                size = int(ids.max()) + 1
        key = key * size + ids
        span *= size
    _, first, ids = np.unique(key, return_index=True, return_inverse=True)
    return ids, first


_KEY_LIMIT = 2 ** 62  # combined keys stay below it, far from int64's overflow


def _parts(columns: Sequence[np.ndarray], build) -> tuple[np.ndarray, list[str]]:
    """A part of the reasons for every pair: the id of its text for each pair, and the texts, each built once
    (by ``build`` from a pair that has it) per distinct combination of ``columns``."""
    ids, first = _distinct(columns)
    return ids, [build(i) for i in first.tolist()]
