"""Integration tasks: the outbox relay and the DVCQG sync (Celery beat and after commit)."""

from __future__ import annotations

import logging

from backend.core.transaction import task_transaction
from backend.extensions import celery

log = logging.getLogger(__name__)


@celery.task(name="integration.relay_outbox")
def relay_outbox(max_rounds: int = 20) -> dict:
    """Deliver outbox events to webhook subscribers, retrying on the backoff ladder (beat:
    every 15 seconds; also queued after each commit that wrote events when
    ``INTEGRATION_RELAY_ON_COMMIT``). Each round dispatches new events (committed first, so
    deliveries appear in event order) then sends one batch of due deliveries; a round frees the
    next event of every dossier whose previous one got through."""
    from backend.integration import services

    totals = {"dispatched": 0, "delivered": 0, "failed": 0, "dead": 0}
    for _ in range(max_rounds):
        with task_transaction():
            totals["dispatched"] += services.dispatch_events()
        with task_transaction():
            counts = services.deliver_due()
        for name, value in counts.items():
            totals[name] += value
        if not counts["delivered"]:
            break
    if any(totals.values()):
        log.info("outbox relayed", extra=totals)
    return totals


@celery.task(name="integration.sync_dvcqg")
def sync_dvcqg() -> dict:
    """Push new and changed dossiers and their process-log rows to the National Public Service
    Portal (beat: every minute)."""
    from backend.integration import dvcqg

    with task_transaction():
        counts = dvcqg.sync()
    if any(counts.values()):
        log.info("dvcqg synced", extra=counts)
    return counts
