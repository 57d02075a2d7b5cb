"""The domain's tables (SQLAlchemy 2 typed declarative models).

Invariants live in the database as well as in the services: one person per ID number (a keyed hash, since the
number itself is stored encrypted), foreign keys, money as ``Numeric(12, 2)`` with ``CHECK (amount >= 0)``,
status values constrained by CHECKs, and a partial unique index that lets the subsidy engine's "once per
person per year" limit be enforced by the database itself.

Models hold no serialisation and no URLs: the web layer translates.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from jobs.storage.enums import (
    ArrivalStatus,
    BrokerKind,
    Channel,
    CheckEvidence,
    ClaimStatus,
    DispatchStatus,
    EmploymentStatus,
    EmploymentType,
    EndReason,
    LabourAbility,
    LabourIntensity,
    MatchStatus,
    OrganisationKind,
    OutboxStatus,
    PersonCategory,
    PlacementStatus,
    PostStatus,
    PushKind,
    Role,
    RunStatus,
    Sex,
    TaskStatus,
    TransportMode,
    WithdrawnReason,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = Numeric(12, 2, asdecimal=True)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored as UTC and always read back as an aware UTC ``datetime``, on both databases.

    PostgreSQL keeps the offset (``timestamptz``); SQLite has no such type and SQLAlchemy writes an aware value's
    wall-clock digits without the offset, so this type converts every value to UTC first and tags what it reads
    as UTC. A naive datetime is refused on write: nobody can tell which clock it was read from.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime):
            raise TypeError(f"a timestamp column takes a datetime, not {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} refused: timestamps must be timezone-aware")
        moment = value.astimezone(dt.UTC)
        return moment.replace(tzinfo=None) if dialect.name == "sqlite" else moment

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def enum_column(enum_cls: type[enum.Enum], name: str) -> Enum:
    """A VARCHAR column holding the enum's *values*, with a named CHECK constraint listing them."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        dt.datetime: UTCDateTime(),
        Decimal: Money,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class Timestamped:
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


# --------------------------------------------------------------------------------------------------
# Reference data


class Region(Base):
    """行政区划 (GB/T 2260): provinces, prefectures and counties, current and retired.

    A retired code (e.g. 430124 宁乡县) points at its current successor (430182 宁乡市): resident ID
    numbers keep the code in force when they were issued.
    """

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    full_name: Mapped[str] = mapped_column(String(128))
    level: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(String(12))
    retired: Mapped[bool] = mapped_column(default=False)
    successor_code: Mapped[str | None] = mapped_column(String(12))
    statistical_zone: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        CheckConstraint("level IN ('province', 'prefecture', 'county')", name="level"),
        CheckConstraint("NOT retired OR successor_code IS NULL OR successor_code <> code", name="successor"),
    )


class AppMeta(Base):
    """Small key/value facts about this database (e.g. the digest of the loaded region table)."""

    __tablename__ = "app_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(256))


# --------------------------------------------------------------------------------------------------
# Organisations and users


class Organisation(Timestamped, Base):
    """An HR bureau, a county office, a workstation or a broker agency: the unit of data scoping."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind, "kind"))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))

    __table_args__ = (UniqueConstraint("name", "kind"),)


class User(Timestamped, Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str | None] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[dt.datetime | None]
    # A password someone else chose or generated must be replaced at the first sign-in.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    # Consecutive failed sign-ins; reaching the threshold locks the account until ``locked_until``.
    failed_logins: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    locked_until: Mapped[dt.datetime | None]
    # Bumped when the password changes or the account is disabled: sessions carrying an older value end.
    session_version: Mapped[int] = mapped_column(default=1, server_default=text("1"))
    # Staff receive e-mail only where they have an address (alerts, digests); seekers never get e-mail.
    email: Mapped[str | None] = mapped_column(String(254))

    organisation: Mapped[Organisation | None] = relationship()
    person: Mapped[Person | None] = relationship(foreign_keys=[person_id])

    __table_args__ = (
        # A seeker is tied to their own person record; every other role to an organisation.
        CheckConstraint(
            "(role = 'seeker' AND person_id IS NOT NULL) OR (role <> 'seeker' AND organisation_id IS NOT NULL)",
            name="scope",
        ),
    )



class ApiToken(Base):
    """A bearer token for the REST API. Only its SHA-256 digest is stored: a stolen database yields no usable
    token (the token itself is 256 random bits, so a plain digest cannot be brute-forced). The user's
    ``session_version`` at issue time travels with it, so a password change or a disable ends the token too."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(64))
    session_version: Mapped[int]
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    last_used_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship()


