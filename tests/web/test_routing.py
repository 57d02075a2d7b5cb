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
