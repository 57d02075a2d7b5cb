"""Reading users' lists: xlsx (streamed) and CSV (UTF-8, UTF-8 with BOM, GB18030), from a path or a stream.

:func:`open_list` finds the first sheet that holds a list of the wanted kind, its header row (under merged
title rows and "填报单位 / 填报日期" lines, and a second header row under merged group headers), and then
streams the data rows with the row numbers Excel shows. Anything that is not such a list raises
:class:`NotAList` with one Chinese message before a single row is read.

Hostile files
-------------
A spreadsheet is a zip of XML parts, so a small upload can unpack to gigabytes (a "zip bomb"), hold millions
of shared strings, or put one cell at column XFD on every row. Every limit of :class:`ReadLimits` is checked
before the part is parsed (sizes and compression ratios from the zip directory) or while reading it (rows,
columns, shared strings), and a breach raises :class:`NotAList` naming the limit. Rows are built from the
cells the file really has: a sparse row costs what its cells cost. A cell longer than
:data:`~jobs.rendering.cells.MAX_CELL_TEXT` characters is cut there and its row carries the columns that
were cut (:attr:`SourceRow.overlong`), so that the import rejects the row instead of storing a part of it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from jobs.errors import InvalidInput
from jobs.lists.columns import COLUMNS, HeaderMap, ListKind, kind_label, map_headers
from jobs.lists.values import clean_text, is_blank
from jobs.rendering.cells import MAX_CELL_TEXT

__all__ = ["NotAList", "SourceRow", "ListSource", "ReadLimits", "DEFAULT_LIMITS", "open_list",
           "HEADER_SEARCH_ROWS", "RowSlice"]

# How far down a sheet the header row may be (title, 填报单位, notes above it).
HEADER_SEARCH_ROWS = 30
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls (and .doc) container
_CHUNK = 1 << 20
_MB = 1 << 20
# The columns without which a row of the list is not a data row at all.
KEY_COLUMNS: dict[str, tuple[str, ...]] = {"demand": ("name", "id_number"), "supply": ("employer", "title")}
# A row whose first cell starts like this, with the key columns empty, is a footer, not data.
_FOOTER = re.compile(r"^(合计|小计|总计|共计|填表人|填报人|审核人|负责人|制表|联系人|注[:：]|说明[:：]|备注[:：])")
_EXAMPLE_KEYS = frozenset({"示例", "例", "样例", "举例"})
_SHARED_STRING_TAG = f"{{{SHEET_MAIN_NS}}}si"
_DIMENSION_TAG = f"{{{SHEET_MAIN_NS}}}dimension"
_SHEET_DATA_TAG = f"{{{SHEET_MAIN_NS}}}sheetData"


@dataclass(frozen=True)
class ReadLimits:
    """What one list file may hold. The defaults leave room for the largest real county lists (a few
    hundred thousand rows of ~20 columns) and stop files built to exhaust memory or time."""

    file_bytes: int = 100 * _MB
    part_bytes: int = 512 * _MB  # one unpacked XML part of an xlsx
    total_bytes: int = 1024 * _MB  # all unpacked parts together
    compression_ratio: int = 200  # unpacked / packed size of a part above ``ratio_floor`` bytes
    ratio_floor: int = 1 * _MB
    shared_strings: int = 1_000_000
    shared_strings_bytes: int = 64 * _MB
    rows: int = 500_000
    columns: int = 256
    csv_field: int = 1 * _MB  # a CSV field longer than this makes the file unreadable, not just a row


DEFAULT_LIMITS = ReadLimits()


class NotAList(InvalidInput):
    """The file is not a list this import can read (unreadable, not a spreadsheet, no header, over a
    limit). Nothing is written; ``message`` says why and where in Chinese."""


@dataclass(frozen=True)
class SourceRow:
    """One row of the sheet: its number as Excel shows it, its cells (positions as in the header) and the
    positions of cells cut at :data:`MAX_CELL_TEXT` characters."""

    number: int
    cells: tuple[object, ...]
    overlong: tuple[int, ...] = ()

    def cell(self, index: int | None) -> object:
        if index is None or index >= len(self.cells):
            return None
        return self.cells[index]


def _row(number: int, cells: tuple[object, ...] | list[object]) -> SourceRow:
    """A row with every text cell capped at :data:`MAX_CELL_TEXT` characters."""
    overlong = tuple(i for i, value in enumerate(cells) if isinstance(value, str) and len(value) > MAX_CELL_TEXT)
    if overlong:
        cells = tuple(value[:MAX_CELL_TEXT] if i in overlong else value for i, value in enumerate(cells))
    return SourceRow(number, tuple(cells), overlong)


@dataclass
class ListSource:
    """An opened list: where its header is, what it maps to, and a one-pass iterator over the data rows."""

    name: str
    kind: ListKind
    sheet: str | None
    header_row: int
    header: HeaderMap
    preamble: list[str] = field(default_factory=list)
    estimated_rows: int | None = None
    _rows: Iterator[SourceRow] | None = None
    _slicer: _SheetSlicer | None = None
    _origin: tuple[object, int] | None = None  # (the xlsx sheet, its first data row), to make the slicer

    @property
    def ignored_columns(self) -> list[str]:
        return list(self.header.ignored)

    @property
    def duplicate_columns(self) -> list[tuple[str, str]]:
        """Header cells naming a column already taken by another header cell: (the cell, the column)."""
        return list(self.header.duplicates)

    def get(self, row: SourceRow, key: str) -> object:
        """The raw cell of column ``key`` in ``row`` (None when the file has no such column)."""
        return row.cell(self.header.positions.get(key))

    def data_rows(self) -> Iterator[SourceRow]:
        """The rows below the header that hold data: blank rows, rows with only a 序号, footers (合计, 填表人)
        and the template's example row (序号 示例) are skipped."""
        if self._rows is None:
            raise RuntimeError("data_rows() can be iterated only once")
        rows, self._rows = self._rows, None
        return self._data_only(rows)

    def slices(self, parts: int) -> list[RowSlice] | None:
        """The data rows cut into at most ``parts`` consecutive slices that :meth:`read_slice` reads on its own,
        in this process or in one forked from it; None when the list cannot be cut so (a CSV, an upload read
        from a stream, a sheet whose XML is not plainly written, or too few rows to be worth it)."""
        return self._slicer.slices(parts) if self._slicer is not None else None

    def read_slice(self, part: RowSlice) -> Iterator[SourceRow]:
        """The data rows of one slice, as :meth:`data_rows` gives them (the slices, in order, give them all)."""
        assert self._slicer is not None, "slices come from this source's slices()"
        return self._data_only(row for row in self._slicer.rows(part) if row.number > self._slicer.first_data)

    def _data_only(self, rows: Iterable[SourceRow]) -> Iterator[SourceRow]:
        key_positions = [self.header.positions[k] for k in KEY_COLUMNS[self.kind]]
        row_key = self.header.positions.get("row_key")
        for row in rows:
            cells = row.cells
            width = len(cells)
            # A row with a key cell is neither blank, nor only a 序号, nor a footer: the common case is
            # decided on the key cells alone.
            for i in key_positions:
                if i < width and not is_blank(cells[i]):
                    break
            else:
                filled = [i for i, value in enumerate(cells) if not is_blank(value)]
                if not filled or filled == [row_key]:
                    continue
                first = clean_text(cells[filled[0]], limit=MAX_CELL_TEXT) or ""
                if _FOOTER.match(first):
                    continue
            # Only a text cleans to 示例 (a number, date or truth value never does).
            if row_key is not None and row_key < width and isinstance(cells[row_key], str) and (
                    clean_text(cells[row_key], limit=MAX_CELL_TEXT) or "") in _EXAMPLE_KEYS:
                continue
            yield row


