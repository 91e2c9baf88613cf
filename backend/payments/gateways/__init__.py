"""Payment gateway adapters behind one interface (:class:`~.base.PaymentGateway`)."""

from backend.payments.gateways.base import (
    ApiOutcome,
    ApiResult,
    CallbackProblem,
    GatewayError,
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
from backend.payments.gateways.vnpay import VNPayGateway

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
    "VNPayGateway",
    "VerifiedCallback",
]
