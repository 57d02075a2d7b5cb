"""The staff lists and actions of the API beyond people, posts, placements, dispatches and claims: matches,
pushes, the training catalogue, revealing one person's clear numbers (with a reason, audited) and revoking a
claim. Same rules as everywhere: inside the scope listed, outside 404 (or simply not listed), an action the role
may never take 403, no valid bearer token 401."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jobs.storage.models import AuditEvent
from tests.web.api.conftest import USERS

NEW_ENDPOINTS = ("/api/v1/matches", "/api/v1/pushes", "/api/v1/training-courses")


# ------------------------------------------------------------------------------------------------------------
# Matches


@pytest.mark.parametrize(("user", "people"), [
    ("county", {"ningxiang_old_code"}),  # the county's people (a retired household code counts as 宁乡)
    ("broker_x", {"ningxiang_old_code"}),  # the people the broker serves
    ("admin", {"ningxiang_old_code"}),
    ("other_county", set()),
    ("broker_y", {"ningxiang_old_code"}),  # broker Y recruits in 宁乡 too: the area's people are served by both
    ("workstation", set()),  # workstations do not see offers
    ("seeker", set()),  # a seeker only their own (this one is placed: no live offers)
])
def test_matches_list_the_offers_of_the_people_one_looks_after(client, api_world, service_world, user, people):
    body = client.get("/api/v1/matches?per_page=100", headers=api_world.bearer[user]).json
    assert {item["person_id"] for item in body["items"]} == {api_world.ids[name] for name in people}
    assert body["total"] == len(body["items"])
    for item in body["items"]:
        assert item["reasons"] and item["title"] and item["status"] == "已匹配"
        assert "id_number" not in item and "phone" not in item


def test_matches_filter_on_person_post_and_status(client, api_world, service_world):
    county = api_world.bearer["county"]
    person = api_world.ids["ningxiang_old_code"]
    by_post = client.get(f"/api/v1/matches?post_id={service_world.open_post}", headers=county).json
    assert [item["id"] for item in by_post["items"]] == [service_world.matches["ningxiang_old_code"]]
    assert client.get(f"/api/v1/matches?person_id={person}", headers=county).json["total"] == 2
    assert client.get("/api/v1/matches?status=proposed", headers=county).json["total"] == 2
    assert client.get("/api/v1/matches?status=declined", headers=county).json["total"] == 0
    outside = client.get(f"/api/v1/matches?person_id={api_world.ids['ningxiang_old_code']}",
                         headers=api_world.bearer["other_county"]).json
    assert outside["items"] == [] and outside["total"] == 0  # another county's person: nothing, as if none
    bad = client.get("/api/v1/matches?status=hired", headers=county)
    assert bad.status_code == 422 and list(bad.json["errors"]) == ["status"]


# ------------------------------------------------------------------------------------------------------------
# Pushes


@pytest.mark.parametrize(("user", "people"), [
    ("county", {"ningxiang"}),
    ("other_county", {"xiangtan"}),
    ("workstation", {"ningxiang", "xiangtan"}),  # the workers placed in its city
    ("other_workstation", set()),
    ("seeker", {"ningxiang"}),
    ("admin", {"ningxiang", "xiangtan"}),
])
def test_pushes_list_what_the_people_one_looks_after_received(client, api_world, service_world, user, people):
    body = client.get("/api/v1/pushes", headers=api_world.bearer[user]).json
    assert {item["id"] for item in body["items"]} == {service_world.pushes[name] for name in people}
    assert all(item["kind"] == "职业指导" for item in body["items"])


def test_pushes_filter_on_person_kind_and_china_dates(client, api_world, service_world):
    admin = api_world.bearer["admin"]

    def ids(query: str) -> set[int]:
        response = client.get(f"/api/v1/pushes?{query}", headers=admin)
        assert response.status_code == 200, response.get_data(as_text=True)
        return {item["id"] for item in response.json["items"]}

    ningxiang, xiangtan = service_world.pushes["ningxiang"], service_world.pushes["xiangtan"]
    assert ids(f"person_id={api_world.ids['xiangtan']}") == {xiangtan}
    assert ids("kind=guidance") == {ningxiang, xiangtan}
    assert ids("kind=job") == set()
    assert ids("date_from=2026-11-21") == {xiangtan}
    assert ids("date_to=2026-11-20") == {ningxiang}  # the last day counts whole, in China time
    assert ids("date_from=2026-11-20&date_to=2026-11-23") == {ningxiang, xiangtan}
    backwards = client.get("/api/v1/pushes?date_from=2026-11-23&date_to=2026-11-20", headers=admin)
    assert backwards.status_code == 422 and list(backwards.json["errors"]) == ["date_to"]
    assert client.get("/api/v1/pushes?date_from=2026/11/20", headers=admin).status_code == 422


# ------------------------------------------------------------------------------------------------------------
# The training catalogue


@pytest.mark.parametrize("user", USERS)
def test_every_role_reads_the_training_catalogue(client, api_world, service_world, user):
    body = client.get("/api/v1/training-courses", headers=api_world.bearer[user]).json
    assert [item["id"] for item in body["items"]] == [service_world.course]
    course = body["items"][0]
    assert course["place"] == "湖南省长沙市宁乡市" and course["subsidy"] == "800.00" and course["cost"] == "0.00"


def test_the_training_catalogue_filters_on_region_occupation_and_start(client, api_world, service_world):
    county = api_world.bearer["county"]

    def total(query: str) -> int:
        response = client.get(f"/api/v1/training-courses?{query}", headers=county)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.json["total"]

    assert total("region=430124") == 1  # the retired code of 宁乡 finds 宁乡's courses
    assert total("region=4419") == 0
    assert total("starting_from=2026-12-01") == 1 and total("starting_from=2026-12-02") == 0
    assert total("occupation=6") == 0
    unknown = client.get("/api/v1/training-courses?region=999999", headers=county)
    assert unknown.status_code == 422 and list(unknown.json["errors"]) == ["region"]


# ------------------------------------------------------------------------------------------------------------
# Revealing one person's clear numbers


@pytest.mark.parametrize(("user", "person", "expected"), [
    ("county", "ningxiang", 200),
    ("broker_x", "ningxiang", 200),  # to phone a worker it serves
    ("admin", "xiangtan", 200),
    ("county", "xiangtan", 404),  # another county's person: as if missing
    ("broker_x", "xiangtan", 404),
    ("workstation", "xiangtan", 403),  # sees the worker, may never reveal
    ("seeker", "ningxiang", 403),
])
def test_revealing_numbers_needs_a_role_that_may_and_is_audited(client, api_world, runtime, user, person,
                                                                 expected):
    response = client.post(f"/api/v1/people/{api_world.ids[person]}/reveal",
                           json={"reason": "电话回访就业意向", "fields": ["phone", "id_number"]},
                           headers=api_world.bearer[user])
    assert response.status_code == expected, response.get_data(as_text=True)
    with runtime.db.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "reveal")).all()
    if expected == 200:
        assert response.json["phone"] == "13800138000" and len(response.json["id_number"]) == 18
        assert [e.after["reason"] for e in events] == ["电话回访就业意向"]
        assert events[0].object_id == str(api_world.ids[person])
    else:
        assert response.mimetype == "application/problem+json" and events == []


def test_a_reveal_without_a_reason_or_with_unknown_fields_is_refused(client, api_world):
    url = f"/api/v1/people/{api_world.ids['ningxiang']}/reveal"
    county = api_world.bearer["county"]
    assert client.post(url, json={}, headers=county).json["errors"] == {"reason": ["必填字段"]}
    short = client.post(url, json={"reason": "看看"}, headers=county)
    assert short.status_code == 422 and list(short.json["errors"]) == ["reason"]
    bad = client.post(url, json={"reason": "电话回访就业意向", "fields": ["address"]}, headers=county)
    assert bad.status_code == 422 and list(bad.json["errors"]) == ["fields.0"]  # the wrong item named
    only_phone = client.post(url, json={"reason": "电话回访就业意向"}, headers=county).json
    assert only_phone["phone"] == "13800138000" and only_phone["id_number"] is None


# ------------------------------------------------------------------------------------------------------------
# Revoking a claim


@pytest.mark.parametrize(("user", "expected"), [("county", 200), ("admin", 200), ("broker_x", 403),
                                                ("seeker", 403), ("other_county", 404), ("workstation", 404)])
def test_revoking_an_approved_claim_is_the_county_s_job(client, api_world, user, expected):
    claim = api_world.ids["claim_x"]
    assert client.post(f"/api/v1/claims/{claim}/approve", headers=api_world.bearer["county"]).status_code == 200
    response = client.post(f"/api/v1/claims/{claim}/revoke", json={"reason": "核查发现虚报就业"},
                           headers=api_world.bearer[user])
    assert response.status_code == expected, response.get_data(as_text=True)
    if expected == 200:
        assert response.json["status"] == "已撤销"
    else:
        assert response.mimetype == "application/problem+json" and response.json["detail"]


def test_only_an_approved_or_paid_claim_can_be_revoked_and_only_with_a_reason(client, api_world):
    claim, county = api_world.ids["claim_x"], api_world.bearer["county"]
    eligible = client.post(f"/api/v1/claims/{claim}/revoke", json={"reason": "核查发现虚报就业"}, headers=county)
    assert eligible.status_code == 409  # not approved yet: reject it instead
    assert client.post(f"/api/v1/claims/{claim}/revoke", json={}, headers=county).json["errors"] == \
        {"reason": ["必填字段"]}
    client.post(f"/api/v1/claims/{claim}/approve", headers=county)
    client.post(f"/api/v1/claims/{claim}/pay", json={"reference": "ZF-1", "paid_on": "2026-11-24"}, headers=county)
    revoked = client.post(f"/api/v1/claims/{claim}/revoke", json={"reason": "核查发现虚报就业"}, headers=county)
    assert revoked.status_code == 200 and revoked.json["status"] == "已撤销"
    again = client.post(f"/api/v1/claims/{claim}/revoke", json={"reason": "核查发现虚报就业"}, headers=county)
    assert again.status_code == 409


# ------------------------------------------------------------------------------------------------------------
# Without a token


def test_the_new_endpoints_want_a_valid_bearer_token(client, api_world):
    person, claim = api_world.ids["ningxiang"], api_world.ids["claim_x"]
    for method, url in [*(("GET", u) for u in NEW_ENDPOINTS), ("POST", f"/api/v1/people/{person}/reveal"),
                        ("POST", f"/api/v1/claims/{claim}/revoke")]:
        for headers in ({}, {"Authorization": "Bearer bf_not-a-token"}):
            refused = client.open(url, method=method, json={"reason": "电话回访就业意向"}, headers=headers)
            assert refused.status_code == 401, (url, headers)
            assert refused.mimetype == "application/problem+json"


@pytest.mark.parametrize("url", NEW_ENDPOINTS)
def test_the_new_lists_paginate(client, api_world, service_world, url):
    admin = api_world.bearer["admin"]
    first = client.get(f"{url}?per_page=1", headers=admin).json
    assert first["page"] == 1 and first["per_page"] == 1 and len(first["items"]) == min(1, first["total"])
    assert client.get(f"{url}?per_page=101", headers=admin).status_code == 422
