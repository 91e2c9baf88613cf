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


#: The beat's sweep takes deferred steps still pending after this many seconds.
REACTION_GRACE_SECONDS = 30


@celery.task(name="dossiers.react_to_steps")
def react_to_steps(entry_ids: list[int] | None = None, older_than: float | None = None) -> int:
    """Run the reactions (notifications, forms, DVCQG flag, statistics) of steps recorded with
    ``react_later``: those of ``entry_ids``, else every step pending for more than
    ``older_than`` seconds (REACTION_GRACE_SECONDS by default: the beat's sweep, every 15
    seconds, for a publication lost between a commit and the broker or a failed reaction)."""
    from datetime import timedelta

    from backend.core.clock import utcnow
    from backend.dossiers import services

    done = 0
    while True:
        ids = entry_ids
        if ids is None:
            grace = REACTION_GRACE_SECONDS if older_than is None else older_than
            with task_transaction():
                ids = services.pending_reactions(utcnow() - timedelta(seconds=grace))
        reacted = services.react_to_steps(ids) if ids else 0
        done += reacted
        # A full batch of pending steps that all reacted: there may be more.
        if entry_ids is not None or len(ids) < services.REACTION_BATCH or reacted < len(ids):
            break
    if done > 1:
        log.info("dossier steps reacted", extra={"count": done})
    return done
