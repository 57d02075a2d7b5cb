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
    best, best_text, how = -1.0, "", ""
    for text, wcode in zip(wanted, wanted_codes, strict=True):
        rel = float(table.relation[table.id(wcode), table.id(code)]) if wcode and code else 0.0
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


def _seeker_parts(sx: SeekerIndex, si: int) -> tuple:
    """What the reasons need of one seeker: wanted titles and codes, skills and codes, area labels, priority."""
    table = code_table()
    seeker = sx.seekers[si]
    wanted = sx.wanted_names[si]
    wanted_codes = tuple(table.codes[c] if c >= 0 else None for c in sx.wanted_code[si][: len(wanted)].tolist())
    skill_codes = tuple(sx.skill_code[si][: len(sx.skill_names[si])].tolist())
    labels = tuple(seeker.area_label(i) for i in range(len(seeker.wanted_areas))) or ("不限",)
    return wanted, wanted_codes, sx.skill_names[si], skill_codes, labels, seeker.is_priority


def explain_many(sx: SeekerIndex, px: PostIndex, s: Sequence[int], p: Sequence[int],
                 position: Sequence[int]) -> list[str]:
    """The reasons for each pair of seeker rows ``s`` and post rows ``p``.

    ``position`` says which wanted area holds the post. Every part is cached on what it depends on, so a
    batch of 10^6 matches builds few distinct strings.
    """
    s_arr, p_arr = np.asarray(s, dtype=np.int64), np.asarray(p, dtype=np.int64)
    pos_arr = np.maximum(np.asarray(position, dtype=np.int64), 0)
    # Per pair, only what is needed (the indexes may hold 10^6 rows), computed with NumPy where possible.
    home, county = sx.home[s_arr], px.county[p_arr]
    near = np.where(home == county, NEAR_SAME_COUNTY,
                    np.where(home // 100 == county // 100, NEAR_SAME_PREFECTURE,
                             np.where(home // 10000 == county // 10000, NEAR_SAME_PROVINCE, 0.0))).tolist()
    area_len = sx.area_len[s_arr, pos_arr].astype(np.int64)
    contains_home = ((area_len == 0)
                     | (home // np.power(np.int64(10), 6 - area_len) == sx.area_code[s_arr, pos_arr])).tolist()
    far = (home // 100 != county // 100).tolist()
    expected = sx.expected[s_arr].tolist()
    low, high = px.wage_low[p_arr].tolist(), px.wage_high[p_arr].tolist()
    required, held = px.required[p_arr].tolist(), sx.held[s_arr].tolist()
    board, lodging = px.board[p_arr].tolist(), px.lodging[p_arr].tolist()
    needed, education = px.education[p_arr].tolist(), sx.education[s_arr].tolist()
    post_code = px.code[p_arr].tolist()
    per_seeker: dict[int, tuple] = {}
    out = []
    for i, (si, pi, pos) in enumerate(zip(s, p, position, strict=True)):
        seeker = per_seeker.get(si)
        if seeker is None:
            seeker = per_seeker[si] = _seeker_parts(sx, si)
        wanted, wanted_codes, skill_names, skill_codes, labels, priority = seeker
        parts = [_occupation_reason_cached(wanted, wanted_codes, px.title_names[pi], px.codes[pi])]
        extra = _certificate_reason(required[i], held[i]) or _skill_reason(skill_names, skill_codes, post_code[i])
        if extra:
            parts.append(extra)
        parts.append(_place_reason_cached(labels[pos], pos, contains_home[i], near[i]))
        parts.append(_wage_reason_cached(expected[i], low[i], high[i]))
        if far[i]:
            parts.append(_LODGING[board[i], lodging[i]])
        if needed[i] > 0:
            parts.append(_education_reason(needed[i], education[i]))
        if priority:
            parts.append("优先保障对象")
        out.append(_SEP.join(parts))
    return out