@contextmanager
def open_list(source: str | Path | IO[bytes], kind: ListKind, *, name: str | None = None,
              limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[ListSource]:
    """Open ``source`` (a path, or a seekable binary stream such as an upload) as a list of ``kind``: xlsx, or
    CSV in UTF-8 / UTF-8 with BOM / GB18030.

    ``name`` is what messages call the file (default: the path's file name, else "上传的文件"). Takes the
    first sheet that holds such a list. Raises :class:`NotAList` when the file cannot be read, breaks one of
    ``limits`` or holds no recognisable header; a limit met while the rows are read raises it from the row
    iterator, naming the row.
    """
    with ExitStack() as stack:
        if isinstance(source, (str, Path)):
            path = Path(source)
            name = name or path.name
            try:
                stream = stack.enter_context(path.open("rb"))
            except OSError as error:
                raise NotAList(f"无法打开文件“{name}”：{error.strerror or error}。") from None
        else:
            stream = source
            name = name or "上传的文件"
        size = _size_of(stream)
        if size > limits.file_bytes:
            raise NotAList(f"“{name}”有{_mb(size)}，超过文件大小上限{_mb(limits.file_bytes)}：请拆分成几个文件再导入。")
        stream.seek(0)
        head = stream.read(8)
        stream.seek(0)
        if head.startswith(_ZIP_MAGIC):
            opened = _open_xlsx(stream, name, kind, limits, path=Path(source) if isinstance(source, (str, Path))
                                else None)
        elif head.startswith(_OLE_MAGIC):
            raise NotAList(
                f"“{name}”是旧版Excel（.xls）文件，无法直接读取：请在Excel中“另存为”Excel工作簿（.xlsx）后再导入。"
            )
        else:
            opened = _open_csv(stream, name, kind, limits)
        yield stack.enter_context(opened)


def _size_of(stream: IO[bytes]) -> int:
    position = stream.seek(0, io.SEEK_END)
    stream.seek(0)
    return position


def _mb(size: int) -> str:
    return f"{size / _MB:.1f} MB" if size < 10 * _MB else f"{size // _MB} MB"


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


def _not_found(name: str, kind: ListKind, rows_by_sheet: list[list[tuple[object, ...]]]) -> NotAList:
    other: ListKind = "supply" if kind == "demand" else "demand"
    for rows in rows_by_sheet:
        if _find_header(rows, other) is not None:
            command = "bangfu import supply" if other == "supply" else "bangfu import demand"
            return NotAList(
                f"“{name}”看起来是{kind_label(other)}，不是{kind_label(kind)}：请用 {command} 导入。"
            )
    names = "和".join(f"“{c.header}”" for c in COLUMNS[kind] if c.key in KEY_COLUMNS[kind])
    return NotAList(
        f"“{name}”中没有找到{kind_label(kind)}的表头：表头行应包含{names}列"
        f"（可用 bangfu template {kind} 下载模板）。"
    )


# --------------------------------------------------------------------------------------------------------
# xlsx


def _check_archive(archive: zipfile.ZipFile, name: str, limits: ReadLimits) -> None:
    """The zip directory's sizes against the limits, before any part is unpacked."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if info.file_size > limits.part_bytes:
            raise NotAList(f"无法读取“{name}”：工作簿中的“{info.filename}”解压后有{_mb(info.file_size)}，"
                           f"超过单个部件上限{_mb(limits.part_bytes)}。")
        if info.file_size > limits.ratio_floor and info.file_size > limits.compression_ratio * max(
                info.compress_size, 1):
            raise NotAList(f"无法读取“{name}”：工作簿中的“{info.filename}”压缩比超过上限{limits.compression_ratio}倍"
                           f"（{_mb(info.compress_size)}解压后为{_mb(info.file_size)}），可能是恶意构造的文件。")
        if info.filename.lower().endswith("sharedstrings.xml") and info.file_size > limits.shared_strings_bytes:
            raise NotAList(f"无法读取“{name}”：共享字符串表解压后有{_mb(info.file_size)}，"
                           f"超过上限{_mb(limits.shared_strings_bytes)}。")
    if total > limits.total_bytes:
        raise NotAList(f"无法读取“{name}”：工作簿解压后共{_mb(total)}，超过上限{_mb(limits.total_bytes)}。")


class _LimitedReader(ExcelReader):
    """openpyxl's reader with a shared-string table that is counted and whose strings are capped."""

    def __init__(self, stream: IO[bytes], name: str, limits: ReadLimits) -> None:
        super().__init__(stream, read_only=True, data_only=True, keep_links=False)
        self.name = name
        self.limits = limits

    def read_strings(self) -> None:
        from openpyxl.xml.constants import SHARED_STRINGS

        found = self.package.find(SHARED_STRINGS)
        if found is None:
            return
        member = found.PartName[1:]
        with self.archive.open(member) as source:
            _count_tags(source, b"<si>", b"<si ", limit=self.limits.shared_strings,
                        message=f"无法读取“{self.name}”：共享字符串超过上限{self.limits.shared_strings:,}个。")
        with self.archive.open(member) as source:
            strings = _FastStrings(self.name, self.limits.shared_strings).read(source)
        if strings is None:
            with self.archive.open(member) as source:
                strings = _SharedStrings(self.name, self.limits.shared_strings).read(source)
        self.shared_strings = strings

    def read_worksheets(self) -> None:
        """The sheets, read-only, without what a list import never uses (charts, comments, drawings)."""
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                continue
            worksheet = _Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            self.wb._sheets.append(worksheet)


def _count_tags(source: IO[bytes], *tags: bytes, limit: int, message: str) -> None:
    """Raise :class:`NotAList` with ``message`` when the unparsed XML holds more than ``limit`` of these tags
    (counted in bytes, a hundred times faster than parsing: millions of them are refused in a second)."""
    count, tail = 0, b""
    while chunk := source.read(_CHUNK):
        window = tail + chunk
        count += sum(window.count(tag) for tag in tags)
        tail = chunk[-3:]  # shorter than any tag: a tag is counted in the one window that holds all of it
        if count > limit:
            raise NotAList(message)


class _SharedStrings:
    """The shared-string table read with expat callbacks (no element per string: millions of strings cost
    seconds, not minutes), as openpyxl reads it: an ``<si>``'s ``<t>`` texts, rich-text runs included,
    phonetic runs (``<rPh>``) left out. Each string is capped one character over the cell limit (the cell
    is then reported as cut); more than ``limit`` strings raise :class:`NotAList`."""

    def __init__(self, name: str, limit: int) -> None:
        self.name = name
        self.limit = limit
        self.strings: list[str] = []
        self._parts: list[str] = []
        self._length = 0
        self._in_text = False
        self._phonetic = 0

    def read(self, source: IO[bytes]) -> list[str]:
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        parser.ParseFile(source)
        return self.strings

    def _start(self, tag: str, _attributes) -> None:
        local = tag.rpartition("}")[2]
        if local == "si":
            self._parts, self._length = [], 0
        elif local == "rPh":
            self._phonetic += 1
        elif local == "t" and not self._phonetic:
            self._in_text = True

    def _end(self, tag: str) -> None:
        local = tag.rpartition("}")[2]
        if local == "t":
            self._in_text = False
        elif local == "rPh":
            self._phonetic -= 1
        elif local == "si":
            if len(self.strings) >= self.limit:
                raise NotAList(f"无法读取“{self.name}”：共享字符串超过上限{self.limit:,}个。")
            self.strings.append("".join(self._parts).replace("x005F_", "")[:MAX_CELL_TEXT + 1])

    def _text(self, data: str) -> None:
        if self._in_text and self._length <= MAX_CELL_TEXT:
            self._parts.append(data)
            self._length += len(data)


class _Sheet(ReadOnlyWorksheet):
    """A read-only sheet whose stated size is looked for in the part's head only: openpyxl's own look-up
    parses the whole sheet when the file states no dimension, before any row limit could apply."""

    def _get_size(self) -> None:
        with self._get_source() as source:
            for _event, element in iterparse(source, events=("start",)):
                if element.tag == _DIMENSION_TAG:
                    bounds = SheetDimension.from_tree(element).boundaries
                    if bounds is not None:
                        self._min_column, self._min_row, self._max_column, self._max_row = bounds
                    return
                if element.tag == _SHEET_DATA_TAG:
                    return


@contextmanager
def _open_xlsx(stream: IO[bytes], name: str, kind: ListKind, limits: ReadLimits, *, path: Path | None = None
               ) -> Iterator[ListSource]:
    broken = f"无法读取“{name}”：文件已损坏，或不是Excel工作簿（.xlsx）。"
    try:
        reader = _LimitedReader(stream, name, limits)
        _check_archive(reader.archive, name, limits)
        reader.read()
    except NotAList:
        raise
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError, AttributeError,
            IndexError, ParseError, expat.ExpatError, EOFError, NotImplementedError, RuntimeError,
            zipfile.LargeZipFile) as error:
        raise NotAList(f"{broken}（{type(error).__name__}）") from None
    workbook = reader.wb
    opened: list[Iterator] = []
    try:
        source = _first_list_sheet(name, workbook, kind, opened, limits)
        if path is not None:
            sheet, first_data = source._origin
            source._slicer = _SheetSlicer(name, path, workbook, sheet, limits, first_data)
        yield source
    finally:
        for rows in opened:  # a sheet's row generator holds its part of the archive open until closed
            rows.close()
        workbook.close()


