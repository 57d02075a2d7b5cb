"""Benchmark: import a 100,000-row demand list (xlsx), then import it again.

The list is generated here, valid but messy the way county files are: a merged title row and a 填报单位 line
above the header, synonym headers (身份证号码, 手机号, 户籍所在地 …) and extra columns, full-width digits,
spaces inside ID and phone numbers, a lower-case x, everyday category names (脱贫户, 边缘易致贫户, 低保户),
弱劳力 / 半劳力, 有 / √ / 无, wages as "4000-5000", "5千", "5000以上", "面议", several wanted jobs and
places with mixed separators, relative places (省内, 县内), retired county codes, blank rows.

Target (the README's performance table): first import under 60 s on a 2-core machine, with a progress bar.

    .venv/bin/python benchmarks/bench_import.py [--rows 100000] [--database-url URL] [--openpyxl-file]
                                               [--keep DIR]

Without ``--database-url`` a fresh SQLite file in a temporary folder is used; a PostgreSQL URL must point at
an empty database, which the script migrates.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import random
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from jobs.access.permissions import SYSTEM
from jobs.storage.crypto import Vault
from jobs.storage.db import Database
from jobs.people.identity import generate_id_number, parse_id_number
from jobs.lists import import_demand
from jobs.people.regions import region_table

TODAY = dt.date(2026, 11, 24)
SECRET = "bangfu-benchmark-secret-not-for-production"

HEADERS = ["序号", "姓名", "公民身份号码", "手机号", "户籍所在地", "乡镇", "人员类别", "劳动力类型", "学历",
           "技能", "就业情况", "是否有就业意愿", "意向岗位", "意向务工地", "期望工资", "培训需求", "家庭人口", "备注"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志文斌海波春燕小龙凤"
HOMES = [("湖南省长沙市宁乡市", "煤炭坝镇"), ("宁乡市煤炭坝镇", "煤炭坝镇"), ("430182", "花明楼镇"),
         ("宁乡市", "灰汤镇"), ("长沙市宁乡市花明楼镇", "花明楼镇"), ("", "大成桥镇")]
CATEGORIES = ["脱贫户", "脱贫人口", "边缘易致贫户", "监测对象", "低保户", "一般户", "防返贫监测对象", "建档立卡贫困户"]
ABILITIES = ["普通劳动力", "弱劳力", "半劳力", "", "普通劳动力", "全劳力"]
EDUCATION = ["初中", "高中（中专）", "小学", "初中毕业", "大专", ""]
SKILLS = ["电焊、会开叉车，有C1驾照", "无", "", "种植养殖", "砌墙 粉刷", "缝纫"]
STATUS = ["未就业", "在家", "务工", "县外务工", "已就业（广东东莞）", ""]
YES = ["是", "有", "√", "", "是"]
NO = ["否", "无", "", "否"]
JOBS = ["普工", "电焊工", "保安", "叉车司机", "保洁", "厨师", "服务员", "家政", "快递员", "电工", "木工"]
SEPARATORS = ["、", "/", "，", " ", ",", "；"]
PLACES = ["广东", "省内", "浙江宁波", "不限", "长沙市内", "县内", "江苏苏州", "深圳", "东莞", "浙江"]
WAGES = ["4000-5000", "5千", "5000以上", "面议", "4500元/月", "６０００", "3500", "", "4000～6000元"]


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in text)


def _id_numbers(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct valid ID numbers of 宁乡 (current code 430182 and the retired 430124)."""
    table = region_table()
    seen: set[str] = set()
    numbers: list[str] = []
    while len(numbers) < count:
        code = rng.choice(["430182", "430182", "430124"])
        birth = dt.date(rng.randint(1966, 2005), rng.randint(1, 12), rng.randint(1, 28))
        number = generate_id_number(code, birth, rng.randint(0, 999))
        if number in seen:
            continue
        try:
            parse_id_number(number, today=TODAY, valid_for_year=table.valid_for_year)
        except ValueError:
            continue
        seen.add(number)
        numbers.append(number)
    return numbers


