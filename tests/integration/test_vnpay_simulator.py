"""The VNPay 2.1.0 simulator (backend/simulators/vnpay.py) driven by the real client
(backend/payments/gateways/vnpay.py). No database: a tiny Flask app mounts the simulator and a
fake IPN endpoint; the simulator's IPN transport goes through a Flask test client.
"§n" refers to /work/shared/docs/VNPAY.md.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from flask import Flask, Response, jsonify, request

from backend import simulators
from backend.core.clock import utcnow
from backend.payments.gateways.base import ApiOutcome, PaymentIntent, PaymentOutcome
from backend.payments.gateways.vnpay import (
    QUERYDR_REQUEST_FIELDS,
    QUERYDR_RESPONSE_FIELDS,
    REFUND_REQUEST_FIELDS,
    REFUND_RESPONSE_FIELDS,
    VNPayGateway,
    encode_query,
    format_vnp_datetime,
    hmac_sha512,
    pipe_join,
)
from backend.simulators import vnpay as vnpay_sim

TMN = "SIMTEST1"
SECRET = "test-only-vnpay-secret-0123456789"
BASE = "http://localhost"
PAY_PATH = "/simulators/vnpay/paymentv2/vpcpay.html"
PAY_URL = BASE + PAY_PATH
API_URL = BASE + "/simulators/vnpay/merchant_webapi/api/transaction"
RETURN_URL = "https://merchant.example/payments/vnpay/return"
IPN_URL = BASE + "/fake-ipn"
ATTEMPTS = 4
AMOUNT = 150_000
#: The §4 result parameters.
RESULT_KEYS = {
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_BankTranNo",
    "vnp_CardType",
    "vnp_OrderInfo",
    "vnp_PayDate",
    "vnp_ResponseCode",
    "vnp_TmnCode",
    "vnp_TransactionNo",
    "vnp_TransactionStatus",
    "vnp_TxnRef",
    "vnp_SecureHash",
}
SUCCESS_CARD = "9704198526191432198"


class FakeIpn:
    """The merchant's IPN endpoint: records calls, answers from a queue (default ``00``).
    A queued ``str`` is a ``RspCode``; a ``(status, body)`` pair is sent as is."""

    def __init__(self) -> None:
        self.calls: list[dict[str, str]] = []
        self.replies: list[str | tuple[int, str]] = []

    def answer(self) -> Response:
        self.calls.append(request.args.to_dict())
        reply = self.replies.pop(0) if self.replies else "00"
        if isinstance(reply, str):
            return jsonify(RspCode=reply, Message="test")
        status, body = reply
        return Response(body, status=status)


def make_app(ipn: FakeIpn, **config: Any) -> Flask:
    app = Flask(__name__)
    app.config.update(
        TESTING=True,
        SIMULATORS_ENABLED=True,
        APP_ENV="test",
        VNPAY_TMN_CODE=TMN,
        VNPAY_HASH_SECRET=SECRET,
        VNPAY_SIM_IPN_URL=IPN_URL,
        VNPAY_SIM_IPN_ATTEMPTS=ATTEMPTS,
        VNPAY_SIM_IPN_INTERVAL_SECONDS=0,
        VNPAY_SIM_IPN_MODE="sync",
    )
    app.config.update(config)
    app.add_url_rule("/fake-ipn", "fake_ipn", ipn.answer)
    simulators.init_app(app)
    if vnpay_sim.EXTENSION in app.extensions:
        # No socket: the IPN goes through a fresh test client (also from the IPN thread).
        vnpay_sim.simulator(app).http_get = lambda url, timeout: app.test_client().get(url)
    return app


@pytest.fixture
def ipn() -> FakeIpn:
    return FakeIpn()


@pytest.fixture
def app(ipn: FakeIpn) -> Flask:
    return make_app(ipn)


@pytest.fixture
def sim(app: Flask) -> vnpay_sim.VNPaySimulator:
    return vnpay_sim.simulator(app)


@pytest.fixture
def client(app: Flask):
    return app.test_client()


def make_gateway(client, tmn_code: str = TMN, secret: str = SECRET, **kwargs) -> VNPayGateway:
    def post_json(url: str, payload: Mapping[str, Any], timeout: float) -> Mapping[str, Any]:
        response = client.post(url, json=dict(payload))
        assert response.status_code == 200
        return response.get_json()

    return VNPayGateway(
        tmn_code, secret, PAY_URL, API_URL, RETURN_URL, post_json=post_json, **kwargs
    )


@pytest.fixture
def gateway(client) -> VNPayGateway:
    return make_gateway(client)


def new_ref() -> str:
    return "HS" + uuid.uuid4().hex[:12].upper()


def intent(ref: str | None = None, **kwargs: Any) -> PaymentIntent:
    values = {
        "txn_ref": ref or new_ref(),
        "amount": AMOUNT,
        "order_info": "Lệ phí hồ sơ HS-001",
        "ip_addr": "127.0.0.1",
        **kwargs,
    }
    return PaymentIntent(**values)


def signed_url(params: Mapping[str, str], secret: str = SECRET) -> str:
    """A pay URL signed per §3.1 from given parameters (for requests the client won't build)."""
    data = encode_query(params)
    return f"{PAY_URL}?{data}&vnp_SecureHash={hmac_sha512(secret, data)}"


def unsigned_params(gateway: VNPayGateway, **kwargs: Any) -> dict[str, str]:
    params = dict(gateway.prepare_payment(intent(**kwargs)).params)
    del params["vnp_SecureHash"]
    return params


def open_page(client, url: str) -> tuple[Any, str]:
    response = client.get(url)
    assert response.status_code == 200, response.headers.get("Location")
    match = re.search(r'name="session" value="([^"]+)"', response.text)
    assert match
    return response, match.group(1)


def submit(client, token: str, *, action: str = "pay", **fields: str):
    data = {
        "session": token,
        "action": action,
        "card_holder": "NGUYEN VAN A",
        "issue_date": "07/15",
        **fields,
    }
    return client.post(PAY_PATH, data=data)


def error_code(response) -> str:
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/simulators/vnpay/paymentv2/Payment/Error.html"
    return dict(parse_qsl(location.query))["code"]


def returned(response) -> dict[str, str]:
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(RETURN_URL + "?")
    # The signature is the last parameter, after the sorted §3.1 query (§3.1 step 5).
    assert re.search(r"&vnp_SecureHash=[0-9a-f]{128}$", location)
    return dict(parse_qsl(urlsplit(location).query, keep_blank_values=True))


def pay(client, gateway: VNPayGateway, card: str = SUCCESS_CARD, otp: str = "123456", **kwargs):
    """Open the page for a new intent and pay; (prepared payment, redirect response)."""
    prepared = gateway.prepare_payment(intent(**kwargs))
    _, token = open_page(client, prepared.url)
    return prepared, submit(client, token, card_number=card, otp=otp)


# --- payment page ---------------------------------------------------------------------------


def test_client_url_opens_the_payment_page(app, client, gateway, sim):
    prepared = gateway.prepare_payment(intent(order_info="Lệ phí cấp <bản sao> & chứng thực"))
    response, token = open_page(client, prepared.url)
    html = response.text
    assert response.mimetype == "text/html"
    assert '<html lang="vi">' in html
    for text in ("Thanh toán", "Hủy giao dịch", "150.000 VND", TMN, prepared.txn_ref):
        assert text in html
    assert "Le phi cap ban sao chung thuc" in html  # the client's ASCII-folded description
    for name in ("card_number", "card_holder", "issue_date", "otp"):
        assert f'<label for="{name}">' in html
        assert f'id="{name}"' in html
    # CSP: no inline script or style; the Return URL's origin may receive the form's redirect.
    assert "<script" not in html
    assert "<style" not in html
    assert "style=" not in html
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "form-action 'self' https://merchant.example" in csp
    assert response.headers["Cache-Control"] == "no-store"
    css = client.get("/simulators/vnpay/static/simulator.css")
    assert css.status_code == 200
    assert css.mimetype == "text/css"
    assert '<link rel="stylesheet" href="/simulators/vnpay/static/simulator.css">' in html
    # A pending transaction is in the ledger, the session is kept server-side.
    entry = vnpay_sim.transaction(app, prepared.txn_ref)
    assert entry["state"] == "pending"
    assert entry["amount"] == AMOUNT * 100
    assert sim.get_session(token) is not None


def test_english_page(client, gateway):
    prepared = gateway.prepare_payment(intent(locale="en"))
    response, _ = open_page(client, prepared.url)
    html = response.text
    assert '<html lang="en">' in html
    for text in ("Card number", "Cardholder name", "OTP", ">Pay<", "Cancel payment", "150,000 VND"):
        assert text in html


def test_page_escapes_what_it_shows(client, gateway):
    params = unsigned_params(gateway)
    params["vnp_OrderInfo"] = 'Le phi <script>alert("x")</script>'
    response, _ = open_page(client, signed_url(params))
    assert "<script>" not in response.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in response.text


def test_bad_checksum_is_error_70(client, gateway):
    url = gateway.create_payment_url(intent())
    tampered = url.replace(f"vnp_Amount={AMOUNT * 100}", "vnp_Amount=100")
    assert tampered != url
    assert error_code(client.get(tampered)) == "70"
    no_hash = url.split("&vnp_SecureHash=")[0]
    assert error_code(client.get(no_hash)) == "70"
    wrong_secret = make_gateway(client, secret="another-secret-entirely")
    assert error_code(client.get(wrong_secret.create_payment_url(intent()))) == "70"
    page = client.get("/simulators/vnpay/paymentv2/Payment/Error.html?code=70")
    assert page.status_code == 200
    assert "Sai chữ ký" in page.text


def test_unknown_terminal_is_error_71(client):
    other = make_gateway(client, tmn_code="UNKNOWN1")
    assert error_code(client.get(other.create_payment_url(intent()))) == "71"
    assert error_code(client.get(PAY_URL)) == "71"


def test_expired_request_is_error_15(client):
    late = make_gateway(client, clock=lambda: utcnow() - timedelta(minutes=16))
    assert error_code(client.get(late.create_payment_url(intent()))) == "15"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("vnp_Version", "2.0.1"),
        ("vnp_Command", "genqr"),
        ("vnp_CurrCode", "USD"),
        ("vnp_Locale", "fr"),
        ("vnp_Amount", "1500050"),
        ("vnp_Amount", "0"),
        ("vnp_Amount", "15000.00"),
        ("vnp_CreateDate", "20241332101010"),
        ("vnp_IpAddr", "::1"),
        ("vnp_ReturnUrl", "javascript:alert(1)"),
        ("vnp_TxnRef", "HS 1"),
        ("vnp_BankCode", ""),
        ("vnp_OrderType", None),
    ],
)
def test_malformed_request_is_error_03(client, gateway, field, value):
    params = unsigned_params(gateway)
    if value is None:
        del params[field]
    else:
        params[field] = value
    assert error_code(client.get(signed_url(params))) == "03"


