"""Finding the list in a file: formats, encodings, header rows under titles, tolerant headers, and files that
are not lists at all."""

from __future__ import annotations

import zipfile

import pytest

from jobs.lists.columns import DEMAND_COLUMNS, SUPPLY_COLUMNS, map_headers
from jobs.lists.reading import NotAList, open_list
from tests.jobs.lists.gallery import (
    COUNTY_TITLE,
    ZHANG,
    county_list,
    demand_rows,
    supply_list,
    write_csv,
    write_xlsx,
)


def test_the_canonical_headers_map_to_every_column_in_order():
    for kind, columns in (("demand", DEMAND_COLUMNS), ("supply", SUPPLY_COLUMNS)):
        header = map_headers([c.header for c in columns], kind)
        assert header.positions == {c.key: i for i, c in enumerate(columns)}
        assert header.ignored == []


@pytest.mark.parametrize(("header", "column"), [
    ("身份证号码", "id_number"), ("公民身份号码", "id_number"), ("身份证号（18位）*", "id_number"),
    ("身份证号吗", "id_number"), ("手机号", "phone"), ("户籍所在地", "household"), ("意向岗位", "wanted_occupations"),
    ("期望工资", "expected_wage"), ("就业状况", "employment_status"), ("是否有就业意愿（是/否）", "employment_intent"),
])
def test_demand_headers_are_recognised_by_synonym_remark_and_near_miss(header, column):
    assert map_headers(["姓名", header], "demand").positions[column] == 1


def test_a_header_about_someone_else_is_not_the_workers_column():
    header = map_headers(["姓名", "身份证号", "户主身份证号", "紧急联系人电话"], "demand")
    assert header.positions == {"name": 0, "id_number": 1}
    assert header.ignored == ["户主身份证号", "紧急联系人电话"]


def test_a_chinese_header_names_its_column_last():
    header = map_headers(["用人单位", "岗位名称", "用人单位联系人", "用人单位联系电话"], "supply")
    assert header.positions["contact_name"] == 2 and header.positions["contact_phone"] == 3


def test_a_column_is_taken_once_and_the_canonical_name_wins_the_other_is_named_a_duplicate():
    header = map_headers(["姓名", "手机号", "身份证号", "联系电话"], "demand")
    assert header.positions["phone"] == 3
    assert header.ignored == []
    assert header.duplicates == [("手机号", "联系电话")]


def test_the_header_is_found_under_a_merged_title_and_a_reporting_line(tmp_path):
    with open_list(county_list(tmp_path), "demand") as source:
        assert source.header_row == 3
        assert source.ignored_columns == ["乡镇", "家庭人口"]
        assert source.preamble[0] == COUNTY_TITLE
        numbers = [row.number for row in source.data_rows()]
    assert numbers == [4, 6, 7, 8, 9, 10]  # row 5 is blank, row 11 is the 合计 footer


def test_the_first_sheet_that_holds_a_list_is_taken(tmp_path):
    path = write_xlsx(tmp_path / "two.xlsx", demand_rows(("张三", ZHANG)),
                      sheets_before=(("说明", [["填表说明：请按模板填写"], ["月份", "收入"]]),))
    with open_list(path, "demand") as source:
        assert source.sheet == "清单"
        assert [row.number for row in source.data_rows()] == [2]


def test_a_second_header_row_under_merged_group_headers_is_combined(tmp_path):
    rows = [
        ["序号", "姓名", "身份证号", "人员类别", "就业意向", None, None],
        [None, None, None, None, "意向工种", "意向地区", "期望月薪"],
        [1, "张三", ZHANG, "脱贫户", "普工", "广东", "5000"],
    ]
    with open_list(write_xlsx(tmp_path / "grouped.xlsx", rows), "demand") as source:
        assert source.header.has("wanted_occupations", "wanted_regions", "expected_wage")
        assert [row.number for row in source.data_rows()] == [3]


def test_rows_with_only_a_number_and_the_templates_example_row_are_not_data(tmp_path):
    rows = [*demand_rows(("张三", ZHANG)), [2], [3], ["示例", "李四"]]
    with open_list(write_xlsx(tmp_path / "numbered.xlsx", rows), "demand") as source:
        assert [row.number for row in source.data_rows()] == [2]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_files_are_read_in_gb18030_and_utf8_with_or_without_bom(tmp_path, encoding):
    path = write_csv(tmp_path / "list.csv", [["宁乡市就业需求清单"], *demand_rows(("张三", ZHANG))], encoding=encoding)
    with open_list(path, "demand") as source:
        (row,) = list(source.data_rows())
    assert row.number == 3
    assert source.get(row, "name") == "张三" and source.get(row, "category") == "脱贫人口"


def test_an_unreadable_file_is_not_a_list(tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"\x00\x01\x02 not a spreadsheet \xff")
    with pytest.raises(NotAList) as caught, open_list(path, "demand"):
        pass
    assert caught.value.message == (
        "无法读取“list.xlsx”：它既不是Excel工作簿（.xlsx），也不是UTF-8或GB18030（GBK）编码的CSV文本文件；"
        "第1行（文件第23个字节）处的内容无法识别。请用Excel打开后另存为“CSV UTF-8”或.xlsx再导入。")


def test_binary_content_is_not_a_list(tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(NotAList) as caught, open_list(path, "demand"):
        pass
    assert caught.value.message == "无法读取“photo.csv”：这不是表格文件（含有二进制内容）。"


def test_a_zip_that_is_no_workbook_is_not_a_list(tmp_path):
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(NotAList) as caught, open_list(path, "demand"):
        pass
    assert caught.value.message.startswith("无法读取“broken.xlsx”：文件已损坏，或不是Excel工作簿（.xlsx）。")


def test_an_old_xls_file_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(NotAList) as caught, open_list(path, "demand"):
        pass
    assert caught.value.message == (
        "“old.xls”是旧版Excel（.xls）文件，无法直接读取：请在Excel中“另存为”Excel工作簿（.xlsx）后再导入。"
    )


def test_a_workbook_without_a_list_says_which_headers_are_missing(tmp_path):
    path = write_xlsx(tmp_path / "budget.xlsx", [["月份", "收入", "支出"], ["1月", 100, 80]])
    with pytest.raises(NotAList) as caught, open_list(path, "demand"):
        pass
    assert caught.value.message == (
        "“budget.xlsx”中没有找到就业需求清单的表头：表头行应包含“姓名”和“身份证号”列"
        "（可用 bangfu template demand 下载模板）。"
    )


def test_a_supply_list_given_as_a_demand_list_says_which_command_to_use(tmp_path):
    with pytest.raises(NotAList) as caught, open_list(supply_list(tmp_path), "demand"):
        pass
    assert caught.value.message == "“supply.xlsx”看起来是岗位供给清单，不是就业需求清单：请用 bangfu import supply 导入。"


def test_the_row_count_of_a_sheet_without_a_stated_dimension_is_estimated(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("清单")
    for row in demand_rows(*[(f"人{i}", ZHANG) for i in range(30)]):
        sheet.append(row)
    workbook.save(tmp_path / "streamed.xlsx")
    with open_list(tmp_path / "streamed.xlsx", "demand") as source:
        assert source.estimated_rows == 30
