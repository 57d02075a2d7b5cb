"""Exports: masked unless revealed (and a reveal is audited), frozen headers, lists that import back unchanged,
and the stable-job list (稳岗清单) per origin county."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import func, select

from jobs.access.permissions import SYSTEM, Action, can, system_actor
from jobs.storage.enums import ClaimStatus, Role
from jobs.lists import export_demand, export_stable, export_supply, import_demand, import_supply
from jobs.lists.export import verified_months
from jobs.storage.models import AuditEvent, DemandList, EmploymentCheck, Placement, SubsidyClaim, SupplyList
from tests.factories import make_broker, make_placement, make_user
from tests.jobs.lists.gallery import COUNTY_TITLE, TODAY, ZHANG, contract, county_list, supply_list


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def reveals(session) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "reveal")))


def rows_of(path, sheet_index: int = 0) -> list[list[object]]:
    sheet = load_workbook(path).worksheets[sheet_index]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_an_exported_demand_list_imports_back_unchanged_into_the_same_list(session, vault, tmp_path):
    import_demand(session, vault, county_list(tmp_path), today=TODAY, actor=SYSTEM)
    exported = export_demand(session, vault, tmp_path / "out.xlsx", reveal=True, actor=SYSTEM)
    assert exported.rows == 3
    again = import_demand(session, vault, exported.path, today=TODAY, actor=SYSTEM)
    assert contract(again.summary()) == {"rows": 3, "created": 0, "updated": 0, "unchanged": 3, "rejected": 0,
                               "ignored_columns": [], "errors": []}
    assert count(session, DemandList) == 1


def test_the_demand_export_names_its_list_above_a_frozen_canonical_header(session, vault, tmp_path):
    import_demand(session, vault, county_list(tmp_path), today=TODAY, actor=SYSTEM)
    path = export_demand(session, vault, tmp_path / "out.xlsx", actor=SYSTEM).path
    sheet = load_workbook(path).worksheets[0]
    rows = rows_of(path)
    assert rows[0][0] == COUNTY_TITLE
    assert rows[1][:3] == [f"清单名称：{COUNTY_TITLE}", "清单期间：2025", "输出地：湖南省长沙市宁乡市（430182）"]
    assert rows[2][:4] == ["序号", "姓名", "身份证号", "联系电话"]
    assert sheet.freeze_panes == "A4"
    assert sheet.column_dimensions["C"].width >= 20 and sheet.column_dimensions["A"].width >= 6
    assert rows[3] == ["1", "张三", "430182********4517", "138****0000", "宁乡市煤炭坝镇", "脱贫人口", "弱劳动力", "初中",
                       "电焊、会开叉车，有C1驾照", "未就业", "是", "普工、电焊工、保安", "广东、省内", "4000-5000", "是",
                       None]


def test_a_masked_export_writes_no_audit_event_and_does_not_import_as_if_it_were_real(session, vault, tmp_path):
    import_demand(session, vault, county_list(tmp_path), today=TODAY, actor=SYSTEM)
    path = export_demand(session, vault, tmp_path / "out.xlsx", actor=SYSTEM).path
    assert reveals(session) == []
    result = import_demand(session, vault, path, today=TODAY, actor=SYSTEM)
    assert (result.rejected, result.created, result.updated) == (3, 0, 0)
    assert result.errors[0].message.startswith("身份证号“430182********4517”是遮盖后的号码，无法导入")


def test_revealing_numbers_is_written_to_the_audit_log(session, vault, tmp_path):
    import_demand(session, vault, county_list(tmp_path), today=TODAY, actor=SYSTEM)
    export_demand(session, vault, tmp_path / "out.xlsx", origin="宁乡市", reveal=True, actor=system_actor("cli:clerk"))
    session.flush()
    (event,) = reveals(session)
    assert (event.action, event.actor, event.object_type, event.object_id) == ("reveal", "cli:clerk",
                                                                               "demand_export", "430182")
    assert event.after == {"file": "out.xlsx", "rows": 3}
    assert rows_of(tmp_path / "out.xlsx")[3][2] == ZHANG


def test_only_staff_who_keep_the_lists_may_reveal(session):
    def may(role, model):
        return can(make_user(session, role=role), Action.EXPORT_REVEALED, model)

    assert may(Role.COUNTY_STAFF, DemandList) and may(Role.ADMIN, Placement)
    assert may(Role.WORKSTATION_STAFF, SupplyList) and not may(Role.WORKSTATION_STAFF, DemandList)
    assert not may(Role.BROKER, DemandList) and not may(Role.BROKER, SupplyList)


def test_an_origin_filter_leaves_other_counties_out(session, vault, tmp_path):
    import_demand(session, vault, county_list(tmp_path), today=TODAY, actor=SYSTEM)
    exported = export_demand(session, vault, tmp_path / "out.xlsx", origin="湘潭县", actor=SYSTEM)
    assert exported.rows == 0 and exported.sheets == {}
    assert rows_of(exported.path) == [["没有符合条件的就业需求清单"]]


def test_an_exported_supply_list_imports_back_unchanged(session, vault, tmp_path):
    import_supply(session, vault, supply_list(tmp_path), today=TODAY, actor=SYSTEM)
    exported = export_supply(session, vault, tmp_path / "posts.xlsx", reveal=True, actor=SYSTEM)
    assert exported.rows == 3
    again = import_supply(session, vault, exported.path, today=TODAY, actor=SYSTEM)
    assert (again.rows, again.created, again.updated, again.unchanged, again.rejected) == (3, 0, 0, 3, 0)
    assert count(session, SupplyList) == 1


def test_a_supply_export_masks_contact_phones(session, vault, tmp_path):
    import_supply(session, vault, supply_list(tmp_path), today=TODAY, actor=SYSTEM)
    rows = rows_of(export_supply(session, vault, tmp_path / "posts.xlsx", region="东莞", actor=SYSTEM).path)
    assert rows[1][:3] == ["清单名称：东莞市2025年岗位供给清单", "清单期间：2025", "地区：广东省东莞市（4419）"]
    assert [row[14] for row in rows[3:]] == ["0769-****1234", "139****9001"]


def test_the_stable_list_gives_each_origin_county_its_hires_checks_and_subsidies(session, vault, tmp_path):
    broker = make_broker(session)
    placement = make_placement(session, vault, "verified_6_months", broker=broker)
    session.add_all([
        SubsidyClaim(placement_id=placement.id, person_id=placement.person_id, kind="referral",
                     beneficiary_broker_id=broker.id, status=ClaimStatus.ELIGIBLE, amount=Decimal("300.00")),
        SubsidyClaim(placement_id=placement.id, person_id=placement.person_id, kind="transport",
                     beneficiary_person_id=placement.person_id, status=ClaimStatus.NEEDS_LOCAL_STANDARD),
    ])
    make_placement(session, vault, "proposed")  # not a hire: not on the list
    session.flush()
    exported = export_stable(session, vault, tmp_path / "stable.xlsx", today=TODAY, actor=SYSTEM)
    assert exported.sheets == {"宁乡市": 1}
    rows = rows_of(exported.path)
    assert rows[0][0] == "湖南省长沙市宁乡市稳岗清单"
    header, row = rows[2], rows[3]
    entry = dict(zip(header, row, strict=True))
    assert entry["身份证号"].startswith("430124********")
    assert entry["用人单位"] == placement.employer.name and entry["工作地点"] == "广东省东莞市"
    assert (entry["上岗日期"].date(), entry["稳岗核实月数"]) == (dt.date(2024, 2, 22), 6)
    assert entry["最近核实日期"].date() == dt.date(2024, 8, 23) and entry["在岗状态"] == "在岗"
    assert (entry["就业创业服务补助（元）"], entry["就业创业服务补助状态"]) == (300, "符合条件")
    assert (entry["一次性交通补助（元）"], entry["一次性交通补助状态"]) == (None, "待地方标准")
    assert entry["劳务经纪人"] == broker.name


def test_the_stable_list_of_another_county_is_empty(session, vault, tmp_path):
    make_placement(session, vault, "verified_6_months")
    exported = export_stable(session, vault, tmp_path / "stable.xlsx", origin="430321", today=TODAY, actor=SYSTEM)
    assert exported.rows == 0


def test_verified_months_follow_the_policy_definition():
    start = dt.date(2024, 2, 22)
    checks = [(dt.date(2024, 5, 22), True), (dt.date(2024, 8, 23), True)]
    assert verified_months(start, checks, None, as_of=TODAY) == 6
    assert verified_months(start, checks, None, as_of=dt.date(2024, 6, 1)) == 3  # the later check is not known yet
    assert verified_months(start, [(dt.date(2024, 5, 22), False), *checks[1:]], None, as_of=TODAY) == 0
    assert verified_months(start, checks, dt.date(2024, 6, 30), as_of=TODAY) == 4  # ended after 4 months
    same_day = [(dt.date(2024, 8, 23), True), (dt.date(2024, 8, 23), False)]
    assert verified_months(start, same_day, None, as_of=TODAY) == 0  # "not employed" wins on the same day


def test_a_check_before_the_start_is_ignored(session, vault):
    placement = make_placement(session, vault, "verified_6_months")
    session.add(EmploymentCheck(placement=placement, check_date=dt.date(2024, 1, 1), employed=False))
    session.flush()
    checks = [(c.check_date, c.employed) for c in placement.checks]
    assert verified_months(placement.start_date, checks, None, as_of=TODAY) == 6
