"""Sessions, sign-in state, CSRF, rate limits and security headers: everything every request passes through.

Cookies: the session cookie is HttpOnly and SameSite=Lax always, and Secure by default. A Secure cookie is never
sent back over plain HTTP, so the embedded local demo (``bangfu serve`` on a loopback address with the built-in
SQLite database, opened as http://127.0.0.1:5000) would never stay signed in: ``bangfu serve`` turns Secure off
in that one case, says so, and only when ``BANGFU_SESSION_COOKIE_SECURE`` was not set. Behind an HTTPS reverse
proxy (the production set-up, with PostgreSQL) it stays on.

Timeouts (GB/T 22239-2019 8.1.4.1: 登录连接超时自动退出): a session ends after ``IDLE_TIMEOUT_MINUTES``
without a request and ``SESSION_LIFETIME_HOURS`` after sign-in, whatever happens in between. Either end is
audited as a sign-out (``auth.sign_out``) with the user, the time, the address and the reason (``idle`` or
``lifetime``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, flash, g, redirect, request, session, url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, logout_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from jobs.access import accounts
from jobs.storage import audit
from jobs.storage.clock import now_utc
from jobs.storage.enums import Role
from jobs.storage.models import User

SESSION_SINCE = "since"
SESSION_SEEN = "seen"
# Pages a user who must change their password may still reach.
OPEN_WHILE_CHANGING = {"auth.change_password", "auth.logout", "static", "pages.healthz"}
# The only content this app ever loads: its own files. No inline script, no framing by anyone.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}

csrf = CSRFProtect()


def configure_defaults(app: Flask) -> None:
    """The security settings' defaults, before the environment and the test mapping override them."""
    app.config.from_mapping(
        SESSION_COOKIE_NAME="bangfu_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=None,  # None: not configured, resolved to True in init_app
        IDLE_TIMEOUT_MINUTES=30,
        SESSION_LIFETIME_HOURS=12,
        LOGIN_LIMIT_PER_ADDRESS="20 per minute;200 per hour",
        LOGIN_LIMIT_PER_ACCOUNT="10 per minute;50 per hour",
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_HEADERS_ENABLED=False,
        PROXY_COUNT=0,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session, which has its own limits
        MAX_CONTENT_LENGTH=64 * 1024 * 1024,
    )


@dataclass
class SignedIn(UserMixin):
    """The signed-in account as Flask-Login sees it; ``user`` is the (detached) account row."""

    user: User

    def get_id(self) -> str:
        # The session version travels with the id: a password change or a disable ends older sessions.
        return f"{self.user.id}:{self.user.session_version}"

    @property
    def is_active(self) -> bool:
        return self.user.active

    @property
    def role(self) -> Role:
        return self.user.role


