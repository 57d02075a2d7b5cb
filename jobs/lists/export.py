"""Exports: demand lists, supply lists and the stable-job list (稳岗清单), as xlsx.

Each list goes to its own sheet: two lines saying which list it is (清单名称, 清单期间, 输出地 / 地区), then
the canonical header (frozen) and one row per worker or post, written in the canonical spelling of every
value, so that an exported list imports back into the same list unchanged. ID and phone numbers are masked
(``430124********4513``, ``138****5678``) unless ``reveal`` is set; a reveal is written to the audit log in
the caller's transaction (《个人信息保护法》第二十八条; docs/architecture.md, "Storage"). Every export acts for a user (``actor``): it holds only the rows the
user may see, and only roles that keep the lists may export them, with clear numbers or not
(:mod:`jobs.access.permissions`, actions ``export`` and ``export_revealed``). A masked export does not import
back: the importer refuses masked numbers and says why.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from jobs.access.permissions import Action, Actor, require, scope
from jobs.storage import audit
from jobs.storage.clock import china_today
from jobs.storage.crypto import Vault
from jobs.storage.enums import ClaimKind, ClaimStatus, PlacementStatus
from jobs.lists.columns import DEMAND_COLUMNS, SUPPLY_COLUMNS
from jobs.lists.importing import ListOptionError
from jobs.lists.preamble import ORIGIN_LABEL, REGION_LABEL, describe_list
from jobs.lists.values import (
    format_age_range,
    format_board,
    format_contract_months,
    format_employment_status,
    format_wage,
)
from jobs.rendering.xlsx import StreamingSheet, append_row, new_streaming_workbook, save
from jobs.storage.models import (
    DemandEntry,
    DemandList,
    Person,
    Placement,
    Post,
    SubsidyClaim,
    SupplyList,
)
from jobs.people.persons import masked_id_number, masked_phone, reveal_id_number, reveal_phone
from jobs.people.regions import RegionError, RegionTable, region_table
from jobs.subsidy.engine import add_months

__all__ = [
    "ExportResult",
    "record_export_reveal",
    "export_demand",
    "export_supply",
    "export_stable",
    "verified_months",
    "STABLE_HEADERS",
]

YIELD_PER = 1000
STABLE_HEADERS = (
    "序号", "姓名", "身份证号", "联系电话", "户籍地", "人员类别", "用人单位", "统一社会信用代码", "岗位名称",
    "工作地点", "上岗日期", "合同期限", "用工形式", "劳务经纪人", "稳岗核实月数", "最近核实日期", "在岗状态",
    "离岗日期", "就业创业服务补助（元）", "就业创业服务补助状态", "一次性交通补助（元）", "一次性交通补助状态",
)
_STABLE_TEXT = {2, 3, 7}
# Placements that are (or were) a hire: the ones the 稳岗清单 lists.
_STABLE_STATUSES = (PlacementStatus.HIRED, PlacementStatus.ACTIVE, PlacementStatus.ENDED)


def _allowed(session: Session, actor: Actor, model: type, reveal: bool) -> None:
    """Refuse (Forbidden, audited) before anything is written when ``actor`` may not export these lists so."""
    require(actor, Action.EXPORT_REVEALED if reveal else Action.EXPORT, model, session=session)


@dataclass
class ExportResult:
    """What an export wrote: the file (None for a stream), and the rows per sheet."""

    path: Path | None
    sheets: dict[str, int] = field(default_factory=dict)
    revealed: bool = False
    scope: str | None = None

    @property
    def rows(self) -> int:
        return sum(self.sheets.values())


class _Regions:
    """Region names for export cells, and the ``--origin`` / ``--region`` filter."""

    def __init__(self, table: RegionTable) -> None:
        self.table = table

    def full_name(self, code: str) -> str:
        try:
            return self.table.current(code).full_name
        except RegionError:
            return code

    def filter_code(self, text: str | None) -> str | None:
        if text is None or not text.strip():
            return None
        try:
            found = self.table.resolve(text.strip())
        except RegionError as error:
            raise ListOptionError(f"无法识别地区“{text}”：{error.message}") from None
        if found.code is None:
            return None
        return found.county_code or found.code


def _masked(reveal: bool, vault: Vault, token: str | None, masked: str | None) -> str:
    if token is None:
        return ""
    return vault.decrypt(token) if reveal else (masked or "")


def _identity_cells(person: Person, *, vault: Vault, reveal: bool) -> tuple[str, str]:
    """The ID number and phone cells: clear when revealed, else masked (derived here, never stored masked)."""
    if reveal:
        return reveal_id_number(person, vault), reveal_phone(person, vault) or ""
    return masked_id_number(person, vault), masked_phone(person, vault) or ""


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def _unique_title(used: set[str], wanted: str) -> str:
    """An Excel sheet name (at most 31 characters, none of []:*?/\\), unique in the workbook."""
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in wanted)[:28] or "清单"
    title, number = base, 2
    while title in used:
        title = f"{base[:26]}({number})"
        number += 1
    used.add(title)
    return title


def record_export_reveal(session: Session, *, kind: str, result: ExportResult, actor: Actor) -> None:
    """Write the audit event of an export with clear numbers (PIPL art. 28: access to sensitive personal
    data is logged) into ``session``'s transaction: the caller commits it."""
    audit.record(session, action="reveal", actor=actor, object_type=f"{kind}_export",
                 object_id=result.scope or "all",
                 after={"file": result.path.name if result.path else None, "rows": result.rows})


