"""Reading a batch of rows column by column gives, row for row, what reading them one row at a time gave: the
same worker or post, or the same problems in the same order and words.

The oracle is the row-by-row reader the lists had before (``_OldRowReader``, the two ``_old_parse``
functions and ``_old_seeker_of_row`` below, kept here only): each cell through its parser, repeated values of
the remembered columns from a memo, problems sorted by the file's column order. Hypothesis writes messy rows:
valid and invalid cells of every column, blanks, duplicates, masked and float ID and phone numbers, full-width
digits, retired county codes, dates, NaN and -0.0, rows shorter than the header, in several header layouts.
Bounded by example counts, not time (no deadline): the suite stays deterministic on a loaded machine."""

from __future__ import annotations

import datetime as dt
import io
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jobs.lists.columns import DEMAND_COLUMNS, SUPPLY_COLUMNS
from jobs.lists.demand_rows import DemandRow, DemandRows
from jobs.lists.importing import Issue, RowRejected, header_of
from jobs.lists.masking import SENSITIVE_KEYS, mask_numbers_in
from jobs.lists.reading import SourceRow, open_list
from jobs.lists.supply_rows import SupplyRow, SupplyRows
from jobs.lists.values import (
    CellError,
    clean_name,
    clean_text,
    display_value,
    parse_age_range,
    parse_board,
    parse_contract_months,
    parse_date,
    parse_education,
    parse_employment_status,
    parse_headcount,
    parse_labour_ability,
    parse_labour_intensity,
    parse_wage,
    parse_yes_no,
    split_values,
)
from jobs.people import identity
from jobs.people.identity import IdNumber, InvalidValue, generate_id_number, mask_id
from jobs.people.person_data import PersonData
from jobs.people.regions import region_table
from jobs.placements.engine_input import seeker, seekers_of_facts
from jobs.storage.enums import EmploymentStatus, LabourAbility

