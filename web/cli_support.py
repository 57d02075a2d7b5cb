"""What every command shares: the runtime, the acting user, JSON output and the exit-status contract.

Exit status (the contract of docs and FORMATS §4 keeps three values): 0 done, 1 the command failed, 2 bad usage
or an unreadable input. The domain's refusals fold into them: :class:`~jobs.errors.InvalidInput` and
:class:`~jobs.errors.NotFound` (a value or a name on the command line that is wrong or names nothing the user
may see) exit 2; :class:`~jobs.errors.Forbidden` and :class:`~jobs.errors.Conflict` (the command was
understood but refused) exit 1. One handler, :class:`DomainErrorGroup`, maps them for every command.
"""

from __future__ import annotations

import getpass
import json
from typing import Any

import click
from flask import current_app
from flask.cli import FlaskGroup, ScriptInfo
from sqlalchemy import select
from sqlalchemy.orm import Session

from jobs.access.permissions import Actor, keep_denial, system_actor
from jobs.errors import DomainError, InvalidInput, NotFound
from jobs.storage.keys import LookupKeyMismatch, check_lookup_key
from jobs.storage.models import User
from jobs.storage.runtime import Runtime
from web import runtime_of

EXIT_DONE = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2

USER_OPTION = click.option(
    "--user", "username", default=None,
    help="以哪个用户的身份操作（按其权限范围）；不填时以系统身份操作，审计日志记为命令行操作员",
)

FORMAT_OPTION = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="输出格式：text（便于阅读）或 json（供其他程序读取）",
)


def emit_json(document: Any) -> None:
    """Print one JSON document on stdout, Chinese unescaped."""
    click.echo(json.dumps(document, ensure_ascii=False, default=str))


def runtime(*, needs_database: bool = True) -> Runtime:
    """The app's runtime; an embedded SQLite database is brought up to date by itself."""
    rt = runtime_of(current_app)
    if not needs_database:
        return rt
    if not rt.db.ensure_current():
        raise click.ClickException("数据库结构不是最新版本，请先运行 bangfu db upgrade")
    try:
        with rt.db.transaction() as session:
            check_lookup_key(session, rt.vault)
    except LookupKeyMismatch as error:
        raise click.ClickException(error.message) from error
    return rt


class BadInput(click.ClickException):
    """Bad usage or an unreadable input: exit status 2 with one clear message."""

    exit_code = EXIT_BAD_INPUT


def exit_status(error: DomainError) -> int:
    """The exit status of a refused use case: 2 for wrong input or a name that finds nothing, else 1."""
    if isinstance(error, (InvalidInput, NotFound)):
        return EXIT_BAD_INPUT
    return EXIT_FAILED


class DomainErrorGroup(FlaskGroup):
    """The ``bangfu`` group: a use case's refusal becomes its Chinese message on stderr and an exit status.

    A refusal that was audited (an access denial) is written again to the audit log, since the command's
    transaction was rolled back with it.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DomainError as error:
            if error.audit:
                app = ctx.ensure_object(ScriptInfo).load_app()
                keep_denial(runtime_of(app).db, error)
            message = error.message
            if isinstance(error, InvalidInput):
                details = "；".join(m for messages in error.fields.values() for m in messages if m != message)
                message = f"{message}；{details}" if details else message
            failure = click.ClickException(message)
            failure.exit_code = exit_status(error)
            raise failure from None


def acting_user(session: Session, username: str | None) -> Actor:
    """The user a command acts for (``--user``), or the system actor labelled with the operator's login."""
    if username is None:
        return system_actor(f"cli:{getpass.getuser()}")
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if user is None:
        raise BadInput(f"没有名为“{username}”的有效用户。")
    return user
