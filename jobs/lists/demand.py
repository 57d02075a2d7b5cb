"""Importing a demand list (就业需求清单, docs/formats.md, "Demand list"): one worker per row, into people and a DemandList.

The same person is the same person by ID number: a row for a known number updates that person (and says
whether anything changed). The list the rows belong to (name, period, origin county) is found or created;
each row becomes (or refreshes) the person's entry in it. See :mod:`jobs.lists.importing` for batching,
crash and resume.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, selectinload

from jobs.access.permissions import SYSTEM, Action, Actor, ownership, require
from jobs.storage.clock import china_today
from jobs.storage.crypto import Vault
from jobs.storage.enums import EmploymentStatus, LabourAbility, PersonCategory
from jobs.people.identity import IdNumber, normalise_mobile, parse_id_number
from jobs.lists.importing import (
    DEFAULT_BATCH_SIZE,
    ImportResult,
    ListImport,
    NeedsConfirmation,
    Parsed,
    ProgressCallback,
    RowReader,
    Updated,
    header_of,
    import_list,
    occupation_code,
    place_option,
)
from jobs.lists.places import Place, Places
from jobs.lists.preamble import ListInfo, county_from_text, stated_region
from jobs.lists.reading import DEFAULT_LIMITS, ListSource, ReadLimits, SourceRow
from jobs.lists.values import (
    MASKED,
    CellError,
    clean_name,
    clean_text,
    is_nothing,
    parse_category,
    parse_education,
    parse_employment_status,
    parse_labour_ability,
    parse_wage,
    parse_yes_no,
    split_values,
)
from jobs.storage import audit
from jobs.storage.models import DemandEntry, DemandList, Person, Placement
from jobs.people.persons import _PLAIN_FIELDS, Outcome, PersonData, add_people, facts_of, store_person, stored_facts
from jobs.people.regions import RegionError, RegionTable, region_table

__all__ = ["DemandRow", "demand_parser", "import_demand"]

# The facts :func:`jobs.people.persons.facts_of` compares, in its order, and the column each comes from.
_FACT_COLUMNS = dict(zip(
    (*_PLAIN_FIELDS, "phone", "wanted_occupations", "wanted_regions"),
    ("name", "household", "category", "labour_ability", "household", "education", "skills",
     "employment_status", "employment_status", "employment_intent", "training_intent", "expected_wage",
     "expected_wage", "notes", "phone", "wanted_occupations", "wanted_regions"),
    strict=True,
))
# Facts whose values the audit log does not repeat (a phone number), only that they changed.
_UNLOGGED = frozenset({"phone"})

@dataclass(frozen=True)
class DemandRow:
    """A validated row: the list's row key and the worker's facts."""

    row_key: str | None
    person: PersonData


class _DemandImport(ListImport[DemandRow]):
    """Parses and writes the rows of one demand-list import."""

    kind = "demand"

    def __init__(self, session: Session | None, vault: Vault | None, source: ListSource, *, today: dt.date,
                 table: RegionTable, origin: str | None, confirm_changes: bool = False,
                 actor: Actor = SYSTEM) -> None:
        self.session = session
        self.actor = actor
        self.vault = vault
        self.source = source
        self.today = today
        self.table = table
        self.places = Places(table)
        self.origin = origin
        self.confirm_changes = confirm_changes
        self.demand_list: DemandList | None = None
        self._rolled_back_list: tuple[int | None, str | None] = (None, None)
        self._memo: dict[tuple, object] = {}

    # -- parsing ----------------------------------------------------------------------------------

    def parse(self, row: SourceRow) -> DemandRow:
        cells = RowReader(self.source, row, self._memo)
        take = cells.take
        name = take("name", self._name)
        id_number = take("id_number", self._id_number)
        phone = take("phone", self._phone)
        category = take("category", self._category, remember=True)
        ability = take("labour_ability", parse_labour_ability, remember=True)
        education = take("education", parse_education, remember=True)
        skills = take("skills", lambda raw: clean_text(raw, label="技能特长"))
        status = take("employment_status", parse_employment_status, remember=True)
        intent = take("employment_intent", lambda raw: parse_yes_no(raw, label="就业意愿"), remember=True)
        occupations = take("wanted_occupations", self._occupations, remember=True)
        wage = take("expected_wage", lambda raw: parse_wage(raw, label="期望月薪"), remember=True)
        training = take("training_intent", lambda raw: parse_yes_no(raw, label="培训意愿"), remember=True)
        notes = take("notes", lambda raw: clean_text(raw, label="备注"))
        row_key = take("row_key", lambda raw: clean_text(raw, limit=32, label="序号"))
        household = None
        if isinstance(id_number, IdNumber):
            from_id = self._county_of(id_number.issuing_code)
            household = take("household", lambda raw: self._household(raw, from_id), remember=True, context=from_id)
        regions = ()
        if household is not None:
            regions = take("wanted_regions", lambda raw: self.places.wanted(
                split_values(raw, label="意向地区"), home=household.code), remember=True, context=household.code)
        cells.check()
        employment = status or (EmploymentStatus.UNEMPLOYED, None)
        data = PersonData(
            name=name,
            id_number=id_number,
            household_region_code=household.code,
            household_address=household.address,
            category=category,
            labour_ability=ability or LabourAbility.FULL,
            phone=phone,
            education=education,
            skills=skills,
            employment_status=employment[0],
            employment_place=employment[1],
            employment_intent=True if intent is None else intent,
            training_intent=bool(training),
            wanted_occupations=occupations or (),
            wanted_regions=regions or (),
            expected_wage_min=wage.minimum if wage else None,
            expected_wage_max=wage.maximum if wage else None,
            notes=notes,
        )
        return DemandRow(row_key, data)

    @staticmethod
    def _name(raw: object) -> str:
        name = clean_name(raw, limit=64, label="姓名")
        if name is None:
            raise CellError("姓名为空，请填写劳动力本人姓名。")
        return name

    def _id_number(self, raw: object) -> IdNumber:
        if isinstance(raw, str) and MASKED.search(raw):
            raise CellError(
                f"身份证号“{raw.strip()}”是遮盖后的号码，无法导入：请填写完整的18位身份证号"
                "（导出清单时加 --reveal 可得到完整号码）。"
            )
        return parse_id_number(raw, today=self.today, valid_for_year=self.table.valid_for_year)

    @staticmethod
    def _phone(raw: object) -> str | None:
        if is_nothing(raw):
            return None
        if isinstance(raw, str) and MASKED.search(raw):
            raise CellError(f"联系电话“{raw.strip()}”是遮盖后的号码，无法导入：请填写完整的11位手机号码。")
        return normalise_mobile(raw)

    @staticmethod
    def _category(raw: object) -> PersonCategory:
        category = parse_category(raw)
        if category is None:
            raise CellError("人员类别为空，请填写脱贫人口、监测对象、农村低收入人口或其他。")
        return category

    @staticmethod
    def _occupations(raw: object) -> tuple[tuple[str, str | None], ...]:
        return tuple((part, occupation_code(part)) for part in split_values(raw, label="意向工种"))

    def _county_of(self, issuing_code: str) -> str | None:
        """The current county of an ID number's first six digits (None when unknown or split)."""
        try:
            found = self.table.county_of(issuing_code)
        except RegionError:
            return None
        return found.code if found is not None else None

    def _household(self, raw: object, from_id: str | None) -> Place:
        text = clean_text(raw, limit=256, label="户籍地")
        if text is None:
            if from_id is None:
                raise CellError("户籍地为空，且无法从身份证号判断户籍所在县，请填写户籍所在县（市、区）。")
            return Place(from_id, None)
        return self.places.county(text, home=self.origin, fallback=from_id, label="户籍地")

    # -- writing ----------------------------------------------------------------------------------

    def identity(self, row: DemandRow) -> tuple[str, str, str, str]:
        number = row.person.id_number.number
        return number, header_of("demand", "id_number"), row.person.id_number.masked, "身份证号"

    def describe(self, row: DemandRow) -> str:
        return f"{row.person.name}（{row.person.id_number.masked}）"

    def stored_list(self) -> tuple[int | None, str | None]:
        if self.demand_list is None:
            return self._rolled_back_list
        return self.demand_list.id, self.demand_list.origin_region_code

    def forget(self) -> None:
        if self.demand_list is not None:
            self._rolled_back_list = (None, self.demand_list.origin_region_code)
        self.demand_list = None

    def write(self, batch: list[Parsed[DemandRow]]) -> list[Outcome | Updated | NeedsConfirmation]:
        """Store a batch: new people in bulk, changed people through :func:`store_person` (audited; a person
        with placements or claims only when changes are confirmed), unchanged people not touched; each
        stored row gets (or keeps) its entry in the list."""
        demand_list = self._demand_list(batch[0].data)
        digests = [self.vault.digest(item.data.person.id_number.number) for item in batch]
        stored = stored_facts(self.session, digests)
        entries = self._entries(demand_list.id, [person_id for person_id, _ in stored.values()])
        outcomes: list[Outcome | Updated | NeedsConfirmation] = []
        new: list[int] = []
        changed: dict[int, tuple[int, dict[str, tuple[object, object]]]] = {}  # person id → (index, changes)
        person_ids: list[int | None] = []
        for index, (item, digest) in enumerate(zip(batch, digests, strict=True)):
            found = stored.get(digest)
            if found is None:
                new.append(index)
                person_ids.append(None)
                outcomes.append(Outcome.CREATED)
                continue
            person_id, facts = found
            person_ids.append(person_id)
            wanted = facts_of(item.data.person, self.vault)
            if facts == wanted:
                outcomes.append(Outcome.UNCHANGED)
                continue
            differences = {name: (old, new_value) for name, old, new_value in zip(_FACT_COLUMNS, facts, wanted,
                                                                                   strict=True) if old != new_value}
            changed[person_id] = (index, differences)
            outcomes.append(Updated(_labels(differences)))
        for index, person_id in zip(new, add_people(self.session, self.vault, [batch[i].data.person for i in new],
                                                    owner=ownership(self.actor)), strict=True):
            person_ids[index] = person_id
        if changed:
            placed = set(self.session.scalars(
                select(Placement.person_id).where(Placement.person_id.in_(changed)).distinct()))
            for person_id in placed if not self.confirm_changes else ():
                index, differences = changed.pop(person_id)
                outcomes[index] = NeedsConfirmation(
                    _labels(differences), "此人已有上岗或补贴记录，修改需确认（加 --confirm-changes 后重新导入）")
                person_ids[index] = None
            for person in self.session.scalars(
                select(Person).where(Person.id.in_(changed))
                .options(selectinload(Person.wanted_occupations), selectinload(Person.wanted_regions))
            ):
                index, differences = changed[person.id]
                store_person(self.session, self.vault, batch[index].data.person, person)
                self._audit(person.id, differences, confirmed=person.id in placed)
        self._write_entries(demand_list.id, batch, person_ids, entries, outcomes)
        return outcomes

    def _audit(self, person_id: int, differences: dict[str, tuple[object, object]], *, confirmed: bool) -> None:
        before = {name: _loggable(name, old) for name, (old, _new) in differences.items()}
        after = {name: _loggable(name, new) for name, (_old, new) in differences.items()}
        if confirmed:
            after["confirmed"] = True
        audit.record(self.session, action="update", actor=self.actor,
                     object_type="person", object_id=person_id, before=before,
                     after={**after, "list": self.list_name, "period": self.period})

    def _entries(self, list_id: int, person_ids: list[int]) -> dict[int, tuple[int, str | None, int | None]]:
        if not person_ids:
            return {}
        rows = self.session.execute(
            select(DemandEntry.person_id, DemandEntry.id, DemandEntry.row_key, DemandEntry.row_number)
            .where(DemandEntry.demand_list_id == list_id, DemandEntry.person_id.in_(person_ids))
        )
        return {person_id: (entry_id, key, number) for person_id, entry_id, key, number in rows}

    def _write_entries(self, list_id, batch, person_ids, entries, outcomes) -> None:
        """Each stored row's entry in the list: created when missing (a row for an unchanged person counts as
        created; a changed person stays "updated"), its row key kept up to date (a change counts as an
        update) and its row number too (where the row is now: no change of the data)."""
        inserts, updates = [], []
        for index, (item, person_id) in enumerate(zip(batch, person_ids, strict=True)):
            if person_id is None:  # waiting for confirmation: nothing of the row is stored
                continue
            entry = entries.get(person_id)
            if entry is None:
                inserts.append({"demand_list_id": list_id, "person_id": person_id,
                                "row_key": item.data.row_key, "row_number": item.row.number})
                if not isinstance(outcomes[index], Updated):
                    outcomes[index] = Outcome.CREATED
                continue
            entry_id, row_key, row_number = entry
            if (row_key, row_number) != (item.data.row_key, item.row.number):
                updates.append({"id": entry_id, "row_key": item.data.row_key, "row_number": item.row.number})
                if row_key != item.data.row_key and outcomes[index] is Outcome.UNCHANGED:
                    outcomes[index] = Updated((header_of("demand", "row_key"),))
        if inserts:
            self.session.execute(insert(DemandEntry.__table__), inserts)
        if updates:
            self.session.execute(update(DemandEntry), updates)

    def _demand_list(self, first: DemandRow) -> DemandList:
        if self.demand_list is not None:
            return self.demand_list
        origin = self.origin or first.person.household_region_code
        found = self.session.scalar(
            select(DemandList).where(
                DemandList.origin_region_code == origin,
                DemandList.name == self.list_name,
                DemandList.period == self.period,
            )
        )
        if found is None:
            found = DemandList(name=self.list_name, period=self.period, origin_region_code=origin,
                               organisation_id=self.actor.organisation_id, compiled_by_id=self.actor.id)
            self.session.add(found)
            self.session.flush()
        # Checked on the stored list, so a county can neither create nor add to another area's list.
        require(self.actor, Action.IMPORT_DEMAND, found)
        self.demand_list = found
        return found


