"""Small helpers for the workbooks the project writes: a styled, frozen header, text-format cells for ID and
phone numbers (so that Excel never turns them into numbers), and column widths that fit Chinese text."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["TEXT_FORMAT", "display_width", "fit_widths", "style_header", "StreamingSheet", "new_streaming_workbook",
           "save"]

TEXT_FORMAT = "@"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TITLE_FONT = Font(bold=True, size=14)
MIN_WIDTH = 6
MAX_WIDTH = 40
# The rows a streamed sheet looks at to size its columns (widths must be set before the first row).
WIDTH_SAMPLE = 200


def display_width(value: object) -> int:
    """How many character cells ``value`` takes in Excel: Chinese (wide) characters count twice."""
    if value is None:
        return 0
    text = str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit_widths(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> list[float]:
    """Column widths that fit the header and the sampled rows, within sensible bounds."""
    widths = [display_width(h) for h in headers]
    for row in rows:
        for index, value in enumerate(row):
            if index >= len(widths):
                widths.append(0)
            widths[index] = max(widths[index], display_width(value))
    return [min(max(w + 2, MIN_WIDTH), MAX_WIDTH) for w in widths]


def style_header(sheet: Worksheet, headers: Sequence[str], text_columns: set[int], widths: Sequence[float], *,
                 row: int = 1) -> None:
    """Write a bold, shaded header on ``row`` of an ordinary worksheet, freeze the rows down to it and size
    the columns."""
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=row, column=index, value=header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for index, width in enumerate(widths, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = width
        if index - 1 in text_columns:
            dimension.number_format = TEXT_FORMAT
    sheet.freeze_panes = f"A{row + 1}"


class StreamingSheet:
    """A write-only worksheet for large exports: a frozen, styled header, text-format columns, widths
    fitted on the first :data:`WIDTH_SAMPLE` rows (which are buffered until then)."""

    def __init__(self, workbook: Workbook, title: str, headers: Sequence[str], text_columns: set[int], *,
                 preamble: Sequence[Sequence[object]] = ()) -> None:
        self.sheet = workbook.create_sheet(title=title[:31])
        self.headers = list(headers)
        self.text_columns = text_columns
        self.preamble = [list(row) for row in preamble]
        self._buffer: list[Sequence[object]] | None = []
        self.rows = 0

    def append(self, row: Sequence[object]) -> None:
        self.rows += 1
        if self._buffer is not None:
            self._buffer.append(row)
            if len(self._buffer) >= WIDTH_SAMPLE:
                self._start()
            return
        self._write(row)

    def close(self) -> None:
        if self._buffer is not None:
            self._start()

    def _start(self) -> None:
        buffered, self._buffer = self._buffer or [], None
        for index, width in enumerate(fit_widths(self.headers, buffered), start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        self.sheet.freeze_panes = f"A{len(self.preamble) + 2}"
        for number, row in enumerate(self.preamble):
            cells = []
            for value in row:
                cell = WriteOnlyCell(self.sheet, value=value)
                if number == 0:
                    cell.font = TITLE_FONT
                cells.append(cell)
            self.sheet.append(cells)
        header = []
        for value in self.headers:
            cell = WriteOnlyCell(self.sheet, value=value)
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            header.append(cell)
        self.sheet.append(header)
        for row in buffered:
            self._write(row)

    def _write(self, row: Sequence[object]) -> None:
        cells = []
        for index, value in enumerate(row):
            if index in self.text_columns and value not in (None, ""):
                cell = WriteOnlyCell(self.sheet, value=str(value))
                cell.number_format = TEXT_FORMAT
                cells.append(cell)
            else:
                cells.append(value)
        self.sheet.append(cells)


def new_streaming_workbook() -> Workbook:
    return Workbook(write_only=True)


def save(workbook: Workbook, path: str | Path) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return target
