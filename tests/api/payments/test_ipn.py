"""VNPay IPN: the answer matrix of VNPAY.md §5, settlement, receipts, idempotency."""

from __future__ import annotations

import sqlalchemy as sa

from backend.payments.models import GatewayMessage, Receipt
from tests.payment_fixtures import FEE, dossier_awaiting_payment, ipn_params, signed, start

IPN = "/api/v1/payments/vnpay/ipn"


def test_starting_a_payment_gives_a_signed_redirect(client, db):
    dossier, headers = dossier_awaiting_payment(client)

    started = start(client, dossier["id"], headers)

    assert started["payment"]["amount"] == FEE and started["payment"]["status"] == "pending"
    url = started["redirect_url"]
    assert "/simulators/vnpay/paymentv2/vpcpay.html?" in url
    assert f"vnp_Amount={FEE * 100}" in url and "vnp_SecureHash=" in url


def test_nothing_to_pay_is_409(client, db):
    from tests.dossier_fixtures import procedure, submitted
    from tests.factories import CitizenFactory
    from tests.helpers import bearer

    procedure()
    headers = bearer(client, CitizenFactory().email)
    dossier = submitted(client, headers)

    response = client.post(
        f"/api/v1/dossiers/{dossier['id']}/payments", headers={**headers, "Idempotency-Key": "k1"}
    )

    assert response.status_code == 409 and response.json["code"] == "payments.nothing-due"


def test_successful_ipn_settles_once_and_issues_one_receipt(client, db):
    dossier, headers = dossier_awaiting_payment(client)
    payment = start(client, dossier["id"], headers)["payment"]
    params = ipn_params(payment["txn_ref"], FEE)

    first = client.get(IPN, query_string=params)
    again = client.get(IPN, query_string=params)

    assert first.status_code == 200 and first.json == {
        "RspCode": "00",
        "Message": "Confirm Success",
    }
    assert again.json["RspCode"] == "02"
    view = client.get(f"/api/v1/dossiers/{dossier['id']}", headers=headers).json
    assert view["awaiting_payment"] is False
    assert view["next_step"]["code"] == "wait-reception"
    assert [t["action"] for t in view["timeline"]] == ["submit", "pay"]
    receipts = db.session.scalars(sa.select(Receipt)).all()
    assert len(receipts) == 1 and receipts[0].amount == FEE
    paid = client.get(f"/api/v1/payments/{payment['id']}", headers=headers).json
    assert paid["status"] == "succeeded" and paid["receipt"]["number"].startswith("BL-")


def test_ipn_answer_matrix(client, db):
    dossier, headers = dossier_awaiting_payment(client)
    payment = start(client, dossier["id"], headers)["payment"]
    ref = payment["txn_ref"]
    tampered = ipn_params(ref, FEE)
    tampered["vnp_Amount"] = "100"
    cases = [
        ({}, "99"),
        (tampered, "97"),
        (ipn_params(ref, FEE, tmn="OTHER001"), "97"),
        (signed({**ipn_params(ref, FEE)}, secret="wrong-secret-000000"), "97"),
        (ipn_params("NOSUCHREF01", FEE), "01"),
        (ipn_params(ref, FEE - 1), "04"),
        (ipn_params(ref, FEE, response="24", status="02", transaction_no="0"), "00"),
        (ipn_params(ref, FEE), "02"),  # already closed as cancelled
    ]

    answers = [client.get(IPN, query_string=params).json["RspCode"] for params, _ in cases]

    assert answers == [expected for _, expected in cases]
    status = client.get(f"/api/v1/payments/{payment['id']}", headers=headers).json["status"]
    assert status == "cancelled"
    view = client.get(f"/api/v1/dossiers/{dossier['id']}", headers=headers).json
    assert view["awaiting_payment"] is True  # a forged or failed message settled nothing
    stored = db.session.scalars(sa.select(GatewayMessage).order_by(GatewayMessage.id)).all()
    assert [m.result for m in stored] == ["97", "97", "97", "01", "04", "00", "02"]
    assert [m.verified for m in stored][:3] == [False, False, False]


def test_a_failed_payment_can_be_retried_with_a_new_attempt(client, db):
    dossier, headers = dossier_awaiting_payment(client)
    first = start(client, dossier["id"], headers)["payment"]
    client.get(IPN, query_string=ipn_params(first["txn_ref"], FEE, response="51", status="02"))

    second = start(client, dossier["id"], headers)["payment"]
    ok = client.get(IPN, query_string=ipn_params(second["txn_ref"], FEE, transaction_no="14000002"))

    assert second["txn_ref"] != first["txn_ref"]
    assert ok.json["RspCode"] == "00"
    payments = client.get(f"/api/v1/dossiers/{dossier['id']}/payments", headers=headers).json
    assert [p["status"] for p in payments] == ["succeeded", "failed"]


def test_the_browser_return_never_settles(client, db):
    dossier, headers = dossier_awaiting_payment(client)
    payment = start(client, dossier["id"], headers)["payment"]

    response = client.get(
        "/api/v1/payments/vnpay/return", query_string=ipn_params(payment["txn_ref"], FEE)
    )

    assert response.status_code == 302
    assert "/thanh-toan/ket-qua?" in response.headers["Location"]
    assert "verified=1" in response.headers["Location"]
    assert "status=pending" in response.headers["Location"]
    still = client.get(f"/api/v1/payments/{payment['id']}", headers=headers).json
    assert still["status"] == "pending"


def test_a_payment_request_returns_the_dossier_to_processing(client, db):
    from tests.api.dossiers.test_backoffice import Desk, to_processing

    desk = Desk(client)
    dossier_id = desk.submit()
    to_processing(desk, dossier_id)
    desk.act(
        dossier_id,
        "request-payment",
        "specialist",
        lines=[{"code": "THUE", "name": "Lệ phí", "amount": 75000}],
    )
    payment = start(client, dossier_id, desk.citizen_headers)["payment"]
    assert payment["amount"] == 75000 and payment["purpose"] == "request"

    answer = client.get(IPN, query_string=ipn_params(payment["txn_ref"], 75000))

    assert answer.json["RspCode"] == "00"
    assert desk.view(dossier_id)["status"] == "processing"
