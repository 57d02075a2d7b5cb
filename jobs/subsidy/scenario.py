"""The scenario runner (docs/formats.md): a small world in JSON, run through the real services in a throw-away
database, and the stored claims printed back.

The JSON is checked strictly (unknown fields are an error, optional fields take their defaults) before anything
is stored. The world is then built with the project's own use cases — ``save_person``, the placement and dispatch
services — in a fresh SQLite database migrated from empty, ``evaluate_claims`` runs as of ``as_of``, and the
output is read back from the stored ``SubsidyClaim`` rows.

Fields beyond those of docs/formats.md ("Scenario file") (all optional, so every file valid before stays valid): broker
``qualification_number``; dispatch ``transport``, ``departure_time``, ``vehicle``, ``escort``, ``total_cost``;
placement ``end_reason`` (default ``quit``), ``arrival`` (check-in on its dispatch, default ``arrived``); check
``evidence``. Extra policy packs can be loaded into the throw-away database with ``extra_packs``.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs.access.permissions import system_actor
from jobs.errors import DomainError
from jobs.placements import dispatches

from jobs.placements import placements
from jobs.subsidy.claims import evaluate_claims, stored_claim_document
from jobs.storage.clock import CHINA, china_today
from jobs.storage.crypto import Vault
from jobs.storage.db import Database
from jobs.storage.enums import (
    ArrivalStatus,
    BrokerKind,
    CheckEvidence,
    EmploymentType,
    EndReason,
    OrganisationKind,
    PersonCategory,
    TransportMode,
)
from jobs.people.identity import InvalidIdNumber, parse_id_number
from jobs.storage.models import Broker, Employer, Organisation, Post, SubsidyClaim
from jobs.people.persons import PersonData, save_person
from jobs.subsidy.policy_store import load_text, seed_shipped
from jobs.people.regions import RegionError, region_table
from jobs.subsidy import PackError
from jobs.subsidy.schema import _MONEY, MAX_COUNT, MAX_DAY, MAX_MONEY, MIN_DAY
from jobs.lists.masking import mask_numbers_in

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ScenarioError(ValueError):
    """The scenario cannot be run; ``message`` says why in Chinese (exit status 2)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- reading and checking the JSON ------------------------------------------------------------------------------

_REQUIRED = object()


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(f"{where}应为非空字符串")
    return value.strip()


def _date(value: Any, where: str) -> dt.date:
    text = _text(value, where)
    if not _ISO_DAY.match(text):
        raise ScenarioError(f"{where}应为YYYY-MM-DD格式的日期，收到：{_shown(value)}")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ScenarioError(f"{where}的日期“{text}”不存在，请核对年月日") from None
    if not MIN_DAY <= day <= MAX_DAY:
        raise ScenarioError(f"{where}的日期必须在{MIN_DAY.isoformat()}至{MAX_DAY.isoformat()}之间，收到：{text}")
    return day


