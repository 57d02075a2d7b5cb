"""Matching two spreadsheets with no database: a county clerk's demand list against a supply list.

Rows are read and validated exactly as an import would (``jobs.lists``): a row an import would reject takes
no part and is reported with its row number. The output has the columns of docs/formats.md ("Command contracts"):
``demand_key, supply_key, rank, score, reasons``, where the keys are the files' 序号 values (the row number
where 序号 is missing) and ``score`` is 0–100.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import islice
from pathlib import Path

from openpyxl import Workbook

from jobs.rendering.csvfile import csv_lines, write_csv_body, write_csv_columns
from jobs.rendering.xlsx import OutputNotWritable, append_row, check_writable, save

from jobs.lists.demand_rows import DemandRows
from jobs.lists.importing import PARSE_ROWS, RowRejected
from jobs.lists import file_shards
from jobs.lists.reading import ListSource, RowSlice, SourceRow, open_list
from jobs.lists.supply_rows import SupplyRows
from jobs.people.regions import region_table
from jobs.placements.engine_input import post_of_row, seekers_of_facts
from matching import MatchTable, PostIndex, SeekerIndex, match_table

OUTPUT_COLUMNS = ("demand_key", "supply_key", "rank", "score", "reasons")
_PROGRESS_STEP = 100  # rows read between two updates of the caller's progress
_SHARD_ROWS = 2000  # demand lists shorter than this are matched in one process (a fork costs more than it saves)


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
    """What a file-to-file match found: counts, the matches (unless they went straight to the output file),
    and the rows that took no part."""

    seekers: int = 0
    posts: int = 0
    matches: MatchTable = field(default_factory=lambda: MatchTable([], [], [], [], []))
    skipped: list[Skipped] = field(default_factory=list)
    written: int | None = None  # matches written to the output file by the shards (``matches`` is then empty)

    @property
    def match_count(self) -> int:
        return self.written if self.written is not None else len(self.matches)

    def summary(self) -> dict[str, object]:
        return {"seekers": self.seekers, "posts": self.posts, "matches": self.match_count,
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
    output: str | Path | None = None,
    processes: int = 1,
) -> FileMatch:
    """Read both lists, match them, and return the ranked pairs (by seeker or by post) with what was skipped;
    with ``output``, write them there (:func:`write_output`).

    With an ``output`` CSV, matches by seeker and ``processes`` of 2 or more (on a system that can fork), the
    demand rows are cut into that many consecutive shards, validated, matched and written side by side
    (:mod:`jobs.lists.file_shards`); the file is the one a single process writes, byte for byte, and the
    returned ``matches`` table is empty (``written`` counts what the file holds).

    Raises ``jobs.lists.reading.NotAList`` when either file is not a list of its kind.
    """
    result = FileMatch()
    shard_output = (output is not None and by == "seeker" and processes > 1 and Path(output).suffix.lower() == ".csv"
                    and file_shards.can_fork())
    with open_list(demand_path, "demand") as source:
        if on_open is not None:
            on_open(source)
        read_demand = _demand_reader(source, today=today)
        sharded = shard_output and (source.estimated_rows or 0) >= _SHARD_ROWS
        # One process validates the rows as they are read. Shards read each their own slice of the sheet; where
        # it cannot be cut (a CSV, a sheet not plainly written), its rows are read here and handed out.
        parts: list = []
        if sharded:
            parts = source.slices(processes) or file_shards.split(list(source.data_rows()), processes)
        with open_list(supply_path, "supply") as supply_source:
            if on_open is not None:
                on_open(supply_source)
            posts, supply = _convert_rows(supply_source.data_rows(), _supply_reader(supply_source, today=today),
                                          progress)
        result.posts = len(posts)
        post_index = PostIndex(posts) if posts else None
        if not sharded:
            seekers, demand = _convert_rows(source.data_rows(), read_demand, progress)
            result.seekers = len(seekers)
            if seekers and post_index is not None:
                table = match_table(SeekerIndex(seekers), post_index, today=today, top_k=top_k, by=by)
                result.matches = replace(table, seeker_keys=[demand.labels[key] for key in table.seeker_keys],
                                         post_keys=[supply.labels[key] for key in table.post_keys])
            result.skipped = _skipped("demand", file_shards.merge([demand]).skipped)
        else:
            here = os.getpid()

            def work(part: RowSlice | Sequence[SourceRow]) -> file_shards.Shard:
                mine = progress if os.getpid() == here else None  # only this process draws the progress bar
                rows = source.read_slice(part) if isinstance(part, RowSlice) else part
                seekers, shard = _convert_rows(rows, read_demand, mine)
                if seekers and post_index is not None:
                    table = match_table(SeekerIndex(seekers), post_index, today=today, top_k=top_k, by=by)
                    shard.groups, shard.body = _csv_groups(table, shard.labels, supply.labels)
                shard.labels = {}
                return shard

            shards = file_shards.run(parts, work)
            if progress is not None:
                progress(sum(len(shard.seen) + len(shard.duplicates) + len(shard.skipped) for shard in shards[1:]))
            merged = file_shards.merge(shards)
            result.seekers, result.written = merged.seekers, merged.matches
            result.skipped = _skipped("demand", merged.skipped)
    result.skipped += _skipped("supply", file_shards.merge([supply]).skipped)
    if output is not None:
        if sharded:
            target = check_writable(output)
            try:
                write_csv_body(target, OUTPUT_COLUMNS, merged.body)
            except OSError as error:
                raise _not_writable(target, error) from None
        else:
            write_output(result, output)
    return result


def _skipped(kind: str, rows: list[tuple[int, str]]) -> list[Skipped]:
    return [Skipped(kind, row, message) for row, message in rows]


@dataclass
class _Batch:
    """A batch of rows validated: the rejected rows (by index), each row's identity (one row per thing) and
    key, the words a duplicate's message uses, and ``convert(indices, keys)``, the engine's input of those rows
    (each item, or the ValueError that refuses it)."""

    rejected: dict[int, RowRejected]
    identities: list
    row_keys: list[str | None]
    words: tuple[str, str]
    convert: Callable[[list[int], list[str]], list]


def _demand_reader(source: ListSource, *, today: dt.date) -> Callable[[Sequence[SourceRow]], _Batch]:
    """Demand rows validated as an import would, read column by column and turned into the engine's workers
    without a ``PersonData`` per row. Wanted jobs stay as written: the engine codes all of them at once
    (SeekerIndex)."""
    demand = DemandRows(source, today=today, table=region_table(), origin=None, occupation_codes=False)

    def read(rows: Sequence[SourceRow]) -> _Batch:
        columns = demand.read_many(rows)
        facts = columns.facts
        identities = [None if number is None else demand.identity_of(number)[0] for number in facts["id_number"]]
        return _Batch(columns.rejected, identities, columns.row_keys, demand.identity_words,
                      partial(seekers_of_facts, facts))

    return read


def _supply_reader(source: ListSource, *, today: dt.date) -> Callable[[Sequence[SourceRow]], _Batch]:
    """Supply rows validated as an import would, a batch at a time, and turned into the engine's posts."""
    supply = SupplyRows(source, today=today, table=region_table())

    def read(rows: Sequence[SourceRow]) -> _Batch:
        parsed = supply.parse_many(rows)
        rejected = {index: row for index, row in enumerate(parsed) if isinstance(row, RowRejected)}
        identities = [None if index in rejected else supply.identity(row) for index, row in enumerate(parsed)]
        words = next(((column, what) for _key, column, _value, what in filter(None, identities)), ("", ""))

        def convert(indices: list[int], keys: list[str]) -> list:
            return [_converted(post_of_row, parsed[index], key) for index, key in zip(indices, keys, strict=True)]

        return _Batch(rejected, [None if found is None else found[0] for found in identities],
                      [None if index in rejected else row.row_key for index, row in enumerate(parsed)], words, convert)

    return read


