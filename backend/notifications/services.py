"""Notification use cases: tell a user something (in-app row plus one message per channel),
deliver a message, fall back to SMS, record bounces, preferences, mark read.

Inside a transaction nothing leaves the process: :func:`notify` only adds rows and registers,
once per transaction, an after-commit hook that queues ``notifications.send_message`` for each
new message. A rolled back transaction therefore sends nothing.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from datetime import datetime
from urllib.parse import quote

import sqlalchemy as sa
from flask import current_app

from backend.accounts.models import User
from backend.core import audit
from backend.core.clock import utcnow
from backend.core.transaction import after_commit, after_rollback
from backend.extensions import db
from backend.notifications import templates
from backend.notifications.models import Message, Notification, NotificationPreference
from backend.notifications.sms import HttpSmsGateway, SmsError, SmsGateway

log = logging.getLogger(__name__)

_QUEUE_KEY = "notifications_to_send"


# --- links into the SPA (routes documented in README "Notifications") --------------------------


def link(path: str) -> str:
    """Absolute URL of an SPA route, from ``PUBLIC_BASE_URL``."""
    return current_app.config["PUBLIC_BASE_URL"] + path


def lookup_link(code: str) -> str:
    return link(f"/tra-cuu?ma={quote(code, safe='')}")


def dossier_link(dossier_uuid, section: str = "") -> str:
    """The citizen's dossier page; a section (``bo-sung``, ``thanh-toan``, ``ket-qua``) is
    the anchor the page scrolls to and focuses."""
    return link(f"/ho-so-cua-toi/{dossier_uuid}" + (f"#{section}" if section else ""))


def officer_link(dossier_uuid) -> str:
    return link(f"/can-bo/ho-so/{dossier_uuid}")


def queue_link() -> str:
    """The officer's queues (the SPA's ``/can-bo``)."""
    return link("/can-bo")


# --- preferences ------------------------------------------------------------------------------


def preferences_of(user: User) -> NotificationPreference:
    """The user's preferences, or the defaults (e-mail on, SMS off, Vietnamese) unsaved."""
    return db.session.get(NotificationPreference, user.id) or preferences_of_default(user)


def preferences_for(users) -> dict[int, NotificationPreference]:
    """The preferences of several users in one query (defaults for those without a row)."""
    ids = [user.id for user in users]
    rows = {
        pref.user_id: pref
        for pref in db.session.scalars(
            sa.select(NotificationPreference).where(NotificationPreference.user_id.in_(ids))
        )
    }
    return {user.id: rows.get(user.id) or preferences_of_default(user) for user in users}


def preferences_of_default(user: User) -> NotificationPreference:
    return NotificationPreference(user_id=user.id, email=True, sms=False, locale="vi")


def update_preferences(
    user: User, *, email: bool | None = None, sms: bool | None = None, locale: str | None = None
) -> NotificationPreference:
    """Change the channels and language; recorded in the audit log."""
    pref = db.session.get(NotificationPreference, user.id)
    if pref is None:
        pref = preferences_of(user)
        db.session.add(pref)
    if email is not None:
        pref.email = email
    if sms is not None:
        pref.sms = sms
    if locale is not None:
        pref.locale = locale
    pref.updated_at = utcnow()
    audit.record(
        "notifications.preferences_changed",
        actor_uuid=user.uuid,
        subject=str(user.uuid),
        data={"email": pref.email, "sms": pref.sms, "locale": pref.locale},
    )
    db.session.flush()
    return pref


def channels_for(user: User, pref: NotificationPreference, required: bool) -> list[str]:
    """The channels a notice goes out on: the chosen ones the user has an address for; a
    required notice goes out on e-mail (else SMS) even when the user chose none."""
    sms_on = bool(current_app.config.get("SMS_API_KEY"))
    available = {"email": bool(user.email), "sms": bool(user.phone) and sms_on}
    chosen = [c for c in ("email", "sms") if getattr(pref, c) and available[c]]
    if not chosen and required:
        chosen = [c for c in ("email", "sms") if available[c]][:1]
    return chosen


# --- telling a user something -----------------------------------------------------------------


def notify(
    user: User,
    template: str,
    *,
    key: str,
    context: Callable[[str], dict],
    url: str | None = None,
    dossier_id: int | None = None,
    once: bool = False,
    pref: NotificationPreference | None = None,
) -> Notification | None:
    """Store an in-app notification for ``user`` and queue its e-mail / SMS messages.

    ``context(locale)`` gives the template's fields in the user's language; ``key`` makes the
    notification unique per user (with ``once`` an existing one is looked up first and nothing
    is added; reminders use it); ``pref`` saves a lookup when the caller loaded it. The rows
    go to the database with the transaction's next flush; messages are sent after commit."""
    if not user.is_active:
        return None
    if once and db.session.scalar(
        sa.select(Notification.id).where(Notification.user_id == user.id, Notification.key == key)
    ):
        return None
    pref = pref or preferences_of(user)
    required = template in templates.REQUIRED
    rendered = templates.render(template, pref.locale, context(pref.locale))
    now = utcnow()
    notification = Notification(
        user_id=user.id,
        template=template,
        key=key,
        required=required,
        locale=pref.locale,
        title=rendered.subject,
        body=rendered.short,
        link=url,
        dossier_id=dossier_id,
        created_at=now,
    )
    db.session.add(notification)
    for channel in channels_for(user, pref, required):
        notification.messages.append(_message(user, channel, rendered, now))
    _queue_after_commit(notification.messages)
    return notification


