"""The one import run shared by the demand and supply lists: read → validate → store → report.

Read and validate first
-----------------------
The whole file is read and every row validated before anything is written, so a file that turns out to be
unreadable half-way (a broken xlsx, a CSV field over the limit, a sheet over the row limit) writes nothing
and the message says where. Rows are parsed once, a batch at a time and column by column (:class:`ColumnReader`);
the accepted ones are kept (parsed, not as cells) until the store phase.

Crash and resume
----------------
Rows are then written in batches of ``batch_size`` (1,000 by default) and each batch is committed in its own
transaction, so SQLite's write lock is held for one batch at a time and never while the file is read. A
crash or an interrupt during the store phase leaves behind exactly the batches committed before it: whole
rows (a person with their wanted jobs and places and their entry in the list; a post with its employer),
never half a row, since the batch in flight is rolled back. To resume, run the same import again: the rows
already stored come back as ``unchanged`` and the rest are created. A ``--dry-run`` commits nothing: each batch
is written (so the outcomes are the ones a real run would report), then rolled back, so a dry run holds SQLite's
write lock for one batch at a time too, and never while the file is read.

Changes to what is stored
-------------------------
A row that changes a stored person or post is reported as updated with the fields that changed, and the
change is written to the audit log. A row that would change a person who has placements or subsidy claims
is not applied unless the caller confirms (``confirm_changes``): it is reported as needing confirmation.

An import never deletes: a person or a post that a newer file leaves out stays where it is.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Generic, TypeVar

from jobs.errors import InvalidInput
from jobs.lists.columns import COLUMNS, ListKind
from jobs.lists.masking import SENSITIVE_KEYS, mask_numbers_in
from jobs.lists.preamble import ListInfo, read_preamble
from jobs.lists.reading import DEFAULT_LIMITS, ListSource, ReadLimits, SourceRow, open_list
from jobs.lists.values import CellError, display_value
from jobs.people.identity import InvalidValue
from jobs.people.person_data import Outcome
from jobs.people.regions import RegionError, RegionTable, Resolution
from jobs.rendering.cells import MAX_CELL_TEXT, looks_like_formula
from matching.occupations import classify

if TYPE_CHECKING:  # the file-to-file match parses rows with this module and imports no ORM
    from sqlalchemy.orm import Session

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "PARSE_ROWS",
    "ImportResult",
    "Issue",
    "ListImport",
    "ListOptionError",
    "NeedsConfirmation",
    "Parsed",
    "RowChange",
    "RowError",
    "RowRejected",
    "ProgressCallback",
    "ColumnReader",
    "SKIP",
    "Updated",
    "header_of",
    "import_list",
    "occupation_code",
    "run_import",
]

DEFAULT_BATCH_SIZE = 1000
PARSE_ROWS = 1000  # rows validated together, column by column (each distinct cell of a batch parsed once)
# Columns whose text a formula-looking value most likely came from someone trying a formula injection.
_FORMULA_WATCH = ("name", "employer", "title", "contact_name")

ProgressCallback = Callable[[int], None]
T = TypeVar("T")


class ListOptionError(InvalidInput):
    """An option of an import or export that cannot be used (an unknown origin county …); ``message`` is
    Chinese."""


@dataclass(frozen=True)
class RowError:
    """One problem of one row: the row number as Excel shows it, the column, the value and the message."""

    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}


@dataclass(frozen=True)
class Issue:
    """A problem found while parsing a row, before its row number is attached."""

    column: str
    value: str
    message: str


class RowRejected(Exception):
    """Raised by a row parser: the row cannot be imported, for these reasons."""

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues = list(issues)
        super().__init__("; ".join(issue.message for issue in self.issues))


@dataclass(frozen=True)
class Updated:
    """A row changed what was stored: these fields (their Chinese headers)."""

    fields: tuple[str, ...]


@dataclass(frozen=True)
class NeedsConfirmation:
    """A row would change a person with placements or claims: not applied until confirmed."""

    fields: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class RowChange:
    """A stored record a row changed (or would change, if confirmed): which, and which fields."""

    row: int
    what: str
    fields: tuple[str, ...]
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        found = {"row": self.row, "what": self.what, "fields": list(self.fields)}
        if self.reason:
            found["reason"] = self.reason
        return found


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do), and which list the rows went to."""

    kind: ListKind
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    unconfirmed: list[RowChange] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)
    text_columns: set[int] = field(default_factory=set)
    sensitive_columns: set[int] = field(default_factory=set)
    rejected_rows: list[tuple[SourceRow, list[RowError]]] = field(default_factory=list)
    list_id: int | None = None
    list_name: str | None = None
    period: str | None = None
    region_code: str | None = None

    def summary(self) -> dict[str, Any]:
        """The JSON document of the import contract (docs: command-line output), its keys first and in their
        order; then the warnings, the changed records and the rows waiting for confirmation."""
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "ignored_columns": list(self.ignored_columns),
            "errors": [error.as_dict() for error in self.errors],
            "warnings": [warning.as_dict() for warning in self.warnings],
            "changes": [change.as_dict() for change in self.changes],
            "needs_confirmation": [change.as_dict() for change in self.unconfirmed],
        }

    def count(self, row: SourceRow, what: str, outcome: Outcome | Updated | NeedsConfirmation) -> None:
        if outcome is Outcome.CREATED:
            self.created += 1
        elif isinstance(outcome, Updated):
            self.updated += 1
            self.changes.append(RowChange(row.number, what, outcome.fields))
        elif isinstance(outcome, NeedsConfirmation):
            self.unconfirmed.append(RowChange(row.number, what, outcome.fields, outcome.reason))
        elif outcome is Outcome.UPDATED:
            self.updated += 1
        else:
            self.unchanged += 1

    def reject(self, row: SourceRow, issues: list[Issue]) -> None:
        errors = [RowError(row.number, issue.column, issue.value, issue.message) for issue in issues]
        self.rejected += 1
        self.errors.extend(errors)
        self.rejected_rows.append((row, errors))

    def warn(self, row: int, column: str, value: str, message: str) -> None:
        self.warnings.append(RowError(row, column, value, message))


