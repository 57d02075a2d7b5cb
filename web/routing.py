"""The ``int`` of every route (``/people/<int:person_id>`` …) names a stored row, so it is bounded by what an id
column can hold: 1 to 2³¹−1 (PostgreSQL ``integer``). A larger number is a 404 like any missing row, instead of
a 500 from the database driver, which cannot bind it (SQLite: Python int too large; PostgreSQL: out of range)."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

#: The largest id an id column holds (PostgreSQL ``integer``; SQLite holds more, but never hands it out first).
MAX_ROW_ID = 2**31 - 1


class RowId(IntegerConverter):
    """An ``int`` path segment in the range of a row id."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,  # noqa: A002
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, 1 if min is None else min, MAX_ROW_ID if max is None else max, signed)


def init_app(app: Flask) -> None:
    """Install the converter before any blueprint is registered (rules bind their converters then)."""
    app.url_map.converters["int"] = RowId
