"""VNPay merchant gateway, protocol version 2.1.0 (pure: no Flask, no database).

Every rule cites ``VNPAY.md`` (``/work/shared/docs/VNPAY.md``, our notes on VNPay's
documentation and demo code); "§n" below means a section of that file. Surface:

* :class:`VNPayGateway` - signed payment URL (§2, §3.1), verification of the Return URL and
  IPN parameters (§3.3, §4, §5), ``querydr`` and ``refund`` (§7), each with a building and a
  verifying half that the local simulator and the tests can call on their own.
* Pure helpers: :func:`encode_query`, :func:`pipe_join`, :func:`hmac_sha512`,
  :func:`ascii_safe_text`, :func:`to_vnp_amount` / :func:`from_vnp_amount`,
  :func:`format_vnp_datetime` / :func:`parse_vnp_datetime`, :func:`ipn_reply`.
* Code tables with Vietnamese and English meanings (§5.1, §6): :data:`RESPONSE_CODES`,
  :data:`TRANSACTION_STATUSES`, :data:`TRANSACTION_TYPES`, :data:`QUERYDR_RESPONSE_CODES`,
  :data:`REFUND_RESPONSE_CODES`, :data:`IPN_RESPONSES`, :data:`ERROR_PAGE_CODES`.

Pitfalls handled (§10 and the sections cited):

1. The hash data is the *form-URL-encoded* query string (``quote_plus``: UTF-8, space ``+``,
   upper-case ``%XX``), not the raw values of 2.0.x (§3.1, §3.4, §10.2).
2. HMAC-SHA512 keyed with the secret, lower-case hex; not plain SHA256/MD5 (§3.1, §3.4).
3. Parameters sorted by plain code-point order of their names (§3.1 step 2).
4. ``vnp_SecureHash`` and ``vnp_SecureHashType`` are left out of the hash; the type is never
   sent (§2.1, §3.3).
5. Empty values are never sent (§3.1 step 1).
6. Only ``vnp_*`` parameters are verified, so a return URL may carry its own (§3.3).
7. Received values are hashed exactly as received: the amount is divided by 100 only after
   the signature checked out (§3.2, lehuygiang28/vnpay#15).
8. Signatures are compared case-insensitively and in constant time (§3.3).
9. ``vnp_OrderInfo`` is folded to ASCII ("đ" -> "d", no diacritics) and restricted to letters,
   digits, space and ``. , : - _ #``, because VNPay's demos encode other characters
   differently (§2.1, §3.2, §14.1).
10. Dates are ``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh from an aware clock, whatever the
    server's time zone (§2.1, §10.3).
11. ``vnp_ExpireDate`` is always sent, 15 minutes after ``vnp_CreateDate`` (§2.1, §10.4).
12. Amounts are whole VND times 100 as a digit string; floats, zero and negatives are refused
    (§2.1, §10.11).
13. ``vnp_TxnRef`` comes from the caller, fresh per attempt, and is checked (§2.1, §10.5).
14. The IPv6 loopback ``::1`` (too short, §10.9) and IPv4-mapped addresses become IPv4.
15. Credentials are trimmed (§10.1); the terminal code of callbacks and answers must be ours
    (§4, §5.2 "extra hardening").
16. Paid means ``vnp_ResponseCode == "00"`` **and** ``vnp_TransactionStatus == "00"`` (§5.2).
17. ``querydr``/``refund`` checksums are raw values joined with ``|`` in the documented order
    (§7.1, §7.3); ``vnp_RequestId`` is new for every call, never fixed at import (§10.12, §11);
    ``vnp_TransactionDate`` is the original ``vnp_CreateDate`` (§7.1, §10.12).
18. Answers are verified with the 15-field ``querydr`` string (13-field form tolerated, §7.2
    [CONFLICT], §14.3) and the 13-field ``refund`` string (§7.4); an answer that is unsigned,
    badly signed or about another command, terminal or reference is never trusted (§7.4).
19. The refund's ``vnp_TransactionNo`` defaults to ``"0"`` as in the PHP/Python demos (§7.3).
20. A callback repeating a ``vnp_*`` parameter is refused (its meaning would be ambiguous).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple
from urllib.parse import quote_plus

import requests

from backend.core.clock import VN_TZ, utcnow
from backend.payments.gateways.base import (
    ApiOutcome,
    CallbackProblem,
    GatewayUnavailable,
    InvalidGatewayRequest,
    PaymentGateway,
    PaymentIntent,
    PaymentOutcome,
    PostJson,
    PreparedPayment,
    QueryResult,
    RefundResult,
    VerifiedCallback,
)

log = logging.getLogger(__name__)

__all__ = [
    "ERROR_PAGE_CODES",
    "IPN_RESPONSES",
    "QUERYDR_REQUEST_FIELDS",
    "QUERYDR_RESPONSE_CODES",
    "QUERYDR_RESPONSE_FIELDS",
    "REFUND_REQUEST_FIELDS",
    "REFUND_RESPONSE_CODES",
    "REFUND_RESPONSE_FIELDS",
    "RESPONSE_CODES",
    "TRANSACTION_STATUSES",
    "TRANSACTION_TYPES",
    "CodeInfo",
    "VNPayGateway",
    "ascii_safe_text",
    "encode_query",
    "format_vnp_datetime",
    "from_vnp_amount",
    "hmac_sha512",
    "ipn_reply",
    "parse_vnp_datetime",
    "pipe_join",
    "requests_post_json",
    "to_vnp_amount",
]

VERSION = "2.1.0"
CURRENCY = "VND"  # the only currency (§2.1)
COMMAND_PAY = "pay"
COMMAND_QUERYDR = "querydr"
COMMAND_REFUND = "refund"
#: Payment deadline after ``vnp_CreateDate`` (§2.1 ``vnp_ExpireDate``, §10.4).
EXPIRE_AFTER = timedelta(minutes=15)
#: Seconds to wait for ``merchant_webapi/api/transaction``.
API_TIMEOUT = 30.0
#: ``yyyyMMddHHmmss`` (§2.1).
DATE_FORMAT = "%Y%m%d%H%M%S"
#: ``vnp_OrderInfo`` is Alphanumeric[1,255] (§2.1).
ORDER_INFO_MAX_LENGTH = 255
SECURE_HASH = "vnp_SecureHash"
SECURE_HASH_TYPE = "vnp_SecureHashType"
#: Left out of the 2.1.0 hash data (§3.1 step 1, §3.3).
_HASH_FIELDS = frozenset({SECURE_HASH, SECURE_HASH_TYPE})
#: What a callback must carry to be usable (the §4 required fields this module relies on).
_CALLBACK_REQUIRED = (
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_ResponseCode",
    "vnp_TransactionStatus",
)

#: ``vnp_TransactionType`` (§6.3).
TYPE_PAYMENT = "01"
TYPE_FULL_REFUND = "02"
TYPE_PARTIAL_REFUND = "03"


def _pipe_fields(spec: str) -> tuple[str, ...]:
    return tuple(spec.split("|"))


#: Checksum field orders, copied from §7.1 - §7.4: raw values joined with ``|`` in exactly
#: this order (absent fields count as empty strings).
QUERYDR_REQUEST_FIELDS = _pipe_fields(
    "vnp_RequestId|vnp_Version|vnp_Command|vnp_TmnCode|vnp_TxnRef|vnp_TransactionDate"
    "|vnp_CreateDate|vnp_IpAddr|vnp_OrderInfo"
)
REFUND_REQUEST_FIELDS = _pipe_fields(
    "vnp_RequestId|vnp_Version|vnp_Command|vnp_TmnCode|vnp_TransactionType|vnp_TxnRef"
    "|vnp_Amount|vnp_TransactionNo|vnp_TransactionDate|vnp_CreateBy|vnp_CreateDate|vnp_IpAddr"
    "|vnp_OrderInfo"
)
REFUND_RESPONSE_FIELDS = _pipe_fields(
    "vnp_ResponseId|vnp_Command|vnp_ResponseCode|vnp_Message|vnp_TmnCode|vnp_TxnRef"
    "|vnp_Amount|vnp_BankCode|vnp_PayDate|vnp_TransactionNo|vnp_TransactionType"
    "|vnp_TransactionStatus|vnp_OrderInfo"
)
#: §7.2: the 13 refund-answer fields plus the two promotion fields.
QUERYDR_RESPONSE_FIELDS = (*REFUND_RESPONSE_FIELDS, "vnp_PromotionCode", "vnp_PromotionAmount")


class CodeInfo(NamedTuple):
    """Meaning of a code, in Vietnamese and English."""

    vi: str
    en: str


#: ``vnp_ResponseCode`` of the Return URL and IPN: the payment result (§6.1).
RESPONSE_CODES: dict[str, CodeInfo] = {
    "00": CodeInfo("Giao dịch thành công", "Transaction successful"),
    "07": CodeInfo(
        "Trừ tiền thành công, giao dịch bị nghi ngờ (liên quan tới lừa đảo, giao dịch bất "
        "thường); người bán phải chấp nhận hoặc từ chối trên trang quản trị",
        "Money deducted but the transaction is suspected (fraud, unusual); the merchant must "
        "accept or reject it in the merchant admin",
    ),
    "09": CodeInfo(
        "Giao dịch không thành công: thẻ/tài khoản chưa đăng ký dịch vụ Internet Banking",
        "Failed: card/account not registered for Internet Banking",
    ),
    "10": CodeInfo(
        "Giao dịch không thành công: xác thực thông tin thẻ/tài khoản sai quá 3 lần",
        "Failed: card/account verification failed more than 3 times",
    ),
    "11": CodeInfo(
        "Giao dịch không thành công: đã hết hạn chờ thanh toán, vui lòng thực hiện lại",
        "Failed: payment waiting time expired; please try again",
    ),
    "12": CodeInfo(
        "Giao dịch không thành công: thẻ/tài khoản bị khóa", "Failed: card/account locked"
    ),
    "13": CodeInfo(
        "Giao dịch không thành công: nhập sai mật khẩu xác thực giao dịch (OTP)",
        "Failed: wrong OTP",
    ),
    "24": CodeInfo(
        "Giao dịch không thành công: khách hàng hủy giao dịch", "Failed: customer cancelled"
    ),
    "51": CodeInfo(
        "Giao dịch không thành công: tài khoản không đủ số dư", "Failed: insufficient balance"
    ),
    "65": CodeInfo(
        "Giao dịch không thành công: tài khoản đã vượt quá hạn mức giao dịch trong ngày",
        "Failed: daily transaction limit exceeded",
    ),
    "75": CodeInfo("Ngân hàng thanh toán đang bảo trì", "Paying bank under maintenance"),
    "79": CodeInfo(
        "Giao dịch không thành công: nhập sai mật khẩu thanh toán quá số lần quy định",
        "Failed: wrong payment password too many times",
    ),
    "99": CodeInfo("Các lỗi khác", "Other errors"),
}

#: ``vnp_TransactionStatus`` (§6.2).
TRANSACTION_STATUSES: dict[str, CodeInfo] = {
    "00": CodeInfo("Giao dịch thành công", "Payment successful"),
    "01": CodeInfo("Giao dịch chưa hoàn tất", "Not completed yet"),
    "02": CodeInfo("Giao dịch bị lỗi", "Error / failed"),
    "04": CodeInfo(
        "Giao dịch đảo (khách hàng đã bị trừ tiền tại ngân hàng nhưng giao dịch chưa thành "
        "công ở VNPAY)",
        "Reversed (customer debited at the bank but not successful at VNPay)",
    ),
    "05": CodeInfo(
        "VNPAY đang xử lý giao dịch này (giao dịch hoàn tiền)",
        "VNPay is processing this (refund)",
    ),
    "06": CodeInfo(
        "VNPAY đã gửi yêu cầu hoàn tiền sang ngân hàng (giao dịch hoàn tiền)",
        "VNPay has sent the refund request to the bank",
    ),
    "07": CodeInfo("Giao dịch bị nghi ngờ gian lận", "Suspected fraud"),
    "09": CodeInfo("Giao dịch hoàn trả bị từ chối", "Refund rejected"),
}

#: ``vnp_TransactionType`` of ``querydr``/``refund`` (§6.3).
TRANSACTION_TYPES: dict[str, CodeInfo] = {
    TYPE_PAYMENT: CodeInfo("Giao dịch thanh toán", "Payment"),
    TYPE_FULL_REFUND: CodeInfo("Hoàn trả toàn phần", "Full refund"),
    TYPE_PARTIAL_REFUND: CodeInfo("Hoàn trả một phần", "Partial refund"),
}

_API_COMMON: dict[str, CodeInfo] = {
    "00": CodeInfo("Yêu cầu thành công", "Request successful"),
    "02": CodeInfo(
        "Mã định danh kết nối không hợp lệ (kiểm tra lại TmnCode)",
        "Invalid connection identifier (check TmnCode)",
    ),
    "03": CodeInfo("Dữ liệu gửi sang không đúng định dạng", "Data format invalid"),
    "97": CodeInfo("Checksum không hợp lệ", "Invalid checksum"),
    "99": CodeInfo("Các lỗi khác", "Other errors"),
}

#: ``vnp_ResponseCode`` of a ``querydr`` answer: the result of the *query* (§6.4).
QUERYDR_RESPONSE_CODES: dict[str, CodeInfo] = {
    **_API_COMMON,
    "91": CodeInfo("Không tìm thấy giao dịch yêu cầu", "Transaction not found"),
    "94": CodeInfo(
        "Yêu cầu bị trùng lặp trong thời gian giới hạn của API",
        "Duplicate request within the API's time limit",
    ),
}

#: ``vnp_ResponseCode`` of a ``refund`` answer (§6.4).
REFUND_RESPONSE_CODES: dict[str, CodeInfo] = {
    **_API_COMMON,
    "91": CodeInfo("Không tìm thấy giao dịch yêu cầu hoàn trả", "Transaction to refund not found"),
    "94": CodeInfo(
        "Giao dịch đã được gửi yêu cầu hoàn tiền trước đó, VNPAY đang xử lý",
        "A refund was already requested and VNPay is processing it",
    ),
    "95": CodeInfo(
        "Giao dịch này không thành công bên VNPAY, VNPAY từ chối xử lý yêu cầu",
        "Transaction not successful at VNPay; refund refused",
    ),
}

#: ``RspCode`` of the merchant's IPN reply: the status of *our update* (§5.1). VNPay stops on
#: ``00``/``02`` and retries on the others.
IPN_CONFIRM_SUCCESS = "00"
IPN_ORDER_NOT_FOUND = "01"
IPN_ALREADY_CONFIRMED = "02"
IPN_INVALID_AMOUNT = "04"
IPN_INVALID_SIGNATURE = "97"
IPN_UNKNOWN_ERROR = "99"
IPN_RESPONSES: dict[str, CodeInfo] = {
    IPN_CONFIRM_SUCCESS: CodeInfo("Ghi nhận thành công", "Confirm Success"),
    IPN_ORDER_NOT_FOUND: CodeInfo("Không tìm thấy đơn hàng", "Order not found"),
    IPN_ALREADY_CONFIRMED: CodeInfo(
        "Đơn hàng đã được xác nhận trước đó", "Order already confirmed"
    ),
    IPN_INVALID_AMOUNT: CodeInfo("Số tiền không hợp lệ", "Invalid amount"),
    IPN_INVALID_SIGNATURE: CodeInfo("Chữ ký không hợp lệ", "Invalid signature"),
    IPN_UNKNOWN_ERROR: CodeInfo("Lỗi không xác định", "Unknown error"),
}

#: ``/paymentv2/Payment/Error.html?code=NN`` (§6.5) - from developer notes, all [UNCERTAIN].
ERROR_PAGE_CODES: dict[str, CodeInfo] = {
    "70": CodeInfo("Sai chữ ký", "Invalid signature (or bad/unknown configuration)"),
    "71": CodeInfo("Website này chưa được phê duyệt", "The terminal (website) not approved"),
    "15": CodeInfo("Hết thời gian thanh toán", "Payment session timed out"),
    "72": CodeInfo("Không rõ", "Unknown meaning"),
}

_API_OUTCOMES: dict[str, ApiOutcome] = {
    "00": ApiOutcome.OK,
    "02": ApiOutcome.BAD_REQUEST,
    "03": ApiOutcome.BAD_REQUEST,
    "91": ApiOutcome.NOT_FOUND,
    "94": ApiOutcome.DUPLICATE,
    "95": ApiOutcome.REFUSED,
    "97": ApiOutcome.CHECKSUM_REJECTED,
    "99": ApiOutcome.ERROR,
}

#: Formats of §2.1 / §7 (Alphanumeric[n,m] etc.). ``vnp_TxnRef`` also admits hyphens, which
#: VNPay accepts in practice (§2.1 [OBS]).
_TMN_CODE = re.compile(r"[A-Za-z0-9]{8}")
_TXN_REF = re.compile(r"[A-Za-z0-9-]{1,100}")
_BANK_CODE = re.compile(r"[A-Za-z0-9]{3,20}")
_ORDER_TYPE = re.compile(r"[A-Za-z0-9]{1,100}")
_REQUEST_ID = re.compile(r"[A-Za-z0-9]{1,32}")
_TRANSACTION_NO = re.compile(r"[0-9]{1,15}")
_DATE14 = re.compile(r"[0-9]{14}")
_AMOUNT = re.compile(r"[0-9]{1,12}")
_LOCALES = {"vi": "vn", "vn": "vn", "en": "en"}

#: Characters kept in free text (§3.2 client recommendation); the rest becomes a space.
_SAFE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 .,:-_#")
#: Letters without a Unicode decomposition, and dashes, folded before NFKD.
_PRE_FOLD = str.maketrans(
    {
        "đ": "d",
        "Đ": "D",
        "ð": "d",  # eth, a common stand-in for "đ" in legacy encodings
        "Ð": "D",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "−": "-",
    }
)


# --- pure helpers -------------------------------------------------------------------------


def ascii_safe_text(text: str, max_length: int = ORDER_INFO_MAX_LENGTH) -> str:
    """Fold ``text`` to what VNPay accepts in ``vnp_OrderInfo`` (§2.1, §3.2).

    Vietnamese is written without diacritics ("đ"/"Đ" -> "d"/"D", other letters lose their
    marks after NFKD), anything but letters, digits, space and ``. , : - _ #`` becomes a space,
    runs of spaces collapse, and the result is cut to ``max_length``. Raises
    :class:`InvalidGatewayRequest` when nothing is left.
    """
    decomposed = unicodedata.normalize("NFKD", str(text).translate(_PRE_FOLD))
    kept = "".join(
        c if c in _SAFE_CHARS else " " for c in decomposed if not unicodedata.combining(c)
    )
    folded = " ".join(kept.split())[:max_length].rstrip()
    if not folded:
        raise InvalidGatewayRequest("the description is empty once folded to ASCII")
    return folded


def encode_query(params: Mapping[str, Any]) -> str:
    """The 2.1.0 hash data, which is also the query string sent (§3.1 steps 2-3).

    Names sorted by code point (``sorted``), names and values encoded with
    :func:`urllib.parse.quote_plus` (UTF-8, space ``+``, upper-case ``%XX``, ``_.-~`` kept),
    ``name=value`` joined with ``&``. Names are plain ASCII, so encoding them changes nothing
    for real parameters; it keeps the string equal to the query string for odd ones.
    """
    return "&".join(
        f"{quote_plus(str(name))}={quote_plus(str(value))}"
        for name, value in sorted(params.items())
    )


def pipe_join(values: Mapping[str, Any], fields: Iterable[str]) -> str:
    """Raw values of ``fields`` joined with ``|`` in the given order; absent fields count as
    empty strings (§7)."""
    return "|".join(_text(values.get(name)) for name in fields)


def hmac_sha512(secret: str | bytes, data: str) -> str:
    """Lower-case hex HMAC-SHA512 of ``data`` keyed with ``secret``, both UTF-8 (§3.1 step 4)."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    return hmac.new(key, data.encode("utf-8"), hashlib.sha512).hexdigest()


