"""Unit tests for the VNPay 2.1.0 client (backend/payments/gateways/vnpay.py): no database, no
Flask app, no network. "§n" refers to /work/shared/docs/VNPAY.md.

Expected signatures come from the doc's §13 vectors, or from the small reference
implementation below (a literal reading of §3.1 and §7 with the standard library: ``urlencode``
and ``str.join``), never from the module under test.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import time
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit
from zoneinfo import ZoneInfo

import pytest
import requests
from werkzeug.datastructures import MultiDict

from backend.core import clock
from backend.core.clock import VN_TZ
from backend.payments.gateways import base
from backend.payments.gateways import vnpay as vnpay_module
from backend.payments.gateways.base import (
    ApiOutcome,
    CallbackProblem,
    GatewayUnavailable,
    InvalidGatewayRequest,
    PaymentGateway,
    PaymentIntent,
    PaymentOutcome,
)
from backend.payments.gateways.vnpay import (
    ERROR_PAGE_CODES,
    IPN_RESPONSES,
    QUERYDR_RESPONSE_CODES,
    REFUND_RESPONSE_CODES,
    RESPONSE_CODES,
    TRANSACTION_STATUSES,
    TRANSACTION_TYPES,
    VNPayGateway,
    ascii_safe_text,
    encode_query,
    format_vnp_datetime,
    from_vnp_amount,
    hmac_sha512,
    ipn_reply,
    parse_vnp_datetime,
    pipe_join,
    requests_post_json,
    to_vnp_amount,
)

# --- §13 worked example, copied verbatim ----------------------------------------------------

SECRET = "TESTSECRETKEY0123456789ABCDEFGHI"
DOC_HASH_DATA = (
    "vnp_Amount=1806000&vnp_Command=pay&vnp_CreateDate=20210801153333&vnp_CurrCode=VND"
    "&vnp_IpAddr=127.0.0.1&vnp_Locale=vn&vnp_OrderInfo=Thanh+toan+don+hang+%3A5"
    "&vnp_OrderType=other&vnp_ReturnUrl=https%3A%2F%2Fdomainmerchant.vn%2FReturnUrl"
    "&vnp_TmnCode=DEMOV210&vnp_TxnRef=5&vnp_Version=2.1.0"
)
DOC_HASH = (
    "4148c1be54b3389b4aacddb533861a9ecaf2ab236f67e2699296d85bfeec74b6"
    "8ef09b931c5d82d75fcfb24e011d75f5064714b8f2942e623f65f39d0560d69b"
)
DOC_QUERYDR_DATA = (
    "REQ123|2.1.0|querydr|DEMOV210|5|20210801153333|20210801160000|127.0.0.1|Truy van GD 5"
)
DOC_QUERYDR_HASH = (
    "db62441cec63f5ce8228874948777d2d3f91fde7baed0839125f022aff56ae7b"
    "bb39711cb73136280ab6607bfa0bc29ad9290d6cdff101cee0d644ee69179114"
)
#: §2 doc example URL, without its (truncated, real-secret) vnp_SecureHash.
DOC_PAY_URL = (
    "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html?vnp_Amount=1806000&vnp_Command=pay"
    "&vnp_CreateDate=20210801153333&vnp_CurrCode=VND&vnp_IpAddr=127.0.0.1&vnp_Locale=vn"
    "&vnp_OrderInfo=Thanh+toan+don+hang+%3A5&vnp_OrderType=other"
    "&vnp_ReturnUrl=https%3A%2F%2Fdomainmerchant.vn%2FReturnUrl&vnp_TmnCode=DEMOV210"
    "&vnp_TxnRef=5&vnp_Version=2.1.0"
)
#: §4 doc example Return URL parameters (its real signature is truncated in the doc).
DOC_RETURN_QUERY = (
    "vnp_Amount=1000000&vnp_BankCode=NCB&vnp_BankTranNo=VNP14226112&vnp_CardType=ATM"
    "&vnp_OrderInfo=Thanh+toan+don+hang+thoi+gian%3A+2023-12-07+17%3A00%3A44"
    "&vnp_PayDate=20231207170112&vnp_ResponseCode=00&vnp_TmnCode=CTTVNP01"
    "&vnp_TransactionNo=14226112&vnp_TransactionStatus=00&vnp_TxnRef=166117"
)

PAY_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
API_URL = "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction"
RETURN_URL = "https://domainmerchant.vn/ReturnUrl"


def doc_fields(spec: str) -> list[str]:
    return spec.split("|")


#: §7 checksum orders, as written in the doc.
QUERYDR_REQUEST_ORDER = doc_fields(
    "vnp_RequestId|vnp_Version|vnp_Command|vnp_TmnCode|vnp_TxnRef|vnp_TransactionDate"
    "|vnp_CreateDate|vnp_IpAddr|vnp_OrderInfo"
)
QUERYDR_RESPONSE_ORDER = doc_fields(
    "vnp_ResponseId|vnp_Command|vnp_ResponseCode|vnp_Message|vnp_TmnCode|vnp_TxnRef|vnp_Amount"
    "|vnp_BankCode|vnp_PayDate|vnp_TransactionNo|vnp_TransactionType|vnp_TransactionStatus"
    "|vnp_OrderInfo|vnp_PromotionCode|vnp_PromotionAmount"
)
REFUND_REQUEST_ORDER = doc_fields(
    "vnp_RequestId|vnp_Version|vnp_Command|vnp_TmnCode|vnp_TransactionType|vnp_TxnRef"
    "|vnp_Amount|vnp_TransactionNo|vnp_TransactionDate|vnp_CreateBy|vnp_CreateDate|vnp_IpAddr"
    "|vnp_OrderInfo"
)
REFUND_RESPONSE_ORDER = doc_fields(
    "vnp_ResponseId|vnp_Command|vnp_ResponseCode|vnp_Message|vnp_TmnCode|vnp_TxnRef|vnp_Amount"
    "|vnp_BankCode|vnp_PayDate|vnp_TransactionNo|vnp_TransactionType|vnp_TransactionStatus"
    "|vnp_OrderInfo"
)


# --- reference implementation and helpers ---------------------------------------------------


def ref_hmac(data: str, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), data.encode(), hashlib.sha512).hexdigest()


def ref_query_data(params: Mapping[str, str]) -> str:
    """§3.1: vnp_* minus the hash fields, sorted, form-encoded (urlencode = quote_plus)."""
    kept = {
        k: v
        for k, v in params.items()
        if k.startswith("vnp_") and k not in ("vnp_SecureHash", "vnp_SecureHashType")
    }
    return urlencode(sorted(kept.items()))


def ref_sign_params(params: Mapping[str, str], secret: str = SECRET) -> dict[str, str]:
    return {**params, "vnp_SecureHash": ref_hmac(ref_query_data(params), secret)}


def ref_pipe(values: Mapping[str, Any], order: list[str]) -> str:
    return "|".join("" if values.get(name) is None else str(values[name]) for name in order)


def at_vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN_TZ)


class FixedClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


class FakeTransport:
    """Injected ``post_json``: records every call and answers with a prepared reply."""

    def __init__(self, reply: Any = None) -> None:
        self.reply = reply
        self.calls: list[tuple[str, dict[str, Any], float]] = []

    def __call__(self, url: str, payload: Mapping[str, Any], timeout: float) -> Any:
        self.calls.append((url, dict(payload), timeout))
        return self.reply(payload) if callable(self.reply) else self.reply


def make_gateway(
    tmn_code: str = "DEMOV210",
    *,
    moment: datetime | None = None,
    transport: FakeTransport | None = None,
    clock_fn=None,
) -> VNPayGateway:
    return VNPayGateway(
        tmn_code,
        SECRET,
        PAY_URL,
        API_URL,
        RETURN_URL,
        post_json=transport or FakeTransport(),
        clock=clock_fn or FixedClock(moment or at_vn(2021, 8, 1, 15, 33, 33)),
    )


def doc_intent(**changes: Any) -> PaymentIntent:
    values: dict[str, Any] = {
        "txn_ref": "5",
        "amount": 18060,
        "order_info": "Thanh toan don hang :5",
        "ip_addr": "127.0.0.1",
        "locale": "vn",
        "order_type": "other",
    }
    values.update(changes)
    return PaymentIntent(**values)


def url_params(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def signed_return(**changes: str) -> dict[str, str]:
    """A Return/IPN parameter set like §4's, signed with the reference implementation."""
    params = dict(parse_qsl(DOC_RETURN_QUERY))
    params.update({"vnp_TmnCode": "DEMOV210", **changes})
    return ref_sign_params(params)


