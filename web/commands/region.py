"""``bangfu region resolve``: free-text places and (retired) codes to current region codes."""

from __future__ import annotations

import click

from jobs.people.regions import RegionError, region_table
from web.cli_support import FORMAT_OPTION, emit_json


@click.group("region")
def region_group() -> None:
    """行政区划：地名或代码解析。"""


@region_group.command("resolve")
@click.argument("texts", nargs=-1, required=True)
@click.option("--home", default=None, help="本地县级代码，用于解析“省内”“县内”等相对地点")
@FORMAT_OPTION
def resolve(texts: tuple[str, ...], home: str | None, output_format: str) -> None:
    """把地名或行政区划代码解析为现行代码（旧代码自动对应到现行代码）。"""
    table = region_table()
    results = []
    for text in texts:
        try:
            found = table.resolve(text, home=home)
        except RegionError as error:
            results.append({"input": text, "code": None, "name": None, "confidence": 0.0, "error": error.message})
            continue
        results.append(
            {
                "input": text,
                "code": found.code,
                "name": found.name,
                "level": found.level,
                "confidence": round(found.confidence, 2),
                "note": found.note,
            }
        )
    if output_format == "json":
        emit_json(results)
        return
    for item in results:
        if item["code"] is None and "error" in item:
            click.echo(f"{item['input']}\t—\t{item['error']}")
        else:
            shown = item["code"] or "不限"
            click.echo(f"{item['input']}\t{shown}\t{item['name'] or ''}\t置信度 {item['confidence']:.2f}")
