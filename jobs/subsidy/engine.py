"""The subsidy engine: placements in, one claim per (placement, kind, instalment) out. Pure: no database, no clock.

It implements docs/policies.md ("Definitions") to the letter; the decisions the text leaves open are recorded in the
docstrings below, each next to the code that makes it.

Inputs are plain dataclasses (``PlacementFacts`` …) that the database layer fills from its models, with
*already resolved* current county codes. Output is a list of ``ClaimResult``, one per claim of docs/formats.md.

How one claim is decided (docs/policies.md, "Which pack applies"):

1. Every pack that covers the origin county is a candidate, whatever its dates, if it has a rule of the kind
   with trigger ``placement``.
2. Each candidate rule is assessed on its own (``_assess``) and yields a status and a *reference date*: the
   milestone date when its conditions are met, the as-of date while it is pending, the start date when it can
   never be met.
3. A rule *decides* when its own pack governs the origin on that reference date (``packs.governing_pack``).
4. Among deciding rules the most specific pack wins; none → ``no_policy``.
5. Limits spanning placements (once per person per year …) are applied last, across all placements.

Decisions the text leaves open (each is documented again where it is made):

- Instalments are separate claims, so each instalment is decided on its own reference date; an instalment whose
  milestone falls after its pack expired gets ``no_policy`` rather than a stretched pack (``_decide``).
- A claim whose milestone is reached but whose 据实补助 receipt is missing is ``pending`` with the milestone as
  its reference date, and it holds its yearly slot (``_priced``, ``_apply_limits``).
- Missing facts a condition needs (contract term, birth date) keep a claim ``pending`` (``_missing_evidence``);
  known facts that fail a condition make it ``ineligible`` (``_never_met``). A rule paying the broker needs one.
- Verified employment: see ``verified_stable_employment`` (a "not employed" check before the qualifying check,
  or an end before S + N months, makes the claim ineligible; facts dated after ``as_of`` are not known yet).
- Two deciding packs of the same level: see ``_choose``. Limits: first milestone wins, then the earlier start,
  then the placement key (``_apply_limits``).
- ``amount`` is given only for ``eligible`` claims; ``milestone_date`` whenever the milestone was reached.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from jobs.storage.enums import BrokerKind, ClaimStatus, EmploymentType
from jobs.storage.clock import age_on
from jobs.people.regions import region_table
from jobs.subsidy.packs import covering, governing_pack
from jobs.subsidy.schema import (
    PLACEMENT_TRIGGER,
    SCOPE_ALIASES,
    SCOPE_LABELS,
    Instalment,
    Pack,
    Rule,
    Scope,
)

__all__ = [
    "CORE_KINDS",
    "BrokerFacts",
    "CheckFacts",
    "ClaimResult",
    "ClaimStatus",
    "EVALUATION_STATUSES",
    "PersonFacts",
    "PlacementFacts",
    "Verification",
    "add_months",
    "age_on",
    "evaluate",
    "job_scope",
    "verified_stable_employment",
]

#: The statuses the engine gives (jobs.storage.enums.ClaimStatus also holds the approval workflow's statuses).
EVALUATION_STATUSES: tuple[ClaimStatus, ...] = (
    ClaimStatus.PENDING, ClaimStatus.ELIGIBLE, ClaimStatus.INELIGIBLE, ClaimStatus.NEEDS_LOCAL_STANDARD,
    ClaimStatus.NO_POLICY,
)

#: Kinds every placement gets a claim for, even where no loaded pack has such a rule (then ``no_policy``).
#: Other kinds appear when a covering pack has a placement rule of that kind.
CORE_KINDS: tuple[str, ...] = ("referral", "transport")


# --- input facts -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonFacts:
    """A worker: ``origin_county`` is the resolved current 6-digit county of household registration (输出地)."""

    key: str
    category: str
    origin_county: str
    birth_date: dt.date | None = None


@dataclass(frozen=True)
class BrokerFacts:
    """A broker: ``kind`` is ``agency`` or ``individual``; ``organised_output`` when it runs 有组织劳务输出."""

    key: str
    kind: str
    qualified: bool
    organised_output: bool


@dataclass(frozen=True)
class CheckFacts:
    """An employment check (稳岗核实): on ``date`` the person was (or was not) employed in the placement."""

    date: dt.date
    employed: bool


@dataclass(frozen=True)
class PlacementFacts:
    """A hire. ``job_county`` is the resolved current 6-digit county of the job; money is Decimal yuan."""

    key: str
    person: PersonFacts
    broker: BrokerFacts | None
    employer_key: str
    job_county: str
    start_date: dt.date
    end_date: dt.date | None = None
    contract_months: int | None = None
    social_insurance: bool = False
    employment_type: str = "direct"
    dispatch_key: str | None = None
    round_trip_cost: Decimal | None = None
    checks: tuple[CheckFacts, ...] = ()

    def __post_init__(self) -> None:
        if self.round_trip_cost is not None and not isinstance(self.round_trip_cost, Decimal):
            raise TypeError(f"往返交通费必须是 Decimal（元），收到：{self.round_trip_cost!r}")


# --- output ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimResult:
    """One claim, mapping 1:1 to a claim of docs/formats.md (plus ``pack_id`` and ``rule_id`` for storage).

    ``amount`` is set only for ``eligible``; ``milestone_date`` once the milestone is reached (for
    ``no_policy`` and never-met claims it is None).
    """

    placement: str
    person: str
    kind: str
    instalment: int
    beneficiary: str | None
    status: ClaimStatus
    amount: Decimal | None
    milestone_date: dt.date | None
    policy: str | None
    pack_id: str | None
    rule_id: str | None
    fund: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        """The claim as docs/formats.md prints it (see :func:`claim_document`)."""
        return claim_document(
            placement=self.placement, person=self.person, kind=self.kind, instalment=self.instalment,
            beneficiary=self.beneficiary, status=self.status, amount=self.amount,
            milestone_date=self.milestone_date, policy=self.policy, fund=self.fund, reason=self.reason,
        )


def claim_document(*, placement: Any, person: Any, kind: str, instalment: int, beneficiary: Any, status: Any,
                   amount: Decimal | None, milestone_date: dt.date | None, policy: str | None, fund: str | None,
                   reason: str) -> dict[str, Any]:
    """One claim as a JSON-ready dict, the field order of docs/formats.md: money as a decimal string with two places,
    dates ISO. The one claim → dict of the project: engine results, stored claims (audit snapshots, scenario
    output) and the read side all use it."""
    return {
        "placement": placement,
        "person": person,
        "kind": kind,
        "instalment": instalment,
        "beneficiary": beneficiary,
        "status": getattr(status, "value", status),
        "amount": None if amount is None else f"{amount:.2f}",
        "milestone_date": None if milestone_date is None else milestone_date.isoformat(),
        "policy": policy,
        "fund": fund,
        "reason": reason,
    }


# --- regions ------------------------------------------------------------------------------------------------------


def job_scope(origin_county: str, job_county: str) -> Scope:
    """Scope of a job seen from the origin (docs/policies.md, "Scope of a job").

    Delegates to ``jobs.people.regions``: retired codes are resolved to their successors first, and a job known only
    at prefecture or province level is placed as precisely as its code allows.
    """
    return region_table().scope_of(origin_county, job_county)


def _province_label(code: str) -> str:
    record = region_table().get(code[:2])
    return record.name if record is not None else f"省份{code[:2]}"


# --- calendar ----------------------------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus calendar months; the day is clamped to the month's end (2024-01-31 + 1 → 2024-02-29)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, min(day.day, (next_month - dt.timedelta(days=1)).day))


@dataclass(frozen=True)
class Verification:
    """Result of checking verified stable employment of N months.

    ``met``: the milestone ``date`` is the first qualifying check. ``failed``: it can never be met.
    Neither: still pending. ``target`` is start + N months; ``detail`` explains in Chinese.
    """

    met: bool
    failed: bool
    date: dt.date | None
    target: dt.date
    detail: str


def verified_stable_employment(placement: PlacementFacts, months: int, *, as_of: dt.date) -> Verification:
    """docs/policies.md, "Verified stable employment of N months".

    Met when a check dated on or after S + N calendar months says "employed", no check between S and that
    date says otherwise, and the placement had not ended before S + N months; the milestone is that check's
    date. Decisions where the text is silent:

    - Only what is known on ``as_of`` counts: checks dated after ``as_of`` and an end date after ``as_of`` are
      ignored. Checks dated before S are about something else and are ignored.
    - A check saying "not employed" dated in [S, qualifying check) makes the milestone unreachable for good,
      because every later qualifying check would have it "between": → failed (ineligible), whether it falls
      before or after S + N. Conflicting checks on one day: "not employed" wins.
    - An end date before S + N → failed. An end date on or after S + N without a qualifying check stays
      pending: evidence (contract, wage slips) may still be recorded with its own date.
    """
    start = placement.start_date
    target = add_months(start, months)
    end = placement.end_date
    if end is not None and end <= as_of and end < target:
        return Verification(False, True, None, target, f"{end.isoformat()}离岗，未满{months}个月")
    checks = sorted((c for c in placement.checks if start <= c.date <= as_of), key=lambda c: (c.date, c.employed))
    for check in checks:
        if not check.employed:
            return Verification(False, True, None, target,
                                f"{check.date.isoformat()}核实未在岗，未连续稳定就业满{months}个月")
        if check.date >= target:
            return Verification(True, False, check.date, target, f"经核实稳定就业{months}个月"
                                f"（{check.date.isoformat()}核实）")
    if as_of < target:
        detail = f"上岗未满{months}个月（{target.isoformat()}满{months}个月），待核实稳定就业"
    else:
        detail = f"已满{months}个月，尚无{target.isoformat()}及以后的在岗核实记录"
    return Verification(False, False, None, target, detail)


# --- assessing one rule ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    """What one rule says about one instalment of one placement, before packs are compared.

    ``holds_slot``: the milestone is reached and the claim is not ineligible, so it counts against limits.
    """

    status: ClaimStatus
    reference: dt.date
    reason: str
    milestone: dt.date | None = None
    amount: Decimal | None = None
    holds_slot: bool = False


_STATUS_RANK = {
    ClaimStatus.ELIGIBLE: 0,
    ClaimStatus.NEEDS_LOCAL_STANDARD: 0,
    ClaimStatus.PENDING: 1,
    ClaimStatus.INELIGIBLE: 2,
}

_CENT = Decimal("0.01")


def _label(vocabulary: type[BrokerKind] | type[EmploymentType], value: str) -> str:
    """Chinese label of a vocabulary value; an unknown value is shown as it is."""
    try:
        return vocabulary(value).label
    except ValueError:
        return value


def _yuan(amount: Decimal) -> str:
    """``300`` for whole yuan, ``420.50`` otherwise."""
    return str(amount.quantize(Decimal(1))) if amount == amount.to_integral_value() else str(amount.quantize(_CENT))


def _scope_requirement(allowed: frozenset[Scope]) -> str:
    for alias, scopes in SCOPE_ALIASES.items():
        if allowed == scopes:
            return {"outside_county": "县外就业", "outside_prefecture": "市外就业"}[alias]
    return "、".join(SCOPE_LABELS[s] for s in Scope if s in allowed) + "就业"


def _where_phrase(rule: Rule, placement: PlacementFacts, scope: Scope) -> str | None:
    """Short description of where the job is, when the rule depends on it (``县外就业``, ``到广东省就业``)."""
    cond, tiers = rule.conditions, rule.amount.tiers
    if cond.destination_provinces is not None or (tiers is not None and tiers.by == "destination_province"):
        return f"到{_province_label(placement.job_county)}就业"
    if cond.scope_in is not None and tiers is None and cond.scope_in in SCOPE_ALIASES.values():
        return _scope_requirement(cond.scope_in)
    if cond.scope_in is not None or tiers is not None:
        return f"{SCOPE_LABELS[scope]}就业"
    return None


def _broker_failure(rule: Rule, placement: PlacementFacts, cite: str) -> str | None:
    cond = rule.conditions
    needs_broker = (rule.beneficiary == "broker" or cond.broker_required or cond.broker_qualified
                    or cond.organised_output or cond.broker_kinds is not None)
    broker = placement.broker
    if not needs_broker:
        return None
    if broker is None:
        return f"未经人力资源服务机构或劳务经纪人介绍，{cite}要求经其介绍就业"
    if cond.broker_kinds is not None and broker.kind not in cond.broker_kinds:
        allowed = "、".join(_label(BrokerKind, k) for k in sorted(cond.broker_kinds))
        return f"介绍方为{_label(BrokerKind, broker.kind)}，{cite}仅适用于{allowed}"
    if cond.broker_qualified and not broker.qualified:
        return f"介绍方{broker.key}不具备合法资质，{cite}要求具有合法资质的人力资源服务机构或劳务经纪人"
    if cond.organised_output and not broker.organised_output:
        return f"介绍方{broker.key}未开展有组织劳务输出，{cite}要求开展有组织劳务输出"
    return None


def _never_met(rule: Rule, placement: PlacementFacts, scope: Scope, cite: str) -> str | None:
    """Reason why the rule can never be met by this placement, or None.

    Checked in the order of the rule's text: who, where, through whom, how employed.
    """
    cond, person = rule.conditions, placement.person
    if person.category not in rule.categories:
        return f"人员类别为{person.category}，{cite}仅适用于{'、'.join(rule.categories)}"
    if cond.scope_in is not None and scope not in cond.scope_in:
        return f"{SCOPE_LABELS[scope]}就业，{cite}要求{_scope_requirement(cond.scope_in)}"
    province = placement.job_county[:2]
    if cond.destination_provinces is not None and province not in cond.destination_provinces:
        names = "、".join(_province_label(p) for p in sorted(cond.destination_provinces))
        return f"到{_province_label(province)}就业，{cite}仅适用于到{names}就业"
    tiers = rule.amount.tiers
    if tiers is not None and tiers.lookup(scope if tiers.by == "scope" else province) is None:
        where = SCOPE_LABELS[scope] if tiers.by == "scope" else f"到{_province_label(province)}"
        return f"{where}就业，{cite}未规定该就业地的补助标准"
    broker_failure = _broker_failure(rule, placement, cite)
    if broker_failure:
        return broker_failure
    if cond.employment_types is not None and placement.employment_type not in cond.employment_types:
        allowed = "、".join(_label(EmploymentType, t) for t in sorted(cond.employment_types))
        actual = _label(EmploymentType, placement.employment_type)
        return f"用工形式为{actual}，{cite}仅适用于{allowed}"
    if cond.dispatch == "required" and placement.dispatch_key is None:
        return f"未随有组织劳务输出批次外出，{cite}仅补助随有组织劳务输出外出的人员"
    if cond.dispatch == "excluded" and placement.dispatch_key is not None:
        return f"随有组织劳务输出批次{placement.dispatch_key}外出，{cite}仅补助自行外出务工的人员"
    if (cond.min_contract_months is not None and placement.contract_months is not None
            and placement.contract_months < cond.min_contract_months):
        return (f"劳动合同期限{placement.contract_months}个月，"
                f"{cite}要求签订{cond.min_contract_months}个月以上劳动合同")
    if cond.social_insurance and not placement.social_insurance:
        return f"未参加社会保险，{cite}要求依法参加社会保险"
    return _age_failure(rule, placement, cite)


def _age_failure(rule: Rule, placement: PlacementFacts, cite: str) -> str | None:
    """Age is taken on the start date."""
    cond, birth = rule.conditions, placement.person.birth_date
    if birth is None or (cond.age_min is None and cond.age_max is None):
        return None
    age = age_on(birth, placement.start_date)
    if (cond.age_min is None or age >= cond.age_min) and (cond.age_max is None or age <= cond.age_max):
        return None
    if cond.age_min is not None and cond.age_max is not None:
        wanted = f"{cond.age_min}至{cond.age_max}岁"
    else:
        wanted = f"{cond.age_min}岁以上" if cond.age_min is not None else f"{cond.age_max}岁以下"
    return f"上岗时{age}岁，{cite}要求上岗时{wanted}"


def _missing_evidence(rule: Rule, placement: PlacementFacts) -> str | None:
    """Facts a condition needs that are not recorded yet: the claim stays pending until they are."""
    cond = rule.conditions
    if cond.min_contract_months is not None and placement.contract_months is None:
        return "尚未录入劳动合同期限"
    if (cond.age_min is not None or cond.age_max is not None) and placement.person.birth_date is None:
        return "缺少出生日期"
    return None


def _split(base: Decimal, instalments: tuple[Instalment, ...], index: int) -> Decimal:
    """Instalment ``index`` (1-based) of ``base`` by shares, rounded to the cent; the last takes the remainder
    so that the instalments add up to the base exactly."""
    shares = [i.share for i in instalments[:-1] if i.share is not None]
    parts = [(base * share).quantize(_CENT, rounding=ROUND_HALF_UP) for share in shares]
    parts.append(base - sum(parts, Decimal(0)))
    return parts[index - 1]


def _facts_phrase(rule: Rule, placement: PlacementFacts, scope: Scope, milestone_phrase: str) -> str:
    cond = rule.conditions
    parts = [milestone_phrase]
    if cond.min_contract_months is not None:
        parts.append(f"签订{placement.contract_months}个月劳动合同")
    if cond.social_insurance:
        parts.append("已参加社会保险")
    where = _where_phrase(rule, placement, scope)
    if where:
        parts.append(where)
    if cond.dispatch == "required":
        parts.append("随有组织劳务输出外出")
    elif cond.dispatch == "excluded":
        parts.append("自行外出务工")
    return "，".join(parts)


def _fixed_or_tier(rule: Rule, scope: Scope, province: str) -> Decimal:
    """The fixed sum, or the tier of the job's scope or province (a missing tier is caught by _never_met)."""
    tiers = rule.amount.tiers
    value = rule.amount.fixed if tiers is None else tiers.lookup(scope if tiers.by == "scope" else province)
    if value is None:
        raise ValueError(f"规则{rule.id}没有适用于该就业地的金额")
    return value


