"""The county staff's workspace through the test client: the dashboard, the people search and a person's page
with an audited reveal, the subsidy review queue (approve, the four-eyes refusal, reject with a reason, pay with
a reference) and the demand-list upload with its row errors shown in the page."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from jobs.access.permissions import SYSTEM
from jobs.people.persons import reveal_id_number
from jobs.storage.clock import CHINA
from jobs.placements.placements import record_check
from jobs.storage.enums import CheckEvidence, ClaimStatus, Role
from jobs.storage.models import AuditEvent, Organisation, SubsidyClaim
from jobs.subsidy.claims import evaluate_claims
from tests.factories import make_broker, make_employer, make_hired_placement, make_person, make_post
from tests.jobs.lists.gallery import county_list
from tests.web.conftest import csrf_token


@dataclass(frozen=True)
class Claims:
    person_id: int
    outside_person_id: int
    claim_id: int  # a 宁乡 worker's referral claim, by an unrelated broker
    own_claim_id: int  # referral claim of a broker belonging to the county office itself (four eyes)
    outside_claim_id: int  # a 湘潭 worker's claim


@pytest.fixture
def claims_world(runtime, people_of_every_role) -> Claims:
    with runtime.db.transaction() as session:
        county_office = session.scalars(select(Organisation).where(Organisation.name == "宁乡市人社局")).one()
        post = make_post(session, employer=make_employer(session, region_code="441900"), region_code="441900")
        ningxiang = make_person(session, runtime.vault, name="王五", household_region_code="430182",
                                household_address="宁乡市煤炭坝镇福泉村3组")
        neighbour = make_person(session, runtime.vault, name="赵六", household_region_code="430182")
        xiangtan = make_person(session, runtime.vault, name="湘潭人", household_region_code="430321")
        placed = {}
        for person, broker in ((ningxiang, make_broker(session)),
                               (neighbour, make_broker(session, organisation=county_office)),
                               (xiangtan, make_broker(session))):
            placement = make_hired_placement(session, runtime.vault, person=person, post=post, broker=broker)
            record_check(session, placement_id=placement.id, check_date=dt.date(2024, 8, 23), employed=True,
                         evidence=CheckEvidence.PHONE_CALL, actor=SYSTEM)
            placed[person.id] = placement.id
    with runtime.db.session() as session:  # the evaluation commits worker by worker
        evaluate_claims(session, vault=runtime.vault, as_of=dt.date(2024, 12, 31), actor=SYSTEM)

        def referral(person) -> int:
            return session.scalars(select(SubsidyClaim.id).where(SubsidyClaim.placement_id == placed[person.id],
                                                                 SubsidyClaim.kind == "referral")).one()

        return Claims(ningxiang.id, xiangtan.id, referral(ningxiang), referral(neighbour), referral(xiangtan))


@pytest.fixture
def county(client, signed_in):
    signed_in(Role.COUNTY_STAFF)
    return client


def claim_status(runtime, claim_id: int) -> ClaimStatus:
    with runtime.db.session() as session:
        return session.get(SubsidyClaim, claim_id).status


def post(client, url: str, data: dict, *, page: str = "/county/claims", **kwargs):
    return client.post(url, data={**data, "csrf_token": csrf_token(client.get(page).get_data(as_text=True))},
                       **kwargs)


def test_the_dashboard_counts_the_area_with_bar_charts_and_no_inline_style(county, claims_world):
    page = county.get("/county/").get_data(as_text=True)
    assert "工作台" in page and "宁乡市" in page and "待审核补贴" in page
    assert 'class="bar w100"' in page  # the county's own row is the longest bar
    assert "style=" not in page and "<script" not in page
    assert f"<td>{ClaimStatus.ELIGIBLE.label}</td>" in page  # subsidies by fund and status


def test_the_dashboard_shows_the_years_service_standard_progress_for_the_area(county, signed_in, runtime,
                                                                              frozen_clock):
    # In 2025 湘人社规〔2021〕10号 governs 宁乡市: an unemployed 脱贫人口 wanting work is owed "311" that year.
    frozen_clock.move_to(dt.datetime(2025, 6, 2, 10, 0, tzinfo=CHINA))
    with runtime.db.transaction() as session:
        make_person(session, runtime.vault, name="赵六", household_region_code="430182")
        make_person(session, runtime.vault, name="湘潭人", household_region_code="430321",
                    issuing_code="430321", phone="13800138001")
    signed_in(Role.COUNTY_STAFF)
    page = county.get("/county/").get_data(as_text=True)
    table = page[page.index('id="service-standard"'):]
    table = table[:table.index("</table>")]
    assert "服务标准进度（2025 年" in page
    row = re.search(r"<td>宁乡市</td><td>(\d+)</td><td>(\d+)</td>.*?<td>(\d+)</td></tr>", table, re.S)
    eligible, met, behind = map(int, row.groups())
    assert eligible >= 1 and met == 0 and behind == eligible  # 赵六 (and the seeker of the fixture) owed, none served
    assert "湘潭县" not in table  # another county's people are not the user's to count
    earlier = county.get("/county/?year=2024").get_data(as_text=True)
    assert "服务标准进度（2024 年" in earlier and "回到本年" in earlier
    assert "服务标准进度（2025 年" in county.get("/county/?year=1999").get_data(as_text=True)  # out of range


def test_people_are_searched_by_name_village_and_id_tail_within_the_county(county, runtime, claims_world):
    page = county.get("/people/?name=王").get_data(as_text=True)
    assert "王五" in page and "湘潭人" not in page
    assert "王五" in county.get("/people/?village=福泉村").get_data(as_text=True)
    with runtime.db.session() as session:
        from jobs.storage.models import Person

        tail = reveal_id_number(session.get(Person, claims_world.person_id), runtime.vault)[-4:]
    found = county.get(f"/people/?id_tail={tail}").get_data(as_text=True)
    assert "王五" in found and tail in found
    bad = county.get("/people/?id_tail=12&name=王")
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "请输入身份证号后4位" in text and 'value="王"' in text  # the error next to the field, the name kept
    assert "湘潭人" not in county.get("/people/?name=湘潭").get_data(as_text=True)


def test_a_persons_page_shows_placements_checks_and_claims_and_outside_the_county_is_404(county, claims_world):
    page = county.get(f"/people/{claims_world.person_id}").get_data(as_text=True)
    assert "王五" in page and f"2024-08-23 在岗（{CheckEvidence.PHONE_CALL.label}）" in page
    assert f"<td>{ClaimStatus.ELIGIBLE.label}</td>" in page and "<td>300.00</td>" in page
    assert county.get(f"/people/{claims_world.outside_person_id}").status_code == 404


def test_revealing_a_phone_needs_a_reason_and_is_audited(county, runtime, claims_world):
    url = f"/people/{claims_world.person_id}/reveal"
    refused = post(county, url, {"reason": "", "what": "phone"}, page=f"/people/{claims_world.person_id}")
    assert refused.status_code == 422 and "请填写查看原因" in refused.get_data(as_text=True)
    shown = post(county, url, {"reason": "电话核实就业情况", "what": "both"}, page=f"/people/{claims_world.person_id}")
    assert shown.status_code == 200 and "已显示完整号码" in shown.get_data(as_text=True)
    with runtime.db.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "reveal")).one()
        assert event.actor == "countystaff" and event.after["reason"] == "电话核实就业情况"
    outside = post(county, f"/people/{claims_world.outside_person_id}/reveal", {"reason": "电话核实就业情况"},
                   page=f"/people/{claims_world.person_id}")
    assert outside.status_code == 404


def test_the_review_queue_approves_refuses_conflicts_rejects_and_pays(county, runtime, claims_world):
    queue = county.get("/county/claims").get_data(as_text=True)
    assert "王五" in queue and "赵六" in queue and "湘潭人" not in queue
    approved = post(county, f"/county/claims/{claims_world.claim_id}/approve", {})
    assert approved.status_code == 302 and claim_status(runtime, claims_world.claim_id) is ClaimStatus.APPROVED
    conflict = post(county, f"/county/claims/{claims_world.own_claim_id}/approve", {})
    assert conflict.status_code == 403 and "须回避" in conflict.get_data(as_text=True)
    assert claim_status(runtime, claims_world.own_claim_id) is ClaimStatus.ELIGIBLE
    no_reason = post(county, f"/county/claims/{claims_world.own_claim_id}/reject", {"reason": " "})
    assert no_reason.status_code == 422 and "请填写驳回原因" in no_reason.get_data(as_text=True)
    rejected = post(county, f"/county/claims/{claims_world.own_claim_id}/reject", {"reason": "材料不全"})
    assert rejected.status_code == 302 and claim_status(runtime, claims_world.own_claim_id) is ClaimStatus.REJECTED
    assert post(county, f"/county/claims/{claims_world.outside_claim_id}/approve", {}).status_code == 404
    with runtime.db.session() as session:  # who, when, from where, before and after
        approval = session.scalars(select(AuditEvent).where(AuditEvent.action == "claim.approve")).one()
        assert (approval.object_id, approval.remote_addr, approval.before["status"], approval.after["status"]) == (
            str(claims_world.claim_id), "127.0.0.1", "eligible", "approved")

    to_pay = county.get("/county/claims?view=pay").get_data(as_text=True)
    assert "王五" in to_pay and "支付凭证号" in to_pay
    missing = post(county, f"/county/claims/{claims_world.claim_id}/pay?view=pay",
                   {"reference": "", "paid_on": "2024-13-01"}, page="/county/claims?view=pay")
    text = missing.get_data(as_text=True)
    assert missing.status_code == 422 and "请填写支付凭证号" in text and "日期格式应为" in text
    paid = post(county, f"/county/claims/{claims_world.claim_id}/pay?view=pay",
                {"reference": "ZF2025-0001", "paid_on": "2025-01-10"}, page="/county/claims?view=pay")
    assert paid.status_code == 302 and claim_status(runtime, claims_world.claim_id) is ClaimStatus.PAID


def test_other_roles_cannot_open_the_review_queue(client, signed_in, claims_world):
    signed_in(Role.BROKER)
    assert client.get("/county/claims").status_code == 403


def test_a_demand_list_is_checked_then_confirmed_with_its_row_errors_and_error_report(county, runtime, tmp_path):
    data = county_list(tmp_path).read_bytes()
    checked = post(county, "/county/demand/upload", {"file": (io.BytesIO(data), "宁乡市需求清单.xlsx")},
                   page="/county/demand/upload", content_type="multipart/form-data")
    assert checked.status_code == 302 and "/county/demand/upload/" in checked.location
    page = county.get(checked.location).get_data(as_text=True)
    assert "校验结果" in page and "在Excel中被存成了数字" in page and "与第4行重复" in page
    assert "下载错误报告" in page and "王五" not in county.get("/people/").get_data(as_text=True)  # nothing stored
    report = county.get(checked.location + "/report")
    assert report.status_code == 200 and report.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(report.data)).active
    assert any("与第4行重复" in str(cell.value) for row in sheet.iter_rows() for cell in row)
    confirmed = post(county, checked.location + "/confirm", {}, page=checked.location)
    assert confirmed.status_code == 302 and "/tasks/" in confirmed.location
    status = county.get(confirmed.location).get_data(as_text=True)
    assert "已完成" in status and "导入完成" in status and "新增 3" in status and 'http-equiv="refresh"' not in status
    assert county.get("/people/").get_data(as_text=True).count("/people/") >= 3
    again = post(county, checked.location + "/confirm", {}, page="/county/demand/upload")
    assert again.status_code == 409  # confirmed once only
    wrong = post(county, "/county/demand/upload", {"file": (io.BytesIO(b"x"), "a.pdf")},
                 page="/county/demand/upload", content_type="multipart/form-data")
    assert wrong.status_code == 422 and "清单文件应为 .xlsx 或 .csv" in wrong.get_data(as_text=True)
