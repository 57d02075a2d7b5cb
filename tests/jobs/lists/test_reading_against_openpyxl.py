"""The sheet reader of list files (reading._sheet_rows: the regular-expression reader, expat where it is unsure)
gives the values openpyxl's read-only reader gives: the same values of the same types in the same rows."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from jobs.lists.reading import DEFAULT_LIMITS, _sheet_rows
from tests.jobs.lists.gallery import county_list, supply_list

SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _both(path: Path) -> tuple[list[tuple], list[tuple]]:
    """openpyxl's rows and ours, each as a row per row number (an empty tuple where the sheet has none).

    A row number given twice is where the two differ, on purpose: openpyxl drops the second row without a word,
    the list reader keeps it (an import then reports it under its number); here the second is left out."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        expected = [tuple(row) for row in sheet.iter_rows(values_only=True)]
        ours: list[tuple] = []
        for row in _sheet_rows(path.name, workbook, sheet, DEFAULT_LIMITS):
            if row.number > len(ours):
                ours.extend([()] * (row.number - 1 - len(ours)))
                ours.append(row.cells)
    finally:
        workbook.close()
    return expected, ours


def _typed(rows: list[tuple]) -> list[list[tuple[type, object]]]:
    return [[(type(value), value) for value in row] for row in rows]


def test_every_kind_of_value_openpyxl_writes_reads_the_same(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "姓名", "身份证号", "日期", "时间", "金额", "是否", "公式"])
    sheet.append([1, "张三", "430124199003154513", dt.date(2025, 3, 1), dt.datetime(2025, 3, 1, 8, 30), 4500.5,
                  True, "=A2+1"])
    sheet.append([2, "李四", 430124199003154513, dt.time(7, 15), dt.timedelta(hours=30), Decimal("12.25"), False])
    sheet.append([])
    sheet.append([None, None, "  带空格  ", None])
    sheet["J9"] = "远处的格子"
    sheet["C12"] = 1e20
    sheet.merge_cells("A20:D20")
    sheet["A20"] = "合并的格子"
    path = tmp_path / "kinds.xlsx"
    workbook.save(path)
    expected, fast = _both(path)
    assert _typed(fast) == _typed(expected)
    assert len(expected) == 20


@pytest.mark.parametrize("make", [county_list, supply_list])
def test_the_gallery_lists_read_the_same(tmp_path, make):
    expected, fast = _both(make(tmp_path))
    assert _typed(fast) == _typed(expected)


def _rewrite_sheet(tmp_path: Path, body: str, *, date1904: bool = False) -> Path:
    """An xlsx whose first sheet's XML is ``body`` (written by hand, as other programs write it)."""
    source = tmp_path / "base.xlsx"
    workbook = Workbook()
    workbook.active["B1"] = dt.date(2025, 1, 1)  # a date style in the style sheet, index 1
    workbook.save(source)
    target = tmp_path / "hand.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename == SHEET:
                data = body.encode("utf-8")
            elif item.filename == "xl/workbook.xml" and date1904:
                data = data.replace(b"<workbookPr", b'<workbookPr date1904="1"', 1)
            new.writestr(item, data)
    return target


HAND_WRITTEN = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<x:worksheet xmlns:x="{MAIN}"><x:sheetData>
<x:row r="2"><x:c r="A2"><x:v>7</x:v></x:c><x:c r="C2" t="inlineStr"><x:is><x:t>内联</x:t></x:is></x:c></x:row>
<x:row><x:c t="inlineStr"><x:is><x:r><x:t>富</x:t></x:r><x:r><x:t>文本</x:t></x:r><x:rPh sb="0" eb="1"><x:t>フリガナ</x:t></x:rPh></x:is></x:c><x:c t="b"><x:v>1</x:v></x:c><x:c t="e"><x:v>#N/A</x:v></x:c><x:c t="str"><x:f>A1</x:f><x:v>公式的结果</x:v></x:c></x:row>
<x:row r="5"><x:c r="B5" s="1"><x:v>45657</x:v></x:c><x:c r="D5"><x:v>1.5E+3</x:v></x:c><x:c r="E5"><x:v></x:v></x:c><x:c r="F5" t="inlineStr"><x:is><x:t></x:t></x:is></x:c><x:c r="G5" s="1"/></x:row>
<x:row r="5"><x:c r="A5"><x:v>9</x:v></x:c></x:row>
<x:row r="7.0" spans="1:3"><x:c r="AA7" t="d"><x:v>2025-03-01T08:00:00</x:v></x:c></x:row>
</x:sheetData></x:worksheet>"""


@pytest.mark.parametrize("date1904", [False, True])
def test_hand_written_sheets_read_the_same(tmp_path, date1904):
    expected, fast = _both(_rewrite_sheet(tmp_path, HAND_WRITTEN, date1904=date1904))
    assert _typed(fast) == _typed(expected)
    assert expected[1][2] == "内联" and expected[2][0] == "富文本" and len(expected) == 7


def test_a_row_number_given_twice_keeps_both_rows(tmp_path):
    path = _rewrite_sheet(tmp_path, HAND_WRITTEN)
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = list(_sheet_rows(path.name, workbook, workbook.worksheets[0], DEFAULT_LIMITS))
    finally:
        workbook.close()
    assert [row.number for row in rows] == [2, 3, 5, 5, 7]
    assert rows[3].cells == (9,)


def test_reading_stops_cleanly_when_the_caller_stops_early(tmp_path):
    workbook = Workbook()
    for number in range(1, 5001):
        workbook.active.append([number, f"第{number}行"])
    path = tmp_path / "long.xlsx"
    workbook.save(path)
    opened = load_workbook(path, read_only=True, data_only=True)
    rows = _sheet_rows(path.name, opened, opened.worksheets[0], DEFAULT_LIMITS)
    assert next(rows).cells == (1, "第1行")
    rows.close()
    opened.close()
