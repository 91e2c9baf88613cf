"""Webhooks over TLS connect to the checked (pinned) address while verifying the certificate
for the host name."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from flask import Flask, request
from werkzeug.serving import make_server

from backend.integration import http
from tests.http_server import _candidate_ports


def _certificate(tmp_path, names: list[str]):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_path), str(key_path)


@pytest.fixture
def tls_receiver(tmp_path):
    cert, key = _certificate(tmp_path, ["webhooks.example.test"])
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    seen = []
    app = Flask("tls")

    @app.post("/hook")
    def hook():
        seen.append((request.host, request.get_data()))
        return "{}"

    server = None
    for port in _candidate_ports():
        try:
            server = make_server("127.0.0.1", port, app, threaded=True, ssl_context=context)
            break
        except (OSError, SystemExit):
            continue
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port, cert, seen
    server.shutdown()
    server.server_close()


def test_the_pinned_address_is_verified_for_the_host_name(tls_receiver):
    port, cert, seen = tls_receiver
    # The name does not resolve at all: the connection can only use the pinned address.
    target = http.Target(
        url=f"https://webhooks.example.test:{port}/hook",
        scheme="https",
        host="webhooks.example.test",
        port=port,
        address=str(ipaddress.ip_address("127.0.0.1")),
    )
    reply = http.post(target, b"{}", {}, connect_timeout=3, read_timeout=5, verify=cert)

    assert reply.error is None and reply.status_code == 200
    assert seen == [(f"webhooks.example.test:{port}", b"{}")]


def test_a_certificate_for_another_name_or_an_unknown_issuer_is_refused(tls_receiver):
    port, cert, seen = tls_receiver
    other = http.Target(
        url=f"https://other.example.test:{port}/hook",
        scheme="https",
        host="other.example.test",
        port=port,
        address="127.0.0.1",
    )
    wrong_name = http.post(other, b"{}", {}, connect_timeout=3, read_timeout=5, verify=cert)
    right = http.Target(
        url=f"https://webhooks.example.test:{port}/hook",
        scheme="https",
        host="webhooks.example.test",
        port=port,
        address="127.0.0.1",
    )
    untrusted = http.post(right, b"{}", {}, connect_timeout=3, read_timeout=5)

    assert wrong_name.error and wrong_name.error.startswith("connection")
    assert untrusted.error and untrusted.error.startswith("connection")
    assert seen == []