def _instalment_note(rule: Rule, index: int) -> str:
    return f"第{index}期（共{rule.instalment_count}期）" if rule.amount.instalments else ""


def _priced(rule: Rule, placement: PlacementFacts, scope: Scope, index: int, milestone: dt.date,
            facts: str, cite: str) -> _Outcome:
    """The outcome once the milestone is reached: the amount decides between eligible, pending and
    needs_local_standard.

    据实补助 without cost evidence is ``pending`` but keeps the milestone date as its reference date and holds
    its limit slot: the conditions are met on that day (so the pack in force then decides), only the receipt
    that fixes the sum is missing.
    """
    amount, instalments = rule.amount, rule.amount.instalments
    part = _instalment_note(rule, index)
    if amount.form == "local_standard":
        note = f"（{amount.note}）" if amount.note else ""
        return _Outcome(ClaimStatus.NEEDS_LOCAL_STANDARD, milestone,
                        f"{facts}，符合{cite}，{part}补助标准按{amount.set_by}执行，须由当地确定{note}",
                        milestone=milestone, holds_slot=True)
    if amount.form is None:
        value = instalments[index - 1].amount or Decimal(0)  # AmountSchema: every instalment names its sum
        return _Outcome(ClaimStatus.ELIGIBLE, milestone, f"{facts}，符合{cite}，{part}补助{_yuan(value)}元",
                        milestone=milestone, amount=value, holds_slot=True)
    if amount.form in ("actual_cost_capped", "actual_cost"):
        cost = placement.round_trip_cost
        if cost is None:
            cap = f"，最高{_yuan(amount.cap)}元" if amount.cap is not None else ""
            return _Outcome(ClaimStatus.PENDING, milestone,
                            f"{facts}，符合{cite}，缺少往返交通费用凭证，补充后据实补助{cap}",
                            milestone=milestone, holds_slot=True)
        if amount.cap is not None and cost > amount.cap:
            base, how = amount.cap, f"往返交通费{_yuan(cost)}元，按上限补助{_yuan(amount.cap)}元"
        else:
            base, how = cost, f"按实际往返交通费据实补助{_yuan(cost)}元"
    else:
        base = _fixed_or_tier(rule, scope, placement.job_county[:2])
        how = f"补助{_yuan(base)}元"
    if instalments:
        value = _split(base, instalments, index)
        how = f"{how}，其中{part}发放{_yuan(value)}元"
    else:
        value = base
    return _Outcome(ClaimStatus.ELIGIBLE, milestone, f"{facts}，符合{cite}，{how}",
                    milestone=milestone, amount=value.quantize(_CENT), holds_slot=True)


