"""``bangfu policy``: list, show, check, load and ask which policy pack governs a county on a day."""

from __future__ import annotations


import datetime as dt
from pathlib import Path

import click
from flask.cli import with_appcontext

from jobs.subsidy.policy_store import (
    LoadOutcome,
    StoredPack,
    active_packs,
    all_versions,
    check_text,
    find,
    load_text,
    which,
)
from jobs.subsidy import Pack, PackError
from web.cli_support import FORMAT_OPTION, USER_OPTION, BadInput, acting_user, emit_json, runtime


@click.group("policy")
def policy_group() -> None:
    """政策文件：查看、校验、载入，以及查询某县某日适用的政策。"""


def _pack_summary(stored: StoredPack) -> dict[str, object]:
    row, pack = stored.row, stored.pack
    return {
        "id": pack.id,
        "version": row.version,
        "document_number": pack.document_number,
        "title": pack.title,
        "issuer": pack.issuer,
        "jurisdiction": list(pack.jurisdiction),
        "level": pack.level.label,
        "effective_from": pack.effective_from.isoformat(),
        "effective_to": None if pack.effective_to is None else pack.effective_to.isoformat(),
        "active": row.active,
        "loaded_at": row.loaded_at.isoformat(),
        "sha256": row.sha256,
    }


def _rules(pack: Pack) -> list[dict[str, object]]:
    return [
        {"id": r.id, "kind": r.kind, "article": r.article, "beneficiary": r.beneficiary,
         "categories": list(r.categories), "trigger": r.trigger, "fund": r.fund}
        for r in pack.rules
    ]


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput(f"无法读取文件{file}：{error}") from error


@policy_group.command("list")
@with_appcontext
@click.option("--all-versions", "every_version", is_flag=True, help="同时列出已被新版本替代的旧版本")
@FORMAT_OPTION
def list_packs(every_version: bool, output_format: str) -> None:
    """列出已载入的政策文件（首次使用时自动载入随软件发布的文件）。"""
    rt = runtime()
    with rt.db.transaction() as session:
        stored = active_packs(session)
        if every_version:
            stored = [find(session, f"{row.pack_key}@{row.version}") for row in all_versions(session)]
        documents = [_pack_summary(s) for s in stored]
    if output_format == "json":
        emit_json(documents)
        return
    for doc in documents:
        end = doc["effective_to"] or "长期"
        state = "" if doc["active"] else "（已被新版本替代）"
        click.echo(f"{doc['id']}\t第{doc['version']}版\t{doc['document_number']}\t{doc['level']}\t"
                   f"{doc['effective_from']}至{end}{state}")


@policy_group.command("show")
@with_appcontext
@click.argument("ident")
@FORMAT_OPTION
def show(ident: str, output_format: str) -> None:
    """显示一个政策文件（ID、ID@版本号或序号）及其补贴规则。"""
    rt = runtime()
    with rt.db.transaction() as session:
        active_packs(session)
        stored = find(session, ident)
        document = {**_pack_summary(stored), "rules": _rules(stored.pack)}
    if output_format == "json":
        emit_json(document)
        return
    click.echo(f"{document['document_number']}（{document['id']} 第{document['version']}版）{document['title']}")
    click.echo(f"发文单位：{document['issuer']}")
    click.echo(f"适用范围：{stored.pack.area_label}（{document['level']}）；有效期：{stored.pack.period_label}")
    for rule in stored.pack.rules:
        click.echo(f"- {rule.article} {rule.id}（{rule.kind}，补助对象 {rule.beneficiary}）")


@policy_group.command("check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@FORMAT_OPTION
def check(file: Path, output_format: str) -> None:
    """校验一个新的政策文件，并用中文说明其中的错误（有误时退出码为2）。"""
    try:
        pack = check_text(_read(file), source=str(file))
    except PackError as error:
        if output_format == "json":
            emit_json({"file": str(file), "valid": False, "errors": error.messages})
        else:
            click.echo(str(error), err=True)
        raise SystemExit(2) from error
    if output_format == "json":
        emit_json({"file": str(file), "valid": True, "id": pack.id, "document_number": pack.document_number,
                   "rules": len(pack.rules)})
        return
    click.echo(f"{file}：校验通过，{pack.document_number}（{pack.id}），{len(pack.rules)}条规则，"
               f"{pack.area_label}，{pack.period_label}")


@policy_group.command("load")
@with_appcontext
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@USER_OPTION
@FORMAT_OPTION
def load(file: Path, username: str | None, output_format: str) -> None:
    """校验并载入一个政策文件；同一ID内容有变化时保存为新版本，并记入审计日志。"""
    text = _read(file)
    rt = runtime()
    try:
        with rt.db.transaction() as session:
            active_packs(session)
            result = load_text(session, text, source=str(file), actor=acting_user(session, username))
            document = {**_pack_summary(result.stored), "outcome": result.outcome.value,
                        "warnings": result.warnings}
    except PackError as error:
        if output_format == "json":
            emit_json({"file": str(file), "valid": False, "errors": error.messages})
        else:
            click.echo(str(error), err=True)
        raise SystemExit(2) from error
    if output_format == "json":
        emit_json(document)
        return
    said = {LoadOutcome.CREATED: "已载入", LoadOutcome.NEW_VERSION: "已载入新版本",
            LoadOutcome.UNCHANGED: "内容未变化，未作改动"}[result.outcome]
    click.echo(f"{document['document_number']}（{document['id']} 第{document['version']}版）：{said}")
    for warning in result.warnings:
        click.echo(f"提醒：{warning}")


@policy_group.command("which")
@with_appcontext
@click.argument("region")
@click.argument("day", metavar="DATE")
@FORMAT_OPTION
def which_command(region: str, day: str, output_format: str) -> None:
    """查询某县（代码或名称）在某日（YYYY-MM-DD）适用哪个政策文件，并说明理由。"""
    try:
        date = dt.date.fromisoformat(day)
    except ValueError as error:
        raise BadInput(f"日期“{day}”应为YYYY-MM-DD格式") from error
    rt = runtime()
    with rt.db.transaction() as session:
        answer = which(session, region=region, day=date)
        pack = answer.governing.pack
        document = {
            "region": answer.county_code,
            "region_name": answer.county_name,
            "date": date.isoformat(),
            "policy": None if pack is None else pack.document_number,
            "pack_id": None if pack is None else pack.id,
            "version": None if answer.pack_row is None else answer.pack_row.version,
            "explanation": answer.governing.explanation,
        }
    if output_format == "json":
        emit_json(document)
        return
    head = document["policy"] or "无适用政策"
    click.echo(f"{answer.county_name}（{answer.county_code}）{date.isoformat()}：{head}")
    click.echo(answer.governing.explanation)