def test_expire_date_is_optional(client, gateway):
    """§2.1 [CONFLICT]: the Python/Node demos do not send it."""
    params = unsigned_params(gateway)
    del params["vnp_ExpireDate"]
    open_page(client, signed_url(params))


# --- outcomes -------------------------------------------------------------------------------

CARD_CASES = [
    (SUCCESS_CARD, "123456", "00", "00", "NCB", "ATM", PaymentOutcome.SUCCEEDED),
    (SUCCESS_CARD, "654321", "13", "02", "NCB", "ATM", PaymentOutcome.FAILED),
    ("9704195798459170488", "", "51", "02", "NCB", "ATM", PaymentOutcome.FAILED),
    ("9704192181368742", "", "09", "02", "NCB", "ATM", PaymentOutcome.FAILED),
    ("9704193370791314", "", "12", "02", "NCB", "ATM", PaymentOutcome.FAILED),
    ("9704194841945513", "", "11", "02", "NCB", "ATM", PaymentOutcome.EXPIRED),
    ("4456530000001005", "", "00", "00", "VISA", "VISA", PaymentOutcome.SUCCEEDED),
    ("4456530000001096", "", "00", "00", "VISA", "VISA", PaymentOutcome.SUCCEEDED),
    ("5200000000001005", "", "00", "00", "MASTERCARD", "MASTERCARD", PaymentOutcome.SUCCEEDED),
    ("5200000000001096", "", "00", "00", "MASTERCARD", "MASTERCARD", PaymentOutcome.SUCCEEDED),
    ("3337000000000008", "", "00", "00", "JCB", "JCB", PaymentOutcome.SUCCEEDED),
    ("3337000000200004", "", "00", "00", "JCB", "JCB", PaymentOutcome.SUCCEEDED),
]


