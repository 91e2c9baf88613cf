"""back office: assignment, decision, notes, queue indexes

Revision ID: 4485ac96cba0
Revises: 8eb90004bf27
Create Date: 2026-11-27 14:02:42.208109
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text  # noqa: F401  (autogenerate writes astext_type=Text())

import backend.core.db

revision = "4485ac96cba0"
down_revision = "8eb90004bf27"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dossier_notes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column(
            "dossier_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("created_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("author_uuid", sa.Uuid(), nullable=False),
        sa.Column("author_name", sa.String(length=128), nullable=False),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"],
            ["dossiers.id"],
            name=op.f("fk_dossier_notes_dossier_id_dossiers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_notes")),
        sa.UniqueConstraint("uuid", name=op.f("uq_dossier_notes_uuid")),
    )
    with op.batch_alter_table("dossier_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dossier_notes_dossier_id"), ["dossier_id"], unique=False
        )

    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "assignee_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )
        batch_op.add_column(sa.Column("stage", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("decision", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("result_number", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("result_symbol", sa.String(length=64), nullable=True))
        # Existing rows get false; new rows get it from the application.
        batch_op.add_column(
            sa.Column("apologized", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_dossiers_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index(
            "ix_dossiers_competent_status_due",
            ["competent_agency_id", "status", "due_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_dossiers_receiving_status_due",
            ["receiving_agency_id", "status", "due_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_dossiers_search_text_trgm",
            ["search_text"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_dossiers_assignee_id_users"), "users", ["assignee_id"], ["id"]
        )
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.alter_column("apologized", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("dossiers", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_dossiers_assignee_id_users"), type_="foreignkey")
        batch_op.drop_index(
            "ix_dossiers_search_text_trgm",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        )
        batch_op.drop_index("ix_dossiers_receiving_status_due")
        batch_op.drop_index("ix_dossiers_competent_status_due")
        batch_op.drop_index(batch_op.f("ix_dossiers_assignee_id"))
        batch_op.drop_column("search_text")
        batch_op.drop_column("apologized")
        batch_op.drop_column("result_symbol")
        batch_op.drop_column("result_number")
        batch_op.drop_column("decision")
        batch_op.drop_column("stage")
        batch_op.drop_column("assignee_id")

    with op.batch_alter_table("dossier_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_notes_dossier_id"))

    op.drop_table("dossier_notes")
