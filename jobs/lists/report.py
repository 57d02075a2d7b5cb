"""The error report: the rejected rows as they were, under the file's own header, with two columns added
(原文件行号, 错误说明). A clerk fixes just those rows and imports the report itself: the importer recognises
the added columns and skips them, and the lines above the header (清单名称, 清单期间, 输出地 / 地区) send the
rows to the same list as the original file.

ID and phone numbers are masked in the report unless it is written with ``reveal`` (then the caller records
the reveal in the audit log with :func:`record_report_reveal`, as for an export with clear numbers)."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from sqlalchemy.orm import Session

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from jobs.lists.columns import REPORT_COLUMNS, kind_label
from jobs.lists.importing import ImportResult
from jobs.lists.masking import mask_numbers_in
from jobs.lists.values import display_value
from jobs.access.permissions import Actor
from jobs.storage import audit
from jobs.lists.preamble import ORIGIN_LABEL, REGION_LABEL, describe_list
from jobs.rendering.xlsx import append_row, fit_widths, put, save, style_header
from jobs.people.regions import region_table

__all__ = ["write_error_report", "record_report_reveal"]

ERROR_FONT = Font(color="C00000")


def write_error_report(result: ImportResult, path: str | Path | IO[bytes], *, reveal: bool = False
                       ) -> Path | IO[bytes]:
    """Write the rejected rows of ``result`` to an xlsx file at ``path`` or to a binary stream (header only
    when none were); ID and phone numbers masked unless ``reveal``."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{kind_label(result.kind)}错误行"[:31]
    rows = sorted(result.rejected_rows, key=lambda pair: pair[0].number)
    width = max([len(result.headers), *(len(row.cells) for row, _ in rows)])
    headers = [*result.headers, *[""] * (width - len(result.headers)), *REPORT_COLUMNS]
    body = []
    for row, errors in rows:
        cells = list(row.cells) + [None] * (width - len(row.cells))
        if not reveal:
            for index in result.sensitive_columns:
                shown = display_value(cells[index]) if index < len(cells) else ""
                if shown:
                    cells[index] = mask_numbers_in(shown)
        explanation = "；".join(f"{error.column}：{error.message}" for error in errors)
        body.append([*cells, row.number, explanation])
    preamble = _preamble(result)
    if preamble:
        append_row(sheet, preamble)
    top = 1 if preamble else 0
    widths = fit_widths(headers, body[:200])
    style_header(sheet, headers, result.text_columns, widths, row=top + 1)
    for line, values in enumerate(body, start=top + 2):
        for column, value in enumerate(values, start=1):
            # Text-format string cells keep ID and phone numbers as text when retyped.
            put(sheet, line, column, value, text=isinstance(value, str))
        sheet.cell(row=line, column=len(headers)).font = ERROR_FONT
        sheet.cell(row=line, column=len(headers)).alignment = Alignment(wrap_text=True, vertical="top")
    return save(workbook, path)


def _preamble(result: ImportResult) -> list[str]:
    """The lines that name the list the rows were meant for (none when no list was made)."""
    if not (result.list_name and result.period and result.region_code):
        return []
    label = ORIGIN_LABEL if result.kind == "demand" else REGION_LABEL
    return describe_list(result.list_name, result.period, label, region_table().current(result.region_code))


def record_report_reveal(session: Session, *, result: ImportResult, path: str | Path | None,
                         actor: Actor) -> None:
    """The audit event of an error report written with clear ID and phone numbers (the caller commits)."""
    audit.record(session, action="reveal", actor=actor,
                 object_type=f"{result.kind}_import_report", object_id=result.list_id or result.list_name,
                 after={"file": Path(path).name if path is not None else None, "rows": result.rejected})
