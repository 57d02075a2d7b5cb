"""Hand-built seekers and posts for the matching tests: sensible defaults, override what the test is about."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from matching import Post, Seeker

TODAY = date(2025, 6, 1)
HOME = "430182"  # 宁乡市, 长沙市, 湖南省

_SEEKER = Seeker(
    key="s", home_county=HOME, birth_date=date(1990, 1, 1), category="其他", labour_ability="普通劳动力",
    wanted_titles=("电焊工",), wanted_areas=("ANY",), wanted_area_labels=("不限",), expected_wage_min=6000,
    expected_wage_max=None, skills="", education="初中",
)
_POST = Post(
    key="p", title="焊工", region_code="430182", wage_min=6000, wage_max=8000, board=True, lodging=True,
)


def seeker(key: str = "s", **changes: object) -> Seeker:
    """A 35-year-old welder from 宁乡 who goes anywhere for 6000 a month; override any field."""
    return replace(_SEEKER, key=key, **changes)


def post(key: str = "p", **changes: object) -> Post:
    """A welder's post in 宁乡 paying 6000-8000 with board and lodging; override any field."""
    return replace(_POST, key=key, **changes)
