"""Dossier errors and messages."""

from __future__ import annotations

from backend.core.errors import AppError, Conflict, NotFound
from backend.core.i18n import register_messages


class DossierNotFound(NotFound):
    code = "dossier.not-found"


class AttachmentNotFound(NotFound):
    code = "dossier.attachment-not-found"


class InvalidTransition(Conflict):
    code = "dossier.invalid-transition"


class StaleVersion(Conflict):
    code = "dossier.stale-version"


class NotEditable(Conflict):
    code = "dossier.not-editable"


class DossierInvalid(AppError):
    """422 with field errors (form paths, components, applicant)."""

    status, code, title_key = 422, "validation-failed", "problem.validation-failed"


class LookupNotFound(NotFound):
    code = "lookup.not-found"


register_messages(
    {
        "dossier.not-found.detail": {"vi": "Không tìm thấy hồ sơ.", "en": "No such dossier."},
        "dossier.attachment-not-found.detail": {
            "vi": "Không tìm thấy tệp đính kèm.",
            "en": "No such attachment.",
        },
        "dossier.invalid-transition.detail": {
            "vi": "Không thể thực hiện thao tác này ở trạng thái hiện tại của hồ sơ.",
            "en": "This action is not possible in the dossier's current state.",
        },
        "dossier.stale-version.detail": {
            "vi": "Hồ sơ vừa được người khác cập nhật. Hãy tải lại rồi thử lại.",
            "en": "Someone else changed the dossier meanwhile. Reload and try again.",
        },
        "dossier.not-editable.detail": {
            "vi": "Hồ sơ không còn được sửa ở trạng thái này.",
            "en": "The dossier can no longer be edited in this state.",
        },
        "lookup.not-found.detail": {
            "vi": "Không tìm thấy hồ sơ với mã hồ sơ và số định danh này.",
            "en": "No dossier matches this code and personal ID number.",
        },
        "dossier.procedure-unknown": {
            "vi": "Không có thủ tục với mã này.",
            "en": "There is no procedure with this code.",
        },
        "dossier.agency-not-receiving": {
            "vi": "Cơ quan này không tiếp nhận hồ sơ của thủ tục.",
            "en": "This agency does not receive dossiers for the procedure.",
        },
        "dossier.online-closed": {
            "vi": "Thủ tục này không nhận hồ sơ trực tuyến.",
            "en": "This procedure does not accept online dossiers.",
        },
        "dossier.component-required": {
            "vi": "Cần đính kèm giấy tờ này.",
            "en": "This document must be attached.",
        },
        "dossier.component-unknown": {
            "vi": "Thủ tục không có thành phần hồ sơ này.",
            "en": "The procedure has no such component.",
        },
        "dossier.component-not-reusable": {
            "vi": "Thành phần này không được lấy từ kho dữ liệu; hãy tải tệp lên.",
            "en": "This component cannot be taken from your documents; upload a file.",
        },
        "backoffice.unpaid": {
            "vi": "Hồ sơ chưa thanh toán phí, lệ phí phải nộp khi nộp hồ sơ.",
            "en": "The fee due at submission has not been paid.",
        },
        "backoffice.deadline-past": {
            "vi": "Thời hạn bổ sung phải ở tương lai.",
            "en": "The supplement deadline must be in the future.",
        },
        "backoffice.not-an-officer-here": {
            "vi": "Người được giao phải là cán bộ của cơ quan giải quyết.",
            "en": "The assignee must be an officer of the competent agency.",
        },
        "backoffice.not-a-specialist": {
            "vi": "Người được giao phải có vai trò chuyên viên.",
            "en": "The assignee must hold the specialist role.",
        },
        "backoffice.apology-once": {
            "vi": "Mỗi hồ sơ chỉ được hẹn lại ngày trả kết quả một lần.",
            "en": "A dossier can be re-dated by an apology only once.",
        },
        "backoffice.apology-later": {
            "vi": "Ngày hẹn mới phải sau ngày hẹn hiện tại.",
            "en": "The new due date must be later than the current one.",
        },
        "backoffice.bad-cursor.detail": {
            "vi": "Tham số phân trang không hợp lệ.",
            "en": "The page cursor is invalid.",
        },
        "dossier.file-required": {
            "vi": "Cần chọn một tệp để tải lên.",
            "en": "Choose a file to upload.",
        },
        "dossier.file-type": {
            "vi": "Định dạng tệp không được chấp nhận (cho phép: {allowed}).",
            "en": "This file type is not accepted (allowed: {allowed}).",
        },
        "dossier.file-too-large": {
            "vi": "Tệp vượt quá {limit_mb} MB.",
            "en": "The file is larger than {limit_mb} MB.",
        },
        "dossier.file-empty": {"vi": "Tệp rỗng.", "en": "The file is empty."},
        "dossier.too-many-files": {
            "vi": "Hồ sơ đã có tối đa {limit} tệp.",
            "en": "The dossier already has the maximum of {limit} files.",
        },
        "dossier.total-too-large": {
            "vi": "Tổng dung lượng tệp của hồ sơ vượt quá {limit_mb} MB.",
            "en": "The dossier's files together exceed {limit_mb} MB.",
        },
        "dossier.applicant-required": {
            "vi": "Cần thông tin người được ủy quyền nộp hồ sơ thay.",
            "en": "The identity of the person you file for is required.",
        },
        "dossier.reason-required": {
            "vi": "Cần nêu lý do.",
            "en": "A reason is required.",
        },
    }
)
