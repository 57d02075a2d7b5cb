"""Property-based fuzzing of the spreadsheet reader and the cell parsers: whatever a file or a cell holds, the
only exceptions that come out are the project's own (a Chinese message), never a traceback.

Bounded by example counts, not time (no deadline): the suite stays deterministic on a loaded machine."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobs.lists import values
from jobs.lists.masking import mask_numbers_in
from jobs.lists.reading import NotAList, ReadLimits, open_list
from jobs.people import identity
from jobs.people.identity import InvalidValue
from jobs.rendering.cells import csv_value
from tests.jobs.lists.bombs import HEADER, text_row, write_parts

FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
TODAY = dt.date(2026, 3, 1)

CELLS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=80),
    st.text(alphabet="0123456789-−—+.,，、/年月日岁人元千万kKwW半以上下至到～~ 　xX*（）()：:", max_size=30),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
)

PARSERS = [
    lambda raw: values.clean_text(raw, limit=64),
    lambda raw: values.clean_name(raw),
    lambda raw: values.split_values(raw),
    lambda raw: values.parse_yes_no(raw, label="就业意愿"),
    values.parse_category, values.parse_labour_ability, values.parse_employment_status,
    values.parse_labour_intensity, values.parse_education, lambda raw: values.parse_wage(raw),
    values.parse_age_range, values.parse_headcount, values.parse_contract_months,
    lambda raw: values.parse_date(raw), values.parse_board,
    lambda raw: identity.parse_id_number(raw, today=TODAY),
    identity.normalise_mobile, identity.normalise_contact_phone, identity.normalise_credit_code,
]


@pytest.mark.parametrize("parse", PARSERS)
@FUZZ
@given(raw=CELLS)
def test_a_cell_parser_returns_or_raises_its_own_error_only(parse, raw):
    try:
        parse(raw)
    except (values.CellError, InvalidValue) as error:
        assert isinstance(error.message, str) and error.message


@FUZZ
@given(text=st.text(max_size=200))
def test_masking_and_csv_escaping_take_any_text(text):
    assert isinstance(mask_numbers_in(text), str)
    written = csv_value(text)
    assert not str(written).startswith(("=", "+", "-", "@", "\t", "\r"))


def read_all(data: bytes, name: str) -> None:
    try:
        with open_list(io.BytesIO(data), "demand", name=name, limits=ReadLimits(rows=500)) as source:
            for _row in source.data_rows():
                pass
    except NotAList as error:
        assert error.message


@FUZZ
@given(data=st.binary(max_size=2_000))
def test_any_bytes_are_read_or_refused_with_a_message(data):
    read_all(data, "random.bin")
    read_all(b"PK\x03\x04" + data, "random.xlsx")


@FUZZ
@given(text=st.text(max_size=1_000), encoding=st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_any_text_file_is_read_or_refused_with_a_message(text, encoding):
    header = "姓名,身份证号,户籍地,人员类别\n"
    try:
        data = (header + text).encode(encoding)
    except UnicodeEncodeError:
        return
    read_all(data, "list.csv")


@FUZZ
@given(cells=st.lists(st.lists(st.text(max_size=20), max_size=6), max_size=8),
       garbage=st.sampled_from(["", "<", "<row r=\"x\">", "<c r=\"ZZZZZZ1\"><v>1</v></c>", "&bogus;", "<c t=\"s\"><v>9</v></c>",
                                "<row r=\"0\"/>", "<row r=\"99999999999\"/>"]))
def test_any_sheet_content_is_read_or_refused_with_a_message(tmp_path_factory, cells, garbage):
    rows = [text_row(1, HEADER), *(text_row(i, row) for i, row in enumerate(cells, start=2)), garbage]
    path = write_parts(tmp_path_factory.mktemp("fuzz") / "fuzz.xlsx", rows)
    read_all(path.read_bytes(), "fuzz.xlsx")
