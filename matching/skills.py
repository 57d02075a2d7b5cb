"""Certificates, driving licences and education levels read from free text.

A post that asks for a certificate the worker does not hold scores lower (scoring.py); here the texts are
turned into sets: a bit mask per text, so that the engine compares them with integer operations.
"""

from __future__ import annotations

import functools
import re

from matching.normalise import clean, normalise_title, split_titles

__all__ = [
    "CERTIFICATES",
    "EDUCATION_LEVELS",
    "certificate_names",
    "certificates_held",
    "certificates_required",
    "education_level",
    "skill_items",
]

# Certificate → patterns (on cleaned text). Special-operation certificates: 《特种作业人员安全技术培训考核管理规定》
# (国家安全监管总局令第30号) 第五条 "特种作业人员必须经专门的安全技术培训并考核合格，取得《中华人民共和国特种作业
# 操作证》后，方可上岗作业" (电工作业, 焊接与热切割作业, 高处作业). Special equipment (叉车, 起重机械):
# 《中华人民共和国特种设备安全法》第十四条 "特种设备…作业人员应当按照国家有关规定取得相应资格，方可从事相关工作".
# Food handlers: 《中华人民共和国食品安全法》第四十五条 "从事接触直接入口食品工作的食品生产经营人员应当每年进行健康
# 检查，取得健康证明后方可上岗工作".
CERTIFICATES: dict[str, str] = {
    "焊工证": r"焊工证|电焊证|焊接证|焊工操作证|焊接与热切割|焊工特种作业|焊工上岗证",
    "电工证": r"电工证|电工操作证|电工上岗证|电工特种作业|低压电工证|高压电工证|低压证|高压证|进网作业|电工作业证",
    "叉车证": r"叉车证|叉车操作证|叉车上岗证|n1证|叉车司机证",
    "起重证": r"起重证|起重机械|吊车证|塔吊证|塔式起重机|司索证|指挥证|行车证|天车证",
    "挖掘机证": r"挖掘机证|挖机证|挖掘机操作证|装载机证|铲车证",
    "登高证": r"登高证|高处作业证|高空作业证|架子工证",
    "健康证": r"健康证",
    "厨师证": r"厨师证|厨师资格|烹调师证|中式烹调师",
    "保安员证": r"保安证|保安员证",
    "育婴师证": r"育婴师证|育婴员证|保育员证|保育师证",
    "母婴护理证": r"月嫂证|母婴护理证|母婴护理师证|母婴保健",
    "养老护理员证": r"养老护理员证|护理员证|护工证",
    "护士资格证": r"护士证|护士资格|护士执业",
    "教师资格证": r"教师资格证|教师证",
    "会计证": r"会计证|初级会计|中级会计|会计职称|会计资格",
    "消防设施操作员证": r"消防设施操作员证|消控证|中控证|消防证",
    "电梯证": r"电梯证|电梯安装维修证|电梯作业证",
    "驾驶证": r"驾照|驾驶证|驾驶本",
}

# Driving licence classes and what each also permits: 《机动车驾驶证申领和使用规定》(公安部令第162号) 附件1
# "准驾车型及代号" (A1 permits A3, B1, B2, C1, C2, C3, C4, M; A2 permits B1, B2, C1 … M; A3 permits C1, C2, C3,
# C4; B1 and B2 permit C1, C2, C3, C4, M; C1 permits C2, C3).
_LICENCE_PERMITS: dict[str, tuple[str, ...]] = {
    "A1": ("A1", "A3", "B1", "B2", "C1", "C2", "C3"),
    "A2": ("A2", "B1", "B2", "C1", "C2", "C3"),
    "A3": ("A3", "C1", "C2", "C3"),
    "B1": ("B1", "C1", "C2", "C3"),
    "B2": ("B2", "C1", "C2", "C3"),
    "C1": ("C1", "C2", "C3"),
    "C2": ("C2",),
    "C3": ("C3",),
}
_LICENCE_RE = re.compile(r"(?<![a-z0-9])([abc][123])(?![0-9])")

_NAMES = (*CERTIFICATES, *(f"{c}驾照" for c in _LICENCE_PERMITS))
_BIT = {name: 1 << i for i, name in enumerate(_NAMES)}
_PATTERNS = {name: re.compile(p) for name, p in CERTIFICATES.items()}
_NEGATION_RE = re.compile(r"(无|没有|未取得|未考|不会|没)\s*$")
_REQUIRED_HINT_RE = re.compile(r"持证|有证|证书|资格证|上岗证|操作证")
_NOT_REQUIRED_RE = re.compile(r"[^,;。]*(优先|无需|不需|不要求|不限)[^,;。]*")  # "有证优先" is a wish

