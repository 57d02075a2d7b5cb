"""Subsidy claims in the database: evaluate and store, the approval workflow, ledgers and fraud signals.

``evaluate_claims`` maps placements to the pure engine's facts (``jobs.subsidy``), runs it with the active stored
packs and upserts one ``SubsidyClaim`` per (placement, kind, instalment) idempotently. Claims already in the
workflow (approved, paid, rejected, revoked) are never touched again by the engine.

Workflow (docs/policies.md, "Claim status"): eligible → approved → paid; rejected before approval, revoked after
it, each with a reason. Each step locks the claim row (``SELECT … FOR UPDATE``; SQLite serialises writers with ``BEGIN
IMMEDIATE``), checks the status, and writes a ``ClaimEvent`` and an ``AuditEvent``; the optimistic ``version_id``
and the unique payment reference are the last line of defence against paying twice.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from jobs.errors import Conflict
from jobs.storage import audit
from jobs.storage.clock import now_utc
from jobs.placements.dispatches import organises_output, travel_cost, travelled_with_dispatch
from jobs.storage.enums import ClaimKind, ClaimStatus, PlacementStatus, Role
from jobs.storage.models import Broker, ClaimEvent, Employer, Person, Placement, SubsidyClaim, User
from jobs.placements.placements import PlacementError, job_county, origin_county
from jobs.subsidy.policy_store import active_packs
from jobs.people.regions import region_table
from jobs.subsidy import (
    BrokerFacts,
    CheckFacts,
    ClaimResult,
    Pack,
    PersonFacts,
    PlacementFacts,
    evaluate,
)

#: Statuses the engine owns; the others belong to the workflow and are never re-evaluated.
ENGINE_STATUSES = frozenset({
    ClaimStatus.PENDING, ClaimStatus.ELIGIBLE, ClaimStatus.INELIGIBLE,
    ClaimStatus.NEEDS_LOCAL_STANDARD, ClaimStatus.NO_POLICY,
})
WORKFLOW_STATUSES = frozenset({ClaimStatus.APPROVED, ClaimStatus.PAID, ClaimStatus.REJECTED, ClaimStatus.REVOKED})
#: Statuses that keep a yearly slot when the workflow moves a claim on (a refused claim gives its slot back).
_KEEPS_SLOT = frozenset({ClaimStatus.APPROVED, ClaimStatus.PAID})
#: Placements the engine looks at: hired at least (a start date is known).
_EVALUATED = (PlacementStatus.HIRED, PlacementStatus.ACTIVE, PlacementStatus.ENDED)
#: Roles allowed to decide on claims (the HR bureau and county offices).
DECIDING_ROLES = frozenset({Role.ADMIN, Role.COUNTY_STAFF})


class ClaimError(Conflict):
    """A claim use case refused; ``message`` is the Chinese text shown to the user."""


# =============================================================================================================
# Evaluate and store
# =============================================================================================================


@dataclass
class EvaluationSummary:
    """What one evaluation did; ``skipped`` lists placements that could not be evaluated, with the reason."""

    as_of: dt.date
    placements: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    in_workflow: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(), "placements": self.placements, "created": self.created,
            "updated": self.updated, "unchanged": self.unchanged, "in_workflow": self.in_workflow,
            "skipped": self.skipped,
        }


@dataclass(frozen=True)
class _Target:
    """The stored values one engine result asks for."""

    placement: Placement
    result: ClaimResult
    beneficiary_broker_id: int | None
    beneficiary_person_id: int | None
    beneficiary_employer_id: int | None
    policy_pack_id: int | None
    rule_key: str | None
    limit_group: str | None
    status: ClaimStatus
    reason: str
    counts_toward_limit: bool = False


def evaluate_claims(
    session: Session,
    *,
    as_of: dt.date,
    packs: Sequence[Pack] | None = None,
    person_ids: Iterable[int] | None = None,
    user: User | None = None,
) -> EvaluationSummary:
    """Evaluate placements as of ``as_of`` and create or update their claims; safe to rerun.

    ``packs`` defaults to the active stored packs (seeded from the shipped ones when the table is empty).
    ``person_ids`` limits the run to those workers' placements — all of them, since limits such as once per
    person per year span a worker's placements.
    """
    stored = None if packs is not None else active_packs(session)
    pack_list = list(packs) if packs is not None else [s.pack for s in stored or ()]
    rows = {s.pack.id: s.row.id for s in stored or ()}
    summary = EvaluationSummary(as_of=as_of)
    placements = _placements(session, person_ids)
    facts, by_key = _facts(session, placements, as_of, summary)
    summary.placements = len(facts)
    results = evaluate(facts, pack_list, as_of=as_of, withdrawn=_withdrawn(session, by_key))
    packs_by_id = {p.id: p for p in pack_list}
    targets = [_target(by_key[result.placement], result, packs_by_id, rows) for result in results]
    _mark_slots(targets)
    _store(session, targets, as_of, summary, user)
    return summary


def _withdrawn(session: Session, by_key: dict[str, Placement]) -> set[tuple[str, str, str]]:
    """(placement key, pack id, rule id) of claims rejected or revoked after review: their slot is free again."""
    keys = {placement.id: key for key, placement in by_key.items()}
    claims = session.scalars(
        select(SubsidyClaim).where(SubsidyClaim.status.in_([ClaimStatus.REJECTED, ClaimStatus.REVOKED]),
                                   SubsidyClaim.rule_key.is_not(None))
    ).all()
    withdrawn = set()
    for claim in claims:
        if claim.placement_id in keys:
            pack_id, _, rule_id = (claim.rule_key or "").partition(":")
            withdrawn.add((keys[claim.placement_id], pack_id, rule_id))
    return withdrawn


def _placements(session: Session, person_ids: Iterable[int] | None) -> list[Placement]:
    query = (
        select(Placement)
        .where(Placement.status.in_(_EVALUATED), Placement.start_date.is_not(None))
        .options(selectinload(Placement.checks), selectinload(Placement.person), selectinload(Placement.broker))
        .order_by(Placement.id)
    )
    if person_ids is not None:
        query = query.where(Placement.person_id.in_(list(person_ids)))
    return list(session.scalars(query).all())


def placement_key(placement: Placement) -> str:
    """The key the engine and its reasons use for a placement: its external key, else its id."""
    return placement.external_key or str(placement.id)


def _facts(session: Session, placements: list[Placement], as_of: dt.date,
           summary: EvaluationSummary) -> tuple[list[PlacementFacts], dict[str, Placement]]:
    counts: dict[str, int] = defaultdict(int)
    for placement in placements:
        counts[placement_key(placement)] += 1
    facts: list[PlacementFacts] = []
    by_key: dict[str, Placement] = {}
    organised: dict[int, bool] = {}
    for placement in placements:
        key = placement_key(placement)
        key = key if counts[key] == 1 else f"{key}#{placement.id}"
        try:
            fact = _placement_facts(session, placement, key, as_of, organised)
        except PlacementError as error:
            summary.skipped.append({"placement": key, "message": error.message})
            continue
        facts.append(fact)
        by_key[key] = placement
    return facts, by_key


def _placement_facts(session: Session, placement: Placement, key: str, as_of: dt.date,
                     organised: dict[int, bool]) -> PlacementFacts:
    person = placement.person
    broker = placement.broker
    broker_facts = None
    if broker is not None:
        if broker.id not in organised:
            organised[broker.id] = organises_output(session, broker.id, as_of=as_of)
        broker_facts = BrokerFacts(key=broker.name, kind=broker.kind.value, qualified=broker.qualified,
                                   organised_output=organised[broker.id])
    cost, _evidence = travel_cost(session, placement)
    assert placement.start_date is not None  # selected with start_date IS NOT NULL
    return PlacementFacts(
        key=key,
        person=PersonFacts(key=str(person.id), category=person.category.value,
                           origin_county=origin_county(person), birth_date=person.birth_date),
        broker=broker_facts,
        employer_key=str(placement.employer_id),
        job_county=job_county(placement),
        start_date=placement.start_date,
        end_date=placement.end_date,
        contract_months=placement.contract_months,
        social_insurance=placement.social_insurance,
        employment_type=placement.employment_type.value,
        dispatch_key=_dispatch_key(session, placement),
        round_trip_cost=cost,
        checks=tuple(CheckFacts(date=c.check_date, employed=c.employed) for c in placement.checks),
    )


def _dispatch_key(session: Session, placement: Placement) -> str | None:
    if not travelled_with_dispatch(session, placement):
        return None
    dispatch = placement.dispatch
    assert dispatch is not None  # travelled_with_dispatch found its member row
    return dispatch.external_key or str(dispatch.id)


def _target(placement: Placement, result: ClaimResult, packs: dict[str, Pack], rows: dict[str, int]) -> _Target:
    rule = None
    if result.pack_id is not None and result.rule_id is not None:
        rule = next(r for r in packs[result.pack_id].rules if r.id == result.rule_id)
    who = rule.beneficiary if rule is not None else ("broker" if result.kind == ClaimKind.REFERRAL else "worker")
    broker_id = placement.broker_id if who == "broker" else None
    person_id = placement.person_id if who == "worker" else None
    employer_id = placement.employer_id if who == "employer" else None
    status = ClaimStatus(result.status.value)
    group = None
    if rule is not None and rule.limits.per_person_per_year == 1:
        group = f"{result.pack_id}:{rule.id}"
    return _Target(
        placement=placement,
        result=result,
        beneficiary_broker_id=broker_id,
        beneficiary_person_id=person_id,
        beneficiary_employer_id=employer_id,
        policy_pack_id=rows.get(result.pack_id) if result.pack_id else None,
        rule_key=f"{result.pack_id}:{result.rule_id}" if rule is not None else None,
        limit_group=group,
        status=status,
        reason=result.reason,
    )


def _holds_slot(target: _Target) -> bool:
    # The engine's slot holders: a milestone reached and the claim not over the limit (ineligible).
    return (target.limit_group is not None and target.result.milestone_date is not None
            and target.status in (ClaimStatus.ELIGIBLE, ClaimStatus.NEEDS_LOCAL_STANDARD, ClaimStatus.PENDING))


def _mark_slots(targets: list[_Target]) -> None:
    """Mark, per placement and rule, the one claim that holds the yearly slot (每人每年只享受一次): the earliest
    milestone among its instalments, so the partial unique index sees one row per person, rule and year."""
    units: dict[tuple[int, str], list[int]] = defaultdict(list)
    for index, target in enumerate(targets):
        if _holds_slot(target):
            units[(target.placement.id, target.limit_group or "")].append(index)
    for indexes in units.values():
        first = min(indexes, key=lambda i: (targets[i].result.milestone_date, targets[i].result.instalment))
        targets[first] = replace(targets[first], counts_toward_limit=True)


def _values(target: _Target) -> dict[str, Any]:
    milestone = target.result.milestone_date
    return {
        "person_id": target.placement.person_id,
        "beneficiary_broker_id": target.beneficiary_broker_id,
        "beneficiary_person_id": target.beneficiary_person_id,
        "beneficiary_employer_id": target.beneficiary_employer_id,
        "policy_pack_id": target.policy_pack_id,
        "document_number": target.result.policy,
        "rule_key": target.rule_key,
        "limit_group": target.limit_group,
        "status": target.status,
        "amount": target.result.amount if target.status is ClaimStatus.ELIGIBLE else None,
        "milestone_date": milestone,
        "milestone_year": milestone.year if milestone is not None else None,
        "counts_toward_limit": target.counts_toward_limit,
        "fund": target.result.fund,
        "reason": target.reason,
    }


def _beneficiary_name(session: Session, claim: SubsidyClaim, broker: Broker | None, person: Person) -> str:
    if broker is not None:
        return broker.name
    if claim.beneficiary_employer_id is not None:
        return session.get(Employer, claim.beneficiary_employer_id).name
    return person.name


def claim_snapshot(claim: SubsidyClaim) -> dict[str, Any]:
    """The audited state of a claim."""
    return {
        "placement_id": claim.placement_id,
        "kind": claim.kind,
        "instalment": claim.instalment,
        "status": claim.status.value,
        "amount": None if claim.amount is None else f"{claim.amount:.2f}",
        "milestone_date": None if claim.milestone_date is None else claim.milestone_date.isoformat(),
        "document_number": claim.document_number,
        "counts_toward_limit": claim.counts_toward_limit,
        "reason": claim.reason,
        "payment_reference": claim.payment_reference,
        "paid_on": None if claim.paid_on is None else claim.paid_on.isoformat(),
    }


def _store(session: Session, targets: list[_Target], as_of: dt.date, summary: EvaluationSummary,
           user: User | None) -> None:
    placement_ids = sorted({t.placement.id for t in targets})
    existing = {
        (c.placement_id, c.kind, c.instalment): c
        for c in session.scalars(select(SubsidyClaim).where(SubsidyClaim.placement_id.in_(placement_ids))).all()
    }
    held = _workflow_slots(session, {t.placement.person_id for t in targets})
    pending_slots: list[tuple[SubsidyClaim, _Target, dict[str, Any] | None, ClaimStatus | None]] = []
    # Pass 1 gives up slots before pass 2 takes them, so the unique index never sees two holders mid-flush.
    for target in targets:
        claim = existing.get((target.placement.id, target.result.kind, target.result.instalment))
        if claim is not None and claim.status in WORKFLOW_STATUSES:
            summary.in_workflow += 1
            continue
        target = _respect_workflow_slots(target, held)
        values = _values(target)
        if claim is None:
            claim = SubsidyClaim(placement_id=target.placement.id, kind=target.result.kind,
                                 instalment=target.result.instalment, evaluated_at=now_utc(),
                                 **{**values, "counts_toward_limit": False})
            session.add(claim)
            summary.created += 1
            pending_slots.append((claim, target, None, None))
            continue
        if all(getattr(claim, k) == v for k, v in values.items()):
            summary.unchanged += 1
            continue
        before, old_status = claim_snapshot(claim), claim.status
        for name, value in values.items():
            if name != "counts_toward_limit" or not value:
                setattr(claim, name, value)
        claim.evaluated_at = now_utc()
        summary.updated += 1
        pending_slots.append((claim, target, before, old_status))
    session.flush()
    for claim, target, _before, _old in pending_slots:
        if target.counts_toward_limit:
            claim.counts_toward_limit = True
    session.flush()
    for claim, _target_, before, old_status in pending_slots:
        if old_status != claim.status:
            session.add(ClaimEvent(claim_id=claim.id, from_status=old_status.value if old_status else None,
                                   to_status=claim.status.value, by_user_id=user.id if user else None,
                                   note=f"核算日{as_of.isoformat()}：{claim.reason}"))
        audit.record(session, action="claim.evaluate", actor=user, object_type="subsidy_claim",
                     object_id=claim.id, before=before, after=claim_snapshot(claim))
    session.flush()


def _workflow_slots(session: Session, person_ids: set[int]) -> dict[tuple[int, str, int], SubsidyClaim]:
    """Yearly slots held by claims already approved or paid: the engine can no longer give them away."""
    claims = session.scalars(
        select(SubsidyClaim).where(SubsidyClaim.person_id.in_(sorted(person_ids)),
                                   SubsidyClaim.counts_toward_limit.is_(True),
                                   SubsidyClaim.status.in_(sorted(_KEEPS_SLOT)))
    ).all()
    return {(c.person_id, c.limit_group or "", c.milestone_year or 0): c for c in claims}


def _respect_workflow_slots(target: _Target, held: dict[tuple[int, str, int], SubsidyClaim]) -> _Target:
    """A claim that would take a yearly slot already held by an approved or paid claim of another placement is
    ineligible: once per person per year (每人每年只享受一次), and an approved decision is not reopened."""
    if not target.counts_toward_limit or target.result.milestone_date is None:
        return target
    holder = held.get((target.placement.person_id, target.limit_group or "", target.result.milestone_date.year))
    if holder is None or holder.placement_id == target.placement.id:
        return target
    reason = (f"本人{target.result.milestone_date.year}年已有安置{placement_key(holder.placement)}的同项补助"
              f"{holder.status.label}，{target.result.policy}规定每人每年只享受一次")
    return replace(target, status=ClaimStatus.INELIGIBLE, reason=reason, counts_toward_limit=False)


# =============================================================================================================
# Workflow
# =============================================================================================================


def _locked(session: Session, claim_id: int) -> SubsidyClaim:
    # populate_existing: the row read under the lock wins over whatever this session had cached.
    claim = session.scalars(
        select(SubsidyClaim).where(SubsidyClaim.id == claim_id).with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if claim is None:
        raise ClaimError(f"补贴申领{claim_id}不存在")
    return claim


def _require_status(claim: SubsidyClaim, allowed: Iterable[ClaimStatus], action: str) -> None:
    allowed = tuple(allowed)
    if claim.status not in allowed:
        names = "、".join(f"“{s.label}”" for s in allowed)
        raise ClaimError(f"补贴申领{claim.id}当前状态为“{claim.status.label}”，只有{names}的申领才能{action}")


def _require_decider(user: User, action: str) -> None:
    if user.role not in DECIDING_ROLES or not user.active:
        raise ClaimError(f"用户{user.username}无权{action}补贴申领")


def _transition(session: Session, claim: SubsidyClaim, target: ClaimStatus, *, user: User, note: str,
                action: str, **changes: Any) -> SubsidyClaim:
    before = claim_snapshot(claim)
    old = claim.status
    claim.status = target
    for name, value in changes.items():
        setattr(claim, name, value)
    session.flush()
    session.add(ClaimEvent(claim_id=claim.id, from_status=old.value, to_status=target.value, by_user_id=user.id,
                           note=note))
    audit.record(session, action=action, actor=user, object_type="subsidy_claim", object_id=claim.id,
                 before=before, after=claim_snapshot(claim))
    session.flush()
    return claim


def approve_claim(session: Session, claim_id: int, *, user: User) -> SubsidyClaim:
    """Approve an eligible claim (已审核). The approver must not belong to the claimant broker's organisation."""
    _require_decider(user, "审核")
    claim = _locked(session, claim_id)
    _require_status(claim, (ClaimStatus.ELIGIBLE,), "审核")
    if claim.beneficiary_broker_id is not None:
        broker = session.get(Broker, claim.beneficiary_broker_id)
        if broker is not None and broker.organisation_id == user.organisation_id:
            raise ClaimError("审核人与申领补贴的劳务经纪机构属于同一单位，须回避")
    return _transition(session, claim, ClaimStatus.APPROVED, user=user, note="审核通过", action="claim.approve",
                       approved_by_id=user.id, approved_at=now_utc())


