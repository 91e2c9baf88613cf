"""Sign-in: cookies and tokens, identical failures, lock-out, rate limits, audit."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from backend.core import clock
from backend.core.audit import AuditEvent
from tests.factories import PASSWORD, CitizenFactory, OfficerFactory

LOGIN = "/api/v1/auth/login"
TOKEN = "/api/v1/auth/token"


def events(db, name: str) -> list[AuditEvent]:
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.event == name)).all()


def test_browser_login_sets_httponly_cookies_and_returns_the_csrf_token(client, db):
    citizen = CitizenFactory()

    response = client.post(LOGIN, json={"username": citizen.email, "password": PASSWORD})

    assert response.status_code == 200
    assert response.json["user"]["id"] == str(citizen.uuid)
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    assert "HttpOnly" in cookies["access_token"] and "SameSite=Lax" in cookies["access_token"]
    assert "HttpOnly" in cookies["refresh_token"]
    assert "HttpOnly" not in cookies["csrf_access_token"]
    assert response.json["csrf_token"] in cookies["csrf_access_token"]
    assert client.get("/api/v1/auth/me").json["id"] == str(citizen.uuid)


def test_login_accepts_the_id_number_and_the_phone_number(client, db):
    citizen = CitizenFactory(phone="0987654321")

    for username in (citizen.personal_id, "+84 987 654 321"):
        response = client.post(TOKEN, json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, username


def test_unknown_account_and_wrong_password_get_the_same_answer(client, db):
    citizen = CitizenFactory()

    unknown = client.post(TOKEN, json={"username": "nobody@example.vn", "password": PASSWORD})
    wrong = client.post(TOKEN, json={"username": citizen.email, "password": "wrong-password"})

    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json["detail"] == wrong.json["detail"]
    assert unknown.json["code"] == wrong.json["code"] == "auth.invalid-credentials"
    reasons = sorted(e.data["reason"] for e in events(db, "auth.login_failed"))
    assert reasons == ["bad_password", "unknown_account"]
    # The unknown identifier is never stored in clear.
    assert all("nobody" not in (e.subject or "") for e in events(db, "auth.login_failed"))


def test_the_account_locks_after_five_failures_and_unlocks_later(client, db):
    citizen = CitizenFactory()
    start = clock.utcnow()
    clock.freeze(start)
    for _ in range(5):
        response = client.post(TOKEN, json={"username": citizen.email, "password": "wrong-pass!"})
        assert response.status_code == 401

    locked = client.post(TOKEN, json={"username": citizen.email, "password": PASSWORD})
    assert locked.status_code == 401  # even the right password, and the same answer
    assert len(events(db, "auth.account_locked")) == 1
    assert events(db, "auth.login_failed")[-1].data["reason"] == "locked"

    clock.freeze(start + timedelta(minutes=16))
    assert (
        client.post(TOKEN, json={"username": citizen.email, "password": PASSWORD}).status_code
        == 200
    )
    assert len(events(db, "auth.login_succeeded")) == 1


def test_a_success_resets_the_failure_count(client, db):
    citizen = CitizenFactory()
    for _ in range(4):
        client.post(TOKEN, json={"username": citizen.email, "password": "wrong-pass!"})
    assert (
        client.post(TOKEN, json={"username": citizen.email, "password": PASSWORD}).status_code
        == 200
    )
    for _ in range(4):
        client.post(TOKEN, json={"username": citizen.email, "password": "wrong-pass!"})

    assert (
        client.post(TOKEN, json={"username": citizen.email, "password": PASSWORD}).status_code
        == 200
    )
    assert events(db, "auth.account_locked") == []


def test_a_disabled_officer_cannot_sign_in(client, db):
    officer = OfficerFactory(is_active=False)

    response = client.post(TOKEN, json={"username": officer.email, "password": PASSWORD})

    assert response.status_code == 401


def test_per_account_rate_limit_answers_429_problem(app, client, db):
    citizen = CitizenFactory()
    statuses = [
        client.post(TOKEN, json={"username": citizen.email, "password": f"wrong-{i}"}).status_code
        for i in range(11)
    ]

    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
    limited = client.post(TOKEN, json={"username": citizen.email, "password": PASSWORD})
    assert limited.status_code == 429
    assert limited.mimetype == "application/problem+json"
    assert limited.json["code"] == "rate-limited"
    assert "Retry-After" in limited.headers
    # Another account from the same address is not blocked by this account's limit.
    other = CitizenFactory()
    assert (
        client.post(TOKEN, json={"username": other.email, "password": PASSWORD}).status_code == 200
    )


def test_per_ip_rate_limit_spans_accounts(client, db):
    statuses = [
        client.post(TOKEN, json={"username": f"user{i}@example.vn", "password": "x"}).status_code
        for i in range(31)
    ]

    assert statuses[:30] == [401] * 30
    assert statuses[30] == 429