@pytest.mark.parametrize(
    ("card", "otp", "code", "status", "bank", "card_type", "outcome"), CARD_CASES
)
def test_sandbox_cards(
    app, client, gateway, ipn, card, otp, code, status, bank, card_type, outcome
):
    before = utcnow().replace(microsecond=0)
    prepared, response = pay(client, gateway, card=card, otp=otp)
    params = returned(response)
    assert set(params) == RESULT_KEYS
    assert all(params.values())  # never an empty value (§3.1, §4)
    result = gateway.verify_callback(params)
    assert result.verified, result.problem
    assert result.outcome is outcome
    assert (result.response_code, result.transaction_status) == (code, status)
    assert result.txn_ref == prepared.txn_ref
    assert result.amount == AMOUNT
    assert result.bank_code == bank
    assert result.card_type == card_type
    assert re.fullmatch(r"[1-9][0-9]{7}", result.transaction_no)
    if bank == "NCB":
        assert result.bank_tran_no == "VNP" + result.transaction_no
    else:
        assert re.fullmatch(r"[0-9]{12}", result.bank_tran_no)
    assert before - timedelta(seconds=1) <= result.pay_date <= utcnow() + timedelta(seconds=1)
    assert params["vnp_PayDate"] == format_vnp_datetime(result.pay_date)  # GMT+7
    assert result.order_info == prepared.params["vnp_OrderInfo"]
    # The IPN (sync mode: before the browser returns) got the very same signed parameters.
    assert ipn.calls == [params]
    entry = vnpay_sim.transaction(app, prepared.txn_ref)
    assert entry["state"] == "completed"
    assert entry["ipn_status"] == "delivered"
    assert [
        (a["number"], a["status"], a["rsp_code"], a["final"]) for a in entry["ipn_attempts"]
    ] == [(1, 200, "00", True)]
    assert entry["result"] == params


