"""CSV files for Excel: UTF-8 with a BOM (so that Excel on Chinese Windows detects the encoding), every
value through :func:`jobs.rendering.cells.csv_value`."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO

from jobs.rendering.cells import FORMULA_STARTS, csv_value

# Values :func:`csv_value` writes as they are; checked inline, since a match result has 10^5 rows of them.
_AS_IS = frozenset({int, float, Decimal})

__all__ = ["safe_csv_columns", "write_csv", "write_csv_body", "write_csv_columns"]


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
    """``columns`` with every value as :func:`csv_value` writes it. A column of numbers and of text that no
    spreadsheet would run is kept as it is (the common case, checked in one pass); in another, each distinct
    value is converted once (a match result repeats each key ten times)."""
    safe: list[Sequence[object]] = []
    for column in columns:
        if all((kind := type(value)) in _AS_IS or (kind is str and not value.startswith(FORMULA_STARTS))
               for value in column):
            safe.append(column)
            continue
        made: dict[object, object] = {}
        safe.append([made[value] if value in made else made.setdefault(value, csv_value(value)) for value in column])
    return safe


def write_csv_columns(stream: IO[bytes], headers: Sequence[str], columns: Sequence[Sequence[object]]) -> None:
    """Write equally long ``columns`` as the rows of a UTF-8 CSV with a BOM, exactly as :func:`write_csv` writes
    the same rows; the rows are joined in C."""
    stream.write(_head(headers))
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="")
    try:
        csv.writer(text, lineterminator="\n").writerows(zip(*safe_csv_columns(columns), strict=True))
        text.flush()
    finally:
        text.detach()


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
