"""The ``bangfu`` command line: start-up, the command map, region resolution, the demo world, upgrades."""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import select

import web.commands
from jobs.storage.enums import Role
from jobs.storage.models import User
from tests.web.clirun import json_of, succeeded
from web.cli import COMMANDS, cli, load_command

# What `bangfu --help` must not import: each costs tens to hundreds of milliseconds, and the app (Flask) would
# create the instance folder and its key file.
HEAVY_MODULES = ("numpy", "rapidfuzz", "openpyxl", "alembic", "sqlalchemy", "flask", "werkzeug", "cryptography",
                 "yaml", "apscheduler", "jobs", "matching")
HAN = re.compile("[\u4e00-\u9fff]")


def _bangfu_command() -> list[str]:
    script = Path(sys.executable).with_name("bangfu")
    return [str(script)] if script.exists() else [sys.executable, "-m", "web.cli"]


def _walk(command: click.Command, path: tuple[str, ...]):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _walk(sub, (*path, name))


def _every_command() -> list[tuple[tuple[str, ...], click.Command]]:
    return [found for name, entry in COMMANDS.items() for found in _walk(load_command(entry.target), (name,))]


def test_bangfu_help_imports_nothing_heavy_and_writes_nothing(tmp_path):
    home, work, instance, cache = (tmp_path / name for name in ("home", "work", "instance-dir", "cache"))
    for folder in (home, work, cache):
        folder.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("BANGFU_")}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(cache), BANGFU_INSTANCE_PATH=str(instance),
               BANGFU_CACHE_DIR=str(cache), PYTHONPROFILEIMPORTTIME="1", PYTHONDONTWRITEBYTECODE="1")
    done = subprocess.run([*_bangfu_command(), "--help"], cwd=work, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    for name, entry in COMMANDS.items():
        assert name in done.stdout and entry.summary[:20] in done.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    heavy = sorted(name for name in imported if name.split(".")[0] in HEAVY_MODULES)
    assert heavy == []
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["cache", "home", "work"]


def test_every_command_defined_in_web_commands_has_an_entry_in_the_command_map():
    defined = set()
    for module_info in pkgutil.iter_modules(web.commands.__path__):
        module = importlib.import_module(f"web.commands.{module_info.name}")
        commands = {name: value for name, value in vars(module).items() if isinstance(value, click.Command)}
        nested = {id(sub) for value in commands.values() if isinstance(value, click.Group)
                  for sub in value.commands.values()}
        defined |= {f"{module.__name__}:{name}" for name, value in commands.items() if id(value) not in nested}
    assert defined == {entry.target for entry in COMMANDS.values()}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_map_entry_loads_the_command_of_that_name_with_that_summary(name):
    command = load_command(COMMANDS[name].target)
    assert command.name == name
    assert command.help.strip().splitlines()[0] == COMMANDS[name].summary


@pytest.mark.parametrize("path,command", _every_command(), ids=lambda value: " ".join(value) if isinstance(value, tuple) else "")
def test_every_command_and_subcommand_answers_help_in_chinese(path, command):
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert command.help and HAN.search(command.help)
    for parameter in command.params:
        if isinstance(parameter, click.Option) and not parameter.hidden and parameter.name != "help":
            assert parameter.help and HAN.search(parameter.help), f"{' '.join(path)} {parameter.opts[0]}"


def test_an_unknown_command_is_bad_usage():
    result = CliRunner().invoke(cli, ["no-such-command"])
    assert result.exit_code == 2


def test_region_resolve_gives_current_codes_for_short_forms_and_retired_codes(runner):
    inputs = ["湖南宁乡", "东莞长安", "430124", "230824", "342426", "浙江宁波北仑"]
    result = runner.invoke(cli, ["region", "resolve", *inputs, "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json_of(result)
    assert [row["input"] for row in rows] == inputs
    assert [row["code"] for row in rows] == ["430182", "441900", "430182", "230522", "341524", "330206"]
    assert all(0 < row["confidence"] <= 1 and row["name"] for row in rows)


def test_region_resolve_says_when_a_place_is_ambiguous(runner):
    result = runner.invoke(cli, ["region", "resolve", "朝阳区", "--format", "json"])
    assert result.exit_code == 0
    (row,) = json_of(result)
    assert row["code"] is None
    assert "北京" in row["error"] and "长春" in row["error"]


def test_region_resolve_takes_relative_places_against_a_home_county(runner):
    result = runner.invoke(cli, ["region", "resolve", "省内", "县内", "--home", "430182", "--format", "json"])
    rows = json_of(result)
    assert [row["code"] for row in rows] == ["43", "430182"]


def test_db_upgrade_reports_the_newest_version(runner):
    result = runner.invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0 and "最新版本" in result.output


def test_demo_builds_a_believable_world_once(runner, runtime, frozen_clock):
    result = runner.invoke(cli, ["demo", "--workers", "300", "--posts", "60", "--no-simulate", "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json_of(result)
    assert summary["created"] is True
    assert summary["people"] == 300 and summary["posts"] == 60
    assert summary["workstations"] == 5 and summary["brokers"] == 6
    assert summary["dispatches"] == 6 and summary["placements"] > 20
    # The demo is matched and its subsidies evaluated, so every page has something to show.
    assert summary["matches"] > 100 and summary["claims"] > summary["placements"]
    again = json_of(runner.invoke(cli, ["demo", "--format", "json"]))
    assert again["created"] is False and again["people"] == 300


def test_db_current_names_the_current_and_the_newest_version(runner):
    result = succeeded(runner.invoke(cli, ["db", "current"]))
    assert result.stdout.startswith("当前版本：") and "最新版本：" in result.stdout


def test_region_resolve_prints_a_line_per_place_for_people(runner):
    result = succeeded(runner.invoke(cli, ["region", "resolve", "湖南宁乡", "不限", "火星"]))
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[:2] == ["湖南宁乡", "430182"] and "置信度" in lines[0]
    assert lines[1].split("\t")[:2] == ["不限", "不限"]
    assert lines[2].startswith("火星\t—\t无法识别地点“火星”")


def test_match_run_reports_in_chinese_and_refuses_an_unknown_origin(runner):
    result = succeeded(runner.invoke(cli, ["match", "run"]))
    assert result.stdout.startswith("参与匹配：劳动力 0 人，岗位 0 个")
    unknown = runner.invoke(cli, ["match", "run", "--origin", "火星"])
    assert unknown.exit_code == 2 and "--origin：" in unknown.output


@pytest.mark.slow
def test_demo_replays_the_past_year_so_the_service_standard_is_met_at_once(runner, runtime, frozen_clock):
    result = runner.invoke(cli, ["demo", "--workers", "40", "--posts", "20", "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json_of(result)
    assert summary["simulation"]["failed"] == [] and summary["simulation"]["runs"] > 365
    report = summary["service_report"]
    assert report["year"] == 2025 and report["counties"]  # the last whole year before today (2026-11-24)
    for county in report["counties"]:
        assert county["met"] == county["eligible"] > 0 and county["laggards"] == []
    outbox = json_of(runner.invoke(cli, ["outbox", "list", "--channel", "sms", "--format", "json"]))
    assert outbox and all(message["status"] == "sent" and message["stored_only"] for message in outbox)
    # Demo staff have addresses under the reserved .invalid domain: their alerts and digests exercise the e-mail
    # channel, kept in the outbox since no SMTP server is configured, and say so.
    mail = json_of(runner.invoke(cli, ["outbox", "list", "--channel", "email", "--format", "json"]))
    assert mail and all(message["stored_only"] for message in mail)
    assert {m["kind"] for m in mail} >= {"checks_due"}
    with runtime.db.session() as session:
        addresses = set(session.scalars(select(User.email).where(User.role != Role.SEEKER)))
    assert addresses and all(address.endswith("@example.invalid") for address in addresses)
    text = succeeded(runner.invoke(cli, ["outbox", "list", "--channel", "email", "--limit", "1"]))
    assert "未配置短信网关或邮件服务器，未真正发出" in text.stdout


def test_demo_without_the_year_only_builds_the_world(runner, runtime, frozen_clock):
    summary = json_of(runner.invoke(cli, ["demo", "--workers", "40", "--posts", "20", "--no-simulate",
                                          "--format", "json"]))
    assert summary["created"] is True and summary["simulation"] is None and summary["service_report"] is None
    assert json_of(runner.invoke(cli, ["outbox", "list", "--format", "json"])) == []
