"""Cell values as county files write them, and what the importer makes of them."""

from __future__ import annotations

import datetime as dt

import pytest

from jobs.storage.enums import EmploymentStatus, LabourAbility, LabourIntensity, PersonCategory
from jobs.lists.values import (
    AgeRange,
    Board,
    CellError,
    WageRange,
    chinese_int,
    clean_name,
    clean_text,
    display_value,
    format_age_range,
    format_board,
    format_contract_months,
    format_employment_status,
    format_wage,
    is_blank,
    is_nothing,
    parse_age_range,
    parse_board,
    parse_category,
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


@pytest.mark.parametrize(("raw", "minimum", "maximum"), [
    ("4500-6000元/月", 4500, 6000),
    ("4500～6000", 4500, 6000),
    ("４５００－６０００", 4500, 6000),
    ("4000元-5000元", 4000, 5000),
    ("4-6千", 4000, 6000),
    ("5千", 5000, 5000),
    ("五千", 5000, 5000),
    ("1.2万", 12000, 12000),
    ("5,000", 5000, 5000),
    (5000, 5000, 5000),
    (4500.0, 4500, 4500),
    ("5000以上", 5000, None),
    ("5000+", 5000, None),
    ("底薪3000+提成", 3000, None),
    ("保底4000", 4000, None),
    ("计件，月均6000", 6000, None),
    ("8000以下", None, 8000),
    ("面议", None, None),
    ("计件", None, None),
    ("5000元/月，每天工作8小时", 5000, 5000),
])
def test_wages_are_read_in_the_forms_real_lists_use(raw, minimum, maximum):
    wage = parse_wage(raw)
    assert (wage.minimum, wage.maximum) == (minimum, maximum)


def test_a_wage_keeps_its_text_for_the_post():
    assert parse_wage("底薪3000+提成") == WageRange(3000, None, "底薪3000+提成")


def test_daily_hourly_and_yearly_wages_become_monthly_by_the_2008_conversion_rule():
    # 劳社部发〔2008〕3号: 21.75 paid days and 174 paid hours a month.
    assert parse_wage("200元/天").minimum == 4350
    assert parse_wage("25元/小时").minimum == 4350
    assert (parse_wage("150-200元/天").minimum, parse_wage("150-200元/天").maximum) == (3262, 4350)
    assert parse_wage("年薪6万").minimum == 5000


def test_a_blank_wage_is_none():
    assert parse_wage(None) is None
    assert parse_wage("  ") is None


@pytest.mark.parametrize(("raw", "message"), [
    ("5", "月薪“5”过低：请以元为单位填写每月工资（如5000或“5千”），按天或按小时的请写明“元/天”“元/小时”。"),
    ("abc", "月薪“abc”无法识别，请填写如5000、4000-5000、5000以上、底薪3000+提成或面议。"),
    ("8000-6000", "月薪“8000-6000”的最低值大于最高值，请写成“4000-5000”这样从低到高的范围。"),
    ("300000", "月薪“300000”过高：请以元为单位填写每月工资（如5000），年薪请写明“年薪”。"),
    (float("inf"), "月薪“inf”无法识别，请填写如5000、4000-5000、5000以上、底薪3000+提成或面议。"),
    (float("-inf"), "月薪“-inf”无法识别，请填写如5000、4000-5000、5000以上、底薪3000+提成或面议。"),
])
def test_an_unusable_wage_says_how_to_write_it(raw, message):
    with pytest.raises(CellError) as caught:
        parse_wage(raw)
    assert caught.value.message == message


@pytest.mark.parametrize(("minimum", "maximum"), [(5000, 5000), (4000, 5000), (5000, None), (None, 8000)])
def test_a_formatted_wage_reads_back_the_same(minimum, maximum):
    wage = parse_wage(format_wage(minimum, maximum))
    assert (wage.minimum, wage.maximum) == (minimum, maximum)


@pytest.mark.parametrize(("raw", "expected"), [
    ("18-45周岁", AgeRange(18, 45)),
    ("18至45岁", AgeRange(18, 45)),
    ("45岁以下", AgeRange(None, 45)),
    ("四十五岁以下", AgeRange(None, 45)),
    ("18岁以上", AgeRange(18, None)),
    ("年满18周岁", AgeRange(18, None)),
    ("18岁以上45岁以下", AgeRange(18, 45)),
    ("男18-55岁，女18-50岁", AgeRange(18, 55)),
    ("不限", None),
    (None, None),
])
def test_age_requirements(raw, expected):
    assert parse_age_range(raw) == expected


def test_an_age_below_sixteen_is_refused_citing_the_labour_law():
    with pytest.raises(CellError) as caught:
        parse_age_range("14-30岁")
    assert caught.value.message == (
        "年龄要求“14-30岁”的下限低于16周岁：不得招用未满16周岁的未成年人（《劳动法》第十五条）。"
    )


def test_a_bare_age_is_ambiguous():
    with pytest.raises(CellError) as caught:
        parse_age_range("45")
    assert caught.value.message == "年龄要求“45”无法识别，请填写如18-45岁、45岁以下、18岁以上或不限。"


@pytest.mark.parametrize(("minimum", "maximum"), [(18, 45), (None, 45), (18, None), (None, None)])
def test_a_formatted_age_range_reads_back_the_same(minimum, maximum):
    parsed = parse_age_range(format_age_range(minimum, maximum))
    assert (parsed or AgeRange(None, None)) == AgeRange(minimum, maximum)


@pytest.mark.parametrize(("raw", "expected"), [
    (20, 20), (20.0, 20), ("20人", 20), ("约20名", 20), ("二十人", 20), ("10-20人", 20), ("１０", 10),
    ("若干", None), ("多名", None), (None, None),
])
def test_headcounts(raw, expected):
    assert parse_headcount(raw) == expected


def test_a_headcount_of_zero_is_refused():
    with pytest.raises(CellError) as caught:
        parse_headcount("0")
    assert caught.value.message == "招聘人数“0”应大于0；人数不定的请填“若干”。"


@pytest.mark.parametrize(("raw", "months"), [
    ("1年", 12), ("12个月", 12), ("三年", 36), ("两年", 24), ("一年半", 18), ("半年", 6), ("1.5年", 18),
    ("1-3年", 12), ("1年以上", 12), ("合同一年一签", 12), (12, 12), ("12", 12), ("长期", None),
    ("无固定期限", None), (None, None),
])
def test_contract_terms_in_months(raw, months):
    assert parse_contract_months(raw) == months


def test_a_formatted_contract_term_reads_back_the_same():
    assert parse_contract_months(format_contract_months(36)) == 36
    assert format_contract_months(None) == ""


@pytest.mark.parametrize("raw", [
    dt.datetime(2025, 3, 1), dt.date(2025, 3, 1), 45717, 45717.0, "45717", "2025-03-01", "2025/3/1", "2025.3.1",
    "2025年3月1日", "20250301", "２０２５年３月１日", "2025-03-01 00:00:00",
])
def test_dates_in_every_spelling_excel_and_clerks_use(raw):
    assert parse_date(raw) == dt.date(2025, 3, 1)


def test_a_month_alone_means_its_last_day_and_long_term_means_no_date():
    assert parse_date("2025年12月") == dt.date(2025, 12, 31)
    assert parse_date("长期") is None
    assert parse_date("招满为止") is None


def test_an_impossible_date_is_named():
    with pytest.raises(CellError) as caught:
        parse_date("2025-2-30", label="截止日期")
    assert caught.value.message == "截止日期“2025-2-30”不是存在的日期，请核对年月日。"


@pytest.mark.parametrize(("raw", "expected"), [
    ("脱贫户", PersonCategory.LIFTED_OUT_OF_POVERTY),
    ("建档立卡贫困户", PersonCategory.LIFTED_OUT_OF_POVERTY),
    ("已脱贫户", PersonCategory.LIFTED_OUT_OF_POVERTY),
    ("边缘易致贫户", PersonCategory.MONITORED),
    ("防返贫监测对象", PersonCategory.MONITORED),
    ("脱贫不稳定户", PersonCategory.MONITORED),
    ("突发严重困难户", PersonCategory.MONITORED),
    ("低保户", PersonCategory.RURAL_LOW_INCOME),
    ("特困供养", PersonCategory.RURAL_LOW_INCOME),
    ("一般户", PersonCategory.OTHER),
    ("非贫困户", PersonCategory.OTHER),
    ("其他", PersonCategory.OTHER),
])
def test_categories_by_their_everyday_names(raw, expected):
    assert parse_category(raw) is expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("普通劳动力", LabourAbility.FULL), ("全劳力", LabourAbility.FULL), ("弱劳力", LabourAbility.WEAK),
    ("弱劳动力", LabourAbility.WEAK), ("半劳力", LabourAbility.HALF), ("无劳动能力", LabourAbility.NONE),
    ("丧失劳动力", LabourAbility.NONE),
])
def test_labour_ability_by_its_everyday_names(raw, expected):
    assert parse_labour_ability(raw) is expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("是", True), ("有", True), ("√", True), ("愿意", True), ("Y", True), (1, True),
    ("否", False), ("无", False), ("×", False), ("不愿意", False), ("0", False), (None, None),
])
def test_yes_and_no(raw, expected):
    assert parse_yes_no(raw, label="就业意愿") is expected


