"""Notification tasks, all on the ``notifications`` queue: delivery of one message with retries,
and the reminders and digests of Celery beat."""

from __future__ import annotations

import logging

from backend.core.transaction import task_transaction
from backend.extensions import celery

log = logging.getLogger(__name__)

#: Temporary failures are retried this many times, further and further apart (seconds).
MAX_RETRIES = 5
RETRY_DELAYS = (60, 300, 900, 3600, 3600)


@celery.task(name="notifications.send_message", bind=True, max_retries=MAX_RETRIES)
def send_message(self, message_id: int) -> str:
    """Send one queued e-mail or SMS. A temporary failure is retried (5 times, from a minute to
    an hour apart); a permanent one, or the last attempt, marks it failed, and a failed e-mail
    falls back to SMS. Each attempt commits its outcome before any retry is scheduled."""
    from backend.notifications import services

    last = self.request.retries >= self.max_retries
    with task_transaction():
        outcome = services.deliver_message(message_id, last_attempt=last)
    if outcome == "retry":
        delay = RETRY_DELAYS[min(self.request.retries, len(RETRY_DELAYS) - 1)]
        raise self.retry(countdown=delay)
    return outcome


@celery.task(name="notifications.dispatch")
def dispatch(message_ids: list[int]) -> int:
    """Queue one ``notifications.send_message`` per message (what a committed transaction
    added), so each message is sent and retried on its own."""
    for message_id in message_ids:
        send_message.delay(message_id)
    return len(message_ids)


def _run(name: str, function) -> int:
    with task_transaction():
        count = function()
    log.info(name, extra={"count": count})
    return count


@celery.task(name="notifications.remind_supplements")
def remind_supplements() -> int:
    """Supplement deadlines within two working days (beat: daily 08:00 Vietnam time)."""
    from backend.notifications import reminders

    return _run("supplement reminders", reminders.remind_supplements)


@celery.task(name="notifications.remind_expiring_payments")
def remind_expiring_payments() -> int:
    """Pending payments about to expire (beat: every 2 minutes)."""
    from backend.notifications import reminders

    return _run("payment reminders", reminders.remind_expiring_payments)


@celery.task(name="notifications.remind_uncollected_results")
def remind_uncollected_results() -> int:
    """Results not collected after five days (beat: daily 08:30 Vietnam time)."""
    from backend.notifications import reminders

    return _run("result reminders", reminders.remind_uncollected_results)


@celery.task(name="notifications.remind_due_tomorrow")
def remind_due_tomorrow() -> int:
    """Officers' dossiers due on the next working day (beat: daily 07:30 Vietnam time)."""
    from backend.notifications import reminders

    return _run("due-tomorrow reminders", reminders.remind_due_tomorrow)


@celery.task(name="notifications.purge_old")
def purge_old() -> int:
    """Old notifications and their messages (beat: daily 03:00 Vietnam time)."""
    from backend.notifications import reminders

    return _run("notifications purged", reminders.purge_old)


@celery.task(name="notifications.send_daily_digests")
def send_daily_digests() -> int:
    """Officers' digest of due and overdue dossiers (beat: daily 07:00 Vietnam time)."""
    from backend.notifications import reminders

    return _run("daily digests", reminders.send_daily_digests)
