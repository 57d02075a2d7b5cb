"""``bangfu jobs``: list the scheduled jobs, run one now, or simulate a range of days."""

from __future__ import annotations

import datetime as dt
import time

import click
from flask.cli import with_appcontext

from jobs.service.runs import last_runs
from jobs.storage.clock import CHINA, china_today
from scheduler.definitions import BY_NAME, JOBS
from scheduler.runner import default_moment, fire_times, run_at, simulate
from web.cli_support import FORMAT_OPTION, BadInput, emit_json, runtime

DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.group("jobs")
def jobs_group() -> None:
    """定时任务：查看、立即运行、按日期模拟运行。"""


@jobs_group.command("list")
@FORMAT_OPTION
@with_appcontext
def list_jobs(output_format: str) -> None:
    """列出全部定时任务：触发时间、最近一次运行（周期、状态、计数）、下次运行时间。"""
    rt = runtime()
    now = dt.datetime.now(CHINA)
    with rt.db.session() as session:
        latest = last_runs(session)
    rows = []
    for job in JOBS:
        run = latest.get(job.name)
        upcoming = next(fire_times(job, now, now + dt.timedelta(days=62)), None)
        rows.append({
            "name": job.name,
            "description": job.description,
            "trigger": job.cron,
            "misfire_grace_time": job.misfire_grace_time,
            "last_run": None if run is None else {
                "period": run.period, "status": run.status.value, "counts": run.counts, "error": run.error,
            },
            "next_run": upcoming.isoformat() if upcoming else None,
        })
    if output_format == "json":
        emit_json(rows)
        return
    for row in rows:
        last = row["last_run"]
        last_text = "从未运行" if last is None else f"{last['period']} {last['status']} {last['counts']}"
        click.echo(f"{row['name']}：{row['description']}\n  触发 {BY_NAME[row['name']].trigger_label()}；"
                   f"最近 {last_text}；下次 {row['next_run'] or '无'}")


@jobs_group.command("run")
@click.argument("name")
@click.option("--as-of", "as_of", type=DATE, default=None, help="按哪一天运行（默认今天），如 2025-03-14")
@click.option("--dry-run", is_flag=True, help="只报告将要发送的内容，不做任何修改")
@FORMAT_OPTION
@with_appcontext
def run_job(name: str, as_of: dt.datetime | None, dry_run: bool, output_format: str) -> None:
    """立即运行一个任务，与调度器在该日的运行相同（该周期已完成则不再重复）。"""
    job = BY_NAME.get(name)
    if job is None:
        raise BadInput(f"没有名为“{name}”的任务；可用的任务：{'、'.join(BY_NAME)}")
    rt = runtime()
    day = as_of.date() if as_of else china_today()
    moment = default_moment(job, day)
    if as_of is None and moment > dt.datetime.now(CHINA):
        moment = dt.datetime.now(CHINA)
    outcome = run_at(job, db=rt.db, vault=rt.vault, moment=moment, dry_run=dry_run)
    if output_format == "json":
        emit_json(outcome.as_dict())
    else:
        label = {"done": "已完成", "already_done": "该周期已完成，未重复运行", "dry_run": "试运行（未做修改）",
                 "failed": "失败"}.get(outcome.status, outcome.status)
        click.echo(f"{job.name} {outcome.period}：{label} {outcome.counts}")
        if outcome.error:
            click.echo(f"错误：{outcome.error}", err=True)
    if outcome.status == "failed":
        raise SystemExit(1)


@jobs_group.command("simulate")
@click.option("--from", "start", type=DATE, required=True, help="开始日期，如 2025-01-01")
@click.option("--to", "end", type=DATE, required=True, help="结束日期（含），如 2025-12-31")
@FORMAT_OPTION
@with_appcontext
def simulate_jobs(start: dt.datetime, end: dt.datetime, output_format: str) -> None:
    """按日期逐日模拟调度器运行全部任务（短信、邮件只存入待发消息，不真正发送）；重复模拟已运行的日期不会重复发送。"""
    if end < start:
        raise BadInput(f"结束日期{end.date()}早于开始日期{start.date()}")
    rt = runtime()
    began = time.perf_counter()
    result = simulate(db=rt.db, vault=rt.vault, start=start.date(), end=end.date(),
                      on_month=lambda d: click.echo(f"正在模拟 {d:%Y-%m}……", err=True))
    seconds = round(time.perf_counter() - began, 2)
    document = {"from": start.date().isoformat(), "to": end.date().isoformat(), **result.as_dict(),
                "seconds": seconds}
    if output_format == "json":
        emit_json(document)
        return
    click.echo(f"模拟 {document['from']} 至 {document['to']}：运行 {document['runs']} 次，"
               f"已完成而跳过 {document['already_done']} 次，失败 {len(document['failed'])} 次，用时 {seconds} 秒")
    for job, totals in document["totals"].items():
        if totals:
            click.echo(f"  {job}：{totals}")
    delivery = document["delivery"]
    click.echo(f"  消息：发送 {delivery['sent']} 条，待重试 {delivery['retrying']} 条，失败 {delivery['failed']} 条")
    for failed in document["failed"]:
        click.echo(f"失败 {failed['job']} {failed['period']}：{failed['error']}", err=True)
