"""Password reset by e-mailed one-time token."""

from __future__ import annotations

import email
import re
from datetime import timedelta

from backend.core import clock
from tests.factories import PASSWORD, CitizenFactory

REQUEST = "/api/v1/auth/password-reset"
CONFIRM = "/api/v1/auth/password-reset/confirm"
NEW_PASSWORD = "Mot-mat-khau-moi-2027"


def read_mail(outbox):
    files = sorted(outbox.glob("*.eml"))
    return [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]


def reset_token(message) -> str:
    return re.search(r"token=([\w-]+)", message.get_content()).group(1)


def test_reset_mail_is_sent_in_vietnamese_with_a_link(client, db, outbox):
    citizen = CitizenFactory()

    response = client.post(REQUEST, json={"email": citizen.email.upper()})

    assert response.status_code == 202
    [message] = read_mail(outbox)
    assert message["To"] == citizen.email
    assert message["Subject"] == "Đặt lại mật khẩu tài khoản Dịch vụ công"
    body = message.get_content()
    assert "Xin chào Trần Thị Bình" in body
    assert "/dat-lai-mat-khau?token=" in body


def test_unknown_address_gets_the_same_answer_and_no_mail(client, db, outbox):
    response = client.post(REQUEST, json={"email": "nobody@example.vn"})

    assert response.status_code == 202
    assert read_mail(outbox) == []


def test_confirm_sets_the_password_ends_sessions_and_works_once(client, db, outbox):
    citizen = CitizenFactory()
    old = client.post("/api/v1/auth/token", json={"username": citizen.email, "password": PASSWORD})
    client.post(REQUEST, json={"email": citizen.email}, headers={"Accept-Language": "en"})
    [message] = read_mail(outbox)
    assert message["Subject"] == "Reset your public services account password"
    token = reset_token(message)

    response = client.post(CONFIRM, json={"token": token, "password": NEW_PASSWORD})

    assert response.status_code == 204
    me = client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {old.json['access_token']}"}
    )
    assert me.status_code == 401
    login = client.post(
        "/api/v1/auth/token", json={"username": citizen.email, "password": NEW_PASSWORD}
    )
    assert login.status_code == 200
    again = client.post(CONFIRM, json={"token": token, "password": "Yet-another-pass-2028"})
    assert again.status_code == 400
    assert again.json["code"] == "auth.invalid-reset-token"


def test_the_reset_token_expires(client, db, outbox):
    citizen = CitizenFactory()
    client.post(REQUEST, json={"email": citizen.email})
    token = reset_token(read_mail(outbox)[0])
    clock.freeze(clock.utcnow() + timedelta(minutes=31))

    response = client.post(CONFIRM, json={"token": token, "password": NEW_PASSWORD})

    assert response.status_code == 400


def test_the_new_password_follows_the_policy(client, db, outbox):
    citizen = CitizenFactory()
    client.post(REQUEST, json={"email": citizen.email})
    token = reset_token(read_mail(outbox)[0])

    weak = client.post(CONFIRM, json={"token": token, "password": "password1234"})
    with_id = client.post(CONFIRM, json={"token": token, "password": f"id{citizen.personal_id}"})

    assert weak.status_code == with_id.status_code == 422
    # Neither attempt spent the token.
    assert client.post(CONFIRM, json={"token": token, "password": NEW_PASSWORD}).status_code == 204


def test_no_mail_is_sent_when_the_request_fails(app, client, db, outbox, monkeypatch):
    from backend.core import audit

    citizen = CitizenFactory()

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(audit, "record", broken)
    response = client.post(REQUEST, json={"email": citizen.email})

    assert response.status_code == 500
    assert read_mail(outbox) == []
