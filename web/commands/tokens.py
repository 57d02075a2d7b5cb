"""``bangfu token``: create and revoke bearer tokens of the REST API."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from jobs.access import accounts, tokens
from jobs.access.permissions import system_actor
from web.cli_support import FORMAT_OPTION, domain_errors, emit_json, runtime


@click.group("token")
def token_group() -> None:
    """接口令牌：为用户签发（只显示一次）、撤销。"""


@token_group.command("create")
@click.argument("username")
@click.option("--days", type=click.IntRange(1, tokens.MAX_DAYS), default=30, show_default=True,
              help="有效天数")
@click.option("--label", default="cli", show_default=True, help="用途说明（如对接的系统名称）")
@FORMAT_OPTION
@with_appcontext
def create(username: str, days: int, label: str, output_format: str) -> None:
    """为用户签发接口令牌。令牌只显示这一次，数据库中只保存其摘要。"""
    rt = runtime()
    with domain_errors(), rt.db.transaction() as session:
        issued = tokens.issue_token(session, user=accounts.user_named(session, username), days=days, label=label)
    document = {"token_id": issued.token_id, "access_token": issued.token, "expires_at": issued.expires_at.isoformat()}
    if output_format == "json":
        emit_json(document)
        return
    click.echo(f"令牌（编号{issued.token_id}，{issued.expires_at:%Y-%m-%d %H:%M} UTC 前有效）：")
    click.echo(issued.token)
    click.echo("此令牌只显示这一次，请安全地交给对接方；请求头写作 Authorization: Bearer <令牌>。", err=True)


@token_group.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
def revoke(token_id: int) -> None:
    """撤销一个接口令牌（按编号）。"""
    rt = runtime()
    with domain_errors(), rt.db.transaction() as session:
        tokens.revoke_token(session, token_id=token_id, actor=system_actor("cli"))
    click.echo(f"令牌{token_id}已撤销")
