"""``bangfu keys``: re-encrypt personal data after adding a new secret (key rotation)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from jobs.storage.keys import reencrypt_all
from web.cli_support import FORMAT_OPTION, emit_json, runtime


@click.group("keys")
def keys_group() -> None:
    """密钥：轮换加密密钥后重新加密个人敏感信息。"""


@keys_group.command("rotate")
@FORMAT_OPTION
@with_appcontext
def rotate(output_format: str) -> None:
    """用最新密钥重新加密所有身份证号和手机号（可重复运行）。"""
    rt = runtime()
    report = reencrypt_all(rt.db, rt.vault)
    if output_format == "json":
        emit_json({"examined": report.examined, "rotated": report.rotated})
    else:
        click.echo(f"已检查 {report.examined} 项，重新加密 {report.rotated} 项")
