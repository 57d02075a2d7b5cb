"""What every command shares: the runtime, JSON output and the exit-status contract (FORMATS.md §4)."""

from __future__ import annotations

import json
from typing import Any

import click
from flask import current_app

from sqlalchemy.exc import OperationalError

from jobs.storage.db import BUSY_MESSAGE, is_busy
from jobs.storage.keys import LookupKeyMismatch, check_lookup_key, lookup_key_recorded
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
        # The check reads; only the very first run of a database writes the fingerprint.
        with rt.db.reading() as session:
            recorded = lookup_key_recorded(session)
            if recorded:
                check_lookup_key(session, rt.vault)
        if not recorded:
            with rt.db.transaction() as session:
                check_lookup_key(session, rt.vault)
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