TODAY = dt.date(2026, 11, 24)
CHECKS = settings(max_examples=80, deadline=None, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# --------------------------------------------------------------------------------------------------------
# The oracle: the row-by-row reading as it was


_REMEMBERED = (str, int, float, type(None))
_MISSING = object()


class _OldRowReader:
    def __init__(self, source, row, memo):
        self.source, self.row, self.memo, self.issues = source, row, memo, []
        self._positions = source.header.positions

    def take(self, key, parse, *, remember=False, context=None):
        position = self._positions.get(key)
        cells = self.row.cells
        raw = cells[position] if position is not None and position < len(cells) else None
        memo_key = (key, type(raw), raw, context) if remember and isinstance(raw, _REMEMBERED) else None
        outcome = self.memo.get(memo_key, _MISSING) if memo_key is not None else _MISSING
        if outcome is _MISSING:
            try:
                outcome = parse(raw)
            except (CellError, InvalidValue) as error:
                outcome = error
            if memo_key is not None:
                self.memo[memo_key] = outcome
        if isinstance(outcome, (CellError, InvalidValue)):
            shown, message = display_value(raw), outcome.message
            if key in SENSITIVE_KEYS:
                shown, message = mask_numbers_in(shown), mask_numbers_in(message)
            self.issues.append(Issue(header_of(self.source.kind, key), shown, message))
            return None
        return outcome

    def check(self):
        if self.issues:
            order = {header_of(self.source.kind, key): index for key, index in self.source.header.positions.items()}
            raise RowRejected(sorted(self.issues, key=lambda issue: order.get(issue.column, len(order))))


def _old_parse_demand(rows: DemandRows, memo: dict, row: SourceRow) -> DemandRow:
    cells = _OldRowReader(rows.source, row, memo)
    take = cells.take
    name = take("name", rows._name)
    id_number = take("id_number", rows._id_number)
    phone = take("phone", rows._phone)
    category = take("category", rows._category, remember=True)
    ability = take("labour_ability", parse_labour_ability, remember=True)
    education = take("education", parse_education, remember=True)
    skills = take("skills", lambda raw: clean_text(raw, label="技能特长"))
    status = take("employment_status", parse_employment_status, remember=True)
    intent = take("employment_intent", lambda raw: parse_yes_no(raw, label="就业意愿"), remember=True)
    occupations = take("wanted_occupations", rows._occupations, remember=True)
    wage = take("expected_wage", lambda raw: parse_wage(raw, label="期望月薪"), remember=True)
    training = take("training_intent", lambda raw: parse_yes_no(raw, label="培训意愿"), remember=True)
    notes = take("notes", lambda raw: clean_text(raw, label="备注"))
    row_key = take("row_key", lambda raw: clean_text(raw, limit=32, label="序号"))
    household = None
    if isinstance(id_number, IdNumber):
        from_id = rows._county_of(id_number.issuing_code)
        household = take("household", lambda raw: rows._household(raw, from_id), remember=True, context=from_id)
    regions = ()
    if household is not None:
        regions = take("wanted_regions", lambda raw: rows.places.wanted(
            split_values(raw, label="意向地区"), home=household.code), remember=True, context=household.code)
    cells.check()
    employment = status or (EmploymentStatus.UNEMPLOYED, None)
    return DemandRow(row_key, PersonData(
        name=name, id_number=id_number, household_region_code=household.code,
        household_address=household.address, category=category, labour_ability=ability or LabourAbility.FULL,
        phone=phone, education=education, skills=skills, employment_status=employment[0],
        employment_place=employment[1], employment_intent=True if intent is None else intent,
        training_intent=bool(training), wanted_occupations=occupations or (), wanted_regions=regions or (),
        expected_wage_min=wage.minimum if wage else None, expected_wage_max=wage.maximum if wage else None,
        notes=notes,
    ))


def _old_parse_supply(rows: SupplyRows, memo: dict, row: SourceRow) -> SupplyRow:
    cells = _OldRowReader(rows.source, row, memo)
    take = cells.take
    values = {
        "row_key": take("row_key", lambda raw: clean_text(raw, limit=32, label="序号")),
        "employer_name": take("employer", rows._employer, remember=True),
        "credit_code": take("credit_code", rows._credit_code, remember=True),
        "title": take("title", rows._title, remember=True),
        "place": take("place", rows._place, remember=True),
        "headcount": take("headcount", parse_headcount, remember=True),
        "wage": take("wage", lambda raw: parse_wage(raw, label="月薪"), remember=True),
        "age": take("age", parse_age_range, remember=True),
        "education": take("education", parse_education, remember=True),
        "skills": take("skills", lambda raw: clean_text(raw, label="技能要求")),
        "intensity": take("intensity", parse_labour_intensity, remember=True),
        "board": take("board", parse_board, remember=True),
        "contract_months": take("contract", parse_contract_months, remember=True),
        "contact_name": take("contact_name", lambda raw: clean_name(raw, limit=64, label="联系人")),
        "contact_phone": take("contact_phone", rows._contact_phone),
        "closing_date": take("closing_date", lambda raw: parse_date(raw, label="截止日期"), remember=True),
        "notes": take("notes", lambda raw: clean_text(raw, label="备注")),
    }
    cells.check()
    return SupplyRow(**values)


def _old_seeker_of_row(data: PersonData, key: str):
    return seeker(
        key,
        household_region_code=data.household_region_code,
        birth_date=data.id_number.birth_date,
        category=data.category.value,
        labour_ability=data.labour_ability.value,
        wanted_titles=(text for text, _code in data.wanted_occupations),
        wanted_regions=data.wanted_regions,
        expected_wage_min=data.expected_wage_min,
        expected_wage_max=data.expected_wage_max,
        skills=data.skills,
        education=data.education,
    )


def _row_by_row(parse, rows: list[SourceRow]) -> list:
    found = []
    for row in rows:
        try:
            found.append(parse(row))
        except RowRejected as rejected:
            found.append(rejected)
    return found


# --------------------------------------------------------------------------------------------------------
# Messy cells

_IDS = [generate_id_number(code, dt.date(year, month, day), sequence)
        for code, year, month, day, sequence in (("430182", 1990, 3, 15, 451), ("430182", 1980, 1, 1, 3),
                                                 ("430124", 1985, 6, 1, 12), ("430124", 2015, 6, 1, 12),
                                                 ("110101", 1970, 12, 31, 7), ("999999", 1990, 1, 1, 1),
                                                 ("430182", 2030, 1, 1, 1), ("430182", 1890, 1, 1, 1),
                                                 ("440300", 2001, 2, 28, 500))]


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def _id_forms(number: str) -> list[object]:
    return [number, number.lower(), _full_width(number), f"{number[:6]} {number[6:14]} {number[14:]}",
            f"'{number}", number[:6] + "********" + number[-4:], float(number[:15] + "000"), number[:17],
            number[:17] + ("0" if number[-1] != "0" else "1"), number[:15], int(number[:17])]


BLANKS = st.sampled_from([None, "", "  ", "\u3000", "\u200b", float("nan"), "无", "/", "-"])
# Any column may hold these (a numeric cell written "1e999" reads as infinity).
ODD = st.one_of(
    st.sampled_from([0.0, -0.0, 1.0, 1, 0, True, False, 2.5, -3, 10 ** 18, 1e300, float("inf"), float("-inf"), "0", "abc", "？", "=1+1", "Ｘ"]),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 12, 31)),
    st.integers(min_value=-10 ** 6, max_value=10 ** 6),
)
IDS = st.sampled_from([form for number in _IDS for form in _id_forms(number)])
MOBILES = st.sampled_from(["13800138000", "138 0013 8000", "+86 138-0013-8000", _full_width("13900139001"),
                           "138****8000", 13800138000, 13800138000.0, "1380013800", "12800138000", "0731-88886666",
                           "(0769)85551234转123", "400-800-8888", "13800138000/13900139001", "1.38001E+10",
                           "86 13800138000", "008613800138000", "13800138000.0"])