def _messy_id(rng: random.Random, number: str) -> str:
    roll = rng.random()
    if roll < 0.05:
        return f"{number[:6]} {number[6:14]} {number[14:]}"
    if roll < 0.08:
        return _full_width(number)
    if number.endswith("X") and roll < 0.5:
        return number[:-1] + "x"
    return number


def _messy_phone(rng: random.Random) -> str:
    phone = "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
    roll = rng.random()
    if roll < 0.1:
        return f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    if roll < 0.15:
        return "+86 " + phone
    if roll < 0.2:
        return _full_width(phone)
    if roll < 0.25:
        return ""
    return phone


def list_rows(rows: int, seed: int = 20250301) -> Iterator[list[object]]:
    """The cells of the messy demand list, row by row (title, 填报单位 line, header, data, blank rows)."""
    rng = random.Random(seed)
    yield ["宁乡市2025年脱贫劳动力就业需求清单"]
    yield ["填报单位：宁乡市人力资源和社会保障局", None, None, None, "填报日期：2025年3月1日"]
    yield HEADERS
    for index, number in enumerate(_id_numbers(rng, rows), start=1):
        if rng.random() < 0.01:
            yield []
        home, town = rng.choice(HOMES)
        jobs = rng.sample(JOBS, rng.choice([1, 1, 2, 3]))
        places = rng.sample(PLACES, rng.choice([1, 1, 2]))
        yield [
            index,
            rng.choice(SURNAMES) + " " * rng.choice([0, 0, 1]) + "".join(rng.sample(GIVEN, rng.choice([1, 2]))),
            _messy_id(rng, number),
            _messy_phone(rng),
            home,
            town,
            rng.choice(CATEGORIES),
            rng.choice(ABILITIES),
            rng.choice(EDUCATION),
            rng.choice(SKILLS),
            rng.choice(STATUS),
            rng.choice(YES + NO),
            rng.choice(SEPARATORS).join(jobs),
            rng.choice(SEPARATORS[:3]).join(places),
            rng.choice(WAGES),
            rng.choice(YES + NO),
            rng.randint(1, 7),
            "",
        ]


# The parts of a minimal workbook (ECMA-376): what Excel and WPS write, without styles.
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)


def write_excel_like(path: Path, rows: Iterable[list[object]], sheet_name: str = "需求清单") -> None:
    """Write the rows as Excel and WPS do: text in the shared-string table, a stated sheet dimension.

    openpyxl (also in write-only mode) writes every string inline instead, which Excel never does and which
    takes openpyxl about three times longer to read back; a benchmark of county files should read what
    county clerks' programs write. ``--openpyxl-file`` measures that slower case as well.
    """
    strings: dict[str, int] = {}
    body: list[str] = []
    width = 0
    number = 0
    for number, cells in enumerate(rows, start=1):
        parts = []
        for column, value in enumerate(cells, start=1):
            if value is None or value == "":
                continue
            ref = f"{get_column_letter(column)}{number}"
            if isinstance(value, (int, float)):
                parts.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                index = strings.setdefault(str(value), len(strings))
                parts.append(f'<c r="{ref}" t="s"><v>{index}</v></c>')
            width = max(width, column)
        body.append(f'<row r="{number}">{"".join(parts)}</row>')
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_MAIN}">'
             f'<dimension ref="A1:{get_column_letter(max(width, 1))}{max(number, 1)}"/>'
             f'<sheetData>{"".join(body)}</sheetData></worksheet>')
    shared = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="{_MAIN}" count="{len(strings)}" '
              f'uniqueCount="{len(strings)}">'
              + "".join(f'<si><t xml:space="preserve">{escape(text)}</t></si>' for text in strings) + "</sst>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                         f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
                         f'Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                         f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}"><sheets>'
                         f'<sheet name="{escape(sheet_name)}" sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                         f'<Relationships xmlns="{_RELS}">'
                         f'<Relationship Id="rId1" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
                         f'<Relationship Id="rId2" Type="{_DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
                         f'</Relationships>')
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", shared)


