"""The cell values of a worksheet, row by row, parsed with expat: the fast path of reading a list.

openpyxl builds a dictionary and an element tree per cell; a county list of 10^4 rows × 18 columns spends more
time there than in validating the rows. :func:`values_by_row` gives exactly what openpyxl's read-only
``sheet.iter_rows(values_only=True)`` gives after ``reset_dimensions()`` (same values, same types, same padding,
one empty tuple per missing row), reusing the workbook openpyxl opened (its shared strings, date styles and
epoch), streaming the sheet's XML in chunks so memory stays bounded. When the workbook lacks anything this path
reads, it hands over to openpyxl.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from xml.parsers import expat

from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601

__all__ = ["values_by_row"]

_CHUNK = 1 << 16
_DIGITS = "0123456789"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# Element names as expat reports them with namespace processing on, whatever prefix the file uses.
_TAGS = {f"{_MAIN} {local}": local for local in ("row", "c", "v", "t", "is", "rPh")}


def values_by_row(sheet) -> Iterator[tuple[object, ...]]:
    """The rows of the read-only worksheet ``sheet`` as tuples of values (see the module docstring)."""
    workbook = getattr(sheet, "parent", None)
    member = getattr(sheet, "_worksheet_path", None)
    archive = getattr(workbook, "_archive", None)
    strings = getattr(sheet, "_shared_strings", None)
    needed = ("_date_formats", "_timedelta_formats", "epoch")
    if member is None or archive is None or strings is None or not all(hasattr(workbook, n) for n in needed):
        return sheet.iter_rows(values_only=True)
    return _rows(archive, member.lstrip("/"), workbook, strings)


class _Parser:
    """expat callbacks that turn ``<row>``/``<c>``/``<v>`` elements into tuples, as openpyxl's read-only sheet."""

    def __init__(self, workbook, strings) -> None:
        self.strings = strings
        self.date_styles = workbook._date_formats
        self.timedelta_styles = workbook._timedelta_formats
        self.epoch = workbook.epoch
        self.done: list[tuple[object, ...]] = []
        self.expected = 1  # the next row number to yield (missing rows come out empty)
        self.row_number = 0
        self.cells: list[tuple[int, object]] | None = None
        self.column = 0
        self.kind = "n"
        self.style = 0
        self.reference: str | None = None
        self.text: list[str] = []
        self.collecting = False  # inside <v>, or a <t> of an inline string outside phonetic runs
        self.inline = False
        self.has_inline = False
        self.phonetic = 0
        self.columns: dict[str, int] = {}

    def start(self, name: str, attributes: dict[str, str]) -> None:
        name = _TAGS.get(name, "")
        if name == "c":
            self.kind = attributes.get("t", "n")
            style = attributes.get("s")
            self.style = int(style) if style else 0
            self.reference = attributes.get("r")
            self.text = []
            self.inline = self.kind == "inlineStr"
            self.has_inline = False
        elif name == "is":
            self.has_inline = True
        elif name == "v":
            self.collecting = not self.inline
        elif name == "t":
            self.collecting = self.inline and not self.phonetic
        elif name == "rPh":
            self.phonetic += 1
        elif name == "row":
            number = attributes.get("r")
            if number is None:
                self.row_number += 1
            else:
                try:
                    self.row_number = int(number)
                except ValueError:
                    value = float(number)
                    if not value.is_integer():
                        raise ValueError(f"{number} is not a valid row number") from None
                    self.row_number = int(value)
            self.cells = []
            self.column = 0

    def end(self, name: str) -> None:
        name = _TAGS.get(name, "")
        if name in ("v", "t"):
            self.collecting = False
        elif name == "rPh":
            self.phonetic -= 1
        elif name == "c":
            self._cell()
        elif name == "row":
            self._row()

    def data(self, text: str) -> None:
        if self.collecting:
            self.text.append(text)

    def _cell(self) -> None:
        reference = self.reference
        if reference:
            letters = reference.rstrip(_DIGITS)
            column = self.columns.get(letters)
            if column is None:
                column = self.columns[letters] = column_index_from_string(letters)
            self.column = column
        else:
            self.column += 1
        raw = "".join(self.text)
        kind = self.kind
        if kind == "inlineStr":
            value: object = raw if self.has_inline else None
        elif not raw:
            value = None
        elif kind == "n":
            value = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
            if self.style in self.date_styles:
                try:
                    value = from_excel(value, self.epoch, timedelta=self.style in self.timedelta_styles)
                except (OverflowError, ValueError):
                    warnings.warn(f"Cell {reference} is marked as a date but the serial value {value} is outside "
                                  "the limits for dates. The cell will be treated as an error.", stacklevel=2)
                    value = "#VALUE!"
        elif kind == "s":
            value = self.strings[int(raw)]
        elif kind == "b":
            value = bool(int(raw))
        elif kind == "d":
            value = from_ISO8601(raw)
        else:  # "str" (a formula's text), "e" (an error such as #N/A)
            value = raw
        self.cells.append((self.column, value))

    def _row(self) -> None:
        number, cells = self.row_number, self.cells or []
        self.cells = None
        while self.expected < number:
            self.done.append(())
            self.expected += 1
        if self.expected > number:
            return  # a row out of order or repeated: openpyxl skips it
        self.expected += 1
        if not cells:
            self.done.append(())
            return
        width = cells[-1][0]
        values: list[object] = [None] * width
        for column, value in cells:
            if 1 <= column <= width:
                values[column - 1] = value
        self.done.append(tuple(values))


def _rows(archive, member: str, workbook, strings) -> Iterator[tuple[object, ...]]:
    state = _Parser(workbook, strings)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = state.start
    parser.EndElementHandler = state.end
    parser.CharacterDataHandler = state.data
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
            if state.done:
                yield from state.done
                state.done = []
        parser.Parse(b"", True)
    yield from state.done
