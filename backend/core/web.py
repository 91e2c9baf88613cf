"""Serving the SPA and setting the security headers of every response.

Unknown ``/api/...`` paths stay JSON 404 problems; missing assets are real 404s; any other path
gets ``index.html`` (history-mode routing). Until the SPA is built, a placeholder page says so.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask, current_app, request, send_from_directory
from werkzeug.security import safe_join

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'; form-action 'self'"
)
#: Swagger UI sets inline styles; only the docs page gets this relaxation.
DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
#: Files asked for inline (``?inline=1``: the officer's preview of a PDF attachment) may be
#: framed by our own pages, and only by them.
INLINE_FILE_CSP = CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'")

PLACEHOLDER = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dịch vụ công trực tuyến</title></head>
<body><main>
<h1>Dịch vụ công trực tuyến</h1>
<p>Máy chủ đang chạy. Giao diện người dùng chưa được dựng (frontend/dist chưa có).</p>
<p>The server is running. The web interface has not been built yet.</p>
<ul><li><a href="/api/docs">Tài liệu API / API documentation</a></li>
<li><a href="/healthz">/healthz</a></li></ul>
</main></body></html>
"""


#: Names that are files, not client-side routes (dossier codes contain dots, so the extension
#: must be a known one).
_ASSET_NAME = re.compile(
    r"\.(?:js|mjs|css|map|png|jpe?g|gif|svg|ico|webp|avif|woff2?|ttf|json|txt|webmanifest|html?)$",
    re.IGNORECASE,
)


def _dist() -> Path:
    return Path(current_app.config["FRONTEND_DIST"])


def spa_or_not_found(exc):
    """Unmatched paths: the SPA for browser navigation, a problem for everything else.

    Unknown ``/api/...`` paths and non-GET requests get the JSON 404 problem; files of the
    built SPA are served; a missing asset (a name with a file extension) is a real 404; any other
    GET path is a client-side route and gets ``index.html``.
    """
    from backend.core.errors import handle_exception

    path = request.path.lstrip("/")
    if request.method not in ("GET", "HEAD") or path == "api" or path.startswith("api/"):
        return handle_exception(exc)
    dist = _dist()
    if path:
        target = safe_join(str(dist), path)
        if target and Path(target).is_file():
            response = send_from_directory(dist, path)
            if path.startswith("assets/"):  # content-hashed names: cache for a year
                response.cache_control.no_cache = None
                response.cache_control.max_age = 31536000
                response.cache_control.public = True
                response.cache_control.immutable = True
            return response
        if _ASSET_NAME.search(path):
            return handle_exception(exc)
    index = dist / "index.html"
    if index.is_file():
        response = send_from_directory(dist, "index.html")
    else:
        response = current_app.response_class(PLACEHOLDER, mimetype="text/html")
    response.cache_control.no_cache = True
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(404, spa_or_not_found)

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        disposition = headers.get("Content-Disposition", "")
        if request.path.startswith("/api/") and disposition.startswith("inline"):
            headers.setdefault("X-Frame-Options", "SAMEORIGIN")
            headers.setdefault("Content-Security-Policy", INLINE_FILE_CSP)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Content-Security-Policy", CSP)
        if app.config["COOKIE_SECURE"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
