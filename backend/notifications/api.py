"""My notifications (in-app list, unread count, mark read), my preferences, and delivery
tracking for admins."""

from __future__ import annotations

from flask_restx import Namespace, Resource

from backend.accounts.auth import current_user, login_required
from backend.accounts.models import Role
from backend.core.api import accepts, documents_errors, page_schema, responds
from backend.notifications import queries, receivers, services, templates  # noqa: F401
from backend.notifications.errors import MessageNotFound
from backend.notifications.schemas import (
    BounceSchema,
    MarkedSchema,
    MessageQuerySchema,
    MessageSchema,
    NotificationListQuerySchema,
    NotificationSchema,
    PreferencesSchema,
    PreferencesUpdateSchema,
    UnreadCountSchema,
)

notifications_ns = Namespace("notifications", description="My notifications and preferences")
notifications_admin_ns = Namespace(
    "notifications-admin", description="Delivery tracking of e-mails and SMS"
)

NotificationPageSchema = page_schema(NotificationSchema, "NotificationPage")
MessagePageSchema = page_schema(MessageSchema, "NotificationMessagePage")


@notifications_ns.route("/notifications")
class MyNotifications(Resource):
    @login_required()
    @accepts(NotificationListQuerySchema, location="query")
    @responds(NotificationPageSchema, description="Newest first")
    def get(self, query):
        """My notifications, newest first (``unread=true`` for the unread ones only)."""
        return queries.list_for_user(current_user(), query)


@notifications_ns.route("/notifications/unread-count")
class MyUnreadCount(Resource):
    @login_required()
    @responds(UnreadCountSchema, description="For the bell icon")
    def get(self):
        """How many of my notifications are unread."""
        return {"unread": queries.count_unread(current_user())}


@notifications_ns.route("/notifications/<uuid:notification_id>/read")
class MyNotificationRead(Resource):
    @login_required()
    @documents_errors(404)
    @responds(NotificationSchema, description="Marked read")
    def post(self, notification_id):
        """Mark one of my notifications read (again: no change)."""
        notification = queries.get_for_user_or_404(notification_id, current_user())
        return services.mark_read(notification)


@notifications_ns.route("/notifications/read-all")
class MyNotificationsReadAll(Resource):
    @login_required()
    @responds(MarkedSchema, description="How many were unread")
    def post(self):
        """Mark all my notifications read."""
        return {"updated": services.mark_all_read(current_user())}


def _preferences_view(user):
    pref = services.preferences_of(user)
    return {
        "email": pref.email,
        "sms": pref.sms,
        "locale": pref.locale,
        "email_address": user.email,
        "phone": user.phone,
        "always_sent": sorted(templates.REQUIRED),
    }


@notifications_ns.route("/notification-preferences")
class MyPreferences(Resource):
    @login_required()
    @responds(PreferencesSchema, description="Channels and language")
    def get(self):
        """How I am notified: e-mail, SMS, language. Required notices (``always_sent``) go out
        on at least one channel even with both off."""
        return _preferences_view(current_user())

    @login_required()
    @accepts(PreferencesUpdateSchema)
    @responds(PreferencesSchema, description="Saved")
    def put(self, data):
        """Choose my channels and language (fields left out keep their value)."""
        user = current_user()
        services.update_preferences(user, **data)
        return _preferences_view(user)


@notifications_admin_ns.route("/notification-messages")
class MessageList(Resource):
    @login_required(Role.ADMIN)
    @accepts(MessageQuerySchema, location="query")
    @responds(MessagePageSchema, description="Newest first")
    def get(self, query):
        """E-mails and SMS with their delivery status, attempts and errors (admins)."""
        return queries.list_messages(query)


@notifications_admin_ns.route("/notification-messages/bounces")
class MessageBounces(Resource):
    @login_required(Role.ADMIN)
    @documents_errors(404)
    @accepts(BounceSchema)
    @responds(MessageSchema, description="Marked bounced; the notice falls back to SMS")
    def post(self, data):
        """Record a bounce the mail relay reported for a sent e-mail (by its Message-ID)."""
        message = services.record_bounce(data["provider_id"], data["reason"])
        if message is None:
            raise MessageNotFound()
        return message
