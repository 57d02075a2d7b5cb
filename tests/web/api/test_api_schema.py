"""Input validation (unknown fields and bad values refused with each field named, in Chinese) and the OpenAPI
document: valid OpenAPI 3, listing every /api/v1 route, with interactive docs served from this app only."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

from web.api import PREFIX

NOT_IN_THE_DOCUMENT = {"api-docs.openapi_json", "api_docs.docs", "api_docs.asset"}


def test_an_unknown_body_field_is_refused_with_its_name(client, api_world):
    response = client.post(f"/api/v1/claims/{api_world.ids['claim_x']}/reject",
                           json={"reason": "材料不全", "approved": True}, headers=api_world.bearer["county"])
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"] == {"approved": ["不允许的字段"]}
    assert response.json["title"] == "提交的数据有误"


def test_the_token_request_refuses_unknown_fields_too(client):
    response = client.post("/api/v1/auth/token", json={"username": "a", "password": "b", "days": 365})
    assert response.status_code == 422 and response.json["errors"] == {"days": ["不允许的字段"]}


@pytest.mark.parametrize(("query", "field"), [("per_page=101", "per_page"), ("page=0", "page"),
                                              ("status=hired", "status"), ("bogus=1", "bogus"),
                                              ("id_tail=12", "id_tail")])
def test_bad_query_values_are_named(client, api_world, query, field):
    response = client.get(f"/api/v1/people?{query}", headers=api_world.bearer["county"])
    assert response.status_code == 422, response.get_data(as_text=True)
    assert list(response.json["errors"]) == [field]
    assert all(message for message in response.json["errors"][field])


def test_a_bad_date_and_a_missing_field_are_named(client, api_world):
    response = client.post(f"/api/v1/claims/{api_world.ids['claim_x']}/pay", json={"paid_on": "31/12/2024"},
                           headers=api_world.bearer["county"])
    assert response.status_code == 422
    assert response.json["errors"] == {"paid_on": ["须为日期（YYYY-MM-DD）"], "reference": ["必填字段"]}


def test_the_openapi_document_is_valid_and_lists_every_api_route(app, client):
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    document = response.json
    validate(document)
    assert document["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, item in document["paths"].items() for method in item
                  if method in ("get", "post", "put", "patch", "delete")}
    routed = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX) or rule.endpoint in NOT_IN_THE_DOCUMENT:
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        routed |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routed and routed == documented
    assert document["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    assert document["paths"][f"{PREFIX}/auth/token"]["post"]["security"] == []


def test_the_docs_page_loads_only_this_app_s_files(client):
    page = client.get(f"{PREFIX}/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"{PREFIX}/openapi.json" in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(source.startswith("/") and not source.startswith("//") for source in sources)
    for source in sources:
        if source.endswith((".js", ".css")):
            asset = client.get(source)
            assert asset.status_code == 200, source
            assert asset.data.strip()
            asset.close()
    assert client.get(f"{PREFIX}/docs/assets/index.html").status_code == 404  # only the listed files
