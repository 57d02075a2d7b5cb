"""The file-to-file match in several processes: consecutive shards of the demand rows, one process each.

Each worker's offers depend on the worker and the supply list only, so the demand rows can be cut into
consecutive shards that are validated, matched and written side by side: the first shard in this process,
each other one in a process forked from it (it inherits the rows read, the parsers and the post index, nothing
is sent to it). A shard sends back its part of the CSV, cut at the boundaries between workers, and what it
skipped. :func:`merge` then settles what only the whole list knows: an ID number that appears in two shards
belongs to its first row, and the later rows are skipped with the same message one pass gives. The result is
the one a single process gives, byte for byte.

A shard whose process fails (it exits with an error, or what it sends cannot be read) is done again in this
process, so a failure costs time, never a row.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

__all__ = ["Shard", "can_fork", "merge", "run", "split"]


@dataclass
class Shard:
    """What one shard of the demand rows gave: its rows' outcomes and its part of the output.

    ``seen`` maps each identity (ID number) to its first row in the shard; ``duplicates`` are the later rows
    with an identity already seen in the shard; ``skipped`` the rows rejected for any other reason, as
    ``(row, message)``; ``groups`` the workers with offers, in output order, as ``(row, end, lines)``: the row,
    where the worker's lines end in ``body``, and how many there are. ``kept`` counts the rows that became
    workers.
    """

    seen: dict[object, int] = field(default_factory=dict)
    duplicates: list[tuple[int, object]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)
    groups: list[tuple[int, int, int]] = field(default_factory=list)
    body: bytes = b""
    labels: dict[str, str] = field(default_factory=dict)  # a row's number (the engine's key) → the key it shows
    words: tuple[str, str] = ("", "")  # (column, what) that a duplicate's message names

    def duplicate_message(self, first: int) -> str:
        column, what = self.words
        return f"{column}：{what}与第{first}行重复，本行未参与匹配"


@dataclass
class Merged:
    """The shards put together: output body, counts, and skipped rows as ``(row, message)``, in row order."""

    body: bytes
    seekers: int
    matches: int
    skipped: list[tuple[int, str]]


def can_fork() -> bool:
    """Whether shards can run in forked processes here (POSIX, and no other thread that a fork would cut)."""
    import threading

    return hasattr(os, "fork") and sys.platform != "emscripten" and threading.active_count() == 1


def split(rows: Sequence, parts: int) -> list[Sequence]:
    """``rows`` cut into at most ``parts`` consecutive shards of nearly equal size (none empty)."""
    parts = max(1, min(parts, len(rows)))
    size, extra = divmod(len(rows), parts)
    shards, start = [], 0
    for index in range(parts):
        end = start + size + (1 if index < extra else 0)
        shards.append(rows[start:end])
        start = end
    return shards


def run(shards: Sequence[Sequence], work: Callable[[Sequence], Shard]) -> list[Shard]:
    """``work`` done on every shard: the first here, the others each in a forked process at the same time."""
    children: list[tuple[int, int] | None] = []
    for part in shards[1:]:
        children.append(_fork(work, part))
    try:
        done = [work(shards[0])]
    except BaseException:
        for child in children:  # this process's part failed: the others' work is of no use
            if child is not None:
                _stop(child)
        raise
    for part, child in zip(shards[1:], children, strict=True):
        found = _collect(child) if child is not None else None
        done.append(found if found is not None else work(part))  # a failed process: this one does its work
    return done


def _fork(work: Callable[[Sequence], Shard], part: Sequence) -> tuple[int, int] | None:
    try:
        reader, writer = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(reader)
        os.close(writer)
        return None
    if pid == 0:  # the child: work, send, and leave without running the parent's exit handlers
        status = 1
        try:
            os.close(reader)
            data = pickle.dumps(work(part), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(writer, "wb") as out:
                out.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(writer)
    return pid, reader


def _stop(child: tuple[int, int]) -> None:
    pid, reader = child
    os.close(reader)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)


def _collect(child: tuple[int, int]) -> Shard | None:
    pid, reader = child
    chunks = []
    with os.fdopen(reader, "rb") as stream:
        while chunk := stream.read(1 << 20):
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return None
    try:
        found = pickle.loads(b"".join(chunks))
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
        return None
    return found if isinstance(found, Shard) else None


def merge(shards: Sequence[Shard]) -> Merged:
    """The shards as one pass over all rows gives them: an identity seen in an earlier shard makes the later
    row a duplicate (its offers dropped, its own outcome replaced), and every duplicate names the first row."""
    first: dict[object, int] = {}
    body: list[bytes] = []
    skipped: list[tuple[int, str]] = []
    seekers = matches = 0
    for shard in shards:
        dropped: set[int] = set()
        for key, row in shard.seen.items():
            earlier = first.setdefault(key, row)
            if earlier != row:
                dropped.add(row)
                skipped.append((row, shard.duplicate_message(earlier)))
        skipped.extend((row, shard.duplicate_message(first[key])) for row, key in shard.duplicates)
        skipped.extend(item for item in shard.skipped if item[0] not in dropped)
        seekers += sum(1 for row in shard.kept if row not in dropped)
        start = 0
        for row, end, lines in shard.groups:
            if row not in dropped:
                body.append(shard.body[start:end])
                matches += lines
            start = end
    skipped.sort(key=lambda item: item[0])
    return Merged(b"".join(body), seekers, matches, skipped)
