"""``bangfu user``: add, list and disable accounts."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from jobs.access import accounts
from jobs.storage.enums import Role
from web.cli_support import FORMAT_OPTION, BadInput, domain_errors, emit_json, runtime


@click.group("user")
def user_group() -> None:
    """用户账号：添加、列出、停用。"""


@user_group.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]),
              help="角色：county_staff 县级工作人员，broker 劳务经纪人，workstation_staff 劳务工作站工作人员，"
                   "admin 管理员，seeker 求职者")
@click.option("--org", "org_name", default=None, help="所属机构名称（工作人员必填）")
@click.option("--id-number", default=None, help="求职者本人的身份证号（求职者必填，须是已登记的劳动力）")
@click.option("--name", "display_name", default=None, help="姓名（默认用用户名；求职者默认用登记的姓名）")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码；不用此项则生成初始密码，首次登录须修改")
@FORMAT_OPTION
@with_appcontext
def add(username: str, role: str, org_name: str | None, id_number: str | None, display_name: str | None,
        password_stdin: bool, output_format: str) -> None:
    """添加用户。生成的初始密码只显示这一次。"""
    role_value = Role(role)
    if role_value is Role.SEEKER and org_name:
        raise BadInput("求职者账号不属于机构，请去掉 --org，改用 --id-number")
    if role_value is not Role.SEEKER and not org_name:
        raise BadInput(f"{role_value.label}账号需要 --org 指定所属机构")
    if role_value is not Role.SEEKER and id_number:
        raise BadInput("只有求职者账号使用 --id-number")
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise BadInput("标准输入中没有读到密码")
    rt = runtime()
    with domain_errors(), rt.db.transaction() as session:
        organisation = accounts.organisation_named(session, org_name) if org_name else None
        created = accounts.add_user(session, rt.vault, username=username, role=role_value, organisation=organisation,
                                    id_number=id_number, password=password, display_name=display_name)
        document = _document(created.user)
    if output_format == "json":
        emit_json({**document, "password": created.generated_password})
        return
    click.echo(f"已添加用户 {document['username']}（{role_value.label}）")
    if created.generated_password:
        click.echo(f"初始密码：{created.generated_password}")
        click.echo("此密码只显示这一次，请安全地交给本人；首次登录时须修改。", err=True)


def _document(user) -> dict[str, object]:
    return {
        "username": user.username,
        "role": user.role.value,
        "organisation": user.organisation.name if user.organisation is not None else None,
        "person_id": user.person_id,
        "active": user.active,
    }


@user_group.command("list")
@FORMAT_OPTION
@with_appcontext
def list_(output_format: str) -> None:
    """列出所有用户（用户名、角色、所属机构、劳动力编号）。"""
    rt = runtime()
    with rt.db.session() as session:
        rows = [_document(u) for u in accounts.list_users(session)]
    if output_format == "json":
        emit_json(rows)
        return
    for row in rows:
        state = "" if row["active"] else "\t已停用"
        click.echo(f"{row['username']}\t{Role(row['role']).label}\t{row['organisation'] or '—'}\t"
                   f"{row['person_id'] or '—'}{state}")
    click.echo(f"共 {len(rows)} 个用户", err=True)


@user_group.command("disable")
@click.argument("username")
@with_appcontext
def disable(username: str) -> None:
    """停用用户（其已登录的会话随即失效）。"""
    rt = runtime()
    with domain_errors(), rt.db.transaction() as session:
        user = accounts.user_named(session, username)
        accounts.set_active(session, user=user, active=False)
    click.echo(f"已停用用户 {user.username}")
