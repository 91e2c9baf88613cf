"""A local OpenID Connect provider standing in for VNeID sign-in through the National Public
Service Portal (DOMAIN.md §6.1), for development and tests.

Mounted at ``/simulators/vneid`` (the issuer is ``PUBLIC_BASE_URL + "/simulators/vneid"``
unless ``VNEID_ISSUER`` says otherwise):

``GET /.well-known/openid-configuration``  discovery document
``GET /authorize``   checks the client, the redirect URI and PKCE (S256), shows a login page
                     listing the simulated people (those of the population simulator)
``POST /authorize``  signs the chosen person in (password ``123456``) or cancels; redirects to
                     the client with a one-time ``code`` (or ``error=access_denied``)
``POST /token``      authorization-code grant, client secret (basic or post) and PKCE
                     verifier; answers ``access_token`` and an RS256 ``id_token``
``GET /userinfo``    the claims, for the bearer access token
``GET /jwks``        the public signing key

Claims: ``sub`` (TechID), ``SoDinhDanh``, ``HoVaTen``, ``NgaySinh`` (yyyy-MM-dd),
``GioiTinh``, ``LoaiTaiKhoan`` (1 individual), ``loAs`` (assurance level 2), ``SoDienThoai``,
``Email``, and the standard ``name``, ``birthdate``, ``phone_number``, ``email``.
[SIM] marks choices where the portal's behaviour is not public.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, Flask, Response, current_app, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from markupsafe import Markup

from backend.core.web import CSP
from backend.simulators.population import PEOPLE, Person

EXTENSION = "vneid_sim"
PASSWORD = "123456"  # noqa: S105 - the simulator's published test password
CODE_SECONDS = 120
TOKEN_SECONDS = 900

bp = Blueprint("vneid_sim", __name__, url_prefix="/simulators/vneid")


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    nonce: str
    code_challenge: str
    scope: str
    person_id: str
    expires_at: float


class VNeIDSimulator:
    def __init__(self, issuer: str, clients: dict[str, dict]):
        self.issuer = issuer.rstrip("/")
        #: client_id → {"secret": …, "redirect_uris": [...]}.
        self.clients = clients
        self.key = RSAKey.generate_key(
            2048, parameters={"kid": "vneid-sim-1", "use": "sig", "alg": "RS256"}
        )
        self.codes: dict[str, Grant] = {}
        self.tokens: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def claims(self, person: Person) -> dict:
        birth = f"{person.birth_date[:4]}-{person.birth_date[4:6]}-{person.birth_date[6:]}"
        return {
            "sub": str(uuid.uuid5(uuid.NAMESPACE_URL, "vneid:" + person.personal_id)),
            "TechID": str(uuid.uuid5(uuid.NAMESPACE_URL, "vneid:" + person.personal_id)),
            "LoaiTaiKhoan": 1,
            "loAs": "2",
            "SoDinhDanh": person.personal_id,
            "HoVaTen": person.full_name,
            "NgaySinh": birth,
            "GioiTinh": person.gender,
            "SoDienThoai": person.phone,
            "Email": person.email,
            "name": person.full_name,
            "birthdate": birth,
            "phone_number": person.phone,
            "email": person.email,
        }


def _sim() -> VNeIDSimulator:
    return current_app.extensions[EXTENSION]


def _html(body: Markup, status: int = 200, form_target: str | None = None) -> Response:
    page = Markup(
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        "<title>VNeID (giả lập)</title></head><body>{}</body></html>"
    ).format(body)
    response = Response(str(page), status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    csp = CSP
    if form_target:
        csp = CSP.replace("form-action 'self'", f"form-action 'self' {form_target}")
    response.headers["Content-Security-Policy"] = csp
    return response


def _error_page(message: str) -> Response:
    return _html(Markup("<h1>Lỗi đăng nhập VNeID</h1><p>{}</p>").format(message), status=400)


def _check_authorize(params) -> tuple[dict | None, str | None]:
    sim = _sim()
    client = sim.clients.get(params.get("client_id", ""))
    if client is None:
        return None, "Ứng dụng không được đăng ký (client_id)."
    if params.get("redirect_uri") not in client["redirect_uris"]:
        return None, "Địa chỉ chuyển hướng không được đăng ký (redirect_uri)."
    if params.get("response_type") != "code" or "openid" not in params.get("scope", "").split():
        return None, "Yêu cầu phải là response_type=code với scope openid."
    if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
        return None, "Cần PKCE với code_challenge_method=S256."
    if not params.get("nonce") or not params.get("state"):
        return None, "Thiếu nonce hoặc state."
    return client, None


HIDDEN = (
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
)


def _login_page(params, error: str | None = None) -> Response:
    people = Markup("").join(
        Markup(
            '<p><label><input type="radio" name="person" value="{id}"{checked}> {name} — {id}'
            "</label></p>"
        ).format(id=p.personal_id, name=p.full_name, checked=Markup(" checked") if i == 0 else "")
        for i, p in enumerate(PEOPLE.values())
    )
    hidden = Markup("").join(
        Markup('<input type="hidden" name="{}" value="{}">').format(k, params.get(k, ""))
        for k in HIDDEN
    )
    alert = Markup('<p role="alert">{}</p>').format(error) if error else Markup("")
    body = Markup(
        "<main><h1>Đăng nhập bằng tài khoản định danh điện tử VNeID</h1>"
        "<p>Môi trường giả lập — chỉ dùng để phát triển và kiểm thử.</p>{alert}"
        '<form method="post">{hidden}<fieldset><legend>Công dân</legend>{people}</fieldset>'
        '<p><label>Mật khẩu <input type="password" name="password" autocomplete="off"></label>'
        "</p>"
        '<button type="submit" name="action" value="login">Đăng nhập</button> '
        '<button type="submit" name="action" value="cancel">Hủy</button></form></main>'
    ).format(alert=alert, hidden=hidden, people=people)
    origin = params.get("redirect_uri", "").split("/", 3)
    target = "/".join(origin[:3]) if len(origin) >= 3 else None
    return _html(body, form_target=target)


@bp.get("/.well-known/openid-configuration")
def discovery():
    issuer = _sim().issuer
    return jsonify(
        issuer=issuer,
        authorization_endpoint=issuer + "/authorize",
        token_endpoint=issuer + "/token",
        userinfo_endpoint=issuer + "/userinfo",
        jwks_uri=issuer + "/jwks",
        response_types_supported=["code"],
        subject_types_supported=["public"],
        id_token_signing_alg_values_supported=["RS256"],
        scopes_supported=["openid", "profile"],
        token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
        code_challenge_methods_supported=["S256"],
        claims_supported=sorted(_sim().claims(next(iter(PEOPLE.values()))).keys()),
    )


@bp.get("/jwks")
def jwks():
    return jsonify(keys=[_sim().key.as_dict(private=False)])


@bp.get("/authorize")
def authorize_page():
    _client, error = _check_authorize(request.args)
    if error:
        return _error_page(error)
    return _login_page(request.args)


@bp.post("/authorize")
def authorize():
    form = request.form
    _client, error = _check_authorize(form)
    if error:
        return _error_page(error)
    redirect_uri = form["redirect_uri"]
    if form.get("action") == "cancel":
        query = urlencode({"error": "access_denied", "state": form["state"]})
        return redirect(f"{redirect_uri}?{query}", 302)
    person = PEOPLE.get(form.get("person", ""))
    if person is None or not hmac.compare_digest(form.get("password", ""), PASSWORD):
        return _login_page(form, error="Sai thông tin đăng nhập.")
    code = secrets.token_urlsafe(24)
    sim = _sim()
    with sim._lock:
        sim.codes[code] = Grant(
            client_id=form["client_id"],
            redirect_uri=redirect_uri,
            nonce=form["nonce"],
            code_challenge=form["code_challenge"],
            scope=form["scope"],
            person_id=person.personal_id,
            expires_at=time.time() + CODE_SECONDS,
        )
    return redirect(f"{redirect_uri}?{urlencode({'code': code, 'state': form['state']})}", 302)


def _token_error(error: str, status: int = 400) -> Response:
    response = jsonify(error=error)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _client_credentials() -> tuple[str, str]:
    auth = request.authorization
    if auth is not None and auth.type == "basic":
        return auth.username or "", auth.password or ""
    return request.form.get("client_id", ""), request.form.get("client_secret", "")


@bp.post("/token")
def token():
    sim = _sim()
    client_id, secret = _client_credentials()
    client = sim.clients.get(client_id)
    if client is None or not hmac.compare_digest(secret, client["secret"]):
        return _token_error("invalid_client", 401)
    form = request.form
    if form.get("grant_type") != "authorization_code":
        return _token_error("unsupported_grant_type")
    with sim._lock:
        grant = sim.codes.pop(form.get("code", ""), None)  # one use only
    if (
        grant is None
        or grant.expires_at < time.time()
        or grant.client_id != client_id
        or grant.redirect_uri != form.get("redirect_uri")
    ):
        return _token_error("invalid_grant")
    verifier = form.get("code_verifier", "")
    digest = hashlib.sha256(verifier.encode()).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    if not hmac.compare_digest(challenge, grant.code_challenge):
        return _token_error("invalid_grant")
    person = PEOPLE[grant.person_id]
    now = int(time.time())
    claims = {
        **sim.claims(person),
        "iss": sim.issuer,
        "aud": client_id,
        "iat": now,
        "exp": now + TOKEN_SECONDS,
        "auth_time": now,
        "nonce": grant.nonce,
    }
    id_token = jwt.encode({"alg": "RS256", "kid": sim.key.kid}, claims, sim.key)
    access = secrets.token_urlsafe(24)
    with sim._lock:
        sim.tokens[access] = (person.personal_id, now + TOKEN_SECONDS)
    response = jsonify(
        access_token=access,
        token_type="Bearer",  # noqa: S106
        expires_in=TOKEN_SECONDS,
        id_token=id_token,
        scope=grant.scope,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/userinfo")
def userinfo():
    sim = _sim()
    auth = request.headers.get("Authorization", "")
    entry = (
        sim.tokens.get(auth.removeprefix("Bearer ").strip()) if auth.startswith("Bearer ") else None
    )
    if entry is None or entry[1] < time.time():
        return _token_error("invalid_token", 401)
    return jsonify(sim.claims(PEOPLE[entry[0]]))


def init_app(app: Flask) -> VNeIDSimulator:
    """Mount the provider (once per app) with the app's own client registered."""
    if EXTENSION in app.extensions:
        return app.extensions[EXTENSION]
    from backend.config import DEV_INTEGRATION_SECRET

    config = app.config
    base = str(config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
    issuer = config.get("VNEID_ISSUER") or base + "/simulators/vneid"
    client_id = config.get("VNEID_CLIENT_ID") or "dvc-dev"
    sim = VNeIDSimulator(
        issuer,
        {
            client_id: {
                "secret": config.get("VNEID_CLIENT_SECRET") or DEV_INTEGRATION_SECRET,
                "redirect_uris": [
                    config.get("VNEID_REDIRECT_URI") or base + "/api/v1/auth/vneid/callback"
                ],
            }
        },
    )
    app.extensions[EXTENSION] = sim
    app.register_blueprint(bp)
    return sim
