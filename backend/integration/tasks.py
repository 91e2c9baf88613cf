"""Integration tasks: the outbox relay and the DVCQG sync (Celery beat and after commit)."""

from __future__ import annotations

import logging

from backend.core.transaction import task_transaction
from backend.extensions import celery

log = logging.getLogger(__name__)


@celery.task(name="integration.relay_outbox")
def relay_outbox() -> dict:
    """Deliver outbox events to webhook subscribers, retrying on the backoff ladder (beat:
    every 15 seconds; also queued after each commit that wrote events when
    ``INTEGRATION_RELAY_ON_COMMIT``)."""
    from backend.integration import services

    with task_transaction():
        counts = services.relay()
    if any(counts.values()):
        log.info("outbox relayed", extra=counts)
    return counts


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