def test_cancel_gives_24(app, client, gateway, ipn):
    prepared = gateway.prepare_payment(intent())
    _, token = open_page(client, prepared.url)
    response = client.post(PAY_PATH, data={"session": token, "action": "cancel"})
    params = returned(response)
    assert set(params) == RESULT_KEYS - {"vnp_BankTranNo"}  # absent on cancellation (§4)
    result = gateway.verify_callback(params)
    assert result.verified
    assert result.outcome is PaymentOutcome.CANCELLED
    assert (result.response_code, result.transaction_status) == ("24", "02")
    assert result.transaction_no == "0"
    assert (result.bank_code, result.card_type) == ("VNPAY", "QRCODE")
    assert ipn.calls == [params]
    assert vnpay_sim.transaction(app, prepared.txn_ref)["transaction_no"] == "0"


def test_form_errors_keep_the_session(client, gateway):
    prepared = gateway.prepare_payment(intent())
    _, token = open_page(client, prepared.url)
    response = submit(client, token, card_number="4111111111111111")
    assert response.status_code == 422
    assert 'role="alert"' in response.text
    assert "Số thẻ không được hỗ trợ" in response.text
    assert 'aria-invalid="true"' in response.text
    response = submit(client, token, card_number=SUCCESS_CARD, otp="")
    assert response.status_code == 422
    assert "Vui lòng nhập mã OTP" in response.text
    response = submit(client, token, card_number=SUCCESS_CARD, otp="123456", issue_date="7/2015")
    assert response.status_code == 422
    response = submit(client, token, card_number="9704 1985 2619 1432 198", otp="123456")
    assert gateway.verify_callback(returned(response)).succeeded


