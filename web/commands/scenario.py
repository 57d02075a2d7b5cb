"""``bangfu scenario run FILE``: a what-if world run through the real services (docs/formats.md, "Scenario file")."""

from __future__ import annotations

from pathlib import Path

import click

from jobs.subsidy.scenario import ScenarioError, run_scenario_file
from web.cli_support import BadInput, emit_json


@click.group("scenario")
def scenario_group() -> None:
    """政策场景：在临时数据库中按场景文件核算补贴。"""


@scenario_group.command("run")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--pack", "packs", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="另行载入的政策文件（可多次给出），如尚未发布的新年度文件")
@click.option("--format", "output_format", type=click.Choice(["json"]), default="json", show_default=True,
              help="输出格式（场景结果总是一个JSON文档）")
def run(file: Path, packs: tuple[Path, ...], output_format: str) -> None:
    """在一个全新的临时数据库中载入场景、核算补贴，并以JSON输出各项补贴申领。"""
    try:
        result = run_scenario_file(file, extra_packs=packs)
    except ScenarioError as error:
        raise BadInput(f"场景文件{file}有误：{error.message}") from error
    emit_json(result)
