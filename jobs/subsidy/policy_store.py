"""Policy packs stored in the database (``policy_pack``): versioned, audited, one active version per pack id.

The pack file's YAML text is stored as it was loaded (``source``) with its SHA-256, so what the engine used can
always be shown again. Loading a file whose pack id is already stored with different content adds version + 1
and makes it the active one; loading identical content changes nothing. An empty table is seeded with the packs
shipped in ``jobs/policies/`` on first use.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import hashlib
from dataclasses import dataclass, field
from importlib import resources

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jobs.access.permissions import Action, Actor, require, system_actor
from jobs.errors import InvalidInput, NotFound
from jobs.storage import audit
from jobs.storage.models import PolicyPack
from jobs.people.regions import RegionError, region_table
from jobs.subsidy import Governing, Pack, PackError, governing, parse_pack


#: The shipped packs are stored by the platform itself.
SEED = system_actor("seed")

class LoadOutcome(enum.StrEnum):
    CREATED = "created"
    NEW_VERSION = "new_version"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class StoredPack:
    """A stored row and the pack parsed from its text."""

    row: PolicyPack
    pack: Pack


@dataclass(frozen=True)
class LoadResult:
    stored: StoredPack
    outcome: LoadOutcome
    warnings: list[str] = field(default_factory=list)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=256)
def _parsed(sha: str, text: str) -> Pack:
    # Keyed by digest and text: packs are frozen, so a parsed pack can be shared across sessions.
    return parse_pack(text)


def parse_stored(row: PolicyPack) -> Pack:
    """The pack a stored row holds (its YAML text parsed and validated)."""
    return _parsed(row.sha256, row.source)


def check_text(text: str, *, source: str = "") -> Pack:
    """Validate pack text without storing it; raises PackError listing every problem in Chinese."""
    return parse_pack(text, source=source)


def _shipped_texts() -> list[tuple[str, str]]:
    folder = resources.files("jobs").joinpath("policies")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)
    return [(f.name, f.read_text(encoding="utf-8")) for f in files]


def seed_shipped(session: Session) -> int:
    """Store the shipped packs when the table is empty (a system run, audited as ``seed``); returns how many were
    stored."""
    if session.scalar(select(func.count()).select_from(PolicyPack)):
        return 0
    for name, text in _shipped_texts():
        load_text(session, text, source=f"jobs/policies/{name}", actor=SEED)
    return len(_shipped_texts())


def load_text(session: Session, text: str, *, source: str = "", actor: Actor) -> LoadResult:
    """Validate and store a pack file's text: new pack, new version, or unchanged (same content). The result
    warns about other active packs for the same document or the same places and period; the audit event
    names ``actor``.

    Policy packs are the administrators' (``manage``): anyone else gets :class:`~jobs.errors.Forbidden`."""
    require(actor, Action.MANAGE, PolicyPack, session=session)
    pack = check_text(text, source=source)
    warnings = overlaps(session, pack)
    sha = _sha256(text)
    current = session.scalar(
        select(PolicyPack).where(PolicyPack.pack_key == pack.id, PolicyPack.active.is_(True)).with_for_update()
    )
    if current is not None and current.sha256 == sha:
        return LoadResult(StoredPack(current, pack), LoadOutcome.UNCHANGED, warnings)
    latest = session.scalar(select(func.max(PolicyPack.version)).where(PolicyPack.pack_key == pack.id)) or 0
    before = _snapshot(current) if current is not None else None
    if current is not None:
        current.active = False
    row = PolicyPack(
        pack_key=pack.id,
        version=latest + 1,
        document_number=pack.document_number,
        title=pack.title,
        issuer=pack.issuer,
        jurisdiction=list(pack.jurisdiction),
        effective_from=pack.effective_from,
        effective_to=pack.effective_to,
        source=text,
        sha256=sha,
        active=True,
        loaded_by_id=actor.id,
    )
    session.add(row)
    session.flush()
    audit.record(session, action="policy_pack.load", actor=actor, object_type="policy_pack", object_id=row.id,
                 before=before, after={**_snapshot(row), "source": source, "warnings": warnings})
    outcome = LoadOutcome.CREATED if current is None and latest == 0 else LoadOutcome.NEW_VERSION
    return LoadResult(StoredPack(row, pack), outcome, warnings)


