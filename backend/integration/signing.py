"""HMAC-SHA256 signatures over ``<timestamp>.<body>``, both ways (webhooks we send, events the
one-stop system sends us). Pure: no Flask, no database.

Headers::

    X-DVC-Event-Id:   the event's id (receivers deduplicate on it)
    X-DVC-Timestamp:  Unix time in seconds when the message was signed
    X-DVC-Signature:  v1=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>
    X-DVC-Key-Id:     inbound only: which client key signed it

A receiver recomputes the HMAC over the raw bytes it received, compares in constant time and
refuses a timestamp more than five minutes away from its clock.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

EVENT_ID_HEADER = "X-DVC-Event-Id"
EVENT_TYPE_HEADER = "X-DVC-Event-Type"
TIMESTAMP_HEADER = "X-DVC-Timestamp"
SIGNATURE_HEADER = "X-DVC-Signature"
KEY_ID_HEADER = "X-DVC-Key-Id"
SCHEME = "v1"


def new_secret() -> str:
    """A fresh 256-bit shared secret."""
    return secrets.token_urlsafe(32)


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The ``X-DVC-Signature`` value for ``body`` signed at ``timestamp``."""
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"{SCHEME}={digest}"


def signed_headers(secret: str, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    """Timestamp and signature headers for ``body`` (now, unless ``timestamp`` is given)."""
    stamp = int(time.time()) if timestamp is None else int(timestamp)
    return {TIMESTAMP_HEADER: str(stamp), SIGNATURE_HEADER: sign(secret, stamp, body)}


def verify(
    secret: str,
    timestamp: str | None,
    body: bytes,
    signature: str | None,
    *,
    now: float | None = None,
    window: int = 300,
) -> str | None:
    """``None`` when the signature is good and fresh, else the reason: ``missing``,
    ``bad-timestamp``, ``stale`` or ``bad-signature``. Several ``v1=`` values separated by
    commas are accepted (key rotation)."""
    if not timestamp or not signature:
        return "missing"
    try:
        stamp = int(timestamp)
    except ValueError:
        return "bad-timestamp"
    current = time.time() if now is None else now
    if abs(current - stamp) > window:
        return "stale"
    expected = sign(secret, stamp, body)
    for candidate in signature.split(","):
        if hmac.compare_digest(candidate.strip().encode(), expected.encode()):
            return None
    return "bad-signature"
