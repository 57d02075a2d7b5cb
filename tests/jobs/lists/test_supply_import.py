"""Importing supply lists: a post is the same post by employer (credit code, else name) + title + place."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from jobs.access.permissions import SYSTEM
from jobs.storage.enums import LabourIntensity, PostStatus
from jobs.lists import NotAList, import_supply
from jobs.lists.importing import ListOptionError
from jobs.storage.models import Employer, Organisation, Post, SupplyList, Workstation
from tests.jobs.lists.gallery import (
    contract,
    CREDIT_CODE,
    DONGGUAN_FIRM,
    NINGBO_CODE,
    TODAY,
    county_list,
    supply_list,
    supply_rows,
    write_xlsx,
)

SUPPLY_ERRORS = [
    {"row": 5, "column": "岗位名称", "value": "焊工（二保焊）持证上岗",
     "message": "岗位（同一用人单位、同一岗位名称、同一工作地点）与第4行重复：同一份清单中只能出现一次，"
                "本行未导入，请核对后删除或更正其中一行。"},
    {"row": 7, "column": "招聘人数", "value": "0", "message": "招聘人数“0”应大于0；人数不定的请填“若干”。"},
    {"row": 7, "column": "工作地点", "value": "朝阳区",
     "message": "“朝阳区”对应多个地区：北京市朝阳区、吉林省长春市朝阳区。请写明所在的省或市，例如“北京市朝阳区”。"},
    {"row": 7, "column": "月薪", "value": "abc",
     "message": "月薪“abc”无法识别，请填写如5000、4000-5000、5000以上、底薪3000+提成或面议。"},
    {"row": 7, "column": "年龄要求", "value": "14-30岁",
     "message": "年龄要求“14-30岁”的下限低于16周岁：不得招用未满16周岁的未成年人（《劳动法》第十五条）。"},
    {"row": 7, "column": "劳动强度", "value": "很重", "message": "劳动强度“很重”无法识别，请填写“轻”“中”或“重”。"},
    {"row": 7, "column": "食宿", "value": "?", "message": "食宿“?”无法识别，请填写包吃包住、包吃、包住或不包吃住。"},
    {"row": 7, "column": "合同期限", "value": "x",
     "message": "合同期限“x”无法识别，请填写如1年、12个月、三年，或“长期”。"},
    {"row": 7, "column": "联系电话", "value": "12345", "message": "手机号码应为11位数字，这里有5位。"},
    {"row": 7, "column": "截止日期", "value": "2025-2-30", "message": "截止日期“2025-2-30”不是存在的日期，请核对年月日。"},
]


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def post(session, title: str) -> Post:
    return session.scalars(select(Post).where(Post.title == title)).one()


def test_a_workstation_file_imports_every_good_post_and_names_every_bad_one(session, vault, tmp_path):
    result = import_supply(session, vault, supply_list(tmp_path), today=TODAY, actor=SYSTEM)
    assert contract(result.summary()) == {"rows": 5, "created": 3, "updated": 0, "unchanged": 0, "rejected": 2,
                                "ignored_columns": [], "errors": SUPPLY_ERRORS}
    assert count(session, Post) == 3 and count(session, Employer) == 2


def test_post_values_are_stored_normalised(session, vault, tmp_path):
    import_supply(session, vault, supply_list(tmp_path), today=TODAY, actor=SYSTEM)
    general = post(session, "普工（长白班）")
    assert (general.headcount, general.region_code, general.address) == (20, "441900", "广东省东莞市长安镇")
    assert (general.wage_min, general.wage_max, general.wage_text) == (4500, 6000, "4500-6000元/月")
    assert (general.age_min, general.age_max, general.education) == (18, 45, "初中及以上")
    assert (general.labour_intensity, general.board, general.lodging) == (LabourIntensity.MEDIUM, True, True)
    assert (general.contract_months, general.contact_name, general.contact_phone_masked) == (12, "李经理",
                                                                                             "0769-****1234")
    assert vault.decrypt(general.contact_phone_encrypted) == "0769-85551234"  # a landline is fine here
    assert general.closing_date == dt.date(2024, 12, 31)  # Excel serial 45657
    assert general.status is PostStatus.CLOSED and general.occupation_code == "6-00-00-00"
    welder = post(session, "焊工（二保焊）持证上岗")
    assert (welder.headcount, welder.wage_min, welder.wage_max, welder.wage_text) == (None, 3000, None, "底薪3000+提成")
    assert (welder.age_min, welder.age_max, welder.board, welder.lodging) == (None, 45, False, True)
    assert (welder.contract_months, welder.closing_date) == (36, dt.date(2025, 3, 1))
    fitter = post(session, "装配工")
    assert (fitter.headcount, fitter.region_code, fitter.address) == (10, "330206", "宁波市北仑区")
    assert (fitter.closing_date, fitter.board, fitter.lodging) == (dt.date(2025, 12, 31), False, False)


def test_an_employer_is_one_employer_by_credit_code_else_by_name(session, vault, tmp_path):
    import_supply(session, vault, supply_list(tmp_path), today=TODAY, actor=SYSTEM)
    firm = session.scalars(select(Employer).where(Employer.name == DONGGUAN_FIRM)).one()
    assert firm.credit_code == CREDIT_CODE
    assert {p.title for p in session.scalars(select(Post).where(Post.employer_id == firm.id))} == {
        "普工（长白班）", "焊工（二保焊）持证上岗"}


def test_the_list_belongs_to_the_city_in_its_title(session, vault, tmp_path):
    result = import_supply(session, vault, supply_list(tmp_path), today=TODAY, actor=SYSTEM)
    supply = session.get(SupplyList, result.list_id)
    assert (supply.name, supply.period, supply.region_code) == ("东莞市2025年岗位供给清单", "2025", "4419")


def test_a_workstation_option_names_the_keeper_and_the_city(session, vault, tmp_path):
    organisation = Organisation(name="宁乡市驻东莞劳务工作站", kind="workstation", region_code="4419")
    station = Workstation(organisation=organisation, name="宁乡市驻东莞劳务工作站", city_region_code="4419",
                          origin_region_code="430182")
    session.add(station)
    session.flush()
    rows = supply_rows()[1:4]
    result = import_supply(session, vault, write_xlsx(tmp_path / "plain.xlsx", rows),
                           workstation="宁乡市驻东莞劳务工作站", default_name="plain", today=TODAY, actor=SYSTEM)
    supply = session.get(SupplyList, result.list_id)
    assert (supply.region_code, supply.workstation_id, supply.organisation_id) == ("4419", station.id,
                                                                                    organisation.id)


def test_an_unknown_workstation_is_refused(session, vault, tmp_path):
    with pytest.raises(ListOptionError) as caught:
        import_supply(session, vault, supply_list(tmp_path), workstation="不存在的工作站", today=TODAY, actor=SYSTEM)
    assert caught.value.message == "没有名为“不存在的工作站”的劳务工作站。"


def test_importing_the_same_supply_list_again_changes_nothing(session, vault, tmp_path):
    path = supply_list(tmp_path)
    import_supply(session, vault, path, default_name="sheet", today=TODAY, actor=SYSTEM)
    again = import_supply(session, vault, path, default_name="sheet", today=TODAY, actor=SYSTEM)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 3, 2)
    assert count(session, Post) == 3 and count(session, Employer) == 2 and count(session, SupplyList) == 1


def test_a_changed_wage_updates_the_post_and_a_new_place_is_a_new_post(session, vault, tmp_path):
    import_supply(session, vault, supply_list(tmp_path), today=TODAY, actor=SYSTEM)
    rows = supply_rows()
    rows[2][6] = "5000-6500"
    rows[5][5] = "宁波市镇海区"
    result = import_supply(session, vault, write_xlsx(tmp_path / "changed.xlsx", rows), default_name="sheet", today=TODAY, actor=SYSTEM)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    assert post(session, "普工（长白班）").wage_min == 5000
    assert count(session, Post) == 4


def test_a_known_employer_gains_its_credit_code_instead_of_a_twin(session, vault, tmp_path):
    rows = [supply_rows()[1], [1, "宁波某机械有限公司", None, "装配工", 10, "宁波市北仑区"]]
    import_supply(session, vault, write_xlsx(tmp_path / "a.xlsx", rows), default_name="sheet", today=TODAY, actor=SYSTEM)
    rows[1][2] = NINGBO_CODE
    result = import_supply(session, vault, write_xlsx(tmp_path / "b.xlsx", rows), default_name="sheet", today=TODAY, actor=SYSTEM)
    assert (result.created, result.updated) == (0, 1)
    assert session.scalars(select(Employer)).one().credit_code == NINGBO_CODE


def test_two_employers_of_one_name_need_the_credit_code(session, vault, tmp_path):
    session.add_all([Employer(name="某劳务公司", credit_code=CREDIT_CODE), Employer(name="某劳务公司",
                                                                               credit_code=NINGBO_CODE)])
    session.flush()
    rows = [supply_rows()[1], [1, "某劳务公司", None, "普工", 10, "宁波市北仑区"]]
    result = import_supply(session, vault, write_xlsx(tmp_path / "twins.xlsx", rows), default_name="sheet", today=TODAY, actor=SYSTEM)
    assert result.summary()["errors"] == [{
        "row": 2, "column": "统一社会信用代码", "value": "",
        "message": "已有2个名为“某劳务公司”的用人单位，请填写统一社会信用代码以区分。"}]


def test_a_demand_list_given_as_a_supply_list_writes_nothing(session, vault, tmp_path):
    with pytest.raises(NotAList) as caught:
        import_supply(session, vault, county_list(tmp_path), today=TODAY, actor=SYSTEM)
    assert caught.value.message == "“county.xlsx”看起来是就业需求清单，不是岗位供给清单：请用 bangfu import demand 导入。"
    assert count(session, Post) == 0 and count(session, SupplyList) == 0


def test_a_dry_run_in_one_row_batches_reports_what_the_real_run_then_does_and_writes_nothing(session, vault,
                                                                                              tmp_path):
    # Rows 3 and 4 share one employer but fall in different batches: each dry-run batch is rolled back on its
    # own, so the second must not lean on the employer the first created.
    dry = import_supply(session, vault, supply_list(tmp_path), dry_run=True, batch_size=1, today=TODAY, actor=SYSTEM)
    assert session.scalar(select(func.count()).select_from(Employer)) == 0
    assert session.scalar(select(func.count()).select_from(SupplyList)) == 0
    real = import_supply(session, vault, supply_list(tmp_path), batch_size=1, today=TODAY, actor=SYSTEM)
    assert contract(dry.summary()) == contract(real.summary())
    assert dry.region_code == real.region_code and dry.list_id is None and real.list_id is not None
