"""Workers (劳动力): registering and updating a person, found by their ID number's keyed hash.

The same person is the same person by ID number: saving data for a known number updates the record and says
whether anything changed, so re-importing a list is a no-op.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from jobs.storage.crypto import Vault
from jobs.storage.enums import Sex
from jobs.people.identity import mask_id, mask_phone
from jobs.people.person_data import PLAIN_FIELDS as _PLAIN_FIELDS
from jobs.people.person_data import Outcome, PersonData
from jobs.storage.models import Person, WantedOccupation, WantedRegion, utcnow


def find_person(session: Session, vault: Vault, id_number: str) -> Person | None:
    """The person with this (canonical, 18-character) ID number, if registered."""
    return session.scalar(select(Person).where(Person.id_number_hash == vault.digest(id_number)))


def save_person(session: Session, vault: Vault, data: PersonData, *,
                owner: Mapping[str, int | None] | None = None) -> tuple[Person, Outcome]:
    """Create or update the person with ``data.id_number``; report what happened. ``owner`` (the columns of
    :func:`jobs.access.permissions.ownership`) is recorded on a new person."""
    return store_person(session, vault, data, find_person(session, vault, data.id_number.number), owner=owner)


def store_person(session: Session, vault: Vault, data: PersonData, person: Person | None, *,
                 owner: Mapping[str, int | None] | None = None) -> tuple[Person, Outcome]:
    """Create the person (``person`` None) or update ``person``, already found by ``data.id_number``.

    :func:`save_person` without the look-up, for callers that load many people at once (a list import
    fetches a whole batch by ID-number digest in one query). A person keeps the owner who registered them.
    """
    if person is None:
        person = Person(**_identity_columns(data, vault), **(owner or {}))
        _apply(person, data, vault)
        session.add(person)
        return person, Outcome.CREATED
    changed = _apply(person, data, vault)
    return person, Outcome.UPDATED if changed else Outcome.UNCHANGED


def _identity_columns(data: PersonData, vault: Vault) -> dict[str, object]:
    """The columns that come from the ID number and never change for a person."""
    return {
        "id_number_hash": vault.digest(data.id_number.number),
        "id_number_encrypted": vault.encrypt(data.id_number.number),
        "id_tail_digest": id_tail_digest(data.id_number.number[-4:], vault),
        "issuing_region_code": data.id_number.issuing_code,
        "sex": Sex(data.id_number.sex),
        # The year only: the full date in clear would leave fewer than 10^4 candidate numbers (see Person).
        "birth_year": data.id_number.birth_date.year,
    }


def id_tail_digest(tail: str, vault: Vault) -> str:
    """The keyed hash under which a person's last four ID characters are searchable (see ``Person``)."""
    return vault.digest("id-tail:" + tail.upper())


def _phone_columns(data: PersonData, vault: Vault) -> dict[str, str | None]:
    if not data.phone:
        return {"phone_hash": None, "phone_encrypted": None}
    return {"phone_hash": vault.digest(data.phone), "phone_encrypted": vault.encrypt(data.phone)}


# --------------------------------------------------------------------------------------------------------
# Many people at once (list imports): the same columns, without one ORM object and one query per person.

PersonFacts = tuple
"""What :func:`store_person` compares, as one comparable tuple (see :func:`facts_of`)."""


def facts_of(data: PersonData, vault: Vault) -> PersonFacts:
    """The facts of ``data`` that saving would compare with a stored person."""
    return (
        *(getattr(data, name) for name in _PLAIN_FIELDS),
        vault.digest(data.phone) if data.phone else None,
        tuple(data.wanted_occupations),
        tuple(data.wanted_regions),
    )