def pay_claim(session: Session, claim_id: int, *, user: User, reference: str, paid_on: dt.date) -> SubsidyClaim:
    """Record the payment of an approved claim (已发放) with its payment reference and date; never twice."""
    _require_decider(user, "发放")
    reference = reference.strip()
    if not reference:
        raise ClaimError("发放补贴须填写支付凭证号")
    claim = _locked(session, claim_id)
    _require_status(claim, (ClaimStatus.APPROVED,), "发放")
    used = session.scalar(select(SubsidyClaim.id).where(SubsidyClaim.payment_reference == reference))
    if used is not None:
        raise ClaimError(f"支付凭证号{reference}已用于补贴申领{used}")
    return _transition(session, claim, ClaimStatus.PAID, user=user, note=f"支付凭证号{reference}，{paid_on}发放",
                       action="claim.pay", payment_reference=reference, paid_on=paid_on)


def reject_claim(session: Session, claim_id: int, *, user: User, reason: str) -> SubsidyClaim:
    """Refuse a claim before approval (已驳回), with a reason; its yearly slot is given back."""
    _require_decider(user, "驳回")
    if not reason.strip():
        raise ClaimError("驳回补贴申领须说明原因")
    claim = _locked(session, claim_id)
    _require_status(claim, (ClaimStatus.PENDING, ClaimStatus.ELIGIBLE, ClaimStatus.NEEDS_LOCAL_STANDARD), "驳回")
    return _transition(session, claim, ClaimStatus.REJECTED, user=user, note=reason, action="claim.reject",
                       counts_toward_limit=False)


