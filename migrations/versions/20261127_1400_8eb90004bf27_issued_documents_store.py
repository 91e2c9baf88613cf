"""issued documents store

Revision ID: 8eb90004bf27
Revises: 951546318437
Create Date: 2026-11-27 14:00:23.277102
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text  # noqa: F401  (autogenerate writes astext_type=Text())

import backend.core.db

revision = "8eb90004bf27"
down_revision = "951546318437"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "issued_documents",
        sa.Column("holder_personal_id", sa.String(length=12), nullable=False),
        sa.Column("holder_name", sa.String(length=128), nullable=False),
        sa.Column("type_code", sa.String(length=32), nullable=False),
        sa.Column("title_vi", sa.String(length=255), nullable=False),
        sa.Column("title_en", sa.String(length=255), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("issuer_code", sa.String(length=32), nullable=False),
        sa.Column("issuer_name", sa.String(length=255), nullable=False),
        sa.Column("issued_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("storage_key", sa.String(length=255), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=128), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column(
            "dossier_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("created_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_issued_documents_dossier_id_dossiers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_documents")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_issued_documents_storage_key")),
        sa.UniqueConstraint("uuid", name=op.f("uq_issued_documents_uuid")),
    )
    with op.batch_alter_table("issued_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_issued_documents_dossier_id"), ["dossier_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_issued_documents_holder_personal_id"),
            ["holder_personal_id"],
            unique=False,
        )

    with op.batch_alter_table("dossier_attachments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "issued_document_id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )
        batch_op.create_index(
            batch_op.f("ix_dossier_attachments_issued_document_id"),
            ["issued_document_id"],
            unique=False,
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_dossier_attachments_issued_document_id_issued_documents"),
            "issued_documents",
            ["issued_document_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("dossier_attachments", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_dossier_attachments_issued_document_id_issued_documents"),
            type_="foreignkey",
        )
        batch_op.drop_index(batch_op.f("ix_dossier_attachments_issued_document_id"))
        batch_op.drop_column("issued_document_id")

    with op.batch_alter_table("issued_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issued_documents_holder_personal_id"))
        batch_op.drop_index(batch_op.f("ix_issued_documents_dossier_id"))

    op.drop_table("issued_documents")
