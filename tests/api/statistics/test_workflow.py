"""Statistics over dossiers that went through the real back office, and citizens' ratings."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from backend.core import clock
from backend.core.clock import VN_TZ
from tests.api.dossiers.test_backoffice import Desk, citizen_supplies, request_supplement
from tests.factories import CitizenFactory, OfficerFactory
from tests.helpers import bearer

REPORT = "/api/v1/statistics/report"
RATING = {"timeliness": 2, "contacts": 2, "agencies": 1, "attitude": 2, "ease": 1, "overall": 2}


def at(day, hour=9, minute=0):
    return datetime(2026, 3, day, hour, minute, tzinfo=VN_TZ)


def finish(desk, dossier_id):
    desk.act(dossier_id, "forward", "specialist", to="dept_head")
    desk.act(dossier_id, "forward", "dept_head", to="leader")
    desk.act(dossier_id, "approve", "leader")
    desk.act(dossier_id, "issue", "clerk", number="1", symbol="GKS")
    # The signed result is produced after commit (eagerly here): resolved once it is stored.
    resolved = desk.view(dossier_id, "clerk")
    assert resolved["status"] == "resolved", resolved
    return resolved


def march(desk):
    response = desk.client.get(
        REPORT,
        query_string={"period": "month", "year": 2026, "month": 3},
        headers=desk.headers["leader"],
    )
    assert response.status_code == 200, response.json
    return response.json


def processed(desk, dossier_id):
    desk.act(dossier_id, "accept", "reception_officer")
    desk.act(dossier_id, "assign", "dept_head", specialist_id=str(desk.officers["specialist"].uuid))


def test_paused_time_is_subtracted_from_the_deadline_and_the_processing_time(client, db):
    """Received Mon 2/3 09:00 with 3 working days (due Thu 5/3 17:00); the citizen held it
    one working day (Tue 3/3 09:00 → Wed 4/3 09:00); the result came Fri 6/3 10:00. Without
    subtracting the pause it would be late; with it the due date is Fri 6/3 17:00: on time.
    Processing time: 4 days 1 hour minus the 1-day pause = 3 days 1 hour."""
    desk = Desk(client, policy="pause")
    clock.freeze(at(2))
    dossier_id = desk.submit()
    processed(desk, dossier_id)
    clock.freeze(at(3))
    request_supplement(desk, dossier_id)
    clock.freeze(at(4))
    citizen_supplies(desk, dossier_id)
    desk.act(dossier_id, "accept-supplement", "specialist")
    clock.freeze(at(6, 10))
    issued = finish(desk, dossier_id)
    assert issued["timeliness"]["class"] == "on_time"

    clock.freeze(datetime(2026, 4, 1, 9, tzinfo=VN_TZ))
    report = march(desk)

    counts = report["counts"]
    assert (counts["early"], counts["on_time"], counts["late"]) == (0, 1, 0)
    assert report["average_processing_days"] == pytest.approx(3 + 1 / 24, abs=1e-6)


def test_more_than_one_supplement_request_counts_late(client, db):
    desk = Desk(client, policy="pause")
    clock.freeze(at(2))
    dossier_id = desk.submit()
    processed(desk, dossier_id)
    for _ in range(2):
        request_supplement(desk, dossier_id)
        citizen_supplies(desk, dossier_id)
        desk.act(dossier_id, "accept-supplement", "specialist")
    finish(desk, dossier_id)  # the same morning: long before the due date

    report = march(desk)

    assert (report["counts"]["early"], report["counts"]["late"]) == (0, 1)
    assert report["counts"]["late_by_supplements"] == 1
    assert report["rates"]["on_time"] == 0


def test_the_owner_rates_after_the_result_and_may_change_it_for_seven_days(client, db):
    desk = Desk(client)
    clock.freeze(at(2))
    dossier_id = desk.submit()
    url = f"/api/v1/dossiers/{dossier_id}/rating"
    processed(desk, dossier_id)

    too_early = client.post(url, json=RATING, headers=desk.citizen_headers)
    assert too_early.status_code == 409 and too_early.json["code"] == "rating.not-yet"
    assert client.get(url, headers=desk.citizen_headers).status_code == 404

    clock.freeze(at(3))
    finish(desk, dossier_id)
    first = client.post(url, json=RATING, headers=desk.citizen_headers)
    assert first.status_code == 201, first.json
    assert first.json["overall"] == 2
    assert first.json["editable_until"] == "2026-03-10T09:00:00+07:00"

    clock.freeze(at(9))
    changed = client.post(
        url, json={**RATING, "overall": 0, "comment": "Phải đi lại nhiều lần"},
        headers=desk.citizen_headers,
    )  # fmt: skip
    assert changed.status_code == 200 and changed.json["overall"] == 0
    assert changed.json["rated_at"] == first.json["rated_at"]

    clock.freeze(at(10, 9, 1))
    locked = client.post(
        url, json=RATING, headers={**desk.citizen_headers, "Accept-Language": "en"}
    )
    assert locked.status_code == 409 and locked.json["code"] == "rating.locked"
    assert "7 days" in locked.json["detail"]

    seen = client.get(url, headers=desk.headers["reception_officer"])
    assert seen.status_code == 200 and seen.json["comment"] == "Phải đi lại nhiều lần"
    report = march(desk)
    assert report["satisfaction"]["dissatisfied"] == 1
    assert report["scorecard"][-1]["id"] == "5.4"
    assert report["scorecard"][-1]["rate"] == 0  # finished on time, but the one rating dislikes


def test_only_the_owner_rates_and_only_handling_agencies_read(client, db):
    desk = Desk(client)
    clock.freeze(at(2))
    dossier_id = desk.submit()
    processed(desk, dossier_id)
    finish(desk, dossier_id)
    url = f"/api/v1/dossiers/{dossier_id}/rating"
    stranger = bearer(client, CitizenFactory().email)
    outsider = bearer(client, OfficerFactory(roles=["leader"]).email)

    assert client.post(url, json=RATING, headers=stranger).status_code == 404
    assert client.post(url, json=RATING, headers=desk.headers["leader"]).status_code == 403
    assert client.post(url, json=RATING).status_code == 401
    bad = client.post(url, json={**RATING, "overall": 3}, headers=desk.citizen_headers)
    assert bad.status_code == 422 and "overall" in bad.json["errors"]
    missing = client.post(url, json={"overall": 2}, headers=desk.citizen_headers)
    assert missing.status_code == 422 and "attitude" in missing.json["errors"]
    assert client.post(url, json=RATING, headers=desk.citizen_headers).status_code == 201
    assert client.get(url, headers=stranger).status_code == 404
    assert client.get(url, headers=outsider).status_code == 404
    assert client.get(url, headers=desk.citizen_headers).status_code == 200


def test_a_rating_is_audited(client, db):
    import sqlalchemy as sa

    from backend.core.audit import AuditEvent
    from backend.extensions import db as database

    desk = Desk(client)
    clock.freeze(at(2))
    dossier_id = desk.submit()
    processed(desk, dossier_id)
    code = finish(desk, dossier_id)["code"]
    client.post(f"/api/v1/dossiers/{dossier_id}/rating", json=RATING, headers=desk.citizen_headers)
    clock.freeze(at(2) + timedelta(hours=1))
    client.post(f"/api/v1/dossiers/{dossier_id}/rating", json=RATING, headers=desk.citizen_headers)

    events = database.session.scalars(
        sa.select(AuditEvent.event)
        .where(AuditEvent.subject == code, AuditEvent.event.like("dossier.rat%"))
        .order_by(AuditEvent.id)
    ).all()
    assert events == ["dossier.rated", "dossier.rating_changed"]
