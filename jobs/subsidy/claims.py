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
import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from jobs.access.permissions import Action, Actor, deny, require, scope, visible
from jobs.errors import Conflict, Forbidden, InvalidInput
from jobs.storage import audit
from jobs.storage.clock import now_utc
from jobs.placements.dispatches import organises_output, travel_cost, travelled_with_dispatch
from jobs.storage.enums import ClaimKind, ClaimStatus, PlacementStatus
from jobs.storage.models import Broker, ClaimEvent, Employer, Person, Placement, SubsidyClaim
from jobs.placements.placements import PlacementError, job_county, origin_county
from jobs.subsidy.policy_store import active_packs
from jobs.people.persons import birth_date_of, masked_id_number
from jobs.people.regions import region_table
from jobs.storage.crypto import TamperedData, Vault
from jobs.subsidy import (
    BrokerFacts,
    CheckFacts,
    ClaimResult,
    Pack,
    PersonFacts,
    PlacementFacts,
    evaluate,
)
from jobs.subsidy.engine import claim_document

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


class ClaimError(Conflict):
    """A claim's state forbids the step (a lifecycle move, a payment reference used twice); ``message`` is the
    Chinese text shown to the user. A claim that does not exist (or lies outside the user's scope) is
    :class:`~jobs.errors.NotFound`; a missing reason or reference is :class:`~jobs.errors.InvalidInput`."""


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


#: Workers whose placements one evaluation transaction covers.
BATCH = 1_000


def evaluate_claims(
    session: Session,
    *,
    vault: Vault,
    as_of: dt.date,
    packs: Sequence[Pack] | None = None,
    person_ids: Iterable[int] | None = None,
    actor: Actor,
    batch_size: int = BATCH,
) -> EvaluationSummary:
    """Evaluate placements as of ``as_of`` and create or update their claims; safe to rerun.

    ``vault`` decrypts each worker's ID number for the birth date that age conditions need (it is not
    stored in clear).

    ``packs`` defaults to the active stored packs (seeded from the shipped ones when the table is empty).
    ``person_ids`` limits the run to those workers' placements — all of them, since limits such as once per
    person per year span a worker's placements. County staff evaluate the placements of their own people only
    (``actor``'s scope); system runs and administrators evaluate everything. Every limit is per person, so the
    run works in batches of ``batch_size`` workers, each evaluated and committed in its own transaction
    (anything pending in ``session`` is committed first): a long run never holds the database for its whole
    length, and a run that stops half-way leaves whole workers evaluated.
    """
    require(actor, Action.EVALUATE_CLAIMS, Placement)
    stored = None if packs is not None else active_packs(session)
    pack_list = list(packs) if packs is not None else [s.pack for s in stored or ()]
    rows = {s.pack.id: s.row.id for s in stored or ()}
    packs_by_id = {p.id: p for p in pack_list}
    session.commit()
    summary = EvaluationSummary(as_of=as_of)
    wanted = None if person_ids is None else sorted(set(person_ids))
    for batch in _person_batches(session, wanted, batch_size, actor):
        placements = _placements(session, batch, actor)
        facts, by_key = _facts(session, vault, placements, as_of, summary)
        summary.placements += len(facts)
        results = evaluate(facts, pack_list, as_of=as_of, withdrawn=_withdrawn(session, by_key))
        targets = [_target(by_key[result.placement], result, packs_by_id, rows) for result in results]
        _mark_slots(targets)
        _store(session, targets, as_of, summary, actor)
        session.commit()
    return summary


def _person_batches(session: Session, wanted: list[int] | None, size: int, actor: Actor) -> Iterator[list[int]]:
    """Workers with placements in ``actor``'s scope to evaluate, in id order, ``size`` at a time."""
    last = 0
    while True:
        query = (
            select(Placement.person_id)
            .where(Placement.status.in_(_EVALUATED), Placement.start_date.is_not(None), Placement.person_id > last,
                   scope(actor, Placement))
            .distinct().order_by(Placement.person_id).limit(size)
        )
        if wanted is not None:
            query = query.where(Placement.person_id.in_(wanted))
        batch = list(session.scalars(query))
        if not batch:
            return
        yield batch
        last = batch[-1]


def _withdrawn(session: Session, by_key: dict[str, Placement]) -> set[tuple[str, str, str]]:
    """(placement key, pack id, rule id) of claims rejected or revoked after review: their slot is free again."""
    keys = {placement.id: key for key, placement in by_key.items()}
    claims = session.scalars(
        select(SubsidyClaim).where(SubsidyClaim.status.in_([ClaimStatus.REJECTED, ClaimStatus.REVOKED]),
                                   SubsidyClaim.rule_key.is_not(None), SubsidyClaim.placement_id.in_(sorted(keys)))
    ).all()
    withdrawn = set()
    for claim in claims:
        if claim.placement_id in keys:
            pack_id, _, rule_id = (claim.rule_key or "").partition(":")
            withdrawn.add((keys[claim.placement_id], pack_id, rule_id))
    return withdrawn