def _shown(value: Any) -> str:
    """A value quoted in a message, cut short (a hostile file may hold megabytes in one field)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _money(value: Any, where: str) -> Decimal:
    # Money is a decimal string in yuan (docs/formats.md, "Scenario file"); a JSON number would pass through a float.
    if not isinstance(value, str):
        raise ScenarioError(f"{where}应为以元为单位的小数字符串（如\"420.00\"），收到：{_shown(value)}")
    if not _MONEY.match(value.strip()):
        raise ScenarioError(f"{where}应为非负金额，最多两位小数：{_shown(value)}")
    amount = Decimal(value.strip())
    if amount > MAX_MONEY:
        raise ScenarioError(f"{where}不能超过{MAX_MONEY:,}元：{_shown(value)}")
    return amount


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ScenarioError(f"{where}应为true或false，收到：{value!r}")
    return value


def _int(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_COUNT:
        raise ScenarioError(f"{where}应为0至{MAX_COUNT}的整数，收到：{_shown(value)}")
    return value


def _choice(options: Sequence[str]) -> Callable[[Any, str], str]:
    def parse(value: Any, where: str) -> str:
        if value not in options:
            raise ScenarioError(f"{where}应为{'、'.join(options)}之一，收到：{value!r}")
        return value
    return parse


def _optional(parse: Callable[[Any, str], Any]) -> Callable[[Any, str], Any]:
    def wrapped(value: Any, where: str) -> Any:
        return None if value is None else parse(value, where)
    return wrapped


def _checks(value: Any, where: str) -> list[dict[str, Any]]:
    return _records(value, where, _CHECK_FIELDS)


_CATEGORIES = tuple(c.value for c in PersonCategory)
_CHECK_FIELDS: dict[str, tuple[Callable[[Any, str], Any], Any]] = {
    "date": (_date, _REQUIRED),
    "employed": (_bool, _REQUIRED),
    "evidence": (_optional(_choice([e.value for e in CheckEvidence])), None),
}
_SECTIONS: dict[str, dict[str, tuple[Callable[[Any, str], Any], Any]]] = {
    "people": {
        "key": (_text, _REQUIRED),
        "name": (_text, _REQUIRED),
        "id_number": (_text, _REQUIRED),
        "category": (_choice(_CATEGORIES), _REQUIRED),
        "household_region": (_optional(_text), None),
    },
    "brokers": {
        "key": (_text, _REQUIRED),
        "name": (_text, _REQUIRED),
        "kind": (_choice([k.value for k in BrokerKind]), BrokerKind.AGENCY.value),
        "qualified": (_bool, False),
        "qualification_number": (_optional(_text), None),
        "region": (_text, _REQUIRED),
    },
    "employers": {
        "key": (_text, _REQUIRED),
        "name": (_text, _REQUIRED),
        "region": (_optional(_text), None),
    },
    "posts": {
        "key": (_text, _REQUIRED),
        "employer": (_text, _REQUIRED),
        "title": (_text, _REQUIRED),
        "region": (_optional(_text), None),
    },
    "dispatches": {
        "key": (_text, _REQUIRED),
        "organizer": (_optional(_text), None),
        "origin_region": (_text, _REQUIRED),
        "destination_region": (_text, _REQUIRED),
        "departure_date": (_date, _REQUIRED),
        "departure_time": (_optional(_text), None),
        "transport": (_choice([t.value for t in TransportMode]), TransportMode.CHARTERED_COACH.value),
        "vehicle": (_optional(_text), None),
        "escort": (_optional(_text), None),
        "total_cost": (_optional(_money), None),
    },
    "placements": {
        "key": (_text, _REQUIRED),
        "person": (_text, _REQUIRED),
        "post": (_text, _REQUIRED),
        "broker": (_optional(_text), None),
        "dispatch": (_optional(_text), None),
        "start_date": (_date, _REQUIRED),
        "contract_months": (_optional(_int), None),
        "social_insurance": (_bool, False),
        "employment_type": (_choice([e.value for e in EmploymentType]), EmploymentType.DIRECT.value),
        "round_trip_cost": (_optional(_money), None),
        "end_date": (_optional(_date), None),
        "end_reason": (_choice([r.value for r in EndReason]), EndReason.QUIT.value),
        "arrival": (_choice([a.value for a in ArrivalStatus if a is not ArrivalStatus.EXPECTED]),
                    ArrivalStatus.ARRIVED.value),
        "checks": (_checks, []),
    },
}
_TOP_FIELDS = ("as_of", *_SECTIONS, "extra_packs")


def _record(raw: Any, where: str, spec: dict[str, tuple[Callable[[Any, str], Any], Any]]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}应为一个对象")
    unknown = sorted(set(raw) - set(spec))
    if unknown:
        raise ScenarioError(f"{where}有未知字段：{'、'.join(unknown)}（允许的字段：{'、'.join(spec)}）")
    record = {}
    for name, (parse, default) in spec.items():
        if name not in raw:
            if default is _REQUIRED:
                raise ScenarioError(f"{where}缺少必填字段{name}")
            record[name] = list(default) if isinstance(default, list) else default
            continue
        record[name] = parse(raw[name], f"{where}.{name}")
    return record


def _records(raw: Any, where: str, spec: dict[str, tuple[Callable[[Any, str], Any], Any]]) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise ScenarioError(f"{where}应为数组")
    return [_record(item, f"{where}[{i}]", spec) for i, item in enumerate(raw)]


@dataclass(frozen=True)
class Scenario:
    """A checked scenario: ``as_of`` and each section's records with defaults filled in."""

    as_of: dt.date
    sections: dict[str, list[dict[str, Any]]]
    extra_packs: tuple[str, ...] = ()