class OneTimeCode(Base):
    """A sign-in code sent by SMS to a phone number (the seeker's sign-in).

    Keyed by the phone's keyed hash (the same digest as ``Person.phone_hash``), whether or not a person has that
    number: every request is recorded alike, so the per-number limits cannot tell a registered number from an
    unknown one. ``code_hash`` is a keyed hash of the code (never the code); ``person_id`` is NULL for an
    unknown number, whose code is never sent and never accepted.
    """

    __tablename__ = "one_time_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone_hash: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[dt.datetime | None]
    remote_addr: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts"),
        Index("ix_one_time_code_phone_hash_created_at", "phone_hash", "created_at"),
    )


# --------------------------------------------------------------------------------------------------
# Workers and the demand list


class Person(Timestamped, Base):
    """劳动力 / 求职者: one per resident ID number.

    The ID number and the phone are sensitive personal information (PIPL art. 28): stored encrypted, found
    by a keyed hash (HMAC), shown masked. What is stored in clear must leave at least 10^4 candidate numbers
    for every person (GB/T 35273-2020 §6.2, de-identification), so the clear columns are budgeted:

    * ``issuing_region_code`` (the first 6 digits) and ``sex`` (the parity of the 17th): the 3 sequence
      digits keep 500 values of the right parity, and the check character follows from the rest;
    * ``birth_year``, not the birth date: 365 or 366 days remain, so at least 365 × 500 = 182,500 numbers
      fit. The full birth date, or any masked form (``430124********4513`` fixes the sequence and the check
      character), would leave fewer than 10^4, so neither is stored: masked forms, exact ages and birth dates
      are derived from the decrypted number when shown or computed (``jobs.people.persons``).
    * Phones: nothing in clear. ``138****5678`` hides exactly the four digits that name the subscriber's
      home location register, which the household region (in clear) narrows down.
    """

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    id_number_encrypted: Mapped[str] = mapped_column(Text)
    issuing_region_code: Mapped[str] = mapped_column(String(6))
    sex: Mapped[Sex] = mapped_column(enum_column(Sex, "sex"))
    birth_year: Mapped[int]
    # A keyed hash (HMAC) of the last four characters, so staff can find "张伟, ID ending 4513" without the
    # tail being kept in clear; without the key it says nothing.
    id_tail_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    phone_encrypted: Mapped[str | None] = mapped_column(Text)
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    household_region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    household_address: Mapped[str | None] = mapped_column(String(256))
    category: Mapped[PersonCategory] = mapped_column(enum_column(PersonCategory, "category"))
    labour_ability: Mapped[LabourAbility] = mapped_column(
        enum_column(LabourAbility, "labour_ability"), default=LabourAbility.FULL
    )
    education: Mapped[str | None] = mapped_column(String(32))
    skills: Mapped[str | None] = mapped_column(Text)
    employment_status: Mapped[EmploymentStatus] = mapped_column(
        enum_column(EmploymentStatus, "employment_status"), default=EmploymentStatus.UNEMPLOYED
    )
    employment_place: Mapped[str | None] = mapped_column(String(128))
    employment_intent: Mapped[bool] = mapped_column(default=True)
    training_intent: Mapped[bool] = mapped_column(default=False)
    expected_wage_min: Mapped[int | None]
    expected_wage_max: Mapped[int | None]
    notes: Mapped[str | None] = mapped_column(Text)
    # Who registered the person: the owning organisation and the user (NULL for system runs and old rows).
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    # use_alter: user_account points at person too (a seeker's record), so this key is added after both tables.
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", use_alter=True))

    wanted_occupations: Mapped[list[WantedOccupation]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="WantedOccupation.position"
    )
    wanted_regions: Mapped[list[WantedRegion]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="WantedRegion.position"
    )

    __table_args__ = (
        CheckConstraint("expected_wage_min IS NULL OR expected_wage_min >= 0", name="wage_min"),
        CheckConstraint(
            "expected_wage_max IS NULL OR expected_wage_min IS NULL OR expected_wage_max >= expected_wage_min",
            name="wage_range",
        ),
    )