def test_an_unclear_yes_or_no_is_refused():
    with pytest.raises(CellError) as caught:
        parse_yes_no("看情况", label="就业意愿")
    assert caught.value.message == "就业意愿“看情况”无法识别，请填写“是”或“否”。"


@pytest.mark.parametrize(("raw", "expected"), [
    ("未就业", (EmploymentStatus.UNEMPLOYED, None)),
    ("在家", (EmploymentStatus.UNEMPLOYED, None)),
    ("务工", (EmploymentStatus.EMPLOYED, None)),
    ("县外务工", (EmploymentStatus.EMPLOYED, "县外务工")),
    ("已就业（广东东莞）", (EmploymentStatus.EMPLOYED, "广东东莞")),
    ("已就业", (EmploymentStatus.EMPLOYED, None)),
])
def test_employment_status_and_place(raw, expected):
    assert parse_employment_status(raw) == expected
    assert parse_employment_status(format_employment_status(*expected)) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("包吃包住", Board(True, True)), ("包食宿", Board(True, True)), ("提供住宿", Board(False, True)),
    ("包工作餐", Board(True, False)), ("包吃不包住", Board(True, False)), ("食宿自理", Board(False, False)),
    ("不包", Board(False, False)), ("餐补500元", Board(False, False)),
])
def test_board_and_lodging(raw, expected):
    assert parse_board(raw) == expected
    assert parse_board(format_board(expected.board, expected.lodging)) == expected