def parse_scenario(text: str) -> Scenario:
    """Check scenario JSON text (docs/formats.md) and fill in defaults; raise ScenarioError on any problem."""
    try:
        raw = json.loads(text, parse_float=_no_float, parse_constant=_no_float)
    except json.JSONDecodeError as error:
        raise ScenarioError(f"不是有效的JSON（第{error.lineno}行第{error.colno}列）：{error.msg}") from None
    except RecursionError:
        raise ScenarioError("JSON嵌套层数过多，无法读取。") from None
    except ValueError as error:  # Python's limit on the digits of one integer
        raise ScenarioError(f"JSON中有无法读取的数字：{str(error)[:80]}") from None
    if not isinstance(raw, dict):
        raise ScenarioError("场景文件应为一个JSON对象")
    unknown = sorted(set(raw) - set(_TOP_FIELDS))
    if unknown:
        raise ScenarioError(f"场景文件有未知字段：{'、'.join(unknown)}（允许的字段：{'、'.join(_TOP_FIELDS)}）")
    if "as_of" not in raw:
        raise ScenarioError("场景文件缺少必填字段as_of")
    sections = {name: _records(raw.get(name, []), name, spec) for name, spec in _SECTIONS.items()}
    for name, records in sections.items():
        keys = [r["key"] for r in records]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ScenarioError(f"{name}中的key重复：{'、'.join(duplicates)}")
    _distinct_id_numbers(sections["people"])
    extra = raw.get("extra_packs", [])
    if not isinstance(extra, list) or not all(isinstance(p, str) and p for p in extra):
        raise ScenarioError("extra_packs应为政策文件路径（字符串）的数组")
    return Scenario(_date(raw["as_of"], "as_of"), sections, tuple(extra))


def _no_float(text: str) -> Any:
    """JSON numbers with a fraction or an exponent (``1e30``) are never read as floats: they stay text, for
    the field's own check to refuse with its message."""
    return text


def _distinct_id_numbers(people: list[dict[str, Any]]) -> None:
    """Two people with one ID number would be merged into one: refuse the scenario instead."""
    seen: dict[str, str] = {}
    for record in people:
        number = str(record.get("id_number", "")).strip().upper()
        if number in seen:
            raise ScenarioError(f"people中“{seen[number]}”和“{record['key']}”的身份证号相同"
                                f"（{mask_numbers_in(number)}）：同一身份证号只能是同一个人。")
        seen[number] = record["key"]


# --- building the world ----------------------------------------------------------------------------------------


