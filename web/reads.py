"""One read session per request for the hot reads: a seeker's offers (``/m/`` and ``GET /api/v1/me/offers``).

Loading the signed-in user (Flask-Login's user loader, or the API's bearer token) reads in a session of its own,
and so does the view: two sessions, two connections taken from the pool (each checked with a ping first) and two
transactions per request. A GET view marked :func:`shares_read_session` reads in the session the user was loaded
in instead: one connection and one transaction for the whole request, closed when the request ends (in
``teardown_request``, whatever happened). The loaded user is detached from it as before (``detach=True``), so
``current_user.user`` behaves the same whichever view runs. Every other request, and every write, keeps its own
sessions: a shared session would hold its connection idle while such a view writes in another.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeVar

from flask import Flask, current_app, g, request

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

F = TypeVar("F", bound=Callable)
#: Set on a view function that reads in the request's session (see :func:`shares_read_session`).
MARK = "bangfu_shares_read_session"
_KEY = "bangfu_read_session"


def shares_read_session(view: F) -> F:
    """Mark a GET view that reads in the request's read session (put it right under the route decorator; the
    mark is an attribute, which ``functools.wraps`` carries through the other decorators)."""
    setattr(view, MARK, True)
    return view


def sharing() -> bool:
    """Whether this request's reads share one session: a GET (or HEAD) of a view marked
    :func:`shares_read_session`."""
    if request.method not in ("GET", "HEAD") or request.endpoint is None:
        return False
    return bool(getattr(current_app.view_functions.get(request.endpoint), MARK, False))


@contextlib.contextmanager
def read_session(*, detach: bool = False) -> Iterator[Session]:
    """A session to read in: the request's shared one when :func:`sharing` (left open for the rest of the
    request), else a new one, closed on leaving the block. With ``detach`` what the block read is detached from
    the shared session when the block ends, as a closed session leaves it (the signed-in user)."""
    if not sharing():
        with current_app.extensions["bangfu"].db.session() as session:
            yield session
        return
    session = g.get(_KEY)
    if session is None:
        session = current_app.extensions["bangfu"].db.session()
        setattr(g, _KEY, session)
    yield session
    if detach:
        session.expunge_all()


def _close(_error: BaseException | None) -> None:
    session = g.pop(_KEY, None)
    if session is not None:
        session.close()


def init_app(app: Flask) -> None:
    app.teardown_request(_close)