class _Export:
    """What every export shares: the region names and filter, the write-only workbook, one streamed sheet per
    list (preamble, frozen header, text columns), the empty-file note, and the reveal's audit event."""

    def __init__(self, target: str | Path | IO[bytes], *, reveal: bool, headers: list[str], text_columns: set[int],
                 empty_message: str) -> None:
        self.regions = _Regions(region_table())
        self.target = target
        self.headers = headers
        self.text_columns = text_columns
        self.empty_message = empty_message
        self.workbook = new_streaming_workbook()
        self.result = ExportResult(Path(target) if isinstance(target, (str, Path)) else None, revealed=reveal)
        self._used: set[str] = set()
        self._sheet: StreamingSheet | None = None

    def filter(self, text: str | None) -> str | None:
        self.result.scope = self.regions.filter_code(text)
        return self.result.scope

    def sheet(self, title: str, preamble: list[list[object]], *, headers: list[str] | None = None,
              text_columns: set[int] | None = None) -> StreamingSheet:
        """Start the next sheet (the previous one is finished)."""
        self._close()
        self._sheet = StreamingSheet(self.workbook, _unique_title(self._used, title), headers or self.headers,
                                     self.text_columns if text_columns is None else text_columns,
                                     preamble=preamble)
        return self._sheet

    def _close(self) -> None:
        if self._sheet is not None:
            self._sheet.close()
            self.result.sheets[self._sheet.sheet.title] = self._sheet.rows
            self._sheet = None

    def finish(self, session: Session, *, kind: str, record: bool, actor: Actor) -> ExportResult:
        self._close()
        if not self.result.sheets:
            append_row(self.workbook.create_sheet("说明"), [self.empty_message])
        save(self.workbook, self.target)
        if self.result.revealed and record:
            record_export_reveal(session, kind=kind, result=self.result, actor=actor)
        return self.result


# --------------------------------------------------------------------------------------------------------
# Demand lists


def demand_row(person: Person, entry: DemandEntry, *, vault: Vault, reveal: bool, regions: _Regions) -> list:
    """A person's row of the demand list, every value spelled as the importer reads it back."""
    return [
        entry.row_key or "",
        person.name,
        *_identity_cells(person, vault=vault, reveal=reveal),
        person.household_address or regions.full_name(person.household_region_code),
        person.category.value,
        person.labour_ability.value,
        person.education or "",
        person.skills or "",
        format_employment_status(person.employment_status, person.employment_place),
        _yes_no(person.employment_intent),
        "、".join(o.text for o in person.wanted_occupations),
        "、".join(dict.fromkeys(r.text for r in person.wanted_regions)),
        format_wage(person.expected_wage_min, person.expected_wage_max),
        _yes_no(person.training_intent),
        person.notes or "",
    ]


