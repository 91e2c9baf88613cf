"""STARTTLS to an SMTP server with a private certificate: trusted through SMTP_CA_FILE,
refused (and recorded as failed after the retries) without it."""

from __future__ import annotations

import ipaddress
import ssl
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from backend.notifications.models import Message, Notification
from tests.notification_fixtures import Inbox, body_of, free_port


def self_signed(folder):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "smtp.test")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp.crt", folder / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class TlsInbox(Inbox):
    def __init__(self):
        super().__init__()
        self.tls = []

    async def handle_DATA(self, server, session, envelope):
        self.tls.append(session.ssl is not None)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def tls_smtp(app, monkeypatch, tmp_path):
    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = TlsInbox()
    port = free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True
    )
    controller.start()
    for key_name, value in {
        "MAIL_BACKEND": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_SECURITY": "starttls",
        "SMTP_TIMEOUT": 5,
    }.items():
        monkeypatch.setitem(app.config, key_name, value)
    yield inbox, cert
    controller.stop()


def test_starttls_with_the_private_ca(client, desk, tls_smtp, app, monkeypatch):
    inbox, cert = tls_smtp
    monkeypatch.setitem(app.config, "SMTP_CA_FILE", str(cert))

    desk.submit()

    [mail] = inbox.to(desk.citizen.email)
    assert inbox.tls and all(inbox.tls)
    assert "Tra cứu tình trạng hồ sơ" in body_of(mail)


def test_untrusted_certificate_is_never_used(client, desk, tls_smtp, db):
    inbox, _cert = tls_smtp

    desk.submit()

    assert inbox.messages == []
    mail, text = db.session.scalars(
        sa.select(Message)
        .join(Notification)
        .where(Notification.user_id == desk.citizen.id)
        .order_by(Message.id)
    ).all()
    assert mail.status == "failed" and "CERTIFICATE_VERIFY_FAILED" in mail.error
    assert text.channel == "sms" and text.status == "sent"  # the citizen still hears of it