class WantedOccupation(Base):
    """意向工种: several per person, in the order given."""

    __tablename__ = "wanted_occupation"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(String(64))
    occupation_code: Mapped[str | None] = mapped_column(String(16))

    person: Mapped[Person] = relationship(back_populates="wanted_occupations")

    __table_args__ = (UniqueConstraint("person_id", "position"),)


class WantedRegion(Base):
    """意向地区: several per person, in order of preference; ``region_code`` NULL means 不限 (anywhere)."""

    __tablename__ = "wanted_region"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(String(64))
    region_code: Mapped[str | None] = mapped_column(String(12))

    person: Mapped[Person] = relationship(back_populates="wanted_regions")

    __table_args__ = (UniqueConstraint("person_id", "position"),)


class DemandList(Timestamped, Base):
    """就业需求清单: compiled by an origin county for a period."""

    __tablename__ = "demand_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    period: Mapped[str] = mapped_column(String(32))
    origin_region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    compiled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    organisation: Mapped[Organisation | None] = relationship()
    entries: Mapped[list[DemandEntry]] = relationship(back_populates="demand_list", cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("origin_region_code", "name", "period"),)


class DemandEntry(Base):
    __tablename__ = "demand_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    demand_list_id: Mapped[int] = mapped_column(ForeignKey("demand_list.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    row_key: Mapped[str | None] = mapped_column(String(32))
    row_number: Mapped[int | None]

    demand_list: Mapped[DemandList] = relationship(back_populates="entries")
    person: Mapped[Person] = relationship()

    __table_args__ = (UniqueConstraint("demand_list_id", "person_id"),)


# --------------------------------------------------------------------------------------------------
# Employers, posts and the supply list


class Employer(Timestamped, Base):
    """用人单位, identified by its unified social credit code when known."""

    __tablename__ = "employer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class Workstation(Timestamped, Base):
    """劳务工作站: in a receiving city, run by an origin area."""

    __tablename__ = "workstation"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    city_region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    origin_region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))

    organisation: Mapped[Organisation] = relationship()


class SupplyList(Timestamped, Base):
    """岗位供给清单: compiled by a receiving area or a workstation."""

    __tablename__ = "supply_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    period: Mapped[str] = mapped_column(String(32))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    workstation_id: Mapped[int | None] = mapped_column(ForeignKey("workstation.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    compiled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    organisation: Mapped[Organisation | None] = relationship()
    workstation: Mapped[Workstation | None] = relationship()
    posts: Mapped[list[Post]] = relationship(back_populates="supply_list")

    __table_args__ = (UniqueConstraint("region_code", "name", "period"),)


class Post(Timestamped, Base):
    """岗位: one job post with its headcount; ``filled`` counts placements made against it."""

    __tablename__ = "post"

    id: Mapped[int] = mapped_column(primary_key=True)
    supply_list_id: Mapped[int | None] = mapped_column(ForeignKey("supply_list.id"), index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"), index=True)
    row_key: Mapped[str | None] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(128))
    occupation_code: Mapped[str | None] = mapped_column(String(16), index=True)
    headcount: Mapped[int | None]
    filled: Mapped[int] = mapped_column(default=0)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    address: Mapped[str | None] = mapped_column(String(256))
    wage_min: Mapped[int | None]
    wage_max: Mapped[int | None]
    wage_text: Mapped[str | None] = mapped_column(String(64))
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]
    education: Mapped[str | None] = mapped_column(String(32))
    skills_required: Mapped[str | None] = mapped_column(Text)
    labour_intensity: Mapped[LabourIntensity | None] = mapped_column(
        enum_column(LabourIntensity, "labour_intensity")
    )
    board: Mapped[bool] = mapped_column(default=False)
    lodging: Mapped[bool] = mapped_column(default=False)
    contract_months: Mapped[int | None]
    contact_name: Mapped[str | None] = mapped_column(String(64))
    contact_phone_encrypted: Mapped[str | None] = mapped_column(Text)
    contact_phone_masked: Mapped[str | None] = mapped_column(String(20))
    closing_date: Mapped[dt.date | None]
    status: Mapped[PostStatus] = mapped_column(enum_column(PostStatus, "status"), default=PostStatus.OPEN,
                                               index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    employer: Mapped[Employer] = relationship()
    supply_list: Mapped[SupplyList | None] = relationship(back_populates="posts")

    __table_args__ = (
        CheckConstraint("headcount IS NULL OR headcount >= 0", name="headcount"),
        CheckConstraint("filled >= 0", name="filled"),
        CheckConstraint("wage_min IS NULL OR wage_min >= 0", name="wage_min"),
        CheckConstraint("wage_max IS NULL OR wage_min IS NULL OR wage_max >= wage_min", name="wage_range"),
        CheckConstraint("age_max IS NULL OR age_min IS NULL OR age_max >= age_min", name="age_range"),
        CheckConstraint("contract_months IS NULL OR contract_months >= 0", name="contract_months"),
        # A post is the same post by employer + title + place (issue 3).
        UniqueConstraint("employer_id", "title", "region_code"),
    )


# --------------------------------------------------------------------------------------------------
# Brokers, matches, placements


class Broker(Timestamped, Base):
    """劳务经纪人 (individual) or 人力资源服务机构 (agency), with its qualification."""

    __tablename__ = "broker"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[BrokerKind] = mapped_column(enum_column(BrokerKind, "kind"))
    qualification_number: Mapped[str | None] = mapped_column(String(64))
    qualified: Mapped[bool] = mapped_column(default=False)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))

    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (
        CheckConstraint("NOT qualified OR qualification_number IS NOT NULL", name="qualification"),
    )


