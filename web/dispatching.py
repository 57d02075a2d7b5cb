"""The brokers' organised dispatches (有组织劳务输出): plan a trip, add passengers chosen from the workers the
broker placed or matched, take one off before departure, record the departure, and follow the arrivals the
destination's workstation checks in. The rules are the use cases' (``jobs.placements.dispatches``): a dispatch of
another organisation answers 404, a step its state forbids answers 409 with the reason in Chinese."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, redirect, render_template, request, url_for

from jobs.access import queries
from jobs.access.permissions import area_of
from jobs.errors import DomainError, InvalidInput
from jobs.placements.dispatches import add_member, create_dispatch, depart, remove_member
from jobs.storage.clock import CHINA
from jobs.storage.enums import Role, TransportMode
from web.forms import ActionForm, DispatchForm, PassengerForm, show_errors
from web.workspace import actor, only, runtime

blueprint = Blueprint("dispatch", __name__, url_prefix="/broker/dispatches")
blueprint.before_request(only(Role.BROKER))

NO_BROKER = 0  # the choice "the organisation itself" when it has no broker record


def _moment(day: dt.date, time: dt.time | None) -> dt.datetime | None:
    """The meeting time typed in China time, stored as UTC."""
    if time is None:
        return None
    return dt.datetime.combine(day, time, tzinfo=CHINA).astimezone(dt.UTC)


def _dispatch_form(brokers: list[tuple[int, str]], **kwargs) -> DispatchForm:
    form = DispatchForm(**kwargs)
    form.organiser_broker_id.choices = [(broker_id, name) for broker_id, name in brokers] or [(NO_BROKER, "本机构")]
    return form


@blueprint.route("/new", methods=["GET", "POST"])
def new():
    """Plan a dispatch leaving the broker's area; the form keeps what was typed and shows errors by the field."""
    with runtime().db.session() as db:
        brokers = queries.own_brokers(db, actor())
        home = area_of(actor())
    form = _dispatch_form(brokers, data={"origin_region_code": home or "",
                                         "transport": TransportMode.CHARTERED_COACH.value}
                          if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        try:
            with runtime().db.transaction() as db:
                made = create_dispatch(
                    db, organiser_organisation_id=actor().organisation_id,
                    organiser_broker_id=form.organiser_broker_id.data or None,
                    origin_region_code=form.origin_region_code.data,
                    destination_region_code=form.destination_region_code.data,
                    departure_date=form.departure_date.data,
                    departure_at=_moment(form.departure_date.data, form.departure_time.data),
                    transport=TransportMode(form.transport.data),
                    vehicle=form.vehicle.data or None, escort=form.escort.data or None,
                    meeting_point=form.meeting_point.data or None,
                    total_cost=form.total_cost.data, external_key=form.external_key.data or None, actor=actor())
                made_id = made.id
        except InvalidInput as error:
            show_errors(form, error)
            status = 422
        except DomainError as error:
            if error.status == 404:
                raise
            form.form_errors = [*form.form_errors, error.message]
            status = error.status
        else:
            flash("已创建劳务输出批次，请添加出行人员", "success")
            return redirect(url_for("dispatch.detail", dispatch_id=made_id))
    elif request.method == "POST":
        status = 422
    return render_template("broker/dispatch_form.html", form=form), status


def _detail(dispatch_id: int, *, passenger_form: PassengerForm | None = None, notice: str | None = None,
            status: int = 200):
    with runtime().db.session() as db:
        detail = queries.dispatch_detail(db, actor(), dispatch_id, vault=runtime().vault)
        choices = queries.passenger_choices(db, actor(), dispatch_id, vault=runtime().vault) \
            if detail.planned else []
    form = passenger_form or PassengerForm(formdata=None)
    form.choice.choices = [("", "请选择出行人员")] + [(_choice_value(c.person_id, c.placement_id), c.label)
                                                 for c in choices]
    return render_template("broker/dispatch.html", detail=detail, form=form, action=ActionForm(formdata=None),
                           notice=notice), status


def _choice_value(person_id: int, placement_id: int | None) -> str:
    return f"{person_id}:{placement_id or ''}"


@blueprint.get("/<int:dispatch_id>")
def detail(dispatch_id: int):
    """A dispatch: the trip, its passengers and which of them the destination has checked in."""
    return _detail(dispatch_id)


def _step(dispatch_id: int, act, done: str, *, form=None, passenger_form: PassengerForm | None = None):
    """Run one change of the dispatch; a refusal is shown on its page (404 outside the scope)."""
    form = form or ActionForm()
    if not form.validate_on_submit():
        return _detail(dispatch_id, passenger_form=passenger_form, status=422)
    try:
        with runtime().db.transaction() as db:
            act(db)
    except InvalidInput as error:
        if passenger_form is not None:
            show_errors(passenger_form, error, aliases={"person_id": "choice", "placement_id": "choice"})
            return _detail(dispatch_id, passenger_form=passenger_form, status=422)
        return _detail(dispatch_id, notice=error.message, status=422)
    except DomainError as error:
        if error.status == 404:
            raise
        return _detail(dispatch_id, passenger_form=passenger_form, notice=error.message, status=error.status)
    flash(done, "success")
    return redirect(url_for("dispatch.detail", dispatch_id=dispatch_id))


@blueprint.post("/<int:dispatch_id>/passengers")
def add_passenger(dispatch_id: int):
    """Add a worker the broker placed or matched (with their placement, when there is one)."""
    with runtime().db.session() as db:
        queries.dispatch(db, actor(), dispatch_id)  # 404 before anything else for a dispatch outside the scope
    form = PassengerForm()
    form.choice.choices = []
    person, _, placement = (form.choice.data or "").partition(":")
    if form.validate_on_submit() and not person.isdigit():
        form.choice.errors = ["请选择出行人员"]
        return _detail(dispatch_id, passenger_form=form, status=422)
    return _step(dispatch_id, lambda db: add_member(
        db, dispatch_id=dispatch_id, person_id=int(person), placement_id=int(placement) if placement.isdigit()
        else None, actor=actor()), "已加入批次", form=form, passenger_form=form)


@blueprint.post("/<int:dispatch_id>/passengers/<int:member_id>/remove")
def remove_passenger(dispatch_id: int, member_id: int):
    """Take a passenger off before departure."""
    with runtime().db.session() as db:
        queries.dispatch(db, actor(), dispatch_id)
    return _step(dispatch_id, lambda db: remove_member(db, member_id=member_id, dispatch_id=dispatch_id,
                                                       actor=actor()), "已移出批次")


@blueprint.post("/<int:dispatch_id>/depart")
def depart_now(dispatch_id: int):
    """The group has left: the destination's workstation can now check the passengers in."""
    with runtime().db.session() as db:
        queries.dispatch(db, actor(), dispatch_id)
    return _step(dispatch_id, lambda db: depart(db, dispatch_id=dispatch_id, actor=actor()),
                 "已登记出发，目的地工作站将登记到达情况")
