"""A worker's facts as a list row states them, and what saving them did: plain values, no database.

The file-to-file match reads demand lists into these without touching the database, so this module imports
no ORM; :mod:`jobs.people.persons` stores them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from jobs.storage.enums import EmploymentStatus, LabourAbility, PersonCategory
from jobs.people.identity import IdNumber

__all__ = ["Outcome", "PersonData", "PLAIN_FIELDS"]


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class PersonData:
    """Validated, normalised facts about one worker (what a demand-list row says)."""

    name: str
    id_number: IdNumber
    household_region_code: str
    category: PersonCategory
    labour_ability: LabourAbility = LabourAbility.FULL
    phone: str | None = None
    household_address: str | None = None
    education: str | None = None
    skills: str | None = None
    employment_status: EmploymentStatus = EmploymentStatus.UNEMPLOYED
    employment_place: str | None = None
    employment_intent: bool = True
    training_intent: bool = False
    wanted_occupations: tuple[tuple[str, str | None], ...] = field(default=())
    wanted_regions: tuple[tuple[str, str | None], ...] = field(default=())
    expected_wage_min: int | None = None
    expected_wage_max: int | None = None
    notes: str | None = None


# The facts stored as they are (no encryption, no child rows), in the order facts are compared.
PLAIN_FIELDS = (
    "name",
    "household_region_code",
    "category",
    "labour_ability",
    "household_address",
    "education",
    "skills",
    "employment_status",
    "employment_place",
    "employment_intent",
    "training_intent",
    "expected_wage_min",
    "expected_wage_max",
    "notes",
)