class Match(Timestamped, Base):
    """人岗匹配结果: a seeker × post pair with its score, components and reasons."""

    __tablename__ = "match"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id", ondelete="CASCADE"), index=True)
    score: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    components: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reasons: Mapped[str] = mapped_column(Text)
    status: Mapped[MatchStatus] = mapped_column(enum_column(MatchStatus, "status"), default=MatchStatus.PROPOSED)
    withdrawn_reason: Mapped[WithdrawnReason | None] = mapped_column(
        enum_column(WithdrawnReason, "withdrawn_reason")
    )
    # The worker's own answer (感兴趣 / 不感兴趣): when, and the optional reason in their words.
    answered_at: Mapped[dt.datetime | None]
    answer_note: Mapped[str | None] = mapped_column(String(200))

    person: Mapped[Person] = relationship()
    post: Mapped[Post] = relationship()

    __table_args__ = (
        UniqueConstraint("person_id", "post_id"),
        CheckConstraint("score >= 0 AND score <= 100", name="score"),
        CheckConstraint("(status = 'withdrawn') = (withdrawn_reason IS NOT NULL)", name="withdrawn"),
        Index("ix_match_person_id_status", "person_id", "status"),
    )


class MatchChange(Base):
    """Outbox of workers and posts changed since matching last saw them (one row per change, duplicates allowed).

    A change writes its row in its own transaction, so the row becomes visible exactly when the change does;
    a matching run deletes the rows it has read in the same transaction as the matches it wrote for them.
    Unlike a "last run" time or a watermark on a sequence, nothing committed during a run can be skipped: a
    row the run did not see stays for the next run.
    """

    __tablename__ = "match_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    ref_id: Mapped[int]

    __table_args__ = (CheckConstraint("kind IN ('person', 'post')", name="kind"),)


