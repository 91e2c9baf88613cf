"""Notification errors (stable codes, vi/en messages)."""

from __future__ import annotations

from backend.core.errors import NotFound
from backend.core.i18n import register_messages


class NotificationNotFound(NotFound):
    code = "notifications.not-found"


class MessageNotFound(NotFound):
    code = "notifications.message-not-found"


register_messages(
    {
        "notifications.not-found.detail": {
            "vi": "Không tìm thấy thông báo.",
            "en": "No such notification.",
        },
        "notifications.message-not-found.detail": {
            "vi": "Không tìm thấy tin nhắn với mã này.",
            "en": "No message with this id.",
        },
    }
)