def _sheet_rows(name: str, workbook, sheet, limits: ReadLimits) -> Iterator[SourceRow]:
    """The rows of a read-only sheet as the file has them: numbered by their own row number, each as wide as
    its last real cell, checked against the row and column limits."""
    readable = (zipfile.BadZipFile, KeyError, ValueError, OSError, ParseError, expat.ExpatError, EOFError,
                IndexError, TypeError, AttributeError)
    try:
        with sheet._get_source() as source:
            parser = _SheetParser(sheet._shared_strings, workbook._date_formats, workbook._timedelta_formats,
                                  workbook.epoch)
            last = 0
            count = 0
            try:
                # Only reading raises these here: the loop's own refusals are NotAList.
                for number, width, values, long in _FastSheet(parser, limits.columns).rows(source):
                    count += 1
                    if count > limits.rows:
                        raise NotAList(f"“{name}”的工作表“{sheet.title}”超过行数上限{limits.rows:,}行，"
                                       "未导入任何数据：请拆分成几个文件再导入。")
                    last = number
                    if width > limits.columns:
                        raise NotAList(f"“{name}”的工作表“{sheet.title}”第{number}行有第{width}列的单元格，"
                                       f"超过列数上限{limits.columns}列，未导入任何数据：请删除多余的列。")
                    yield _row(number, values) if long else SourceRow(number, tuple(values))
            except readable as error:
                raise NotAList(f"无法读取“{name}”的工作表“{sheet.title}”：文件在第{last + 1}行附近已损坏，"
                               f"未导入任何数据。（{type(error).__name__}）") from None
    except readable as error:
        raise NotAList(f"无法读取“{name}”的工作表“{sheet.title}”：文件已损坏。（{type(error).__name__}）") from None


_NS = SHEET_MAIN_NS + "}"
_ROW, _CELL, _VALUE, _INLINE, _TEXT, _PHONETIC = (_NS + tag for tag in ("row", "c", "v", "is", "t", "rPh"))
_SHEET_CHUNK = 1 << 16  # bytes of XML parsed before the rows found so far are handed on (and limits checked)
_COLUMN_INDEX: dict[str, int] = {}


def _column_of(letters: str) -> int:
    """The 1-based column of a reference's letters (A → 1, XFD → 16384); KeyError when they are not one."""
    found = _COLUMN_INDEX.get(letters)
    if found is None:
        if not (1 <= len(letters) <= 3 and letters.isascii() and letters.isalpha() and letters.isupper()):
            raise KeyError(letters)
        found = 0
        for letter in letters:
            found = found * 26 + ord(letter) - 64
        if found > 18_278:
            raise KeyError(letters)
        _COLUMN_INDEX[letters] = found
    return found


class _SheetParser:
    """The rows of a worksheet part read with expat callbacks, value for value as openpyxl's own sheet reader
    reads them with ``data_only`` (a formula's cached value, dates by the cell's number format, shared and
    inline strings, phonetic runs left out), at a fraction of its cost per cell: (row number, [(column,
    value)]) for each ``<row>``. A malformed part raises ``expat.ExpatError``, a bad reference ``KeyError``
    or ``ValueError``."""

    def __init__(self, shared_strings: list[str], date_formats, timedelta_formats, epoch) -> None:
        self.shared_strings = shared_strings
        self.date_formats = date_formats
        self.timedelta_formats = timedelta_formats
        self.epoch = epoch
        self.done: list[tuple[int, list[tuple[int, object]]]] = []
        self._number = 0
        self._column = 0
        self._cells: list[tuple[int, object]] = []
        self._type = "n"
        self._style = 0
        self._value: str | None = None
        self._inline: list[str] | None = None
        self._parts: list[str] | None = None
        self._in_inline = False
        self._phonetic = 0

    def rows(self, source: IO[bytes]) -> Iterator[tuple[int, list[tuple[int, object]]]]:
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        while True:
            chunk = source.read(_SHEET_CHUNK)
            failure: Exception | None = None
            try:
                parser.Parse(chunk, not chunk)
            except Exception as error:  # the rows before the fault come first, so that messages say where
                failure = error
            done, self.done = self.done, []
            yield from done
            if failure is not None:
                raise failure
            if not chunk:
                return

    def _start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == _CELL:
            self._type = attributes.get("t", "n")
            style = attributes.get("s")
            self._style = int(style) if style else 0
            reference = attributes.get("r")
            if reference:
                digits = len(reference.rstrip("0123456789"))
                row = reference[digits:]
                if not (row.isascii() and row.isdigit()):
                    raise ValueError(reference)
                self._column = _column_of(reference[:digits])
            else:
                self._column += 1
            self._value = self._inline = None
        elif tag == _VALUE:
            if self._value is None:
                self._parts = []
        elif tag == _ROW:
            number = attributes.get("r")
            if number is None:
                self._number += 1
            else:
                try:
                    self._number = int(number)
                except ValueError:
                    whole = float(number)
                    if not whole.is_integer():
                        raise ValueError(f"{number} is not a valid row number") from None
                    self._number = int(whole)
            self._column = 0
            self._cells = []
        elif tag == _INLINE:
            self._in_inline = True
            self._inline = []
        elif tag == _TEXT:
            if self._in_inline and not self._phonetic:
                self._parts = []
        elif tag == _PHONETIC:
            self._phonetic += 1

    def _end(self, tag: str) -> None:
        if tag == _CELL:
            self._cells.append((self._column, self._cell_value()))
        elif tag == _VALUE:
            if self._parts is not None:
                self._value = "".join(self._parts)
                self._parts = None
        elif tag == _ROW:
            self.done.append((self._number, self._cells))
        elif tag == _TEXT:
            if self._parts is not None and self._inline is not None:
                self._inline.append("".join(self._parts))
            self._parts = None
        elif tag == _INLINE:
            self._in_inline = False
        elif tag == _PHONETIC:
            self._phonetic -= 1

    def _text(self, data: str) -> None:
        if self._parts is not None:
            self._parts.append(data)

    def _cell_value(self) -> object:
        return self.convert(self._type, self._style, self._value, self._inline)

    def convert(self, kind: str, style: int, value: str | None, inline: list[str] | None) -> object:
        """A cell's value from its type (``t``), style index (``s``), ``<v>`` text and inline-string texts."""
        if kind == "inlineStr":
            return "".join(inline) if inline is not None else None
        if not value:
            return None
        if kind == "n":
            number = float(value) if ("." in value or "E" in value or "e" in value) else int(value)
            if style in self.date_formats:
                try:
                    return from_excel(number, self.epoch, timedelta=style in self.timedelta_formats)
                except (OverflowError, ValueError):
                    return "#VALUE!"  # a date out of range: openpyxl's error value
            return number
        if kind == "s":
            return self.shared_strings[int(value)]
        if kind == "b":
            return bool(int(value))
        if kind == "d":
            return from_ISO8601(value)
        return value  # "str" (a formula's text), "e" (an error such as #N/A)

    def fresh(self, number: int = 0) -> _SheetParser:
        """A parser over the same workbook that starts after row ``number`` (what a row without ``r`` follows)."""
        parser = _SheetParser(self.shared_strings, self.date_formats, self.timedelta_formats, self.epoch)
        parser._number = number
        return parser

    def parse_all(self, data: bytes) -> list[tuple[int, list[tuple[int, object]]]]:
        """The rows of a whole document in memory (raises what :meth:`rows` raises, without the rows before)."""
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        parser.Parse(data, True)
        return self.done


