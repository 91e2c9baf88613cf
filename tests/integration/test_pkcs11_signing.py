"""Signing with a key that never leaves a PKCS#11 token (SoftHSM2 standing in for an HSM or a
USB token): the agency's EC P-256 key is generated on the token, its certificate is issued by
the dev root and stored next to it, and the signature validates like a PKCS#12 one."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from backend.results import keys, rendering, signing

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "246810"
AGENCY = ("000.00.15.H56", "Sở Tư pháp tỉnh Khánh Hòa")

pytestmark = pytest.mark.skipif(
    not Path(MODULE).exists() or shutil.which("softhsm2-util") is None,
    reason="SoftHSM2 is not installed (apt-get install softhsm2)",
)


@pytest.fixture
def token(tmp_path, monkeypatch):
    """A fresh SoftHSM2 token labelled ``dvc-test``."""
    tokens = tmp_path / "tokens"
    tokens.mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            "dvc-test",
            "--pin",
            PIN,
            "--so-pin",
            "13579111",
        ],
        check=True,
        capture_output=True,
        env={**os.environ, "SOFTHSM2_CONF": str(conf)},
    )
    return "dvc-test"


def provision(app, label: str) -> None:
    """Generate the agency's key on the token and store its certificate (dev root) beside it."""
    import pkcs11
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters

    with app.app_context():
        keys.init_dev_keys([])
        root_cert, root_key = keys._ensure_root(keys.keys_dir(), keys._passphrase(app.config))
    lib = pkcs11.lib(MODULE)
    with lib.get_token(token_label="dvc-test").open(user_pin=PIN, rw=True) as session:
        parameters = session.create_domain_parameters(
            pkcs11.KeyType.EC,
            {pkcs11.Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")},
            local=True,
        )
        public, _private = parameters.generate_keypair(store=True, label=label)
        public_key = serialization.load_der_public_key(encode_ec_public_key(public))
        assert isinstance(public_key, ec.EllipticCurvePublicKey)
        now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
        cert = (
            x509.CertificateBuilder()
            .subject_name(keys._name(AGENCY[1], AGENCY[1]))
            .issuer_name(root_cert.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(root_key, hashes.SHA256())
        )
        der = cert.public_bytes(serialization.Encoding.DER)
        session.create_object(
            {
                pkcs11.Attribute.CLASS: pkcs11.ObjectClass.CERTIFICATE,
                pkcs11.Attribute.CERTIFICATE_TYPE: pkcs11.CertificateType.X_509,
                pkcs11.Attribute.TOKEN: True,
                pkcs11.Attribute.LABEL: label,
                pkcs11.Attribute.SUBJECT: cert.subject.public_bytes(),
                pkcs11.Attribute.ISSUER: cert.issuer.public_bytes(),
                pkcs11.Attribute.SERIAL_NUMBER: cert.serial_number.to_bytes(20, "big"),
                pkcs11.Attribute.VALUE: der,
            }
        )


def test_a_pkcs11_token_signs_and_the_signature_validates(make_app, token, tmp_path):
    app = make_app(
        RESULTS_SIGNING_BACKEND="pkcs11",
        RESULTS_PKCS11_MODULE=MODULE,
        RESULTS_PKCS11_TOKEN=token,
        RESULTS_PKCS11_PIN=PIN,
        RESULTS_PKCS11_KEY_LABEL="sign-{agency}",
        RESULTS_PKCS11_RAW_MECHANISM=True,  # SoftHSM2 signs digests only (CKM_ECDSA)
        RESULTS_KEYS_DIR=str(tmp_path / "keys"),
    )
    provision(app, f"sign-{AGENCY[0]}")
    pdf = rendering.render_pdf("forms/receipt_slip.html", rendering.sample_context())

    with app.app_context():
        info = keys.signer_for(*AGENCY)
        signed = signing.sign_pdf(
            pdf, signer=info.signer, signer_name=info.name, agency_name=AGENCY[1]
        )
        [result] = signing.validate_pdf(signed, keys.trust_roots())

    assert not (tmp_path / "keys" / f"{AGENCY[0]}.p12").exists()  # no key file: the token
    assert info.name == AGENCY[1]
    assert result.valid and result.trusted and result.signer == AGENCY[1]
