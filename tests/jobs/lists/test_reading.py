"""Finding the list in a file: formats, encodings, header rows under titles, tolerant headers, and files that
are not lists at all; and the fast xlsx readers, which read every sheet and shared-string table exactly as the
expat parsers do (or hand them over to those)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900

from jobs.lists import reading
from jobs.lists.columns import DEMAND_COLUMNS, SUPPLY_COLUMNS, map_headers
from jobs.lists.reading import (
    DEFAULT_LIMITS,
    NotAList,
    _FastSheet,
    _FastStrings,
    _LimitedReader,
    _SharedStrings,
    _SheetParser,
    open_list,
)
from tests.jobs.lists.bombs import column_letter, text_row, write_parts
from tests.jobs.lists.gallery import (
    COUNTY_TITLE,
    ZHANG,
    county_list,
    demand_rows,
    supply_list,
    write_csv,
    write_xlsx,
)


def test_the_canonical_headers_map_to_every_column_in_order():
    for kind, columns in (("demand", DEMAND_COLUMNS), ("supply", SUPPLY_COLUMNS)):
        header = map_headers([c.header for c in columns], kind)
        assert header.positions == {c.key: i for i, c in enumerate(columns)}
        assert header.ignored == []


@pytest.mark.parametrize(("header", "column"), [
    ("身份证号码", "id_number"), ("公民身份号码", "id_number"), ("身份证号（18位）*", "id_number"),
    ("身份证号吗", "id_number"), ("手机号", "phone"), ("户籍所在地", "household"), ("意向岗位", "wanted_occupations"),
    ("期望工资", "expected_wage"), ("就业状况", "employment_status"), ("是否有就业意愿（是/否）", "employment_intent"),
])
def test_demand_headers_are_recognised_by_synonym_remark_and_near_miss(header, column):
    assert map_headers(["姓名", header], "demand").positions[column] == 1


def test_a_header_about_someone_else_is_not_the_workers_column():
    header = map_headers(["姓名", "身份证号", "户主身份证号", "紧急联系人电话"], "demand")
    assert header.positions == {"name": 0, "id_number": 1}
    assert header.ignored == ["户主身份证号", "紧急联系人电话"]


def test_a_chinese_header_names_its_column_last():
    header = map_headers(["用人单位", "岗位名称", "用人单位联系人", "用人单位联系电话"], "supply")
    assert header.positions["contact_name"] == 2 and header.positions["contact_phone"] == 3


def test_a_column_is_taken_once_and_the_canonical_name_wins_the_other_is_named_a_duplicate():
    header = map_headers(["姓名", "手机号", "身份证号", "联系电话"], "demand")
    assert header.positions["phone"] == 3
    assert header.ignored == []
    assert header.duplicates == [("手机号", "联系电话")]


def test_the_header_is_found_under_a_merged_title_and_a_reporting_line(tmp_path):
    with open_list(county_list(tmp_path), "demand") as source:
        assert source.header_row == 3
        assert source.ignored_columns == ["乡镇", "家庭人口"]
        assert source.preamble[0] == COUNTY_TITLE
        numbers = [row.number for row in source.data_rows()]
    assert numbers == [4, 6, 7, 8, 9, 10]  # row 5 is blank, row 11 is the 合计 footer


def test_the_first_sheet_that_holds_a_list_is_taken(tmp_path):
    path = write_xlsx(tmp_path / "two.xlsx", demand_rows(("张三", ZHANG)),
                      sheets_before=(("说明", [["填表说明：请按模板填写"], ["月份", "收入"]]),))
    with open_list(path, "demand") as source:
        assert source.sheet == "清单"
        assert [row.number for row in source.data_rows()] == [2]


def test_a_second_header_row_under_merged_group_headers_is_combined(tmp_path):
    rows = [
        ["序号", "姓名", "身份证号", "人员类别", "就业意向", None, None],
        [None, None, None, None, "意向工种", "意向地区", "期望月薪"],
        [1, "张三", ZHANG, "脱贫户", "普工", "广东", "5000"],
    ]
    with open_list(write_xlsx(tmp_path / "grouped.xlsx", rows), "demand") as source:
        assert source.header.has("wanted_occupations", "wanted_regions", "expected_wage")
        assert [row.number for row in source.data_rows()] == [3]


def test_rows_with_only_a_number_and_the_templates_example_row_are_not_data(tmp_path):
    rows = [*demand_rows(("张三", ZHANG)), [2], [3], ["示例", "李四"]]
    with open_list(write_xlsx(tmp_path / "numbered.xlsx", rows), "demand") as source:
        assert [row.number for row in source.data_rows()] == [2]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig", "utf-8"])
def test_csv_files_are_read_in_gb18030_and_utf8_with_or_without_bom(tmp_path, encoding):
    path = write_csv(tmp_path / "list.csv", [["宁乡市就业需求清单"], *demand_rows(("张三", ZHANG))], encoding=encoding)
    with open_list(path, "demand") as source:
        (row,) = list(source.data_rows())
    assert row.number == 3
    assert source.get(row, "name") == "张三" and source.get(row, "category") == "脱贫人口"


def test_an_unreadable_file_is_not_a_list(tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"\x00\x01\x02 not a spreadsheet \xff")
    with pytest.raises(NotAList) as caught, open_list(path, "demand"):
        pass
    assert caught.value.message == (
        "无法读取“list.xlsx”：它既不是Excel工作簿（.xlsx），也不是UTF-8或GB18030（GBK）编码的CSV文本文件；"
        "第1行（文件第23个字节）处的内容无法识别。请用Excel打开后另存为“CSV UTF-8”或.xlsx再导入。")


def test_binary_content_is_not_a_list(tmp_path):
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(NotAList) as caught, open_list(path, "demand"):
        pass
    assert caught.value.message == "无法读取“photo.csv”：这不是表格文件（含有二进制内容）。"


def test_a_zip_that_is_no_workbook_is_not_a_list(tmp_path):
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(NotAList) as caught, open_list(path, "demand"):
        pass
    assert caught.value.message.startswith("无法读取“broken.xlsx”：文件已损坏，或不是Excel工作簿（.xlsx）。")


def test_an_old_xls_file_is_refused_with_what_to_do(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(NotAList) as caught, open_list(path, "demand"):
        pass
    assert caught.value.message == (
        "“old.xls”是旧版Excel（.xls）文件，无法直接读取：请在Excel中“另存为”Excel工作簿（.xlsx）后再导入。"
    )


def test_a_workbook_without_a_list_says_which_headers_are_missing(tmp_path):
    path = write_xlsx(tmp_path / "budget.xlsx", [["月份", "收入", "支出"], ["1月", 100, 80]])
    with pytest.raises(NotAList) as caught, open_list(path, "demand"):
        pass
    assert caught.value.message == (
        "“budget.xlsx”中没有找到就业需求清单的表头：表头行应包含“姓名”和“身份证号”列"
        "（可用 bangfu template demand 下载模板）。"
    )


def test_a_supply_list_given_as_a_demand_list_says_which_command_to_use(tmp_path):
    with pytest.raises(NotAList) as caught, open_list(supply_list(tmp_path), "demand"):
        pass
    assert caught.value.message == "“supply.xlsx”看起来是岗位供给清单，不是就业需求清单：请用 bangfu import supply 导入。"


def test_the_row_count_of_a_sheet_without_a_stated_dimension_is_estimated(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("清单")
    for row in demand_rows(*[(f"人{i}", ZHANG) for i in range(30)]):
        sheet.append(row)
    workbook.save(tmp_path / "streamed.xlsx")
    with open_list(tmp_path / "streamed.xlsx", "demand") as source:
        assert source.estimated_rows == 30


# -- the fast sheet reader -----------------------------------------------------------------------------------
#
# _FastSheet reads worksheet XML with a compiled regular expression per piece of rows and hands whatever it
# does not know to expat (_SheetParser). Whatever the XML, both must give the same rows, the same values of
# the same types, and the same error after the same rows.

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ROOT = (f'<worksheet xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" '
        'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">')
DATE_STYLE, DURATION_STYLE, PLAIN_STYLE = 1, 2, 3
SHARED = ["甲", "乙 ", "x005F_y", "", "丙&丁"]
FAST = settings(max_examples=80, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])


def _parser(strings=SHARED, *, default_date: bool = False) -> _SheetParser:
    dates = {DATE_STYLE, DURATION_STYLE} | ({0} if default_date else set())
    return _SheetParser(list(strings), dates, {DURATION_STYLE}, CALENDAR_WINDOWS_1900)


def _outcome(rows) -> tuple[list, str | None]:
    """The rows (number, width, typed values) until the end or an error, and the error's type."""
    seen = []
    try:
        for number, width, values, _long in rows:
            seen.append((number, width, None if values is None else [(type(v), v) for v in values]))
    except Exception as error:  # noqa: BLE001 - the type is what is compared
        return seen, type(error).__name__
    return seen, None