# --- §13 known-answer vectors ---------------------------------------------------------------


def test_doc_vector_hash_data_of_the_example_parameters():
    params = dict(parse_qsl(urlsplit(DOC_PAY_URL).query))
    assert encode_query(params) == DOC_HASH_DATA
    # §3.1: the hash data is byte for byte the query string that is sent.
    assert urlsplit(DOC_PAY_URL).query == DOC_HASH_DATA


def test_doc_vector_hmac_sha512_of_the_hash_data():
    assert hmac_sha512(SECRET, DOC_HASH_DATA) == DOC_HASH
    assert make_gateway().sign(DOC_HASH_DATA) == DOC_HASH
    assert ref_hmac(DOC_HASH_DATA) == DOC_HASH  # the reference implementation agrees


def test_doc_vector_payment_url_signature_verifies():
    params = {**url_params(DOC_PAY_URL), "vnp_SecureHash": DOC_HASH}
    assert make_gateway().verify_signature(params)
    assert not make_gateway().verify_signature({**params, "vnp_TxnRef": "6"})


def test_doc_vector_querydr_checksum_data_and_hash():
    values = {
        "vnp_RequestId": "REQ123",
        "vnp_Version": "2.1.0",
        "vnp_Command": "querydr",
        "vnp_TmnCode": "DEMOV210",
        "vnp_TxnRef": "5",
        "vnp_TransactionDate": "20210801153333",
        "vnp_CreateDate": "20210801160000",
        "vnp_IpAddr": "127.0.0.1",
        "vnp_OrderInfo": "Truy van GD 5",
    }
    assert pipe_join(values, vnpay_module.QUERYDR_REQUEST_FIELDS) == DOC_QUERYDR_DATA
    assert hmac_sha512(SECRET, DOC_QUERYDR_DATA) == DOC_QUERYDR_HASH


def test_doc_vector_querydr_request_built_by_the_gateway():
    gateway = make_gateway(moment=at_vn(2021, 8, 1, 16, 0, 0))
    body = gateway.build_querydr_request(
        "5", "20210801153333", ip_addr="127.0.0.1", order_info="Truy van GD 5", request_id="REQ123"
    )
    assert ref_pipe(body, QUERYDR_REQUEST_ORDER) == DOC_QUERYDR_DATA
    assert body["vnp_SecureHash"] == DOC_QUERYDR_HASH


def test_doc_vector_payment_url_built_by_the_gateway():
    """The doc example's parameters come out exactly, plus vnp_ExpireDate (15 min later)
    in its sorted place, signed over the resulting query string."""
    prepared = make_gateway().prepare_payment(doc_intent())
    expected_data = DOC_HASH_DATA.replace(
        "&vnp_IpAddr=", "&vnp_ExpireDate=20210801154833&vnp_IpAddr="
    )
    assert prepared.url == f"{PAY_URL}?{expected_data}&vnp_SecureHash={ref_hmac(expected_data)}"
    without_expiry = {k: v for k, v in prepared.params.items() if k != "vnp_ExpireDate"}
    without_expiry.pop("vnp_SecureHash")
    assert encode_query(without_expiry) == DOC_HASH_DATA
    assert hmac_sha512(SECRET, encode_query(without_expiry)) == DOC_HASH


# --- encoding and signing (§3.1) ------------------------------------------------------------


def test_keys_sort_by_code_point_as_in_the_doc():
    doc_order = [
        "vnp_BankCode",
        "vnp_Bill_City",
        "vnp_Bill_Country",
        "vnp_ExpireDate",
        "vnp_Inv_Type",
        "vnp_IpAddr",
        "vnp_TmnCode",
        "vnp_TxnRef",
    ]
    shuffled = doc_order[:]
    random.Random(7).shuffle(shuffled)
    data = encode_query({key: "x" for key in shuffled})
    assert [pair.split("=")[0] for pair in data.split("&")] == doc_order


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        ("a b", "a+b"),
        ("https://x.vn/r?a=1&b=2", "https%3A%2F%2Fx.vn%2Fr%3Fa%3D1%26b%3D2"),
        ("1+1,2", "1%2B1%2C2"),
        ("a_b.c-d~e", "a_b.c-d~e"),
        ("!*'()", "%21%2A%27%28%29"),
        ("đơn", "%C4%91%C6%A1n"),
    ],
)
def test_values_are_form_encoded_with_upper_case_hex(value, encoded):
    assert encode_query({"vnp_X": value}) == f"vnp_X={encoded}"
    assert encode_query({"vnp_X": value}) == urlencode({"vnp_X": value})


def test_parameter_order_does_not_change_the_signature():
    params = signed_return()
    items = list(params.items())
    gateway = make_gateway()
    for seed in range(5):
        random.Random(seed).shuffle(items)
        assert gateway.verify_callback(dict(items)).verified
    assert encode_query(dict(reversed(items))) == encode_query(dict(items))


