"""Importing a supply list (岗位供给清单, docs/formats.md, "Supply list"): one job post per row, into employers, posts and a
SupplyList.

An employer is the same employer by its unified social credit code, else by its name; a post is the same
post by employer + title + place of work (the database holds that as a unique key). A row for a known post
updates it and says whether anything changed. See :mod:`jobs.lists.importing` for batching, crash and resume.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import IO

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jobs.access.permissions import SYSTEM, Action, Actor, ownership, require
from jobs.storage.clock import china_today
from jobs.storage.crypto import Vault
from jobs.storage.enums import PostStatus
from jobs.people.identity import mask_phone
from jobs.lists.importing import (
    DEFAULT_BATCH_SIZE,
    ImportResult,
    Issue,
    ListImport,
    ListOptionError,
    Parsed,
    ProgressCallback,
    RowRejected,
    Updated,
    header_of,
    import_list,
    occupation_code,
    place_option,
)
from jobs.lists.masking import mask_number
from jobs.lists.preamble import ListInfo, county_from_text, stated_region
from jobs.lists.reading import DEFAULT_LIMITS, ListSource, ReadLimits
from jobs.storage import audit
from jobs.storage.models import Employer, Post, Region, SupplyList, Workstation
from jobs.people.person_data import Outcome
from jobs.lists.supply_rows import SupplyRow, SupplyRows
from jobs.people.regions import RegionTable, region_table

__all__ = ["SupplyRow", "import_supply"]

# The post's columns and the list column each comes from (what "updated" rows name).
_POST_COLUMNS = {
    "row_key": "row_key", "headcount": "headcount", "address": "place", "wage_min": "wage", "wage_max": "wage",
    "wage_text": "wage", "age_min": "age", "age_max": "age", "education": "education", "skills_required": "skills",
    "labour_intensity": "intensity", "board": "board", "lodging": "board", "contract_months": "contract",
    "contact_name": "contact_name", "closing_date": "closing_date", "notes": "notes",
}


def _loggable(value: object) -> object:
    """A column value as the audit log keeps it (JSON)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value.value if hasattr(value, "value") else value
    return str(value)


def _post_values(row: SupplyRow, supply_list_id: int) -> dict[str, object]:
    """The post's plain columns as the row states them."""
    return {
        "supply_list_id": supply_list_id,
        "row_key": row.row_key,
        "occupation_code": occupation_code(row.title),
        "headcount": row.headcount,
        "address": row.place.address,
        "wage_min": row.wage.minimum if row.wage else None,
        "wage_max": row.wage.maximum if row.wage else None,
        "wage_text": row.wage.text if row.wage else None,
        "age_min": row.age.minimum if row.age else None,
        "age_max": row.age.maximum if row.age else None,
        "education": row.education,
        "skills_required": row.skills,
        "labour_intensity": row.intensity,
        "board": row.board.board if row.board else False,
        "lodging": row.board.lodging if row.board else False,
        "contract_months": row.contract_months,
        "contact_name": row.contact_name,
        "closing_date": row.closing_date,
        "notes": row.notes,
    }


