"""Pages: the home page with the platform's counts, and the health check. The full UI comes later."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from sqlalchemy import text

from jobs.access.stats import platform_counts
from web import runtime_of

blueprint = Blueprint("pages", __name__)


@blueprint.get("/")
def home():
    runtime = runtime_of(current_app)
    with runtime.db.session() as session:
        counts = platform_counts(session)
    return render_template("home.html", counts=counts)


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
