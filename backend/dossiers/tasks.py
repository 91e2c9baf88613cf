"""Scheduled dossier housekeeping."""

from __future__ import annotations

import logging

from backend.core.transaction import task_transaction
from backend.extensions import celery

log = logging.getLogger(__name__)


@celery.task(name="dossiers.purge_idle_drafts")
def purge_idle_drafts() -> int:
    """Delete drafts idle for DRAFT_RETENTION_DAYS (beat: daily at 02:30 Vietnam time)."""
    from backend.dossiers import services

    with task_transaction():
        count = services.purge_idle_drafts()
    log.info("purged idle drafts", extra={"count": count})
    return count
