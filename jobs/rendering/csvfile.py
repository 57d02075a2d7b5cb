"""CSV files for Excel: UTF-8 with a BOM (so that Excel on Chinese Windows detects the encoding), every
value through :func:`jobs.rendering.cells.csv_value`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import IO

from jobs.rendering.cells import csv_value

__all__ = ["write_csv"]


def write_csv(stream: IO[bytes], headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write ``headers`` and ``rows`` to the binary ``stream`` as UTF-8 CSV with a BOM."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow([csv_value(h) for h in headers])
        for row in rows:
            writer.writerow([csv_value(v) for v in row])
        text.flush()
    finally:
        text.detach()