# --------------------------------------------------------------------------------------------------------
# The fast path: worksheet XML as real writers produce it, matched with compiled regular expressions


_WS = "[ \t\r\n]"  # XML's white space (not str.isspace: U+3000 between attributes is malformed XML)
_QNAME = "[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z_][A-Za-z0-9_.-]*)?"
# Characters XML 1.0 forbids (expat refuses them): C0 controls but tab and line ends, U+FFFE, U+FFFF. They never
# match the patterns below, so a piece that holds one is read by expat. ("]]>" is looked for separately.)
_FORBIDDEN = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"
_CHARACTERS = f"[^<{_FORBIDDEN}]"
_ATTRIBUTES = f"(?:{_WS}+{_QNAME}{_WS}*={_WS}*(?:\"[^\"<{_FORBIDDEN}]*\"|'[^'<{_FORBIDDEN}]*'))*+"
# One token of the rows' XML: a whole cell, or a row's start or end tag or any other character (which the fast
# path does not know). Groups: 1 the reference's column letters, 2 s, 3 t (the three in the order openpyxl,
# Excel, WPS and LibreOffice write them), 4 any other attributes (then all are read one by one), 5 <v>'s text,
# 6 ">" + the text of an inline string's single <t>, 7 any other inline string, 8 a row tag or another character.
_TOKEN = re.compile(
    f"{_WS}*+(?:"
    f"<c(?: r=\"([A-Z]{{1,3}})[0-9]+\")?(?: s=\"(0|[1-9][0-9]*)\")?(?: t=\"([A-Za-z]+)\")?({_ATTRIBUTES}){_WS}*"
    f"(?:/>|>{_WS}*(?:"
    f"(?:<f{_ATTRIBUTES}{_WS}*(?:/>|>{_CHARACTERS}*</f>){_WS}*)?(?:<v>({_CHARACTERS}*)</v>{_WS}*|<v{_WS}*/>{_WS}*)?"
    f"|<is><t(?: xml:space=\"preserve\")?(>{_CHARACTERS}*)</t></is>{_WS}*"
    f"|(<is>(?:{_CHARACTERS}++|<(?!/is>)[^<>{_FORBIDDEN}]*+>)*+</is>|<is{_WS}*/>){_WS}*"
    f")</c>)"
    f"|(<row{_ATTRIBUTES}{_WS}*/?>|</row>|[\\s\\S]))"
)
# One shared string: ">" + the text of its single <t>, any other <si> (rich text, phonetic runs), or junk.
_STRING_TOKEN = re.compile(
    f"{_WS}*+(?:<si>{_WS}*<t(?: xml:space=\"preserve\")?(>{_CHARACTERS}*)</t>{_WS}*</si>"
    f"|(<si>(?:{_CHARACTERS}++|<(?!/si>)[^<>{_FORBIDDEN}]*+>)*+</si>|<si{_WS}*/>)"
    f"|([\\s\\S]))"
)
_ATTRIBUTE = re.compile(f"{_WS}+({_QNAME}){_WS}*={_WS}*(?:\"([^\"<]*)\"|'([^'<]*)')")
_INLINE_TOKEN = re.compile(f"([^<]+)|<(/?)({_QNAME})({_ATTRIBUTES}){_WS}*(/?)>|([\\s\\S])")
_REFERENCE_SHAPE = re.compile("[A-Z]{1,3}[0-9]+")
_STYLE_SHAPE = re.compile("0|[1-9][0-9]*")
_TYPE_SHAPE = re.compile("[A-Za-z]+")
_BAD_ENTITY = re.compile("&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});)")
_CHARACTER_REFERENCE = re.compile("&#(x?)([0-9a-fA-F]+);")
_ENTITY = re.compile("&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);")
_NAMED_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_XML_NS = "http://www.w3.org/XML/1998/namespace"
_PARSER_TAGS = frozenset({"row", "c", "v", "is", "t", "rPh"})  # what _SheetParser reacts to
_ROW_END = b"</row>"
_STRING_END = b"</si>"
_PIECE = 1 << 14  # bytes read at a time: a piece (up to its last </row>) is then shorter than MAX_CELL_TEXT
_LONGEST_PIECE = 8 * _MB  # rows this long (or a sheet without </row>) are left to expat
_TROUBLED_PIECES = 4  # pieces in a row that need expat: the rest of the sheet goes to expat directly


class _Trouble(Exception):
    """The fast path meets something it does not read with certainty: expat reads that part instead."""


def _is_xml_character(code: int) -> bool:
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def _plain_xml(text: str) -> bool:
    """No "]]>" (refused outside markup), and every ``&`` starts one of the five entities or a valid character
    reference (a DTD could define others: a sheet with one is left to expat from its start)."""
    if "]]>" in text:
        return False
    if "&" in text:
        if _BAD_ENTITY.search(text):
            return False
        for hexadecimal, digits in _CHARACTER_REFERENCE.findall(text):
            if not _is_xml_character(int(digits, 16 if hexadecimal else 10)):
                return False
    return True


def _entity(found: re.Match) -> str:
    name = found[1]
    if name[0] == "#":
        return chr(int(name[2:], 16) if name[1] == "x" else int(name[1:]))
    return _NAMED_ENTITIES[name]


