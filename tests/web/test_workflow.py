"""The whole job, end to end, through the test client, each step as the user sees it: county staff upload a
demand list and workstation staff a supply list (each checked, then confirmed); county staff re-match their
area; the broker recommends a matched worker to a post; the workstation hires them on the placement's page; the
broker plans a dispatch, adds the worker with the placement and departs; the workstation checks the arrival in and
starts the placement; six months on it records the employment check; the scheduler's daily claims job evaluates
the subsidies; one county clerk approves the broker's referral subsidy and a second clerk of the same office pays
it, with a payment reference."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from sqlalchemy import select

from jobs.access import accounts
from jobs.storage.clock import CHINA
from jobs.storage.enums import ClaimStatus, PlacementStatus, Role
from jobs.storage.models import Organisation, Person, Placement, SubsidyClaim
from scheduler.definitions import JOBS
from scheduler.runner import default_moment, run_at
from tests.factories import make_broker
from tests.jobs.lists.gallery import COUNTY_HEADERS, CREDIT_CODE, SUPPLY_HEADERS, ZHANG, write_xlsx
from tests.web.conftest import PASSWORD, csrf_token, sign_in

FIRM = "东莞市长安精密五金厂"


@pytest.fixture
def spring_2025(frozen_clock):
    """The walk starts on 3 March 2025, while Hunan's 2021 implementing opinion is in force."""
    frozen_clock.move_to(dt.datetime(2025, 3, 3, 9, 0, tzinfo=CHINA))
    return frozen_clock


@pytest.fixture
def second_clerk(runtime, spring_2025, people_of_every_role) -> str:
    """Another clerk of the 宁乡 county office, and the broker record of the signed-in broker's organisation."""
    with runtime.db.transaction() as session:
        office = session.scalars(select(Organisation).where(Organisation.name == "宁乡市人社局")).one()
        accounts.add_user(session, runtime.vault, username="countystaff2", role=Role.COUNTY_STAFF,
                          organisation=office, password=PASSWORD)
        agency = session.scalars(select(Organisation).where(Organisation.name == "宁乡市众诚劳务")).one()
        make_broker(session, organisation=agency, name="宁乡市众诚劳务")
    return "countystaff2"


def signed_in_as(app, username: str):
    client = app.test_client()
    assert sign_in(client, username, PASSWORD).status_code == 302
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def post(client, url: str, data: dict | None = None, *, page: str, **kwargs):
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(text(client.get(page)))}, **kwargs)


def upload(client, base: str, rows: list[list[object]], name: str, tmp_path) -> str:
    """Upload a list, see it checked, confirm it; the task's status page (run inline in tests)."""
    data = write_xlsx(tmp_path / "list.xlsx", rows).read_bytes()
    checked = post(client, f"{base}/upload", {"file": (io.BytesIO(data), name)}, page=f"{base}/upload",
                   content_type="multipart/form-data")
    assert checked.status_code == 302, text(checked)
    page = text(client.get(checked.location))
    assert "校验结果" in page
    confirmed = post(client, checked.location + "/confirm", page=checked.location)
    assert confirmed.status_code == 302 and "/tasks/" in confirmed.location
    return text(client.get(confirmed.location))


def one(pattern: str, page: str) -> int:
    found = re.findall(pattern, page)
    assert len(set(found)) == 1, (pattern, found)
    return int(found[0])


