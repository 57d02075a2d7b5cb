"""``bangfu keys rotate`` and the look-up key guard as every command meets it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import web

from jobs.storage.crypto import Vault
from jobs.storage.models import Person
from tests.conftest import TEST_SECRET
from tests.factories import make_person
from web.cli import cli
from tests.web.clirun import json_of

NEW_SECRET = "the-secret-of-the-next-year-2027-not-for-production"


def _environment(database_url: str, tmp_path, **settings: str) -> dict[str, str]:
    """The environment a clerk's shell would give ``bangfu``: no app is handed to the command."""
    return {"BANGFU_DATABASE_URL": database_url, "BANGFU_INSTANCE_PATH": str(tmp_path / "cli-instance"),
            "BANGFU_SECRET_KEY": TEST_SECRET, "BANGFU_OLD_SECRET_KEYS": "", "BANGFU_LOOKUP_KEY": "", **settings}


@pytest.fixture(autouse=True)
def apps_disposed(monkeypatch):
    """The command line builds its own app from the environment, as a shell would; its connections are closed
    after the test (a process would simply exit)."""
    built = []
    factory = web.create_app

    def create_app(*args, **kwargs):
        built.append(factory(*args, **kwargs))
        return built[-1]

    monkeypatch.setattr(web, "create_app", create_app)
    yield
    for app in built:
        web.runtime_of(app).db.dispose()


def test_keys_rotate_reencrypts_every_stored_number_under_the_new_secret_once(runtime, app_database_url, tmp_path):
    with runtime.db.transaction() as session:
        person_id = make_person(session, runtime.vault).id
    env = _environment(app_database_url, tmp_path, BANGFU_SECRET_KEY=NEW_SECRET, BANGFU_OLD_SECRET_KEYS=TEST_SECRET,
                       BANGFU_LOOKUP_KEY=TEST_SECRET)
    first = CliRunner().invoke(cli, ["keys", "rotate", "--format", "json"], env=env)
    assert first.exit_code == 0, first.output
    assert json_of(first) == {"examined": 2, "rotated": 2}  # the ID number and the phone
    again = CliRunner().invoke(cli, ["keys", "rotate"], env=env)
    assert again.exit_code == 0 and again.stdout.strip() == "已检查 2 项，重新加密 0 项"
    new_only = Vault.from_secret(NEW_SECRET, lookup_secret=TEST_SECRET)
    with runtime.db.session() as session:
        assert new_only.decrypt(session.get(Person, person_id).id_number_encrypted).startswith("430124")


def test_a_command_run_with_another_look_up_key_stops_with_one_chinese_message(runtime, app_database_url, tmp_path):
    env = _environment(app_database_url, tmp_path, BANGFU_LOOKUP_KEY="another-look-up-key-than-the-first")
    result = CliRunner().invoke(cli, ["keys", "rotate"], env=env)
    assert result.exit_code == 1
    assert "查找密钥与数据库不一致" in result.output and "Traceback" not in result.output
