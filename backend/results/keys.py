"""Signing keys of the issuing agencies, and the certificates a verifier trusts.

Two key sources (``RESULTS_SIGNING_BACKEND``):

* ``pkcs12`` (default): one PKCS#12 file per agency, ``<RESULTS_KEYS_DIR>/<agency code>.p12``,
  protected by ``RESULTS_KEYS_PASSPHRASE``; ``default.p12`` signs for agencies without their own.
* ``pkcs11``: a hardware token or HSM through pyHanko's PKCS#11 support (``pip install
  pyhanko[pkcs11]``): ``RESULTS_PKCS11_MODULE`` (the vendor's ``.so``), ``RESULTS_PKCS11_TOKEN``
  (token label), ``RESULTS_PKCS11_PIN``, and the key label ``RESULTS_PKCS11_KEY_LABEL``, where
  ``{agency}`` is replaced by the agency code; ``RESULTS_PKCS11_RAW_MECHANISM`` for tokens that
  only sign digests (raw ECDSA / RSA PKCS#1).

Verifiers trust the PEM certificates in ``RESULTS_TRUST_ROOTS`` (default
``<RESULTS_KEYS_DIR>/root-ca.pem``).

Development (``RESULTS_DEV_KEYS``, refused in production): :func:`init_dev_keys` (``flask keys
init``, or lazily on the first signature) makes a dev root CA, an EC P-256 certificate per
agency and an RSA timestamping certificate for the TSA simulator, in the instance folder. None
of this is ever committed.

Signers are built once per process and kept: pyHanko's ``SimpleSigner`` re-parses its private
key for every signature (STACK.md trap 6), :class:`CachedKeySigner` parses it once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import os
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from backend.config import ConfigError

ROOT_CA_FILE = "root-ca.pem"
TSA_FILE = "tsa.p12"
DEFAULT_SIGNER = "default"

_lock = threading.Lock()
_signers: dict[tuple, object] = {}
_trust_roots: dict[tuple, list] = {}


@dataclass(frozen=True)
class SignerInfo:
    """What the documents and the database record about a signer."""

    signer: object  # a pyHanko Signer
    #: Subject common name (shown in the visible stamp).
    name: str
    #: SHA-256 of the DER certificate, hex.
    fingerprint: str


def keys_dir(config=None) -> Path:
    config = config or current_app.config
    return Path(config["RESULTS_KEYS_DIR"])


def _passphrase(config) -> bytes:
    return str(config["RESULTS_KEYS_PASSPHRASE"]).encode()


# --- dev PKI ----------------------------------------------------------------------------------


def _name(common_name: str, organisation: str | None = None):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]))
    return x509.Name(attributes)


def _certificate(subject, issuer, public_key, issuer_key, *, days: int, ca: bool, eku=None):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca and eku is None,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if issuer_key is not public_key:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    if eku is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage([eku]), critical=True)
    return builder.sign(issuer_key, hashes.SHA256())


def _write_new(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it exists (atomic; False when another process won)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        return True
    finally:
        os.unlink(tmp)


def _load_root(folder: Path, passphrase: bytes):
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    cert = x509.load_pem_x509_certificate((folder / ROOT_CA_FILE).read_bytes())
    key = load_pem_private_key((folder / "root-ca.key").read_bytes(), passphrase)
    return cert, key


def _ensure_root(folder: Path, passphrase: bytes):
    """The dev root CA, created once (the key file is written before the certificate)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not (folder / ROOT_CA_FILE).exists():
        key = ec.generate_private_key(ec.SECP256R1())
        name = _name("DVC Dev Root CA - DEV ONLY", "Dich vu cong (development)")
        cert = _certificate(name, name, key.public_key(), key, days=3650, ca=True)
        encrypted = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase),
        )
        if _write_new(folder / "root-ca.key", encrypted):
            _write_new(folder / ROOT_CA_FILE, cert.public_bytes(serialization.Encoding.PEM))
    for _ in range(100):  # another process may be writing it
        if (folder / ROOT_CA_FILE).exists():
            return _load_root(folder, passphrase)
        threading.Event().wait(0.01)
    raise RuntimeError(f"{folder / ROOT_CA_FILE} was not written")


def _issue_p12(
    folder: Path, filename: str, common_name: str, organisation: str, passphrase: bytes, *, tsa
) -> bool:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID

    path = folder / filename
    if path.exists():
        return False
    root_cert, root_key = _ensure_root(folder, passphrase)
    if tsa:  # pyHanko's test TSA signs with RSA only (STACK.md trap 7)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        eku = ExtendedKeyUsageOID.TIME_STAMPING
    else:
        key = ec.generate_private_key(ec.SECP256R1())
        eku = None
    cert = _certificate(
        _name(common_name, organisation),
        root_cert.subject,
        key.public_key(),
        root_key,
        days=1095,
        ca=False,
        eku=eku,
    )
    data = pkcs12.serialize_key_and_certificates(
        common_name.encode(),
        key,
        cert,
        [root_cert],
        serialization.BestAvailableEncryption(passphrase),
    )
    return _write_new(path, data)


def init_dev_keys(agencies: Iterable[tuple[str, str]], config=None) -> list[str]:
    """Create the dev root CA, the TSA certificate and a signing certificate for each
    ``(code, name)`` agency (and ``default``) that has none yet. Returns the files created."""
    config = config or current_app.config
    folder = keys_dir(config)
    passphrase = _passphrase(config)
    created = [] if (folder / ROOT_CA_FILE).exists() else [ROOT_CA_FILE]
    _ensure_root(folder, passphrase)
    if _issue_p12(folder, TSA_FILE, "DVC Dev TSA - DEV ONLY", "DVC", passphrase, tsa=True):
        created.append(TSA_FILE)
    wanted = [(DEFAULT_SIGNER, "Cơ quan ký số (dev)"), *agencies]
    for code, name in wanted:
        filename = f"{code}.p12"
        if _issue_p12(folder, filename, name, name, passphrase, tsa=False):
            created.append(filename)
    return created