def _placements(session: Session, person_ids: Iterable[int] | None, actor: Actor) -> list[Placement]:
    query = (
        select(Placement)
        .where(Placement.status.in_(_EVALUATED), Placement.start_date.is_not(None), scope(actor, Placement))
        .options(selectinload(Placement.checks), selectinload(Placement.person), selectinload(Placement.broker))
        .order_by(Placement.id)
    )
    if person_ids is not None:
        query = query.where(Placement.person_id.in_(list(person_ids)))
    return list(session.scalars(query).all())


def placement_key(placement: Placement) -> str:
    """The key the engine and its reasons use for a placement: its external key, else its id."""
    return placement.external_key or str(placement.id)


def _facts(session: Session, vault: Vault, placements: list[Placement], as_of: dt.date,
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
            birth = birth_date_of(placement.person, vault)
            fact = _placement_facts(session, placement, key, as_of, organised, birth)
        except (PlacementError, TamperedData) as error:
            summary.skipped.append({"placement": key, "message": error.message})
            continue
        facts.append(fact)
        by_key[key] = placement
    return facts, by_key


def _placement_facts(session: Session, placement: Placement, key: str, as_of: dt.date,
                     organised: dict[int, bool], birth_date: dt.date) -> PlacementFacts:
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
                           origin_county=origin_county(person), birth_date=birth_date),
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


def stored_claim_document(claim: SubsidyClaim, *, placement: Any = None, person: Any = None,
                          beneficiary: Any = None) -> dict[str, Any]:
    """A stored claim as the claim document of docs/formats.md (:func:`~jobs.subsidy.engine.claim_document`); placement,
    person and beneficiary default to their ids."""
    if beneficiary is None:
        beneficiary = claim.beneficiary_broker_id or claim.beneficiary_person_id or claim.beneficiary_employer_id
    return claim_document(
        placement=claim.placement_id if placement is None else placement,
        person=claim.person_id if person is None else person,
        kind=claim.kind, instalment=claim.instalment, beneficiary=beneficiary, status=claim.status,
        amount=claim.amount, milestone_date=claim.milestone_date, policy=claim.document_number, fund=claim.fund,
        reason=claim.reason,
    )


def claim_snapshot(claim: SubsidyClaim) -> dict[str, Any]:
    """The audited state of a claim: its document plus the workflow's fields."""
    return {
        **stored_claim_document(claim),
        "counts_toward_limit": claim.counts_toward_limit,
        "payment_reference": claim.payment_reference,
        "paid_on": None if claim.paid_on is None else claim.paid_on.isoformat(),
    }


