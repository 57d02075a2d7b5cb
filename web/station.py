"""The workstation staff's workspace: the employment-check queue of their city (due and overdue; record employed
or not with a date), reporting a job loss, and checking in the arrivals of dispatches coming to their city.
Placements and travellers outside the city answer 404 (the use cases' ``visible``)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from jobs.access import queries
from jobs.errors import DomainError, InvalidInput
from jobs.placements.dispatches import check_in
from jobs.placements.placements import end_placement, record_check
from jobs.storage.clock import china_today
from jobs.storage.enums import ArrivalStatus, CheckEvidence, EndReason, Role
from web.forms import CheckForm, CheckInForm, JobLossForm, show_errors
from web.workspace import actor, listing, only, runtime

blueprint = Blueprint("station", __name__, url_prefix="/station")
blueprint.before_request(only(Role.WORKSTATION_STAFF))


def _checks_page(*, failed: dict | None = None, notice: str | None = None, status: int = 200):
    today = china_today()
    with runtime().db.session() as db:
        page = listing(lambda **p: queries.checks_due(db, actor(), today, vault=runtime().vault, **p))
    failed = failed or {}

    def form_for(kind: str, placement_id: int):
        made = failed.get((kind, placement_id))
        if made is not None:
            return made
        if kind == "check":
            return CheckForm(formdata=None, data={"check_date": today})
        return JobLossForm(formdata=None, data={"end_date": today})

    return render_template("station/checks.html", page=page, today=today, form_for=form_for, notice=notice), status


@blueprint.get("/checks")
def checks():
    """Placements in the city whose 3-, 6- or 12-month check is due, most overdue first."""
    return _checks_page()


def _act(kind: str, key: int, form, act, done: str, render):
    if not form.validate_on_submit():
        return render(failed={(kind, key): form}, status=422)
    try:
        with runtime().db.transaction() as db:
            act(db)
    except InvalidInput as error:
        show_errors(form, error)
        return render(failed={(kind, key): form}, status=422)
    except DomainError as error:
        if error.status == 404:
            raise
        # A refusal is shown above the list: the row it concerns may have left the queue.
        return render(notice=error.message, status=error.status)
    flash(done, "success")
    return None


@blueprint.post("/placements/<int:placement_id>/check")
def record(placement_id: int):
    form = CheckForm()
    answer = _act("check", placement_id, form, lambda db: record_check(
        db, placement_id=placement_id, check_date=form.check_date.data, employed=form.employed.data == "yes",
        evidence=CheckEvidence(form.evidence.data) if form.evidence.data else None, actor=actor()),
        "已记录稳岗核实", _checks_page)
    return answer or redirect(url_for("station.checks"))


@blueprint.post("/placements/<int:placement_id>/job-loss")
def job_loss(placement_id: int):
    form = JobLossForm()
    answer = _act("loss", placement_id, form, lambda db: end_placement(
        db, placement_id=placement_id, end_date=form.end_date.data, reason=EndReason(form.reason.data),
        actor=actor()), "已报告离岗，户籍地将跟进", _checks_page)
    return answer or redirect(url_for("station.checks"))


def _arrivals_page(*, failed: dict | None = None, notice: str | None = None, status: int = 200):
    with runtime().db.session() as db:
        page = listing(lambda **p: queries.arrivals(db, actor(), vault=runtime().vault,
                                                    expected_only=request.args.get("all") != "1", **p))
    failed = failed or {}

    def form_for(member_id: int):
        return failed.get(("arrival", member_id)) or CheckInForm(formdata=None)

    return render_template("station/arrivals.html", page=page, form_for=form_for,
                           show_all=request.args.get("all") == "1", notice=notice), status


@blueprint.get("/arrivals")
def arrivals():
    """Travellers of the dispatches coming to the city: by default those not yet checked in."""
    return _arrivals_page()


@blueprint.post("/arrivals/<int:member_id>")
def arrive(member_id: int):
    form = CheckInForm()
    answer = _act("arrival", member_id, form, lambda db: check_in(
        db, member_id=member_id, arrival=ArrivalStatus(form.arrival.data), actor=actor()),
        "已登记到达情况", _arrivals_page)
    return answer or redirect(url_for("station.arrivals"))