class Placement(Timestamped, Base):
    """就业安置 (an entry of the 稳岗清单): who, which post, which broker, the contract and its checks."""

    __tablename__ = "placement"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"))
    employer_id: Mapped[int] = mapped_column(ForeignKey("employer.id"))
    broker_id: Mapped[int | None] = mapped_column(ForeignKey("broker.id"), index=True)
    match_id: Mapped[int | None] = mapped_column(ForeignKey("match.id"))
    dispatch_id: Mapped[int | None] = mapped_column(ForeignKey("dispatch.id"))
    job_region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    status: Mapped[PlacementStatus] = mapped_column(
        enum_column(PlacementStatus, "status"), default=PlacementStatus.PROPOSED, index=True
    )
    start_date: Mapped[dt.date | None]
    contract_months: Mapped[int | None]
    employment_type: Mapped[EmploymentType] = mapped_column(
        enum_column(EmploymentType, "employment_type"), default=EmploymentType.DIRECT
    )
    social_insurance: Mapped[bool] = mapped_column(default=False)
    round_trip_cost: Mapped[Decimal | None]
    round_trip_evidence: Mapped[str | None] = mapped_column(String(256))
    end_date: Mapped[dt.date | None]
    end_reason: Mapped[EndReason | None] = mapped_column(enum_column(EndReason, "end_reason"))
    external_key: Mapped[str | None] = mapped_column(String(64))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    person: Mapped[Person] = relationship()
    post: Mapped[Post | None] = relationship()
    employer: Mapped[Employer] = relationship()
    broker: Mapped[Broker | None] = relationship()
    dispatch: Mapped[Dispatch | None] = relationship(back_populates="placements")
    checks: Mapped[list[EmploymentCheck]] = relationship(
        back_populates="placement", cascade="all, delete-orphan", order_by="EmploymentCheck.check_date"
    )

    __table_args__ = (
        CheckConstraint("round_trip_cost IS NULL OR round_trip_cost >= 0", name="round_trip_cost"),
        CheckConstraint("contract_months IS NULL OR contract_months >= 0", name="contract_months"),
        CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="dates"),
        CheckConstraint("status NOT IN ('hired', 'active', 'ended') OR start_date IS NOT NULL", name="started"),
        CheckConstraint("status <> 'ended' OR end_date IS NOT NULL", name="ended"),
    )


class EmploymentCheck(Base):
    """稳岗核实: "still employed on date D", with its evidence and who recorded it."""

    __tablename__ = "employment_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id", ondelete="CASCADE"), index=True)
    check_date: Mapped[dt.date]
    employed: Mapped[bool]
    evidence: Mapped[CheckEvidence | None] = mapped_column(enum_column(CheckEvidence, "evidence"))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    placement: Mapped[Placement] = relationship(back_populates="checks")


class JobLoss(Base):
    """就业转失业: a placement ended with no other active one; the worker re-enters matching."""

    __tablename__ = "job_loss"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), unique=True)
    loss_date: Mapped[dt.date]
    reason: Mapped[EndReason | None] = mapped_column(enum_column(EndReason, "reason"))
    followed_up_at: Mapped[dt.datetime | None]

    person: Mapped[Person] = relationship()
    placement: Mapped[Placement] = relationship()


# --------------------------------------------------------------------------------------------------
# Organised dispatch


class Dispatch(Timestamped, Base):
    """有组织劳务输出批次 / 就业帮扶直通车: a group trip from an origin to a destination."""

    __tablename__ = "dispatch"

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    organiser_broker_id: Mapped[int | None] = mapped_column(ForeignKey("broker.id"), index=True)
    origin_region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    destination_region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    departure_date: Mapped[dt.date]
    departure_at: Mapped[dt.datetime | None]
    transport: Mapped[TransportMode] = mapped_column(
        enum_column(TransportMode, "transport"), default=TransportMode.CHARTERED_COACH
    )
    vehicle: Mapped[str | None] = mapped_column(String(128))
    escort: Mapped[str | None] = mapped_column(String(128))
    # Where the travellers gather (集合地点), shown on their phones with the date and the escort.
    meeting_point: Mapped[str | None] = mapped_column(String(128))
    total_cost: Mapped[Decimal | None]
    status: Mapped[DispatchStatus] = mapped_column(
        enum_column(DispatchStatus, "status"), default=DispatchStatus.PLANNED
    )
    external_key: Mapped[str | None] = mapped_column(String(64))
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    organiser_organisation: Mapped[Organisation] = relationship()
    organiser_broker: Mapped[Broker | None] = relationship()
    members: Mapped[list[DispatchMember]] = relationship(back_populates="dispatch", cascade="all, delete-orphan")
    placements: Mapped[list[Placement]] = relationship(back_populates="dispatch")

    __table_args__ = (CheckConstraint("total_cost IS NULL OR total_cost >= 0", name="total_cost"),)


