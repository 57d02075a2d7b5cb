"""Bearer tokens: issued for a user name and password (like a sign-in: audited, locked out, rate-limited),
stored only as a digest, ending at expiry, on revocation, on a password change and on a disable; and CSRF,
needed only by a browser session that posts to the API."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from jobs.access import accounts
from jobs.storage.db import is_sqlite
from jobs.storage.enums import Role
from jobs.storage.models import ApiToken, AuditEvent
from tests.web.conftest import csrf_token, sign_in


def _token(client, account) -> dict:
    response = client.post("/api/v1/auth/token", json={"username": account.username, "password": account.password})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json


def _bearer(token: dict) -> dict:
    return {"Authorization": f"Bearer {token['access_token']}"}


def test_a_password_buys_a_one_day_token_stored_only_as_its_digest(client, runtime, people_of_every_role,
                                                                  frozen_clock):
    token = _token(client, people_of_every_role[Role.COUNTY_STAFF])
    assert token["token_type"] == "Bearer" and token["access_token"].startswith("bf_")
    issued_at = dt.datetime.now(dt.UTC)
    assert dt.datetime.fromisoformat(token["expires_at"]) == issued_at + dt.timedelta(days=1)
    me = client.get("/api/v1/me", headers=_bearer(token))
    assert me.status_code == 200 and me.json["username"] == people_of_every_role[Role.COUNTY_STAFF].username
    with runtime.db.session() as session:
        stored = session.scalars(select(ApiToken)).one()
        assert token["access_token"] not in {stored.token_digest, stored.label}
        assert len(stored.token_digest) == 64
        actions = set(session.scalars(select(AuditEvent.action)))
    assert {"auth.sign_in", "auth.token_issued"} <= actions


def test_a_token_ends_at_its_expiry(client, people_of_every_role, frozen_clock):
    token = _token(client, people_of_every_role[Role.BROKER])
    frozen_clock.shift(dt.timedelta(days=1) - dt.timedelta(seconds=1))
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 200
    frozen_clock.shift(dt.timedelta(seconds=1))
    expired = client.get("/api/v1/me", headers=_bearer(token))
    assert expired.status_code == 401 and "过期" in expired.json["detail"]


def test_a_revoked_token_stops_working(client, people_of_every_role, frozen_clock):
    token = _token(client, people_of_every_role[Role.WORKSTATION_STAFF])
    assert client.delete("/api/v1/auth/token", headers=_bearer(token)).status_code == 204
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 401
    assert client.delete("/api/v1/auth/token", headers=_bearer(token)).status_code == 401


def test_a_password_change_or_a_disable_ends_the_user_s_tokens(client, runtime, people_of_every_role, frozen_clock):
    county, broker = people_of_every_role[Role.COUNTY_STAFF], people_of_every_role[Role.BROKER]
    county_token, broker_token = _token(client, county), _token(client, broker)
    with runtime.db.transaction() as session:
        accounts.change_password(session, user=accounts.user_by_id(session, county.user_id), current=county.password,
                                 new="Xin-mima-2026-changed")
        accounts.set_active(session, user=accounts.user_by_id(session, broker.user_id), active=False)
    assert client.get("/api/v1/me", headers=_bearer(county_token)).status_code == 401
    assert client.get("/api/v1/me", headers=_bearer(broker_token)).status_code == 401


def test_a_wrong_password_gets_401_and_no_hint(client, people_of_every_role, frozen_clock):
    wrong = client.post("/api/v1/auth/token", json={"username": "countystaff", "password": "nope"})
    unknown = client.post("/api/v1/auth/token", json={"username": "nobody", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json["detail"] == unknown.json["detail"] == "用户名或密码错误"
    assert wrong.mimetype == "application/problem+json"


def test_the_token_endpoint_is_rate_limited_like_the_sign_in_page(app, client, people_of_every_role, frozen_clock):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per minute"
    for _ in range(3):
        assert client.post("/api/v1/auth/token", json={"username": "broker", "password": "x"}).status_code == 401
    limited = client.post("/api/v1/auth/token", json={"username": "broker", "password": "x"})
    assert limited.status_code == 429 and limited.mimetype == "application/problem+json"
    assert "频繁" in limited.json["detail"]
    # Another account name from the same address is still answered.
    assert client.post("/api/v1/auth/token", json={"username": "admin", "password": "x"}).status_code == 401


def test_a_browser_session_never_authenticates_the_api_and_its_posts_need_the_csrf_token(client, signed_in,
                                                                                      frozen_clock):
    signed_in(Role.COUNTY_STAFF)
    assert client.get("/api/v1/me").status_code == 401  # the session cookie is no API credential
    refused = client.post("/api/v1/claims/1/approve", json={})
    assert refused.status_code == 400 and "安全校验码" in refused.json["detail"]
    token_refused = client.post("/api/v1/auth/token", json={"username": "countystaff", "password": "x"})
    assert token_refused.status_code == 400


def test_a_bearer_request_needs_no_csrf_token_even_next_to_a_session_cookie(client, people_of_every_role,
                                                                            frozen_clock):
    account = people_of_every_role[Role.COUNTY_STAFF]
    token = _token(client, account)
    assert sign_in(client, account.username, account.password).status_code == 302
    assert csrf_token(client.get("/account/password").get_data(as_text=True))
    answer = client.post("/api/v1/claims/999/approve", json={}, headers=_bearer(token))
    assert answer.status_code == 404  # past CSRF and authentication: the claim does not exist


def test_a_token_s_last_use_is_kept_to_the_minute_without_a_write_per_request(client, runtime, people_of_every_role,
                                                                             frozen_clock):
    from jobs.access.tokens import LAST_USED_RESOLUTION

    token = _token(client, people_of_every_role[Role.SEEKER])

    def last_used() -> dt.datetime | None:
        with runtime.db.session() as session:
            found = session.scalars(select(ApiToken.last_used_at)).one()
        return found if found is None or found.tzinfo else found.replace(tzinfo=dt.UTC)

    assert last_used() is None
    client.get("/api/v1/me", headers=_bearer(token))
    first = last_used()
    assert first == dt.datetime.now(dt.UTC)
    frozen_clock.shift(LAST_USED_RESOLUTION - dt.timedelta(seconds=1))
    client.get("/api/v1/me", headers=_bearer(token))
    assert last_used() == first  # within the resolution: not written again
    frozen_clock.shift(dt.timedelta(seconds=1))
    client.get("/api/v1/me", headers=_bearer(token))
    assert last_used() == dt.datetime.now(dt.UTC)


def test_an_api_read_goes_through_while_another_writer_holds_sqlites_write_lock(client, runtime, app_database_url,
                                                                               people_of_every_role, frozen_clock):
    if not is_sqlite(app_database_url):
        pytest.skip("SQLite's write lock: run once, in the SQLite pass")
    token = _token(client, people_of_every_role[Role.SEEKER])
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 200  # its last use is noted now
    holder = sqlite3.connect(make_url(app_database_url).database, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # a long import or match run, say
        answer = client.get("/api/v1/me", headers=_bearer(token))  # (a write would wait out the busy timeout)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert answer.status_code == 200  # authenticating a read took no write lock