def test_labour_intensity_and_education():
    assert parse_labour_intensity("轻体力") is LabourIntensity.LIGHT
    assert parse_labour_intensity("较重") is LabourIntensity.HEAVY
    assert parse_education("初中毕业") == "初中"
    assert parse_education("高中（中专）") == "高中（中专）"


def test_multi_value_cells_split_on_every_separator_but_not_inside_brackets():
    assert split_values("普工/电焊工、保安 叉车，普工（长白班，包吃住）;；保安") == [
        "普工", "电焊工", "保安", "叉车", "普工（长白班，包吃住）"]
    assert split_values("广东 省内") == ["广东", "省内"]
    assert split_values(None) == []


def test_text_is_folded_to_half_width_and_names_lose_their_padding():
    assert clean_text("  C１驾照　有  ") == "C1驾照 有"
    assert clean_name("张\u3000 三") == "张三"
    assert clean_text(12.0) == "12"
    assert is_blank("\u3000 ") and is_blank(None) and not is_blank(0)


def test_a_long_number_is_shown_as_excel_shows_it():
    assert display_value(4.30182197811302e+17) == "430182197811302000"
    assert display_value(dt.datetime(2025, 3, 1)) == "2025-03-01"


def test_chinese_numerals():
    assert [chinese_int(t) for t in ("三", "十二", "二十", "一百二十", "两")] == [3, 12, 20, 120, 2]
    assert chinese_int("若干") is None


def test_an_optional_cell_that_says_there_is_nothing_counts_as_empty():
    assert all(is_nothing(raw) for raw in (None, "", "无", " / ", "暂无"))
    assert not is_nothing("13800000000")


@pytest.mark.parametrize(("parse", "text", "label"), [
    (lambda raw: parse_wage(raw), "-5000", "月薪"),
    (lambda raw: parse_wage(raw), "工资：−5000元", "月薪"),
    (parse_contract_months, "-1年", "合同期限"),
    (parse_headcount, "-20人", "招聘人数"),
    (parse_age_range, "-18岁以上", "年龄要求"),
])
def test_a_minus_sign_in_text_is_a_negative_figure_refused_not_dropped(parse, text, label):
    with pytest.raises(CellError) as caught:
        parse(text)
    assert caught.value.message == f"{label}“{text}”是负数：请填写不小于0的数。"


def test_a_range_dash_between_figures_is_no_minus_sign():
    assert parse_wage("4500-6000元/月").minimum == 4500
    assert parse_contract_months("1-3年") == 12
