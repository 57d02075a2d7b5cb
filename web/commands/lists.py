"""``bangfu template``, ``bangfu import`` and ``bangfu export``: the demand and supply lists as spreadsheets.

The domain work lives in :mod:`jobs.lists`; these commands parse options, call it, and print the result
(docs/formats.md: one JSON document on stdout with ``--format json``, progress on stderr, exit 0 even when
rows were rejected, 2 for a file that is not a list or an unusable option).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from jobs.access.permissions import Action, Actor, is_system, require
from jobs.errors import DomainError
from jobs.storage.db import BUSY_MESSAGE, is_busy
from jobs.lists import (
    ImportResult,
    ListSource,
    export_demand,
    export_stable,
    export_supply,
    import_demand,
    import_supply,
    record_export_reveal,
    record_report_reveal,
    write_error_report,
    write_template,
)
from jobs.lists.columns import kind_label
from jobs.rendering.xlsx import OutputNotWritable, check_writable
from jobs.storage.models import DemandList, Placement, SupplyList
from web.cli_support import FORMAT_OPTION, USER_OPTION, BadInput, acting_user, emit_json, runtime

# Files with at least this many rows get a progress bar on stderr.
PROGRESS_THRESHOLD = 2000
# Rejected rows listed in the text output (all of them are in the JSON and in --report).
SHOWN_ERRORS = 20

_OUTPUT = click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
                       help="输出的 .xlsx 文件")


# --------------------------------------------------------------------------------------------------------
# Templates


@click.command("template")
@click.argument("kind", type=click.Choice(["demand", "supply"]))
@_OUTPUT
@FORMAT_OPTION
def template(kind: str, output: Path, output_format: str) -> None:
    """生成清单模板：demand 为就业需求清单，supply 为岗位供给清单（含填写说明、下拉选项和示例行）。"""
    check_output(output)
    path = write_template(kind, output)
    if output_format == "json":
        emit_json({"kind": kind, "path": str(path)})
        return
    click.echo(f"已生成{kind_label(kind)}模板：{path}")


# --------------------------------------------------------------------------------------------------------
# Import


@click.group("import")
def import_group() -> None:
    """导入清单（.xlsx，或 UTF-8 / GB18030 编码的 CSV）：逐行校验，有问题的行单独列出，其余照常导入。

    每 --batch-size 行提交一次。中途中断（断电、Ctrl+C、数据库出错）时，已提交的批次完整保留，正在处理的一批全部撤销；
    重新运行同一条命令即可继续：已导入的行显示为“未变”，其余照常导入。导入从不删除数据。
    """


def _import_options(command: Callable) -> Callable:
    for option in reversed((
        click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path)),
        click.option("--dry-run", is_flag=True, help="只检查、不写入数据库"),
        click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
                     help="把被拒收的行（原样，另加错误说明列）写入这个 .xlsx 文件，改正后可直接再导入"),
        click.option("--list-name", default=None, help="清单名称（默认取文件的标题行，没有时取文件名）"),
        click.option("--confirm-changes", is_flag=True,
                     help="确认修改已有上岗或补贴记录的人员信息（不加时这些行只列出、不修改）"),
        click.option("--reveal", is_flag=True,
                     help="--report 文件中显示完整的身份证号和电话（需要 --user 指定有权限的用户，记入审计日志）"),
        click.option("--period", default=None, help="清单期间，如 2025（默认取标题中的年份，没有时取今年）"),
        click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(1, 100_000),
                     help="每批提交的行数（中途中断时，已提交的批次保留，重新运行即可继续）"),
        USER_OPTION,
        FORMAT_OPTION,
        with_appcontext,
    )):
        command = option(command)
    return command


@import_group.command("demand")
@_import_options
@click.option("--origin", default=None, help="输出地县（名称或代码）；默认取表头上方的填报单位或标题，没有时取第一行的户籍地")
def import_demand_command(file: Path, origin: str | None, **options) -> None:
    """导入就业需求清单（一行一名劳动力；同一身份证号即同一人，重复导入不会重复登记）。"""
    confirm = options.pop("confirm_changes")
    _run_import(
        "demand", file, options,
        lambda session, vault, **kw: import_demand(session, vault, file, origin=origin, confirm_changes=confirm,
                                                   **kw),
    )


@import_group.command("supply")
@_import_options
@click.option("--region", default=None, help="清单所属的输入地（城市或县，名称或代码）；默认取工作站所在城市或第一行的工作地点")
@click.option("--workstation", default=None, help="维护这份清单的劳务工作站名称")
def import_supply_command(file: Path, region: str | None, workstation: str | None, **options) -> None:
    """导入岗位供给清单（一行一个岗位；同一用人单位、岗位名称和工作地点即同一岗位）。"""
    options.pop("confirm_changes")
    _run_import(
        "supply", file, options,
        lambda session, vault, **kw: import_supply(session, vault, file, region=region, workstation=workstation,
                                                   **kw),
    )


def _run_import(kind: str, file: Path, options: dict, call: Callable[..., ImportResult]) -> None:
    rt = runtime()
    output_format = options["output_format"]
    report = options["report"]
    if report is not None:
        check_output(report)
    with rt.db.session() as session:
        actor = _actor(session, options["username"], kind, options["reveal"])
    if options["reveal"] and report is None:
        raise BadInput("--reveal 只用于 --report 文件，请同时给出 --report。")
    with contextlib.ExitStack() as stack:
        progress = _Progress(stack)
        try:
            with rt.db.writer() as session:
                actor = _in(session, actor)
                result = call(session, rt.vault, name=file.name, list_name=options["list_name"],
                              default_name=file.stem, period=options["period"], dry_run=options["dry_run"],
                              batch_size=options["batch_size"], progress=progress.update, on_open=progress.start,
                              actor=actor)
        except (DomainError, click.ClickException):
            raise  # the bangfu group turns a refusal into its message and exit status
        except OperationalError as error:
            if is_busy(error):
                raise click.ClickException(BUSY_MESSAGE + "已提交的批次会保留，重新运行同一命令即可继续。") from None
            raise click.ClickException(_interrupted(error)) from None
        except SQLAlchemyError as error:
            raise click.ClickException(_interrupted(error)) from None
    if report is not None:
        write_error_report(result, report, reveal=options["reveal"])
        if options["reveal"]:
            with rt.db.transaction() as session:
                record_report_reveal(session, result=result, path=report,
                                     actor=_in(session, actor))
    if output_format == "json":
        emit_json(result.summary())
        return
    _print_import(kind, result, report)


def _interrupted(error: Exception) -> str:
    return (f"导入中断（数据库错误：{type(error).__name__}）。已提交的批次会保留，排除问题后重新运行同一命令即可继续，"
            "已导入的行会显示为“未变”。")


class _Progress:
    """A progress bar on stderr, shown for long files only."""

    def __init__(self, stack: contextlib.ExitStack) -> None:
        self.stack = stack
        self.bar = None

    def start(self, source: ListSource) -> None:
        if source.estimated_rows is not None and source.estimated_rows >= PROGRESS_THRESHOLD:
            self.bar = self.stack.enter_context(click.progressbar(
                length=source.estimated_rows, label="正在导入", file=sys.stderr,
                show_pos=True,
            ))

    def update(self, rows: int) -> None:
        if self.bar is not None:
            self.bar.update(rows)


def _print_import(kind: str, result: ImportResult, report: Path | None) -> None:
    where = f"（{result.period}" + (f"，地区代码 {result.region_code}" if result.region_code else "") + "）"
    head = "试运行（未写入数据库）" if result.dry_run else "导入完成"
    click.echo(
        f"{head}：{kind_label(kind)}“{result.list_name}”{where}共 {result.rows} 行，新增 {result.created}，"
        f"更新 {result.updated}，未变 {result.unchanged}，拒收 {result.rejected}。"
    )
    if result.unconfirmed:
        click.echo(f"待确认 {len(result.unconfirmed)} 行（未修改）：这些人已有上岗或补贴记录，确认无误后加 --confirm-changes 重新导入。")
    if result.ignored_columns:
        click.echo(f"未识别、已忽略的列：{'、'.join(result.ignored_columns)}")
    for warning in result.warnings[:SHOWN_ERRORS]:
        where = f"第{warning.row}行 {warning.column}" + (f"“{warning.value}”" if warning.value else "")
        click.echo(f"提醒：{where}：{warning.message}")
    for change in result.changes[:SHOWN_ERRORS]:
        click.echo(f"第{change.row}行 更新 {change.what}：{'、'.join(change.fields)}")
    for change in result.unconfirmed[:SHOWN_ERRORS]:
        click.echo(f"第{change.row}行 待确认 {change.what}：{'、'.join(change.fields)}（{change.reason}）")
    for error in result.errors[:SHOWN_ERRORS]:
        shown = f"“{error.value}”" if error.value else "（空）"
        click.echo(f"第{error.row}行 {error.column}{shown}：{error.message}")
    if len(result.errors) > SHOWN_ERRORS:
        click.echo(f"……另有 {len(result.errors) - SHOWN_ERRORS} 条错误，完整列表请用 --format json 或 --report。")
    if report is not None:
        click.echo(f"被拒收的行已写入：{report}")


# --------------------------------------------------------------------------------------------------------
# Export


@click.group("export")
def export_group() -> None:
    """导出清单为 .xlsx：身份证号和电话默认遮盖，加 --reveal 显示完整号码（记入审计日志）。"""


def _export_options(command: Callable) -> Callable:
    for option in reversed((
        _OUTPUT,
        click.option("--reveal", is_flag=True, help="显示完整的身份证号和电话（需要权限，记入审计日志）"),
        USER_OPTION,
        FORMAT_OPTION,
        with_appcontext,
    )):
        command = option(command)
    return command


@export_group.command("demand")
@_export_options
@click.option("--origin", default=None, help="输出地（县、市或省，名称或代码）；不填导出全部")
@click.option("--list-name", default=None, help="只导出这个名称的清单")
@click.option("--period", default=None, help="只导出这个期间的清单")
def export_demand_command(origin, list_name, period, **options) -> None:
    """导出就业需求清单（每份清单一个工作表；完整号码的导出文件可原样再导入）。"""
    _run_export("demand", options, lambda session, vault, **kw: export_demand(
        session, vault, options["output"], origin=origin, list_name=list_name, period=period, **kw))


@export_group.command("supply")
@_export_options
@click.option("--region", default=None, help="工作地点所在地区（名称或代码）；不填导出全部")
@click.option("--list-name", default=None, help="只导出这个名称的清单")
@click.option("--period", default=None, help="只导出这个期间的清单")
def export_supply_command(region, list_name, period, **options) -> None:
    """导出岗位供给清单（每份清单一个工作表）。"""
    _run_export("supply", options, lambda session, vault, **kw: export_supply(
        session, vault, options["output"], region=region, list_name=list_name, period=period, **kw))


@export_group.command("stable")
@_export_options
@click.option("--origin", default=None, help="输出地（县、市或省，名称或代码）；不填时每个输出地县一个工作表")
def export_stable_command(origin, **options) -> None:
    """导出稳岗清单：已上岗人员、用人单位、工作地点、上岗日期、稳岗核实月数和补贴情况，按输出地县分表。"""
    _run_export("stable", options, lambda session, vault, **kw: export_stable(
        session, vault, options["output"], origin=origin, **kw))


def _run_export(kind: str, options: dict, call: Callable) -> None:
    rt = runtime()
    check_output(options["output"])
    try:
        # Reading takes no write lock; only a reveal's audit event is written, in a short transaction after.
        with rt.db.session() as session:
            actor = _actor(session, options["username"], kind, options["reveal"])
            result = call(session, rt.vault, reveal=options["reveal"], actor=actor, record=False)
        if result.revealed:
            with rt.db.transaction() as session:
                record_export_reveal(session, kind=kind, result=result, actor=_in(session, actor))
    except (DomainError, click.ClickException):
        raise  # the bangfu group turns a refusal into its message and exit status
    except OperationalError as error:
        if is_busy(error):
            raise click.ClickException(BUSY_MESSAGE) from None
        raise
    if options["output_format"] == "json":
        emit_json({"path": str(result.path), "rows": result.rows, "sheets": result.sheets,
                   "revealed": result.revealed})
        return
    masked = "完整号码（已记入审计日志）" if result.revealed else "号码已遮盖"
    click.echo(f"已导出 {result.rows} 行（{len(result.sheets)} 个工作表，{masked}）：{result.path}")


#: The model whose reveal permission a list's clear numbers need.
_REVEALED_MODEL = {"demand": DemandList, "supply": SupplyList, "stable": Placement}


def _actor(session, username: str | None, kind: str, reveal: bool) -> Actor:
    """The user the command acts for (the system, labelled with the operator's login, without ``--user``).
    Clear numbers need the reveal permission: a user without it is refused (Forbidden, audited) before any
    file is read or written; every reveal is audited under the actor's name."""
    actor = acting_user(session, username)
    if reveal:
        require(actor, Action.EXPORT_REVEALED, _REVEALED_MODEL[kind], session=session)
    return actor


def _in(session, actor: Actor) -> Actor:
    """``actor`` attached to ``session`` (a user read in an earlier session), the system actor as it is."""
    return actor if is_system(actor) else session.merge(actor, load=False)


def check_output(path: Path) -> None:
    """Refuse an output file that cannot be written before any work is done for it."""
    try:
        check_writable(path)
    except OutputNotWritable as error:
        raise BadInput(error.message) from None