class _SupplyImport(SupplyRows, ListImport[SupplyRow]):
    """Parses (:class:`~jobs.lists.supply_rows.SupplyRows`) and writes the rows of one supply-list import."""

    def __init__(self, session: Session, vault: Vault, source: ListSource, *, today: dt.date,
                 table: RegionTable, region: str | None, workstation: Workstation | None,
                 actor: Actor = SYSTEM) -> None:
        super().__init__(source, today=today, table=table)
        self.session = session
        self.actor = actor
        self.owner = ownership(actor)
        self.vault = vault
        self.region = region
        self.workstation = workstation
        self.supply_list: SupplyList | None = None
        self._rolled_back_list: tuple[int | None, str | None] = (None, None)
        self._by_code: dict[str, Employer] = {}
        self._by_name: dict[str, list[Employer]] = {}
        self._looked_up: set[str] = set()

    # -- writing ----------------------------------------------------------------------------------

    def stored_list(self) -> tuple[int | None, str | None]:
        if self.supply_list is None:
            return self._rolled_back_list
        return self.supply_list.id, self.supply_list.region_code

    def forget(self) -> None:
        if self.supply_list is not None:
            self._rolled_back_list = (None, self.supply_list.region_code)
        self.supply_list = None
        self._by_code.clear()
        self._by_name.clear()
        self._looked_up.clear()

    def write(self, batch: list[Parsed[SupplyRow]]) -> list[Outcome | Updated | RowRejected]:
        supply_list = self._supply_list(batch[0].data)
        self._load_employers([item.data for item in batch])
        employers: list[Employer | RowRejected] = []
        changed: list[bool] = []
        for item in batch:
            try:
                employer, employer_changed = self._employer_for(item.data)
            except RowRejected as rejected:
                employers.append(rejected)
                changed.append(False)
                continue
            employers.append(employer)
            changed.append(employer_changed)
        self.session.flush()
        posts = self._existing_posts([e for e in employers if isinstance(e, Employer)],
                                     {item.data.title for item in batch})
        outcomes: list[Outcome | Updated | RowRejected] = []
        for item, employer, employer_changed in zip(batch, employers, changed, strict=True):
            if isinstance(employer, RowRejected):
                outcomes.append(employer)
                continue
            key = (employer.id, item.data.title, item.data.place.code)
            post = posts.get(key)
            if post is None:
                post = self._new_post(item.data, employer, supply_list.id)
                posts[key] = post
                outcomes.append(Outcome.CREATED)
                continue
            fields = self._update_post(post, item.data, supply_list.id)
            if employer_changed:
                fields = (header_of("supply", "employer"), *fields)
            outcomes.append(Updated(tuple(dict.fromkeys(fields))) if fields else Outcome.UNCHANGED)
        return outcomes

    def _load_employers(self, rows: list[SupplyRow]) -> None:
        codes = {r.credit_code for r in rows if r.credit_code and r.credit_code not in self._looked_up}
        names = {r.employer_name for r in rows if r.employer_name not in self._looked_up}
        if not codes and not names:
            return
        for employer in self.session.scalars(
            select(Employer).where(or_(Employer.credit_code.in_(codes), Employer.name.in_(names)))
        ):
            self._remember(employer)
        self._looked_up |= codes | names

    def _remember(self, employer: Employer) -> None:
        if employer.credit_code:
            self._by_code[employer.credit_code] = employer
        same_name = self._by_name.setdefault(employer.name, [])
        if employer not in same_name:
            same_name.append(employer)

    def _employer_for(self, row: SupplyRow) -> tuple[Employer, bool]:
        """The row's employer (found or created) and whether a stored employer changed."""
        if row.credit_code:
            employer = self._by_code.get(row.credit_code)
            if employer is not None:
                if employer.name != row.employer_name:
                    self._by_name[employer.name].remove(employer)
                    employer.name = row.employer_name
                    self._remember(employer)
                    return employer, True
                return employer, False
            without_code = [e for e in self._by_name.get(row.employer_name, []) if e.credit_code is None]
            if len(without_code) == 1:
                employer = without_code[0]
                employer.credit_code = row.credit_code
                self._remember(employer)
                return employer, True
        else:
            same_name = self._by_name.get(row.employer_name, [])
            if len(same_name) > 1:
                raise RowRejected([Issue(
                    header_of("supply", "credit_code"), "",
                    f"已有{len(same_name)}个名为“{row.employer_name}”的用人单位，请填写统一社会信用代码以区分。",
                )])
            if same_name:
                return same_name[0], False
        employer = Employer(name=row.employer_name, credit_code=row.credit_code, region_code=row.place.code,
                            **self.owner)
        self.session.add(employer)
        self._remember(employer)
        return employer, False

    def _existing_posts(self, employers: list[Employer], titles: set[str]) -> dict[tuple[int, str, str], Post]:
        ids = {e.id for e in employers}
        if not ids:
            return {}
        return {
            (post.employer_id, post.title, post.region_code): post
            for post in self.session.scalars(
                select(Post).where(Post.employer_id.in_(ids), Post.title.in_(titles))
            )
        }

    def _status(self, closing: dt.date | None) -> PostStatus:
        return PostStatus.OPEN if closing is None or closing >= self.today else PostStatus.CLOSED

    def _new_post(self, row: SupplyRow, employer: Employer, supply_list_id: int) -> Post:
        post = Post(employer_id=employer.id, title=row.title, region_code=row.place.code, filled=0,
                    status=self._status(row.closing_date), **_post_values(row, supply_list_id), **self.owner)
        if row.contact_phone:
            post.contact_phone_encrypted = self.vault.encrypt(row.contact_phone)
            post.contact_phone_masked = mask_phone(row.contact_phone)
        self.session.add(post)
        return post

    def _update_post(self, post: Post, row: SupplyRow, supply_list_id: int) -> tuple[str, ...]:
        """Bring a stored post up to the row; the headers of what changed (audited when anything did)."""
        before: dict[str, object] = {}
        after: dict[str, object] = {}
        fields: list[str] = []
        for name, value in _post_values(row, supply_list_id).items():
            if getattr(post, name) != value:
                before[name], after[name] = _loggable(getattr(post, name)), _loggable(value)
                setattr(post, name, value)
                if name in _POST_COLUMNS:
                    fields.append(header_of("supply", _POST_COLUMNS[name]))
                elif name == "supply_list_id":
                    fields.append("所属清单")
        stored = self.vault.decrypt(post.contact_phone_encrypted) if post.contact_phone_encrypted else None
        if stored != row.contact_phone:
            post.contact_phone_encrypted = self.vault.encrypt(row.contact_phone) if row.contact_phone else None
            post.contact_phone_masked = mask_phone(row.contact_phone) if row.contact_phone else None
            before["contact_phone"] = mask_number(stored) if stored else None
            after["contact_phone"] = post.contact_phone_masked
            fields.append(header_of("supply", "contact_phone"))
        if post.status in (PostStatus.OPEN, PostStatus.CLOSED):
            status = self._status(post.closing_date)
            if post.status != status:
                before["status"], after["status"] = post.status.value, status.value
                post.status = status
                fields.append(header_of("supply", "closing_date"))
        if before:
            audit.record(self.session, action="update", actor=self.actor,
                         object_type="post", object_id=post.id, before=before, after=after)
        return tuple(dict.fromkeys(fields))

    def _supply_list(self, first: SupplyRow) -> SupplyList:
        if self.supply_list is not None:
            return self.supply_list
        region = self.region or _prefecture_of(self.session, first.place.code)
        found = self.session.scalar(
            select(SupplyList).where(
                SupplyList.region_code == region, SupplyList.name == self.list_name, SupplyList.period == self.period
            )
        )
        if found is None:
            found = SupplyList(name=self.list_name, period=self.period, region_code=region,
                               workstation_id=self.workstation.id if self.workstation else None,
                               organisation_id=(self.workstation.organisation_id if self.workstation
                                                else self.actor.organisation_id),
                               compiled_by_id=self.actor.id)
            self.session.add(found)
            self.session.flush()
        # Checked on the stored list: a workstation keeps the lists of its own city only.
        require(self.actor, Action.IMPORT_SUPPLY, found)
        self.supply_list = found
        return found