@dataclass(frozen=True)
class Parsed(Generic[T]):
    row: SourceRow
    data: T


@lru_cache(maxsize=1 << 16)
def place_option(table: RegionTable, text: str | None, *, label: str, any_refused: str) -> Resolution | None:
    """A command-line place option (输出地, 地区): None when not given; ``ListOptionError`` when the place is
    unknown, ambiguous, or 不限 (``any_refused`` says what to write instead)."""
    if text is None or not text.strip():
        return None
    try:
        found = table.resolve(text.strip())
    except RegionError as error:
        raise ListOptionError(f"无法识别{label}“{text}”：{error.message}") from None
    if found.code is None:
        raise ListOptionError(any_refused)
    return found


def occupation_code(title: str) -> str | None:
    """The occupation (职业分类大典 2022) of a job title or wanted job type, None when nothing fits."""
    found = classify(title)
    return found.code if found is not None else None


_REMEMBERED = (str, int, float, type(None))
# The types whose equal values are the same value (0.0 and -0.0 are equal but show differently, and so are two
# aware datetimes in different zones): a column that is not remembered parses each distinct value of these
# types once per batch, and every other cell on its own, as a row-by-row reading would.
_EXACT = frozenset({str, int, bool, type(None)})
_PLAIN = frozenset({str, type(None)})
_PROBLEMS = (CellError, InvalidValue)
_MISSING = object()
SKIP = object()
"""The context of a row whose cell a column does not read (what it depends on had a problem)."""


