"""``bangfu policy list|show|check|load|which`` (docs/formats.md: --format json, exit 2 on bad input)."""

from __future__ import annotations

import json
from pathlib import Path

from web.cli import cli
from tests.web.clirun import json_of

NEWER = Path(__file__).parents[1] / "jobs" / "subsidy" / "scenarios" / "packs" / "hunan-2026-demo.yaml"


def _json(result):
    return json_of(result)


def test_policy_list_shows_the_five_shipped_packs(runner) -> None:
    documents = _json(runner.invoke(cli, ["policy", "list", "--format", "json"]))
    assert [d["document_number"] for d in documents] == [
        "皖人社发〔2021〕10号", "湘人社发〔2017〕58号", "湘人社规〔2021〕10号", "人社部发〔2021〕26号", "友人社联发〔2022〕1号"]


def test_policy_show_lists_the_rules_with_their_articles(runner) -> None:
    document = _json(runner.invoke(cli, ["policy", "show", "youyi-2022-1", "--format", "json"]))
    transport = next(r for r in document["rules"] if r["kind"] == "transport")
    assert (transport["article"], transport["fund"]) == ("第三条", "衔接推进乡村振兴补助资金")


def test_policy_show_of_an_unknown_pack_exits_2(runner) -> None:
    result = runner.invoke(cli, ["policy", "show", "nowhere-2030"])
    assert result.exit_code == 2 and "没有找到政策文件" in result.output


def test_policy_check_accepts_a_valid_pack(runner) -> None:
    document = _json(runner.invoke(cli, ["policy", "check", str(NEWER), "--format", "json"]))
    assert document == {"file": str(NEWER), "valid": True, "id": "hunan-2026-demo",
                        "document_number": "湘人社规〔2026〕1号（测试）", "rules": 2}


def test_policy_check_explains_errors_in_chinese_and_exits_2(runner, tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(NEWER.read_text(encoding="utf-8").replace('fixed: "400.00"', "fixed: 400")
                   .replace("effective_from: 2026-01-01", "effective_from: someday"), encoding="utf-8")
    result = runner.invoke(cli, ["policy", "check", str(bad), "--format", "json"])
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["valid"] is False
    assert any(m.startswith("effective_from") for m in document["errors"])
    assert any(m.startswith("rules[0].amount") for m in document["errors"])


def test_a_newer_pack_is_loaded_versioned_and_then_governs(runner, tmp_path) -> None:
    first = _json(runner.invoke(cli, ["policy", "load", str(NEWER), "--format", "json"]))
    assert (first["outcome"], first["version"]) == ("created", 1)
    changed = tmp_path / "hunan-2026-demo.yaml"
    changed.write_text(NEWER.read_text(encoding="utf-8").replace('"400.00"', '"450.00"'), encoding="utf-8")
    second = _json(runner.invoke(cli, ["policy", "load", str(changed), "--format", "json"]))
    assert (second["outcome"], second["version"]) == ("new_version", 2)
    answer = _json(runner.invoke(cli, ["policy", "which", "430124", "2026-03-01", "--format", "json"]))
    assert (answer["region"], answer["pack_id"], answer["version"]) == ("430182", "hunan-2026-demo", 2)
    assert "湖南省（43）" in answer["explanation"]


def test_policy_which_explains_that_expired_packs_are_not_stretched(runner) -> None:
    answer = _json(runner.invoke(cli, ["policy", "which", "230522", "2026-03-01", "--format", "json"]))
    assert answer["policy"] is None
    assert "均不在有效期内" in answer["explanation"]


def test_policy_which_with_a_bad_date_exits_2(runner) -> None:
    result = runner.invoke(cli, ["policy", "which", "430182", "2026-13-01"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_policy_list_prints_load_times_in_utc_with_their_offset(runner) -> None:
    documents = _json(runner.invoke(cli, ["policy", "list", "--format", "json"]))
    assert all(d["loaded_at"].endswith("+00:00") for d in documents)
