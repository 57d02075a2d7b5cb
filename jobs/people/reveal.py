"""Revealing one person's clear ID number or phone: permitted users only, with a reason, always audited.

Screens, messages and files show both masked. A user who needs the clear value (county staff for their people,
a broker phoning a worker it serves) asks for it with a reason; the reason and what was revealed are written to
the audit log in the same transaction (PIPL art. 28: sensitive personal information, disclosed only as needed).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from jobs.access.permissions import Action, Actor, require, visible
from jobs.errors import InvalidInput
from jobs.people.persons import reveal_id_number, reveal_phone
from jobs.storage import audit
from jobs.storage.crypto import Vault
from jobs.storage.models import Person

__all__ = ["Revealable", "Revealed", "reveal_person"]

#: A reason must say something: at least this many characters.
MIN_REASON = 4


class Revealable(StrEnum):
    ID_NUMBER = "id_number"
    PHONE = "phone"


@dataclass(frozen=True)
class Revealed:
    person_id: int
    id_number: str | None = None
    phone: str | None = None


def reveal_person(session: Session, vault: Vault, *, person_id: int, actor: Actor, reason: str,
                  fields: tuple[Revealable, ...] = (Revealable.PHONE,)) -> Revealed:
    """The clear values of ``fields`` for a person ``actor`` may see and reveal (NotFound / Forbidden otherwise),
    after recording who asked, why and for what."""
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise InvalidInput.field("reason", f"查看完整号码须说明原因（至少{MIN_REASON}个字）")
    if not fields:
        raise InvalidInput.field("fields", "请选择要查看的号码（身份证号或电话）")
    person = visible(session, actor, Person, person_id)
    require(actor, Action.REVEAL, person, reason=reason)
    wanted = {Revealable(f) for f in fields}
    revealed = Revealed(
        person_id=person.id,
        id_number=reveal_id_number(person, vault) if Revealable.ID_NUMBER in wanted else None,
        phone=reveal_phone(person, vault) if Revealable.PHONE in wanted else None,
    )
    audit.record(session, action="reveal", actor=actor, object_type="person", object_id=person.id,
                 after={"fields": sorted(f.value for f in wanted), "reason": reason})
    session.flush()
    return revealed
