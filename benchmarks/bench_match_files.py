"""Benchmark: a county match from two files, end to end (read, validate, match, write), no database.

A county clerk's case (DESIGN.md, "Performance targets": county match, 10^4 workers × 10^3 posts, file to
file, < 2 s). The demand list is the messy generated list of ``bench_import.py``; the supply list is generated
here with real job titles and places. Each stage is timed, and the whole is compared with the in-memory
engine alone measured in the same run.

    .venv/bin/python benchmarks/bench_match_files.py [--workers 10000] [--posts 1000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

from bench_import import list_rows, write_excel_like
from openpyxl import Workbook

from jobs.lists.demand import demand_parser
from jobs.lists.reading import open_list
from jobs.lists.supply import supply_parser
from jobs.lists.match_files import match_files, write_output
from matching import PostIndex, SeekerIndex, match

TODAY = dt.date(2025, 3, 1)
SUPPLY_HEADERS = ["序号", "用人单位", "统一社会信用代码", "岗位名称", "招聘人数", "工作地点", "月薪", "年龄要求",
                  "学历要求", "技能要求", "劳动强度", "食宿", "合同期限", "联系人", "联系电话", "截止日期", "备注"]
TITLES = ["普工（长白班）", "电焊工（二保焊）", "叉车司机", "保安员", "保洁员", "家政服务员", "月嫂", "厨师", "帮厨",
          "快递分拣员", "外卖骑手", "缝纫工（车位）", "数控车床操作工", "质检员", "装配工", "客房服务员", "建筑小工",
          "钢筋工", "木工", "电工", "仓库管理员", "网店客服", "货车司机", "包装工", "流水线操作工"]
PLACES = ["广东省东莞市长安镇", "广东深圳宝安", "佛山顺德", "浙江宁波北仑", "杭州余杭", "义乌", "苏州昆山",
          "无锡新吴", "长沙县", "湖南省长沙市宁乡市", "湘潭县", "株洲市天元区", "上海市松江区", "福建省厦门市集美区"]
WAGES = ["4500-6000", "5000以上", "底薪3000+提成", "计件", "6000-8000元/月", "面议", "7000-9000"]
AGES = ["18-45岁", "45岁以下", "不限", "18-55周岁"]
INTENSITY = ["轻", "中", "重", None]
BOARD = ["包吃包住", "提供住宿", "包工作餐", None]


def supply_rows(count: int, seed: int = 7) -> list[list[object]]:
    rng = random.Random(seed)
    rows: list[list[object]] = [SUPPLY_HEADERS]
    for index in range(1, count + 1):
        rows.append([index, f"某某实业有限公司{index % 300}", None, rng.choice(TITLES), rng.choice(["若干", "20人", 10]),
                     rng.choice(PLACES), rng.choice(WAGES), rng.choice(AGES), "不限", None, rng.choice(INTENSITY),
                     rng.choice(BOARD), "1年", "王经理", "13900139001", "2027-12-31", None])
    return rows


def _write_supply(path: Path, rows: list[list[object]]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def _timed(label: str, work, table: list[tuple[str, float, str]], note: str = ""):
    start = time.perf_counter()
    value = work()
    table.append((label, time.perf_counter() - start, note))
    return value


def file_to_file(folder: Path, workers: int, posts: int):
    """Generate both files in ``folder``, then time the whole command as the clerk runs it.

    Returns (seconds end to end, the match result, the timed stages, the two input paths).
    """
    demand, supply, out = folder / "demand.xlsx", folder / "supply.xlsx", folder / "out.csv"
    write_excel_like(demand, list_rows(workers))
    _write_supply(supply, supply_rows(posts))
    rows: list[tuple[str, float, str]] = []
    result = _timed("file to file: read + validate + match + reasons", lambda: match_files(
        demand, supply, today=TODAY), rows)
    _timed("write the CSV", lambda: write_output(result, out), rows)
    return sum(seconds for _label, seconds, _note in rows), result, rows, (demand, supply)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=1_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        total, result, rows, (demand, supply) = file_to_file(Path(folder), args.workers, args.posts)

        # The same stages apart: reading both files, and the engine alone on what they gave.
        from jobs.lists.match_files import _post, _row_key, _seeker

        def read_all():
            seekers, posts = [], []
            for path, kind, parser_of, convert, bucket in ((demand, "demand", demand_parser, _seeker, seekers),
                                                          (supply, "supply", supply_parser, _post, posts)):
                with open_list(path, kind) as source:
                    parse, _identity = parser_of(source, today=TODAY)
                    for row in source.data_rows():
                        try:
                            parsed = parse(row)
                            bucket.append(convert(parsed, _row_key(parsed.row_key, row.number)))
                        except Exception:  # rejected rows take no part, as in match_files
                            continue
            return seekers, posts

        parts: list[tuple[str, float, str]] = []
        seekers, posts = _timed("read and validate both files", read_all, parts)
        _timed("engine alone (indexes + match + reasons)",
               lambda: match(SeekerIndex(seekers), PostIndex(posts), today=TODAY, top_k=10), parts)

    print(f"# file-to-file county match — {args.workers:,} workers × {args.posts:,} posts; "
          f"{result.seekers:,} × {result.posts:,} valid, {len(result.matches):,} matches, "
          f"{len(result.skipped):,} rows skipped")
    print("| work | seconds | share of end to end | target |")
    print("|---|---:|---:|---|")
    for label, seconds, _note in rows + parts:
        print(f"| {label} | {seconds:.2f} | {seconds / total:.0%} | |")
    verdict = "meets" if total < 2 else "misses"
    print(f"| **end to end** | **{total:.2f}** | 100% | < 2 s ({verdict}) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
