"""Catalogue models: agencies, procedures and their versions, components, fees, calendar."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.db import Base, IdMixin, JSONType, TimestampMixin

#: 07:00–11:30 and 13:30–17:00, Monday to Friday (DOMAIN.md §3.3).
DEFAULT_WORKING_HOURS = {
    day: [["07:00", "11:30"], ["13:30", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")
} | {"sat": [], "sun": []}


class AgencyLevel(enum.StrEnum):
    PROVINCE = "province"
    DEPARTMENT = "department"
    COMMUNE = "commune"


class OnlineLevel(enum.StrEnum):
    FULL = "full"  #: toàn trình
    PARTIAL = "partial"  #: một phần


class SupplementPolicy(enum.StrEnum):
    PAUSE = "pause"  #: the clock stops while the citizen supplements
    RESTART = "restart"  #: the full duration counts again from the complete supplement


class VersionStatus(enum.StrEnum):
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class Agency(IdMixin, TimestampMixin, Base):
    """A state body that receives or resolves dossiers."""

    __tablename__ = "agencies"

    #: Electronic identification code, the prefix of every dossier code it receives.
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    #: Official names.
    name_vi: Mapped[str] = mapped_column(sa.String(255))
    name_en: Mapped[str] = mapped_column(sa.String(255))
    #: Province, provincial department or commune.
    level: Mapped[str] = mapped_column(sa.String(16))
    #: Parent body (a department's province, a commune's province).
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"))
    #: Postal address of the reception desk.
    address: Mapped[str | None] = mapped_column(sa.String(255))
    #: Reception hours per weekday: {"mon": [["07:00", "11:30"], ...], ..., "sun": []}.
    working_hours: Mapped[dict] = mapped_column(
        JSONType, default=lambda: dict(DEFAULT_WORKING_HOURS)
    )
    #: Inactive agencies (merged, dissolved) receive no new dossiers.
    is_active: Mapped[bool] = mapped_column(default=True)
    #: The agency that took over after a merger (2025 reorganisation).
    successor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"))

    parent: Mapped[Agency | None] = relationship(
        remote_side="Agency.id", foreign_keys=[parent_id], lazy="joined", join_depth=1
    )
    successor: Mapped[Agency | None] = relationship(
        remote_side="Agency.id", foreign_keys=[successor_id], lazy="joined", join_depth=1
    )

    __table_args__ = (sa.CheckConstraint(_in("level", list(AgencyLevel)), name="level_known"),)


class Procedure(IdMixin, TimestampMixin, Base):
    """An administrative procedure (thủ tục hành chính) by its national code; its content lives
    in versions, so a dossier keeps the rules it started with."""

    __tablename__ = "procedures"

    #: National TTHC code, e.g. ``1.001193``.
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    #: The version citizens see now.
    current_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("procedure_versions.id", use_alter=True, name="fk_procedures_current_version")
    )

    current_version: Mapped[ProcedureVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    versions: Mapped[list[ProcedureVersion]] = relationship(
        back_populates="procedure",
        foreign_keys="ProcedureVersion.procedure_id",
        order_by="ProcedureVersion.number",
    )


version_receiving_agencies = sa.Table(
    "procedure_version_receiving_agencies",
    Base.metadata,
    sa.Column(
        "version_id",
        sa.ForeignKey("procedure_versions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("agency_id", sa.ForeignKey("agencies.id"), primary_key=True, index=True),
)


class ProcedureVersion(IdMixin, Base):
    """One immutable version of a procedure's content."""

    __tablename__ = "procedure_versions"

    procedure_id: Mapped[int] = mapped_column(sa.ForeignKey("procedures.id"), index=True)
    #: 1, 2, 3… per procedure.
    number: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(16))
    published_at: Mapped[datetime]
    #: Admin who published it (public id; the account may be deleted later).
    published_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    name_vi: Mapped[str] = mapped_column(sa.String(500))
    name_en: Mapped[str] = mapped_column(sa.String(500))
    #: Field (lĩnh vực) code and names.
    field_code: Mapped[str] = mapped_column(sa.String(32), index=True)
    field_name_vi: Mapped[str] = mapped_column(sa.String(255))
    field_name_en: Mapped[str] = mapped_column(sa.String(255))
    description_vi: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    #: The agency that decides (cơ quan có thẩm quyền).
    competent_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    #: full (toàn trình) or partial (một phần).
    online_level: Mapped[str] = mapped_column(sa.String(16))
    #: Legal documents, one per entry.
    legal_basis: Mapped[list] = mapped_column(JSONType, default=list)
    #: Legal processing time: amount and unit (working_days, calendar_days, working_hours).
    duration_amount: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2))
    duration_unit: Mapped[str] = mapped_column(sa.String(16))
    #: Same-day procedures: receptions after this hour count from the next working day.
    cutoff: Mapped[str | None] = mapped_column(sa.String(5))
    #: What a supplement request does to the clock: pause or restart.
    supplement_policy: Mapped[str] = mapped_column(sa.String(16))
    #: Result document type, names and rendering template.
    result_type_code: Mapped[str] = mapped_column(sa.String(32))
    result_name_vi: Mapped[str] = mapped_column(sa.String(255))
    result_name_en: Mapped[str] = mapped_column(sa.String(255))
    result_template: Mapped[str] = mapped_column(sa.String(64))
    #: E-form definition (backend/catalog/forms.py).
    form: Mapped[dict] = mapped_column(JSONType)
    #: Lower-case, unaccented Vietnamese and English names (ranking).
    search_name: Mapped[str] = mapped_column(sa.Text)
    #: Lower-case, unaccented names, code, field and agency names (matching).
    search_text: Mapped[str] = mapped_column(sa.Text)
    #: Whether any fee line has a positive amount.
    has_fee: Mapped[bool] = mapped_column(default=False)

    procedure: Mapped[Procedure] = relationship(
        back_populates="versions", foreign_keys=[procedure_id]
    )
    competent_agency: Mapped[Agency] = relationship(lazy="joined")
    receiving_agencies: Mapped[list[Agency]] = relationship(
        secondary=version_receiving_agencies, order_by="Agency.code"
    )
    components: Mapped[list[ProcedureComponent]] = relationship(
        cascade="all, delete-orphan", order_by="ProcedureComponent.position"
    )
    fees: Mapped[list[ProcedureFee]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ProcedureFee.position"
    )

    __table_args__ = (
        sa.UniqueConstraint("procedure_id", "number", name="uq_procedure_versions_number"),
        sa.CheckConstraint(_in("status", list(VersionStatus)), name="status_known"),
        sa.CheckConstraint(_in("online_level", list(OnlineLevel)), name="online_level_known"),
        sa.CheckConstraint(
            _in("duration_unit", ["working_days", "calendar_days", "working_hours"]),
            name="duration_unit_known",
        ),
        sa.CheckConstraint("duration_amount >= 0", name="duration_not_negative"),
        sa.CheckConstraint(
            _in("supplement_policy", list(SupplementPolicy)), name="supplement_policy_known"
        ),
        sa.Index(
            "ix_procedure_versions_search_text_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
    )


class ProcedureComponent(Base):
    """A document the applicant provides (thành phần hồ sơ)."""

    __tablename__ = "procedure_components"

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
    )
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("procedure_versions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    #: Component code, unique within the version (MaThanhPhanHoSo).
    code: Mapped[str] = mapped_column(sa.String(32))
    name_vi: Mapped[str] = mapped_column(sa.String(500))
    name_en: Mapped[str] = mapped_column(sa.String(500))
    description_vi: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    #: original, copy, or original_or_copy.
    kind: Mapped[str] = mapped_column(sa.String(20))
    required: Mapped[bool]
    #: Accepted MIME types, checked against the file's content.
    accepted_types: Mapped[list] = mapped_column(JSONType)
    max_size_mb: Mapped[int]
    #: May be taken from the citizen's issued documents instead of uploaded.
    reusable: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        sa.UniqueConstraint("version_id", "code", name="uq_procedure_components_code"),
        sa.CheckConstraint(
            _in("kind", ["original", "copy", "original_or_copy"]), name="kind_known"
        ),
        sa.CheckConstraint("max_size_mb > 0", name="size_positive"),
    )


