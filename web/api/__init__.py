"""The REST API under ``/api/v1`` (flask-smorest): bearer tokens, the read side of :mod:`jobs.access.queries`
and the use cases, all through the one permission module. The OpenAPI 3 document is at ``/api/v1/openapi.json``
and the interactive docs at ``/api/v1/docs`` (Swagger UI from the ``swagger-ui-bundle`` package, served by this
app: no CDN).

Authentication is by ``Authorization: Bearer <token>`` only (a token from ``POST /api/v1/auth/token`` or
``bangfu token create``); a browser's session cookie never authenticates an API call. Flask-WTF's CSRF check is
skipped for API requests that carry a bearer token or no session cookie at all (nothing ambient to abuse); a
state-changing request that carries the session cookie and no bearer token is checked like any form post.
"""

from __future__ import annotations

import http
from typing import Any

from flask import Flask, current_app, request
from flask_smorest import Api

from web.api.schemas import PROBLEM_JSON, DecimalText, Problem

PREFIX = "/api/v1"


class BangfuApi(Api):
    """flask-smorest's Api, minus its app-wide HTTP error handler: ``web.errors`` answers every error, the API's
    as RFC 9457 problem documents."""

    ERROR_SCHEMA = Problem

    def _register_error_handlers(self) -> None:
        return None

    def _register_responses(self) -> None:
        """flask-smorest's shared error responses (``DEFAULT_ERROR``, one per HTTP status, used by every
        operation's ``default`` and by the 422 of its arguments), documented with the media type they are
        answered with: ``application/problem+json``."""
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not 100 <= status < 200 and status not in (204, 304):
                response["content"] = {PROBLEM_JSON: {"schema": self.ERROR_SCHEMA}}
            self.spec.components.response(status.name, response, lazy=True)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, {
            "description": "错误（RFC 9457）", "content": {PROBLEM_JSON: {"schema": self.ERROR_SCHEMA}},
        }, lazy=True)


def init_app(app: Flask) -> None:
    from web.api import docs, seeker_api, staff, views
    from web.security import csrf

    app.config.setdefault("API_TITLE", "bangfu 就业帮扶接口")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": "接口说明：先以用户名和密码换取令牌（POST /api/v1/auth/token），之后每个请求带 "
                                "Authorization: Bearer <令牌>。错误均为 application/problem+json（RFC 9457）。"},
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
    })
    api = BangfuApi(app)
    api.register_field(DecimalText, "string", "decimal")
    for blueprint in (*views.BLUEPRINTS, *seeker_api.BLUEPRINTS, *staff.BLUEPRINTS):
        api.register_blueprint(blueprint, url_prefix=PREFIX + blueprint.url_prefix)
        csrf.exempt(blueprint)
        blueprint_name = blueprint.name
        app.before_request_funcs.setdefault(blueprint_name, []).insert(0, _csrf_unless_bearer)
    csrf.exempt(api._make_doc_blueprint_name())
    views.limit_token_endpoint(app)
    docs.init_app(app)
    app.extensions["bangfu_api"] = api


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer …`` header, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _csrf_unless_bearer() -> Any:
    if request.method in ("GET", "HEAD", "OPTIONS") or bearer_token() is not None:
        return None
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return None
    from web.security import csrf

    csrf.protect()
    return None
