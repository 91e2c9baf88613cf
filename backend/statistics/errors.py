"""Statistics errors and messages."""

from __future__ import annotations

from backend.core.errors import Conflict, Forbidden, NotFound
from backend.core.i18n import register_messages


class RatingNotFound(NotFound):
    code = "rating.not-found"


class RatingNotYet(Conflict):
    """The dossier has no result yet (status 9 or 10)."""

    code = "rating.not-yet"


class RatingLocked(Conflict):
    """The edit window of the rating is over."""

    code = "rating.locked"


class AgencyNotFound(NotFound):
    code = "statistics.agency-not-found"


class ScopeForbidden(Forbidden):
    """An officer asked for another agency's or the whole province's figures."""

    code = "statistics.scope-forbidden"


register_messages(
    {
        "rating.not-found.detail": {
            "vi": "Hồ sơ này chưa được đánh giá.",
            "en": "This dossier has not been rated.",
        },
        "rating.not-yet.detail": {
            "vi": "Chỉ đánh giá được sau khi hồ sơ đã có kết quả.",
            "en": "A dossier can be rated only once its result is ready.",
        },
        "rating.locked.detail": {
            "vi": "Đã hết thời hạn sửa đánh giá ({days} ngày kể từ lần đánh giá đầu tiên).",
            "en": "The rating can no longer be changed ({days} days after it was first given).",
        },
        "statistics.agency-not-found.detail": {
            "vi": "Không tìm thấy cơ quan với mã này.",
            "en": "No agency has this code.",
        },
        "statistics.scope-forbidden.detail": {
            "vi": "Bạn chỉ xem được số liệu của cơ quan mình.",
            "en": "You may only see your own agency's figures.",
        },
        "statistics.period-invalid": {
            "vi": "Kỳ báo cáo không hợp lệ.",
            "en": "The report period is not valid.",
        },
        "statistics.month-required": {
            "vi": "Cần chọn tháng (1–12) cho kỳ báo cáo theo tháng.",
            "en": "A monthly report needs a month (1–12).",
        },
        "statistics.quarter-required": {
            "vi": "Cần chọn quý (1–4) cho kỳ báo cáo theo quý.",
            "en": "A quarterly report needs a quarter (1–4).",
        },
        "statistics.range-required": {
            "vi": "Kỳ tùy chọn cần ngày bắt đầu và ngày kết thúc.",
            "en": "A custom period needs a first and a last day.",
        },
        "statistics.range-order": {
            "vi": "Ngày kết thúc phải không trước ngày bắt đầu.",
            "en": "The last day must not be before the first day.",
        },
        "statistics.range-too-long": {
            "vi": "Kỳ tùy chọn dài tối đa 5 năm.",
            "en": "A custom period is at most 5 years long.",
        },
    }
)
