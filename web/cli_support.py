"""What every command shares: the runtime, the acting user, JSON output and the exit-status contract.

Exit status (docs/formats.md, "Command contracts", keeps three values): 0 done, 1 the command failed, 2 bad usage
or an unreadable input. The domain's refusals fold into them: :class:`~jobs.errors.InvalidInput` and
:class:`~jobs.errors.NotFound` (a value or a name on the command line that is wrong or names nothing the user
may see) exit 2; :class:`~jobs.errors.Forbidden` and :class:`~jobs.errors.Conflict` (the command was
understood but refused) exit 1. One handler, :func:`domain_failure`, called by the ``bangfu`` group for every
command, maps them.

This module is imported by every command module, so it imports nothing heavy at module level: the database,
Flask and the domain are imported inside the functions that need them (``bangfu match DEMAND SUPPLY`` needs
none of them).
"""

from __future__ import annotations

import contextlib
import functools
import getpass
import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import click

from jobs.errors import DomainError, InvalidInput, NotFound

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from jobs.access.permissions import Actor
    from jobs.storage.runtime import Runtime

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


def with_app(command: Callable) -> Callable:
    """``flask.cli.with_appcontext``, with Flask imported only when the command runs: for commands whose other
    uses need no app (``bangfu match DEMAND SUPPLY`` reads two files), Flask stays out of their start-up."""

    @functools.wraps(command)
    def run_in_app(*args: Any, **kwargs: Any) -> Any:
        from flask.cli import with_appcontext

        provide_app_factory(click.get_current_context())
        return with_appcontext(command)(*args, **kwargs)

    return run_in_app


def provide_app_factory(ctx: click.Context) -> None:
    """Give commands decorated with ``flask.cli.with_appcontext`` the app factory, unless a caller (a test's
    ``app.test_cli_runner()``) already gave them an app. Done when such a command is loaded or run, not at
    start-up, so that ``--help`` and the commands that need no app never import Flask or build the app
    (which would create the instance folder and its key file)."""
    from flask.cli import ScriptInfo

    if ctx.find_object(ScriptInfo) is None:
        ctx.find_root().obj = ScriptInfo(create_app=command_app, set_debug_flag=False, load_dotenv_defaults=False)


def command_app():
    """The app for a command (and for each worker process of ``bangfu serve --processes``); a look-up key that
    does not fit the database is one clear message, exit 1."""
    from jobs.storage.keys import LookupKeyMismatch
    from web import create_app

    try:
        return create_app()
    except LookupKeyMismatch as error:
        raise click.ClickException(error.message) from None


def emit_json(document: Any) -> None:
    """Print one JSON document on stdout, Chinese unescaped."""
    click.echo(json.dumps(document, ensure_ascii=False, default=str))


def runtime(*, needs_database: bool = True) -> Runtime:
    """The app's runtime; an embedded SQLite database is brought up to date by itself."""
    from flask import current_app

    from sqlalchemy.exc import OperationalError

    from jobs.storage.db import BUSY_MESSAGE, is_busy
    from jobs.storage.keys import LookupKeyMismatch
    from web import runtime_of

    rt = runtime_of(current_app)
    if not needs_database:
        return rt
    if not rt.db.ensure_current():
        raise click.ClickException("数据库结构不是最新版本，请先运行 bangfu db upgrade")
    try:
        rt.check_lookup_key()
    except LookupKeyMismatch as error:
        raise click.ClickException(error.message) from error
    except OperationalError as error:
        if is_busy(error):
            raise click.ClickException(BUSY_MESSAGE) from None
        raise
    return rt


class BadInput(click.ClickException):
    """Bad usage or an unreadable input: exit status 2 with one clear message."""

    exit_code = EXIT_BAD_INPUT


def exit_status(error: DomainError) -> int:
    """The exit status of a refused use case: 2 for wrong input or a name that finds nothing, else 1."""
    if isinstance(error, (InvalidInput, NotFound)):
        return EXIT_BAD_INPUT
    return EXIT_FAILED


def domain_failure(ctx: click.Context, error: DomainError) -> click.ClickException:
    """A use case's refusal as the command's failure: its Chinese message on stderr and an exit status.

    A refusal that was audited (an access denial) is written again to the audit log, since the command's
    transaction was rolled back with it.
    """
    if getattr(error, "audit", None):
        from flask.cli import ScriptInfo

        from jobs.access.permissions import keep_denial
        from web import runtime_of

        app = ctx.find_root().ensure_object(ScriptInfo).load_app()
        keep_denial(runtime_of(app).db, error)
    message = error.message
    if isinstance(error, InvalidInput):
        details = "；".join(m for messages in error.fields.values() for m in messages if m != message)
        message = f"{message}；{details}" if details else message
    failure = click.ClickException(message)
    failure.exit_code = exit_status(error)
    return failure


def acting_user(session: Session, username: str | None) -> Actor:
    """The user a command acts for (``--user``), or the system actor labelled with the operator's login."""
    from sqlalchemy import select

    from jobs.access.permissions import system_actor
    from jobs.storage.models import User

    if username is None:
        return system_actor(f"cli:{getpass.getuser()}")
    user = session.scalar(select(User).where(User.username == username, User.active.is_(True)))
    if user is None:
        raise BadInput(f"没有名为“{username}”的有效用户。")
    return user


@contextlib.contextmanager
def domain_errors() -> Iterator[None]:
    """Turn a use case's refusal inside a command into the exit-status contract there and then (the group's
    handler does the same for refusals that reach it): bad input or an unknown name exits 2, a refusal of the
    current state (a duplicate, a forbidden move) exits 1; either way one Chinese message."""
    try:
        yield
    except DomainError as error:
        failure = click.ClickException(error.message)
        failure.exit_code = exit_status(error)
        raise failure from None
