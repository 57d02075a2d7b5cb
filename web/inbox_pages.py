"""The staff's in-app inbox (站内消息): alerts, digests and notices the platform sends to a staff user or to
their organisation. Unread messages come first; opening the list does not mark anything read (nothing changes
on GET): a message is marked read with a button, or all at once. The header shows the unread count."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from jobs.service.inbox import inbox_page, mark_all_read, mark_read, unread_count
from jobs.storage.clock import now_utc
from jobs.storage.enums import Role
from web.forms import ActionForm
from web.paging import requested_page
from web.workspace import actor, only, runtime

blueprint = Blueprint("inbox", __name__, url_prefix="/inbox")
STAFF = (Role.COUNTY_STAFF, Role.BROKER, Role.WORKSTATION_STAFF)
blueprint.before_request(only(*STAFF))


@blueprint.app_context_processor
def _unread():
    """The unread count for the header, for staff signed in (seekers have their own pages)."""
    if not current_user.is_authenticated or current_user.role is Role.SEEKER \
            or current_user.user.must_change_password:
        return {}
    try:
        with runtime().db.session() as db:
            return {"inbox_unread": unread_count(db, user=actor())}
    except SQLAlchemyError:  # an error page while the database is away still renders, without the count
        return {}


@blueprint.get("/")
def index():
    """The user's messages, unread first, newest first within each."""
    page = requested_page(30)
    with runtime().db.session() as db:
        page.items, page.total = inbox_page(db, user=actor(), page=page.number, per_page=page.per_page)
    return render_template("inbox/index.html", page=page, action=ActionForm(formdata=None))


@blueprint.post("/<int:message_id>/read")
def read(message_id: int):
    """Mark one message read (someone else's message answers 404)."""
    form = ActionForm()
    if form.validate_on_submit():
        with runtime().db.transaction() as db:
            mark_read(db, user=actor(), message_id=message_id, now=now_utc())
    return redirect(url_for("inbox.index"))


@blueprint.post("/read-all")
def read_all():
    """Mark every unread message read."""
    form = ActionForm()
    if form.validate_on_submit():
        with runtime().db.transaction() as db:
            done = mark_all_read(db, user=actor(), now=now_utc())
        flash(f"已将 {done} 条消息标为已读", "success")
    return redirect(url_for("inbox.index"))