def test_payment_url_round_trip_verifies_with_the_same_verifier():
    gateway = make_gateway(moment=datetime(2025, 3, 8, 11, 35, 18, tzinfo=UTC))
    prepared = gateway.prepare_payment(
        doc_intent(
            txn_ref="HS-0000015-1",
            amount=150000,
            order_info="Thanh toán lệ phí hồ sơ 000.00.15.H56-261127-0001",
            bank_code="NCB",
            locale="vi",
        )
    )
    received = url_params(prepared.url)
    assert gateway.verify_signature(received)
    assert received == dict(prepared.params)
    assert received["vnp_SecureHash"] == ref_hmac(ref_query_data(received))
    assert "" not in received.values()  # §3.1 step 1
    assert "vnp_SecureHashType" not in received  # §2.1
    assert list(received)[-1] == "vnp_SecureHash"  # appended last (§3.1 step 5)
    assert received["vnp_BankCode"] == "NCB"
    # The gateway echoes the request's fields in the return (§4); that verifies too.
    echoed = ref_sign_params(
        {
            "vnp_Amount": received["vnp_Amount"],
            "vnp_BankCode": "NCB",
            "vnp_OrderInfo": received["vnp_OrderInfo"],
            "vnp_PayDate": "20250308183518",
            "vnp_ResponseCode": "00",
            "vnp_TmnCode": received["vnp_TmnCode"],
            "vnp_TransactionNo": "14836051",
            "vnp_TransactionStatus": "00",
            "vnp_TxnRef": received["vnp_TxnRef"],
        }
    )
    callback = gateway.verify_callback(echoed)
    assert callback.verified and callback.succeeded
    assert callback.amount == 150000
    assert callback.txn_ref == prepared.txn_ref


def test_create_payment_url_is_the_prepared_url():
    gateway = make_gateway()
    assert isinstance(gateway, PaymentGateway)
    assert gateway.create_payment_url(doc_intent()) == gateway.prepare_payment(doc_intent()).url


# --- Return URL / IPN verification (§3.3, §4, §5) -------------------------------------------


def test_doc_return_example_verifies_and_parses():
    gateway = make_gateway("CTTVNP01")
    params = ref_sign_params(dict(parse_qsl(DOC_RETURN_QUERY)))
    callback = gateway.verify_callback(params)
    assert callback.verified
    assert callback.problem is None
    assert callback.outcome is PaymentOutcome.SUCCEEDED
    assert callback.txn_ref == "166117"
    assert callback.amount == 10000  # 1000000 / 100
    assert callback.response_code == "00"
    assert callback.transaction_status == "00"
    assert callback.transaction_no == "14226112"
    assert callback.bank_code == "NCB"
    assert callback.bank_tran_no == "VNP14226112"
    assert callback.card_type == "ATM"
    assert callback.order_info == "Thanh toan don hang thoi gian: 2023-12-07 17:00:44"
    assert callback.pay_date == datetime(2023, 12, 7, 17, 1, 12, tzinfo=VN_TZ)
    assert callback.pay_date.astimezone(UTC) == datetime(2023, 12, 7, 10, 1, 12, tzinfo=UTC)
    assert callback.raw == params
    assert callback.message_key == "166117|14226112|00"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("vnp_Amount", "100000000"),  # the payer "paid" 100x less or more
        ("vnp_Amount", "10000"),
        ("vnp_ResponseCode", "24"),
        ("vnp_TransactionStatus", "02"),
        ("vnp_TxnRef", "166118"),
        ("vnp_OrderInfo", "Thanh toan don hang thoi gian: 2023-12-07 17:00:45"),
        ("vnp_Extra", "injected"),
    ],
)
def test_tampered_parameter_fails_verification(name, value):
    params = signed_return()
    params[name] = value
    callback = make_gateway().verify_callback(params)
    assert not callback.verified
    assert callback.problem is CallbackProblem.BAD_SIGNATURE
    assert callback.outcome is PaymentOutcome.UNVERIFIED
    assert not callback.succeeded


def test_removed_parameter_fails_verification():
    params = signed_return()
    del params["vnp_BankTranNo"]
    assert make_gateway().verify_callback(params).problem is CallbackProblem.BAD_SIGNATURE


def test_tampered_signature_fails_verification():
    params = signed_return()
    params["vnp_SecureHash"] = params["vnp_SecureHash"][:-1] + (
        "0" if params["vnp_SecureHash"][-1] != "0" else "1"
    )
    assert make_gateway().verify_callback(params).problem is CallbackProblem.BAD_SIGNATURE


def test_signature_made_with_another_secret_fails():
    params = ref_sign_params(dict(signed_return()), secret="ANOTHERSECRET")
    assert make_gateway().verify_callback(params).problem is CallbackProblem.BAD_SIGNATURE


def test_secure_hash_type_is_left_out_of_the_hash():
    params = signed_return()
    params["vnp_SecureHashType"] = "HmacSHA512"
    callback = make_gateway().verify_callback(params)
    assert callback.verified
    assert callback.raw["vnp_SecureHashType"] == "HmacSHA512"


def test_upper_case_signature_is_accepted():
    params = signed_return()
    params["vnp_SecureHash"] = params["vnp_SecureHash"].upper()
    assert make_gateway().verify_callback(params).verified


def test_parameters_without_vnp_prefix_are_ignored():
    params = {**signed_return(), "lang": "vi", "next": "/ho-so/123"}
    assert make_gateway().verify_callback(params).verified


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({}, CallbackProblem.NO_PARAMETERS),
        ({"lang": "vi"}, CallbackProblem.NO_PARAMETERS),
        ({"vnp_SecureHash": "abc"}, CallbackProblem.NO_PARAMETERS),
        (dict(parse_qsl(DOC_RETURN_QUERY)), CallbackProblem.MISSING_SIGNATURE),
    ],
)
def test_missing_parameters_or_signature(params, problem):
    callback = make_gateway().verify_callback(params)
    assert not callback.verified
    assert callback.problem is problem


def test_other_terminal_is_refused_even_with_a_valid_signature():
    params = signed_return(vnp_TmnCode="OTHER001")
    callback = make_gateway().verify_callback(params)
    assert not callback.verified
    assert callback.problem is CallbackProblem.WRONG_MERCHANT


def test_signed_but_incomplete_callback_is_refused():
    params = dict(parse_qsl(DOC_RETURN_QUERY))
    params["vnp_TmnCode"] = "DEMOV210"
    del params["vnp_TransactionStatus"]
    callback = make_gateway().verify_callback(ref_sign_params(params))
    assert callback.problem is CallbackProblem.MISSING_FIELDS
    assert not callback.verified


def test_repeated_parameter_is_refused():
    params = MultiDict(signed_return())
    params.add("vnp_Amount", "1")
    callback = make_gateway().verify_callback(params)
    assert callback.problem is CallbackProblem.DUPLICATE_PARAMETER
    assert make_gateway().verify_callback(MultiDict(signed_return())).verified


