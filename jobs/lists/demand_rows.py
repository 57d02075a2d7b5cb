"""Reading the rows of a demand list (就业需求清单, docs/formats.md, "Demand list") into workers' facts.

Each row is validated and normalised here, with no database: :mod:`jobs.lists.demand` stores what this reads,
and the file-to-file match (:mod:`jobs.lists.match_files`) matches it without storing, so this module imports
no ORM.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import partial

from jobs.storage.enums import EmploymentStatus, LabourAbility, PersonCategory
from jobs.people.identity import IdNumber, normalise_mobile, parse_id_number
from jobs.people.person_data import PersonData
from jobs.lists.importing import SKIP, ColumnReader, RowRejected, header_of, occupation_code
from jobs.lists.places import Place, Places
from jobs.lists.reading import ListSource, SourceRow
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
from jobs.people.regions import RegionError, RegionTable

__all__ = ["DemandColumns", "DemandRow", "DemandRows"]


@dataclass(frozen=True)
class DemandRow:
    """A validated row: the list's row key and the worker's facts."""

    row_key: str | None
    person: PersonData


# The facts of a worker, in the order :class:`PersonData` takes them.
_PERSON_FIELDS = tuple(field.name for field in fields(PersonData))
_UNEMPLOYED = (EmploymentStatus.UNEMPLOYED, None)


@dataclass(frozen=True)
class DemandColumns:
    """A batch of rows read column by column: each row's key, each fact of :class:`PersonData` as one list
    with a value per row (what the row's worker would have; meaningless for a rejected row), and the rejected
    rows, by their index in the batch, with their problems."""

    row_keys: list[str | None]
    facts: dict[str, list]
    rejected: dict[int, RowRejected]


class DemandRows:
    """Parses the rows of one demand list: each row's cells checked and normalised, every problem named."""

    kind = "demand"
    identity_words = (header_of("demand", "id_number"), "身份证号")  # (column, what) of :meth:`identity`

    def __init__(self, source: ListSource, *, today: dt.date, table: RegionTable, origin: str | None,
                 occupation_codes: bool = True) -> None:
        self.source = source
        self.occupation_codes = occupation_codes
        self.today = today
        self.table = table
        self.places = Places(table)
        self.origin = origin
        self._memo: dict[str, dict] = {}

    def parse_many(self, rows: Sequence[SourceRow]) -> list[DemandRow | RowRejected]:
        """Each row's worker, or its :class:`RowRejected` with every problem of the row, read column by column
        (:meth:`read_many`)."""
        columns = self.read_many(rows)
        rejected = columns.rejected
        facts = zip(columns.row_keys, zip(*(columns.facts[name] for name in _PERSON_FIELDS)))
        return [rejected[index] if index in rejected else DemandRow(row_key, PersonData(*person))
                for index, (row_key, person) in enumerate(facts)]

    def read_many(self, rows: Sequence[SourceRow]) -> DemandColumns:
        """A batch of rows read column by column, each distinct cell parsed once (the columns a worker's facts
        depend on: the household on the county of the ID number, the wanted places on the household)."""
        columns = ColumnReader(self.source, rows, self._memo)
        take = columns.take
        names = take("name", self._name)
        id_numbers = take("id_number", self._id_number)
        phones = take("phone", self._phone)
        categories = take("category", self._category, remember=True)
        abilities = take("labour_ability", parse_labour_ability, remember=True)
        educations = take("education", parse_education, remember=True)
        skills = take("skills", partial(clean_text, label="技能特长"))
        statuses = take("employment_status", parse_employment_status, remember=True)
        intents = take("employment_intent", partial(parse_yes_no, label="就业意愿"), remember=True)
        occupations = take("wanted_occupations", self._occupations, remember=True)
        wages = take("expected_wage", partial(parse_wage, label="期望月薪"), remember=True)
        trainings = take("training_intent", partial(parse_yes_no, label="培训意愿"), remember=True)
        notes = take("notes", partial(clean_text, label="备注"))
        row_keys = take("row_key", partial(clean_text, limit=32, label="序号"))
        counties = {number.issuing_code: None for number in id_numbers if number is not None}
        for code in counties:
            counties[code] = self._county_of(code)
        households = take("household", self._household, remember=True, contexts=[
            SKIP if number is None else counties[number.issuing_code] for number in id_numbers])
        regions = take("wanted_regions", lambda raw, home: self.places.wanted(
            split_values(raw, label="意向地区"), home=home), remember=True, contexts=[
            SKIP if household is None else household.code for household in households])
        statuses = [status or _UNEMPLOYED for status in statuses]
        facts = {
            "name": names,
            "id_number": id_numbers,
            "household_region_code": [None if place is None else place.code for place in households],
            "category": categories,
            "labour_ability": [ability or LabourAbility.FULL for ability in abilities],
            "phone": phones,
            "household_address": [None if place is None else place.address for place in households],
            "education": educations,
            "skills": skills,
            "employment_status": [status[0] for status in statuses],
            "employment_place": [status[1] for status in statuses],
            "employment_intent": [True if intent is None else intent for intent in intents],
            "training_intent": [bool(training) for training in trainings],
            "wanted_occupations": [wanted or () for wanted in occupations],
            "wanted_regions": [places or () for places in regions],
            "expected_wage_min": [wage.minimum if wage else None for wage in wages],
            "expected_wage_max": [wage.maximum if wage else None for wage in wages],
            "notes": notes,
        }
        return DemandColumns(row_keys, facts, columns.rejected())

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

    def _occupations(self, raw: object) -> tuple[tuple[str, str | None], ...]:
        parts = split_values(raw, label="意向工种")
        if not self.occupation_codes:
            return tuple((part, None) for part in parts)
        return tuple((part, occupation_code(part)) for part in parts)

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

    def identity(self, row: DemandRow) -> tuple[str, str, str, str]:
        return self.identity_of(row.person.id_number)

    def identity_of(self, id_number: IdNumber) -> tuple[str, str, str, str]:
        """(key, column, value shown, what) of the worker with this ID number: one row per worker."""
        column, what = self.identity_words
        return id_number.number, column, id_number.masked, what

    def describe(self, row: DemandRow) -> str:
        return f"{row.person.name}（{row.person.id_number.masked}）"
