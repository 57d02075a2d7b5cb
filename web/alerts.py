"""The county staff's alerts (预警): the job losses (就业转失业) of their people, with whether the platform's
follow-up (re-matching, offers and guidance pushed) has been done, and the employment checks of their people
overdue by more than a week. Both lists come from the scoped queries: another county's people never show."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from jobs.access import queries
from jobs.service.followup import DUE_WINDOW
from jobs.storage.clock import china_today
from jobs.storage.enums import Role
from web.workspace import actor, listing, only, runtime

blueprint = Blueprint("alerts", __name__, url_prefix="/county/alerts")
blueprint.before_request(only(Role.COUNTY_STAFF))


@blueprint.get("/")
def index():
    """Job losses (open ones by default, ``?all=1`` every one) and overdue employment checks."""
    show_all = request.args.get("all") == "1"
    today = china_today()
    with runtime().db.session() as db:
        losses = listing(lambda **p: queries.job_losses(db, actor(), vault=runtime().vault, open_only=not show_all,
                                                        **p))
        overdue = queries.overdue_checks(db, actor(), today, grace_days=DUE_WINDOW.days, vault=runtime().vault,
                                         per_page=queries.MAX_PER_PAGE)
    return render_template("county/alerts.html", losses=losses, overdue=overdue, show_all=show_all, today=today,
                           grace_days=DUE_WINDOW.days)
