"""The import loop shared by the demand and supply lists: parse, reject, de-duplicate, write in batches.

Crash and resume
----------------
Rows are written in batches of ``batch_size`` (1,000 by default) and each batch is committed in its own
transaction. A crash or an interrupt half-way leaves behind exactly the batches committed before it: whole
rows (a person with their wanted jobs and places and their entry in the list; a post with its employer),
never half a row, since the batch in flight is rolled back. To resume, run the same import again: the rows
already stored come back as ``unchanged`` and the rest are created. A ``--dry-run`` commits nothing and rolls
everything back at the end.

An import never deletes: a person or a post that a newer file leaves out stays where it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from jobs.lists.columns import COLUMNS, ListKind
from jobs.lists.reading import ListSource, SourceRow
from jobs.people.identity import InvalidValue
from jobs.lists.values import CellError, display_value
from jobs.people.persons import Outcome
from jobs.people.regions import RegionError, RegionTable, Resolution
from matching.occupations import classify

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "ImportResult",
    "Issue",
    "ListOptionError",
    "Parsed",
    "RowError",
    "RowRejected",
    "ProgressCallback",
    "RowReader",
    "header_of",
    "occupation_code",
    "run_import",
]

DEFAULT_BATCH_SIZE = 1000

ProgressCallback = Callable[[int], None]
T = TypeVar("T")


class ListOptionError(ValueError):
    """An option of an import or export that cannot be used (an unknown origin county …); ``message`` is
    Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
    headers: list[str] = field(default_factory=list)
    text_columns: set[int] = field(default_factory=set)
    rejected_rows: list[tuple[SourceRow, list[RowError]]] = field(default_factory=list)
    list_id: int | None = None
    list_name: str | None = None
    period: str | None = None
    region_code: str | None = None

    def summary(self) -> dict[str, Any]:
        """The JSON document of docs/formats.md ("Command contracts"), keys in the contract's order."""
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "ignored_columns": list(self.ignored_columns),
            "errors": [error.as_dict() for error in self.errors],
        }

    def count(self, outcome: Outcome) -> None:
        if outcome is Outcome.CREATED:
            self.created += 1
        elif outcome is Outcome.UPDATED:
            self.updated += 1
        else:
            self.unchanged += 1

    def reject(self, row: SourceRow, issues: list[Issue]) -> None:
        errors = [RowError(row.number, issue.column, issue.value, issue.message) for issue in issues]
        self.rejected += 1
        self.errors.extend(errors)
        self.rejected_rows.append((row, errors))


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
_MISSING = object()


class RowReader:
    """Reads the cells of one row through parsers, collecting every problem instead of stopping at the first.

    Columns whose values repeat (categories, wages, places …) are read with ``remember=True``: each distinct
    (column, value, context) is parsed once per import, its result or error kept in ``memo``. Columns of
    unique values (names, ID numbers, free text) are not remembered.
    """

    def __init__(self, source: ListSource, row: SourceRow, memo: dict[tuple, object]) -> None:
        self.source = source
        self.row = row
        self.memo = memo
        self.issues: list[Issue] = []
        self._positions = source.header.positions

    def take(self, key: str, parse: Callable[[object], Any], *, remember: bool = False, context: object = None
             ) -> Any:
        # ``source.get(row, key)`` inlined: this runs once per cell of every list.
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
            self.issues.append(Issue(header_of(self.source.kind, key), display_value(raw), outcome.message))
            return None
        return outcome

    def check(self) -> None:
        """Raise :class:`RowRejected` when any cell had a problem (problems in the order of the columns)."""
        if self.issues:
            order = {header_of(self.source.kind, key): index for key, index in self.source.header.positions.items()}
            raise RowRejected(sorted(self.issues, key=lambda issue: order.get(issue.column, len(order))))


def header_of(kind: ListKind, key: str) -> str:
    """The canonical header of column ``key`` (what errors name)."""
    return next(column.header for column in COLUMNS[kind] if column.key == key)


def run_import(
    session: Session,
    source: ListSource,
    *,
    parse_row: Callable[[SourceRow], T],
    identity_of: Callable[[T], tuple[Any, str, str, str]],
    write_batch: Callable[[list[Parsed[T]]], list[Outcome | RowRejected]],
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressCallback | None = None,
) -> ImportResult:
    """Import every data row of ``source``: each is created, updated, unchanged or rejected.

    ``parse_row`` returns the row's validated data or raises :class:`RowRejected`. ``identity_of`` gives
    (key, column, value, what) for the thing the row describes; a second row with the same key is rejected
    with a reference to the first, never merged. ``write_batch`` stores a batch and says what happened to
    each row (or rejects it, returning :class:`RowRejected` in its place). Batches are committed one by one
    (see the module docstring), or all rolled back for a dry run.
    """
    text_keys = {column.key for column in COLUMNS[source.kind] if column.text_format}
    result = ImportResult(kind=source.kind, dry_run=dry_run, ignored_columns=source.ignored_columns,
                          headers=list(source.header.headers),
                          text_columns={i for key, i in source.header.positions.items() if key in text_keys})
    first_seen: dict[Any, int] = {}
    batch: list[Parsed[T]] = []
    pending_progress = 0
    try:
        for row in source.data_rows():
            result.rows += 1
            pending_progress += 1
            _take_row(result, row, parse_row, identity_of, first_seen, batch)
            if len(batch) >= batch_size:
                _flush(session, result, batch, write_batch, dry_run)
                batch = []
            if progress is not None and pending_progress >= 100:
                progress(pending_progress)
                pending_progress = 0
        if batch:
            _flush(session, result, batch, write_batch, dry_run)
        if progress is not None and pending_progress:
            progress(pending_progress)
    except BaseException:
        session.rollback()
        raise
    if dry_run:
        session.rollback()
    return result


def _take_row(result, row, parse_row, identity_of, first_seen, batch) -> None:
    try:
        data = parse_row(row)
    except RowRejected as rejected:
        result.reject(row, rejected.issues)
        return
    key, column, value, what = identity_of(data)
    earlier = first_seen.get(key)
    if earlier is not None:
        message = f"{what}与第{earlier}行重复：同一份清单中只能出现一次，本行未导入，请核对后删除或更正其中一行。"
        result.reject(row, [Issue(column, value, message)])
        return
    first_seen[key] = row.number
    batch.append(Parsed(row, data))


def _flush(session, result, batch, write_batch, dry_run: bool) -> None:
    outcomes = write_batch(batch)
    session.flush()
    if not dry_run:
        session.commit()
    for item, outcome in zip(batch, outcomes, strict=True):
        if isinstance(outcome, RowRejected):
            result.reject(item.row, outcome.issues)
        else:
            result.count(outcome)