def export_demand(
    session: Session,
    vault: Vault,
    target: str | Path | IO[bytes],
    *,
    origin: str | None = None,
    list_name: str | None = None,
    period: str | None = None,
    reveal: bool = False,
    actor: Actor,
    record: bool = True,
) -> ExportResult:
    """Write the demand lists of ``origin`` (a county, city or province; all when None) to ``target`` (a path
    or a binary stream), one sheet per list; ``list_name`` / ``period`` pick one list. ``reveal`` writes
    clear ID and phone numbers and, with ``record``, adds an audit event (``reveal``) to ``session``: the
    caller commits it (a caller that reads in a read-only session passes ``record=False`` and calls
    :func:`record_export_reveal` in a transaction of its own)."""
    _allowed(session, actor, DemandList, reveal)
    export = _Export(target, reveal=reveal, headers=[column.header for column in DEMAND_COLUMNS],
                     text_columns={i for i, column in enumerate(DEMAND_COLUMNS) if column.text_format},
                     empty_message="没有符合条件的就业需求清单")
    code = export.filter(origin)
    query = (select(DemandList).where(scope(actor, DemandList))
             .order_by(DemandList.origin_region_code, DemandList.period, DemandList.name))
    if code is not None:
        query = query.where(DemandList.origin_region_code.startswith(code))
    if list_name:
        query = query.where(DemandList.name == list_name)
    if period:
        query = query.where(DemandList.period == period)
    for demand_list in session.scalars(query).all():
        record_ = export.regions.table.current(demand_list.origin_region_code)
        sheet = export.sheet(demand_list.name, [[demand_list.name], describe_list(
            demand_list.name, demand_list.period, ORIGIN_LABEL, record_)])
        rows = (
            select(DemandEntry, Person)
            .join(Person, DemandEntry.person_id == Person.id)
            .where(DemandEntry.demand_list_id == demand_list.id)
            .order_by(DemandEntry.row_number, DemandEntry.id)
            .options(selectinload(Person.wanted_occupations), selectinload(Person.wanted_regions))
            .execution_options(yield_per=YIELD_PER)
        )
        for entry, person in session.execute(rows):
            sheet.append(demand_row(person, entry, vault=vault, reveal=reveal, regions=export.regions))
    return export.finish(session, kind="demand", record=record, actor=actor)


# --------------------------------------------------------------------------------------------------------
# Supply lists


def supply_row(post: Post, *, vault: Vault, reveal: bool, regions: _Regions) -> list:
    """A post's row of the supply list, every value spelled as the importer reads it back."""
    return [
        post.row_key or "",
        post.employer.name,
        post.employer.credit_code or "",
        post.title,
        post.headcount if post.headcount is not None else "",
        post.address or regions.full_name(post.region_code),
        post.wage_text or format_wage(post.wage_min, post.wage_max),
        format_age_range(post.age_min, post.age_max),
        post.education or "",
        post.skills_required or "",
        post.labour_intensity.value if post.labour_intensity else "",
        format_board(post.board, post.lodging) if post.board or post.lodging else "",
        format_contract_months(post.contract_months),
        post.contact_name or "",
        _masked(reveal, vault, post.contact_phone_encrypted, post.contact_phone_masked),
        post.closing_date or "",
        post.notes or "",
    ]


