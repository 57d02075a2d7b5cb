"""The administrators' view of the scheduled service: the job-run table (each job's run per period, its status,
counts and error) and the outbox (every message with its channel, status, attempts and last error; recipients
masked). Administrators only: any other role gets an audited 403."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from wtforms import SelectChoice

from jobs.access import queries
from jobs.storage.enums import Channel, OutboxStatus, RunStatus
from web.forms import OutboxFilterForm, RunFilterForm
from web.workspace import actor, listing, only, runtime

blueprint = Blueprint("service", __name__, url_prefix="/admin")
blueprint.before_request(only())


@blueprint.get("/runs")
def runs():
    """Scheduler runs, latest first; filter by job and status."""
    form = RunFilterForm(request.args)
    with runtime().db.session() as db:
        form.job.choices = [SelectChoice("", "（全部）")] + [SelectChoice(j, j) for j in queries.job_names(db, actor())]
        valid = form.validate()
        page = listing(lambda **p: queries.job_runs(
            db, actor(), job=form.job.data if valid else None,
            status=RunStatus(form.status.data) if valid and form.status.data else None, **p))
    return render_template("admin/runs.html", form=form, page=page)


@blueprint.get("/outbox")
def outbox():
    """Outbox messages, newest first; filter by status, channel and kind."""
    form = OutboxFilterForm(request.args)
    valid = form.validate()
    with runtime().db.session() as db:
        page = listing(lambda **p: queries.outbox_messages(
            db, actor(), vault=runtime().vault,
            status=OutboxStatus(form.status.data) if valid and form.status.data else None,
            channel=Channel(form.channel.data) if valid and form.channel.data else None,
            kind=form.kind.data if valid else None, **p))
    return render_template("admin/outbox.html", form=form, page=page)
