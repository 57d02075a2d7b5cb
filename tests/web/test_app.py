"""The app factory, the health check and the error pages."""

from __future__ import annotations

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
    assert api.status_code == 404 and api.json == {"error": "页面不存在"}
