"""Back-office schemas: action inputs (each carries the dossier version) and the officer view."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from backend.backoffice.queries import QUEUES
from backend.catalog.schemas import CODE
from backend.core.api import DateTime
from backend.dossiers.schemas import STATUSES, DossierSchema


class VersionSchema(Schema):
    version = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "The dossier version you saw; a stale one is 409"},
    )


def _text(max_length: int = 2000, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


class ReasonSchema(VersionSchema):
    reason = _text(required=True)


class SupplementItemSchema(Schema):
    component_code = fields.String(load_default=None, allow_none=True, validate=CODE)
    description = _text(500, required=True)


class SupplementRequestSchema(VersionSchema):
    items = fields.List(
        fields.Nested(SupplementItemSchema), required=True, validate=validate.Length(min=1, max=50)
    )
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    deadline_at = fields.AwareDateTime(required=True)


class AssignSchema(VersionSchema):
    specialist_id = fields.UUID(required=True)


class ForwardSchema(VersionSchema):
    to = fields.String(required=True, validate=validate.OneOf(["dept_head", "leader"]))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class CommentSchema(VersionSchema):
    comment = _text(required=True)


class PaymentLineSchema(Schema):
    code = fields.String(required=True, validate=CODE)
    name = _text(500, required=True)
    amount = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10**10))


class PaymentRequestSchema(VersionSchema):
    lines = fields.List(
        fields.Nested(PaymentLineSchema), required=True, validate=validate.Length(min=1, max=30)
    )
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class SettleSchema(VersionSchema):
    receipt = _text(128, required=True, metadata={"description": "Receipt number (biên lai)"})


class DecisionSchema(VersionSchema):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class IssueSchema(VersionSchema):
    number = _text(32, required=True, metadata={"example": "125"})
    symbol = _text(64, required=True, metadata={"example": "QĐ-STP"})


class ApologySchema(VersionSchema):
    new_due_at = fields.AwareDateTime(required=True)
    reason = _text(required=True)


class NoteInputSchema(Schema):
    text = _text(4000, required=True)
    internal = fields.Boolean(
        load_default=True, metadata={"description": "false: a message the citizen sees"}
    )


class QueueQuerySchema(Schema):
    queue = fields.String(validate=validate.OneOf(QUEUES))
    status = fields.String(validate=validate.OneOf([s for s in STATUSES if s != "draft"]))
    procedure = fields.String(validate=CODE)
    submitted_from = fields.Date()
    submitted_to = fields.Date()
    q = fields.String(
        validate=validate.Length(max=100),
        metadata={"description": "Applicant name, ID number or dossier code; accents ignored"},
    )
    after = fields.String(
        validate=validate.Length(max=200), metadata={"description": "`next` of the previous page"}
    )
    size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class NoteSchema(Schema):
    id = fields.UUID(attribute="uuid", required=True)
    created_at = DateTime(required=True)
    author_name = fields.String(required=True)
    internal = fields.Boolean(required=True)
    text = fields.String(required=True)


class PauseSchema(Schema):
    start = DateTime(required=True)
    end = DateTime(required=True)


class TimelinessSchema(Schema):
    due_at = DateTime(allow_none=True)
    original_due_at = DateTime(allow_none=True)
    paused = fields.List(fields.Nested(PauseSchema), required=True)
    supplement_rounds = fields.Integer(required=True)
    working_time_left_seconds = fields.Integer(allow_none=True)
    cls = fields.String(
        data_key="class",
        attribute="class",
        allow_none=True,
        metadata={"description": "early, on_time, late, open_within or open_overdue"},
    )


class OfficerRefSchema(Schema):
    id = fields.UUID(attribute="uuid", required=True)
    full_name = fields.String(required=True)


class OfficerDossierSchema(DossierSchema):
    """What officers see: the citizen's view plus workflow state, notes and deadlines."""

    stage = fields.String(allow_none=True)
    assignee = fields.Nested(OfficerRefSchema, allow_none=True)
    decision = fields.String(allow_none=True)
    result_number = fields.String(allow_none=True)
    result_symbol = fields.String(allow_none=True)
    apologized = fields.Boolean(required=True)
    notes = fields.List(fields.Nested(NoteSchema), required=True)
    allowed_actions = fields.List(fields.String(), required=True)
    timeliness = fields.Nested(TimelinessSchema, required=True)


class QueueItemSchema(Schema):
    id = fields.UUID(attribute="uuid", required=True)
    code = fields.String(required=True)
    status = fields.String(required=True)
    status_code = fields.Integer(allow_none=True)
    applicant_name = fields.String(required=True)
    procedure_name = fields.Function(lambda d: d.procedure_version.name_vi, required=True)
    submitted_at = DateTime(allow_none=True)
    due_at = DateTime(allow_none=True)
    stage = fields.String(allow_none=True)
    awaiting_payment = fields.Boolean(required=True)
    version = fields.Integer(required=True)


class QueuePageSchema(Schema):
    items = fields.List(fields.Nested(QueueItemSchema), required=True)
    next = fields.String(allow_none=True)


QueueCountsSchema = Schema.from_dict(
    {queue: fields.Integer(required=True) for queue in QUEUES}, name="QueueCounts"
)


class ReceiptComponentSchema(Schema):
    code = fields.String(required=True)
    filename = fields.String(required=True)


class ReceiptSlipSchema(Schema):
    """The receipt and appointment slip (Mẫu 01) data; the PDF comes with electronic results."""

    code = fields.String(required=True)
    agency = fields.String(required=True)
    applicant = fields.String(required=True)
    applicant_phone = fields.String(allow_none=True)
    applicant_email = fields.String(allow_none=True)
    procedure = fields.String(required=True)
    components = fields.List(fields.Nested(ReceiptComponentSchema), required=True)
    duration = fields.Dict(required=True)
    received_at = DateTime(required=True)
    due_at = DateTime(required=True)
