"""notifications: in-app notifications, delivery-tracked messages, preferences

Revision ID: cd82b4d0ea28
Revises: bcb24f1fff4a
Create Date: 2026-11-27 15:54:12.543289
"""

import sqlalchemy as sa
from alembic import op

import backend.core.db

revision = "cd82b4d0ea28"
down_revision = "bcb24f1fff4a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("email", sa.Boolean(), nullable=False),
        sa.Column("sms", sa.Boolean(), nullable=False),
        sa.Column("locale", sa.String(length=2), nullable=False),
        sa.Column("updated_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "locale IN ('vi', 'en')", name=op.f("ck_notification_preferences_locale_known")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_preferences")),
    )
    op.create_table(
        "notifications",
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("template", sa.String(length=48), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("locale", sa.String(length=2), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=512), nullable=True),
        sa.Column(
            "dossier_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("created_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("read_at", backend.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.CheckConstraint("locale IN ('vi', 'en')", name=op.f("ck_notifications_locale_known")),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_notifications_dossier_id_dossiers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("user_id", "key", name="uq_notifications_user_key"),
        sa.UniqueConstraint("uuid", name=op.f("uq_notifications_uuid")),
    )
    op.create_index(
        op.f("ix_notifications_dossier_id"), "notifications", ["dossier_id"], unique=False
    )
    op.create_index(
        "ix_notifications_user_created", "notifications", ["user_id", "created_at"], unique=False
    )
    op.create_index(
        "ix_notifications_user_unread",
        "notifications",
        ["user_id"],
        unique=False,
        postgresql_where=sa.text("read_at IS NULL"),
        sqlite_where=sa.text("read_at IS NULL"),
    )
    op.create_table(
        "notification_messages",
        sa.Column(
            "notification_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("permanent_failure", sa.Boolean(), nullable=False),
        sa.Column("provider_id", sa.String(length=255), nullable=True),
        sa.Column(
            "fallback_of_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("created_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", backend.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("failed_at", backend.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "channel IN ('email', 'sms')", name=op.f("ck_notification_messages_channel_known")
        ),
        sa.CheckConstraint(
            "status IN ('queued', 'sent', 'failed', 'bounced')",
            name=op.f("ck_notification_messages_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["fallback_of_id"],
            ["notification_messages.id"],
            name=op.f("fk_notification_messages_fallback_of_id_notification_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.id"],
            name=op.f("fk_notification_messages_notification_id_notifications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_messages")),
        sa.UniqueConstraint("uuid", name=op.f("uq_notification_messages_uuid")),
    )
    op.create_index(
        op.f("ix_notification_messages_notification_id"),
        "notification_messages",
        ["notification_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_notification_messages_provider_id"),
        "notification_messages",
        ["provider_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_notification_messages_status"), "notification_messages", ["status"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_notification_messages_status"), table_name="notification_messages")
    op.drop_index(op.f("ix_notification_messages_provider_id"), table_name="notification_messages")
    op.drop_index(
        op.f("ix_notification_messages_notification_id"), table_name="notification_messages"
    )
    op.drop_table("notification_messages")
    op.drop_index(
        "ix_notifications_user_unread",
        table_name="notifications",
        postgresql_where=sa.text("read_at IS NULL"),
        sqlite_where=sa.text("read_at IS NULL"),
    )
    op.drop_index("ix_notifications_user_created", table_name="notifications")
    op.drop_index(op.f("ix_notifications_dossier_id"), table_name="notifications")
    op.drop_table("notifications")
    op.drop_table("notification_preferences")
