"""The transactional outbox: integration events written in the same transaction as the change.

A relay (integration issue) delivers them to subscribers after commit, in order per
aggregate; until then they wait here. Nothing outside the transaction ever sees an event whose
change was rolled back.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.clock import utcnow
from backend.core.db import Base, JSONType, append_row, appended_rows, write_appended
from backend.extensions import db


class OutboxEvent(Base):
    __tablename__ = "outbox_events"

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
    )
    #: Event id sent to subscribers (they deduplicate on it).
    uuid: Mapped[uuid.UUID] = mapped_column(sa.Uuid, unique=True, default=uuid.uuid4)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Dotted type, e.g. ``dossier.submitted``.
    type: Mapped[str] = mapped_column(sa.String(64), index=True)
    #: The aggregate it is about, e.g. ``dossier`` and its public id (ordering key).
    aggregate_type: Mapped[str] = mapped_column(sa.String(32))
    aggregate_id: Mapped[str] = mapped_column(sa.String(64), index=True)
    payload: Mapped[dict] = mapped_column(JSONType)
    #: Set by the relay once every subscriber has it.
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    #: Set by the relay when it created the per-subscriber deliveries (integration domain).
    dispatched_at: Mapped[datetime | None]

    __table_args__ = (
        sa.Index(
            "ix_outbox_events_undispatched",
            "id",
            postgresql_where=sa.text("dispatched_at IS NULL"),
            sqlite_where=sa.text("dispatched_at IS NULL"),
        ),
    )


def add_event(
    event_type: str, aggregate_type: str, aggregate_id: str, payload: dict
) -> OutboxEvent:
    """Record an integration event in the current transaction (written with the next flush)."""
    if appended_rows(OutboxEvent.__table__):
        write_appended()  # the events queued by insert_event come first
    event = OutboxEvent(
        type=event_type,
        aggregate_type=aggregate_type,
        aggregate_id=aggregate_id,
        payload=payload,
    )
    db.session.add(event)
    return event


def insert_event(event_type: str, aggregate_type: str, aggregate_id: str, payload: dict) -> None:
    """Like :func:`add_event`, without the ORM: the event is queued and written with the
    transaction's other queued events in one insert (``core.db.write_appended``), for a hot
    path such as the VNPay IPN. Events keep the order of the calls: events added with
    ``add_event`` and not yet written are flushed first, and ``add_event`` writes the queued
    ones first."""
    if any(isinstance(pending, OutboxEvent) for pending in db.session.new):
        db.session.flush()
    append_row(
        OutboxEvent.__table__,
        {
            "uuid": uuid.uuid4(),
            "occurred_at": utcnow(),
            "type": event_type,
            "aggregate_type": aggregate_type,
            "aggregate_id": aggregate_id,
            "payload": payload,
        },
    )
