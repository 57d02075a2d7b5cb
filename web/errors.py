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


# marshmallow's messages, as the API's field errors say them.
FIELD_MESSAGES = {
    "Unknown field.": "不允许的字段",
    "Missing data for required field.": "必填字段",
    "Field may not be null.": "不能为空",
    "Not a valid integer.": "须为整数",
    "Not a valid string.": "须为文本",
    "Not a valid boolean.": "须为 true 或 false",
    "Not a valid date.": "须为日期（YYYY-MM-DD）",
    "Invalid input type.": "数据类型不正确",
}


def _chinese(message: str) -> str:
    if message in FIELD_MESSAGES:
        return FIELD_MESSAGES[message]
    if message.startswith("Must be one of:"):
        return "须为以下之一：" + message.removeprefix("Must be one of:").strip().rstrip(".")
    if message.startswith(("Must be greater than or equal to", "Length must be", "Shorter than", "Longer than")):
        return "超出允许范围（" + message.rstrip(".") + "）"
    return message


def _field_errors(messages: object, prefix: str = "") -> dict[str, list[str]]:
    """webargs' nested messages (by location, then field) flattened to ``{"field": ["中文"]}``."""
    found: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key in ("json", "query", "form", "path", "headers", "cookies", "files") and not prefix:
                name = ""
            elif prefix:
                name = f"{prefix}.{key}"
            else:
                name = str(key)
            found.update(_field_errors(value, name))
    elif isinstance(messages, list):
        texts = [_chinese(m) for m in messages if isinstance(m, str)]
        if texts:
            found[prefix or "_body"] = texts
        for item in messages:
            if isinstance(item, dict):
                found.update(_field_errors(item, prefix))
    return found


def problem(status: int, detail: str | None = None, fields: dict[str, list[str]] | None = None, *,
            headers: dict[str, str] | None = None):
    """An RFC 9457 problem document (``application/problem+json``) with a Chinese title and detail."""
    body: dict[str, object] = {"type": "about:blank", "title": MESSAGES.get(status, "请求未能完成"), "status": status}
    if detail:
        body["detail"] = detail
    if fields:
        body["errors"] = fields
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _respond(code: int, detail: str | None = None, fields: dict[str, list[str]] | None = None):
    if _is_api():
        return problem(code, detail, fields, headers={"WWW-Authenticate": "Bearer"} if code == 401 else None)
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
        return problem(status, error.message, fields,
                       headers={"WWW-Authenticate": "Bearer"} if status == 401 and _is_api() else None)
    return render_template("error.html", code=status, message=title, detail=error.message, fields=fields), status


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        return domain_error_response(error)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        code = error.code or 500
        if _is_api() and code == 422:
            # A request the API's schemas refused (webargs): each wrong field named, in Chinese.
            messages = (getattr(error, "data", None) or {}).get("messages")
            return _respond(code, "请求中有字段不符合要求", _field_errors(messages))
        if _is_api() and code == 429:
            return _respond(code, error.description if isinstance(error.description, str) else None)
        return _respond(code)

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        return _respond(400, "页面已过期或缺少安全校验码，请返回上一页刷新后重新提交")

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error", exc_info=error)
        return _respond(InternalServerError.code)
