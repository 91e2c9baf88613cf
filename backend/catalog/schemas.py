"""Catalogue schemas: admin input (procedures, agencies, calendar) and public output."""

from __future__ import annotations

from datetime import UTC, datetime

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from backend.catalog.models import AgencyLevel, OnlineLevel, SupplementPolicy
from backend.core.api import Amount, DateTime, PageQuerySchema, Pattern

CODE = Pattern(r"^[A-Za-z0-9._-]{1,32}$")
HHMM = Pattern(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
UNITS = ("working_days", "calendar_days", "working_hours")
MIME_TYPES = (
    "application/pdf",
    "image/jpeg",
    "image/png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)


def _names(max_length: int = 500, required: bool = True) -> tuple[fields.String, fields.String]:
    return (
        fields.String(required=required, validate=validate.Length(min=1, max=max_length)),
        fields.String(required=required, validate=validate.Length(min=1, max=max_length)),
    )


# --- input ------------------------------------------------------------------------------------


class FieldRefSchema(Schema):
    code = fields.String(required=True, validate=CODE)
    name_vi, name_en = _names(255)


class DurationSchema(Schema):
    amount = fields.Decimal(
        required=True, as_string=False, places=2, validate=validate.Range(min=0, max=3650)
    )
    unit = fields.String(required=True, validate=validate.OneOf(UNITS))
    cutoff = fields.String(
        load_default=None,
        allow_none=True,
        validate=HHMM,
        metadata={"description": "Receptions after HH:MM count from the next working day"},
    )


class ComponentInputSchema(Schema):
    code = fields.String(required=True, validate=CODE)
    name_vi, name_en = _names()
    description_vi = fields.String(load_default="", validate=validate.Length(max=4000))
    description_en = fields.String(load_default="", validate=validate.Length(max=4000))
    kind = fields.String(
        required=True, validate=validate.OneOf(["original", "copy", "original_or_copy"])
    )
    required = fields.Boolean(required=True)
    accepted_types = fields.List(
        fields.String(validate=validate.OneOf(MIME_TYPES)),
        load_default=lambda: ["application/pdf", "image/jpeg", "image/png"],
        validate=validate.Length(min=1),
    )
    max_size_mb = fields.Integer(load_default=10, validate=validate.Range(min=1, max=50))
    reusable = fields.Boolean(load_default=False)


class FeeInputSchema(Schema):
    code = fields.String(required=True, validate=CODE)
    name_vi, name_en = _names()
    amount = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=0, max=1_000_000_000),
        metadata={"description": "Whole VND"},
    )
    kind = fields.String(
        required=True,
        validate=validate.OneOf(["fee", "charge"]),
        metadata={"description": "fee = lệ phí, charge = phí"},
    )
    payable = fields.String(required=True, validate=validate.OneOf(["at_submission", "on_request"]))


class ResultInputSchema(Schema):
    type_code = fields.String(required=True, validate=CODE)
    name_vi, name_en = _names(255)
    template = fields.String(required=True, validate=Pattern(r"^[a-z][a-z0-9_]{0,63}$"))


class ProcedureInputSchema(Schema):
    """A procedure as admins publish it; every publication makes a new version."""

    code = fields.String(
        required=True,
        validate=Pattern(r"^[0-9]\.[0-9]{6}(\.[A-Z0-9]{1,8})?$"),
        metadata={"description": "National TTHC code, e.g. 1.001193", "example": "1.001193"},
    )
    name_vi, name_en = _names()
    field = fields.Nested(FieldRefSchema, required=True)
    competent_agency_code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    receiving_agency_codes = fields.List(
        fields.String(validate=validate.Length(min=1, max=32)),
        required=True,
        validate=validate.Length(min=1, max=50),
    )
    online_level = fields.String(
        required=True, validate=validate.OneOf([e.value for e in OnlineLevel])
    )
    description_vi = fields.String(load_default="", validate=validate.Length(max=8000))
    description_en = fields.String(load_default="", validate=validate.Length(max=8000))
    legal_basis = fields.List(
        fields.String(validate=validate.Length(min=1, max=500)),
        load_default=list,
        validate=validate.Length(max=50),
    )
    duration = fields.Nested(DurationSchema, required=True)
    supplement_policy = fields.String(
        load_default=SupplementPolicy.RESTART.value,
        validate=validate.OneOf([e.value for e in SupplementPolicy]),
    )
    components = fields.List(
        fields.Nested(ComponentInputSchema), required=True, validate=validate.Length(max=60)
    )
    fees = fields.List(
        fields.Nested(FeeInputSchema), load_default=list, validate=validate.Length(max=30)
    )
    result = fields.Nested(ResultInputSchema, required=True)
    form = fields.Dict(
        required=True,
        metadata={"description": "E-form definition (see backend/catalog/forms.py)"},
    )

    @validates_schema(skip_on_field_errors=True)
    def _check(self, data: dict, **kwargs) -> None:
        errors: dict = {}
        for name in ("components", "fees"):
            codes = [item["code"] for item in data.get(name, [])]
            if len(codes) != len(set(codes)):
                errors[name] = ["catalog.duplicate-code"]
        duration = data["duration"]
        amount, unit = duration["amount"], duration["unit"]
        whole = amount == amount.to_integral_value()
        if duration["cutoff"] and (unit == "working_hours" or not whole):
            errors["duration"] = ["catalog.cutoff-needs-days"]
        elif unit == "calendar_days" and not whole:
            errors["duration"] = ["catalog.calendar-days-whole"]
        elif (amount * 2) != (amount * 2).to_integral_value():
            errors["duration"] = ["catalog.duration-half-steps"]
        if errors:
            raise ValidationError(errors)