def revoke_claim(session: Session, claim_id: int, *, user: User, reason: str) -> SubsidyClaim:
    """Withdraw an approved or paid claim (已撤销), with a reason (e.g. false information found later)."""
    _require_decider(user, "撤销")
    if not reason.strip():
        raise ClaimError("撤销补贴须说明原因")
    claim = _locked(session, claim_id)
    _require_status(claim, (ClaimStatus.APPROVED, ClaimStatus.PAID), "撤销")
    return _transition(session, claim, ClaimStatus.REVOKED, user=user, note=reason, action="claim.revoke",
                       counts_toward_limit=False)


# =============================================================================================================
# Ledgers and the public notice
# =============================================================================================================

LEDGER_HEADERS = ("资金渠道", "状态", "户籍地（县）", "月份", "笔数", "金额（元）")
NOTICE_HEADERS = ("序号", "姓名", "身份证号", "户籍地", "补贴项目", "补贴对象", "金额（元）", "达标日期", "政策依据")


@dataclass(frozen=True)
class LedgerRow:
    fund: str
    status: str
    origin_county: str
    month: str
    count: int
    amount: Decimal


def ledger(session: Session, *, statuses: Iterable[ClaimStatus] | None = None) -> list[LedgerRow]:
    """Claims grouped by fund, status, origin county and month of the milestone (台账)."""
    query = select(SubsidyClaim).options(selectinload(SubsidyClaim.placement).selectinload(Placement.person))
    if statuses is not None:
        query = query.where(SubsidyClaim.status.in_(list(statuses)))
    groups: dict[tuple[str, str, str, str], list[SubsidyClaim]] = defaultdict(list)
    table = region_table()
    for claim in session.scalars(query).all():
        county = table.current(claim.placement.person.household_region_code).full_name
        month = claim.milestone_date.strftime("%Y-%m") if claim.milestone_date else "未达标"
        groups[(claim.fund or "未定", claim.status.label, county, month)].append(claim)
    return [
        LedgerRow(fund, status, county, month, len(claims), sum((c.amount or Decimal(0) for c in claims), Decimal(0)))
        for (fund, status, county, month), claims in sorted(groups.items())
    ]


