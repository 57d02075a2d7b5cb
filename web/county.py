"""The county staff's workspace: the dashboard of their area, the subsidy review queue (approve, reject with a
reason, mark paid with a payment reference), the demand-list upload (checked, its error report, confirmed), the
public notice and ledgers to download, and re-matching the area's people. The people pages are in ``web.people``.

Every claim and list is reached through the permission module's scope (outside it: 404); the four-eyes rule of
approvals is the use case's, and its refusal is shown as the page's error."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for

from jobs.access import queries
from jobs.errors import DomainError, InvalidInput
from jobs.service.housekeeping import work_status_ledger
from jobs.service.report import service_report
from jobs.service.tasks import start_rematch
from jobs.storage.clock import china_today
from jobs.storage.enums import ClaimStatus, Role
from jobs.subsidy.claims import approve_claim, ledger, pay_claim, public_notice, reject_claim
from jobs.subsidy.render import ledger_xlsx, notice_html, notice_xlsx
from web import tasks, uploads
from web.forms import ActionForm, PayForm, RejectForm, show_errors
from web.workspace import actor, listing, only, runtime

blueprint = Blueprint("county", __name__, url_prefix="/county")
blueprint.before_request(only(Role.COUNTY_STAFF))
#: Bar widths are CSS classes in steps of 5 % (the CSP forbids inline styles).
BAR_STEPS = 20


def bar(value: int, largest: int) -> str:
    """The CSS class of a bar ``value`` long on a chart whose longest bar is ``largest``."""
    if largest <= 0 or value <= 0:
        return "w0"
    return f"w{max(1, round(value * BAR_STEPS / largest)) * 100 // BAR_STEPS}"


def _standard_year() -> int:
    """The year whose service-standard progress the dashboard shows: ``?year=`` (2016, the first year of the
    policies bangfu carries, up to this year), else this year."""
    this_year = china_today().year
    asked = request.args.get("year", type=int)
    return asked if asked is not None and 2016 <= asked <= this_year else this_year


@blueprint.get("/")
def dashboard():
    """Counts of the user's area by the areas one level below, with bar charts, the year's progress on the
    service standard ("311"/"一对一") by county, and subsidies by fund and status."""
    with runtime().db.session() as db:
        rows = queries.dashboard_counts(db, actor())
        funds = ledger(db, actor=actor())
        open_losses = queries.job_losses(db, actor(), vault=runtime().vault, open_only=True, per_page=10)
        standard = service_report(db, vault=runtime().vault, year=_standard_year(), actor=actor())
    totals = {key: sum(getattr(r, key) for r in rows)
              for key in ("people", "unemployed", "placements_this_year", "claims_eligible", "job_losses_open")}
    largest = {key: max((getattr(r, key) for r in rows), default=0) for key in totals}
    return render_template("county/dashboard.html", rows=rows, totals=totals, largest=largest, bar=bar,
                           funds=funds, losses=open_losses, year=china_today().year, standard=standard)


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


# -- demand lists: upload → checked (row errors, error report) → confirm → import task -----------------------

DEMAND_UPLOAD = uploads.Flow(kind="demand_import", title="就业需求清单", upload="county.upload_demand",
                             checked="county.demand_checked", report="county.demand_report",
                             confirm="county.demand_confirm")


@blueprint.route("/demand/upload", methods=["GET", "POST"])
def upload_demand():
    """Upload a demand list (帮扶对象清单): checked first, the rows' errors shown; stored only once confirmed."""
    return uploads.upload_view(DEMAND_UPLOAD)


@blueprint.get("/demand/upload/<token>")
def demand_checked(token: str):
    return uploads.checked_view(DEMAND_UPLOAD, token)


@blueprint.get("/demand/upload/<token>/report")
def demand_report(token: str):
    return uploads.report_view(DEMAND_UPLOAD, token)


@blueprint.post("/demand/upload/<token>/confirm")
def demand_confirm(token: str):
    return uploads.confirm_view(DEMAND_UPLOAD, token)


# -- downloads: the public notice (公示名单), the subsidy ledger, the work-status ledger; re-matching -------------


@blueprint.get("/downloads")
def downloads():
    """The files a county office hands on, for its own area, ID numbers masked; and re-matching its people."""
    return render_template("county/downloads.html", form=ActionForm(formdata=None))


def _download(render, rows, name: str, mimetype: str):
    stream = io.BytesIO()
    render(rows, stream)
    stream.seek(0)
    return send_file(stream, mimetype=mimetype, as_attachment=True, download_name=name)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@blueprint.get("/downloads/notice.<any(xlsx, html):suffix>")
def notice(suffix: str):
    """The public-notice list (公示名单) of the area's eligible claims: xlsx, or a printable page."""
    with runtime().db.session() as db:
        rows = public_notice(db, vault=runtime().vault, actor=actor())
    if suffix == "html":
        return _download(notice_html, rows, f"公示名单-{china_today()}.html", "text/html; charset=utf-8")
    return _download(notice_xlsx, rows, f"公示名单-{china_today()}.xlsx", XLSX)


@blueprint.get("/downloads/ledger.xlsx")
def ledger_download():
    """The subsidy ledger (补贴台账) of the area: by fund, status, county and month."""
    with runtime().db.session() as db:
        rows = ledger(db, actor=actor())
    return _download(ledger_xlsx, rows, f"补贴台账-{china_today()}.xlsx", XLSX)


@blueprint.get("/downloads/work-ledger.xlsx")
def work_ledger_download():
    """The work-status ledger (务工情况电子台账) of the area's target groups, ID numbers masked."""
    with runtime().db.session() as db:
        data = work_status_ledger(db, vault=runtime().vault, actor=actor())
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True,
                     download_name=f"务工情况台账-{china_today():%Y-%m}.xlsx")


@blueprint.post("/rematch")
def rematch():
    """Match the area's people again (重新匹配), as a task with a status page."""
    if not ActionForm().validate_on_submit():
        abort(400)
    with runtime().db.transaction() as db:
        task_id = start_rematch(db, actor=actor())
    tasks.start(task_id)
    return redirect(url_for("tasks.status", task_id=task_id))


@blueprint.get("/interest")
def interest():
    """求职者意向: the county's people who said 感兴趣 to an offer on their phone, newest first."""
    from jobs.access.mine import interest_queue

    with runtime().db.session() as db:
        page = listing(lambda **p: interest_queue(db, actor(), vault=runtime().vault, **p))
    return render_template("interest_queue.html", page=page)
