"""What every command shares: the runtime, JSON output and the exit-status contract (docs/formats.md)."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from web import runtime_of

if TYPE_CHECKING:
    from jobs.storage.runtime import Runtime

EXIT_DONE = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2

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

        return with_appcontext(command)(*args, **kwargs)

    return run_in_app


def emit_json(document: Any) -> None:
    """Print one JSON document on stdout, Chinese unescaped."""
    click.echo(json.dumps(document, ensure_ascii=False, default=str))


def runtime(*, needs_database: bool = True) -> Runtime:
    """The app's runtime; an embedded SQLite database is brought up to date by itself."""
    from flask import current_app

    from jobs.storage.keys import LookupKeyMismatch

    rt = runtime_of(current_app)
    if not needs_database:
        return rt
    if not rt.db.ensure_current():
        raise click.ClickException("数据库结构不是最新版本，请先运行 bangfu db upgrade")
    try:
        rt.check_lookup_key()
    except LookupKeyMismatch as error:
        raise click.ClickException(error.message) from error
    return rt


class BadInput(click.ClickException):
    """Bad usage or an unreadable input: exit status 2 with one clear message."""

    exit_code = EXIT_BAD_INPUT