def _xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ledger_xlsx(rows: Sequence[LedgerRow]) -> bytes:
    """The ledger as an xlsx workbook (money as numbers with two decimals)."""
    return _xlsx("补贴台账", LEDGER_HEADERS,
                 ((r.fund, r.status, r.origin_county, r.month, r.count, float(r.amount)) for r in rows))


@dataclass(frozen=True)
class NoticeRow:
    number: int
    name: str
    id_masked: str
    origin: str
    kind: str
    beneficiary: str
    amount: str
    milestone_date: str
    policy: str


def public_notice(session: Session, *, statuses: Iterable[ClaimStatus] = (ClaimStatus.ELIGIBLE,)) -> list[NoticeRow]:
    """The public-notice list (公示名单) of claims to be paid, with ID numbers masked (PIPL art. 28)."""
    claims = session.scalars(
        select(SubsidyClaim).where(SubsidyClaim.status.in_(list(statuses)))
        .options(selectinload(SubsidyClaim.placement).selectinload(Placement.person))
        .order_by(SubsidyClaim.milestone_date, SubsidyClaim.id)
    ).all()
    table = region_table()
    rows = []
    for number, claim in enumerate(claims, start=1):
        person = claim.placement.person
        broker = session.get(Broker, claim.beneficiary_broker_id) if claim.beneficiary_broker_id else None
        rows.append(NoticeRow(
            number=number,
            name=person.name,
            id_masked=person.id_number_masked,
            origin=table.current(person.household_region_code).full_name,
            kind=_kind_label(claim.kind),
            beneficiary=_beneficiary_name(session, claim, broker, person),
            amount="" if claim.amount is None else f"{claim.amount:.2f}",
            milestone_date=claim.milestone_date.isoformat() if claim.milestone_date else "",
            policy=claim.document_number or "",
        ))
    return rows


