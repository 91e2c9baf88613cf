"""Notifications: e-mail, SMS and in-app messages for citizens and officers.

Every dossier step (``dossiers.events.step_recorded``) and every reminder adds an in-app
notification and, per the user's preferences, e-mail and SMS messages, which Celery sends after
commit on the ``notifications`` queue with delivery tracking, retries and an SMS fallback when
an e-mail fails for good. Required notices (refusal, supplement and payment requests, result
ready, apology, reminders) always go out on at least one channel.
"""
