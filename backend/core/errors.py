"""RFC 9457 problem details for every error the API can return.

Domains raise subclasses of :class:`AppError` with a stable ``code`` (``<domain>.<what>``); the
handlers installed by :func:`init_app` turn those, Werkzeug's HTTP errors, marshmallow
validation errors and unexpected exceptions into ``application/problem+json``. A 500 reveals
nothing but the request id.
"""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, request
from marshmallow import ValidationError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from backend.core.i18n import register_messages, translate, translate_errors

log = logging.getLogger(__name__)

PROBLEM_MIME = "application/problem+json"


class AppError(Exception):
    """A failure a client can act on. Subclasses set ``status``, ``code`` and ``title_key``."""

    status = 400
    code = "bad-request"
    #: Message key of the short, stable title; the detail key defaults to ``code + ".detail"``.
    title_key = "problem.bad-request"
    #: Keep what the request wrote before failing (e.g. the audit row of a failed login).
    keep_changes = False

    def __init__(self, detail_key: str | None = None, *, errors=None, headers=None, **params):
        super().__init__(detail_key or self.code)
        self.detail_key = detail_key
        self.errors = errors
        self.headers = headers or {}
        self.params = params


class BadRequest(AppError):
    status, code, title_key = 400, "bad-request", "problem.bad-request"


class Unauthorized(AppError):
    status, code, title_key = 401, "auth.unauthorized", "problem.unauthorized"


class Forbidden(AppError):
    status, code, title_key = 403, "auth.forbidden", "problem.forbidden"


class NotFound(AppError):
    status, code, title_key = 404, "not-found", "problem.not-found"


class Conflict(AppError):
    status, code, title_key = 409, "conflict", "problem.conflict"


class ValidationFailed(AppError):
    """422 with ``errors``: field name → list of messages (keys or marshmallow texts)."""

    status, code, title_key = 422, "validation-failed", "problem.validation-failed"


_HTTP_CODES = {
    400: "bad-request",
    401: "auth.unauthorized",
    403: "auth.forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "validation-failed",
    429: "rate-limited",
    500: "internal-error",
    503: "unavailable",
}

register_messages(
    {
        "problem.bad-request": {"vi": "Yêu cầu không hợp lệ", "en": "Bad request"},
        "problem.unauthorized": {"vi": "Chưa đăng nhập", "en": "Authentication required"},
        "problem.forbidden": {"vi": "Không có quyền", "en": "Forbidden"},
        "problem.not-found": {"vi": "Không tìm thấy", "en": "Not found"},
        "problem.method-not-allowed": {
            "vi": "Phương thức không được hỗ trợ",
            "en": "Method not allowed",
        },
        "problem.not-acceptable": {"vi": "Định dạng không được hỗ trợ", "en": "Not acceptable"},
        "problem.conflict": {"vi": "Xung đột dữ liệu", "en": "Conflict"},
        "problem.payload-too-large": {"vi": "Dữ liệu gửi lên quá lớn", "en": "Payload too large"},
        "problem.unsupported-media-type": {
            "vi": "Kiểu nội dung không được hỗ trợ",
            "en": "Unsupported media type",
        },
        "problem.validation-failed": {"vi": "Dữ liệu không hợp lệ", "en": "Validation failed"},
        "problem.rate-limited": {"vi": "Quá nhiều yêu cầu", "en": "Too many requests"},
        "problem.internal-error": {"vi": "Lỗi hệ thống", "en": "Internal server error"},
        "problem.unavailable": {
            "vi": "Dịch vụ tạm thời không sẵn sàng",
            "en": "Service unavailable",
        },
        "bad-request.detail": {
            "vi": "Yêu cầu không hợp lệ.",
            "en": "The request could not be understood.",
        },
        "auth.unauthorized.detail": {
            "vi": "Bạn cần đăng nhập để thực hiện thao tác này.",
            "en": "You need to sign in to do this.",
        },
        "auth.forbidden.detail": {
            "vi": "Tài khoản của bạn không có quyền thực hiện thao tác này.",
            "en": "Your account is not allowed to do this.",
        },
        "not-found.detail": {
            "vi": "Không tìm thấy tài nguyên được yêu cầu.",
            "en": "The requested resource does not exist.",
        },
        "method-not-allowed.detail": {
            "vi": "Địa chỉ này không hỗ trợ phương thức {method}.",
            "en": "This resource does not support the {method} method.",
        },
        "not-acceptable.detail": {
            "vi": "Máy chủ chỉ trả về JSON.",
            "en": "The server only produces JSON.",
        },
        "conflict.detail": {
            "vi": "Yêu cầu xung đột với trạng thái hiện tại của dữ liệu.",
            "en": "The request conflicts with the current state of the resource.",
        },
        "payload-too-large.detail": {
            "vi": "Dữ liệu gửi lên vượt quá giới hạn {limit} byte.",
            "en": "The request body exceeds the limit of {limit} bytes.",
        },
        "unsupported-media-type.detail": {
            "vi": "Nội dung phải là JSON (Content-Type: application/json).",
            "en": "The body must be JSON (Content-Type: application/json).",
        },
        "conflict.concurrent-update.detail": {
            "vi": "Dữ liệu vừa được người khác thay đổi. Hãy tải lại rồi thử lại.",
            "en": "Someone else changed this meanwhile. Reload and try again.",
        },
        "validation-failed.detail": {
            "vi": "Một số trường không hợp lệ, xem chi tiết trong errors.",
            "en": "Some fields are invalid; see errors.",
        },
        "rate-limited.detail": {
            "vi": "Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau.",
            "en": "Too many requests. Please try again later.",
        },
        "internal-error.detail": {
            "vi": "Đã xảy ra lỗi hệ thống. Hãy báo mã yêu cầu (request_id) cho bộ phận hỗ trợ.",
            "en": "Something went wrong on our side. Quote the request_id to support.",
        },
        "request.nul-character": {
            "vi": "Giá trị chứa ký tự không hợp lệ (NUL).",
            "en": "The value contains an invalid character (NUL).",
        },
        "unavailable.detail": {
            "vi": "Dịch vụ tạm thời không sẵn sàng.",
            "en": "The service is temporarily unavailable.",
        },
    }
)


