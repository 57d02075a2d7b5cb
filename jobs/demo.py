"""A believable demo world: four origin counties, receiving cities with workstations, workers, posts, brokers,
dispatches and placements at different stages.

Every ID number is generated with a valid check digit for a county code in use at the time (retired codes
included: 432324 and 430124 for 宁乡, 230824 for 友谊, 342426 for 金寨); none belongs to a real person. The
dispatches and placements are dated inside the policies' periods (2022–2025) so that the subsidy engine has
work to do. The world is built from a seed, so two runs give the same data.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stdnum.cn import uscc

from jobs.access.permissions import system_actor
from jobs.storage.clock import CHINA
from jobs.storage.crypto import Vault
from jobs.storage.enums import (
    ArrivalStatus,
    BrokerKind,
    CheckEvidence,
    DispatchStatus,
    EmploymentStatus,
    EmploymentType,
    EndReason,
    LabourAbility,
    LabourIntensity,
    OrganisationKind,
    PersonCategory,
    PostStatus,
    TransportMode,
)
from jobs.people.identity import generate_id_number, parse_id_number
from jobs.storage.models import (
    AppMeta,
    Broker,
    DemandEntry,
    DemandList,
    Dispatch,
    DispatchMember,
    Employer,
    Organisation,
    Placement,
    Post,
    SupplyList,
    Workstation,
)
from jobs.people.persons import PersonData, save_person
from jobs.people.regions import region_table
from jobs.placements import placements
from jobs.placements.matches import has_seat
from jobs.subsidy.engine import add_months

#: The demo world is built by the system, acting as "demo" in the audit log.
DEMO = system_actor("demo")

DEMO_MARK = "demo_world"

ORIGINS = {
    # county code: (short name, the county office's name)
    "430182": ("宁乡市", "宁乡市人力资源和社会保障局"),
    "430321": ("湘潭县", "湘潭县人力资源和社会保障局"),
    "341524": ("金寨县", "金寨县人力资源和社会保障局"),
    "230522": ("友谊县", "友谊县人力资源和社会保障局"),
}

# Receiving places (county-level codes) and the workstation an origin runs there.
DESTINATIONS = ["441900", "440306", "440606", "330206", "330110", "330782", "320583", "320214"]
WORKSTATIONS = [
    ("宁乡市驻东莞劳务工作站", "4419", "430182"),
    ("宁乡市驻深圳劳务工作站", "4403", "430182"),
    ("湘潭县驻宁波劳务工作站", "3302", "430321"),
    ("金寨县驻苏州劳务工作站", "3205", "341524"),
    ("友谊县驻杭州劳务工作站", "3301", "230522"),
]

BROKERS = [
    # name, kind, qualified, county
    ("宁乡市众诚劳务服务有限公司", BrokerKind.AGENCY, True, "430182"),
    ("刘建国（宁乡市劳务经纪人）", BrokerKind.INDIVIDUAL, True, "430182"),
    ("湘潭县湘聚人力资源有限公司", BrokerKind.AGENCY, True, "430321"),
    ("王春花（湘潭县劳务经纪人）", BrokerKind.INDIVIDUAL, False, "430321"),
    ("金寨县皖西劳务专业合作社", BrokerKind.AGENCY, True, "341524"),
    ("友谊县兴友劳务服务中心", BrokerKind.AGENCY, True, "230522"),
]

EMPLOYER_STEMS = {
    "441900": ["东莞市长安精密电子", "东莞市虎门服装", "东莞市松山湖智能装备", "东莞市大朗毛织", "东莞市厚街家具"],
    "440306": ["深圳市宝安新能源电池", "深圳市福永物流", "深圳市沙井五金制品"],
    "440606": ["佛山市顺德家电", "佛山市顺德厨具", "佛山市北滘电器配件"],
    "330206": ["宁波市北仑汽车零部件", "宁波市北仑港口物流", "宁波市北仑模具"],
    "330110": ["杭州市余杭电商服务", "杭州市余杭纺织", "杭州市余杭物业服务"],
    "330782": ["义乌市小商品包装", "义乌市饰品加工", "义乌市快递分拨"],
    "320583": ["昆山市光电科技", "昆山市精密机械", "昆山市食品加工"],
    "320214": ["无锡市新吴半导体封装", "无锡市新吴家政服务", "无锡市新吴建筑劳务"],
}
EMPLOYER_SUFFIXES = ["有限公司", "科技有限公司", "股份有限公司"]

POST_TEMPLATES = [
    # title, intensity, wage range, age range, skills, contract months
    ("普工（长白班）", LabourIntensity.MEDIUM, (4500, 6000), (18, 45), "", 12),
    ("流水线操作工", LabourIntensity.MEDIUM, (4200, 5800), (18, 48), "", 12),
    ("电焊工（二保焊）", LabourIntensity.HEAVY, (7000, 9000), (20, 50), "持焊工证", 12),
    ("叉车司机", LabourIntensity.MEDIUM, (5500, 7000), (20, 50), "持叉车证", 12),
    ("保安员", LabourIntensity.LIGHT, (3800, 4800), (18, 55), "", 12),
    ("保洁员", LabourIntensity.LIGHT, (3200, 4000), (18, 60), "", 12),
    ("家政服务员（住家保姆）", LabourIntensity.MEDIUM, (5000, 7000), (25, 55), "有健康证优先", 12),
    ("月嫂", LabourIntensity.MEDIUM, (8000, 12000), (25, 50), "持母婴护理证", 6),
    ("厨师", LabourIntensity.MEDIUM, (5500, 7500), (20, 50), "持健康证", 12),
    ("帮厨", LabourIntensity.LIGHT, (3800, 4500), (18, 55), "持健康证", 12),
    ("快递分拣员", LabourIntensity.MEDIUM, (4500, 6500), (18, 45), "", 6),
    ("外卖骑手", LabourIntensity.MEDIUM, (6000, 9000), (18, 50), "会骑电动车", 12),
    ("缝纫工（车位）", LabourIntensity.LIGHT, (5000, 8000), (18, 50), "", 12),
    ("数控车床操作工", LabourIntensity.MEDIUM, (6000, 8000), (20, 45), "会看图纸", 36),
    ("质检员", LabourIntensity.LIGHT, (4500, 5500), (18, 40), "初中及以上", 12),
    ("装配工", LabourIntensity.MEDIUM, (4800, 6200), (18, 45), "", 12),
    ("客房服务员", LabourIntensity.LIGHT, (3800, 4800), (18, 50), "", 12),
    ("建筑小工", LabourIntensity.HEAVY, (5000, 7000), (20, 55), "", 6),
    ("钢筋工", LabourIntensity.HEAVY, (7000, 9500), (20, 55), "", 6),
    ("木工", LabourIntensity.HEAVY, (7000, 9000), (20, 55), "", 6),
    ("电工", LabourIntensity.MEDIUM, (6000, 8000), (20, 50), "持电工证", 12),
    ("仓库管理员", LabourIntensity.LIGHT, (4500, 6000), (20, 45), "会用电脑", 12),
    ("网店客服", LabourIntensity.LIGHT, (4000, 5500), (18, 35), "会打字", 12),
    ("货车司机", LabourIntensity.MEDIUM, (7000, 10000), (25, 55), "持A2驾照", 12),
    ("包装工", LabourIntensity.LIGHT, (4000, 5000), (18, 55), "", 12),
]
WANTED_TITLES = [t[0].split("（")[0] for t in POST_TEMPLATES] + ["普工", "司机", "服务员", "焊工", "保姆"]
WANTED_PLACES = ["不限", "广东", "浙江", "江苏", "省内", "县内", "东莞", "浙江宁波", "苏州昆山", "长沙市内"]
SKILLS = ["", "", "", "电焊，有焊工证", "会开叉车，有叉车证", "有C1驾照", "有健康证", "做过家政", "会缝纫", "电工证", "厨师证"]
EDUCATION = ["小学", "初中", "初中", "初中", "高中（中专）", "大专"]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程魏苏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅玉兰春花志勇海燕德明小红秋菊永福金凤"


@dataclass
class DemoSummary:
    created: bool
    people: int
    posts: int
    employers: int
    brokers: int
    workstations: int
    dispatches: int
    placements: int


def build_demo(
    session: Session,
    vault: Vault,
    *,
    today: dt.date,
    workers: int = 2000,
    posts: int = 200,
    seed: int = 20240220,
) -> DemoSummary:
    """Fill an empty database with the demo world. A database that already has it is left alone."""
    if session.get(AppMeta, DEMO_MARK) is not None:
        return _summary(session, created=False)
    rng = random.Random(seed)
    regions = region_table()

    hr = Organisation(name="湖南省人力资源和社会保障厅", kind=OrganisationKind.HR_BUREAU, region_code="43")
    session.add(hr)
    offices = {}
    for code, (_short, office) in ORIGINS.items():
        offices[code] = Organisation(name=office, kind=OrganisationKind.COUNTY_OFFICE, region_code=code)
        session.add(offices[code])
    for name, city, origin in WORKSTATIONS:
        org = Organisation(name=name, kind=OrganisationKind.WORKSTATION, region_code=city)
        session.add(Workstation(organisation=org, name=name, city_region_code=city, origin_region_code=origin))
    brokers = []
    for i, (name, kind, qualified, county) in enumerate(BROKERS):
        org = Organisation(name=name, kind=OrganisationKind.BROKER, region_code=county)
        number = f"HRS{county}{2021 + i % 3}{i + 1:03d}" if qualified else None
        broker = Broker(
            organisation=org, name=name, kind=kind, qualified=qualified, qualification_number=number, region_code=county
        )
        session.add(broker)
        brokers.append(broker)

    employers = _employers(session, rng)
    post_rows = _posts(session, rng, employers, posts, today)
    people = _people(session, vault, rng, regions, offices, workers, today)
    _dispatches_and_placements(session, rng, people, post_rows, brokers, offices)
    session.add(AppMeta(key=DEMO_MARK, value=f"seed={seed};built={today.isoformat()}"))
    session.flush()
    return _summary(session, created=True)


def _summary(session: Session, *, created: bool) -> DemoSummary:
    from jobs.storage.models import Person

    def count(model) -> int:
        return session.scalar(select(func.count()).select_from(model)) or 0

    return DemoSummary(
        created=created,
        people=count(Person),
        posts=count(Post),
        employers=count(Employer),
        brokers=count(Broker),
        workstations=count(Workstation),
        dispatches=count(Dispatch),
        placements=count(Placement),
    )


def _credit_code(rng: random.Random, county: str) -> str:
    org = "".join(rng.choice("0123456789") for _ in range(8))
    org += _org_code_check(org)
    first17 = "91" + county + org
    return first17 + uscc.calc_check_digit(first17)


def _org_code_check(body: str) -> str:
    # GB 11714 organisation code check digit (the 9th character of the code inside a credit code).
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    value = 11 - sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def _employers(session: Session, rng: random.Random) -> list[Employer]:
    employers = []
    for county, stems in EMPLOYER_STEMS.items():
        for stem in stems:
            employer = Employer(
                name=stem + rng.choice(EMPLOYER_SUFFIXES), credit_code=_credit_code(rng, county), region_code=county
            )
            session.add(employer)
            employers.append(employer)
    return employers


def _posts(session: Session, rng: random.Random, employers: list[Employer], count: int, today: dt.date) -> list[Post]:
    lists = {}
    rows = []
    seen = set()
    while len(rows) < count:
        employer = rng.choice(employers)
        title, intensity, (wmin, wmax), (amin, amax), skills, months = rng.choice(POST_TEMPLATES)
        if (employer.name, title) in seen:
            continue
        seen.add((employer.name, title))
        prefecture = employer.region_code[:4]
        if prefecture not in lists:
            lists[prefecture] = SupplyList(name=f"{employer.region_code}岗位供给清单", period=str(today.year),
                                           region_code=employer.region_code)
            session.add(lists[prefecture])
        headcount = rng.choice([None, 5, 10, 20, 30, 50])
        closing = today + dt.timedelta(days=rng.randint(-60, 240))
        post = Post(
            supply_list=lists[prefecture],
            employer=employer,
            row_key=str(len(rows) + 1),
            title=title,
            headcount=headcount,
            filled=0,
            region_code=employer.region_code,
            wage_min=wmin,
            wage_max=wmax,
            wage_text=f"{wmin}-{wmax}",
            age_min=amin,
            age_max=amax,
            skills_required=skills or None,
            labour_intensity=intensity,
            board=rng.random() < 0.7,
            lodging=rng.random() < 0.8,
            contract_months=months,
            contact_name=rng.choice(SURNAMES) + rng.choice(["经理", "主管", "女士", "先生"]),
            contact_phone_masked=None,
            closing_date=closing,
            status=PostStatus.OPEN if closing >= today else PostStatus.CLOSED,
        )
        session.add(post)
        rows.append(post)
    return rows


def _issuing_codes(regions, county: str) -> list[str]:
    """The county's current code and every retired code that now resolves to it."""
    codes = [county]
    for row in regions.iter_db_rows():
        if row["retired"] and row["successor_code"] == county and len(row["code"]) == 6:
            codes.append(row["code"])
    return codes


