"""``bangfu audit verify``: exit 0 with the head hash when the chain holds, exit 1 naming the first broken row."""

from __future__ import annotations

import json

from sqlalchemy import select, text

from jobs.storage import audit
from jobs.storage.models import AuditEvent
from tests.jobs.storage.test_audit import triggers_bypassed
from web.cli import cli


def _log_some_events(runtime) -> list[int]:
    with runtime.db.transaction() as session:
        for action in ("login", "reveal", "claim.approve"):
            audit.record(session, action=action, actor_label="county")
    with runtime.db.session() as session:
        return list(session.scalars(select(AuditEvent.id).order_by(AuditEvent.chain_seq)))


def test_an_intact_log_verifies_and_exits_0(runner, runtime, frozen_clock):
    _log_some_events(runtime)
    result = runner.invoke(cli, ["audit", "verify", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["intact"] is True and report["broken"] is None
    assert report["checked"] == report["head_seq"] >= 3 and len(report["head_hash"]) == 64
    text_result = runner.invoke(cli, ["audit", "verify"])
    assert text_result.exit_code == 0 and "审计日志完好" in text_result.output


def test_a_tampered_log_names_the_first_broken_row_and_exits_1(runner, runtime, frozen_clock):
    ids = _log_some_events(runtime)
    with runtime.db.transaction() as session, triggers_bypassed(session, "audit_event"):
        session.execute(text("UPDATE audit_event SET action = 'login' WHERE id = :id"), {"id": ids[-2]})
    result = runner.invoke(cli, ["audit", "verify", "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["intact"] is False and report["broken"]["id"] == ids[-2]
    text_result = runner.invoke(cli, ["audit", "verify"])
    assert text_result.exit_code == 1 and f"编号{ids[-2]}" in text_result.output
