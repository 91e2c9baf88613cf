"""The audit log is append-only: the database refuses updates and deletes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from backend.core import audit
from backend.core.audit import AuditEvent


def test_postgres_refuses_update_and_delete_of_audit_rows(db):
    row = audit.record("test.event", subject="x", data={"a": 1})
    db.session.flush()

    for statement in (
        sa.update(AuditEvent).where(AuditEvent.id == row.id).values(event="tampered"),
        sa.delete(AuditEvent).where(AuditEvent.id == row.id),
    ):
        with (
            pytest.raises(sa.exc.DatabaseError, match="append-only"),
            db.session.begin_nested(),
        ):
            db.session.execute(statement)

    assert db.session.scalar(sa.select(AuditEvent.event).where(AuditEvent.id == row.id)) == (
        "test.event"
    )


def test_sqlite_refuses_update_and_delete_of_audit_rows(tmp_path):
    from backend import migrate

    url = f"sqlite:///{tmp_path / 'audit.db'}"
    migrate.upgrade(url)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO audit_events (occurred_at, event, data) "
                "VALUES ('2026-01-01 00:00:00', 'test.event', '{}')"
            )
        )
    for statement in ("UPDATE audit_events SET event = 'x'", "DELETE FROM audit_events"):
        with (
            pytest.raises(sa.exc.DatabaseError, match="append-only"),
            engine.begin() as connection,
        ):
            connection.execute(sa.text(statement))
    engine.dispose()