def test_session_is_single_use_and_reference_unique_per_day(client, gateway):
    prepared = gateway.prepare_payment(intent())
    _, token = open_page(client, prepared.url)
    assert gateway.verify_callback(
        returned(submit(client, token, card_number=SUCCESS_CARD, otp="123456"))
    ).succeeded
    assert error_code(submit(client, token, card_number=SUCCESS_CARD, otp="123456")) == "15"
    # The same URL again: that reference is already paid today (§10.5).
    assert error_code(client.get(prepared.url)) == "01"
    # So is a fresh request reusing the reference.
    assert error_code(client.get(gateway.create_payment_url(intent(prepared.txn_ref)))) == "01"
    assert error_code(submit(client, "no-such-session", card_number=SUCCESS_CARD)) == "15"


def test_sessions_expire_and_are_bounded(client, gateway, sim):
    params = unsigned_params(gateway)
    del params["vnp_ExpireDate"]  # so that only the 30-minute session limit applies
    _, token = open_page(client, signed_url(params))
    sim.clock = lambda: utcnow() + timedelta(minutes=31)
    assert error_code(submit(client, token, card_number=SUCCESS_CARD, otp="123456")) == "15"
    sim.clock = utcnow
    sim.max_sessions = 2
    tokens = [open_page(client, gateway.create_payment_url(intent()))[1] for _ in range(3)]
    assert sim.get_session(tokens[0]) is None
    assert all(sim.get_session(t) for t in tokens[1:])


def test_payment_after_the_deadline_is_error_15(client, gateway, sim):
    prepared = gateway.prepare_payment(intent())
    _, token = open_page(client, prepared.url)
    sim.clock = lambda: utcnow() + timedelta(minutes=16)  # past vnp_ExpireDate (15 min)
    assert error_code(submit(client, token, card_number=SUCCESS_CARD, otp="123456")) == "15"


def test_forced_outcome(app, client, gateway):
    vnpay_sim.force_outcome(app, "07", "07")
    _, response = pay(client, gateway)
    result = gateway.verify_callback(returned(response))
    assert result.verified
    assert result.outcome is PaymentOutcome.SUSPECTED
    _, response = pay(client, gateway)  # consumed: back to the card's own outcome
    assert gateway.verify_callback(returned(response)).succeeded


# --- IPN delivery ---------------------------------------------------------------------------


def test_ipn_retried_until_confirmed(app, client, gateway, ipn, sim):
    sim.ipn_attempts = 10
    ipn.replies = ["99", "97", (500, "Internal Server Error"), (200, "OK"), "02"]
    prepared, response = pay(client, gateway)
    params = returned(response)
    assert len(ipn.calls) == 5
    assert all(call == params for call in ipn.calls)
    entry = vnpay_sim.transaction(app, prepared.txn_ref)
    assert entry["ipn_status"] == "delivered"
    attempts = [(a["status"], a["rsp_code"], a["final"]) for a in entry["ipn_attempts"]]
    assert attempts == [
        (200, "99", False),
        (200, "97", False),
        (500, None, False),
        (200, None, False),
        (200, "02", True),
    ]
    assert entry["ipn_attempts"][2]["body"] == "Internal Server Error"
    assert [a["number"] for a in entry["ipn_attempts"]] == [1, 2, 3, 4, 5]


def test_ipn_gives_up_after_the_configured_attempts(app, client, gateway, ipn):
    ipn.replies = ["01"] * 20
    prepared, response = pay(client, gateway)
    assert gateway.verify_callback(returned(response)).succeeded  # the browser still returns
    assert len(ipn.calls) == ATTEMPTS
    entry = vnpay_sim.transaction(app, prepared.txn_ref)
    assert entry["ipn_status"] == "failed"
    assert len(entry["ipn_attempts"]) == ATTEMPTS
    assert not any(a["final"] for a in entry["ipn_attempts"])


def test_ipn_transport_errors_are_recorded_and_retried(app, client, gateway, sim):
    def unreachable(url: str, timeout: float):
        raise requests.ConnectionError("connection refused")

    sim.http_get = unreachable
    prepared, response = pay(client, gateway)
    assert response.status_code == 302
    entry = vnpay_sim.transaction(app, prepared.txn_ref)
    assert entry["ipn_status"] == "failed"
    assert len(entry["ipn_attempts"]) == ATTEMPTS
    assert entry["ipn_attempts"][0]["error"].startswith("ConnectionError")
    assert entry["ipn_attempts"][0]["url"].startswith(IPN_URL + "?vnp_Amount=")


