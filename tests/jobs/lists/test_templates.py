"""The downloadable templates: canonical headers in order, text-format numbers, drop-downs, an example row the
importer skips, and instructions in Chinese."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from jobs.access.permissions import SYSTEM
from jobs.lists import import_demand, import_supply, write_template
from jobs.lists.columns import DEMAND_COLUMNS, SUPPLY_COLUMNS
from tests.jobs.lists.gallery import TODAY

DEMAND_HEADERS = ["序号", "姓名", "身份证号", "联系电话", "户籍地", "人员类别", "劳动能力", "文化程度", "技能特长", "就业状态",
                  "就业意愿", "意向工种", "意向地区", "期望月薪", "培训意愿", "备注"]
SUPPLY_HEADERS = ["序号", "用人单位", "统一社会信用代码", "岗位名称", "招聘人数", "工作地点", "月薪", "年龄要求", "学历要求",
                  "技能要求", "劳动强度", "食宿", "合同期限", "联系人", "联系电话", "截止日期", "备注"]


@pytest.mark.parametrize(("kind", "headers"), [("demand", DEMAND_HEADERS), ("supply", SUPPLY_HEADERS)])
def test_the_template_has_the_canonical_headers_in_order(tmp_path, kind, headers):
    sheet = load_workbook(write_template(kind, tmp_path / "t.xlsx")).worksheets[0]
    assert [cell.value for cell in sheet[1]] == headers
    assert sheet.freeze_panes == "A2"


def test_id_and_phone_columns_are_text_so_excel_keeps_every_digit(tmp_path):
    sheet = load_workbook(write_template("demand", tmp_path / "t.xlsx")).worksheets[0]
    assert sheet.column_dimensions["C"].number_format == "@" and sheet.column_dimensions["D"].number_format == "@"
    assert sheet["C2"].number_format == "@" and sheet["C2"].value == "430182199003154517"


def test_enumerated_columns_have_drop_down_lists(tmp_path):
    sheet = load_workbook(write_template("demand", tmp_path / "t.xlsx")).worksheets[0]
    lists = {str(v.sqref).split(":")[0]: v for v in sheet.data_validations.dataValidation}
    assert lists["F2"].formula1 == '"脱贫人口,监测对象,农村低收入人口,其他"' and lists["F2"].showErrorMessage
    assert lists["G2"].formula1 == '"普通劳动力,弱劳动力,半劳动力,丧失劳动力"'
    assert lists["K2"].formula1 == '"是,否"' and lists["O2"].formula1 == '"是,否"'
    assert not lists["H2"].showErrorMessage  # 文化程度: suggestions, other values allowed


def test_the_instructions_sheet_explains_every_column_in_chinese(tmp_path):
    workbook = load_workbook(write_template("supply", tmp_path / "t.xlsx"))
    sheet = workbook["填写说明"]
    described = {row[0]: row for row in sheet.iter_rows(values_only=True) if row[0] in SUPPLY_HEADERS}
    assert set(described) == set(SUPPLY_HEADERS)
    assert described["用人单位"][1] == "必填" and described["月薪"][1] == "选填"
    assert "底薪3000+提成" in described["月薪"][2]


@pytest.mark.parametrize(("kind", "importer"), [("demand", import_demand), ("supply", import_supply)])
def test_the_example_row_is_skipped_and_is_itself_a_valid_row(session, vault, tmp_path, kind, importer):
    path = write_template(kind, tmp_path / "t.xlsx")
    assert importer(session, vault, path, default_name="template", today=TODAY, actor=SYSTEM).rows == 0
    workbook = load_workbook(path)
    workbook.worksheets[0]["A2"] = 1
    workbook.save(path)
    result = importer(session, vault, path, default_name="template", today=TODAY, actor=SYSTEM)
    assert (result.rows, result.created, result.rejected) == (1, 1, 0)


def test_every_column_has_help_and_the_required_ones_are_the_keys():
    assert all(column.help for column in DEMAND_COLUMNS + SUPPLY_COLUMNS)
    assert [c.header for c in DEMAND_COLUMNS if c.required] == ["姓名", "身份证号", "人员类别"]
    assert [c.header for c in SUPPLY_COLUMNS if c.required] == ["用人单位", "岗位名称", "工作地点"]
