"""Issued documents as the holder, officers, admins and the public see them."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from backend.core.api import DateTime


class IssuedDocumentSchema(Schema):
    """A document in the holder's store (or of their dossier)."""

    id = fields.UUID(attribute="uuid", required=True)
    kind = fields.String(
        required=True,
        metadata={
            "description": "result, receipt_slip (Mẫu 01), supplement_request (Mẫu 02), "
            "refusal (Mẫu 03) or fee_receipt"
        },
    )
    status = fields.String(required=True, metadata={"description": "valid or revoked"})
    type_code = fields.String(required=True)
    title_vi = fields.String(required=True)
    title_en = fields.String(required=True)
    number = fields.String(required=True)
    issuer_code = fields.String(required=True)
    issuer_name = fields.String(required=True)
    issued_at = DateTime(required=True)
    valid_until = fields.Date(allow_none=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(allow_none=True)
    sha256 = fields.String(allow_none=True)
    verification_code = fields.String(allow_none=True)
    revoked_at = DateTime(allow_none=True)


class OfficerDocumentSchema(IssuedDocumentSchema):
    """Officers also see documents still being produced, and why one failed."""

    status = fields.String(
        required=True, metadata={"description": "pending, failed, valid or revoked"}
    )
    attempts = fields.Integer(required=True)
    last_error = fields.String(allow_none=True)
    signer_name = fields.String(allow_none=True)
    signer_fingerprint = fields.String(allow_none=True)
    revoked_reason = fields.String(allow_none=True)


class RevokeSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=3, max=2000))


class VerificationSchema(Schema):
    """What anyone may learn from a verification code: nothing beyond the document itself."""

    issuer_code = fields.String(required=True)
    issuer_name = fields.String(required=True)
    type_code = fields.String(required=True)
    title_vi = fields.String(required=True)
    title_en = fields.String(required=True)
    number = fields.String(required=True)
    issued_at = DateTime(required=True)
    holder_name = fields.String(
        required=True, metadata={"description": "Masked: initials and the given name"}
    )
    status = fields.String(required=True, metadata={"description": "valid or revoked"})
    revoked_at = DateTime(allow_none=True)
    sha256 = fields.String(required=True)
    signer_name = fields.String(allow_none=True)
    signer_fingerprint = fields.String(allow_none=True)


class SignatureCheckSchema(Schema):
    field = fields.String(required=True)
    signer = fields.String(allow_none=True)
    intact = fields.Boolean(required=True, metadata={"description": "Signed bytes unchanged"})
    trusted = fields.Boolean(
        required=True, metadata={"description": "Chains to an issuing agency's root"}
    )
    covers_whole_file = fields.Boolean(required=True)
    signed_at = DateTime(allow_none=True)
    timestamped = fields.Boolean(required=True, metadata={"description": "RFC 3161 (B-T)"})
    valid = fields.Boolean(required=True)


class UploadCheckSchema(Schema):
    sha256 = fields.String(required=True)
    is_pdf = fields.Boolean(required=True)
    identical_to_issued = fields.Boolean(
        required=True, metadata={"description": "Byte for byte the file we issued"}
    )
    signature_valid = fields.Boolean(required=True)
    signatures = fields.List(fields.Nested(SignatureCheckSchema), required=True)
    document = fields.Nested(VerificationSchema, allow_none=True)


class VerifyUploadSchema(Schema):
    """The multipart form's text parts (none: the file is the ``file`` part)."""