def test_return_without_ipn_then_late_ipn(app, client, gateway, ipn, sim):
    sim.ipn_mode = "off"
    prepared, response = pay(client, gateway)
    params = returned(response)
    assert gateway.verify_callback(params).succeeded
    assert ipn.calls == []
    assert vnpay_sim.transaction(app, prepared.txn_ref)["ipn_status"] == "off"
    # Return before IPN: the notification arrives later.
    assert vnpay_sim.deliver_ipn(app, prepared.txn_ref) is True
    assert ipn.calls == [params]
    assert vnpay_sim.transaction(app, prepared.txn_ref)["ipn_status"] == "delivered"
    with pytest.raises(LookupError):
        vnpay_sim.deliver_ipn(app, "NOSUCHREF")


def test_ipn_from_a_background_thread(ipn):
    app = make_app(ipn, VNPAY_SIM_IPN_MODE="thread")
    client = app.test_client()
    gateway = make_gateway(client)
    ipn.replies = ["99", "00"]
    prepared, response = pay(client, gateway)
    params = returned(response)
    assert vnpay_sim.wait_for_ipn(app, timeout=10)
    assert ipn.calls == [params, params]
    entry = vnpay_sim.transaction(app, prepared.txn_ref)
    assert entry["ipn_status"] == "delivered"
    assert [a["final"] for a in entry["ipn_attempts"]] == [False, True]


def test_ipn_url_defaults_to_the_public_base_url(ipn):
    app = Flask(__name__)
    app.config.update(SIMULATORS_ENABLED=True, APP_ENV="development")
    app.config["PUBLIC_BASE_URL"] = "https://dvc.example/"
    simulators.init_app(app)
    sim = vnpay_sim.simulator(app)
    assert sim.ipn_url == "https://dvc.example/api/v1/payments/vnpay/ipn"
    assert (sim.ipn_attempts, sim.ipn_interval, sim.ipn_mode) == (10, 300.0, "thread")
    assert set(sim.terminals) == {"DEVSIM01"}


# --- querydr --------------------------------------------------------------------------------


def test_querydr_finds_the_payment(client, gateway):
    prepared, response = pay(client, gateway)
    paid = gateway.verify_callback(returned(response))
    result = gateway.query(prepared.txn_ref, prepared.created_at, ip_addr="10.0.0.1")
    assert result.verified
    assert result.ok
    assert result.paid
    assert result.response_code == "00"
    assert result.transaction_no == paid.transaction_no
    assert result.amount == AMOUNT
    assert result.bank_code == "NCB"
    assert result.transaction_type == "01"
    assert result.pay_date == paid.pay_date
    assert result.order_info == prepared.params["vnp_OrderInfo"]
    raw = result.raw
    assert all(isinstance(v, str) for v in raw.values())
    # Signed over the 15 fields of §7.2, the promotion fields empty.
    data = pipe_join(raw, QUERYDR_RESPONSE_FIELDS)
    assert data.endswith("||")
    assert raw["vnp_SecureHash"] == hmac_sha512(SECRET, data)


def test_querydr_pending_cancelled_and_not_found(client, gateway):
    pending = gateway.prepare_payment(intent())
    open_page(client, pending.url)
    result = gateway.query(pending.txn_ref, pending.created_at, ip_addr="10.0.0.1")
    assert result.ok
    assert result.transaction_status == "01"
    assert result.payment_outcome is PaymentOutcome.PENDING

    cancelled = gateway.prepare_payment(intent())
    _, token = open_page(client, cancelled.url)
    client.post(PAY_PATH, data={"session": token, "action": "cancel"})
    result = gateway.query(cancelled.txn_ref, cancelled.created_at, ip_addr="10.0.0.1")
    assert result.ok
    assert (result.transaction_status, result.transaction_no) == ("02", "0")
    assert result.payment_outcome is PaymentOutcome.FAILED

    wrong_date = cancelled.created_at - timedelta(seconds=1)
    result = gateway.query(cancelled.txn_ref, wrong_date, ip_addr="10.0.0.1")
    assert result.verified
    assert result.response_code == "91"
    assert result.outcome is ApiOutcome.NOT_FOUND
    result = gateway.query(new_ref(), cancelled.created_at, ip_addr="10.0.0.1")
    assert result.outcome is ApiOutcome.NOT_FOUND
    result = gateway.query(
        cancelled.txn_ref, cancelled.created_at, ip_addr="10.0.0.1", transaction_no="12345678"
    )
    assert result.outcome is ApiOutcome.NOT_FOUND