class DispatchMember(Base):
    __tablename__ = "dispatch_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    dispatch_id: Mapped[int] = mapped_column(ForeignKey("dispatch.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    placement_id: Mapped[int | None] = mapped_column(ForeignKey("placement.id"))
    cost: Mapped[Decimal | None]
    ticket_ref: Mapped[str | None] = mapped_column(String(128))
    arrival: Mapped[ArrivalStatus] = mapped_column(
        enum_column(ArrivalStatus, "arrival"), default=ArrivalStatus.EXPECTED
    )
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    checked_in_at: Mapped[dt.datetime | None]

    dispatch: Mapped[Dispatch] = relationship(back_populates="members")
    person: Mapped[Person] = relationship()
    placement: Mapped[Placement | None] = relationship()

    __table_args__ = (
        UniqueConstraint("dispatch_id", "person_id"),
        CheckConstraint("cost IS NULL OR cost >= 0", name="cost"),
    )


# --------------------------------------------------------------------------------------------------
# Policy packs and subsidies


class PolicyPack(Base):
    """A policy document as data (a pack file), stored versioned: loading a newer file adds a version."""

    __tablename__ = "policy_pack"

    id: Mapped[int] = mapped_column(primary_key=True)
    pack_key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    document_number: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(256))
    issuer: Mapped[str] = mapped_column(String(256))
    jurisdiction: Mapped[list[Any]] = mapped_column(default=list)
    effective_from: Mapped[dt.date]
    effective_to: Mapped[dt.date | None]
    source: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    loaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    loaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    __table_args__ = (
        UniqueConstraint("pack_key", "version"),
        CheckConstraint("effective_to IS NULL OR effective_to >= effective_from", name="period"),
    )


class SubsidyClaim(Timestamped, Base):
    """补贴: one claim per placement, kind and instalment, with its status, amount and fund.

    ``counts_toward_limit`` is true while the claim holds its rule's yearly slot (每人每年只享受一次): the
    partial unique index below then lets at most one claim per person, rule group and year hold it, so
    the database itself refuses a second one even under a race.
    """

    __tablename__ = "subsidy_claim"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    instalment: Mapped[int] = mapped_column(default=1)
    beneficiary_broker_id: Mapped[int | None] = mapped_column(ForeignKey("broker.id"), index=True)
    beneficiary_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    beneficiary_employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"))
    policy_pack_id: Mapped[int | None] = mapped_column(ForeignKey("policy_pack.id"))
    document_number: Mapped[str | None] = mapped_column(String(64))
    rule_key: Mapped[str | None] = mapped_column(String(128))
    limit_group: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[ClaimStatus] = mapped_column(enum_column(ClaimStatus, "status"), index=True)
    amount: Mapped[Decimal | None]
    milestone_date: Mapped[dt.date | None]
    milestone_year: Mapped[int | None]
    counts_toward_limit: Mapped[bool] = mapped_column(default=False)
    fund: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[dt.datetime | None]
    payment_reference: Mapped[str | None] = mapped_column(String(64), unique=True)
    paid_on: Mapped[dt.date | None]
    evaluated_at: Mapped[dt.datetime | None]
    version_id: Mapped[int] = mapped_column(default=1)

    placement: Mapped[Placement] = relationship(foreign_keys=[placement_id])
    events: Mapped[list[ClaimEvent]] = relationship(back_populates="claim", order_by="ClaimEvent.id")

    __mapper_args__ = {"version_id_col": version_id}
    __table_args__ = (
        UniqueConstraint("placement_id", "kind", "instalment"),
        CheckConstraint("amount IS NULL OR amount >= 0", name="amount"),
        CheckConstraint("instalment >= 1", name="instalment"),
        CheckConstraint(
            "(beneficiary_broker_id IS NOT NULL) OR (beneficiary_person_id IS NOT NULL)"
            " OR (beneficiary_employer_id IS NOT NULL) OR status IN ('no_policy', 'ineligible')",
            name="beneficiary",
        ),
        CheckConstraint("status <> 'paid' OR (payment_reference IS NOT NULL AND paid_on IS NOT NULL)", name="paid"),
        CheckConstraint("status NOT IN ('approved', 'paid') OR amount IS NOT NULL", name="payable"),
        CheckConstraint(
            "NOT counts_toward_limit OR (limit_group IS NOT NULL AND milestone_year IS NOT NULL)", name="limit"
        ),
        Index(
            "uq_subsidy_claim_yearly_slot",
            "person_id",
            "limit_group",
            "milestone_year",
            unique=True,
            sqlite_where=text("counts_toward_limit"),
            postgresql_where=text("counts_toward_limit"),
        ),
    )


