"""Celery worker entry point: ``celery -A backend.worker worker -Q default,mail``.

The worker process runs inside one application context, so tasks use the same configuration
and session registry as the web app; each task commits through ``task_transaction``.
"""

from backend import create_app

app = create_app()
app.app_context().push()
celery = app.extensions["celery"]
