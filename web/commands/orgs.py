"""``bangfu org``: add and list organisations (the unit every staff account belongs to)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from jobs.access import accounts
from jobs.storage.enums import OrganisationKind
from web.cli_support import FORMAT_OPTION, domain_errors, emit_json, runtime


@click.group("org")
def org_group() -> None:
    """机构：添加、列出。"""


@org_group.command("add")
@click.argument("name")
@click.option("--kind", required=True, type=click.Choice([k.value for k in OrganisationKind]),
              help="机构类型：hr_bureau 人社局，county_office 县级帮扶部门，workstation 劳务工作站，broker 劳务经纪机构")
@click.option("--region", required=True, help="所在地区：行政区划代码（省 43、市 4301、县 430182）或名称")
@FORMAT_OPTION
@with_appcontext
def add(name: str, kind: str, region: str, output_format: str) -> None:
    """添加一个机构。"""
    rt = runtime()
    with domain_errors(), rt.db.transaction() as session:
        organisation = accounts.add_organisation(session, name=name, kind=kind, region=region)
        document = _document(organisation)
    if output_format == "json":
        emit_json(document)
        return
    click.echo(f"已添加机构 {document['name']}（编号 {document['id']}，{OrganisationKind(kind).label}，"
               f"{accounts.region_name(document['region'])}）")


def _document(organisation) -> dict[str, object]:
    return {"id": organisation.id, "name": organisation.name, "kind": organisation.kind.value,
            "region": organisation.region_code}


@org_group.command("list")
@FORMAT_OPTION
@with_appcontext
def list_(output_format: str) -> None:
    """列出所有机构（编号、名称、类型、地区）。"""
    rt = runtime()
    with rt.db.session() as session:
        rows = [_document(o) for o in accounts.list_organisations(session)]
    if output_format == "json":
        emit_json(rows)
        return
    for row in rows:
        click.echo(f"{row['id']}\t{row['name']}\t{OrganisationKind(row['kind']).label}\t{row['region']}")
    click.echo(f"共 {len(rows)} 个机构", err=True)
