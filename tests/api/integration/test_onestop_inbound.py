"""The provincial one-stop system's inbound API over real HTTP: signed requests, counter and
postal submissions with documents, status changes, steps, issued results; idempotency and
replay refusal; invalid events change nothing."""

from __future__ import annotations

import base64
import json
import time
import uuid

import pytest
import requests

from backend.dossiers.models import Dossier, ProcessLogEntry
from backend.integration import signing
from backend.results.models import IssuedDocument
from tests.catalog_fixtures import publish
from tests.dossier_fixtures import PDF
from tests.factories import AgencyFactory, CitizenFactory, OfficerFactory
from tests.helpers import bearer
from tests.http_server import serve

PATH = "/api/v1/integration/onestop/events"
B64_PDF = base64.b64encode(PDF).decode()


@pytest.fixture
def agency(db):
    agency = AgencyFactory()
    publish(agency.code)
    return agency


@pytest.fixture
def onestop(client, db, agency):
    admin = bearer(client, OfficerFactory(roles=["admin"]).email)
    response = client.post(
        "/api/v1/admin/integration/clients",
        json={"name": "Hệ thống một cửa điện tử tỉnh", "agency_code": agency.code},
        headers=admin,
    )
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def server(app, db):
    with serve(app) as base:
        yield base


def send(base, creds, body: dict | bytes, *, timestamp=None, secret=None, key_id=None):
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        "Accept-Language": "en",
        signing.KEY_ID_HEADER: key_id or creds["key_id"],
        **signing.signed_headers(secret or creds["secret"], raw, timestamp=timestamp),
    }
    return requests.post(base + PATH, data=raw, headers=headers, timeout=10)


def submission(external_code="MC-2026-000123", channel=1, **data):
    return {
        "id": str(uuid.uuid4()),
        "type": "dossier.submitted",
        "occurred_at": "2026-11-27T09:15:00+07:00",
        "data": {
            "external_code": external_code,
            "channel": channel,
            "procedure_code": "1.001193",
            "applicant": {
                "full_name": "Phạm Văn Cường",
                "personal_id": "001090012345",
                "date_of_birth": "1990-05-20",
                "phone": "0912345678",
            },
            "form_data": {"full_name": "Phạm Văn Cường"},
            "documents": [
                {"component_code": "TK", "filename": "to-khai.pdf", "content_base64": B64_PDF},
                {
                    "component_code": "GCS",
                    "filename": "giay-chung-sinh.pdf",
                    "content_base64": B64_PDF,
                },
            ],
            **data,
        },
    }


def status(code, action, note=None):
    data = {"code": code, "action": action}
    if note:
        data["note"] = note
    return {
        "id": str(uuid.uuid4()),
        "type": "dossier.status_changed",
        "occurred_at": "2026-11-27T10:00:00+07:00",
        "data": data,
    }


def count_dossiers(db) -> int:
    db.session.expire_all()
    return db.session.query(Dossier).count()


def test_a_counter_dossier_is_filed_with_its_documents(server, onestop, db, agency):
    response = send(server, onestop, submission())

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "applied"
    dossier = db.session.query(Dossier).filter_by(external_code="MC-2026-000123").one()
    assert body["dossier"]["code"] == dossier.code
    assert dossier.code.startswith(agency.code)
    assert (dossier.status, dossier.status_code, dossier.channel) == ("submitted", 1, 1)
    assert dossier.applicant_name == "Phạm Văn Cường"
    assert not dossier.filed_by_delegate
    assert sorted(a.component_code for a in dossier.attachments) == ["GCS", "TK"]


def test_a_postal_dossier_of_a_citizen_with_an_account_is_theirs_to_follow(
    client, server, onestop, db
):
    citizen = CitizenFactory(personal_id="001195000777", full_name="Trần Thị Bình")
    event = submission(
        external_code="BC-77",
        channel=3,
        applicant={
            "full_name": "Trần Thị Bình",
            "personal_id": "001195000777",
            "date_of_birth": "1995-03-08",
        },
    )
    assert send(server, onestop, event).status_code == 200

    mine = client.get("/api/v1/dossiers", headers=bearer(client, citizen.email))
    assert [d["code"] for d in mine.json["items"]] == [
        db.session.query(Dossier).filter_by(external_code="BC-77").one().code
    ]


def test_a_repeated_event_is_answered_again_and_applied_once(server, onestop, db):
    event = submission()
    first = send(server, onestop, event)
    again = send(server, onestop, event)

    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert count_dossiers(db) == 1

    changed = dict(event, data={**event["data"], "external_code": "MC-OTHER"})
    reused = send(server, onestop, changed)
    assert reused.status_code == 409
    assert reused.headers["Content-Type"].startswith("application/problem+json")
    assert reused.json()["code"] == "integration.event-id-reused"
    assert count_dossiers(db) == 1


