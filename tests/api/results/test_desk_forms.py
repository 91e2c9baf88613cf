"""The one-stop desk's signed forms reach the citizen: receipt slip (Mẫu 01), supplement
request (Mẫu 02), refusal (Mẫu 03), fee e-receipt; and a result is reused in a later dossier."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from backend.core import clock
from backend.core.clock import VN_TZ
from tests.api.dossiers.test_backoffice import Desk, to_processing
from tests.api.results.test_issuance import approved, download, pdf_text
from tests.factories import OfficerFactory
from tests.helpers import bearer
from tests.payment_fixtures import FEE, dossier_awaiting_payment, ipn_params, start


@pytest.fixture
def desk(client, db):
    return Desk(client)


def documents_of(client, dossier_id, headers) -> list[dict]:
    response = client.get(f"/api/v1/dossiers/{dossier_id}/documents", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def text_of(client, document, headers) -> str:
    response = download(client, document["id"], headers)
    assert response.status_code == 200
    return pdf_text(response.data).replace("\n", " ")


def test_accepting_gives_the_citizen_a_signed_receipt_slip(client, desk):
    clock.freeze(datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ))
    dossier_id = desk.submit()

    desk.act(dossier_id, "accept", "reception_officer")

    [slip] = documents_of(client, dossier_id, desk.citizen_headers)
    code = desk.view(dossier_id)["code"]
    assert slip["kind"] == "receipt_slip" and slip["number"] == code
    text = text_of(client, slip, desk.citizen_headers)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text and "Mẫu số 01" in text
    assert "Phạm Thị Thu Hương" in text and code in text
    assert "17 giờ 00 phút, ngày 05 tháng 3 năm 2026" in text  # the appointment
    other = client.get(f"/api/v1/dossiers/{dossier_id}/documents", headers=desk.headers["clerk"])
    assert other.status_code == 403


def test_each_supplement_request_is_a_signed_mau_02(client, desk):
    dossier_id = desk.submit()
    to_processing(desk, dossier_id)
    deadline = (clock.utcnow() + timedelta(days=5)).isoformat()

    desk.act(
        dossier_id,
        "request-supplement",
        "specialist",
        items=[{"component_code": "GCS", "description": "Bản chụp rõ nét, đủ bốn góc"}],
        note="Ảnh mờ",
        deadline_at=deadline,
    )

    requests = [
        d
        for d in documents_of(client, dossier_id, desk.citizen_headers)
        if d["kind"] == "supplement_request"
    ]
    assert [d["number"] for d in requests] == [f"{desk.view(dossier_id)['code']}-BS1"]
    text = text_of(client, requests[0], desk.citizen_headers)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Bản chụp rõ nét, đủ bốn góc" in text and "Giấy chứng sinh" in text


def test_a_refusal_is_a_signed_mau_03_with_its_reason(client, desk):
    dossier_id = desk.submit()

    desk.act(dossier_id, "refuse", "reception_officer", reason="Không thuộc thẩm quyền của Sở")

    [refusal] = documents_of(client, dossier_id, desk.citizen_headers)
    assert refusal["kind"] == "refusal"
    text = text_of(client, refusal, desk.citizen_headers)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Không thuộc thẩm quyền của Sở" in text


def test_a_settled_payment_gives_a_signed_fee_e_receipt(client, db):
    dossier, headers = dossier_awaiting_payment(client)
    payment = start(client, dossier["id"], headers)["payment"]

    client.get("/api/v1/payments/vnpay/ipn", query_string=ipn_params(payment["txn_ref"], FEE))

    [receipt] = documents_of(client, dossier["id"], headers)
    paid = client.get(f"/api/v1/payments/{payment['id']}", headers=headers).json
    assert receipt["kind"] == "fee_receipt" and receipt["number"] == paid["receipt"]["number"]
    text = text_of(client, receipt, headers)
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in text
    assert "200.000 đồng" in text and "Hai trăm nghìn đồng" in text


def test_an_issued_result_is_reused_in_a_later_dossier(client, desk):
    dossier_id = approved(desk)
    desk.act(dossier_id, "issue", "clerk", number="9", symbol="GKS")
    mine = client.get("/api/v1/me/documents", headers=desk.citizen_headers).json
    result = next(d for d in mine if d["kind"] == "result")
    later = client.post(
        "/api/v1/dossiers", json={"procedure_code": "1.001193"}, headers=desk.citizen_headers
    ).json["id"]

    reused = client.post(
        f"/api/v1/dossiers/{later}/attachments/reuse",
        json={"component_code": "GCS", "document_id": result["id"]},
        headers=desk.citizen_headers,
    )

    assert reused.status_code == 201, reused.json
    assert reused.json["reused"] is True and reused.json["sha256"] == result["sha256"]

    admin = bearer(client, OfficerFactory(roles=["admin"]).email)
    client.post(
        f"/api/v1/admin/documents/{result['id']}/revoke", json={"reason": "Sai"}, headers=admin
    )
    again = client.post(
        f"/api/v1/dossiers/{later}/attachments/reuse",
        json={"component_code": "GCS", "document_id": result["id"]},
        headers=desk.citizen_headers,
    )
    # A revoked document no longer stands in for an upload.
    assert again.status_code == 404 and again.json["code"] == "results.document-not-found"
