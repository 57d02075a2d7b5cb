"""The administrator's pages: users, organisations, policy packs and the audit log. Administrators only: any
other role gets 403 (these pages are an action the role may never take, so the refusal is not hidden as a 404),
and every refusal is audited."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from jobs.access import accounts
from jobs.access.audit_log import AuditFilter, search
from jobs.errors import DomainError, InvalidInput
from jobs.storage import audit
from jobs.storage.clock import china_today
from jobs.storage.enums import Role
from jobs.subsidy import policy_store
from jobs.subsidy.packs import PackError
from web import runtime_of
from web.forms import AuditFilterForm, OrganisationForm, PolicyUploadForm, UserForm, WhichPackForm, show_errors
from web.paging import requested_page
from web.security import remote_addr

blueprint = Blueprint("admin", __name__, url_prefix="/admin")
MAX_PACK_BYTES = 1024 * 1024


@blueprint.before_request
def _administrators_only():
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if current_user.role is not Role.ADMIN:
        with runtime_of(current_app).db.transaction() as db:
            audit.record(db, action="access.denied", actor=current_user.user, object_type="route",
                         object_id=request.path[:64], after={"method": request.method}, remote_addr=remote_addr())
        abort(403)
    return None


def _db():
    return runtime_of(current_app).db


def _actor():
    return current_user.user


# -- users -----------------------------------------------------------------------------------------


@blueprint.get("/users")
def users():
    page = requested_page()
    with _db().session() as db:
        page.total = accounts.count_users(db)
        page.items = accounts.list_users(db, offset=page.offset, limit=page.per_page)
    return render_template("admin/users.html", page=page)


def _organisation_choices(form: UserForm) -> None:
    with _db().session() as db:
        organisations = accounts.list_organisations(db)
    form.organisation.choices = [SelectChoice(0, "（求职者不选）")] + [
        SelectChoice(o.id, f"{o.name}（{o.kind.label}）") for o in organisations
    ]


@blueprint.route("/users/new", methods=["GET", "POST"])
def add_user():
    form = UserForm()
    _organisation_choices(form)
    status = 200
    if form.validate_on_submit():
        runtime = runtime_of(current_app)
        try:
            with runtime.db.transaction() as db:
                organisation = accounts.organisation_by_id(db, form.organisation.data) if form.organisation.data else None
                created = accounts.add_user(
                    db, runtime.vault, username=form.username.data, role=form.role.data, organisation=organisation,
                    id_number=form.id_number.data or None, display_name=form.display_name.data or None,
                    actor=_actor(), remote_addr=remote_addr(),
                )
                username = created.user.username
        except InvalidInput as error:
            show_errors(form, error)
            status = 422
        except DomainError as error:
            form.form_errors = [error.message]
            status = error.status
        else:
            # Shown once, in this response only: never put in a flash message, which travels in the cookie.
            return render_template("admin/password_once.html", username=username, password=created.generated_password,
                                   heading="用户已添加")
    elif request.method == "POST":
        status = 422
    return render_template("admin/user_form.html", form=form), status


@blueprint.post("/users/<int:user_id>/disable")
def disable_user(user_id: int):
    return _set_active(user_id, False)


@blueprint.post("/users/<int:user_id>/enable")
def enable_user(user_id: int):
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool):
    with _db().transaction() as db:
        user = accounts.user_by_id(db, user_id)
        accounts.set_active(db, user=user, active=active, actor=_actor(), remote_addr=remote_addr())
        name = user.username
    flash(f"已{'启用' if active else '停用'}用户 {name}", "success")
    return redirect(url_for("admin.users"))


@blueprint.post("/users/<int:user_id>/reset-password")
def reset_password(user_id: int):
    with _db().transaction() as db:
        user = accounts.user_by_id(db, user_id)
        password = accounts.reset_password(db, user=user, actor=_actor(), remote_addr=remote_addr())
        name = user.username
    return render_template("admin/password_once.html", username=name, password=password, heading="密码已重置")


# -- organisations ---------------------------------------------------------------------------------


@blueprint.get("/organisations")
def organisations():
    with _db().session() as db:
        rows = accounts.list_organisations(db)
    return render_template("admin/organisations.html", rows=rows, region_name=accounts.region_name)


@blueprint.route("/organisations/new", methods=["GET", "POST"])
def add_organisation():
    form = OrganisationForm()
    status = 200
    if form.validate_on_submit():
        try:
            with _db().transaction() as db:
                organisation = accounts.add_organisation(db, name=form.name.data, kind=form.kind.data,
                                                         region=form.region.data, actor=_actor(),
                                                         remote_addr=remote_addr())
                name = organisation.name
        except InvalidInput as error:
            show_errors(form, error)
            status = 422
        except DomainError as error:
            form.form_errors = [error.message]
            status = error.status
        else:
            flash(f"已添加机构 {name}", "success")
            return redirect(url_for("admin.organisations"))
    elif request.method == "POST":
        status = 422
    return render_template("admin/organisation_form.html", form=form), status


# -- policy packs ----------------------------------------------------------------------------------


@blueprint.get("/policies")
def policies():
    with _db().session() as db:
        rows = policy_store.all_versions(db)
    return render_template("admin/policies.html", rows=rows)


@blueprint.route("/policies/upload", methods=["GET", "POST"])
def upload_policy():
    """Upload a pack file: validate only, or validate and store it as a new version."""
    form = PolicyUploadForm()
    problems: list[str] = []
    result = None
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(MAX_PACK_BYTES + 1) if upload else b""
        name = (upload.filename or "") if upload else ""
        if not data:
            form.file.errors = ["请选择要上传的政策文件（.yaml）"]
        elif len(data) > MAX_PACK_BYTES:
            form.file.errors = ["政策文件不能超过 1 MB"]
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                form.file.errors = ["政策文件应为 UTF-8 编码的文本"]
            else:
                try:
                    if form.load.data:
                        with _db().transaction() as db:
                            loaded = policy_store.load_text(db, text, source=name, actor=_actor())
                            result = {"outcome": loaded.outcome.value, "pack": loaded.stored.pack,
                                      "version": loaded.stored.row.version}
                    else:
                        result = {"outcome": "checked", "pack": policy_store.check_text(text, source=name)}
                except PackError as error:
                    problems = error.messages
                except DomainError as error:
                    problems = [error.message]
        if form.file.errors or problems:
            status = 422
    elif request.method == "POST":
        status = 422
    return render_template("admin/policy_upload.html", form=form, problems=problems, result=result), status


@blueprint.get("/policies/which")
def which_policy():
    """Which pack governs a county on a day (a read-only question, asked with GET)."""
    form = WhichPackForm(request.args)
    answer = None
    status = 200
    if request.args:
        if form.validate():
            try:
                with _db().session() as db:
                    answer = policy_store.which(db, region=form.region.data, day=form.day_or(china_today()))
            except DomainError as error:
                form.region.errors = [error.message]
                status = 422
        else:
            status = 422
    return render_template("admin/policy_which.html", form=form, answer=answer), status


# -- audit log -------------------------------------------------------------------------------------


@blueprint.get("/audit")
def audit_log():
    form = AuditFilterForm(request.args)
    page = requested_page()
    status = 200
    if request.args and not form.validate():
        status = 422
    else:
        criteria = AuditFilter(actor=form.actor.data or None, action=form.action.data or None,
                               object_type=form.object_type.data or None, date_from=form.date_from.data,
                               date_to=form.date_to.data)
        with _db().session() as db:
            page.items, page.total = search(db, criteria, offset=page.offset, limit=page.per_page)
    return render_template("admin/audit.html", form=form, page=page), status
