"""Account endpoints: registration, sign-in (cookies and tokens), password reset, officers."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, jsonify, request
from flask_jwt_extended import get_jwt
from flask_restx import Namespace, Resource

from backend.accounts import services
from backend.accounts.auth import (
    REFRESH_COOKIE,
    access_expires_in,
    check_refresh_csrf,
    clear_session_cookies,
    csrf_of,
    current_user,
    issue_access_token,
    login_required,
    public,
    set_session_cookies,
)
from backend.accounts.errors import InvalidRefreshToken, OfficerNotFound
from backend.accounts.models import OfficerRole, Role, User, UserKind
from backend.accounts.schemas import (
    LoginSchema,
    OfficerCreateSchema,
    OfficerListQuerySchema,
    OfficerSchema,
    OfficerUpdateSchema,
    PasswordResetConfirmSchema,
    PasswordResetRequestSchema,
    RefreshSchema,
    RegisterSchema,
    SessionSchema,
    TokenPairSchema,
    UserSchema,
)
from backend.catalog.models import Agency
from backend.core.api import accepts, documents_errors, page_schema, paginate, responds
from backend.core.i18n import get_locale
from backend.extensions import db, limiter

auth_ns = Namespace("auth", description="Registration, sign-in, sessions and password reset")
admin_ns = Namespace("admin", description="Administration: officers and their roles")


def _ip_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_IP"]


def _account_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"]


def _account_key() -> str:
    body = request.get_json(silent=True)
    username = body.get("username") if isinstance(body, dict) else None
    if isinstance(username, str) and username.strip():
        return "account:" + username.strip().lower()[:254]
    return "account-ip:" + (request.remote_addr or "?")


def _login_limits(func):
    """Per-IP and per-account sign-in limits (memory embedded, Redis in production)."""
    func = limiter.limit(
        _ip_limit, key_func=lambda: "ip:" + (request.remote_addr or "?"), scope="login-ip"
    )(func)
    func = limiter.limit(_account_limit, key_func=_account_key, scope="login-account")(func)
    return func


def _sign_in(data: dict, client: str):
    user = services.authenticate(data["username"], data["password"])
    session, refresh = services.start_session(
        user, client=client, ip=request.remote_addr, user_agent=request.user_agent.string
    )
    return user, session, refresh, issue_access_token(user, session)


@auth_ns.route("/register")
class Register(Resource):
    @public
    @documents_errors(409, 429, 503)
    @accepts(RegisterSchema)
    @responds(UserSchema, status=201, description="The new citizen account")
    @limiter.limit("20 per hour", key_func=lambda: request.remote_addr or "?", scope="register")
    def post(self, data):
        """Register a citizen account.

        Every broken rule of the personal ID number (format, province code, century digit,
        year of birth) and of the password policy is reported as a field error.
        """
        from backend.integration import identity  # population database check (integration)

        checked = identity.check_registration(data)
        user = services.register_citizen(**data)
        if checked is not None and checked.outcome == "match":
            identity.mark_verified(user, "population_db")
        return user


@auth_ns.route("/login")
class Login(Resource):
    @public
    @documents_errors(401, 429)
    @accepts(LoginSchema)
    @responds(SessionSchema, description="Signed in; cookies set")
    @_login_limits
    def post(self, data):
        """Sign in from a browser: sets httpOnly session cookies.

        Send the returned ``csrf_token`` (also in the ``csrf_access_token`` cookie) in the
        ``X-CSRF-TOKEN`` header of every write.
        """
        user, _session, refresh, access = _sign_in(data, "cookie")
        body = SessionSchema().dump(
            {"user": user, "csrf_token": csrf_of(access), "access_expires_in": access_expires_in()}
        )
        response = jsonify(body)
        set_session_cookies(response, access, refresh)
        return response


@auth_ns.route("/token")
class Token(Resource):
    @public
    @documents_errors(401, 429)
    @accepts(LoginSchema)
    @responds(TokenPairSchema, description="A bearer access token and a refresh token")
    @_login_limits
    def post(self, data):
        """Sign in from a mobile app or another client: returns bearer tokens."""
        _user, _session, refresh, access = _sign_in(data, "token")
        return {
            "access_token": access,
            "refresh_token": refresh,
            "token_type": "Bearer",
            "expires_in": access_expires_in(),
        }


@auth_ns.route("/refresh")
class Refresh(Resource):
    @public
    @documents_errors(401)
    @accepts(RefreshSchema)
    @responds(TokenPairSchema, description="A new token pair (the old refresh token is spent)")
    def post(self, data):
        """Exchange a refresh token for a new pair (mobile apps and other clients).

        A refresh token works once: presenting a spent one revokes the whole session.
        """
        session, new_refresh = services.rotate_refresh_token(data["refresh_token"])
        return {
            "access_token": issue_access_token(session.user, session),
            "refresh_token": new_refresh,
            "token_type": "Bearer",
            "expires_in": access_expires_in(),
        }


@auth_ns.route("/session/refresh")
class SessionRefresh(Resource):
    @public
    @documents_errors(401, 403)
    @responds(SessionSchema, description="Fresh session cookies; the old refresh cookie is spent")
    def post(self):
        """Renew a browser session from its refresh cookie.

        The ``X-CSRF-TOKEN`` header must echo the ``csrf_refresh_token`` cookie. Presenting a
        spent refresh cookie revokes the whole session.
        """
        plain = request.cookies.get(REFRESH_COOKIE)
        if not plain:
            raise InvalidRefreshToken()
        check_refresh_csrf()
        session, new_refresh = services.rotate_refresh_token(plain)
        access = issue_access_token(session.user, session)
        body = SessionSchema().dump(
            {
                "user": session.user,
                "csrf_token": csrf_of(access),
                "access_expires_in": access_expires_in(),
            }
        )
        response = jsonify(body)
        set_session_cookies(response, access, new_refresh)
        return response


@auth_ns.route("/logout")
class Logout(Resource):
    @login_required()
    @responds(status=204, description="Signed out; the session's tokens are revoked")
    def post(self):
        """Sign out: revoke the current session (access and refresh tokens) and clear cookies."""
        services.logout(_session_uuid(), current_user())
        response = current_app.response_class(status=204)
        clear_session_cookies(response)
        return response


def _session_uuid():
    import uuid

    return uuid.UUID(get_jwt()["sid"])


@auth_ns.route("/me")
class Me(Resource):
    @login_required()
    @responds(UserSchema, description="The signed-in user")
    def get(self):
        """The signed-in user's profile."""
        return current_user()