def _converted(convert: Callable, row: object, key: str) -> object:
    try:
        return convert(row, key)
    except ValueError as error:
        return error


def _convert_rows(rows: Iterable[SourceRow], read: Callable[[Sequence[SourceRow]], _Batch], progress
                  ) -> tuple[list, file_shards.Shard]:
    """Validate rows as an import would, a batch at a time (``read``), and convert the valid ones (keyed by row
    number: ``labels`` holds the key each row shows); what each row came to is in the returned shard record."""
    items: list = []
    shard = file_shards.Shard()
    seen, labels = shard.seen, shard.labels
    counted = 0
    rows = iter(rows)
    while batch := list(islice(rows, PARSE_ROWS)):
        found = read(batch)
        accepted: list[int] = []
        for index, row in enumerate(batch):
            counted += 1
            if progress is not None and counted == _PROGRESS_STEP:  # a progress bar's update is not free
                progress(counted)
                counted = 0
            rejected = found.rejected.get(index)
            if rejected is not None:
                shard.skipped.append((row.number, "；".join(f"{issue.column}：{issue.message}"
                                                           for issue in rejected.issues)))
                continue
            key = found.identities[index]
            shard.words = found.words
            if key in seen:
                shard.duplicates.append((row.number, key))
                continue
            seen[key] = row.number
            accepted.append(index)
        numbers = [batch[index].number for index in accepted]
        for index, number, item in zip(accepted, numbers, found.convert(accepted, [str(n) for n in numbers]),
                                       strict=True):
            if isinstance(item, ValueError):
                shard.skipped.append((number, str(item)))
                continue
            items.append(item)
            shard.kept.append(number)
            labels[str(number)] = _row_key(found.row_keys[index], number)
    if progress is not None and counted:
        progress(counted)
    return items, shard