def _decode(raw: str) -> str:
    """Character data as expat reports it: line ends normalised to "\\n" (before references are replaced,
    so that ``&#13;`` stays a carriage return), then entity and character references replaced."""
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if "&" in raw:
        raw = _ENTITY.sub(_entity, raw)
    return raw


class _Prepended:
    """``head`` and then the rest of ``source``, read as one stream."""

    def __init__(self, head: bytes, source: IO[bytes]) -> None:
        self.head = head
        self.source = source

    def read(self, size: int = -1) -> bytes:
        if self.head:
            head, self.head = self.head, b""
            return head
        return self.source.read(size)


@dataclass
class _Head:
    """What precedes the rows: where they start, and the root and ``<sheetData>`` start tags rebuilt with
    their namespace declarations (a prefix after which expat reads any later part as it would in place)."""

    body: int  # offset of the first byte after <sheetData ...>
    prefix: bytes
    suffix: bytes
    namespaces: dict[str, str]  # prefix -> namespace, for the attributes of rows and cells


class _HeadFound(Exception):
    pass


def _start_tag(prefix: str | None, local: str, declarations: list[tuple[str | None, str]]) -> str:
    from xml.sax.saxutils import quoteattr

    name = f"{prefix}:{local}" if prefix else local
    declared = "".join(f" xmlns:{p}={quoteattr(uri)}" if p else f" xmlns={quoteattr(uri)}" for p, uri in declarations)
    return f"<{name}{declared}>"


def _read_head(source: IO[bytes], container: str | None) -> tuple[bytes, _Head | None]:
    """The bytes read up to and including the start tag of the root (``container`` None) or of the root's
    unprefixed child ``container`` in the main namespace (``"sheetData"``), checked with expat (namespaces on,
    as :class:`_SheetParser` reads them), and where the content starts. ``None`` instead when the head is
    anything else, not UTF-8, has a DTD, or holds an element :class:`_SheetParser` reads before the container.
    All bytes read so far are returned in both cases."""
    data = bytearray()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.namespace_prefixes = True
    pending: list[tuple[str | None, str]] = []
    depth = 0
    root: tuple[str | None, str, list[tuple[str | None, str]]] | None = None
    refused = False

    def declaration(_version, encoding, _standalone) -> None:
        nonlocal refused
        if encoding is not None and encoding.lower().replace("_", "-") not in ("utf-8", "utf8"):
            refused = True

    def doctype(*_arguments) -> None:
        nonlocal refused
        refused = True

    def namespace(prefix: str | None, uri: str) -> None:
        pending.append((prefix, uri))

    def start(name: str, _attributes) -> None:
        nonlocal depth, root, pending, refused
        depth += 1
        parts = name.split("}")
        uri, local, prefix = (parts + [None])[:3] if len(parts) > 1 else (None, name, None)
        declarations, pending = pending, []
        if depth == 1:
            root = (prefix, local, declarations)
            if container is None:
                raise _HeadFound(parser.CurrentByteIndex, [])
        elif depth == 2 and uri == SHEET_MAIN_NS and local == container and prefix is None:
            raise _HeadFound(parser.CurrentByteIndex, declarations)
        if uri == SHEET_MAIN_NS and local in _PARSER_TAGS:
            refused = True
            raise _HeadFound(-1, [])

    def end(_name: str) -> None:
        nonlocal depth
        depth -= 1

    parser.XmlDeclHandler = declaration
    parser.StartDoctypeDeclHandler = doctype
    parser.StartNamespaceDeclHandler = namespace
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        while len(data) < _LONGEST_PIECE:
            chunk = source.read(_PIECE)
            data += chunk
            parser.Parse(chunk, not chunk)
            if not chunk or refused:
                break
    except _HeadFound as found:
        offset, declarations = found.args
        if refused or root is None or offset < 0:
            return bytes(data), None
        root_prefix, root_local, root_declarations = root
        tag = re.compile(f"<{re.escape(container or _qualified(root_prefix, root_local))}{_ATTRIBUTES}{_WS}*>"
                         .encode()).match(data, offset)
        if tag is None:  # <sheetData/>, or a tag the pattern does not know
            return bytes(data), None
        namespaces = {"xml": _XML_NS}
        for prefix, uri in (*root_declarations, *declarations):
            if prefix:
                namespaces[prefix] = uri
        opening = _start_tag(root_prefix, root_local, root_declarations)
        closing = f"</{_qualified(root_prefix, root_local)}>"
        if container is not None:
            opening += _start_tag(None, container, declarations)
            closing = f"</{container}>{closing}"
        return bytes(data), _Head(tag.end(), opening.encode(), closing.encode(), namespaces)
    except Exception:  # noqa: BLE001 - whatever is wrong, expat reading from the start says it as before
        return bytes(data), None
    return bytes(data), None


def _qualified(prefix: str | None, local: str) -> str:
    return f"{prefix}:{local}" if prefix else local


class _Pieces:
    """The stream after ``pending`` (what was read already) in pieces that each end at the last ``end`` tag
    read so far; when the stream is over (``finished``) or no ``end`` comes for :data:`_LONGEST_PIECE` bytes,
    ``pending`` holds what follows the last piece."""

    def __init__(self, source: IO[bytes], pending: bytes, end: bytes) -> None:
        self.source = source
        self.pending = bytearray(pending)
        self.end = end
        self.finished = False

    def __iter__(self) -> Iterator[bytes]:
        pending, end_tag = self.pending, self.end
        searched = 0  # pending before this offset holds no end tag
        while True:
            end = pending.rfind(end_tag, searched)
            if end < 0:
                if self.finished or len(pending) > _LONGEST_PIECE:
                    return
                chunk = self.source.read(_PIECE)
                self.finished = not chunk
                searched = max(len(pending) - len(end_tag) + 1, 0)
                pending += chunk
                continue
            end += len(end_tag)
            piece = bytes(pending[:end])
            del pending[:end]
            searched = max(len(pending) - len(end_tag) + 1, 0)
            yield piece

    def rest(self) -> bytes:
        """What has been read but not handed out yet."""
        return bytes(self.pending)


def _attributes(text: str, namespaces: dict[str, str]) -> dict[str, str]:
    """The unprefixed attributes of a tag; _Trouble for a namespace declaration, an unbound prefix or an
    attribute given twice (expat's errors)."""
    found: dict[str, str] = {}
    seen: set[object] = set()
    for name, double, single in _ATTRIBUTE.findall(text):
        prefix, _colon, local = name.rpartition(":")
        if prefix:
            uri = namespaces.get(prefix)
            if uri is None:
                raise _Trouble
            key: object = (uri, local)
        elif name == "xmlns":
            raise _Trouble
        else:
            key = name
        if key in seen:
            raise _Trouble
        seen.add(key)
        if not prefix:
            found[name] = double or single
    return found