def _prefecture_of(session: Session, code: str) -> str:
    """The prefecture of a county code when the region table has it (a supply list covers a city)."""
    if len(code) == 6 and session.get(Region, code[:4]) is not None:
        return code[:4]
    return code


def import_supply(
    session: Session,
    vault: Vault,
    source: str | Path | IO[bytes],
    *,
    name: str | None = None,
    list_name: str | None = None,
    default_name: str | None = None,
    period: str | None = None,
    region: str | None = None,
    workstation: str | None = None,
    dry_run: bool = False,
    today: dt.date | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressCallback | None = None,
    on_open: Callable[[ListSource], None] | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
    actor: Actor,
) -> ImportResult:
    """Import a supply list (a path, or a binary stream called ``name`` in messages) into ``session``'s
    database, by the run of :func:`jobs.lists.importing.import_list`.

    The list is found or created by (receiving area, name, period): ``region`` is a place or code (default:
    the workstation's city, else the 地区 an export states, else the city or county named by the file's title
    or 填报单位 (a workstation "驻" somewhere), else the city of the first valid row's 工作地点);
    ``workstation`` the name of the workstation that keeps the list. Naming as for
    :func:`jobs.lists.demand.import_demand`; every change to a stored post is audited as ``actor``. Raises
    :class:`~jobs.lists.reading.NotAList` before writing anything when the file is not a readable supply
    list, and :class:`ListOptionError` for an unusable option.
    Only workstation staff (for their city) and administrators may import supply lists: others get
    :class:`~jobs.errors.Forbidden` before the file is read.
    """
    require(actor, Action.IMPORT_SUPPLY, SupplyList, session=session)
    today = today or china_today()
    table = region_table()
    station = _workstation_option(session, workstation)
    region_code = _region_option(table, region) or (station.city_region_code if station else None)

    def prepare(source: ListSource, info: ListInfo) -> _SupplyImport:
        found = region_code or (stated_region(table, info.region_code)
                                or county_from_text(table, info.title, receiving=True)
                                or county_from_text(table, info.unit, receiving=True))
        return _SupplyImport(session, vault, source, today=today, table=table, region=found,
                             workstation=station, actor=actor)

    return import_list(session, source, "supply", prepare=prepare, name=name, list_name=list_name,
                       default_name=default_name, period=period, today=today, dry_run=dry_run,
                       batch_size=batch_size, progress=progress, on_open=on_open, limits=limits)


def _region_option(table: RegionTable, region: str | None) -> str | None:
    found = place_option(table, region, label="地区",
                         any_refused="岗位供给清单的地区不能是“不限”，请填写城市或县（市、区）。")
    return None if found is None else found.code


def _workstation_option(session: Session, name: str | None) -> Workstation | None:
    if name is None or not name.strip():
        return None
    station = session.scalar(select(Workstation).where(Workstation.name == name.strip()))
    if station is None:
        raise ListOptionError(f"没有名为“{name}”的劳务工作站。")
    return station