def test_amount_is_divided_only_after_verification():
    # A signed odd amount verifies (it is hashed as received) but is no whole VND amount.
    callback = make_gateway().verify_callback(signed_return(vnp_Amount="1000050"))
    assert callback.verified
    assert callback.amount is None


@pytest.mark.parametrize(
    ("response_code", "status", "outcome"),
    [
        ("00", "00", PaymentOutcome.SUCCEEDED),
        ("24", "02", PaymentOutcome.CANCELLED),
        ("11", "02", PaymentOutcome.EXPIRED),
        ("07", "00", PaymentOutcome.SUSPECTED),
        ("00", "07", PaymentOutcome.SUSPECTED),
        ("51", "02", PaymentOutcome.FAILED),
        ("00", "02", PaymentOutcome.FAILED),  # AND, not OR (§5.2)
        ("99", "00", PaymentOutcome.FAILED),
        ("00", "01", PaymentOutcome.PENDING),
    ],
)
def test_callback_outcome(response_code, status, outcome):
    params = signed_return(vnp_ResponseCode=response_code, vnp_TransactionStatus=status)
    callback = make_gateway().verify_callback(params)
    assert callback.verified
    assert callback.outcome is outcome
    assert callback.succeeded is (outcome is PaymentOutcome.SUCCEEDED)


def test_observed_cancel_return():
    params = {
        "vnp_Amount": "1000000",
        "vnp_BankCode": "VNPAY",
        "vnp_CardType": "QRCODE",
        "vnp_OrderInfo": "Thanh toan don hang",
        "vnp_PayDate": "20231207170112",
        "vnp_ResponseCode": "24",
        "vnp_TmnCode": "DEMOV210",
        "vnp_TransactionNo": "0",
        "vnp_TransactionStatus": "02",
        "vnp_TxnRef": "166117",
    }
    callback = make_gateway().verify_callback(ref_sign_params(params))
    assert callback.verified
    assert callback.outcome is PaymentOutcome.CANCELLED
    assert callback.bank_tran_no is None
    assert callback.message_key == "166117|0|24"


def test_ipn_replies():
    assert ipn_reply("00") == {"RspCode": "00", "Message": "Confirm Success"}
    assert ipn_reply("97") == {"RspCode": "97", "Message": "Invalid signature"}
    assert set(IPN_RESPONSES) == {"00", "01", "02", "04", "97", "99"}


# --- vnp_OrderInfo folding (§2.1, §3.2) -----------------------------------------------------

ALL_VIETNAMESE_VOWELS = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        (
            "Thanh toán lệ phí hồ sơ 000.00.15.H56-261127-0001",
            "Thanh toan le phi ho so 000.00.15.H56-261127-0001",
        ),
        ("Đăng ký khai sinh", "Dang ky khai sinh"),
        ("ĐỒNG Ý, đã trả", "DONG Y, da tra"),
        ("Ủy ban nhân dân xã Ơn – Quảng Trị", "Uy ban nhan dan xa On - Quang Tri"),
        ("Nghị định 120/2025/NĐ-CP", "Nghi dinh 120 2025 ND-CP"),
        ("Phí: 50.000₫ (năm mươi nghìn đồng)", "Phi: 50.000 nam muoi nghin dong"),
        ("Mã #12_a: ~!*'()&=+?", "Ma #12_a:"),
        ("  nhiều   khoảng\ttrắng\n ", "nhieu khoang trang"),
        (unicodedata.normalize("NFD", "Thanh toán lệ phí"), "Thanh toan le phi"),
        ("Ðơn ðặt (eth)", "Don dat eth"),
        ("Thanh toan don hang :5", "Thanh toan don hang :5"),
        (
            ALL_VIETNAMESE_VOWELS,
            "a" * 17 + "e" * 11 + "i" * 5 + "o" * 17 + "u" * 11 + "y" * 5 + "d",
        ),
        (
            ALL_VIETNAMESE_VOWELS.upper(),
            "A" * 17 + "E" * 11 + "I" * 5 + "O" * 17 + "U" * 11 + "Y" * 5 + "D",
        ),
    ],
)
def test_order_info_folding(text, folded):
    result = ascii_safe_text(text)
    assert result == folded
    assert result.isascii()
    assert set(result) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,:-_#"
    )


def test_order_info_is_cut_to_255_characters():
    assert ascii_safe_text("ạ" * 300) == "a" * 255
    assert ascii_safe_text("ab " * 100).endswith("ab")  # no trailing space after the cut
    assert len(ascii_safe_text("ab " * 100)) <= 255


@pytest.mark.parametrize("text", ["", "   ", "!!!", "中文", "₫"])
def test_order_info_that_folds_to_nothing_is_refused(text):
    with pytest.raises(InvalidGatewayRequest):
        ascii_safe_text(text)


def test_payment_url_carries_the_folded_order_info():
    intent = doc_intent(order_info="Thanh toán lệ phí hồ sơ 000.00.15.H56-261127-0001")
    url = make_gateway().create_payment_url(intent)
    assert "&vnp_OrderInfo=Thanh+toan+le+phi+ho+so+000.00.15.H56-261127-0001&" in url
    assert url.isascii()


# --- amounts (§2.1, §10.11) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("vnd", "vnp"),
    [
        (10000, "1000000"),
        (18060, "1806000"),
        (1, "100"),
        (Decimal("50000"), "5000000"),
        (Decimal("50000.00"), "5000000"),
        (9_999_999_999, "999999999900"),
    ],
)
def test_amount_times_100(vnd, vnp):
    assert to_vnp_amount(vnd) == vnp
    assert from_vnp_amount(vnp) == int(vnd)


@pytest.mark.parametrize(
    "amount", [0, -1, -10000, 10000.0, 10000.5, Decimal("10.5"), True, "10000", None, 10**10]
)
def test_bad_amounts_are_refused(amount):
    with pytest.raises(InvalidGatewayRequest):
        to_vnp_amount(amount)
    with pytest.raises(InvalidGatewayRequest):
        make_gateway().prepare_payment(doc_intent(amount=amount))


@pytest.mark.parametrize("received", ["1806050", "", "abc", "-100", "1e5", "18060.00", None])
def test_received_amounts_that_are_not_whole_vnd(received):
    assert from_vnp_amount(received) is None


def test_payment_url_amount_is_times_100():
    params = url_params(make_gateway().create_payment_url(doc_intent(amount=250000)))
    assert params["vnp_Amount"] == "25000000"
    assert params["vnp_CurrCode"] == "VND"


# --- dates, expiry and time zones (§2.1, §10.3, §10.4) --------------------------------------


