"""Withdrawal, supplement rounds, public lookup, draft purge."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from backend.core import clock
from backend.dossiers import services
from backend.dossiers.models import Dossier
from backend.dossiers.tasks import purge_idle_drafts
from tests.dossier_fixtures import PNG, key, procedure, ready_draft, submitted, upload
from tests.factories import CitizenFactory, OfficerFactory
from tests.helpers import bearer


@pytest.fixture
def citizen(client, db):
    procedure()
    person = CitizenFactory(personal_id="001095001234")
    return person, bearer(client, person.email)


def dossier_row(db, dossier_id) -> Dossier:
    return db.session.scalar(sa.select(Dossier).where(Dossier.uuid == uuid.UUID(dossier_id)))


def test_withdraw_needs_a_reason_and_is_final(client, db, citizen):
    _, headers = citizen
    body = submitted(client, headers)
    url = f"/api/v1/dossiers/{body['id']}/withdraw"

    no_reason = client.post(url, json={"reason": ""}, headers=headers)
    done = client.post(url, json={"reason": "Nộp nhầm thủ tục"}, headers=headers)
    again = client.post(url, json={"reason": "again"}, headers=headers)

    assert no_reason.status_code == 422
    assert done.status_code == 200
    assert done.json["status"] == "withdrawn" and done.json["status_code"] == 7
    assert done.json["timeline"][-1]["note"] == "Nộp nhầm thủ tục"
    assert done.json["next_step"] is None
    assert again.status_code == 409


def test_a_draft_cannot_be_withdrawn(client, db, citizen):
    _, headers = citizen
    dossier_id = ready_draft(client, headers)

    response = client.post(
        f"/api/v1/dossiers/{dossier_id}/withdraw", json={"reason": "x"}, headers=headers
    )

    assert response.status_code == 409


def test_supplement_round_upload_and_resubmit(client, db, citizen):
    _, headers = citizen
    body = submitted(client, headers)
    dossier = dossier_row(db, body["id"])
    officer = OfficerFactory(roles=["reception_officer"], agency=dossier.receiving_agency)
    deadline = clock.utcnow() + timedelta(days=10)
    services.request_supplement(
        dossier,
        actor=officer,
        role="reception_officer",
        items=[{"component_code": "GCS", "description": "Bản chụp rõ nét hơn"}],
        note="Giấy chứng sinh bị mờ",
        deadline_at=deadline,
    )
    db.session.commit()

    view = client.get(f"/api/v1/dossiers/{body['id']}", headers=headers).json
    assert view["status"] == "supplement_requested" and view["status_code"] == 5
    assert view["next_step"]["code"] == "supplement"
    assert view["supplements"][0]["items"][0]["description"] == "Bản chụp rõ nét hơn"
    added = upload(client, body["id"], "GCS", content=PNG, filename="gcs.png", headers=headers)
    assert added.status_code == 201 and added.json["supplement_round"] == 1
    original = next(a for a in view["attachments"] if a["component_code"] == "TK")
    refused = client.delete(
        f"/api/v1/dossiers/{body['id']}/attachments/{original['id']}", headers=headers
    )
    assert refused.status_code == 409  # files of the original submission stay

    answered = client.post(
        f"/api/v1/dossiers/{body['id']}/supplement", json={"note": "Đã bổ sung"}, headers=headers
    )

    assert answered.status_code == 200 and answered.json["supplied_at"]
    after = client.get(f"/api/v1/dossiers/{body['id']}", headers=headers).json
    assert after["next_step"]["code"] == "wait-supplement-check"
    assert [t["action"] for t in after["timeline"]] == ["submit", "request_supplement", "supply"]
    twice = client.post(f"/api/v1/dossiers/{body['id']}/supplement", json={}, headers=headers)
    assert twice.status_code == 409


def test_form_cannot_change_after_submission(client, db, citizen):
    _, headers = citizen
    body = submitted(client, headers)

    response = client.patch(
        f"/api/v1/dossiers/{body['id']}", json={"form_data": {"purpose": "x"}}, headers=headers
    )

    assert response.status_code == 409 and response.json["code"] == "dossier.not-editable"


def test_public_lookup_shows_status_and_nothing_personal(client, db, citizen):
    person, headers = citizen
    body = submitted(client, headers)

    found = client.get(
        "/api/v1/lookup", query_string={"code": body["code"], "personal_id": person.personal_id}
    )
    wrong_id = client.get(
        "/api/v1/lookup", query_string={"code": body["code"], "personal_id": "001095009999"}
    )
    no_such = client.get(
        "/api/v1/lookup", query_string={"code": "X-000000-0001", "personal_id": person.personal_id}
    )

    assert found.status_code == 200
    assert found.json["status_text"] == "Mới đăng ký"
    assert "applicant" not in found.json and "form_data" not in found.json
    assert person.full_name not in found.get_data(as_text=True)
    assert wrong_id.status_code == no_such.status_code == 404
    assert wrong_id.json["detail"] == no_such.json["detail"]


def test_public_lookup_is_rate_limited(app, client, db, citizen, monkeypatch):
    monkeypatch.setitem(app.config, "LOOKUP_RATE_LIMIT", "3 per minute")
    params = {"code": "X-000000-0001", "personal_id": "001095001234"}

    statuses = [client.get("/api/v1/lookup", query_string=params).status_code for _ in range(4)]

    assert statuses == [404, 404, 404, 429]


def test_idle_drafts_are_purged_after_thirty_days(app, client, db, citizen):
    _, headers = citizen
    old = client.post("/api/v1/dossiers", json={"procedure_code": "1.001193"}, headers=headers)
    upload(client, old.json["id"], headers=headers)
    kept = submitted(client, headers)
    later = datetime.now(UTC) + timedelta(days=31)
    fresh = client.post("/api/v1/dossiers", json={"procedure_code": "1.001193"}, headers=headers)
    dossier_row(db, fresh.json["id"]).last_activity_at = later
    db.session.commit()
    clock.freeze(later)

    result = purge_idle_drafts.apply()

    assert result.get() == 1
    ids = {d["id"] for d in client.get("/api/v1/dossiers", headers=headers).json["items"]}
    assert ids == {kept["id"], fresh.json["id"]}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "", None),
        ("patch", "", {"form_data": {"purpose": "x"}}),
        ("delete", "", None),
        ("post", "/submit", None),
        ("post", "/withdraw", {"reason": "x"}),
        ("post", "/supplement", {}),
        ("get", "/attachments/{att}/content", None),
        ("delete", "/attachments/{att}", None),
    ],
)
def test_another_citizen_can_neither_see_nor_change_a_dossier(
    client, db, citizen, method, path, body
):
    _, owner = citizen
    dossier_id = ready_draft(client, owner)
    att = client.get(f"/api/v1/dossiers/{dossier_id}", headers=owner).json["attachments"][0]["id"]
    intruder = bearer(client, CitizenFactory().email)
    url = f"/api/v1/dossiers/{dossier_id}{path.format(att=att)}"

    kwargs = {"headers": {**intruder, **key()}}
    if body is not None:
        kwargs["json"] = body
    response = getattr(client, method)(url, **kwargs)

    assert response.status_code == 404
    after = client.get(f"/api/v1/dossiers/{dossier_id}", headers=owner).json
    assert after["status"] == "draft" and len(after["attachments"]) == 2


def test_another_citizen_cannot_upload_to_a_dossier(client, db, citizen):
    _, owner = citizen
    dossier_id = ready_draft(client, owner)
    intruder = bearer(client, CitizenFactory().email)

    assert upload(client, dossier_id, headers=intruder).status_code == 404


def test_officers_of_the_handling_agency_download_others_do_not(client, db, citizen):
    _, owner = citizen
    body = submitted(client, owner)
    dossier = dossier_row(db, body["id"])
    att = body["attachments"][0]["id"]
    url = f"/api/v1/dossiers/{body['id']}/attachments/{att}/content"
    own_agency = bearer(client, OfficerFactory(agency=dossier.receiving_agency).email)
    elsewhere = bearer(client, OfficerFactory().email)

    allowed = client.get(url, headers=own_agency)
    denied = client.get(url, headers=elsewhere)

    assert allowed.status_code == 200
    assert denied.status_code == 404
    assert client.get(url).status_code == 401


def test_officers_cannot_use_the_citizen_endpoints(client, db, citizen):
    officer = bearer(client, OfficerFactory().email)

    assert client.get("/api/v1/dossiers", headers=officer).status_code == 403
    assert (
        client.post(
            "/api/v1/dossiers", json={"procedure_code": "1.001193"}, headers=officer
        ).status_code
        == 403
    )