def _expat_rows(parser: _SheetParser, xml: bytes, columns: int):
    """_SheetParser's pairs as dense rows, as _sheet_rows builds them."""
    for number, cells in parser.rows(io.BytesIO(xml)):
        width = max((column for column, _value in cells), default=0)
        values = None
        if width <= columns:
            values = [None] * width
            for column, value in cells:
                values[column - 1] = value
        yield number, width, values, True


def read_both(xml: bytes, *, strings=SHARED, columns: int = 256, piece: int | None = None,
              default_date: bool = False):
    """(fast outcome, expat outcome, the fast reader's fallbacks)."""
    fast = _FastSheet(_parser(strings, default_date=default_date), columns)
    with patch.object(reading, "_PIECE", piece or reading._PIECE):
        got = _outcome(fast.rows(io.BytesIO(xml)))
    return got, _outcome(_expat_rows(_parser(strings, default_date=default_date), xml, columns)), fast.fallbacks


def sheet_xml(rows: list[str], *, head: str = "", root: str = ROOT, before: str = "", after: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{head}{root}{before}<sheetData>'
            + "".join(rows) + f"</sheetData>{after}</worksheet>").encode()


# Raw XML text: characters that need no escaping, entity and character references, line ends and tabs.
_PLAIN = st.characters(min_codepoint=0x20, max_codepoint=0x2FFFF, exclude_categories=("Cs",),
                       exclude_characters="<&>\ufffe\uffff")
