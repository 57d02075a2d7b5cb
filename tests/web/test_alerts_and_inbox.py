"""The county staff's alerts page (job losses of their people with the platform's follow-up, and employment
checks overdue by more than a week; never another county's people) and every staff role's in-app inbox (unread
count in the header, unread first, marked read with a button; someone else's message answers 404)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from jobs.access.permissions import SYSTEM
from jobs.placements.placements import end_placement
from jobs.service.outbox import Channels, deliver_due, notify_staff
from jobs.storage.clock import now_utc
from jobs.storage.enums import EndReason, Role
from jobs.storage.models import InboxMessage, User
from tests.factories import make_hired_placement, make_person, make_post, make_user
from tests.web.conftest import csrf_token


@pytest.fixture
def alerts(runtime, people_of_every_role) -> None:
    """宁乡: 周七 lost his job, 吴八 is at work with his 3-month check long overdue, 郑九 started two months ago
    (nothing due). 湘潭: 湘潭人 lost his job too, and is not 宁乡's to see."""
    with runtime.db.transaction() as session:
        post = make_post(session)
        lost = make_hired_placement(session, runtime.vault, post=post,
                                    person=make_person(session, runtime.vault, name="周七"))
        end_placement(session, placement_id=lost.id, end_date=dt.date(2026, 11, 20), reason=EndReason.DISMISSED,
                      actor=SYSTEM)
        make_hired_placement(session, runtime.vault, post=post, person=make_person(session, runtime.vault, name="吴八"))
        make_hired_placement(session, runtime.vault, post=post, start_date=dt.date(2026, 9, 20),
                             person=make_person(session, runtime.vault, name="郑九"))
        elsewhere = make_hired_placement(session, runtime.vault, post=post, person=make_person(
            session, runtime.vault, name="湘潭人", household_region_code="430321"))
        end_placement(session, placement_id=elsewhere.id, end_date=dt.date(2026, 11, 20), reason=EndReason.QUIT,
                      actor=SYSTEM)


def test_county_staff_see_their_job_losses_and_overdue_checks(client, signed_in, alerts, frozen_clock):
    signed_in(Role.COUNTY_STAFF)
    page = client.get("/county/alerts/").get_data(as_text=True)
    losses, overdue = page.split('id="overdue-checks"')
    assert "周七" in losses and "待跟进" in losses and "湘潭人" not in page
    assert "吴八" in overdue and "3 个月" in overdue and "郑九" not in overdue and "周七" not in overdue
    assert "预警" in client.get("/").get_data(as_text=True)  # in the county menu


def test_a_followed_up_job_loss_leaves_the_open_list(client, signed_in, runtime, alerts, frozen_clock):
    from jobs.storage.models import JobLoss

    with runtime.db.transaction() as session:
        for loss in session.scalars(select(JobLoss)):
            loss.followed_up_at = now_utc()
    signed_in(Role.COUNTY_STAFF)
    assert "周七" not in client.get("/county/alerts/").get_data(as_text=True).split('id="overdue-checks"')[0]
    every = client.get("/county/alerts/?all=1").get_data(as_text=True)
    assert "周七" in every and "已跟进" in every


@pytest.mark.parametrize("role", [Role.BROKER, Role.WORKSTATION_STAFF, Role.SEEKER])
def test_other_roles_cannot_open_the_alerts(client, signed_in, role):
    signed_in(role)
    assert client.get("/county/alerts/").status_code == 403


def tell(runtime, user_id: int, title: str) -> None:
    with runtime.db.transaction() as session:
        notify_staff(session, user=session.get(User, user_id), kind="notice", key=f"test:{title}", title=title,
                     body=f"{title}的内容\n第二行", now=now_utc())
    deliver_due(runtime.db, Channels(vault=runtime.vault), now=now_utc())


@pytest.mark.parametrize("role", [Role.COUNTY_STAFF, Role.BROKER, Role.WORKSTATION_STAFF, Role.ADMIN])
def test_every_staff_role_reads_its_inbox_unread_first(client, signed_in, runtime, people_of_every_role, role):
    account = people_of_every_role[role]
    for title in ("第一条通知", "第二条通知", "第三条通知"):
        tell(runtime, account.user_id, title)
    signed_in(role)
    home = client.get("/").get_data(as_text=True)
    assert "（3 条未读）" in home
    with runtime.db.session() as session:
        first = session.scalars(select(InboxMessage).where(InboxMessage.title == "第一条通知")).one().id
    page = client.get("/inbox/").get_data(as_text=True)
    assert page.index("第三条通知") < page.index("第二条通知") < page.index("第一条通知")
    assert "第一条通知的内容\n第二行" in page
    assert client.post(f"/inbox/{first}/read", data={"csrf_token": csrf_token(page)}).status_code == 302
    page = client.get("/inbox/").get_data(as_text=True)
    assert "（2 条未读）" in page
    assert page.index("第二条通知") < page.index("第一条通知")  # the read one goes last
    assert client.post("/inbox/read-all", data={"csrf_token": csrf_token(page)}).status_code == 302
    assert "条未读" not in client.get("/inbox/").get_data(as_text=True)


def test_someone_elses_message_answers_404_and_marking_needs_the_token(client, signed_in, runtime,
                                                                         people_of_every_role):
    with runtime.db.transaction() as session:
        stranger = make_user(session, role=Role.COUNTY_STAFF, region_code="430321").id
    tell(runtime, stranger, "别人的通知")
    with runtime.db.session() as session:
        theirs = session.scalars(select(InboxMessage)).one().id
    signed_in(Role.COUNTY_STAFF)
    page = client.get("/inbox/").get_data(as_text=True)
    assert "别人的通知" not in page
    assert client.post(f"/inbox/{theirs}/read", data={"csrf_token": csrf_token(page)}).status_code == 404
    assert client.post(f"/inbox/{theirs}/read").status_code == 400
    with runtime.db.session() as session:
        assert session.get(InboxMessage, theirs).read_at is None


def test_seekers_have_no_staff_inbox(client, signed_in):
    signed_in(Role.SEEKER)
    assert client.get("/inbox/").status_code == 403
