"""Notification schemas: the in-app list, preferences, delivery tracking for admins."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from backend.core.api import DateTime, PageQuerySchema
from backend.notifications.models import CHANNELS, LOCALES, MESSAGE_STATUSES


class NotificationListQuerySchema(PageQuerySchema):
    unread = fields.Boolean(metadata={"description": "Only the unread ones"})


class NotificationSchema(Schema):
    id = fields.UUID(attribute="uuid", required=True)
    template = fields.String(required=True, metadata={"description": "What it is about"})
    title = fields.String(required=True)
    body = fields.String(required=True)
    link = fields.String(allow_none=True, metadata={"description": "Where to act, in the SPA"})
    required = fields.Boolean(
        required=True, metadata={"description": "A notice that always goes out"}
    )
    dossier_id = fields.Function(
        lambda n: str(n.dossier.uuid) if n.dossier is not None else None, allow_none=True
    )
    created_at = DateTime(required=True)
    read_at = DateTime(allow_none=True)
    channels = fields.Function(
        lambda n: [{"channel": m.channel, "status": m.status} for m in n.messages],
        required=True,
        metadata={"description": "How it went out: [{channel, status}]"},
    )


class UnreadCountSchema(Schema):
    unread = fields.Integer(required=True)


class MarkedSchema(Schema):
    updated = fields.Integer(required=True)


class PreferencesSchema(Schema):
    email = fields.Boolean(required=True, metadata={"description": "Send e-mails"})
    sms = fields.Boolean(required=True, metadata={"description": "Send text messages"})
    locale = fields.String(required=True, validate=validate.OneOf(LOCALES))
    email_address = fields.String(allow_none=True, dump_only=True)
    phone = fields.String(allow_none=True, dump_only=True)
    always_sent = fields.List(
        fields.String(),
        dump_only=True,
        metadata={"description": "Notices sent on at least one channel whatever the choice"},
    )


class PreferencesUpdateSchema(Schema):
    email = fields.Boolean()
    sms = fields.Boolean()
    locale = fields.String(validate=validate.OneOf(LOCALES))


class MessageQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(MESSAGE_STATUSES))
    channel = fields.String(validate=validate.OneOf(CHANNELS))


class MessageSchema(Schema):
    id = fields.UUID(attribute="uuid", required=True)
    channel = fields.String(required=True)
    recipient = fields.String(required=True)
    template = fields.Function(lambda m: m.notification.template, required=True)
    status = fields.String(required=True)
    attempts = fields.Integer(required=True)
    error = fields.String(allow_none=True)
    permanent_failure = fields.Boolean(required=True)
    provider_id = fields.String(allow_none=True)
    fallback = fields.Function(
        lambda m: m.fallback_of_id is not None,
        required=True,
        metadata={"description": "An SMS sent because the e-mail failed"},
    )
    created_at = DateTime(required=True)
    sent_at = DateTime(allow_none=True)
    failed_at = DateTime(allow_none=True)


class BounceSchema(Schema):
    provider_id = fields.String(
        required=True,
        validate=validate.Length(min=1, max=255),
        metadata={"description": "The bounced e-mail's Message-ID"},
    )
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))
