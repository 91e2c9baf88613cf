"""Signed VNPay messages for payment tests (dev-only simulator secret)."""

from __future__ import annotations

import uuid

from backend.config import DEV_VNPAY_SECRET
from backend.core.clock import utcnow
from backend.payments.gateways.vnpay import encode_query, format_vnp_datetime, hmac_sha512
from tests.catalog_fixtures import publish
from tests.dossier_fixtures import submitted
from tests.factories import AgencyFactory, CitizenFactory
from tests.helpers import bearer

FEE = 200000


def signed(params: dict, secret: str = DEV_VNPAY_SECRET) -> dict:
    return {**params, "vnp_SecureHash": hmac_sha512(secret, encode_query(params))}


def ipn_params(
    txn_ref: str,
    amount: int,
    *,
    response="00",
    status="00",
    transaction_no="14000001",
    tmn="DEVSIM01",
) -> dict:
    return signed(
        {
            "vnp_Amount": str(amount * 100),
            "vnp_BankCode": "NCB",
            "vnp_BankTranNo": f"VNP{transaction_no}",
            "vnp_CardType": "ATM",
            "vnp_OrderInfo": "Thanh toan phi ho so",
            "vnp_PayDate": format_vnp_datetime(utcnow()),
            "vnp_ResponseCode": response,
            "vnp_TmnCode": tmn,
            "vnp_TransactionNo": transaction_no,
            "vnp_TransactionStatus": status,
            "vnp_TxnRef": txn_ref,
        }
    )


def fee_procedure():
    agency = AgencyFactory()
    publish(
        agency.code,
        fees=[
            {
                "code": "LP",
                "name_vi": "Lệ phí",
                "name_en": "Fee",
                "amount": FEE,
                "kind": "fee",
                "payable": "at_submission",
            }
        ],
    )
    return agency


def dossier_awaiting_payment(client):
    """A submitted dossier holding for its fee; returns (dossier json, citizen headers)."""
    fee_procedure()
    headers = bearer(client, CitizenFactory().email)
    return submitted(client, headers), headers


def start(client, dossier_id, headers) -> dict:
    response = client.post(
        f"/api/v1/dossiers/{dossier_id}/payments",
        headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 201, response.json
    return response.json