@pytest.mark.parametrize(
    "tamper",
    ["bad-signature", "other-secret", "stale", "future", "unknown-key", "no-headers"],
)
def test_unsigned_forged_or_replayed_late_requests_are_refused(server, onestop, db, tamper):
    event = submission()
    raw = json.dumps(event).encode()
    if tamper == "bad-signature":  # signed, then the body changes on the way
        headers = signing.signed_headers(onestop["secret"], raw)
        response = requests.post(
            server + PATH,
            data=raw + b" ",
            headers={
                "Content-Type": "application/json",
                "X-DVC-Key-Id": onestop["key_id"],
                **headers,
            },
            timeout=10,
        )
    elif tamper == "other-secret":
        response = send(server, onestop, raw, secret="not-the-secret")
    elif tamper == "stale":  # a captured request replayed six minutes later
        response = send(server, onestop, raw, timestamp=int(time.time()) - 360)
    elif tamper == "future":
        response = send(server, onestop, raw, timestamp=int(time.time()) + 360)
    elif tamper == "unknown-key":
        response = send(server, onestop, raw, key_id="os_unknown")
    else:
        response = requests.post(server + PATH, json=event, timeout=10)

    assert response.status_code == 401
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "integration.signature-refused"
    assert count_dossiers(db) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"channel": 2}, "data.channel"),
        ({"procedure_code": "9.999999"}, "procedure_code"),
        ({"documents": []}, "components.TK"),
        (
            {"applicant": {"full_name": "A B", "personal_id": "12", "date_of_birth": "1990-01-01"}},
            "data.applicant",
        ),
        (
            {
                "documents": [
                    {"component_code": "TK", "filename": "x.pdf", "content_base64": "!!!!"}
                ]
            },
            "data.documents.0.content_base64",
        ),
    ],
)
def test_an_invalid_event_is_refused_and_changes_nothing(server, onestop, db, change, field):
    event = submission(**change)
    response = send(server, onestop, event)

    assert response.status_code == 422, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert field in response.json()["errors"]
    assert count_dossiers(db) == 0
    # The id was not used up: the corrected event goes through.
    fixed = dict(event, data=submission()["data"])
    assert send(server, onestop, fixed).status_code == 200


def test_status_steps_and_the_issued_result_follow_the_dossier(server, onestop, db):
    code = send(server, onestop, submission()).json()["dossier"]["code"]

    accepted = send(server, onestop, status(code, "accept"))
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["dossier"]["status_code"] == 2
    assigned = send(server, onestop, status(code, "assign", "Chuyển phòng Tư pháp"))
    assert assigned.json()["dossier"]["status"] == "processing"
    step = {
        "id": str(uuid.uuid4()),
        "type": "dossier.step",
        "occurred_at": "2026-11-27T11:00:00+07:00",
        "data": {"code": code, "note": "Đã thẩm định hồ sơ"},
    }
    assert send(server, onestop, step).status_code == 200
    result = {
        "id": str(uuid.uuid4()),
        "type": "dossier.result_issued",
        "occurred_at": "2026-11-28T09:00:00+07:00",
        "data": {
            "code": code,
            "number": "125",
            "symbol": "GKS/UBND",
            "document": {"filename": "giay-khai-sinh.pdf", "content_base64": B64_PDF},
        },
    }
    issued = send(server, onestop, result)
    assert issued.status_code == 200, issued.text
    assert issued.json()["dossier"]["status_code"] == 9
    delivered = send(server, onestop, status(code, "deliver"))
    assert delivered.json()["dossier"]["status_code"] == 10

    db.session.expire_all()
    dossier = db.session.query(Dossier).filter_by(code=code).one()
    assert dossier.received_at is not None and dossier.due_at is not None
    actions = [
        row.action
        for row in db.session.query(ProcessLogEntry)
        .filter_by(dossier_id=dossier.id)
        .order_by(ProcessLogEntry.id)
    ]
    assert actions == ["submit", "accept", "assign", "onestop_step", "issue", "deliver"]
    document = (
        db.session.query(IssuedDocument).filter_by(dossier_id=dossier.id, kind="result").one()
    )
    assert (document.holder_personal_id, document.number) == ("001090012345", "125/GKS/UBND")


def test_an_impossible_status_change_is_a_409_and_changes_nothing(server, onestop, db):
    code = send(server, onestop, submission()).json()["dossier"]["code"]
    response = send(server, onestop, status(code, "deliver"))

    assert response.status_code == 409
    assert response.json()["code"] == "dossier.invalid-transition"
    db.session.expire_all()
    assert db.session.query(Dossier).filter_by(code=code).one().status == "submitted"
    unknown = send(server, onestop, status("NO-SUCH-CODE", "accept"))
    assert unknown.status_code == 422 and "data.code" in unknown.json()["errors"]