def export_supply(
    session: Session,
    vault: Vault,
    target: str | Path | IO[bytes],
    *,
    region: str | None = None,
    list_name: str | None = None,
    period: str | None = None,
    reveal: bool = False,
    actor: Actor,
    record: bool = True,
) -> ExportResult:
    """Write the posts whose place of work lies in ``region`` (all when None) to ``target``, one sheet per
    supply list (posts outside any list go to a sheet of their own). Contact phones are masked unless
    ``reveal`` (audited as for :func:`export_demand`)."""
    _allowed(session, actor, SupplyList, reveal)
    export = _Export(target, reveal=reveal, headers=[column.header for column in SUPPLY_COLUMNS],
                     text_columns={i for i, column in enumerate(SUPPLY_COLUMNS) if column.text_format},
                     empty_message="没有符合条件的岗位")
    code = export.filter(region)
    query = (
        select(Post)
        .where(scope(actor, Post))
        .options(selectinload(Post.employer))
        .order_by(Post.supply_list_id, Post.id)
    )
    if code is not None:
        query = query.where(Post.region_code.startswith(code))
    lists = {sl.id: sl for sl in session.scalars(select(SupplyList))}
    if list_name:
        query = query.where(Post.supply_list_id.in_([i for i, sl in lists.items() if sl.name == list_name]))
    if period:
        query = query.where(Post.supply_list_id.in_([i for i, sl in lists.items() if sl.period == period]))
    sheet: StreamingSheet | None = None
    current: object = object()
    for post in session.scalars(query.execution_options(yield_per=YIELD_PER)):
        if post.supply_list_id != current:
            current = post.supply_list_id
            sheet = _supply_sheet(export, lists.get(post.supply_list_id))
        sheet.append(supply_row(post, vault=vault, reveal=reveal, regions=export.regions))
    return export.finish(session, kind="supply", record=record, actor=actor)


def _supply_sheet(export: _Export, supply_list: SupplyList | None) -> StreamingSheet:
    if supply_list is None:
        return export.sheet("未归入清单的岗位", [["未归入清单的岗位"], []])
    record = export.regions.table.current(supply_list.region_code)
    return export.sheet(supply_list.name, [[supply_list.name], describe_list(
        supply_list.name, supply_list.period, REGION_LABEL, record)])


# --------------------------------------------------------------------------------------------------------
# The stable-job list (稳岗清单)


def _whole_months(start: dt.date, end: dt.date) -> int:
    """The largest N with start + N calendar months <= end."""
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return max(months, 0)


def verified_months(start: dt.date, checks: Iterable[tuple[dt.date, bool]], end: dt.date | None, *,
                    as_of: dt.date) -> int:
    """Months of verified stable employment on ``as_of``: the largest N for which the subsidy engine's test
    (docs/policies.md, "Verified stable employment of N months"; ``jobs.subsidy.engine.verified_stable_employment``)
    is met.

    N is verified when a check dated on or after start + N months says "employed", no check between the
    start and that date says otherwise, and the placement had not ended before start + N months. As in the
    engine, only checks and an end known on ``as_of`` count, and a "not employed" check on the same day as an
    "employed" one wins.
    """
    known = sorted(((day, employed) for day, employed in checks if start <= day <= as_of),
                   key=lambda check: (check[0], check[1]))
    limit = _whole_months(start, end) if end is not None and end <= as_of else None
    best = 0
    for day, employed in known:
        if not employed:
            break
        months = _whole_months(start, day)
        best = max(best, months if limit is None else min(months, limit))
    return best


def _claims_by_placement(session: Session, placement_ids: list[int]) -> dict[int, dict[str, list[SubsidyClaim]]]:
    grouped: dict[int, dict[str, list[SubsidyClaim]]] = defaultdict(lambda: defaultdict(list))
    if not placement_ids:
        return grouped
    for claim in session.scalars(
        select(SubsidyClaim).where(SubsidyClaim.placement_id.in_(placement_ids))
        .order_by(SubsidyClaim.kind, SubsidyClaim.instalment)
    ):
        grouped[claim.placement_id][claim.kind].append(claim)
    return grouped


