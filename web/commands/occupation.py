"""``bangfu occupation classify``: job titles on stdin to codes of the 2022 occupational classification."""

from __future__ import annotations

import sys

import click

from matching.occupations import classify_many


@click.group("occupation")
def occupation_group() -> None:
    """职业分类（职业分类大典 2022）。"""


@occupation_group.command("classify")
def classify() -> None:
    """从标准输入逐行读取岗位名称，逐行输出：名称<TAB>职业代码<TAB>职业名称<TAB>得分。

    无法归类的行输出空代码与 0 分。
    """
    titles = [line.rstrip("\r\n") for line in sys.stdin]
    for title, found in zip(titles, classify_many(titles), strict=True):
        if found is None:
            click.echo(f"{title}\t\t\t0")
        else:
            click.echo(f"{title}\t{found.code}\t{found.name}\t{found.score:g}")