_REFERENCES = st.sampled_from(["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#20013;", "&#x4E2D;", "&#x4e2d;",
                               "&#13;", "&#9;", "&#10;", "&#x1F600;", "&#0065;", "\r\n", "\r", "\t", "\n", " "])
XML_TEXT = st.lists(st.one_of(_PLAIN, _REFERENCES), max_size=8).map("".join)
NUMBERS = st.one_of(st.integers(-10**12, 10**12).map(str), st.floats(allow_nan=False, allow_infinity=False).map(repr),
                    st.sampled_from(["1.5E+3", "2e-3", "45657", "45657.5", "0", "-0.0", " 12", "1E+300", "3.0"]))
# The <v> of a shared string, a truth value, an error, an ISO date.
TYPED_VALUES = {"s": st.integers(0, len(SHARED) - 1), "b": st.sampled_from([0, 1]),
                "e": st.sampled_from(["#N/A", "#DIV/0!", "#VALUE!", "#REF!"]),
                "d": st.sampled_from(["2025-03-01T08:00:00", "2025-03-01", "1999-12-31T23:59:59.5"])}
_QUOTES = st.sampled_from(['"', "'"])
_SPACE = st.sampled_from(["", "", "", "\n  ", " "])


@st.composite
def attributes(draw, given: dict[str, str]) -> str:
    """Attributes in any order, quoted either way."""
    items = list(given.items())
    order = draw(st.permutations(items))
    text = ""
    for name, value in order:
        quote = draw(_QUOTES)
        text += f" {name}={quote}{value}{quote}"
    return text


