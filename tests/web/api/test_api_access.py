"""Every API endpoint × role: inside the caller's scope 200, outside 404 (exactly like a missing object), an
action the role may never take 403, no valid bearer token 401. The scopes are those of the pages (one
permission module): see tests/jobs/access/test_permissions.py for the rules themselves."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from tests.web.api.conftest import USERS

# (user, URL template with {object}, object, expected status)
DETAIL_CASES = [
    # People: the county its own households (a retired code counts as its successor), a broker the people it
    # serves, a workstation the workers placed in its city, a seeker themselves.
    ("county", "/api/v1/people/{}", "ningxiang", 200),
    ("county", "/api/v1/people/{}", "ningxiang_old_code", 200),
    ("county", "/api/v1/people/{}", "xiangtan", 404),
    ("other_county", "/api/v1/people/{}", "xiangtan", 200),
    ("other_county", "/api/v1/people/{}", "ningxiang", 404),
    ("broker_x", "/api/v1/people/{}", "ningxiang", 200),
    ("broker_y", "/api/v1/people/{}", "xiangtan", 200),
    ("workstation", "/api/v1/people/{}", "xiangtan", 200),
    ("other_workstation", "/api/v1/people/{}", "ningxiang", 404),
    ("seeker", "/api/v1/people/{}", "ningxiang", 200),
    ("seeker", "/api/v1/people/{}", "xiangtan", 404),
    ("admin", "/api/v1/people/{}", "xiangtan", 200),
    ("county", "/api/v1/people/{}/offers", "ningxiang", 200),
    ("county", "/api/v1/people/{}/offers", "xiangtan", 404),
    ("seeker", "/api/v1/people/{}/offers", "xiangtan", 404),
    # Posts: every staff role reads all posts; a seeker the posts offered to them or they were placed in.
    ("county", "/api/v1/posts/{}", "post", 200),
    ("other_workstation", "/api/v1/posts/{}", "post", 200),
    ("seeker", "/api/v1/posts/{}", "post", 200),
    # Placements: a broker never sees another broker's.
    ("broker_x", "/api/v1/placements/{}", "placement_x", 200),
    ("broker_x", "/api/v1/placements/{}", "placement_y", 404),
    ("broker_y", "/api/v1/placements/{}", "placement_x", 404),
    ("county", "/api/v1/placements/{}", "placement_x", 200),
    ("county", "/api/v1/placements/{}", "placement_y", 404),
    ("workstation", "/api/v1/placements/{}", "placement_y", 200),
    ("other_workstation", "/api/v1/placements/{}", "placement_x", 404),
    ("seeker", "/api/v1/placements/{}", "placement_x", 200),
    ("seeker", "/api/v1/placements/{}", "placement_y", 404),
    # Claims: the worker's county, the claiming broker, the worker; never a workstation.
    ("county", "/api/v1/claims/{}", "claim_x", 200),
    ("other_county", "/api/v1/claims/{}", "claim_x", 404),
    ("broker_x", "/api/v1/claims/{}", "claim_x", 200),
    ("broker_y", "/api/v1/claims/{}", "claim_x", 404),
    ("workstation", "/api/v1/claims/{}", "claim_x", 404),
    ("seeker", "/api/v1/claims/{}", "claim_x", 200),
    ("admin", "/api/v1/claims/{}", "claim_x", 200),
    # Dispatches: leaving the county, arriving in the workstation's city, organised by the broker.
    ("county", "/api/v1/dispatches/{}", "dispatch_x", 200),
    ("other_county", "/api/v1/dispatches/{}", "dispatch_x", 404),
    ("workstation", "/api/v1/dispatches/{}", "dispatch_x", 200),
    ("other_workstation", "/api/v1/dispatches/{}", "dispatch_x", 404),
    ("broker_x", "/api/v1/dispatches/{}", "dispatch_x", 200),
    ("broker_y", "/api/v1/dispatches/{}", "dispatch_x", 404),
    ("seeker", "/api/v1/dispatches/{}", "dispatch_x", 200),
]


@pytest.mark.parametrize(("user", "template", "obj", "expected"), DETAIL_CASES,
                         ids=[f"{u}-{t.split('/')[3]}{'-offers' if 'offers' in t else ''}-{o}" for u, t, o, _ in
                              DETAIL_CASES])
def test_a_detail_answers_inside_the_scope_and_404_outside(client, api_world, user, template, obj, expected):
    response = client.get(template.format(api_world.ids[obj]), headers=api_world.bearer[user])
    assert response.status_code == expected, response.get_data(as_text=True)
    if expected == 404:
        assert response.mimetype == "application/problem+json"
        assert response.json["status"] == 404 and response.json["title"] == "页面不存在"
        missing = client.get(template.format(999_999), headers=api_world.bearer[user])
        assert missing.status_code == 404  # outside the scope looks exactly like missing
        assert set(missing.json) == set(response.json)
    else:
        assert response.json["id" if "offers" not in template else "items"] is not None


# list endpoint → (user, ids of the listed objects expected, object names)
LIST_CASES = [
    ("/api/v1/people", "county", {"ningxiang", "ningxiang_old_code"}),
    ("/api/v1/people", "other_county", {"xiangtan"}),
    ("/api/v1/people", "seeker", {"ningxiang"}),
    ("/api/v1/people", "other_workstation", set()),
    ("/api/v1/placements", "broker_x", {"placement_x"}),
    ("/api/v1/placements", "workstation", {"placement_x", "placement_y"}),
    ("/api/v1/placements", "other_workstation", set()),
    ("/api/v1/claims?status=eligible", "workstation", set()),  # workstations do not handle subsidies
    ("/api/v1/dispatches", "county", {"dispatch_x"}),
    ("/api/v1/dispatches", "broker_y", set()),
    ("/api/v1/posts", "seeker", {"post"}),
]


@pytest.mark.parametrize(("url", "user", "names"), LIST_CASES, ids=[f"{u}-{url}" for url, u, _ in LIST_CASES])
def test_a_list_holds_exactly_what_the_caller_may_see(client, api_world, url, user, names):
    response = client.get(url, headers=api_world.bearer[user])
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.json
    assert {item["id"] for item in body["items"]} == {api_world.ids[name] for name in names}
    assert body["total"] == len(names) and body["page"] == 1


def test_claim_lists_filter_on_status_and_person(client, api_world):
    county = api_world.bearer["county"]
    eligible = client.get("/api/v1/claims?status=eligible", headers=county).json["items"]
    assert api_world.ids["claim_x"] in {c["id"] for c in eligible}
    other = client.get(f"/api/v1/claims?person_id={api_world.ids['ningxiang_old_code']}", headers=county).json
    assert other["items"] == [] and other["total"] == 0


def test_lists_paginate_with_a_total(client, api_world):
    first = client.get("/api/v1/people?per_page=1", headers=api_world.bearer["admin"]).json
    second = client.get("/api/v1/people?per_page=1&page=2", headers=api_world.bearer["admin"]).json
    assert first["total"] == second["total"] == 3 and first["pages"] == 3
    assert len(first["items"]) == len(second["items"]) == 1 and first["items"] != second["items"]


@pytest.mark.parametrize(("user", "expected"), [("county", 200), ("broker_x", 403), ("seeker", 403),
                                                ("other_county", 404), ("broker_y", 404), ("workstation", 404),
                                                ("admin", 200)])
def test_approving_a_claim_is_the_county_s_job(client, api_world, user, expected):
    response = client.post(f"/api/v1/claims/{api_world.ids['claim_x']}/approve", json={},
                           headers=api_world.bearer[user])
    assert response.status_code == expected, response.get_data(as_text=True)
    if expected == 200:
        assert response.json["status"] == "已审核"
    else:
        assert response.mimetype == "application/problem+json" and response.json["detail"]


def test_a_claim_is_approved_then_paid_once(client, api_world):
    county, claim = api_world.bearer["county"], api_world.ids["claim_x"]
    assert client.post(f"/api/v1/claims/{claim}/approve", headers=county).status_code == 200
    paid = client.post(f"/api/v1/claims/{claim}/pay", json={"reference": "ZF-2024-001", "paid_on": "2024-12-31"},
                       headers=county)
    assert paid.status_code == 200 and paid.json["status"] == "已发放"
    again = client.post(f"/api/v1/claims/{claim}/pay", json={"reference": "ZF-2024-002", "paid_on": "2024-12-31"},
                        headers=county)
    assert again.status_code == 409 and again.mimetype == "application/problem+json"


def test_a_claim_is_rejected_with_a_reason(client, api_world):
    claim = api_world.ids["claim_x"]
    missing = client.post(f"/api/v1/claims/{claim}/reject", json={}, headers=api_world.bearer["county"])
    assert missing.status_code == 422 and missing.json["errors"] == {"reason": ["必填字段"]}
    rejected = client.post(f"/api/v1/claims/{claim}/reject", json={"reason": "材料不全"},
                           headers=api_world.bearer["county"])
    assert rejected.status_code == 200 and rejected.json["status"] == "已驳回"
    assert client.post(f"/api/v1/claims/{claim}/reject", json={"reason": "x"},
                       headers=api_world.bearer["broker_x"]).status_code == 403


def test_me_and_my_offers(client, api_world):
    me = client.get("/api/v1/me", headers=api_world.bearer["seeker"])
    assert me.status_code == 200 and me.json["role"] == "seeker"
    assert me.json["person_id"] == api_world.ids["ningxiang"]
    offers = client.get("/api/v1/me/offers", headers=api_world.bearer["seeker"])
    assert offers.status_code == 200 and offers.json["total"] == len(offers.json["items"])
    for url in ("/api/v1/me/offers", "/api/v1/me/placements", "/api/v1/me/claims"):
        staff = client.get(url, headers=api_world.bearer["county"])
        assert staff.status_code == 403 and "求职者" in staff.json["detail"]


def test_my_offers_are_read_in_the_session_the_token_was_checked_in(client, api_world, runtime):
    seeker = api_world.bearer["seeker"]
    assert client.get("/api/v1/me/offers", headers=seeker).status_code == 200  # notes the token's use (a write)
    taken: list[object] = []

    def note(_dbapi_connection, record, _proxy) -> None:
        taken.append(record)

    event.listen(runtime.db.engine, "checkout", note)
    try:
        assert client.get("/api/v1/me/offers", headers=seeker).status_code == 200
    finally:
        event.remove(runtime.db.engine, "checkout", note)
    assert len(taken) == 1  # the same minute: no write, and one connection for the token and the offers


def test_a_seeker_s_own_placements_and_claims(client, api_world):
    seeker = api_world.bearer["seeker"]
    placements = client.get("/api/v1/me/placements", headers=seeker).json
    assert [p["id"] for p in placements["items"]] == [api_world.ids["placement_x"]]
    claims = client.get("/api/v1/me/claims", headers=seeker).json
    assert api_world.ids["claim_x"] in {c["id"] for c in claims["items"]}
    assert {c["person_id"] for c in claims["items"]} == {api_world.ids["ningxiang"]}


@pytest.mark.parametrize("user", USERS)
def test_every_resource_wants_a_valid_bearer_token(client, api_world, user):
    for url in ("/api/v1/me", "/api/v1/people", "/api/v1/posts", "/api/v1/placements", "/api/v1/claims",
                "/api/v1/dispatches", f"/api/v1/claims/{api_world.ids['claim_x']}/approve"):
        ask = client.post if url.endswith("/approve") else client.get
        if ask is client.get:
            assert ask(url, headers=api_world.bearer[user]).status_code == 200, (user, url)
        for headers in ({}, {"Authorization": "Bearer bf_not-a-token"}, {"Authorization": "Basic eDp5"}):
            refused = ask(url, headers=headers)
            assert refused.status_code == 401, (url, headers)
            assert refused.headers["WWW-Authenticate"] == "Bearer"
            assert refused.mimetype == "application/problem+json"


def test_output_never_carries_clear_or_encrypted_numbers(client, api_world, runtime):
    from jobs.storage.models import Person

    with runtime.db.session() as session:
        person = session.get(Person, api_world.ids["ningxiang"])
        clear = runtime.vault.decrypt(person.id_number_encrypted)
        encrypted = person.id_number_encrypted
    for url in (f"/api/v1/people/{api_world.ids['ningxiang']}", "/api/v1/people", "/api/v1/placements",
                "/api/v1/claims"):
        text = client.get(url, headers=api_world.bearer["admin"]).get_data(as_text=True)
        assert clear not in text and "encrypted" not in text
        assert (encrypted if isinstance(encrypted, str) else "\u0000") not in text
    detail = client.get(f"/api/v1/people/{api_world.ids['ningxiang']}", headers=api_world.bearer["county"]).json
    assert detail["id_masked"] == clear[:6] + "********" + clear[-4:]
