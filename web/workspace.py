"""What the role workspaces share: which roles may open a workspace (any other role gets an audited 403, the
action being one the role may never take), and filling a page of a list from a named query.

Objects outside the user's scope are refused by the queries and use cases themselves (404, audited): this module
only keeps a role out of another role's workspace.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, current_app, request
from flask_login import current_user

from jobs.storage import audit
from jobs.storage.enums import Role
from web import runtime_of
from web.paging import Page, requested_page
from web.security import remote_addr


def only(*roles: Role) -> Callable[[], Any]:
    """A ``before_request`` hook letting only ``roles`` (and administrators, who see everything) in."""
    allowed = {*roles, Role.ADMIN}

    def _guard():
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if current_user.role not in allowed:
            with runtime_of(current_app).db.transaction() as db:
                audit.record(db, action="access.denied", actor=current_user.user, object_type="route",
                             object_id=request.path[:64], after={"method": request.method},
                             remote_addr=remote_addr())
            abort(403)
        return None

    return _guard


def actor():
    """The signed-in user, as the use cases and queries take it."""
    return current_user.user


def runtime():
    return runtime_of(current_app)


def listing(fetch: Callable[..., Any], *, per_page: int = 50) -> Page:
    """The requested page of a list: ``fetch(page=, per_page=)`` is a named query returning its own page."""
    page = requested_page(per_page)
    found = fetch(page=page.number, per_page=page.per_page)
    page.items, page.total = found.items, found.total
    return page