@st.composite
def cell_xml(draw, row: int, column: int | None) -> str:
    """One cell as some writer might write it: any type, style, formula, inline or rich text, or empty."""
    kind = draw(st.sampled_from(["n", "", "s", "b", "e", "str", "d", "inlineStr", "rich", "phonetic", "empty",
                                 "date", "duration", "unknown"]))
    given: dict[str, str] = {}
    if column is not None:
        given["r"] = f"{column_letter(column)}{row}"
    space = draw(_SPACE)
    content = ""
    if kind in ("n", "", "date", "duration"):
        if kind == "n":
            given["t"] = "n"
        if kind in ("date", "duration"):
            given["s"] = str(DATE_STYLE if kind == "date" else DURATION_STYLE)
            number = draw(st.sampled_from(["45657", "45657.25", "1", "0.5", "60", "61", "2958465", "3000000", "-1"]))
        else:
            number = draw(NUMBERS)
            if draw(st.booleans()):
                given["s"] = str(draw(st.sampled_from([0, PLAIN_STYLE])))
        formula = draw(st.sampled_from(["", "<f>A1+1</f>", '<f t="shared" ref="A1:A3" si="0">A1*2</f>',
                                        '<f t="shared" si="0"/>', "<f>IF(A1&lt;2,&quot;x&quot;,1)</f>"]))
        content = formula + space + f"<v>{number}</v>"
    elif kind in TYPED_VALUES:
        given["t"] = kind
        content = f"<v>{draw(TYPED_VALUES[kind])}</v>"
    elif kind == "str":
        given["t"] = "str"
        content = f"<f>CONCAT(A1,&quot;x&quot;)</f>{space}<v>{draw(XML_TEXT)}</v>"
    elif kind == "inlineStr":
        given["t"] = "inlineStr"
        preserve = draw(st.sampled_from(["", ' xml:space="preserve"']))
        content = draw(st.sampled_from([f"<is><t{preserve}>{draw(XML_TEXT)}</t></is>", "<is/>", "<is><t/></is>",
                                        f"<is>{space}<t>{draw(XML_TEXT)}</t>{space}</is>"]))
    elif kind == "rich":
        given["t"] = "inlineStr"
        content = (f"<is><r><rPr><b/><sz val=\"11\"/><rFont val=\"宋体\"/></rPr><t>{draw(XML_TEXT)}</t></r>{space}"
                   f"<r><t xml:space=\"preserve\">{draw(XML_TEXT)}</t></r></is>")
    elif kind == "phonetic":
        given["t"] = "inlineStr"
        content = (f"<is><t>{draw(XML_TEXT)}</t><rPh sb=\"0\" eb=\"1\"><t>ふりがな</t></rPh>"
                   "<phoneticPr fontId=\"1\" type=\"noConversion\"/></is>")
    elif kind == "unknown":
        given["t"] = "zz"
        content = f"<v>{draw(XML_TEXT)}</v>"
    if draw(st.booleans()) and kind != "empty":
        given.setdefault("s", str(PLAIN_STYLE))
    if draw(st.integers(0, 9)) == 0:
        given["cm"] = "1"
    attrs = draw(attributes(given))
    if kind == "empty" or (not content and draw(st.booleans())):
        return f"<c{attrs}{draw(st.sampled_from(['/>', ' />', '></c>', '><v/></c>', '><v></v></c>']))}"
    return f"<c{attrs}>{space}{content}{space}</c>"


@st.composite
def rows_xml(draw) -> list[str]:
    """Rows numbered in order with gaps (some without r), cells in order with gaps (some without r, some out
    of order or given twice), empty and self-closing rows, row attributes of Excel and WPS."""
    rows = []
    number = 0
    for _ in range(draw(st.integers(0, 12))):
        number += draw(st.integers(1, 3))
        cells = []
        column = 0
        for _ in range(draw(st.integers(0, 8))):
            step = draw(st.sampled_from([1, 1, 1, 2, 5, 30, -1, 0, None]))
            if step is None:  # no reference: the next column after the last
                column += 1
                cells.append(draw(cell_xml(number, None)))
                continue
            column = max(column + step, 1)
            cells.append(draw(cell_xml(number, column)))
        given = {}
        if draw(st.integers(0, 5)):  # else _SheetParser numbers it one after the previous row
            given["r"] = str(number)
        if draw(st.booleans()):
            given["spans"] = "1:8"
        if draw(st.booleans()):
            given["x14ac:dyDescent"] = "0.25"
        if draw(st.integers(0, 3)) == 0:
            given.update(ht="20.1", customHeight="1")
        attrs = draw(attributes(given))
        if not cells and draw(st.booleans()):
            rows.append(f"<row{attrs}/>")
            continue
        space = draw(_SPACE)
        rows.append(f"<row{attrs}>{space}" + space.join(cells) + f"{space}</row>{draw(_SPACE)}")
    return rows


@FAST
@given(rows=rows_xml(), piece=st.sampled_from([None, 64, 300]), default_date=st.booleans(),
       before=st.sampled_from(["", '<dimension ref="A1:H9"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
                                   '<cols><col min="1" max="3" width="12"/></cols>']),
       after=st.sampled_from(["", '<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>'
                                  '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
                                  'footer="0.3"/>']))
