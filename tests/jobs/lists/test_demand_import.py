"""Importing demand lists: every row stored or rejected with its Excel row number, the same person by ID
number, re-imports that change nothing, corrected files that update, batches that survive a crash."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from jobs.access.permissions import SYSTEM
from jobs.storage.enums import EmploymentStatus, LabourAbility, PersonCategory
from jobs.lists import NotAList, import_demand, write_error_report
from jobs.lists import demand as demand_module
from jobs.lists.importing import ListOptionError
from jobs.storage.models import DemandEntry, DemandList, Person
from jobs.people.identity import mask_id
from jobs.people.persons import find_person, reveal_id_number, reveal_phone
from tests.jobs.lists.gallery import (
    COUNTY_TITLE,
    LI,
    QIAN,
    RETIRED,
    SUN,
    TODAY,
    WANG,
    ZHANG,
    contract,
    county_list,
    county_rows,
    demand_rows,
    full_width,
    generated_people,
    supply_list,
    write_csv,
    write_xlsx,
)

# ID and phone numbers are quoted masked (430182********2000), in values and in messages alike.
COUNTY_ERRORS = [
    {"row": 6, "column": "身份证号", "value": "430182********2000",
     "message": "身份证号“4.301*********02e+17”在Excel中被存成了数字，后几位已经丢失，无法恢复。"
                "请把这一列设置为“文本”格式，再重新录入完整的18位身份证号。"},
    {"row": 8, "column": "身份证号", "value": mask_id(ZHANG),
     "message": "身份证号与第4行重复：同一份清单中只能出现一次，本行未导入，请核对后删除或更正其中一行。"},
    {"row": 9, "column": "联系电话", "value": "0731-****6666",
     "message": "“0731-****6666”是固定电话或服务号码，这里需要填写11位手机号码。"},
    {"row": 9, "column": "人员类别", "value": "困难户",
     "message": "人员类别“困难户”无法识别，请填写脱贫人口、监测对象、农村低收入人口或其他"
                "（也可写脱贫户、边缘易致贫户、低保户、一般户等）。"},
]


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_county_file_imports_every_good_row_and_names_every_bad_one(session, vault, tmp_path):
    result = import_demand(session, vault, county_list(tmp_path), today=TODAY, actor=SYSTEM)
    assert contract(result.summary()) == {
        "rows": 6, "created": 3, "updated": 0, "unchanged": 0, "rejected": 3,
        "ignored_columns": ["乡镇", "家庭人口"], "errors": COUNTY_ERRORS,
    }
    assert count(session, Person) == 3


def test_the_messy_values_are_stored_normalised(session, vault, tmp_path):
    import_demand(session, vault, county_list(tmp_path), today=TODAY, actor=SYSTEM)
    zhang = find_person(session, vault, ZHANG)
    assert zhang.name == "张三"
    assert reveal_phone(zhang, vault) == "13800000000"
    assert (zhang.household_region_code, zhang.household_address) == ("430182", "宁乡市煤炭坝镇")
    assert zhang.category is PersonCategory.LIFTED_OUT_OF_POVERTY
    assert zhang.labour_ability is LabourAbility.WEAK
    assert zhang.employment_status is EmploymentStatus.UNEMPLOYED and zhang.employment_intent
    assert [(o.text, o.occupation_code) for o in zhang.wanted_occupations] == [
        ("普工", "6-00-00-00"), ("电焊工", "6-18-02-04"), ("保安", "4-07-05-01")]
    assert [(r.text, r.region_code) for r in zhang.wanted_regions] == [("广东", "44"), ("省内", "43")]
    assert (zhang.expected_wage_min, zhang.expected_wage_max, zhang.training_intent) == (4000, 5000, True)


def test_retired_codes_lower_case_x_and_relative_places_resolve(session, vault, tmp_path):
    import_demand(session, vault, county_list(tmp_path), today=TODAY, actor=SYSTEM)
    wang = find_person(session, vault, WANG)
    assert reveal_id_number(wang, vault).endswith("003X")
    assert (wang.household_region_code, wang.household_address) == ("430182", None)  # 430124 is 宁乡's old code
    assert wang.category is PersonCategory.MONITORED and wang.labour_ability is LabourAbility.HALF
    assert (wang.employment_status, wang.employment_place) == (EmploymentStatus.EMPLOYED, "县外务工")
    assert [(r.text, r.region_code) for r in wang.wanted_regions] == [("浙江宁波", "3302"), ("不限", None)]
    assert (wang.expected_wage_min, wang.expected_wage_max) == (5000, 5000)


def test_a_blank_household_comes_from_the_id_number(session, vault, tmp_path):
    import_demand(session, vault, county_list(tmp_path), today=TODAY, actor=SYSTEM)
    sun = find_person(session, vault, SUN)
    assert (sun.household_region_code, sun.household_address) == ("430182", None)
    assert sun.category is PersonCategory.RURAL_LOW_INCOME and not sun.employment_intent


def test_the_list_is_named_dated_and_placed_from_its_title_and_reporting_unit(session, vault, tmp_path):
    result = import_demand(session, vault, county_list(tmp_path), today=TODAY, actor=SYSTEM)
    demand_list = session.get(DemandList, result.list_id)
    assert (demand_list.name, demand_list.period, demand_list.origin_region_code) == (COUNTY_TITLE, "2025", "430182")
    entries = session.scalars(select(DemandEntry).order_by(DemandEntry.row_number)).all()
    assert [(e.row_key, e.row_number) for e in entries] == [("1", 4), ("3", 7), ("6", 10)]


def test_options_name_the_list_when_the_file_does_not(session, vault, tmp_path):
    path = write_xlsx(tmp_path / "plain.xlsx", demand_rows(("张三", ZHANG)))
    result = import_demand(session, vault, path, list_name="春季清单", period="2025春", origin="湘潭县", today=TODAY, actor=SYSTEM)
    demand_list = session.get(DemandList, result.list_id)
    assert (demand_list.name, demand_list.period, demand_list.origin_region_code) == ("春季清单", "2025春", "430321")


def test_without_title_or_option_the_list_takes_the_callers_default_name_and_the_first_workers_county(
        session, vault, tmp_path):
    result = import_demand(session, vault, write_xlsx(tmp_path / "plain.xlsx", demand_rows(("张三", ZHANG))),
                           default_name="plain", today=TODAY, actor=SYSTEM)
    demand_list = session.get(DemandList, result.list_id)
    assert (demand_list.name, demand_list.period, demand_list.origin_region_code) == ("plain", "2026", "430182")


def test_an_unknown_origin_option_is_refused_before_reading(session, vault, tmp_path):
    with pytest.raises(ListOptionError) as caught:
        import_demand(session, vault, county_list(tmp_path), origin="火星", today=TODAY, actor=SYSTEM)
    assert caught.value.message == "无法识别输出地“火星”：无法识别地点“火星”，请填写省、市、县（区）名称，或6位行政区划代码"


def test_importing_the_same_file_again_changes_nothing(session, vault, tmp_path):
    path = county_list(tmp_path)
    import_demand(session, vault, path, today=TODAY, actor=SYSTEM)
    again = import_demand(session, vault, path, today=TODAY, actor=SYSTEM)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 3, 3)
    assert count(session, Person) == 3 and count(session, DemandEntry) == 3 and count(session, DemandList) == 1


def test_a_corrected_file_updates_what_changed_and_says_so(session, vault, tmp_path):
    import_demand(session, vault, county_list(tmp_path), today=TODAY, actor=SYSTEM)
    rows = county_rows()
    rows[5][2] = LI  # the ID number retyped as text
    rows[6][3] = "13700000000"  # 王五 got a phone
    result = import_demand(session, vault, county_list(tmp_path, "corrected.xlsx", rows), today=TODAY, actor=SYSTEM)
    assert (result.created, result.updated, result.unchanged, result.rejected) == (1, 1, 2, 2)
    assert [error["row"] for error in result.summary()["errors"]] == [8, 9, 9]
    assert reveal_phone(find_person(session, vault, WANG), vault) == "13700000000"


def test_the_same_person_in_another_list_is_one_person_with_two_entries(session, vault, tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", demand_rows(("张三", ZHANG)))
    import_demand(session, vault, path, list_name="一月", today=TODAY, actor=SYSTEM)
    result = import_demand(session, vault, path, list_name="二月", today=TODAY, actor=SYSTEM)
    assert (result.created, result.updated, result.unchanged) == (1, 0, 0)
    assert count(session, Person) == 1 and count(session, DemandEntry) == 2


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(session, vault, tmp_path):
    result = import_demand(session, vault, county_list(tmp_path), dry_run=True, today=TODAY, actor=SYSTEM)
    assert (result.created, result.rejected) == (3, 3)
    assert count(session, Person) == 0 and count(session, DemandList) == 0


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_a_csv_list_in_gb18030_or_with_a_bom_imports(session, vault, tmp_path, encoding):
    rows = [["序号", "姓名", "身份证号码", "手机号", "户籍地", "人员类别", "意向工种"],
            [1, "张三", ZHANG, full_width("13800000000"), "湖南省长沙市宁乡市", "脱贫户", "普工、保安"],
            [2, "李四", "4.30182E+17", "", "宁乡市", "一般户", ""]]
    result = import_demand(session, vault, write_csv(tmp_path / "list.csv", rows, encoding=encoding),
                           default_name="list", today=TODAY, actor=SYSTEM)
    assert (result.rows, result.created, result.rejected) == (2, 1, 1)
    assert result.summary()["errors"] == [{
        "row": 3, "column": "身份证号", "value": "4.30182E+17",
        "message": "身份证号“4.30182E+17”在Excel中被存成了数字，后几位已经丢失，无法恢复。"
                   "请把这一列设置为“文本”格式，再重新录入完整的18位身份证号。"}]
    assert find_person(session, vault, ZHANG).name == "张三"


def test_a_retired_county_code_in_the_id_number_is_accepted(session, vault, tmp_path):
    path = write_xlsx(tmp_path / "old.xlsx", demand_rows(("老王", RETIRED)))
    result = import_demand(session, vault, path, default_name="old", today=TODAY, actor=SYSTEM)
    assert result.created == 1
    person = find_person(session, vault, RETIRED)
    assert (person.issuing_region_code, person.household_region_code) == ("430124", "430182")


def test_required_cells_left_blank_are_named(session, vault, tmp_path):
    rows = [["姓名", "身份证号", "人员类别", "意向地区"], [None, QIAN, None, "火星"], ["钱七", None, "脱贫户", None]]
    result = import_demand(session, vault, write_xlsx(tmp_path / "blank.xlsx", rows), default_name="blank",
                           today=TODAY, actor=SYSTEM)
    assert result.summary()["errors"] == [
        {"row": 2, "column": "姓名", "value": "", "message": "姓名为空，请填写劳动力本人姓名。"},
        {"row": 2, "column": "人员类别", "value": "",
         "message": "人员类别为空，请填写脱贫人口、监测对象、农村低收入人口或其他。"},
        {"row": 2, "column": "意向地区", "value": "火星",
         "message": "无法识别地点“火星”，请填写省、市、县（区）名称，或6位行政区划代码"},
        {"row": 3, "column": "身份证号", "value": "", "message": "身份证号为空，请填写18位身份证号。"},
    ]


def test_a_masked_id_number_is_refused_with_the_reason(session, vault, tmp_path):
    rows = demand_rows(("张三", ZHANG[:6] + "********" + ZHANG[-4:]))
    result = import_demand(session, vault, write_xlsx(tmp_path / "masked.xlsx", rows), default_name="masked",
                           today=TODAY, actor=SYSTEM)
    assert result.summary()["errors"][0]["message"] == (
        f"身份证号“{ZHANG[:6]}********{ZHANG[-4:]}”是遮盖后的号码，无法导入：请填写完整的18位身份证号"
        "（导出清单时加 --reveal 可得到完整号码）。"
    )


def test_a_file_that_is_not_a_demand_list_writes_nothing(session, vault, tmp_path):
    with pytest.raises(NotAList):
        import_demand(session, vault, supply_list(tmp_path), today=TODAY, actor=SYSTEM)
    assert count(session, Person) == 0 and count(session, DemandList) == 0


def test_the_error_report_holds_the_rejected_rows_as_they_were_and_imports_once_fixed(session, vault, tmp_path):
    result = import_demand(session, vault, county_list(tmp_path), today=TODAY, actor=SYSTEM)
    report = write_error_report(result, tmp_path / "errors.xlsx", reveal=True)
    sheet = load_workbook(report).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:3] == [f"清单名称：{COUNTY_TITLE}", "清单期间：2025", "输出地：湖南省长沙市宁乡市（430182）"]
    assert rows[1][:3] == ["序号", "姓名", "公民身份号码"] and rows[1][-2:] == ["原文件行号", "错误说明"]
    assert [(row[1], row[-2]) for row in rows[2:]] == [("李四", 6), ("赵六", 8), ("钱七", 9)]
    assert rows[2][2] == pytest.approx(4.30182197811302e+17)
    assert rows[4][-1] == ("联系电话：“0731-****6666”是固定电话或服务号码，这里需要填写11位手机号码。；"
                           f"人员类别：{COUNTY_ERRORS[3]['message']}")
    assert sheet.freeze_panes == "A3"

    sheet["C3"] = LI  # the clerk retypes 李四's ID number as text …
    sheet.delete_rows(4, 2)  # … and drops the other two rows
    sheet.parent.save(report)
    fixed = import_demand(session, vault, report, today=TODAY, actor=SYSTEM)
    assert contract(fixed.summary()) == {"rows": 1, "created": 1, "updated": 0, "unchanged": 0, "rejected": 0,
                               "ignored_columns": ["乡镇", "家庭人口"], "errors": []}
    assert count(session, DemandList) == 1 and count(session, DemandEntry) == 4


def test_a_crash_half_way_keeps_the_committed_batches_and_a_rerun_completes_the_import(
        session, vault, tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "long.xlsx", demand_rows(*generated_people(250)))
    real_add_people = demand_module.add_people
    calls = []

    def power_cut(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_add_people(*args, **kwargs)

    monkeypatch.setattr(demand_module, "add_people", power_cut)
    with pytest.raises(KeyboardInterrupt):
        import_demand(session, vault, path, default_name="long", batch_size=100, today=TODAY, actor=SYSTEM)
    assert count(session, Person) == 200 and count(session, DemandEntry) == 200
    monkeypatch.setattr(demand_module, "add_people", real_add_people)
    resumed = import_demand(session, vault, path, default_name="long", batch_size=100, today=TODAY, actor=SYSTEM)
    assert (resumed.created, resumed.updated, resumed.unchanged) == (50, 0, 200)


def test_an_interrupt_while_the_file_is_read_writes_nothing(session, vault, tmp_path):
    path = write_xlsx(tmp_path / "long.xlsx", demand_rows(*generated_people(250)))
    calls = []

    def power_cut(rows: int) -> None:
        calls.append(rows)
        if len(calls) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_demand(session, vault, path, default_name="long", batch_size=100, progress=power_cut, today=TODAY, actor=SYSTEM)
    assert count(session, Person) == 0 and count(session, DemandList) == 0


def test_progress_is_reported_in_rows(session, vault, tmp_path):
    path = write_xlsx(tmp_path / "long.xlsx", demand_rows(*generated_people(250)))
    seen = []
    import_demand(session, vault, path, default_name="long", batch_size=100, progress=seen.append, today=TODAY, actor=SYSTEM)
    assert seen == [100, 100, 50]