def _store(session: Session, targets: list[_Target], as_of: dt.date, summary: EvaluationSummary,
           actor: Actor) -> None:
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
                                   to_status=claim.status.value, by_user_id=actor.id,
                                   note=f"核算日{as_of.isoformat()}：{claim.reason}"))
        audit.record(session, action="claim.evaluate", actor=actor, object_type="subsidy_claim",
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


def _locked(session: Session, claim_id: int, actor: Actor, action: Action) -> SubsidyClaim:
    """The claim, locked (``SELECT … FOR UPDATE``, read afresh), if ``actor`` may see it and take ``action``."""
    claim = visible(session, actor, SubsidyClaim, claim_id, for_update=True)
    require(actor, action, claim)
    return claim


def _require_status(claim: SubsidyClaim, allowed: Iterable[ClaimStatus], action: str) -> None:
    allowed = tuple(allowed)
    if claim.status not in allowed:
        names = "、".join(f"“{s.label}”" for s in allowed)
        raise ClaimError(f"补贴申领{claim.id}当前状态为“{claim.status.label}”，只有{names}的申领才能{action}")


def _required_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput.field(field, message)
    return value


def _transition(session: Session, claim: SubsidyClaim, target: ClaimStatus, *, actor: Actor, note: str,
                action: str, **changes: Any) -> SubsidyClaim:
    before = claim_snapshot(claim)
    old = claim.status
    claim.status = target
    for name, value in changes.items():
        setattr(claim, name, value)
    session.flush()
    session.add(ClaimEvent(claim_id=claim.id, from_status=old.value, to_status=target.value, by_user_id=actor.id,
                           note=note))
    audit.record(session, action=action, actor=actor, object_type="subsidy_claim", object_id=claim.id,
                 before=before, after=claim_snapshot(claim))
    session.flush()
    return claim


def approve_claim(session: Session, claim_id: int, *, actor: Actor) -> SubsidyClaim:
    """Approve an eligible claim (已审核), by the county office of the worker (see
    :mod:`jobs.access.permissions`). The approver must not belong to the claimant broker's organisation, nor be
    the user whose evaluation found the claim eligible (four eyes: who prepares a payment does not approve it)."""
    claim = _locked(session, claim_id, actor, Action.APPROVE_CLAIM)
    _require_status(claim, (ClaimStatus.ELIGIBLE,), "审核")
    found_eligible_by = session.scalar(
        select(ClaimEvent.by_user_id).where(ClaimEvent.claim_id == claim.id, ClaimEvent.to_status ==
                                            ClaimStatus.ELIGIBLE.value).order_by(ClaimEvent.id.desc()).limit(1))
    if actor.id is not None and found_eligible_by == actor.id:
        deny(session, actor, Forbidden("四眼原则：该补贴由您核算认定为符合条件，须由另一位工作人员审核"),
             action=Action.APPROVE_CLAIM, obj=claim, reason="four_eyes")
    if claim.beneficiary_broker_id is not None and actor.organisation_id is not None:
        broker = session.get(Broker, claim.beneficiary_broker_id)
        if broker is not None and broker.organisation_id == actor.organisation_id:
            deny(session, actor, Forbidden("审核人与申领补贴的劳务经纪机构属于同一单位，须回避"),
                 action=Action.APPROVE_CLAIM, obj=claim, reason="conflict_of_interest")
    return _transition(session, claim, ClaimStatus.APPROVED, actor=actor, note="审核通过", action="claim.approve",
                       approved_by_id=actor.id, approved_at=now_utc())


def pay_claim(session: Session, claim_id: int, *, actor: Actor, reference: str, paid_on: dt.date) -> SubsidyClaim:
    """Record the payment of an approved claim (已发放) with its payment reference and date; never twice."""
    reference = _required_text(reference, "reference", "发放补贴须填写支付凭证号")
    claim = _locked(session, claim_id, actor, Action.PAY_CLAIM)
    _require_status(claim, (ClaimStatus.APPROVED,), "发放")
    used = session.scalar(select(SubsidyClaim.id).where(SubsidyClaim.payment_reference == reference))
    if used is not None:
        raise ClaimError(f"支付凭证号{reference}已用于补贴申领{used}")
    return _transition(session, claim, ClaimStatus.PAID, actor=actor, note=f"支付凭证号{reference}，{paid_on}发放",
                       action="claim.pay", payment_reference=reference, paid_on=paid_on)


def reject_claim(session: Session, claim_id: int, *, actor: Actor, reason: str) -> SubsidyClaim:
    """Refuse a claim before approval (已驳回), with a reason; its yearly slot is given back."""
    reason = _required_text(reason, "reason", "驳回补贴申领须说明原因")
    claim = _locked(session, claim_id, actor, Action.REJECT_CLAIM)
    _require_status(claim, (ClaimStatus.PENDING, ClaimStatus.ELIGIBLE, ClaimStatus.NEEDS_LOCAL_STANDARD), "驳回")
    return _transition(session, claim, ClaimStatus.REJECTED, actor=actor, note=reason, action="claim.reject",
                       counts_toward_limit=False)


def revoke_claim(session: Session, claim_id: int, *, actor: Actor, reason: str) -> SubsidyClaim:
    """Withdraw an approved or paid claim (已撤销), with a reason (e.g. false information found later)."""
    reason = _required_text(reason, "reason", "撤销补贴须说明原因")
    claim = _locked(session, claim_id, actor, Action.REVOKE_CLAIM)
    _require_status(claim, (ClaimStatus.APPROVED, ClaimStatus.PAID), "撤销")
    return _transition(session, claim, ClaimStatus.REVOKED, actor=actor, note=reason, action="claim.revoke",
                       counts_toward_limit=False)


# =============================================================================================================
# Ledgers and the public notice
# =============================================================================================================

@dataclass(frozen=True)
class LedgerRow:
    fund: str
    status: str
    origin_county: str
    month: str
    count: int
    amount: Decimal


def ledger(session: Session, *, actor: Actor, statuses: Iterable[ClaimStatus] | None = None) -> list[LedgerRow]:
    """The claims ``actor`` may see, grouped by fund, status, origin county and month of the milestone (台账)."""
    query = select(SubsidyClaim).where(scope(actor, SubsidyClaim)).options(
        selectinload(SubsidyClaim.placement).selectinload(Placement.person))
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


def public_notice(session: Session, *, vault: Vault, actor: Actor,
                  statuses: Iterable[ClaimStatus] = (ClaimStatus.ELIGIBLE,)) -> list[NoticeRow]:
    """The public-notice list (公示名单) of the claims to be paid that ``actor`` may see, with ID numbers masked
    (PIPL art. 28)."""
    claims = session.scalars(
        select(SubsidyClaim).where(SubsidyClaim.status.in_(list(statuses)), scope(actor, SubsidyClaim))
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
            id_masked=masked_id_number(person, vault),
            origin=table.current(person.household_region_code).full_name,
            kind=kind_label(claim.kind),
            beneficiary=_beneficiary_name(session, claim, broker, person),
            amount="" if claim.amount is None else f"{claim.amount:.2f}",
            milestone_date=claim.milestone_date.isoformat() if claim.milestone_date else "",
            policy=claim.document_number or "",
        ))
    return rows


