"""The app factory, the health check and the error pages."""

from __future__ import annotations

import pytest

from jobs.storage.db import Database
from jobs.storage.keys import LookupKeyMismatch
from tests.conftest import TEST_SECRET
from web import create_app, runtime_of


def test_configuration_comes_from_defaults_then_environment_then_the_test_mapping(monkeypatch, tmp_path):
    monkeypatch.setenv("BANGFU_DATABASE_URL", f"sqlite:///{tmp_path / 'from-env.sqlite3'}")
    monkeypatch.setenv("BANGFU_SQL_ECHO", "false")
    app = create_app({"INSTANCE_PATH": str(tmp_path / "inst"), "SECRET_KEY": "x" * 32})
    assert app.config["DATABASE_URL"].endswith("from-env.sqlite3")
    assert app.config["SQL_ECHO"] is False
    app2 = create_app(
        {"INSTANCE_PATH": str(tmp_path / "inst"), "SECRET_KEY": "x" * 32, "DATABASE_URL": "sqlite:///:memory:"}
    )
    assert app2.config["DATABASE_URL"] == "sqlite:///:memory:"
    runtime_of(app).db.dispose()
    runtime_of(app2).db.dispose()


def test_without_a_configured_secret_a_key_file_is_created_in_the_instance_folder_and_reused(monkeypatch, tmp_path):
    monkeypatch.delenv("BANGFU_SECRET_KEY", raising=False)
    instance = tmp_path / "inst"
    first = create_app({"INSTANCE_PATH": str(instance)})
    key_file = instance / "secret.key"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    second = create_app({"INSTANCE_PATH": str(instance)})
    token = runtime_of(first).vault.encrypt("430124199003154513")
    assert runtime_of(second).vault.decrypt(token) == "430124199003154513"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] != key_file.read_text().strip()
    for app in (first, second):
        runtime_of(app).db.dispose()


def test_the_default_database_is_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("BANGFU_DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path / "inst"), "SECRET_KEY": "x" * 32})
    assert runtime_of(app).db.url == f"sqlite:///{tmp_path / 'inst' / 'bangfu.sqlite3'}"
    runtime_of(app).db.dispose()


def test_the_health_check_touches_the_database(client, runtime):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": runtime.db.dialect, "schema_current": True}


def test_the_health_check_says_unavailable_when_the_database_is_gone(tmp_path):
    app = create_app(
        {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x" * 32, "DATABASE_URL": f"sqlite:///{tmp_path}/no/such/dir.db"}
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["status"] == "unavailable"
    runtime_of(app).db.dispose()


def test_the_home_page_asks_for_sign_in_first(client):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/"


def test_unknown_pages_answer_in_chinese_html_and_the_api_in_json(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and "页面不存在" in page.get_data(as_text=True)
    api = client.get("/api/no-such-thing")
    # The API answers RFC 9457 problem documents.
    assert api.status_code == 404 and api.mimetype == "application/problem+json"
    assert api.json == {"type": "about:blank", "title": "页面不存在", "status": 404}



def test_an_app_started_with_another_look_up_key_than_its_database_was_filled_with_is_refused(app_database_url,
                                                                                          tmp_path):
    config = {"INSTANCE_PATH": str(tmp_path / "inst"), "SECRET_KEY": TEST_SECRET, "DATABASE_URL": app_database_url}
    first = create_app(config)  # records the look-up key's fingerprint
    runtime_of(first).db.dispose()
    with pytest.raises(LookupKeyMismatch, match="查找密钥与数据库不一致"):
        create_app({**config, "LOOKUP_KEY": "another-look-up-key-than-the-first"})


def test_an_app_whose_database_was_unreachable_at_start_checks_the_look_up_key_on_the_next_request(
        app_database_url, tmp_path, caplog):
    config = {"INSTANCE_PATH": str(tmp_path / "inst"), "SECRET_KEY": TEST_SECRET, "DATABASE_URL": app_database_url}
    runtime_of(create_app(config)).db.dispose()
    late = create_app({**config, "DATABASE_URL": f"sqlite:///{tmp_path}/no/such/dir.db",
                       "LOOKUP_KEY": "another-look-up-key-than-the-first"})
    runtime = runtime_of(late)
    assert runtime.lookup_key_checked is False
    runtime.db.dispose()
    runtime.db = Database(app_database_url)  # the database comes back
    response = late.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["error"] == "服务暂不可用"
    assert any(record.exc_info and record.exc_info[0] is LookupKeyMismatch for record in caplog.records)
    runtime.db.dispose()


def test_an_unexpected_error_is_a_chinese_500_page_logged_with_its_traceback(app, caplog):
    def broken():
        raise RuntimeError("boom")

    app.add_url_rule("/broken", view_func=broken)
    app.add_url_rule("/api/broken", endpoint="api_broken", view_func=broken)
    client = app.test_client()
    page = client.get("/broken")
    assert page.status_code == 500
    body = page.get_data(as_text=True)
    assert "系统出错了，请稍后再试" in body and "boom" not in body and "Traceback" not in body
    api = client.get("/api/broken")
    assert api.status_code == 500 and api.mimetype == "application/problem+json"
    assert api.json == {"type": "about:blank", "title": "系统出错了，请稍后再试", "status": 500}
    logged = [record for record in caplog.records if record.getMessage() == "unhandled error"]
    assert len(logged) == 2 and all(record.exc_info[0] is RuntimeError for record in logged)
