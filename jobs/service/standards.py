"""Service standards as the policy packs state them, and who they cover.

Hunan 2021 (湘人社规〔2021〕10号) art. 13, "311": every year, for each unemployed person of the target groups
who wants work, at least 3 job-information pushes, 1 training-information push and 1 vocational guidance.
Youyi 2022 (友人社联发〔2022〕1号) art. 27, "一对一": for each 脱贫人口 with employment needs, 1 guidance, 3 suitable
job informations and 1 free training. The counts and groups are data (``service_standards`` of kind
``pushes`` in each pack); this module only reads them. The governing pack decides (the most specific pack in
force for the worker's origin county on the day); an expired pack is never stretched.

Coverage is judged day by day, on the worker's situation that day: the placements say when they held a job
(:func:`employed_on`), so a year replayed after the fact, and the report of a past year, neither ask for pushes
while a worker was employed nor forget one who was without work for most of the year and found work in December.
Wanting work, labour ability and the target group have no history: they are read as they are now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from jobs.people.regions import RegionError, region_table
from jobs.storage.clock import age_on
from jobs.storage.crypto import Vault
from jobs.storage.enums import EmploymentStatus, LabourAbility, PlacementStatus
from jobs.storage.models import Person, Placement
from jobs.subsidy.packs import governing_pack
from jobs.subsidy.policy_store import active_packs
from jobs.subsidy.schema import Pack

#: Working age: from 16 (劳动法 第十五条, the minimum age of employment) to 59, below the retirement age of 60.
WORKING_AGE = (16, 59)
PUSH_STANDARD_KIND = "pushes"


@dataclass(frozen=True)
class Standard:
    """A pack's push standard: counts per calendar year of job, training and guidance pushes."""

    pack_id: str
    document_number: str
    article: str
    name: str
    categories: frozenset[str]
    job: int
    training: int
    guidance: int

    def required(self) -> dict[str, int]:
        return {"job": self.job, "training": self.training, "guidance": self.guidance}


def push_standard(pack: Pack) -> Standard | None:
    """The pack's push standard, if it states one.

    Youyi's ``free_training`` is a place on a free course: what the platform can give and count is the
    information about such a course, so it is counted as the training push.
    """
    for standard in pack.service_standards:
        if standard.kind != PUSH_STANDARD_KIND:
            continue
        minimum = dict(standard.minimum)
        return Standard(
            pack_id=pack.id,
            document_number=pack.document_number,
            article=standard.article,
            name=standard.id,
            categories=frozenset(standard.categories),
            job=minimum.get("job", 0),
            training=minimum.get("training", minimum.get("free_training", 0)),
            guidance=minimum.get("guidance", 0),
        )
    return None


class Standards:
    """Looks up the governing push standard per origin county and day (cached: many workers share a county)."""

    def __init__(self, packs: list[Pack]) -> None:
        self.packs = packs
        self._cache: dict[tuple[str, dt.date], Standard | None] = {}

    @classmethod
    def load(cls, session: Session) -> Standards:
        return cls([stored.pack for stored in active_packs(session)])

    def for_county(self, county: str, day: dt.date) -> Standard | None:
        key = (county, day)
        if key not in self._cache:
            pack = governing_pack(self.packs, county, day)
            self._cache[key] = push_standard(pack) if pack is not None else None
        return self._cache[key]

    def for_person(self, person: Person, day: dt.date, vault: Vault) -> Standard | None:
        """The standard covering this worker on ``day``, or None when none does."""
        county = origin_county_code(person)
        if county is None:
            return None
        standard = self.for_county(county, day)
        if standard is None or not covered(person, standard, day, vault):
            return None
        return standard


def origin_county_code(person: Person) -> str | None:
    try:
        return region_table().current(person.household_region_code).code
    except (RegionError, KeyError, ValueError):
        return None


def of_working_age(birth_year: int, encrypted_id: str, day: dt.date, vault: Vault) -> bool:
    """Whether a worker is of working age on ``day``. Only the birth year is stored in clear (see ``Person``):
    it settles the question for everyone but those whose age that year straddles a bound, whose exact birth
    date is then read from the decrypted ID number."""
    low, high = WORKING_AGE
    by_year = day.year - birth_year  # the age reached this year; before the birthday it is one less
    if low + 1 <= by_year <= high:
        return True
    if by_year < low or by_year - 1 > high:
        return False
    number = vault.decrypt(encrypted_id)
    birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    return low <= age_on(birth, day) <= high


Span = tuple[dt.date, dt.date | None]

#: Placements that say when a worker held a job: from the start date, until the end date (the day the job was
#: lost or left counts as a day without work, as the job-loss follow-up treats it).
_HELD = (PlacementStatus.HIRED, PlacementStatus.ACTIVE, PlacementStatus.ENDED)


def employment_spans(session: Session, person_ids: list[int] | None = None) -> dict[int, list[Span]]:
    """Per worker, the (start, end or None) of every placement that held: the employment history the
    platform knows."""
    query = select(Placement.person_id, Placement.start_date, Placement.end_date).where(
        Placement.status.in_(_HELD), Placement.start_date.is_not(None)).order_by(Placement.person_id,
                                                                               Placement.start_date)
    if person_ids is not None:
        query = query.where(Placement.person_id.in_(person_ids))
    spans: dict[int, list[Span]] = {}
    for person_id, start, end in session.execute(query):
        spans.setdefault(person_id, []).append((start, end))
    return spans


def employed_on(status: EmploymentStatus, spans: list[Span], day: dt.date) -> bool:
    """Whether a worker held a job on ``day``, from the placements and the current status.

    Inside a placement: employed. A worker unemployed now was unemployed outside their placements. A worker
    employed now through a placement that still holds was unemployed before it (a placement in June means
    January to May without work); one employed now without such a placement (found work on their own, or
    recorded employed by a list) is taken as employed since their last placement ended, or all along.
    """
    if any(start <= day and (end is None or day < end) for start, end in spans):
        return True
    if status is not EmploymentStatus.EMPLOYED or any(end is None for _start, end in spans):
        return False
    ends = [end for _start, end in spans if end is not None]
    return not ends or day >= max(ends)


def covered(person: Person, standard: Standard, day: dt.date, vault: Vault,
            spans: list[Span] | None = None) -> bool:
    """Without work on ``day`` (see :func:`employed_on`), wants work, able to work, in the standard's target
    groups and of working age. ``spans``: the worker's placements, read from the database when not given."""
    if spans is None:
        session = object_session(person)
        spans = employment_spans(session, [person.id]).get(person.id, []) if session is not None else []
    return (
        person.employment_intent
        and person.labour_ability is not LabourAbility.NONE
        and person.category.value in standard.categories
        and not employed_on(person.employment_status, spans, day)
        and of_working_age(person.birth_year, person.id_number_encrypted, day, vault)
    )