def _inline_text(body: str, namespaces: dict[str, str], element: str) -> str:
    """The text of the ``<t>`` elements outside phonetic runs (``<rPh>``) in ``body``, the content of an inline
    string's ``<is>`` or a shared string's ``<si>`` (``element``), as :class:`_SheetParser` and
    :class:`_SharedStrings` join them; _Trouble for anything but elements without a prefix and text (no
    element inside a ``<t>``, none that those parsers react to)."""
    texts: list[str] = []
    stack: list[str] = []
    phonetic = 0
    collecting: list[str] | None = None
    in_text = False
    for text, closing, name, attributes, empty, junk in _INLINE_TOKEN.findall(body):
        if text:
            if collecting is not None:
                collecting.append(text)
            continue
        if junk or ":" in name:
            raise _Trouble
        if closing:
            if attributes or empty or not stack or stack.pop() != name:
                raise _Trouble
            if name == "t":
                in_text = False
                if collecting is not None:
                    texts.append(_decode("".join(collecting)))
                    collecting = None
            elif name == "rPh":
                phonetic -= 1
            continue
        if in_text or name in (element, "row", "c", "v"):
            raise _Trouble
        if attributes:
            _attributes(attributes, namespaces)
        if name == "t":
            if empty:
                if not phonetic:
                    texts.append("")
            else:
                stack.append(name)
                in_text = True
                collecting = None if phonetic else []
        elif name == "rPh":
            if not empty:
                stack.append(name)
                phonetic += 1
        elif not empty:
            stack.append(name)
    if stack:
        raise _Trouble
    return "".join(texts)


class _FastSheet:
    """The rows of a worksheet part at a few Python operations per cell, value for value as
    :class:`_SheetParser` reads them.

    The XML after ``<sheetData>`` is cut into pieces that end at a ``</row>``; each piece is decoded and
    matched token by token with :data:`_TOKEN` (one C call per piece). A piece holding anything the
    tokens do not cover exactly (a namespace prefix, a comment, CDATA, an unknown element, a bad reference,
    a forbidden character, bytes that are not UTF-8) is read by expat instead, wrapped in the sheet's own root
    and ``<sheetData>`` start tags; when that fails too (malformed XML, a ``<sheetData>`` inside), expat reads
    the rest of the part from that piece on, so that the rows and the error are exactly those of
    :class:`_SheetParser` reading the whole part. The head of the part, and what follows the last
    ``</row>``, are checked by expat as well.

    Yields (row number, width, dense cells or ``None`` over the column limit, whether a text may be longer than
    :data:`MAX_CELL_TEXT`). ``fallbacks`` counts the pieces expat read (and "head"/"rest" when it read from
    the start or to the end), for the tests.
    """

    def __init__(self, parser: _SheetParser, max_columns: int) -> None:
        self.parser = parser
        self.max_columns = max_columns
        self.strings = parser.shared_strings
        self.long_strings = max(map(len, self.strings), default=0) > MAX_CELL_TEXT
        self.date_styles = {str(style) for style in parser.date_formats}
        if 0 in parser.date_formats:
            self.date_styles.add("")
        self.namespaces: dict[str, str] = {}
        self.number = 0
        # Attribute strings known good: a row's after its r (no other r), a cell's other than r, s, t (none of them).
        self.row_rests: set[str] = {""}
        self.cell_others: set[str] = set()
        self.fallbacks: list[str] = []

    def rows(self, source: IO[bytes]) -> Iterator[tuple[int, int, list[object] | None, bool]]:
        data, head = _read_head(source, "sheetData")
        if head is None:
            self.fallbacks.append("head")
            yield from self._expat(_Prepended(data, source))
            return
        self.namespaces = head.namespaces
        pieces = _Pieces(source, data[head.body:], _ROW_END)
        del data
        troubled = 0
        for piece in pieces:
            rows = self._piece(piece)
            if rows is None:
                rows = self._wrapped(piece, head)
                if rows is None:
                    self.fallbacks.append("rest")
                    yield from self._expat(_Prepended(head.prefix + piece + pieces.rest(), source))
                    return
                self.fallbacks.append("piece")
                troubled += 1
            else:
                troubled = 0
            yield from rows
            if troubled >= _TROUBLED_PIECES:
                self.fallbacks.append("rest")
                yield from self._expat(_Prepended(head.prefix + pieces.rest(), source))
                return
        # What follows the last </row> (</sheetData>, merged cells, the end of the document, or garbage).
        yield from self._expat(_Prepended(head.prefix + pieces.rest(), source))

    def _expat(self, source: _Prepended) -> Iterator[tuple[int, int, list[object] | None, bool]]:
        yield from self._dense(self.parser.fresh(self.number).rows(source))

    def _dense(self, rows) -> Iterator[tuple[int, int, list[object] | None, bool]]:
        for number, cells in rows:
            width = max((column for column, _value in cells), default=0)
            if width > self.max_columns:
                yield number, width, None, True
                continue
            values: list[object] = [None] * width
            for column, value in cells:
                values[column - 1] = value
            yield number, width, values, True

    def _wrapped(self, piece: bytes, head: _Head) -> list | None:
        """The rows of one piece read by expat inside the sheet's own start tags; None when it is malformed
        there (or holds a ``<sheetData>``, whose declarations the next piece would not see)."""
        if b"sheetData" in piece:
            return None
        parser = self.parser.fresh(self.number)
        try:
            found = parser.parse_all(head.prefix + piece + head.suffix)
        except Exception:  # noqa: BLE001 - expat reading the rest from here raises it again, in place
            return None
        self.number = parser._number
        return list(self._dense(found))

    def _piece(self, piece: bytes) -> list | None:
        """The rows of one piece, or None when anything in it is not certain."""
        try:
            text = piece.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if not _plain_xml(text):
            return None
        plain = "&" not in text and "\r" not in text
        long = self.long_strings or (len(text) > MAX_CELL_TEXT and max(map(len, text.split("<"))) > MAX_CELL_TEXT)
        strings = self.strings
        date_styles = self.date_styles
        convert = self.parser.convert
        column_index = _COLUMN_INDEX
        max_columns = self.max_columns
        checked = self.cell_others
        done: list[tuple[int, int, list[object] | None, bool]] = []
        number = self.number
        row: list[object] | None = None
        column = following = 0
        try:
            for letters, style, kind, other, value, simple, inline, tag in _TOKEN.findall(text):
                if not tag:  # a cell
                    if other and other not in checked:
                        letters, style, kind = self._cell_attributes(other, letters, style, kind)
                    if letters:
                        column = column_index.get(letters) or _column_of(letters)
                    else:
                        column += 1
                    if value:
                        if not plain:
                            value = _decode(value)
                        if kind == "s":
                            value = strings[int(value)]
                        elif not kind or kind == "n":
                            if style in date_styles:
                                value = convert("n", int(style) if style else 0, value, None)
                            elif "." in value or "E" in value or "e" in value:
                                value = float(value)
                            else:
                                value = int(value)
                        else:
                            value = convert(kind, int(style) if style else 0, value, None)
                    elif simple:
                        value = (simple[1:] if plain else _decode(simple[1:])) if kind == "inlineStr" else None
                    elif inline:
                        value = _inline_text(inline[4:-5], self.namespaces, "is") if inline[3] == ">" else ""
                        if kind != "inlineStr":
                            value = None
                    else:
                        value = None
                    if column == following:
                        row.append(value)
                        following += 1
                    elif column > following:
                        if column > max_columns:  # the row is refused: expat's pairs say how wide it is
                            raise _Trouble
                        row.extend([None] * (column - following))
                        row.append(value)
                        following = column + 1
                    else:
                        row[column - 1] = value
                elif tag == "</row>":
                    if row is None:
                        raise _Trouble
                    done.append((number, len(row), row, long))
                    row = None
                elif tag[:4] == "<row":
                    if row is not None:
                        raise _Trouble
                    attributes = tag[4:-1]
                    empty = attributes.endswith("/")
                    if empty:
                        attributes = attributes[:-1]
                    number = self._row_number(attributes, number) if attributes else number + 1
                    if empty:
                        done.append((number, 0, [], False))
                    else:
                        row = []
                        column, following = 0, 1
                else:
                    raise _Trouble
        except Exception:  # noqa: BLE001 - _Trouble, or a value _SheetParser would refuse: expat says which
            return None
        if row is not None:
            return None
        self.number = number
        return done

    def _cell_attributes(self, other: str, letters: str, style: str, kind: str) -> tuple[str, str, str]:
        attributes = _attributes(other, self.namespaces)
        if not ("r" in attributes or "s" in attributes or "t" in attributes):
            self.cell_others.add(other)
            return letters, style, kind
        for name, value in (("r", letters), ("s", style), ("t", kind)):
            if value and name in attributes:
                raise _Trouble
        if "r" in attributes:
            if not _REFERENCE_SHAPE.fullmatch(attributes["r"]):
                raise _Trouble
            letters = attributes["r"].rstrip("0123456789")
        if "s" in attributes:
            style = attributes["s"]
            if not _STYLE_SHAPE.fullmatch(style):
                raise _Trouble
        if "t" in attributes:
            kind = attributes["t"]
            if not _TYPE_SHAPE.fullmatch(kind):
                raise _Trouble
        return letters, style, kind

    def _row_number(self, attributes: str, number: int) -> int:
        if attributes.startswith(' r="'):  # as every writer puts it, maybe before spans="1:17" ht="15" ...
            end = attributes.find('"', 4)
            given, rest = attributes[4:end], attributes[end + 1:]
            if rest not in self.row_rests:
                if "r" in _attributes(rest, self.namespaces):
                    raise _Trouble
                self.row_rests.add(rest)
            if not (given.isascii() and given.isdigit()):
                raise _Trouble
            return int(given)
        given = _attributes(attributes, self.namespaces).get("r")
        if given is None:
            return number + 1
        if not (given.isascii() and given.isdigit()):
            raise _Trouble
        return int(given)


