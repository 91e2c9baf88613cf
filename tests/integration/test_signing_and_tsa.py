"""Signing with the agencies' dev keys: PAdES B-B, B-T through the TSA simulator over real HTTP,
validation against the trust roots, tampering and foreign keys."""

from __future__ import annotations

import socket
import threading

import pytest
from werkzeug.serving import make_server

from backend.results import keys, rendering, signing

#: Our port range; the first free one serves the app with the TSA simulator.
PORTS = range(5230, 5250)


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 5230-5249")


@pytest.fixture
def pdf():
    return rendering.render_pdf("forms/receipt_slip.html", rendering.sample_context())


def sign(app, pdf: bytes, agency=("000.31.01.H56", "UBND phường Nha Trang")) -> bytes:
    with app.app_context():
        info = keys.signer_for(*agency)
        return signing.sign_pdf(
            pdf, signer=info.signer, signer_name=info.name, agency_name=agency[1]
        )


def check(app, content: bytes):
    with app.app_context():
        return signing.validate_pdf(content, keys.trust_roots())


def test_b_b_signature_validates_and_a_flipped_byte_does_not(make_app, pdf):
    app = make_app()

    signed = sign(app, pdf)

    [result] = check(app, signed)
    assert result.valid and result.trusted and result.intact and not result.timestamped
    assert result.signer == "UBND phường Nha Trang"
    tampered = bytearray(signed)
    tampered[signed.index(b"stream") + 100] ^= 0x01
    [broken] = check(app, bytes(tampered))
    assert not broken.intact and not broken.valid
    appended = signed + b"\n% a line added after signing\n"
    [extended] = check(app, appended)
    assert not extended.covers_whole_file and not extended.valid


def test_b_t_signature_carries_a_timestamp_from_the_simulator(make_app, pdf):
    port = _free_port()
    app = make_app(RESULTS_TSA_URL=f"http://127.0.0.1:{port}/simulators/tsa")
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        signed = sign(app, pdf)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()

    [result] = check(app, signed)
    assert result.valid and result.timestamped and result.signed_at is not None


def test_the_tsa_refuses_what_is_not_a_timestamp_query(make_app):
    client = make_app().test_client()

    assert client.post("/simulators/tsa", data=b"x", content_type="text/plain").status_code == 400
    malformed = client.post(
        "/simulators/tsa", data=b"\x30\x03\x02\x01", content_type="application/timestamp-query"
    )
    assert malformed.status_code == 400


def test_a_signature_from_another_root_is_not_trusted(make_app, pdf, tmp_path):
    ours = make_app()
    theirs = make_app(RESULTS_KEYS_DIR=str(tmp_path / "foreign-keys"))

    signed = sign(theirs, pdf)

    [result] = check(ours, signed)
    assert result.intact and not result.trusted and not result.valid


def test_keys_init_creates_the_dev_pki_once(make_app, tmp_path):
    app = make_app(RESULTS_KEYS_DIR=str(tmp_path / "keys"))
    runner = app.test_cli_runner()

    first = runner.invoke(args=["keys", "init"])
    second = runner.invoke(args=["keys", "init"])

    assert first.exit_code == 0, first.output
    assert "root-ca.pem" in first.output and "tsa.p12" in first.output
    assert "nothing to create" in second.output
    assert (tmp_path / "keys" / "root-ca.key").stat().st_mode & 0o077 == 0
