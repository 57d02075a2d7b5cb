"""Workers (劳动力): registering and updating a person, found by their ID number's keyed hash.

The same person is the same person by ID number: saving data for a known number updates the record and says
whether anything changed, so re-importing a list is a no-op.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs.crypto import Vault
from jobs.enums import EmploymentStatus, LabourAbility, PersonCategory, Sex
from jobs.identity import IdNumber, mask_phone
from jobs.models import Person, WantedOccupation, WantedRegion


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


_PLAIN_FIELDS = (
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


def find_person(session: Session, vault: Vault, id_number: str) -> Person | None:
    """The person with this (canonical, 18-character) ID number, if registered."""
    return session.scalar(select(Person).where(Person.id_number_hash == vault.digest(id_number)))


def save_person(session: Session, vault: Vault, data: PersonData) -> tuple[Person, Outcome]:
    """Create or update the person with ``data.id_number``; report what happened."""
    person = find_person(session, vault, data.id_number.number)
    if person is None:
        person = Person(
            id_number_hash=vault.digest(data.id_number.number),
            id_number_encrypted=vault.encrypt(data.id_number.number),
            id_number_masked=data.id_number.masked,
            issuing_region_code=data.id_number.issuing_code,
            sex=Sex(data.id_number.sex),
            birth_date=data.id_number.birth_date,
        )
        _apply(person, data, vault)
        session.add(person)
        return person, Outcome.CREATED
    changed = _apply(person, data, vault)
    return person, Outcome.UPDATED if changed else Outcome.UNCHANGED


def _apply(person: Person, data: PersonData, vault: Vault) -> bool:
    changed = False
    for name in _PLAIN_FIELDS:
        value = getattr(data, name)
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed = True

    phone_hash = vault.digest(data.phone) if data.phone else None
    if person.phone_hash != phone_hash:
        person.phone_hash = phone_hash
        person.phone_encrypted = vault.encrypt(data.phone) if data.phone else None
        person.phone_masked = mask_phone(data.phone) if data.phone else None
        changed = True

    changed |= _sync_ordered(person.wanted_occupations, data.wanted_occupations, WantedOccupation, "occupation_code")
    changed |= _sync_ordered(person.wanted_regions, data.wanted_regions, WantedRegion, "region_code")
    return changed


def _sync_ordered(rows: list, wanted: tuple[tuple[str, str | None], ...], model: type, code_field: str) -> bool:
    """Make ``rows`` say ``wanted`` (text, code) in order, editing rows in place.

    Editing in place (rather than replacing the list) keeps the (person, position) unique key valid at
    every flush: the unit of work inserts before it deletes.
    """
    changed = False
    for position, (text, code) in enumerate(wanted):
        if position < len(rows):
            row = rows[position]
            if (row.text, getattr(row, code_field)) != (text, code):
                row.text = text
                setattr(row, code_field, code)
                changed = True
        else:
            rows.append(model(position=position, text=text, **{code_field: code}))
            changed = True
    while len(rows) > len(wanted):
        rows.pop()
        changed = True
    return changed


def reveal_id_number(person: Person, vault: Vault) -> str:
    """The clear ID number; callers must check permission and write an audit event (``reveal``)."""
    return vault.decrypt(person.id_number_encrypted)


def reveal_phone(person: Person, vault: Vault) -> str | None:
    return vault.decrypt(person.phone_encrypted) if person.phone_encrypted else None
