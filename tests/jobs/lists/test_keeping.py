"""Keeping the supply side by hand (jobs.lists.keeping): a workstation edits the employers and posts it keeps,
checked by the list's own parsers and audited before and after, and closes a post once. Another city's post is
reported as missing; a role that never edits posts is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jobs.errors import Conflict, Forbidden, InvalidInput, NotFound
from jobs.lists.keeping import EmployerChanges, PostChanges, close_kept_post, edit_employer, edit_post
from jobs.storage.enums import PostStatus, Role
from jobs.storage.models import AuditEvent
from tests.factories import make_employer, make_post, make_user


@pytest.fixture
def station_user(session):
    return make_user(session, role=Role.WORKSTATION_STAFF, region_code="4419")


def test_a_post_edit_is_checked_applied_and_audited(session, station_user):
    post = make_post(session, employer=make_employer(session, region_code="441900"), title="冲压工", filled=3)
    with pytest.raises(InvalidInput) as refused:
        edit_post(session, post_id=post.id, actor=station_user,
                  changes=PostChanges(title="", headcount=2, wage_min=5000, wage_max=4000, age_min=10))
    assert set(refused.value.fields) == {"title", "headcount", "wage_max", "age_min"}
    assert refused.value.fields["headcount"] == ["招聘人数不能少于已上岗的 3 人"]
    edit_post(session, post_id=post.id, actor=station_user,
              changes=PostChanges(title="冲压工（长白班）", headcount=8, wage_min=5000, wage_max=6500,
                                  education="初中毕业", board=True))
    assert (post.title, post.headcount, post.education, post.wage_text) == ("冲压工（长白班）", 8, "初中", None)
    event = session.scalars(select(AuditEvent).where(AuditEvent.object_type == "post")).one()
    assert event.actor == station_user.username and event.before["headcount"] == 10 and event.after["headcount"] == 8


def test_an_employers_credit_code_is_checked_and_unique(session, station_user):
    employer = make_employer(session, region_code="441900")
    make_employer(session, region_code="441900", credit_code="91441900MA4W0KHM86")
    with pytest.raises(InvalidInput) as refused:
        edit_employer(session, employer_id=employer.id, actor=station_user,
                      changes=EmployerChanges(name="东莞某厂", credit_code="91441900MA4W0KHM86"))
    assert "已属于另一个用人单位" in refused.value.fields["credit_code"][0]
    edit_employer(session, employer_id=employer.id, actor=station_user, changes=EmployerChanges(name="东莞某厂"))
    assert employer.name == "东莞某厂"


def test_a_post_closes_once(session, station_user):
    post = make_post(session, employer=make_employer(session, region_code="441900"))
    close_kept_post(session, post_id=post.id, actor=station_user)
    assert post.status is PostStatus.CLOSED
    with pytest.raises(Conflict):
        close_kept_post(session, post_id=post.id, actor=station_user)


def test_what_the_workstation_does_not_keep_is_missing_and_other_roles_are_refused(session, station_user):
    elsewhere = make_post(session, employer=make_employer(session, region_code="320506"))
    with pytest.raises(NotFound):
        edit_post(session, post_id=elsewhere.id, actor=station_user, changes=PostChanges(title="x"))
    with pytest.raises(NotFound):
        close_kept_post(session, post_id=elsewhere.id, actor=station_user)
    with pytest.raises(Forbidden):
        close_kept_post(session, post_id=elsewhere.id, actor=make_user(session, role=Role.COUNTY_STAFF))
    assert elsewhere.status is PostStatus.OPEN