def test_the_fast_reader_reads_what_writers_write_exactly_as_expat_does_without_falling_back(
        rows, piece, default_date, before, after):
    fast, expat, fallbacks = read_both(sheet_xml(rows, before=before, after=after), piece=piece,
                                       default_date=default_date)
    assert fast == expat
    assert expat[1] is None and fallbacks == []


OPENPYXL_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**15, 10**15), st.floats(allow_nan=False, allow_infinity=False),
    st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("\t\n&<>\"'"), max_size=20)
    .filter(lambda text: not text.startswith("=")),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.times(), st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=3000)),
    st.sampled_from(["=A1+1", "=SUM(A1:B2)", '="x"&"y"']),
)


@FAST
@given(cells=st.lists(st.tuples(st.integers(1, 40), st.integers(1, 30), OPENPYXL_VALUES), max_size=40),
       rich=st.booleans())
def test_the_fast_reader_reads_sheets_openpyxl_writes_exactly_as_expat_does(cells, rich):
    from openpyxl import Workbook
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    workbook = Workbook()
    sheet = workbook.active
    for row, column, value in cells:
        sheet.cell(row, column, value)
    if rich:
        sheet.cell(41, 2, CellRichText(["普通", TextBlock(InlineFont(b=True), "加粗 ")]))
    stream = io.BytesIO()
    workbook.save(stream)
    with zipfile.ZipFile(stream) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    reader = _LimitedReader(io.BytesIO(stream.getvalue()), "x", DEFAULT_LIMITS)
    reader.read()
    opened = reader.wb

    def parser() -> _SheetParser:
        return _SheetParser(reader.shared_strings, opened._date_formats, opened._timedelta_formats, opened.epoch)

    fast = _FastSheet(parser(), 256)
    got = _outcome(fast.rows(io.BytesIO(xml)))
    assert got == _outcome(_expat_rows(parser(), xml, 256))
    assert got[1] is None and fast.fallbacks == []
    assert len(got[0]) == len({row for row, _column, _value in cells} | ({41} if rich else set()))


def large_sheet(rows: int = 3_000, *, at: int | None = None, row: str = "") -> list[str]:
    """``rows`` rows of a shared string, a number and an inline string; row ``at`` replaced by ``row``."""
    body = [f'<row r="{n}" spans="1:3"><c r="A{n}" t="s"><v>{n % len(SHARED)}</v></c><c r="B{n}" s="3"><v>{n}.5</v>'
            f'</c><c r="C{n}" t="inlineStr"><is><t>第{n}行</t></is></c></row>' for n in range(1, rows + 1)]
    if at is not None:
        body[at - 1] = row
    return body


@pytest.mark.parametrize("row", [
    '<row r="1501"><c r="A1501"><v>1</v></c><!-- 备注 --></row>',
    '<row r="1501"><c r="A1501"><v><![CDATA[12]]></v></c><c r="B1501" t="inlineStr"><is><t><![CDATA[<b>]]></t></is>'
    "</c></row>",
    '<row r="1501"><?mso-application progid="Excel.Sheet"?><c r="A1501"><v>1</v></c></row>',
    f'<x:row xmlns:x="{MAIN}" r="1501"><x:c r="A1501" t="s"><x:v>1</x:v></x:c></x:row>',
    '<row r="1501" xmlns="urn:another"><c r="A1501"><v>1</v></c></row>',  # not a row of this sheet at all
    '<row r="1501"><c r="A1501"><extLst><ext uri="x"/></extLst><v>1</v></c></row>',
    '<row r="1501"><extLst/><c r="A1501"><v>1</v></c></row>',
    '<row r="1501"><c r="A1501"><v>1</v><v>2</v></c></row>',  # the first value counts
    '<row r="1501"><c r="A1501" t="inlineStr"><is><t>a<b/>c</t></is></c></row>',
    '<row r="1501"><c r="A1501" r2="1"><v>1</v></c><c r="&#66;1501"><v>2</v></c><c r="C1501" s=""><v>3</v></c>'
    '<c r="" t=""><v>4</v></c></row>',
    '<row r="1501.0"><c r="A1501" s="007"><v>45657</v></c></row>',
    '<row r="1501" ><c r="A1501" ><v >1</v ></c ></row >',
    '<row r="1501"><c r="XFD1501"><v>1</v></c></row>',  # wider than the limit: expat's pairs give the width
])
def test_a_row_the_fast_reader_does_not_know_is_read_by_expat_alone_and_the_rest_stays_fast(row):
    fast, expat, fallbacks = read_both(sheet_xml(large_sheet(at=1501, row=row)))
    assert fast == expat
    assert expat[1] is None and len(expat[0]) >= 2_999
    assert fallbacks == ["piece"]


