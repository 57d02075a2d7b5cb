"""``bangfu db``: schema upgrades."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from jobs.storage import migrate
from web.cli_support import runtime


@click.group("db")
def db_group() -> None:
    """数据库：升级结构、查看版本。"""


@db_group.command("upgrade")
@with_appcontext
def upgrade() -> None:
    """把数据库结构升级到最新版本，并刷新行政区划等基础数据。"""
    rt = runtime(needs_database=False)
    rt.db.upgrade()
    click.echo(f"数据库已是最新版本（{rt.db.dialect}，{migrate.head_revision()}）")


@db_group.command("current")
@with_appcontext
def current() -> None:
    """显示数据库当前的结构版本。"""
    rt = runtime(needs_database=False)
    now = migrate.current_revision(rt.db.engine)
    click.echo(f"当前版本：{now or '（空库）'}；最新版本：{migrate.head_revision()}")
