"""A citizen's draft, attachments and submission with an official code."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from backend.core import clock
from backend.core.clock import VN_TZ
from backend.core.outbox import OutboxEvent
from backend.dossiers.models import Dossier, ProcessLogEntry
from tests.dossier_fixtures import JPEG, PDF, PNG, TEXT, key, procedure, ready_draft, upload
from tests.factories import CitizenFactory
from tests.helpers import bearer


def citizen_headers(client):
    return bearer(client, CitizenFactory().email)


def test_a_draft_pins_the_current_version_and_the_citizen_is_the_applicant(client, db):
    version = procedure()
    citizen = CitizenFactory(full_name="Lê Thị Hồng")
    headers = bearer(client, citizen.email)

    response = client.post("/api/v1/dossiers", json={"procedure_code": "1.001193"}, headers=headers)

    assert response.status_code == 201
    body = response.json
    assert body["status"] == "draft" and body["code"] is None
    assert body["procedure"] == {
        "code": "1.001193",
        "version": 1,
        "name_vi": version.name_vi,
        "name_en": version.name_en,
    }
    assert body["applicant"]["full_name"] == "Lê Thị Hồng"
    assert body["applicant"]["filed_by_delegate"] is False
    assert body["next_step"]["code"] == "complete"
    mine = client.get("/api/v1/dossiers", headers=headers).json
    assert [d["id"] for d in mine["items"]] == [body["id"]]


def test_filing_on_behalf_of_someone_else(client, db):
    procedure()
    headers = citizen_headers(client)
    applicant = {
        "full_name": "Trần Văn Bố",
        "personal_id": "001060001111",
        "date_of_birth": "1960-02-02",
        "relationship": "con",
    }

    response = client.post(
        "/api/v1/dossiers",
        json={"procedure_code": "1.001193", "applicant": applicant},
        headers=headers,
    )
    bad = client.post(
        "/api/v1/dossiers",
        json={
            "procedure_code": "1.001193",
            "applicant": {**applicant, "personal_id": "001070001111"},
        },
        headers=headers,
    )

    assert response.status_code == 201
    assert response.json["applicant"]["personal_id"] == "001060001111"
    assert response.json["applicant"]["filed_by_delegate"] is True
    assert bad.status_code == 422 and "applicant.personal_id" in bad.json["errors"]


def test_unknown_procedure_or_agency_is_422(client, db):
    procedure()
    headers = citizen_headers(client)

    unknown = client.post("/api/v1/dossiers", json={"procedure_code": "9.999999"}, headers=headers)
    wrong_agency = client.post(
        "/api/v1/dossiers",
        json={"procedure_code": "1.001193", "agency_code": "000.99.99.X99"},
        headers=headers,
    )

    assert unknown.status_code == 422 and "procedure_code" in unknown.json["errors"]
    assert wrong_agency.status_code == 422 and "agency_code" in wrong_agency.json["errors"]


def test_autosave_validates_only_the_given_fields(client, db):
    procedure()
    headers = citizen_headers(client)
    dossier_id = client.post(
        "/api/v1/dossiers", json={"procedure_code": "1.001193"}, headers=headers
    ).json["id"]

    saved = client.patch(
        f"/api/v1/dossiers/{dossier_id}",
        json={"form_data": {"purpose": "  Đi học  "}},
        headers=headers,
    )
    too_short = client.patch(
        f"/api/v1/dossiers/{dossier_id}", json={"form_data": {"full_name": "A"}}, headers=headers
    )
    unknown = client.patch(
        f"/api/v1/dossiers/{dossier_id}", json={"form_data": {"hack": "x"}}, headers=headers
    )

    assert saved.status_code == 200 and saved.json["form_data"] == {"purpose": "Đi học"}
    assert too_short.status_code == 422 and "form.full_name" in too_short.json["errors"]
    assert unknown.status_code == 422 and "form.hack" in unknown.json["errors"]
    again = client.get(f"/api/v1/dossiers/{dossier_id}", headers=headers).json
    assert again["form_data"] == {"purpose": "Đi học"}  # the failed saves changed nothing


def test_attachments_are_typed_by_content_not_by_name(client, db):
    procedure()
    headers = citizen_headers(client)
    dossier_id = client.post(
        "/api/v1/dossiers", json={"procedure_code": "1.001193"}, headers=headers
    ).json["id"]

    png_named_pdf = upload(client, dossier_id, content=PNG, filename="giay.pdf", headers=headers)
    jpeg = upload(client, dossier_id, content=JPEG, filename="anh.jpg", headers=headers)
    text = upload(client, dossier_id, content=TEXT, filename="fake.pdf", headers=headers)
    traversal = upload(
        client, dossier_id, content=PDF, filename="../../etc/Tờ khai.pdf", headers=headers
    )

    assert png_named_pdf.status_code == 201 and png_named_pdf.json["content_type"] == "image/png"
    assert jpeg.json["content_type"] == "image/jpeg"
    assert text.status_code == 422 and "file" in text.json["errors"]
    assert traversal.json["filename"] == "Tờ khai.pdf"
    assert len(traversal.json["sha256"]) == 64


def test_download_has_disposition_and_nosniff(client, db):
    procedure()
    headers = citizen_headers(client)
    dossier_id = client.post(
        "/api/v1/dossiers", json={"procedure_code": "1.001193"}, headers=headers
    ).json["id"]
    attachment = upload(client, dossier_id, filename="Tờ khai.pdf", headers=headers).json

    response = client.get(
        f"/api/v1/dossiers/{dossier_id}/attachments/{attachment['id']}/content", headers=headers
    )

    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "filename*=UTF-8''T%E1%BB%9D%20khai.pdf" in response.headers["Content-Disposition"]


def test_upload_limits(app, client, db, monkeypatch):
    procedure()
    headers = citizen_headers(client)
    dossier_id = client.post(
        "/api/v1/dossiers", json={"procedure_code": "1.001193"}, headers=headers
    ).json["id"]
    monkeypatch.setitem(app.config, "UPLOAD_MAX_FILE_MB", 1)
    big = PDF + b"0" * (1024 * 1024)

    too_big = upload(client, dossier_id, content=big, headers=headers)
    empty = upload(client, dossier_id, content=b"", headers=headers)
    monkeypatch.setitem(app.config, "UPLOAD_MAX_FILES", 1)
    assert upload(client, dossier_id, headers=headers).status_code == 201
    too_many = upload(client, dossier_id, headers=headers)

    assert too_big.status_code == 422 and "1 MB" in too_big.json["errors"]["file"][0]
    assert empty.status_code == 422
    assert too_many.status_code == 422
    stored = list((Path(app.config["STORAGE_LOCAL_DIR"]) / "dossiers").rglob("*"))
    files = [p for p in stored if p.is_file()]
    dossier = db.session.scalar(sa.select(Dossier).where(Dossier.uuid == uuid.UUID(dossier_id)))
    assert {p.name for p in files} >= {a.storage_key.rsplit("/", 1)[1] for a in dossier.attachments}
    assert len([p for p in files if dossier.uuid.hex in str(p)]) == 1  # rejected files left nothing


def test_submission_assigns_the_official_code_and_records_the_step(client, db):
    version = procedure()
    headers = citizen_headers(client)
    dossier_id = ready_draft(client, headers)
    clock.freeze(datetime(2026, 3, 2, 9, 30, tzinfo=VN_TZ))

    response = client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers={**headers, **key()})

    assert response.status_code == 200, response.json
    body = response.json
    agency_code = version.receiving_agencies[0].code
    assert body["code"] == f"{agency_code}-260302-0001"
    assert body["status"] == "submitted" and body["status_code"] == 1
    assert body["timeline"][0]["action"] == "submit"
    assert body["timeline"][0]["text"] == "Đã nộp hồ sơ trực tuyến"
    assert body["next_step"]["code"] == "wait-reception"
    dossier = db.session.scalar(sa.select(Dossier).where(Dossier.code == body["code"]))
    log = db.session.scalars(
        sa.select(ProcessLogEntry).where(ProcessLogEntry.dossier_id == dossier.id)
    ).all()
    assert [(e.action, e.status_code) for e in log] == [("submit", 1)]
    events = db.session.scalars(
        sa.select(OutboxEvent).where(OutboxEvent.aggregate_id == str(dossier.uuid))
    ).all()
    assert [e.type for e in events] == ["dossier.submit"]
    assert events[0].payload["code"] == body["code"]
    second = ready_draft(client, headers)
    code2 = client.post(f"/api/v1/dossiers/{second}/submit", headers={**headers, **key()}).json[
        "code"
    ]
    assert code2 == f"{agency_code}-260302-0002"


def test_submission_checks_the_whole_form_and_the_required_documents(client, db):
    procedure()
    headers = citizen_headers(client)
    dossier_id = client.post(
        "/api/v1/dossiers", json={"procedure_code": "1.001193"}, headers=headers
    ).json["id"]
    upload(client, dossier_id, "TK", headers=headers)

    response = client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers={**headers, **key()})

    assert response.status_code == 422
    assert set(response.json["errors"]) == {"form.full_name", "components.GCS"}
    after = client.get(f"/api/v1/dossiers/{dossier_id}", headers=headers).json
    assert after["status"] == "draft" and after["code"] is None


def test_submit_needs_an_idempotency_key_and_replays_the_first_answer(client, db):
    procedure()
    headers = citizen_headers(client)
    dossier_id = ready_draft(client, headers)
    same = key()

    missing = client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers=headers)
    first = client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers={**headers, **same})
    retry = client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers={**headers, **same})
    other = client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers={**headers, **key()})

    assert missing.status_code == 400 and missing.json["code"] == "idempotency.key-required"
    assert first.status_code == 200
    assert retry.status_code == 200 and retry.json["code"] == first.json["code"]
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert other.status_code == 409 and other.json["code"] == "dossier.invalid-transition"
    count = db.session.scalar(sa.select(sa.func.count()).select_from(ProcessLogEntry))
    assert count == 1


def test_a_fee_at_submission_holds_the_dossier_for_payment(client, db):
    procedure(
        fees=[
            {
                "code": "LP",
                "name_vi": "Lệ phí",
                "name_en": "Fee",
                "amount": 50000,
                "kind": "fee",
                "payable": "at_submission",
            },
            {
                "code": "P2",
                "name_vi": "Phí sau",
                "name_en": "Later",
                "amount": 9000,
                "kind": "charge",
                "payable": "on_request",
            },
        ]
    )
    headers = citizen_headers(client)
    dossier_id = ready_draft(client, headers)

    body = client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers={**headers, **key()}).json

    assert body["fee_due_at_submission"] == 50000
    assert body["awaiting_payment"] is True
    assert body["next_step"]["code"] == "pay"


def test_deleting_a_draft_removes_its_files(app, client, db):
    procedure()
    headers = citizen_headers(client)
    dossier_id = client.post(
        "/api/v1/dossiers", json={"procedure_code": "1.001193"}, headers=headers
    ).json["id"]
    upload(client, dossier_id, headers=headers)
    folder = Path(app.config["STORAGE_LOCAL_DIR"]) / "dossiers" / dossier_id.replace("-", "")
    assert any(folder.iterdir())

    assert client.delete(f"/api/v1/dossiers/{dossier_id}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/dossiers/{dossier_id}", headers=headers).status_code == 404
    assert not folder.exists() or not any(folder.iterdir())