@auth_ns.route("/password-reset")
class PasswordReset(Resource):
    @public
    @documents_errors(429)
    @accepts(PasswordResetRequestSchema)
    @responds(status=202, description="Accepted; an e-mail is sent if the account exists")
    @limiter.limit("5 per hour", key_func=lambda: request.remote_addr or "?", scope="reset")
    def post(self, data):
        """Ask for a password-reset e-mail. The answer never says whether the account exists."""
        services.request_password_reset(data["email"], locale=get_locale())


@auth_ns.route("/password-reset/confirm")
class PasswordResetConfirm(Resource):
    @public
    @documents_errors(400)
    @accepts(PasswordResetConfirmSchema)
    @responds(status=204, description="Password changed; every session ended")
    def post(self, data):
        """Choose a new password with the token from the e-mail."""
        services.reset_password(data["token"], data["password"])


OfficerPageSchema = page_schema(OfficerSchema, "OfficerPage")


def _officer_or_404(officer_id) -> User:
    officer = db.session.scalar(
        sa.select(User).where(User.uuid == officer_id, User.kind == UserKind.OFFICER)
    )
    if officer is None:
        raise OfficerNotFound()
    return officer


@admin_ns.route("/officers")
class OfficerList(Resource):
    @login_required(Role.ADMIN)
    @accepts(OfficerListQuerySchema, location="query")
    @responds(OfficerPageSchema, description="One page of officers")
    def get(self, query):
        """List officers, optionally of one agency or holding one role."""
        stmt = (
            sa.select(User).where(User.kind == UserKind.OFFICER).order_by(User.full_name, User.id)
        )
        if query.get("agency_code"):
            stmt = stmt.join(Agency, User.agency_id == Agency.id).where(
                Agency.code == query["agency_code"]
            )
        if query.get("role"):
            stmt = stmt.where(
                User.id.in_(sa.select(OfficerRole.user_id).where(OfficerRole.role == query["role"]))
            )
        return paginate(db.session, stmt, query["page"], query["size"])

    @login_required(Role.ADMIN)
    @documents_errors(409)
    @accepts(OfficerCreateSchema)
    @responds(OfficerSchema, status=201, description="The new officer")
    def post(self, data):
        """Create an officer of an agency with one or more roles."""
        return services.create_officer(actor=current_user(), **data)


@admin_ns.route("/officers/<uuid:officer_id>")
class OfficerItem(Resource):
    @login_required(Role.ADMIN)
    @responds(OfficerSchema, description="The officer")
    def get(self, officer_id):
        """One officer."""
        return _officer_or_404(officer_id)

    @login_required(Role.ADMIN)
    @accepts(OfficerUpdateSchema)
    @responds(OfficerSchema, description="The updated officer")
    def patch(self, data, officer_id):
        """Change an officer's name, agency, roles or active flag."""
        return services.update_officer(
            _officer_or_404(officer_id), actor=current_user(), changes=data
        )
