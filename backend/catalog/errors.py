"""Catalogue errors and messages."""

from __future__ import annotations

from backend.core.errors import AppError, Conflict, NotFound
from backend.core.i18n import register_messages


class ProcedureNotFound(NotFound):
    code = "catalog.procedure-not-found"


class VersionNotFound(NotFound):
    code = "catalog.version-not-found"


class AgencyNotFound(NotFound):
    code = "catalog.agency-not-found"


class CalendarEntryNotFound(NotFound):
    code = "catalog.calendar-entry-not-found"


class DuplicateProcedure(Conflict):
    code = "catalog.duplicate-procedure"


class DuplicateAgency(Conflict):
    code = "catalog.duplicate-agency"


class DuplicateCalendarEntry(Conflict):
    code = "catalog.duplicate-calendar-entry"


class InvalidCatalogInput(AppError):
    """A reference or a definition the schema alone cannot check (422 with field errors)."""

    status, code, title_key = 422, "validation-failed", "problem.validation-failed"


register_messages(
    {
        "catalog.procedure-not-found.detail": {
            "vi": "Không tìm thấy thủ tục hành chính.",
            "en": "No such procedure.",
        },
        "catalog.version-not-found.detail": {
            "vi": "Không có phiên bản này của thủ tục.",
            "en": "The procedure has no such version.",
        },
        "catalog.agency-not-found.detail": {
            "vi": "Không tìm thấy cơ quan.",
            "en": "No such agency.",
        },
        "catalog.calendar-entry-not-found.detail": {
            "vi": "Không tìm thấy ngày trong lịch.",
            "en": "No such calendar entry.",
        },
        "catalog.duplicate-procedure.detail": {
            "vi": "Đã có thủ tục với mã này; hãy cập nhật để tạo phiên bản mới.",
            "en": "A procedure with this code exists; update it to publish a new version.",
        },
        "catalog.duplicate-agency.detail": {
            "vi": "Đã có cơ quan với mã định danh này.",
            "en": "An agency with this identification code exists.",
        },
        "catalog.duplicate-calendar-entry.detail": {
            "vi": "Ngày này đã có trong lịch (cùng phạm vi).",
            "en": "This day is already in the calendar for the same scope.",
        },
        "catalog.duplicate-code": {
            "vi": "Các mã không được trùng nhau.",
            "en": "Codes must be unique.",
        },
        "catalog.cutoff-needs-days": {
            "vi": "Giờ tiếp nhận muộn nhất chỉ áp dụng cho thời hạn tính theo số ngày nguyên.",
            "en": "A cut-off hour only applies to durations of whole days.",
        },
        "catalog.calendar-days-whole": {
            "vi": "Thời hạn tính theo ngày lịch phải là số ngày nguyên.",
            "en": "A duration in calendar days must be a whole number of days.",
        },
        "catalog.duration-half-steps": {
            "vi": "Thời hạn chỉ được chia đến nửa ngày (hoặc nửa giờ).",
            "en": "A duration can only be split in halves (of a day or an hour).",
        },
        "catalog.received-at-range": {
            "vi": "Thời điểm tiếp nhận phải trong khoảng năm 2000–2099.",
            "en": "The reception moment must be between 2000 and 2099.",
        },
        "catalog.code-immutable": {
            "vi": "Không được đổi mã thủ tục; hãy tạo thủ tục mới.",
            "en": "A procedure's code cannot change; create a new procedure instead.",
        },
        "catalog.agency-unknown": {
            "vi": "Không có cơ quan với mã này.",
            "en": "There is no agency with this code.",
        },
        "catalog.agency-inactive": {
            "vi": "Cơ quan này đã ngừng hoạt động.",
            "en": "This agency is no longer active.",
        },
        "catalog.working-hours-invalid": {
            "vi": "Giờ làm việc không hợp lệ: {reason}",
            "en": "Invalid working hours: {reason}",
        },
        "catalog.parent-cycle": {
            "vi": "Cơ quan cấp trên không hợp lệ (tạo thành vòng lặp).",
            "en": "Invalid parent agency (it would create a cycle).",
        },
        "catalog.form-invalid": {
            "vi": "Biểu mẫu không hợp lệ: {reason}",
            "en": "Invalid form definition: {reason}",
        },
    }
)