class _Failed:
    """A parser's error for a cell, as a column's outcome."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


class _Alone:
    """A cell parsed on its own, never shared with equal cells (a datetime; a float in a column that is not
    remembered; anything else no file holds, hashable or not)."""

    __slots__ = ("cell",)

    def __init__(self, cell: tuple) -> None:
        self.cell = cell


class ColumnReader:
    """Reads a batch of rows column by column through parsers, collecting every problem of every row instead
    of stopping at the first.

    :meth:`take` reads one column of every row at once and parses each distinct cell (type, value and
    context) once. Columns whose values repeat (categories, wages, places …) are read with ``remember=True``:
    each distinct (column, value, context) is parsed once per import, its result or error kept in ``memo``
    across batches. Columns of unique values (names, ID numbers, free text) are remembered within the batch
    only. Problems with ID and phone numbers quote them masked. :meth:`rejected` gives each row that had a
    problem its :class:`RowRejected`, problems in the order of the file's columns.
    """

    def __init__(self, source: ListSource, rows: Sequence[SourceRow], memo: dict[str, dict]) -> None:
        self.source = source
        self.memo = memo
        self.issues: dict[int, list[Issue]] = {}
        self._rows = [row.cells for row in rows]
        self._positions = source.header.positions

    def raw(self, key: str) -> list[object]:
        """The raw cells of column ``key``, one per row (None where a row or the file has no such cell)."""
        position = self._positions.get(key)
        if position is None:
            return [None] * len(self._rows)
        try:
            return list(map(itemgetter(position), self._rows))
        except IndexError:  # a row shorter than the header
            return [cells[position] if position < len(cells) else None for cells in self._rows]

    def take(self, key: str, parse: Callable[..., Any], *, remember: bool = False, contexts: list | None = None
             ) -> list[Any]:
        """Each row's value of column ``key`` through ``parse(raw)``, or ``parse(raw, context)`` with
        ``contexts`` (one per row; :data:`SKIP` leaves the row's cell unread and its value None). A cell whose
        parser raises :class:`CellError` or :class:`InvalidValue` gives None and a problem of its row."""
        raws = self.raw(key)
        rows = None  # the rows read, when some are skipped
        if contexts is not None:
            rows = [index for index, context in enumerate(contexts) if context is not SKIP]
            if len(rows) < len(raws):
                raws, contexts = [raws[index] for index in rows], [contexts[index] for index in rows]
            else:
                rows = None
        types = set(map(type, raws))
        if contexts is None and types <= _PLAIN:
            keys: list = raws  # a text or blank cell is its own key
        else:
            keys = list(zip(map(type, raws), raws) if contexts is None else zip(map(type, raws), raws, contexts))
            alone = {kind for kind in types if not issubclass(kind, _REMEMBERED)} if remember else types - _EXACT
            if alone:
                keys = [_Alone(cell) if cell[0] in alone else cell for cell in keys]
        distinct = dict.fromkeys(keys)
        outcomes = self.memo.setdefault(key, {}) if remember else {}
        failed = False
        for cell in distinct:
            outcome = outcomes.get(cell, _MISSING)
            if outcome is _MISSING:
                arguments = cell.cell if type(cell) is _Alone else cell
                try:
                    outcome = parse(*arguments[1:]) if type(arguments) is tuple else parse(arguments)
                except _PROBLEMS as error:
                    outcome = _Failed(error.message)
                outcomes[cell] = outcome
            failed = failed or type(outcome) is _Failed
        values = list(map(outcomes.__getitem__, keys))
        if remember:
            for cell in distinct:  # a cell parsed on its own is not worth remembering past this batch
                if type(cell) is _Alone:
                    del outcomes[cell]
        if failed:
            self._failed(key, raws, values, rows)
        if rows is None:
            return values
        found: list[Any] = [None] * len(self._rows)
        for index, value in zip(rows, values):
            found[index] = value
        return found

    def _failed(self, key: str, raws: list[object], values: list[Any], rows: list[int] | None) -> None:
        """Record the problems of column ``key`` (each quoting its own cell) and leave None in their place."""
        column = header_of(self.source.kind, key)
        sensitive = key in SENSITIVE_KEYS
        for index in [index for index, value in enumerate(values) if type(value) is _Failed]:
            shown, message = display_value(raws[index]), values[index].message
            if sensitive:
                shown, message = mask_numbers_in(shown), mask_numbers_in(message)
            values[index] = None
            self.issues.setdefault(index if rows is None else rows[index], []).append(Issue(column, shown, message))

    def rejected(self) -> dict[int, RowRejected]:
        """Each row that had a problem (by its index in the batch) and its problems, in the order of the
        columns."""
        if not self.issues:
            return {}
        order = {header_of(self.source.kind, key): index for key, index in self.source.header.positions.items()}
        last = len(order)
        return {index: RowRejected(sorted(issues, key=lambda issue: order.get(issue.column, last)))
                for index, issues in self.issues.items()}


def header_of(kind: ListKind, key: str) -> str:
    """The canonical header of column ``key`` (what errors name)."""
    return next(column.header for column in COLUMNS[kind] if column.key == key)


class ListImport(ABC, Generic[T]):
    """What differs between the demand and the supply import: parsing rows, the identity that makes two rows
    the same thing, and storing a batch. :func:`import_list` runs the rest."""

    kind: ListKind
    list_name: str = ""
    period: str = ""

    @abstractmethod
    def parse_many(self, rows: Sequence[SourceRow]) -> list[T | RowRejected]:
        """Each row's values, checked and normalised, or its RowRejected with every problem of the row."""

    @abstractmethod
    def identity(self, data: T) -> tuple[Any, str, str, str]:
        """(key, column, value shown, what) of the thing the row describes."""

    @abstractmethod
    def describe(self, data: T) -> str:
        """How messages name the record a row is about (personal numbers masked)."""

    @abstractmethod
    def write(self, batch: list[Parsed[T]]) -> list[Outcome | Updated | NeedsConfirmation | RowRejected]:
        """Store a batch of accepted rows; one outcome per row."""

    @abstractmethod
    def stored_list(self) -> tuple[int | None, str | None]:
        """The id and region code of the list the rows went to (None before the first batch)."""

    @abstractmethod
    def forget(self) -> None:
        """Drop what the importer holds of rows that were rolled back (a dry run's batch): the next batch
        looks everything up again."""


def import_list(
    session: Session,
    source: str | Path | IO[bytes],
    kind: ListKind,
    *,
    prepare: Callable[[ListSource, ListInfo], ListImport],
    name: str | None = None,
    list_name: str | None = None,
    default_name: str | None = None,
    period: str | None = None,
    today: dt.date,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressCallback | None = None,
    on_open: Callable[[ListSource], None] | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> ImportResult:
    """The run every list import shares: open ``source`` (a path or a binary stream, called ``name`` in
    messages), read its preamble, let ``prepare`` build the kind's importer, then read and validate every
    row and store the accepted ones (see the module docstring).

    The list's name is ``list_name``, else the file's own 清单名称 or title row, else ``default_name`` (a
    command line passes the file's name; a web upload has none worth using); with none of them the import
    is refused (:class:`ListOptionError`). ``period`` defaults to the file's 清单期间 or year, else this year.
    """
    with open_list(source, kind, name=name, limits=limits) as opened:
        info = read_preamble(opened.preamble)
        chosen = (list_name or "").strip() or info.title or (default_name or "").strip()
        if not chosen:
            raise ListOptionError("请给出清单名称：文件中没有清单名称或标题行。")
        importer = prepare(opened, info)
        importer.list_name = chosen[:128]
        importer.period = ((period or "").strip() or info.period or info.year or str(today.year))[:32]
        if on_open is not None:
            on_open(opened)
        result = run_import(session, opened, parse_rows=importer.parse_many, identity_of=importer.identity,
                            write_batch=importer.write, describe=importer.describe, dry_run=dry_run,
                            forget=importer.forget, batch_size=batch_size, progress=progress)
    list_id, region_code = importer.stored_list()
    result.list_id = None if dry_run else list_id
    result.region_code = region_code
    result.list_name, result.period = importer.list_name, importer.period
    return result


def run_import(
    session: Session,
    source: ListSource,
    *,
    parse_rows: Callable[[Sequence[SourceRow]], list[T | RowRejected]],
    identity_of: Callable[[T], tuple[Any, str, str, str]],
    write_batch: Callable[[list[Parsed[T]]], list[Outcome | Updated | NeedsConfirmation | RowRejected]],
    describe: Callable[[T], str] | None = None,
    dry_run: bool = False,
    forget: Callable[[], None] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Import every data row of ``source``: each is created, updated, unchanged, rejected or left for
    confirmation.

    ``parse_rows`` returns each row's validated data or its :class:`RowRejected`, for a batch of rows at a time
    (:data:`PARSE_ROWS`). ``identity_of`` gives
    (key, column, value, what) for the thing the row describes; a second row with the same key is rejected
    with a reference to the first, never merged. ``write_batch`` stores a batch and says what happened to
    each row. Every row is read and validated before the first batch is written; batches are then committed
    one by one (see the module docstring), or each rolled back for a dry run, after which ``forget`` is called.
    """
    positions = source.header.positions
    text_keys = {column.key for column in COLUMNS[source.kind] if column.text_format}
    result = ImportResult(kind=source.kind, dry_run=dry_run, ignored_columns=source.ignored_columns,
                          headers=list(source.header.headers),
                          text_columns={i for key, i in positions.items() if key in text_keys},
                          sensitive_columns={i for key, i in positions.items() if key in SENSITIVE_KEYS})
    for cell, column in source.duplicate_columns:
        result.warn(source.header_row, column, cell,
                    f"表头中有两列都是“{column}”：只读取了第一列，“{cell}”这一列已忽略，请删除重复的列。")
    first_seen: dict[Any, int] = {}
    accepted: list[Parsed[T]] = []
    pending_progress = 0
    try:
        _end_transaction(session, dry_run)  # whatever was read while options were resolved: no lock while reading
        rows = source.data_rows()
        while batch := list(islice(rows, PARSE_ROWS)):
            parsed = iter(parse_rows([row for row in batch if not row.overlong]))
            for row in batch:
                result.rows += 1
                pending_progress += 1
                _take_row(result, source, row, None if row.overlong else next(parsed), identity_of, first_seen,
                          accepted)
                if progress is not None and pending_progress >= 100:
                    progress(pending_progress)
                    pending_progress = 0
        if progress is not None and pending_progress:
            progress(pending_progress)
        if result.rows == 0:
            result.warn(source.header_row, "", "", "表头以下没有任何数据行：文件只有表头，没有导入任何内容，请检查是否选错了文件或工作表。")
        _end_transaction(session, dry_run)  # a parser's look-ups: the store phase starts a transaction of its own
        for start in range(0, len(accepted), batch_size):
            _flush(session, result, accepted[start:start + batch_size], write_batch, describe, dry_run)
            if dry_run and forget is not None:
                forget()
    except BaseException:
        session.rollback()
        raise
    return result


def _end_transaction(session: Session, dry_run: bool) -> None:
    """End the session's transaction, and with it any lock it holds (a writer session's first statement takes
    SQLite's write lock): committed in a real run, rolled back in a dry run, which commits nothing."""
    if dry_run:
        session.rollback()
    else:
        session.commit()


def _take_row(result: ImportResult, source: ListSource, row: SourceRow, data, identity_of, first_seen,
              accepted) -> None:
    if row.overlong:
        by_position = {index: key for key, index in source.header.positions.items()}
        issues = []
        for index in row.overlong:
            key = by_position.get(index)
            column = header_of(source.kind, key) if key else (
                source.header.headers[index] if index < len(source.header.headers) else f"第{index + 1}列")
            issues.append(Issue(column, "", f"单元格内容超过{MAX_CELL_TEXT:,}个字符的上限，本行未导入：请精简后重新导入。"))
        result.reject(row, issues)
        return
    if isinstance(data, RowRejected):
        result.reject(row, data.issues)
        return
    key, column, value, what = identity_of(data)
    earlier = first_seen.get(key)
    if earlier is not None:
        message = f"{what}与第{earlier}行重复：同一份清单中只能出现一次，本行未导入，请核对后删除或更正其中一行。"
        result.reject(row, [Issue(column, value, message)])
        return
    first_seen[key] = row.number
    for watched in _FORMULA_WATCH:
        raw = source.get(row, watched)
        if isinstance(raw, str) and looks_like_formula(raw.lstrip(" ")):
            shown = raw if len(raw) <= 40 else raw[:40] + "…"
            result.warn(row.number, header_of(source.kind, watched), shown,
                        "内容以“=、+、-、@”等符号开头，在Excel中可能被当作公式执行（公式注入）：已按文本导入，请核对。")
    accepted.append(Parsed(row, data))


def _flush(session, result: ImportResult, batch, write_batch, describe, dry_run: bool) -> None:
    outcomes = write_batch(batch)
    session.flush()
    _end_transaction(session, dry_run)
    for item, outcome in zip(batch, outcomes, strict=True):
        if isinstance(outcome, RowRejected):
            result.reject(item.row, outcome.issues)
        else:
            what = describe(item.data) if describe is not None and isinstance(outcome, (Updated, NeedsConfirmation)) \
                else ""
            result.count(item.row, what, outcome)
