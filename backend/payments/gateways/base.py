"""The interface every payment gateway adapter offers the payments domain (pure: no Flask, no DB).

A gateway turns a :class:`PaymentIntent` into a signed redirect URL, verifies the messages the
gateway sends back (browser return and server-to-server notification), and asks the gateway
about a transaction or for a refund. Results are plain frozen dataclasses with gateway-neutral
outcomes (:class:`PaymentOutcome`, :class:`ApiOutcome`), the gateway's own codes, and the raw
payload for the audit trail. Only a result whose ``verified`` flag is true may move a payment
(ARCHITECTURE.md §4); everything else is kept for the record and otherwise ignored.

Amounts are whole VND as ``int`` everywhere; datetimes are aware.

Implementations: :class:`backend.payments.gateways.vnpay.VNPayGateway`. The national payment
platform of the DVCQG portal (DOMAIN.md §6.3) is meant to be a second implementation.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

__all__ = [
    "ApiOutcome",
    "ApiResult",
    "CallbackProblem",
    "GatewayError",
    "GatewayUnavailable",
    "InvalidGatewayRequest",
    "PaymentGateway",
    "PaymentIntent",
    "PaymentOutcome",
    "PostJson",
    "PreparedPayment",
    "QueryResult",
    "RefundResult",
    "VerifiedCallback",
]

#: Transport used for server-to-server calls: ``post_json(url, payload, timeout) -> reply``.
#: It returns the decoded JSON object of the reply and raises :class:`GatewayUnavailable` when
#: there is no usable reply (network error, timeout, HTTP error status, body not a JSON object).
PostJson = Callable[[str, Mapping[str, Any], float], Mapping[str, Any]]


class GatewayError(Exception):
    """Base class of the errors raised by gateway adapters."""


class InvalidGatewayRequest(GatewayError, ValueError):
    """The caller's request breaks a rule of the gateway protocol; nothing was sent."""


class GatewayUnavailable(GatewayError):
    """The gateway gave no usable answer, so the outcome is unknown.

    For a refund the request may still have been registered: query the transaction before
    trying again with a new request id.
    """


