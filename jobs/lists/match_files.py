"""Matching two spreadsheets with no database: a county clerk's demand list against a supply list.

Rows are read and validated exactly as an import would (``jobs.lists``): a row an import would reject takes
no part and is reported with its row number. The output has the columns of docs/formats.md ("Command contracts"):
``demand_key, supply_key, rank, score, reasons``, where the keys are the files' 序号 values (the row number
where 序号 is missing) and ``score`` is 0–100.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook

from jobs.rendering.csvfile import write_csv
from jobs.rendering.xlsx import OutputNotWritable, append_row, check_writable, save

from jobs.lists.demand_rows import DemandRow, demand_parser
from jobs.lists.importing import RowRejected
from jobs.lists.reading import ListSource, open_list
from jobs.lists.supply_rows import SupplyRow, supply_parser
from jobs.placements.engine_input import post_of_row, seeker_of_row
from matching import Match, Post, PostIndex, Seeker, SeekerIndex, match

OUTPUT_COLUMNS = ("demand_key", "supply_key", "rank", "score", "reasons")
_PROGRESS_STEP = 100  # rows read between two updates of the caller's progress


@dataclass(frozen=True)
class Skipped:
    """A row that takes no part in the match, and why (Chinese, naming the column)."""

    kind: str
    row: int
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"list": self.kind, "row": self.row, "message": self.message}


@dataclass
class FileMatch:
    seekers: int = 0
    posts: int = 0
    matches: list[Match] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        return {"seekers": self.seekers, "posts": self.posts, "matches": len(self.matches),
                "skipped": [s.as_dict() for s in self.skipped]}


def match_files(
    demand_path: str | Path,
    supply_path: str | Path,
    *,
    today: dt.date,
    top_k: int = 10,
    by: str = "seeker",
    progress: Callable[[int], None] | None = None,
    on_open: Callable[[ListSource], None] | None = None,
) -> FileMatch:
    """Read both lists, match them, and return the ranked pairs (by seeker or by post) with what was skipped.

    Raises ``jobs.lists.reading.NotAList`` when either file is not a list of its kind.
    """
    result = FileMatch()
    # Wanted jobs stay as written: the engine codes all of them at once (SeekerIndex).
    seekers = _read(demand_path, "demand", lambda source: demand_parser(source, today=today, occupation_codes=False),
                    _seeker, result, progress, on_open)
    posts = _read(supply_path, "supply", lambda source: supply_parser(source, today=today), _post, result,
                  progress, on_open)
    result.seekers, result.posts = len(seekers), len(posts)
    if seekers and posts:
        result.matches = match(SeekerIndex(seekers), PostIndex(posts), today=today, top_k=top_k, by=by)
    return result


def _read(path, kind, make_parser, convert, result: FileMatch, progress, on_open) -> list:
    with open_list(path, kind) as source:
        if on_open is not None:
            on_open(source)
        parse, identity = make_parser(source)
        return _convert_rows(source.data_rows(), kind, parse, identity, convert, result, progress)


def _convert_rows(rows, kind, parse, identity, convert, result: FileMatch, progress) -> list:
    """Validate rows as an import would and convert the valid ones; the others go to ``result.skipped``."""
    items: list = []
    seen: dict[object, int] = {}
    counted = 0
    for row in rows:
        counted += 1
        if progress is not None and counted == _PROGRESS_STEP:  # a progress bar's update is not free
            progress(counted)
            counted = 0
        try:
            parsed = parse(row)
        except RowRejected as rejected:
            message = "；".join(f"{issue.column}：{issue.message}" for issue in rejected.issues)
            result.skipped.append(Skipped(kind, row.number, message))
            continue
        key, column, _value, what = identity(parsed)
        if key in seen:
            result.skipped.append(Skipped(kind, row.number, f"{column}：{what}与第{seen[key]}行重复，本行未参与匹配"))
            continue
        seen[key] = row.number
        try:
            items.append(convert(parsed, _row_key(parsed.row_key, row.number)))
        except ValueError as error:
            result.skipped.append(Skipped(kind, row.number, str(error)))
    if progress is not None and counted:
        progress(counted)
    return items


def _row_key(row_key: str | None, number: int) -> str:
    return row_key if row_key else str(number)


def _seeker(row: DemandRow, key: str) -> Seeker:
    return seeker_of_row(row.person, key)


def _post(row: SupplyRow, key: str) -> Post:
    return post_of_row(row, key)


def _cells(found: Match) -> tuple[str, str, int, float, str]:
    return (found.seeker_key, found.post_key, found.rank, found.score, found.reasons)


def write_output(result: FileMatch, path: str | Path) -> None:
    """Write the pairs as CSV (UTF-8 with BOM, so Excel opens it right) or xlsx, by the file's suffix; every
    cell through :mod:`jobs.rendering` (never a live formula). An unwritable path raises
    :class:`~jobs.rendering.xlsx.OutputNotWritable`."""
    target = check_writable(path)
    rows = [_cells(found) for found in result.matches]
    if target.suffix.lower() == ".xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "匹配结果"
        append_row(sheet, OUTPUT_COLUMNS)
        for row in rows:
            append_row(sheet, row)
        sheet.freeze_panes = "A2"
        for column, width in zip("ABCDE", (12, 12, 6, 8, 100), strict=True):
            sheet.column_dimensions[column].width = width
        save(workbook, target)
        return
    buffer = io.BytesIO()
    write_csv(buffer, OUTPUT_COLUMNS, rows)
    try:
        target.write_bytes(buffer.getvalue())
    except OSError as error:
        raise OutputNotWritable(f"无法写入输出文件“{target}”：{error.strerror or type(error).__name__}。") from None
