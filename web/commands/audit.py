"""``bangfu audit``: check that the audit log's hash chain is unbroken."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from jobs.storage.audit import verify_chain
from web.cli_support import EXIT_FAILED, FORMAT_OPTION, emit_json, runtime


@click.group("audit")
def audit_group() -> None:
    """审计日志：核对哈希链，发现被改动、删除的记录。"""


@audit_group.command("verify")
@FORMAT_OPTION
@with_appcontext
def verify(output_format: str) -> None:
    """从第一条记录起逐条核对审计日志的哈希链；链断开时指出第一条出问题的记录，退出码为 1。"""
    rt = runtime()
    with rt.db.session() as session:
        report = verify_chain(session)
    if output_format == "json":
        emit_json(report.as_dict())
    elif report.intact:
        click.echo(f"审计日志完好：共核对 {report.checked} 条记录")
        click.echo(f"链头（第{report.head_seq}条）哈希：{report.head_hash}（建议另行记录，以便日后比对）")
    else:
        click.echo(f"审计日志已被篡改：{report.broken.message}", err=True)
        click.echo(f"此前完好的记录 {report.checked} 条", err=True)
    if not report.intact:
        click.get_current_context().exit(EXIT_FAILED)