def kind_label(kind: str) -> str:
    """The Chinese name of a claim kind (the kind itself when unknown)."""
    try:
        return ClaimKind(kind).label
    except ValueError:
        return kind


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


def fraud_signals(session: Session, *, vault: Vault, actor: Actor) -> list[FraudSignal]:
    """Every signal among the claims and placements ``actor`` may see, in a stable order: shared workers, ends
    after payment, early-ending brokers, costly trips."""
    return [
        *_claimed_by_two_brokers(session, vault, actor),
        *_ended_soon_after_payment(session, vault, actor),
        *_brokers_ending_early(session, actor),
        *_costs_above_route_median(session, vault, actor),
    ]


def _overlap(a: Placement, b: Placement) -> bool:
    far = dt.date.max
    return bool(a.start_date and b.start_date and a.start_date <= (b.end_date or far)
                and b.start_date <= (a.end_date or far))


def _worker(placement: Placement, vault: Vault) -> str:
    """How a reviewer recognises a worker: name and masked ID number."""
    return f"{placement.person.name}（{masked_id_number(placement.person, vault)}）"


def _broker_name(session: Session, broker_id: int | None) -> str:
    broker = session.get(Broker, broker_id) if broker_id is not None else None
    return f"“{broker.name}”" if broker is not None else "（无经纪人）"


def _claimed_by_two_brokers(session: Session, vault: Vault, actor: Actor) -> list[FraudSignal]:
    claims = session.scalars(
        select(SubsidyClaim).where(scope(actor, SubsidyClaim), SubsidyClaim.kind == ClaimKind.REFERRAL.value,
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
                f"{_worker(items[0], vault)}在重叠的时间内由{brokers}分别申领就业创业服务补助"
                f"（安置编号{'、'.join(map(str, ids))}），请核实实际介绍人",
                ids, person_id=person_id))
    return signals


def _ended_soon_after_payment(session: Session, vault: Vault, actor: Actor) -> list[FraudSignal]:
    claims = session.scalars(
        select(SubsidyClaim).where(scope(actor, SubsidyClaim), SubsidyClaim.status == ClaimStatus.PAID)
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
                f"{_worker(claim.placement, vault)}的{kind_label(claim.kind)}于{claim.paid_on.isoformat()}发放，"
                f"{days}天后（{end.isoformat()}）即离岗（安置编号{claim.placement_id}）",
                (claim.placement_id,), person_id=claim.person_id, broker_id=claim.beneficiary_broker_id))
    return signals


def _brokers_ending_early(session: Session, actor: Actor) -> list[FraudSignal]:
    ended = session.scalars(
        select(Placement).where(scope(actor, Placement), Placement.status == PlacementStatus.ENDED,
                                Placement.broker_id.is_not(None))
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


def _costs_above_route_median(session: Session, vault: Vault, actor: Actor) -> list[FraudSignal]:
    placements = session.scalars(
        select(Placement).where(scope(actor, Placement), Placement.start_date.is_not(None))
        .options(selectinload(Placement.person))
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
                    f"{_worker(placement, vault)}往返交通费{cost:.2f}元，超过{table.get(origin).full_name}至"
                    f"{table.get(job).full_name}线路中位数{median:.2f}元的"
                    f"{COST_MEDIAN_MULTIPLE}倍",
                    (placement.id,), person_id=placement.person_id, broker_id=placement.broker_id))
    return signals


__all__ = [
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
    "kind_label",
    "ledger",
    "pay_claim",
    "placement_key",
    "public_notice",
    "reject_claim",
    "revoke_claim",
    "stored_claim_document",
]
