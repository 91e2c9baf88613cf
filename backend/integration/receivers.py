"""Reactions to other domains' signals (connected when the integration API is registered)."""

from __future__ import annotations

from flask import current_app

from backend.core.clock import utcnow
from backend.core.db import upsert_insert
from backend.core.transaction import after_commit
from backend.dossiers.events import step_recorded
from backend.extensions import db


def _send_relay() -> None:
    from backend.integration.tasks import relay_outbox

    relay_outbox.delay()


def _queue_relay() -> None:
    """Queue one relay run after this transaction commits (once, however many steps)."""
    if _send_relay not in db.session().info.get("after_commit", []):
        after_commit(_send_relay)


@step_recorded.connect
def _on_step(dossier, entry, actor, event_data, **_) -> None:
    """A recorded step marks the dossier "not synced" with DVCQG and wakes the relay."""
    from backend.integration.models import DvcqgDossierSync

    table = DvcqgDossierSync.__table__
    now = utcnow()
    db.session.execute(
        upsert_insert(table)
        .values(dossier_id=dossier.id, synced=0, known_to_portal=False, changed_at=now, attempts=0)
        .on_conflict_do_update(
            index_elements=[table.c.dossier_id],
            set_={"synced": 0, "changed_at": now, "next_attempt_at": None},
        )
    )
    if current_app.config.get("INTEGRATION_RELAY_ON_COMMIT"):
        _queue_relay()
