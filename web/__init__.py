"""The Flask application factory. Nothing is built or imported at import time: no engine, no app, no scheduler,
not even Flask (``web.cli`` lives in this package, and ``bangfu --help`` must stay light)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

    from jobs.storage.runtime import Runtime

EXTENSION = "bangfu"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then ``BANGFU_``-prefixed environment variables, then ``test_config``.

    Configuration keys (environment: ``BANGFU_<KEY>``): ``DATABASE_URL`` (default: SQLite in the instance
    folder), ``SECRET_KEY`` (default: a key file generated in the instance folder), ``OLD_SECRET_KEYS``
    (comma-separated, for key rotation), ``LOOKUP_KEY``, ``INSTANCE_PATH`` (environment only), and for the web
    sessions (see ``web.security``): ``SESSION_COOKIE_SECURE`` (default on; ``bangfu serve`` turns it off only
    for the embedded local demo), ``IDLE_TIMEOUT_MINUTES`` (30), ``SESSION_LIFETIME_HOURS`` (12),
    ``LOGIN_LIMIT_PER_ADDRESS``, ``LOGIN_LIMIT_PER_ACCOUNT``, ``RATELIMIT_STORAGE_URI`` (``memory://``; e.g.
    ``redis://host:6379`` when several server processes share the limits), ``PROXY_COUNT`` (reverse proxies
    in front, whose ``X-Forwarded-*`` headers are trusted; 0).
    """
    from flask import Flask, abort

    from jobs.storage.keys import LookupKeyMismatch
    from jobs.storage.runtime import build_runtime

    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("BANGFU_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=os.path.abspath(instance_path) if instance_path else None,
        instance_relative_config=True,
    )
    app.config.from_mapping(
        DATABASE_URL=None,
        SECRET_KEY=None,
        OLD_SECRET_KEYS="",
        LOOKUP_KEY=None,
        SQL_ECHO=False,
        JSON_AS_ASCII=False,
    )
    from web import security

    security.configure_defaults(app)
    app.config.from_prefixed_env("BANGFU")
    if test_config:
        app.config.from_mapping(test_config)

    runtime = build_runtime(
        instance_path=app.instance_path,
        database_url=app.config["DATABASE_URL"],
        secret=app.config["SECRET_KEY"],
        old_secrets=tuple(s for s in str(app.config["OLD_SECRET_KEYS"] or "").split(",") if s),
        lookup_secret=app.config["LOOKUP_KEY"],
        echo_sql=bool(app.config["SQL_ECHO"]),
    )
    # Sessions are signed with a key derived from the secret, never with the secret itself.
    app.config["SECRET_KEY"] = runtime.session_key
    app.extensions[EXTENSION] = runtime
    app.json.ensure_ascii = False

    from web import admin, api, auth, broker, county, errors, navigation, pages, people, reads, routing, seeker, station
    from web import alerts, dispatching, inbox_pages, placement_pages, service_pages, tasks

    @app.before_request
    def _lookup_key_guard() -> None:
        # build_runtime checked the key when the database was reachable; this covers one that was not yet.
        try:
            runtime.check_lookup_key()
        except LookupKeyMismatch:
            app.logger.exception("look-up key does not fit the database")
            abort(503)

    routing.init_app(app)
    reads.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    navigation.init_app(app)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(admin.blueprint)
    app.register_blueprint(people.blueprint)
    app.register_blueprint(county.blueprint)
    app.register_blueprint(station.blueprint)
    app.register_blueprint(broker.blueprint)
    app.register_blueprint(dispatching.blueprint)
    app.register_blueprint(placement_pages.blueprint)
    app.register_blueprint(alerts.blueprint)
    app.register_blueprint(inbox_pages.blueprint)
    app.register_blueprint(service_pages.blueprint)
    app.register_blueprint(tasks.blueprint)
    seeker.init_app(app)
    api.init_app(app)
    return app


def runtime_of(app: Flask) -> Runtime:
    """The runtime (database, vault) that :func:`create_app` built for ``app``."""
    return app.extensions[EXTENSION]
