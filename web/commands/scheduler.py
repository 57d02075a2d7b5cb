"""``bangfu scheduler``: the scheduler process (one leader; further processes wait as standbys)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from jobs.service.outbox import channels_from_settings
from scheduler.process import run_forever
from web.cli_support import BadInput, runtime


@click.command("scheduler")
@click.option("--lease-seconds", type=click.FloatRange(1, 3600), default=30, show_default=True,
              help="主调度器租约时长（SQLite），备用进程在租约过期后接管")
@click.option("--poll-seconds", type=click.FloatRange(0.1, 600), default=5, show_default=True,
              help="备用进程检查主调度器的间隔")
@with_appcontext
def scheduler_command(lease_seconds: float, poll_seconds: float) -> None:
    """运行调度器进程：定时推送岗位信息、培训信息、职业指导，跟进就业转失业，评估补贴，发送消息。"""
    rt = runtime()
    try:
        channels = channels_from_settings(current_app.config, rt.vault)
    except ValueError as error:
        raise BadInput(str(error)) from error

    def say(text: str) -> None:
        click.echo(text, err=True)

    try:
        run_forever(db=rt.db, vault=rt.vault, channels=channels, say=say, lease_seconds=lease_seconds,
                    poll_seconds=poll_seconds)
    except KeyboardInterrupt:
        say("调度器已停止")
