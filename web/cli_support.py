"""What every command shares: the runtime, JSON output and the exit-status contract (FORMATS.md §4)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import click
from flask import current_app

from jobs.errors import DomainError, InvalidInput, NotFound
from jobs.storage.keys import LookupKeyMismatch, check_lookup_key
from jobs.storage.runtime import Runtime
from web import runtime_of

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


@contextlib.contextmanager
def domain_errors() -> Iterator[None]:
    """Turn a use case's refusal into the exit-status contract: bad input or an unknown name exits 2, a
    refusal of the current state (a duplicate, a forbidden move) exits 1; either way one Chinese message."""
    try:
        yield
    except (InvalidInput, NotFound) as error:
        raise BadInput(error.message) from None
    except DomainError as error:
        raise click.ClickException(error.message) from None
