"""The one translation of workers and posts into the matching engine's input (``matching.Seeker``/``Post``).

Both sides of the project feed the engine: the database run (workers and posts as stored) and the
file-to-file match (rows of a demand and a supply list, never stored). Each source only says where its facts
are; the rules of the translation (current county codes, 不限 as ANY, a post's place at county level) live here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from jobs.people.regions import region_table
from jobs.storage.enums import PostStatus
from matching import ANY
from matching import Post as EnginePost
from matching import Seeker as EngineSeeker

if TYPE_CHECKING:  # the file-to-file match translates list rows with this module and imports no ORM
    from jobs.lists.supply_rows import SupplyRow
    from jobs.people.person_data import PersonData
    from jobs.storage.crypto import Vault
    from jobs.storage.models import Person, Post


def seeker(
    key: str,
    *,
    household_region_code: str,
    birth_date: dt.date,
    category: str,
    labour_ability: str,
    wanted_titles: Iterable[str],
    wanted_regions: Iterable[tuple[str, str | None]],
    expected_wage_min: int | None,
    expected_wage_max: int | None,
    skills: str | None,
    education: str | None,
) -> EngineSeeker:
    """A worker as the engine sees them: current home county, wanted places as code prefixes (不限 = ANY)."""
    regions = tuple(wanted_regions)
    return EngineSeeker(
        key=key,
        home_county=region_table().current(household_region_code).code,
        birth_date=birth_date,
        category=category,
        labour_ability=labour_ability,
        wanted_titles=tuple(wanted_titles),
        wanted_areas=tuple(code or ANY for _text, code in regions) or (ANY,),
        wanted_area_labels=tuple(text for text, _code in regions) or ("不限",),
        expected_wage_min=expected_wage_min,
        expected_wage_max=expected_wage_max,
        skills=skills or "",
        education=education,
    )


def post(key: str, *, region_code: str, **facts) -> EnginePost:
    """A post as the engine sees it; its place must be known to the county (ValueError, in Chinese, otherwise)."""
    county = region_table().current(region_code)
    if county.level != "county":
        raise ValueError(f"工作地点：只能确定到{county.full_name}，请写到县（市、区）")
    facts["skills_required"] = facts.get("skills_required") or ""
    return EnginePost(key=key, region_code=county.code, **facts)


def seeker_of(person: Person, vault: Vault) -> EngineSeeker:
    """A stored worker (its wanted occupations and places loaded). Post age limits need the exact age, so the
    birth date comes from the decrypted ID number (it is not stored in clear)."""
    from jobs.people.persons import birth_date_of  # the stored side only: no ORM for list rows

    return seeker(
        str(person.id),
        household_region_code=person.household_region_code,
        birth_date=birth_date_of(person, vault),
        category=person.category.value,
        labour_ability=person.labour_ability.value,
        wanted_titles=(o.text for o in person.wanted_occupations),
        wanted_regions=((r.text, r.region_code) for r in person.wanted_regions),
        expected_wage_min=person.expected_wage_min,
        expected_wage_max=person.expected_wage_max,
        skills=person.skills,
        education=person.education,
    )


def seeker_of_row(data: PersonData, key: str) -> EngineSeeker:
    """A worker read from a demand-list row."""
    return seeker(
        key,
        household_region_code=data.household_region_code,
        birth_date=data.id_number.birth_date,
        category=data.category.value,
        labour_ability=data.labour_ability.value,
        wanted_titles=(text for text, _code in data.wanted_occupations),
        wanted_regions=data.wanted_regions,
        expected_wage_min=data.expected_wage_min,
        expected_wage_max=data.expected_wage_max,
        skills=data.skills,
        education=data.education,
    )


def post_of(stored: Post) -> EnginePost:
    """A stored post, with its seats taken and whether it is still open."""
    return post(
        str(stored.id),
        region_code=stored.region_code,
        title=stored.title,
        occupation_code=stored.occupation_code,
        wage_min=stored.wage_min,
        wage_max=stored.wage_max,
        age_min=stored.age_min,
        age_max=stored.age_max,
        education=stored.education,
        skills_required=stored.skills_required,
        labour_intensity=stored.labour_intensity.value if stored.labour_intensity else None,
        board=stored.board,
        lodging=stored.lodging,
        headcount=stored.headcount,
        filled=stored.filled,
        open=stored.status is PostStatus.OPEN,
        closing_date=stored.closing_date,
    )


def post_of_row(row: SupplyRow, key: str) -> EnginePost:
    """A post read from a supply-list row (nothing filled yet)."""
    return post(
        key,
        region_code=row.place.code,
        title=row.title,
        wage_min=row.wage.minimum if row.wage else None,
        wage_max=row.wage.maximum if row.wage else None,
        age_min=row.age.minimum if row.age else None,
        age_max=row.age.maximum if row.age else None,
        education=row.education,
        skills_required=row.skills,
        labour_intensity=row.intensity.value if row.intensity else None,
        board=row.board.board if row.board else False,
        lodging=row.board.lodging if row.board else False,
        headcount=row.headcount,
        closing_date=row.closing_date,
    )


__all__ = ["post", "post_of", "post_of_row", "seeker", "seeker_of", "seeker_of_row"]
