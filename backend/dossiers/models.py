"""Dossier aggregate: the dossier, its attachments, process log, supplement rounds, code counter."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.accounts.models import User
from backend.catalog.models import Agency, ProcedureVersion
from backend.core.db import Base, IdMixin, JSONType, TimestampMixin
from backend.dossiers.states import STATUS_CODES, DossierStatus

BIGINT = sa.BigInteger().with_variant(sa.Integer, "sqlite")
#: JSON where Python None is SQL NULL (not the JSON value null).
_NULLABLE_JSON = sa.JSON(none_as_null=True).with_variant(
    postgresql.JSONB(none_as_null=True), "postgresql"
)

#: Submission channels (KenhThucHien).
CHANNEL_COUNTER, CHANNEL_ONLINE, CHANNEL_POSTAL = 1, 2, 3


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class Dossier(IdMixin, TimestampMixin, Base):
    """An application (hồ sơ) for one procedure version, from draft to delivered result."""

    __tablename__ = "dossiers"

    #: Official code ``<receiving agency code>-YYMMDD-NNNN``, assigned at submission.
    code: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    #: Code given by another system (DVCQG, the provincial one-stop system), if any.
    external_code: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    #: The procedure version the dossier is bound to for its whole life.
    procedure_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("procedure_versions.id"), index=True
    )
    receiving_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    competent_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    #: The account that files and follows the dossier.
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: 1 counter, 2 online, 3 public postal service.
    channel: Mapped[int] = mapped_column(sa.SmallInteger, default=CHANNEL_ONLINE)
    status: Mapped[str] = mapped_column(sa.String(24), default=DossierStatus.DRAFT, index=True)
    #: National status code (TrangThaiHoSo 1–10), null for drafts.
    status_code: Mapped[int | None] = mapped_column(sa.SmallInteger)
    #: Optimistic lock: every change increments it; a stale write is a 409.
    version: Mapped[int] = mapped_column(default=1)
    #: Applicant (chủ hồ sơ): the account holder, or the person a delegate files for.
    applicant_name: Mapped[str] = mapped_column(sa.String(128))
    applicant_personal_id: Mapped[str | None] = mapped_column(sa.String(12), index=True)
    applicant_date_of_birth: Mapped[date | None]
    applicant_phone: Mapped[str | None] = mapped_column(sa.String(10))
    applicant_email: Mapped[str | None] = mapped_column(sa.String(254))
    #: True when the owner files on behalf of the applicant (ủy quyền).
    filed_by_delegate: Mapped[bool] = mapped_column(default=False)
    #: The delegate's relationship to the applicant, as declared.
    delegate_relationship: Mapped[str | None] = mapped_column(sa.String(128))
    #: E-form data, validated against the pinned version's definition.
    form_data: Mapped[dict] = mapped_column(JSONType, default=dict)
    #: Fees due at submission (VND) and whether they are still unpaid.
    fee_due_at_submission: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    awaiting_payment: Mapped[bool] = mapped_column(default=False)
    #: What the dossier owes now (VND): the fees at submission, or an officer's request.
    amount_due: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: Legal dates (DOMAIN.md §3.3).
    submitted_at: Mapped[datetime | None]
    received_at: Mapped[datetime | None]
    due_at: Mapped[datetime | None]
    #: The first due date, kept for statistics when an apology re-dates the dossier.
    original_due_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    withdraw_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: Last change by the citizen (drafts idle for DRAFT_RETENTION_DAYS are purged).
    last_activity_at: Mapped[datetime]
    #: Back office: the specialist handling it, and whose turn it is during processing
    #: (specialist, dept_head, leader, clerk).
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    stage: Mapped[str | None] = mapped_column(sa.String(16))
    #: The leader's decision (approved or rejected) and the issued result's number and symbol.
    decision: Mapped[str | None] = mapped_column(sa.String(16))
    result_number: Mapped[str | None] = mapped_column(sa.String(32))
    result_symbol: Mapped[str | None] = mapped_column(sa.String(64))
    #: An apology re-dated the dossier (allowed once).
    apologized: Mapped[bool] = mapped_column(default=False)
    #: Lower-case, unaccented code, applicant name and ID number, for officers' search.
    search_text: Mapped[str | None] = mapped_column(sa.Text)

    procedure_version: Mapped[ProcedureVersion] = relationship(lazy="joined")
    receiving_agency: Mapped[Agency] = relationship(foreign_keys=[receiving_agency_id])
    competent_agency: Mapped[Agency] = relationship(foreign_keys=[competent_agency_id])
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    attachments: Mapped[list[DossierAttachment]] = relationship(
        back_populates="dossier",
        cascade="all, delete-orphan",
        order_by="DossierAttachment.id",
    )
    log: Mapped[list[ProcessLogEntry]] = relationship(
        cascade="all, delete-orphan", order_by="ProcessLogEntry.id"
    )
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    notes: Mapped[list[DossierNote]] = relationship(
        cascade="all, delete-orphan", order_by="DossierNote.id"
    )
    supplements: Mapped[list[SupplementRequest]] = relationship(
        back_populates="dossier", cascade="all, delete-orphan", order_by="SupplementRequest.round"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    __table_args__ = (
        sa.CheckConstraint(_in("status", list(DossierStatus)), name="status_known"),
        sa.CheckConstraint("channel IN (1, 2, 3)", name="channel_known"),
        sa.CheckConstraint("fee_due_at_submission >= 0", name="fee_not_negative"),
        sa.CheckConstraint("status = 'draft' OR code IS NOT NULL", name="code_after_draft"),
        #: "My dossiers", latest first.
        sa.Index("ix_dossiers_owner_updated", "owner_id", "updated_at", "id"),
        #: Officers' queues: by agency and status, soonest due first.
        sa.Index("ix_dossiers_receiving_status_due", "receiving_agency_id", "status", "due_at"),
        sa.Index("ix_dossiers_competent_status_due", "competent_agency_id", "status", "due_at"),
        sa.Index(
            "ix_dossiers_search_text_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
    )

    @property
    def is_draft(self) -> bool:
        return self.status == DossierStatus.DRAFT

    def set_status(self, status: DossierStatus) -> None:
        self.status = status
        self.status_code = STATUS_CODES.get(status)


class DossierAttachment(IdMixin, Base):
    """A file given for one component of the dossier (or a reused issued document)."""

    __tablename__ = "dossier_attachments"

    dossier_id: Mapped[int] = mapped_column(
        sa.ForeignKey("dossiers.id", ondelete="CASCADE"), index=True
    )
    #: The procedure component (thành phần hồ sơ) it answers.
    component_code: Mapped[str] = mapped_column(sa.String(32))
    #: Storage key (app-generated, never from the filename).
    storage_key: Mapped[str] = mapped_column(sa.String(255), unique=True)
    #: Sanitised original name, for display and downloads only.
    filename: Mapped[str] = mapped_column(sa.String(255))
    #: Type sniffed from the content.
    content_type: Mapped[str] = mapped_column(sa.String(128))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[datetime]
    uploaded_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    #: Supplement round it was given for (None: with the original submission).
    supplement_round: Mapped[int | None]
    #: Reused from the citizen's issued documents instead of uploaded (once-only).
    reused: Mapped[bool] = mapped_column(default=False)
    #: The issued document it was taken from, when reused.
    issued_document_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("issued_documents.id"), index=True
    )

    dossier: Mapped[Dossier] = relationship(back_populates="attachments")


class ProcessLogEntry(Base):
    """One step of the dossier's processing (QuaTrinhXuLyHoSo), synced to DVCQG."""

    __tablename__ = "dossier_process_log"

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(
        sa.ForeignKey("dossiers.id", ondelete="CASCADE"), index=True
    )
    occurred_at: Mapped[datetime]
    #: Action name (submit, accept, refuse, …).
    action: Mapped[str] = mapped_column(sa.String(32))
    actor_uuid: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    actor_name: Mapped[str | None] = mapped_column(sa.String(128))
    #: Role under which the actor acted (citizen, reception_officer, …, system).
    actor_role: Mapped[str] = mapped_column(sa.String(32))
    agency_code: Mapped[str | None] = mapped_column(sa.String(32))
    #: Resulting status and national code.
    status: Mapped[str] = mapped_column(sa.String(24))
    status_code: Mapped[int | None] = mapped_column(sa.SmallInteger)
    #: Step start and due (NgayBatDau, NgayKetThucTheoQuyDinh).
    step_started_at: Mapped[datetime]
    step_due_at: Mapped[datetime | None]
    #: Free text shown to the citizen (reasons, comments) — never internal notes.
    note: Mapped[str | None] = mapped_column(sa.Text)
    #: 0 not synced to DVCQG, 1 synced.
    sync_state: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    #: The step's ``event_data`` while its reactions (``dossiers.events.step_recorded``:
    #: notifications, forms, DVCQG flag, statistics) wait for a worker — a step recorded with
    #: ``react_later`` (the VNPay IPN); NULL once they ran, in the same transaction, so they run
    #: once. See ``dossiers.services.react_to_steps``.
    pending_reaction: Mapped[dict | None] = mapped_column(_NULLABLE_JSON)

    __table_args__ = (
        sa.Index(
            "ix_dossier_process_log_pending_reaction",
            "id",
            postgresql_where=sa.text("pending_reaction IS NOT NULL"),
            sqlite_where=sa.text("pending_reaction IS NOT NULL"),
        ),
    )


