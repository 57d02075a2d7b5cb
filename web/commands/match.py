"""``bangfu match``: person-post matching, from two files (no database) or in the database (``match run``)."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import sys
from pathlib import Path

# The match parallelises by forking processes (--processes) and calls no linear algebra: OpenBLAS's own threads,
# started when NumPy is first imported, would only spin on the processors the shards need (0.07 s of CPU each
# start). Set before anything below imports NumPy; a value the user set is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import click

from jobs.storage.clock import CHINA, china_today
from jobs.lists.reading import ListSource, NotAList
from jobs.lists.match_files import match_files
from jobs.rendering.xlsx import OutputNotWritable, check_writable
from jobs.people.regions import RegionError
from web.cli import skip_teardown
from web.cli_support import FORMAT_OPTION, BadInput, emit_json, runtime, with_app

# Files with at least this many rows (both lists together) get a progress bar on stderr.
PROGRESS_THRESHOLD = 2000
SHOWN_SKIPPED = 20


class MatchGroup(click.Group):
    """``bangfu match DEMAND SUPPLY …`` runs the file-to-file match; ``bangfu match run`` the database one."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["files", *args]
        return super().parse_args(ctx, args)


@click.group("match", cls=MatchGroup)
def match_group() -> None:
    """人岗匹配：bangfu match 需求清单 岗位清单 -o 结果.xlsx（不用数据库），或 bangfu match run（数据库）。"""


@match_group.command("files", hidden=True)
@click.argument("demand", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("supply", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--top", "top_k", default=10, show_default=True, type=click.IntRange(1, 100), help="每人（每岗）保留的结果数")
@click.option("--by", type=click.Choice(["seeker", "post"]), default="seeker", show_default=True,
              help="seeker：为每位劳动力推荐岗位；post：为每个岗位推荐人选")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="结果文件：.csv 或 .xlsx")
@click.option("--processes", type=click.IntRange(1, 16), default=None,
              help="同时工作的进程数（默认：本机 CPU 核数，最多 4；结果与单进程完全相同）")
@FORMAT_OPTION
def files(demand: Path, supply: Path, top_k: int, by: str, output: Path, processes: int | None,
          output_format: str) -> None:
    """两份清单直接匹配（不用数据库）：需求清单 × 岗位清单 → 结果文件。"""
    if output.suffix.lower() not in (".csv", ".xlsx"):
        raise BadInput(f"结果文件须为 .csv 或 .xlsx：{output}")
    try:
        check_writable(output)
    except OutputNotWritable as error:
        raise BadInput(error.message) from None
    # A one-shot run over two bounded files builds 10^5 objects and hardly a cycle among them: the cyclic
    # garbage collector's passes over them would cost a tenth of the run and free nothing.
    gc.disable()
    try:
        with contextlib.ExitStack() as stack:
            progress = _Progress(stack)
            try:
                result = match_files(demand, supply, today=china_today(), top_k=top_k, by=by,
                                     progress=progress.update, on_open=progress.start, output=output,
                                     processes=processes or min(4, os.cpu_count() or 1))
            except NotAList as error:
                raise BadInput(error.message) from None
            except OutputNotWritable as error:
                raise BadInput(error.message) from None
    finally:
        gc.enable()
    skip_teardown()  # the output file is written and closed: nothing is left to free but memory
    if output_format == "json":
        emit_json({**result.summary(), "output": str(output)})
        return
    click.echo(f"劳动力 {result.seekers} 人 × 岗位 {result.posts} 个，输出匹配结果 {result.match_count} 条：{output}")
    for skipped in result.skipped[:SHOWN_SKIPPED]:
        label = "需求清单" if skipped.kind == "demand" else "岗位清单"
        click.echo(f"{label}第{skipped.row}行未参与匹配：{skipped.message}", err=True)
    if len(result.skipped) > SHOWN_SKIPPED:
        click.echo(f"……另有 {len(result.skipped) - SHOWN_SKIPPED} 行未参与匹配", err=True)


class _Progress:
    """A progress bar on stderr over the rows of both files, shown for long files only."""

    def __init__(self, stack: contextlib.ExitStack) -> None:
        self.stack = stack
        self.bar = None

    def start(self, source: ListSource) -> None:
        rows = source.estimated_rows or 0
        if self.bar is not None:
            self.bar.length += rows  # both lists are opened before either is read: one bar over both
        elif rows >= PROGRESS_THRESHOLD:
            self.bar = self.stack.enter_context(click.progressbar(
                length=rows, label="正在读取清单", file=sys.stderr, show_pos=True))

    def update(self, rows: int) -> None:
        if self.bar is not None:
            self.bar.update(rows)


@match_group.command("run")
@click.option("--origin", default=None, help="只匹配该输出地（行政区划代码）的劳动力")
@click.option("--since", type=click.DateTime(), default=None, help="只重新匹配此时间以后变动的劳动力和岗位（默认：上次运行以来登记的全部变动）")
@click.option("--all", "everything", is_flag=True, help="全部重新匹配")
@click.option("--top", "top_k", default=10, show_default=True, type=click.IntRange(1, 100), help="每人（每岗）保留的结果数")
@FORMAT_OPTION
@with_app
def run(origin: str | None, since: dt.datetime | None, everything: bool, top_k: int, output_format: str) -> None:
    """在数据库中重新匹配有变动的劳动力和岗位，保存匹配结果（不重复、不改动已有的处理状态）。"""
    # A time typed by a clerk is China time.
    from jobs.placements.matches import run_matching

    moment = since.replace(tzinfo=CHINA) if since is not None and since.tzinfo is None else since
    rt = runtime()
    try:
        with rt.db.writer() as session:  # run_matching commits one transaction per batch
            summary = run_matching(session, vault=rt.vault, today=china_today(), origin=origin, since=moment,
                                   top_k=top_k, everything=everything)
    except RegionError as error:
        raise BadInput(f"--origin：{error.message}") from None
    if output_format == "json":
        emit_json(summary.as_dict())
        return
    click.echo(
        f"参与匹配：劳动力 {summary.seekers} 人，岗位 {summary.posts} 个；新增匹配 {summary.created} 条，"
        f"更新 {summary.updated} 条，未变 {summary.unchanged} 条（分 {summary.batches} 批提交）"
    )
    for message in summary.skipped:
        click.echo(f"未参与匹配：{message}", err=True)
