"""Issuing the signed result: the clerk's action, the task, the citizen's download, officers,
public verification and revocation."""

from __future__ import annotations

import io
import subprocess
from datetime import datetime

import pytest
import sqlalchemy as sa

from backend.core import clock
from backend.core.clock import VN_TZ
from backend.dossiers.models import Dossier
from backend.results.models import IssuedDocument
from tests.api.dossiers.test_backoffice import Desk, to_processing
from tests.factories import CitizenFactory, OfficerFactory
from tests.helpers import bearer

BO = "/api/v1/backoffice"


@pytest.fixture
def desk(client, db):
    return Desk(client)


def approved(desk) -> str:
    clock.freeze(datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ))
    dossier_id = desk.submit()
    to_processing(desk, dossier_id)
    desk.act(dossier_id, "forward", "specialist", to="dept_head")
    desk.act(dossier_id, "forward", "dept_head", to="leader")
    desk.act(dossier_id, "approve", "leader", note="Đồng ý cấp")
    return dossier_id


def issued(desk) -> tuple[str, dict]:
    """A dossier whose result was issued; returns its id and the result as the holder sees it."""
    dossier_id = approved(desk)
    desk.act(dossier_id, "issue", "clerk", number="125", symbol="GKS-UBND")
    mine = desk.client.get("/api/v1/me/documents", headers=desk.citizen_headers).json
    result = next(d for d in mine if d["kind"] == "result")
    return dossier_id, result


def download(client, document_id, headers):
    return client.get(f"/api/v1/me/documents/{document_id}/content", headers=headers)


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_issuing_renders_signs_and_stores_then_resolves(client, desk, db):
    dossier_id = approved(desk)

    issuing = desk.act(dossier_id, "issue", "clerk", number="125", symbol="GKS-UBND")

    assert issuing["status"] == "processing" and issuing["stage"] == "issuing"
    view = desk.view(dossier_id, "clerk")
    assert view["status"] == "resolved" and view["status_code"] == 9 and view["stage"] is None
    assert [t["action"] for t in view["timeline"]][-2:] == ["approve", "issue"]
    documents = client.get(
        f"{BO}/dossiers/{dossier_id}/documents", headers=desk.headers["clerk"]
    ).json
    result = next(d for d in documents if d["kind"] == "result")
    assert result["status"] == "valid" and result["number"] == "125/GKS-UBND"
    assert result["title_vi"] == "Giấy khai sinh" and result["attempts"] == 1
    assert len(result["sha256"]) == 64 and len(result["signer_fingerprint"]) == 64
    assert len(result["verification_code"]) >= 22  # at least 128 bits, URL-safe
    assert {d["kind"] for d in documents} == {"receipt_slip", "result"}


def test_the_holder_downloads_a_signed_pdf_in_vietnamese_and_it_is_delivered(client, desk):
    dossier_id, result = issued(desk)

    response = download(client, result["id"], desk.citizen_headers)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    text = pdf_text(response.data)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "GIẤY KHAI SINH" in text and "Số: 125/GKS-UBND" in text
    mine = client.get(f"/api/v1/dossiers/{dossier_id}", headers=desk.citizen_headers).json
    assert mine["status"] == "delivered" and mine["status_code"] == 10
    again = download(client, result["id"], desk.citizen_headers)
    assert again.data == response.data  # stored once, never rewritten


def test_only_the_holder_and_the_agencys_officers_download(client, desk):
    _dossier_id, result = issued(desk)
    stranger = bearer(client, CitizenFactory().email)
    other_officer = bearer(client, OfficerFactory(roles=["clerk"]).email)
    own_officer = desk.headers["reception_officer"]
    officer_url = f"{BO}/documents/{result['id']}/content"

    assert download(client, result["id"], {}).status_code == 401
    assert download(client, result["id"], stranger).status_code == 404
    assert download(client, result["id"], own_officer).status_code == 403  # citizens' path
    assert client.get(officer_url, headers=stranger).status_code == 403
    assert client.get(officer_url, headers=other_officer).status_code == 404
    assert client.get(officer_url, headers=own_officer).status_code == 200
    assert download(client, result["id"], desk.citizen_headers).status_code == 200


def test_the_qr_code_decodes_to_the_verification_url(client, desk, tmp_path, app):
    from PIL import Image
    from pyzbar.pyzbar import decode

    _dossier_id, result = issued(desk)
    pdf = tmp_path / "result.pdf"
    pdf.write_bytes(download(client, result["id"], desk.citizen_headers).data)

    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True)
    page = sorted(tmp_path.glob("page*.png"))[0]
    with Image.open(page) as image:
        codes = [c.data.decode() for c in decode(image)]

    # The SPA's verification page, which calls GET /api/v1/verify/<code>.
    expected = f"{app.config['PUBLIC_BASE_URL']}/xac-minh/{result['verification_code']}"
    assert codes == [expected]


