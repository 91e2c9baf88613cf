"""A local simulator of the VNPay 2.1.0 sandbox, speaking its HTTP protocol.

"§n" means a section of ``VNPAY.md`` (``/work/shared/docs/VNPAY.md``); §12 there suggests the
design. The simulator is mounted at ``/simulators/vnpay``, so a client configured with

* ``VNPAY_PAYMENT_URL = <base>/simulators/vnpay/paymentv2/vpcpay.html`` and
* ``VNPAY_API_URL = <base>/simulators/vnpay/merchant_webapi/api/transaction``

talks to it exactly as to ``sandbox.vnpayment.vn``. Routes (all under the prefix):

``GET /paymentv2/vpcpay.html``
    Checks the signed pay request (§2.1, §3.1) and shows a payment page; a rejected request is
    redirected to ``/paymentv2/Payment/Error.html?code=NN`` (§6.5).
``POST /paymentv2/vpcpay.html``
    The page's form: the outcome comes from the sandbox cards of §9 (or "Hủy giao dịch" =
    cancel). The §4 result is signed, recorded in the in-memory ledger, sent to the IPN URL
    (§5) as configured, and the browser is redirected to ``vnp_ReturnUrl``.
``GET /paymentv2/Payment/Error.html``
    The gateway error page.
``POST /merchant_webapi/api/transaction``
    ``querydr`` and ``refund`` (§7), answers signed as :class:`VNPayGateway` verifies them.
``GET /static/simulator.css``
    The pages' stylesheet (the app's CSP forbids inline styles and scripts).

Configuration (``app.config``, read once by :func:`init_app`; the attributes of
:class:`VNPaySimulator` may be changed afterwards, e.g. by tests):

``VNPAY_TMN_CODE`` / ``VNPAY_HASH_SECRET``
    The one known terminal (default ``DEVSIM01`` and a dev-only secret); any other
    ``vnp_TmnCode`` is "not approved" (71 on the page, 02 on the API).
``VNPAY_SIM_IPN_URL``
    The terminal's IPN URL (§1: registered with VNPay, not a request parameter); default
    ``PUBLIC_BASE_URL + "/api/v1/payments/vnpay/ipn"``.
``VNPAY_SIM_IPN_ATTEMPTS`` / ``VNPAY_SIM_IPN_INTERVAL_SECONDS``
    At most this many IPN calls in all, this far apart (§5.1: 10 calls, 5 minutes).
``VNPAY_SIM_IPN_MODE``
    ``thread`` (default): deliver from a background daemon thread, first call at once;
    ``sync``: deliver, retries included, before redirecting the browser (IPN before return;
    for tests, with an interval of 0 - the retries sleep inline); ``off``: never (return
    without IPN; :func:`deliver_ipn` can send it later, i.e. return before IPN). In ``sync``
    mode on a real server, the server must be threaded, since the IPN calls the same app.

Test helpers (Python, not HTTP): :func:`simulator`, :func:`ledger`, :func:`transaction`,
:func:`force_outcome`, :func:`deliver_ipn`, :func:`wait_for_ipn`, :func:`reset`. The IPN
transport is the attribute ``http_get(url, timeout)`` returning an object with
``status_code`` and ``text`` (a ``requests`` or Flask test response); tests replace it to reach
a test client without a socket.

Choices where VNPay's behaviour is not documented are marked "[SIM]".
"""

from __future__ import annotations

import dataclasses
import hmac
import json
import logging
import re
import secrets
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import Blueprint, Flask, Response, current_app, redirect, request, url_for
from markupsafe import Markup

from backend.core.clock import VN_TZ, utcnow
from backend.core.web import CSP
from backend.payments.gateways.vnpay import (
    ERROR_PAGE_CODES,
    QUERYDR_REQUEST_FIELDS,
    QUERYDR_RESPONSE_CODES,
    QUERYDR_RESPONSE_FIELDS,
    REFUND_REQUEST_FIELDS,
    REFUND_RESPONSE_CODES,
    REFUND_RESPONSE_FIELDS,
    RESPONSE_CODES,
    CodeInfo,
    VNPayGateway,
    encode_query,
    format_vnp_datetime,
    parse_vnp_datetime,
    pipe_join,
)

log = logging.getLogger(__name__)

__all__ = [
    "API_PATH",
    "ERROR_PATH",
    "EXTENSION",
    "PAYMENT_PATH",
    "PREFIX",
    "SANDBOX_CARDS",
    "IpnAttempt",
    "SandboxCard",
    "SimRefund",
    "SimTransaction",
    "VNPaySimulator",
    "deliver_ipn",
    "force_outcome",
    "init_app",
    "ledger",
    "reset",
    "simulator",
    "transaction",
    "wait_for_ipn",
]

PREFIX = "/simulators/vnpay"
PAYMENT_PATH = "/paymentv2/vpcpay.html"
ERROR_PATH = "/paymentv2/Payment/Error.html"
API_PATH = "/merchant_webapi/api/transaction"
#: Key of the :class:`VNPaySimulator` in ``app.extensions``.
EXTENSION = "vnpay_sim"

DEFAULT_TMN_CODE = "DEVSIM01"
DEFAULT_HASH_SECRET = "dev-only-vnpay-hash-secret-DO-NOT-USE"  # noqa: S105 (dev only)
DEFAULT_IPN_PATH = "/api/v1/payments/vnpay/ipn"
DEFAULT_BASE_URL = "http://127.0.0.1:5000"
IPN_MODES = frozenset({"thread", "sync", "off"})

#: A payment page session lives this long, then the form is refused with code 15.
SESSION_TTL = timedelta(minutes=30)
#: Bounds of the in-memory stores (the oldest entries go first).
MAX_SESSIONS = 1000
MAX_TRANSACTIONS = 10_000
#: Seconds to wait for the merchant's IPN answer [SIM]: §5.1 does not give the timeout.
IPN_TIMEOUT = 30.0
#: The part of an IPN answer kept in the ledger.
IPN_BODY_LIMIT = 2000

VERSION = "2.1.0"
SECURE_HASH = "vnp_SecureHash"
SECURE_HASH_TYPE = "vnp_SecureHashType"
IPN_FINAL_CODES = frozenset({"00", "02"})  # §5.1: VNPay stops on these

#: Error-page codes the simulator uses besides §6.5's 70/71/15 [SIM]: 03 "data format invalid"
#: borrows the API code of §6.4; 01 "transaction already exists" the legacy code of §6.1/§10.5.
SIM_ERROR_PAGE_CODES: dict[str, CodeInfo] = {
    **ERROR_PAGE_CODES,
    "03": CodeInfo("Dữ liệu gửi sang không đúng định dạng", "Data format invalid"),
    "01": CodeInfo("Giao dịch đã tồn tại", "Transaction already exists"),
}
#: Refund answers missing from the client's table (§6.4): codes transcribed from VNPay's refund
#: page in several public integrations (04, 13, 93) [SIM]; the client reads them as "error".
SIM_REFUND_CODES: dict[str, CodeInfo] = {
    **REFUND_RESPONSE_CODES,
    "04": CodeInfo(
        "Không cho phép hoàn trả toàn phần sau khi hoàn trả một phần",
        "Full refund not allowed after a partial refund",
    ),
    "93": CodeInfo(
        "Số tiền hoàn trả không hợp lệ. Số tiền hoàn trả phải nhỏ hơn hoặc bằng số tiền thanh toán",
        "Invalid refund amount: it must not exceed the amount left to refund",
    ),
}

