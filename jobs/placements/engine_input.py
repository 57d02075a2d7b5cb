"""The one translation of workers and posts into the matching engine's input (``matching.Seeker``/``Post``).

Both sides of the project feed the engine: the database run (workers and posts as stored) and the
file-to-file match (rows of a demand and a supply list, never stored). Each source only says where its facts
are; the rules of the translation (current county codes, 不限 as ANY, a post's place at county level) live here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from jobs.people.regions import region_table
from jobs.storage.enums import PostStatus
from matching import ANY
from matching import Post as EnginePost
from matching import Seeker as EngineSeeker

if TYPE_CHECKING:  # the file-to-file match translates list rows with this module and imports no ORM
    from jobs.lists.supply_rows import SupplyRow
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
    areas, labels = _wanted_areas(tuple(wanted_regions))
    return EngineSeeker(
        key=key,
        home_county=_home_county(household_region_code),
        birth_date=birth_date,
        category=category,
        labour_ability=labour_ability,
        wanted_titles=tuple(wanted_titles),
        wanted_areas=areas,
        wanted_area_labels=labels,
        expected_wage_min=expected_wage_min,
        expected_wage_max=expected_wage_max,
        skills=skills or "",
        education=education,
    )


def _home_county(household_region_code: str) -> str:
    """The current county of a household (UnknownRegion, a ValueError, for a code without one)."""
    return region_table().current(household_region_code).code


def _wanted_areas(regions: tuple[tuple[str, str | None], ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The engine's wanted areas (a place without a code is ANY; none at all is ANY) and their labels."""
    return tuple(code or ANY for _text, code in regions) or (ANY,), tuple(text for text, _code in regions) or ("不限",)


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


def seekers_of_facts(facts: Mapping[str, Sequence], rows: Sequence[int], keys: Sequence[str]
                     ) -> list[EngineSeeker | ValueError]:
    """Workers of demand-list rows read column by column (``facts``: each field of ``PersonData`` as a list,
    :meth:`jobs.lists.demand_rows.DemandRows.read_many`): for each of ``rows`` (indices into the lists), the
    worker :func:`seeker` makes of that row's facts under its key from ``keys``, or the ValueError it raises.
    Each distinct home county, set of wanted places and of wanted jobs is translated once."""
    homes: dict[str, str | ValueError] = {}
    household = facts["household_region_code"]
    for code in {household[index] for index in rows}:
        try:
            homes[code] = _home_county(code)
        except ValueError as error:
            homes[code] = error
    areas: dict[tuple, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    titles: dict[tuple, tuple[str, ...]] = {}
    id_numbers, categories, abilities = facts["id_number"], facts["category"], facts["labour_ability"]
    values = {member: member.value for member in {*(categories[i] for i in rows), *(abilities[i] for i in rows)}}
    occupations, regions = facts["wanted_occupations"], facts["wanted_regions"]
    wage_min, wage_max = facts["expected_wage_min"], facts["expected_wage_max"]
    skills, education = facts["skills"], facts["education"]
    found: list[EngineSeeker | ValueError] = []
    for index, key in zip(rows, keys, strict=True):
        home = homes[household[index]]
        if isinstance(home, ValueError):
            found.append(home)
            continue
        wanted = regions[index]
        places = areas.get(wanted)
        if places is None:
            places = areas[wanted] = _wanted_areas(wanted)
        jobs = occupations[index]
        texts = titles.get(jobs)
        if texts is None:
            texts = titles[jobs] = tuple(text for text, _code in jobs)
        try:
            found.append(EngineSeeker(
                key=key,
                home_county=home,
                birth_date=id_numbers[index].birth_date,
                category=values[categories[index]],
                labour_ability=values[abilities[index]],
                wanted_titles=texts,
                wanted_areas=places[0],
                wanted_area_labels=places[1],
                expected_wage_min=wage_min[index],
                expected_wage_max=wage_max[index],
                skills=skills[index] or "",
                education=education[index],
            ))
        except ValueError as error:
            found.append(error)
    return found


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


__all__ = ["post", "post_of", "post_of_row", "seeker", "seeker_of", "seekers_of_facts"]
