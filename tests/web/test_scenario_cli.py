"""``bangfu scenario run FILE`` (docs/formats.md and "Command contracts"): JSON on stdout, exit 2 on a bad file."""

from __future__ import annotations

import json
from pathlib import Path

from web.cli import cli
from tests.web.clirun import json_of

SCENARIOS = Path(__file__).parents[1] / "jobs" / "subsidy" / "scenarios"


def test_scenario_run_prints_the_expected_json(runner) -> None:
    result = runner.invoke(cli, ["scenario", "run", str(SCENARIOS / "anhui_2021.json")])
    assert result.exit_code == 0, result.output
    expected = json.loads((SCENARIOS / "anhui_2021.expected.json").read_text(encoding="utf-8"))
    assert json_of(result) == expected


def test_scenario_run_loads_an_extra_pack_given_on_the_command_line(runner) -> None:
    result = runner.invoke(cli, ["scenario", "run", str(SCENARIOS / "after_packs.json"),
                                 "--pack", str(SCENARIOS / "packs" / "hunan-2026-demo.yaml")])
    assert result.exit_code == 0, result.output
    expected = json.loads((SCENARIOS / "newer_pack_2026.expected.json").read_text(encoding="utf-8"))
    assert json_of(result) == expected


def test_unknown_fields_exit_2_with_a_clear_message(runner, tmp_path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"as_of": "2024-12-31", "peoples": []}), encoding="utf-8")
    result = runner.invoke(cli, ["scenario", "run", str(path)])
    assert result.exit_code == 2
    assert "场景文件有未知字段：peoples" in result.output


def test_a_missing_file_exits_2(runner, tmp_path) -> None:
    result = runner.invoke(cli, ["scenario", "run", str(tmp_path / "none.json")])
    assert result.exit_code == 2
    assert "无法读取场景文件" in result.output