def _assess(pack: Pack, rule: Rule, placement: PlacementFacts, index: int, as_of: dt.date) -> _Outcome:
    """What ``rule`` says about instalment ``index`` of ``placement`` on ``as_of``, with its reference date.

    Order: conditions that can never be met (reference: start date); a start after ``as_of`` or missing
    condition evidence (pending, reference: as-of date); the milestone (verified months or start date); the
    rule's own effective window, checked on the milestone date (outside it: ineligible, reference: milestone
    date); then the amount.
    """
    cite = f"{pack.document_number}{rule.article}"
    start = placement.start_date
    scope = job_scope(placement.person.origin_county, placement.job_county)
    failure = _never_met(rule, placement, scope, cite)
    if failure:
        return _Outcome(ClaimStatus.INELIGIBLE, start, failure)
    if start > as_of:
        return _Outcome(ClaimStatus.PENDING, as_of, f"尚未上岗（{start.isoformat()}上岗），上岗后按{cite}审核")
    missing = _missing_evidence(rule, placement)
    if missing:
        return _Outcome(ClaimStatus.PENDING, as_of, f"{missing}，补齐后按{cite}审核")
    months = rule.milestone(index).months
    if months is None:
        milestone, phrase = start, f"{start.isoformat()}上岗"
    else:
        check = verified_stable_employment(placement, months, as_of=as_of)
        if check.failed:
            return _Outcome(ClaimStatus.INELIGIBLE, start, f"{check.detail}，{cite}要求稳定就业{months}个月以上")
        if not check.met:
            return _Outcome(ClaimStatus.PENDING, as_of, f"{check.detail}；依据{cite}")
        if check.date is None:
            raise ValueError("核实结果缺少日期")
        milestone, phrase = check.date, check.detail
    if ((rule.effective_from is not None and milestone < rule.effective_from)
            or (rule.effective_to is not None and milestone > rule.effective_to)):
        start_label = (rule.effective_from or pack.effective_from).isoformat()
        end = rule.effective_to or pack.effective_to
        window = f"{start_label}至{end.isoformat()}" if end else f"{start_label}起"
        return _Outcome(ClaimStatus.INELIGIBLE, milestone,
                        f"{milestone.isoformat()}达到条件，{cite}该项政策执行期限为{window}", milestone=milestone)
    facts = _facts_phrase(rule, placement, scope, phrase)
    return _priced(rule, placement, scope, index, milestone, facts, cite)


