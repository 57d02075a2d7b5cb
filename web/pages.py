"""Pages every signed-in user shares: the home page for their role, and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from flask_login import current_user, login_required
from sqlalchemy import text

from jobs.access.landing import landing_for
from web import runtime_of

blueprint = Blueprint("pages", __name__)


@blueprint.get("/")
@login_required
def home():
    """The landing page of the signed-in user's role: organisation, region and the counts of their own area."""
    runtime = runtime_of(current_app)
    with runtime.db.session() as session:
        landing = landing_for(session, current_user.user)
    return render_template("home.html", landing=landing)


@blueprint.get("/healthz")
def healthz():
    """Touches the database: 200 when a query answers, 503 otherwise."""
    runtime = runtime_of(current_app)
    try:
        with runtime.db.session() as session:
            session.execute(text("SELECT 1"))
            schema = runtime.db.is_current()
    except Exception:  # any failure to reach the database is "unavailable", and is logged
        current_app.logger.exception("health check failed")
        return jsonify({"status": "unavailable", "database": runtime.db.dialect}), 503
    return jsonify({"status": "ok", "database": runtime.db.dialect, "schema_current": schema})
