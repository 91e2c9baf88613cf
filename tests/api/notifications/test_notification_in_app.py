"""In-app notifications: my list, the unread count, marking read; only my own."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from backend.core import transaction
from backend.notifications import services
from backend.notifications.models import Message, Notification
from tests.factories import CitizenFactory
from tests.helpers import bearer

ME = "/api/v1/me/notifications"


def test_list_count_and_mark_read(client, desk):
    headers = desk.citizen_headers
    dossier_id = desk.submit()
    desk.act(dossier_id, "accept", "reception_officer")

    page = client.get(ME, headers=headers).json
    assert page["total"] == 2
    received, submitted = page["items"]
    assert received["template"] == "received" and submitted["template"] == "submitted"
    assert received["dossier_id"] == dossier_id
    assert received["title"].startswith("Hồ sơ ") and "đã được tiếp nhận" in received["title"]
    assert received["link"] == f"http://127.0.0.1:5000/ho-so-cua-toi/{dossier_id}"
    assert received["read_at"] is None
    assert client.get(f"{ME}/unread-count", headers=headers).json == {"unread": 2}

    marked = client.post(f"{ME}/{received['id']}/read", headers=headers)

    assert marked.status_code == 200 and marked.json["read_at"] is not None
    again = client.post(f"{ME}/{received['id']}/read", headers=headers)
    assert again.json["read_at"] == marked.json["read_at"]
    assert client.get(f"{ME}/unread-count", headers=headers).json == {"unread": 1}
    unread = client.get(f"{ME}?unread=true", headers=headers).json["items"]
    assert [n["id"] for n in unread] == [submitted["id"]]

    assert client.post(f"{ME}/read-all", headers=headers).json == {"updated": 1}
    assert client.get(f"{ME}/unread-count", headers=headers).json == {"unread": 0}


def test_only_my_own(client, desk):
    desk.submit()
    mine = desk.notifications(desk.citizen_headers)[0]
    other = bearer(client, CitizenFactory().email)

    assert client.get(ME, headers=other).json["total"] == 0
    assert client.get(f"{ME}/unread-count", headers=other).json == {"unread": 0}
    stolen = client.post(f"{ME}/{mine['id']}/read", headers={**other, "Accept-Language": "en"})
    assert stolen.status_code == 404
    assert stolen.json["code"] == "notifications.not-found"
    assert client.get(f"{ME}/unread-count", headers=desk.citizen_headers).json == {"unread": 1}
    assert client.get(ME).status_code == 401
    assert client.post(f"{ME}/read-all").status_code == 401


def test_officers_notices(client, desk):
    dossier_id = desk.submit()
    desk.to_processing(dossier_id)

    [queued] = desk.notifications(desk.headers["reception_officer"])
    assert queued["template"] == "new_in_queue"
    assert queued["link"] == f"http://127.0.0.1:5000/can-bo/ho-so/{dossier_id}"
    [assigned] = desk.notifications(desk.headers["specialist"])
    assert assigned["template"] == "assigned" and assigned["title"].startswith("Bạn được phân công")
    # The department head got the received dossier; the one who acted is not told.
    assert [n["template"] for n in desk.notifications(desk.headers["dept_head"])] == [
        "new_in_queue"
    ]


def _notify(user, once=False):
    return services.notify(
        user,
        "delivered",
        key="test:1",
        context=lambda locale: {"code": "X-1", "name": user.full_name},
        once=once,
    )


def test_nothing_leaves_before_commit_and_nothing_on_rollback(app, db, outbox: Path):
    citizen = CitizenFactory()

    _notify(citizen)
    assert list(outbox.glob("*.eml")) == []  # queued, not sent
    transaction.rollback()

    assert list(outbox.glob("*.eml")) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Message)) == 0


def test_sent_once_committed(app, db, outbox: Path):
    citizen = CitizenFactory()

    notification = _notify(citizen)
    transaction.commit()

    [eml] = outbox.glob("*.eml")
    assert b"X-1" in eml.read_bytes()
    assert notification.messages[0].status == "sent"
    assert _notify(citizen, once=True) is None  # a reminder is added once
