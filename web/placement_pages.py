"""The placements workspace shared by county staff, brokers and workstation staff: the placements each may see
(the permission module's scope: a county its workers', a broker its own, a workstation its city's), filtered by
status or by name, and a placement's page with the moves its status allows: hire (录用: start date, contract,
employment type, social insurance, round-trip cost), start (上岗) and cancel with a reason (取消). A placement
outside the user's scope answers 404; a move its status forbids is shown as the page's error (409), a bad value
next to its field (422)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from jobs.access import queries
from jobs.errors import DomainError, InvalidInput
from jobs.placements.placements import TRANSITIONS, activate_placement, cancel_placement, hire_placement
from jobs.storage.clock import china_today
from jobs.storage.enums import EmploymentType, PlacementStatus, Role
from web.forms import ActionForm, CancelPlacementForm, HireForm, PlacementFilterForm, show_errors
from web.workspace import actor, listing, only, runtime

blueprint = Blueprint("placements", __name__, url_prefix="/placements")
blueprint.before_request(only(Role.COUNTY_STAFF, Role.BROKER, Role.WORKSTATION_STAFF))

#: The moves offered on a placement's page, by the status they lead to.
MOVES = {PlacementStatus.HIRED: "hire", PlacementStatus.ACTIVE: "start", PlacementStatus.CANCELLED: "cancel"}


@blueprint.get("/")
def index():
    """The placements the user may see, newest first, by status and by worker, employer or post."""
    filters = PlacementFilterForm(request.args)
    statuses = {s.value: s for s in PlacementStatus}
    status = statuses.get(filters.status.data or "")
    text = filters.text.data if filters.validate() else None
    with runtime().db.session() as db:
        page = listing(lambda **p: queries.placements(db, actor(), vault=runtime().vault, status=status,
                                                      text=text, **p))
    return render_template("placements/index.html", page=page, filters=filters)


def _page(placement_id: int, *, failed: dict | None = None, notice: str | None = None, status: int = 200):
    with runtime().db.session() as db:
        detail = queries.placement_detail(db, actor(), placement_id, vault=runtime().vault)
    state = detail.row.state
    moves = [MOVES[target] for target in sorted(TRANSITIONS[state], key=list(PlacementStatus).index)
             if target in MOVES] if detail.may_change else []
    made = {"hire": HireForm(formdata=None, data={"start_date": china_today(),
                                                  "employment_type": EmploymentType.DIRECT.value}),
            "start": ActionForm(formdata=None), "cancel": CancelPlacementForm(formdata=None)}
    made.update(failed or {})
    return render_template("placements/detail.html", p=detail, row=detail.row, moves=moves, forms=made,
                           notice=notice), status


@blueprint.get("/<int:placement_id>")
def detail(placement_id: int):
    """One placement: who, where, its status and dates, broker and dispatch, and the moves it allows."""
    return _page(placement_id)


def _move(placement_id: int, kind: str, form, act, done: str):
    # The placement must be in scope before anything about the form is said (404 otherwise).
    with runtime().db.session() as db:
        queries.placement(db, actor(), placement_id, vault=runtime().vault)
    if not form.validate_on_submit():
        return _page(placement_id, failed={kind: form}, status=422)
    try:
        with runtime().db.transaction() as db:
            act(db)
    except InvalidInput as error:
        show_errors(form, error)
        return _page(placement_id, failed={kind: form}, status=422)
    except DomainError as error:
        if error.status == 404:
            raise
        return _page(placement_id, failed={kind: form}, notice=error.message, status=error.status)
    flash(done, "success")
    return redirect(url_for("placements.detail", placement_id=placement_id))


@blueprint.post("/<int:placement_id>/hire")
def hire(placement_id: int):
    """录用: the employer takes the worker on, from a start date, on these terms."""
    form = HireForm()
    return _move(placement_id, "hire", form, lambda db: hire_placement(
        db, placement_id=placement_id, start_date=form.start_date.data, contract_months=form.contract_months.data,
        employment_type=EmploymentType(form.employment_type.data), social_insurance=form.social_insurance.data,
        round_trip_cost=form.round_trip_cost.data, round_trip_evidence=form.round_trip_evidence.data or None,
        actor=actor()), "已录用")


@blueprint.post("/<int:placement_id>/start")
def start(placement_id: int):
    """上岗: the worker is on the job."""
    return _move(placement_id, "start", ActionForm(), lambda db: activate_placement(
        db, placement_id=placement_id, actor=actor()), "已登记上岗")


@blueprint.post("/<int:placement_id>/cancel")
def cancel(placement_id: int):
    """取消: call a proposal or a hire off before the job starts, with the reason."""
    form = CancelPlacementForm()
    return _move(placement_id, "cancel", form, lambda db: cancel_placement(
        db, placement_id=placement_id, reason=form.reason.data, actor=actor()), "已取消就业安置")
