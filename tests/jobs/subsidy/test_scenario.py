"""The scenario runner (docs/formats.md): each shipped scenario file gives exactly its expected output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jobs.subsidy.scenario import ScenarioError, parse_scenario, run_scenario, run_scenario_file

SCENARIOS = Path(__file__).parent / "scenarios"
FILES = sorted(p for p in SCENARIOS.glob("*.json") if not p.name.endswith(".expected.json"))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario_file_gives_exactly_its_expected_claims(path: Path) -> None:
    expected = json.loads(path.with_name(f"{path.stem}.expected.json").read_text(encoding="utf-8"))
    assert run_scenario_file(path) == expected


def test_every_scenario_file_has_an_expected_output() -> None:
    assert FILES
    for path in FILES:
        assert path.with_name(f"{path.stem}.expected.json").exists(), path.name


MINIMAL = {
    "as_of": "2024-12-31",
    "people": [{"key": "p1", "name": "张三", "id_number": "430124199003154513", "category": "脱贫人口"}],
    "brokers": [{"key": "b1", "name": "宁乡市某劳务公司", "qualified": True, "region": "430182"}],
    "employers": [{"key": "e1", "name": "东莞市某电子有限公司", "region": "441900"}],
    "posts": [{"key": "j1", "employer": "e1", "title": "普工"}],
    "placements": [{"key": "pl1", "person": "p1", "post": "j1", "broker": "b1", "start_date": "2024-02-22",
                    "checks": [{"date": "2024-08-23", "employed": True}]}],
}


def test_omitted_optional_fields_take_their_defaults() -> None:
    scenario = parse_scenario(json.dumps(MINIMAL))
    placement = scenario.sections["placements"][0]
    assert placement["employment_type"] == "direct"
    assert placement["round_trip_cost"] is None and placement["end_date"] is None and placement["dispatch"] is None
    assert scenario.sections["brokers"][0]["kind"] == "agency"
    assert scenario.sections["people"][0]["household_region"] is None


def test_household_region_defaults_to_the_id_numbers_county_resolved_when_retired() -> None:
    # 430124 (宁乡县) was replaced by 430182 (宁乡市): the referral is judged for 宁乡市's worker.
    claims = run_scenario(json.dumps(MINIMAL))["claims"]
    referral = next(c for c in claims if c["kind"] == "referral")
    assert (referral["status"], referral["amount"], referral["policy"]) == ("eligible", "300.00", "湘人社规〔2021〕10号")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(colour="red"), "场景文件有未知字段：colour"),
        (lambda d: d["placements"][0].update(salary="5000"), "placements[0]有未知字段：salary"),
        (lambda d: d["placements"][0]["checks"][0].update(by="x"), "placements[0].checks[0]有未知字段：by"),
        (lambda d: d["people"][0].pop("id_number"), "people[0]缺少必填字段id_number"),
        (lambda d: d["placements"][0].update(round_trip_cost=420), "placements[0].round_trip_cost应为以元为单位"),
        (lambda d: d["people"][0].update(category="贫困户"), "people[0].category应为脱贫人口"),
        (lambda d: d["placements"][0].update(post="nope"), "placements[0]引用了不存在的岗位“nope”"),
        (lambda d: d.pop("as_of"), "缺少必填字段as_of"),
    ],
)
def test_a_bad_scenario_is_refused_with_a_clear_message(change, message: str) -> None:
    document = json.loads(json.dumps(MINIMAL))
    change(document)
    with pytest.raises(ScenarioError) as error:
        run_scenario(json.dumps(document))
    assert message in error.value.message


def test_invalid_json_says_where() -> None:
    with pytest.raises(ScenarioError, match="不是有效的JSON（第1行"):
        parse_scenario("{as_of: 1}")