TEXTS = st.sampled_from(["张三", "张\u3000三", "Ａｂｃ  ｄ", "李" * 65, "王五 ", "电焊、会开叉车，有C1驾照", "x" * 40,
                         "普工（长白班，包吃住）", "备注：" + "长" * 300])
DEMAND_CELLS = {
    "name": TEXTS,
    "id_number": IDS,
    "phone": MOBILES,
    "household": st.sampled_from(["宁乡市", "湖南省长沙市宁乡市煤炭坝镇", "430124", "430182", 430182, "湖南省", "长沙市",
                                  "火星", "北京市朝阳区", "宁乡县", "长沙", "花明楼"]),
    "category": st.sampled_from(["脱贫户", "脱贫人口", "边缘易致贫户", "监测对象", "低保户", "一般户", "困难户", "其他",
                                 "非贫困户", "脱贫不稳定户", "低收入（低保）", 3]),
    "labour_ability": st.sampled_from(["普通劳动力", "弱劳力", "半劳力", "丧失劳动能力", "全劳力", "超人", "弱", 1]),
    "education": st.sampled_from(["初中", "初中毕业", "高中（中专）", "大学", "博士", "x" * 40, 9]),
    "skills": TEXTS,
    "employment_status": st.sampled_from(["未就业", "在家", "务工", "县外务工", "已就业（广东东莞）", "已就业", "在火星",
                                          "无", "公益性岗位", "就业(深圳)"]),
    "employment_intent": st.sampled_from(["是", "有", "√", "否", "无", "也许", "ＹＥＳ", 1, 0, 1.0, True, False]),
    "wanted_occupations": st.sampled_from(["普工", "电焊工、保安", "普工/电焊工，叉车司机", "保洁 厨师", "普工" * 40,
                                           "家政（住家，带小孩）", 5]),
    "wanted_regions": st.sampled_from(["广东", "省内", "浙江宁波、不限", "不限", "长沙市内", "县内", "江浙沪", "珠三角",
                                       "省外", "火星", "广东/火星", "深圳，东莞", "市内"]),
    "expected_wage": st.sampled_from(["4000-5000", "5千", "5000以上", "面议", "4500元/月", "６０００", "3500", "abc",
                                      "-5000", "50", "6000-4000", "200元/天", "底薪3000+提成", 5000, 5000.0, 4500.5]),
    "training_intent": st.sampled_from(["是", "否", "可能", "", "√", 0]),
    "notes": TEXTS,
    "row_key": st.sampled_from([1, 2, 3.0, "示例", "A-1", "x" * 40, 7, -1]),
}
SUPPLY_CELLS = {
    "row_key": st.sampled_from([1, 2, 3.0, "A-1", "x" * 40]),
    "employer": st.sampled_from(["东莞市某某电子有限公司", "宁波某机械有限公司", "某" * 130, "Ａ 公司"]),
    "credit_code": st.sampled_from(["91441900MA4W0KHM86", "91330206MA2AB1CD2J", "91441900MA4W0KHM8", "12345",
                                    "91441900MA4W0KHM87", "9144 1900 MA4W 0KHM 86", "91441900ma4w0khm86"]),
    "title": st.sampled_from(["普工（长白班）", "焊工（二保焊）", "保安", "岗" * 130, 5]),
    "headcount": st.sampled_from(["20人", "若干", 10, 10.0, 2.5, "-3", "0", "十", "10-20人", "1000000"]),
    "place": st.sampled_from(["广东省东莞市长安镇", "东莞长安", "宁波市北仑区", "广东省", "火星", "朝阳区", "东莞",
                              441900, "长沙县"]),
    "wage": st.sampled_from(["4500-6000元/月", "底薪3000+提成", "计件", "面议", "abc", 5000, "年薪6万", "-1"]),
    "age": st.sampled_from(["18-45周岁", "45岁以下", "不限", "14-30岁", "10-200岁", 18, "男18-55岁，女18-50岁"]),
    "education": st.sampled_from(["初中及以上", "不限", "大专", 3]),
    "skills": TEXTS,
    "intensity": st.sampled_from(["轻", "中", "重", "很重", "轻体力劳动", 1]),
    "board": st.sampled_from(["包吃包住", "包住", "不包", "食宿自理", "?", "有餐补", "是"]),
    "contract": st.sampled_from(["1年", "三年", "12个月", "长期", "x", "一年半", 12, 0, "1-3年", 300]),
    "contact_name": TEXTS,
    "contact_phone": MOBILES,
    "closing_date": st.sampled_from([45657, "2025.3.1", "2025年12月31日", "2025-2-30", "长期", "abc",
                                     dt.date(2027, 1, 1), dt.datetime(2027, 1, 1, 8, 30), 45657.5, 1800]),
    "notes": TEXTS,
}


