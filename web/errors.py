"""One error handler: JSON for the API and health checks, HTML for pages; a 500 rolls nothing half-done.

The security headers are set in ``web.security``, in the one ``after_request`` hook."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from jobs.errors import DomainError

log = logging.getLogger(__name__)

MESSAGES = {
    400: "请求有误",
    401: "请先登录",
    403: "没有权限",
    404: "页面不存在",
    405: "不支持该请求方式",
    422: "提交的数据有误",
    429: "请求过于频繁，请稍后再试",
    500: "系统出错了，请稍后再试",
    503: "服务暂不可用",
}


def wants_json() -> bool:
    return request.path.startswith(("/api/", "/healthz")) or request.accept_mimetypes.best == "application/json"


def _respond(code: int, detail: str | None = None):
    message = MESSAGES.get(code, "请求未能完成")
    if wants_json():
        body = {"error": message}
        if detail:
            body["detail"] = detail
        return jsonify(body), code
    return render_template("error.html", code=code, message=message, detail=detail), code


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        return _respond(error.code or 500)

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        return _respond(400, "页面已过期或缺少安全校验码，请返回上一页刷新后重新提交")

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        # A refusal that reached the top: the use case's Chinese message, with its HTTP analogue.
        return _respond(error.status, error.message)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error", exc_info=error)
        return _respond(InternalServerError.code)
