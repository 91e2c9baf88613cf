"""Integration errors and messages."""

from __future__ import annotations

from backend.core.errors import AppError, Conflict, NotFound, Unauthorized
from backend.core.i18n import register_messages


class SubscriberNotFound(NotFound):
    code = "integration.subscriber-not-found"


class DeliveryNotFound(NotFound):
    code = "integration.delivery-not-found"


class ClientNotFound(NotFound):
    code = "integration.client-not-found"


class IntegrationInvalid(AppError):
    """422 with field errors."""

    status, code, title_key = 422, "validation-failed", "problem.validation-failed"


class NotReplayable(Conflict):
    code = "integration.not-replayable"


class SignatureRefused(Unauthorized):
    """Unknown key, bad or stale signature on an inbound event."""

    code = "integration.signature-refused"


class EventIdReused(Conflict):
    code = "integration.event-id-reused"


class PopulationUnavailable(AppError):
    status, code, title_key = 503, "integration.population-unavailable", "problem.unavailable"


class IdentityMismatch(AppError):
    status, code, title_key = 422, "integration.identity-mismatch", "problem.validation-failed"


class VneidFailed(AppError):
    status, code, title_key = 400, "integration.vneid-failed", "problem.bad-request"


register_messages(
    {
        "integration.subscriber-not-found.detail": {
            "vi": "Không tìm thấy hệ thống nhận sự kiện.",
            "en": "No such subscriber.",
        },
        "integration.delivery-not-found.detail": {
            "vi": "Không tìm thấy lượt gửi sự kiện.",
            "en": "No such delivery.",
        },
        "integration.client-not-found.detail": {
            "vi": "Không tìm thấy hệ thống kết nối.",
            "en": "No such client system.",
        },
        "integration.not-replayable.detail": {
            "vi": "Chỉ gửi lại được sự kiện đã thất bại hoặc đã gửi.",
            "en": "Only dead or delivered events can be replayed.",
        },
        "integration.signature-refused.detail": {
            "vi": "Chữ ký, khóa hoặc thời điểm ký của yêu cầu không hợp lệ.",
            "en": "The request's key, signature or timestamp is not valid.",
        },
        "integration.event-id-reused.detail": {
            "vi": "Mã sự kiện đã được dùng cho một nội dung khác.",
            "en": "This event id was already used with another body.",
        },
        "integration.population-unavailable.detail": {
            "vi": "Không kết nối được Cơ sở dữ liệu quốc gia về dân cư. Vui lòng thử lại sau.",
            "en": "The national population database cannot be reached. Try again later.",
        },
        "integration.identity-mismatch.detail": {
            "vi": "Thông tin không khớp với Cơ sở dữ liệu quốc gia về dân cư.",
            "en": "The details do not match the national population database.",
        },
        "integration.vneid-failed.detail": {
            "vi": "Đăng nhập bằng VNeID không thành công. Vui lòng thử lại.",
            "en": "Signing in with VNeID failed. Please try again.",
        },
        "integration.target-refused": {
            "vi": "Địa chỉ nhận không được phép ({reason}).",
            "en": "This target address is not allowed ({reason}).",
        },
        "integration.event-type-unknown": {
            "vi": "Loại sự kiện không được hỗ trợ.",
            "en": "Unsupported event type.",
        },
        "integration.dossier-unknown": {
            "vi": "Không tìm thấy hồ sơ.",
            "en": "No such dossier.",
        },
        "integration.channel-not-offline": {
            "vi": "Chỉ nhận hồ sơ nộp trực tiếp (1) hoặc qua bưu chính (3).",
            "en": "Only counter (1) or postal (3) submissions are accepted.",
        },
        "integration.external-code-taken": {
            "vi": "Mã hồ sơ của hệ thống một cửa đã được dùng cho một hồ sơ khác.",
            "en": "This one-stop dossier code is already used by another dossier.",
        },
        "integration.base64": {
            "vi": "Nội dung tệp không phải base64 hợp lệ.",
            "en": "The file content is not valid base64.",
        },
        "integration.action-unknown": {
            "vi": "Thao tác không được hỗ trợ.",
            "en": "Unsupported action.",
        },
        "integration.personal-id-mismatch": {
            "vi": "Số định danh không khớp với tài khoản đang đăng nhập.",
            "en": "This ID number is not the signed-in account's.",
        },
    }
)