# --- signers ----------------------------------------------------------------------------------


@functools.cache
def _cached_key_signer_class():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko.sign.signers import SimpleSigner

    class CachedKeySigner(SimpleSigner):
        """``SimpleSigner`` that parses its EC key once instead of on every signature."""

        _pyca_key = None

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            if self.signing_key.algorithm != "ec":
                return super().sign_raw(data, digest_algorithm)
            if self._pyca_key is None:
                self._pyca_key = serialization.load_der_private_key(
                    self.signing_key.dump(), password=None
                )
            assert isinstance(self._pyca_key, EllipticCurvePrivateKey)
            return self._pyca_key.sign(
                data, signature_algorithm=ECDSA(get_pyca_cryptography_hash(digest_algorithm))
            )

    return CachedKeySigner


def _load_p12(path: Path, passphrase: bytes):
    from pyhanko.sign.signers import SimpleSigner

    simple = SimpleSigner.load_pkcs12_data(path.read_bytes(), (), passphrase=passphrase)
    signer = _cached_key_signer_class()(
        signing_cert=simple.signing_cert,
        signing_key=simple.signing_key,
        cert_registry=simple.cert_registry,
    )
    return signer


def _info(signer) -> SignerInfo:
    cert = signer.signing_cert
    name = cert.subject.native.get("common_name") or cert.subject.human_friendly
    return SignerInfo(signer, name, hashlib.sha256(cert.dump()).hexdigest())


def signer_for(agency_code: str, agency_name: str, config=None) -> SignerInfo:
    """The signer of ``agency_code`` (PKCS#12 file or PKCS#11 key), built once per process.

    With ``RESULTS_DEV_KEYS`` a missing dev certificate is created on the spot."""
    config = config or current_app.config
    backend = config["RESULTS_SIGNING_BACKEND"]
    cache_key = (backend, str(keys_dir(config)), agency_code)
    with _lock:
        info = _signers.get(cache_key)
        if info is not None:
            return info
        if backend == "pkcs11":
            info = _info(_pkcs11_signer(agency_code, config))
        else:
            folder = keys_dir(config)
            path = folder / f"{agency_code}.p12"
            if not path.exists() and config.get("RESULTS_DEV_KEYS"):
                init_dev_keys([(agency_code, agency_name)], config)
            if not path.exists():
                path = folder / f"{DEFAULT_SIGNER}.p12"
            if not path.exists():
                raise ConfigError(f"no signing key for agency {agency_code} in {folder}")
            info = _info(_load_p12(path, _passphrase(config)))
        _signers[cache_key] = info
        return info


def _pkcs11_signer(agency_code: str, config):
    """A pyHanko PKCS#11 signer on the configured token (the session stays open)."""
    from pyhanko.sign import pkcs11
    from pyhanko.sign.pkcs11 import TokenCriteria

    session = pkcs11.open_pkcs11_session(
        config["RESULTS_PKCS11_MODULE"],
        token_criteria=TokenCriteria(label=config.get("RESULTS_PKCS11_TOKEN") or None),
        user_pin=config.get("RESULTS_PKCS11_PIN") or None,
    )
    label = config["RESULTS_PKCS11_KEY_LABEL"].format(agency=agency_code)
    return pkcs11.PKCS11Signer(
        session,
        key_label=label,
        cert_label=label,
        # Many tokens (SoftHSM2 among them) only sign a digest (CKM_ECDSA): hash here.
        use_raw_mechanism=bool(config.get("RESULTS_PKCS11_RAW_MECHANISM")),
    )


def tsa_material(config=None):
    """``(certificate, key)`` of the dev TSA (asn1crypto objects), for the simulator."""
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.keys.internal import (
        translate_pyca_cryptography_cert_to_asn1,
        translate_pyca_cryptography_key_to_asn1,
    )

    config = config or current_app.config
    path = keys_dir(config) / TSA_FILE
    if not path.exists() and config.get("RESULTS_DEV_KEYS"):
        init_dev_keys([], config)
    key, cert, _others = pkcs12.load_key_and_certificates(path.read_bytes(), _passphrase(config))
    return (
        translate_pyca_cryptography_cert_to_asn1(cert),
        translate_pyca_cryptography_key_to_asn1(key),
    )


def trust_roots(config=None) -> list:
    """The root certificates (asn1crypto) signatures must chain to."""
    from pyhanko.keys import load_certs_from_pemder

    config = config or current_app.config
    path = Path(config.get("RESULTS_TRUST_ROOTS") or keys_dir(config) / ROOT_CA_FILE)
    if not path.exists() and config.get("RESULTS_DEV_KEYS"):
        init_dev_keys([], config)
    with contextlib.suppress(OSError):
        stamp = (str(path), path.stat().st_mtime_ns)
        roots = _trust_roots.get(stamp)
        if roots is None:
            roots = list(load_certs_from_pemder([str(path)]))
            _trust_roots[stamp] = roots
        return roots
    return []


def clear_cache() -> None:
    """Forget loaded signers (tests that swap key folders)."""
    with _lock:
        _signers.clear()
        _trust_roots.clear()
