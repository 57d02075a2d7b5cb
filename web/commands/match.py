"""``bangfu match``: person-post matching, from two files (no database) or in the database (``match run``)."""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import with_appcontext

from jobs.clock import CHINA, china_today
from jobs.matches import run_matching
from web.cli_support import FORMAT_OPTION, emit_json, runtime


class MatchGroup(click.Group):
    """``bangfu match DEMAND SUPPLY …`` runs the file-to-file match; ``bangfu match run`` the database one."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["files", *args]
        return super().parse_args(ctx, args)


@click.group("match", cls=MatchGroup)
def match_group() -> None:
    """人岗匹配：bangfu match 需求清单 岗位清单 -o 结果.xlsx（不用数据库），或 bangfu match run（数据库）。"""


@match_group.command("run")
@click.option("--origin", default=None, help="只匹配该输出地（行政区划代码）的劳动力")
@click.option("--since", type=click.DateTime(), default=None, help="只重新匹配此时间以后变动的劳动力和岗位（默认：上次运行以来）")
@click.option("--all", "everything", is_flag=True, help="全部重新匹配")
@click.option("--top", "top_k", default=10, show_default=True, type=click.IntRange(1, 100), help="每人（每岗）保留的结果数")
@FORMAT_OPTION
@with_appcontext
def run(origin: str | None, since: dt.datetime | None, everything: bool, top_k: int, output_format: str) -> None:
    """在数据库中重新匹配有变动的劳动力和岗位，保存匹配结果（不重复、不改动已有的处理状态）。"""
    # A time typed by a clerk is China time.
    moment = since.replace(tzinfo=CHINA) if since is not None and since.tzinfo is None else since
    rt = runtime()
    with rt.db.transaction() as session:
        summary = run_matching(session, today=china_today(), origin=origin, since=moment, top_k=top_k,
                               everything=everything)
    if output_format == "json":
        emit_json(summary.as_dict())
        return
    click.echo(
        f"参与匹配：劳动力 {summary.seekers} 人，岗位 {summary.posts} 个；新增匹配 {summary.created} 条，"
        f"更新 {summary.updated} 条，未变 {summary.unchanged} 条"
    )
    for message in summary.skipped:
        click.echo(f"未参与匹配：{message}", err=True)
