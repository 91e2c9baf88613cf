"""dossiers, outbox and idempotency keys

Revision ID: 951546318437
Revises: 8fa3fe5e046e
Create Date: 2026-11-27 13:46:25.087449
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import backend.core.db

revision = "951546318437"
down_revision = "8fa3fe5e046e"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("scope", sa.String(length=300), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.SmallInteger(), nullable=False),
        sa.Column(
            "body",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("created_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint("scope", "key", name="uq_idempotency_keys_scope_key"),
    )
    op.create_table(
        "outbox_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("occurred_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("aggregate_type", sa.String(length=32), nullable=False),
        sa.Column("aggregate_id", sa.String(length=64), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("published_at", backend.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_events")),
        sa.UniqueConstraint("uuid", name=op.f("uq_outbox_events_uuid")),
    )
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_events_aggregate_id"), ["aggregate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_outbox_events_published_at"), ["published_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_outbox_events_type"), ["type"], unique=False)

    op.create_table(
        "dossier_code_counters",
        sa.Column(
            "agency_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_dossier_code_counters_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("agency_id", "day", name=op.f("pk_dossier_code_counters")),
    )
    op.create_table(
        "dossiers",
        sa.Column("code", sa.String(length=64), nullable=True),
        sa.Column("external_code", sa.String(length=64), nullable=True),
        sa.Column(
            "procedure_version_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "receiving_agency_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column(
            "competent_agency_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("owner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("channel", sa.SmallInteger(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("status_code", sa.SmallInteger(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("applicant_name", sa.String(length=128), nullable=False),
        sa.Column("applicant_personal_id", sa.String(length=12), nullable=True),
        sa.Column("applicant_date_of_birth", sa.Date(), nullable=True),
        sa.Column("applicant_phone", sa.String(length=10), nullable=True),
        sa.Column("applicant_email", sa.String(length=254), nullable=True),
        sa.Column("filed_by_delegate", sa.Boolean(), nullable=False),
        sa.Column("delegate_relationship", sa.String(length=128), nullable=True),
        sa.Column(
            "form_data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("fee_due_at_submission", sa.BigInteger(), nullable=False),
        sa.Column("awaiting_payment", sa.Boolean(), nullable=False),
        sa.Column("submitted_at", backend.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("received_at", backend.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("due_at", backend.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("original_due_at", backend.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", backend.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", backend.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", backend.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("withdraw_reason", sa.Text(), nullable=True),
        sa.Column("last_activity_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status = 'draft' OR code IS NOT NULL", name=op.f("ck_dossiers_code_after_draft")
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'received', 'refused', 'processing', 'supplement_requested', 'payment_requested', 'withdrawn', 'stopped', 'resolved', 'delivered')",
            name=op.f("ck_dossiers_status_known"),
        ),
        sa.CheckConstraint("channel IN (1, 2, 3)", name=op.f("ck_dossiers_channel_known")),
        sa.CheckConstraint("fee_due_at_submission >= 0", name=op.f("ck_dossiers_fee_not_negative")),
        sa.ForeignKeyConstraint(
            ["competent_agency_id"],
            ["agencies.id"],
            name=op.f("fk_dossiers_competent_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_dossiers_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["procedure_version_id"],
            ["procedure_versions.id"],
            name=op.f("fk_dossiers_procedure_version_id_procedure_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["receiving_agency_id"],
            ["agencies.id"],
            name=op.f("fk_dossiers_receiving_agency_id_agencies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossiers")),
        sa.UniqueConstraint("code", name=op.f("uq_dossiers_code")),
        sa.UniqueConstraint("uuid", name=op.f("uq_dossiers_uuid")),
    )
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dossiers_applicant_personal_id"), ["applicant_personal_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dossiers_competent_agency_id"), ["competent_agency_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dossiers_external_code"), ["external_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_dossiers_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(
            "ix_dossiers_owner_updated", ["owner_id", "updated_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dossiers_procedure_version_id"), ["procedure_version_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dossiers_receiving_agency_id"), ["receiving_agency_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_dossiers_status"), ["status"], unique=False)

    op.create_table(
        "dossier_attachments",
        sa.Column(
            "dossier_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("component_code", sa.String(length=32), nullable=False),
        sa.Column("storage_key", sa.String(length=255), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=128), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by", sa.Uuid(), nullable=True),
        sa.Column("supplement_round", sa.Integer(), nullable=True),
        sa.Column("reused", sa.Boolean(), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_dossier_attachments_dossier_id_dossiers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_attachments")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_dossier_attachments_storage_key")),
        sa.UniqueConstraint("uuid", name=op.f("uq_dossier_attachments_uuid")),
    )
    with op.batch_alter_table("dossier_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dossier_attachments_dossier_id"), ["dossier_id"], unique=False
        )

    op.create_table(
        "dossier_process_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "dossier_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("occurred_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("actor_uuid", sa.Uuid(), nullable=True),
        sa.Column("actor_name", sa.String(length=128), nullable=True),
        sa.Column("actor_role", sa.String(length=32), nullable=False),
        sa.Column("agency_code", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("status_code", sa.SmallInteger(), nullable=True),
        sa.Column("step_started_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("step_due_at", backend.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("sync_state", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_dossier_process_log_dossier_id_dossiers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_process_log")),
    )
    with op.batch_alter_table("dossier_process_log", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dossier_process_log_dossier_id"), ["dossier_id"], unique=False
        )

    op.create_table(
        "dossier_supplements",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "dossier_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("requested_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.Uuid(), nullable=True),
        sa.Column(
            "items",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("deadline_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("clock_policy", sa.String(length=16), nullable=False),
        sa.Column("due_before", backend.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("due_after", backend.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("supplied_at", backend.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("response_note", sa.Text(), nullable=True),
        sa.Column("accepted_at", backend.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_dossier_supplements_dossier_id_dossiers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_supplements")),
        sa.UniqueConstraint("dossier_id", "round", name="uq_dossier_supplements_round"),
    )
    with op.batch_alter_table("dossier_supplements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dossier_supplements_dossier_id"), ["dossier_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("dossier_supplements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_supplements_dossier_id"))

    op.drop_table("dossier_supplements")
    with op.batch_alter_table("dossier_process_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_process_log_dossier_id"))

    op.drop_table("dossier_process_log")
    with op.batch_alter_table("dossier_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_attachments_dossier_id"))

    op.drop_table("dossier_attachments")
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossiers_status"))
        batch_op.drop_index(batch_op.f("ix_dossiers_receiving_agency_id"))
        batch_op.drop_index(batch_op.f("ix_dossiers_procedure_version_id"))
        batch_op.drop_index("ix_dossiers_owner_updated")
        batch_op.drop_index(batch_op.f("ix_dossiers_owner_id"))
        batch_op.drop_index(batch_op.f("ix_dossiers_external_code"))
        batch_op.drop_index(batch_op.f("ix_dossiers_competent_agency_id"))
        batch_op.drop_index(batch_op.f("ix_dossiers_applicant_personal_id"))

    op.drop_table("dossiers")
    op.drop_table("dossier_code_counters")
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_events_type"))
        batch_op.drop_index(batch_op.f("ix_outbox_events_published_at"))
        batch_op.drop_index(batch_op.f("ix_outbox_events_aggregate_id"))

    op.drop_table("outbox_events")
    op.drop_table("idempotency_keys")
