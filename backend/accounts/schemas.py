"""Account schemas: registration and sign-in input, per-audience output."""

from __future__ import annotations

from datetime import date

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from backend.accounts.models import ROLE_VALUES
from backend.accounts.validators import (
    PASSWORD_MAX_LENGTH,
    PASSWORD_MIN_LENGTH,
    normalize_phone,
    password_errors,
    personal_id_errors,
)
from backend.catalog.schemas import AgencyRefSchema
from backend.core.api import DateTime, EmailAddress, PageQuerySchema, Pattern
from backend.core.clock import VN_TZ, utcnow

_NAME_PATTERN = r"^[^\W\d_]+(?:[ .'\-][^\W\d_]+)*\.?$"

_password_field_validators = [
    validate.Length(min=PASSWORD_MIN_LENGTH, error="password.too_short"),
    validate.Length(max=PASSWORD_MAX_LENGTH, error="password.too_long"),
]


def _full_name_field(**kwargs) -> fields.String:
    return fields.String(
        validate=[
            validate.Length(min=2, max=128),
            Pattern(_NAME_PATTERN, error="accounts.full_name.invalid"),
        ],
        metadata={"example": "Nguyễn Văn An"},
        **kwargs,
    )


def _phone_field(**kwargs) -> fields.String:
    return fields.String(
        validate=validate.Length(max=20),
        metadata={
            "description": "Vietnamese mobile number: 0912345678, +84912345678 or 84912345678",
            "example": "0912345678",
        },
        **kwargs,
    )


def _check_phone(data: dict, errors: dict) -> None:
    if data.get("phone"):
        normalised = normalize_phone(data["phone"])
        if normalised is None:
            errors.setdefault("phone", []).append("phone.invalid")
        else:
            data["phone"] = normalised


class RegisterSchema(Schema):
    """A citizen's registration."""

    class Meta:
        unknown = EXCLUDE

    full_name = _full_name_field(required=True)
    personal_id = fields.String(
        required=True,
        validate=Pattern(r"^[0-9]{12}$", error="personal_id.format"),
        metadata={
            "description": "12-digit personal ID number (số định danh cá nhân): province code, "
            "century/gender digit, two year-of-birth digits, six digits",
            "example": "001090123456",
        },
    )
    date_of_birth = fields.Date(required=True, metadata={"example": "1990-05-15"})
    email = EmailAddress(load_default=None, allow_none=True, validate=validate.Length(max=254))
    phone = _phone_field(load_default=None, allow_none=True)
    password = fields.String(
        required=True,
        load_only=True,
        validate=_password_field_validators,
        metadata={
            "description": "At least 10 characters, not a common password, "
            "not containing the ID number or phone number"
        },
    )

    @validates_schema(skip_on_field_errors=False)
    def _check(self, data: dict, **kwargs) -> None:
        errors: dict[str, list[str]] = {}
        dob = data.get("date_of_birth")
        if isinstance(dob, date):
            today = utcnow().astimezone(VN_TZ).date()
            if dob > today:
                errors.setdefault("date_of_birth", []).append("accounts.date_of_birth.future")
            elif dob.year < 1900:
                errors.setdefault("date_of_birth", []).append("accounts.date_of_birth.too_old")
        personal_id = data.get("personal_id")
        if isinstance(personal_id, str) and len(personal_id) == 12 and personal_id.isdigit():
            keys = personal_id_errors(personal_id, dob if isinstance(dob, date) else None)
            if keys:
                errors["personal_id"] = keys
        if not data.get("email") and not data.get("phone"):
            errors.setdefault("email", []).append("accounts.contact-required")
        _check_phone(data, errors)
        password = data.get("password")
        if (
            isinstance(password, str)
            and PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH
        ):
            keys = password_errors(
                password,
                personal_id=personal_id,
                email=data.get("email"),
                phone=data.get("phone"),
            )
            if keys:
                errors["password"] = keys
        if errors:
            raise ValidationError(errors)

    @post_load
    def _normalise(self, data: dict, **kwargs) -> dict:
        data["full_name"] = " ".join(data["full_name"].split())
        if data.get("email"):
            data["email"] = data["email"].strip().lower()
        return data