def test_expiry_is_exactly_15_minutes_after_creation():
    prepared = make_gateway(moment=at_vn(2024, 1, 31, 23, 50, 0)).prepare_payment(doc_intent())
    assert prepared.params["vnp_CreateDate"] == "20240131235000"
    assert prepared.params["vnp_ExpireDate"] == "20240201000500"  # across midnight
    assert prepared.expires_at - prepared.created_at == timedelta(minutes=15)
    created = parse_vnp_datetime(prepared.params["vnp_CreateDate"])
    expires = parse_vnp_datetime(prepared.params["vnp_ExpireDate"])
    assert expires - created == timedelta(minutes=15)


def test_microseconds_do_not_leak_into_the_dates():
    moment = datetime(2024, 5, 1, 2, 3, 4, 999_999, tzinfo=UTC)
    prepared = make_gateway(moment=moment).prepare_payment(doc_intent())
    assert prepared.params["vnp_CreateDate"] == "20240501090304"
    assert prepared.created_at == datetime(2024, 5, 1, 9, 3, 4, tzinfo=VN_TZ)


@pytest.fixture(params=["UTC", "America/Los_Angeles", "Pacific/Kiritimati"])
def server_tz(request, monkeypatch):
    """Run the test with the process's local time zone set to ``request.param``."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    try:
        now = datetime.now(UTC)
        expected = now.astimezone(ZoneInfo(request.param)).utcoffset()
        assert time.localtime().tm_gmtoff == expected.total_seconds()  # the TZ took effect
        yield request.param
    finally:
        monkeypatch.undo()
        time.tzset()


def test_dates_are_in_ho_chi_minh_time_whatever_the_server_zone(server_tz):
    moment = datetime(2024, 1, 1, 0, 30, 0, tzinfo=UTC)
    prepared = make_gateway(moment=moment).prepare_payment(doc_intent())
    assert prepared.params["vnp_CreateDate"] == "20240101073000"
    assert prepared.params["vnp_ExpireDate"] == "20240101074500"
    assert prepared.created_at.utcoffset() == timedelta(hours=7)
    # An aware clock in any other zone gives the same stamps.
    new_york = moment.astimezone(ZoneInfo("America/New_York"))
    assert make_gateway(moment=new_york).prepare_payment(doc_intent()).params == prepared.params


def test_default_clock_gives_ho_chi_minh_time_whatever_the_server_zone(server_tz):
    gateway = VNPayGateway("DEMOV210", SECRET, PAY_URL, API_URL, RETURN_URL)
    before = datetime.now(VN_TZ).replace(microsecond=0)
    stamp = parse_vnp_datetime(gateway.prepare_payment(doc_intent()).params["vnp_CreateDate"])
    after = datetime.now(VN_TZ)
    assert before <= stamp <= after
    # What a naive datetime.now() (the official Python demo, §10.3) would have sent instead:
    # hours away from Ho Chi Minh time in every zone tested.
    assert datetime.now().strftime("%Y%m%d%H") != stamp.strftime("%Y%m%d%H")


def test_frozen_application_clock_is_used_by_default(server_tz):
    clock.freeze(datetime(2025, 3, 8, 11, 35, 18, tzinfo=UTC))
    try:
        gateway = VNPayGateway("DEMOV210", SECRET, PAY_URL, API_URL, RETURN_URL)
        params = gateway.prepare_payment(doc_intent()).params
    finally:
        clock.freeze(None)
    assert params["vnp_CreateDate"] == "20250308183518"
    assert params["vnp_ExpireDate"] == "20250308185018"


def test_pay_date_is_read_in_ho_chi_minh_time(server_tz):
    callback = make_gateway("CTTVNP01").verify_callback(
        ref_sign_params(dict(parse_qsl(DOC_RETURN_QUERY)))
    )
    assert callback.pay_date == datetime(2023, 12, 7, 10, 1, 12, tzinfo=UTC)
    assert callback.pay_date.utcoffset() == timedelta(hours=7)


def test_query_dates_are_in_ho_chi_minh_time(server_tz):
    gateway = make_gateway(moment=datetime(2021, 8, 1, 9, 0, 0, tzinfo=UTC))
    body = gateway.build_querydr_request(
        "5", datetime(2021, 8, 1, 8, 33, 33, tzinfo=UTC), ip_addr="127.0.0.1"
    )
    assert body["vnp_TransactionDate"] == "20210801153333"
    assert body["vnp_CreateDate"] == "20210801160000"


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        make_gateway(clock_fn=lambda: datetime(2024, 1, 1)).prepare_payment(doc_intent())
    with pytest.raises(ValueError, match="aware"):
        format_vnp_datetime(datetime(2024, 1, 1))
    with pytest.raises(InvalidGatewayRequest):
        make_gateway().build_querydr_request("5", datetime(2024, 1, 1), ip_addr="127.0.0.1")


@pytest.mark.parametrize("text", ["2021080115333", "202108011533330", "20211301153333", "", None])
def test_bad_vnp_dates(text):
    with pytest.raises(ValueError):
        parse_vnp_datetime(text)


# --- other request fields (§2.1, §10) -------------------------------------------------------


@pytest.mark.parametrize(
    "txn_ref", ["5", "166117", "HS000001520250308", "a" * 100, "dvc-0001-20250308183518"]
)
def test_accepted_txn_refs(txn_ref):
    params = url_params(make_gateway().create_payment_url(doc_intent(txn_ref=txn_ref)))
    assert params["vnp_TxnRef"] == txn_ref


@pytest.mark.parametrize(
    "txn_ref", ["", "a" * 101, "HS 0001", "HS.0001", "HS_0001", "HS/0001", "hồsơ", "a&b=c"]
)
def test_refused_txn_refs(txn_ref):
    with pytest.raises(InvalidGatewayRequest):
        make_gateway().prepare_payment(doc_intent(txn_ref=txn_ref))


@pytest.mark.parametrize(
    ("ip", "sent"),
    [
        ("13.160.92.202", "13.160.92.202"),
        ("::1", "127.0.0.1"),
        ("::ffff:13.160.92.202", "13.160.92.202"),
        ("2001:db8::1", "2001:db8::1"),
        (" 10.0.0.1 ", "10.0.0.1"),
    ],
)
def test_ip_addresses(ip, sent):
    params = url_params(make_gateway().create_payment_url(doc_intent(ip_addr=ip)))
    assert params["vnp_IpAddr"] == sent


@pytest.mark.parametrize("ip", ["", "localhost", "1.2.3", "::2"])
def test_refused_ip_addresses(ip):
    with pytest.raises(InvalidGatewayRequest):
        make_gateway().prepare_payment(doc_intent(ip_addr=ip))


@pytest.mark.parametrize(("locale", "sent"), [("vi", "vn"), ("vn", "vn"), ("en", "en")])
def test_locales(locale, sent):
    params = url_params(make_gateway().create_payment_url(doc_intent(locale=locale)))
    assert params["vnp_Locale"] == sent


def test_other_fields_are_checked():
    gateway = make_gateway()
    for changes in (
        {"locale": "fr"},
        {"order_type": ""},
        {"order_type": "bill payment"},
        {"bank_code": "NC"},
        {"bank_code": "NCB!"},
    ):
        with pytest.raises(InvalidGatewayRequest):
            gateway.prepare_payment(doc_intent(**changes))


def test_optional_bank_code_is_omitted_when_absent():
    params = url_params(make_gateway().create_payment_url(doc_intent()))
    assert "vnp_BankCode" not in params
    assert set(params) == {
        "vnp_Version",
        "vnp_Command",
        "vnp_TmnCode",
        "vnp_Amount",
        "vnp_CreateDate",
        "vnp_CurrCode",
        "vnp_IpAddr",
        "vnp_Locale",
        "vnp_OrderInfo",
        "vnp_OrderType",
        "vnp_ReturnUrl",
        "vnp_ExpireDate",
        "vnp_TxnRef",
        "vnp_SecureHash",
    }
    with_bank = url_params(make_gateway().create_payment_url(doc_intent(bank_code="VNPAYQR")))
    assert with_bank["vnp_BankCode"] == "VNPAYQR"


def test_constructor_checks_and_trims_credentials():
    gateway = VNPayGateway(" DEMOV210\n", f" {SECRET}\n", PAY_URL, API_URL, RETURN_URL)
    assert gateway.tmn_code == "DEMOV210"
    assert gateway.sign(DOC_HASH_DATA) == DOC_HASH
    assert SECRET not in repr(gateway)
    with pytest.raises(ValueError):
        VNPayGateway("DEMOV210", SECRET, PAY_URL, API_URL, RETURN_URL, version="2.0.1")
    with pytest.raises(ValueError):
        VNPayGateway("DEMO", SECRET, PAY_URL, API_URL, RETURN_URL)
    with pytest.raises(ValueError):
        VNPayGateway("DEMOV210", "  ", PAY_URL, API_URL, RETURN_URL)
    with pytest.raises(ValueError):
        VNPayGateway("DEMOV210", SECRET, PAY_URL, API_URL, "/r")


# --- querydr (§7.1, §7.2) -------------------------------------------------------------------


def querydr_reply(**changes: Any) -> dict[str, Any]:
    """The observed sandbox reply of §7.2 (our terminal, txn 5), signed with 15 fields."""
    reply: dict[str, Any] = {
        "vnp_ResponseId": "282a1b0c9d8e7f6a5b4c3d2e1f0a7b25",
        "vnp_Command": "querydr",
        "vnp_ResponseCode": "00",
        "vnp_Message": "QueryDR Success",
        "vnp_TmnCode": "DEMOV210",
        "vnp_TxnRef": "5",
        "vnp_Amount": "1806000",
        "vnp_OrderInfo": "Thanh toan don hang :5",
        "vnp_BankCode": "VISA",
        "vnp_PayDate": "20210801153518",
        "vnp_TransactionNo": "14836051",
        "vnp_TransactionType": "01",
        "vnp_TransactionStatus": "00",
    }
    reply.update(changes)
    reply["vnp_SecureHash"] = ref_hmac(ref_pipe(reply, QUERYDR_RESPONSE_ORDER))
    return reply


def test_querydr_request_body():
    gateway = make_gateway(moment=at_vn(2021, 8, 1, 16, 0, 0))
    body = gateway.build_querydr_request(
        "5",
        at_vn(2021, 8, 1, 15, 33, 33),
        ip_addr="10.0.0.5",
        transaction_no="14836051",
        request_id="REQ124",
    )
    assert body == {
        "vnp_RequestId": "REQ124",
        "vnp_Version": "2.1.0",
        "vnp_Command": "querydr",
        "vnp_TmnCode": "DEMOV210",
        "vnp_TxnRef": "5",
        "vnp_OrderInfo": "Truy van GD 5",
        "vnp_TransactionDate": "20210801153333",
        "vnp_CreateDate": "20210801160000",
        "vnp_IpAddr": "10.0.0.5",
        "vnp_TransactionNo": "14836051",  # sent, but not part of the checksum (§7.1)
        "vnp_SecureHash": ref_hmac(
            "REQ124|2.1.0|querydr|DEMOV210|5|20210801153333|20210801160000|10.0.0.5|Truy van GD 5"
        ),
    }
    assert all(isinstance(value, str) for value in body.values())


def test_request_ids_are_fresh_and_checked():
    gateway = make_gateway()
    ids = {
        gateway.build_querydr_request("5", "20210801153333", ip_addr="127.0.0.1")["vnp_RequestId"]
        for _ in range(20)
    }
    assert len(ids) == 20
    assert all(len(i) == 32 and i.isalnum() for i in ids)
    for bad in ("", "a" * 33, "REQ-1", "REQ 1"):
        with pytest.raises(InvalidGatewayRequest):
            gateway.build_querydr_request("5", "20210801153333", ip_addr="1.2.3.4", request_id=bad)


def test_querydr_with_bad_transaction_date_is_refused():
    for bad in ("2021-08-01", "20210801", "20211301153333", 20210801153333):
        with pytest.raises(InvalidGatewayRequest):
            make_gateway().build_querydr_request("5", bad, ip_addr="127.0.0.1")


def test_query_sends_the_body_and_verifies_the_answer():
    transport = FakeTransport(querydr_reply())
    gateway = make_gateway(moment=at_vn(2021, 8, 1, 16, 0, 0), transport=transport)
    result = gateway.query("5", "20210801153333", ip_addr="127.0.0.1", request_id="REQ123")
    [(url, payload, timeout)] = transport.calls
    assert url == API_URL
    assert payload["vnp_SecureHash"] == DOC_QUERYDR_HASH
    assert timeout > 0
    assert result.verified and result.ok and result.paid
    assert result.outcome is ApiOutcome.OK
    assert result.payment_outcome is PaymentOutcome.SUCCEEDED
    assert result.response_code == "00"
    assert result.message == "QueryDR Success"
    assert result.amount == 18060
    assert result.txn_ref == "5"
    assert result.transaction_no == "14836051"
    assert result.transaction_type == "01"
    assert result.transaction_status == "00"
    assert result.bank_code == "VISA"
    assert result.pay_date == datetime(2021, 8, 1, 15, 35, 18, tzinfo=VN_TZ)
    assert result.request == payload
    assert result.raw == querydr_reply()


def test_querydr_answer_with_promotion_fields():
    reply = querydr_reply(vnp_PromotionCode="KM10", vnp_PromotionAmount="100000")
    result = make_gateway().verify_querydr_response(reply, txn_ref="5")
    assert result.paid
    assert (result.promotion_code, result.promotion_amount) == ("KM10", "100000")


def test_querydr_answer_signed_with_13_fields_is_tolerated():
    reply = querydr_reply()
    reply["vnp_SecureHash"] = ref_hmac(ref_pipe(reply, REFUND_RESPONSE_ORDER))
    assert make_gateway().verify_querydr_response(reply, txn_ref="5").paid


@pytest.mark.parametrize(
    ("status", "payment_outcome"),
    [
        ("00", PaymentOutcome.SUCCEEDED),
        ("01", PaymentOutcome.PENDING),
        ("02", PaymentOutcome.FAILED),
        ("04", PaymentOutcome.FAILED),
        ("07", PaymentOutcome.SUSPECTED),
        ("05", None),
    ],
)
def test_querydr_payment_outcome(status, payment_outcome):
    result = make_gateway().verify_querydr_response(
        querydr_reply(vnp_TransactionStatus=status), txn_ref="5"
    )
    assert result.ok
    assert result.payment_outcome is payment_outcome
    assert result.paid is (payment_outcome is PaymentOutcome.SUCCEEDED)


@pytest.mark.parametrize(
    ("code", "outcome"),
    [
        ("02", ApiOutcome.BAD_REQUEST),
        ("03", ApiOutcome.BAD_REQUEST),
        ("91", ApiOutcome.NOT_FOUND),
        ("94", ApiOutcome.DUPLICATE),
        ("97", ApiOutcome.CHECKSUM_REJECTED),
        ("99", ApiOutcome.ERROR),
        ("42", ApiOutcome.ERROR),
    ],
)
def test_querydr_error_codes(code, outcome):
    reply = querydr_reply(
        vnp_ResponseCode=code,
        vnp_Message="error",
        vnp_Amount=None,
        vnp_TransactionStatus=None,
        vnp_TxnRef="",
    )
    result = make_gateway().verify_querydr_response(reply, txn_ref="5")
    assert result.verified
    assert result.outcome is outcome
    assert not result.ok and not result.paid
    assert result.payment_outcome is None


@pytest.mark.parametrize(
    "change",
    [
        {"vnp_Amount": "180600000"},
        {"vnp_TransactionStatus": "00", "vnp_ResponseCode": "00", "vnp_Message": "Success"},
        {"vnp_SecureHash": None},
        {"vnp_SecureHash": ""},
        {"vnp_SecureHash": 123},
    ],
)
def test_tampered_or_unsigned_querydr_answer_is_not_trusted(change):
    reply = querydr_reply()
    reply.update(change)
    result = make_gateway().verify_querydr_response(reply, txn_ref="5")
    assert not result.verified
    assert result.outcome is ApiOutcome.UNVERIFIED
    assert not result.ok and not result.paid
    assert result.payment_outcome is None


def test_unsigned_error_answer_is_not_trusted():
    reply = {"vnp_ResponseCode": "91", "vnp_Message": "Transaction not found"}
    result = make_gateway().verify_querydr_response(reply, txn_ref="5")
    assert result.outcome is ApiOutcome.UNVERIFIED
    assert result.response_code == "91"  # kept for the log


@pytest.mark.parametrize(
    "change",
    [
        {"vnp_TxnRef": "6"},  # an answer about another payment
        {"vnp_TmnCode": "OTHER001"},
        {"vnp_Command": "refund"},
        {"vnp_TxnRef": ""},
    ],
)
def test_signed_answer_about_something_else_is_not_trusted(change):
    result = make_gateway().verify_querydr_response(querydr_reply(**change), txn_ref="5")
    assert not result.verified
    assert not result.paid


def test_answer_with_non_string_values_is_hashed_as_text():
    reply = querydr_reply()
    reply["vnp_Amount"] = 1806000
    assert make_gateway().verify_querydr_response(reply, txn_ref="5").amount == 18060
    assert make_gateway().verify_querydr_response(reply, txn_ref="5").verified


def test_transport_failures():
    for bad_reply in ([], "ok", None):
        gateway = make_gateway(transport=FakeTransport(bad_reply))
        with pytest.raises(GatewayUnavailable):
            gateway.query("5", "20210801153333", ip_addr="127.0.0.1")

    def down(url, payload, timeout):
        raise GatewayUnavailable("timeout")

    gateway = VNPayGateway("DEMOV210", SECRET, PAY_URL, API_URL, RETURN_URL, post_json=down)
    with pytest.raises(GatewayUnavailable):
        gateway.refund(
            "5", "20210801153333", 100, original_amount=100, created_by="a", ip_addr="1.2.3.4"
        )


def test_default_transport_uses_requests_and_wraps_its_errors(monkeypatch):
    calls = []

    class Response:
        def __init__(self, body, status=200):
            self.body, self.status = body, status

        def raise_for_status(self):
            if self.status >= 400:
                raise requests.HTTPError(str(self.status))

        def json(self):
            if isinstance(self.body, Exception):
                raise self.body
            return self.body

    answers = iter(
        [
            Response({"vnp_ResponseCode": "00"}),
            Response([1, 2]),
            Response({}, status=502),
            Response(requests.JSONDecodeError("x", "doc", 0)),
            requests.ConnectTimeout("slow"),
        ]
    )

    def fake_post(url, json, timeout):
        calls.append((url, json, timeout))
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(vnpay_module.requests, "post", fake_post)
    assert requests_post_json(API_URL, {"a": "1"}, 5.0) == {"vnp_ResponseCode": "00"}
    assert calls[0] == (API_URL, {"a": "1"}, 5.0)
    for _ in range(4):
        with pytest.raises(GatewayUnavailable):
            requests_post_json(API_URL, {"a": "1"}, 5.0)


# --- refund (§7.3, §7.4) --------------------------------------------------------------------


def refund_reply(**changes: Any) -> dict[str, Any]:
    """The observed sandbox refund reply of §7.4, signed with the 13 refund fields."""
    reply: dict[str, Any] = {
        "vnp_ResponseId": "9f3c1b0c9d8e7f6a5b4c3d2e1f0a7b26",
        "vnp_Command": "refund",
        "vnp_ResponseCode": "00",
        "vnp_Message": "Refund success",
        "vnp_TmnCode": "DEMOV210",
        "vnp_TxnRef": "5",
        "vnp_Amount": "1806000",
        "vnp_OrderInfo": "Hoan tien GD 5",
        "vnp_BankCode": "VISA",
        "vnp_PayDate": "20210802090000",
        "vnp_TransactionNo": "14836054",
        "vnp_TransactionType": "02",
        "vnp_TransactionStatus": "05",
    }
    reply.update(changes)
    reply["vnp_SecureHash"] = ref_hmac(ref_pipe(reply, REFUND_RESPONSE_ORDER))
    return reply


def test_refund_request_body_full_refund():
    gateway = make_gateway(moment=at_vn(2021, 8, 2, 9, 0, 0))
    body = gateway.build_refund_request(
        "5",
        "20210801153333",
        18060,
        original_amount=18060,
        created_by="Nguyễn Văn Đức",
        ip_addr="10.0.0.5",
        request_id="REF1",
    )
    expected_data = (
        "REF1|2.1.0|refund|DEMOV210|02|5|1806000|0|20210801153333|Nguyen Van Duc"
        "|20210802090000|10.0.0.5|Hoan tien GD 5"
    )
    assert ref_pipe(body, REFUND_REQUEST_ORDER) == expected_data
    assert body["vnp_SecureHash"] == ref_hmac(expected_data)
    assert body["vnp_TransactionType"] == "02"
    assert body["vnp_Amount"] == "1806000"
    assert body["vnp_TransactionNo"] == "0"  # default of the PHP/Python demos (§7.3)
    assert body["vnp_CreateBy"] == "Nguyen Van Duc"
    assert set(body) == {*REFUND_REQUEST_ORDER, "vnp_SecureHash"}
    assert all(isinstance(value, str) for value in body.values())


def test_refund_request_body_partial_refund_with_transaction_no():
    gateway = make_gateway(moment=at_vn(2021, 8, 2, 9, 0, 0))
    body = gateway.build_refund_request(
        "5",
        at_vn(2021, 8, 1, 15, 33, 33),
        5000,
        original_amount=18060,
        already_refunded=10000,
        created_by="admin",
        ip_addr="10.0.0.5",
        order_info="Hoàn tiền một phần",
        transaction_no="14836051",
        request_id="REF2",
    )
    expected_data = (
        "REF2|2.1.0|refund|DEMOV210|03|5|500000|14836051|20210801153333|admin"
        "|20210802090000|10.0.0.5|Hoan tien mot phan"
    )
    assert body["vnp_SecureHash"] == ref_hmac(expected_data)
    assert body["vnp_TransactionType"] == "03"


@pytest.mark.parametrize(
    ("amount", "original", "already"),
    [
        (0, 18060, 0),
        (-1, 18060, 0),
        (18060.0, 18060, 0),
        (100.5, 18060, 0),
        (Decimal("100.5"), 18060, 0),
        (True, 18060, 0),
        ("18060", 18060, 0),
        (18061, 18060, 0),  # more than was paid
        (10000, 18060, 10000),  # more than what is left
        (1, 18060, 18060),  # nothing left
        (1, 18060, -1),
        (1, 0, 0),
        (1, 18060.0, 0),
    ],
)
def test_refund_amount_validation(amount, original, already):
    transport = FakeTransport(refund_reply())
    gateway = make_gateway(transport=transport)
    with pytest.raises(InvalidGatewayRequest):
        gateway.refund(
            "5",
            "20210801153333",
            amount,
            original_amount=original,
            already_refunded=already,
            created_by="admin",
            ip_addr="10.0.0.5",
        )
    assert transport.calls == []  # nothing was sent


def test_refund_of_the_remainder_is_partial():
    body = make_gateway().build_refund_request(
        "5",
        "20210801153333",
        8060,
        original_amount=18060,
        already_refunded=10000,
        created_by="admin",
        ip_addr="10.0.0.5",
    )
    assert body["vnp_TransactionType"] == "03"
    assert body["vnp_Amount"] == "806000"


def test_refund_sends_and_verifies():
    transport = FakeTransport(refund_reply())
    gateway = make_gateway(transport=transport)
    result = gateway.refund(
        "5", "20210801153333", 18060, original_amount=18060, created_by="admin", ip_addr="1.2.3.4"
    )
    [(url, payload, _)] = transport.calls
    assert url == API_URL
    assert payload["vnp_Command"] == "refund"
    assert result.verified and result.ok
    assert result.outcome is ApiOutcome.OK
    assert result.transaction_no == "14836054"  # the refund's own id
    assert result.transaction_type == "02"
    assert result.transaction_status == "05"  # VNPay is processing it
    assert result.amount == 18060
    assert result.message == "Refund success"
    assert result.request == payload


@pytest.mark.parametrize(
    ("code", "outcome"),
    [
        ("91", ApiOutcome.NOT_FOUND),
        ("94", ApiOutcome.DUPLICATE),
        ("95", ApiOutcome.REFUSED),
        ("97", ApiOutcome.CHECKSUM_REJECTED),
        ("99", ApiOutcome.ERROR),
    ],
)
def test_refund_error_codes(code, outcome):
    result = make_gateway().verify_refund_response(
        refund_reply(vnp_ResponseCode=code, vnp_TransactionStatus=None), txn_ref="5"
    )
    assert result.verified
    assert result.outcome is outcome
    assert not result.ok


def test_tampered_or_mis_signed_refund_answer_is_not_trusted():
    gateway = make_gateway()
    tampered = refund_reply()
    tampered["vnp_Amount"] = "180600000"
    unsigned = refund_reply()
    del unsigned["vnp_SecureHash"]
    fifteen = refund_reply()  # refund answers are signed with 13 fields, not 15 (§7.2, §7.4)
    fifteen["vnp_SecureHash"] = ref_hmac(ref_pipe(fifteen, QUERYDR_RESPONSE_ORDER))
    as_querydr = refund_reply(vnp_Command="querydr")
    for reply in (tampered, unsigned, fifteen, as_querydr):
        result = gateway.verify_refund_response(reply, txn_ref="5")
        assert not result.verified
        assert result.outcome is ApiOutcome.UNVERIFIED
        assert not result.ok


# --- code tables (§5.1, §6) -----------------------------------------------------------------


def test_code_tables_match_the_doc():
    assert set(RESPONSE_CODES) == {
        "00", "07", "09", "10", "11", "12", "13", "24", "51", "65", "75", "79", "99",
    }  # fmt: skip
    assert set(TRANSACTION_STATUSES) == {"00", "01", "02", "04", "05", "06", "07", "09"}
    assert set(TRANSACTION_TYPES) == {"01", "02", "03"}
    assert set(QUERYDR_RESPONSE_CODES) == {"00", "02", "03", "91", "94", "97", "99"}
    assert set(REFUND_RESPONSE_CODES) == {"00", "02", "03", "91", "94", "95", "97", "99"}
    assert set(ERROR_PAGE_CODES) == {"15", "70", "71", "72"}
    tables = (
        RESPONSE_CODES,
        TRANSACTION_STATUSES,
        TRANSACTION_TYPES,
        QUERYDR_RESPONSE_CODES,
        REFUND_RESPONSE_CODES,
        IPN_RESPONSES,
        ERROR_PAGE_CODES,
    )
    for table in tables:
        for code, info in table.items():
            assert len(code) == 2 and code.isdigit()
            assert info.vi and info.en
            assert info.en.isascii()


def test_base_module_exports_the_interface():
    for name in base.__all__:
        assert hasattr(base, name)
    with pytest.raises(TypeError):
        PaymentGateway()  # abstract