class AgencyInputSchema(Schema):
    code = fields.String(required=True, validate=CODE)
    name_vi, name_en = _names(255)
    level = fields.String(required=True, validate=validate.OneOf([e.value for e in AgencyLevel]))
    parent_code = fields.String(load_default=None, allow_none=True, validate=CODE)
    address = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=255))
    working_hours = fields.Dict(
        load_default=None,
        allow_none=True,
        metadata={"description": '{"mon": [["07:00", "11:30"], ["13:30", "17:00"]], …, "sun": []}'},
    )


class AgencyUpdateSchema(Schema):
    name_vi, name_en = _names(255, required=False)
    parent_code = fields.String(allow_none=True, validate=CODE)
    address = fields.String(allow_none=True, validate=validate.Length(max=255))
    working_hours = fields.Dict()
    is_active = fields.Boolean()
    successor_code = fields.String(allow_none=True, validate=CODE)


class CalendarEntryInputSchema(Schema):
    day = fields.Date(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["day_off", "working_day"]))
    name_vi, name_en = _names(255)
    agency_code = fields.String(
        load_default=None,
        allow_none=True,
        validate=CODE,
        metadata={"description": "Omit for a national entry"},
    )


# --- queries ----------------------------------------------------------------------------------


class ProcedureSearchQuerySchema(PageQuerySchema):
    q = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "Words to find; accents and case are ignored"},
    )
    agency = fields.String(
        validate=CODE, metadata={"description": "Competent or receiving agency code"}
    )
    field = fields.String(validate=CODE, metadata={"description": "Field (lĩnh vực) code"})
    level = fields.String(validate=validate.OneOf([e.value for e in OnlineLevel]))
    has_fee = fields.Boolean()


class AgencyListQuerySchema(PageQuerySchema):
    level = fields.String(validate=validate.OneOf([e.value for e in AgencyLevel]))
    parent = fields.String(validate=CODE)
    include_inactive = fields.Boolean(load_default=False)


class CalendarQuerySchema(Schema):
    agency = fields.String(validate=CODE)


class DueDateQuerySchema(Schema):
    received_at = fields.AwareDateTime(
        validate=validate.Range(
            min=datetime(2000, 1, 1, tzinfo=UTC),
            max=datetime(2100, 1, 1, tzinfo=UTC),
            error="catalog.received-at-range",
        ),
        metadata={"description": "Reception moment (ISO 8601 with offset, 2000–2099); default now"},
    )
    agency = fields.String(
        validate=CODE, metadata={"description": "Receiving agency; default the first one"}
    )


class CalendarEntryListQuerySchema(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))


# --- output -----------------------------------------------------------------------------------


class AgencyRefSchema(Schema):
    code = fields.String(required=True)
    name_vi = fields.String(required=True)
    name_en = fields.String(required=True)


class AgencySchema(Schema):
    id = fields.UUID(attribute="uuid", required=True)
    code = fields.String(required=True)
    name_vi = fields.String(required=True)
    name_en = fields.String(required=True)
    level = fields.String(required=True)
    parent = fields.Nested(AgencyRefSchema, allow_none=True)
    address = fields.String(allow_none=True)
    working_hours = fields.Dict(required=True)
    is_active = fields.Boolean(required=True)
    successor = fields.Nested(AgencyRefSchema, allow_none=True)


class FieldSchema(Schema):
    code = fields.String(attribute="field_code", required=True)
    name_vi = fields.String(attribute="field_name_vi", required=True)
    name_en = fields.String(attribute="field_name_en", required=True)


class DurationOutSchema(Schema):
    amount = Amount(attribute="duration_amount", required=True)
    unit = fields.String(attribute="duration_unit", required=True)
    cutoff = fields.String(allow_none=True)


