"""Certificates, driving licences and education levels read from free text (matching/skills.py)."""

from __future__ import annotations

import pytest

from matching.skills import (
    certificate_names,
    certificates_held,
    certificates_required,
    education_level,
    skill_items,
)


@pytest.mark.parametrize(("text", "held"), [
    ("电焊，有焊工证", {"焊工证"}),
    ("有厨师证和健康证", {"厨师证", "健康证"}),
    ("会开叉车，有叉车证", {"叉车证"}),
    ("没有电工证", set()),
    ("", set()),
])
def test_certificates_a_worker_holds(text, held):
    assert set(certificate_names(certificates_held(text))) == held


def test_a_driving_licence_includes_the_classes_it_permits():
    held = set(certificate_names(certificates_held("A2驾照")))
    assert {"驾驶证", "A2驾照", "B2驾照", "C1驾照"} <= held
    assert "A1驾照" not in held
    assert "B2驾照" not in set(certificate_names(certificates_held("C1")))


@pytest.mark.parametrize(("text", "code", "required"), [
    ("持焊工证", None, {"焊工证"}),
    ("持证上岗", "6-18-02-04", {"焊工证"}),
    ("持证上岗", "6-30-05-01", {"叉车证"}),
    ("需健康证、C1驾照", None, {"健康证", "C1驾照"}),
    ("B2以上驾照", None, {"B2驾照"}),
    ("有叉车证优先", None, set()),
    ("有经验优先", "6-18-02-04", set()),
])
def test_certificates_a_post_requires(text, code, required):
    assert set(certificate_names(certificates_required(text, code))) == required


def test_a_higher_licence_satisfies_a_lower_requirement():
    required = certificates_required("C1驾照")
    assert certificates_held("B2") & required == required
    assert certificates_held("C2") & required == 0


@pytest.mark.parametrize(("text", "level"), [
    ("初中及以上", 2), ("高中（中专）", 3), ("大专", 4), ("本科", 5), ("不限", 0), ("小学", 1), (None, None),
])
def test_education_levels(text, level):
    assert education_level(text) == level


def test_skill_items_split_free_text_and_drop_leading_verbs():
    assert skill_items("电焊、会开叉车，有C1驾照") == ("电焊", "开叉车", "c1驾照")
