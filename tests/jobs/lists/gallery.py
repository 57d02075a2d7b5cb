"""A gallery of messy lists, built the way county clerks' files come: title rows, 填报单位 lines, synonym
headers, full-width digits, blank rows, ID numbers Excel turned into numbers, duplicates, footers.

Every ID number here is generated with a valid check digit and belongs to nobody.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from jobs.people.identity import generate_id_number

TODAY = dt.date(2026, 11, 24)

ZHANG = generate_id_number("430182", dt.date(1990, 3, 15), 451)  # 430182199003154517
WANG = generate_id_number("430182", dt.date(1980, 1, 1), 3)  # 43018219800101003X
LI = generate_id_number("430182", dt.date(1978, 11, 30), 233)  # 430182197811302339
QIAN = generate_id_number("430182", dt.date(2001, 1, 9), 88)
SUN = generate_id_number("430182", dt.date(1992, 7, 7), 101)
RETIRED = generate_id_number("430124", dt.date(1985, 6, 1), 12)  # 宁乡县 430124, now 宁乡市 430182

# What Excel keeps of LI typed into a number cell: 15 significant digits, the last three zeroed.
LI_AS_NUMBER = float(LI[:15] + "000")

COUNTY_TITLE = "宁乡市2025年脱贫劳动力就业需求清单"
COUNTY_HEADERS = ["序号", "姓名", "公民身份号码", "手机号", "户籍所在地", "乡镇", "人员类别", "劳动力类型", "学历",
                  "技能", "就业情况", "是否有就业意愿", "意向岗位", "意向务工地", "期望工资", "培训需求", "家庭人口"]


def full_width(text: str) -> str:
    """Digits as a Chinese input method types them in full-width mode."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def write_xlsx(path: Path, rows: list[list[object]], *, merges: tuple[str, ...] = (),
               sheets_before: tuple[tuple[str, list[list[object]]], ...] = ()) -> Path:
    """An xlsx file with ``rows`` on one sheet, after optional other sheets."""
    workbook = Workbook()
    first = workbook.active
    for index, (title, other_rows) in enumerate(sheets_before):
        sheet = first if index == 0 else workbook.create_sheet()
        sheet.title = title
        for row in other_rows:
            sheet.append(row)
    sheet = workbook.create_sheet("清单") if sheets_before else first
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[list[object]], *, encoding: str) -> Path:
    text = "\r\n".join(",".join("" if v is None else str(v) for v in row) for row in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def county_rows() -> list[list[object]]:
    """The county demand list: rows 4 (valid, messy), 5 (blank), 6 (ID stored as a number), 7 (valid),
    8 (duplicate of row 4's ID), 9 (landline and unknown category), 10 (valid, 户籍地 from the ID), 11 (合计)."""
    return [
        [COUNTY_TITLE],
        ["填报单位：宁乡市人力资源和社会保障局", None, None, None, None, None, None, "填报日期：2025年3月1日"],
        COUNTY_HEADERS,
        [1, "张\u3000三", f"{ZHANG[:6]} {ZHANG[6:14]} {ZHANG[14:]}", full_width("138 0000 0000"), "宁乡市煤炭坝镇",
         "煤炭坝镇", "脱贫户", "弱劳力", "初中", "电焊、会开叉车，有C1驾照", "在家", "有", "普工/电焊工、保安",
         "广东 省内", "4000-5000", "√", 4],
        [],
        [2, "李四", LI_AS_NUMBER, "13800000001", "宁乡市", None, "脱贫人口", None, None, None, None, "是", "保安",
         "不限", "5000", "否", 3],
        [3, "王五", WANG.lower(), None, "430124", None, "边缘易致贫户", "半劳力", "高中（中专）", None, "县外务工",
         "是", "叉车", "浙江宁波、不限", "5千", "否", 3],
        [4, "赵六", ZHANG, "13800000002", "宁乡市", None, "脱贫户", None, None, None, None, "是", None, None, None,
         None, 2],
        [5, "钱七", QIAN, "0731-88886666", "宁乡市", None, "困难户", None, None, None, None, "是", None, None, None,
         None, 5],
        [6, "孙八", SUN, "13912345678", None, None, "低保户", None, None, None, "未就业", "无", None, None, "面议",
         None, 2],
        ["合计", None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, 19],
    ]


def county_list(folder: Path, name: str = "county.xlsx", rows: list[list[object]] | None = None) -> Path:
    return write_xlsx(folder / name, rows or county_rows(), merges=("A1:Q1",))


def demand_rows(*people: tuple[str, str], category: str = "脱贫人口") -> list[list[object]]:
    """A plain demand list (canonical headers) of (name, ID number) pairs."""
    header = ["序号", "姓名", "身份证号", "联系电话", "户籍地", "人员类别"]
    return [header, *([index, name, number, None, "宁乡市", category] for index, (name, number) in
                      enumerate(people, start=1))]


def generated_people(count: int, county: str = "430182") -> list[tuple[str, str]]:
    """``count`` distinct (name, ID number) pairs."""
    people = []
    for index in range(count):
        birth = dt.date(1970 + index % 30, 1 + index % 12, 1 + index % 28)
        people.append((f"工人{index}", generate_id_number(county, birth, index // 360)))
    return people


SUPPLY_HEADERS = ["序号", "企业名称", "统一社会信用代码", "招聘岗位", "招聘人数（人）", "工作地址", "薪资待遇", "年龄",
                  "学历要求", "岗位要求", "劳动强度", "食宿", "合同期", "联系人", "联系电话", "截止时间", "备注"]
CREDIT_CODE = "91441900MA4W0KHM86"
NINGBO_CODE = "91330206MA2AB1CD2J"
DONGGUAN_FIRM = "东莞市某某电子有限公司"


def supply_rows() -> list[list[object]]:
    """A workstation's supply list: rows 3 and 4 (valid: landline contact, serial date, text dates), 5 (a
    second row for the post of row 4), 6 (valid), 7 (every cell wrong)."""
    return [
        ["东莞市2025年岗位供给清单"],
        SUPPLY_HEADERS,
        [1, DONGGUAN_FIRM, CREDIT_CODE, "普工（长白班）", "20人", "广东省东莞市长安镇", "4500-6000元/月", "18-45周岁",
         "初中及以上", None, "中", "包吃包住", "1年", "李经理", "0769-85551234", 45657, None],
        [2, DONGGUAN_FIRM, None, "焊工（二保焊）持证上岗", "若干", "东莞长安", "底薪3000+提成", "45岁以下", "不限",
         "持焊工证", "重", "包住", "三年", "李经理", "13900139001", "2025.3.1", None],
        [3, DONGGUAN_FIRM, None, "焊工（二保焊）持证上岗", "10", "东莞长安", "计件", None, None, None, None, None,
         None, None, None, None, None],
        [4, "宁波某机械有限公司", None, "装配工", full_width("10"), "宁波市北仑区", "5000以上", "不限", None, None,
         "轻", "不包", "12个月", "王主管", "13900139002", "2025年12月31日", None],
        [5, "某厂", None, "叉车工", "0", "朝阳区", "abc", "14-30岁", None, None, "很重", "?", "x", None, "12345",
         "2025-2-30", None],
    ]


def supply_list(folder: Path, name: str = "supply.xlsx") -> Path:
    return write_xlsx(folder / name, supply_rows(), merges=("A1:Q1",))


CONTRACT_KEYS = ("rows", "created", "updated", "unchanged", "rejected", "ignored_columns", "errors")


def contract(summary: dict) -> dict:
    """The keys of the import summary's contract (docs: command-line output), in their order; the keys after
    them (warnings, changes, needs_confirmation) are checked by their own tests."""
    assert list(summary)[:len(CONTRACT_KEYS)] == list(CONTRACT_KEYS)
    return {key: summary[key] for key in CONTRACT_KEYS}
