"""Builders for dossier tests: a procedure to file for, files of each type, a submitted dossier."""

from __future__ import annotations

import io
import uuid

from tests.catalog_fixtures import publish
from tests.factories import AgencyFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
TEXT = b"This is plain text pretending to be a PDF"


def procedure(**changes):
    """A published procedure (form: full_name required; components TK and GCS required)."""
    agency = AgencyFactory()
    return publish(agency.code, **changes)


def upload(client, dossier_id, component="TK", content=PDF, filename="to-khai.pdf", **kwargs):
    return client.post(
        f"/api/v1/dossiers/{dossier_id}/attachments",
        data={"component_code": component, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
        **kwargs,
    )


def key() -> dict:
    return {"Idempotency-Key": uuid.uuid4().hex}


def ready_draft(client, headers, code="1.001193") -> str:
    """A draft with the form filled and both required files attached; returns its id."""
    draft = client.post("/api/v1/dossiers", json={"procedure_code": code}, headers=headers)
    assert draft.status_code == 201, draft.json
    dossier_id = draft.json["id"]
    saved = client.patch(
        f"/api/v1/dossiers/{dossier_id}",
        json={"form_data": {"full_name": "Nguyễn Văn An"}},
        headers=headers,
    )
    assert saved.status_code == 200, saved.json
    for component in ("TK", "GCS"):
        assert upload(client, dossier_id, component, headers=headers).status_code == 201
    return dossier_id


def submitted(client, headers, code="1.001193") -> dict:
    dossier_id = ready_draft(client, headers, code)
    response = client.post(f"/api/v1/dossiers/{dossier_id}/submit", headers={**headers, **key()})
    assert response.status_code == 200, response.json
    return response.json