class ProcedureFee(Base):
    """A fee line: lệ phí (fee) or phí (charge), in whole VND."""

    __tablename__ = "procedure_fees"

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
    )
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("procedure_versions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    code: Mapped[str] = mapped_column(sa.String(32))
    name_vi: Mapped[str] = mapped_column(sa.String(500))
    name_en: Mapped[str] = mapped_column(sa.String(500))
    #: Amount in VND (no minor unit).
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    #: fee (lệ phí) or charge (phí).
    kind: Mapped[str] = mapped_column(sa.String(16))
    #: at_submission or on_request (asked by the officer later).
    payable: Mapped[str] = mapped_column(sa.String(16))

    __table_args__ = (
        sa.UniqueConstraint("version_id", "code", name="uq_procedure_fees_code"),
        sa.CheckConstraint("amount >= 0", name="amount_not_negative"),
        sa.CheckConstraint(_in("kind", ["fee", "charge"]), name="kind_known"),
        sa.CheckConstraint(_in("payable", ["at_submission", "on_request"]), name="payable_known"),
    )


class CalendarEntry(IdMixin, TimestampMixin, Base):
    """An official day off (ngày nghỉ bù, bridge day) or make-up working day (ngày làm bù),
    beyond the statutory holidays, nationally or for one agency."""

    __tablename__ = "calendar_entries"

    day: Mapped[date]
    #: day_off or working_day.
    kind: Mapped[str] = mapped_column(sa.String(16))
    name_vi: Mapped[str] = mapped_column(sa.String(255))
    name_en: Mapped[str] = mapped_column(sa.String(255))
    #: None for the whole country, else the agency it applies to.
    agency_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agencies.id", ondelete="CASCADE"), index=True
    )

    agency: Mapped[Agency | None] = relationship(lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(_in("kind", ["day_off", "working_day"]), name="kind_known"),
        sa.Index(
            "uq_calendar_entries_day_national",
            "day",
            unique=True,
            postgresql_where=sa.text("agency_id IS NULL"),
            sqlite_where=sa.text("agency_id IS NULL"),
        ),
        sa.Index(
            "uq_calendar_entries_day_agency",
            "day",
            "agency_id",
            unique=True,
            postgresql_where=sa.text("agency_id IS NOT NULL"),
            sqlite_where=sa.text("agency_id IS NOT NULL"),
        ),
    )