def _people(session, vault, rng, regions, offices, count: int, today: dt.date):
    origin_codes = list(ORIGINS)
    weights = [0.35, 0.25, 0.25, 0.15]
    candidates = {county: _issuing_codes(regions, county) for county in origin_codes}
    demand_lists = {
        county: DemandList(name=f"{ORIGINS[county][0]}{today.year}年就业需求清单", period=str(today.year),
                           origin_region_code=county, organisation=offices[county])
        for county in origin_codes
    }
    session.add_all(demand_lists.values())
    people = []
    used = set()
    while len(people) < count:
        county = rng.choices(origin_codes, weights)[0]
        birth = dt.date(rng.randint(1968, 2005), rng.randint(1, 12), rng.randint(1, 28))
        code = rng.choice(candidates[county])
        raw = generate_id_number(code, birth, rng.randint(0, 999))
        if raw in used:
            continue
        try:
            parsed = parse_id_number(raw, today=today, valid_for_year=regions.valid_for_year)
        except ValueError:
            continue  # that code was not in use for someone of this age: draw again
        used.add(raw)
        wanted = rng.sample(WANTED_TITLES, rng.choice([1, 1, 2, 3]))
        places = rng.sample(WANTED_PLACES, rng.choice([1, 1, 2]))
        wage = rng.choice([None, 3500, 4000, 4500, 5000, 6000, 7000, 8000])
        phone = "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
        employed = rng.random() < 0.3
        data = PersonData(
            name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice([1, 2]))),
            id_number=parsed,
            household_region_code=county,
            category=rng.choices(list(PersonCategory), [0.7, 0.15, 0.1, 0.05])[0],
            labour_ability=rng.choices(list(LabourAbility), [0.8, 0.1, 0.08, 0.02])[0],
            phone=phone,
            education=rng.choice(EDUCATION),
            skills=rng.choice(SKILLS) or None,
            employment_status=EmploymentStatus.EMPLOYED if employed else EmploymentStatus.UNEMPLOYED,
            employment_place=rng.choice(["县外务工", "省外务工", "县内务工"]) if employed else None,
            employment_intent=not employed or rng.random() < 0.2,
            training_intent=rng.random() < 0.35,
            wanted_occupations=tuple((title, None) for title in wanted),
            wanted_regions=tuple((place, _wanted_code(regions, place, county)) for place in places),
            expected_wage_min=wage,
            expected_wage_max=wage + 1000 if wage else None,
        )
        person, _ = save_person(session, vault, data)
        session.add(DemandEntry(demand_list=demand_lists[county], person=person, row_key=str(len(people) + 1),
                                row_number=len(people) + 4))
        people.append(person)
    return people


