"""``bangfu occupation classify`` (docs/formats.md): one line in, ``title<TAB>code<TAB>name<TAB>score`` out."""

from __future__ import annotations

from web.cli import cli


def test_each_title_gets_its_occupation_code_name_and_score(runner):
    result = runner.invoke(cli, ["occupation", "classify"], input="电焊工\n保姆\n")
    assert result.exit_code == 0
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    assert [(title, code, name) for title, code, name, _score in lines] == [
        ("电焊工", "6-18-02-04", "焊工"),
        ("保姆", "4-10-01-06", "家政服务员"),
    ]
    assert all(0 < float(score) <= 100 for *_, score in lines)


def test_an_unclassifiable_line_keeps_its_place_with_an_empty_code(runner):
    result = runner.invoke(cli, ["occupation", "classify"], input="电焊工\n@@@\n")
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and lines[1] == "@@@\t\t\t0"
