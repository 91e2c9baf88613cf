"""What the hot paths (the VNPay IPN) rely on below the services: audit rows and outbox events
queued and written in bulk, and pooled connections pinged only after being idle."""

from __future__ import annotations

import psycopg
import pytest
import sqlalchemy as sa

from backend.core import audit, outbox, transaction
from backend.core import db as core_db
from backend.core.audit import AuditEvent
from backend.core.outbox import OutboxEvent
from tests.conftest import TEST_DATABASE_URL


def _events(db) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(OutboxEvent.type)
            .where(OutboxEvent.aggregate_id == "hot-path")
            .order_by(OutboxEvent.id)
        )
    )


def _add(event_type: str) -> None:
    outbox.add_event(event_type, "dossier", "hot-path", {"n": event_type})


def _insert(event_type: str) -> None:
    outbox.insert_event(event_type, "dossier", "hot-path", {"n": event_type})


def test_queued_and_mapped_outbox_events_keep_the_order_of_the_calls(db):
    _add("one")
    _insert("two")
    _insert("three")
    _add("four")
    _insert("five")

    transaction.commit()

    assert _events(db) == ["one", "two", "three", "four", "five"]


def test_queued_rows_are_written_with_the_commit_and_forgotten_with_a_rollback(db):
    audit.insert("hot.kept", subject="hot-path", data={"amount": 200_000})
    _insert("kept")
    transaction.commit()
    audit.insert("hot.dropped", subject="hot-path")
    _insert("dropped")
    transaction.rollback()
    transaction.commit()

    rows = db.session.execute(
        sa.select(AuditEvent.event, AuditEvent.data).where(AuditEvent.subject == "hot-path")
    ).all()
    assert [tuple(row) for row in rows] == [("hot.kept", {"amount": 200_000})]
    assert _events(db) == ["kept"]


def _backend_pid(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()


def _terminate(pid: int) -> None:
    with psycopg.connect(TEST_DATABASE_URL.replace("+psycopg", ""), autocommit=True) as connection:
        connection.execute("SELECT pg_terminate_backend(%s)", (pid,))


def test_a_pooled_connection_idle_for_a_while_is_pinged_and_replaced_when_dead(
    make_app, monkeypatch
):
    engine = make_app().extensions["db_engine"]
    pid = _backend_pid(engine)  # the connection goes back to the pool
    _terminate(pid)  # the server restarted, a firewall dropped it...
    monkeypatch.setattr(core_db, "PING_IDLE_SECONDS", 0.0)

    assert _backend_pid(engine) != pid


def test_a_connection_in_steady_use_is_not_pinged(make_app, monkeypatch):
    # The counterpart (a round trip saved per request): a connection handed out again at
    # once is trusted; a dead one then fails its statement and the pool is invalidated.
    engine = make_app().extensions["db_engine"]
    pid = _backend_pid(engine)
    _terminate(pid)
    monkeypatch.setattr(core_db, "PING_IDLE_SECONDS", 3600.0)

    with pytest.raises(sa.exc.OperationalError):
        _backend_pid(engine)
    assert _backend_pid(engine) != pid