def overlaps(session: Session, pack) -> list[str]:
    """Chinese warnings for the active packs under other ids that ``pack`` duplicates: the same document
    number, or the same jurisdiction with overlapping effective periods (a placement there could then be paid
    under both). Packs for nested areas (a national and a provincial one) overlap by design and are not
    flagged."""
    found: list[str] = []
    for other in session.scalars(select(PolicyPack).where(PolicyPack.active.is_(True),
                                                          PolicyPack.pack_key != pack.id)):
        if other.document_number == pack.document_number:
            found.append(f"与已载入的政策“{other.pack_key}”是同一文件（{other.document_number}），"
                         "同一次上岗可能被重复计算补贴，请确认后停用其中一个。")
            continue
        if set(pack.jurisdiction) == set(other.jurisdiction or ()) and _periods_meet(
                pack.effective_from, pack.effective_to, other.effective_from, other.effective_to):
            found.append(f"与已载入的政策“{other.pack_key}”（{other.document_number}）的适用地区和有效期重叠，"
                         "请确认两份文件的补贴不会重复发放。")
    return found


def _periods_meet(start_a, end_a, start_b, end_b) -> bool:
    return (end_b is None or start_a <= end_b) and (end_a is None or start_b <= end_a)


def _snapshot(row: PolicyPack) -> dict[str, object]:
    return {
        "pack_key": row.pack_key,
        "version": row.version,
        "document_number": row.document_number,
        "effective_from": row.effective_from.isoformat(),
        "effective_to": None if row.effective_to is None else row.effective_to.isoformat(),
        "sha256": row.sha256,
        "active": row.active,
    }


def active_packs(session: Session, *, seed: bool = True) -> list[StoredPack]:
    """The active version of every stored pack, sorted by pack id (seeding the shipped packs if empty)."""
    if seed:
        seed_shipped(session)
    rows = session.scalars(
        select(PolicyPack).where(PolicyPack.active.is_(True)).order_by(PolicyPack.pack_key)
    ).all()
    return [StoredPack(row, parse_stored(row)) for row in rows]


def all_versions(session: Session) -> list[PolicyPack]:
    """Every stored version, by pack id then version."""
    return list(session.scalars(select(PolicyPack).order_by(PolicyPack.pack_key, PolicyPack.version)).all())


def find(session: Session, ident: str) -> StoredPack:
    """A stored pack by pack id (its active version), by ``id@version``, or by row number."""
    key, _, version = ident.partition("@")
    query = select(PolicyPack)
    if version:
        if not version.isdigit():
            raise InvalidInput.field("version", f"版本号“{version}”应为正整数")
        query = query.where(PolicyPack.pack_key == key, PolicyPack.version == int(version))
    elif key.isdigit():
        query = query.where(PolicyPack.id == int(key))
    else:
        query = query.where(PolicyPack.pack_key == key, PolicyPack.active.is_(True))
    row = session.scalar(query)
    if row is None:
        raise NotFound(f"没有找到政策文件“{ident}”（可用 bangfu policy list 查看已载入的文件）")
    return StoredPack(row, parse_stored(row))


@dataclass(frozen=True)
class Which:
    """The answer to "which pack governs this county on this day"."""

    county_code: str
    county_name: str
    day: dt.date
    governing: Governing
    pack_row: PolicyPack | None


def which(session: Session, *, region: str, day: dt.date) -> Which:
    """Which stored pack governs ``region`` (a code, retired codes resolved, or a place name) on ``day``, and why
    (docs/policies.md, "Which pack applies")."""
    table = region_table()
    try:
        resolution = table.resolve(region)
    except RegionError as error:
        raise InvalidInput.field("region", error.message) from None
    if resolution.county_code is None:
        raise InvalidInput.field("region", f"“{region}”不是县级地区（{resolution.name}），请给出县级行政区划代码或名称")
    stored = active_packs(session)
    by_id = {s.pack.id: s.row for s in stored}
    answer = governing([s.pack for s in stored], resolution.county_code, day)
    county = table.current(resolution.county_code)
    row = by_id.get(answer.pack.id) if answer.pack is not None else None
    return Which(resolution.county_code, county.full_name, day, answer, row)


__all__ = [
    "LoadOutcome",
    "LoadResult",
    "PackError",
    "StoredPack",
    "Which",
    "active_packs",
    "all_versions",
    "check_text",
    "find",
    "load_text",
    "parse_stored",
    "seed_shipped",
    "which",
]
