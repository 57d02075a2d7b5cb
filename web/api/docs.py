"""``/api/v1/docs``: Swagger UI over the OpenAPI document, every file served by this app (the ``swagger-ui-bundle``
package holds Swagger UI's files; the page's own start-up script is ``static/api-docs.js``, so the Content
Security Policy needs no inline script and nothing comes from a CDN)."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, render_template, send_from_directory, url_for

from web.api import PREFIX

#: The only Swagger UI files the page loads.
ASSETS = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png"}

blueprint = Blueprint("api_docs", __name__, url_prefix=PREFIX + "/docs")


@blueprint.get("")
def docs():
    """Swagger UI for the API."""
    return render_template("api/docs.html", spec_url=url_for("api-docs.openapi_json"))


@blueprint.get("/assets/<asset_name>")
def asset(asset_name: str):
    """One of Swagger UI's files, from the installed ``swagger-ui-bundle`` package."""
    from swagger_ui_bundle import swagger_ui_path

    if asset_name not in ASSETS:
        abort(404)
    return send_from_directory(str(swagger_ui_path), asset_name, max_age=86400)


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
