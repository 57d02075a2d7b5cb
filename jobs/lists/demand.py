"""Importing a demand list (就业需求清单, docs/formats.md, "Demand list"): one worker per row, into people and a DemandList.

The same person is the same person by ID number: a row for a known number updates that person (and says
whether anything changed). The list the rows belong to (name, period, origin county) is found or created;
each row becomes (or refreshes) the person's entry in it. See :mod:`jobs.lists.importing` for batching,
crash and resume.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import IO

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, selectinload

from jobs.access.permissions import SYSTEM, Action, Actor, ownership, require
from jobs.storage.clock import china_today
from jobs.storage.crypto import Vault
from jobs.lists.importing import (
    DEFAULT_BATCH_SIZE,
    ImportResult,
    ListImport,
    NeedsConfirmation,
    Parsed,
    ProgressCallback,
    Updated,
    header_of,
    import_list,
    place_option,
)
from jobs.lists.demand_rows import DemandRow, DemandRows
from jobs.lists.preamble import ListInfo, county_from_text, stated_region
from jobs.lists.reading import DEFAULT_LIMITS, ListSource, ReadLimits
from jobs.storage import audit
from jobs.storage.models import DemandEntry, DemandList, Person, Placement
from jobs.people.persons import _PLAIN_FIELDS, Outcome, add_people, facts_of, store_person, stored_facts
from jobs.people.regions import RegionTable, region_table

__all__ = ["DemandRow", "import_demand"]

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

class _DemandImport(DemandRows, ListImport[DemandRow]):
    """Parses (:class:`~jobs.lists.demand_rows.DemandRows`) and writes the rows of one demand-list import."""

    def __init__(self, session: Session, vault: Vault, source: ListSource, *, today: dt.date,
                 table: RegionTable, origin: str | None, confirm_changes: bool = False,
                 actor: Actor = SYSTEM) -> None:
        super().__init__(source, today=today, table=table, origin=origin)
        self.session = session
        self.actor = actor
        self.vault = vault
        self.confirm_changes = confirm_changes
        self.demand_list: DemandList | None = None
        self._rolled_back_list: tuple[int | None, str | None] = (None, None)

    # -- writing ----------------------------------------------------------------------------------

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


