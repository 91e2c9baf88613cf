"""results: signed documents, verification codes, revocation

Revision ID: bcb24f1fff4a
Revises: 06afdc12c16e
Create Date: 2026-11-27 15:53:39.038938
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import backend.core.db

revision = "bcb24f1fff4a"
down_revision = "06afdc12c16e"
branch_labels = None
depends_on = None

KINDS = "('result', 'receipt_slip', 'supplement_request', 'refusal', 'fee_receipt')"
STATUSES = "('pending', 'failed', 'valid', 'revoked')"
BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
WHEN = backend.core.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("issued_documents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=24), server_default="result", nullable=False)
        )
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), server_default="valid", nullable=False)
        )
        batch_op.add_column(sa.Column("source_key", sa.String(length=96), nullable=True))
        batch_op.add_column(sa.Column("verification_code", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("agency_id", BIGINT, nullable=True))
        batch_op.add_column(sa.Column("template", sa.String(length=96), nullable=True))
        batch_op.add_column(sa.Column("context", JSON, nullable=True))
        batch_op.add_column(sa.Column("ordered_by", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("signer_name", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("signer_fingerprint", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("downloaded_at", WHEN, nullable=True))
        batch_op.add_column(sa.Column("revoked_at", WHEN, nullable=True))
        batch_op.add_column(sa.Column("revoked_by", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("revoked_reason", sa.Text(), nullable=True))
        batch_op.alter_column("storage_key", existing_type=sa.String(length=255), nullable=True)
        batch_op.alter_column("size", existing_type=sa.BigInteger(), nullable=True)
        batch_op.alter_column("sha256", existing_type=sa.String(length=64), nullable=True)
        batch_op.create_index(batch_op.f("ix_issued_documents_agency_id"), ["agency_id"])
        batch_op.create_index(batch_op.f("ix_issued_documents_sha256"), ["sha256"])
        batch_op.create_unique_constraint(
            batch_op.f("uq_issued_documents_source_key"), ["source_key"]
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_issued_documents_verification_code"), ["verification_code"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_issued_documents_agency_id_agencies"), "agencies", ["agency_id"], ["id"]
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_issued_documents_kind_known"), f"kind IN {KINDS}"
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_issued_documents_status_known"), f"status IN {STATUSES}"
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_issued_documents_stored_when_issued"),
            "status IN ('pending', 'failed') OR (storage_key IS NOT NULL AND sha256 IS NOT NULL"
            " AND size IS NOT NULL)",
        )


def downgrade() -> None:
    op.execute("DELETE FROM issued_documents WHERE storage_key IS NULL")
    with op.batch_alter_table("issued_documents", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_issued_documents_stored_when_issued"), type_="check"
        )
        batch_op.drop_constraint(batch_op.f("ck_issued_documents_status_known"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_issued_documents_kind_known"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_issued_documents_agency_id_agencies"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("uq_issued_documents_verification_code"), type_="unique"
        )
        batch_op.drop_constraint(batch_op.f("uq_issued_documents_source_key"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_issued_documents_sha256"))
        batch_op.drop_index(batch_op.f("ix_issued_documents_agency_id"))
        batch_op.alter_column("sha256", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("size", existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column("storage_key", existing_type=sa.String(length=255), nullable=False)
        for column in (
            "revoked_reason",
            "revoked_by",
            "revoked_at",
            "downloaded_at",
            "last_error",
            "attempts",
            "signer_fingerprint",
            "signer_name",
            "ordered_by",
            "context",
            "template",
            "agency_id",
            "verification_code",
            "source_key",
            "status",
            "kind",
        ):
            batch_op.drop_column(column)