class PaymentOutcome(StrEnum):
    """What a verified gateway message says about the payment itself."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"  # the payer gave up on the gateway's page
    EXPIRED = "expired"  # the payment session ran out of time
    PENDING = "pending"  # not finished yet
    SUSPECTED = "suspected"  # money taken but flagged by the gateway: needs manual review
    UNVERIFIED = "unverified"  # the message failed verification: it says nothing


class ApiOutcome(StrEnum):
    """What a verified answer to a server-to-server request (query, refund) says."""

    OK = "ok"
    BAD_REQUEST = "bad_request"  # unknown terminal or malformed data: fix the request
    NOT_FOUND = "not_found"  # no such transaction (often a wrong original date)
    DUPLICATE = "duplicate"  # repeated request id, or a refund is already being processed
    REFUSED = "refused"  # the gateway refuses (e.g. refund of an unsuccessful payment)
    CHECKSUM_REJECTED = "checksum_rejected"  # the gateway says our signature is wrong
    ERROR = "error"  # any other error code
    UNVERIFIED = "unverified"  # the answer failed verification: it says nothing


class CallbackProblem(StrEnum):
    """Why a callback did not verify."""

    NO_PARAMETERS = "no_parameters"
    DUPLICATE_PARAMETER = "duplicate_parameter"
    MISSING_SIGNATURE = "missing_signature"
    BAD_SIGNATURE = "bad_signature"
    WRONG_MERCHANT = "wrong_merchant"
    MISSING_FIELDS = "missing_fields"


@dataclass(frozen=True, slots=True)
class PaymentIntent:
    """One payment attempt the payer is about to make."""

    #: Merchant reference of this attempt; a fresh one per attempt (gateways reject reuse).
    txn_ref: str
    #: Whole VND, positive.
    amount: int
    #: Free-text description; adapters make it safe for their gateway.
    order_info: str
    #: The payer's IP address.
    ip_addr: str
    #: Payment page language: ``vi`` or ``en``.
    locale: str = "vi"
    #: Gateway goods category.
    order_type: str = "other"
    #: Pre-selected payment method or bank; ``None`` lets the payer choose.
    bank_code: str | None = None


@dataclass(frozen=True, slots=True)
class PreparedPayment:
    """The signed redirect for a :class:`PaymentIntent`. Store ``created_at`` with the intent:
    queries and refunds need it."""

    url: str
    txn_ref: str
    amount: int
    created_at: datetime
    expires_at: datetime
    #: Every signed parameter, as sent (the signature included).
    params: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class VerifiedCallback:
    """A browser return or server notification, after verification.

    When ``verified`` is false, ``problem`` says why and the other fields are informative only.
    """

    verified: bool
    outcome: PaymentOutcome
    txn_ref: str | None
    #: Whole VND; ``None`` when absent or not a whole VND amount (compare it with the intent).
    amount: int | None
    response_code: str | None
    transaction_status: str | None
    transaction_no: str | None
    bank_code: str | None
    pay_date: datetime | None
    #: Every parameter as received.
    raw: Mapping[str, str]
    problem: CallbackProblem | None = None
    bank_tran_no: str | None = None
    card_type: str | None = None
    order_info: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.verified and self.outcome is PaymentOutcome.SUCCEEDED

    @property
    def message_key(self) -> str:
        """Identity of this gateway message for deduplication. ``transaction_no`` alone is not
        unique (VNPay sends ``0`` for every cancelled session)."""
        return f"{self.txn_ref}|{self.transaction_no}|{self.response_code}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ApiResult:
    """Common part of the answers to server-to-server requests.

    ``outcome`` is :attr:`ApiOutcome.UNVERIFIED` whenever ``verified`` is false, whatever the
    answer's code says.
    """

    verified: bool
    outcome: ApiOutcome
    response_code: str | None
    message: str | None
    txn_ref: str | None
    #: Whole VND (for a refund: the refunded amount).
    amount: int | None
    transaction_no: str | None
    transaction_type: str | None
    transaction_status: str | None
    bank_code: str | None
    pay_date: datetime | None
    order_info: str | None
    #: The body sent (signature included), for the audit trail.
    request: Mapping[str, str] = field(default_factory=dict)
    #: The answer as received.
    raw: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.verified and self.outcome is ApiOutcome.OK


@dataclass(frozen=True, slots=True, kw_only=True)
class QueryResult(ApiResult):
    """Answer to a transaction query. ``payment_outcome`` is set only for a verified ``OK``
    answer whose transaction status says something about the payment."""

    payment_outcome: PaymentOutcome | None = None
    promotion_code: str | None = None
    promotion_amount: str | None = None

    @property
    def paid(self) -> bool:
        return self.ok and self.payment_outcome is PaymentOutcome.SUCCEEDED


@dataclass(frozen=True, slots=True, kw_only=True)
class RefundResult(ApiResult):
    """Answer to a refund request. ``transaction_no`` is the refund's own transaction id."""


class PaymentGateway(abc.ABC):
    """A payment gateway adapter."""

    #: Short provider name stored with callbacks and transactions.
    name: str = ""

    @abc.abstractmethod
    def prepare_payment(self, intent: PaymentIntent) -> PreparedPayment:
        """Sign the redirect for ``intent``. Raises :class:`InvalidGatewayRequest`."""

    def create_payment_url(self, intent: PaymentIntent) -> str:
        """The signed URL to send the payer to (see :meth:`prepare_payment`)."""
        return self.prepare_payment(intent).url

    @abc.abstractmethod
    def verify_callback(self, params: Mapping[str, str]) -> VerifiedCallback:
        """Verify the decoded query parameters of a return or notification. Never raises on
        bad input: returns an unverified result."""

    @abc.abstractmethod
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
        """Ask the gateway about the attempt ``txn_ref`` created at ``transaction_date``.

        Raises :class:`InvalidGatewayRequest` or :class:`GatewayUnavailable`.
        """

    @abc.abstractmethod
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
        """Ask the gateway to refund ``amount`` VND of the attempt ``txn_ref``.

        Raises :class:`InvalidGatewayRequest` or :class:`GatewayUnavailable`.
        """
