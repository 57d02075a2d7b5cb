"""``bangfu org`` and ``bangfu user``; the demo's accounts; the cookie decision of ``bangfu serve``."""

from __future__ import annotations

import json

import pytest

from jobs.access import accounts, passwords
from tests.factories import make_person
from web import create_app, runtime_of
from web.cli import cli
from web.security import relax_cookie_for_local_demo


def run(runner, *args, input=None):
    return runner.invoke(cli, list(args), input=input)


@pytest.fixture
def organisations(runner):
    assert run(runner, "org", "add", "湖南省人社厅", "--kind", "hr_bureau", "--region", "43").exit_code == 0
    assert run(runner, "org", "add", "宁乡市人社局", "--kind", "county_office", "--region", "宁乡市").exit_code == 0


def test_org_add_and_list_give_id_name_kind_and_region(runner, organisations):
    listed = json.loads(run(runner, "org", "list", "--format", "json").stdout)
    assert listed == [
        {"id": 2, "name": "宁乡市人社局", "kind": "county_office", "region": "430182"},
        {"id": 1, "name": "湖南省人社厅", "kind": "hr_bureau", "region": "43"},
    ]


def test_org_add_in_an_unknown_place_exits_2_with_a_chinese_message(runner):
    result = run(runner, "org", "add", "火星站", "--kind", "workstation", "--region", "火星")
    assert result.exit_code == 2 and "火星" in result.output


def test_user_add_prints_a_generated_password_once_that_signs_in(runner, runtime, organisations):
    result = run(runner, "user", "add", "liu", "--role", "county_staff", "--org", "宁乡市人社局")
    assert result.exit_code == 0, result.output
    password = result.stdout.split("初始密码：")[1].split()[0]
    with runtime.db.transaction() as session:
        user = accounts.authenticate(session, username="liu", password=password)
        assert user.must_change_password is True


def test_user_add_reads_a_password_from_stdin_and_checks_its_strength(runner, organisations):
    weak = run(runner, "user", "add", "root1", "--role", "admin", "--org", "湖南省人社厅", "--password-stdin",
               input="123\n")
    assert weak.exit_code == 2 and "密码强度不够" in weak.output
    good = run(runner, "user", "add", "root1", "--role", "admin", "--org", "湖南省人社厅", "--password-stdin",
               "--format", "json", input="Shengting-2026-guanli\n")
    assert good.exit_code == 0 and json.loads(good.stdout)["password"] is None


def test_user_add_refuses_bad_combinations_with_exit_2(runner, organisations):
    assert run(runner, "user", "add", "x1y", "--role", "broker").exit_code == 2
    assert run(runner, "user", "add", "x1y", "--role", "broker", "--org", "没有这个机构").exit_code == 2
    wrong_kind = run(runner, "user", "add", "x1y", "--role", "broker", "--org", "宁乡市人社局")
    assert wrong_kind.exit_code == 2 and "劳务经纪人只能属于劳务经纪机构" in wrong_kind.output
    assert run(runner, "user", "add", "x1y", "--role", "seeker", "--org", "宁乡市人社局").exit_code == 2


def test_a_seeker_account_is_made_from_a_registered_id_number(runner, runtime):
    with runtime.db.transaction() as session:
        person = make_person(session, runtime.vault, name="王五")
        number = runtime.vault.decrypt(person.id_number_encrypted)
        person_id = person.id
    result = run(runner, "user", "add", "wangwu", "--role", "seeker", "--id-number", number)
    assert result.exit_code == 0, result.output
    listed = json.loads(run(runner, "user", "list", "--format", "json").stdout)
    assert listed == [{"username": "wangwu", "role": "seeker", "organisation": None, "person_id": person_id,
                       "active": True}]


def test_user_list_and_disable(runner, runtime, organisations):
    run(runner, "user", "add", "liu", "--role", "county_staff", "--org", "宁乡市人社局")
    assert run(runner, "user", "disable", "liu").exit_code == 0
    listed = json.loads(run(runner, "user", "list", "--format", "json").stdout)
    assert listed[0]["username"] == "liu" and listed[0]["organisation"] == "宁乡市人社局"
    assert listed[0]["active"] is False
    assert run(runner, "user", "disable", "nobody").exit_code == 2


def test_the_demo_creates_one_account_per_role_and_shows_the_passwords_only_once(runner, frozen_clock):
    first = json.loads(run(runner, "demo", "--workers", "40", "--posts", "10", "--no-simulate", "--format", "json").stdout)
    roles = sorted(a["role"] for a in first["accounts"])
    assert roles == ["admin", "broker", "county_staff", "seeker", "seeker", "seeker", "workstation_staff"]
    assert all(passwords.strength_problems(a["password"]) == [] for a in first["accounts"])
    again = run(runner, "demo")
    assert "演示账号已存在" in again.stdout
    assert not any(a["password"] in again.stdout for a in first["accounts"])


def make_app(tmp_path, **config):
    return create_app({"INSTANCE_PATH": str(tmp_path / "inst"), "SECRET_KEY": "x" * 32, **config})


def test_the_session_cookie_is_secure_unless_serve_runs_the_local_sqlite_demo(tmp_path, monkeypatch):
    monkeypatch.delenv("BANGFU_SESSION_COOKIE_SECURE", raising=False)
    local = make_app(tmp_path)
    assert local.config["SESSION_COOKIE_SECURE"] is True
    assert relax_cookie_for_local_demo(local, "0.0.0.0") is False
    assert relax_cookie_for_local_demo(local, "127.0.0.1") is True
    assert local.config["SESSION_COOKIE_SECURE"] is False
    production = make_app(tmp_path, DATABASE_URL="postgresql+psycopg://bangfu@db.example/bangfu")
    assert relax_cookie_for_local_demo(production, "127.0.0.1") is False
    assert production.config["SESSION_COOKIE_SECURE"] is True
    chosen = make_app(tmp_path, SESSION_COOKIE_SECURE=True)
    assert relax_cookie_for_local_demo(chosen, "127.0.0.1") is False
    for app in (local, production, chosen):
        runtime_of(app).db.dispose()
