"""Authentication at the edge: access tokens (JWT), cookies with CSRF, role checks.

Browsers get the access token in an httpOnly cookie and echo the CSRF token in the
``X-CSRF-TOKEN`` header on every write; other clients send ``Authorization: Bearer``. Each
access token names its sign-in session (``sid``); a revoked session stops its tokens at once.
"""

from __future__ import annotations

import functools
import hmac
import secrets
from datetime import timedelta

import jwt as pyjwt
import sqlalchemy as sa
from flask import Flask, current_app, g, request
from flask_jwt_extended import (
    create_access_token,
    get_csrf_token,
    get_current_user,
    set_access_cookies,
    unset_access_cookies,
    verify_jwt_in_request,
)
from flask_jwt_extended.exceptions import CSRFError, JWTExtendedException

from backend.accounts.errors import CsrfFailed
from backend.accounts.models import AuthSession, User
from backend.core.api import openapi_meta
from backend.core.errors import Forbidden, Unauthorized
from backend.extensions import db, jwt

ACCESS_COOKIE = "access_token"
REFRESH_COOKIE = "refresh_token"
CSRF_REFRESH_COOKIE = "csrf_refresh_token"
REFRESH_COOKIE_PATH = "/api/v1/auth/session"
CSRF_HEADER = "X-CSRF-TOKEN"

#: Both ways of presenting an access token, for the OpenAPI document.
SECURITY = [{"bearerAuth": []}, {"cookieAuth": []}]


def init_app(app: Flask) -> None:
    config = app.config
    config.update(
        JWT_SECRET_KEY=config["SECRET_KEY"],
        JWT_ALGORITHM="HS256",
        JWT_TOKEN_LOCATION=["headers", "cookies"],
        JWT_ACCESS_TOKEN_EXPIRES=timedelta(minutes=config["ACCESS_TOKEN_MINUTES"]),
        JWT_ACCESS_COOKIE_NAME=ACCESS_COOKIE,
        JWT_ACCESS_COOKIE_PATH="/api/",
        JWT_ACCESS_CSRF_COOKIE_PATH="/",
        JWT_ACCESS_CSRF_HEADER_NAME=CSRF_HEADER,
        JWT_COOKIE_SECURE=config["COOKIE_SECURE"],
        JWT_COOKIE_SAMESITE="Lax",
        JWT_COOKIE_CSRF_PROTECT=True,
        JWT_CSRF_IN_COOKIES=True,
        JWT_SESSION_COOKIE=False,
    )
    jwt.init_app(app)


@jwt.token_in_blocklist_loader
def _session_revoked(jwt_header, jwt_payload) -> bool:
    """One query for the session and its user; the user is kept for the user loader."""
    sid, sub = _uuid(jwt_payload.get("sid")), _uuid(jwt_payload.get("sub"))
    if sid is None or sub is None:
        return True
    row = db.session.execute(
        sa.select(AuthSession.revoked_at, User)
        .join(User, User.id == AuthSession.user_id)
        .where(AuthSession.uuid == sid, User.uuid == sub)
    ).first()
    if row is None or row.revoked_at is not None:
        return True
    g._authenticated_user = row.User
    return False


@jwt.user_lookup_loader
def _load_user(jwt_header, jwt_payload) -> User | None:
    user = g.pop("_authenticated_user", None)
    return user if user is not None and user.is_active else None


def _uuid(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def authenticate_request(optional: bool = False) -> User | None:
    """Verify the access token of the current request (CSRF included for cookie writes)."""
    try:
        verify_jwt_in_request(optional=optional)
    except CSRFError as exc:
        raise CsrfFailed() from exc
    except (JWTExtendedException, pyjwt.PyJWTError) as exc:
        if isinstance(exc, pyjwt.ExpiredSignatureError):
            raise Unauthorized("auth.token-expired.detail") from exc
        raise Unauthorized() from exc
    return get_current_user()


def current_user() -> User:
    return get_current_user()


def login_required(*roles: str, kind: str | None = None):
    """Require a signed-in user; with ``roles``, an officer holding one of them."""

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            user = authenticate_request()
            if kind is not None and user.kind != kind:
                raise Forbidden()
            if roles and (user.kind != "officer" or not user.has_role(*roles)):
                raise Forbidden()
            return func(*args, **kwargs)

        wrapper.__openapi__ = openapi_meta(func)
        wrapper.__openapi__["security"] = SECURITY
        return wrapper

    return decorator


def public(func):
    """Mark an operation as needing no authentication (for the OpenAPI document)."""
    openapi_meta(func)["security"] = []
    return func


def issue_access_token(user: User, session: AuthSession) -> str:
    return create_access_token(
        identity=str(user.uuid), additional_claims={"sid": str(session.uuid), "kind": user.kind}
    )


def access_expires_in() -> int:
    return int(current_app.config["JWT_ACCESS_TOKEN_EXPIRES"].total_seconds())


def set_session_cookies(response, access_token: str, refresh_token: str) -> None:
    """Put the access token, the refresh token and their CSRF tokens in cookies."""
    set_access_cookies(response, access_token)
    secure = current_app.config["COOKIE_SECURE"]
    max_age = current_app.config["REFRESH_TOKEN_DAYS"] * 86400
    response.set_cookie(
        REFRESH_COOKIE,
        refresh_token,
        max_age=max_age,
        httponly=True,
        secure=secure,
        samesite="Lax",
        path=REFRESH_COOKIE_PATH,
    )
    response.set_cookie(
        CSRF_REFRESH_COOKIE,
        secrets.token_urlsafe(24),
        max_age=max_age,
        httponly=False,
        secure=secure,
        samesite="Lax",
        path="/",
    )


def clear_session_cookies(response) -> None:
    unset_access_cookies(response)
    secure = current_app.config["COOKIE_SECURE"]
    response.delete_cookie(REFRESH_COOKIE, path=REFRESH_COOKIE_PATH, secure=secure, samesite="Lax")
    response.delete_cookie(CSRF_REFRESH_COOKIE, path="/", secure=secure, samesite="Lax")


def csrf_of(access_token: str) -> str:
    return get_csrf_token(access_token)


def check_refresh_csrf() -> None:
    """Cookie-based refresh must echo the ``csrf_refresh_token`` cookie in X-CSRF-TOKEN."""
    cookie = request.cookies.get(CSRF_REFRESH_COOKIE, "")
    header = request.headers.get(CSRF_HEADER, "")
    if not cookie or not header or not hmac.compare_digest(cookie, header):
        raise CsrfFailed()