def _layouts(columns, drop: tuple[str, ...]) -> list[list[str]]:
    """The canonical header; the same reversed with an unknown column; the same without some columns."""
    headers = [column.header for column in columns]
    shuffled = [*reversed(headers[:6]), "家庭人口", *headers[6:]]
    return [headers, shuffled, [column.header for column in columns if column.key not in drop]]


def _source(kind: str, headers: list[str]):
    text = ",".join(headers) + "\r\n" + ",".join("x" for _ in headers) + "\r\n"
    with open_list(io.BytesIO(text.encode("utf-8")), kind, name="t.csv") as source:
        return source


DEMAND_SOURCES = [_source("demand", headers) for headers in _layouts(DEMAND_COLUMNS, ("phone", "notes", "household"))]
SUPPLY_SOURCES = [_source("supply", headers) for headers in _layouts(SUPPLY_COLUMNS, ("credit_code", "age"))]


@st.composite
def _rows(draw, source, cells: dict) -> list[SourceRow]:
    by_position = {index: key for key, index in source.header.positions.items()}
    width = len(source.header.headers)

    def row(number: int) -> SourceRow:
        values = []
        for index in range(width):
            key = by_position.get(index)
            choice = draw(st.integers(0, 9))
            strategy = cells[key] if key is not None and choice < 7 else (BLANKS if choice < 9 else ODD)
            values.append(draw(strategy))
        if draw(st.integers(0, 5)) == 0:
            values = values[:draw(st.integers(0, width))]
        return SourceRow(number, tuple(values))

    made = [row(number) for number in range(2, 2 + draw(st.integers(1, 30)))]
    for _ in range(draw(st.integers(0, 8))):  # the same cells again, further down
        twin = draw(st.sampled_from(made))
        made.append(SourceRow(len(made) + 2, twin.cells))
    return made


