"""Policy packs as data: the pack model and the marshmallow schema that validates a pack file.

A policy pack is one YAML file per policy document (政策文件). It records the document's number, issuer,
jurisdiction, effective period, its subsidy rules and its service standards. The schema turns the parsed YAML
into frozen dataclasses (``Pack``, ``Rule``, …) or fails with Chinese messages that name the path of every
problem, e.g. ``rules[1].amount.fixed: 金额必须是非负小数``.

Format (every mapping rejects unknown keys):

``id``              slug, e.g. ``hunan-2021-10``
``document_number`` e.g. ``湘人社规〔2021〕10号``
``title``, ``issuer``, ``source`` (where the text comes from), ``note`` (optional)
``jurisdiction``    list of quoted region codes of one level: ``''`` or ``'00'`` national, ``'43'`` province,
                    ``'2305'`` prefecture, ``'230522'`` county; ``jurisdiction_name`` optional (``湖南省``)
``effective_from``, ``effective_to`` dates (``effective_to`` may be null: no end date)
``version``         integer ≥ 1
``rules``           list of rules (see ``RuleSchema``)
``service_standards`` list of service standards (see ``ServiceStandardSchema``)

Money is always a quoted decimal string (``"300.00"``): YAML numbers become floats, which must never hold
money (docs/architecture.md, "Storage"), so a bare number is rejected.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import IntEnum
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validates_schema

from jobs.storage.enums import BrokerKind, EmploymentType, PersonCategory
from jobs.people.regions import Scope

# --- vocabulary -----------------------------------------------------------------------------------------------
# The domain's enums (jobs.storage.enums, jobs.people.regions) are the single source of these words.

#: Person categories (docs/policies.md, "Person categories": 脱贫人口 includes the former 建档立卡贫困人口; 监测对象 includes
#: the Hunan 2021 text's 边缘易致贫人口).
CATEGORIES: tuple[str, ...] = tuple(c.value for c in PersonCategory)

#: Names a pack may use in ``scope_in`` besides the four scopes. "县以外" and "跨县" mean anything outside the
#: origin county (docs/policies.md, "Scope of a job").
SCOPE_ALIASES: dict[str, frozenset[Scope]] = {
    "outside_county": frozenset({Scope.SAME_PREFECTURE, Scope.SAME_PROVINCE, Scope.OUTSIDE_PROVINCE}),
    "outside_prefecture": frozenset({Scope.SAME_PROVINCE, Scope.OUTSIDE_PROVINCE}),
}

SCOPE_LABELS: dict[Scope, str] = {
    Scope.SAME_COUNTY: "县内",
    Scope.SAME_PREFECTURE: "县外市内",
    Scope.SAME_PROVINCE: "市外省内",
    Scope.OUTSIDE_PROVINCE: "跨省",
}

#: Who is paid. Rules triggered by a placement can pay only the broker, the worker or the employer; the other
#: beneficiaries exist for rules such as the Anhui technical-school grants (family, school).
BENEFICIARIES: tuple[str, ...] = ("broker", "worker", "employer", "household", "school")
PLACEMENT_BENEFICIARIES: frozenset[str] = frozenset({"broker", "worker", "employer"})

#: The trigger of rules the subsidy engine evaluates for every placement. Rules with another trigger
#: (``work_for_training``, ``training``, ``workshop_income`` …) are data for later workflows.
PLACEMENT_TRIGGER = "placement"

BROKER_KINDS: tuple[str, ...] = tuple(k.value for k in BrokerKind)
EMPLOYMENT_TYPES: tuple[str, ...] = tuple(t.value for t in EmploymentType)
DISPATCH_MODES: tuple[str, ...] = ("any", "required", "excluded")
TIER_DIMENSIONS: tuple[str, ...] = ("scope", "destination_province")
RATE_UNITS: tuple[str, ...] = ("day", "month", "year")
#: Cost evidence an ``actual_cost`` amount reads. Only ``round_trip`` (the placement's round-trip fare) is known
#: to the placement engine; the others are for rules with other triggers.
COST_EVIDENCE: tuple[str, ...] = ("round_trip", "employer_social_insurance")
SERVICE_PERIODS: tuple[str, ...] = ("year", "month", "need")


class PackLevel(IntEnum):
    """How specific a pack is, derived from the length of its jurisdiction codes."""

    NATIONAL = 0
    PROVINCE = 1
    PREFECTURE = 2
    COUNTY = 3

    @property
    def label(self) -> str:
        """Chinese name of the level."""
        return ("全国", "省级", "市级", "县级")[self.value]

    @classmethod
    def of_code(cls, code: str) -> PackLevel:
        """PackLevel of a normalised region code ('' national, 2 province, 4 prefecture, 6 county digits)."""
        return {0: cls.NATIONAL, 2: cls.PROVINCE, 4: cls.PREFECTURE, 6: cls.COUNTY}[len(code)]


# --- the pack model -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Milestone:
    """When a payment falls due: the start date (``months is None``) or verified stable employment of N months."""

    months: int | None = None

    def describe(self) -> str:
        """Chinese description, e.g. ``稳定就业6个月`` or ``上岗``."""
        return "上岗" if self.months is None else f"稳定就业{self.months}个月"


@dataclass(frozen=True)
class Instalment:
    """One part of a payment: its milestone and either a share of the base amount or a fixed sum."""

    milestone: Milestone
    share: Decimal | None = None
    amount: Decimal | None = None


@dataclass(frozen=True)
class Tiers:
    """Amounts by destination: by scope (``same_prefecture`` …) or by destination province code (``'44'``)."""

    by: str
    values: tuple[tuple[str, Decimal], ...]
    default: Decimal | None = None

    def lookup(self, key: str) -> Decimal | None:
        """Amount for a scope or province code, else the default (None when there is no default)."""
        return dict(self.values).get(key, self.default)


@dataclass(frozen=True)
class Rate:
    """An amount per unit of time (e.g. 20 yuan per day of training), for rules not triggered by placements."""

    amount: Decimal
    per: str
    max_units: int | None = None


@dataclass(frozen=True)
class Amount:
    """How much a rule pays.

    ``form`` is the base: ``fixed``, ``actual_cost_capped`` (据实补助 up to ``cap``), ``actual_cost``, ``tiers``,
    ``rate``, ``local_standard`` (the sum is set by ``set_by``, a document not loaded) or ``None`` when every
    instalment names its own sum. ``instalments`` splits the payment; empty means one payment.
    """

    form: str | None
    fixed: Decimal | None = None
    cap: Decimal | None = None
    cost: str | None = None
    tiers: Tiers | None = None
    rate: Rate | None = None
    set_by: str | None = None
    note: str | None = None
    instalments: tuple[Instalment, ...] = ()


@dataclass(frozen=True)
class Conditions:
    """Conditions of a rule; every one is optional and the defaults impose nothing."""

    scope_in: frozenset[Scope] | None = None
    destination_provinces: frozenset[str] | None = None
    broker_required: bool = False
    broker_qualified: bool = False
    broker_kinds: frozenset[str] | None = None
    organised_output: bool = False
    min_verified_months: int | None = None
    min_contract_months: int | None = None
    social_insurance: bool = False
    employment_types: frozenset[str] | None = None
    dispatch: str = "any"
    age_min: int | None = None
    age_max: int | None = None


@dataclass(frozen=True)
class Limits:
    """How often a rule pays: per person per calendar year, per person and employer, per person, per placement."""

    per_person_per_year: int | None = None
    per_person_employer: int | None = None
    per_person: int | None = None
    per_placement: int = 1

    @property
    def any(self) -> bool:
        """True when some limit spans several placements."""
        return any(x is not None for x in (self.per_person_per_year, self.per_person_employer, self.per_person))


@dataclass(frozen=True)
class Rule:
    """One subsidy rule of a pack (条款), with the article it comes from."""

    id: str
    kind: str
    article: str
    beneficiary: str
    categories: tuple[str, ...]
    amount: Amount
    conditions: Conditions = field(default_factory=Conditions)
    limits: Limits = field(default_factory=Limits)
    trigger: str = PLACEMENT_TRIGGER
    fund: str | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    note: str | None = None

    @property
    def instalment_count(self) -> int:
        """Number of payments (1 without instalments)."""
        return len(self.amount.instalments) or 1

    def milestone(self, instalment: int) -> Milestone:
        """Milestone of instalment ``instalment`` (1-based).

        Without instalments the milestone is ``min_verified_months`` of the conditions, or the start date.
        """
        if self.amount.instalments:
            return self.amount.instalments[instalment - 1].milestone
        return Milestone(self.conditions.min_verified_months)


@dataclass(frozen=True)
class ServiceStandard:
    """A service the platform must give and report (e.g. Hunan's "311": 3 job pushes, 1 training push, 1 guidance).

    ``minimum`` maps a service (the ``jobs.storage.enums.PushKind`` values ``job``, ``training``, ``guidance``, or
    another identifier such as ``free_training`` for a service that is not a push) to a count per
    ``period`` (``year``, ``month``, or ``need``: per person with an employment need). ``due_day_of_month`` and
    ``due_months`` date a recurring report (no day: the end of the month).
    """

    id: str
    kind: str
    article: str
    description: str
    categories: tuple[str, ...] = ()
    period: str | None = None
    minimum: tuple[tuple[str, int], ...] = ()
    due_day_of_month: int | None = None
    due_months: tuple[int, ...] = ()
    lists: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pack:
    """A policy document as data."""

    id: str
    document_number: str
    title: str
    issuer: str
    jurisdiction: tuple[str, ...]
    effective_from: dt.date
    effective_to: dt.date | None
    version: int
    source: str
    rules: tuple[Rule, ...] = field(default=(), repr=False)
    service_standards: tuple[ServiceStandard, ...] = field(default=(), repr=False)
    jurisdiction_name: str | None = None
    note: str | None = None

    @property
    def level(self) -> PackLevel:
        """National, province, prefecture or county, from the length of the jurisdiction codes."""
        return PackLevel.of_code(self.jurisdiction[0])

    def covers(self, county_code: str) -> bool:
        """True when the county lies inside the pack's jurisdiction (national packs cover every county)."""
        return any(county_code.startswith(code) for code in self.jurisdiction)

    def in_force(self, day: dt.date) -> bool:
        """True when ``day`` lies in the effective period (both ends included)."""
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def rule_for(self, kind: str, trigger: str = PLACEMENT_TRIGGER) -> Rule | None:
        """The pack's rule of that kind and trigger, if any (kinds are unique within a pack)."""
        return next((r for r in self.rules if r.kind == kind and r.trigger == trigger), None)

    @property
    def area_label(self) -> str:
        """Chinese label of the jurisdiction, e.g. ``湖南省（43）`` or ``全国``."""
        if self.level is PackLevel.NATIONAL:
            return "全国"
        codes = "、".join(self.jurisdiction)
        return f"{self.jurisdiction_name}（{codes}）" if self.jurisdiction_name else f"行政区划{codes}"

    @property
    def period_label(self) -> str:
        """Chinese label of the effective period, e.g. ``2021-07-26至2025-12-31``."""
        start = self.effective_from.isoformat()
        return f"{start}至{self.effective_to.isoformat()}" if self.effective_to else f"{start}起"


# --- fields with Chinese messages ------------------------------------------------------------------------------

_BASE_MESSAGES = {"required": "缺少必填字段", "null": "不能为空", "validator_failed": "取值无效"}
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
_MONEY = re.compile(r"^\d+(?:\.\d{1,2})?$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_REGION = re.compile(r"^(?:\d{2}|\d{4}|\d{6})$")
_PROVINCE = re.compile(r"^\d{2}$")


def _choices(values: tuple[str, ...] | list[str]) -> str:
    return "、".join(values)


class _Field(fields.Field):
    """Base of the pack fields: Chinese messages for missing and null values."""

    default_error_messages = _BASE_MESSAGES


class Text(_Field):
    """A non-empty string."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError("必须是文字")
        if not value.strip():
            raise ValidationError("不能为空字符串")
        return value.strip()


class Slug(_Field):
    """Lower-case ASCII words joined by hyphens (``hunan-2021-10``)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not _SLUG.match(value):
            raise ValidationError("标识只能由小写字母、数字和连字符组成，如 hunan-2021-10")
        return value


class Identifier(_Field):
    """A lower-case identifier (``referral``, ``work_for_training``)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str) or not _IDENTIFIER.match(value):
            raise ValidationError("必须是小写英文标识（字母开头，可含数字和下划线），如 referral")
        return value


class Flag(_Field):
    """``true`` or ``false`` and nothing else."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("必须是 true 或 false")
        return value


#: The largest amount a pack may state: ten million yuan. Claims are stored as NUMERIC(12, 2), so any sum of
#: up to a thousand such amounts still fits; anything larger is a typing error, not a subsidy.
MAX_MONEY = Decimal("10000000.00")
#: The largest count (months, instalments, services, claims) a pack may state: a century of months.
MAX_COUNT = 1200
#: Dates a pack may name (the People's Republic's policy documents; no policy runs past 2100).
MIN_DAY, MAX_DAY = dt.date(1949, 10, 1), dt.date(2100, 12, 31)


class Count(_Field):
    """A whole number within bounds (at most :data:`MAX_COUNT` unless a lower maximum is given)."""

    def __init__(self, *, minimum: int = 0, maximum: int | None = MAX_COUNT, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.minimum = minimum
        self.maximum = maximum

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValidationError("必须是整数")
        if value < self.minimum or (self.maximum is not None and value > self.maximum):
            upper = f"至{self.maximum}" if self.maximum is not None else "或以上"
            raise ValidationError(f"必须是{self.minimum}{upper}的整数")
        return value


class Money(_Field):
    """Yuan as a quoted decimal string with at most two decimals; floats are refused."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise ValidationError("金额必须是非负小数，并写成带引号的字符串，如 \"300.00\"（不加引号会被读成浮点数）")
        if not isinstance(value, str) or len(value) > 32 or not _MONEY.match(value.strip()):
            raise ValidationError("金额必须是非负小数（元，最多两位小数），如 \"300.00\"")
        amount = Decimal(value.strip())
        if amount > MAX_MONEY:
            raise ValidationError(f"金额不能超过{MAX_MONEY:,}元（一千万元），请核对是否多写了位数")
        return amount.quantize(Decimal("0.01"))


class Share(_Field):
    """A fraction in (0, 1] as a quoted decimal string (``"0.5"``)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        message = "比例必须是大于0且不超过1的小数，写成带引号的字符串，如 \"0.5\""
        if not isinstance(value, str):
            raise ValidationError(message)
        try:
            share = Decimal(value.strip())
        except InvalidOperation:
            raise ValidationError(message) from None
        if not share.is_finite() or not Decimal(0) < share <= Decimal(1):
            raise ValidationError(message)
        return share


class Day(_Field):
    """A calendar date: a YAML date or an ISO string ``YYYY-MM-DD``."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            raise ValidationError("日期不能带时间，格式为 YYYY-MM-DD")
        day = value if isinstance(value, dt.date) else None
        if isinstance(value, str) and _ISO_DAY.match(value.strip()):
            try:
                day = dt.date.fromisoformat(value.strip())
            except ValueError:
                raise ValidationError(f"日期“{value.strip()}”不存在，请核对年月日") from None
        if day is None:
            raise ValidationError("日期格式必须是 YYYY-MM-DD")
        if not MIN_DAY <= day <= MAX_DAY:
            raise ValidationError(f"日期必须在{MIN_DAY.isoformat()}至{MAX_DAY.isoformat()}之间")
        return day


class RegionCode(_Field):
    """A quoted region code: '' or '00' (national, normalised to ''), 2, 4 or 6 digits."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError("行政区划代码必须加引号写成字符串，如 '43'、'230522'；全国写 ''")
        code = value.strip()
        if code in ("", "00"):
            return ""
        if not _REGION.match(code):
            raise ValidationError("行政区划代码必须是2位（省）、4位（市）或6位（县）数字；全国写 ''")
        return code


class ProvinceCode(_Field):
    """A quoted two-digit province code ('44')."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str) or not _PROVINCE.match(value.strip()):
            raise ValidationError("省份代码必须是加引号的2位数字，如 '44'")
        return value.strip()


class Choice(_Field):
    """One value out of a fixed vocabulary."""

    def __init__(self, choices: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices = choices

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if value not in self.choices:
            raise ValidationError(f"取值必须是以下之一：{_choices(self.choices)}")
        return value


class ScopeName(_Field):
    """A scope (``same_county`` …) or an alias (``outside_county``), expanded to a set of scopes."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> frozenset[Scope]:
        if isinstance(value, str) and value in SCOPE_ALIASES:
            return SCOPE_ALIASES[value]
        if isinstance(value, str) and value in {s.value for s in Scope}:
            return frozenset({Scope(value)})
        names = [s.value for s in Scope] + list(SCOPE_ALIASES)
        raise ValidationError(f"就业范围必须是以下之一：{_choices(names)}")


class MilestoneField(_Field):
    """``start`` (the start date) or ``{min_verified_months: N}``."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Milestone:
        if value == "start":
            return Milestone(None)
        if isinstance(value, dict) and set(value) == {"min_verified_months"}:
            months = value["min_verified_months"]
            if isinstance(months, int) and not isinstance(months, bool) and months >= 1:
                return Milestone(months)
        raise ValidationError("节点必须是 start（上岗之日）或 {min_verified_months: N}（N为不小于1的整数）")


class AmountMap(_Field):
    """A mapping from a quoted key to a money string; the keys are checked by the enclosing schema."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dict[str, Decimal]:
        if not isinstance(value, dict) or not value:
            raise ValidationError("必须是非空的映射（键: 金额）")
        money = Money()
        result: dict[str, Decimal] = {}
        errors: dict[str, list[str]] = {}
        for key, amount in value.items():
            if not isinstance(key, str):
                errors[str(key)] = ["键必须加引号写成字符串"]
                continue
            try:
                result[key] = money.deserialize(amount)
            except ValidationError as exc:
                errors[key] = exc.messages if isinstance(exc.messages, list) else [str(exc.messages)]
        if errors:
            raise ValidationError(errors)
        return result


class CountMap(_Field):
    """A mapping from an identifier to a whole number ≥ 1 (``{job: 3}``)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dict[str, int]:
        if not isinstance(value, dict) or not value:
            raise ValidationError("必须是非空的映射（服务: 次数）")
        errors: dict[str, list[str]] = {}
        for key, count in value.items():
            if not isinstance(key, str) or not _IDENTIFIER.match(key):
                errors[str(key)] = ["服务名称必须是小写英文标识，如 job"]
            elif not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_COUNT:
                errors[key] = [f"次数必须是1至{MAX_COUNT}的整数"]
        if errors:
            raise ValidationError(errors)
        return dict(value)


def _list(inner: fields.Field, **kwargs: Any) -> fields.List:
    return fields.List(inner, error_messages={**_BASE_MESSAGES, "invalid": "必须是列表"}, **kwargs)


def _nested(schema: type[Schema], **kwargs: Any) -> fields.Nested:
    return fields.Nested(schema, error_messages=dict(_BASE_MESSAGES), **kwargs)


def _field_errors(**messages: str | list[str] | dict[str, Any]) -> ValidationError:
    """A ValidationError placing each message under its field name."""
    return ValidationError({k: [v] if isinstance(v, str) else v for k, v in messages.items()})


class _Strict(Schema):
    """Base schema: unknown keys are an error, messages in Chinese."""

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": "未知字段", "type": "必须是映射（键: 值）"}


# --- schemas ---------------------------------------------------------------------------------------------------


class ConditionsSchema(_Strict):
    """Conditions of a rule. All optional; ``scope_in`` accepts scope names and the aliases of SCOPE_ALIASES."""

    scope_in = _list(ScopeName())
    destination_provinces = _list(ProvinceCode())
    broker_required = Flag()
    broker_qualified = Flag()
    broker_kinds = _list(Choice(BROKER_KINDS))
    organised_output = Flag()
    min_verified_months = Count(minimum=1)
    min_contract_months = Count(minimum=1)
    social_insurance = Flag()
    employment_types = _list(Choice(EMPLOYMENT_TYPES))
    dispatch = Choice(DISPATCH_MODES)
    age_min = Count(minimum=0, maximum=120)
    age_max = Count(minimum=0, maximum=120)

    @validates_schema
    def _check(self, data: dict[str, Any], **kwargs: Any) -> None:
        for name in ("scope_in", "destination_provinces", "broker_kinds", "employment_types"):
            if name in data and not data[name]:
                raise _field_errors(**{name: "列表不能为空；不限制时请删去该项"})
        if data.get("age_min") is not None and data.get("age_max") is not None and data["age_min"] > data["age_max"]:
            raise _field_errors(age_max="最高年龄不能小于最低年龄")

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> Conditions:
        for name in ("destination_provinces", "broker_kinds", "employment_types"):
            if name in data:
                data[name] = frozenset(data[name])
        if "scope_in" in data:
            data["scope_in"] = frozenset().union(*data["scope_in"])
        return Conditions(**data)


class CappedCostSchema(_Strict):
    """``actual_cost_capped``: pay the actual cost (``cost``, default the round trip), at most ``cap``."""

    cap = Money(required=True)
    cost = Choice(COST_EVIDENCE, load_default="round_trip")


class ActualCostSchema(_Strict):
    """``actual_cost``: pay the actual cost with no cap."""

    cost = Choice(COST_EVIDENCE, required=True)


class TiersSchema(_Strict):
    """``tiers``: amounts by ``scope`` or by ``destination_province``, with an optional ``default``."""

    by = Choice(TIER_DIMENSIONS, required=True)
    tiers = AmountMap(required=True)
    default = Money()

    @validates_schema
    def _check(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data["by"] == "scope":
            allowed = {s.value for s in Scope}
            wrong = {k: ["分档键必须是以下之一：" + _choices([s.value for s in Scope])] for k in data["tiers"]
                     if k not in allowed}
        else:
            wrong = {k: ["分档键必须是加引号的2位省份代码，如 '44'"] for k in data["tiers"] if not _PROVINCE.match(k)}
        if wrong:
            raise ValidationError({"tiers": wrong})

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> Tiers:
        return Tiers(by=data["by"], values=tuple(sorted(data["tiers"].items())), default=data.get("default"))


class RateSchema(_Strict):
    """``rate``: an amount per day, month or year, optionally for at most ``max_units`` units."""

    amount = Money(required=True)
    per = Choice(RATE_UNITS, required=True)
    max_units = Count(minimum=1)

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> Rate:
        return Rate(**data)


class LocalStandardSchema(_Strict):
    """``local_standard``: the amount is set by another document (``set_by``), which is not loaded."""

    set_by = Text(required=True)
    note = Text()


class InstalmentSchema(_Strict):
    """One instalment: a ``milestone`` and either a ``share`` of the base amount or its own ``amount``."""

    milestone = MilestoneField(required=True)
    share = Share()
    amount = Money()

    @validates_schema
    def _check(self, data: dict[str, Any], **kwargs: Any) -> None:
        if ("share" in data) == ("amount" in data):
            raise ValidationError("每一期必须写 share（占总额比例）或 amount（本期金额）二者之一")

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> Instalment:
        return Instalment(**data)


_AMOUNT_FORMS = ("fixed", "actual_cost_capped", "actual_cost", "tiers", "rate", "local_standard")


class AmountSchema(_Strict):
    """Amount of a rule: exactly one of the forms in _AMOUNT_FORMS, optionally split into ``instalments``.

    When every instalment carries its own ``amount`` no base form is needed. Shares must add up to exactly 1.
    """

    fixed = Money()
    actual_cost_capped = _nested(CappedCostSchema)
    actual_cost = _nested(ActualCostSchema)
    tiers = _nested(TiersSchema)
    rate = _nested(RateSchema)
    local_standard = _nested(LocalStandardSchema)
    instalments = _list(_nested(InstalmentSchema))

    @validates_schema
    def _check(self, data: dict[str, Any], **kwargs: Any) -> None:
        forms = [f for f in _AMOUNT_FORMS if f in data]
        instalments: list[Instalment] = data.get("instalments") or []
        if "instalments" in data and not instalments:
            raise _field_errors(instalments="分期列表不能为空；不分期时请删去该项")
        if len(forms) > 1:
            raise ValidationError(f"金额只能采用一种方式，现同时写了：{_choices(forms)}")
        with_share = [i for i in instalments if i.share is not None]
        if not forms and (not instalments or with_share):
            raise ValidationError(f"必须写明金额，方式为以下之一：{_choices(list(_AMOUNT_FORMS))}"
                                  "；或在每一期中写明 amount")
        if instalments:
            self._check_instalments(forms, instalments, with_share)

    @staticmethod
    def _check_instalments(forms: list[str], instalments: list[Instalment], with_share: list[Instalment]) -> None:
        if forms == ["rate"]:
            raise _field_errors(instalments="按天、月、年计发的金额不能再分期")
        if forms and len(with_share) != len(instalments):
            raise _field_errors(instalments="已写总额时，每一期都必须用 share 写明比例")
        if with_share and sum((i.share for i in with_share), Decimal(0)) != Decimal(1):
            raise _field_errors(instalments="各期比例之和必须等于1")
        order = [-1 if i.milestone.months is None else i.milestone.months for i in instalments]
        if order != sorted(set(order)):
            raise _field_errors(instalments="各期节点必须按时间先后排列且互不相同（start 在前，月数递增）")

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> Amount:
        form = next((f for f in _AMOUNT_FORMS if f in data), None)
        capped = data.get("actual_cost_capped") or {}
        uncapped = data.get("actual_cost") or {}
        local = data.get("local_standard") or {}
        return Amount(
            form=form,
            fixed=data.get("fixed"),
            cap=capped.get("cap"),
            cost=capped.get("cost") or uncapped.get("cost"),
            tiers=data.get("tiers"),
            rate=data.get("rate"),
            set_by=local.get("set_by"),
            note=local.get("note"),
            instalments=tuple(data.get("instalments") or ()),
        )


class LimitsSchema(_Strict):
    """Limits of a rule. ``per_placement`` must be 1: a placement yields one claim (or one set of instalments)."""

    per_person_per_year = Count(minimum=1)
    per_person_employer = Count(minimum=1)
    per_person = Count(minimum=1)
    per_placement = Count(minimum=1)

    @validates_schema
    def _check(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("per_placement", 1) != 1:
            raise _field_errors(per_placement="每次就业安置每项补助只计一次（分期用 instalments），只能为 1")

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> Limits:
        return Limits(**data)


class RuleSchema(_Strict):
    """A rule: ``id``, ``kind``, ``trigger`` (default ``placement``), ``article``, ``beneficiary``, ``categories``,
    ``conditions``, ``amount``, ``limits``, ``fund``, optional ``effective_from``/``effective_to`` narrower than the
    pack's (e.g. 以工代训 "政策执行时间至2021年底"), ``note``."""

    id = Slug(required=True)
    kind = Identifier(required=True)
    trigger = Identifier(load_default=PLACEMENT_TRIGGER)
    article = Text(required=True)
    beneficiary = Choice(BENEFICIARIES, required=True)
    categories = _list(Choice(CATEGORIES), required=True)
    conditions = _nested(ConditionsSchema)
    amount = _nested(AmountSchema, required=True)
    limits = _nested(LimitsSchema)
    fund = Text(allow_none=True)
    effective_from = Day()
    effective_to = Day()
    note = Text()

    @validates_schema
    def _check(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data["categories"]:
            raise _field_errors(categories="至少写一个人员类别")
        if len(set(data["categories"])) != len(data["categories"]):
            raise _field_errors(categories="人员类别重复")
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and start > end:
            raise _field_errors(effective_to="失效日期不能早于生效日期")
        amount: Amount = data["amount"]
        conditions: Conditions = data.get("conditions") or Conditions()
        if amount.instalments and conditions.min_verified_months is not None:
            raise _field_errors(conditions={"min_verified_months": ["分期发放时，核实月数写在各期的 milestone 中"]})
        if data["trigger"] == PLACEMENT_TRIGGER:
            self._check_placement_rule(data, amount)

    @staticmethod
    def _check_placement_rule(data: dict[str, Any], amount: Amount) -> None:
        """Rules the engine evaluates for placements may only use facts a placement carries."""
        if data["beneficiary"] not in PLACEMENT_BENEFICIARIES:
            raise _field_errors(beneficiary="由就业安置触发的规则只能补助 broker、worker 或 employer")
        if amount.form == "rate":
            raise _field_errors(amount={"rate": ["按天、月、年计发的金额不能用于由就业安置触发的规则"]})
        if amount.cost not in (None, "round_trip"):
            raise _field_errors(amount=["由就业安置触发的规则只能按往返交通费（round_trip）据实补助"])

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> Rule:
        data["categories"] = tuple(data["categories"])
        return Rule(**data)


class ServiceStandardSchema(_Strict):
    """A service standard (服务标准) the scheduler must meet and report."""

    id = Slug(required=True)
    kind = Identifier(required=True)
    article = Text(required=True)
    description = Text(required=True)
    categories = _list(Choice(CATEGORIES))
    period = Choice(SERVICE_PERIODS)
    minimum = CountMap()
    due_day_of_month = Count(minimum=1, maximum=31)
    due_months = _list(Count(minimum=1, maximum=12))
    lists = _list(Text())

    @validates_schema
    def _check(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "minimum" in data and "period" not in data:
            raise _field_errors(period="写了 minimum（最少次数）时必须写明周期")

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> ServiceStandard:
        for name in ("categories", "due_months", "lists"):
            if name in data:
                data[name] = tuple(data[name])
        if "minimum" in data:
            data["minimum"] = tuple(data["minimum"].items())
        return ServiceStandard(**data)


class PackSchema(_Strict):
    """A whole pack file; see the module docstring for the format."""

    id = Slug(required=True)
    document_number = Text(required=True)
    title = Text(required=True)
    issuer = Text(required=True)
    jurisdiction = _list(RegionCode(), required=True)
    jurisdiction_name = Text()
    effective_from = Day(required=True)
    effective_to = Day(required=True, allow_none=True)
    version = Count(minimum=1, required=True)
    source = Text(required=True)
    note = Text()
    rules = _list(_nested(RuleSchema), required=True)
    service_standards = _list(_nested(ServiceStandardSchema), load_default=list)

    @validates_schema
    def _check(self, data: dict[str, Any], **kwargs: Any) -> None:
        self._check_jurisdiction(data["jurisdiction"])
        start, end = data["effective_from"], data["effective_to"]
        if end is not None and start > end:
            raise _field_errors(effective_to="失效日期不能早于生效日期")
        self._check_rules(data["rules"], start, end)
        ids = [s.id for s in data["service_standards"]]
        if len(set(ids)) != len(ids):
            raise _field_errors(service_standards="服务标准的 id 重复")

    @staticmethod
    def _check_jurisdiction(codes: list[str]) -> None:
        if not codes:
            raise _field_errors(jurisdiction="至少写一个行政区划代码；全国写 ''")
        if len({len(c) for c in codes}) != 1:
            raise _field_errors(jurisdiction="同一文件的适用地区必须属于同一级别（全国、省、市或县）")
        if len(set(codes)) != len(codes):
            raise _field_errors(jurisdiction="行政区划代码重复")

    @staticmethod
    def _check_rules(rules: list[Rule], start: dt.date, end: dt.date | None) -> None:
        seen_ids: set[str] = set()
        seen_kinds: set[tuple[str, str]] = set()
        for index, rule in enumerate(rules):
            if rule.id in seen_ids:
                raise ValidationError({"rules": {index: {"id": [f"规则 id 重复：{rule.id}"]}}})
            if (rule.kind, rule.trigger) in seen_kinds:
                raise ValidationError({"rules": {index: {"kind": [f"同一文件中同一种补助只能有一条规则：{rule.kind}"]}}})
            seen_ids.add(rule.id)
            seen_kinds.add((rule.kind, rule.trigger))
            if rule.effective_from is not None and rule.effective_from < start:
                raise ValidationError({"rules": {index: {"effective_from": ["规则的生效日期不能早于文件生效日期"]}}})
            if rule.effective_to is not None and end is not None and rule.effective_to > end:
                raise ValidationError({"rules": {index: {"effective_to": ["规则的失效日期不能晚于文件失效日期"]}}})

    @post_load
    def _make(self, data: dict[str, Any], **kwargs: Any) -> Pack:
        for name in ("jurisdiction", "rules", "service_standards"):
            data[name] = tuple(data[name])
        return Pack(**data)


def flatten_errors(messages: Any, path: str = "") -> list[str]:
    """Turn marshmallow's nested error dict into ``path: message`` lines (``rules[1].amount.fixed: …``)."""
    if isinstance(messages, dict):
        lines: list[str] = []
        for key, value in messages.items():
            if key == "_schema":
                sub = path
            elif isinstance(key, int):
                sub = f"{path}[{key}]"
            else:
                sub = f"{path}.{key}" if path else str(key)
            lines.extend(flatten_errors(value, sub))
        return lines
    if isinstance(messages, list):
        return [line for item in messages for line in flatten_errors(item, path)]
    return [f"{path}: {messages}" if path else str(messages)]
