"""Citizens choose their channels; required notices still reach them on one."""

from __future__ import annotations

import sqlalchemy as sa

from backend.accounts.models import User
from backend.core.audit import AuditEvent
from backend.notifications.models import Message, Notification
from backend.simulators import sms as sms_sim

PREFS = "/api/v1/me/notification-preferences"


def _channels(db, user, template) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(Message.channel)
            .join(Notification)
            .where(Notification.user_id == user.id, Notification.template == template)
            .order_by(Message.id)
        )
    )


def test_defaults_and_changes(client, desk, db):
    headers = desk.citizen_headers
    first = client.get(PREFS, headers=headers)
    assert first.status_code == 200
    assert first.json["email"] is True and first.json["sms"] is False
    assert first.json["locale"] == "vi"
    assert first.json["email_address"] == desk.citizen.email
    assert first.json["phone"] == desk.citizen.phone
    assert "supplement_requested" in first.json["always_sent"]
    assert "submitted" not in first.json["always_sent"]

    changed = client.put(PREFS, json={"sms": True, "locale": "en"}, headers=headers)

    assert changed.status_code == 200
    assert changed.json["email"] is True and changed.json["sms"] is True
    assert changed.json["locale"] == "en"
    assert client.get(PREFS, headers=headers).json["sms"] is True
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.event == "notifications.preferences_changed")
    )
    assert event.actor_uuid == desk.citizen.uuid and event.data["sms"] is True


def test_bad_preferences_change_nothing(client, desk):
    headers = {**desk.citizen_headers, "Accept-Language": "en"}
    response = client.put(PREFS, json={"locale": "fr", "sms": "maybe"}, headers=headers)

    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert set(response.json["errors"]) == {"locale", "sms"}
    assert client.get(PREFS, headers=headers).json["locale"] == "vi"
    assert client.get(PREFS).status_code == 401


def test_both_channels_by_choice(client, desk, db, sms):
    client.put(PREFS, json={"sms": True}, headers=desk.citizen_headers)
    desk.submit()

    assert _channels(db, desk.citizen, "submitted") == ["email", "sms"]
    [text] = sms_sim.messages(sms, desk.citizen.phone)
    assert text["text"].startswith("Ho so ") and "/tra-cuu?ma=" in text["text"]


def test_sms_only(client, desk, db):
    client.put(PREFS, json={"email": False, "sms": True}, headers=desk.citizen_headers)
    desk.submit()

    assert _channels(db, desk.citizen, "submitted") == ["sms"]


def test_no_channel_keeps_only_the_in_app_notice_but_required_ones_go_out(client, desk, db):
    client.put(PREFS, json={"email": False, "sms": False}, headers=desk.citizen_headers)
    dossier_id = desk.submit()
    desk.act(dossier_id, "refuse", "reception_officer", reason="Sai thẩm quyền")

    assert _channels(db, desk.citizen, "submitted") == []
    assert _channels(db, desk.citizen, "refused") == ["email"]
    items = desk.notifications(desk.citizen_headers)
    assert [n["template"] for n in items] == ["refused", "submitted"]
    assert items[0]["required"] is True and items[0]["channels"] == [
        {"channel": "email", "status": "sent"}
    ]


def test_required_notice_goes_by_sms_without_an_email_address(client, desk, db, sms):
    client.put(PREFS, json={"email": False, "sms": False}, headers=desk.citizen_headers)
    db.session.execute(sa.update(User).where(User.id == desk.citizen.id).values(email=None))
    dossier_id = desk.submit()
    desk.act(dossier_id, "refuse", "reception_officer", reason="Sai thẩm quyền")

    assert _channels(db, desk.citizen, "refused") == ["sms"]
    [text] = sms_sim.messages(sms, desk.citizen.phone)
    assert "Ly do: Sai tham quyen" in text["text"]


def test_officers_choose_too(client, desk, db):
    reception = desk.officers["reception_officer"]
    client.put(PREFS, json={"email": False}, headers=desk.headers["reception_officer"])
    desk.submit()

    assert _channels(db, reception, "new_in_queue") == []
    items = desk.notifications(desk.headers["reception_officer"])
    assert [n["template"] for n in items] == ["new_in_queue"]