def format_vnp_datetime(moment: datetime) -> str:
    """``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh (GMT+7) of an aware ``moment`` (§2.1, §10.3)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("VNPay dates need an aware datetime")
    return moment.astimezone(VN_TZ).strftime(DATE_FORMAT)


def parse_vnp_datetime(text: str) -> datetime:
    """Aware datetime (Asia/Ho_Chi_Minh) of a ``yyyyMMddHHmmss`` GMT+7 stamp (§4
    ``vnp_PayDate``). Raises :class:`ValueError`."""
    if not isinstance(text, str) or not _DATE14.fullmatch(text):
        raise ValueError(f"not a yyyyMMddHHmmss date: {text!r}")
    return datetime.strptime(text, DATE_FORMAT).replace(tzinfo=VN_TZ)


def to_vnp_amount(amount: int | Decimal) -> str:
    """``vnp_Amount`` of a whole, positive VND amount: times 100, digits only, at most 12
    digits (§2.1 Numeric[1,12], §10.11). Raises :class:`InvalidGatewayRequest`."""
    value = str(_whole_vnd(amount, "amount") * 100)
    if len(value) > 12:
        raise InvalidGatewayRequest("amount too large for vnp_Amount (12 digits once x100)")
    return value


def from_vnp_amount(value: Any) -> int | None:
    """Whole VND of a received ``vnp_Amount`` (÷100, §4), or ``None`` when it is not a digit
    string of a whole VND amount. Call it only after the signature verified (§3.2)."""
    text = _text(value)
    if not _AMOUNT.fullmatch(text):
        return None
    cents = int(text)
    return cents // 100 if cents % 100 == 0 else None


def ipn_reply(code: str) -> dict[str, str]:
    """The JSON body answering an IPN: ``{"RspCode": code, "Message": ...}`` (§5.1)."""
    return {"RspCode": code, "Message": IPN_RESPONSES[code].en}


def requests_post_json(url: str, payload: Mapping[str, Any], timeout: float) -> Mapping[str, Any]:
    """Default transport: POST ``payload`` as JSON (§1, §7) and return the JSON object of the
    reply. Raises :class:`GatewayUnavailable` on any failure."""
    try:
        response = requests.post(url, json=dict(payload), timeout=timeout)
        response.raise_for_status()
        body = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise GatewayUnavailable(f"VNPay API call failed: {exc.__class__.__name__}") from exc
    if not isinstance(body, dict):
        raise GatewayUnavailable("VNPay API answer is not a JSON object")
    return body


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _optional(value: Any) -> str | None:
    text = _text(value)
    return text or None


def _whole_vnd(amount: Any, what: str, *, allow_zero: bool = False) -> int:
    """``amount`` as a whole VND ``int``; floats are refused outright (§10.11)."""
    if isinstance(amount, Decimal) and amount.is_finite() and amount == amount.to_integral():
        amount = int(amount)
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InvalidGatewayRequest(f"{what} must be a whole number of VND, got {amount!r}")
    if amount < 0 or (amount == 0 and not allow_zero):
        raise InvalidGatewayRequest(f"{what} must be positive, got {amount}")
    return amount


def _checked(pattern: re.Pattern[str], value: Any, what: str) -> str:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise InvalidGatewayRequest(f"invalid {what}: {value!r}")
    return value


def _ip_address(value: str) -> str:
    """``vnp_IpAddr``: Alphanumeric[7,45] (§2.1). ``::1`` is too short (§10.9), so the IPv6
    loopback becomes ``127.0.0.1`` and IPv4-mapped addresses their IPv4 form."""
    try:
        address = ipaddress.ip_address(str(value).strip())
    except ValueError:
        raise InvalidGatewayRequest(f"invalid IP address: {value!r}") from None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        elif address.is_loopback:
            return "127.0.0.1"
    text = str(address)
    if not 7 <= len(text) <= 45:
        raise InvalidGatewayRequest(f"IP address too short for VNPay: {value!r}")
    return text


def _transaction_date(value: datetime | str) -> str:
    """``vnp_TransactionDate``: the ``vnp_CreateDate`` of the original payment (§7.1)."""
    if isinstance(value, datetime):
        try:
            return format_vnp_datetime(value)
        except ValueError as exc:
            raise InvalidGatewayRequest(str(exc)) from None
    try:
        parse_vnp_datetime(value)
    except ValueError as exc:
        raise InvalidGatewayRequest(str(exc)) from None
    return value


def _parse_date(value: Any) -> datetime | None:
    try:
        return parse_vnp_datetime(_text(value))
    except ValueError:
        return None


def _callback_outcome(response_code: str, status: str) -> PaymentOutcome:
    """Paid only when both codes are ``00`` (§5.2); the failure kinds of §6.1/§6.2."""
    if response_code == "00" and status == "00":
        return PaymentOutcome.SUCCEEDED
    if response_code == "07" or status == "07":
        return PaymentOutcome.SUSPECTED
    if response_code == "24":
        return PaymentOutcome.CANCELLED
    if response_code == "11":
        return PaymentOutcome.EXPIRED
    if status == "01":
        return PaymentOutcome.PENDING
    return PaymentOutcome.FAILED


#: ``vnp_TransactionStatus`` of a queried payment (§6.2); refund statuses say nothing of it.
_QUERY_OUTCOMES: dict[str, PaymentOutcome] = {
    "00": PaymentOutcome.SUCCEEDED,
    "01": PaymentOutcome.PENDING,
    "02": PaymentOutcome.FAILED,
    "04": PaymentOutcome.FAILED,
    "07": PaymentOutcome.SUSPECTED,
}


# --- the gateway --------------------------------------------------------------------------


class VNPayGateway(PaymentGateway):
    """One VNPay terminal (``vnp_TmnCode`` + ``vnp_HashSecret``, §1).

    ``payment_url`` is the customer redirect (``…/paymentv2/vpcpay.html``), ``api_url`` the
    ``querydr``/``refund`` endpoint (``…/merchant_webapi/api/transaction``), ``return_url`` the
    browser return (§4). ``post_json`` is the transport (:data:`~.base.PostJson`; default
    :func:`requests_post_json`); ``clock`` returns the aware current time.
    """

    name = "vnpay"

    def __init__(
        self,
        tmn_code: str,
        hash_secret: str,
        payment_url: str,
        api_url: str,
        return_url: str,
        *,
        version: str = VERSION,
        post_json: PostJson | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        if version != VERSION:
            # 2.0.x signs differently (secret-prefixed SHA256/MD5 over raw values, §3.4).
            raise ValueError(f"only VNPay version {VERSION} is supported, not {version!r}")
        tmn_code = (tmn_code or "").strip()  # §10.1: credentials pasted with whitespace
        hash_secret = (hash_secret or "").strip()
        if not _TMN_CODE.fullmatch(tmn_code):
            raise ValueError("vnp_TmnCode must be 8 letters or digits (§1)")
        if not hash_secret:
            raise ValueError("the VNPay hash secret is empty")
        if not 10 <= len(return_url) <= 255:
            raise ValueError("vnp_ReturnUrl must be 10-255 characters (§2.1)")
        self.tmn_code = tmn_code
        self._secret = hash_secret.encode("utf-8")
        self.payment_url = payment_url
        self.api_url = api_url
        self.return_url = return_url
        self.version = version
        self._post_json: PostJson = post_json or requests_post_json
        self._clock = clock

    def __repr__(self) -> str:
        return f"VNPayGateway(tmn_code={self.tmn_code!r}, payment_url={self.payment_url!r})"

    # --- signing ------------------------------------------------------------------------

    def sign(self, data: str) -> str:
        """HMAC-SHA512 hex of hash data with this terminal's secret (§3.1 step 4, §7)."""
        return hmac_sha512(self._secret, data)

    def _matches(self, data: str, received: Any) -> bool:
        """Case-insensitive, constant-time comparison with a received signature (§3.3)."""
        if not isinstance(received, str) or not received:
            return False
        expected = self.sign(data).encode("ascii")
        return hmac.compare_digest(expected, received.lower().encode("utf-8"))

    def _now(self) -> datetime:
        moment = self._clock()
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("the clock must return an aware datetime")
        return moment.astimezone(VN_TZ).replace(microsecond=0)

    # --- payment URL (§2, §3.1) ---------------------------------------------------------

    def payment_params(self, intent: PaymentIntent, now: datetime) -> dict[str, str]:
        """The unsigned ``pay`` parameters of §2.1 for ``intent`` created at ``now``.

        Raises :class:`InvalidGatewayRequest` for a bad reference (Alphanumeric[1,100], hyphens
        allowed), amount, IP, locale (``vi``/``vn``/``en``), order type or bank code.
        """
        locale = _LOCALES.get(intent.locale)
        if locale is None:
            raise InvalidGatewayRequest(f"vnp_Locale must be vn or en, got {intent.locale!r}")
        params = {
            "vnp_Version": self.version,
            "vnp_Command": COMMAND_PAY,
            "vnp_TmnCode": self.tmn_code,
            "vnp_Amount": to_vnp_amount(intent.amount),
            "vnp_CreateDate": format_vnp_datetime(now),
            "vnp_CurrCode": CURRENCY,
            "vnp_IpAddr": _ip_address(intent.ip_addr),
            "vnp_Locale": locale,
            "vnp_OrderInfo": ascii_safe_text(intent.order_info),
            "vnp_OrderType": _checked(_ORDER_TYPE, intent.order_type, "vnp_OrderType"),
            "vnp_ReturnUrl": self.return_url,
            "vnp_ExpireDate": format_vnp_datetime(now + EXPIRE_AFTER),
            "vnp_TxnRef": _checked(_TXN_REF, intent.txn_ref, "vnp_TxnRef"),
        }
        if intent.bank_code:  # never send an empty value (§3.1 step 1)
            params["vnp_BankCode"] = _checked(_BANK_CODE, intent.bank_code, "vnp_BankCode")
        return params

    def prepare_payment(self, intent: PaymentIntent) -> PreparedPayment:
        """Signed payment URL (§2, §3.1): ``vnp_CreateDate`` now and ``vnp_ExpireDate`` 15
        minutes later in GMT+7, the sorted ``quote_plus`` query, ``&vnp_SecureHash=`` last."""
        now = self._now()
        params = self.payment_params(intent, now)
        data = encode_query(params)
        signature = self.sign(data)
        return PreparedPayment(
            url=f"{self.payment_url}?{data}&{SECURE_HASH}={signature}",
            txn_ref=intent.txn_ref,
            amount=intent.amount,
            created_at=now,
            expires_at=now + EXPIRE_AFTER,
            params={**params, SECURE_HASH: signature},
        )

    # --- Return URL / IPN (§3.3, §4, §5) ------------------------------------------------

    def verify_signature(self, params: Mapping[str, Any]) -> bool:
        """Whether ``params`` (decoded query parameters) carry a valid ``vnp_SecureHash``
        (§3.3): the hash is recomputed over every ``vnp_*`` parameter except
        ``vnp_SecureHash`` and ``vnp_SecureHashType``, with values exactly as received, sorted
        and encoded as in §3.1, and compared case-insensitively in constant time."""
        signed = {
            str(k): _text(v)
            for k, v in params.items()
            if str(k).startswith("vnp_") and k not in _HASH_FIELDS
        }
        return bool(signed) and self._matches(encode_query(signed), params.get(SECURE_HASH))

    def verify_callback(self, params: Mapping[str, str]) -> VerifiedCallback:
        """Verify the decoded query parameters of a Return URL or IPN call (§3.3, §4).

        Checks, in order: some ``vnp_*`` parameter, none repeated (when ``params`` is a
        multi-dict), the signature (:meth:`verify_signature`), ``vnp_TmnCode`` is ours (§4),
        the fields this module needs are present. For the IPN reply (§5.1):
        ``BAD_SIGNATURE``/``MISSING_SIGNATURE`` answer 97, the other problems 99. The amount is
        divided by 100 and ``vnp_PayDate`` read in GMT+7 only for the result. Never raises.
        """
        raw = {str(k): _text(v) for k, v in params.items()}
        problem: CallbackProblem | None = None
        getlist = getattr(params, "getlist", None)
        if not any(k.startswith("vnp_") and k not in _HASH_FIELDS for k in raw):
            problem = CallbackProblem.NO_PARAMETERS
        elif getlist is not None and any(len(getlist(k)) > 1 for k in raw if k[:4] == "vnp_"):
            problem = CallbackProblem.DUPLICATE_PARAMETER
        elif not raw.get(SECURE_HASH):
            problem = CallbackProblem.MISSING_SIGNATURE
        elif not self.verify_signature(raw):
            problem = CallbackProblem.BAD_SIGNATURE
        elif raw.get("vnp_TmnCode") != self.tmn_code:
            problem = CallbackProblem.WRONG_MERCHANT
        elif not all(raw.get(name) for name in _CALLBACK_REQUIRED):
            problem = CallbackProblem.MISSING_FIELDS
        response_code = raw.get("vnp_ResponseCode", "")
        status = raw.get("vnp_TransactionStatus", "")
        if problem is None:
            outcome = _callback_outcome(response_code, status)
        else:
            outcome = PaymentOutcome.UNVERIFIED
            log.warning(
                "VNPay callback not verified: %s (txn_ref=%r)", problem, raw.get("vnp_TxnRef")
            )
        return VerifiedCallback(
            verified=problem is None,
            outcome=outcome,
            txn_ref=raw.get("vnp_TxnRef"),
            amount=from_vnp_amount(raw.get("vnp_Amount")),
            response_code=response_code or None,
            transaction_status=status or None,
            transaction_no=raw.get("vnp_TransactionNo"),
            bank_code=raw.get("vnp_BankCode"),
            pay_date=_parse_date(raw.get("vnp_PayDate")),
            raw=raw,
            problem=problem,
            bank_tran_no=raw.get("vnp_BankTranNo"),
            card_type=raw.get("vnp_CardType"),
            order_info=raw.get("vnp_OrderInfo"),
        )

    # --- querydr (§7.1, §7.2) -----------------------------------------------------------

    def build_querydr_request(
        self,
        txn_ref: str,
        transaction_date: datetime | str,
        *,
        ip_addr: str,
        order_info: str | None = None,
        transaction_no: str | None = None,
        request_id: str | None = None,
    ) -> dict[str, str]:
        """JSON body of a ``querydr`` (§7.1), signed over ``QUERYDR_REQUEST_FIELDS`` joined
        with ``|``. ``transaction_date`` is the original ``vnp_CreateDate`` (aware datetime or
        the 14-digit stamp); ``request_id`` defaults to a fresh UUID (32 hex characters)."""
        body = {
            "vnp_RequestId": self._request_id(request_id),
            "vnp_Version": self.version,
            "vnp_Command": COMMAND_QUERYDR,
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": _checked(_TXN_REF, txn_ref, "vnp_TxnRef"),
            "vnp_OrderInfo": ascii_safe_text(order_info or f"Truy van GD {txn_ref}"),
            "vnp_TransactionDate": _transaction_date(transaction_date),
            "vnp_CreateDate": format_vnp_datetime(self._now()),
            "vnp_IpAddr": _ip_address(ip_addr),
        }
        if transaction_no is not None:  # optional and outside the checksum (§7.1)
            body["vnp_TransactionNo"] = _checked(
                _TRANSACTION_NO, transaction_no, "vnp_TransactionNo"
            )
        body[SECURE_HASH] = self.sign(pipe_join(body, QUERYDR_REQUEST_FIELDS))
        return body

    def verify_querydr_response(
        self, reply: Mapping[str, Any], *, txn_ref: str, request: Mapping[str, str] | None = None
    ) -> QueryResult:
        """Verify a ``querydr`` answer (§7.2): the signature over ``QUERYDR_RESPONSE_FIELDS``
        (or, tolerated, their first 13, §7.2 [CONFLICT]), ``vnp_Command`` ``querydr``, our
        terminal and ``txn_ref``. ``vnp_ResponseCode`` is the query's result (§6.4),
        ``vnp_TransactionStatus`` the payment's (§6.2)."""
        verified = self._verify_reply(
            reply, (QUERYDR_RESPONSE_FIELDS, REFUND_RESPONSE_FIELDS), COMMAND_QUERYDR, txn_ref
        )
        fields = self._reply_fields(reply, verified)
        payment_outcome = None
        if fields["outcome"] is ApiOutcome.OK:
            payment_outcome = _QUERY_OUTCOMES.get(_text(reply.get("vnp_TransactionStatus")))
        return QueryResult(
            **fields,
            request=dict(request or {}),
            payment_outcome=payment_outcome,
            promotion_code=_optional(reply.get("vnp_PromotionCode")),
            promotion_amount=_optional(reply.get("vnp_PromotionAmount")),
        )

    def query(
        self,
        txn_ref: str,
        transaction_date: datetime | str,
        *,
        ip_addr: str,
        order_info: str | None = None,
        transaction_no: str | None = None,
        request_id: str | None = None,
    ) -> QueryResult:
        """Ask VNPay about the payment ``txn_ref`` (``querydr``, §7.1-§7.2); ``ip_addr`` is the
        calling server's. Raises :class:`InvalidGatewayRequest` or :class:`GatewayUnavailable`.
        """
        body = self.build_querydr_request(
            txn_ref,
            transaction_date,
            ip_addr=ip_addr,
            order_info=order_info,
            transaction_no=transaction_no,
            request_id=request_id,
        )
        return self.verify_querydr_response(self._post(body), txn_ref=txn_ref, request=body)

    # --- refund (§7.3, §7.4) ------------------------------------------------------------

    def build_refund_request(
        self,
        txn_ref: str,
        transaction_date: datetime | str,
        amount: int,
        *,
        original_amount: int,
        already_refunded: int = 0,
        created_by: str,
        ip_addr: str,
        order_info: str | None = None,
        transaction_no: str | None = None,
        request_id: str | None = None,
    ) -> dict[str, str]:
        """JSON body of a ``refund`` (§7.3), signed over ``REFUND_REQUEST_FIELDS`` joined with
        ``|``.

        ``amount`` (whole VND, positive) may not exceed ``original_amount - already_refunded``;
        the type is ``02`` (full) when it is the whole original amount, else ``03`` (partial)
        (§6.3). ``vnp_TransactionNo`` defaults to ``"0"`` (§7.3 [CONFLICT], PHP/Python demos).
        ``created_by`` (who asks) and ``order_info`` are folded to ASCII like the pay request.
        Raises :class:`InvalidGatewayRequest`.
        """
        amount = _whole_vnd(amount, "refund amount")
        original_amount = _whole_vnd(original_amount, "original amount")
        already_refunded = _whole_vnd(already_refunded, "already refunded", allow_zero=True)
        refundable = original_amount - already_refunded
        if amount > refundable:
            raise InvalidGatewayRequest(
                f"refund amount {amount} exceeds the refundable {max(refundable, 0)} VND"
            )
        full = amount == original_amount
        number = "0" if transaction_no is None else transaction_no
        body = {
            "vnp_RequestId": self._request_id(request_id),
            "vnp_Version": self.version,
            "vnp_Command": COMMAND_REFUND,
            "vnp_TmnCode": self.tmn_code,
            "vnp_TransactionType": TYPE_FULL_REFUND if full else TYPE_PARTIAL_REFUND,
            "vnp_TxnRef": _checked(_TXN_REF, txn_ref, "vnp_TxnRef"),
            "vnp_Amount": to_vnp_amount(amount),
            "vnp_OrderInfo": ascii_safe_text(order_info or f"Hoan tien GD {txn_ref}"),
            "vnp_TransactionNo": _checked(_TRANSACTION_NO, number, "vnp_TransactionNo"),
            "vnp_TransactionDate": _transaction_date(transaction_date),
            "vnp_CreateBy": ascii_safe_text(created_by),
            "vnp_CreateDate": format_vnp_datetime(self._now()),
            "vnp_IpAddr": _ip_address(ip_addr),
        }
        body[SECURE_HASH] = self.sign(pipe_join(body, REFUND_REQUEST_FIELDS))
        return body

    def verify_refund_response(
        self, reply: Mapping[str, Any], *, txn_ref: str, request: Mapping[str, str] | None = None
    ) -> RefundResult:
        """Verify a ``refund`` answer (§7.4): the signature over ``REFUND_RESPONSE_FIELDS``,
        ``vnp_Command`` ``refund``, our terminal and ``txn_ref``."""
        verified = self._verify_reply(reply, (REFUND_RESPONSE_FIELDS,), COMMAND_REFUND, txn_ref)
        return RefundResult(**self._reply_fields(reply, verified), request=dict(request or {}))

    def refund(
        self,
        txn_ref: str,
        transaction_date: datetime | str,
        amount: int,
        *,
        original_amount: int,
        already_refunded: int = 0,
        created_by: str,
        ip_addr: str,
        order_info: str | None = None,
        transaction_no: str | None = None,
        request_id: str | None = None,
    ) -> RefundResult:
        """Ask VNPay to refund ``amount`` VND of ``txn_ref`` (§7.3-§7.4); see
        :meth:`build_refund_request`. A success usually comes with status ``05`` (processing).
        Raises :class:`InvalidGatewayRequest` or :class:`GatewayUnavailable` (outcome unknown:
        query before retrying, §7.4 notes)."""
        body = self.build_refund_request(
            txn_ref,
            transaction_date,
            amount,
            original_amount=original_amount,
            already_refunded=already_refunded,
            created_by=created_by,
            ip_addr=ip_addr,
            order_info=order_info,
            transaction_no=transaction_no,
            request_id=request_id,
        )
        return self.verify_refund_response(self._post(body), txn_ref=txn_ref, request=body)

    # --- API plumbing -------------------------------------------------------------------

    @staticmethod
    def _request_id(request_id: str | None) -> str:
        """``vnp_RequestId``: Alphanumeric[1,32], unique per day (§7.1, §10.12)."""
        if request_id is None:
            return uuid.uuid4().hex
        return _checked(_REQUEST_ID, request_id, "vnp_RequestId")

    def _post(self, body: Mapping[str, str]) -> Mapping[str, Any]:
        reply = self._post_json(self.api_url, body, API_TIMEOUT)
        if not isinstance(reply, Mapping):
            raise GatewayUnavailable("VNPay API answer is not a JSON object")
        return reply

    def _verify_reply(
        self,
        reply: Mapping[str, Any],
        field_orders: tuple[tuple[str, ...], ...],
        command: str,
        txn_ref: str,
    ) -> bool:
        """Signature over one of ``field_orders``, then the answer must be about ``command``,
        this terminal and ``txn_ref`` (empty tolerated on error answers)."""
        received = reply.get(SECURE_HASH)
        signed = any(self._matches(pipe_join(reply, order), received) for order in field_orders)
        success = _text(reply.get("vnp_ResponseCode")) == "00"
        tmn_code = _text(reply.get("vnp_TmnCode"))
        reference = _text(reply.get("vnp_TxnRef"))
        verified = (
            signed
            and _text(reply.get("vnp_Command")) == command
            and (tmn_code == self.tmn_code or (not success and not tmn_code))
            and (reference == txn_ref or (not success and not reference))
        )
        if not verified:
            log.warning(
                "VNPay %s answer not verified (signed=%s, code=%r, txn_ref=%r)",
                command,
                signed,
                reply.get("vnp_ResponseCode"),
                txn_ref,
            )
        return verified

    @staticmethod
    def _reply_fields(reply: Mapping[str, Any], verified: bool) -> dict[str, Any]:
        code = _text(reply.get("vnp_ResponseCode"))
        outcome = _API_OUTCOMES.get(code, ApiOutcome.ERROR) if verified else ApiOutcome.UNVERIFIED
        return {
            "verified": verified,
            "outcome": outcome,
            "response_code": code or None,
            "message": _optional(reply.get("vnp_Message")),
            "txn_ref": _optional(reply.get("vnp_TxnRef")),
            "amount": from_vnp_amount(reply.get("vnp_Amount")),
            "transaction_no": _optional(reply.get("vnp_TransactionNo")),
            "transaction_type": _optional(reply.get("vnp_TransactionType")),
            "transaction_status": _optional(reply.get("vnp_TransactionStatus")),
            "bank_code": _optional(reply.get("vnp_BankCode")),
            "pay_date": _parse_date(reply.get("vnp_PayDate")),
            "order_info": _optional(reply.get("vnp_OrderInfo")),
            "raw": dict(reply),
        }
