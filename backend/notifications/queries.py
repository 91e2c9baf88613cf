"""Notification reads: a user's list and unread count, delivery tracking for admins."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from backend.accounts.models import User
from backend.core.api import paginate
from backend.extensions import db
from backend.notifications.errors import NotificationNotFound
from backend.notifications.models import Message, Notification


def list_for_user(user: User, filters: dict) -> dict:
    """One page of the user's notifications, newest first (``unread`` to filter)."""
    stmt = (
        sa.select(Notification)
        .where(Notification.user_id == user.id)
        .options(selectinload(Notification.messages))
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    if filters.get("unread"):
        stmt = stmt.where(Notification.read_at.is_(None))
    return paginate(db.session, stmt, filters["page"], filters["size"])


def count_unread(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def get_for_user_or_404(notification_id, user: User) -> Notification:
    """The user's own notification; anybody else's is "not found"."""
    notification = db.session.scalar(
        sa.select(Notification).where(
            Notification.uuid == notification_id, Notification.user_id == user.id
        )
    )
    if notification is None:
        raise NotificationNotFound()
    return notification


def list_messages(filters: dict) -> dict:
    """Delivery tracking: messages newest first, by status and channel."""
    stmt = (
        sa.select(Message).options(selectinload(Message.notification)).order_by(Message.id.desc())
    )
    if filters.get("status"):
        stmt = stmt.where(Message.status == filters["status"])
    if filters.get("channel"):
        stmt = stmt.where(Message.channel == filters["channel"])
    return paginate(db.session, stmt, filters["page"], filters["size"])
