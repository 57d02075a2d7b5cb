"""Sign-in (``/login``), sign-out (POST ``/logout``) and the own-password change; the rules live in
``jobs.access.accounts``."""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from jobs.access import accounts
from jobs.errors import InvalidInput
from web import runtime_of
from web.forms import ChangePasswordForm, LoginForm, show_errors
from web.security import SignedIn, limiter_of, remote_addr, safe_next, start_session

blueprint = Blueprint("auth", __name__)


def _account_key() -> str:
    # The per-account limit counts attempts on one user name from any address (a spread-out guessing attack).
    return "account:" + (request.form.get("username") or "").strip().lower()[:64]


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
    limiter = limiter_of(app)
    message = "登录尝试过于频繁，请稍后再试"
    # Flask-Limiter checks a decorated view's limits in the wrapper it returns, so the wrapper becomes this
    # app's view; each app has its own limiter (web.security), hence the wrapping here rather than at import.
    limited = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"],
                            error_message=message)(login)
    limited = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
                            key_func=_account_key, error_message=message)(limited)
    app.view_functions["auth.login"] = limited


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in page; a good sign-in starts a fresh session and goes to the page asked for, or home."""
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        runtime = runtime_of(current_app)
        refused = None
        with runtime.db.transaction() as db:
            try:
                user = accounts.authenticate(db, username=form.username.data, password=form.password.data,
                                             remote_addr=remote_addr())
            except accounts.SignInRefused as error:
                # The failed attempt and any lock-out are committed with the audit trail; the page says why.
                refused = error
        if refused is None:
            target = safe_next(request.args.get("next"))
            session.clear()
            login_user(SignedIn(user))
            start_session()
            return redirect(target or url_for("pages.home"))
        form.form_errors = [refused.message]
        status = 423 if isinstance(refused, accounts.LockedOut) else 401
    elif request.method == "POST":
        status = 422
    return render_template("auth/login.html", form=form), status


@blueprint.post("/logout")
def logout():
    """Sign out (a POST, so a link or an image elsewhere cannot sign anyone out)."""
    if current_user.is_authenticated:
        runtime = runtime_of(current_app)
        with runtime.db.transaction() as db:
            accounts.sign_out(db, user=current_user.user, remote_addr=remote_addr())
        logout_user()
    session.clear()
    flash("您已安全退出", "info")
    return redirect(url_for("auth.login"))


@blueprint.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password (forced after a generated or reset one). Signs the session in again with the
    new session version, so only this browser stays signed in."""
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        runtime = runtime_of(current_app)
        try:
            with runtime.db.transaction() as db:
                user = accounts.user_by_id(db, current_user.user.id)
                accounts.change_password(db, user=user, current=form.current.data, new=form.new.data,
                                         remote_addr=remote_addr())
                db.flush()
                db.refresh(user, ["organisation", "person"])
        except InvalidInput as error:
            show_errors(form, error)
            status = 422
        else:
            session.clear()
            login_user(SignedIn(user))
            start_session()
            flash("密码已修改", "success")
            return redirect(url_for("pages.home"))
    elif request.method == "POST":
        status = 422
    return render_template("auth/password.html", form=form), status