def stored_facts(session: Session, id_number_hashes: list[str]) -> dict[str, tuple[int, PersonFacts]]:
    """The id and the stored facts (as :func:`facts_of` spells them) of the people with these ID-number
    digests, in three queries whatever their number."""
    columns = [getattr(Person, name) for name in _PLAIN_FIELDS]
    rows = session.execute(
        select(Person.id, Person.id_number_hash, *columns, Person.phone_hash)
        .where(Person.id_number_hash.in_(id_number_hashes))
    ).all()
    if not rows:
        return {}
    ids = [row[0] for row in rows]
    wanted: dict[int, tuple[list, list]] = {person_id: ([], []) for person_id in ids}
    for slot, model, code in ((0, WantedOccupation, WantedOccupation.occupation_code),
                              (1, WantedRegion, WantedRegion.region_code)):
        for person_id, text, value in session.execute(
            select(model.person_id, model.text, code).where(model.person_id.in_(ids))
            .order_by(model.person_id, model.position)
        ):
            wanted[person_id][slot].append((text, value))
    return {
        row[1]: (row[0], (*row[2:], tuple(wanted[row[0]][0]), tuple(wanted[row[0]][1])))
        for row in rows
    }


def add_people(session: Session, vault: Vault, batch: list[PersonData], *,
               owner: Mapping[str, int | None] | None = None) -> list[int]:
    """Insert people known to be new (no look-up) in one statement per table; returns their ids in order.

    The columns are those :func:`store_person` writes for a new person.
    """
    if not batch:
        return []
    rows = [
        {**_identity_columns(data, vault), **{name: getattr(data, name) for name in _PLAIN_FIELDS},
         **_phone_columns(data, vault), **(owner or {})}
        for data in batch
    ]
    # Core executemany and one SELECT for the new ids: the ORM's bulk INSERT (and INSERT … RETURNING in
    # parameter order) falls back to one statement per row here, ten times slower.
    session.execute(insert(Person.__table__), rows)
    found = dict(session.execute(
        select(Person.id_number_hash, Person.id).where(Person.id_number_hash.in_([r["id_number_hash"] for r in rows]))
    ).all())
    ids = [found[row["id_number_hash"]] for row in rows]
    for model, attribute, code in ((WantedOccupation, "wanted_occupations", "occupation_code"),
                                   (WantedRegion, "wanted_regions", "region_code")):
        children = [
            {"person_id": person_id, "position": position, "text": text, code: value}
            for person_id, data in zip(ids, batch, strict=True)
            for position, (text, value) in enumerate(getattr(data, attribute))
        ]
        if children:
            session.execute(insert(model.__table__), children)
    return ids


def _apply(person: Person, data: PersonData, vault: Vault) -> bool:
    changed = False
    for name in _PLAIN_FIELDS:
        value = getattr(data, name)
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed = True

    phone_hash = vault.digest(data.phone) if data.phone else None
    if person.phone_hash != phone_hash:
        for name, value in _phone_columns(data, vault).items():
            setattr(person, name, value)
        changed = True

    changed |= _sync_ordered(person.wanted_occupations, data.wanted_occupations, WantedOccupation, "occupation_code")
    changed |= _sync_ordered(person.wanted_regions, data.wanted_regions, WantedRegion, "region_code")
    if changed and person.id is not None:
        # A change to the wanted jobs or places alone touches no column of ``person``: stamp it anyway, so
        # that matching sees the person as changed (jobs.placements.matches re-matches by ``updated_at``).
        person.updated_at = utcnow()
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
    """The clear phone number; callers must check permission and write an audit event (``reveal``)."""
    return vault.decrypt(person.phone_encrypted) if person.phone_encrypted else None


# --------------------------------------------------------------------------------------------------------
# What screens, files and rules may use without a reveal. None of it is stored in clear (see ``Person``):
# each is derived from the decrypted value, and only the derived value leaves this module.


def masked_id_number(person: Person, vault: Vault) -> str:
    """The ID number as anyone may see it, e.g. ``430124********4513`` (the last four tell two 张伟 apart)."""
    return mask_id(vault.decrypt(person.id_number_encrypted))


def masked_phone(person: Person, vault: Vault) -> str | None:
    """The phone as anyone may see it, e.g. ``138****5678``; None when the person gave none."""
    return mask_phone(vault.decrypt(person.phone_encrypted)) if person.phone_encrypted else None


def birth_date_of(person: Person, vault: Vault) -> dt.date:
    """The birth date encoded in the ID number (GB 11643-1999 §4.2), for the rules that need an exact age
    (post age limits, the subsidy packs' age conditions)."""
    number = vault.decrypt(person.id_number_encrypted)
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