@pytest.mark.parametrize("xml", [
    sheet_xml(large_sheet(5, at=3, row='<row r="3"><c r="A3" t="inlineStr"><is><t>&co;</t></is></c></row>'),
              head='<!DOCTYPE worksheet [<!ENTITY co "某某公司">]>'),
    sheet_xml(large_sheet(5)).decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"),
    sheet_xml(large_sheet(5)).replace(b'encoding="UTF-8"', b'encoding="GB18030"'),
    f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
    "</x:sheetData></x:worksheet>".encode(),
    f'<worksheet xmlns="{MAIN}"><x:sheetData xmlns:x="{MAIN}"><row r="1"><c r="A1"><v>1</v></c></row></x:sheetData>'
    "</worksheet>".encode(),
    f'<worksheet xmlns="{MAIN}"><sheetPr><row r="1"><c r="A1"><v>1</v></c></row></sheetPr><sheetData/></worksheet>'
    .encode(),
    f'<worksheet xmlns="{MAIN}"><sheetData/></worksheet>'.encode(),
    f'<worksheet xmlns="{MAIN}"/>'.encode(),
    b"",
])
def test_a_sheet_the_fast_reader_cannot_start_on_is_read_by_expat_from_its_start(xml):
    fast, expat, fallbacks = read_both(xml)
    assert fast == expat
    assert fallbacks == ["head"]


@pytest.mark.parametrize("row", [
    '<row r="1501"><c r="A1501" t="inlineStr"><v>1</v></c><c r="B1501"><is><t>x</t></is></c></row>',
    '<row r="1501"><c r="A1501" t="inlineStr"><is><r><t>a</t><t>b</t></r><rPh><rPh><t>x</t></rPh></rPh></is></c>'
    "</row>",
    "<row r='1501' spans='1:2'><c t='s' r='A1501' s='3'><v>1</v></c><c s=\"1\"\n  r=\"B1501\"><v>45657</v></c></row>",
    '<row><c><v>1</v></c><c/><c t="b"><v>0</v></c></row>',
])
def test_odd_but_well_formed_rows_are_read_fast_as_expat_reads_them(row):
    fast, expat, fallbacks = read_both(sheet_xml(large_sheet(at=1501, row=row)))
    assert fast == expat and expat[1] is None
    assert fallbacks == []


def test_a_sheet_that_needs_expat_piece_after_piece_is_handed_to_it_for_the_rest():
    rows = [row.replace("</row>", "<!----></row>") for row in large_sheet()]
    fast, expat, fallbacks = read_both(sheet_xml(rows))
    assert fast == expat and len(fast[0]) == 3_000
    assert fallbacks == ["piece"] * 4 + ["rest"]


@pytest.mark.parametrize(("row", "error"), [
    ('<row r="1501"><c r="A1501"><v>1</v></c><<garbage', "ExpatError"),
    ('<row r="1501"><c r="A1501" t="str"><v>&bogus;</v></c></row>', "ExpatError"),
    ('<row r="1501"><c r="A1501" t="str"><v>&#1;</v></c></row>', "ExpatError"),
    ('<row r="1501"><c r="A1501" t="str"><v>&#xD800;</v></c></row>', "ExpatError"),
    ('<row r="1501"><c r="A1501" t="str"><v>a\x01b</v></c></row>', "ExpatError"),
    ('<row r="1501"><c r="A1501" t="str"><v>a]]>b</v></c></row>', "ExpatError"),
    ('<row r="1501"><c r="A1501" r="B1501"><v>1</v></c></row>', "ExpatError"),
    ('<row r="1501"><c r="A1501" cm="1" cm="2"><v>1</v></c></row>', "ExpatError"),
    ('<row r="1501" spans="1:2" x14ac:dyDescent="1" x14ac:dyDescent="2"><c r="A1501"><v>1</v></c></row>',
     "ExpatError"),
    ('<row r="1501"><c r="A1501" foo:bar="1"><v>1</v></c></row>', "ExpatError"),
    ('<row r="1501"><c r="A1501"><v>1</v></row>', "ExpatError"),
    ('<row r="1501"><c r="A1501"s="1"><v>1</v></c></row>', "ExpatError"),
    ('<row r="1501"><c r="A1501" t="inlineStr"><is><t>x</is></c></row>', "ExpatError"),
    ('<row r="x"><c r="A1501"><v>1</v></c></row>', "ValueError"),
    ('<row r="1501"><c r="a1501"><v>1</v></c></row>', "KeyError"),
    ('<row r="1501"><c r="A1501"><v>abc</v></c></row>', "ValueError"),
    ('<row r="1501"><c r="A1501" t="s"><v>99</v></c></row>', "IndexError"),
    ('<row r="1501"><c r="A1501" t="d"><v>yesterday</v></c></row>', "ValueError"),
])
def test_malformed_xml_in_the_middle_gives_the_same_rows_and_the_same_error_as_expat(row, error):
    fast, expat, fallbacks = read_both(sheet_xml(large_sheet(at=1501, row=row)))
    assert fast == expat
    assert expat[1] == error and len(expat[0]) == 1_500
    assert fallbacks == ["rest"]