class ClaimEvent(Base):
    """The history of a claim's status: every move, by whom, when and why.

    Append-only like ``audit_event``: database triggers refuse UPDATE, DELETE and (on PostgreSQL) TRUNCATE.
    """

    __tablename__ = "claim_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("subsidy_claim.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str | None] = mapped_column(Text)

    claim: Mapped[SubsidyClaim] = relationship(back_populates="events")


# --------------------------------------------------------------------------------------------------
# Service standards and the audit log


class Push(Base):
    """信息推送: job information, training information or guidance sent to a worker."""

    __tablename__ = "push"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[PushKind] = mapped_column(enum_column(PushKind, "kind"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"))
    content: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(32), default="app")
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    service_year: Mapped[int]
    dedupe_key: Mapped[str] = mapped_column(String(128), unique=True)
    # A guidance push is "done" once staff log the guidance session it invited the worker to.
    done_at: Mapped[dt.datetime | None]


class PushPost(Base):
    """A post carried by a job push: the unique key makes "never the same post twice to one person" a database rule."""

    __tablename__ = "push_post"

    id: Mapped[int] = mapped_column(primary_key=True)
    push_id: Mapped[int] = mapped_column(ForeignKey("push.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    rank: Mapped[int]

    __table_args__ = (UniqueConstraint("person_id", "post_id"),)


# --------------------------------------------------------------------------------------------------
# Service and messages: training catalogue, outbox, inbox, scheduled runs


class TrainingCourse(Timestamped, Base):
    """职业技能培训: one course of the county's training catalogue."""

    __tablename__ = "training_course"

    id: Mapped[int] = mapped_column(primary_key=True)
    course: Mapped[str] = mapped_column(String(128))
    provider: Mapped[str] = mapped_column(String(128))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    address: Mapped[str | None] = mapped_column(String(256))
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date]
    occupation_text: Mapped[str | None] = mapped_column(String(64))
    occupation_code: Mapped[str | None] = mapped_column(String(16))
    cost: Mapped[Decimal | None]
    subsidy: Mapped[Decimal | None]
    capacity: Mapped[int | None]
    contact: Mapped[str | None] = mapped_column(String(128))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))

    __table_args__ = (
        UniqueConstraint("course", "provider", "start_date"),
        CheckConstraint("end_date >= start_date", name="dates"),
        CheckConstraint("cost IS NULL OR cost >= 0", name="cost"),
        CheckConstraint("subsidy IS NULL OR subsidy >= 0", name="subsidy"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity"),
    )


class ChannelPreference(Base):
    """A seeker's choice of channels: the app inbox always; SMS unless they turned it off (no row: SMS on)."""

    __tablename__ = "channel_preference"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    sms: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class OutboxMessage(Base):
    """One message to one recipient on one channel, written in the same transaction as its cause.

    A separate delivery step sends it, with retries and exponential backoff, until it is ``sent`` or, after
    ``max_attempts``, ``failed`` with the last error kept. ``dedupe_key`` makes writing the same message twice
    impossible, so a rerun of an interrupted job adds nothing.
    """

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "channel"))
    kind: Mapped[str] = mapped_column(String(32))
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    push_id: Mapped[int | None] = mapped_column(ForeignKey("push.id"))
    subject: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    attachment_name: Mapped[str | None] = mapped_column(String(128))
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, "status"), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=5)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_ref: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        CheckConstraint(
            "person_id IS NOT NULL OR user_id IS NOT NULL OR organisation_id IS NOT NULL", name="recipient"
        ),
        CheckConstraint("attempts >= 0 AND max_attempts >= 1", name="attempts"),
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
    )


class DeliveryAttempt(Base):
    """The delivery log: every attempt to send an outbox message, with the provider's answer or the error."""

    __tablename__ = "delivery_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ok: Mapped[bool]
    provider_status: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)


class InboxMessage(Base):
    """站内消息: an app message delivered to a seeker, a staff user or an organisation's shared inbox."""

    __tablename__ = "inbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id"), unique=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    read_at: Mapped[dt.datetime | None]


class JobRun(Base):
    """One run of a scheduled job for one period (``2025-03-14``, ``2025-03``): a period done is never redone."""

    __tablename__ = "job_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(32))
    status: Mapped[RunStatus] = mapped_column(enum_column(RunStatus, "status"), default=RunStatus.RUNNING)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=1)
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("job", "period"),)