def problem_response(
    status: int,
    code: str,
    *,
    title_key: str | None = None,
    detail_key: str | None = None,
    errors=None,
    headers=None,
    **params,
):
    """A Flask response with an RFC 9457 body, translated for the current request."""
    generic = _HTTP_CODES.get(status, "bad-request")
    title = translate(title_key or f"problem.{generic}")
    detail_key = detail_key or f"{code}.detail"
    detail = translate(detail_key, **params)
    if detail == detail_key:  # no message for this code: fall back to the generic one
        detail = translate(f"{generic}.detail", **params)
    body = {
        "type": f"urn:dvc:problem:{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "request_id": getattr(g, "request_id", None),
    }
    if errors is not None:
        body["errors"] = translate_errors(errors)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_MIME
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def handle_exception(exc: Exception):
    """Turn any exception into a problem response; mark the transaction for rollback."""
    if isinstance(exc, AppError):
        if not exc.keep_changes:
            g.rollback_requested = True
        else:  # e.g. a 503 that must keep the log row of the failed outside call
            g.keep_changes = True
        return problem_response(
            exc.status,
            exc.code,
            title_key=exc.title_key,
            detail_key=exc.detail_key,
            errors=exc.errors,
            headers=exc.headers,
            **exc.params,
        )
    g.rollback_requested = True
    if isinstance(exc, StaleDataError):  # optimistic lock: someone else's change won
        return problem_response(409, "conflict.concurrent-update")
    if isinstance(exc, ValidationError):
        return problem_response(422, "validation-failed", errors=exc.normalized_messages())
    if isinstance(exc, HTTPException):
        status = exc.code or 500
        code = _HTTP_CODES.get(status, "bad-request")
        headers = {}
        params = {}
        if status == 405:
            from flask import request

            params["method"] = request.method
            allow = exc.get_headers() and dict(exc.get_headers()).get("Allow")
            if allow:
                headers["Allow"] = allow
        if status == 413:
            from flask import current_app

            params["limit"] = current_app.config.get("MAX_CONTENT_LENGTH")
        if status == 429:
            code = "rate-limited"
            retry_after = dict(exc.get_headers()).get("Retry-After") if exc.get_headers() else None
            if retry_after:
                headers["Retry-After"] = retry_after
        return problem_response(status, code, headers=headers, **params)
    log.exception("unhandled error", extra={"request_id": getattr(g, "request_id", None)})
    return problem_response(500, "internal-error")


def init_app(app: Flask) -> None:
    app.register_error_handler(Exception, handle_exception)

    @app.before_request
    def _refuse_nul_in_path():
        # No resource has a NUL in its name, and PostgreSQL text cannot even hold one.
        if "\x00" in request.path:
            raise NotFound()