# --- deciding between packs -------------------------------------------------------------------------------------


@dataclass
class _Claim:
    placement: PlacementFacts
    kind: str
    instalment: int
    beneficiary: str | None
    outcome: _Outcome
    pack: Pack | None = None
    rule: Rule | None = None

    def result(self) -> ClaimResult:
        return ClaimResult(
            placement=self.placement.key,
            person=self.placement.person.key,
            kind=self.kind,
            instalment=self.instalment,
            beneficiary=self.beneficiary,
            status=self.outcome.status,
            amount=self.outcome.amount if self.outcome.status is ClaimStatus.ELIGIBLE else None,
            milestone_date=self.outcome.milestone,
            policy=self.pack.document_number if self.pack else None,
            pack_id=self.pack.id if self.pack else None,
            rule_id=self.rule.id if self.rule else None,
            fund=self.rule.fund if self.rule else None,
            reason=self.outcome.reason,
        )


_DEFAULT_BENEFICIARY = {"referral": "broker", "transport": "worker"}


def _beneficiary(who: str, placement: PlacementFacts) -> str | None:
    if who == "broker":
        return placement.broker.key if placement.broker else None
    if who == "worker":
        return placement.person.key
    if who == "employer":
        return placement.employer_key
    return None


class _Governance:
    """Memoised ``governing_pack`` over one pack list (many placements share origins and dates)."""

    def __init__(self, packs: Sequence[Pack]) -> None:
        self.packs = packs
        self._memo: dict[tuple[str, dt.date], Pack | None] = {}

    def __call__(self, county: str, day: dt.date) -> Pack | None:
        key = (county, day)
        if key not in self._memo:
            self._memo[key] = governing_pack(self.packs, county, day)
        return self._memo[key]