class Task(Base):
    """A long action started from a page: a checked upload waiting for confirmation, then its import; or a
    re-matching run. The worker updates ``done``/``total`` in transactions of its own, so a status page can
    show progress; the upload (``payload``) is kept only until the task ends or ``expires_at``.

    An upload is found by the SHA-256 digest of a random token handed to the user who uploaded it (never the
    token itself), and only by that user.
    """

    __tablename__ = "task"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[TaskStatus] = mapped_column(enum_column(TaskStatus, "status"), default=TaskStatus.QUEUED)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    file_name: Mapped[str | None] = mapped_column(String(256))
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    checked: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    expires_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime | None]

    __table_args__ = (CheckConstraint("done >= 0 AND total >= 0", name="progress"),)


class SchedulerLease(Base):
    """The leader's lease on SQLite (PostgreSQL uses an advisory lock): whoever holds an unexpired row leads."""

    __tablename__ = "scheduler_lease"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    acquired_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]


class AuditEvent(Base):
    """Append-only log: logins, authorisation failures, reveals, approvals, payments, data changes.

    Triggers in the migrations make UPDATE, DELETE and (on PostgreSQL) TRUNCATE fail in the database itself.
    The log is also a hash chain, so that a row changed by someone who got round the triggers shows:
    ``chain_seq`` numbers the rows 1, 2, 3 … without gaps and ``chain_hash`` is SHA-256 over the previous row's
    hash and this row's canonical form (``jobs.storage.audit``, which writes and verifies it).
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    chain_seq: Mapped[int] = mapped_column(unique=True)
    chain_hash: Mapped[str] = mapped_column(String(64))


class AuditChainHead(Base):
    """The audit chain's newest link, one row: appends lock it (``SELECT … FOR UPDATE``) so that concurrent
    writers take turns, and ``verify`` compares it with the log's last row, so that rows cut off the end show.
    """

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_seq: Mapped[int]
    last_hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)


@event.listens_for(Session, "after_flush")
def _record_match_changes(session: Session, _flush_context) -> None:
    """Write an outbox row (``MatchChange``) for every worker or post this flush inserted or changed.

    A worker's wanted occupations and places are part of the worker. The rows join the flush's transaction,
    so they commit (or roll back) with the change itself.
    """
    changed: set[tuple[str, int]] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Person | Post) and obj not in session.deleted and obj.id is not None:
            if obj in session.new or session.is_modified(obj):
                changed.add(("person" if isinstance(obj, Person) else "post", obj.id))
        elif isinstance(obj, WantedOccupation | WantedRegion) and obj.person_id is not None:
            changed.add(("person", obj.person_id))
    if changed:
        session.connection().execute(
            MatchChange.__table__.insert(), [{"kind": kind, "ref_id": ref} for kind, ref in sorted(changed)]
        )


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(ClaimEvent, "before_update")
def _history_is_append_only(_mapper, _connection, target) -> None:
    raise RuntimeError(f"{target.__tablename__} is append-only")


@event.listens_for(AuditEvent, "before_delete")
@event.listens_for(ClaimEvent, "before_delete")
def _history_is_never_deleted(_mapper, _connection, target) -> None:
    raise RuntimeError(f"{target.__tablename__} is append-only")


__all__ = [
    "AppMeta",
    "ApiToken",
    "AuditChainHead",
    "AuditEvent",
    "Base",
    "Broker",
    "ChannelPreference",
    "ClaimEvent",
    "DeliveryAttempt",
    "DemandEntry",
    "DemandList",
    "Dispatch",
    "DispatchMember",
    "EmploymentCheck",
    "Employer",
    "InboxMessage",
    "JobRun",
    "JobLoss",
    "Match",
    "MatchChange",
    "OneTimeCode",
    "Organisation",
    "OutboxMessage",
    "Person",
    "Placement",
    "PolicyPack",
    "Post",
    "Push",
    "PushPost",
    "Region",
    "SchedulerLease",
    "SubsidyClaim",
    "SupplyList",
    "TrainingCourse",
    "User",
    "WantedOccupation",
    "WantedRegion",
    "Workstation",
    "UTCDateTime",
    "utcnow",
]
