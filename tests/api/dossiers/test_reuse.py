"""Once-only: reuse a document issued to me instead of uploading it again."""

from __future__ import annotations

import hashlib
import io
import uuid

import pytest

from backend.core.clock import utcnow
from backend.core.storage import get_storage
from backend.results.models import IssuedDocument
from tests.dossier_fixtures import PDF, procedure
from tests.factories import CitizenFactory
from tests.helpers import bearer


def issue(db, holder, content=PDF, content_type="application/pdf") -> IssuedDocument:
    key = f"results/{uuid.uuid4().hex}"
    get_storage().put(key, io.BytesIO(content), content_type=content_type)
    document = IssuedDocument(
        holder_personal_id=holder.personal_id,
        holder_name=holder.full_name,
        type_code="GCS",
        title_vi="Giấy chứng sinh",
        title_en="Birth notice",
        number="123/GCS",
        issuer_code="000.00.15.H56",
        issuer_name="Bệnh viện Đa khoa tỉnh",
        issued_at=utcnow(),
        storage_key=key,
        filename="giay-chung-sinh.pdf",
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        created_at=utcnow(),
    )
    db.session.add(document)
    db.session.flush()
    return document


@pytest.fixture
def setup(client, db):
    procedure()  # component GCS is reusable, TK is not
    holder = CitizenFactory()
    headers = bearer(client, holder.email)
    dossier_id = client.post(
        "/api/v1/dossiers", json={"procedure_code": "1.001193"}, headers=headers
    ).json["id"]
    return holder, headers, dossier_id


def test_my_documents_and_reuse_in_a_dossier(client, db, setup):
    holder, headers, dossier_id = setup
    document = issue(db, holder)

    listed = client.get("/api/v1/me/documents", headers=headers).json
    reused = client.post(
        f"/api/v1/dossiers/{dossier_id}/attachments/reuse",
        json={"component_code": "GCS", "document_id": str(document.uuid)},
        headers=headers,
    )

    assert [d["id"] for d in listed] == [str(document.uuid)]
    assert reused.status_code == 201, reused.json
    assert reused.json["reused"] is True and reused.json["sha256"] == document.sha256
    content = client.get(
        f"/api/v1/dossiers/{dossier_id}/attachments/{reused.json['id']}/content", headers=headers
    )
    assert content.data == PDF


def test_only_reusable_components_take_documents(client, db, setup):
    holder, headers, dossier_id = setup
    document = issue(db, holder)

    response = client.post(
        f"/api/v1/dossiers/{dossier_id}/attachments/reuse",
        json={"component_code": "TK", "document_id": str(document.uuid)},
        headers=headers,
    )

    assert response.status_code == 422 and "component_code" in response.json["errors"]


def test_another_persons_document_cannot_be_reused_or_read(client, db, setup):
    _, headers, dossier_id = setup
    stranger = CitizenFactory()
    document = issue(db, stranger)

    reuse = client.post(
        f"/api/v1/dossiers/{dossier_id}/attachments/reuse",
        json={"component_code": "GCS", "document_id": str(document.uuid)},
        headers=headers,
    )
    read = client.get(f"/api/v1/me/documents/{document.uuid}/content", headers=headers)

    assert reuse.status_code == read.status_code == 404
    assert client.get("/api/v1/me/documents", headers=headers).json == []
