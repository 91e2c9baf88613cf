"""Notifications: what a user is told (in-app rows), how it went out (one message per channel),
and the user's channel preferences."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.db import Base, IdMixin

BIGINT = sa.BigInteger().with_variant(sa.Integer, "sqlite")

#: Delivery channels that leave the platform (in-app notifications are always stored).
CHANNELS = ("email", "sms")
#: queued → sent | failed | bounced (a sent e-mail may bounce later).
MESSAGE_STATUSES = ("queued", "sent", "failed", "bounced")
LOCALES = ("vi", "en")


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class Notification(IdMixin, Base):
    """One thing a user is told, shown in the app (list, unread count, mark read); its
    e-mail and SMS deliveries are :class:`Message` rows."""

    __tablename__ = "notifications"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    #: Template name (submitted, supplement_requested, daily_digest, …).
    template: Mapped[str] = mapped_column(sa.String(48))
    #: Makes a notification happen once: the step (``step:<log id>``) or the reminder
    #: (``remind-supplement:<id>``) it comes from.
    key: Mapped[str] = mapped_column(sa.String(128))
    #: A legally required notice or a reminder of something expected: it goes out on at least
    #: one channel whatever the preferences.
    required: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str] = mapped_column(sa.String(2), default="vi")
    #: Short text for the app (and SMS).
    title: Mapped[str] = mapped_column(sa.String(255))
    body: Mapped[str] = mapped_column(sa.Text)
    #: Absolute link into the SPA.
    link: Mapped[str | None] = mapped_column(sa.String(512))
    dossier_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("dossiers.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]

    messages: Mapped[list[Message]] = relationship(
        back_populates="notification", order_by="Message.id"
    )
    dossier = relationship("Dossier", lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("user_id", "key", name="uq_notifications_user_key"),
        sa.CheckConstraint(_in("locale", LOCALES), name="locale_known"),
        #: The user's list, newest first.
        sa.Index("ix_notifications_user_created", "user_id", "created_at"),
        #: The unread count.
        sa.Index(
            "ix_notifications_user_unread",
            "user_id",
            postgresql_where=sa.text("read_at IS NULL"),
            sqlite_where=sa.text("read_at IS NULL"),
        ),
    )


class Message(IdMixin, Base):
    """One delivery of a notification on one channel, tracked from queued to sent, failed or
    bounced, with its attempts and the provider's id."""

    __tablename__ = "notification_messages"

    notification_id: Mapped[int] = mapped_column(
        sa.ForeignKey("notifications.id", ondelete="CASCADE"), index=True
    )
    #: email or sms.
    channel: Mapped[str] = mapped_column(sa.String(8))
    #: The e-mail address or the phone number (0xxxxxxxxx) it was sent to.
    recipient: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str | None] = mapped_column(sa.String(255))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(8), default="queued", index=True)
    #: Delivery attempts made so far.
    attempts: Mapped[int] = mapped_column(default=0)
    #: Last error (SMTP reply, provider answer), for operators.
    error: Mapped[str | None] = mapped_column(sa.Text)
    #: True when the failure will not go away by retrying (5xx, invalid number, bounce).
    permanent_failure: Mapped[bool] = mapped_column(default=False)
    #: The provider's id: the e-mail's Message-ID, the SMS provider's message id.
    provider_id: Mapped[str | None] = mapped_column(sa.String(255), index=True)
    #: The failed e-mail this SMS replaces.
    fallback_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("notification_messages.id"))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]

    notification: Mapped[Notification] = relationship(back_populates="messages")

    __table_args__ = (
        sa.CheckConstraint(_in("channel", CHANNELS), name="channel_known"),
        sa.CheckConstraint(_in("status", MESSAGE_STATUSES), name="status_known"),
    )


class NotificationPreference(Base):
    """A user's choice of channels and language. Without a row the defaults apply: e-mail on,
    SMS off, Vietnamese."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[bool] = mapped_column(default=True)
    sms: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str] = mapped_column(sa.String(2), default="vi")
    updated_at: Mapped[datetime]

    __table_args__ = (sa.CheckConstraint(_in("locale", LOCALES), name="locale_known"),)
