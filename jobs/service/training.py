"""The training catalogue (职业技能培训): a template, and a tolerant import that reports bad cells by row and
column and loses nothing already stored.

A course is the same course by name, provider and start date: importing the file again updates it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs.lists.values import CellError, clean_text, is_blank, parse_date
from jobs.people.regions import RegionError, region_table
from jobs.storage.models import TrainingCourse

#: (header, required, explanation)
COLUMNS: tuple[tuple[str, bool, str], ...] = (
    ("课程名称", True, "如：焊工（初级）培训班"),
    ("培训机构", True, "承办培训的学校或机构"),
    ("培训地点", True, "县（市、区）名称或6位代码，如：宁乡市 或 430182"),
    ("详细地址", False, "如：宁乡市玉潭街道职教中心"),
    ("开班日期", True, "如：2025-04-01"),
    ("结业日期", True, "如：2025-04-30，不早于开班日期"),
    ("对应工种", False, "如：电焊工；用于向有此求职意向的劳动力推送"),
    ("培训费用（元）", False, "不收费填0"),
    ("培训补贴（元）", False, "符合条件人员可获的补贴"),
    ("招生名额", False, "人数"),
    ("联系方式", False, "报名咨询电话或联系人"),
)
EXAMPLE_KEY = "示例"
MONEY_LIMIT = Decimal("1000000")


def write_template(path: Path) -> None:
    """The catalogue template: headers (required ones shaded), an example row, a sheet of notes."""
    book = Workbook()
    sheet = book.active
    sheet.title = "培训目录"
    sheet.append([name for name, _required, _note in COLUMNS])
    for cell, (_name, required, _note) in zip(sheet[1], COLUMNS):
        cell.font = Font(bold=True)
        if required:
            cell.fill = PatternFill("solid", fgColor="FCE4D6")
    sheet.append([f"{EXAMPLE_KEY}：焊工（初级）培训班", "宁乡市职业技术学校", "宁乡市", "玉潭街道职教中心",
                  "2025-04-01", "2025-04-30", "电焊工", 0, 0, 40, "0731-8xxxxxxx"])
    notes = book.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "说明"])
    for name, required, note in COLUMNS:
        notes.append([name, "必填" if required else "选填", note])
    notes.append(["", "", "第2行为示例（课程名称以“示例”开头），导入时自动跳过。导入命令：bangfu training import 文件.xlsx"])
    book.save(path)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "errors": self.errors}


def read_rows(data: bytes) -> list[tuple[int, dict[str, object]]]:
    """Rows of the first sheet as {header: value}, numbered as Excel numbers them."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable file gets the same clear message
        raise CellError(f"无法读取文件（须为 .xlsx 格式）：{error}") from error
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [clean_text(h) or "" for h in next(rows, ())]
    missing = [name for name, required, _ in COLUMNS if required and name not in header]
    if missing:
        raise CellError(f"第1行表头缺少必填列：{'、'.join(missing)}（请使用 bangfu training template 生成的模板）")
    result = []
    for number, values in enumerate(rows, start=2):
        row = dict(zip(header, values))
        if all(is_blank(v) for v in row.values()):
            continue
        if str(row.get("课程名称") or "").startswith(EXAMPLE_KEY):
            continue
        result.append((number, row))
    book.close()
    return result


def import_courses(session: Session, data: bytes, *, organisation_id: int | None = None) -> ImportResult:
    """Import the catalogue; a bad row is reported (row, column, what is wrong) and skipped, the others kept."""
    result = ImportResult()
    for number, row in read_rows(data):
        try:
            values = _parse(row)
        except CellError as error:
            result.errors.append(f"第{number}行：{error.message}")
            continue
        course = session.scalar(select(TrainingCourse).where(
            TrainingCourse.course == values["course"], TrainingCourse.provider == values["provider"],
            TrainingCourse.start_date == values["start_date"],
        ))
        if course is None:
            session.add(TrainingCourse(organisation_id=organisation_id, **values))
            result.created += 1
        elif any(getattr(course, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(course, key, value)
            result.updated += 1
        else:
            result.unchanged += 1
    session.flush()
    return result


def _required(row: dict[str, object], column: str, limit: int) -> str:
    text = clean_text(row.get(column), limit=limit, label=f"“{column}”列")
    if not text:
        raise CellError(f"“{column}”列不能为空")
    return text


def _money(row: dict[str, object], column: str) -> Decimal | None:
    raw = row.get(column)
    if is_blank(raw):
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", "").removesuffix("元")).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise CellError(f"“{column}”列的“{raw}”不是金额，请填写数字，如 1200 或 0") from None
    if value < 0 or value >= MONEY_LIMIT:
        raise CellError(f"“{column}”列的金额{value}超出范围（0至{MONEY_LIMIT}元）")
    return value


def _parse(row: dict[str, object]) -> dict[str, object]:
    place = _required(row, "培训地点", 64)
    try:
        region = region_table().resolve(place).code
    except RegionError as error:
        raise CellError(f"“培训地点”列的“{place}”无法识别：{getattr(error, 'message', error)}") from None
    if region is None or len(region) != 6:
        raise CellError(f"“培训地点”列的“{place}”须具体到县（市、区）")
    start = parse_date(row.get("开班日期"), label="“开班日期”列")
    end = parse_date(row.get("结业日期"), label="“结业日期”列")
    if start is None or end is None:
        raise CellError("“开班日期”和“结业日期”列不能为空")
    if end < start:
        raise CellError(f"“结业日期”{end.isoformat()}早于“开班日期”{start.isoformat()}")
    capacity_raw = row.get("招生名额")
    capacity = None
    if not is_blank(capacity_raw):
        try:
            capacity = int(str(capacity_raw).strip().removesuffix("人"))
        except ValueError:
            raise CellError(f"“招生名额”列的“{capacity_raw}”不是人数") from None
        if not 0 <= capacity <= 100000:
            raise CellError(f"“招生名额”列的{capacity}超出范围（0至100000）")
    return {
        "course": _required(row, "课程名称", 128),
        "provider": _required(row, "培训机构", 128),
        "region_code": region,
        "address": clean_text(row.get("详细地址"), limit=256, label="“详细地址”列"),
        "start_date": start,
        "end_date": end,
        "occupation_text": clean_text(row.get("对应工种"), limit=64, label="“对应工种”列"),
        "cost": _money(row, "培训费用（元）"),
        "subsidy": _money(row, "培训补贴（元）"),
        "capacity": capacity,
        "contact": clean_text(row.get("联系方式"), limit=128, label="“联系方式”列"),
    }