def _wanted_code(regions, place: str, home: str) -> str | None:
    resolution = regions.resolve(place, home=home)
    return resolution.code


def _dispatches_and_placements(session, rng, people, posts, brokers, offices) -> None:
    """A few organised trips in 2022–2025 and placements at every stage of their life."""
    by_origin: dict[str, list] = {}
    for person in people:
        if person.employment_status == EmploymentStatus.UNEMPLOYED and person.labour_ability != LabourAbility.NONE:
            by_origin.setdefault(person.household_region_code, []).append(person)
    trips = [
        ("430182", "441900", dt.date(2022, 2, 16), 0),
        ("430182", "440306", dt.date(2023, 2, 8), 1),
        ("430321", "330206", dt.date(2023, 3, 1), 2),
        ("341524", "320583", dt.date(2024, 2, 20), 4),
        ("230522", "330110", dt.date(2024, 3, 5), 5),
        ("430182", "441900", dt.date(2025, 2, 12), 0),
    ]
    for n, (origin, destination, departure, broker_index) in enumerate(trips, start=1):
        broker = brokers[broker_index]
        dest_posts = [p for p in posts if p.region_code == destination] or posts
        members = by_origin.get(origin, [])
        chosen = rng.sample(members, k=min(12, len(members)))
        per_head = Decimal(rng.choice(["180.00", "220.00", "350.00", "420.00"]))
        dispatch = Dispatch(
            organiser_organisation=broker.organisation,
            organiser_broker=broker,
            origin_region_code=origin,
            destination_region_code=destination,
            departure_date=departure,
            # 07:30 China time, stored in UTC.
            departure_at=dt.datetime.combine(departure, dt.time(7, 30), tzinfo=CHINA).astimezone(dt.UTC),
            transport=TransportMode.CHARTERED_COACH if n % 3 else TransportMode.TRAIN,
            vehicle=f"湘A·{rng.randint(10000, 99999)}" if n % 3 else f"G{rng.randint(100, 999)}次",
            escort=f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}（带队）",
            meeting_point=f"{region_table().current(origin).name}人力资源市场门前",
            total_cost=per_head * len(chosen),
            status=DispatchStatus.ARRIVED,
            external_key=f"D{n:03d}",
        )
        session.add(dispatch)
        for i, person in enumerate(chosen):
            post = rng.choice(dest_posts)
            if not has_seat(post):
                post = next((p for p in dest_posts if has_seat(p)), post)
            _place_member(session, rng, dispatch, person, post, broker, per_head, i)
    session.flush()


