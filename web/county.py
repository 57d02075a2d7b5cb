"""The county staff's workspace: the dashboard of their area, the subsidy review queue (approve, reject with a
reason, mark paid with a payment reference) and the demand-list upload. The people pages are in ``web.people``.

Every claim and list is reached through the permission module's scope (outside it: 404); the four-eyes rule of
approvals is the use case's, and its refusal is shown as the page's error."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Blueprint, flash, redirect, render_template, request, url_for

from jobs.access import queries
from jobs.errors import DomainError, InvalidInput
from jobs.lists.demand import import_demand
from jobs.lists.importing import ListOptionError
from jobs.lists.reading import NotAList
from jobs.storage.clock import china_today
from jobs.storage.enums import ClaimStatus, Role
from jobs.subsidy.claims import approve_claim, ledger, pay_claim, reject_claim
from web.forms import ActionForm, ListUploadForm, PayForm, RejectForm, show_errors
from web.workspace import actor, listing, only, runtime

blueprint = Blueprint("county", __name__, url_prefix="/county")
blueprint.before_request(only(Role.COUNTY_STAFF))
MAX_LIST_BYTES = 20 * 1024 * 1024
LIST_SUFFIXES = (".xlsx", ".csv", ".xls")
#: Bar widths are CSS classes in steps of 5 % (the CSP forbids inline styles).
BAR_STEPS = 20


def bar(value: int, largest: int) -> str:
    """The CSS class of a bar ``value`` long on a chart whose longest bar is ``largest``."""
    if largest <= 0 or value <= 0:
        return "w0"
    return f"w{max(1, round(value * BAR_STEPS / largest)) * 100 // BAR_STEPS}"


@blueprint.get("/")
def dashboard():
    """Counts of the user's area by the areas one level below, with bar charts, and subsidies by fund and
    status."""
    with runtime().db.session() as db:
        rows = queries.dashboard_counts(db, actor())
        funds = ledger(db, actor=actor())
        open_losses = queries.job_losses(db, actor(), vault=runtime().vault, open_only=True, per_page=10)
    totals = {key: sum(getattr(r, key) for r in rows)
              for key in ("people", "unemployed", "placements_this_year", "claims_eligible", "job_losses_open")}
    largest = {key: max((getattr(r, key) for r in rows), default=0) for key in totals}
    return render_template("county/dashboard.html", rows=rows, totals=totals, largest=largest, bar=bar,
                           funds=funds, losses=open_losses, year=china_today().year)


# -- subsidy review ---------------------------------------------------------------------------------------


def _queue(*, failed: dict | None = None, notice: str | None = None, status: int = 200):
    """The review queue (eligible claims) or the payment queue (approved claims), ``?view=pay``."""
    view = "pay" if request.args.get("view") == "pay" else "review"
    vault = runtime().vault
    with runtime().db.session() as db:
        if view == "pay":
            page = listing(lambda **p: queries.claims(db, actor(), vault=vault, status=ClaimStatus.APPROVED, **p))
        else:
            page = listing(lambda **p: queries.claims_to_review(db, actor(), vault=vault, **p))
    failed = failed or {}

    def form_for(kind: str, claim_id: int):
        made = failed.get((kind, claim_id))
        if made is not None:
            return made
        return {"reject": RejectForm, "pay": PayForm, "approve": ActionForm}[kind](formdata=None)

    return render_template("county/claims.html", page=page, view=view, form_for=form_for, notice=notice), status


@blueprint.get("/claims")
def claims():
    return _queue()


def _decide(kind: str, claim_id: int, form, decide, done: str):
    if form.validate_on_submit():
        try:
            with runtime().db.transaction() as db:
                decide(db)
        except InvalidInput as error:
            show_errors(form, error)
            return _queue(failed={(kind, claim_id): form}, status=422)
        except DomainError as error:
            if error.status == 404:
                raise
            # A refusal (e.g. the four-eyes rule) is shown above the list: the claim may have left this queue.
            return _queue(notice=error.message, status=error.status)
        flash(done.format(claim_id=claim_id), "success")
        return redirect(url_for("county.claims", view=request.args.get("view") or None))
    return _queue(failed={(kind, claim_id): form}, status=422)


@blueprint.post("/claims/<int:claim_id>/approve")
def approve(claim_id: int):
    return _decide("approve", claim_id, ActionForm(),
                   lambda db: approve_claim(db, claim_id, actor=actor()), "补贴申领 {claim_id} 已审核通过")


@blueprint.post("/claims/<int:claim_id>/reject")
def reject(claim_id: int):
    form = RejectForm()
    return _decide("reject", claim_id, form,
                   lambda db: reject_claim(db, claim_id, actor=actor(), reason=form.reason.data),
                   "补贴申领 {claim_id} 已驳回")


@blueprint.post("/claims/<int:claim_id>/pay")
def pay(claim_id: int):
    form = PayForm()
    return _decide("pay", claim_id, form,
                   lambda db: pay_claim(db, claim_id, actor=actor(), reference=form.reference.data,
                                        paid_on=form.paid_on.data),
                   "补贴申领 {claim_id} 已登记发放")


# -- demand lists ----------------------------------------------------------------------------------------


@blueprint.route("/demand/upload", methods=["GET", "POST"])
def upload_demand():
    """Upload a demand list (帮扶对象清单): check only, or check and import; the rows' errors are shown."""
    form = ListUploadForm()
    result = None
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        name = (upload.filename or "") if upload else ""
        data = upload.read(MAX_LIST_BYTES + 1) if upload else b""
        suffix = Path(name).suffix.lower()
        if not data:
            form.file.errors = ["请选择要上传的清单文件"]
        elif len(data) > MAX_LIST_BYTES:
            form.file.errors = ["清单文件不能超过 20 MB"]
        elif suffix not in LIST_SUFFIXES:
            form.file.errors = ["清单文件应为 .xlsx 或 .csv"]
        else:
            result = _import(form, data, name, suffix, dry_run=not form.load.data)
        if form.file.errors or form.form_errors or (result is not None and result.errors):
            status = 422
    elif request.method == "POST":
        status = 422
    return render_template("county/demand_upload.html", form=form, result=result), status


def _import(form: ListUploadForm, data: bytes, name: str, suffix: str, *, dry_run: bool):
    # The upload is read from memory by the same reader, with the same limits, as a file on the command line;
    # the list is named by the form, else by the file's title, else by the uploaded file's name.
    try:
        with runtime().db.writer() as db:  # the import commits its own batches after validating the whole file
            return import_demand(db, runtime().vault, io.BytesIO(data), name=name,
                                 list_name=form.list_name.data or None, default_name=Path(name).stem or None,
                                 period=form.period.data or None, dry_run=dry_run, actor=actor())
    except NotAList as error:
        form.file.errors = [error.message]
    except ListOptionError as error:
        form.form_errors = [error.message]
    except InvalidInput as error:
        show_errors(form, error)
    return None


@blueprint.get("/interest")
def interest():
    """求职者意向: the county's people who said 感兴趣 to an offer on their phone, newest first."""
    from jobs.access.mine import interest_queue

    with runtime().db.session() as db:
        page = listing(lambda **p: interest_queue(db, actor(), vault=runtime().vault, **p))
    return render_template("interest_queue.html", page=page)
