"""The access matrix: every route of ``app.url_map`` × every role (and no one signed in), with the answer each
must get. A new route without an entry here fails :func:`test_every_route_has_an_entry`, so each page added
states who may open it. Every response of the walk also carries the security headers, and no GET changes
anything stored.

The role workspaces extend the matrix with objects inside and outside each user's scope (inside: 200;
outside: 404) through :data:`URL_VALUES`.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jobs.storage.enums import Role
from jobs.storage.models import Base
from tests.web.conftest import ALL_ROLES, csrf_token, sign_in

ANONYMOUS = "anonymous"
EVERYONE = (ANONYMOUS, *ALL_ROLES)
SIGNED_IN = {role: 200 for role in ALL_ROLES}


def workspace(status: int, *roles: Role) -> dict:
    """A role workspace: ``roles`` and administrators get ``status``; any other role 403 (a page of another
    role's job), nobody signed in is sent to /login."""
    allowed = {*roles, Role.ADMIN}
    return {ANONYMOUS: 302, **{role: status if role in allowed else 403 for role in ALL_ROLES}}


def phone_pages(status: int) -> dict:
    """The seeker's phone pages (/m/): the seeker gets ``status``, every staff role (administrators too: they have
    no offers of their own) 403, nobody signed in is sent to /m/login."""
    return {ANONYMOUS: 302, **{role: 403 for role in ALL_ROLES}, Role.SEEKER: status}


def admin_only(admin_status: int) -> dict:
    """Administrator pages: an action other roles may never take is a 403, not a 404."""
    return {ANONYMOUS: 302, **{role: 403 for role in ALL_ROLES}, Role.ADMIN: admin_status}


# endpoint → expected status per role: for a GET route the status of a GET, for a POST-only route the status of
# a POST carrying a valid CSRF token (302: done and redirected, or sent to /login when nobody is signed in).
ACCESS: dict[str, dict] = {
    "static": {role: 200 for role in EVERYONE},
    "pages.healthz": {role: 200 for role in EVERYONE},
    "pages.home": {ANONYMOUS: 302, **SIGNED_IN},
    "auth.login": {ANONYMOUS: 200, **{role: 302 for role in ALL_ROLES}},
    "auth.logout": {role: 302 for role in EVERYONE},
    "auth.change_password": {ANONYMOUS: 302, **SIGNED_IN},
    "admin.users": admin_only(200),
    "admin.add_user": admin_only(200),
    "admin.disable_user": admin_only(302),
    "admin.enable_user": admin_only(302),
    "admin.reset_password": admin_only(200),
    "admin.organisations": admin_only(200),
    "admin.add_organisation": admin_only(200),
    "admin.policies": admin_only(200),
    "admin.upload_policy": admin_only(200),
    "admin.which_policy": admin_only(200),
    "admin.audit_log": admin_only(200),
    "people.search": workspace(200, Role.COUNTY_STAFF, Role.BROKER),
    "people.detail": workspace(200, Role.COUNTY_STAFF, Role.BROKER),
    "people.reveal": workspace(422, Role.COUNTY_STAFF, Role.BROKER),  # no reason given
    "county.dashboard": workspace(200, Role.COUNTY_STAFF),
    "county.claims": workspace(200, Role.COUNTY_STAFF),
    "county.approve": workspace(404, Role.COUNTY_STAFF),  # no such claim
    "county.reject": workspace(422, Role.COUNTY_STAFF),  # no reason given
    "county.pay": workspace(422, Role.COUNTY_STAFF),  # no payment reference
    "county.upload_demand": workspace(200, Role.COUNTY_STAFF),
    "county.demand_checked": workspace(404, Role.COUNTY_STAFF),  # no such upload
    "county.demand_report": workspace(404, Role.COUNTY_STAFF),
    "county.demand_confirm": workspace(404, Role.COUNTY_STAFF),
    "county.downloads": workspace(200, Role.COUNTY_STAFF),
    "county.notice": workspace(200, Role.COUNTY_STAFF),
    "county.ledger_download": workspace(200, Role.COUNTY_STAFF),
    "county.work_ledger_download": workspace(200, Role.COUNTY_STAFF),
    "county.rematch": workspace(302, Role.COUNTY_STAFF),  # started: sent to its status page
    "station.checks": workspace(200, Role.WORKSTATION_STAFF),
    "station.record": workspace(422, Role.WORKSTATION_STAFF),  # no date given
    "station.job_loss": workspace(422, Role.WORKSTATION_STAFF),  # no date given
    "station.arrivals": workspace(200, Role.WORKSTATION_STAFF),
    "station.arrive": workspace(422, Role.WORKSTATION_STAFF),  # no arrival chosen
    "station.supply_lists": workspace(200, Role.WORKSTATION_STAFF),
    "station.employers": workspace(200, Role.WORKSTATION_STAFF),
    "station.posts": workspace(200, Role.WORKSTATION_STAFF),
    "station.edit_employer": workspace(404, Role.WORKSTATION_STAFF),  # no such employer
    "station.edit_post": workspace(404, Role.WORKSTATION_STAFF),  # no such post
    "station.close_post": workspace(404, Role.WORKSTATION_STAFF),
    "station.upload_supply": workspace(200, Role.WORKSTATION_STAFF),
    "station.supply_checked": workspace(404, Role.WORKSTATION_STAFF),  # no such upload
    "station.supply_report": workspace(404, Role.WORKSTATION_STAFF),
    "station.supply_confirm": workspace(404, Role.WORKSTATION_STAFF),
    "tasks.status": workspace(404, Role.COUNTY_STAFF, Role.WORKSTATION_STAFF),  # no such task
    "broker.served": workspace(200, Role.BROKER),
    "broker.posts": workspace(200, Role.BROKER),
    "broker.candidates": workspace(404, Role.BROKER),  # no such post
    "broker.recommend": workspace(404, Role.BROKER),  # no such post
    "broker.dispatches": workspace(200, Role.BROKER),
    "broker.claims": workspace(200, Role.BROKER),
    "dispatch.new": workspace(200, Role.BROKER),
    "dispatch.detail": workspace(404, Role.BROKER),  # no such dispatch
    "dispatch.add_passenger": workspace(404, Role.BROKER),
    "dispatch.remove_passenger": workspace(404, Role.BROKER),
    "dispatch.depart_now": workspace(404, Role.BROKER),
    "alerts.index": workspace(200, Role.COUNTY_STAFF),
    # The placements workspace is shared by the three roles that move a placement along.
    "placements.index": workspace(200, Role.COUNTY_STAFF, Role.BROKER, Role.WORKSTATION_STAFF),
    "placements.detail": workspace(404, Role.COUNTY_STAFF, Role.BROKER, Role.WORKSTATION_STAFF),  # no such placement
    "placements.hire": workspace(404, Role.COUNTY_STAFF, Role.BROKER, Role.WORKSTATION_STAFF),
    "placements.start": workspace(404, Role.COUNTY_STAFF, Role.BROKER, Role.WORKSTATION_STAFF),
    "placements.cancel": workspace(404, Role.COUNTY_STAFF, Role.BROKER, Role.WORKSTATION_STAFF),
    # Every staff role has an inbox; seekers read theirs on their own pages.
    "inbox.index": workspace(200, Role.COUNTY_STAFF, Role.BROKER, Role.WORKSTATION_STAFF),
    "inbox.read": workspace(404, Role.COUNTY_STAFF, Role.BROKER, Role.WORKSTATION_STAFF),  # no such message
    "inbox.read_all": workspace(302, Role.COUNTY_STAFF, Role.BROKER, Role.WORKSTATION_STAFF),
    "service.runs": admin_only(200),
    "service.outbox": admin_only(200),
    "broker.interest": workspace(200, Role.BROKER),
    "county.interest": workspace(200, Role.COUNTY_STAFF),
    # The seeker's phone pages: sign-in by SMS code is open (a signed-in seeker goes on to the offers), the code
    # step without a number asked for goes back to the first step.
    "seeker.login": {ANONYMOUS: 200, **{role: 200 for role in ALL_ROLES}, Role.SEEKER: 302},
    "seeker.code": {role: 302 for role in EVERYONE},
    "seeker.logout": {role: 302 for role in EVERYONE},
    "seeker.offers": phone_pages(200),
    "seeker.interest": phone_pages(303),  # no answer chosen: back to the offers
    "seeker.messages": phone_pages(200),
    "seeker.read": phone_pages(404),  # no such message
    "seeker.work": phone_pages(200),
    "seeker.subsidies": phone_pages(200),
    "seeker.info": phone_pages(200),
    # The REST API answers bearer tokens only: a browser session (or nobody) gets 401 on every resource, the
    # per-role answers are in tests/web/api/. Its document and docs are public. POST routes here carry the
    # form's CSRF token but no bearer token; the token endpoint then refuses the form body (not JSON) with 422.
    "api-docs.openapi_json": {role: 200 for role in EVERYONE},
    "api_docs.docs": {role: 200 for role in EVERYONE},
    "api_docs.asset": {role: 200 for role in EVERYONE},
    "api_auth.token": {role: 422 for role in EVERYONE},
    "api_auth.revoke": {role: 422 for role in EVERYONE},  # DELETE on the token URL; the walk POSTs it
    **{endpoint: {role: 401 for role in EVERYONE} for endpoint in (
        "api_me.whoami", "api_me.my_offers", "api_me.my_placements", "api_me.my_claims", "api_people.list_people", "api_people.get_person",
        "api_people.person_offers", "api_posts.list_posts", "api_posts.get_post", "api_placements.list_placements",
        "api_placements.get_placement", "api_claims.list_claims", "api_claims.get_claim", "api_claims.approve",
        "api_claims.reject", "api_claims.pay", "api_dispatches.list_dispatches", "api_dispatches.get_dispatch",
        "api_me_seeker.answer", "api_me_seeker.messages", "api_me_seeker.read_message")},
    # The API's staff lists and actions (web/api/staff.py); per-role answers in tests/web/api/test_api_staff.py.
    **{endpoint: {role: 401 for role in EVERYONE} for endpoint in (
        "api_matches.list_matches", "api_pushes.list_pushes", "api_training_courses.list_training_courses",
        "api_people.reveal", "api_claims.revoke")},
}

# Values for the routes' variables, from the accounts of every role.
URL_VALUES = {
    "user_id": lambda accounts: accounts[Role.SEEKER].user_id,
    "filename": lambda accounts: "bangfu.css",
    "person_id": lambda accounts: accounts[Role.SEEKER].person_id,  # a 宁乡 worker: inside the county's scope
    "claim_id": lambda accounts: 999_999,
    "placement_id": lambda accounts: 999_999,
    "member_id": lambda accounts: 999_999,
    "post_id": lambda accounts: 999_999,
    "dispatch_id": lambda accounts: 999_999,
    "match_id": lambda accounts: 999_999,
    "message_id": lambda accounts: 999_999,
    "asset_name": lambda accounts: "swagger-ui.css",
    "employer_id": lambda accounts: 999_999,
    "token": lambda accounts: "no-such-upload",
    "suffix": lambda accounts: "xlsx",
    "task_id": lambda accounts: 999_999,
}
# Query strings a GET route is also walked with (read-only questions must stay read-only).
QUERIES = {
    "admin.which_policy": "?region=430182&day=2024-03-01",
    "admin.audit_log": "?action=auth.&date_from=2026-01-01",
    "admin.users": "?page=2",
    "people.search": "?name=李&status=unemployed&id_tail=12X4",
    "county.claims": "?view=pay&page=2",
    "station.arrivals": "?all=1",
    "placements.index": "?status=hired&text=李&page=2",
    "station.posts": "?text=焊&status=closed&list=3&employer=x&page=2",
    "station.employers": "?text=东莞",
    "station.supply_lists": "?text=2026&page=9",
    "broker.served": "?wanted=电焊&page=3",
    "alerts.index": "?all=1&page=2",
    "inbox.index": "?page=2",
    "service.runs": "?job=job_loss&status=failed",
    "service.outbox": "?status=failed&channel=sms&kind=job_loss",
}
REQUIRED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


SIGN_OUTS = ("auth.logout", "seeker.logout")


def routes(app):
    """Every rule, signing out last so the walk keeps its session."""
    rules = [rule for rule in app.url_map.iter_rules()]
    return sorted(rules, key=lambda rule: (rule.endpoint in SIGN_OUTS, rule.endpoint))


def url_for_rule(rule, accounts) -> str:
    values = {name: URL_VALUES[name](accounts) for name in rule.arguments}
    return rule.build(values)[1]


def assert_security_headers(response) -> None:
    for name, value in REQUIRED_HEADERS.items():
        assert response.headers.get(name) == value, (name, response.request.path)
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def client_for(app, role, accounts):
    client = app.test_client()
    if role != ANONYMOUS:
        assert sign_in(client, accounts[role].username, accounts[role].password).status_code == 302
    return client


def form_token(client, role) -> str:
    """A CSRF token for the next form post (from the sign-in page once a sign-out ended the session)."""
    page = client.get("/login" if role == ANONYMOUS else "/account/password")
    if page.status_code == 302:
        page = client.get("/login")
    return csrf_token(page.get_data(as_text=True))


def test_every_route_has_an_entry(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = endpoints - set(ACCESS)
    assert not missing, f"routes without an access-matrix entry: {sorted(missing)}"
    assert not set(ACCESS) - endpoints, f"entries for routes that no longer exist: {sorted(set(ACCESS) - endpoints)}"
    for endpoint, expected in ACCESS.items():
        assert set(expected) == set(EVERYONE), f"{endpoint} does not say what every role gets"


@pytest.mark.parametrize("role", EVERYONE, ids=str)
def test_the_access_matrix(app, people_of_every_role, role):
    client = client_for(app, role, people_of_every_role)
    answers = {}
    for rule in routes(app):
        url = url_for_rule(rule, people_of_every_role)
        if "GET" in rule.methods:
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": form_token(client, role)})
        assert_security_headers(response)
        answers[rule.endpoint] = response.status_code
        response.close()  # a static file answers with an open file
    expected = {endpoint: statuses[role] for endpoint, statuses in ACCESS.items()}
    assert answers == expected


def snapshot(runtime) -> dict[str, list]:
    """Every stored row except the audit log's (reading a page may be audited; it must change nothing else)."""
    with runtime.db.session() as session:
        return {
            table.name: [tuple(row) for row in session.execute(select(table).order_by(*table.primary_key.columns))]
            for table in Base.metadata.sorted_tables
            if table.name not in ("audit_event", "audit_chain_head")  # sign-in and denials are audited
        }


@pytest.mark.parametrize("role", EVERYONE, ids=str)
def test_no_get_changes_anything_stored(app, runtime, people_of_every_role, role):
    client = client_for(app, role, people_of_every_role)
    before = snapshot(runtime)
    walked = 0
    for rule in routes(app):
        if "GET" not in rule.methods:
            continue
        url = url_for_rule(rule, people_of_every_role)
        for query in ("", QUERIES.get(rule.endpoint, "")):
            response = client.get(url + query)
            assert response.status_code < 500, url + query
            response.close()
            walked += 1
        assert snapshot(runtime) == before, f"GET {url} changed stored data"
    assert walked >= len([r for r in app.url_map.iter_rules() if "GET" in r.methods])


def test_error_answers_carry_the_security_headers_too(client, people_of_every_role):
    assert_security_headers(client.get("/no-such-page"))
    assert_security_headers(client.post("/login", data={"username": "x"}))  # CSRF refusal
    assert_security_headers(client.get("/logout"))  # 405


def test_signed_in_pages_are_never_cached(client, signed_in):
    signed_in(Role.COUNTY_STAFF)
    assert client.get("/").headers["Cache-Control"] == "no-store"



def test_every_form_post_is_refused_without_the_csrf_token(app, runtime, people_of_every_role):
    client = client_for(app, Role.ADMIN, people_of_every_role)
    before = snapshot(runtime)
    posted = 0
    for rule in routes(app):
        if "POST" not in rule.methods:
            continue
        response = client.post(url_for_rule(rule, people_of_every_role), data={"username": "x", "name": "x"})
        assert response.status_code == 400, rule.endpoint
        assert "安全校验码" in response.get_data(as_text=True)
        posted += 1
    assert posted >= 8
    assert snapshot(runtime) == before
    assert client.get("/").status_code == 200  # still signed in: the refused sign-out did nothing


def test_pages_load_nothing_from_elsewhere_and_have_no_inline_script(app, people_of_every_role):
    client = client_for(app, Role.ADMIN, people_of_every_role)
    for rule in routes(app):
        if "GET" not in rule.methods or rule.endpoint in ("static", "api_docs.asset", "pages.healthz", "auth.login"):
            continue
        response = client.get(url_for_rule(rule, people_of_every_role))
        if response.headers.get("Content-Disposition", "").startswith("attachment"):
            continue  # a file to download (xlsx, a printable list), not a page shown under the site's CSP
        page = response.get_data(as_text=True)
        for outside in ('src="http', "src='http", 'href="http', "href='http", 'src="//', 'href="//'):
            assert outside not in page, (rule.endpoint, outside)
        # Scripts only from this site's own files (the API docs page), never inline.
        assert page.count("<script") == page.count('<script src="/'), rule.endpoint
        assert " style=" not in page and "<style" not in page, rule.endpoint


# Routes naming a stored object, walked with an object outside the user's scope: 404 (its existence is not
# disclosed), while the matrix above walks them with one inside (200).
OUTSIDE_SCOPE = {
    "people.detail": (Role.COUNTY_STAFF, Role.BROKER),
}


@pytest.mark.parametrize("endpoint", sorted(OUTSIDE_SCOPE))
def test_an_object_outside_the_users_scope_answers_404(app, runtime, people_of_every_role, endpoint):
    from tests.factories import make_person

    with runtime.db.transaction() as session:
        outside = make_person(session, runtime.vault, name="湘潭人", household_region_code="430321").id
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    for role in OUTSIDE_SCOPE[endpoint]:
        client = client_for(app, role, people_of_every_role)
        inside = client.get(url_for_rule(rule, people_of_every_role))
        assert inside.status_code == 200, role
        assert client.get(rule.build({"person_id": outside})[1]).status_code == 404, role
