"""Celery worker entry point (every queue):
``celery -A backend.worker worker -Q default,mail,results,notifications``.

The worker process runs inside one application context, so tasks use the same configuration
and session registry as the web app; each task commits through ``task_transaction``. The Flask
application is named ``flask_app`` so that Celery's ``-A backend.worker`` finds ``celery``.
"""

from backend import create_app

flask_app = create_app()
flask_app.app_context().push()
celery = flask_app.extensions["celery"]