class _FastStrings:
    """The shared-string table read like the rows of :class:`_FastSheet` (pieces ending at a ``</si>``, one
    regular expression per piece), string for string as :class:`_SharedStrings` reads it. All or nothing:
    :meth:`read` gives None when anything is not certain (a prefix, a comment, a string longer than
    :data:`MAX_CELL_TEXT` that expat would cap part by part ...), and the caller reads the table with
    :class:`_SharedStrings` instead, which then says what is wrong as before."""

    def __init__(self, name: str, limit: int) -> None:
        self.name = name
        self.limit = limit

    def read(self, source: IO[bytes]) -> list[str] | None:
        data, head = _read_head(source, None)
        if head is None:
            return None
        strings: list[str] = []
        pieces = _Pieces(source, data[head.body:], _STRING_END)
        del data
        try:
            for piece in pieces:
                text = piece.decode("utf-8")
                if not _plain_xml(text):
                    return None
                plain = "&" not in text and "\r" not in text
                escaped = not plain or "x005F_" in text
                for simple, rich, junk in _STRING_TOKEN.findall(text):
                    if simple:
                        string = simple[1:] if plain else _decode(simple[1:])
                    elif rich:
                        string = _inline_text(rich[4:-5], head.namespaces, "si") if rich[3] == ">" else ""
                    else:
                        return None
                    if len(string) > MAX_CELL_TEXT:
                        return None
                    strings.append(string.replace("x005F_", "") if escaped or rich else string)
                if len(strings) > self.limit:
                    raise NotAList(f"无法读取“{self.name}”：共享字符串超过上限{self.limit:,}个。")
            if not pieces.finished:  # a string of megabytes: expat reads it part by part
                return None
            # What follows the last </si>: expat checks it, and it must hold no string.
            tail = _SharedStrings(self.name, self.limit)
            if tail.read(io.BytesIO(head.prefix + pieces.rest() + source.read())) or tail._parts:
                return None
        except NotAList:
            raise
        except Exception:  # noqa: BLE001 - _SharedStrings reading the table says what is wrong, as before
            return None
        return strings


def _first_list_sheet(name: str, workbook, kind: ListKind, opened: list[Iterator], limits: ReadLimits
                      ) -> ListSource:
    seen: list[list[tuple[object, ...]]] = []
    for sheet in workbook.worksheets:
        if getattr(sheet, "sheet_state", "visible") != "visible":
            continue
        estimated = sheet.max_row if isinstance(sheet.max_row, int) and sheet.max_row > 1 else _count_rows(
            workbook, sheet)
        rows = _sheet_rows(name, workbook, sheet, limits)
        opened.append(rows)
        top: list[SourceRow] = []
        for row in rows:
            top.append(row)
            if row.number >= HEADER_SEARCH_ROWS:
                break
        grid = _grid(top)
        found = _find_header(grid, kind)
        if found is None:
            seen.append(grid)
            continue
        first_data = found.header_row + found.skip
        source = ListSource(
            name=name,
            kind=kind,
            sheet=sheet.title,
            header_row=found.header_row,
            header=found.header,
            preamble=found.preamble,
            estimated_rows=max(estimated - first_data, 0) if estimated else None,
        )
        source._origin = (sheet, first_data)
        source._rows = _after(top, rows, first_data)
        return source
    raise _not_found(name, kind, seen)


@dataclass(frozen=True)
class RowSlice:
    """A consecutive run of a sheet's rows, as the byte ranges of the sheet's XML part that make a well-formed
    sheet holding only those rows: the part's head up to its first row, the run's rows, and the part's tail
    from the end of its last row. Any reader of sheets reads it, numbering rows by their own references."""

    member: str
    pieces: tuple[tuple[int, int], ...]


# Slices are cut only where the rows' XML is written plainly, so that a cut can never land inside anything but
# the space between two rows: no comment, CDATA, DOCTYPE or processing instruction past the declaration (which
# may hold "<row " as text), every row tag unprefixed and carrying its reference first (what openpyxl, Excel,
# WPS and LibreOffice write).
_ROW_TAG, _REFERENCED_ROW_TAG, _ROWS_END = b"<row ", b'<row r="', b"</sheetData>"
_SLICE_MIN_BYTES = 1 << 20  # a smaller part is read whole: cutting it would cost more than it saves