def _reference_label(outcome: _Outcome) -> str:
    if outcome.milestone is not None:
        return f"达到条件之日{outcome.milestone.isoformat()}"
    if outcome.status is ClaimStatus.PENDING:
        return f"核算日{outcome.reference.isoformat()}"
    return f"上岗之日{outcome.reference.isoformat()}"


def _no_policy_reason(origin: str, misses: list[tuple[Pack, Rule, _Outcome, Pack | None]]) -> str:
    if not misses:
        return f"户籍地{origin}没有已载入的政策文件规定此项补助"
    notes = []
    for pack, rule, outcome, ruling in misses:
        where = f"{pack.document_number}{rule.article}：{_reference_label(outcome)}"
        if pack.in_force(outcome.reference):
            notes.append(f"{where}由{ruling.document_number if ruling else '其他文件'}管辖")
        else:
            notes.append(f"{where}不在其有效期（{pack.period_label}）内")
    return "无有效政策：" + "；".join(notes)


def _choose(deciding: list[tuple[Pack, Rule, _Outcome]]) -> tuple[Pack, Rule, _Outcome]:
    """The deciding rule that wins: the most specific pack (docs/policies.md). Ties at the same level — two packs of
    one level each governing its own reference date, e.g. the Hunan 2017 and 2021 packs — are not covered by
    the text; we prefer an outcome that grants (eligible/needs_local_standard), then pending, then ineligible,
    so that a newer document never takes away what the older one granted nor the reverse; then the earlier
    reference date (the claim that arose first), then the newer pack, then the pack id."""
    return min(deciding, key=lambda d: (-int(d[0].level), _STATUS_RANK[d[2].status], d[2].reference,
                                        -d[0].effective_from.toordinal(), d[0].id))


