"""Reading the rows of a demand list (就业需求清单, docs/formats.md, "Demand list") into workers' facts.

Each row is validated and normalised here, with no database: :mod:`jobs.lists.demand` stores what this reads,
and the file-to-file match (:mod:`jobs.lists.match_files`) matches it without storing, so this module imports
no ORM.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from jobs.storage.enums import EmploymentStatus, LabourAbility, PersonCategory
from jobs.people.identity import IdNumber, normalise_mobile, parse_id_number
from jobs.people.person_data import PersonData
from jobs.lists.importing import RowReader, header_of, occupation_code
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
from jobs.people.regions import RegionError, RegionTable, region_table

__all__ = ["DemandRow", "DemandRows", "demand_parser"]


@dataclass(frozen=True)
class DemandRow:
    """A validated row: the list's row key and the worker's facts."""

    row_key: str | None
    person: PersonData


class DemandRows:
    """Parses the rows of one demand list: each row's cells checked and normalised, every problem named."""

    kind = "demand"

    def __init__(self, source: ListSource, *, today: dt.date, table: RegionTable, origin: str | None,
                 occupation_codes: bool = True) -> None:
        self.source = source
        self.occupation_codes = occupation_codes
        self.today = today
        self.table = table
        self.places = Places(table)
        self.origin = origin
        self._memo: dict[tuple, object] = {}

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
        number = row.person.id_number.number
        return number, header_of("demand", "id_number"), row.person.id_number.masked, "身份证号"

    def describe(self, row: DemandRow) -> str:
        return f"{row.person.name}（{row.person.id_number.masked}）"


def demand_parser(source: ListSource, *, today: dt.date, occupation_codes: bool = True
                  ) -> tuple[Callable[[SourceRow], DemandRow], Callable]:
    """The row parser and identity of a demand-list import, without a database (e.g. to match two files):
    rows are validated exactly as :func:`import_demand` validates them. Without ``occupation_codes`` the wanted
    jobs are kept as written, uncoded (a code never decides whether a row is valid): the matching engine
    classifies all of them at once, which costs a fraction of coding them one cell at a time."""
    rows = DemandRows(source, today=today, table=region_table(), origin=None, occupation_codes=occupation_codes)
    return rows.parse, rows.identity