def import_demand(
    session: Session,
    vault: Vault,
    source: str | Path | IO[bytes],
    *,
    name: str | None = None,
    list_name: str | None = None,
    default_name: str | None = None,
    period: str | None = None,
    origin: str | None = None,
    dry_run: bool = False,
    confirm_changes: bool = False,
    today: dt.date | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressCallback | None = None,
    on_open: Callable[[ListSource], None] | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
    actor: Actor,
) -> ImportResult:
    """Import a demand list (a path, or a binary stream called ``name`` in messages) into ``session``'s
    database, by the run of :func:`jobs.lists.importing.import_list`.

    The list is found or created by (origin county, name, period): ``origin`` is a place or code (default:
    the 输出地 an export states, else the county named by the file's 填报单位 or title, else the first valid
    row's 户籍地); ``list_name``, ``default_name`` and ``period`` as :func:`~jobs.lists.importing.import_list`
    says. Changes to people with placements or claims are applied only with ``confirm_changes``; every
    change to a stored person is audited as ``actor``, who also owns what the import creates. Raises
    :class:`~jobs.lists.reading.NotAList` before writing anything when the file is not a readable demand
    list, :class:`~jobs.lists.importing.ListOptionError` for an unusable option. ``on_open`` is called with
    the opened source before the first row (e.g. to size a progress bar). Only county staff (for their area)
    and administrators may import demand lists: others get :class:`~jobs.errors.Forbidden` before the file
    is read.
    """
    require(actor, Action.IMPORT_DEMAND, DemandList, session=session)
    today = today or china_today()
    table = region_table()
    origin_code = _origin_option(table, origin)

    def prepare(source: ListSource, info: ListInfo) -> _DemandImport:
        found = origin_code or (stated_region(table, info.region_code) or county_from_text(table, info.unit)
                                or county_from_text(table, info.title))
        return _DemandImport(session, vault, source, today=today, table=table, origin=found,
                             confirm_changes=confirm_changes, actor=actor)

    return import_list(session, source, "demand", prepare=prepare, name=name, list_name=list_name,
                       default_name=default_name, period=period, today=today, dry_run=dry_run,
                       batch_size=batch_size, progress=progress, on_open=on_open, limits=limits)