def _message(user: User, channel: str, rendered: templates.Rendered, now: datetime) -> Message:
    if channel == "email":
        return Message(
            channel="email",
            recipient=user.email,
            subject=rendered.subject,
            body=rendered.body,
            status="queued",
            created_at=now,
        )
    return Message(
        channel="sms", recipient=user.phone, body=rendered.sms, status="queued", created_at=now
    )


def _queue_after_commit(messages: list[Message]) -> None:
    """Queue the messages for sending once the transaction commits: one hook and one task
    publication per transaction (the ``notifications.dispatch`` task fans out in the worker,
    so a request pays for one publication however many people it tells)."""
    if not messages:
        return
    info = db.session().info
    pending = info.get(_QUEUE_KEY)
    if pending is None:
        pending = info[_QUEUE_KEY] = []

        def send_all(messages=pending):
            from backend.notifications.tasks import dispatch

            dispatch.delay([message.id for message in messages])

        def forget():
            info.pop(_QUEUE_KEY, None)

        after_commit(forget)
        after_commit(send_all)
        after_rollback(forget)
    pending.extend(messages)


# --- delivery ---------------------------------------------------------------------------------


class ChannelFailure(Exception):
    def __init__(self, message: str, *, permanent: bool):
        super().__init__(message)
        self.permanent = permanent


def sms_gateway() -> SmsGateway:
    """The configured SMS provider (the simulator in the embedded default)."""
    config = current_app.config
    return HttpSmsGateway(
        api_url=config["SMS_API_URL"],
        api_key=config["SMS_API_KEY"],
        api_secret=config["SMS_API_SECRET"],
        sender=config["SMS_SENDER"],
        timeout=config["SMS_TIMEOUT"],
        post=current_app.extensions.get("sms_post"),
    )


def _send(message: Message) -> str:
    if message.channel == "email":
        from backend.core.mail import build_message, deliver, is_permanent

        try:
            return deliver(build_message(message.recipient, message.subject, message.body))
        except (OSError, smtplib.SMTPException) as exc:
            permanent = is_permanent(exc)
            raise ChannelFailure(f"{type(exc).__name__}: {exc}", permanent=permanent) from exc
    try:
        return sms_gateway().send(message.recipient, message.body, str(message.uuid))
    except SmsError as exc:
        raise ChannelFailure(str(exc), permanent=exc.permanent) from exc


def deliver_message(message_id: int, *, last_attempt: bool) -> str:
    """Try to send one queued message. Returns ``sent``, ``failed``, ``retry`` (a temporary
    failure with attempts left) or ``skipped`` (unknown, or no longer queued).

    A permanent failure, or a temporary one on the last attempt, marks the message failed; a
    failed e-mail falls back to SMS when the user has a phone number."""
    message = db.session.get(Message, message_id, with_for_update=True)
    if message is None or message.status != "queued":
        return "skipped"
    message.attempts += 1
    now = utcnow()
    try:
        provider_id = _send(message)
    except ChannelFailure as exc:
        message.error = str(exc)[:2000]
        if not exc.permanent and not last_attempt:
            log.info("notification retry", extra={"notification_message": str(message.uuid)})
            return "retry"
        message.status = "failed"
        message.permanent_failure = exc.permanent
        message.failed_at = now
        log.warning("notification failed", extra={"notification_message": str(message.uuid)})
        _fall_back(message)
        return "failed"
    message.status = "sent"
    message.provider_id = provider_id
    message.sent_at = now
    message.error = None
    return "sent"


def _fall_back(message: Message) -> Message | None:
    """Send the notice by SMS when its e-mail failed for good (once per notification)."""
    if message.channel != "email":
        return None
    notification = message.notification
    if any(m.channel == "sms" for m in notification.messages):
        return None
    user = db.session.get(User, notification.user_id)
    if not user or not user.phone or not current_app.config.get("SMS_API_KEY"):
        return None
    rendered = templates.Rendered(notification.title, notification.body, "")
    sms = _message(user, "sms", rendered, utcnow())
    sms.fallback_of_id = message.id
    notification.messages.append(sms)
    _queue_after_commit([sms])
    return sms


def record_bounce(provider_id: str, reason: str) -> Message | None:
    """An e-mail reported as bounced (a delivery status notification from the relay): the
    message is marked bounced and the notice falls back to SMS. Unknown ids return None."""
    message = db.session.scalar(
        sa.select(Message)
        .where(Message.provider_id == provider_id, Message.channel == "email")
        .with_for_update()
    )
    if message is None:
        return None
    if message.status != "bounced":
        message.status = "bounced"
        message.permanent_failure = True
        message.error = reason[:2000]
        message.failed_at = utcnow()
        audit.record(
            "notifications.bounced", subject=str(message.uuid), data={"reason": reason[:200]}
        )
        _fall_back(message)
    db.session.flush()
    return message


# --- in-app -----------------------------------------------------------------------------------


def mark_read(notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
    return notification


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
