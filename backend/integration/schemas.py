"""Integration schemas: admin views of subscribers, deliveries and clients; inbound events."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from backend.core.api import DateTime, EmailAddress, PageQuerySchema, Pattern

EVENT_TYPE_PATTERN = r"^[a-z_]+(\.[a-z_]+)*(\.\*)?$"


# --- admin: subscribers and deliveries ---------------------------------------------------------


class SubscriberCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=128))
    url = fields.String(required=True, validate=validate.Length(min=8, max=2048))
    event_types = fields.List(
        fields.String(validate=[validate.Length(max=64), Pattern(EVENT_TYPE_PATTERN)]),
        load_default=list,
        validate=validate.Length(max=50),
        metadata={"description": "Types or prefixes like dossier.*; empty: every event"},
    )


class SubscriberUpdateSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=128))
    url = fields.String(validate=validate.Length(min=8, max=2048))
    event_types = fields.List(
        fields.String(validate=[validate.Length(max=64), Pattern(EVENT_TYPE_PATTERN)]),
        validate=validate.Length(max=50),
    )
    is_active = fields.Boolean()
    rotate_secret = fields.Boolean(metadata={"description": "Issue a new signing secret"})


class SubscriberSchema(Schema):
    id = fields.UUID(attribute="uuid", required=True)
    name = fields.String(required=True)
    url = fields.String(required=True)
    event_types = fields.List(fields.String(), required=True)
    is_active = fields.Boolean(required=True)
    created_at = DateTime(required=True)


class SubscriberWithSecretSchema(SubscriberSchema):
    secret = fields.String(
        required=True, metadata={"description": "HMAC-SHA256 key; shown only now"}
    )


class SubscriberUpdatedSchema(SubscriberSchema):
    secret = fields.String(
        attribute="shown_secret",
        allow_none=True,
        metadata={"description": "The new HMAC key when rotate_secret was asked; else null"},
    )


class DeliveryQuerySchema(PageQuerySchema):
    state = fields.String(validate=validate.OneOf(["pending", "delivered", "dead"]))
    subscriber_id = fields.UUID()


class AttemptSchema(Schema):
    attempted_at = DateTime(required=True)
    status_code = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    duration_ms = fields.Integer(required=True)


class DeliverySchema(Schema):
    id = fields.UUID(attribute="uuid", required=True)
    subscriber_id = fields.UUID(attribute="subscriber.uuid", required=True)
    event_id = fields.UUID(attribute="event.uuid", required=True)
    event_type = fields.String(attribute="event.type", required=True)
    aggregate = fields.String(attribute="aggregate_key", required=True)
    state = fields.String(required=True)
    attempts = fields.Integer(required=True)
    next_attempt_at = DateTime(required=True)
    created_at = DateTime(required=True)
    delivered_at = DateTime(allow_none=True)
    dead_at = DateTime(allow_none=True)
    last_status = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)


class DeliveryDetailSchema(DeliverySchema):
    history = fields.List(fields.Nested(AttemptSchema), attribute="attempt_rows", required=True)


class ReplayCountSchema(Schema):
    replayed = fields.Integer(required=True)


class ClientCreateSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=128))
    agency_code = fields.String(
        required=True,
        validate=validate.Length(min=1, max=32),
        metadata={"description": "Agency of the client's service account"},
    )


class ClientSchema(Schema):
    id = fields.UUID(attribute="uuid", required=True)
    key_id = fields.String(required=True)
    name = fields.String(required=True)
    is_active = fields.Boolean(required=True)
    created_at = DateTime(required=True)


class ClientWithSecretSchema(ClientSchema):
    secret = fields.String(
        required=True, metadata={"description": "HMAC-SHA256 key; shown only now"}
    )


class SyncRatePartSchema(Schema):
    total = fields.Integer(required=True)
    synced = fields.Integer(required=True)
    rate = fields.Float(required=True, metadata={"description": "0..1; 1 when there is none"})


class SyncRateSchema(Schema):
    dossiers = fields.Nested(SyncRatePartSchema, required=True)
    process_log = fields.Nested(SyncRatePartSchema, required=True)


# --- inbound events from the one-stop system ---------------------------------------------------

INBOUND_TYPES = (
    "dossier.submitted",
    "dossier.status_changed",
    "dossier.step",
    "dossier.result_issued",
)
INBOUND_ACTIONS = ("accept", "refuse", "assign", "stop", "withdraw", "deliver")


class InboundEventSchema(Schema):
    id = fields.String(
        required=True,
        validate=[validate.Length(min=8, max=64), Pattern(r"^[A-Za-z0-9._:-]+$")],
        metadata={
            "description": "Unique per client; a repeat with the same body is answered "
            "again without applying anything"
        },
    )
    type = fields.String(required=True, validate=validate.OneOf(INBOUND_TYPES))
    occurred_at = fields.AwareDateTime(required=True)
    data = fields.Dict(required=True)


class InboundApplicantSchema(Schema):
    full_name = fields.String(required=True, validate=validate.Length(min=2, max=128))
    personal_id = fields.String(required=True, validate=Pattern(r"^\d{12}$"))
    date_of_birth = fields.Date(required=True)
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20))
    email = EmailAddress(load_default=None, allow_none=True)


class InboundDocumentSchema(Schema):
    component_code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    filename = fields.String(required=True, validate=validate.Length(min=1, max=255))
    content_base64 = fields.String(required=True, validate=validate.Length(min=4))


class InboundResultFileSchema(Schema):
    type_code = fields.String(load_default="KQ", validate=validate.Length(min=1, max=32))
    filename = fields.String(required=True, validate=validate.Length(min=1, max=255))
    content_base64 = fields.String(required=True, validate=validate.Length(min=4))


class InboundSubmissionSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    external_code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    channel = fields.Integer(required=True, strict=True)
    procedure_code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    agency_code = fields.String(load_default=None, validate=validate.Length(min=1, max=32))
    applicant = fields.Nested(InboundApplicantSchema, required=True)
    form_data = fields.Dict(load_default=dict)
    documents = fields.List(
        fields.Nested(InboundDocumentSchema), load_default=list, validate=validate.Length(max=20)
    )


class InboundDossierRefSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    code = fields.String(load_default=None, validate=validate.Length(min=1, max=64))
    external_code = fields.String(load_default=None, validate=validate.Length(min=1, max=64))
    officer_name = fields.String(load_default=None, validate=validate.Length(max=128))
    note = fields.String(load_default=None, validate=validate.Length(max=2000))


class InboundStatusSchema(InboundDossierRefSchema):
    action = fields.String(required=True, validate=validate.OneOf(INBOUND_ACTIONS))


class InboundStepSchema(InboundDossierRefSchema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class InboundResultSchema(InboundDossierRefSchema):
    decision = fields.String(
        load_default="approved", validate=validate.OneOf(["approved", "rejected"])
    )
    number = fields.String(required=True, validate=validate.Length(min=1, max=32))
    symbol = fields.String(required=True, validate=validate.Length(min=1, max=64))
    title = fields.String(load_default=None, validate=validate.Length(max=255))
    document = fields.Nested(InboundResultFileSchema, required=True)


class InboundDossierSchema(Schema):
    id = fields.UUID(attribute="uuid", required=True)
    code = fields.String(required=True)
    external_code = fields.String(allow_none=True)
    status = fields.String(required=True)
    status_code = fields.Integer(allow_none=True)


class InboundResultReplySchema(Schema):
    event_id = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "applied"})
    dossier = fields.Nested(InboundDossierSchema, required=True)
