"""Delivery tracking, retries, and the fall back to SMS when an e-mail fails for good."""

from __future__ import annotations

import sqlalchemy as sa

from backend.accounts.models import User
from backend.notifications.models import Message, Notification
from backend.simulators import sms as sms_sim
from tests.factories import OfficerFactory
from tests.helpers import bearer
from tests.notification_fixtures import free_port


def _messages(db, user) -> list[Message]:
    return list(
        db.session.scalars(
            sa.select(Message)
            .join(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Message.id)
        )
    )


def test_mailbox_refused_falls_back_to_sms(client, desk, smtp, sms, db):
    smtp.rcpt_replies[desk.citizen.email] = "550 5.1.1 <mailbox> does not exist"
    dossier_id = desk.submit()
    desk.act(dossier_id, "refuse", "reception_officer", reason="Hồ sơ không đúng thẩm quyền")

    mail, text = _messages(db, desk.citizen)[-2:]
    assert (mail.channel, mail.status, mail.permanent_failure) == ("email", "failed", True)
    assert mail.attempts == 1  # a 5xx is not retried
    assert "550" in mail.error
    assert (text.channel, text.status, text.fallback_of_id) == ("sms", "sent", mail.id)
    [received, _submitted] = sms_sim.messages(sms, desk.citizen.phone)
    assert received["text"].startswith("Ho so ") and "khong duoc tiep nhan" in received["text"]
    assert "Ly do: Ho so khong dung tham quyen" in received["text"]
    assert received["sender"] == "DVC" and received["reference"] == str(text.uuid)
    assert received["to"] == "84" + desk.citizen.phone[1:]


def test_temporary_failures_are_retried_then_fall_back(client, desk, smtp, sms, db):
    smtp.rcpt_replies[desk.citizen.email] = "451 4.3.0 Try again later"
    desk.submit()

    mail, text = _messages(db, desk.citizen)
    assert mail.status == "failed" and not mail.permanent_failure
    assert mail.attempts == 6 == smtp.rcpt_calls - 1  # 1 + 5 retries (one RCPT for the officer)
    assert "451" in mail.error
    assert text.channel == "sms" and text.status == "sent"


def test_recovered_server_sends_on_a_retry(client, desk, smtp, db):
    class Flaky:
        def __init__(self):
            self.calls = 0

        def get(self, address):
            self.calls += 1
            return "421 4.7.0 Busy" if self.calls == 1 else None

    smtp.rcpt_replies = Flaky()
    desk.submit()

    [mail] = _messages(db, desk.citizen)
    assert mail.status == "sent" and mail.attempts == 2
    assert mail.error is None
    assert len(smtp.to(desk.citizen.email)) == 1


def test_unreachable_server_without_phone_is_recorded_failed(client, desk, db, monkeypatch, app):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())  # nothing listens there
    monkeypatch.setitem(app.config, "SMTP_SECURITY", "none")
    db.session.execute(sa.update(User).where(User.id == desk.citizen.id).values(phone=None))
    desk.submit()

    [mail] = _messages(db, desk.citizen)
    assert mail.status == "failed" and mail.attempts == 6
    assert "Connection" in mail.error or "refused" in mail.error


def test_reported_bounce_falls_back_to_sms(client, desk, smtp, sms, db):
    dossier_id = desk.submit()
    desk.act(dossier_id, "refuse", "reception_officer", reason="Sai mẫu tờ khai")
    mail = _messages(db, desk.citizen)[-1]
    assert mail.status == "sent"
    admin = OfficerFactory(agency=desk.agency, roles=["admin"])
    headers = bearer(client, admin.email)

    response = client.post(
        "/api/v1/admin/notification-messages/bounces",
        json={"provider_id": mail.provider_id, "reason": "5.1.1 user unknown (DSN)"},
        headers=headers,
    )

    assert response.status_code == 200, response.json
    assert response.json["status"] == "bounced" and response.json["permanent_failure"] is True
    db.session.expire_all()
    text = _messages(db, desk.citizen)[-1]
    assert text.channel == "sms" and text.status == "sent" and text.fallback_of_id == mail.id
    assert "Sai mau to khai" in sms_sim.messages(sms, desk.citizen.phone)[0]["text"]
    failed = client.get("/api/v1/admin/notification-messages?status=bounced", headers=headers).json[
        "items"
    ]
    assert [m["id"] for m in failed] == [str(mail.uuid)]
    unknown = client.post(
        "/api/v1/admin/notification-messages/bounces",
        json={"provider_id": "<nope@x>", "reason": "x"},
        headers=headers,
    )
    assert unknown.status_code == 404
    citizen = client.get("/api/v1/admin/notification-messages", headers=desk.citizen_headers)
    assert citizen.status_code == 403


def test_sms_provider_rejection_is_permanent(client, desk, sms, db):
    client.put(
        "/api/v1/me/notification-preferences",
        json={"email": False, "sms": True},
        headers=desk.citizen_headers,
    )
    sms_sim.fail(sms, desk.citizen.phone, "reject")
    desk.submit()

    [text] = _messages(db, desk.citizen)
    assert text.channel == "sms" and text.status == "failed" and text.permanent_failure
    assert text.attempts == 1 and "blocked_number" in text.error


def test_sms_provider_outage_is_retried(client, desk, sms, db):
    client.put(
        "/api/v1/me/notification-preferences",
        json={"email": False, "sms": True},
        headers=desk.citizen_headers,
    )
    sms_sim.fail(sms, desk.citizen.phone, "error")
    desk.submit()

    [text] = _messages(db, desk.citizen)
    assert text.status == "failed" and not text.permanent_failure and text.attempts == 6
