"""Outgoing e-mail: queued after commit, sent by a Celery task on the ``mail`` queue.

``MAIL_BACKEND=outbox`` (embedded default) writes each message as an ``.eml`` file under
``MAIL_OUTBOX_DIR`` and logs it; ``MAIL_BACKEND=smtp`` sends over SMTP with STARTTLS or TLS
(``SMTP_CA_FILE`` adds a private CA to trust). :func:`deliver` is also the e-mail channel of
the notifications domain, which tracks each message and tells permanent failures (SMTP 5xx,
:func:`is_permanent`) from temporary ones.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app

from backend.core.transaction import after_commit
from backend.extensions import celery

log = logging.getLogger(__name__)


def queue_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text e-mail once the current transaction has committed."""
    after_commit(lambda: send_mail_task.delay(to, subject, body))


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="dvc.local")
    message.set_content(body)
    return message


def is_permanent(exc: Exception) -> bool:
    """Whether an SMTP failure will not go away by retrying: a 5xx reply to the sender, the
    recipient or the data (unknown mailbox, rejected content)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600 and not isinstance(exc, smtplib.SMTPAuthenticationError)
    return False


def deliver(message: EmailMessage) -> str:
    """Hand ``message`` to the configured backend; returns its Message-ID.

    Raises ``smtplib.SMTPException`` or ``OSError`` when the SMTP server refuses or cannot be
    reached (see :func:`is_permanent`)."""
    config = current_app.config
    if config["MAIL_BACKEND"] == "smtp":
        security = config["SMTP_SECURITY"]
        context = ssl.create_default_context(cafile=config.get("SMTP_CA_FILE") or None)
        smtp_cls = smtplib.SMTP_SSL if security == "ssl" else smtplib.SMTP
        kwargs = {"context": context} if security == "ssl" else {}
        with smtp_cls(
            config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"], **kwargs
        ) as smtp:
            if security == "starttls":
                smtp.starttls(context=context)
            if config["SMTP_USERNAME"]:
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
            smtp.send_message(message)
        return str(message["Message-ID"])
    outbox = Path(config["MAIL_OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    path = outbox / f"{uuid.uuid4().hex}.eml"
    path.write_bytes(bytes(message))
    log.info("mail written to outbox", extra={"to": message["To"], "path": str(path)})
    return str(message["Message-ID"])


@celery.task(name="core.send_mail", bind=True, max_retries=5, default_retry_delay=60)
def send_mail_task(self, to: str, subject: str, body: str) -> None:
    """Build and deliver one e-mail; temporary SMTP failures are retried (5 times, a minute
    apart), a permanent refusal (5xx) is logged and dropped."""
    try:
        deliver(build_message(to, subject, body))
    except (OSError, smtplib.SMTPException) as exc:
        if is_permanent(exc):
            log.warning("mail refused permanently", extra={"to": to, "error": str(exc)})
            return
        raise self.retry(exc=exc) from exc
