"""Commands act for the user named by ``--user`` (within that user's scope and rights) or for the system."""

from __future__ import annotations

import json

from sqlalchemy import select

from jobs.storage.enums import OrganisationKind, Role
from jobs.storage.models import AuditEvent, DemandList, Organisation, User
from tests.jobs.lists.gallery import county_list
from web.cli import cli


def _user(runtime, username: str, role: Role, kind: OrganisationKind, region: str) -> None:
    with runtime.db.transaction() as session:
        organisation = Organisation(name=f"{username}的单位", kind=kind, region_code=region)
        session.add(User(username=username, display_name=username, role=role, organisation=organisation))


def test_an_import_for_a_user_is_owned_by_that_user(runner, runtime, tmp_path):
    _user(runtime, "clerk", Role.COUNTY_STAFF, OrganisationKind.COUNTY_OFFICE, "430182")
    result = runner.invoke(cli, ["import", "demand", str(county_list(tmp_path)), "--user", "clerk", "--format", "json"])
    assert result.exit_code == 0, result.output
    with runtime.db.session() as session:
        clerk = session.scalars(select(User).where(User.username == "clerk")).one()
        assert session.scalars(select(DemandList.compiled_by_id)).one() == clerk.id


def test_a_user_outside_the_lists_area_is_refused_with_status_1_and_the_denial_is_kept(runner, runtime, tmp_path):
    _user(runtime, "xiangtan", Role.COUNTY_STAFF, OrganisationKind.COUNTY_OFFICE, "430321")
    result = runner.invoke(cli, ["import", "demand", str(county_list(tmp_path)), "--user", "xiangtan"])
    assert result.exit_code == 1 and "无权导入该地区的就业需求清单" in result.stderr
    with runtime.db.session() as session:
        assert session.scalars(select(DemandList)).all() == []
        (denial,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "access.denied"))
        assert denial.actor == "xiangtan"


def test_an_unknown_user_is_bad_usage(runner, tmp_path):
    result = runner.invoke(cli, ["claims", "evaluate", "--user", "nobody", "--format", "json"])
    assert result.exit_code == 2 and "没有名为“nobody”的有效用户" in result.stderr


def test_without_a_user_the_command_acts_as_the_system(runner, runtime, tmp_path):
    result = runner.invoke(cli, ["import", "demand", str(county_list(tmp_path)), "--format", "json"])
    assert json.loads(result.stdout)["created"] == 3
    with runtime.db.session() as session:
        assert session.scalars(select(DemandList.compiled_by_id)).one() is None