# Formats of §2.1 and §7, written from the doc rather than taken from the client, so that the
# simulator can catch the client's mistakes. ``vnp_TxnRef`` admits hyphens (§2.1 [OBS]).
_TMN_CODE = re.compile(r"[A-Za-z0-9]{8}")
_AMOUNT = re.compile(r"[0-9]{1,12}")
_BANK_CODE = re.compile(r"[A-Za-z0-9]{3,20}")
_DATE14 = re.compile(r"[0-9]{14}")
_IP_ADDR = re.compile(r"[0-9A-Fa-f.:]{7,45}")
_ORDER_TYPE = re.compile(r"[A-Za-z0-9]{1,100}")
_TXN_REF = re.compile(r"[A-Za-z0-9-]{1,100}")
_REQUEST_ID = re.compile(r"[A-Za-z0-9]{1,32}")
_TRANSACTION_NO = re.compile(r"[0-9]{1,15}")
_ISSUE_DATE = re.compile(r"(0[1-9]|1[0-2])/[0-9]{2}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PAY_REQUIRED = (
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
    "vnp_TxnRef",
)


# --- sandbox cards (§9) ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SandboxCard:
    """A test card and the result it gives (§9, mapped per §12)."""

    number: str
    bank_code: str
    card_type: str
    response_code: str
    transaction_status: str
    #: When set, any other OTP gives 13/02 (wrong OTP).
    otp: str | None = None


_SUCCESS = ("00", "00")
_FAILED = "02"  # §12: the status paired with a failure code is not documented; choose 02
SANDBOX_CARDS: dict[str, SandboxCard] = {
    card.number: card
    for card in (
        SandboxCard("9704198526191432198", "NCB", "ATM", *_SUCCESS, otp="123456"),
        SandboxCard("9704195798459170488", "NCB", "ATM", "51", _FAILED),  # insufficient
        SandboxCard("9704192181368742", "NCB", "ATM", "09", _FAILED),  # not activated
        SandboxCard("9704193370791314", "NCB", "ATM", "12", _FAILED),  # locked
        # Expired card [SIM]: §6.1 has no "card expired" code; 11 ("waiting time expired") is
        # the only expiry code and what integrators map this card to (§9 [UNCERTAIN]). The
        # client therefore reports it as PaymentOutcome.EXPIRED.
        SandboxCard("9704194841945513", "NCB", "ATM", "11", _FAILED),
        # International cards (no-3DS / 3DS): bank code and card type VISA as observed (§4);
        # MASTERCARD / JCB by analogy [SIM]. No OTP (they use a CVC).
        SandboxCard("4456530000001005", "VISA", "VISA", *_SUCCESS),
        SandboxCard("4456530000001096", "VISA", "VISA", *_SUCCESS),
        SandboxCard("5200000000001005", "MASTERCARD", "MASTERCARD", *_SUCCESS),
        SandboxCard("5200000000001096", "MASTERCARD", "MASTERCARD", *_SUCCESS),
        SandboxCard("3337000000000008", "JCB", "JCB", *_SUCCESS),
        SandboxCard("3337000000200004", "JCB", "JCB", *_SUCCESS),
    )
}
#: Wrong OTP on a card that asks for one (§6.1, §12).
WRONG_OTP = ("13", _FAILED)
#: Customer cancelled: observed as 24/02, TransactionNo 0, bank VNPAY, card QRCODE (§4 [OBS]).
CANCELLED = ("24", _FAILED)


# --- ledger records ---------------------------------------------------------------------------


@dataclass(slots=True)
class IpnAttempt:
    """One IPN call: ``status``/``body`` of the answer, or ``error`` when there was none."""

    number: int
    at: datetime
    url: str
    status: int | None
    body: str | None
    rsp_code: str | None
    error: str | None
    #: HTTP 200 with ``RspCode`` 00 or 02: VNPay stops (§5.1).
    final: bool


@dataclass(slots=True)
class SimRefund:
    request_id: str
    transaction_no: str
    transaction_type: str
    #: ×100, as in ``vnp_Amount``.
    amount: int
    created_by: str
    order_info: str
    created_at: str
    transaction_status: str = "05"


@dataclass(slots=True)
class SimTransaction:
    """A pay request the gateway accepted; ``state`` is ``pending`` until the form is sent."""

    tmn_code: str
    txn_ref: str
    #: ``vnp_CreateDate`` of the pay request = ``vnp_TransactionDate`` of querydr/refund.
    create_date: str
    #: ×100, as in ``vnp_Amount``.
    amount: int
    order_info: str
    return_url: str
    expire_date: str | None
    request: dict[str, str]
    state: str = "pending"
    response_code: str | None = None
    transaction_status: str | None = None
    transaction_no: str | None = None
    bank_code: str | None = None
    bank_tran_no: str | None = None
    card_type: str | None = None
    pay_date: str | None = None
    #: The signed §4 parameters sent to the Return URL and the IPN.
    result: dict[str, str] = field(default_factory=dict)
    return_url_sent: str | None = None
    #: ``not_sent`` | ``pending`` | ``delivered`` | ``failed`` | ``off``
    ipn_status: str = "not_sent"
    ipn_attempts: list[IpnAttempt] = field(default_factory=list)
    refunds: list[SimRefund] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.tmn_code, self.txn_ref, self.create_date)

    @property
    def refunded(self) -> int:
        return sum(r.amount for r in self.refunds)


@dataclass(slots=True)
class _Session:
    token: str
    key: tuple[str, str, str]
    params: dict[str, str]
    created_at: datetime


