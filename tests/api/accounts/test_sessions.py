"""Access and refresh tokens: rotation, reuse detection, logout, expiry, CSRF on cookies."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from backend.core import clock
from backend.core.audit import AuditEvent
from tests.factories import PASSWORD, CitizenFactory
from tests.helpers import cookie_login

TOKEN = "/api/v1/auth/token"
REFRESH = "/api/v1/auth/refresh"
SESSION_REFRESH = "/api/v1/auth/session/refresh"
ME = "/api/v1/auth/me"


def token_pair(client, user) -> dict:
    response = client.post(TOKEN, json={"username": user.email, "password": PASSWORD})
    assert response.status_code == 200
    return response.json


def auth(access: str) -> dict:
    return {"Authorization": f"Bearer {access}"}


def test_refresh_rotates_the_refresh_token(client, db):
    pair = token_pair(client, CitizenFactory())

    rotated = client.post(REFRESH, json={"refresh_token": pair["refresh_token"]})

    assert rotated.status_code == 200
    assert rotated.json["refresh_token"] != pair["refresh_token"]
    assert client.get(ME, headers=auth(rotated.json["access_token"])).status_code == 200
    again = client.post(REFRESH, json={"refresh_token": rotated.json["refresh_token"]})
    assert again.status_code == 200


def test_reusing_a_spent_refresh_token_revokes_the_whole_family(client, db):
    pair = token_pair(client, CitizenFactory())
    rotated = client.post(REFRESH, json={"refresh_token": pair["refresh_token"]}).json

    replay = client.post(REFRESH, json={"refresh_token": pair["refresh_token"]})

    assert replay.status_code == 401
    assert replay.json["code"] == "auth.invalid-refresh-token"
    # The thief's replay also kills the legitimate holder's newer tokens.
    assert client.post(REFRESH, json={"refresh_token": rotated["refresh_token"]}).status_code == 401
    assert client.get(ME, headers=auth(rotated["access_token"])).status_code == 401
    assert client.get(ME, headers=auth(pair["access_token"])).status_code == 401
    reuse = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.event == "auth.refresh_token_reused")
    ).all()
    assert len(reuse) == 1


def test_other_sessions_survive_a_reuse_in_one_family(client, db):
    citizen = CitizenFactory()
    phone = token_pair(client, citizen)
    laptop = token_pair(client, citizen)
    client.post(REFRESH, json={"refresh_token": phone["refresh_token"]})
    client.post(REFRESH, json={"refresh_token": phone["refresh_token"]})

    assert client.get(ME, headers=auth(laptop["access_token"])).status_code == 200


def test_unknown_refresh_token_is_401(client, db):
    response = client.post(REFRESH, json={"refresh_token": "x" * 43})

    assert response.status_code == 401


def test_refresh_tokens_expire_after_thirty_days(client, db):
    pair = token_pair(client, CitizenFactory())
    clock.freeze(clock.utcnow() + timedelta(days=30, seconds=1))

    assert client.post(REFRESH, json={"refresh_token": pair["refresh_token"]}).status_code == 401


def test_logout_revokes_access_and_refresh_tokens(client, db):
    pair = token_pair(client, CitizenFactory())

    response = client.post("/api/v1/auth/logout", headers=auth(pair["access_token"]))

    assert response.status_code == 204
    assert client.get(ME, headers=auth(pair["access_token"])).status_code == 401
    assert client.post(REFRESH, json={"refresh_token": pair["refresh_token"]}).status_code == 401


def test_an_expired_access_token_is_refused(app, client, db):
    import jwt as pyjwt

    pair = token_pair(client, CitizenFactory())
    claims = pyjwt.decode(pair["access_token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 15 * 60
    expired = pyjwt.encode(
        {**claims, "exp": claims["iat"] - 1}, app.config["SECRET_KEY"], algorithm="HS256"
    )

    response = client.get(ME, headers=auth(expired))

    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_a_token_signed_with_another_key_is_refused(client, db):
    import jwt as pyjwt

    pair = token_pair(client, CitizenFactory())
    claims = pyjwt.decode(pair["access_token"], options={"verify_signature": False})
    forged = pyjwt.encode(claims, "another-key-of-sufficient-length-000000", algorithm="HS256")

    assert client.get(ME, headers=auth(forged)).status_code == 401


# --- cookies and CSRF ------------------------------------------------------------------------


def test_cookie_writes_need_the_csrf_header(client, db):
    citizen = CitizenFactory()
    csrf = cookie_login(client, citizen.email)

    without = client.post("/api/v1/auth/logout")
    wrong = client.post("/api/v1/auth/logout", headers={"X-CSRF-TOKEN": "not-the-token"})
    assert without.status_code == wrong.status_code == 403
    assert without.json["code"] == "auth.csrf-failed"
    assert client.get(ME).status_code == 200  # reads need no CSRF header, and nothing changed

    done = client.post("/api/v1/auth/logout", headers={"X-CSRF-TOKEN": csrf})
    assert done.status_code == 204
    assert client.get(ME).status_code == 401


def test_bearer_writes_need_no_csrf_header(client, db):
    pair = token_pair(client, CitizenFactory())

    assert client.post("/api/v1/auth/logout", headers=auth(pair["access_token"])).status_code == 204


def test_cookie_refresh_needs_the_refresh_csrf_cookie_echoed(client, db):
    citizen = CitizenFactory()
    cookie_login(client, citizen.email)

    refused = client.post(SESSION_REFRESH)
    assert refused.status_code == 403

    csrf = client.get_cookie("csrf_refresh_token").value
    response = client.post(SESSION_REFRESH, headers={"X-CSRF-TOKEN": csrf})
    assert response.status_code == 200
    assert response.json["user"]["id"] == str(citizen.uuid)
    assert client.get(ME).status_code == 200


def test_a_spent_refresh_cookie_revokes_the_browser_session(client, db):
    citizen = CitizenFactory()
    cookie_login(client, citizen.email)
    spent = client.get_cookie("refresh_token", path="/api/v1/auth/session").value
    csrf = client.get_cookie("csrf_refresh_token").value
    assert client.post(SESSION_REFRESH, headers={"X-CSRF-TOKEN": csrf}).status_code == 200

    client.set_cookie("refresh_token", spent, path="/api/v1/auth/session")
    csrf = client.get_cookie("csrf_refresh_token").value
    replay = client.post(SESSION_REFRESH, headers={"X-CSRF-TOKEN": csrf})

    assert replay.status_code == 401
    assert client.get(ME).status_code == 401  # the renewed access cookie died with the session


def test_refresh_needs_a_token_in_the_body(client, db):
    response = client.post(REFRESH, json={})

    assert response.status_code == 422
    assert "refresh_token" in response.json["errors"]
