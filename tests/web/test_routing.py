"""Every ``int`` in a route is a row id: a number beyond what an id column holds is a 404 like any missing row,
never a 500 from the database driver (the API's side: tests/web/api/test_api_document.py)."""

from __future__ import annotations

from jobs.storage.enums import Role
from web.routing import MAX_ROW_ID


def test_a_page_with_an_id_beyond_any_row_is_404(client, signed_in):
    signed_in(Role.COUNTY_STAFF)
    assert client.get(f"/people/{2**63}").status_code == 404
    assert client.get(f"/people/{MAX_ROW_ID + 1}").status_code == 404
    assert client.get(f"/people/{MAX_ROW_ID}").status_code == 404  # the largest id: looked up, not found
    assert client.get("/people/0").status_code == 404


def test_a_nul_character_in_a_page_s_query_or_form_is_a_bad_request(client, signed_in):
    from tests.web.conftest import csrf_token

    token = csrf_token(client.get("/login").get_data(as_text=True))
    refused = client.post("/login", data={"csrf_token": token, "username": "admin\x00", "password": "x"})
    assert refused.status_code == 400  # was a 500 on PostgreSQL, which cannot store or compare it
    signed_in(Role.COUNTY_STAFF)
    assert client.get("/people/?name=%E6%9D%8E%00").status_code == 400
    assert client.get("/people/?name=%E6%9D%8E").status_code == 200
