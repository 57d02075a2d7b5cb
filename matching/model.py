"""Plain dataclasses in and out of the matching engine: a job seeker, a job post and a match.

Nothing here knows about databases or files; the caller turns rows into these and back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

__all__ = [
    "ANY",
    "CATEGORIES",
    "INTENSITIES",
    "LABOUR_ABILITIES",
    "PRIORITY_CATEGORIES",
    "Match",
    "Post",
    "Seeker",
]

ANY = "ANY"  # 意向地区: 不限

CATEGORIES = ("脱贫人口", "监测对象", "农村低收入人口", "其他")
LABOUR_ABILITIES = ("普通劳动力", "弱劳动力", "半劳动力", "丧失劳动力")
INTENSITIES = ("轻", "中", "重")

# 优先保障对象. 人社部发〔2021〕26号 (五): "对失业脱贫人口优先提供转岗服务"; 友人社联发〔2022〕1号 (二十三):
# "优先安置符合条件的脱贫人口和监测帮扶对象". In matching this is a tie-breaker only (engine.py).
PRIORITY_CATEGORIES = frozenset({"脱贫人口", "监测对象"})

_AREA_RE = re.compile(r"\d{2}|\d{4}|\d{6}")
_COUNTY_RE = re.compile(r"\d{6}")


def _check_area(code: str) -> None:
    if code != ANY and not _AREA_RE.fullmatch(code):
        raise ValueError(f"意向地区编码无效：{code!r}（应为2位省、4位市、6位县级编码或 ANY）")


@dataclass(frozen=True, slots=True)
class Seeker:
    """A worker looking for a job (one row of a 就业需求清单).

    ``wanted_areas`` are ordered by preference: region code prefixes ('44' province, '3302' prefecture,
    '430182' county) or ``ANY``; relative words (省内, 县内) are already codes. ``wanted_area_labels`` keeps the
    original words, one per area, for explanations. ``expected_wage_*`` None means 面议 / unknown.
    """

    key: str
    home_county: str
    birth_date: date | None = None
    category: str = "其他"
    labour_ability: str = "普通劳动力"
    wanted_titles: tuple[str, ...] = ()
    wanted_areas: tuple[str, ...] = (ANY,)
    wanted_area_labels: tuple[str, ...] = ()
    expected_wage_min: int | None = None
    expected_wage_max: int | None = None
    skills: str = ""
    education: str | None = None

    def __post_init__(self) -> None:
        if not _COUNTY_RE.fullmatch(self.home_county or ""):
            raise ValueError(f"求职者 {self.key}：户籍县编码无效：{self.home_county!r}")
        if self.category not in CATEGORIES:
            raise ValueError(f"求职者 {self.key}：人员类别无效：{self.category!r}")
        if self.labour_ability not in LABOUR_ABILITIES:
            raise ValueError(f"求职者 {self.key}：劳动能力无效：{self.labour_ability!r}")
        for area in self.wanted_areas:
            _check_area(area)
        if self.wanted_area_labels and len(self.wanted_area_labels) != len(self.wanted_areas):
            raise ValueError(f"求职者 {self.key}：意向地区与其原文数目不一致")
        if (self.expected_wage_min is not None and self.expected_wage_max is not None
                and self.expected_wage_min > self.expected_wage_max):
            raise ValueError(f"求职者 {self.key}：期望月薪下限高于上限")

    @property
    def is_priority(self) -> bool:
        """优先保障对象 (脱贫人口, 监测对象)."""
        return self.category in PRIORITY_CATEGORIES

    def area_label(self, index: int) -> str:
        """The original words of the ``index``-th wanted area (the code when no words were kept)."""
        if index < len(self.wanted_area_labels) and self.wanted_area_labels[index]:
            return self.wanted_area_labels[index]
        area = self.wanted_areas[index]
        return "不限" if area == ANY else area


@dataclass(frozen=True, slots=True)
class Post:
    """A job post (one row of a 岗位供给清单).

    ``occupation_code`` None means "classify the title". ``headcount`` None means unknown or 若干 (open).
    ``labour_intensity`` None is treated as 中.
    """

    key: str
    title: str
    region_code: str
    occupation_code: str | None = None
    wage_min: int | None = None
    wage_max: int | None = None
    age_min: int | None = None
    age_max: int | None = None
    education: str | None = None
    skills_required: str = ""
    labour_intensity: str | None = None
    board: bool = False
    lodging: bool = False
    headcount: int | None = None
    filled: int = 0
    open: bool = True
    closing_date: date | None = None

    def __post_init__(self) -> None:
        if not _COUNTY_RE.fullmatch(self.region_code or ""):
            raise ValueError(f"岗位 {self.key}：工作地点县编码无效：{self.region_code!r}")
        if self.labour_intensity is not None and self.labour_intensity not in INTENSITIES:
            raise ValueError(f"岗位 {self.key}：劳动强度应为轻、中、重之一：{self.labour_intensity!r}")
        if self.wage_min is not None and self.wage_max is not None and self.wage_min > self.wage_max:
            raise ValueError(f"岗位 {self.key}：月薪下限高于上限")
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            raise ValueError(f"岗位 {self.key}：年龄下限高于上限")

    def is_available(self, today: date) -> bool:
        """Open, not past its closing date, and with places left (an unknown headcount counts as open)."""
        if not self.open:
            return False
        if self.closing_date is not None and self.closing_date < today:
            return False
        return self.headcount is None or self.filled < self.headcount


@dataclass(frozen=True, slots=True)
class Match:
    """One seeker × post pair with its score (0–100), its rank and the reasons in Chinese.

    ``components`` holds the points each component contributed (they add up to the score before rounding).
    """

    seeker_key: str
    post_key: str
    score: float
    rank: int
    components: dict[str, float] = field(default_factory=dict, hash=False)
    reasons: str = ""