class LoginSchema(Schema):
    username = fields.String(
        required=True,
        validate=validate.Length(min=1, max=254),
        metadata={"description": "E-mail address, mobile number or personal ID number"},
    )
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=256)
    )


class RefreshSchema(Schema):
    refresh_token = fields.String(required=True, validate=validate.Length(min=1, max=256))


class UserSchema(Schema):
    """The signed-in user's own profile."""

    id = fields.UUID(attribute="uuid", required=True)
    kind = fields.String(required=True)
    full_name = fields.String(required=True)
    personal_id = fields.String(allow_none=True)
    date_of_birth = fields.Date(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    agency = fields.Nested(AgencyRefSchema, allow_none=True)
    roles = fields.List(fields.String(), required=True)
    created_at = DateTime(required=True)
    identity_verified = fields.Boolean(
        metadata={"description": "Confirmed by the population database or VNeID"}
    )
    identity_source = fields.String(allow_none=True)


class SessionSchema(Schema):
    """Answer to a cookie sign-in: the user, and the CSRF token to echo in X-CSRF-TOKEN."""

    user = fields.Nested(UserSchema, required=True)
    csrf_token = fields.String(required=True)
    access_expires_in = fields.Integer(required=True, metadata={"description": "seconds"})


class TokenPairSchema(Schema):
    access_token = fields.String(required=True)
    refresh_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = fields.Integer(required=True, metadata={"description": "access token seconds"})


class PasswordResetRequestSchema(Schema):
    email = EmailAddress(required=True, validate=validate.Length(max=254))


class PasswordResetConfirmSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=10, max=256))
    password = fields.String(required=True, load_only=True, validate=_password_field_validators)


class OfficerCreateSchema(Schema):
    full_name = _full_name_field(required=True)
    email = EmailAddress(required=True, validate=validate.Length(max=254))
    phone = _phone_field(load_default=None, allow_none=True)
    agency_code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    roles = fields.List(
        fields.String(validate=validate.OneOf(ROLE_VALUES)),
        required=True,
        validate=validate.Length(min=1, max=len(ROLE_VALUES)),
    )
    password = fields.String(required=True, load_only=True, validate=_password_field_validators)

    @validates_schema(skip_on_field_errors=False)
    def _check(self, data: dict, **kwargs) -> None:
        errors: dict[str, list[str]] = {}
        _check_phone(data, errors)
        password = data.get("password")
        if (
            isinstance(password, str)
            and PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH
        ):
            keys = password_errors(password, email=data.get("email"), phone=data.get("phone"))
            if keys:
                errors["password"] = keys
        if errors:
            raise ValidationError(errors)

    @post_load
    def _normalise(self, data: dict, **kwargs) -> dict:
        data["email"] = data["email"].strip().lower()
        data["full_name"] = " ".join(data["full_name"].split())
        return data


class OfficerUpdateSchema(Schema):
    full_name = _full_name_field()
    agency_code = fields.String(validate=validate.Length(min=1, max=32))
    roles = fields.List(
        fields.String(validate=validate.OneOf(ROLE_VALUES)),
        validate=validate.Length(min=1, max=len(ROLE_VALUES)),
    )
    is_active = fields.Boolean()


class OfficerSchema(Schema):
    """An officer as admins see it."""

    id = fields.UUID(attribute="uuid", required=True)
    full_name = fields.String(required=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    agency = fields.Nested(AgencyRefSchema, required=True)
    roles = fields.List(fields.String(), required=True)
    is_active = fields.Boolean(required=True)
    locked_until = DateTime(allow_none=True)
    last_login_at = DateTime(allow_none=True)
    created_at = DateTime(required=True)


class OfficerListQuerySchema(PageQuerySchema):
    agency_code = fields.String(validate=validate.Length(min=1, max=32))
    role = fields.String(validate=validate.OneOf(ROLE_VALUES))
