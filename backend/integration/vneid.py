"""Sign-in with VNeID through the National Public Service Portal (OpenID Connect, DOMAIN.md
§6.1), with Authlib for the authorization-code flow (PKCE S256) and joserfc for the ID token.

:func:`start` builds the provider's authorization URL and the signed, short-lived state
cookie (state, nonce, PKCE verifier, where to return). :func:`finish` checks the state,
exchanges the code, verifies the ID token (signature from the provider's JWKS, issuer,
audience, expiry, nonce) and links or creates the citizen account from the verified claims
(ID number, name, date of birth). The caller then opens the same session as a password
sign-in.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import date

import requests
import sqlalchemy as sa
from authlib.integrations.requests_client import OAuth2Session
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from backend.accounts import passwords
from backend.accounts.models import User, UserKind
from backend.accounts.validators import normalize_phone, personal_id_errors
from backend.core import audit
from backend.core.clock import utcnow
from backend.extensions import db
from backend.integration.identity import mark_verified
from backend.integration.models import ExternalIdentity

PROVIDER = "vneid"
STATE_COOKIE = "vneid_state"
STATE_COOKIE_PATH = "/api/v1/auth/vneid"
STATE_SECONDS = 600
SCOPE = "openid profile"
_CACHE_SECONDS = 3600


class VneidError(Exception):
    """The sign-in cannot complete; ``reason`` is a stable code for the log and the SPA."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Started:
    url: str
    cookie: str


def _config() -> dict:
    config = current_app.config
    if not (config.get("VNEID_ISSUER") and config.get("VNEID_CLIENT_ID")):
        raise VneidError("not-configured")
    return config


def _timeout() -> tuple[float, float]:
    config = current_app.config
    return (config["INTEGRATION_HTTP_CONNECT_TIMEOUT"], config["INTEGRATION_HTTP_READ_TIMEOUT"])


def _cached_json(url: str) -> dict:
    cache = current_app.extensions.setdefault("vneid_cache", {})
    hit = cache.get(url)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    try:
        response = requests.get(url, timeout=_timeout(), allow_redirects=False)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise VneidError("provider-unreachable") from exc
    cache[url] = (time.monotonic() + _CACHE_SECONDS, document)
    return document


def metadata() -> dict:
    """The provider's discovery document (cached for an hour)."""
    issuer = _config()["VNEID_ISSUER"].rstrip("/")
    document = _cached_json(issuer + "/.well-known/openid-configuration")
    if document.get("issuer") != issuer:
        raise VneidError("issuer-mismatch")
    needed = ("authorization_endpoint", "token_endpoint", "jwks_uri")
    if not all(isinstance(document.get(key), str) for key in needed):
        raise VneidError("provider-unreachable")
    return document


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="vneid-state")


def _oauth(config: dict, **kwargs) -> OAuth2Session:
    session = OAuth2Session(
        client_id=config["VNEID_CLIENT_ID"],
        client_secret=config["VNEID_CLIENT_SECRET"],
        scope=SCOPE,
        redirect_uri=config["VNEID_REDIRECT_URI"],
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",  # noqa: S106
        **kwargs,
    )
    session.trust_env = False
    return session