def _decide(placement: PlacementFacts, packs: Sequence[Pack], governs: _Governance,
            as_of: dt.date) -> list[_Claim]:
    """All claims of one placement, before limits.

    Kinds: CORE_KINDS plus the kinds of placement rules in the covering packs. Instalments: a kind has as many
    claims as its longest rule has instalments; instalment i is decided among the rules that have an i-th
    instalment, each on that instalment's own reference date. A ``no_policy`` claim names the beneficiary the
    most specific candidate rule would pay (referral: the broker, transport: the worker, when no rule exists).
    """
    origin = placement.person.origin_county
    candidates = covering(packs, origin)
    kinds = set(CORE_KINDS) | {r.kind for p in candidates for r in p.rules if r.trigger == PLACEMENT_TRIGGER}
    claims: list[_Claim] = []
    for kind in sorted(kinds):
        rules = [(p, r) for p in candidates if (r := p.rule_for(kind)) is not None]
        who = rules[0][1].beneficiary if rules else _DEFAULT_BENEFICIARY.get(kind, "worker")
        count = max((r.instalment_count for _, r in rules), default=1)
        for index in range(1, count + 1):
            deciding, misses = [], []
            for pack, rule in rules:
                if rule.instalment_count < index:
                    continue
                outcome = _assess(pack, rule, placement, index, as_of)
                ruling = governs(origin, outcome.reference)
                if ruling is pack:
                    deciding.append((pack, rule, outcome))
                else:
                    misses.append((pack, rule, outcome, ruling))
            if deciding:
                pack, rule, outcome = _choose(deciding)
                claims.append(_Claim(placement, kind, index, _beneficiary(rule.beneficiary, placement), outcome,
                                     pack, rule))
            else:
                outcome = _Outcome(ClaimStatus.NO_POLICY, as_of, _no_policy_reason(origin, misses))
                claims.append(_Claim(placement, kind, index, _beneficiary(who, placement), outcome))
    return claims


