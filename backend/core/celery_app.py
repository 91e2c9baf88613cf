"""Celery configuration: JSON only, explicit queues, eager (inline) without a broker."""

from __future__ import annotations

from celery.schedules import crontab
from flask import Flask

from backend.extensions import celery

#: Queue names; each worker pool consumes the queues it is started with.
QUEUE_DEFAULT = "default"
QUEUE_MAIL = "mail"
QUEUE_NOTIFICATIONS = "notifications"
#: Rendering and signing documents (CPU-bound: its own worker pool scales independently).
QUEUE_RESULTS = "results"


def init_app(app: Flask) -> None:
    celery.conf.update(
        broker_url=app.config["CELERY_BROKER_URL"] or "memory://",
        result_backend=app.config["CELERY_RESULT_BACKEND"],
        task_always_eager=app.config["CELERY_TASK_ALWAYS_EAGER"],
        task_eager_propagates=False,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_default_queue=QUEUE_DEFAULT,
        task_routes={
            "core.send_mail": {"queue": QUEUE_MAIL},
            "notifications.*": {"queue": QUEUE_NOTIFICATIONS},
            "results.produce_document": {"queue": QUEUE_RESULTS},
        },
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        timezone="Asia/Ho_Chi_Minh",
        enable_utc=True,
        broker_connection_retry_on_startup=True,
        beat_schedule={
            "reconcile-payments": {
                "task": "payments.reconcile_pending",
                "schedule": crontab(minute="*/5"),
            },
            "purge-idle-drafts": {
                "task": "dossiers.purge_idle_drafts",
                "schedule": crontab(hour=2, minute=30),
            },
            # Notifications (times in Asia/Ho_Chi_Minh, the Celery timezone above).
            "notify-daily-digest": {
                "task": "notifications.send_daily_digests",
                "schedule": crontab(hour=7, minute=0),
            },
            "notify-due-tomorrow": {
                "task": "notifications.remind_due_tomorrow",
                "schedule": crontab(hour=7, minute=30),
            },
            "notify-supplement-deadlines": {
                "task": "notifications.remind_supplements",
                "schedule": crontab(hour=8, minute=0),
            },
            "notify-uncollected-results": {
                "task": "notifications.remind_uncollected_results",
                "schedule": crontab(hour=8, minute=30),
            },
            "notify-expiring-payments": {
                "task": "notifications.remind_expiring_payments",
                "schedule": crontab(minute="*/2"),
            },
            "notify-purge-old": {
                "task": "notifications.purge_old",
                "schedule": crontab(hour=3, minute=0),
            },
            "react-to-dossier-steps": {"task": "dossiers.react_to_steps", "schedule": 15.0},
            "relay-outbox": {"task": "integration.relay_outbox", "schedule": 15.0},
            "sync-dvcqg": {"task": "integration.sync_dvcqg", "schedule": crontab(minute="*")},
        },
        include=[
            "backend.core.mail",
            "backend.dossiers.tasks",
            "backend.payments.tasks",
            "backend.notifications.tasks",
            "backend.results.tasks",
            "backend.integration.tasks",
        ],
    )

    app.extensions["celery"] = celery