class ComponentSchema(Schema):
    code = fields.String(required=True)
    name_vi = fields.String(required=True)
    name_en = fields.String(required=True)
    description_vi = fields.String(required=True)
    description_en = fields.String(required=True)
    kind = fields.String(required=True)
    required = fields.Boolean(required=True)
    accepted_types = fields.List(fields.String(), required=True)
    max_size_mb = fields.Integer(required=True)
    reusable = fields.Boolean(required=True)


class FeeSchema(Schema):
    code = fields.String(required=True)
    name_vi = fields.String(required=True)
    name_en = fields.String(required=True)
    amount = fields.Integer(required=True)
    kind = fields.String(required=True)
    payable = fields.String(required=True)


class ResultSchema(Schema):
    type_code = fields.String(attribute="result_type_code", required=True)
    name_vi = fields.String(attribute="result_name_vi", required=True)
    name_en = fields.String(attribute="result_name_en", required=True)
    template = fields.String(attribute="result_template", required=True)


_FIELD = FieldSchema()
_DURATION = DurationOutSchema()
_RESULT = ResultSchema()


class _VersionOutBase(Schema):
    code = fields.Function(lambda v: v.procedure.code, required=True)
    version = fields.Integer(attribute="number", required=True)
    name_vi = fields.String(required=True)
    name_en = fields.String(required=True)
    field = fields.Function(_FIELD.dump, required=True)
    competent_agency = fields.Nested(AgencyRefSchema, required=True)
    online_level = fields.String(required=True)
    duration = fields.Function(_DURATION.dump, required=True)
    has_fee = fields.Boolean(required=True)
    fee_at_submission = fields.Function(
        lambda v: sum(f.amount for f in v.fees if f.payable == "at_submission"),
        required=True,
        metadata={"description": "VND due when submitting"},
    )


class ProcedureListItemSchema(_VersionOutBase):
    """A search result."""


class ProcedureDetailSchema(_VersionOutBase):
    """Everything a citizen needs to prepare, and the e-form."""

    status = fields.String(required=True)
    published_at = DateTime(required=True)
    description_vi = fields.String(required=True)
    description_en = fields.String(required=True)
    receiving_agencies = fields.List(fields.Nested(AgencyRefSchema), required=True)
    legal_basis = fields.List(fields.String(), required=True)
    supplement_policy = fields.String(required=True)
    components = fields.List(fields.Nested(ComponentSchema), required=True)
    fees = fields.List(fields.Nested(FeeSchema), required=True)
    result = fields.Function(_RESULT.dump, required=True)
    form = fields.Dict(required=True)


class VersionSummarySchema(Schema):
    version = fields.Integer(attribute="number", required=True)
    status = fields.String(required=True)
    published_at = DateTime(required=True)
    published_by = fields.UUID(allow_none=True)
    name_vi = fields.String(required=True)


class CalendarDaySchema(Schema):
    date = fields.Date(required=True)
    kind = fields.String(
        required=True,
        metadata={"description": "holiday (statutory), day_off (official extra) or working_day"},
    )
    name_vi = fields.String(required=True)
    name_en = fields.String(required=True)
    scope = fields.String(required=True, metadata={"description": "national or the agency code"})


class CalendarYearSchema(Schema):
    year = fields.Integer(required=True)
    agency = fields.String(allow_none=True)
    days = fields.List(fields.Nested(CalendarDaySchema), required=True)


class CalendarEntrySchema(Schema):
    id = fields.UUID(attribute="uuid", required=True)
    day = fields.Date(required=True)
    kind = fields.String(required=True)
    name_vi = fields.String(required=True)
    name_en = fields.String(required=True)
    agency = fields.Nested(AgencyRefSchema, allow_none=True)


class DueDateSchema(Schema):
    procedure = fields.String(required=True)
    agency = fields.String(required=True)
    received_at = DateTime(required=True)
    due_at = DateTime(required=True, metadata={"description": "Asia/Ho_Chi_Minh"})
    amount = Amount(required=True)
    unit = fields.String(required=True)


class ProvinceSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True)


class WardSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True)
    province_code = fields.String(required=True)


class FormCheckSchema(Schema):
    data = fields.Dict(required=True, metadata={"description": "Field name → value"})
    partial = fields.Boolean(
        load_default=False,
        metadata={"description": "true: a draft save (only the given fields); false: submission"},
    )


class FormCheckResultSchema(Schema):
    valid = fields.Boolean(required=True)
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        required=True,
        metadata={"description": "Dotted field path → messages"},
    )
    cleaned = fields.Dict(required=True, metadata={"description": "Normalised values"})
