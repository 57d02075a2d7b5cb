"""The administrators' scheduler runs and outbox pages: each run with its job, period, status, counts and error,
filtered by job and status; each message with its channel, status, attempts and last error, the recipient masked,
filtered by status, channel and kind. Any other role gets 403."""

from __future__ import annotations

import datetime as dt

import pytest

from jobs.service.outbox import Channels, deliver_due, enqueue
from jobs.service.runs import RunContext, execute
from jobs.storage.enums import Channel, Role
from tests.factories import make_person

NOW = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)  # 10:00 in China: SMS go out at once


@pytest.fixture
def service(runtime, people_of_every_role) -> None:
    def fails(ctx):
        ctx.counts["alerts"] += 2
        raise RuntimeError("短信网关无响应")

    def works(ctx):
        ctx.counts["pushed"] += 7

    execute(job="job_loss", period="2026-11-23", body=fails, ctx=RunContext(runtime.db, runtime.vault, NOW))
    execute(job="pushes_311", period="2026-11-23", body=works, ctx=RunContext(runtime.db, runtime.vault, NOW))
    with runtime.db.transaction() as session:
        worker = make_person(session, runtime.vault, name="郑九", phone="13912345678")
        silent = make_person(session, runtime.vault, name="无手机", phone=None)
        enqueue(session, channel=Channel.SMS, kind="job_info", dedupe_key="sms:1", body="岗位信息", now=NOW,
                person_id=worker.id)
        enqueue(session, channel=Channel.SMS, kind="job_info", dedupe_key="sms:2", body="岗位信息", now=NOW,
                person_id=silent.id)
        enqueue(session, channel=Channel.APP, kind="job_loss", dedupe_key="app:1", subject="就业转失业提醒",
                body="提醒", now=NOW, person_id=worker.id)
    deliver_due(runtime.db, Channels(vault=runtime.vault), now=NOW)


@pytest.fixture
def admin(client, signed_in):
    signed_in(Role.ADMIN)
    return client


def table(client, url: str) -> str:
    """The page's list, without its filter form (whose choices name every job)."""
    return client.get(url).get_data(as_text=True).split("<table", 1)[1]


def test_the_runs_page_shows_each_run_and_filters(admin, service):
    page = admin.get("/admin/runs").get_data(as_text=True)
    assert "job_loss" in page and "pushes_311" in page and "2026-11-23" in page
    assert "失败" in page and "RuntimeError: 短信网关无响应" in page and "alerts：2" in page and "pushed：7" in page
    failed = table(admin, "/admin/runs?status=failed")
    assert "job_loss" in failed and "pushes_311" not in failed
    one = table(admin, "/admin/runs?job=pushes_311")
    assert "pushes_311" in one and "短信网关无响应" not in one


def test_the_outbox_page_masks_recipients_and_filters(admin, service):
    page = admin.get("/admin/outbox").get_data(as_text=True)
    assert "郑九 139****5678" in page and "13912345678" not in page
    assert "收信人没有手机号码" in page and "1 / 5" in page
    failed = table(admin, "/admin/outbox?status=failed")
    assert "无手机" in failed and "郑九" not in failed
    app = table(admin, "/admin/outbox?channel=app")
    assert "就业转失业提醒" in app and "无手机" not in app
    kind = table(admin, "/admin/outbox?kind=job_info")
    assert "就业转失业提醒" not in kind and "无手机" in kind


def test_a_bad_filter_is_shown_and_lists_everything(admin, service):
    page = admin.get("/admin/runs?status=nonsense")
    assert page.status_code == 200 and "请从列表中选择" in page.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.COUNTY_STAFF, Role.BROKER, Role.WORKSTATION_STAFF, Role.SEEKER])
def test_other_roles_get_403(client, signed_in, role):
    signed_in(role)
    assert client.get("/admin/runs").status_code == 403
    assert client.get("/admin/outbox").status_code == 403


def test_the_read_side_refuses_non_administrators(runtime, people_of_every_role):
    from jobs.access import queries
    from jobs.errors import Forbidden
    from jobs.storage.models import User

    with runtime.db.session() as session:
        clerk = session.get(User, people_of_every_role[Role.COUNTY_STAFF].user_id)
        with pytest.raises(Forbidden):
            queries.job_runs(session, clerk)
        with pytest.raises(Forbidden):
            queries.outbox_messages(session, clerk, vault=runtime.vault)