def _kind_label(kind: str) -> str:
    try:
        return ClaimKind(kind).label
    except ValueError:
        return kind


def _notice_cells(row: NoticeRow) -> tuple[Any, ...]:
    return (row.number, row.name, row.id_masked, row.origin, row.kind, row.beneficiary, row.amount,
            row.milestone_date, row.policy)


def public_notice_xlsx(rows: Sequence[NoticeRow]) -> bytes:
    """The public-notice list as an xlsx workbook."""
    return _xlsx("公示名单", NOTICE_HEADERS, (_notice_cells(r) for r in rows))


def public_notice_html(rows: Sequence[NoticeRow], *, title: str = "就业帮扶补贴公示名单") -> str:
    """The public-notice list as a printable, PDF-ready HTML page (A4, table headers repeated per page)."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in NOTICE_HEADERS)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in _notice_cells(r)) + "</tr>" for r in rows
    )
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><style>"
        "@page{size:A4 landscape;margin:15mm}body{font-family:sans-serif;font-size:11pt}"
        "table{border-collapse:collapse;width:100%}th,td{border:1px solid #000;padding:3px 6px}"
        "thead{display:table-header-group}tr{page-break-inside:avoid}"
        f"</style></head><body><h1>{html.escape(title)}</h1>"
        f"<p>共{len(rows)}人次。公示期内如有异议，请向当地人力资源和社会保障部门反映。</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>\n"
    )


# =============================================================================================================
# Fraud signals (reported for review, never auto-judged)
# =============================================================================================================

#: A placement ending this many days after its subsidy was paid is flagged.
ENDED_AFTER_PAYMENT_DAYS = 30
#: A broker is flagged when the median tenure of its ended placements is below this share of everyone's median.
EARLY_END_SHARE = Decimal("0.5")
MIN_ENDED_FOR_BROKER_SIGNAL = 3
#: A round-trip cost above this multiple of the median of its route (at least 3 costs known) is flagged.
COST_MEDIAN_MULTIPLE = Decimal("2")
MIN_COSTS_PER_ROUTE = 3

_LIVE = (ClaimStatus.PENDING, ClaimStatus.ELIGIBLE, ClaimStatus.NEEDS_LOCAL_STANDARD, ClaimStatus.APPROVED,
         ClaimStatus.PAID)


@dataclass(frozen=True)
class FraudSignal:
    """One thing for a reviewer to look at; ``message`` says what and why, in Chinese."""

    kind: str
    message: str
    placement_ids: tuple[int, ...] = ()
    person_id: int | None = None
    broker_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "placement_ids": list(self.placement_ids),
                "person_id": self.person_id, "broker_id": self.broker_id}


def fraud_signals(session: Session) -> list[FraudSignal]:
    """Every signal, in a stable order: shared workers, ends after payment, early-ending brokers, costly trips."""
    return [
        *_claimed_by_two_brokers(session),
        *_ended_soon_after_payment(session),
        *_brokers_ending_early(session),
        *_costs_above_route_median(session),
    ]


def _overlap(a: Placement, b: Placement) -> bool:
    far = dt.date.max
    return bool(a.start_date and b.start_date and a.start_date <= (b.end_date or far)
                and b.start_date <= (a.end_date or far))


def _worker(placement: Placement) -> str:
    """How a reviewer recognises a worker: name and masked ID number."""
    return f"{placement.person.name}（{placement.person.id_number_masked}）"


def _broker_name(session: Session, broker_id: int | None) -> str:
    broker = session.get(Broker, broker_id) if broker_id is not None else None
    return f"“{broker.name}”" if broker is not None else "（无经纪人）"


def _claimed_by_two_brokers(session: Session) -> list[FraudSignal]:
    claims = session.scalars(
        select(SubsidyClaim).where(SubsidyClaim.kind == ClaimKind.REFERRAL.value,
                                   SubsidyClaim.status.in_(_LIVE),
                                   SubsidyClaim.beneficiary_broker_id.is_not(None))
        .options(selectinload(SubsidyClaim.placement)).order_by(SubsidyClaim.id)
    ).all()
    by_person: dict[int, dict[int, Placement]] = defaultdict(dict)
    for claim in claims:
        by_person[claim.person_id][claim.placement_id] = claim.placement
    signals = []
    for person_id, placements in sorted(by_person.items()):
        items = sorted(placements.values(), key=lambda p: p.id)
        pairs = [(a, b) for i, a in enumerate(items) for b in items[i + 1:]
                 if a.broker_id != b.broker_id and _overlap(a, b)]
        if pairs:
            ids = tuple(sorted({p.id for pair in pairs for p in pair}))
            brokers = "、".join(_broker_name(session, b) for b in sorted({p.broker_id for pair in pairs for p in pair}))
            signals.append(FraudSignal(
                "worker_claimed_by_two_brokers",
                f"{_worker(items[0])}在重叠的时间内由{brokers}分别申领就业创业服务补助"
                f"（安置编号{'、'.join(map(str, ids))}），请核实实际介绍人",
                ids, person_id=person_id))
    return signals


def _ended_soon_after_payment(session: Session) -> list[FraudSignal]:
    claims = session.scalars(
        select(SubsidyClaim).where(SubsidyClaim.status == ClaimStatus.PAID)
        .options(selectinload(SubsidyClaim.placement).selectinload(Placement.person)).order_by(SubsidyClaim.id)
    ).all()
    signals = []
    for claim in claims:
        end = claim.placement.end_date
        if end is None or claim.paid_on is None:
            continue
        days = (end - claim.paid_on).days
        if 0 <= days <= ENDED_AFTER_PAYMENT_DAYS:
            signals.append(FraudSignal(
                "ended_soon_after_payment",
                f"{_worker(claim.placement)}的{_kind_label(claim.kind)}于{claim.paid_on.isoformat()}发放，"
                f"{days}天后（{end.isoformat()}）即离岗（安置编号{claim.placement_id}）",
                (claim.placement_id,), person_id=claim.person_id, broker_id=claim.beneficiary_broker_id))
    return signals


def _brokers_ending_early(session: Session) -> list[FraudSignal]:
    ended = session.scalars(
        select(Placement).where(Placement.status == PlacementStatus.ENDED, Placement.broker_id.is_not(None))
    ).all()
    tenures: dict[int, list[int]] = defaultdict(list)
    for placement in ended:
        assert placement.start_date is not None and placement.end_date is not None and placement.broker_id
        tenures[placement.broker_id].append((placement.end_date - placement.start_date).days)
    everyone = [d for days in tenures.values() for d in days]
    if not everyone:
        return []
    overall = Decimal(str(statistics.median(everyone)))
    signals = []
    for broker_id, days in sorted(tenures.items()):
        if len(days) < MIN_ENDED_FOR_BROKER_SIGNAL:
            continue
        median = Decimal(str(statistics.median(days)))
        if median < overall * EARLY_END_SHARE:
            signals.append(FraudSignal(
                "broker_placements_end_early",
                f"劳务经纪人{_broker_name(session, broker_id)}介绍的{len(days)}个已结束安置在岗天数中位数为{median}天，"
                f"不到全部已结束安置中位数{overall}天的一半",
                broker_id=broker_id))
    return signals


def _costs_above_route_median(session: Session) -> list[FraudSignal]:
    placements = session.scalars(
        select(Placement).where(Placement.start_date.is_not(None)).options(selectinload(Placement.person))
        .order_by(Placement.id)
    ).all()
    routes: dict[tuple[str, str], list[tuple[Placement, Decimal]]] = defaultdict(list)
    for placement in placements:
        cost, _evidence = travel_cost(session, placement)
        if cost is None:
            continue
        try:
            route = (origin_county(placement.person), job_county(placement))
        except PlacementError:
            continue
        routes[route].append((placement, cost))
    signals = []
    table = region_table()
    for (origin, job), entries in sorted(routes.items()):
        if len(entries) < MIN_COSTS_PER_ROUTE:
            continue
        median = statistics.median(cost for _, cost in entries)
        for placement, cost in entries:
            if cost > median * COST_MEDIAN_MULTIPLE:
                signals.append(FraudSignal(
                    "cost_above_route_median",
                    f"{_worker(placement)}往返交通费{cost:.2f}元，超过{table.get(origin).full_name}至"
                    f"{table.get(job).full_name}线路中位数{median:.2f}元的"
                    f"{COST_MEDIAN_MULTIPLE}倍",
                    (placement.id,), person_id=placement.person_id, broker_id=placement.broker_id))
    return signals


__all__ = [
    "DECIDING_ROLES",
    "ENGINE_STATUSES",
    "WORKFLOW_STATUSES",
    "ClaimError",
    "EvaluationSummary",
    "FraudSignal",
    "LedgerRow",
    "NoticeRow",
    "approve_claim",
    "claim_snapshot",
    "evaluate_claims",
    "fraud_signals",
    "ledger",
    "ledger_xlsx",
    "pay_claim",
    "placement_key",
    "public_notice",
    "public_notice_html",
    "public_notice_xlsx",
    "reject_claim",
    "revoke_claim",
]