class DossierNote(Base):
    """An officer's internal note, or a message to the citizen, on a dossier."""

    __tablename__ = "dossier_notes"

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(sa.Uuid, unique=True, default=uuid.uuid4)
    dossier_id: Mapped[int] = mapped_column(
        sa.ForeignKey("dossiers.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime]
    author_uuid: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    author_name: Mapped[str] = mapped_column(sa.String(128))
    #: True: officers only; False: a message the citizen sees.
    internal: Mapped[bool]
    text: Mapped[str] = mapped_column(sa.Text)


class SupplementRequest(Base):
    """One request for more documents (Mẫu 02) and the citizen's answer."""

    __tablename__ = "dossier_supplements"

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(
        sa.ForeignKey("dossiers.id", ondelete="CASCADE"), index=True
    )
    #: 1, 2, … (more than one counts the dossier late in the 766 scorecard).
    round: Mapped[int]
    requested_at: Mapped[datetime]
    requested_by: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    #: [{"component_code": …, "description": …}] and free items.
    items: Mapped[list] = mapped_column(JSONType)
    note: Mapped[str | None] = mapped_column(sa.Text)
    #: When the citizen must answer by.
    deadline_at: Mapped[datetime]
    #: Clock policy applied: pause or restart.
    clock_policy: Mapped[str] = mapped_column(sa.String(16))
    due_before: Mapped[datetime | None]
    due_after: Mapped[datetime | None]
    supplied_at: Mapped[datetime | None]
    response_note: Mapped[str | None] = mapped_column(sa.Text)
    #: When an officer accepted the supplement and the clock resumed.
    accepted_at: Mapped[datetime | None]

    dossier: Mapped[Dossier] = relationship(back_populates="supplements")

    __table_args__ = (
        sa.UniqueConstraint("dossier_id", "round", name="uq_dossier_supplements_round"),
    )


class DossierCodeCounter(Base):
    """Last sequence number given per receiving agency and day (the NNNN of the code)."""

    __tablename__ = "dossier_code_counters"

    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agencies.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    last_value: Mapped[int]