def test_duplicate_request_id_is_94(client, gateway):
    prepared, _ = pay(client, gateway)
    request_id = uuid.uuid4().hex
    first = gateway.query(
        prepared.txn_ref, prepared.created_at, ip_addr="10.0.0.1", request_id=request_id
    )
    assert first.ok
    again = gateway.query(
        prepared.txn_ref, prepared.created_at, ip_addr="10.0.0.1", request_id=request_id
    )
    assert again.verified
    assert again.response_code == "94"
    assert again.outcome is ApiOutcome.DUPLICATE
    # Shared with refunds.
    refund = gateway.refund(
        prepared.txn_ref,
        prepared.created_at,
        1000,
        original_amount=AMOUNT,
        created_by="can bo",
        ip_addr="10.0.0.1",
        request_id=request_id,
    )
    assert refund.outcome is ApiOutcome.DUPLICATE


def test_api_checksum_terminal_and_format_errors(client, gateway):
    prepared, _ = pay(client, gateway)
    body = gateway.build_querydr_request(prepared.txn_ref, prepared.created_at, ip_addr="10.0.0.1")
    body["vnp_OrderInfo"] = "Truy van khac"  # not what was signed
    result = gateway.verify_querydr_response(
        client.post(API_URL, json=body).get_json(), txn_ref=prepared.txn_ref
    )
    assert result.verified
    assert result.response_code == "97"
    assert result.outcome is ApiOutcome.CHECKSUM_REJECTED

    body = gateway.build_querydr_request(prepared.txn_ref, prepared.created_at, ip_addr="10.0.0.1")
    body["vnp_IpAddr"] = "x"
    body["vnp_SecureHash"] = hmac_sha512(SECRET, pipe_join(body, QUERYDR_REQUEST_FIELDS))
    result = gateway.verify_querydr_response(
        client.post(API_URL, json=body).get_json(), txn_ref=prepared.txn_ref
    )
    assert result.verified
    assert result.response_code == "03"
    assert result.outcome is ApiOutcome.BAD_REQUEST

    other = make_gateway(client, tmn_code="OTHERTMN")
    result = other.query(prepared.txn_ref, prepared.created_at, ip_addr="10.0.0.1")
    assert result.response_code == "02"
    assert "vnp_SecureHash" not in result.raw  # unknown terminal: nothing to sign with
    assert not result.verified

    reply = client.post(API_URL, data="not json", content_type="text/plain").get_json()
    assert reply["vnp_ResponseCode"] == "03"


# --- refund ---------------------------------------------------------------------------------


def refund(gateway, prepared, amount: int, already: int = 0, **kwargs):
    return gateway.refund(
        prepared.txn_ref,
        prepared.created_at,
        amount,
        original_amount=AMOUNT,
        already_refunded=already,
        created_by="Nguyen Van Can Bo",
        ip_addr="10.0.0.1",
        **kwargs,
    )


def test_refund_partial_then_rest_then_nothing_left(app, client, gateway):
    prepared, response = pay(client, gateway)
    paid = gateway.verify_callback(returned(response))

    first = refund(gateway, prepared, 50_000)
    assert first.ok
    assert (first.transaction_type, first.transaction_status) == ("03", "05")
    assert first.amount == 50_000
    assert re.fullmatch(r"[0-9]{8}", first.transaction_no)
    assert first.transaction_no != paid.transaction_no
    assert first.raw["vnp_SecureHash"] == hmac_sha512(
        SECRET, pipe_join(first.raw, REFUND_RESPONSE_FIELDS)
    )

    rest = refund(gateway, prepared, 100_000, already=50_000)
    assert rest.ok
    assert rest.transaction_type == "03"
    assert rest.transaction_no not in (first.transaction_no, paid.transaction_no)

    over = refund(gateway, prepared, 10_000, already=0)
    assert over.verified
    assert over.response_code == "94"
    assert over.outcome is ApiOutcome.DUPLICATE

    entry = vnpay_sim.transaction(app, prepared.txn_ref)
    assert [(r["amount"], r["transaction_type"]) for r in entry["refunds"]] == [
        (5_000_000, "03"),
        (10_000_000, "03"),
    ]
    assert entry["refunded"] == AMOUNT * 100
    # The payment itself still queries as paid.
    assert gateway.query(prepared.txn_ref, prepared.created_at, ip_addr="10.0.0.1").paid


