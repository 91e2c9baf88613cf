"""catalogue

Revision ID: 8fa3fe5e046e
Revises: ec79f5dcfd72
Create Date: 2026-11-27 13:18:38.680555
"""

import json

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import backend.core.db

#: 07:00–11:30 and 13:30–17:00 Monday to Friday, frozen here as of this revision.
DEFAULT_HOURS = json.dumps(
    {d: [["07:00", "11:30"], ["13:30", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    | {"sat": [], "sun": []}
)

revision = "8fa3fe5e046e"
down_revision = "ec79f5dcfd72"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # Trigram index for diacritics-insensitive search (a trusted extension since PG 13).
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "procedures",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column(
            "current_version_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procedures")),
        sa.UniqueConstraint("code", name=op.f("uq_procedures_code")),
        sa.UniqueConstraint("uuid", name=op.f("uq_procedures_uuid")),
    )
    op.create_table(
        "calendar_entries",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name_vi", sa.String(length=255), nullable=False),
        sa.Column("name_en", sa.String(length=255), nullable=False),
        sa.Column("agency_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("created_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('day_off', 'working_day')", name=op.f("ck_calendar_entries_kind_known")
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_calendar_entries_agency_id_agencies"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_entries")),
        sa.UniqueConstraint("uuid", name=op.f("uq_calendar_entries_uuid")),
    )
    with op.batch_alter_table("calendar_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calendar_entries_agency_id"), ["agency_id"], unique=False
        )
        batch_op.create_index(
            "uq_calendar_entries_day_agency",
            ["day", "agency_id"],
            unique=True,
            postgresql_where=sa.text("agency_id IS NOT NULL"),
            sqlite_where=sa.text("agency_id IS NOT NULL"),
        )
        batch_op.create_index(
            "uq_calendar_entries_day_national",
            ["day"],
            unique=True,
            postgresql_where=sa.text("agency_id IS NULL"),
            sqlite_where=sa.text("agency_id IS NULL"),
        )

    op.create_table(
        "procedure_versions",
        sa.Column(
            "procedure_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("published_at", backend.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.Uuid(), nullable=True),
        sa.Column("name_vi", sa.String(length=500), nullable=False),
        sa.Column("name_en", sa.String(length=500), nullable=False),
        sa.Column("field_code", sa.String(length=32), nullable=False),
        sa.Column("field_name_vi", sa.String(length=255), nullable=False),
        sa.Column("field_name_en", sa.String(length=255), nullable=False),
        sa.Column("description_vi", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column(
            "competent_agency_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("online_level", sa.String(length=16), nullable=False),
        sa.Column(
            "legal_basis",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("duration_amount", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("duration_unit", sa.String(length=16), nullable=False),
        sa.Column("cutoff", sa.String(length=5), nullable=True),
        sa.Column("supplement_policy", sa.String(length=16), nullable=False),
        sa.Column("result_type_code", sa.String(length=32), nullable=False),
        sa.Column("result_name_vi", sa.String(length=255), nullable=False),
        sa.Column("result_name_en", sa.String(length=255), nullable=False),
        sa.Column("result_template", sa.String(length=64), nullable=False),
        sa.Column(
            "form",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("search_name", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("has_fee", sa.Boolean(), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "duration_unit IN ('working_days', 'calendar_days', 'working_hours')",
            name=op.f("ck_procedure_versions_duration_unit_known"),
        ),
        sa.CheckConstraint(
            "online_level IN ('full', 'partial')",
            name=op.f("ck_procedure_versions_online_level_known"),
        ),
        sa.CheckConstraint(
            "status IN ('published', 'superseded')", name=op.f("ck_procedure_versions_status_known")
        ),
        sa.CheckConstraint(
            "supplement_policy IN ('pause', 'restart')",
            name=op.f("ck_procedure_versions_supplement_policy_known"),
        ),
        sa.CheckConstraint(
            "duration_amount >= 0", name=op.f("ck_procedure_versions_duration_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["competent_agency_id"],
            ["agencies.id"],
            name=op.f("fk_procedure_versions_competent_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["procedure_id"],
            ["procedures.id"],
            name=op.f("fk_procedure_versions_procedure_id_procedures"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procedure_versions")),
        sa.UniqueConstraint("procedure_id", "number", name="uq_procedure_versions_number"),
        sa.UniqueConstraint("uuid", name=op.f("uq_procedure_versions_uuid")),
    )
    with op.batch_alter_table("procedure_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_procedure_versions_competent_agency_id"),
            ["competent_agency_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_procedure_versions_field_code"), ["field_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_procedure_versions_procedure_id"), ["procedure_id"], unique=False
        )
        batch_op.create_index(
            "ix_procedure_versions_search_text_trgm",
            ["search_text"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        )

    with op.batch_alter_table("procedures", schema=None) as batch_op:
        batch_op.create_foreign_key(
            "fk_procedures_current_version", "procedure_versions", ["current_version_id"], ["id"]
        )

    op.create_table(
        "procedure_components",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "version_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_vi", sa.String(length=500), nullable=False),
        sa.Column("name_en", sa.String(length=500), nullable=False),
        sa.Column("description_vi", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column(
            "accepted_types",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("max_size_mb", sa.Integer(), nullable=False),
        sa.Column("reusable", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('original', 'copy', 'original_or_copy')",
            name=op.f("ck_procedure_components_kind_known"),
        ),
        sa.CheckConstraint("max_size_mb > 0", name=op.f("ck_procedure_components_size_positive")),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["procedure_versions.id"],
            name=op.f("fk_procedure_components_version_id_procedure_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procedure_components")),
        sa.UniqueConstraint("version_id", "code", name="uq_procedure_components_code"),
    )
    with op.batch_alter_table("procedure_components", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_procedure_components_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "procedure_fees",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "version_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_vi", sa.String(length=500), nullable=False),
        sa.Column("name_en", sa.String(length=500), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("payable", sa.String(length=16), nullable=False),
        sa.CheckConstraint("kind IN ('fee', 'charge')", name=op.f("ck_procedure_fees_kind_known")),
        sa.CheckConstraint(
            "payable IN ('at_submission', 'on_request')",
            name=op.f("ck_procedure_fees_payable_known"),
        ),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_procedure_fees_amount_not_negative")),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["procedure_versions.id"],
            name=op.f("fk_procedure_fees_version_id_procedure_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procedure_fees")),
        sa.UniqueConstraint("version_id", "code", name="uq_procedure_fees_code"),
    )
    with op.batch_alter_table("procedure_fees", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_procedure_fees_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "procedure_version_receiving_agencies",
        sa.Column(
            "version_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "agency_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name=op.f("fk_procedure_version_receiving_agencies_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["procedure_versions.id"],
            name=op.f("fk_procedure_version_receiving_agencies_version_id_procedure_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "version_id", "agency_id", name=op.f("pk_procedure_version_receiving_agencies")
        ),
    )
    with op.batch_alter_table("procedure_version_receiving_agencies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_procedure_version_receiving_agencies_agency_id"),
            ["agency_id"],
            unique=False,
        )

    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address", sa.String(length=255), nullable=True))
        batch_op.add_column(
            sa.Column(
                "working_hours",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=False,
                server_default=sa.text(f"'{DEFAULT_HOURS}'"),
            )
        )
        batch_op.add_column(
            sa.Column(
                "successor_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
            )
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_agencies_successor_id_agencies"), "agencies", ["successor_id"], ["id"]
        )
    # Existing agencies got the default hours; new rows get them from the application.
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.alter_column("working_hours", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_agencies_successor_id_agencies"), type_="foreignkey"
        )
        batch_op.drop_column("successor_id")
        batch_op.drop_column("working_hours")
        batch_op.drop_column("address")

    with op.batch_alter_table("procedure_version_receiving_agencies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_procedure_version_receiving_agencies_agency_id"))

    op.drop_table("procedure_version_receiving_agencies")
    with op.batch_alter_table("procedure_fees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_procedure_fees_version_id"))

    op.drop_table("procedure_fees")
    with op.batch_alter_table("procedure_components", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_procedure_components_version_id"))

    op.drop_table("procedure_components")
    with op.batch_alter_table("procedure_versions", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_procedure_versions_search_text_trgm",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        )
        batch_op.drop_index(batch_op.f("ix_procedure_versions_procedure_id"))
        batch_op.drop_index(batch_op.f("ix_procedure_versions_field_code"))
        batch_op.drop_index(batch_op.f("ix_procedure_versions_competent_agency_id"))

    with op.batch_alter_table("procedures", schema=None) as batch_op:
        batch_op.drop_constraint("fk_procedures_current_version", type_="foreignkey")
    op.drop_table("procedure_versions")
    with op.batch_alter_table("calendar_entries", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_calendar_entries_day_national",
            postgresql_where=sa.text("agency_id IS NULL"),
            sqlite_where=sa.text("agency_id IS NULL"),
        )
        batch_op.drop_index(
            "uq_calendar_entries_day_agency",
            postgresql_where=sa.text("agency_id IS NOT NULL"),
            sqlite_where=sa.text("agency_id IS NOT NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_calendar_entries_agency_id"))

    op.drop_table("calendar_entries")
    op.drop_table("procedures")
