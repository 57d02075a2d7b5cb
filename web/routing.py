"""What a request must be before any view reads it.

* The ``int`` of every route (``/people/<int:person_id>`` …) names a stored row, so it is bounded by what an id
  column can hold: 1 to 2³¹−1 (PostgreSQL ``integer``). A larger number is a 404 like any missing row, instead of
  a 500 from the database driver, which cannot bind it (SQLite: Python int too large; PostgreSQL: out of range).
* A page's query or form value with a NUL character is a bad request (400): no stored text may hold one, and
  PostgreSQL refuses it outright. The API's input schemas refuse it themselves, naming the field (422).
"""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

#: The largest id an id column holds (PostgreSQL ``integer``; SQLite holds more, but never hands it out first).
MAX_ROW_ID = 2**31 - 1


class RowId(IntegerConverter):
    """An ``int`` path segment in the range of a row id."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,  # noqa: A002
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, 1 if min is None else min, MAX_ROW_ID if max is None else max, signed)


def refuse_nul() -> None:
    """Before every page: 400 for a NUL character in a query or form value (or name)."""
    if request.path.startswith("/api/"):
        return
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if "\0" in key or "\0" in value:
                abort(400)


def init_app(app: Flask) -> None:
    """Install the converter before any blueprint is registered (rules bind their converters then), and the
    check of query and form values before any other request hook."""
    app.url_map.converters["int"] = RowId
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_nul)