class _World:
    """Scenario keys → database rows, built through the services."""

    def __init__(self, session: Session, vault: Vault, scenario: Scenario) -> None:
        self.session, self.vault, self.scenario = session, vault, scenario
        self.people: dict[str, int] = {}
        self.brokers: dict[str, Broker] = {}
        self.employers: dict[str, Employer] = {}
        self.posts: dict[str, Post] = {}
        self.dispatches: dict[str, int] = {}
        self.placements: dict[str, int] = {}
        self._county_office: dict[str, Organisation] = {}
        self._arrivals: list[tuple[int, ArrivalStatus]] = []

    def _lookup(self, table: dict[str, Any], key: str | None, what: str, where: str) -> Any:
        if key not in table:
            raise ScenarioError(f"{where}引用了不存在的{what}“{key}”")
        return table[key]

    @staticmethod
    def _region(text: str, where: str, *, county: bool = False) -> str:
        try:
            found = region_table().resolve(text)
        except RegionError as error:
            raise ScenarioError(f"{where}：{error.message}") from None
        code = found.county_code if county else (found.county_code or found.code)
        if code is None:
            raise ScenarioError(f"{where}“{text}”不是县级地区")
        return code

    def build(self) -> None:
        sections = self.scenario.sections
        for i, record in enumerate(sections["people"]):
            self._person(record, f"people[{i}]")
        for record in sections["brokers"]:
            self._broker(record)
        for record in sections["employers"]:
            self._employer(record)
        for i, record in enumerate(sections["posts"]):
            self._post(record, f"posts[{i}]")
        for i, record in enumerate(sections["dispatches"]):
            self._dispatch(record, f"dispatches[{i}]")
        for i, record in enumerate(sections["placements"]):
            self._placement(record, f"placements[{i}]")
        for record in sections["dispatches"]:
            self._finish_dispatch(self.dispatches[record["key"]])

    def _person(self, record: dict[str, Any], where: str) -> None:
        table = region_table()
        today = max(china_today(), self.scenario.as_of)
        try:
            number = parse_id_number(record["id_number"], today=today, valid_for_year=table.valid_for_year)
        except InvalidIdNumber as error:
            raise ScenarioError(f"{where}.id_number：{error.message}") from None
        if record["household_region"] is None:
            # docs/formats.md: household_region defaults to the ID number's county, resolved if retired.
            home = self._region(number.issuing_code, f"{where}.id_number的县级代码", county=True)
        else:
            home = self._region(record["household_region"], f"{where}.household_region", county=True)
        data = PersonData(name=record["name"], id_number=number, household_region_code=home,
                          category=PersonCategory(record["category"]))
        person, _ = save_person(self.session, self.vault, data)
        self.session.flush()
        self.people[record["key"]] = person.id

    def _broker(self, record: dict[str, Any]) -> None:
        region = self._region(record["region"], f"brokers.{record['key']}.region")
        organisation = Organisation(name=record["name"], kind=OrganisationKind.BROKER, region_code=region)
        qualified = record["qualified"]
        number = record["qualification_number"] or (f"SCENARIO-{record['key']}" if qualified else None)
        broker = Broker(organisation=organisation, name=record["name"], kind=BrokerKind(record["kind"]),
                        qualified=qualified, qualification_number=number, region_code=region)
        self.session.add(broker)
        self.session.flush()
        self.brokers[record["key"]] = broker

    def _employer(self, record: dict[str, Any]) -> None:
        region = record["region"] and self._region(record["region"], f"employers.{record['key']}.region")
        employer = Employer(name=record["name"], region_code=region)
        self.session.add(employer)
        self.session.flush()
        self.employers[record["key"]] = employer

    def _post(self, record: dict[str, Any], where: str) -> None:
        employer = self._lookup(self.employers, record["employer"], "用人单位", where)
        text = record["region"] or employer.region_code
        if text is None:
            raise ScenarioError(f"{where}缺少region，且用人单位没有所在地")
        post = Post(employer=employer, title=record["title"], region_code=self._region(text, f"{where}.region"))
        self.session.add(post)
        self.session.flush()
        self.posts[record["key"]] = post

    def _dispatch(self, record: dict[str, Any], where: str) -> None:
        broker = self._lookup(self.brokers, record["organizer"], "劳务经纪人", where) if record["organizer"] else None
        origin = self._region(record["origin_region"], f"{where}.origin_region")
        organisation = broker.organisation if broker is not None else self._office(origin)
        departure_at = None
        if record["departure_time"]:
            try:
                # A departure time in a scenario is a clock time in China, like the date beside it.
                departure_at = dt.datetime.combine(record["departure_date"],
                                                   dt.time.fromisoformat(record["departure_time"]), tzinfo=CHINA)
            except ValueError:
                raise ScenarioError(f"{where}.departure_time应为HH:MM格式") from None
        dispatch = dispatches.create_dispatch(
            self.session,
            organiser_organisation_id=organisation.id,
            organiser_broker_id=broker.id if broker is not None else None,
            origin_region_code=origin,
            destination_region_code=self._region(record["destination_region"], f"{where}.destination_region"),
            departure_date=record["departure_date"],
            departure_at=departure_at,
            transport=TransportMode(record["transport"]),
            vehicle=record["vehicle"],
            escort=record["escort"],
            total_cost=record["total_cost"],
            external_key=record["key"],
            actor=SCENARIO,
        )
        self.dispatches[record["key"]] = dispatch.id

    def _office(self, region: str) -> Organisation:
        """The county office organising a dispatch that no broker organises (县级人社部门)."""
        if region not in self._county_office:
            office = Organisation(name=f"{region_table().current(region).full_name}人力资源和社会保障局",
                                  kind=OrganisationKind.COUNTY_OFFICE, region_code=region)
            self.session.add(office)
            self.session.flush()
            self._county_office[region] = office
        return self._county_office[region]

    def _placement(self, record: dict[str, Any], where: str) -> None:
        person_id = self._lookup(self.people, record["person"], "劳动力", where)
        post = self._lookup(self.posts, record["post"], "岗位", where)
        broker = self._lookup(self.brokers, record["broker"], "劳务经纪人", where) if record["broker"] else None
        try:
            placement = placements.propose_placement(
                self.session, person_id=person_id, post_id=post.id,
                broker_id=broker.id if broker is not None else None, external_key=record["key"],
                actor=SCENARIO)
            placements.hire_placement(
                self.session, placement_id=placement.id, start_date=record["start_date"],
                contract_months=record["contract_months"], employment_type=EmploymentType(record["employment_type"]),
                social_insurance=record["social_insurance"], round_trip_cost=record["round_trip_cost"],
                round_trip_evidence="scenario" if record["round_trip_cost"] is not None else None,
                actor=SCENARIO)
            if record["dispatch"]:
                dispatch_id = self._lookup(self.dispatches, record["dispatch"], "劳务输出批次", where)
                member = dispatches.add_member(self.session, dispatch_id=dispatch_id, person_id=person_id,
                                               placement_id=placement.id, actor=SCENARIO)
                self._arrivals.append((member.id, ArrivalStatus(record["arrival"])))
            placements.activate_placement(self.session, placement_id=placement.id, actor=SCENARIO)
            for check in record["checks"]:
                placements.record_check(
                    self.session, placement_id=placement.id, check_date=check["date"], employed=check["employed"],
                    evidence=CheckEvidence(check["evidence"]) if check["evidence"] else None, actor=SCENARIO)
            if record["end_date"] is not None:
                placements.end_placement(self.session, placement_id=placement.id, end_date=record["end_date"],
                                         reason=EndReason(record["end_reason"]), actor=SCENARIO)
        except DomainError as error:
            raise ScenarioError(f"{where}：{error.message}") from None
        self.placements[record["key"]] = placement.id

    def _finish_dispatch(self, dispatch_id: int) -> None:
        dispatches.depart(self.session, dispatch_id=dispatch_id, actor=SCENARIO)
        dispatches.arrive(self.session, dispatch_id=dispatch_id, actor=SCENARIO)
        dispatch = dispatches.get_dispatch(self.session, dispatch_id, actor=SCENARIO)
        members = {m.id for m in dispatch.members}
        for member_id, arrival in self._arrivals:
            if member_id in members:
                dispatches.check_in(self.session, member_id=member_id, arrival=arrival, actor=SCENARIO)
        dispatches.close_dispatch(self.session, dispatch_id=dispatch_id, actor=SCENARIO)