def test_full_refund_then_nothing_left(client, gateway):
    prepared, _ = pay(client, gateway, card="4456530000001005", otp="")
    full = refund(gateway, prepared, AMOUNT)
    assert full.ok
    assert (full.transaction_type, full.transaction_status, full.bank_code) == ("02", "05", "VISA")
    again = refund(gateway, prepared, AMOUNT)
    assert again.response_code == "94"
    assert again.outcome is ApiOutcome.DUPLICATE


def test_refund_amount_rules(client, gateway):
    prepared, _ = pay(client, gateway)
    assert refund(gateway, prepared, 50_000).ok
    # The client believes nothing was refunded, so it asks for a full refund (02): 04.
    full_after_partial = refund(gateway, prepared, AMOUNT)
    assert full_after_partial.verified
    assert full_after_partial.transaction_type is None
    assert full_after_partial.response_code == "04"
    # More than the 100,000 VND left: 93.
    over = refund(gateway, prepared, 120_000)
    assert over.verified
    assert over.response_code == "93"
    # A 02 refund must be of the whole amount (hand-built: the client would send 03).
    other, _ = pay(client, gateway)
    body = gateway.build_refund_request(
        other.txn_ref,
        other.created_at,
        1000,
        original_amount=AMOUNT,
        created_by="can bo",
        ip_addr="10.0.0.1",
    )
    body["vnp_TransactionType"] = "02"
    body["vnp_SecureHash"] = hmac_sha512(SECRET, pipe_join(body, REFUND_REQUEST_FIELDS))
    reply = gateway.verify_refund_response(
        client.post(API_URL, json=body).get_json(), txn_ref=other.txn_ref
    )
    assert reply.verified
    assert reply.response_code == "93"


def test_refund_of_unsuccessful_or_unknown_payment(client, gateway):
    failed, _ = pay(client, gateway, card="9704195798459170488", otp="")
    result = refund(gateway, failed, AMOUNT)
    assert result.verified
    assert result.response_code == "95"
    assert result.outcome is ApiOutcome.REFUSED
    pending = gateway.prepare_payment(intent())
    open_page(client, pending.url)
    assert refund(gateway, pending, AMOUNT).outcome is ApiOutcome.REFUSED
    unknown = gateway.prepare_payment(intent())
    result = refund(gateway, unknown, AMOUNT)
    assert result.response_code == "91"
    assert result.outcome is ApiOutcome.NOT_FOUND


# --- wiring ---------------------------------------------------------------------------------


def test_production_refuses_the_simulator(ipn):
    with pytest.raises(RuntimeError):
        make_app(ipn, APP_ENV="production")


def test_disabled_simulator_is_not_mounted(ipn):
    app = make_app(ipn, SIMULATORS_ENABLED=False)
    assert vnpay_sim.EXTENSION not in app.extensions
    assert app.test_client().get(PAY_PATH).status_code == 404
    production = make_app(ipn, SIMULATORS_ENABLED=False, APP_ENV="production")
    assert vnpay_sim.EXTENSION not in production.extensions


def test_ledger_and_reset(app, client, gateway):
    prepared, _ = pay(client, gateway)
    entries = vnpay_sim.ledger(app)
    assert [e["txn_ref"] for e in entries] == [prepared.txn_ref]
    entries[0]["refunds"].append("mutating a copy")
    assert vnpay_sim.ledger(app)[0]["refunds"] == []
    vnpay_sim.reset(app)
    assert vnpay_sim.ledger(app) == []
    assert vnpay_sim.transaction(app, prepared.txn_ref) is None
