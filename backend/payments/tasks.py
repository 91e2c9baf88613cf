"""Payment reconciliation (Celery beat)."""

from __future__ import annotations

import logging

from backend.core.transaction import task_transaction
from backend.extensions import celery

log = logging.getLogger(__name__)


@celery.task(name="payments.reconcile_pending")
def reconcile_pending() -> dict:
    """Query the gateway about attempts pending for over 15 minutes (beat: every 5 minutes)."""
    from backend.payments import services

    with task_transaction():
        counts = services.reconcile_pending()
    log.info("payments reconciled", extra=counts)
    return counts
