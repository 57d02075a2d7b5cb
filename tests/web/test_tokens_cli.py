"""``bangfu token create USERNAME [--days N]`` and ``bangfu token revoke ID``."""

from __future__ import annotations

import datetime as dt

from jobs.storage.enums import Role
from tests.web.clirun import json_of, succeeded
from web.cli import cli


def test_a_created_token_opens_the_api_until_revoked(runner, client, people_of_every_role, frozen_clock):
    made = json_of(runner.invoke(cli, ["token", "create", people_of_every_role[Role.BROKER].username, "--days", "7",
                                       "--format", "json"]))
    assert dt.datetime.fromisoformat(made["expires_at"]) == dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
    headers = {"Authorization": f"Bearer {made['access_token']}"}
    assert client.get("/api/v1/me", headers=headers).json["role"] == "broker"
    done = succeeded(runner.invoke(cli, ["token", "revoke", str(made["token_id"])]))
    assert "已撤销" in done.stdout
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_create_refuses_an_unknown_user_and_too_many_days(runner, people_of_every_role):
    unknown = runner.invoke(cli, ["token", "create", "nobody"])
    assert unknown.exit_code != 0 and "nobody" in unknown.output
    assert runner.invoke(cli, ["token", "create", "broker", "--days", "1000"]).exit_code == 2
