"""Reading users' lists: xlsx (openpyxl, read-only, streamed) and CSV (UTF-8, UTF-8 with BOM, GB18030).

:func:`open_list` finds the first sheet that holds a list of the wanted kind, its header row (under merged
title rows and "填报单位 / 填报日期" lines, and a second header row under merged group headers), and then
streams the data rows with the row numbers Excel shows. Anything that is not such a list raises
:class:`NotAList` with one Chinese message before a single row is read.
"""

from __future__ import annotations

import codecs
import csv
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from jobs.lists.columns import COLUMNS, HeaderMap, ListKind, kind_label, map_headers
from jobs.lists.sheet_rows import values_by_row
from jobs.lists.values import clean_text, is_blank

__all__ = ["NotAList", "SourceRow", "ListSource", "open_list", "HEADER_SEARCH_ROWS"]

# How far down a sheet the header row may be (title, 填报单位, notes above it).
HEADER_SEARCH_ROWS = 30
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and .doc) container
_CHUNK = 1 << 20
# The columns without which a row of the list is not a data row at all.
KEY_COLUMNS: dict[str, tuple[str, ...]] = {"demand": ("name", "id_number"), "supply": ("employer", "title")}
# A row whose first cell starts like this, with the key columns empty, is a footer, not data.
_FOOTER = re.compile(r"^(合计|小计|总计|共计|填表人|填报人|审核人|负责人|制表|联系人|注[:：]|说明[:：]|备注[:：])")
_EXAMPLE_KEYS = frozenset({"示例", "例", "样例", "举例"})


class NotAList(Exception):
    """The file is not a list this import can read (unreadable, not a spreadsheet, no header). Nothing is
    written; ``message`` says why in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SourceRow:
    """One row of the sheet: its number as Excel shows it and its cells (positions as in the header)."""

    number: int
    cells: tuple[object, ...]

    def cell(self, index: int | None) -> object:
        if index is None or index >= len(self.cells):
            return None
        return self.cells[index]


@dataclass
class ListSource:
    """An opened list: where its header is, what it maps to, and a one-pass iterator over the data rows."""

    path: Path
    kind: ListKind
    sheet: str | None
    header_row: int
    header: HeaderMap
    preamble: list[str] = field(default_factory=list)
    estimated_rows: int | None = None
    _rows: Iterator[SourceRow] | None = None

    @property
    def ignored_columns(self) -> list[str]:
        return list(self.header.ignored)

    def get(self, row: SourceRow, key: str) -> object:
        """The raw cell of column ``key`` in ``row`` (None when the file has no such column)."""
        return row.cell(self.header.positions.get(key))

    def data_rows(self) -> Iterator[SourceRow]:
        """The rows below the header that hold data: blank rows, rows with only a 序号, footers (合计, 填表人)
        and the template's example row (序号 示例) are skipped."""
        if self._rows is None:
            raise RuntimeError("data_rows() can be iterated only once")
        rows, self._rows = self._rows, None
        key_positions = [self.header.positions[k] for k in KEY_COLUMNS[self.kind]]
        row_key = self.header.positions.get("row_key")
        for row in rows:
            filled = [i for i, value in enumerate(row.cells) if not is_blank(value)]
            if not filled or filled == [row_key]:
                continue
            if not any(not is_blank(row.cell(i)) for i in key_positions):
                first = clean_text(row.cells[filled[0]]) or ""
                if _FOOTER.match(first):
                    continue
            if row_key is not None and (clean_text(row.cell(row_key)) or "") in _EXAMPLE_KEYS:
                continue
            yield row


