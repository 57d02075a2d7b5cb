"""CSV files for Excel: UTF-8 with a BOM (so that Excel on Chinese Windows detects the encoding), every
value through :func:`jobs.rendering.cells.csv_value`."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO

from jobs.rendering.cells import FORMULA_STARTS, csv_value

# Values :func:`csv_value` writes as they are; checked inline, since a match result has 10^5 rows of them.
_AS_IS = frozenset({int, float, Decimal})

__all__ = ["csv_lines", "safe_csv_columns", "write_csv", "write_csv_body", "write_csv_columns"]


def write_csv(stream: IO[bytes], headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write ``headers`` and ``rows`` to the binary ``stream`` as UTF-8 CSV with a BOM."""
    # The BOM by hand and plain UTF-8 after it: the "utf-8-sig" codec runs Python code on every write.
    stream.write(codecs.BOM_UTF8)
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
    try:
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow([csv_value(h) for h in headers])
        writer.writerows(
            [value if (kind := type(value)) in _AS_IS or (kind is str and not value.startswith(FORMULA_STARTS))
             else csv_value(value) for value in row]
            for row in rows
        )
        text.flush()
    finally:
        text.detach()


def safe_csv_columns(columns: Sequence[Sequence[object]]) -> list[Sequence[object]]:
    """``columns`` with every value as :func:`csv_value` writes it. A column of numbers, or of text of which no
    value starts like a formula, is kept as it is (the common case, checked in C: the types of the column, and
    one search over its text joined); in another, each distinct value is converted once (a match result repeats
    each key ten times)."""
    safe: list[Sequence[object]] = []
    for column in columns:
        kinds = set(map(type, column))
        if kinds <= _AS_IS or (kinds == {str} and not _starts_like_formula("\x00" + "\x00".join(column))):
            safe.append(column)
            continue
        made: dict[tuple[type, object], object] = {}  # by type too: 0, 0.0 and False are equal keys
        safe.append([made[key] if (key := (type(value), value)) in made else made.setdefault(key, csv_value(value))
                     for value in column])
    return safe


def _starts_like_formula(joined: str) -> bool:
    """Whether a value of a column joined (and preceded) by NUL may start like a formula: one regular-expression
    search in C (a substring search for each two-character "NUL, formula character" falls to a slow path on a
    text with a NUL every few dozen characters: ten times slower). A NUL inside a value can only make it say
    yes, and the values are then checked one by one."""
    return _FORMULA_AFTER_NUL.search(joined) is not None


_FORMULA_AFTER_NUL = re.compile("\x00[" + "".join(map(re.escape, FORMULA_STARTS)) + "]")


def csv_lines(columns: Sequence[Sequence[object]]) -> list[str]:
    """The rows of equally long ``columns`` as CSV lines (each ending in ``\\n``), exactly as
    :func:`write_csv` writes them, built a column at a time: a field is quoted only where the csv module
    would quote it (a comma, a quote or a line end in it)."""
    fields: list[Sequence[str]] = []
    for column in safe_csv_columns(columns):
        kinds = set(map(type, column))
        texts = column if kinds == {str} else list(map(str, column)) if type(None) not in kinds else [
            "" if value is None else str(value) for value in column]
        joined = "\x00".join(texts)
        if any(special in joined for special in _SPECIAL):  # a substring search over the column, in C
            texts = [_quoted(text) for text in texts]
        fields.append(texts)
    if len(fields) == 1:  # a row of one empty field is written as "" (else it would read as no field at all)
        fields[0] = ['""' if text == "" else text for text in fields[0]]
    return [",".join(row) + "\n" for row in zip(*fields, strict=True)]


def _quoting_characters() -> tuple[str, ...]:
    """The characters that make this Python's csv module quote a field of the writer above (a carriage return
    does on some versions and not on others)."""
    found = []
    for character in (",", '"', "\r", "\n"):
        line = io.StringIO(newline="")
        csv.writer(line, lineterminator="\n").writerow(["a" + character, "b"])
        if line.getvalue().startswith('"'):
            found.append(character)
    return tuple(found)


_SPECIAL = _quoting_characters()


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(special in text for special in _SPECIAL) else text


def write_csv_columns(stream: IO[bytes], headers: Sequence[str], columns: Sequence[Sequence[object]]) -> None:
    """Write equally long ``columns`` as the rows of a UTF-8 CSV with a BOM, exactly as :func:`write_csv` writes
    the same rows."""
    stream.write(_head(headers))
    stream.write("".join(csv_lines(columns)).encode())


def write_csv_body(path: str | Path, headers: Sequence[str], body: bytes) -> None:
    """Write a CSV file from its ``body`` of rows already written (UTF-8, as :func:`write_csv` writes them):
    the BOM and the header row, then the body. ``OSError`` when the file cannot be written."""
    with open(path, "wb") as out:
        out.write(_head(headers))
        out.write(body)


def _head(headers: Sequence[str]) -> bytes:
    text = io.StringIO(newline="")
    csv.writer(text, lineterminator="\n").writerow([csv_value(h) for h in headers])
    return codecs.BOM_UTF8 + text.getvalue().encode()