# --- limits across placements ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    """A placement's claims under one rule (all its instalments), competing for limits from ``first``."""

    pack: Pack
    rule: Rule
    placement: PlacementFacts
    first: dt.date
    members: tuple[_Claim, ...]


@dataclass(frozen=True)
class _Slot:
    """One limit as it applies to a unit: how many, the counter it uses, and how a refusal reads."""

    limit: int
    counter: tuple[Any, ...]
    prefix: str
    rule_text: str


def _units(claims: list[_Claim]) -> list[_Unit]:
    grouped: dict[tuple[str, str, str], list[_Claim]] = defaultdict(list)
    for claim in claims:
        if claim.rule is not None and claim.pack is not None and claim.rule.limits.any:
            grouped[(claim.pack.id, claim.rule.id, claim.placement.key)].append(claim)
    units = []
    for members in grouped.values():
        reached = [c.outcome.milestone for c in members if c.outcome.holds_slot and c.outcome.milestone]
        head = members[0]
        if reached and head.pack is not None and head.rule is not None:
            units.append(_Unit(head.pack, head.rule, head.placement, min(reached), tuple(members)))
    return sorted(units, key=lambda u: (u.pack.id, u.rule.id, u.first, u.placement.start_date, u.placement.key))


def _slots(unit: _Unit) -> list[_Slot]:
    limits, person = unit.rule.limits, unit.placement.person.key
    base = (unit.pack.id, unit.rule.id)
    slots = []
    if limits.per_person_per_year is not None:
        text = "每人每年只享受一次" if limits.per_person_per_year == 1 else f"每人每年限{limits.per_person_per_year}次"
        slots.append(_Slot(limits.per_person_per_year, (*base, "year", person, unit.first.year),
                           f"本人{unit.first.year}年已由", text))
    if limits.per_person_employer is not None:
        slots.append(_Slot(limits.per_person_employer, (*base, "employer", person, unit.placement.employer_key),
                           "本人在同一用人单位已由", f"同一用人单位每人限{limits.per_person_employer}次"))
    if limits.per_person is not None:
        slots.append(_Slot(limits.per_person, (*base, "person", person), "本人已由",
                           f"每人限{limits.per_person}次"))
    return slots