@pytest.mark.parametrize("damage", [
    lambda xml: xml[: len(xml) // 2],  # cut off
    lambda xml: xml.replace(b"<row r=\"2000\"", b"<row r=\"2000\xff\""),  # not UTF-8
    lambda xml: xml + b"<trailing/>",
    lambda xml: xml.replace(b"</worksheet>", b""),
    lambda xml: xml.replace(b"</sheetData>", b"</sheetData><sheetData>" + large_sheet(3)[0].encode() + b"</sheetData>"),
    # Rows after a second <sheetData> of another namespace are not this sheet's rows.
    lambda xml: xml.replace(b'<row r="1500"', b'</sheetData><sheetData xmlns="urn:another"><row r="1500"'),
])
def test_a_damaged_or_odd_document_gives_the_same_rows_and_error_as_expat(damage):
    fast, expat, _fallbacks = read_both(damage(sheet_xml(large_sheet())))
    assert fast == expat


_FRAGMENTS = st.sampled_from(["<", "&", "&#0;", "]]>", "\x01", "<!-- x -->", "<![CDATA[1]]>", "<?x?>", "</c>", "<c>",
                              "</row>", "<row>", '"', "'", "<v>", "</v>", "<x:y/>", ' r="B2"', "<sheetData>", "\r",
                              "\ufffe", "&amp;", "\u3000", "<is><t>x</t></is>"])


@FAST
@given(rows=rows_xml(), damage=st.lists(st.tuples(st.floats(0, 1), _FRAGMENTS), min_size=1, max_size=3),
       piece=st.sampled_from([None, 64]))
def test_any_damage_to_a_sheet_gives_the_same_rows_and_error_as_expat(rows, damage, piece):
    xml = sheet_xml(rows).decode()
    for where, fragment in damage:
        at = int(where * len(xml))
        xml = xml[:at] + fragment + xml[at:]
    fast, expat, _fallbacks = read_both(xml.encode(), piece=piece)
    assert fast == expat


def test_a_column_past_the_limit_is_reported_with_the_width_expat_reads():
    fast, expat, _fallbacks = read_both(sheet_xml(large_sheet(at=1501, row='<row r="1501"><c r="IW1501"><v>1</v>'
                                                                          '</c></row>')), columns=256)
    assert fast == expat
    assert fast[0][1500] == (1501, 257, None)


# -- the fast shared-string reader ----------------------------------------------------------------------------

@st.composite
def shared_string_xml(draw) -> str:
    text = draw(XML_TEXT)
    return draw(st.sampled_from([
        f"<si><t>{text}</t></si>", f'<si><t xml:space="preserve">{text}</t></si>', "<si/>", "<si><t/></si>",
        f"<si>\n  <t>{text}</t>\n</si>", f"<si><t>{text}x005F_</t></si>", f"<si><t>x005F_x005F_{text}</t></si>",
        f'<si><r><rPr><b/><sz val="11"/></rPr><t>{text}</t></r><r><t>x005</t></r><r><t>F_</t></r></si>',
        f'<si><t>{text}</t><rPh sb="0" eb="1"><t>ふりがな</t></rPh><phoneticPr fontId="1"/></si>',
    ]))


@FAST
@given(strings=st.lists(shared_string_xml(), max_size=30), piece=st.sampled_from([None, 64]))
def test_the_fast_shared_string_reader_reads_the_table_exactly_as_expat_does(strings, piece):
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN}" count="{len(strings)}">'
           + "".join(strings) + "</sst>").encode()
    with patch.object(reading, "_PIECE", piece or reading._PIECE):
        fast = _FastStrings("x", 1_000).read(io.BytesIO(xml))
    # An <si/> after the last </si> is in what follows the pieces: expat reads the table then.
    assert fast is not None or strings[-1] == "<si/>"
    assert fast in (None, _SharedStrings("x", 1_000).read(io.BytesIO(xml)))