class _SheetSlicer:
    """Cuts one xlsx sheet's rows into slices and reads a slice again from the file (by its path, so that a
    forked process never shares the parent's open file)."""

    def __init__(self, name: str, path: Path, workbook, sheet, limits: ReadLimits, first_data: int) -> None:
        self.name, self.path, self.workbook, self.sheet, self.limits = name, path, workbook, sheet, limits
        self.first_data = first_data

    def slices(self, parts: int) -> list[RowSlice] | None:
        member = self.sheet._worksheet_path
        try:
            size = self.workbook._archive.getinfo(member).file_size
            if parts < 2 or size < _SLICE_MIN_BYTES:
                return None
            with self.workbook._archive.open(member) as stream:
                data = stream.read(self.limits.part_bytes + 1)  # the part's size was checked when it was opened
        except (KeyError, zipfile.BadZipFile, OSError, AttributeError):
            return None
        first, end = data.find(_ROW_TAG), data.rfind(_ROWS_END)
        rows = data.count(_ROW_TAG)
        if (first < 0 or end < first or rows > self.limits.rows or data.count(_REFERENCED_ROW_TAG) != rows
                or b"<!" in data or data.find(b"<?", 1) >= 0 or data.find(_ROW_TAG, end) >= 0):
            return None
        cuts = [first]
        for index in range(1, parts):
            cut = data.find(_ROW_TAG, max(cuts[-1] + 1, first + (end - first) * index // parts))
            if cut < 0 or cut >= end:
                break
            cuts.append(cut)
        cuts.append(end)
        head = (0, first)
        tail = (end, len(data))
        return [RowSlice(member, (head, (start, stop), tail)) for start, stop in zip(cuts, cuts[1:], strict=False)
                if stop > start]

    def rows(self, part: RowSlice) -> Iterator[SourceRow]:
        try:
            archive = zipfile.ZipFile(self.path)
        except (OSError, zipfile.BadZipFile) as error:
            raise NotAList(f"无法读取“{self.name}”：文件已损坏。（{type(error).__name__}）") from None
        with archive:
            yield from _sheet_rows(self.name, self.workbook, _SliceSheet(self.sheet, archive, part), self.limits)


class _SliceSheet:
    """What :func:`_sheet_rows` needs of a sheet, with a slice's bytes as the sheet's XML."""

    def __init__(self, sheet, archive: zipfile.ZipFile, part: RowSlice) -> None:
        self.title = sheet.title
        self._shared_strings = sheet._shared_strings
        self._archive, self._part = archive, part

    @contextmanager
    def _get_source(self) -> Iterator[IO[bytes]]:
        with self._archive.open(self._part.member) as stream:
            yield _ByteRanges(stream, self._part.pieces)


class _ByteRanges(io.RawIOBase):
    """A forward-only stream of chosen byte ranges of another stream, in order (the bytes between are read and
    dropped: a zip member cannot seek cheaply)."""

    def __init__(self, stream: IO[bytes], pieces: tuple[tuple[int, int], ...]) -> None:
        self._stream, self._pieces, self._at = stream, list(pieces), 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while self._pieces:
            start, stop = self._pieces[0]
            if self._at < start:  # skip to the piece
                skipped = self._stream.read(min(start - self._at, _CHUNK))
                if not skipped:
                    return 0
                self._at += len(skipped)
                continue
            if self._at >= stop:
                self._pieces.pop(0)
                continue
            data = self._stream.read(min(len(buffer), stop - self._at))
            if not data:
                return 0
            buffer[: len(data)] = data
            self._at += len(data)
            return len(data)
        return 0


def _count_rows(workbook, sheet) -> int | None:
    """Rows in a sheet whose file states no dimension (files written by some programs): the ``<row`` tags of
    its XML, counted without parsing it (the part's size is already bounded). Only sizes the progress bar."""
    count, tail = 0, b""
    try:
        with workbook._archive.open(sheet._worksheet_path) as stream:
            while chunk := stream.read(_CHUNK):
                count += (tail + chunk).count(b"<row ")  # a 4-byte tail cannot hold a whole tag
                tail = chunk[-4:]
    except (KeyError, zipfile.BadZipFile, OSError, AttributeError):
        return None
    return count


def _grid(rows: list[SourceRow]) -> list[tuple[object, ...]]:
    """The top rows as a dense list indexed by row number - 1 (blank rows as empty tuples)."""
    grid: list[tuple[object, ...]] = []
    for row in rows:
        while len(grid) < row.number - 1:
            grid.append(())
        if row.number <= HEADER_SEARCH_ROWS:
            grid.append(row.cells)
    return grid


def _after(top: list[SourceRow], rest: Iterator[SourceRow], first_data: int) -> Iterator[SourceRow]:
    """The rows after the header, numbered as Excel numbers them."""
    for row in top:
        if row.number > first_data:
            yield row
    for row in rest:
        if row.number > first_data:
            yield row


# --------------------------------------------------------------------------------------------------------
# CSV

_ENCODINGS = ("utf-8", "gb18030")


def _detect_encoding(stream: IO[bytes], name: str) -> str:
    """utf-8-sig with a BOM; else UTF-8 if the whole file decodes as UTF-8; else GB18030 (which covers GBK
    and GB2312, what Excel saves as "CSV" on Chinese Windows). When neither fits, the message says where
    the first byte that is not GB18030 is."""
    stream.seek(0)
    if stream.read(3) == codecs.BOM_UTF8:
        return "utf-8-sig"
    failure: tuple[int, int] | None = None
    for encoding in _ENCODINGS:
        decoder = codecs.getincrementaldecoder(encoding)()
        stream.seek(0)
        offset, lines = 0, 1
        try:
            while chunk := stream.read(_CHUNK):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as error:
                    bad = max(error.start, 0)
                    failure = (offset + bad, lines + chunk.count(b"\n", 0, bad))
                    raise
                offset += len(chunk)
                lines += chunk.count(b"\n")
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            if failure is None:
                failure = (offset, lines)
            continue
        return encoding
    byte, line = failure or (0, 1)
    raise NotAList(
        f"无法读取“{name}”：它既不是Excel工作簿（.xlsx），也不是UTF-8或GB18030（GBK）编码的CSV文本文件；"
        f"第{line}行（文件第{byte + 1}个字节）处的内容无法识别。请用Excel打开后另存为“CSV UTF-8”或.xlsx再导入。"
    )


def _count_lines(stream: IO[bytes]) -> int:
    count = 0
    stream.seek(0)
    while chunk := stream.read(_CHUNK):
        count += chunk.count(b"\n")
    return count


@contextmanager
def _open_csv(stream: IO[bytes], name: str, kind: ListKind, limits: ReadLimits) -> Iterator[ListSource]:
    encoding = _detect_encoding(stream, name)
    lines = _count_lines(stream)
    stream.seek(0)
    handle = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        sample = handle.read(64 * 1024)
        if "\x00" in sample:
            raise NotAList(f"无法读取“{name}”：这不是表格文件（含有二进制内容）。")
        handle.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(handle, dialect)
        rows = _csv_rows(reader, name, limits)
        top = [r for _, r in zip(range(HEADER_SEARCH_ROWS), rows, strict=False)]
        found = _find_header([row.cells for row in top], kind)
        if found is None:
            raise _not_found(name, kind, [[row.cells for row in top]])
        first_data = found.header_row + found.skip
        source = ListSource(
            name=name,
            kind=kind,
            sheet=None,
            header_row=found.header_row,
            header=found.header,
            preamble=found.preamble,
            estimated_rows=max(lines - first_data, 0),
        )
        source._rows = _after(top, rows, first_data)
        yield source
    finally:
        handle.detach()


def _csv_rows(reader, name: str, limits: ReadLimits) -> Iterator[SourceRow]:
    """CSV records numbered like the spreadsheet Excel would show (one record per row, even with line
    breaks inside quoted cells), checked against the limits."""
    previous = csv.field_size_limit(limits.csv_field)
    number = 0
    try:
        while True:
            line = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                if "field larger than field limit" in str(error):
                    raise NotAList(f"无法读取“{name}”：第{line}行附近有一个单元格超过{limits.csv_field:,}个字符的上限，"
                                   "未导入任何数据。") from None
                raise NotAList(f"无法读取“{name}”：第{line}行附近CSV格式错误（{error}），未导入任何数据。") from None
            number += 1
            if number > limits.rows:
                raise NotAList(f"“{name}”超过行数上限{limits.rows:,}行，未导入任何数据：请拆分成几个文件再导入。")
            if len(cells) > limits.columns:
                raise NotAList(f"“{name}”第{number}行有{len(cells)}列，超过列数上限{limits.columns}列，未导入任何数据。")
            yield _row(number, cells)
    finally:
        csv.field_size_limit(previous)
