"""Integration state: webhook subscribers and deliveries, inbound clients and their events,
population-database lookups, national sign-in links and the DVCQG sync flags."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.clock import utcnow
from backend.core.db import Base, IdMixin, JSONType, TimestampMixin

BIGINT = sa.BigInteger().with_variant(sa.Integer, "sqlite")

#: Delivery states: waiting for (another) attempt, received by the subscriber, given up.
PENDING, DELIVERED, DEAD = "pending", "delivered", "dead"


class Subscriber(IdMixin, TimestampMixin, Base):
    """An outside system that receives our integration events as signed webhooks."""

    __tablename__ = "integration_subscribers"

    name: Mapped[str] = mapped_column(sa.String(128))
    #: Target URL, checked against SSRF when saved and again before every attempt.
    url: Mapped[str] = mapped_column(sa.String(2048))
    #: HMAC-SHA256 key shared with the subscriber (shown once, when created).
    secret: Mapped[str] = mapped_column(sa.String(128))
    #: Event types it wants (``dossier.*`` prefixes allowed); empty means every event.
    event_types: Mapped[list] = mapped_column(JSONType, default=list)
    is_active: Mapped[bool] = mapped_column(default=True)

    def wants(self, event_type: str) -> bool:
        if not self.event_types:
            return True
        for pattern in self.event_types:
            if pattern == event_type:
                return True
            if pattern.endswith(".*") and event_type.startswith(pattern[:-1]):
                return True
        return False


class Delivery(IdMixin, Base):
    """One outbox event for one subscriber: its state and when to try next."""

    __tablename__ = "integration_deliveries"

    subscriber_id: Mapped[int] = mapped_column(
        sa.ForeignKey("integration_subscribers.id", ondelete="CASCADE")
    )
    event_id: Mapped[int] = mapped_column(
        BIGINT, sa.ForeignKey("outbox_events.id", ondelete="CASCADE"), index=True
    )
    #: ``<aggregate type>:<aggregate id>``: events of one key reach a subscriber in order.
    aggregate_key: Mapped[str] = mapped_column(sa.String(100))
    #: pending, delivered or dead (retries exhausted: dead letter, replayable by admins).
    state: Mapped[str] = mapped_column(sa.String(16), default=PENDING)
    #: Attempts since it was created or last replayed.
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]
    dead_at: Mapped[datetime | None]
    #: Outcome of the last attempt (HTTP status or a short error).
    last_status: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(sa.String(255))

    subscriber: Mapped[Subscriber] = relationship(lazy="joined", innerjoin=True)
    event = relationship("OutboxEvent", lazy="joined", innerjoin=True)
    attempt_rows: Mapped[list[DeliveryAttempt]] = relationship(
        cascade="all, delete-orphan", order_by="DeliveryAttempt.id"
    )

    __table_args__ = (
        sa.UniqueConstraint("subscriber_id", "event_id", name="uq_integration_deliveries_once"),
        sa.CheckConstraint("state IN ('pending', 'delivered', 'dead')", name="state_known"),
        #: Due deliveries.
        sa.Index(
            "ix_integration_deliveries_due",
            "next_attempt_at",
            postgresql_where=sa.text("state = 'pending'"),
            sqlite_where=sa.text("state = 'pending'"),
        ),
        #: "Is an earlier event of this aggregate still owed to this subscriber?"
        sa.Index(
            "ix_integration_deliveries_owed",
            "subscriber_id",
            "aggregate_key",
            "event_id",
            postgresql_where=sa.text("state <> 'delivered'"),
            sqlite_where=sa.text("state <> 'delivered'"),
        ),
    )


class DeliveryAttempt(Base):
    """One HTTP attempt of a delivery, kept for the record (never deleted by the relay)."""

    __tablename__ = "integration_delivery_attempts"

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        sa.ForeignKey("integration_deliveries.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime]
    #: HTTP status of the answer, none when there was no answer.
    status_code: Mapped[int | None]
    #: Short reason of a failure (timeout, refused target, HTTP 500…).
    error: Mapped[str | None] = mapped_column(sa.String(255))
    duration_ms: Mapped[int]


class InboundClient(IdMixin, TimestampMixin, Base):
    """An outside system (the provincial one-stop system) allowed to send us events."""

    __tablename__ = "integration_clients"

    #: Public key id sent in ``X-DVC-Key-Id``.
    key_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(128))
    #: HMAC-SHA256 key (shown once, when created).
    secret: Mapped[str] = mapped_column(sa.String(128))
    #: Service account that owns dossiers filed at the counter by people without an account.
    service_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    is_active: Mapped[bool] = mapped_column(default=True)

    service_user = relationship("User")


class InboundEvent(Base):
    """An event an inbound client sent and we applied: replay protection and idempotency."""

    __tablename__ = "integration_inbound_events"

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True)
    client_id: Mapped[int] = mapped_column(
        sa.ForeignKey("integration_clients.id", ondelete="CASCADE")
    )
    #: The client's event id (unique per client).
    event_id: Mapped[str] = mapped_column(sa.String(64))
    type: Mapped[str] = mapped_column(sa.String(64))
    #: SHA-256 of the body: the same id with another body is refused.
    body_sha256: Mapped[str] = mapped_column(sa.String(64))
    received_at: Mapped[datetime]
    #: The answer given the first time (sent again for a repeat).
    response: Mapped[dict] = mapped_column(JSONType)

    __table_args__ = (
        sa.UniqueConstraint("client_id", "event_id", name="uq_integration_inbound_events_once"),
    )


class PopulationLookup(Base):
    """Every query to the national population database: who asked, when, why, about whom."""

    __tablename__ = "population_lookups"

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True)
    #: Our unique request id (MaYeuCau), also sent to the database.
    uuid: Mapped[uuid.UUID] = mapped_column(sa.Uuid, unique=True, default=uuid.uuid4)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: The user on whose behalf it was asked (the citizen, the officer), if any.
    actor_uuid: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, index=True)
    #: The officer's agency code (the unit asking), when an officer asked.
    unit_code: Mapped[str | None] = mapped_column(sa.String(32))
    #: registration, prefill, dossier_check, vneid_link…
    purpose: Mapped[str] = mapped_column(sa.String(32))
    #: Free text (dossier code, reason) given with the purpose.
    purpose_note: Mapped[str | None] = mapped_column(sa.String(255))
    #: The 12-digit ID number looked up.
    personal_id: Mapped[str] = mapped_column(sa.String(12), index=True)
    #: match, mismatch, not_found or error.
    outcome: Mapped[str] = mapped_column(sa.String(16))
    request_id: Mapped[str | None] = mapped_column(sa.String(64))


class ExternalIdentity(Base):
    """An account's link to a national sign-in identity (VNeID via the DVCQG portal)."""

    __tablename__ = "external_identities"

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True)
    provider: Mapped[str] = mapped_column(sa.String(16))
    #: The provider's ``sub`` claim.
    subject: Mapped[str] = mapped_column(sa.String(255))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    #: Assurance level claimed at the last sign-in (loAs).
    assurance_level: Mapped[str | None] = mapped_column(sa.String(16))

    __table_args__ = (
        sa.UniqueConstraint("provider", "subject", name="uq_external_identities_subject"),
    )


class DvcqgDossierSync(Base):
    """Sync flag of one dossier with the National Public Service Portal (0 not synced, 1
    synced); every recorded step resets it to 0."""

    __tablename__ = "dvcqg_dossier_sync"

    dossier_id: Mapped[int] = mapped_column(
        sa.ForeignKey("dossiers.id", ondelete="CASCADE"), primary_key=True
    )
    synced: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    #: The portal has the dossier: later pushes are updates.
    known_to_portal: Mapped[bool] = mapped_column(default=False)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    synced_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    #: After a failure, not before this moment (backoff).
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.String(255))

    __table_args__ = (
        sa.Index(
            "ix_dvcqg_dossier_sync_pending",
            "changed_at",
            postgresql_where=sa.text("synced = 0"),
            sqlite_where=sa.text("synced = 0"),
        ),
    )
