"""Policy packs and scenarios are bounded: absurd amounts, counts, dates and nesting get a clear Chinese error,
never a traceback or a float in a money column; a pack that duplicates a loaded one is flagged."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from jobs.access.permissions import system_actor
from jobs.subsidy import PackError
from jobs.subsidy.packs import parse_pack
from jobs.subsidy.policy_store import load_text, seed_shipped
from jobs.subsidy.scenario import ScenarioError, parse_scenario
from jobs.storage.models import AuditEvent

SHIPPED = resources.files("jobs").joinpath("policies/hunan-2017-58.yaml").read_text(encoding="utf-8")


def errors_of(text: str) -> list[str]:
    with pytest.raises(PackError) as caught:
        parse_pack(text)
    return caught.value.messages


def test_an_amount_of_twenty_digits_is_refused_not_stored_as_a_float():
    text = SHIPPED.replace('fixed: "200.00"', 'fixed: "99999999999999999999.99"', 1)
    assert any("金额不能超过10,000,000.00元" in m for m in errors_of(text))


@pytest.mark.parametrize("amount", ["1e30", "10**30", "-1.00", "NaN"])
def test_amounts_that_are_not_plain_yuan_are_refused(amount):
    text = SHIPPED.replace('fixed: "200.00"', f'fixed: "{amount}"', 1)
    assert any("金额必须是非负小数" in m for m in errors_of(text))


def test_a_count_of_ten_to_the_thirty_is_refused():
    text = SHIPPED.replace("min_verified_months: 6", "min_verified_months: " + "1" + "0" * 30, 1)
    assert any("必须是1至1200的整数" in m for m in errors_of(text))


def test_an_impossible_date_is_named():
    text = SHIPPED.replace("effective_from: 2017-07-01", "effective_from: 2025-02-30", 1)
    assert any("日期“2025-02-30”不存在" in m for m in errors_of(text))


def test_five_thousand_nested_brackets_are_refused_with_where():
    [message] = errors_of("rules: " + "[" * 5000 + "]" * 5000)
    assert message.startswith("YAML嵌套超过50层（第1行")


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("as_of", "2025-02-30", "as_of的日期“2025-02-30”不存在"),
    ("as_of", "9999-01-01", "as_of的日期必须在1949-10-01至2100-12-31之间"),
])
def test_a_scenario_with_an_impossible_date_is_refused(field, value, expected):
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(json.dumps({field: value}))
    assert caught.value.message.startswith(expected)


def test_a_scenario_with_ten_to_the_thirty_or_1e30_or_deep_nesting_is_refused_cleanly():
    for text in ('{"as_of": "2025-01-01", "people": ' + "[" * 5000 + "]" * 5000 + "}",
                 '{"as_of": 1e30}', '{"as_of": ' + "1" + "0" * 30 + "}"):
        with pytest.raises(ScenarioError):
            parse_scenario(text)


def test_two_people_sharing_one_id_number_are_refused_not_merged():
    person = {"name": "张三", "id_number": "430182199003154517", "category": "脱贫人口"}
    text = json.dumps({"as_of": "2025-06-30", "people": [{"key": "a", **person}, {"key": "b", **person}]},
                      ensure_ascii=False)
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text)
    assert caught.value.message == "people中“a”和“b”的身份证号相同（430182********4517）：同一身份证号只能是同一个人。"


def test_a_pack_duplicating_a_shipped_one_is_flagged_and_its_audit_names_the_real_actor(session):
    seed_shipped(session)
    copy = SHIPPED.replace("id: hunan-2017-58", "id: hunan-2017-58-copy", 1)
    result = load_text(session, copy, source="copy.yaml", actor=system_actor("cli:clerk"))
    assert result.warnings and "同一文件" in result.warnings[0]
    event = session.query(AuditEvent).filter(AuditEvent.action == "policy_pack.load").order_by(
        AuditEvent.id.desc()).first()
    assert event.actor == "cli:clerk"