def init_app(app: Flask) -> None:
    if app.config["SESSION_COOKIE_SECURE"] is None:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["SESSION_COOKIE_SECURE_DEFAULTED"] = True
    app.config["PERMANENT_SESSION_LIFETIME"] = dt.timedelta(hours=float(app.config["SESSION_LIFETIME_HOURS"]))
    proxies = int(app.config["PROXY_COUNT"] or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    csrf.init_app(app)
    # One limiter per app, so two apps (tests, a demo server next to a CLI) never share counters.
    limiter = Limiter(get_remote_address, app=app, storage_uri=app.config["RATELIMIT_STORAGE_URI"],
                      default_limits=[], strategy="moving-window")
    app.extensions["bangfu_limiter"] = limiter

    login_manager = LoginManager(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(ident: str) -> SignedIn | None:
        user_id, _, version = ident.partition(":")
        if not (user_id.isdigit() and version.isdigit()):
            return None
        from web.reads import read_session

        with read_session(detach=True) as db:  # a hot read's view reads on in this session (web.reads)
            user = accounts.active_user(db, int(user_id), int(version))
        return SignedIn(user) if user is not None else None

    @login_manager.unauthorized_handler
    def _unauthorized():
        from web.errors import wants_json, _respond

        if wants_json():
            return _respond(401)
        flash(login_manager.login_message, "info")
        return redirect(url_for("auth.login", next=_local_path(request.full_path)))

    app.before_request(_note_origin)
    app.teardown_request(_forget_origin)
    app.before_request(_enforce_session_limits)
    app.before_request(_enforce_password_change)
    app.after_request(_security_headers)


LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def relax_cookie_for_local_demo(app: Flask, host: str) -> bool:
    """Turn the Secure cookie flag off when ``bangfu serve`` runs the embedded local demo: plain HTTP on a
    loopback address with the built-in SQLite database, and nobody set ``SESSION_COOKIE_SECURE``. Returns True
    when it did. A production set-up (PostgreSQL, or any other address) keeps Secure cookies."""
    from jobs.storage.db import is_sqlite

    runtime = app.extensions["bangfu"]
    if not app.config.get("SESSION_COOKIE_SECURE_DEFAULTED"):
        return False
    if host not in LOOPBACK_HOSTS or not is_sqlite(runtime.db.url):
        return False
    app.config["SESSION_COOKIE_SECURE"] = False
    return True


def limiter_of(app: Flask) -> Limiter:
    return app.extensions["bangfu_limiter"]


def remote_addr() -> str | None:
    """The client's address as this app sees it (after ProxyFix when proxies are configured)."""
    return request.remote_addr


def _note_origin() -> None:
    """Every audit event written while serving this request records the client's address."""
    g.bangfu_audit_origin = audit.set_origin(remote_addr())


def _forget_origin(_error: BaseException | None) -> None:
    token = g.pop("bangfu_audit_origin", None)
    if token is not None:
        audit.reset_origin(token)


def start_session() -> None:
    """Mark the moment of sign-in; the caller has just cleared the session (no fixation)."""
    now = now_utc().timestamp()
    session.permanent = True
    session[SESSION_SINCE] = now
    session[SESSION_SEEN] = now


def _enforce_session_limits():
    if request.endpoint == "static" or SESSION_SINCE not in session:
        return None
    now = now_utc().timestamp()
    idle = float(current_app.config["IDLE_TIMEOUT_MINUTES"]) * 60
    lifetime = float(current_app.config["SESSION_LIFETIME_HOURS"]) * 3600
    reason = None
    if now - float(session.get(SESSION_SEEN, 0)) > idle:
        reason, message = "idle", "长时间未操作，已自动退出登录，请重新登录"
    elif now - float(session[SESSION_SINCE]) > lifetime:
        reason, message = "lifetime", "登录已超过有效期，请重新登录"
    if reason is None:
        session[SESSION_SEEN] = now
        return None
    g.session_end_reason = reason
    _audit_session_end(reason)
    logout_user()
    session.clear()
    flash(message, "info")
    from web.errors import wants_json, _respond

    if wants_json():
        return _respond(401)
    if request.blueprint == "seeker":  # the phone pages sign in again by SMS code
        return redirect(url_for("seeker.login"))
    return redirect(url_for("auth.login", next=_local_path(request.full_path) if request.method == "GET" else None))


def _audit_session_end(reason: str) -> None:
    """Write who was signed out, from where and why (``idle`` or ``lifetime``), as a sign-out by the user is."""
    if not current_user.is_authenticated:
        return  # the account was disabled or its password changed meanwhile: that was audited when it happened
    runtime = current_app.extensions["bangfu"]
    with runtime.db.transaction() as db:
        accounts.sign_out(db, user=current_user.user, remote_addr=remote_addr(), reason=reason)


def _enforce_password_change():
    if request.endpoint in OPEN_WHILE_CHANGING or not current_user.is_authenticated:
        return None
    if session.get("sign_in_method") == "code":
        return None  # signed in by SMS code (web.seeker): the session has no password to replace
    if current_user.user.must_change_password:
        flash("首次登录或密码被重置后，请先设置您自己的新密码", "info")
        return redirect(url_for("auth.change_password"))
    return None


def _security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.endpoint != "static" and SESSION_SINCE in session:
        # Pages seen while signed in hold personal data: never kept in shared caches or the back-button cache.
        response.headers["Cache-Control"] = "no-store"
    return response


def _local_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None (no open redirect after sign-in)."""
    if not target:
        return None
    target = target.rstrip("?")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


def safe_next(target: str | None) -> str | None:
    """Where to go after sign-in: a local path only."""
    return _local_path(target)