def _batches(draw, rows: list) -> list[list]:
    cuts = sorted(draw(st.lists(st.integers(0, len(rows)), max_size=3)))
    return [rows[start:end] for start, end in zip([0, *cuts], [*cuts, len(rows)])]


def _same(found: list, expected: list) -> None:
    assert len(found) == len(expected)
    for mine, theirs in zip(found, expected, strict=True):
        if isinstance(theirs, RowRejected):
            assert isinstance(mine, RowRejected) and mine.issues == theirs.issues and str(mine) == str(theirs)
        else:
            assert mine == theirs


# --------------------------------------------------------------------------------------------------------


@CHECKS
@given(data=st.data(), layout=st.integers(0, len(DEMAND_SOURCES) - 1))
def test_demand_rows_read_column_by_column_are_what_row_by_row_reading_gave(data, layout):
    source = DEMAND_SOURCES[layout]
    rows = data.draw(_rows(source, DEMAND_CELLS))
    old = DemandRows(source, today=TODAY, table=region_table(), origin=None, occupation_codes=layout != 1)
    memo: dict = {}
    expected = _row_by_row(lambda row: _old_parse_demand(old, memo, row), rows)
    new = DemandRows(source, today=TODAY, table=region_table(), origin=None, occupation_codes=layout != 1)
    found = [parsed for batch in _batches(data.draw, rows) for parsed in new.parse_many(batch)]
    _same(found, expected)
    one_by_one = DemandRows(source, today=TODAY, table=region_table(), origin=None, occupation_codes=layout != 1)
    _same([parsed for row in rows[:5] for parsed in one_by_one.parse_many([row])], expected[:5])  # batches of one


@CHECKS
@given(data=st.data(), layout=st.integers(0, len(SUPPLY_SOURCES) - 1))
def test_supply_rows_read_column_by_column_are_what_row_by_row_reading_gave(data, layout):
    source = SUPPLY_SOURCES[layout]
    rows = data.draw(_rows(source, SUPPLY_CELLS))
    old = SupplyRows(source, today=TODAY, table=region_table())
    memo: dict = {}
    expected = _row_by_row(lambda row: _old_parse_supply(old, memo, row), rows)
    new = SupplyRows(source, today=TODAY, table=region_table())
    found = [parsed for batch in _batches(data.draw, rows) for parsed in new.parse_many(batch)]
    _same(found, expected)
    one_by_one = SupplyRows(source, today=TODAY, table=region_table())
    _same([parsed for row in rows[:5] for parsed in one_by_one.parse_many([row])], expected[:5])  # batches of one


@CHECKS
@given(data=st.data())
def test_workers_built_from_the_columns_are_the_ones_built_from_each_row(data):
    source = DEMAND_SOURCES[0]
    rows = data.draw(_rows(source, DEMAND_CELLS))
    demand = DemandRows(source, today=TODAY, table=region_table(), origin=None, occupation_codes=False)
    columns = demand.read_many(rows)
    parsed = demand.parse_many(rows)
    accepted = [index for index, row in enumerate(parsed) if not isinstance(row, RowRejected)]
    keys = [str(rows[index].number) for index in accepted]
    for index, key, seeker in zip(accepted, keys, seekers_of_facts(columns.facts, accepted, keys), strict=True):
        try:
            expected = _old_seeker_of_row(parsed[index].person, key)
        except ValueError as error:
            assert type(seeker) is type(error) and str(seeker) == str(error)
        else:
            assert seeker == expected


