"""Downloadable templates for the demand and supply lists (docs/formats.md, "Demand list" and "Supply list").

The first sheet has the canonical headers in their order (required ones shaded orange), ID and phone
columns formatted as text, drop-down lists for the enumerated columns and an example row whose 序号 is
"示例" (the importer skips it). The second sheet explains every column in Chinese, with examples.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from jobs.lists.columns import COLUMNS, ListKind, kind_label
from jobs.rendering.xlsx import put, save, style_header

__all__ = ["write_template", "EXAMPLE_KEY", "TEMPLATE_ROWS"]

EXAMPLE_KEY = "示例"
# Rows below the header that carry the drop-down lists and the text format.
TEMPLATE_ROWS = 5000
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")
EXAMPLE_FONT = Font(color="808080", italic=True)

_GENERAL_NOTES = {
    "demand": (
        "本表为就业需求清单（一行一名劳动力）。第1行为表头，请不要修改列名；多出的列导入时会被忽略并提示。",
        "第2行是示例（序号为“示例”），导入时自动跳过，可以保留或删除。",
        "橙色表头为必填列；其余列可以不填。",
        "身份证号、联系电话两列已设为“文本”格式。从其他表格粘贴时请用“选择性粘贴→数值”，"
        "否则Excel可能把身份证号变成4.30182E+17这样的科学计数法，后几位数字会永久丢失。",
        "同一个身份证号在一份清单中只能出现一次；再次导入同一份清单不会重复登记，修改后的清单会更新已有记录。",
        "导入命令：bangfu import demand 清单文件.xlsx（先加 --dry-run 只检查不写入，加 --report 错误行.xlsx 导出错误行）。",
    ),
    "supply": (
        "本表为岗位供给清单（一行一个岗位）。第1行为表头，请不要修改列名；多出的列导入时会被忽略并提示。",
        "第2行是示例（序号为“示例”），导入时自动跳过，可以保留或删除。",
        "橙色表头为必填列；其余列可以不填。",
        "同一用人单位（按统一社会信用代码，未填时按单位名称）、同一岗位名称、同一工作地点视为同一个岗位，"
        "再次导入会更新该岗位而不会重复登记。",
        "统一社会信用代码、联系电话两列已设为“文本”格式；联系电话可以填手机号，也可以填带区号的固定电话。",
        "导入命令：bangfu import supply 清单文件.xlsx（先加 --dry-run 只检查不写入，加 --report 错误行.xlsx 导出错误行）。",
    ),
}


def write_template(kind: ListKind, path: str | Path) -> Path:
    """Write the template of a demand (``"demand"``) or supply (``"supply"``) list to ``path`` (.xlsx)."""
    columns = COLUMNS[kind]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = kind_label(kind)
    headers = [column.header for column in columns]
    text_columns = {index for index, column in enumerate(columns) if column.text_format}
    style_header(sheet, headers, text_columns, [column.width for column in columns])
    for index, column in enumerate(columns, start=1):
        if column.required:
            sheet.cell(row=1, column=index).fill = REQUIRED_FILL
        value = EXAMPLE_KEY if column.key == "row_key" else (column.example or None)
        cell = put(sheet, 2, index, value, text=column.text_format)
        cell.font = EXAMPLE_FONT
        if column.choices:
            sheet.add_data_validation(_drop_down(column.header, column.choices, column.strict_choices,
                                                 get_column_letter(index)))
    _instructions(workbook.create_sheet("填写说明"), kind)
    return save(workbook, path)


def _drop_down(header: str, choices: tuple[str, ...], strict: bool, letter: str) -> DataValidation:
    """A drop-down list; a strict one refuses other values, a loose one only suggests."""
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        showDropDown=False,  # openpyxl's name is inverted: False shows the in-cell arrow
        showErrorMessage=strict,
        errorStyle="stop",
        errorTitle=f"{header}填写有误",
        error=f"请从下拉列表中选择：{'、'.join(choices)}。",
        showInputMessage=True,
        promptTitle=header,
        prompt=f"可选：{'、'.join(choices)}"[:255],
    )
    validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    return validation


def _instructions(sheet, kind: ListKind) -> None:
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 10
    sheet.column_dimensions["C"].width = 70
    sheet.column_dimensions["D"].width = 30
    put(sheet, 1, 1, f"{kind_label(kind)}填写说明").font = Font(bold=True, size=14)
    line = 2
    for note in _GENERAL_NOTES[kind]:
        cell = put(sheet, line, 1, f"{line - 1}. {note}")
        sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=4)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[line].height = 32
        line += 1
    line += 1
    for index, title in enumerate(("列名", "是否必填", "填写内容", "示例"), start=1):
        cell = put(sheet, line, index, title)
        cell.font = Font(bold=True)
    for column in COLUMNS[kind]:
        line += 1
        values = (column.header, "必填" if column.required else "选填", column.help, column.example)
        for index, value in enumerate(values, start=1):
            cell = put(sheet, line, index, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