def _labels(differences: dict[str, object]) -> tuple[str, ...]:
    """The Chinese headers of the changed facts, each once, in column order."""
    return tuple(dict.fromkeys(header_of("demand", _FACT_COLUMNS[name]) for name in differences))


def _loggable(name: str, value: object) -> object:
    """A fact as the audit log keeps it (JSON; a phone number only as "changed")."""
    if name in _UNLOGGED:
        return "（已更改）" if value else None
    if isinstance(value, tuple):
        return [item[0] if isinstance(item, tuple) else item for item in value]
    if value is None or isinstance(value, (bool, int, str)):
        return value if not hasattr(value, "value") else value.value
    return str(value)


def _origin_option(table: RegionTable, origin: str | None) -> str | None:
    found = place_option(table, origin, label="输出地", any_refused="输出地不能是“不限”，请填写县（市、区）名称或代码。")
    return None if found is None else found.county_code or found.code


def demand_parser(source: ListSource, *, today: dt.date) -> tuple[Callable[[SourceRow], DemandRow], Callable]:
    """The row parser and identity of a demand-list import, without a database (e.g. to match two files):
    rows are validated exactly as :func:`import_demand` validates them."""
    importer = _DemandImport(None, None, source, today=today, table=region_table(), origin=None)
    return importer.parse, importer.identity
