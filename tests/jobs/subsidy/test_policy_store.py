"""Policy packs stored in the database: seeded, versioned, audited; which pack governs a county on a day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from jobs.access.permissions import SYSTEM
from jobs.errors import Forbidden, InvalidInput
from jobs.storage.models import AuditEvent, PolicyPack
from jobs.subsidy.policy_store import (
    LoadOutcome,
    active_packs,
    find,
    load_text,
    which,
)
from jobs.subsidy import PackError

NEWER = Path(__file__).parent / "scenarios" / "packs" / "hunan-2026-demo.yaml"


def test_the_shipped_packs_are_stored_on_first_use(session) -> None:
    stored = active_packs(session)
    assert [s.pack.id for s in stored] == [
        "anhui-2021-10", "hunan-2017-58", "hunan-2021-10", "national-2021-26", "youyi-2022-1"]
    assert all(s.row.version == 1 and s.row.active for s in stored)


def test_loading_a_new_pack_stores_it_with_its_text_and_an_audit_event(session) -> None:
    active_packs(session)
    result = load_text(session, NEWER.read_text(encoding="utf-8"), source=str(NEWER), actor=SYSTEM)
    assert (result.outcome, result.stored.row.version, result.stored.row.pack_key) == (
        LoadOutcome.CREATED, 1, "hunan-2026-demo")
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "policy_pack.load",
                                                    AuditEvent.object_id == str(result.stored.row.id)))
    assert event.after["document_number"] == "湘人社规〔2026〕1号（测试）"


def test_the_same_pack_id_with_new_content_becomes_the_next_version(session) -> None:
    text = NEWER.read_text(encoding="utf-8")
    load_text(session, text, actor=SYSTEM)
    second = load_text(session, text.replace('fixed: "400.00"', 'fixed: "450.00"'), actor=SYSTEM)
    assert (second.outcome, second.stored.row.version) == (LoadOutcome.NEW_VERSION, 2)
    rows = session.scalars(select(PolicyPack).where(PolicyPack.pack_key == "hunan-2026-demo")
                           .order_by(PolicyPack.version)).all()
    assert [(r.version, r.active) for r in rows] == [(1, False), (2, True)]
    assert find(session, "hunan-2026-demo").row.version == 2
    assert find(session, "hunan-2026-demo@1").row.active is False


def test_loading_identical_content_changes_nothing(session) -> None:
    text = NEWER.read_text(encoding="utf-8")
    load_text(session, text, actor=SYSTEM)
    assert load_text(session, text, actor=SYSTEM).outcome is LoadOutcome.UNCHANGED


def test_an_invalid_pack_is_refused_and_nothing_is_stored(session) -> None:
    with pytest.raises(PackError) as error:
        load_text(session, NEWER.read_text(encoding="utf-8").replace('fixed: "400.00"', "fixed: 400"), actor=SYSTEM)
    assert any("rules[0].amount" in m for m in error.value.messages)
    assert session.scalar(select(PolicyPack).where(PolicyPack.pack_key == "hunan-2026-demo")) is None


def test_which_names_the_governing_pack_and_why(session) -> None:
    answer = which(session, region="430124", day=dt.date(2019, 3, 1))  # retired 宁乡县 → 宁乡市
    assert (answer.county_code, answer.governing.pack.document_number) == ("430182", "湘人社发〔2017〕58号")
    assert "无更具体的文件" in answer.governing.explanation


def test_after_every_shipped_pack_expired_nothing_governs_until_a_newer_pack_is_loaded(session) -> None:
    day = dt.date(2026, 3, 1)
    assert which(session, region="宁乡市", day=day).governing.pack is None
    load_text(session, NEWER.read_text(encoding="utf-8"), actor=SYSTEM)
    answer = which(session, region="宁乡市", day=day)
    assert answer.governing.pack.id == "hunan-2026-demo" and answer.pack_row.version == 1


def test_which_refuses_a_region_coarser_than_a_county(session) -> None:
    with pytest.raises(InvalidInput, match="不是县级地区"):
        which(session, region="湖南省", day=dt.date(2024, 1, 1))


def test_only_administrators_load_policy_packs(session):
    from jobs.storage.enums import Role
    from tests.factories import make_user

    with pytest.raises(Forbidden, match="无权进行系统管理"):
        load_text(session, NEWER.read_text(encoding="utf-8"), actor=make_user(session, role=Role.COUNTY_STAFF))
    admin = make_user(session, role=Role.ADMIN)
    stored = load_text(session, NEWER.read_text(encoding="utf-8"), actor=admin).stored
    assert stored.row.loaded_by_id == admin.id
