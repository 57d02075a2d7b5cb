"""Long actions started from a page (list imports, re-matching): starting their worker without blocking the
request, and the status page that follows one (it refreshes itself with ``<meta http-equiv="refresh">``, since
the CSP allows no inline script).

The worker (:func:`jobs.service.tasks.run_task`) runs in a thread of the web process: the embedded default
needs nothing else running. Its progress is in the database, so any web process can show it. With
``TASKS_INLINE`` (on when ``TESTING``) it runs within the request, so tests see the result at once.
"""

from __future__ import annotations

import threading

from flask import Blueprint, current_app, render_template

from jobs.service.tasks import run_task, task_view
from jobs.storage import audit
from jobs.storage.enums import Role
from web.security import remote_addr
from web.workspace import actor, only, runtime

blueprint = Blueprint("tasks", __name__, url_prefix="/tasks")
blueprint.before_request(only(Role.COUNTY_STAFF, Role.WORKSTATION_STAFF))
#: Seconds between two refreshes of a status page while its task runs.
REFRESH_SECONDS = 2


def start(task_id: int) -> None:
    """Run a queued task: in a thread of its own, or within the request when ``TASKS_INLINE``."""
    rt = runtime()
    if current_app.config.get("TASKS_INLINE", current_app.testing):
        run_task(rt.db, rt.vault, task_id)
        return
    address = remote_addr()  # a new thread starts with no request: its audit events keep the requester's address

    def work() -> None:
        with audit.origin(address):
            run_task(rt.db, rt.vault, task_id)

    threading.Thread(target=work, name=f"bangfu-task-{task_id}", daemon=True).start()


def bar_class(percent: int) -> str:
    """The CSS width class (steps of 5 %) of a progress bar."""
    return f"w{max(0, min(100, percent)) // 5 * 5}"


@blueprint.get("/<int:task_id>")
def status(task_id: int):
    """How far a task has come; refreshes itself until it ends."""
    with runtime().db.session() as db:
        task = task_view(db, task_id=task_id, actor=actor())
    return render_template("tasks/status.html", task=task, bar_class=bar_class, refresh=REFRESH_SECONDS)