def _csv_groups(table: MatchTable, seeker_labels: dict[str, str], post_labels: dict[str, str]
                ) -> tuple[list[tuple[int, int, int]], bytes]:
    """The table's CSV lines (UTF-8, no BOM, no header) and, per worker in order, ``(row, end, lines)``: the
    worker's row number, where its lines end in the bytes, and how many lines it has."""
    seekers, ranks = table.seeker_keys, table.rank
    if not ranks:
        return [], b""
    starts = [i for i, rank in enumerate(ranks) if rank == 1]  # each worker's offers start at rank 1
    lines = csv_lines(([seeker_labels[key] for key in seekers], [post_labels[key] for key in table.post_keys],
                       ranks, table.score, table.reasons))
    groups, parts, end = [], [], 0
    for first, last in zip(starts, [*starts[1:], len(lines)], strict=True):
        part = "".join(lines[first:last]).encode()
        parts.append(part)
        end += len(part)
        groups.append((int(seekers[first]), end, last - first))
    return groups, b"".join(parts)


def _row_key(row_key: str | None, number: int) -> str:
    return row_key if row_key else str(number)


def write_output(result: FileMatch, path: str | Path) -> None:
    """Write the pairs as CSV (UTF-8 with BOM, so Excel opens it right) or xlsx, by the file's suffix; every
    cell through :mod:`jobs.rendering` (never a live formula). An unwritable path raises
    :class:`~jobs.rendering.xlsx.OutputNotWritable`."""
    target = check_writable(path)
    found = result.matches
    columns = (found.seeker_keys, found.post_keys, found.rank, found.score, found.reasons)
    if target.suffix.lower() == ".xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "匹配结果"
        append_row(sheet, OUTPUT_COLUMNS)
        for row in zip(*columns, strict=True):
            append_row(sheet, row)
        sheet.freeze_panes = "A2"
        for column, width in zip("ABCDE", (12, 12, 6, 8, 100), strict=True):
            sheet.column_dimensions[column].width = width
        save(workbook, target)
        return
    buffer = io.BytesIO()
    write_csv_columns(buffer, OUTPUT_COLUMNS, columns)
    try:
        target.write_bytes(buffer.getvalue())
    except OSError as error:
        raise _not_writable(target, error) from None


def _not_writable(target: Path, error: OSError) -> OutputNotWritable:
    return OutputNotWritable(f"无法写入输出文件“{target}”：{error.strerror or type(error).__name__}。")
