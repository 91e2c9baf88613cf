"""Reminders and digests on a controlled clock: supplement deadlines counted in working days,
payments about to expire, results not collected, officers' due-tomorrow notices and digests,
and the beat schedule in Vietnam's time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from celery.schedules import crontab

from backend.core import clock
from backend.core.clock import VN_TZ
from backend.extensions import celery
from backend.notifications import tasks
from tests.notification_fixtures import body_of, outbox_mails
from tests.payment_fixtures import dossier_awaiting_payment, start


def at(*args) -> datetime:
    moment = datetime(*args, tzinfo=VN_TZ)
    clock.freeze(moment)
    return moment


def templates(desk, role=None) -> list[str]:
    headers = desk.headers[role] if role else desk.citizen_headers
    return [n["template"] for n in desk.notifications(headers)]


def supplement(desk, deadline: datetime) -> str:
    dossier_id = desk.submit()
    desk.act(
        dossier_id,
        "request-supplement",
        "reception_officer",
        items=[{"component_code": "GCS", "description": "Giấy chứng sinh"}],
        deadline_at=deadline.isoformat(),
    )
    return dossier_id


def test_supplement_reminder_two_working_days_before(client, desk, outbox):
    at(2026, 3, 2, 9, 0)  # Monday
    supplement(desk, datetime(2026, 3, 6, 17, 0, tzinfo=VN_TZ))  # Friday

    at(2026, 3, 2, 18, 0)
    assert tasks.remind_supplements() == 0  # asked today
    at(2026, 3, 3, 8, 0)  # Tuesday: Friday is three working days away
    assert tasks.remind_supplements() == 0
    at(2026, 3, 4, 8, 0)  # Wednesday: two working days left
    assert tasks.remind_supplements() == 1
    assert tasks.remind_supplements() == 0  # once
    at(2026, 3, 5, 8, 0)
    assert tasks.remind_supplements() == 0

    [reminder] = [n for n in desk.notifications(desk.citizen_headers) if "Nhắc" in n["title"]]
    assert reminder["template"] == "supplement_reminder" and reminder["required"] is True
    assert reminder["title"].endswith("là 17:00 06/03/2026")
    [mail] = [m for m in outbox_mails(outbox) if m["Subject"].startswith("Nhắc")]
    assert mail["To"] == desk.citizen.email
    assert "- Giấy chứng sinh (GCS)" in body_of(mail)
    assert "/ho-so-cua-toi/" in body_of(mail) and "#bo-sung" in body_of(mail)


def test_supplement_reminder_skips_the_holidays(client, desk):
    at(2026, 4, 27, 9, 0)  # Monday; 30/4 and 1/5 (Thursday, Friday) are public holidays
    supplement(desk, datetime(2026, 5, 5, 17, 0, tzinfo=VN_TZ))  # Tuesday after

    at(2026, 4, 28, 8, 0)  # two working days later is Monday 4/5: not yet
    assert tasks.remind_supplements() == 0
    at(2026, 4, 29, 8, 0)  # Wednesday: 4/5 and 5/5 are the next two working days
    assert tasks.remind_supplements() == 1


def test_answered_supplement_is_not_reminded(client, desk):
    at(2026, 3, 2, 9, 0)
    dossier_id = supplement(desk, datetime(2026, 3, 6, 17, 0, tzinfo=VN_TZ))
    at(2026, 3, 3, 10, 0)
    from tests.dossier_fixtures import upload

    assert upload(client, dossier_id, "GCS", headers=desk.citizen_headers).status_code == 201
    supplied = client.post(
        f"/api/v1/dossiers/{dossier_id}/supplement", json={}, headers=desk.citizen_headers
    )
    assert supplied.status_code == 200, supplied.json

    at(2026, 3, 4, 8, 0)
    assert tasks.remind_supplements() == 0


def test_result_not_collected_after_five_days(client, desk):
    at(2026, 3, 2, 9, 0)
    dossier_id = desk.submit()
    desk.to_processing(dossier_id)
    desk.act(dossier_id, "forward", "specialist", to="dept_head")
    desk.act(dossier_id, "forward", "dept_head", to="leader")
    desk.act(dossier_id, "approve", "leader")
    at(2026, 3, 2, 10, 0)
    desk.act(dossier_id, "issue", "clerk", number="7", symbol="GKS")

    at(2026, 3, 7, 8, 30)  # 4 days 22 hours later
    assert tasks.remind_uncollected_results() == 0
    at(2026, 3, 8, 8, 30)
    assert tasks.remind_uncollected_results() == 1
    at(2026, 3, 9, 8, 30)
    assert tasks.remind_uncollected_results() == 0
    assert templates(desk)[0] == "result_reminder"


def test_delivered_result_is_not_reminded(client, desk):
    at(2026, 3, 2, 9, 0)
    dossier_id = desk.submit()
    desk.to_processing(dossier_id)
    desk.act(dossier_id, "forward", "specialist", to="dept_head")
    desk.act(dossier_id, "forward", "dept_head", to="leader")
    desk.act(dossier_id, "approve", "leader")
    desk.act(dossier_id, "issue", "clerk", number="8", symbol="GKS")
    desk.act(dossier_id, "deliver", "reception_officer")

    at(2026, 3, 20, 8, 30)
    assert tasks.remind_uncollected_results() == 0


def test_payment_about_to_expire(client, db, sms):
    started_at = at(2026, 3, 2, 9, 0)
    dossier, headers = dossier_awaiting_payment(client)
    start(client, dossier["id"], headers)  # VNPay attempts expire after 15 minutes

    clock.freeze(started_at + timedelta(minutes=5))
    assert tasks.remind_expiring_payments() == 0
    clock.freeze(started_at + timedelta(minutes=11))
    assert tasks.remind_expiring_payments() == 1
    clock.freeze(started_at + timedelta(minutes=13))
    assert tasks.remind_expiring_payments() == 0

    items = client.get("/api/v1/me/notifications", headers=headers).json["items"]
    assert items[0]["template"] == "payment_expiring"
    assert "09:15 02/03/2026" in items[0]["body"] and "200.000 đồng" in items[0]["body"]


def test_due_tomorrow_for_the_assigned_specialist(client, desk):
    at(2026, 3, 2, 9, 0)  # Monday: received, due Thursday 17:00
    dossier_id = desk.submit()
    desk.to_processing(dossier_id)

    at(2026, 3, 3, 7, 30)
    assert tasks.remind_due_tomorrow() == 0
    at(2026, 3, 4, 7, 30)
    assert tasks.remind_due_tomorrow() == 1
    assert tasks.remind_due_tomorrow() == 0
    assert templates(desk, "specialist")[0] == "due_tomorrow"


def test_due_on_monday_is_announced_on_friday(client, desk):
    at(2026, 3, 4, 9, 0)  # Wednesday: due Monday 9 March
    dossier_id = desk.submit()
    desk.act(dossier_id, "accept", "reception_officer")

    at(2026, 3, 6, 7, 30)  # Friday
    assert tasks.remind_due_tomorrow() == 1
    # Nobody is assigned yet: the department heads hear of it.
    assert templates(desk, "dept_head")[0] == "due_tomorrow"


def test_daily_digest(client, desk, outbox):
    at(2026, 3, 2, 9, 0)
    late = desk.submit()
    desk.to_processing(late)  # due Thursday 5 March
    at(2026, 3, 4, 9, 0)
    soon = desk.submit()
    desk.act(soon, "accept", "reception_officer")  # due Monday 9 March
    late_code, soon_code = desk.code(late), desk.code(soon)

    at(2026, 3, 7, 7, 0)  # Saturday: no digest
    assert tasks.send_daily_digests() == 0
    at(2026, 3, 6, 7, 0)  # Friday
    sent = tasks.send_daily_digests()
    assert tasks.send_daily_digests() == 0

    # Reception, department head, leader: the agency's; the specialist: the assigned one.
    assert sent == 4
    [digest] = [
        n
        for n in desk.notifications(desk.headers["reception_officer"])
        if n["template"] == "daily_digest"
    ]
    assert digest["title"] == "Tổng hợp ngày 06/03/2026: 1 hồ sơ sắp đến hạn, 1 quá hạn"
    assert digest["link"].endswith("/can-bo")  # the SPA's queue page
    [mail] = [
        m
        for m in outbox_mails(outbox)
        if m["To"] == desk.officers["reception_officer"].email
        and m["Subject"].startswith("Tổng hợp")
    ]
    overdue, due = body_of(mail).split("Đến hạn hôm nay")
    assert late_code in overdue and soon_code not in overdue
    assert soon_code in due and "17:00 09/03/2026" in due
    specialist = [
        n for n in desk.notifications(desk.headers["specialist"]) if n["template"] == "daily_digest"
    ]
    assert specialist[0]["body"].startswith("0 hồ sơ sắp đến hạn, 1 hồ sơ quá hạn")
    assert "daily_digest" not in templates(desk, "clerk")


def _due_at(schedule: crontab, moment: datetime) -> bool:
    """Whether a beat entry fires at ``moment``: it is due when last run a minute before."""
    probe = crontab(
        minute=schedule._orig_minute,
        hour=schedule._orig_hour,
        day_of_week=schedule._orig_day_of_week,
        nowfun=lambda: moment,
        app=celery,
    )
    return probe.is_due(moment - timedelta(minutes=1)).is_due


def test_beat_runs_reminders_at_vietnamese_times():
    assert celery.conf.timezone == "Asia/Ho_Chi_Minh"
    beat = {entry["task"]: entry["schedule"] for entry in celery.conf.beat_schedule.values()}
    expected = {
        "notifications.send_daily_digests": (7, 0),
        "notifications.remind_due_tomorrow": (7, 30),
        "notifications.remind_supplements": (8, 0),
        "notifications.remind_uncollected_results": (8, 30),
        "notifications.purge_old": (3, 0),
    }
    for task, (hour, minute) in expected.items():
        local = datetime(2026, 3, 4, hour, minute, tzinfo=VN_TZ)
        assert _due_at(beat[task], local), task
        assert not _due_at(beat[task], local + timedelta(hours=1)), task
    # 08:00 in Hà Nội is 01:00 UTC.
    assert _due_at(beat["notifications.remind_supplements"], datetime(2026, 3, 4, 1, 0, tzinfo=UTC))
    expiring = beat["notifications.remind_expiring_payments"]
    assert _due_at(expiring, datetime(2026, 3, 4, 13, 2, tzinfo=VN_TZ))
    for task in expected:
        assert celery.amqp.router.route({}, task)["queue"].name == "notifications"


def test_old_notifications_are_purged_but_unread_required_ones_kept(client, desk, sms):
    at(2025, 1, 6, 9, 0)
    dossier_id = desk.submit()
    desk.act(dossier_id, "refuse", "reception_officer", reason="Sai thẩm quyền")
    [refused, _submitted] = desk.notifications(desk.citizen_headers)
    at(2026, 3, 2, 3, 0)

    assert tasks.purge_old() == 2  # the submission notice and the officer's
    assert [n["id"] for n in desk.notifications(desk.citizen_headers)] == [refused["id"]]
    client.post(f"/api/v1/me/notifications/{refused['id']}/read", headers=desk.citizen_headers)
    assert tasks.purge_old() == 1
    assert desk.notifications(desk.citizen_headers) == []