def _apply_limits(claims: list[_Claim], withdrawn: Collection[tuple[str, str, str]] = ()) -> None:
    """Once per person per year and the other limits (docs/policies.md, "Once per person per year").

    A placement's claims under one rule (all its instalments) form one unit. A unit competes once its first
    instalment has reached its milestone (eligible, needs_local_standard, or pending only for cost evidence);
    its year is the year of that first milestone. Units are taken in milestone order — the first to reach its
    milestone wins — with ties broken by the earlier start date, then the placement key. A unit over a limit
    becomes ineligible, all instalments, and its reason names the earlier placement(s). Units still short of
    their milestone do not compete yet, nor do ``withdrawn`` units (placement key, pack id, rule id): claims
    that a clerk rejected or revoked give their slot back.
    """
    used: dict[tuple[Any, ...], list[tuple[str, dt.date]]] = defaultdict(list)
    for unit in _units(claims):
        if (unit.placement.key, unit.pack.id, unit.rule.id) in withdrawn:
            continue
        slots = _slots(unit)
        full = next((slot for slot in slots if len(used[slot.counter]) >= slot.limit), None)
        if full is None:
            for slot in slots:
                used[slot.counter].append((unit.placement.key, unit.first))
            continue
        winners = "、".join(f"安置{key}（{day.isoformat()}达到条件）" for key, day in used[full.counter])
        cite = f"{unit.pack.document_number}{unit.rule.article}"
        reason = f"{full.prefix}{winners}享受本项补助，{cite}规定{full.rule_text}"
        for claim in unit.members:
            claim.outcome = replace(claim.outcome, status=ClaimStatus.INELIGIBLE, amount=None, reason=reason,
                                    holds_slot=False)


# --- entry point --------------------------------------------------------------------------------------------------


def evaluate(
    placements: Iterable[PlacementFacts],
    packs: Iterable[Pack],
    *,
    as_of: dt.date,
    withdrawn: Collection[tuple[str, str, str]] = (),
) -> list[ClaimResult]:
    """Evaluate every placement against the packs as of a date.

    ``withdrawn`` names (placement key, pack id, rule id) whose claims were rejected or revoked after review:
    they no longer hold a yearly slot, so another placement of the same person may take it.

    ``as_of`` is the day of the evaluation: checks and end dates after it are not known yet, and a claim still
    pending is decided by the pack governing on that day. Returns one claim per (placement, kind, instalment),
    sorted by placement key, then kind, then instalment.
    The kinds are ``CORE_KINDS`` plus every kind of a placement rule in a pack covering the worker's origin.
    Packs must have distinct ids; placements distinct keys (ValueError otherwise).
    """
    pack_list = list(packs)
    placement_list = sorted(placements, key=lambda p: p.key)
    _require_unique([p.id for p in pack_list], "政策文件 id")
    _require_unique([p.key for p in placement_list], "就业安置 key")
    governs = _Governance(pack_list)
    claims = [c for p in placement_list for c in _decide(p, pack_list, governs, as_of)]
    _apply_limits(claims, frozenset(withdrawn))
    results = [c.result() for c in claims]
    return sorted(results, key=lambda r: (r.placement, r.kind, r.instalment))


def _require_unique(keys: list[str], what: str) -> None:
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise ValueError(f"{what}重复：{key}")
        seen.add(key)