class _PayRejected(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def requests_http_get(url: str, timeout: float) -> requests.Response:
    """Default IPN transport: a plain GET, redirects not followed (only 200 counts, §5.1)."""
    return requests.get(url, timeout=timeout, allow_redirects=False)


# --- the simulator ----------------------------------------------------------------------------


class VNPaySimulator:
    """State of one simulated gateway: terminals, payment sessions, ledger, IPN delivery."""

    def __init__(
        self,
        *,
        tmn_code: str = DEFAULT_TMN_CODE,
        hash_secret: str = DEFAULT_HASH_SECRET,
        ipn_url: str = DEFAULT_BASE_URL + DEFAULT_IPN_PATH,
        ipn_attempts: int = 10,
        ipn_interval: float = 300,
        ipn_mode: str = "thread",
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        if ipn_mode not in IPN_MODES:
            raise ValueError(f"VNPAY_SIM_IPN_MODE must be one of {sorted(IPN_MODES)}")
        if ipn_attempts < 1 or ipn_interval < 0:
            raise ValueError("VNPAY_SIM_IPN_ATTEMPTS must be >= 1 and the interval >= 0")
        #: Known terminals, each as a client object used for its signing helpers.
        self.terminals: dict[str, VNPayGateway] = {}
        self.add_terminal(tmn_code, hash_secret)
        self.ipn_url = ipn_url
        self.ipn_attempts = int(ipn_attempts)
        self.ipn_interval = float(ipn_interval)
        self.ipn_mode = ipn_mode
        self.ipn_timeout = IPN_TIMEOUT
        self.http_get: Callable[[str, float], Any] = requests_http_get
        self.clock = clock
        self.max_sessions = MAX_SESSIONS
        self.session_ttl = SESSION_TTL
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._sessions: OrderedDict[str, _Session] = OrderedDict()
        self._transactions: OrderedDict[tuple[str, str, str], SimTransaction] = OrderedDict()
        self._request_ids: tuple[str, set[tuple[str, str]]] = ("", set())
        self._forced: list[tuple[str, str]] = []
        self._threads: list[threading.Thread] = []
        self._next_no = 10_000_000 + secrets.randbelow(80_000_000)

    def add_terminal(self, tmn_code: str, hash_secret: str) -> None:
        """Make ``tmn_code`` a known ("approved") terminal signing with ``hash_secret``."""
        self.terminals[tmn_code] = VNPayGateway(
            tmn_code,
            hash_secret,
            payment_url=PREFIX + PAYMENT_PATH,
            api_url=PREFIX + API_PATH,
            return_url="http://simulator.invalid/return",
        )

    def now(self) -> datetime:
        return self.clock().astimezone(VN_TZ)

    def _transaction_no(self) -> str:
        """A fresh 8-digit ``vnp_TransactionNo`` (§4, §12)."""
        with self._lock:
            self._next_no += 1
            if self._next_no > 99_999_999:
                self._next_no = 10_000_000
            return str(self._next_no)

    # --- pay request (§2.1, §3) ---------------------------------------------------------

    def check_pay_request(self, args: Any) -> dict[str, str]:
        """The ``vnp_*`` parameters of an acceptable pay request; raises :class:`_PayRejected`
        with the error-page code otherwise. Order [SIM]: repeated parameter (03), terminal
        (71), signature (70), formats (03), deadline (15), reference already paid today (01).
        """
        names = [k for k in args if k.startswith("vnp_")]
        if any(len(args.getlist(k)) > 1 for k in names):
            raise _PayRejected("03", "repeated parameter")
        params = {k: args.get(k, "") for k in names}
        gateway = self.terminals.get(params.get("vnp_TmnCode", ""))
        if gateway is None:
            raise _PayRejected("71", "unknown terminal")
        if not gateway.verify_signature(params):
            raise _PayRejected("70", "invalid signature")
        problem = _pay_format_problem(params)
        if problem:
            raise _PayRejected("03", problem)
        now = self.now()
        expire = params.get("vnp_ExpireDate")
        if expire and parse_vnp_datetime(expire) <= now:
            raise _PayRejected("15", "vnp_ExpireDate has passed")
        if self._paid_same_day(params["vnp_TmnCode"], params["vnp_TxnRef"], params):
            raise _PayRejected("01", "vnp_TxnRef already used today")
        return params

    def _paid_same_day(self, tmn_code: str, txn_ref: str, params: Mapping[str, str]) -> bool:
        """§10.5: a reference is unique per day and terminal; only finished ones count, so that
        reloading the payment page is harmless."""
        day = params["vnp_CreateDate"][:8]
        with self._lock:
            return any(
                t.state == "completed" and t.create_date[:8] == day
                for (tmn, ref, _), t in self._transactions.items()
                if tmn == tmn_code and ref == txn_ref
            )

    def open_session(self, params: dict[str, str]) -> _Session:
        """Remember an accepted pay request under a random token; the ledger gets a pending
        transaction (querydr reports it as not completed)."""
        now = self.now()
        key = (params["vnp_TmnCode"], params["vnp_TxnRef"], params["vnp_CreateDate"])
        session = _Session(secrets.token_urlsafe(24), key, dict(params), now)
        with self._lock:
            self._purge_sessions(now)
            while len(self._sessions) >= self.max_sessions:
                self._sessions.popitem(last=False)
            self._sessions[session.token] = session
            existing = self._transactions.get(key)
            if existing is None or existing.state == "pending":
                self._store(
                    SimTransaction(
                        tmn_code=key[0],
                        txn_ref=key[1],
                        create_date=key[2],
                        amount=int(params["vnp_Amount"]),
                        order_info=params["vnp_OrderInfo"],
                        return_url=params["vnp_ReturnUrl"],
                        expire_date=params.get("vnp_ExpireDate"),
                        request=dict(params),
                    )
                )
        return session

    def _purge_sessions(self, now: datetime) -> None:
        stale = [t for t, s in self._sessions.items() if now - s.created_at > self.session_ttl]
        for token in stale:
            del self._sessions[token]

    def get_session(self, token: str) -> _Session | None:
        with self._lock:
            self._purge_sessions(self.now())
            return self._sessions.get(token)

    def pop_session(self, token: str) -> _Session | None:
        """Claim a session (single use: a second submit finds nothing)."""
        with self._lock:
            self._purge_sessions(self.now())
            return self._sessions.pop(token, None)

    def _store(self, txn: SimTransaction) -> None:
        self._transactions[txn.key] = txn
        self._transactions.move_to_end(txn.key)
        while len(self._transactions) > MAX_TRANSACTIONS:
            self._transactions.popitem(last=False)

    # --- result (§4) --------------------------------------------------------------------

    def take_forced_outcome(self) -> tuple[str, str] | None:
        with self._lock:
            return self._forced.pop(0) if self._forced else None

    def complete(
        self,
        session: _Session,
        response_code: str,
        transaction_status: str,
        *,
        bank_code: str,
        card_type: str,
        cancelled: bool = False,
    ) -> SimTransaction:
        """Finish the session: build and sign the §4 result, record it, return the
        transaction (``return_url_sent`` is where to send the browser). Raises
        :class:`_PayRejected` (01) when the reference was completed meanwhile."""
        params = session.params
        gateway = self.terminals[params["vnp_TmnCode"]]
        transaction_no = "0" if cancelled else self._transaction_no()
        result = {
            "vnp_Amount": params["vnp_Amount"],
            "vnp_BankCode": bank_code,
            "vnp_CardType": card_type,
            "vnp_OrderInfo": params["vnp_OrderInfo"],
            "vnp_PayDate": format_vnp_datetime(self.now()),
            "vnp_ResponseCode": response_code,
            "vnp_TmnCode": params["vnp_TmnCode"],
            "vnp_TransactionNo": transaction_no,
            "vnp_TransactionStatus": transaction_status,
            "vnp_TxnRef": params["vnp_TxnRef"],
        }
        if not cancelled:  # absent on cancellation (§4 [OBS])
            result["vnp_BankTranNo"] = _bank_tran_no(bank_code, transaction_no)
        data = encode_query(result)  # never an empty value (§3.1 step 1, §4)
        signature = gateway.sign(data)
        return_url = params["vnp_ReturnUrl"]
        separator = "&" if urlsplit(return_url).query else "?"
        with self._lock:
            txn = self._transactions.get(session.key)
            if txn is not None and txn.state == "completed":
                raise _PayRejected("01", "transaction already completed")
            if txn is None:  # pushed out of the bounded ledger meanwhile
                txn = SimTransaction(
                    tmn_code=session.key[0],
                    txn_ref=session.key[1],
                    create_date=session.key[2],
                    amount=int(params["vnp_Amount"]),
                    order_info=params["vnp_OrderInfo"],
                    return_url=return_url,
                    expire_date=params.get("vnp_ExpireDate"),
                    request=dict(params),
                )
            txn.state = "completed"
            txn.response_code = response_code
            txn.transaction_status = transaction_status
            txn.transaction_no = transaction_no
            txn.bank_code = bank_code
            txn.bank_tran_no = result.get("vnp_BankTranNo")
            txn.card_type = card_type
            txn.pay_date = result["vnp_PayDate"]
            txn.result = {**result, SECURE_HASH: signature}
            txn.return_url_sent = f"{return_url}{separator}{data}&{SECURE_HASH}={signature}"
            self._store(txn)
        return txn

    # --- IPN (§5) -----------------------------------------------------------------------

    def _ipn_target(self, txn: SimTransaction) -> str:
        data = encode_query({k: v for k, v in txn.result.items() if k != SECURE_HASH})
        separator = "&" if urlsplit(self.ipn_url).query else "?"
        return f"{self.ipn_url}{separator}{data}&{SECURE_HASH}={txn.result[SECURE_HASH]}"

    def dispatch_ipn(self, txn: SimTransaction) -> None:
        """Send the IPN of ``txn`` according to :attr:`ipn_mode`."""
        if self.ipn_mode == "off":
            with self._lock:
                txn.ipn_status = "off"
        elif self.ipn_mode == "sync":
            self.deliver(txn)
        else:
            with self._lock:
                txn.ipn_status = "pending"
                thread = threading.Thread(
                    target=self.deliver,
                    args=(txn,),
                    name=f"vnpay-sim-ipn-{txn.txn_ref}",
                    daemon=True,
                )
                self._threads = [t for t in self._threads if t.is_alive()]
                self._threads.append(thread)
            thread.start()

    def deliver(self, txn: SimTransaction) -> bool:
        """Call the IPN URL until it answers HTTP 200 with ``RspCode`` 00 or 02, at most
        :attr:`ipn_attempts` calls in all, :attr:`ipn_interval` seconds apart (§5.1). Every
        call is recorded. Never raises (it runs in a thread)."""
        try:
            url = self._ipn_target(txn)
            with self._lock:
                txn.ipn_status = "pending"
                attempts, interval = self.ipn_attempts, self.ipn_interval
            for number in range(1, attempts + 1):
                if number > 1 and self._stop.wait(interval):
                    break  # shutting down
                attempt = self._call_ipn(url, number)
                with self._lock:
                    txn.ipn_attempts.append(attempt)
                if attempt.final:
                    with self._lock:
                        txn.ipn_status = "delivered"
                    return True
            log.warning("VNPay simulator: IPN for %s not confirmed", txn.txn_ref)
        except Exception:  # a background thread must not die noisily
            log.exception("VNPay simulator: IPN delivery crashed for %s", txn.txn_ref)
        with self._lock:
            txn.ipn_status = "failed"
        return False

    def _call_ipn(self, url: str, number: int) -> IpnAttempt:
        status = body = rsp_code = error = None
        at = self.now()
        try:
            response = self.http_get(url, self.ipn_timeout)
            status = int(response.status_code)
            body = str(response.text)[:IPN_BODY_LIMIT]
        except Exception as exc:  # timeout, refused connection... = failure, retry (§5.1)
            error = f"{exc.__class__.__name__}: {exc}"
        if body is not None:
            try:
                decoded = json.loads(body)
            except ValueError:
                decoded = None
            if isinstance(decoded, dict) and isinstance(decoded.get("RspCode"), str):
                rsp_code = decoded["RspCode"]
        final = status == 200 and rsp_code in IPN_FINAL_CODES
        return IpnAttempt(number, at, url, status, body, rsp_code, error, final)

    def wait_for_ipn(self, timeout: float = 10.0) -> bool:
        """Join the background IPN threads; whether they all finished within ``timeout``."""
        with self._lock:
            threads = list(self._threads)
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in threads)

    def shutdown(self) -> None:
        """Stop waiting between IPN retries (threads end after their current call)."""
        self._stop.set()

    # --- merchant API (§7) --------------------------------------------------------------

    def handle_api(self, body: Any) -> dict[str, str]:
        """Answer a ``querydr`` or ``refund`` JSON body (§7, §12).

        Order [SIM]: JSON object (03, unsigned), terminal (02, unsigned: the secret is
        unknown), command (03), checksum (97), formats (03), ``vnp_RequestId`` used today (94),
        transaction by TxnRef + TransactionDate (91), then the command itself. Every answer
        made with a known terminal is signed; all values are strings."""
        if not isinstance(body, dict):
            return self._api_reply(None, "", "03", {})
        command = body.get("vnp_Command") if isinstance(body.get("vnp_Command"), str) else ""
        echo = {
            name: body[name]
            for name in ("vnp_TmnCode", "vnp_TxnRef")
            if isinstance(body.get(name), str)
        }
        gateway = self.terminals.get(echo.get("vnp_TmnCode", ""))
        if gateway is None:
            return self._api_reply(None, command, "02", echo)
        if command == "querydr":
            fields = QUERYDR_REQUEST_FIELDS
        elif command == "refund":
            fields = REFUND_REQUEST_FIELDS
        else:
            return self._api_reply(gateway, command, "03", echo)
        received = body.get(SECURE_HASH)
        expected = gateway.sign(pipe_join(body, fields))
        if not isinstance(received, str) or not hmac.compare_digest(
            expected.encode("ascii"), received.lower().encode("utf-8")
        ):
            return self._api_reply(gateway, command, "97", echo)
        problem = _api_format_problem(body, command)
        if problem:
            log.info("VNPay simulator: %s refused (03): %s", command, problem)
            return self._api_reply(gateway, command, "03", echo)
        with self._lock:
            if not self._claim_request_id(body["vnp_TmnCode"], body["vnp_RequestId"]):
                return self._api_reply(gateway, command, "94", echo)
            txn = self._transactions.get(
                (body["vnp_TmnCode"], body["vnp_TxnRef"], body["vnp_TransactionDate"])
            )
            number = body.get("vnp_TransactionNo")
            if txn is not None and number not in (None, "", "0") and txn.transaction_no != number:
                txn = None  # a transaction number that is not this payment's
            if txn is None:
                return self._api_reply(gateway, command, "91", echo)
            if command == "querydr":
                return self._querydr(gateway, txn)
            return self._refund(gateway, txn, body)

    def _claim_request_id(self, tmn_code: str, request_id: str) -> bool:
        """``vnp_RequestId`` is unique per terminal and day (GMT+7) (§7.1, §10.12)."""
        today = self.now().strftime("%Y%m%d")
        day, seen = self._request_ids
        if day != today:
            seen = set()
            self._request_ids = (today, seen)
        if (tmn_code, request_id) in seen:
            return False
        seen.add((tmn_code, request_id))
        return True

    def _querydr(self, gateway: VNPayGateway, txn: SimTransaction) -> dict[str, str]:
        """§7.2. A page opened but never submitted is ``01`` (not completed), or ``02`` once
        its ``vnp_ExpireDate`` passed [SIM]. After a refund the payment keeps its own status
        and type [SIM]."""
        if txn.state == "pending":
            status = "01"
            if txn.expire_date and parse_vnp_datetime(txn.expire_date) <= self.now():
                status = "02"
        else:
            status = txn.transaction_status or ""
        fields = {
            "vnp_TmnCode": txn.tmn_code,
            "vnp_TxnRef": txn.txn_ref,
            "vnp_Amount": str(txn.amount),
            "vnp_OrderInfo": txn.order_info,
            "vnp_BankCode": txn.bank_code,
            "vnp_PayDate": txn.pay_date,
            "vnp_TransactionNo": txn.transaction_no,
            "vnp_TransactionType": "01",
            "vnp_TransactionStatus": status,
        }
        return self._api_reply(gateway, "querydr", "00", fields, message="QueryDR Success")

    def _refund(
        self, gateway: VNPayGateway, txn: SimTransaction, body: Mapping[str, str]
    ) -> dict[str, str]:
        """§7.3-§7.4: only a successful payment (95); nothing left to refund (94); a full
        refund (02) after a partial one (04); more than what is left, or a full refund of
        another amount (93). Success: a new TransactionNo, status 05 (processing)."""
        echo = {"vnp_TmnCode": txn.tmn_code, "vnp_TxnRef": txn.txn_ref}
        amount = int(body["vnp_Amount"])
        kind = body["vnp_TransactionType"]
        remaining = txn.amount - txn.refunded
        if txn.state != "completed" or txn.transaction_status != "00":
            code = "95"
        elif remaining <= 0:
            code = "94"
        elif kind == "02" and txn.refunded:
            code = "04"
        elif (kind == "02" and amount != txn.amount) or amount > remaining:
            code = "93"
        else:
            code = "00"
        if code != "00":
            return self._api_reply(gateway, "refund", code, echo)
        refund = SimRefund(
            request_id=body["vnp_RequestId"],
            transaction_no=self._transaction_no(),
            transaction_type=kind,
            amount=amount,
            created_by=body["vnp_CreateBy"],
            order_info=body["vnp_OrderInfo"],
            created_at=format_vnp_datetime(self.now()),
        )
        txn.refunds.append(refund)
        fields = {
            **echo,
            "vnp_Amount": str(amount),
            "vnp_OrderInfo": refund.order_info,
            "vnp_BankCode": txn.bank_code,
            "vnp_PayDate": refund.created_at,
            "vnp_TransactionNo": refund.transaction_no,
            "vnp_TransactionType": kind,
            "vnp_TransactionStatus": refund.transaction_status,
        }
        return self._api_reply(gateway, "refund", "00", fields, message="Refund success")

    @staticmethod
    def _api_reply(
        gateway: VNPayGateway | None,
        command: str,
        code: str,
        fields: Mapping[str, str | None],
        *,
        message: str | None = None,
    ) -> dict[str, str]:
        """A JSON answer: string values only, empty ones left out, signed over the 15 querydr
        fields (absent = empty, §7.2) or the 13 refund fields (§7.4)."""
        if message is None:
            table = SIM_REFUND_CODES if command == "refund" else QUERYDR_RESPONSE_CODES
            message = table.get(code, QUERYDR_RESPONSE_CODES["99"]).en
        reply = {
            "vnp_ResponseId": uuid.uuid4().hex,
            "vnp_Command": command,
            "vnp_ResponseCode": code,
            "vnp_Message": message,
            **fields,
        }
        reply = {k: str(v) for k, v in reply.items() if v is not None and v != ""}
        if gateway is not None:
            order = REFUND_RESPONSE_FIELDS if command == "refund" else QUERYDR_RESPONSE_FIELDS
            reply[SECURE_HASH] = gateway.sign(pipe_join(reply, order))
        return reply

    # --- test helpers -------------------------------------------------------------------

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [_as_dict(t) for t in self._transactions.values()]

    def find(self, txn_ref: str) -> SimTransaction | None:
        with self._lock:
            for txn in reversed(self._transactions.values()):
                if txn.txn_ref == txn_ref:
                    return txn
        return None

    def force(self, response_code: str, transaction_status: str | None = None) -> None:
        if transaction_status is None:
            transaction_status = "00" if response_code == "00" else _FAILED
        with self._lock:
            self._forced.append((response_code, transaction_status))

    def clear(self) -> None:
        with self._lock:
            self._sessions.clear()
            self._transactions.clear()
            self._request_ids = ("", set())
            self._forced.clear()


def _as_dict(txn: SimTransaction) -> dict[str, Any]:
    data = dataclasses.asdict(txn)
    data["refunded"] = txn.refunded
    return data


def _bank_tran_no(bank_code: str, transaction_no: str) -> str:
    """``VNP`` + TransactionNo for NCB (§4 [OBS]); a long number for cards [SIM]."""
    if bank_code == "NCB":
        return f"VNP{transaction_no}"
    return f"{secrets.randbelow(10**12):012d}"


def _valid_date(value: Any) -> bool:
    if not isinstance(value, str) or not _DATE14.fullmatch(value):
        return False
    try:
        parse_vnp_datetime(value)
    except ValueError:
        return False
    return True


def _pay_format_problem(params: Mapping[str, str]) -> str | None:
    """The first breach of §2.1 in a pay request, or ``None``."""
    missing = [name for name in _PAY_REQUIRED if not params.get(name)]
    if missing:
        return f"missing {', '.join(missing)}"
    empty = [name for name, value in params.items() if value == ""]
    if empty:  # §3.1 step 1: never send empty values
        return f"empty {', '.join(sorted(empty))}"
    amount = params["vnp_Amount"]
    return_url = urlsplit(params["vnp_ReturnUrl"])
    checks = {
        "vnp_Version": params["vnp_Version"] == VERSION,
        "vnp_Command": params["vnp_Command"] == "pay",
        "vnp_TmnCode": bool(_TMN_CODE.fullmatch(params["vnp_TmnCode"])),
        # ×100 of a whole, positive VND amount (§2.1, §10.11) [SIM: the multiple of 100].
        "vnp_Amount": bool(_AMOUNT.fullmatch(amount)) and int(amount) > 0 and amount[-2:] == "00",
        "vnp_CreateDate": _valid_date(params["vnp_CreateDate"]),
        "vnp_CurrCode": params["vnp_CurrCode"] == "VND",
        "vnp_IpAddr": bool(_IP_ADDR.fullmatch(params["vnp_IpAddr"])),
        "vnp_Locale": params["vnp_Locale"] in ("vn", "en"),
        "vnp_OrderInfo": len(params["vnp_OrderInfo"]) <= 255
        and not _CONTROL.search(params["vnp_OrderInfo"]),
        "vnp_OrderType": bool(_ORDER_TYPE.fullmatch(params["vnp_OrderType"])),
        "vnp_ReturnUrl": 10 <= len(params["vnp_ReturnUrl"]) <= 255
        and return_url.scheme in ("http", "https")
        and bool(return_url.hostname),
        "vnp_TxnRef": bool(_TXN_REF.fullmatch(params["vnp_TxnRef"])),
        "vnp_BankCode": "vnp_BankCode" not in params
        or bool(_BANK_CODE.fullmatch(params["vnp_BankCode"])),
        # [CONFLICT] §2.1: required by the current table, absent from older docs and demos;
        # accepted when missing, checked when present.
        "vnp_ExpireDate": "vnp_ExpireDate" not in params
        or (
            _valid_date(params["vnp_ExpireDate"])
            and params["vnp_ExpireDate"] > params["vnp_CreateDate"]
        ),
    }
    bad = [name for name, ok in checks.items() if not ok]
    return f"invalid {', '.join(bad)}" if bad else None


def _api_format_problem(body: Mapping[str, Any], command: str) -> str | None:
    """The first breach of §7.1 / §7.3 in an API body (values must be JSON strings)."""

    def text(name: str) -> str | None:
        value = body.get(name)
        return value if isinstance(value, str) else None

    if any(not isinstance(v, str) for k, v in body.items() if k.startswith("vnp_")):
        return "non-string value"
    checks = {
        "vnp_RequestId": bool(_REQUEST_ID.fullmatch(text("vnp_RequestId") or "")),
        "vnp_Version": text("vnp_Version") == VERSION,
        "vnp_TmnCode": bool(_TMN_CODE.fullmatch(text("vnp_TmnCode") or "")),
        "vnp_TxnRef": bool(_TXN_REF.fullmatch(text("vnp_TxnRef") or "")),
        "vnp_TransactionDate": _valid_date(text("vnp_TransactionDate")),
        "vnp_CreateDate": _valid_date(text("vnp_CreateDate")),
        "vnp_IpAddr": bool(_IP_ADDR.fullmatch(text("vnp_IpAddr") or "")),
        "vnp_OrderInfo": 1 <= len(text("vnp_OrderInfo") or "") <= 255,
        "vnp_TransactionNo": body.get("vnp_TransactionNo") in (None, "")
        or bool(_TRANSACTION_NO.fullmatch(text("vnp_TransactionNo") or "")),
    }
    if command == "refund":
        amount = text("vnp_Amount") or ""
        checks["vnp_TransactionType"] = text("vnp_TransactionType") in ("02", "03")
        checks["vnp_Amount"] = (
            bool(_AMOUNT.fullmatch(amount)) and int(amount) > 0 and amount[-2:] == "00"
        )
        checks["vnp_CreateBy"] = 1 <= len(text("vnp_CreateBy") or "") <= 255
    bad = [name for name, ok in checks.items() if not ok]
    return f"invalid {', '.join(bad)}" if bad else None


# --- pages --------------------------------------------------------------------------------

TEXTS: dict[str, dict[str, str]] = {
    "vn": {
        "lang": "vi",
        "title": "Cổng thanh toán VNPAY (mô phỏng)",
        "banner": "Trình mô phỏng cục bộ của VNPAY sandbox: không phải VNPAY thật, "
        "không có tiền thật được chuyển.",
        "heading": "Thanh toán qua VNPAY",
        "order": "Thông tin đơn hàng",
        "merchant": "Mã website (TmnCode)",
        "amount": "Số tiền",
        "order_info": "Nội dung thanh toán",
        "txn_ref": "Mã tham chiếu đơn hàng",
        "expires": "Hết hạn thanh toán",
        "card": "Thông tin thẻ",
        "card_number": "Số thẻ",
        "card_number_help": "Chỉ nhận thẻ thử nghiệm của VNPAY sandbox (xem danh sách bên dưới).",
        "card_holder": "Tên chủ thẻ",
        "card_holder_help": "Viết không dấu, ví dụ NGUYEN VAN A.",
        "issue_date": "Ngày phát hành / hết hạn (MM/YY)",
        "issue_date_help": "Ví dụ 07/15.",
        "otp": "Mã OTP",
        "otp_help": "Thẻ NCB thành công dùng OTP 123456; thẻ quốc tế không cần OTP.",
        "pay": "Thanh toán",
        "cancel": "Hủy giao dịch",
        "test_cards": "Thẻ thử nghiệm",
        "col_card": "Số thẻ",
        "col_bank": "Loại",
        "col_result": "Kết quả (vnp_ResponseCode)",
        "error_title": "Lỗi",
        "error_heading": "Giao dịch không thể thực hiện",
        "error_code": "Mã lỗi",
        "unknown_card": "Số thẻ không được hỗ trợ trong môi trường thử nghiệm.",
        "missing_holder": "Vui lòng nhập tên chủ thẻ.",
        "bad_date": "Ngày phát hành / hết hạn phải có dạng MM/YY.",
        "missing_otp": "Vui lòng nhập mã OTP.",
        "bad_action": "Thao tác không hợp lệ.",
    },
    "en": {
        "lang": "en",
        "title": "VNPAY payment gateway (simulator)",
        "banner": "Local simulator of the VNPAY sandbox: not the real VNPAY, no real money moves.",
        "heading": "Pay with VNPAY",
        "order": "Order",
        "merchant": "Merchant terminal (TmnCode)",
        "amount": "Amount",
        "order_info": "Description",
        "txn_ref": "Order reference",
        "expires": "Pay before",
        "card": "Card",
        "card_number": "Card number",
        "card_number_help": "Only VNPAY sandbox test cards are accepted (see the list below).",
        "card_holder": "Cardholder name",
        "card_holder_help": "Without diacritics, e.g. NGUYEN VAN A.",
        "issue_date": "Issue / expiry date (MM/YY)",
        "issue_date_help": "For example 07/15.",
        "otp": "OTP",
        "otp_help": "The NCB success card uses OTP 123456; international cards need no OTP.",
        "pay": "Pay",
        "cancel": "Cancel payment",
        "test_cards": "Test cards",
        "col_card": "Card number",
        "col_bank": "Type",
        "col_result": "Result (vnp_ResponseCode)",
        "error_title": "Error",
        "error_heading": "The payment cannot proceed",
        "error_code": "Error code",
        "unknown_card": "This card number is not supported in the test environment.",
        "missing_holder": "Please enter the cardholder name.",
        "bad_date": "The issue / expiry date must look like MM/YY.",
        "missing_otp": "Please enter the OTP.",
        "bad_action": "Invalid action.",
    },
}

STYLESHEET = """\
body { font-family: system-ui, sans-serif; margin: 0; background: #f4f6fa; color: #1b1f24; }
main { max-width: 40rem; margin: 1.5rem auto; padding: 1.5rem; background: #fff;
  border-radius: 0.5rem; box-shadow: 0 1px 4px rgba(0, 0, 0, 0.15); }
.banner { background: #fff4ce; border: 1px solid #c9a400; padding: 0.5rem 0.75rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
.field { margin-bottom: 0.9rem; }
label { display: block; font-weight: 600; margin-bottom: 0.2rem; }
input { width: 100%; box-sizing: border-box; padding: 0.45rem; font-size: 1rem; }
.help { font-size: 0.85rem; color: #4a5563; margin: 0.2rem 0 0; }
.error { background: #fde8e8; border: 1px solid #b42318; padding: 0.5rem 0.75rem; }
.actions { display: flex; gap: 0.75rem; }
button { padding: 0.6rem 1.2rem; font-size: 1rem; cursor: pointer; }
button.primary { background: #005baa; color: #fff; border: 0; border-radius: 0.3rem; }
button.secondary { background: #fff; border: 1px solid #8a94a6; border-radius: 0.3rem; }
button:focus-visible, input:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border: 1px solid #d0d5dd; padding: 0.3rem 0.4rem; text-align: left; }
"""


def _texts(locale: str | None) -> dict[str, str]:
    return TEXTS["en" if locale == "en" else "vn"]


def _format_vnd(amount_x100: int, locale: str) -> str:
    grouped = f"{amount_x100 // 100:,}"
    return (grouped if locale == "en" else grouped.replace(",", ".")) + " VND"


def _format_deadline(stamp: str | None) -> str | None:
    if not stamp:
        return None
    return parse_vnp_datetime(stamp).strftime("%H:%M:%S %d/%m/%Y") + " (GMT+7)"


def _document(lang: str, title: str, body: Markup) -> Markup:
    stylesheet = url_for("vnpay_simulator.stylesheet")
    return Markup(
        "<!doctype html>\n"
        '<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        "<title>{title}</title>"
        '<link rel="stylesheet" href="{css}"></head>\n'
        "<body><main>{body}</main></body></html>\n"
    ).format(lang=lang, title=title, css=stylesheet, body=body)


def _field(
    name: str,
    label: str,
    help_text: str,
    *,
    value: str = "",
    required: bool = True,
    autocomplete: str = "off",
    inputmode: str | None = None,
    invalid: bool = False,
) -> Markup:
    attributes = Markup(" required") if required else Markup("")
    if inputmode:
        attributes += Markup(' inputmode="{}"').format(inputmode)
    if invalid:
        attributes += Markup(' aria-invalid="true"')
    return Markup(
        '<div class="field"><label for="{name}">{label}</label>'
        '<input id="{name}" name="{name}" type="text" value="{value}" autocomplete="{ac}" '
        'aria-describedby="{name}-help"{attributes}>'
        '<p class="help" id="{name}-help">{help}</p></div>'
    ).format(
        name=name,
        label=label,
        value=value,
        ac=autocomplete,
        attributes=attributes,
        help=help_text,
    )


def _payment_page(
    session: _Session,
    *,
    error: str | None = None,
    invalid: str | None = None,
    form: Mapping[str, str] | None = None,
) -> Markup:
    params = session.params
    locale = params.get("vnp_Locale", "vn")
    t = _texts(locale)
    form = form or {}
    rows = Markup("").join(
        Markup("<dt>{}</dt><dd>{}</dd>").format(label, value)
        for label, value in (
            (t["merchant"], params["vnp_TmnCode"]),
            (t["amount"], _format_vnd(int(params["vnp_Amount"]), locale)),
            (t["order_info"], params["vnp_OrderInfo"]),
            (t["txn_ref"], params["vnp_TxnRef"]),
            (t["expires"], _format_deadline(params.get("vnp_ExpireDate"))),
        )
        if value
    )
    alert = (
        Markup('<p class="error" role="alert" id="form-error">{}</p>').format(error)
        if error
        else Markup("")
    )
    cards = Markup("").join(
        Markup("<tr><td>{}</td><td>{}</td><td>{} ({})</td></tr>").format(
            card.number,
            card.bank_code,
            card.response_code,
            RESPONSE_CODES[card.response_code].en
            if locale == "en"
            else RESPONSE_CODES[card.response_code].vi,
        )
        for card in SANDBOX_CARDS.values()
    )
    fields = Markup("").join(
        (
            _field(
                "card_number",
                t["card_number"],
                t["card_number_help"],
                value=form.get("card_number", ""),
                autocomplete="cc-number",
                inputmode="numeric",
                invalid=invalid == "card_number",
            ),
            _field(
                "card_holder",
                t["card_holder"],
                t["card_holder_help"],
                value=form.get("card_holder", ""),
                autocomplete="cc-name",
                invalid=invalid == "card_holder",
            ),
            _field(
                "issue_date",
                t["issue_date"],
                t["issue_date_help"],
                value=form.get("issue_date", ""),
                invalid=invalid == "issue_date",
            ),
            _field(
                "otp",
                t["otp"],
                t["otp_help"],
                required=False,
                autocomplete="one-time-code",
                inputmode="numeric",
                invalid=invalid == "otp",
            ),
        )
    )
    body = Markup(
        '<p class="banner" role="note">{banner}</p>'
        "<h1>{heading}</h1>"
        '<section aria-labelledby="order-heading"><h2 id="order-heading">{order}</h2>'
        "<dl>{rows}</dl></section>"
        '<section aria-labelledby="card-heading"><h2 id="card-heading">{card}</h2>{alert}'
        '<form method="post" action="{action}">'
        '<input type="hidden" name="session" value="{token}">{fields}'
        '<div class="actions">'
        '<button type="submit" class="primary" name="action" value="pay">{pay}</button>'
        '<button type="submit" class="secondary" name="action" value="cancel" formnovalidate>'
        "{cancel}</button></div></form></section>"
        '<details><summary>{test_cards}</summary><table><thead><tr><th scope="col">{c1}</th>'
        '<th scope="col">{c2}</th><th scope="col">{c3}</th></tr></thead>'
        "<tbody>{cards}</tbody></table></details>"
    ).format(
        banner=t["banner"],
        heading=t["heading"],
        order=t["order"],
        rows=rows,
        card=t["card"],
        alert=alert,
        action=url_for("vnpay_simulator.payment_submit"),
        token=session.token,
        fields=fields,
        pay=t["pay"],
        cancel=t["cancel"],
        test_cards=t["test_cards"],
        c1=t["col_card"],
        c2=t["col_bank"],
        c3=t["col_result"],
        cards=cards,
    )
    return _document(t["lang"], t["title"], body)


def _html(page: Markup, status: int = 200, csp: str | None = None) -> Response:
    response = Response(str(page), status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    if csp:
        response.headers["Content-Security-Policy"] = csp
    return response


def _page_csp(return_url: str) -> str:
    """The app's CSP, with the Return URL's origin allowed as a form target: browsers apply
    ``form-action`` to the redirect that follows the form."""
    parts = urlsplit(return_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    if not re.fullmatch(r"https?://[A-Za-z0-9.:\[\]-]+", origin):
        return CSP
    return CSP.replace("form-action 'self'", f"form-action 'self' {origin}")


# --- blueprint ------------------------------------------------------------------------------

bp = Blueprint("vnpay_simulator", __name__, url_prefix=PREFIX)


def _sim() -> VNPaySimulator:
    return current_app.extensions[EXTENSION]


def _error_redirect(code: str) -> Response:
    return redirect(url_for("vnpay_simulator.error_page", code=code), 302)


@bp.get(PAYMENT_PATH)
def payment_page() -> Response:
    sim = _sim()
    try:
        params = sim.check_pay_request(request.args)
    except _PayRejected as exc:
        log.info("VNPay simulator: pay request refused (%s): %s", exc.code, exc.reason)
        return _error_redirect(exc.code)
    session = sim.open_session(params)
    return _html(_payment_page(session), csp=_page_csp(params["vnp_ReturnUrl"]))


@bp.post(PAYMENT_PATH)
def payment_submit() -> Response:
    sim = _sim()
    token = request.form.get("session", "")
    session = sim.get_session(token)
    if session is None:  # unknown, used, or older than SESSION_TTL: session timed out
        return _error_redirect("15")
    params = session.params
    t = _texts(params.get("vnp_Locale"))
    csp = _page_csp(params["vnp_ReturnUrl"])
    action = request.form.get("action", "pay")
    if action == "cancel":
        outcome, bank_code, card_type, cancelled = CANCELLED, "VNPAY", "QRCODE", True
    elif action == "pay":
        expire = params.get("vnp_ExpireDate")
        if expire and parse_vnp_datetime(expire) <= sim.now():
            sim.pop_session(token)
            return _error_redirect("15")
        form = {
            "card_number": re.sub(r"[\s-]", "", request.form.get("card_number", "")),
            "card_holder": " ".join(request.form.get("card_holder", "").split()),
            "issue_date": request.form.get("issue_date", "").strip(),
        }
        otp = request.form.get("otp", "").strip()
        card = SANDBOX_CARDS.get(form["card_number"])
        problem: tuple[str, str] | None = None
        if card is None:
            problem = "card_number", t["unknown_card"]
        elif not form["card_holder"]:
            problem = "card_holder", t["missing_holder"]
        elif not _ISSUE_DATE.fullmatch(form["issue_date"]):
            problem = "issue_date", t["bad_date"]
        elif card.otp and not otp:
            problem = "otp", t["missing_otp"]
        if problem is not None or card is None:
            invalid, message = problem or ("card_number", t["unknown_card"])
            page = _payment_page(session, error=message, invalid=invalid, form=form)
            return _html(page, status=422, csp=csp)
        if card.otp and otp != card.otp:
            outcome = WRONG_OTP
        else:
            outcome = (card.response_code, card.transaction_status)
        outcome = sim.take_forced_outcome() or outcome
        bank_code, card_type, cancelled = card.bank_code, card.card_type, False
    else:
        page = _payment_page(session, error=t["bad_action"])
        return _html(page, status=400, csp=csp)
    if sim.pop_session(token) is None:  # submitted twice at once
        return _error_redirect("15")
    try:
        txn = sim.complete(
            session,
            *outcome,
            bank_code=bank_code,
            card_type=card_type,
            cancelled=cancelled,
        )
    except _PayRejected as exc:
        return _error_redirect(exc.code)
    sim.dispatch_ipn(txn)  # "sync": the IPN is answered before the browser returns
    response = redirect(txn.return_url_sent or txn.return_url, 302)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get(ERROR_PATH)
def error_page() -> Response:
    code = request.args.get("code", "")
    info = SIM_ERROR_PAGE_CODES.get(code, CodeInfo("Lỗi không xác định", "Unknown error"))
    body = Markup(
        '<p class="banner" role="note">{banner}</p>'
        "<h1>{heading_vi} / {heading_en}</h1>"
        '<p role="alert"><strong>{label}: {code}</strong></p>'
        '<p lang="vi">{vi}</p><p lang="en">{en}</p>'
    ).format(
        banner=TEXTS["vn"]["banner"],
        heading_vi=TEXTS["vn"]["error_heading"],
        heading_en=TEXTS["en"]["error_heading"],
        label=TEXTS["vn"]["error_code"] + " / " + TEXTS["en"]["error_code"],
        code=code,
        vi=info.vi,
        en=info.en,
    )
    return _html(_document("vi", TEXTS["vn"]["error_title"] + " - VNPAY", body))


@bp.post(API_PATH)
def transaction_api() -> Response:
    reply = _sim().handle_api(request.get_json(silent=True))
    return current_app.response_class(
        json.dumps(reply, ensure_ascii=False), status=200, mimetype="application/json"
    )


@bp.get("/static/simulator.css")
def stylesheet() -> Response:
    response = Response(STYLESHEET, mimetype="text/css")
    response.cache_control.max_age = 3600
    return response


# --- wiring and test helpers ----------------------------------------------------------------


def init_app(app: Flask) -> VNPaySimulator:
    """Create the simulator from ``app.config`` and mount its blueprint (once per app)."""
    if EXTENSION in app.extensions:
        return app.extensions[EXTENSION]
    config = app.config
    base_url = str(config.get("PUBLIC_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")

    def setting(key: str, default: Any) -> Any:
        value = config.get(key, default)
        return default if value is None or value == "" else value

    sim = VNPaySimulator(
        tmn_code=str(setting("VNPAY_TMN_CODE", DEFAULT_TMN_CODE)).strip(),
        hash_secret=str(setting("VNPAY_HASH_SECRET", DEFAULT_HASH_SECRET)).strip(),
        ipn_url=str(setting("VNPAY_SIM_IPN_URL", base_url + DEFAULT_IPN_PATH)),
        ipn_attempts=int(setting("VNPAY_SIM_IPN_ATTEMPTS", 10)),
        ipn_interval=float(setting("VNPAY_SIM_IPN_INTERVAL_SECONDS", 300)),
        ipn_mode=str(setting("VNPAY_SIM_IPN_MODE", "thread")).strip().lower(),
    )
    app.extensions[EXTENSION] = sim
    app.register_blueprint(bp)
    return sim


def simulator(app: Flask) -> VNPaySimulator:
    """The simulator mounted on ``app``."""
    return app.extensions[EXTENSION]


def ledger(app: Flask) -> list[dict[str, Any]]:
    """Copies of every recorded transaction, oldest first, with ``ipn_attempts`` and
    ``refunds`` (and ``refunded``, ×100)."""
    return simulator(app).snapshot()


def transaction(app: Flask, txn_ref: str) -> dict[str, Any] | None:
    """A copy of the latest transaction with this ``vnp_TxnRef``."""
    txn = simulator(app).find(txn_ref)
    return None if txn is None else _as_dict(txn)


def force_outcome(app: Flask, response_code: str, transaction_status: str | None = None) -> None:
    """Make the next card payment end with these codes whatever the card (queued; cancel is
    unaffected). ``transaction_status`` defaults to 00 for 00, else 02."""
    simulator(app).force(response_code, transaction_status)


def deliver_ipn(app: Flask, txn_ref: str) -> bool:
    """Send the IPN of a completed transaction now, with retries (e.g. after mode ``off``:
    the browser returned first). Whether the merchant confirmed it."""
    sim = simulator(app)
    txn = sim.find(txn_ref)
    if txn is None or txn.state != "completed":
        raise LookupError(f"no completed VNPay simulator transaction {txn_ref!r}")
    return sim.deliver(txn)


def wait_for_ipn(app: Flask, timeout: float = 10.0) -> bool:
    """Wait for the background IPN threads (mode ``thread``)."""
    return simulator(app).wait_for_ipn(timeout)


def reset(app: Flask) -> None:
    """Forget sessions, transactions, request ids and forced outcomes."""
    simulator(app).clear()