def test_a_worker_goes_from_the_demand_list_to_a_paid_referral_subsidy(app, runtime, spring_2025, people_of_every_role,
                                                                         second_clerk, tmp_path):
    county = signed_in_as(app, people_of_every_role[Role.COUNTY_STAFF].username)
    station = signed_in_as(app, people_of_every_role[Role.WORKSTATION_STAFF].username)
    broker = signed_in_as(app, people_of_every_role[Role.BROKER].username)

    # 1. The county uploads its demand list: 张三, lifted out of poverty, wants factory work in 广东.
    status = upload(county, "/county/demand", [
        ["宁乡市2025年脱贫劳动力就业需求清单"], COUNTY_HEADERS,
        [1, "张三", ZHANG, "13800000000", "宁乡市煤炭坝镇", "煤炭坝镇", "脱贫户", None, "初中", None, "在家", "是",
         "普工", "广东", "4500", "否", 4],
    ], "宁乡市需求清单.xlsx", tmp_path)
    assert "已完成" in status and "新增 1" in status
    assert "张三" in text(county.get("/people/?name=张三"))

    # 2. The workstation in 东莞 uploads its supply list: ten factory hands at a 东莞 hardware works.
    status = upload(station, "/station/supply", [
        ["东莞市2025年岗位供给清单"], SUPPLY_HEADERS,
        [1, FIRM, CREDIT_CODE, "普工", "10人", "广东省东莞市长安镇", "4500-6000元/月", "18-45周岁", "初中及以上", None,
         "中", "包吃包住", "1年", "李经理", "0769-85551234", "2025年12月31日", None],
    ], "东莞岗位.xlsx", tmp_path)
    assert "已完成" in status and "新增 1" in status
    assert "普工" in text(station.get("/station/posts"))

    # 3. The county re-matches its area (a task with a status page).
    rematched = post(county, "/county/rematch", page="/county/downloads")
    assert rematched.status_code == 302
    status = text(county.get(rematched.location))
    # 张三 and 李四 (the seeker of the accounts fixture) both look for work and both fit the post.
    assert "已完成" in status and "已重新匹配：检查本地区 2 人" in status and "推荐新增 2" in status

    # 4. The broker finds the post, sees 张三 among its candidates and recommends him.
    posts = text(broker.get("/broker/posts"))
    assert "普工" in posts and FIRM in posts
    post_id = one(r'href="/broker/posts/(\d+)"', posts)
    candidates = text(broker.get(f"/broker/posts/{post_id}"))
    assert "张三" in candidates and "普工" in candidates
    with runtime.db.session() as session:
        person_id = session.scalars(select(Person.id).where(Person.name == "张三")).one()
    assert f'name="person_id" value="{person_id}"' in candidates
    recommended = post(broker, f"/broker/posts/{post_id}/recommend", {"person_id": person_id},
                       page=f"/broker/posts/{post_id}")
    assert recommended.status_code == 302
    assert "已推荐，等待用工单位录用" in text(broker.get(recommended.location))

    # 5. The workstation sees the proposal in its placements and hires him on the placement's page.
    listed = text(station.get("/placements/?status=proposed"))
    assert "张三" in listed and FIRM in listed and "已推荐" in listed
    placement_id = one(r'href="/placements/(\d+)"', listed)
    url = f"/placements/{placement_id}"
    hired = post(station, f"{url}/hire", {"start_date": "2025-03-10", "contract_months": "12",
                                          "employment_type": "direct", "social_insurance": "y",
                                          "round_trip_cost": "460"}, page=url)
    assert hired.status_code == 302
    page = text(station.get(url))
    assert "已录用" in page and "2025-03-10" in page and "12 个月" in page

    # 6. The broker plans a dispatch, adds 张三 with his placement, and the coach leaves.
    form = text(broker.get("/broker/dispatches/new"))
    organiser = one(r'<option (?:selected )?value="(\d+)">宁乡市众诚劳务</option>', form)
    created = post(broker, "/broker/dispatches/new", {
        "organiser_broker_id": organiser, "departure_date": "2025-03-08", "departure_time": "07:30", "origin_region_code": "430182",
        "destination_region_code": "东莞市", "transport": "chartered_coach", "vehicle": "湘A·12345 大巴",
        "escort": "刘建国 138****5678", "total_cost": "3600", "external_key": "NX-2025-03"},
        page="/broker/dispatches/new")
    assert created.status_code == 302, text(created)
    dispatch = created.location
    trip = text(broker.get(dispatch))
    assert "NX-2025-03" in trip and "张三" in trip
    choice = re.search(rf'<option value="({person_id}:{placement_id})"', trip)
    assert choice, "张三 is offered with his placement"
    added = post(broker, dispatch + "/passengers", {"choice": choice.group(1)}, page=dispatch)
    assert added.status_code == 302 and "已加入批次" in text(broker.get(dispatch))
    departed = post(broker, dispatch + "/depart", page=dispatch)
    assert departed.status_code == 302
    assert "已出发" in text(broker.get(dispatch))

    # 7. In 东莞 the workstation checks him in and starts the placement.
    spring_2025.move_to(dt.datetime(2025, 3, 9, 16, 0, tzinfo=CHINA))
    station = signed_in_as(app, people_of_every_role[Role.WORKSTATION_STAFF].username)
    arrivals = text(station.get("/station/arrivals"))
    assert "张三" in arrivals and f'href="{url}"' in arrivals
    member_id = one(r'action="/station/arrivals/(\d+)"', arrivals)
    arrived = post(station, f"/station/arrivals/{member_id}", {"arrival": "arrived"}, page="/station/arrivals")
    assert arrived.status_code == 302 and "已登记到达情况" in text(station.get("/station/arrivals?all=1"))
    spring_2025.move_to(dt.datetime(2025, 3, 10, 9, 0, tzinfo=CHINA))
    station = signed_in_as(app, people_of_every_role[Role.WORKSTATION_STAFF].username)
    assert "NX-2025-03" in text(station.get(url))  # the dispatch he travelled with
    started = post(station, f"{url}/start", page=url)
    assert started.status_code == 302
    page = text(station.get(url))
    assert "已登记上岗" in page and 'id="start"' not in page

    # 8. Past each milestone (3 and 6 months) the check is due; the workstation records him still employed.
    for months, day in ((3, dt.date(2025, 6, 11)), (6, dt.date(2025, 9, 11))):
        spring_2025.move_to(dt.datetime.combine(day, dt.time(9), tzinfo=CHINA))
        station = signed_in_as(app, people_of_every_role[Role.WORKSTATION_STAFF].username)
        checks = text(station.get("/station/checks"))
        assert "张三" in checks and f"{months} 个月核实 · 逾期 1 天" in checks and f'href="{url}"' in checks
        checked = post(station, f"/station/placements/{placement_id}/check",
                       {"check_date": day.isoformat(), "employed": "yes", "evidence": "phone_call"},
                       page="/station/checks")
        assert checked.status_code == 302
        done = text(station.get("/station/checks"))
        assert "已记录稳岗核实" in done and "没有到期的稳岗核实" in done
        assert f"{day} 在岗（电话核实）" in text(station.get(url))

    # 9. The scheduler's daily claims job evaluates the subsidies that night.
    claims_job = next(job for job in JOBS if job.name == "claims")
    spring_2025.move_to(dt.datetime(2025, 9, 12, 3, 0, tzinfo=CHINA))
    outcome = run_at(claims_job, db=runtime.db, vault=runtime.vault,
                     moment=default_moment(claims_job, dt.date(2025, 9, 12)))
    assert outcome.status == "done" and outcome.counts["created"] == 2, outcome  # the referral and the fare

    # 10. A clerk approves the broker's referral subsidy; a second clerk of the office pays it.
    spring_2025.move_to(dt.datetime(2025, 9, 15, 10, 0, tzinfo=CHINA))
    county = signed_in_as(app, people_of_every_role[Role.COUNTY_STAFF].username)
    queue = text(county.get("/county/claims"))
    assert "张三" in queue and "300" in queue
    with runtime.db.session() as session:
        claim_id = session.scalars(select(SubsidyClaim.id).where(SubsidyClaim.placement_id == placement_id,
                                                                 SubsidyClaim.kind == "referral")).one()
    assert f'id="claim-{claim_id}"' in queue
    approved = post(county, f"/county/claims/{claim_id}/approve", page="/county/claims")
    assert approved.status_code == 302
    assert f"补贴申领 {claim_id} 已审核通过" in text(county.get("/county/claims"))
    cashier = signed_in_as(app, second_clerk)
    to_pay = text(cashier.get("/county/claims?view=pay"))
    assert f'id="claim-{claim_id}"' in to_pay and "张三" in to_pay
    paid = post(cashier, f"/county/claims/{claim_id}/pay?view=pay", {"reference": "ZF2025-0915", "paid_on": "2025-09-15"},
                page="/county/claims?view=pay")
    assert paid.status_code == 302
    assert f"补贴申领 {claim_id} 已登记发放" in text(cashier.get("/county/claims?view=pay"))

    with runtime.db.session() as session:
        claim = session.get(SubsidyClaim, claim_id)
        assert claim.status is ClaimStatus.PAID and claim.payment_reference == "ZF2025-0915"
        assert session.get(Placement, placement_id).status is PlacementStatus.ACTIVE
    broker = signed_in_as(app, people_of_every_role[Role.BROKER].username)  # the broker's session timed out
    mine = text(broker.get("/broker/claims"))
    assert "张三" in mine and "已发放" in mine and "2025-09-15 发放，凭证号 ZF2025-0915" in mine
    person = text(cashier.get(f"/people/{person_id}"))
    assert "凭证号 ZF2025-0915" in person and f'href="{url}"' in person
