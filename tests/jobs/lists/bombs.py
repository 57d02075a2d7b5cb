"""Small generators of hostile and broken list files, written part by part so that even the large ones cost
little memory to build: a shared-string bomb, rows with one cell at column XFD, millions of shared strings,
a sheet broken half-way. Used by the tests and by benchmarks/bench_bombs.py."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
HEADER = ("姓名", "身份证号", "户籍地", "人员类别")

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{CT}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT}.sharedStrings+xml"/>'
    '</Types>'
)
_ROOT_RELS = (f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/officeDocument" '
              'Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets><sheet name="清单" sheetId="1" r:id="rId1"/>'
             '</sheets></workbook>')
_WORKBOOK_RELS = (f'<Relationships xmlns="{RELS}">'
                  f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
                  f'<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
                  '</Relationships>')


def column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def text_cell(row: int, column: int, text: str) -> str:
    return f'<c r="{column_letter(column)}{row}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def text_row(row: int, values: Iterable[str]) -> str:
    return f'<row r="{row}">' + "".join(text_cell(row, i, v) for i, v in enumerate(values, start=1)) + "</row>"


def write_parts(path: Path, sheet: Iterable[str | bytes], shared: Iterable[str | bytes] = ()) -> Path:
    """An xlsx whose sheet XML is the chunks of ``sheet`` (rows, without the wrapper) and whose shared-string
    table is the chunks of ``shared`` (``<si>`` elements), both streamed into the archive."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        _stream(archive, "xl/sharedStrings.xml", [f'<sst xmlns="{MAIN}">', *shared, "</sst>"])
        _stream(archive, "xl/worksheets/sheet1.xml", [f'<worksheet xmlns="{MAIN}"><sheetData>', *sheet,
                                                      "</sheetData></worksheet>"])
    return path


def _stream(archive: zipfile.ZipFile, name: str, chunks: Iterable[str | bytes]) -> None:
    with archive.open(name, "w", force_zip64=True) as part:
        for chunk in chunks:
            part.write(chunk.encode() if isinstance(chunk, str) else chunk)


def people_rows(first: int, count: int, people: list[tuple[str, str]]) -> Iterator[str]:
    for offset in range(count):
        name, number = people[offset % len(people)]
        yield text_row(first + offset, (name, number, "宁乡市", "脱贫人口"))


def shared_string_bomb(path: Path, size: int) -> Path:
    """A header whose first cell is one shared string of ``size`` characters ("A" repeated: it packs ~1000:1)."""
    block = b"A" * (1 << 20)

    def giant() -> Iterator[bytes]:
        yield b"<si><t>"
        left = size
        while left > 0:
            yield block[:min(left, len(block))]
            left -= len(block)
        yield b"</t></si>"

    header = '<row r="1"><c r="A1" t="s"><v>0</v></c>' + "".join(
        text_cell(1, i, v) for i, v in enumerate(HEADER[1:], start=2)) + "</row>"
    return write_parts(path, [header], giant())


def far_column_rows(path: Path, rows: int) -> Path:
    """A header, then ``rows`` rows each with one cell at column XFD (16,384)."""
    def body() -> Iterator[str]:
        yield text_row(1, HEADER)
        for row in range(2, rows + 2):
            yield f'<row r="{row}"><c r="XFD{row}" t="inlineStr"><is><t>x</t></is></c></row>'
    return write_parts(path, body())


def many_shared_strings(path: Path, count: int) -> Path:
    """A header and ``count`` distinct shared strings (none of them used)."""
    def strings() -> Iterator[str]:
        for start in range(0, count, 10_000):
            yield "".join(f"<si><t>s{index}</t></si>" for index in range(start, min(start + 10_000, count)))
    return write_parts(path, [text_row(1, HEADER)], strings())


def broken_at(path: Path, people: list[tuple[str, str]], rows: int, broken_row: int) -> Path:
    """A valid list whose sheet XML breaks off into garbage at row ``broken_row``."""
    def body() -> Iterator[str]:
        yield text_row(1, HEADER)
        yield from people_rows(2, broken_row - 2, people)
        yield f'<row r="{broken_row}"><c r="A{broken_row}" t="inlineStr"><is><t>x</t></is></c><<garbage'
        yield from people_rows(broken_row + 1, rows - broken_row, people)
    return write_parts(path, body())
