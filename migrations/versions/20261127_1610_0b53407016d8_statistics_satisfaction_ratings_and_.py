"""statistics: satisfaction ratings and dossier facts

Revision ID: 0b53407016d8
Revises: 06afdc12c16e
Create Date: 2026-11-27 16:10:42.304204
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text  # noqa: F401  (autogenerate writes astext_type=Text())

import backend.core.db

revision = "0b53407016d8"
down_revision = "1b0be2fbe537"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dossier_facts",
        sa.Column(
            "dossier_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
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
        sa.Column("channel", sa.SmallInteger(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("submitted_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", backend.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", backend.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("finish_class", sa.String(length=8), nullable=True),
        sa.Column("late_by_supplements", sa.Boolean(), nullable=False),
        sa.Column("processing_seconds", sa.Float(), nullable=True),
        sa.Column("has_attachment", sa.Boolean(), nullable=False),
        sa.Column("reused", sa.Boolean(), nullable=False),
        sa.Column("from_store", sa.Boolean(), nullable=False),
        sa.Column("paid_online", sa.Boolean(), nullable=False),
        sa.Column("has_document", sa.Boolean(), nullable=False),
        sa.Column("on_portal", sa.Boolean(), nullable=False),
        sa.Column("identity_verified", sa.Boolean(), nullable=False),
        sa.Column("rating_timeliness", sa.SmallInteger(), nullable=True),
        sa.Column("rating_contacts", sa.SmallInteger(), nullable=True),
        sa.Column("rating_agencies", sa.SmallInteger(), nullable=True),
        sa.Column("rating_attitude", sa.SmallInteger(), nullable=True),
        sa.Column("rating_ease", sa.SmallInteger(), nullable=True),
        sa.Column("rating_overall", sa.SmallInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_dossier_facts_dossier_id_dossiers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("dossier_id", name=op.f("pk_dossier_facts")),
    )
    op.create_table(
        "satisfaction_ratings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "dossier_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("rater_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("timeliness", sa.SmallInteger(), nullable=False),
        sa.Column("contacts", sa.SmallInteger(), nullable=False),
        sa.Column("agencies", sa.SmallInteger(), nullable=False),
        sa.Column("attitude", sa.SmallInteger(), nullable=False),
        sa.Column("ease", sa.SmallInteger(), nullable=False),
        sa.Column("overall", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("rated_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "agencies BETWEEN 0 AND 2", name=op.f("ck_satisfaction_ratings_agencies_score")
        ),
        sa.CheckConstraint(
            "attitude BETWEEN 0 AND 2", name=op.f("ck_satisfaction_ratings_attitude_score")
        ),
        sa.CheckConstraint(
            "contacts BETWEEN 0 AND 2", name=op.f("ck_satisfaction_ratings_contacts_score")
        ),
        sa.CheckConstraint("ease BETWEEN 0 AND 2", name=op.f("ck_satisfaction_ratings_ease_score")),
        sa.CheckConstraint(
            "overall BETWEEN 0 AND 2", name=op.f("ck_satisfaction_ratings_overall_score")
        ),
        sa.CheckConstraint(
            "timeliness BETWEEN 0 AND 2", name=op.f("ck_satisfaction_ratings_timeliness_score")
        ),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_satisfaction_ratings_dossier_id_dossiers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rater_id"], ["users.id"], name=op.f("fk_satisfaction_ratings_rater_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_satisfaction_ratings")),
        sa.UniqueConstraint("dossier_id", name=op.f("uq_satisfaction_ratings_dossier_id")),
    )
    op.create_index(
        op.f("ix_satisfaction_ratings_rater_id"), "satisfaction_ratings", ["rater_id"], unique=False
    )
    _fill_facts()


def _fill_facts() -> None:
    """Existing dossiers get their facts now (later changes keep them current). A fresh
    database has none, so the current code's query is only compiled when there is data."""
    bind = op.get_bind()
    if bind.scalar(sa.text("SELECT count(*) FROM dossiers WHERE submitted_at IS NOT NULL")):
        from backend.statistics import facts

        facts.rebuild(bind)


def downgrade() -> None:
    op.drop_index(op.f("ix_satisfaction_ratings_rater_id"), table_name="satisfaction_ratings")
    op.drop_table("satisfaction_ratings")
    op.drop_table("dossier_facts")
