"""The transaction boundary: one commit per request or task, side effects after it.

Services only ``flush()``. The request boundary (installed by :func:`init_app`) commits once
when the view finished without an error and rolls back otherwise; tasks use
:func:`task_transaction`. Work that must not happen unless the data is saved (Celery sends,
e-mails, webhooks) is registered with :func:`after_commit` and runs only after the commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, g

from backend.extensions import db

log = logging.getLogger(__name__)


def after_commit(callback: Callable[[], object]) -> None:
    """Run ``callback`` once the current transaction has committed (never if it rolls back)."""
    db.session().info.setdefault("after_commit", []).append(callback)


def after_rollback(callback: Callable[[], object]) -> None:
    """Run ``callback`` if the current transaction rolls back (e.g. delete a stored file)."""
    db.session().info.setdefault("after_rollback", []).append(callback)


def commit() -> None:
    """Commit the current session, then run the after-commit callbacks in order."""
    session = db.session()
    callbacks = session.info.pop("after_commit", [])
    session.commit()  # on failure the caller rolls back, which runs the after-rollback hooks
    session.info.pop("after_rollback", None)
    for callback in callbacks:
        try:
            callback()
        except Exception:  # a failed side effect must not turn a saved request into an error
            log.exception("after-commit callback failed")


def rollback() -> None:
    """Roll back, then run the after-rollback callbacks (undo side effects already done)."""
    session = db.session()
    session.info.pop("after_commit", None)
    callbacks = session.info.pop("after_rollback", [])
    session.rollback()
    for callback in callbacks:
        try:
            callback()
        except Exception:
            log.exception("after-rollback callback failed")


@contextmanager
def task_transaction() -> Iterator[None]:
    """One transaction for a Celery task or a CLI command: commit on success, else roll back."""
    try:
        yield
    except BaseException:
        rollback()
        raise
    commit()


def init_app(app: Flask) -> None:
    from backend.core.errors import problem_response

    @app.after_request
    def _commit_or_rollback(response):
        if g.get("rollback_requested") or (
            response.status_code >= 500 and not g.get("keep_changes")
        ):
            rollback()
            return response
        try:
            commit()
        except Exception:
            log.exception("commit failed")
            rollback()
            return problem_response(500, "internal-error")
        return response
