"""Issued documents kept in the citizen's document store."""

from __future__ import annotations

import secrets
import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base, IdMixin, JSONType

#: What a stored document is: a procedure's result, or a form of the one-stop desk.
KIND_RESULT = "result"
KIND_RECEIPT_SLIP = "receipt_slip"  # Mẫu 01
KIND_SUPPLEMENT_REQUEST = "supplement_request"  # Mẫu 02
KIND_REFUSAL = "refusal"  # Mẫu 03
KIND_FEE_RECEIPT = "fee_receipt"  # biên lai điện tử
KINDS = (KIND_RESULT, KIND_RECEIPT_SLIP, KIND_SUPPLEMENT_REQUEST, KIND_REFUSAL, KIND_FEE_RECEIPT)

#: pending: queued for rendering and signing; failed: retries exhausted (officers see it and
#: may retry); valid: stored and signed; revoked: an admin withdrew it (verification says so).
STATUS_PENDING, STATUS_FAILED, STATUS_VALID, STATUS_REVOKED = (
    "pending",
    "failed",
    "valid",
    "revoked",
)
STATUSES = (STATUS_PENDING, STATUS_FAILED, STATUS_VALID, STATUS_REVOKED)


def new_verification_code() -> str:
    """192 random bits, URL-safe (32 characters)."""
    return secrets.token_urlsafe(24)


class IssuedDocument(IdMixin, Base):
    """A document issued to a person (a result of a procedure, or digitised at a counter)."""

    __tablename__ = "issued_documents"

    #: The holder's 12-digit personal ID number (documents belong to the person, not the login).
    holder_personal_id: Mapped[str] = mapped_column(sa.String(12), index=True)
    holder_name: Mapped[str] = mapped_column(sa.String(128))
    #: Result document type code (e.g. GKS for a birth certificate).
    type_code: Mapped[str] = mapped_column(sa.String(32))
    title_vi: Mapped[str] = mapped_column(sa.String(255))
    title_en: Mapped[str] = mapped_column(sa.String(255))
    #: Document number and symbol (số, ký hiệu).
    number: Mapped[str] = mapped_column(sa.String(64))
    issuer_code: Mapped[str] = mapped_column(sa.String(32))
    issuer_name: Mapped[str] = mapped_column(sa.String(255))
    issued_at: Mapped[datetime]
    valid_until: Mapped[date | None]
    #: The stored file (never modified once stored; empty while pending).
    storage_key: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(128))
    size: Mapped[int | None] = mapped_column(sa.BigInteger)
    #: SHA-256 of the stored bytes (hex): a verifier's upload must match it exactly.
    sha256: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    #: The dossier it resulted from, when issued here.
    dossier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dossiers.id"), index=True)
    created_at: Mapped[datetime]
    #: result, receipt_slip, supplement_request, refusal or fee_receipt.
    kind: Mapped[str] = mapped_column(
        sa.String(24), default=KIND_RESULT, server_default=KIND_RESULT
    )
    #: pending, failed, valid or revoked.
    status: Mapped[str] = mapped_column(
        sa.String(16), default=STATUS_VALID, server_default=STATUS_VALID
    )
    #: What makes the document unique (``result:<dossier uuid>``…): a retried task or action
    #: finds the row it already made instead of making a second document.
    source_key: Mapped[str | None] = mapped_column(sa.String(96), unique=True)
    #: Public verification code (the ``/xac-minh/<code>`` page, ``/api/v1/verify/<code>``),
    #: 192 random bits.
    verification_code: Mapped[str | None] = mapped_column(
        sa.String(64), unique=True, default=new_verification_code
    )
    #: The issuing agency (its officers may download the document).
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    #: Template and data to render, frozen when the document was ordered.
    template: Mapped[str | None] = mapped_column(sa.String(96))
    context: Mapped[dict | None] = mapped_column(JSONType, default=dict)
    #: Who ordered it (the clerk, the reception officer…), and who signed.
    ordered_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    signer_name: Mapped[str | None] = mapped_column(sa.String(255))
    #: SHA-256 of the signer's DER certificate (hex).
    signer_fingerprint: Mapped[str | None] = mapped_column(sa.String(64))
    #: Rendering and signing attempts, and the last error (shown to officers).
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    #: First download by the holder.
    downloaded_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    revoked_reason: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        sa.CheckConstraint(
            "kind IN (" + ", ".join(f"'{k}'" for k in KINDS) + ")", name="kind_known"
        ),
        sa.CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in STATUSES) + ")", name="status_known"
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'failed') OR (storage_key IS NOT NULL AND sha256 IS NOT NULL"
            " AND size IS NOT NULL)",
            name="stored_when_issued",
        ),
    )

    @property
    def is_stored(self) -> bool:
        return self.status in (STATUS_VALID, STATUS_REVOKED)
