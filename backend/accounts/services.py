"""Account use cases. Each takes explicit arguments, flushes, and never commits."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from backend.accounts import passwords
from backend.accounts.errors import (
    AgencyNotFound,
    DuplicateAccount,
    InvalidCredentials,
    InvalidRefreshToken,
    InvalidResetToken,
)
from backend.accounts.models import (
    AuthSession,
    PasswordResetToken,
    RefreshToken,
    User,
    UserKind,
)
from backend.accounts.validators import normalize_phone
from backend.catalog.models import Agency
from backend.core import audit
from backend.core.clock import utcnow
from backend.core.errors import ValidationFailed
from backend.core.i18n import translate
from backend.core.mail import queue_mail
from backend.extensions import db


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _identifier_digest(identifier: str) -> str:
    """Audit rows name unknown identifiers by digest, never in clear."""
    return "id-sha256:" + _sha256(identifier.strip().lower())[:32]


def _check_unique(*, email=None, phone=None, personal_id=None, exclude_id=None) -> None:
    conflicts = {}
    for field, value in (("email", email), ("phone", phone), ("personal_id", personal_id)):
        if value is None:
            continue
        stmt = sa.select(User.id).where(getattr(User, field) == value)
        if exclude_id is not None:
            stmt = stmt.where(User.id != exclude_id)
        if db.session.scalar(stmt) is not None:
            conflicts[field] = [f"accounts.duplicate.{field}"]
    if conflicts:
        raise DuplicateAccount(errors=conflicts)


def register_citizen(
    *,
    full_name: str,
    personal_id: str,
    date_of_birth,
    email: str | None,
    phone: str | None,
    password: str,
) -> User:
    """Create a citizen account. Raises ``DuplicateAccount`` (409) when the ID number, e-mail
    or phone is taken. Records ``auth.registered``."""
    _check_unique(email=email, phone=phone, personal_id=personal_id)
    user = User(
        kind=UserKind.CITIZEN,
        full_name=full_name,
        personal_id=personal_id,
        date_of_birth=date_of_birth,
        email=email,
        phone=phone,
        password_hash=passwords.hash_password(password),
    )
    db.session.add(user)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError as exc:  # a concurrent registration won the race
        raise DuplicateAccount() from exc
    audit.record("auth.registered", actor_uuid=user.uuid, subject=str(user.uuid))
    return user


def find_by_identifier(identifier: str) -> User | None:
    """The account an e-mail, personal ID number or mobile number designates."""
    identifier = identifier.strip()
    if "@" in identifier:
        column, value = User.email, identifier.lower()
    elif len(identifier) == 12 and identifier.isdigit():
        column, value = User.personal_id, identifier
    else:
        value = normalize_phone(identifier)
        if value is None:
            return None
        column = User.phone
    return db.session.scalar(sa.select(User).where(column == value))


def authenticate(identifier: str, password: str) -> User:
    """Check a sign-in. Unknown account, wrong password, disabled or locked account all raise
    the same ``InvalidCredentials``; failures are counted and audited, and the account is
    locked for ``LOGIN_LOCK_MINUTES`` after ``LOGIN_LOCK_THRESHOLD`` consecutive failures."""
    config = current_app.config
    now = utcnow()
    user = find_by_identifier(identifier)
    if user is None or not user.is_active:
        passwords.burn_verify_time(password)
        audit.record(
            "auth.login_failed",
            subject=str(user.uuid) if user else _identifier_digest(identifier),
            data={"reason": "inactive" if user else "unknown_account"},
        )
        raise InvalidCredentials()
    if user.locked_until is not None and user.locked_until > now:
        passwords.burn_verify_time(password)
        audit.record("auth.login_failed", subject=str(user.uuid), data={"reason": "locked"})
        raise InvalidCredentials()
    if not passwords.verify_password(user.password_hash, password):
        user.failed_login_count += 1
        audit.record(
            "auth.login_failed",
            subject=str(user.uuid),
            data={"reason": "bad_password", "consecutive": user.failed_login_count},
        )
        if user.failed_login_count >= config["LOGIN_LOCK_THRESHOLD"]:
            user.locked_until = now + timedelta(minutes=config["LOGIN_LOCK_MINUTES"])
            user.failed_login_count = 0
            audit.record(
                "auth.account_locked",
                subject=str(user.uuid),
                data={"until": user.locked_until.isoformat()},
            )
        db.session.flush()
        raise InvalidCredentials()
    user.failed_login_count = 0
    user.locked_until = None
    user.last_login_at = now
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    audit.record("auth.login_succeeded", actor_uuid=user.uuid, subject=str(user.uuid))
    return user


def _new_refresh_token(session: AuthSession, now: datetime) -> str:
    plain = secrets.token_urlsafe(32)
    days = current_app.config["REFRESH_TOKEN_DAYS"]
    db.session.add(
        RefreshToken(
            session=session,
            token_hash=_sha256(plain),
            issued_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    return plain


def start_session(user: User, *, client: str, ip: str | None, user_agent: str | None):
    """Open a sign-in session for ``user``; returns ``(session, refresh_token)``."""
    now = utcnow()
    session = AuthSession(
        user=user,
        client=client,
        created_at=now,
        ip=ip,
        user_agent=(user_agent or "")[:256] or None,
    )
    db.session.add(session)
    plain = _new_refresh_token(session, now)
    db.session.flush()
    return session, plain


def revoke_session(session: AuthSession, reason: str) -> None:
    if session.revoked_at is None:
        session.revoked_at = utcnow()
        session.revoked_reason = reason
        db.session.flush()


def rotate_refresh_token(plain: str):
    """Exchange a refresh token for a new one in the same session (family).

    Returns ``(session, new_refresh_token)``. A token already spent means it was copied:
    the whole session is revoked and ``auth.refresh_token_reused`` is audited.
    Raises ``InvalidRefreshToken`` for unknown, expired, spent or revoked tokens."""
    now = utcnow()
    token = db.session.scalar(
        sa.select(RefreshToken).where(RefreshToken.token_hash == _sha256(plain))
    )
    if token is None:
        raise InvalidRefreshToken()
    session = token.session
    if token.used_at is not None:
        revoke_session(session, "token_reuse")
        audit.record(
            "auth.refresh_token_reused",
            subject=str(session.user.uuid),
            data={"session": str(session.uuid)},
        )
        raise InvalidRefreshToken()
    if session.revoked_at is not None or token.expires_at <= now or not session.user.is_active:
        raise InvalidRefreshToken()
    token.used_at = now
    new_plain = _new_refresh_token(session, now)
    db.session.flush()
    return session, new_plain


def logout(session_uuid, actor: User) -> None:
    """Revoke the session the current access token belongs to."""
    session = db.session.scalar(sa.select(AuthSession).where(AuthSession.uuid == session_uuid))
    if session is not None and session.user_id == actor.id:
        revoke_session(session, "logout")
        audit.record("auth.logout", actor_uuid=actor.uuid, subject=str(actor.uuid))


def logout_by_refresh_token(plain: str) -> None:
    token = db.session.scalar(
        sa.select(RefreshToken).where(RefreshToken.token_hash == _sha256(plain))
    )
    if token is not None:
        revoke_session(token.session, "logout")
        audit.record("auth.logout", subject=str(token.session.user.uuid))


def request_password_reset(email: str, *, locale: str) -> None:
    """E-mail a one-time reset link when ``email`` belongs to an active account; otherwise do
    nothing visible (the answer is the same either way)."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None or not user.is_active:
        audit.record(
            "auth.password_reset_requested",
            subject=_identifier_digest(email),
            data={"known": False},
        )
        return
    now = utcnow()
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    plain = secrets.token_urlsafe(32)
    db.session.add(
        PasswordResetToken(
            user=user,
            token_hash=_sha256(plain),
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
    )
    audit.record("auth.password_reset_requested", subject=str(user.uuid), data={"known": True})
    link = f"{current_app.config['PUBLIC_BASE_URL']}/dat-lai-mat-khau?token={plain}"
    queue_mail(
        user.email,
        translate("mail.password-reset.subject", locale),
        translate(
            "mail.password-reset.body", locale, name=user.full_name, link=link, minutes=minutes
        ),
    )
    db.session.flush()


def reset_password(plain: str, new_password: str) -> User:
    """Set a new password with a reset token, end every session of the account and unlock it.
    Raises ``InvalidResetToken`` or ``ValidationFailed`` (password policy)."""
    from backend.accounts.validators import password_errors

    now = utcnow()
    token = db.session.scalar(
        sa.select(PasswordResetToken).where(PasswordResetToken.token_hash == _sha256(plain))
    )
    if token is None or token.used_at is not None or token.expires_at <= now:
        raise InvalidResetToken()
    user = token.user
    keys = password_errors(
        new_password, personal_id=user.personal_id, email=user.email, phone=user.phone
    )
    if keys:
        raise ValidationFailed(errors={"password": keys})
    token.used_at = now
    user.password_hash = passwords.hash_password(new_password)
    user.failed_login_count = 0
    user.locked_until = None
    sessions = db.session.scalars(
        sa.select(AuthSession).where(
            AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None)
        )
    )
    for session in sessions:
        revoke_session(session, "password_reset")
    audit.record("auth.password_reset_completed", actor_uuid=user.uuid, subject=str(user.uuid))
    db.session.flush()
    return user


