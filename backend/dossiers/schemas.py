"""Dossier schemas: citizen input and the citizen's view; the public lookup."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from backend.catalog.schemas import CODE, AgencyRefSchema, FeeSchema
from backend.core.api import DateTime, EmailAddress, PageQuerySchema, Pattern
from backend.dossiers.states import DossierStatus

STATUSES = [s.value for s in DossierStatus]


class ApplicantInputSchema(Schema):
    """The person a delegate files for."""

    full_name = fields.String(required=True, validate=validate.Length(min=2, max=128))
    personal_id = fields.String(
        required=True, validate=Pattern(r"^[0-9]{12}$", error="personal_id.format")
    )
    date_of_birth = fields.Date(required=True)
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20))
    email = EmailAddress(load_default=None, allow_none=True, validate=validate.Length(max=254))
    relationship = fields.String(
        required=True,
        validate=validate.Length(min=1, max=128),
        metadata={"description": "How the filer relates to the applicant (e.g. mẹ, con)"},
    )


class DossierCreateSchema(Schema):
    procedure_code = fields.String(required=True, validate=CODE)
    agency_code = fields.String(
        validate=CODE, metadata={"description": "Receiving agency; default the first one"}
    )
    applicant = fields.Nested(
        ApplicantInputSchema,
        load_default=None,
        allow_none=True,
        metadata={"description": "Only when filing on behalf of someone else"},
    )


class DossierUpdateSchema(Schema):
    form_data = fields.Dict(
        metadata={"description": "Fields to save (partial; validated field by field)"}
    )
    applicant = fields.Nested(ApplicantInputSchema, allow_none=True)


class WithdrawSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class SupplySchema(Schema):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class DossierListQuerySchema(PageQuerySchema):
    status = fields.String(validate=validate.OneOf(STATUSES))


class LookupQuerySchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    personal_id = fields.String(
        required=True, validate=Pattern(r"^[0-9]{12}$", error="personal_id.format")
    )


# --- output -----------------------------------------------------------------------------------


class ProcedureRefSchema(Schema):
    code = fields.Function(lambda v: v.procedure.code, required=True)
    version = fields.Integer(attribute="number", required=True)
    name_vi = fields.String(required=True)
    name_en = fields.String(required=True)


class AttachmentSchema(Schema):
    id = fields.UUID(attribute="uuid", required=True)
    component_code = fields.String(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    uploaded_at = DateTime(required=True)
    supplement_round = fields.Integer(allow_none=True)
    reused = fields.Boolean(required=True)


class TimelineEntrySchema(Schema):
    occurred_at = DateTime(required=True)
    action = fields.String(required=True)
    text = fields.String(required=True, metadata={"description": "The step in plain words"})
    status = fields.String(required=True)
    status_code = fields.Integer(allow_none=True)
    actor_role = fields.String(required=True)
    agency_code = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    step_due_at = DateTime(allow_none=True)


class SupplementSchema(Schema):
    round = fields.Integer(required=True)
    requested_at = DateTime(required=True)
    items = fields.List(fields.Dict(), required=True)
    note = fields.String(allow_none=True)
    deadline_at = DateTime(required=True)
    supplied_at = DateTime(allow_none=True)
    response_note = fields.String(allow_none=True)
    accepted_at = DateTime(allow_none=True)


class NextStepSchema(Schema):
    code = fields.String(required=True)
    text = fields.String(required=True)
    deadline_at = DateTime(allow_none=True)


class ApplicantSchema(Schema):
    full_name = fields.String(attribute="applicant_name", required=True)
    personal_id = fields.String(attribute="applicant_personal_id", allow_none=True)
    date_of_birth = fields.Date(attribute="applicant_date_of_birth", allow_none=True)
    phone = fields.String(attribute="applicant_phone", allow_none=True)
    email = fields.String(attribute="applicant_email", allow_none=True)
    filed_by_delegate = fields.Boolean(required=True)
    relationship = fields.String(attribute="delegate_relationship", allow_none=True)


class MessageSchema(Schema):
    created_at = DateTime(required=True)
    author_name = fields.String(required=True)
    text = fields.String(required=True)


class DossierListItemSchema(Schema):
    id = fields.UUID(attribute="uuid", required=True)
    code = fields.String(allow_none=True)
    status = fields.String(required=True)
    status_code = fields.Integer(allow_none=True)
    awaiting_payment = fields.Boolean(required=True)
    procedure = fields.Nested(ProcedureRefSchema, attribute="procedure_version", required=True)
    receiving_agency = fields.Nested(AgencyRefSchema, required=True)
    submitted_at = DateTime(allow_none=True)
    due_at = DateTime(allow_none=True)
    updated_at = DateTime(required=True)


class DossierSchema(DossierListItemSchema):
    """The citizen's full view of their dossier."""

    version = fields.Integer(required=True)
    channel = fields.Integer(required=True)
    applicant = fields.Function(lambda d: ApplicantSchema().dump(d), required=True)
    competent_agency = fields.Nested(AgencyRefSchema, required=True)
    form_data = fields.Dict(required=True)
    attachments = fields.List(fields.Nested(AttachmentSchema), required=True)
    fee_due_at_submission = fields.Integer(required=True)
    fees = fields.Function(
        lambda d: FeeSchema(many=True).dump(d.procedure_version.fees), required=True
    )
    received_at = DateTime(allow_none=True)
    finished_at = DateTime(allow_none=True)
    delivered_at = DateTime(allow_none=True)
    withdraw_reason = fields.String(allow_none=True)
    supplements = fields.List(fields.Nested(SupplementSchema), required=True)
    timeline = fields.List(fields.Nested(TimelineEntrySchema), required=True)
    messages = fields.Function(
        lambda d: MessageSchema(many=True).dump([n for n in d.notes if not n.internal]),
        required=True,
        metadata={"description": "Messages from officers (internal notes are never shown)"},
    )
    next_step = fields.Nested(NextStepSchema, allow_none=True)


class LookupSchema(Schema):
    """What anyone with the code and the applicant's ID number may see: no personal data."""

    code = fields.String(required=True)
    status = fields.String(required=True)
    status_code = fields.Integer(allow_none=True)
    status_text = fields.String(required=True)
    procedure = fields.Nested(ProcedureRefSchema, attribute="procedure_version", required=True)
    receiving_agency = fields.Nested(AgencyRefSchema, required=True)
    submitted_at = DateTime(allow_none=True)
    received_at = DateTime(allow_none=True)
    due_at = DateTime(allow_none=True)
    finished_at = DateTime(allow_none=True)
