"""The SMS channel: a provider adapter over HTTP (pure apart from the transport).

The provider API it speaks (implemented by :mod:`backend.simulators.sms`; a real brandname SMS
provider is adapted by writing another :class:`SmsGateway`)::

    POST {SMS_API_URL}/v1/messages
    Content-Type: application/json
    X-Api-Key: <SMS_API_KEY>
    X-Timestamp: <unix seconds>
    X-Signature: hex(HMAC-SHA256(SMS_API_SECRET, "<timestamp>\\n<raw body>"))

    {"to": "84912345678", "sender": "DVC", "text": "...", "reference": "<our message id>"}

Answers: ``202 {"id": "<provider id>", "status": "accepted"}``; ``400`` / ``422``
``{"error": "invalid_number" | "blocked_number" | "invalid_request"}`` are permanent (retrying
cannot help); ``401`` (bad key or signature), ``429`` and ``5xx`` are temporary. The timestamp
must be within 5 minutes of the provider's clock (replays are refused).
"""

from __future__ import annotations

import abc
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from typing import Any

#: ``post(url, body, headers, timeout) -> (status, json object or None)``; raises ``OSError``
#: (or ``requests.RequestException``) when there is no answer.
PostRaw = Callable[[str, bytes, Mapping[str, str], float], tuple[int, Any]]

PERMANENT_ERRORS = frozenset({"invalid_number", "blocked_number", "invalid_request"})


class SmsError(Exception):
    """The message was not accepted. ``permanent``: retrying cannot help."""

    def __init__(self, message: str, *, permanent: bool):
        super().__init__(message)
        self.permanent = permanent


class SmsGateway(abc.ABC):
    """Sends one text message; returns the provider's id, raises :class:`SmsError`."""

    @abc.abstractmethod
    def send(self, to: str, text: str, reference: str) -> str: ...


def international(phone: str) -> str:
    """``0912345678`` → ``84912345678`` (the form providers expect)."""
    return "84" + phone[1:] if phone.startswith("0") else phone.lstrip("+")


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The request signature (hex HMAC-SHA256 over ``timestamp + "\\n" + body``)."""
    return hmac.new(secret.encode(), timestamp.encode() + b"\n" + body, hashlib.sha256).hexdigest()


def _requests_post(url: str, body: bytes, headers: Mapping[str, str], timeout: float):
    import requests

    try:
        reply = requests.post(url, data=body, headers=dict(headers), timeout=timeout)
    except requests.RequestException as exc:
        raise OSError(str(exc)) from exc
    try:
        payload = reply.json()
    except ValueError:
        payload = None
    return reply.status_code, payload


class HttpSmsGateway(SmsGateway):
    """The signed JSON API described in the module docstring."""

    def __init__(
        self,
        *,
        api_url: str,
        api_key: str,
        api_secret: str,
        sender: str,
        timeout: float = 10,
        post: PostRaw | None = None,
    ):
        self.url = api_url.rstrip("/") + "/v1/messages"
        self.api_key, self.api_secret, self.sender = api_key, api_secret, sender
        self.timeout = timeout
        self.post = post or _requests_post

    def send(self, to: str, text: str, reference: str) -> str:
        body = json.dumps(
            {"to": international(to), "sender": self.sender, "text": text, "reference": reference},
            ensure_ascii=False,
        ).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Api-Key": self.api_key,
            "X-Timestamp": timestamp,
            "X-Signature": sign(self.api_secret, timestamp, body),
        }
        try:
            status, payload = self.post(self.url, body, headers, self.timeout)
        except OSError as exc:
            raise SmsError(f"provider unreachable: {exc}", permanent=False) from exc
        payload = payload if isinstance(payload, dict) else {}
        if status in (200, 201, 202) and payload.get("id"):
            return str(payload["id"])
        error = str(payload.get("error") or f"http {status}")
        permanent = status in (400, 422) and error in PERMANENT_ERRORS
        raise SmsError(f"{status} {error}", permanent=permanent)