@contextmanager
def open_list(path: str | Path, kind: ListKind) -> Iterator[ListSource]:
    """Open ``path`` as a list of ``kind`` (xlsx, or CSV in UTF-8 / UTF-8 with BOM / GB18030).

    Takes the first sheet that holds such a list. Raises :class:`NotAList` when the file cannot be read or
    holds no recognisable header.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as error:
        raise NotAList(f"无法打开文件“{path.name}”：{error.strerror or error}。") from None
    if head.startswith(_ZIP_MAGIC):
        with _open_xlsx(path, kind) as source:
            yield source
    elif head.startswith(_OLE_MAGIC):
        raise NotAList(
            f"“{path.name}”是旧版Excel（.xls）文件，无法直接读取：请在Excel中“另存为”Excel工作簿（.xlsx）后再导入。"
        )
    else:
        with _open_csv(path, kind) as source:
            yield source


# --------------------------------------------------------------------------------------------------------
# Header detection shared by both formats


@dataclass
class _Found:
    header_row: int
    header: HeaderMap
    skip: int  # further header rows (a second header row under merged group headers)
    preamble: list[str]


def _find_header(rows: list[tuple[object, ...]], kind: ListKind) -> _Found | None:
    required = KEY_COLUMNS[kind]
    for index, cells in enumerate(rows):
        header = map_headers(cells, kind)
        if not header.has(*required):
            continue
        skip = 0
        if index + 1 < len(rows):
            merged = _merge_sub_header(header, cells, rows[index + 1], kind)
            if merged is not None:
                header, skip = merged, 1
        preamble = [text for r in rows[:index] for c in r if (text := clean_text(c))]
        return _Found(index + 1, header, skip, preamble)
    return None


def _merge_sub_header(
    header: HeaderMap, cells: tuple[object, ...], below: tuple[object, ...], kind: ListKind
) -> HeaderMap | None:
    """Combine a header row with the row under it when that row names further columns under merged group
    headers ("就业意向" over 意向工种 / 意向地区) and carries no data in the key columns."""
    keys = [header.positions[key] for key in KEY_COLUMNS[kind]]
    if any(not is_blank(below[i]) for i in keys if i < len(below)):
        return None
    sub = map_headers(below, kind)
    if not sub.positions:
        return None
    width = max(len(cells), len(below))
    combined = [
        below[i] if i < len(below) and not is_blank(below[i]) else (cells[i] if i < len(cells) else None)
        for i in range(width)
    ]
    merged = map_headers(combined, kind)
    return merged if len(merged.positions) > len(header.positions) else None


def _not_found(path: Path, kind: ListKind, rows_by_sheet: list[list[tuple[object, ...]]]) -> NotAList:
    other: ListKind = "supply" if kind == "demand" else "demand"
    for rows in rows_by_sheet:
        if _find_header(rows, other) is not None:
            command = "bangfu import supply" if other == "supply" else "bangfu import demand"
            return NotAList(
                f"“{path.name}”看起来是{kind_label(other)}，不是{kind_label(kind)}：请用 {command} 导入。"
            )
    names = "和".join(f"“{c.header}”" for c in COLUMNS[kind] if c.key in KEY_COLUMNS[kind])
    return NotAList(
        f"“{path.name}”中没有找到{kind_label(kind)}的表头：表头行应包含{names}列"
        f"（可用 bangfu template {kind} 下载模板）。"
    )


# --------------------------------------------------------------------------------------------------------
# xlsx


@contextmanager
def _open_xlsx(path: Path, kind: ListKind) -> Iterator[ListSource]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as error:
        raise NotAList(f"无法读取“{path.name}”：文件已损坏，或不是Excel工作簿（.xlsx）。（{type(error).__name__}）") from None
    opened: list[Iterator] = []
    try:
        yield _first_list_sheet(path, workbook, kind, opened)
    finally:
        for rows in opened:  # a sheet's row generator holds its part of the archive open until closed
            rows.close()
        workbook.close()


def _first_list_sheet(path: Path, workbook, kind: ListKind, opened: list[Iterator]) -> ListSource:
    seen: list[list[tuple[object, ...]]] = []
    for sheet in workbook.worksheets:
        if getattr(sheet, "sheet_state", "visible") != "visible":
            continue
        estimated = sheet.max_row if isinstance(sheet.max_row, int) and sheet.max_row > 1 else _count_rows(path, sheet)
        # The stored dimension may be wrong (files written by other programs): read every row there is.
        sheet.reset_dimensions()
        rows = values_by_row(sheet)
        opened.append(rows)
        try:
            top = [tuple(r) for _, r in zip(range(HEADER_SEARCH_ROWS), rows, strict=False)]
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
            raise NotAList(f"无法读取“{path.name}”的工作表“{sheet.title}”：文件已损坏。（{type(error).__name__}）") from None
        found = _find_header(top, kind)
        if found is None:
            seen.append(top)
            continue
        first_data = found.header_row + found.skip
        source = ListSource(
            path=path,
            kind=kind,
            sheet=sheet.title,
            header_row=found.header_row,
            header=found.header,
            preamble=found.preamble,
            estimated_rows=max(estimated - first_data, 0) if estimated else None,
        )
        source._rows = _numbered(top, rows, first_data)
        return source
    raise _not_found(path, kind, seen)


def _count_rows(path: Path, sheet) -> int | None:
    """Rows in a sheet whose file states no dimension (files written by some programs): the ``<row`` tags of
    its XML, counted without parsing it. Only sizes the progress bar."""
    member = getattr(sheet, "_worksheet_path", None)
    if not member:
        return None
    count, tail = 0, b""
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member.lstrip("/")) as stream:
            while chunk := stream.read(_CHUNK):
                count += (tail + chunk).count(b"<row ")  # a 4-byte tail cannot hold a whole tag
                tail = chunk[-4:]
    except (KeyError, zipfile.BadZipFile, OSError):
        return None
    return count


def _numbered(top: list[tuple[object, ...]], rest: Iterator[tuple[object, ...]], first_data: int
              ) -> Iterator[SourceRow]:
    """The rows after the header, numbered as Excel numbers them (1-based, blank rows counted)."""
    number = 0
    for cells in top:
        number += 1
        if number > first_data:
            yield SourceRow(number, tuple(cells))
    for cells in rest:
        number += 1
        if number > first_data:
            yield SourceRow(number, tuple(cells))


# --------------------------------------------------------------------------------------------------------
# CSV

_ENCODINGS = ("utf-8", "gb18030")


def _detect_encoding(path: Path) -> str:
    """utf-8-sig with a BOM; else UTF-8 if the whole file decodes as UTF-8; else GB18030 (which covers GBK
    and GB2312, what Excel saves as "CSV" on Chinese Windows)."""
    with path.open("rb") as handle:
        if handle.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
    for encoding in _ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(_CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise NotAList(
        f"无法读取“{path.name}”：它既不是Excel工作簿（.xlsx），也不是UTF-8或GB18030编码的CSV文本文件。"
    )


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            count += chunk.count(b"\n")
    return count


@contextmanager
def _open_csv(path: Path, kind: ListKind) -> Iterator[ListSource]:
    encoding = _detect_encoding(path)
    with path.open("r", encoding=encoding, newline="") as handle:
        sample = handle.read(64 * 1024)
        if "\x00" in sample:
            raise NotAList(f"无法读取“{path.name}”：这不是表格文件（含有二进制内容）。")
        handle.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(handle, dialect)
        rows = (tuple(record) for record in reader)
        try:
            top = [r for _, r in zip(range(HEADER_SEARCH_ROWS), rows, strict=False)]
        except csv.Error as error:
            raise NotAList(f"无法读取“{path.name}”：CSV格式错误（{error}）。") from None
        found = _find_header(top, kind)
        if found is None:
            raise _not_found(path, kind, [top])
        first_data = found.header_row + found.skip
        source = ListSource(
            path=path,
            kind=kind,
            sheet=None,
            header_row=found.header_row,
            header=found.header,
            preamble=found.preamble,
            estimated_rows=max(_count_lines(path) - first_data, 0),
        )
        source._rows = _csv_numbered(top, rows, first_data, reader)
        yield source


def _csv_numbered(top, rest, first_data: int, reader) -> Iterator[SourceRow]:
    """CSV records numbered like the spreadsheet Excel would show (one record per row, even with line
    breaks inside quoted cells)."""
    number = 0
    for cells in top:
        number += 1
        if number > first_data:
            yield SourceRow(number, tuple(cells))
    try:
        for cells in rest:
            number += 1
            if number > first_data:
                yield SourceRow(number, tuple(cells))
    except csv.Error as error:
        raise NotAList(f"CSV格式错误（第{reader.line_num}行）：{error}") from None
