"""One error handler: JSON for the API and health checks, HTML for pages; a 500 rolls nothing half-done.

A use case's refusal (:class:`~jobs.errors.DomainError`) maps to its status: NotFound 404, Forbidden 403,
Conflict 409, InvalidInput 422 with the field errors. The API answers an RFC 9457 problem document
(``application/problem+json``); pages answer a Chinese error page with the message.

The security headers are set in ``web.security``, in the one ``after_request`` hook.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from jobs.access.permissions import keep_denial
from jobs.errors import DomainError, InvalidInput

log = logging.getLogger(__name__)

MESSAGES = {
    400: "请求有误",
    401: "请先登录",
    403: "没有权限",
    404: "页面不存在",
    405: "不支持该请求方式",
    409: "操作与当前状态冲突",
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


def domain_error_response(error: DomainError):
    """The response for a refused use case; an audited denial is written again after the rollback."""
    if error.audit:
        from web import runtime_of

        try:
            keep_denial(runtime_of(current_app).db, error)
        except Exception:  # the refusal is answered even when the audit database is unavailable
            log.exception("could not record an access denial")
    status = error.status
    fields = error.fields if isinstance(error, InvalidInput) else {}
    title = MESSAGES.get(status, "请求未能完成")
    if wants_json():
        body = {"type": "about:blank", "title": title, "status": status, "detail": error.message}
        if fields:
            body["errors"] = fields
        response = jsonify(body)
        response.status_code = status
        response.mimetype = "application/problem+json"
        return response
    return render_template("error.html", code=status, message=title, detail=error.message, fields=fields), status


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        return domain_error_response(error)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        return _respond(error.code or 500)

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        return _respond(400, "页面已过期或缺少安全校验码，请返回上一页刷新后重新提交")

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error", exc_info=error)
        return _respond(InternalServerError.code)
