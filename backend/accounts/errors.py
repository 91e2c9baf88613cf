"""Account errors with stable codes, and the messages of this domain."""

from __future__ import annotations

from backend.accounts.validators import MESSAGES as VALIDATOR_MESSAGES
from backend.core.errors import AppError, Conflict, NotFound, Unauthorized
from backend.core.i18n import register_messages


class InvalidCredentials(Unauthorized):
    """Wrong identifier, wrong password or a locked account: one answer for all three."""

    code = "auth.invalid-credentials"
    #: The failure is recorded (audit row, failure counter, lock): commit it.
    keep_changes = True


class InvalidRefreshToken(Unauthorized):
    code = "auth.invalid-refresh-token"
    keep_changes = True


class CsrfFailed(AppError):
    status, code, title_key = 403, "auth.csrf-failed", "problem.forbidden"


class DuplicateAccount(Conflict):
    code = "accounts.duplicate"


class InvalidResetToken(AppError):
    status, code, title_key = 400, "auth.invalid-reset-token", "problem.bad-request"


class OfficerNotFound(NotFound):
    code = "accounts.officer-not-found"


class AgencyNotFound(AppError):
    status, code, title_key = 422, "accounts.agency-unknown", "problem.validation-failed"


register_messages(VALIDATOR_MESSAGES)
register_messages(
    {
        "auth.invalid-credentials.detail": {
            "vi": "Thông tin đăng nhập không đúng, hoặc tài khoản đang bị tạm khóa do đăng nhập "
            "sai nhiều lần. Vui lòng thử lại sau ít phút.",
            "en": "The sign-in details are wrong, or the account is temporarily locked after "
            "repeated failures. Please try again in a few minutes.",
        },
        "auth.invalid-refresh-token.detail": {
            "vi": "Phiên đăng nhập đã hết hạn hoặc bị thu hồi. Vui lòng đăng nhập lại.",
            "en": "The session has expired or was revoked. Please sign in again.",
        },
        "auth.token-expired.detail": {
            "vi": "Phiên đăng nhập đã hết hạn.",
            "en": "The access token has expired.",
        },
        "auth.csrf-failed.detail": {
            "vi": "Thiếu hoặc sai mã chống giả mạo (X-CSRF-TOKEN).",
            "en": "The X-CSRF-TOKEN header is missing or does not match.",
        },
        "accounts.duplicate.detail": {
            "vi": "Đã có tài khoản với thông tin này.",
            "en": "An account with these details already exists.",
        },
        "accounts.duplicate.email": {
            "vi": "E-mail này đã được dùng cho một tài khoản khác.",
            "en": "This e-mail address is already used by another account.",
        },
        "accounts.duplicate.phone": {
            "vi": "Số điện thoại này đã được dùng cho một tài khoản khác.",
            "en": "This phone number is already used by another account.",
        },
        "accounts.duplicate.personal_id": {
            "vi": "Số định danh cá nhân này đã được đăng ký.",
            "en": "This personal ID number is already registered.",
        },
        "auth.invalid-reset-token.detail": {
            "vi": "Liên kết đặt lại mật khẩu không hợp lệ hoặc đã hết hạn.",
            "en": "The password-reset link is invalid or has expired.",
        },
        "accounts.officer-not-found.detail": {
            "vi": "Không tìm thấy cán bộ.",
            "en": "No such officer.",
        },
        "accounts.agency-unknown.detail": {
            "vi": "Không có cơ quan với mã này.",
            "en": "There is no agency with this code.",
        },
        "accounts.contact-required": {
            "vi": "Cần ít nhất e-mail hoặc số điện thoại di động.",
            "en": "Give an e-mail address or a mobile number, or both.",
        },
        "accounts.date_of_birth.future": {
            "vi": "Ngày sinh không được ở tương lai.",
            "en": "The date of birth cannot be in the future.",
        },
        "accounts.date_of_birth.too_old": {
            "vi": "Ngày sinh phải từ năm 1900 trở đi.",
            "en": "The date of birth must be in 1900 or later.",
        },
        "accounts.full_name.invalid": {
            "vi": "Họ và tên phải có chữ cái và không chứa ký tự đặc biệt.",
            "en": "The full name must contain letters and no special characters.",
        },
        "request.body-not-object.detail": {
            "vi": "Nội dung yêu cầu phải là một đối tượng JSON.",
            "en": "The request body must be a JSON object.",
        },
        "mail.password-reset.subject": {
            "vi": "Đặt lại mật khẩu tài khoản Dịch vụ công",
            "en": "Reset your public services account password",
        },
        "mail.password-reset.body": {
            "vi": "Xin chào {name},\n\nChúng tôi nhận được yêu cầu đặt lại mật khẩu cho tài khoản "
            "của bạn. Mở liên kết sau trong {minutes} phút để đặt mật khẩu mới:\n\n{link}\n\n"
            "Nếu bạn không yêu cầu, hãy bỏ qua thư này; mật khẩu của bạn không thay đổi.\n",
            "en": "Hello {name},\n\nWe received a request to reset your account password. Open "
            "this link within {minutes} minutes to choose a new one:\n\n{link}\n\nIf you did "
            "not ask for this, ignore this message; your password is unchanged.\n",
        },
    }
)
