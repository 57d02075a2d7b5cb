"""The ``bangfu`` console script: one click group whose commands are loaded only when they are used.

``bangfu --help`` lists the commands from :data:`COMMANDS` without importing any of them, so it starts in a
fraction of a second, builds no app and writes nothing; ``bangfu NAME ...`` imports only the module of NAME.
Adding a command is one line in :data:`COMMANDS` (a test fails for a command module that has none).

Exit status (docs/formats.md, "Command contracts"): 0 done (even if some rows were rejected), 1 the command
failed, 2 bad usage or an unreadable input. Commands that report results take ``--format json`` and then print
one JSON document on stdout; progress goes to stderr.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any, NamedTuple

import click


class Entry(NamedTuple):
    """Where a top-level command lives (``"module:attribute"``) and its one-line summary for ``--help``."""

    target: str
    summary: str


# The summary is the first line of the command's own docstring (a test keeps the two equal).
COMMANDS: dict[str, Entry] = {
    "audit": Entry("web.commands.audit:audit_group", "审计日志：核对哈希链，发现被改动、删除的记录。"),
    "claims": Entry("web.commands.claims:claims_group", "补贴：按政策文件评估、台账、公示名单、风险提示。"),
    "db": Entry("web.commands.db:db_group", "数据库：升级结构、查看版本。"),
    "demo": Entry("web.commands.demo:demo", "生成演示数据（四个输出地县、劳务工作站、劳动力、岗位、经纪人、输出批次、就业安置），完成匹配和补贴评估，并模拟调度器运行去年一整年。"),
    "export": Entry("web.commands.lists:export_group", "导出清单为 .xlsx：身份证号和电话默认遮盖，加 --reveal 显示完整号码（记入审计日志）。"),
    "import": Entry("web.commands.lists:import_group", "导入清单（.xlsx，或 UTF-8 / GB18030 编码的 CSV）：逐行校验，有问题的行单独列出，其余照常导入。"),
    "jobs": Entry("web.commands.jobs:jobs_group", "定时任务：查看、立即运行、按日期模拟运行。"),
    "keys": Entry("web.commands.keys:keys_group", "密钥：轮换加密密钥后重新加密个人敏感信息。"),
    "match": Entry("web.commands.match:match_group", "人岗匹配：bangfu match 需求清单 岗位清单 -o 结果.xlsx（不用数据库），或 bangfu match run（数据库）。"),
    "org": Entry("web.commands.orgs:org_group", "机构：添加、列出。"),
    "occupation": Entry("web.commands.occupation:occupation_group", "职业分类（职业分类大典 2022）。"),
    "outbox": Entry("web.commands.outbox:outbox_group", "待发消息：站内消息、短信、电子邮件及其发送状态。"),
    "policy": Entry("web.commands.policy:policy_group", "政策文件：查看、校验、载入，以及查询某县某日适用的政策。"),
    "region": Entry("web.commands.region:region_group", "行政区划：地名或代码解析。"),
    "scenario": Entry("web.commands.scenario:scenario_group", "政策场景：在临时数据库中按场景文件核算补贴。"),
    "scheduler": Entry("web.commands.scheduler:scheduler_command", "运行调度器进程：定时推送岗位信息、培训信息、职业指导，跟进就业转失业，评估补贴，发送消息。"),
    "serve": Entry("web.commands.serve:serve", "用生产级 WSGI 服务器（waitress）提供网页服务。"),
    "token": Entry("web.commands.tokens:token_group", "接口令牌：为用户签发（只显示一次）、撤销。"),
    "user": Entry("web.commands.users:user_group", "用户账号：添加、列出、停用。"),
    "service": Entry("web.commands.service:service_group", "就业服务标准（“311”/“一对一”）达标情况。"),
    "training": Entry("web.commands.training:training_group", "职业技能培训目录：生成模板、导入。"),
    "template": Entry("web.commands.lists:template", "生成清单模板：demand 为就业需求清单，supply 为岗位供给清单（含填写说明、下拉选项和示例行）。"),
}


def load_command(target: str) -> click.Command:
    """Import ``"module:attribute"`` and return the click command it names."""
    module_name, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command is run (or asked for its own help)."""

    def __init__(self, *args, lazy_commands: dict[str, Entry], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(self.lazy_commands)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = self.lazy_commands.get(cmd_name)
        if entry is None:
            return None
        command = load_command(entry.target)
        if "flask.cli" in sys.modules:  # the command's module uses flask.cli.with_appcontext
            from web.cli_support import provide_app_factory

            provide_app_factory(ctx)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        from jobs.errors import DomainError  # light: no database, no Flask

        try:
            return super().invoke(ctx)
        except DomainError as error:
            from web.cli_support import domain_failure

            raise domain_failure(ctx, error) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, entry.summary) for name, entry in sorted(self.lazy_commands.items())]
        with formatter.section("命令"):
            formatter.write_dl(rows)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "显示本帮助并退出"
        return option


@click.group(cls=LazyGroup, lazy_commands=COMMANDS)
def cli() -> None:
    """帮扶（bangfu）：就业帮扶人岗匹配与劳务输出服务平台的命令行。"""


_teardown = {"skip": False}


def skip_teardown() -> None:
    """Let the console script end the process as soon as the running command returns, without freeing every
    object and module one by one (a one-shot command that built 10^5 objects spends a tenth of its time on
    that). For commands whose output is already written and closed; the tests' runner never ends a process."""
    _teardown["skip"] = True


def main() -> None:
    try:
        cli.main(prog_name="bangfu")
    except SystemExit as stop:
        if _teardown["skip"] and (stop.code is None or isinstance(stop.code, int)):
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(stop.code or 0)
        raise


if __name__ == "__main__":
    main()
