"""``bangfu claims``: evaluation over the demo world, the ledger, the public notice and the fraud signals."""

from __future__ import annotations


import pytest
from openpyxl import load_workbook

from web.cli import cli
from tests.web.clirun import json_of, succeeded


@pytest.fixture
def demo_world(runner, frozen_clock):
    result = runner.invoke(cli, ["demo", "--workers", "300", "--posts", "60", "--no-simulate"])
    assert result.exit_code == 0, result.output


def test_evaluation_over_the_demo_is_idempotent(runner, demo_world):
    # The demo evaluated its claims as of today; as of mid-2025 some were still pending, so they change.
    first = json_of(runner.invoke(cli, ["claims", "evaluate", "--as-of", "2025-06-30", "--format", "json"]))
    assert first["placements"] > 0 and first["updated"] > 0
    assert first["created"] + first["updated"] + first["unchanged"] >= 2 * first["placements"]
    again = json_of(runner.invoke(cli, ["claims", "evaluate", "--as-of", "2025-06-30", "--format", "json"]))
    assert again["created"] == 0 and again["updated"] == 0
    assert again["unchanged"] == first["created"] + first["updated"] + first["unchanged"]


def test_the_ledger_and_the_public_notice_are_exported(runner, demo_world, tmp_path):
    succeeded(runner.invoke(cli, ["claims", "evaluate", "--as-of", "2025-06-30"]))
    ledger_file = tmp_path / "台账.xlsx"
    assert runner.invoke(cli, ["claims", "ledger", "-o", str(ledger_file)]).exit_code == 0
    sheet = load_workbook(ledger_file).active
    assert sheet.max_row > 1
    notice_file = tmp_path / "公示.html"
    result = runner.invoke(cli, ["claims", "notice", "-o", str(notice_file)])
    assert result.exit_code == 0
    html = notice_file.read_text(encoding="utf-8")
    assert "公示" in html and "********" in html


def test_an_output_file_of_the_wrong_kind_is_bad_usage(runner, tmp_path):
    result = runner.invoke(cli, ["claims", "ledger", "-o", str(tmp_path / "台账.pdf")])
    assert result.exit_code == 2 and "xlsx" in result.output


def test_fraud_signals_are_listed_for_review(runner, demo_world):
    succeeded(runner.invoke(cli, ["claims", "evaluate", "--as-of", "2025-06-30"]))
    result = runner.invoke(cli, ["claims", "signals", "--format", "json"])
    assert result.exit_code == 0
    signals = json_of(result)
    # The demo plants one round trip far above its route's median (jobs/demo.py, _round_trip_cost).
    costly = [signal for signal in signals if signal["kind"] == "cost_above_route_median"]
    assert len(costly) == 1 and "中位数" in costly[0]["message"]
