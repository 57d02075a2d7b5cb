"""Pack files: the five shipped packs load, and a bad pack fails with Chinese messages naming each path."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from importlib import resources

import pytest
import yaml

from jobs.subsidy import PackLevel, PackError, load_pack, parse_pack
from jobs.subsidy.schema import Scope

GOOD = {
    "id": "test-pack",
    "document_number": "测人社发〔2024〕1号",
    "title": "测试文件",
    "issuer": "测试局",
    "jurisdiction": ["522601"],
    "effective_from": "2024-01-01",
    "effective_to": "2025-12-31",
    "version": 1,
    "source": "测试",
    "rules": [
        {"id": "referral", "kind": "referral", "article": "第一条", "beneficiary": "broker",
         "categories": ["脱贫人口"], "conditions": {"min_verified_months": 6}, "amount": {"fixed": "300.00"}},
        {"id": "transport", "kind": "transport", "article": "第二条", "beneficiary": "worker",
         "categories": ["脱贫人口"], "amount": {"fixed": "100.00"}},
    ],
}


def _errors(data: dict | str) -> list[str]:
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    with pytest.raises(PackError) as caught:
        parse_pack(text, source="test.yaml")
    return caught.value.messages


def _with(path: str, value: object) -> dict:
    """GOOD with one value replaced; ``path`` like ``rules.1.amount``."""
    data = yaml.safe_load(yaml.safe_dump(GOOD, allow_unicode=True))
    *parents, last = path.split(".")
    target = data
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value
    return data


# --- shipped packs ----------------------------------------------------------------------------------------------


def test_the_five_shipped_packs_load_with_their_documents_and_periods(shipped):
    assert {(p.id, p.document_number, p.level, p.effective_from, p.effective_to) for p in shipped} == {
        ("national-2021-26", "人社部发〔2021〕26号", PackLevel.NATIONAL, dt.date(2021, 5, 6), dt.date(2025, 12, 31)),
        ("hunan-2021-10", "湘人社规〔2021〕10号", PackLevel.PROVINCE, dt.date(2021, 7, 26), dt.date(2025, 12, 31)),
        ("hunan-2017-58", "湘人社发〔2017〕58号", PackLevel.PROVINCE, dt.date(2017, 7, 1), dt.date(2020, 12, 31)),
        ("anhui-2021-10", "皖人社发〔2021〕10号", PackLevel.PROVINCE, dt.date(2021, 7, 7), dt.date(2025, 12, 31)),
        ("youyi-2022-1", "友人社联发〔2022〕1号", PackLevel.COUNTY, dt.date(2022, 1, 18), dt.date(2025, 12, 31)),
    }


def test_every_shipped_pack_has_a_referral_and_a_transport_rule_for_placements(shipped):
    for pack in shipped:
        assert pack.rule_for("referral") is not None, pack.id
        assert pack.rule_for("transport") is not None, pack.id


def test_every_shipped_rule_cites_its_article(shipped):
    assert all(rule.article for pack in shipped for rule in pack.rules)


def test_shipped_pack_files_are_named_after_their_ids(shipped):
    folder = resources.files("jobs").joinpath("policies")
    names = sorted(f.name for f in folder.iterdir() if f.name.endswith(".yaml"))
    assert names == sorted(f"{p.id}.yaml" for p in shipped)


def test_hunan_2021_referral_is_encoded_as_tabulated(shipped):
    rule = next(p for p in shipped if p.id == "hunan-2021-10").rule_for("referral")

    assert rule.categories == ("脱贫人口",)
    assert rule.conditions.broker_qualified and rule.conditions.min_verified_months == 6
    assert rule.conditions.scope_in == {Scope.SAME_PREFECTURE, Scope.SAME_PROVINCE, Scope.OUTSIDE_PROVINCE}
    assert (rule.amount.fixed, rule.limits.per_person_per_year, rule.fund) == (Decimal("300.00"), 1, "就业专项资金")


def test_youyi_transport_is_encoded_as_actual_cost_capped_at_500(shipped):
    rule = next(p for p in shipped if p.id == "youyi-2022-1").rule_for("transport")

    assert (rule.amount.form, rule.amount.cap, rule.amount.cost) == ("actual_cost_capped", Decimal("500.00"),
                                                                     "round_trip")
    assert rule.categories == ("脱贫人口", "监测对象")
    assert rule.conditions.scope_in == {Scope.OUTSIDE_PROVINCE}
    assert (rule.conditions.min_verified_months, rule.limits.per_person_per_year) == (3, 1)


def test_other_rules_are_kept_as_data_with_their_own_triggers(shipped):
    by_id = {p.id: p for p in shipped}

    training = by_id["hunan-2021-10"].rule_for("work_for_training", trigger="work_for_training")
    workshop = by_id["youyi-2022-1"].rule_for("workshop_reward", trigger="workshop_income")

    assert (training.amount.rate.amount, training.amount.rate.per, training.amount.rate.max_units) == (
        Decimal("500.00"), "month", 6)
    assert (training.effective_to, training.limits.per_person) == (dt.date(2021, 12, 31), 1)
    assert (workshop.amount.fixed, workshop.limits.per_person_per_year) == (Decimal("1000.00"), 1)


def test_the_hunan_311_service_standard_is_readable_by_the_scheduler(shipped):
    standard = next(s for s in next(p for p in shipped if p.id == "hunan-2021-10").service_standards
                    if s.id == "service-311")

    assert (standard.period, dict(standard.minimum)) == ("year", {"job": 3, "training": 1, "guidance": 1})
    assert standard.article == "第十三条"


def test_a_pack_loads_from_a_path_and_from_text(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(GOOD, allow_unicode=True), encoding="utf-8")

    assert load_pack(path).id == load_pack(str(path)).id == load_pack(path.read_text(encoding="utf-8")).id


# --- errors -----------------------------------------------------------------------------------------------------


def test_a_float_amount_is_refused_with_its_path():
    messages = _errors(_with("rules.1.amount", {"fixed": 300.0}))

    assert messages == ["rules[1].amount.fixed: 金额必须是非负小数，并写成带引号的字符串，如 \"300.00\"（不加引号会被读成浮点数）"]


def test_a_negative_amount_is_refused():
    assert _errors(_with("rules.0.amount", {"fixed": "-5"})) == [
        "rules[0].amount.fixed: 金额必须是非负小数（元，最多两位小数），如 \"300.00\""]


def test_an_unknown_field_is_refused():
    assert _errors(_with("rules.0.colour", "红")) == ["rules[0].colour: 未知字段"]


def test_a_missing_document_number_is_reported():
    data = dict(GOOD)
    del data["document_number"]

    assert _errors(data) == ["document_number: 缺少必填字段"]


def test_an_unknown_category_is_refused():
    assert _errors(_with("rules.0.categories", ["贫困户"])) == [
        "rules[0].categories[0]: 取值必须是以下之一：脱贫人口、监测对象、农村低收入人口、其他"]


def test_an_unknown_scope_is_refused():
    messages = _errors(_with("rules.0.conditions", {"scope_in": ["abroad"]}))

    assert messages[0].startswith("rules[0].conditions.scope_in[0]: 就业范围必须是以下之一：same_county")


def test_an_unquoted_region_code_is_refused():
    assert _errors(_with("jurisdiction", [43])) == [
        "jurisdiction[0]: 行政区划代码必须加引号写成字符串，如 '43'、'230522'；全国写 ''"]


def test_a_jurisdiction_mixing_levels_is_refused():
    assert _errors(_with("jurisdiction", ["43", "230522"])) == [
        "jurisdiction: 同一文件的适用地区必须属于同一级别（全国、省、市或县）"]


def test_an_end_before_the_start_is_refused():
    assert _errors(_with("effective_to", "2023-12-31")) == ["effective_to: 失效日期不能早于生效日期"]


def test_a_bad_date_is_refused():
    assert _errors(_with("effective_from", "2024/01/01")) == ["effective_from: 日期格式必须是 YYYY-MM-DD"]


def test_two_amount_forms_are_refused():
    messages = _errors(_with("rules.0.amount", {"fixed": "300.00", "local_standard": {"set_by": "某文件"}}))

    assert messages == ["rules[0].amount: 金额只能采用一种方式，现同时写了：fixed、local_standard"]


def test_an_amount_without_any_form_is_refused():
    assert _errors(_with("rules.0.amount", {}))[0].startswith("rules[0].amount: 必须写明金额")


def test_instalment_shares_must_add_up_to_one():
    amount = {"fixed": "600.00", "instalments": [{"milestone": "start", "share": "0.5"},
                                                  {"milestone": {"min_verified_months": 3}, "share": "0.4"}]}

    assert _errors(_with("rules.1.amount", amount)) == ["rules[1].amount.instalments: 各期比例之和必须等于1"]


def test_instalments_must_be_in_milestone_order():
    amount = {"instalments": [{"milestone": {"min_verified_months": 3}, "amount": "100.00"},
                              {"milestone": "start", "amount": "100.00"}]}

    assert _errors(_with("rules.1.amount", amount))[0].startswith("rules[1].amount.instalments: 各期节点必须按时间先后排列")


def test_an_instalment_needs_a_share_or_an_amount():
    amount = {"fixed": "600.00", "instalments": [{"milestone": "start"}]}

    assert _errors(_with("rules.1.amount", amount)) == [
        "rules[1].amount.instalments[0]: 每一期必须写 share（占总额比例）或 amount（本期金额）二者之一"]


def test_a_bad_milestone_is_refused():
    amount = {"fixed": "600.00", "instalments": [{"milestone": "soon", "share": "1"}]}

    assert _errors(_with("rules.1.amount", amount)) == [
        "rules[1].amount.instalments[0].milestone: 节点必须是 start（上岗之日）或 {min_verified_months: N}（N为不小于1的整数）"]


def test_instalments_and_a_rule_level_verified_months_are_refused_together():
    amount = {"fixed": "600.00", "instalments": [{"milestone": "start", "share": "1"}]}

    assert _errors(_with("rules.0.amount", amount)) == [
        "rules[0].conditions.min_verified_months: 分期发放时，核实月数写在各期的 milestone 中"]


def test_a_per_placement_limit_other_than_one_is_refused():
    assert _errors(_with("rules.0.limits", {"per_placement": 2})) == [
        "rules[0].limits.per_placement: 每次就业安置每项补助只计一次（分期用 instalments），只能为 1"]


def test_a_scope_tier_key_must_be_a_scope():
    tiers = {"tiers": {"by": "scope", "tiers": {"far": "100.00"}}}

    assert _errors(_with("rules.1.amount", tiers)) == [
        "rules[1].amount.tiers.tiers.far: 分档键必须是以下之一：same_county、same_prefecture、same_province、outside_province"]


def test_a_province_tier_key_must_be_a_quoted_province_code():
    text = yaml.safe_dump(_with("rules.1.amount", {"tiers": {"by": "destination_province",
                                                             "tiers": {"44": "100.00"}}}), allow_unicode=True)

    assert _errors(text.replace("'44'", "44")) == ["rules[1].amount.tiers.tiers.44: 键必须加引号写成字符串"]


def test_a_placement_rule_cannot_pay_a_daily_rate():
    rate = {"rate": {"amount": "20.00", "per": "day"}}

    assert _errors(_with("rules.1.amount", rate)) == [
        "rules[1].amount.rate: 按天、月、年计发的金额不能用于由就业安置触发的规则"]


def test_a_placement_rule_cannot_pay_a_school():
    assert _errors(_with("rules.1.beneficiary", "school")) == [
        "rules[1].beneficiary: 由就业安置触发的规则只能补助 broker、worker 或 employer"]


def test_two_rules_of_one_kind_are_refused():
    assert _errors(_with("rules.1.kind", "referral")) == [
        "rules[1].kind: 同一文件中同一种补助只能有一条规则：referral"]


def test_a_rule_window_outside_the_pack_period_is_refused():
    assert _errors(_with("rules.1.effective_to", "2026-06-30")) == [
        "rules[1].effective_to: 规则的失效日期不能晚于文件失效日期"]


def test_duplicate_yaml_keys_are_refused_with_the_line():
    text = yaml.safe_dump(GOOD, allow_unicode=True, sort_keys=False).replace(
        "version: 1\n", "version: 1\nversion: 2\n")

    messages = _errors(text)

    assert len(messages) == 1 and "重复的键 'version'" in messages[0] and "行" in messages[0]


def test_broken_yaml_is_reported_as_a_format_error():
    messages = _errors("id: x\nrules: [\n")

    assert messages[0].startswith("YAML格式错误")


def test_a_file_that_is_not_a_mapping_is_refused():
    assert _errors("- a\n- b\n") == ["文件内容必须是一个映射（键: 值），以 id、document_number 等字段开头"]


def test_several_problems_are_all_reported():
    data = _with("rules.0.amount", {"fixed": 1})
    data["title"] = ""

    assert len(_errors(data)) == 2


def test_the_pack_error_message_names_the_source_and_lists_the_problems():
    with pytest.raises(PackError) as caught:
        parse_pack(yaml.safe_dump(_with("version", 0), allow_unicode=True), source="x.yaml")

    assert str(caught.value) == "政策文件（x.yaml）有误：\n- version: 必须是1至1200的整数"


def test_an_unreadable_file_is_a_pack_error(tmp_path):
    with pytest.raises(PackError, match="无法读取文件"):
        load_pack(tmp_path / "missing.yaml")