def test_a_cell_no_file_holds_is_still_read_as_row_by_row_reading_read_it():
    source = DEMAND_SOURCES[0]
    cells = {key: None for key in source.header.positions}
    cells.update(name="张三", id_number=_IDS[0], household="宁乡市", category="脱贫户", notes=["备", "注"],
                 education={"x": 1}, skills=dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc))
    width = len(source.header.headers)
    values = [None] * width
    for key, index in source.header.positions.items():
        values[index] = cells[key]
    rows = [SourceRow(2, tuple(values)), SourceRow(3, tuple(values))]
    old = DemandRows(source, today=TODAY, table=region_table(), origin=None)
    memo: dict = {}
    expected = _row_by_row(lambda row: _old_parse_demand(old, memo, row), rows)
    _same(DemandRows(source, today=TODAY, table=region_table(), origin=None).parse_many(rows), expected)


# --------------------------------------------------------------------------------------------------------
# The cell parsers' short cuts give what their general path gives (a str or int subclass takes that path)


class _Text(str):
    pass


class _Int(int):
    pass


DIGITS = st.text(alphabet="0123456789", min_size=17, max_size=17)


@CHECKS
@given(first=DIGITS, last=st.sampled_from("0123456789xX"))
def test_an_id_number_written_plainly_reads_as_the_general_path_reads_it(first, last):
    def outcome(raw):
        try:
            return identity.parse_id_number(raw, today=TODAY, valid_for_year=region_table().valid_for_year)
        except InvalidValue as error:
            return type(error), error.code, error.message

    found = outcome(first + last)
    assert found == outcome(_Text(first + last))
    if isinstance(found, IdNumber):
        assert found.masked == mask_id(found.number)


@CHECKS
@given(code=st.sampled_from(["430182", "430124", "999999", "110101", "430100", "130171", "440300"]),
       age=st.integers(0, 130), this_year=st.integers(2000, 2030))
def test_a_remembered_answer_about_an_issuing_code_is_the_one_worked_out(code, age, this_year):
    def outcome(check, valid_for_year):
        try:
            return check(code, this_year - age, this_year, valid_for_year)
        except ValueError as error:  # python-stdnum's data has codes that begin after this year
            return type(error), str(error)

    for valid_for_year in (region_table().valid_for_year, None):
        assert outcome(identity._issuing_code_problem, valid_for_year) == \
            outcome(identity._issuing_code_problem.__wrapped__, valid_for_year)


@CHECKS
@given(text=st.one_of(st.text(alphabet="0123456789", min_size=11, max_size=11),
                      st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.text(max_size=11)))
def test_a_mobile_number_written_plainly_reads_as_the_general_path_reads_it(text):
    def outcome(raw):
        try:
            return identity.normalise_mobile(raw)
        except InvalidValue as error:
            return type(error), error.code, error.message

    assert outcome(text) == outcome(_Text(text))


@CHECKS
@given(number=st.integers(min_value=-10 ** 40, max_value=10 ** 40), limit=st.sampled_from([None, 3, 32]))
def test_a_whole_number_reads_as_text_as_the_general_path_reads_it(number, limit):
    def outcome(raw):
        try:
            return clean_text(raw, limit=limit, label="序号")
        except CellError as error:
            return error.message

    assert outcome(number) == outcome(_Int(number))


@pytest.mark.parametrize("raw", [float("nan"), -0.0, 0.0])
def test_the_odd_floats_are_cells_like_any_other(raw):
    # NaN is never equal to itself and -0.0 equals 0.0: neither may borrow another cell's outcome wrongly.
    source = DEMAND_SOURCES[0]
    width = len(source.header.headers)
    rows = [SourceRow(2 + i, tuple(value for _ in range(width))) for i, value in enumerate([raw, 0.0, -0.0, raw])]
    old = DemandRows(source, today=TODAY, table=region_table(), origin=None)
    memo: dict = {}
    expected = _row_by_row(lambda row: _old_parse_demand(old, memo, row), rows)
    _same(DemandRows(source, today=TODAY, table=region_table(), origin=None).parse_many(rows), expected)
    assert math.isnan(raw) or raw == 0.0