@pytest.mark.parametrize("xml", [
    f'<x:sst xmlns:x="{MAIN}"><x:si><x:t>a</x:t></x:si></x:sst>',
    f'<sst xmlns="{MAIN}"><si><t>a</t></si><!-- x --><si><t>b</t></si></sst>',
    f'<sst xmlns="{MAIN}"><si><t><![CDATA[a]]></t></si></sst>',
    f'<!DOCTYPE sst [<!ENTITY a "甲">]><sst xmlns="{MAIN}"><si><t>&a;</t></si></sst>',
    f'<sst xmlns="{MAIN}"><si><t>{"长" * 40_000}</t></si><si><t>b</t></si></sst>',
    f'<sst xmlns="{MAIN}"><si><t>a</t></si><si><t>b</t></sst>',
    f'<sst xmlns="{MAIN}"><si><t>a</t></si></sst><si><t>b</t></si>',
    f'<sst xmlns="{MAIN}"><si><t>a</t></si><extLst><si><t>b</t></si></extLst></sst>',
])
def test_a_shared_string_table_the_fast_reader_does_not_know_is_left_to_expat(xml):
    assert _FastStrings("x", 1_000).read(io.BytesIO(xml.encode())) is None


def test_too_many_shared_strings_are_refused_by_the_fast_reader_as_by_expat():
    xml = f'<sst xmlns="{MAIN}">' + "<si><t>a</t></si>" * 11 + "</sst>"
    with pytest.raises(NotAList) as fast:
        _FastStrings("s.xlsx", 10).read(io.BytesIO(xml.encode()))
    with pytest.raises(NotAList) as expat:
        _SharedStrings("s.xlsx", 10).read(io.BytesIO(xml.encode()))
    assert fast.value.message == expat.value.message == "无法读取“s.xlsx”：共享字符串超过上限10个。"


# -- through open_list ----------------------------------------------------------------------------------------

def test_cells_longer_than_the_limit_are_cut_and_named_whether_inline_or_shared(tmp_path):
    path = write_parts(tmp_path / "long.xlsx", [
        text_row(1, ("姓名", "身份证号", "户籍地", "备注")),
        text_row(2, ("张" * 40_000, ZHANG, "宁乡市", "x")),
        f'<row r="3"><c r="A3" t="s"><v>0</v></c><c r="B3" t="s"><v>1</v></c></row>',
        text_row(4, ("李四", ZHANG, "宁乡市", "y")),
    ], shared=[f"<si><t>{'王' * 40_000}</t></si>", f"<si><t>{ZHANG}</t></si>"])
    with open_list(path, "demand") as source:
        rows = list(source.data_rows())
    assert [(row.number, row.overlong) for row in rows] == [(2, (0,)), (3, (0,)), (4, ())]
    assert rows[0].cells[0] == "张" * 32_767 and rows[1].cells[0] == "王" * 32_767


def test_a_sheet_broken_in_the_middle_says_near_which_row_when_the_fast_reader_hands_it_over(tmp_path):
    rows = [text_row(1, ("姓名", "身份证号", "户籍地", "人员类别"))]
    rows += [text_row(n, (f"人{n}", ZHANG, "宁乡市", "脱贫人口")) for n in range(2, 3_001)]
    rows[1_499] = '<row r="1500"><c r="A1500" t="inlineStr"><is><t>张&bogus;三</t></is></c></row>'
    path = write_parts(tmp_path / "broken.xlsx", rows)
    with pytest.raises(NotAList) as caught, open_list(path, "demand") as source:
        list(source.data_rows())
    assert caught.value.message == ("无法读取“broken.xlsx”的工作表“清单”：文件在第1500行附近已损坏，未导入任何数据。"
                                    "（ExpatError）")