def _agency(code: str) -> Agency:
    agency = db.session.scalar(sa.select(Agency).where(Agency.code == code))
    if agency is None:
        raise AgencyNotFound(errors={"agency_code": ["accounts.agency-unknown.detail"]})
    return agency


def create_officer(
    *,
    actor: User | None,
    full_name: str,
    email: str,
    phone: str | None,
    agency_code: str,
    roles: list[str],
    password: str,
) -> User:
    """Create an officer of an agency with the given roles (admins, or the CLI with no actor)."""
    agency = _agency(agency_code)
    _check_unique(email=email, phone=phone)
    officer = User(
        kind=UserKind.OFFICER,
        full_name=full_name,
        email=email,
        phone=phone,
        agency=agency,
        password_hash=passwords.hash_password(password),
    )
    officer.set_roles(roles)
    db.session.add(officer)
    db.session.flush()
    audit.record(
        "accounts.officer_created",
        actor_uuid=actor.uuid if actor else None,
        subject=str(officer.uuid),
        data={"agency": agency.code, "roles": sorted(set(roles))},
    )
    return officer


def update_officer(officer: User, *, actor: User, changes: dict) -> User:
    """Change an officer's name, agency, roles or active flag; deactivation ends sessions."""
    recorded = {}
    if "full_name" in changes:
        officer.full_name = " ".join(changes["full_name"].split())
        recorded["full_name"] = officer.full_name
    if "agency_code" in changes:
        officer.agency = _agency(changes["agency_code"])
        recorded["agency"] = changes["agency_code"]
    if "roles" in changes:
        officer.set_roles(changes["roles"])
        recorded["roles"] = sorted(set(changes["roles"]))
    if "is_active" in changes and changes["is_active"] != officer.is_active:
        officer.is_active = changes["is_active"]
        recorded["is_active"] = officer.is_active
        if not officer.is_active:
            for session in db.session.scalars(
                sa.select(AuthSession).where(
                    AuthSession.user_id == officer.id, AuthSession.revoked_at.is_(None)
                )
            ):
                revoke_session(session, "deactivated")
    db.session.flush()
    audit.record(
        "accounts.officer_updated",
        actor_uuid=actor.uuid,
        subject=str(officer.uuid),
        data=recorded,
    )
    return officer
