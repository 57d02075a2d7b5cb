"""The workstation staff's workspace: the employment-check queue of their city (due and overdue; record employed
or not with a date), reporting a job loss, checking in the arrivals of dispatches coming to their city, and the
supply side they keep: uploading supply lists (checked, then confirmed), their lists, employers and posts, editing
an employer or a post and closing a post. Placements, travellers, employers and posts the workstation does not
keep answer 404 (the use cases' ``visible``)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from jobs.access import queries
from jobs.errors import DomainError, InvalidInput
from jobs.lists import keeping
from jobs.placements.dispatches import check_in
from jobs.placements.placements import end_placement, record_check
from jobs.storage.clock import china_today
from jobs.storage.enums import ArrivalStatus, CheckEvidence, EndReason, PostStatus, Role
from web import uploads
from web.forms import (
    ActionForm,
    CheckForm,
    CheckInForm,
    EmployerForm,
    JobLossForm,
    KeptListFilterForm,
    PostForm,
    show_errors,
)
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


# -- the supply side the workstation keeps: lists, employers, posts ---------------------------------------

SUPPLY_UPLOAD = uploads.Flow(kind="supply_import", title="岗位供给清单", upload="station.upload_supply",
                             checked="station.supply_checked", report="station.supply_report",
                             confirm="station.supply_confirm")


@blueprint.get("/supply")
def supply_lists():
    """The supply lists the workstation keeps, newest first, with their posts (open of all)."""
    filters = KeptListFilterForm(request.args)
    with runtime().db.session() as db:
        page = listing(lambda **p: queries.kept_supply_lists(db, actor(), text=filters.text.data, **p))
    return render_template("station/supply_lists.html", page=page, filters=filters)


@blueprint.get("/employers")
def employers():
    """The employers the workstation keeps, by name."""
    filters = KeptListFilterForm(request.args)
    with runtime().db.session() as db:
        page = listing(lambda **p: queries.kept_employers(db, actor(), text=filters.text.data, **p))
    return render_template("station/employers.html", page=page, filters=filters)


def _number(name: str) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


@blueprint.get("/posts")
def posts():
    """The posts the workstation keeps: by title or employer, status, list or employer."""
    filters = KeptListFilterForm(request.args)
    status = PostStatus(filters.status.data) if filters.status.data in {s.value for s in PostStatus} else None
    with runtime().db.session() as db:
        page = listing(lambda **p: queries.kept_posts(
            db, actor(), text=filters.text.data, status=status, supply_list_id=_number("list"),
            employer_id=_number("employer"), **p))
    return render_template("station/posts.html", page=page, filters=filters, close_form=ActionForm(formdata=None))


@blueprint.route("/employers/<int:employer_id>/edit", methods=["GET", "POST"])
def edit_employer(employer_id: int):
    """Correct an employer's name or credit code (audited before and after)."""
    with runtime().db.session() as db:
        employer = queries.kept_employer(db, actor(), employer_id)
    form = EmployerForm(data={"name": employer.name, "credit_code": employer.credit_code})
    if form.validate_on_submit():
        try:
            with runtime().db.transaction() as db:
                keeping.edit_employer(db, employer_id=employer_id, actor=actor(), changes=keeping.EmployerChanges(
                    name=form.name.data, credit_code=form.credit_code.data))
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(f"已保存用人单位“{form.name.data.strip()}”", "success")
            return redirect(url_for("station.employers"))
    status = 422 if form.is_submitted() else 200
    return render_template("station/employer_form.html", form=form, employer=employer), status


@blueprint.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
def edit_post(post_id: int):
    """Correct a post's details (audited before and after); the form keeps what was typed when refused."""
    with runtime().db.session() as db:
        post = queries.kept_post(db, actor(), post_id)
    form = PostForm(data=post.values)
    if form.validate_on_submit():
        names = [name for name in queries.EDITABLE_POST_FIELDS]
        changes = keeping.PostChanges(**{name: getattr(form, name).data for name in names})
        try:
            with runtime().db.transaction() as db:
                keeping.edit_post(db, post_id=post_id, changes=changes, actor=actor())
        except InvalidInput as error:
            show_errors(form, error)
        else:
            flash(f"已保存岗位“{changes.title.strip()}”", "success")
            return redirect(url_for("station.posts"))
    status = 422 if form.is_submitted() else 200
    return render_template("station/post_form.html", form=form, post=post,
                           close_form=ActionForm(formdata=None)), status


@blueprint.post("/posts/<int:post_id>/close")
def close_post(post_id: int):
    """Close a post (已关闭): its standing offers are withdrawn; 409 when it is closed already."""
    if not ActionForm().validate_on_submit():
        abort(400)
    with runtime().db.transaction() as db:
        post = keeping.close_kept_post(db, post_id=post_id, actor=actor())
        title = post.title
    flash(f"岗位“{title}”已关闭，相关推荐已撤回", "success")
    return redirect(url_for("station.posts"))


@blueprint.route("/supply/upload", methods=["GET", "POST"])
def upload_supply():
    """Upload a supply list (岗位供给清单): checked first, stored only once confirmed."""
    return uploads.upload_view(SUPPLY_UPLOAD)


@blueprint.get("/supply/upload/<token>")
def supply_checked(token: str):
    return uploads.checked_view(SUPPLY_UPLOAD, token)


@blueprint.get("/supply/upload/<token>/report")
def supply_report(token: str):
    return uploads.report_view(SUPPLY_UPLOAD, token)


@blueprint.post("/supply/upload/<token>/confirm")
def supply_confirm(token: str):
    return uploads.confirm_view(SUPPLY_UPLOAD, token)
