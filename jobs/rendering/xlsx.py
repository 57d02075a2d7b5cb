"""The workbooks bangfu writes: a styled, frozen header, text-format cells for ID and phone numbers (so that
Excel never turns them into numbers), column widths that fit Chinese text, and cells that never hold a
formula (every string is written as string data: see :mod:`jobs.rendering.cells`)."""

from __future__ import annotations

import io
import os
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from jobs.errors import InvalidInput
from jobs.rendering.cells import sheet_text

__all__ = ["TEXT_FORMAT", "display_width", "fit_widths", "style_header", "StreamingSheet", "new_streaming_workbook",
           "save", "put", "safe_cell", "append_row", "simple_workbook", "check_writable", "OutputNotWritable"]

TEXT_FORMAT = "@"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TITLE_FONT = Font(bold=True, size=14)
MIN_WIDTH = 6
MAX_WIDTH = 40
# The rows a streamed sheet looks at to size its columns (widths must be set before the first row).
WIDTH_SAMPLE = 200


class OutputNotWritable(InvalidInput):
    """The file cannot be written where asked (no such folder, no permission, a folder of that name)."""


def display_width(value: object) -> int:
    """How many character cells ``value`` takes in Excel: Chinese (wide) characters count twice."""
    if value is None:
        return 0
    text = str(value)[:MAX_WIDTH * 2]
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


def safe_cell(sheet: Worksheet, value: object, *, text: bool = False, column: int = 1) -> Cell:
    """A detached cell for ``sheet`` (ordinary or write-only) holding ``value``; a string is always string
    data, never a formula. ``text`` also formats the cell as text (ID and phone numbers); ``column`` is
    where it will go (openpyxl moves it there when the row is appended)."""
    if text and value not in (None, ""):
        value = str(value)
    cell = Cell(sheet, row=1, column=column)
    if isinstance(value, str):
        cell.value = sheet_text(value)
        cell.data_type = "s"  # openpyxl would make "=…" a formula
    else:
        cell.value = value
    if text:
        cell.number_format = TEXT_FORMAT
    return cell


def put(sheet: Worksheet, row: int, column: int, value: object, *, text: bool = False) -> Cell:
    """Write ``value`` at (``row``, ``column``) of an ordinary worksheet, as :func:`safe_cell` does."""
    cell = sheet.cell(row=row, column=column)
    if text and value not in (None, ""):
        value = str(value)
    if isinstance(value, str):
        cell.value = sheet_text(value)
        cell.data_type = "s"
    else:
        cell.value = value
    if text:
        cell.number_format = TEXT_FORMAT
    return cell


def append_row(sheet: Worksheet, values: Iterable[object], *, text_columns: set[int] = frozenset(),
               font: Font | None = None, fill: PatternFill | None = None) -> None:
    """Append one row of values (safe cells) to an ordinary or write-only worksheet."""
    cells = []
    for index, value in enumerate(values):
        cell = safe_cell(sheet, value, text=index in text_columns, column=index + 1)
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        cells.append(cell)
    sheet.append(cells)


def style_header(sheet: Worksheet, headers: Sequence[str], text_columns: set[int], widths: Sequence[float], *,
                 row: int = 1) -> None:
    """Write a bold, shaded header on ``row`` of an ordinary worksheet, freeze the rows down to it and size
    the columns."""
    for index, header in enumerate(headers, start=1):
        cell = put(sheet, row, index, header)
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
        append_row(self.sheet, row, text_columns=self.text_columns)

    def close(self) -> None:
        if self._buffer is not None:
            self._start()

    def _start(self) -> None:
        buffered, self._buffer = self._buffer or [], None
        for index, width in enumerate(fit_widths(self.headers, buffered), start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        self.sheet.freeze_panes = f"A{len(self.preamble) + 2}"
        for number, row in enumerate(self.preamble):
            append_row(self.sheet, row, font=TITLE_FONT if number == 0 else None)
        append_row(self.sheet, self.headers, font=HEADER_FONT, fill=HEADER_FILL)
        for row in buffered:
            append_row(self.sheet, row, text_columns=self.text_columns)


def new_streaming_workbook() -> Workbook:
    return Workbook(write_only=True)


def check_writable(path: str | Path) -> Path:
    """Make sure a file can be written at ``path`` before any work is done (and committed) for it; raises
    :class:`OutputNotWritable` with a Chinese message otherwise."""
    target = Path(path)
    if target.is_dir():
        raise OutputNotWritable(f"无法写入输出文件“{target}”：这是一个文件夹，请给出文件名。")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputNotWritable(f"无法创建输出文件夹“{folder}”：{_reason(error)}。") from None
    if (target.exists() and not os.access(target, os.W_OK)) or not os.access(folder, os.W_OK | os.X_OK):
        raise OutputNotWritable(f"无法写入输出文件“{target}”：没有写入权限，请换一个位置。")
    return target


def _reason(error: OSError) -> str:
    return {13: "没有权限", 2: "路径不存在", 20: "路径中有同名文件", 28: "磁盘已满", 30: "只读文件系统"}.get(
        error.errno or 0, error.strerror or type(error).__name__)


def save(workbook: Workbook, target: str | Path | IO[bytes]) -> Path | IO[bytes]:
    """Save ``workbook`` to a path (folders created) or a binary stream; an unwritable path raises
    :class:`OutputNotWritable`."""
    if not isinstance(target, (str, Path)):
        workbook.save(target)
        return target
    path = check_writable(target)
    try:
        workbook.save(path)
    except OSError as error:
        raise OutputNotWritable(f"无法写入输出文件“{path}”：{_reason(error)}。") from None
    return path


def simple_workbook(title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A one-sheet workbook (bold header, safe cells) as bytes: for ledgers and notices."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    append_row(sheet, headers, font=HEADER_FONT)
    for row in rows:
        append_row(sheet, row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