# A post asking for "持证上岗" without naming the certificate means the one its occupation needs.
_CERTIFICATE_BY_OCCUPATION: dict[str, str] = {
    "6-18-02-04": "焊工证",  # 焊接与热切割作业 (总局令第30号)
    "6-31-01-03": "电工证",  # 电工作业 (总局令第30号)
    "6-29-03-02": "电工证",
    "6-30-05-01": "叉车证",  # 场(厂)内专用机动车辆 (特种设备安全法 第十四条)
    "6-30-05-02": "起重证",  # 起重机械 (特种设备安全法 第十四条)
    "6-30-05-05": "挖掘机证",
    "6-29-01-05": "登高证",  # 高处作业 (总局令第30号)
    "6-29-03-03": "电梯证",
    "4-07-05-01": "保安员证",  # 《保安服务管理条例》第十六条 保安员证
    "4-07-05-03": "消防设施操作员证",
    "4-03-02-01": "健康证",  # 食品安全法 第四十五条
    "4-03-02-02": "健康证",
    "4-03-02-05": "健康证",
    "4-10-01-06": "健康证",
    "4-10-01-03": "育婴师证",
    "4-10-01-05": "养老护理员证",
    "2-05-08-00": "护士资格证",
    "4-02-02-01": "驾驶证",
    "4-02-02-02": "驾驶证",
    "6-30-01-00": "驾驶证",
}

EDUCATION_LEVELS = ("不限", "小学", "初中", "高中", "大专", "本科", "硕士", "博士")
_EDUCATION_WORDS = (
    ("博士", 7), ("硕士", 6), ("研究生", 6), ("本科", 5), ("大学", 5), ("学士", 5), ("大专", 4), ("专科", 4),
    ("高职", 4), ("高中", 3), ("中专", 3), ("职高", 3), ("技校", 3), ("中职", 3), ("初中", 2), ("小学", 1),
    ("文盲", 0), ("不限", 0), ("无要求", 0),
)


def _has(text: str, pattern: re.Pattern[str]) -> bool:
    """True when the pattern occurs in ``text`` and is not negated just before ("没有电工证")."""
    return any(not _NEGATION_RE.search(text[: m.start()]) for m in pattern.finditer(text))


@functools.lru_cache(maxsize=1 << 16)
def _licences(text: str) -> frozenset[str]:
    return frozenset(m.group(1).upper() for m in _LICENCE_RE.finditer(text)
                     if not _NEGATION_RE.search(text[: m.start()]))


@functools.lru_cache(maxsize=1 << 18)
def certificates_held(text: str | None) -> int:
    """Bit mask of the certificates a worker's skills text says they hold; a licence includes what it permits."""
    s = clean(text)
    mask = 0
    for name, pattern in _PATTERNS.items():
        if _has(s, pattern):
            mask |= _BIT[name]
    for licence in _licences(s):
        mask |= _BIT["驾驶证"]
        for permitted in _LICENCE_PERMITS[licence]:
            mask |= _BIT[f"{permitted}驾照"]
    return mask


@functools.lru_cache(maxsize=1 << 18)
def certificates_required(text: str | None, occupation_code: str | None = None) -> int:
    """Bit mask of the certificates a post asks for (skills text and title qualifiers).

    A licence class is required as itself ("B2以上" is satisfied by A1, A2 or B2). A bare "持证上岗" means the
    certificate of the post's occupation.
    """
    s = _NOT_REQUIRED_RE.sub(" ", clean(text).replace("、", ","))
    mask = 0
    for name, pattern in _PATTERNS.items():
        if pattern.search(s):
            mask |= _BIT[name]
    licences = _licences(s)
    for licence in licences:
        mask |= _BIT[f"{licence}驾照"]
    if licences:
        mask &= ~_BIT["驾驶证"]
    if not mask and occupation_code and _REQUIRED_HINT_RE.search(s):
        name = _CERTIFICATE_BY_OCCUPATION.get(occupation_code)
        if name:
            mask |= _BIT[name]
    return mask


def certificate_names(mask: int) -> tuple[str, ...]:
    """The names of the certificates in a bit mask, in table order."""
    return tuple(name for name in _NAMES if mask & _BIT[name])


@functools.lru_cache(maxsize=1 << 12)
def education_level(text: str | None) -> int | None:
    """0 (不限) … 7 (博士) for an education text ("初中及以上" → 2); None when unknown."""
    s = clean(text)
    if not s:
        return None
    for word, level in _EDUCATION_WORDS:
        if word in s:
            return level
    return None


@functools.lru_cache(maxsize=1 << 18)
def skill_items(text: str | None) -> tuple[str, ...]:
    """The separate skills in a worker's free text ("电焊、会开叉车，有C1驾照" → 电焊, 开叉车, c1驾照)."""
    items = []
    for part in split_titles(text):
        core = normalise_title(re.sub(r"^(会|能|懂|有|熟悉|熟练|擅长)", "", part)).core
        if core:
            items.append(core)
    return tuple(items)
