"""``bangfu training``: the training catalogue (template and import)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from jobs.lists.values import CellError
from jobs.service.training import import_courses, write_template
from web.cli_support import FORMAT_OPTION, BadInput, emit_json, runtime


@click.group("training")
def training_group() -> None:
    """职业技能培训目录：生成模板、导入。"""


@training_group.command("template")
@click.option("-o", "--output", "output", required=True, help="模板文件（.xlsx）")
def template(output: str) -> None:
    """生成培训目录模板（含填写说明和示例行）。"""
    path = Path(output)
    if path.suffix.lower() != ".xlsx":
        raise BadInput(f"输出文件须为 .xlsx 格式：{output}")
    write_template(path)
    click.echo(f"已生成培训目录模板：{path}")


@training_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@FORMAT_OPTION
@with_appcontext
def import_command(file: str, output_format: str) -> None:
    """导入培训目录（同一课程、机构和开班日期再次导入时更新）；有误的行逐行说明并跳过。"""
    path = Path(file)
    if not path.is_file():
        raise BadInput(f"找不到文件：{file}")
    rt = runtime()
    try:
        with rt.db.transaction() as session:
            result = import_courses(session, path.read_bytes())
    except CellError as error:
        raise BadInput(error.message) from error
    if output_format == "json":
        emit_json(result.as_dict())
        return
    click.echo(f"培训课程：新增 {result.created} 个，更新 {result.updated} 个，未变 {result.unchanged} 个，"
               f"有误 {len(result.errors)} 行")
    for message in result.errors:
        click.echo(message, err=True)
