"""Signing in and out: the form, wrong passwords, lock-out, rate limits, timeouts, forced password change."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from jobs.access import accounts
from jobs.storage.enums import Role
from jobs.storage.models import AuditEvent
from tests.web.conftest import PASSWORD, csrf_token, post_form, sign_in


def audit_actions(runtime, *, actor: str | None = None) -> list[tuple[str, str | None]]:
    with runtime.db.session() as session:
        query = select(AuditEvent.action, AuditEvent.remote_addr).order_by(AuditEvent.id)
        if actor:
            query = query.where(AuditEvent.actor == actor)
        return [tuple(row) for row in session.execute(query)]


def test_a_good_sign_in_goes_home_and_shows_the_users_organisation_and_region(client, runtime, people_of_every_role):
    response = sign_in(client, "countystaff", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "宁乡市人社局" in page and "湖南省长沙市宁乡市" in page and "本地区登记劳动力" in page
    assert ("auth.sign_in", "127.0.0.1") in audit_actions(runtime, actor="countystaff")


def test_the_sign_in_page_has_the_contracted_fields(client):
    page = client.get("/login").get_data(as_text=True)
    for name in ('name="username"', 'name="password"', 'name="csrf_token"'):
        assert name in page


def test_a_wrong_password_and_an_unknown_user_get_the_same_chinese_answer_and_are_audited(
    client, runtime, people_of_every_role
):
    wrong = sign_in(client, "countystaff", "not-the-password-1")
    unknown = sign_in(client, "nobody", "not-the-password-1")
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert "用户名或密码错误" in response.get_data(as_text=True)
    actions = audit_actions(runtime)
    assert actions.count(("auth.sign_in_failed", "127.0.0.1")) == 2
    assert client.get("/").status_code == 302


def test_the_typed_user_name_is_kept_after_a_failed_sign_in(client, people_of_every_role):
    page = sign_in(client, "countystaff", "wrong-password-1").get_data(as_text=True)
    assert 'value="countystaff"' in page


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes_with_a_chinese_notice(
    client, runtime, people_of_every_role, frozen_clock
):
    for _ in range(accounts.LOCK_THRESHOLD - 1):
        assert sign_in(client, "broker", "wrong-password-1").status_code == 401
    locked = sign_in(client, "broker", "wrong-password-1")
    assert locked.status_code == 423
    assert "账号已锁定" in locked.get_data(as_text=True) and "10:15" in locked.get_data(as_text=True)
    # Even the right password is refused while locked.
    assert sign_in(client, "broker", PASSWORD).status_code == 423
    assert ("auth.locked_out", "127.0.0.1") in audit_actions(runtime, actor="broker")
    frozen_clock.shift(dt.timedelta(minutes=accounts.LOCK_MINUTES, seconds=1))
    assert sign_in(client, "broker", PASSWORD).status_code == 302


def test_sign_in_attempts_are_rate_limited_per_account(app, client, people_of_every_role, frozen_clock):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per minute"
    statuses = [sign_in(client, "admin", "wrong-password-1").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    refused = sign_in(client, "admin", PASSWORD)
    assert refused.status_code == 429 and "请求过于频繁" in refused.get_data(as_text=True)
    # Another account from the same address is not held back by this account's limit.
    assert sign_in(client, "broker", PASSWORD).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    frozen_clock.shift(dt.timedelta(minutes=1, seconds=1))
    assert sign_in(client, "admin", PASSWORD).status_code == 302


def test_sign_in_attempts_are_rate_limited_per_address(app, client, people_of_every_role):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per minute"
    names = ["a1x", "b2y", "c3z", "countystaff"]
    statuses = [sign_in(client, name, "wrong-password-1").status_code for name in names]
    assert statuses == [401, 401, 401, 429]
    # A different address is not affected.
    other = app.test_client()
    token = csrf_token(other.get("/login", environ_base={"REMOTE_ADDR": "10.0.0.9"}).get_data(as_text=True))
    answer = other.post("/login", data={"username": "countystaff", "password": PASSWORD, "csrf_token": token},
                        environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert answer.status_code == 302


def test_a_disabled_account_cannot_sign_in_and_its_open_session_ends(client, runtime, people_of_every_role):
    assert sign_in(client, "broker", PASSWORD).status_code == 302
    with runtime.db.transaction() as session:
        accounts.set_active(session, user=accounts.user_named(session, "broker"), active=False)
    assert client.get("/").status_code == 302
    assert sign_in(client, "broker", PASSWORD).status_code == 401


def test_the_session_ends_after_thirty_idle_minutes(client, people_of_every_role, frozen_clock):
    sign_in(client, "countystaff", PASSWORD)
    frozen_clock.shift(dt.timedelta(minutes=29))
    assert client.get("/").status_code == 200
    frozen_clock.shift(dt.timedelta(minutes=31))
    ended = client.get("/")
    assert ended.status_code == 302 and ended.headers["Location"].startswith("/login")
    assert "长时间未操作" in client.get("/login").get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_the_session_ends_twelve_hours_after_sign_in_however_active(client, people_of_every_role, frozen_clock):
    sign_in(client, "countystaff", PASSWORD)
    minutes = 0
    while client.get("/").status_code == 200 and minutes < 24 * 60:
        frozen_clock.shift(dt.timedelta(minutes=20))
        minutes += 20
    assert minutes == 12 * 60 + 20
    assert "登录已超过有效期" in client.get("/login").get_data(as_text=True)


def test_signing_out_is_a_post_with_the_token_and_is_audited(client, runtime, people_of_every_role):
    sign_in(client, "countystaff", PASSWORD)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    assert client.get("/").status_code == 200
    assert post_form(client, "/logout").status_code == 302
    assert client.get("/").status_code == 302
    assert ("auth.sign_out", "127.0.0.1") in audit_actions(runtime, actor="countystaff")


def test_sign_in_without_the_csrf_token_is_refused(client, people_of_every_role):
    client.get("/login")
    response = client.post("/login", data={"username": "countystaff", "password": PASSWORD})
    assert response.status_code == 400 and "安全校验码" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_after_sign_in_only_a_local_page_is_followed(client, people_of_every_role):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login?next=//evil.example/x", data={
        "username": "countystaff", "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_the_page_asked_for_is_shown_after_sign_in(client, people_of_every_role):
    first = client.get("/admin/users")
    assert first.status_code == 302 and first.headers["Location"] == "/login?next=/admin/users"
    token = csrf_token(client.get(first.headers["Location"]).get_data(as_text=True))
    response = client.post(first.headers["Location"], data={
        "username": "admin", "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/admin/users"


def test_a_generated_password_must_be_changed_at_the_first_sign_in(client, runtime, people_of_every_role):
    with runtime.db.transaction() as session:
        organisation = accounts.organisation_named(session, "宁乡市人社局")
        new = accounts.add_user(session, runtime.vault, username="wang", role=Role.COUNTY_STAFF,
                                organisation=organisation)
    assert sign_in(client, "wang", new.generated_password).headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"] == "/account/password"
    form = client.get("/account/password").get_data(as_text=True)
    weak = client.post("/account/password", data={
        "current": new.generated_password, "new": "12345", "confirm": "12345", "csrf_token": csrf_token(form)})
    page = weak.get_data(as_text=True)
    assert weak.status_code == 422 and "密码至少需要 10 个字符" in page
    done = client.post("/account/password", data={
        "current": new.generated_password, "new": "Xin-mima-2026", "confirm": "Xin-mima-2026",
        "csrf_token": csrf_token(page)})
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    with runtime.db.session() as session:
        assert accounts.user_named(session, "wang").must_change_password is False


def test_changing_the_password_ends_the_accounts_other_sessions(app, client, people_of_every_role):
    other = app.test_client()
    sign_in(other, "countystaff", PASSWORD)
    sign_in(client, "countystaff", PASSWORD)
    form = client.get("/account/password").get_data(as_text=True)
    client.post("/account/password", data={
        "current": PASSWORD, "new": "Xin-mima-2026", "confirm": "Xin-mima-2026", "csrf_token": csrf_token(form)})
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302


def test_the_session_cookie_is_httponly_samesite_and_secure_by_default(client, people_of_every_role):
    response = sign_in(client, "countystaff", PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert cookie.startswith("bangfu_session=")


def test_the_secure_flag_can_be_turned_off_for_plain_http(app, client, people_of_every_role):
    app.config["SESSION_COOKIE_SECURE"] = False
    cookie = sign_in(client, "countystaff", PASSWORD).headers["Set-Cookie"]
    assert "Secure" not in cookie and "HttpOnly" in cookie
