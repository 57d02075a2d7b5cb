"""``bangfu service report``: the service-standard report per county and year."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from jobs.people.regions import RegionError
from jobs.service.report import report_xlsx, service_report
from web.cli_support import FORMAT_OPTION, USER_OPTION, BadInput, acting_user, emit_json, runtime


@click.group("service")
def service_group() -> None:
    """就业服务标准（“311”/“一对一”）达标情况。"""


@service_group.command("report")
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="年度，如 2025")
@click.option("--county", default=None, help="只看某县（市、区）：代码或名称，如 430182 或 宁乡市")
@click.option("-o", "--output", "output", default=None, help="另存为 xlsx 文件")
@USER_OPTION
@FORMAT_OPTION
@with_appcontext
def report(year: int, county: str | None, output: str | None, username: str | None, output_format: str) -> None:
    """按户籍县统计应服务人数、已达标人数、各类推送次数和未达标人员（身份证号脱敏）。"""
    if output is not None and Path(output).suffix.lower() != ".xlsx":
        raise BadInput(f"输出文件须为 .xlsx 格式：{output}")
    rt = runtime()
    with rt.db.session() as session:
        actor = acting_user(session, username)
        try:
            document = service_report(session, vault=rt.vault, year=year, county=county, actor=actor)
        except RegionError as error:
            raise BadInput(f"无法识别的地区“{county}”：{getattr(error, 'message', error)}") from error
        if output is not None:
            Path(output).write_bytes(report_xlsx(session, document, actor=actor))
    if output_format == "json":
        emit_json(document)
        return
    if not document["counties"]:
        click.echo(f"{year}年没有适用服务标准的人员（可能没有有效的政策文件）")
    for c in document["counties"]:
        click.echo(f"{c['name']}（{c['county']}）：应服务 {c['eligible']} 人，已达标 {c['met']} 人；岗位信息 "
                   f"{c['job_pushes']} 次，培训信息 {c['training_pushes']} 次，职业指导 {c['guidance']} 次；"
                   f"未达标 {len(c['laggards'])} 人")
    if output is not None:
        click.echo(f"已导出：{output}")
