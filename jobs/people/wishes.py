"""A worker changes what they want on their phone (我的信息): wanted jobs, places, wage, training wish and whether
they get SMS. The person is matched again at once (``jobs.placements.matches.rematch_person``), so the offers
page shows the new offers within the same request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from jobs.access.permissions import Actor, visible
from jobs.errors import InvalidInput
from jobs.lists.importing import occupation_code
from jobs.lists.places import Places
from jobs.lists.values import CellError, split_values
from jobs.people.persons import _sync_ordered
from jobs.people.regions import region_table
from jobs.placements.matches import rematch_person
from jobs.service.outbox import set_channels
from jobs.storage import audit
from jobs.storage.crypto import Vault
from jobs.storage.models import Person, WantedOccupation, WantedRegion, utcnow

MAX_WANTED = 5
MAX_WAGE = 100_000


@dataclass(frozen=True)
class Wishes:
    """What the form says, as typed: jobs and places separated by 、 or spaces."""

    jobs: str
    places: str
    wage_min: int | None
    wage_max: int | None
    training: bool
    sms: bool


def update_wishes(session: Session, vault: Vault, *, person_id: int, wishes: Wishes, actor: Actor,
                  today: dt.date) -> Person:
    """Store the worker's wishes (InvalidInput per field) and match them again now."""
    person = visible(session, actor, Person, person_id, for_update=True)
    errors: dict[str, list[str]] = {}
    jobs = places = ()
    try:
        names = split_values(wishes.jobs, label="想做的工作")[:MAX_WANTED]
        jobs = tuple((name, occupation_code(name)) for name in names)
    except CellError as error:
        errors["jobs"] = [error.message]
    try:
        parts = split_values(wishes.places, label="想去的地方")[:MAX_WANTED]
        places = Places(region_table()).wanted(parts, home=person.household_region_code)
    except CellError as error:
        errors["places"] = [error.message]
    low, high = wishes.wage_min, wishes.wage_max
    for name, value in (("wage_min", low), ("wage_max", high)):
        if value is not None and not 0 <= value <= MAX_WAGE:
            errors[name] = [f"月工资请填写0到{MAX_WAGE}之间的整数（元）"]
    if low is not None and high is not None and high < low and "wage_max" not in errors:
        errors["wage_max"] = ["最高工资不能低于最低工资"]
    if errors:
        raise InvalidInput("请按提示修改后再保存", errors)
    before = _snapshot(person)
    changed = _sync_ordered(person.wanted_occupations, jobs, WantedOccupation, "occupation_code")
    changed |= _sync_ordered(person.wanted_regions, places, WantedRegion, "region_code")
    for name, value in (("expected_wage_min", low), ("expected_wage_max", high), ("training_intent", wishes.training)):
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed = True
    set_channels(session, person_id=person.id, sms=wishes.sms)
    if changed:
        person.updated_at = utcnow()
        session.flush()
        audit.record(session, action="person.wishes", actor=None if actor.id is None else actor,
                     actor_label=actor.username, object_type="person", object_id=person.id, before=before,
                     after=_snapshot(person))
        rematch_person(session, vault=vault, person_id=person.id, today=today)
    return person


def _snapshot(person: Person) -> dict[str, object]:
    return {
        "jobs": [o.text for o in person.wanted_occupations],
        "places": [r.text for r in person.wanted_regions],
        "wage": [person.expected_wage_min, person.expected_wage_max],
        "training": person.training_intent,
    }


__all__ = ["Wishes", "update_wishes"]
