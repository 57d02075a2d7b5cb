"""Reading the rows of a supply list (岗位供给清单, docs/formats.md, "Supply list") into posts' facts.

Each row is validated and normalised here, with no database: :mod:`jobs.lists.supply` stores what this reads,
and the file-to-file match (:mod:`jobs.lists.match_files`) matches it without storing, so this module imports
no ORM.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import partial

from jobs.storage.enums import LabourIntensity
from jobs.people.identity import normalise_contact_phone, normalise_credit_code
from jobs.lists.importing import ColumnReader, RowRejected, header_of
from jobs.lists.places import Place, Places
from jobs.lists.reading import ListSource, SourceRow
from jobs.lists.values import (
    MASKED,
    AgeRange,
    Board,
    CellError,
    WageRange,
    clean_name,
    clean_text,
    is_nothing,
    parse_age_range,
    parse_board,
    parse_contract_months,
    parse_date,
    parse_education,
    parse_headcount,
    parse_labour_intensity,
    parse_wage,
)
from jobs.people.regions import RegionTable

__all__ = ["SupplyRow", "SupplyRows"]


@dataclass(frozen=True)
class SupplyRow:
    """A validated row of a supply list."""

    row_key: str | None
    employer_name: str
    credit_code: str | None
    title: str
    place: Place
    headcount: int | None
    wage: WageRange | None
    age: AgeRange | None
    education: str | None
    skills: str | None
    intensity: LabourIntensity | None
    board: Board | None
    contract_months: int | None
    contact_name: str | None
    contact_phone: str | None
    closing_date: dt.date | None
    notes: str | None

    @property
    def employer_key(self) -> str:
        return self.credit_code or f"名称:{self.employer_name}"


_SUPPLY_FIELDS = tuple(field.name for field in fields(SupplyRow))  # in the order SupplyRow takes them


class SupplyRows:
    """Parses the rows of one supply list: each row's cells checked and normalised, every problem named."""

    kind = "supply"

    def __init__(self, source: ListSource, *, today: dt.date, table: RegionTable) -> None:
        self.source = source
        self.today = today
        self.places = Places(table)
        self._memo: dict[str, dict] = {}

    def parse_many(self, rows: Sequence[SourceRow]) -> list[SupplyRow | RowRejected]:
        """Each row's post, or its :class:`RowRejected` with every problem of the row, read column by column
        (each distinct cell of a batch parsed once)."""
        columns = ColumnReader(self.source, rows, self._memo)
        take = columns.take
        values = {
            "row_key": take("row_key", partial(clean_text, limit=32, label="序号")),
            "employer_name": take("employer", self._employer, remember=True),
            "credit_code": take("credit_code", self._credit_code, remember=True),
            "title": take("title", self._title, remember=True),
            "place": take("place", self._place, remember=True),
            "headcount": take("headcount", parse_headcount, remember=True),
            "wage": take("wage", partial(parse_wage, label="月薪"), remember=True),
            "age": take("age", parse_age_range, remember=True),
            "education": take("education", parse_education, remember=True),
            "skills": take("skills", partial(clean_text, label="技能要求")),
            "intensity": take("intensity", parse_labour_intensity, remember=True),
            "board": take("board", parse_board, remember=True),
            "contract_months": take("contract", parse_contract_months, remember=True),
            "contact_name": take("contact_name", partial(clean_name, limit=64, label="联系人")),
            "contact_phone": take("contact_phone", self._contact_phone),
            "closing_date": take("closing_date", partial(parse_date, label="截止日期"), remember=True),
            "notes": take("notes", partial(clean_text, label="备注")),
        }
        rejected = columns.rejected()
        rows_facts = zip(*(values[name] for name in _SUPPLY_FIELDS))
        return [rejected[index] if index in rejected else SupplyRow(*facts) for index, facts in enumerate(rows_facts)]

    @staticmethod
    def _credit_code(raw: object) -> str | None:
        return None if is_nothing(raw) else normalise_credit_code(raw)

    @staticmethod
    def _contact_phone(raw: object) -> str | None:
        if is_nothing(raw):
            return None
        if isinstance(raw, str) and MASKED.search(raw):
            raise CellError(f"联系电话“{raw.strip()}”是遮盖后的号码，无法导入：请填写完整的电话号码。")
        return normalise_contact_phone(raw)

    @staticmethod
    def _employer(raw: object) -> str:
        name = clean_name(raw, limit=128, label="用人单位")
        if name is None:
            raise CellError("用人单位为空，请填写用人单位全称。")
        return name

    @staticmethod
    def _title(raw: object) -> str:
        title = clean_text(raw, limit=128, label="岗位名称")
        if title is None:
            raise CellError("岗位名称为空，请填写岗位名称。")
        return title

    def _place(self, raw: object) -> Place:
        text = clean_text(raw, limit=256, label="工作地点")
        if text is None:
            raise CellError("工作地点为空，请填写工作地点，至少写到县（市、区）。")
        return self.places.workplace(text, label="工作地点")

    def identity(self, row: SupplyRow) -> tuple[tuple[str, str, str], str, str, str]:
        return ((row.employer_key, row.title, row.place.code), header_of("supply", "title"), row.title,
                "岗位（同一用人单位、同一岗位名称、同一工作地点）")

    def describe(self, row: SupplyRow) -> str:
        return f"{row.employer_name} {row.title}"
