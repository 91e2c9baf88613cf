"""The one place the application asks for the current time, so tests can control it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

#: Legal time zone of every deadline and every date shown to users.
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

_frozen: datetime | None = None


def utcnow() -> datetime:
    """Current time, aware, in UTC (or the frozen time set by tests)."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def freeze(moment: datetime | None) -> None:
    """Freeze the clock at ``moment`` (aware), or unfreeze with ``None``. Tests only."""
    global _frozen
    if moment is not None and moment.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen = moment.astimezone(UTC) if moment is not None else None
