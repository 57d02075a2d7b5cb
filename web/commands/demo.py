"""``bangfu demo``: build the demo world in the configured database."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

import click
from flask.cli import with_appcontext

from jobs.access.demo_accounts import create_demo_accounts
from jobs.access.permissions import system_actor
from jobs.subsidy.claims import evaluate_claims
from jobs.storage.clock import china_today
from jobs.demo import build_demo
from jobs.placements.matches import run_matching
from jobs.service.report import service_report
from scheduler.definitions import SERVICE_JOBS
from scheduler.runner import simulate
from web.cli_support import FORMAT_OPTION, emit_json, runtime


@click.command("demo")
@click.option("--workers", default=2000, show_default=True, type=click.IntRange(10, 200_000), help="劳动力人数")
@click.option("--posts", default=200, show_default=True, type=click.IntRange(5, 20_000), help="岗位数")
@click.option("--seed", default=20240220, show_default=True, type=int, help="随机种子（同一种子生成同样的数据）")
@click.option("--simulate-year", "year", type=click.IntRange(2000, 2100), default=None,
              help="生成后模拟调度器运行的年度（默认去年）：岗位信息、培训信息、职业指导推送等，"
                   "短信、邮件只存入待发消息")
@click.option("--no-simulate", "skip_year", is_flag=True, help="不模拟调度器运行一年（只生成数据）")
@FORMAT_OPTION
@with_appcontext
def demo(workers: int, posts: int, seed: int, year: int | None, skip_year: bool, output_format: str) -> None:
    """生成演示数据（四个输出地县、劳务工作站、劳动力、岗位、经纪人、输出批次、就业安置），完成匹配和补贴评估，并模拟调度器运行去年一整年。"""
    rt = runtime()
    today = china_today()
    click.echo("正在生成演示数据……", err=True)
    with rt.db.transaction() as session:
        summary = build_demo(session, rt.vault, today=today, workers=workers, posts=posts, seed=seed)
    matched = claims = None
    if summary.created:
        click.echo("正在进行人岗匹配并按政策评估补贴……", err=True)
        # Both commit their own batches.
        with rt.db.writer() as session:
            matched = run_matching(session, vault=rt.vault, today=today)
        with rt.db.writer() as session:
            claims = evaluate_claims(session, vault=rt.vault, as_of=today, actor=system_actor("demo"))
    with rt.db.transaction() as session:
        accounts = create_demo_accounts(session, rt.vault)
    simulated = report = None
    seconds = None
    if year is None:
        year = today.year - 1  # the last whole year
    # A new user sees pushes, messages and the service report at once: the past year is replayed by default.
    if summary.created and not skip_year:
        click.echo(f"正在模拟调度器运行{year}年全年（岗位信息、培训信息、职业指导推送，就业转失业跟进，月度台账）……",
                   err=True)
        began = time.perf_counter()
        # Matches and claims stay as of today: the past year is replayed for the service jobs only.
        simulated = simulate(db=rt.db, vault=rt.vault, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31),
                             only=SERVICE_JOBS, on_month=lambda d: click.echo(f"  {d:%Y-%m}……", err=True))
        seconds = round(time.perf_counter() - began, 1)
        with rt.db.session() as session:
            report = service_report(session, vault=rt.vault, year=year, today=today, actor=system_actor("demo"))
    if output_format == "json":
        emit_json({
            **dataclasses.asdict(summary),
            "matches": matched.created if matched else None,
            "claims": claims.created if claims else None,
            "accounts": [
                {"username": a.username, "role": a.role.value, "organisation": a.organisation, "password": a.password}
                for a in accounts
            ],
            "simulation": None if simulated is None else {**simulated.as_dict(), "seconds": seconds},
            "service_report": report,
        })
        return
    head = "演示数据已生成" if summary.created else "数据库中已有演示数据，未重复生成"
    click.echo(
        f"{head}：劳动力 {summary.people} 人，岗位 {summary.posts} 个，用人单位 {summary.employers} 家，"
        f"劳务经纪人及机构 {summary.brokers} 个，劳务工作站 {summary.workstations} 个，"
        f"输出批次 {summary.dispatches} 批，就业安置 {summary.placements} 条"
    )
    if matched is not None and claims is not None:
        click.echo(f"人岗匹配结果 {matched.created} 条，补贴记录 {claims.created} 条")
    if report is not None:
        for county in report["counties"]:
            click.echo(f"{report['year']}年服务标准：{county['name']} 应服务 {county['eligible']} 人，已达标 {county['met']} 人"
                       f"（岗位信息 {county['job_pushes']} 次，培训信息 {county['training_pushes']} 次，"
                       f"职业指导 {county['guidance']} 次）")
        click.echo(f"模拟用时 {seconds} 秒；查看消息：bangfu outbox list；查看报告：bangfu service report --year "
                   f"{report['year']}")
    _print_accounts(accounts)
    click.echo(f"数据库：{rt.db.url}", err=True)


def _print_accounts(accounts) -> None:
    if not accounts:
        click.echo("演示账号已存在（初始密码只在首次生成时显示；忘记时请管理员在“用户”页面重置）")
        return
    click.echo("演示账号（初始密码只显示这一次，首次登录后须修改）：")
    for account in accounts:
        where = f"，{account.organisation}" if account.organisation else ""
        click.echo(f"  {account.role.label}{where}：用户名 {account.username}  密码 {account.password}")
        if account.phone:
            click.echo(f"    或在手机版 /m/login 用手机号 {account.phone} 登录，验证码见 bangfu outbox list --channel sms")