def test_verification_by_code_masks_the_holder_and_shows_revocation(client, desk):
    _dossier_id, result = issued(desk)
    url = f"/api/v1/verify/{result['verification_code']}"

    valid = client.get(url)

    assert valid.status_code == 200
    assert valid.json["status"] == "valid" and valid.json["number"] == "125/GKS-UBND"
    assert valid.json["holder_name"] == "P*** T** T** Hương"  # Phạm Thị Thu Hương
    assert valid.json["issuer_name"] == desk.agency.name_vi
    assert client.get("/api/v1/verify/not-a-code").status_code == 404

    admin = bearer(client, OfficerFactory(roles=["admin"]).email)
    revoke_url = f"/api/v1/admin/documents/{result['id']}/revoke"
    assert (
        client.post(
            revoke_url, json={"reason": "Cấp nhầm"}, headers=desk.headers["clerk"]
        ).status_code
        == 403
    )
    revoked = client.post(revoke_url, json={"reason": "Cấp nhầm"}, headers=admin)
    assert revoked.status_code == 200 and revoked.json["status"] == "revoked"
    assert client.post(revoke_url, json={"reason": "Lần nữa"}, headers=admin).status_code == 409
    after = client.get(url).json
    assert after["status"] == "revoked" and after["revoked_at"] is not None


def test_uploading_the_issued_pdf_verifies_and_a_tampered_one_fails(client, desk):
    _dossier_id, result = issued(desk)
    content = download(client, result["id"], desk.citizen_headers).data

    def check(data: bytes):
        return client.post(
            "/api/v1/verify",
            data={"file": (io.BytesIO(data), "ket-qua.pdf", "application/pdf")},
            content_type="multipart/form-data",
        )

    genuine = check(content).json
    assert genuine["identical_to_issued"] is True and genuine["signature_valid"] is True
    assert genuine["document"]["number"] == "125/GKS-UBND"
    assert genuine["signatures"][0]["trusted"] and genuine["signatures"][0]["intact"]

    tampered = bytearray(content)
    position = content.index(b"stream") + 200  # inside the first page's content stream
    tampered[position] ^= 0x01
    forged = check(bytes(tampered)).json
    assert forged["identical_to_issued"] is False and forged["document"] is None
    assert forged["signature_valid"] is False and forged["signatures"][0]["intact"] is False

    not_pdf = check(b"hello")
    assert not_pdf.status_code == 422 and not_pdf.json["errors"]["file"]


def test_the_task_is_idempotent(client, desk, db):
    from backend.results import services, tasks

    dossier_id, result = issued(desk)
    document = db.session.scalar(
        sa.select(IssuedDocument).where(IssuedDocument.uuid == result["id"])
    )
    before = (document.sha256, document.storage_key, document.attempts)

    tasks.produce_document.apply(args=[document.id])  # a retry after success
    dossier = document.dossier_id
    again = services.order_result(db.session.get(Dossier, dossier), officer=desk.officers["clerk"])

    db.session.refresh(document)
    assert (document.sha256, document.storage_key, document.attempts) == before
    assert again.id == document.id
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(IssuedDocument)
        .where(IssuedDocument.dossier_id == dossier, IssuedDocument.kind == "result")
    )
    assert count == 1
    timeline = desk.view(dossier_id, "clerk")["timeline"]
    assert [t["action"] for t in timeline].count("issue") == 1


def test_failures_are_retried_shown_to_officers_and_can_be_retried(client, desk, monkeypatch):
    from backend.results import signing

    dossier_id = approved(desk)
    real_sign = signing.sign_pdf

    def broken(*args, **kwargs):
        raise RuntimeError("token unplugged")

    monkeypatch.setattr(signing, "sign_pdf", broken)
    desk.act(dossier_id, "issue", "clerk", number="7", symbol="GKS")

    view = desk.view(dossier_id, "clerk")
    assert view["status"] == "processing" and view["stage"] == "issuing"
    documents = client.get(
        f"{BO}/dossiers/{dossier_id}/documents", headers=desk.headers["clerk"]
    ).json
    failed = next(d for d in documents if d["kind"] == "result")
    assert failed["status"] == "failed" and failed["attempts"] == 6  # first try + 5 retries
    assert "token unplugged" in failed["last_error"]
    mine = client.get("/api/v1/me/documents", headers=desk.citizen_headers).json
    assert all(d["kind"] != "result" for d in mine)

    monkeypatch.setattr(signing, "sign_pdf", real_sign)
    retried = client.post(f"{BO}/documents/{failed['id']}/retry", headers=desk.headers["clerk"])
    assert retried.status_code == 200
    assert desk.view(dossier_id, "clerk")["status"] == "resolved"
    again = client.post(f"{BO}/documents/{failed['id']}/retry", headers=desk.headers["clerk"])
    assert again.status_code == 409