# --- running ---------------------------------------------------------------------------------------------------


def _output(session: Session, world: _World, as_of: dt.date) -> dict[str, Any]:
    placement_keys = {v: k for k, v in world.placements.items()}
    person_keys = {v: k for k, v in world.people.items()}
    broker_keys = {b.id: k for k, b in world.brokers.items()}
    employer_keys = {e.id: k for k, e in world.employers.items()}
    claims = session.scalars(select(SubsidyClaim)).all()
    rows = []
    for claim in claims:
        if claim.beneficiary_broker_id is not None:
            beneficiary = broker_keys[claim.beneficiary_broker_id]
        elif claim.beneficiary_person_id is not None:
            beneficiary = person_keys[claim.beneficiary_person_id]
        elif claim.beneficiary_employer_id is not None:
            beneficiary = employer_keys[claim.beneficiary_employer_id]
        else:
            beneficiary = None
        rows.append(stored_claim_document(claim, placement=placement_keys[claim.placement_id],
                                          person=person_keys[claim.person_id], beneficiary=beneficiary))
    rows.sort(key=lambda r: (r["placement"], r["kind"], r["instalment"]))
    return {"as_of": as_of.isoformat(), "claims": rows}


def run_scenario(text: str, *, base_dir: Path | None = None, extra_packs: Sequence[Path] = ()) -> dict[str, Any]:
    """Run scenario JSON text in a fresh throw-away database; return ``{"as_of": …, "claims": […]}``.

    ``extra_packs`` (and the scenario's own ``extra_packs``, relative to ``base_dir``) are loaded as new packs
    after the shipped ones, as ``bangfu policy load`` would.
    """
    scenario = parse_scenario(text)
    pack_paths = [*extra_packs, *((base_dir or Path.cwd()) / p for p in scenario.extra_packs)]
    pack_texts = []
    for path in pack_paths:
        try:
            pack_texts.append((str(path), Path(path).read_text(encoding="utf-8")))
        except OSError as error:
            raise ScenarioError(f"无法读取政策文件{path}：{error.strerror}") from None
    with tempfile.TemporaryDirectory(prefix="bangfu-scenario-") as folder:
        database = Database(f"sqlite:///{Path(folder) / 'scenario.sqlite3'}", durable=False)
        try:
            database.upgrade()
            vault = Vault.from_secret(secrets.token_hex(32))
            # evaluate_claims commits its own batches: a plain session, not one transaction block.
            with database.writer() as session:
                seed_shipped(session)
                for source, pack_text in pack_texts:
                    try:
                        load_text(session, pack_text, source=source, actor=SCENARIO)
                    except PackError as error:
                        raise ScenarioError(str(error)) from None
                world = _World(session, vault, scenario)
                world.build()
                summary = evaluate_claims(session, vault=vault, as_of=scenario.as_of, actor=SCENARIO)
                if summary.skipped:
                    details = "；".join(f"{s['placement']}：{s['message']}" for s in summary.skipped)
                    raise ScenarioError(f"有就业安置无法核算：{details}")
                return _output(session, world, scenario.as_of)
        finally:
            database.dispose()


def run_scenario_file(path: Path, *, extra_packs: Sequence[Path] = ()) -> dict[str, Any]:
    """Run a scenario file (UTF-8 JSON)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(f"无法读取场景文件{path}：{error}") from None
    return run_scenario(text, base_dir=Path(path).parent, extra_packs=extra_packs)


__all__ = ["Scenario", "ScenarioError", "parse_scenario", "run_scenario", "run_scenario_file"]

#: Scenario runs act as the system, in a throw-away database of their own.
SCENARIO = system_actor("scenario")
