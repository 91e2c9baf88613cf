"""payments

Revision ID: 06afdc12c16e
Revises: 4485ac96cba0
Create Date: 2026-11-27 14:21:29.488952
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import backend.core.db

revision = "06afdc12c16e"
down_revision = "4485ac96cba0"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payment_receipt_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_payment_receipt_counters")),
    )
    op.create_table(
        "payments",
        sa.Column(
            "dossier_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("gateway", sa.String(length=16), nullable=False),
        sa.Column("txn_ref", sa.String(length=64), nullable=False),
        sa.Column("gateway_created_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("payer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("paid_at", backend.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("transaction_no", sa.String(length=32), nullable=True),
        sa.Column("bank_code", sa.String(length=32), nullable=True),
        sa.Column("response_code", sa.String(length=8), nullable=True),
        sa.Column("refunded_amount", sa.BigInteger(), nullable=False),
        sa.Column("settled_by", sa.String(length=16), nullable=True),
        sa.Column("refund_proposed_at", backend.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "purpose IN ('submission', 'request')", name=op.f("ck_payments_purpose_known")
        ),
        sa.CheckConstraint(
            "status IN ('created', 'pending', 'succeeded', 'failed', 'cancelled', 'expired', 'partially_refunded', 'refunded')",
            name=op.f("ck_payments_status_known"),
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payments_amount_positive")),
        sa.CheckConstraint(
            "refunded_amount >= 0 AND refunded_amount <= amount",
            name=op.f("ck_payments_refund_within_amount"),
        ),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_payments_dossier_id_dossiers")
        ),
        sa.ForeignKeyConstraint(
            ["payer_id"], ["users.id"], name=op.f("fk_payments_payer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("txn_ref", name=op.f("uq_payments_txn_ref")),
        sa.UniqueConstraint("uuid", name=op.f("uq_payments_uuid")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payments_dossier_id"), ["dossier_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payments_status"), ["status"], unique=False)

    op.create_table(
        "payment_gateway_messages",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "payment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("gateway", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("message_key", sa.String(length=200), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("result", sa.String(length=32), nullable=True),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("received_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.id"],
            name=op.f("fk_payment_gateway_messages_payment_id_payments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_gateway_messages")),
    )
    with op.batch_alter_table("payment_gateway_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_gateway_messages_message_key"), ["message_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_payment_gateway_messages_payment_id"), ["payment_id"], unique=False
        )

    op.create_table(
        "payment_receipts",
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column(
            "payment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "dossier_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("payer_name", sa.String(length=128), nullable=False),
        sa.Column("issued_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_payment_receipts_dossier_id_dossiers")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_payment_receipts_payment_id_payments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_receipts")),
        sa.UniqueConstraint("number", name=op.f("uq_payment_receipts_number")),
        sa.UniqueConstraint("payment_id", name=op.f("uq_payment_receipts_payment_id")),
        sa.UniqueConstraint("uuid", name=op.f("uq_payment_receipts_uuid")),
    )
    with op.batch_alter_table("payment_receipts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_receipts_dossier_id"), ["dossier_id"], unique=False
        )

    op.create_table(
        "payment_refunds",
        sa.Column(
            "payment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("transaction_no", sa.String(length=32), nullable=True),
        sa.Column("response_code", sa.String(length=8), nullable=True),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payment_refunds_amount_positive")),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_payment_refunds_payment_id_payments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_refunds")),
        sa.UniqueConstraint("uuid", name=op.f("uq_payment_refunds_uuid")),
    )
    with op.batch_alter_table("payment_refunds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_refunds_payment_id"), ["payment_id"], unique=False
        )

    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        # Existing dossiers owe what is still awaiting payment at submission.
        batch_op.add_column(
            sa.Column("amount_due", sa.BigInteger(), nullable=False, server_default="0")
        )
    op.execute("UPDATE dossiers SET amount_due = fee_due_at_submission WHERE awaiting_payment")
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.alter_column("amount_due", server_default=None)


def downgrade() -> None:
    op.drop_table("payment_receipt_counters")
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_column("amount_due")

    with op.batch_alter_table("payment_refunds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_refunds_payment_id"))

    op.drop_table("payment_refunds")
    with op.batch_alter_table("payment_receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_receipts_dossier_id"))

    op.drop_table("payment_receipts")
    with op.batch_alter_table("payment_gateway_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_gateway_messages_payment_id"))
        batch_op.drop_index(batch_op.f("ix_payment_gateway_messages_message_key"))

    op.drop_table("payment_gateway_messages")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payments_status"))
        batch_op.drop_index(batch_op.f("ix_payments_dossier_id"))

    op.drop_table("payments")
