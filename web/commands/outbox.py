"""``bangfu outbox``: messages and their delivery state; deliver what is due now."""

from __future__ import annotations

import datetime as dt

import click
from flask import current_app
from flask.cli import with_appcontext

from jobs.service.outbox import channels_from_settings, deliver_due, list_messages, message_view, recipient_label
from jobs.storage.enums import Channel, OutboxStatus
from web.cli_support import FORMAT_OPTION, BadInput, emit_json, runtime


@click.group("outbox")
def outbox_group() -> None:
    """待发消息：站内消息、短信、电子邮件及其发送状态。"""


@outbox_group.command("list")
@click.option("--channel", type=click.Choice([c.value for c in Channel]), default=None, help="渠道：sms、email 或 app")
@click.option("--status", type=click.Choice([s.value for s in OutboxStatus]), default=None,
              help="状态：pending（待发送）、sent（已发送）、failed（发送失败）")
@click.option("--limit", type=click.IntRange(1, 100_000), default=1000, show_default=True, help="最多列出条数")
@FORMAT_OPTION
@with_appcontext
def list_outbox(channel: str | None, status: str | None, limit: int, output_format: str) -> None:
    """列出消息（最新的在前），收信人已脱敏。"""
    rt = runtime()
    with rt.db.session() as session:
        messages = list_messages(session, channel=Channel(channel) if channel else None,
                                 status=OutboxStatus(status) if status else None, limit=limit)
        views = [message_view(m, recipient_label(session, m, rt.vault)) for m in messages]
    if output_format == "json":
        emit_json(views)
        return
    if not views:
        click.echo("没有消息")
    for view in views:
        label = OutboxStatus(view["status"]).label
        if view["stored_only"]:
            label = "仅存入待发消息（未配置短信网关或邮件服务器，未真正发出）"
        click.echo(f"#{view['id']} [{Channel(view['channel']).label}] {label} → {view['recipient']}："
                   f"{(view['subject'] or '')} {view['body'][:60]}")
        if view["last_error"]:
            click.echo(f"    最近错误（第{view['attempts']}次）：{view['last_error']}")


@outbox_group.command("deliver")
@FORMAT_OPTION
@with_appcontext
def deliver(output_format: str) -> None:
    """立即发送到期的消息（调度器每两分钟自动执行）。"""
    rt = runtime()
    try:
        channels = channels_from_settings(current_app.config, rt.vault)
    except ValueError as error:
        raise BadInput(str(error)) from error
    summary = deliver_due(rt.db, channels, now=dt.datetime.now(dt.UTC))
    if output_format == "json":
        emit_json(summary.as_dict())
        return
    click.echo(f"已发送 {summary.sent} 条，待重试 {summary.retrying} 条，发送失败 {summary.failed} 条")
