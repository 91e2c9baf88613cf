"""Append-only audit log of security and legal events.

Rows are only ever inserted: the application has no update or delete path, and on PostgreSQL
and SQLite a trigger (see the migration) refuses UPDATE and DELETE outright. The actor is
stored by public id without a foreign key, so the log outlives what it describes.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from flask import g, has_request_context, request
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.clock import utcnow
from backend.core.db import Base, JSONType, append_row
from backend.extensions import db


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
    )
    #: When it happened (UTC).
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: Dotted event name, e.g. ``auth.login_failed``.
    event: Mapped[str] = mapped_column(sa.String(64), index=True)
    #: Public id of the user who acted, when known.
    actor_uuid: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, index=True)
    #: What the event is about (a user's public id, a dossier code, a hashed identifier...).
    subject: Mapped[str | None] = mapped_column(sa.String(128), index=True)
    #: Client address and agent of the request, when there was one.
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(256))
    #: X-Request-ID of the request, to join with the logs.
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    #: Event-specific details (never passwords or tokens).
    data: Mapped[dict] = mapped_column(JSONType, default=dict)


def _values(event: str, actor_uuid, subject, data) -> dict:
    values = {
        "occurred_at": utcnow(),
        "event": event,
        "actor_uuid": actor_uuid,
        "subject": subject,
        "data": data or {},
        "ip": None,
        "user_agent": None,
        "request_id": None,
    }
    if has_request_context():
        values["ip"] = request.remote_addr
        values["user_agent"] = (request.user_agent.string or "")[:256] or None
        values["request_id"] = g.get("request_id")
    return values


def record(
    event: str,
    *,
    actor_uuid: uuid.UUID | None = None,
    subject: str | None = None,
    data: dict | None = None,
) -> AuditEvent:
    """Append one audit row in the current transaction (written with the next flush)."""
    row = AuditEvent(**_values(event, actor_uuid, subject, data))
    db.session.add(row)
    return row


def insert(
    event: str,
    *,
    actor_uuid: uuid.UUID | None = None,
    subject: str | None = None,
    data: dict | None = None,
) -> None:
    """Like :func:`record`, without the ORM: the row is queued and written with the
    transaction's other audit rows in one insert (``core.db.write_appended``), for a hot path
    such as the VNPay IPN."""
    append_row(AuditEvent.__table__, _values(event, actor_uuid, subject, data))
