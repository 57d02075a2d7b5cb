"""The ``bangfu`` command line: region resolution, the demo world, database upgrades."""

from __future__ import annotations

import json

import pytest

from web.cli import cli


def test_bangfu_help_lists_every_command(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("db", "region", "demo", "serve"):
        assert command in result.output


def test_region_resolve_gives_current_codes_for_short_forms_and_retired_codes(runner):
    inputs = ["湖南宁乡", "东莞长安", "430124", "230824", "342426", "浙江宁波北仑"]
    result = runner.invoke(cli, ["region", "resolve", *inputs, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [row["input"] for row in rows] == inputs
    assert [row["code"] for row in rows] == ["430182", "441900", "430182", "230522", "341524", "330206"]
    assert all(0 < row["confidence"] <= 1 and row["name"] for row in rows)


def test_region_resolve_says_when_a_place_is_ambiguous(runner):
    result = runner.invoke(cli, ["region", "resolve", "朝阳区", "--format", "json"])
    assert result.exit_code == 0
    (row,) = json.loads(result.stdout)
    assert row["code"] is None
    assert "北京" in row["error"] and "长春" in row["error"]


def test_region_resolve_takes_relative_places_against_a_home_county(runner):
    result = runner.invoke(cli, ["region", "resolve", "省内", "县内", "--home", "430182", "--format", "json"])
    rows = json.loads(result.stdout)
    assert [row["code"] for row in rows] == ["43", "430182"]


def test_db_upgrade_reports_the_newest_version(runner):
    result = runner.invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0 and "最新版本" in result.output


def test_demo_builds_a_believable_world_once(runner, runtime, frozen_clock):
    result = runner.invoke(cli, ["demo", "--workers", "300", "--posts", "60", "--no-simulate", "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["created"] is True
    assert summary["people"] == 300 and summary["posts"] == 60
    assert summary["workstations"] == 5 and summary["brokers"] == 6
    assert summary["dispatches"] == 6 and summary["placements"] > 20
    # The demo is matched and its subsidies evaluated, so every page has something to show.
    assert summary["matches"] > 100 and summary["claims"] > summary["placements"]
    again = json.loads(runner.invoke(cli, ["demo", "--format", "json"]).stdout)
    assert again["created"] is False and again["people"] == 300


@pytest.mark.slow
def test_demo_replays_the_past_year_so_the_service_standard_is_met_at_once(runner, runtime, frozen_clock):
    result = runner.invoke(cli, ["demo", "--workers", "40", "--posts", "20", "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["simulation"]["failed"] == [] and summary["simulation"]["runs"] > 365
    report = summary["service_report"]
    assert report["year"] == 2025 and report["counties"]
    for county in report["counties"]:
        assert county["met"] == county["eligible"] > 0 and county["laggards"] == []
    outbox = json.loads(runner.invoke(cli, ["outbox", "list", "--channel", "sms", "--format", "json"]).stdout)
    assert outbox and all(message["status"] == "sent" for message in outbox)