def _claim_cells(claims: list[SubsidyClaim]) -> list[object]:
    """Amount (sum of the stated amounts) and statuses of one kind of claim; empty when there is none."""
    if not claims:
        return ["", ""]
    amounts = [c.amount for c in claims if c.amount is not None]
    total = sum(amounts, Decimal("0.00")) if amounts else ""
    statuses = "、".join(dict.fromkeys(ClaimStatus(c.status).label for c in claims))
    return [total, statuses]


def export_stable(
    session: Session,
    vault: Vault,
    target: str | Path | IO[bytes],
    *,
    origin: str | None = None,
    reveal: bool = False,
    today: dt.date | None = None,
    actor: Actor,
    record: bool = True,
) -> ExportResult:
    """Write the stable-job list (稳岗清单) to ``target``: one sheet per origin county (the worker's 户籍地),
    one row per hire (placements hired, active or ended) with the employer, the place, the start date, the
    months of verified stable employment and the subsidies claimed so far. ``origin`` limits it to a county,
    city or province. Masking, ``reveal`` and ``record`` as for :func:`export_demand`.
    """
    _allowed(session, actor, Placement, reveal)
    today = today or china_today()
    export = _Export(target, reveal=reveal, headers=list(STABLE_HEADERS), text_columns=_STABLE_TEXT,
                     empty_message="没有符合条件的稳岗记录")
    code = export.filter(origin)
    query = (
        select(Placement, Person)
        .join(Person, Placement.person_id == Person.id)
        .where(Placement.status.in_(_STABLE_STATUSES), Placement.start_date.is_not(None),
               scope(actor, Placement))
        .options(selectinload(Placement.employer), selectinload(Placement.post), selectinload(Placement.broker),
                 selectinload(Placement.checks))
        .order_by(Person.household_region_code, Placement.start_date, Placement.id)
    )
    if code is not None:
        query = query.where(Person.household_region_code.startswith(code))
    pairs = session.execute(query).all()
    claims = _claims_by_placement(session, [placement.id for placement, _ in pairs])
    by_origin: dict[str, list[tuple[Placement, Person]]] = defaultdict(list)
    for placement, person in pairs:
        by_origin[person.household_region_code].append((placement, person))
    for county, rows in by_origin.items():
        record_ = export.regions.table.current(county)
        sheet = export.sheet(record_.name, [[f"{record_.full_name}稳岗清单"],
                                            [f"{ORIGIN_LABEL}：{record_.full_name}（{record_.code}）",
                                             f"统计日期：{today.isoformat()}"]])
        for number, (placement, person) in enumerate(rows, start=1):
            sheet.append(_stable_row(number, placement, person, claims.get(placement.id, {}), vault=vault,
                                     reveal=reveal, regions=export.regions, as_of=today))
    return export.finish(session, kind="stable", record=record, actor=actor)


def _stable_row(number: int, placement: Placement, person: Person, claims: dict[str, list[SubsidyClaim]], *,
                vault: Vault, reveal: bool, regions: _Regions, as_of: dt.date) -> list[object]:
    checks = [(check.check_date, check.employed) for check in placement.checks]
    last_check = max((day for day, _employed in checks if day <= as_of), default=None)
    return [
        number,
        person.name,
        *_identity_cells(person, vault=vault, reveal=reveal),
        person.household_address or regions.full_name(person.household_region_code),
        person.category.value,
        placement.employer.name,
        placement.employer.credit_code or "",
        placement.post.title if placement.post else "",
        regions.full_name(placement.job_region_code),
        placement.start_date,
        format_contract_months(placement.contract_months),
        placement.employment_type.label,
        placement.broker.name if placement.broker else "",
        verified_months(placement.start_date, checks, placement.end_date, as_of=as_of),
        last_check or "",
        placement.status.label,
        placement.end_date or "",
        *_claim_cells(claims.get(ClaimKind.REFERRAL.value, [])),
        *_claim_cells(claims.get(ClaimKind.TRANSPORT.value, [])),
    ]