def write_openpyxl(path: Path, rows: Iterable[list[object]]) -> None:
    """The same rows written by openpyxl (inline strings, no dimension)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("需求清单")
    for cells in rows:
        sheet.append(cells)
    workbook.save(path)


class _Bar:
    """A plain progress bar on stderr."""

    def __init__(self, total: int | None, label: str) -> None:
        self.total, self.done, self.label, self._shown = total or 0, 0, label, -1

    def __call__(self, rows: int) -> None:
        self.done += rows
        percent = min(100, self.done * 100 // self.total) if self.total else 0
        if percent != self._shown:
            self._shown = percent
            filled = percent // 4
            sys.stderr.write(f"\r{self.label} [{'#' * filled}{'-' * (25 - filled)}] {percent:3d}% {self.done}")
            sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")


def _timed_import(database: Database, vault: Vault, path: Path, label: str):
    bar = _Bar(None, label)

    def opened(source) -> None:
        bar.total = source.estimated_rows or 0

    started = time.perf_counter()
    with database.writer() as session:
        result = import_demand(session, vault, path, default_name=path.stem, today=TODAY, progress=bar, on_open=opened, actor=SYSTEM)
    elapsed = time.perf_counter() - started
    bar.close()
    return result, elapsed


def _run(path: Path, url: str) -> tuple[list[tuple[str, object, float]], str]:
    database = Database(url)
    database.upgrade()
    vault = Vault.from_secret(SECRET)
    first, first_s = _timed_import(database, vault, path, "first import")
    again, again_s = _timed_import(database, vault, path, "re-import  ")
    dialect = database.dialect
    database.dispose()
    return [("first", first, first_s), ("re-import", again, again_s)], dialect


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default=None,
                        help="default: a fresh SQLite file; a PostgreSQL database must be empty (it is migrated here)")
    parser.add_argument("--openpyxl-file", action="store_true",
                        help="write the list with openpyxl (inline strings) instead of as Excel does")
    parser.add_argument("--keep", type=Path, default=None, help="keep the generated list and database here")
    args = parser.parse_args(argv)

    with contextlib.ExitStack() as stack:
        folder = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bangfu-bench-")))
        folder.mkdir(parents=True, exist_ok=True)
        return _benchmark(args, folder)


def _benchmark(args: argparse.Namespace, folder: Path) -> int:
    path = folder / f"demand_{args.rows}.xlsx"
    started = time.perf_counter()
    (write_openpyxl if args.openpyxl_file else write_excel_like)(path, list_rows(args.rows))
    print(f"generated {path.name} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)
    region_table()  # every bangfu process loads the region index once; not part of an import
    runs, dialect = _run(path, args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}")

    writer = "openpyxl (inline strings)" if args.openpyxl_file else "Excel-like (shared strings)"
    print(f"database: {dialect}; file: {writer}, {path.stat().st_size / 1e6:.1f} MB; rows: {runs[0][1].rows}")
    print(f"{'run':<10} {'rows':>7} {'created':>8} {'updated':>8} {'unchanged':>9} {'rejected':>8} "
          f"{'seconds':>8} {'rows/s':>7}")
    for name, result, seconds in runs:
        print(f"{name:<10} {result.rows:>7} {result.created:>8} {result.updated:>8} {result.unchanged:>9} "
              f"{result.rejected:>8} {seconds:>8.1f} {result.rows / seconds:>7.0f}")
    first, again = runs[0][1], runs[1][1]
    ok = first.rejected == 0 and first.created == first.rows and again.unchanged == again.rows
    if not ok:
        print("unexpected: every row should be created once, then unchanged", file=sys.stderr)
        for error in first.errors[:10]:
            print(error, file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
