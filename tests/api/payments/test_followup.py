"""Refund proposals for paid dossiers that end early, and the reconciliation report."""

from __future__ import annotations

from backend.payments.gateways.base import GatewayUnavailable
from tests.factories import OfficerFactory
from tests.helpers import bearer
from tests.payment_fixtures import FEE, dossier_awaiting_payment, ipn_params, start

IPN = "/api/v1/payments/vnpay/ipn"


def paid_dossier(client):
    dossier, headers = dossier_awaiting_payment(client)
    payment = start(client, dossier["id"], headers)["payment"]
    assert client.get(IPN, query_string=ipn_params(payment["txn_ref"], FEE)).json["RspCode"] == "00"
    return dossier, headers, payment


def agency_of(dossier):
    from backend.catalog.models import Agency
    from backend.extensions import db

    return db.session.query(Agency).filter_by(code=dossier["receiving_agency"]["code"]).one()


def test_withdrawing_a_paid_dossier_proposes_a_refund_to_the_cashier(app, client, db, monkeypatch):
    dossier, headers, payment = paid_dossier(client)
    cashier = bearer(client, OfficerFactory(agency=agency_of(dossier), roles=["cashier"]).email)
    elsewhere = bearer(client, OfficerFactory(roles=["cashier"]).email)
    assert client.get("/api/v1/backoffice/refund-proposals", headers=cashier).json == []

    client.post(
        f"/api/v1/dossiers/{dossier['id']}/withdraw", json={"reason": "Nộp nhầm"}, headers=headers
    )

    proposals = client.get("/api/v1/backoffice/refund-proposals", headers=cashier).json
    assert [p["id"] for p in proposals] == [payment["id"]]
    assert proposals[0]["dossier_code"] == dossier["code"]
    assert client.get("/api/v1/backoffice/refund-proposals", headers=elsewhere).json == []

    # The gateway does not answer: a clear 503, and nothing is recorded as refunded.
    def unreachable(url, payload, timeout):
        raise GatewayUnavailable("connection refused")

    monkeypatch.setitem(app.extensions, "vnpay_post_json", unreachable)
    refunded = client.post(
        f"/api/v1/payments/{payment['id']}/refunds",
        json={"amount": FEE, "reason": "Rút hồ sơ"},
        headers={**cashier, "Idempotency-Key": "p1"},
    )
    assert refunded.status_code == 503
    assert refunded.json["code"] == "payments.gateway-unavailable"
    still = client.get(f"/api/v1/payments/{payment['id']}", headers=cashier).json
    assert still["refunded_amount"] == 0


def test_a_refused_paid_dossier_is_proposed_too(client, db):
    dossier, _headers, payment = paid_dossier(client)
    agency = agency_of(dossier)
    reception = bearer(client, OfficerFactory(agency=agency, roles=["reception_officer"]).email)
    cashier = bearer(client, OfficerFactory(agency=agency, roles=["cashier"]).email)
    version = client.get(f"/api/v1/backoffice/dossiers/{dossier['id']}", headers=reception).json[
        "version"
    ]

    refused = client.post(
        f"/api/v1/backoffice/dossiers/{dossier['id']}/refuse",
        json={"version": version, "reason": "Sai thẩm quyền"},
        headers=reception,
    )

    assert refused.status_code == 200
    proposals = client.get("/api/v1/backoffice/refund-proposals", headers=cashier).json
    assert [p["id"] for p in proposals] == [payment["id"]]


def test_mismatch_report_lists_verified_payments_we_do_not_hold(client, db):
    dossier, headers = dossier_awaiting_payment(client)
    payment = start(client, dossier["id"], headers)["payment"]
    client.get(IPN, query_string=ipn_params(payment["txn_ref"], FEE + 1000))  # wrong amount
    client.get(IPN, query_string=ipn_params("UNKNOWNREF1", 5000))
    admin = bearer(client, OfficerFactory(roles=["admin"]).email)

    report = client.get("/api/v1/admin/payments/mismatches", headers=admin).json
    forbidden = client.get("/api/v1/admin/payments/mismatches", headers=headers)

    assert {(r["txn_ref"], r["result"]) for r in report} == {
        (payment["txn_ref"], "04"),
        ("UNKNOWNREF1", "01"),
    }
    assert forbidden.status_code == 403