def _round_trip_cost(rng, dispatch, per_head: Decimal, i: int) -> Decimal | None:
    """Twice the per-head fare, or no receipt yet; one planted claim far above its route's median, so that the
    demo's fraud-signal report has something for a reviewer to look at."""
    if dispatch.external_key == "D004" and i == 4:
        return per_head * 8
    return per_head * 2 if rng.random() < 0.8 else None


def _place_member(session, rng, dispatch, person, post, broker, per_head, i) -> None:
    """A traveller's placement, taken through the placement use cases to its stage (so the post's seats, the
    worker's status, the matches and the audit trail are what the real workflow leaves)."""
    arrival = ArrivalStatus.DID_NOT_TRAVEL if i == 11 else ArrivalStatus.ARRIVED
    member = DispatchMember(
        dispatch=dispatch, person=person, cost=per_head, ticket_ref=f"{dispatch.external_key}-{i + 1:02d}", arrival=arrival
    )
    session.add(member)
    if arrival is not ArrivalStatus.ARRIVED:
        return
    session.flush()
    start = dispatch.departure_date + dt.timedelta(days=2)
    stage = i % 6  # hired, active with checks at 3 and 6 months, ended early, ended after a year, proposed
    cost = _round_trip_cost(rng, dispatch, per_head, i)
    evidence = "车票及包车发票" if rng.random() < 0.8 else None
    insured = rng.random() < 0.7
    placement = placements.propose_placement(session, person_id=person.id, post_id=post.id, broker_id=broker.id, actor=DEMO)
    placements.attach_dispatch(session, placement_id=placement.id, dispatch_id=dispatch.id, actor=DEMO)
    member.placement = placement
    if stage == 5 or not has_seat(post):
        return
    placements.hire_placement(
        session, placement_id=placement.id, start_date=start, contract_months=post.contract_months,
        employment_type=EmploymentType.DISPATCH_AGENCY if i == 7 else EmploymentType.DIRECT,
        social_insurance=insured, round_trip_cost=cost, round_trip_evidence=evidence, actor=DEMO)
    if stage == 0:
        return
    placements.activate_placement(session, placement_id=placement.id, actor=DEMO)
    for months in (3, 6) if stage in (1, 2, 4) else (1,):
        placements.record_check(session, placement_id=placement.id, employed=True,
                                check_date=add_months(start, months) + dt.timedelta(days=1),
                                evidence=rng.choice(list(CheckEvidence)), actor=DEMO)
    if stage == 3:  # left within two months: a job loss
        placements.end_placement(session, placement_id=placement.id, end_date=start + dt.timedelta(days=50),
                                 reason=EndReason.QUIT, actor=DEMO)
    if stage == 4:
        placements.end_placement(session, placement_id=placement.id, end_date=add_months(start, 12),
                                 reason=EndReason.CONTRACT_ENDED, actor=DEMO)

