"""Results errors and messages."""

from __future__ import annotations

from backend.core.errors import Conflict, NotFound
from backend.core.i18n import register_messages


class DocumentNotFound(NotFound):
    code = "results.document-not-found"


class VerificationNotFound(NotFound):
    code = "results.verification-not-found"


class AlreadyRevoked(Conflict):
    code = "results.already-revoked"


class NotRetryable(Conflict):
    code = "results.not-retryable"


register_messages(
    {
        "results.document-not-found.detail": {
            "vi": "Không tìm thấy giấy tờ trong kho dữ liệu của bạn.",
            "en": "No such document in your document store.",
        },
        "results.verification-not-found.detail": {
            "vi": "Không có văn bản nào được cấp với mã xác thực này.",
            "en": "No document was issued with this verification code.",
        },
        "results.already-revoked.detail": {
            "vi": "Văn bản này đã bị thu hồi.",
            "en": "This document has already been revoked.",
        },
        "results.not-retryable.detail": {
            "vi": "Chỉ văn bản phát hành lỗi mới được phát hành lại.",
            "en": "Only a document whose issuance failed can be retried.",
        },
        "results.not-issued.detail": {
            "vi": "Văn bản chưa được phát hành xong nên chưa thể thu hồi.",
            "en": "The document has not been issued yet, so it cannot be revoked.",
        },
        "results.not-a-pdf": {
            "vi": "Tệp tải lên không phải là PDF.",
            "en": "The uploaded file is not a PDF.",
        },
        "results.file-required": {
            "vi": "Hãy chọn tệp PDF cần kiểm tra.",
            "en": "Choose the PDF file to check.",
        },
    }
)
