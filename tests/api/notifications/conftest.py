"""Fixtures of the notification tests: a real SMTP server, the SMS simulator, a desk."""

from tests.notification_fixtures import desk, sms, smtp  # noqa: F401
