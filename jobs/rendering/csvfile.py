"""CSV files for Excel: UTF-8 with a BOM (so that Excel on Chinese Windows detects the encoding), every
value through :func:`jobs.rendering.cells.csv_value`."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO

from jobs.rendering.cells import FORMULA_STARTS, csv_value

# Values :func:`csv_value` writes as they are; checked inline, since a match result has 10^5 rows of them.
_AS_IS = frozenset({int, float, Decimal})

__all__ = ["write_csv"]


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
