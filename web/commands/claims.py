"""``bangfu claims``: evaluate subsidy claims, and produce the ledger, the public notice and fraud signals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask.cli import with_appcontext

from jobs.storage.clock import china_today
from jobs.subsidy.claims import evaluate_claims, fraud_signals, ledger, public_notice
from jobs.subsidy.render import ledger_xlsx, notice_html, notice_xlsx
from web.cli_support import FORMAT_OPTION, USER_OPTION, BadInput, acting_user, emit_json, runtime

AS_OF_OPTION = click.option(
    "--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="评估日期（默认今天），如 2024-12-31"
)


@click.group("claims")
def claims_group() -> None:
    """补贴：按政策文件评估、台账、公示名单、风险提示。"""


@claims_group.command("evaluate")
@AS_OF_OPTION
@USER_OPTION
@FORMAT_OPTION
@with_appcontext
def evaluate(as_of: dt.datetime | None, username: str | None, output_format: str) -> None:
    """按户籍地适用的政策文件评估全部就业安置的补贴（可重复运行，已审核、已发放的不受影响）。"""
    day = as_of.date() if as_of else china_today()
    rt = runtime()
    with rt.db.writer() as session:  # evaluate_claims commits one transaction per batch of workers
        summary = evaluate_claims(session, vault=rt.vault, as_of=day, actor=acting_user(session, username))
    if output_format == "json":
        emit_json(summary.as_dict())
        return
    click.echo(
        f"评估日期 {day}：就业安置 {summary.placements} 条；新增补贴 {summary.created} 条，更新 {summary.updated} 条，"
        f"未变 {summary.unchanged} 条，审核流程中 {summary.in_workflow} 条"
    )
    for item in summary.skipped:
        click.echo(f"未能评估 {item['placement']}：{item['message']}", err=True)


def _output_path(value: str, suffixes: tuple[str, ...]) -> Path:
    path = Path(value)
    if path.suffix.lower() not in suffixes:
        raise BadInput(f"输出文件须为 {' 或 '.join(suffixes)} 格式：{value}")
    return path


@claims_group.command("ledger")
@click.option("-o", "--output", "output", required=True, help="输出的 xlsx 文件")
@USER_OPTION
@with_appcontext
def ledger_command(output: str, username: str | None) -> None:
    """补贴台账：按资金渠道、状态、户籍县和月份汇总，导出为 xlsx。"""
    path = _output_path(output, (".xlsx",))
    rt = runtime()
    with rt.db.session() as session:
        rows = ledger(session, actor=acting_user(session, username))
    with path.open("wb") as stream:
        ledger_xlsx(rows, stream)
    click.echo(f"已导出台账 {len(rows)} 行：{path}")


@claims_group.command("notice")
@click.option("-o", "--output", "output", required=True, help="输出文件：.xlsx 或可打印的 .html")
@USER_OPTION
@with_appcontext
def notice(output: str, username: str | None) -> None:
    """公示名单：符合条件的补贴，身份证号脱敏，导出为 xlsx 或可打印的 HTML。"""
    path = _output_path(output, (".xlsx", ".html"))
    rt = runtime()
    with rt.db.session() as session:
        rows = public_notice(session, vault=rt.vault, actor=acting_user(session, username))
    render = notice_html if path.suffix.lower() == ".html" else notice_xlsx
    with path.open("wb") as stream:
        render(rows, stream)
    click.echo(f"已导出公示名单 {len(rows)} 人次：{path}")


@claims_group.command("signals")
@USER_OPTION
@FORMAT_OPTION
@with_appcontext
def signals(username: str | None, output_format: str) -> None:
    """风险提示（仅供人工核查，不自动判定）：一人两家经纪人、领补贴后很快离职、离职偏早的经纪人、路费远高于同线路中位数。"""
    rt = runtime()
    with rt.db.session() as session:
        found = fraud_signals(session, vault=rt.vault, actor=acting_user(session, username))
    if output_format == "json":
        emit_json([signal.as_dict() for signal in found])
        return
    if not found:
        click.echo("未发现需要核查的情况")
    for signal in found:
        click.echo(f"[{signal.kind}] {signal.message}")