def safe_next(value: str | None) -> str:
    """Only a path of this site: ``/...`` but not ``//host`` or ``/\\host``."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    return value[:512]


def start(next_path: str | None) -> Started:
    """The authorization URL to send the browser to, and the state cookie to set."""
    config = _config()
    document = metadata()
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(48)
    url, _ = _oauth(config).create_authorization_url(
        document["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
    )
    cookie = _serializer().dumps(
        {"state": state, "nonce": nonce, "verifier": verifier, "next": safe_next(next_path)}
    )
    return Started(url=url, cookie=cookie)


def read_state(cookie: str | None) -> dict:
    if not cookie:
        raise VneidError("state-missing")
    try:
        return _serializer().loads(cookie, max_age=STATE_SECONDS)
    except BadSignature as exc:
        raise VneidError("state-invalid") from exc


def verify_id_token(id_token: str, *, nonce: str) -> dict:
    """The claims of a valid ID token; raises ``VneidError("id-token-invalid")``."""
    config = _config()
    document = metadata()
    keys = KeySet.import_key_set(_cached_json(document["jwks_uri"]))
    try:
        token = jwt.decode(id_token, keys, algorithms=["RS256"])
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": document["issuer"]},
            aud={"essential": True, "value": config["VNEID_CLIENT_ID"]},
            nonce={"essential": True, "value": nonce},
            sub={"essential": True},
            exp={"essential": True},
            now=lambda: int(time.time()),
        ).validate(token.claims)
    except (JoseError, ValueError) as exc:
        raise VneidError("id-token-invalid") from exc
    return token.claims


def finish(*, state: dict, code: str | None, returned_state: str | None, error: str | None):
    """Complete the flow: returns the signed-in :class:`User`. Raises ``VneidError``."""
    if error:
        raise VneidError("denied" if error == "access_denied" else "provider-error")
    if not code or not returned_state or not hmac.compare_digest(returned_state, state["state"]):
        raise VneidError("state-mismatch")
    config = _config()
    document = metadata()
    try:
        tokens = _oauth(config).fetch_token(
            document["token_endpoint"],
            code=code,
            code_verifier=state["verifier"],
            timeout=_timeout(),
        )
    except Exception as exc:  # Authlib raises OAuthError or requests errors
        raise VneidError("token-exchange-failed") from exc
    if "id_token" not in tokens:
        raise VneidError("id-token-missing")
    claims = verify_id_token(tokens["id_token"], nonce=state["nonce"])
    return link_or_create(claims)


def _claims_identity(claims: dict) -> tuple[str, str, date]:
    personal_id = str(claims.get("SoDinhDanh") or "")
    name = " ".join(str(claims.get("HoVaTen") or claims.get("name") or "").split())
    try:
        born = date.fromisoformat(str(claims.get("NgaySinh") or claims.get("birthdate")))
    except ValueError as exc:
        raise VneidError("claims-incomplete") from exc
    if not name or personal_id_errors(personal_id, born):
        raise VneidError("claims-incomplete")
    return personal_id, name, born


def link_or_create(claims: dict) -> User:
    """The account for verified VNeID ``claims``: the linked one, else the citizen account
    with the same ID number and date of birth (linked now), else a new citizen account.
    Every such account is marked verified by VNeID."""
    personal_id, name, born = _claims_identity(claims)
    subject = str(claims["sub"])
    now = utcnow()
    link = db.session.scalar(
        sa.select(ExternalIdentity).where(
            ExternalIdentity.provider == PROVIDER, ExternalIdentity.subject == subject
        )
    )
    if link is not None:
        user = db.session.get(User, link.user_id)
        if user.personal_id != personal_id:
            raise VneidError("identity-conflict")
    else:
        user = db.session.scalar(sa.select(User).where(User.personal_id == personal_id))
        if user is not None and (user.kind != UserKind.CITIZEN or user.date_of_birth != born):
            raise VneidError("identity-conflict")
        if user is None:
            user = _create_citizen(claims, personal_id, name, born)
        link = ExternalIdentity(provider=PROVIDER, subject=subject, user_id=user.id, created_at=now)
        db.session.add(link)
        audit.record("auth.vneid_linked", actor_uuid=user.uuid, subject=str(user.uuid))
    if not user.is_active:
        raise VneidError("account-disabled")
    link.last_login_at = now
    link.assurance_level = str(claims.get("loAs") or "")[:16] or None
    user.last_login_at = now
    user.failed_login_count = 0
    mark_verified(user, PROVIDER)
    db.session.flush()
    audit.record(
        "auth.login_succeeded",
        actor_uuid=user.uuid,
        subject=str(user.uuid),
        data={"method": PROVIDER},
    )
    return user


def _create_citizen(claims: dict, personal_id: str, name: str, born: date) -> User:
    email = str(claims.get("Email") or claims.get("email") or "").strip().lower() or None
    phone = normalize_phone(str(claims.get("SoDienThoai") or claims.get("phone_number") or ""))
    if email and db.session.scalar(sa.select(User.id).where(User.email == email)):
        email = None
    if phone and db.session.scalar(sa.select(User.id).where(User.phone == phone)):
        phone = None
    if not email and not phone:
        raise VneidError("no-contact")
    user = User(
        kind=UserKind.CITIZEN,
        full_name=name[:128],
        personal_id=personal_id,
        date_of_birth=born,
        email=email,
        phone=phone,
        # Signs in with VNeID; a password can be set later through the reset flow.
        password_hash=passwords.hash_password(secrets.token_urlsafe(32)),
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "auth.registered", actor_uuid=user.uuid, subject=str(user.uuid), data={"via": PROVIDER}
    )
    return user
