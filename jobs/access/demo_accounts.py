"""Sign-in accounts for the demo world: one per staff role and a few seekers, with generated passwords."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobs.access.accounts import add_user, organisation_named
from jobs.storage.crypto import Vault
from jobs.storage.enums import Role
from jobs.storage.models import Match, Person, User

# (user name, role, organisation in the demo world, display name)
STAFF = [
    ("admin", Role.ADMIN, "湖南省人力资源和社会保障厅", "省厅管理员"),
    ("county", Role.COUNTY_STAFF, "宁乡市人力资源和社会保障局", "宁乡市就业帮扶专干"),
    ("broker", Role.BROKER, "宁乡市众诚劳务服务有限公司", "众诚劳务经纪人"),
    ("station", Role.WORKSTATION_STAFF, "宁乡市驻东莞劳务工作站", "驻东莞工作站站长"),
]
SEEKERS = 3
SEEKER_COUNTY = "430182"
#: Staff e-mail addresses of the demo: the reserved top-level domain .invalid (RFC 2606) never resolves, so
#: even a configured SMTP server could not deliver them to anyone; with none configured they stay in the outbox.
DEMO_MAIL_DOMAIN = "example.invalid"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    organisation: str | None
    password: str
    #: A seeker's phone number: they sign in on /m/login with the SMS code (``bangfu outbox list`` shows it).
    phone: str | None = None


def create_demo_accounts(session: Session, vault: Vault) -> list[DemoAccount]:
    """Create the demo accounts unless they exist; returns the new ones with their one-time passwords (empty
    when the accounts were made before: passwords are never shown twice)."""
    if session.scalar(select(User.id).where(User.username == STAFF[0][0])) is not None:
        return []
    created = []
    for username, role, organisation_name, display in STAFF:
        organisation = organisation_named(session, organisation_name)
        new = add_user(session, vault, username=username, role=role, organisation=organisation, display_name=display)
        new.user.email = f"{username}@{DEMO_MAIL_DOMAIN}"
        created.append(DemoAccount(username, role, organisation.name, new.generated_password or ""))
    # Seekers with offers to look at first: people of the demo county who have matches, then anyone there.
    # Each with a phone of their own (a shared number signs in as the first person who has it).
    with_matches = select(Match.person_id).distinct().subquery()
    own_phone = select(Person.phone_hash).group_by(Person.phone_hash).having(func.count() == 1)
    people = session.scalars(
        select(Person)
        .outerjoin(with_matches, with_matches.c.person_id == Person.id)
        .where(Person.household_region_code == SEEKER_COUNTY, Person.phone_hash.in_(own_phone))
        .order_by(with_matches.c.person_id.is_(None), Person.id)
        .limit(SEEKERS)
    ).all()
    for number, person in enumerate(people, start=1):
        new = add_user(session, vault, username=f"seeker{number}", role=Role.SEEKER,
                       id_number=vault.decrypt(person.id_number_encrypted))
        phone = vault.decrypt(person.phone_encrypted) if person.phone_encrypted else None
        created.append(DemoAccount(new.user.username, Role.SEEKER, None, new.generated_password or "", phone))
    return created
