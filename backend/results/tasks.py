"""Rendering, signing and storing issued documents (Celery, queue ``results``)."""

from __future__ import annotations

import logging

from celery.signals import worker_process_init

from backend.core.transaction import task_transaction
from backend.extensions import celery

log = logging.getLogger(__name__)

#: Retries after the first attempt, and the delay before the n-th retry (seconds).
MAX_RETRIES = 5


@worker_process_init.connect
def warm_up(**_kwargs) -> None:
    """Import WeasyPrint and render once in each worker process: the import takes seconds and
    the first render is several times slower than the next ones (STACK.md trap 5)."""
    from backend.results import rendering

    try:
        rendering.warm_up()
    except Exception:  # a broken renderer shows up on the first task, with its retries
        log.exception("results warm-up failed")


def backoff(retries: int) -> int:
    return min(30 * 2**retries, 900)


@celery.task(
    name="results.produce_document",
    bind=True,
    max_retries=MAX_RETRIES,
    acks_late=True,
)
def produce_document(self, document_id: int) -> str | None:
    """Render, sign and store one ordered document; a result resolves its dossier (9).

    Idempotent: a document already produced is left alone. A failure is recorded on the
    document (officers see it) and retried with exponential backoff; after the last retry the
    document is ``failed`` and an officer may retry it."""
    from backend.results import services

    try:
        with task_transaction():
            document = services.produce(document_id)
            status = document.status if document is not None else None
    except Exception as exc:
        final = self.request.retries >= self.max_retries
        log.warning(
            "document production failed",
            extra={"document_id": document_id, "attempt": self.request.retries + 1},
            exc_info=True,
        )
        with task_transaction():
            services.record_failure(document_id, exc, final=final)
        if final:
            return "failed"
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
    return status
