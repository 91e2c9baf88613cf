"""A local simulator of an SMS provider, speaking the HTTP API of
:mod:`backend.notifications.sms` (signed JSON, see that module's docstring).

Mounted at ``/simulators/sms`` (dev and test only). Routes under the prefix:

``POST /v1/messages``
    Send one SMS: checks ``X-Api-Key``, the ``X-Timestamp`` (±5 minutes) and ``X-Signature``
    (401 ``bad_signature``), the number (400 ``invalid_number`` unless a Vietnamese mobile
    ``84xxxxxxxxx``), then records the message and answers ``202 {"id", "status"}``. A number
    told to fail answers 422 ``blocked_number`` (mode ``reject``) or 503 (mode ``error``).
``GET /messages``
    The recorded messages as JSON, newest first (``?to=84…`` filters).
``GET /``
    The same as an HTML page, for developers.
``POST /failures`` ``{"number", "mode"}`` / ``DELETE /failures``
    Make a number fail (``reject``: permanent, ``error``: temporary) / clear every failure.
``DELETE /messages``
    Forget the recorded messages.

The credentials are ``SMS_API_KEY`` / ``SMS_API_SECRET`` (dev-only defaults). Python helpers for
tests: :func:`messages`, :func:`fail`, :func:`reset`.
"""

from __future__ import annotations

import hmac
import json
import threading
import time
import uuid
from collections import deque
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from markupsafe import escape

from backend.core.clock import utcnow
from backend.notifications.sms import international, sign

PREFIX = "/simulators/sms"
EXTENSION = "sms_simulator"
#: Allowed clock difference for X-Timestamp (replay protection).
MAX_SKEW_SECONDS = 300
#: Vietnamese mobile numbers in international form.
_MOBILE = ("843", "845", "847", "848", "849")

bp = Blueprint("sms_simulator", __name__, url_prefix=PREFIX)


class SmsSimulator:
    """In-memory state: the accepted messages (last 1,000) and the numbers told to fail."""

    def __init__(self, api_key: str, api_secret: str):
        self.api_key, self.api_secret = api_key, api_secret
        self.messages: deque[dict[str, Any]] = deque(maxlen=1000)
        self.failures: dict[str, str] = {}
        self.lock = threading.Lock()

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
            self.failures.clear()


def _sim() -> SmsSimulator:
    return current_app.extensions[EXTENSION]


def _error(status: int, code: str, message: str) -> Response:
    response = jsonify(error=code, message=message)
    response.status_code = status
    return response


@bp.post("/v1/messages")
def send():
    sim = _sim()
    body = request.get_data()
    timestamp = request.headers.get("X-Timestamp", "")
    if not hmac.compare_digest(request.headers.get("X-Api-Key", ""), sim.api_key):
        return _error(401, "bad_api_key", "Unknown API key")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_SKEW_SECONDS:
        return _error(401, "bad_timestamp", "Timestamp missing or too far from now")
    expected = sign(sim.api_secret, timestamp, body)
    if not hmac.compare_digest(request.headers.get("X-Signature", ""), expected):
        return _error(401, "bad_signature", "Signature does not match")
    try:
        payload = json.loads(body)
    except ValueError:
        return _error(400, "invalid_request", "Body is not JSON")
    if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
        return _error(400, "invalid_request", "Fields to and text are required")
    to = str(payload.get("to") or "")
    if not (to.isdigit() and len(to) == 11 and to.startswith(_MOBILE)):
        return _error(400, "invalid_number", "Not a Vietnamese mobile number")
    mode = sim.failures.get(to)
    if mode == "reject":
        return _error(422, "blocked_number", "The subscriber does not accept messages")
    if mode == "error":
        return _error(503, "unavailable", "Carrier temporarily unavailable")
    record = {
        "id": uuid.uuid4().hex,
        "to": to,
        "sender": payload.get("sender"),
        "text": payload["text"],
        "reference": payload.get("reference"),
        "received_at": utcnow().isoformat(),
        "status": "delivered",
    }
    with sim.lock:
        sim.messages.appendleft(record)
    response = jsonify(id=record["id"], status="accepted")
    response.status_code = 202
    return response


@bp.get("/messages")
def list_messages():
    to = request.args.get("to")
    items = [m for m in list(_sim().messages) if not to or m["to"] == to]
    return jsonify(messages=items)


@bp.delete("/messages")
def clear_messages():
    with _sim().lock:
        _sim().messages.clear()
    return Response(status=204)


@bp.post("/failures")
def add_failure():
    data = request.get_json(silent=True) or {}
    number, mode = str(data.get("number") or ""), data.get("mode", "reject")
    if not number or mode not in ("reject", "error"):
        return _error(400, "invalid_request", "number and mode (reject or error) are required")
    _sim().failures[international(number)] = mode
    return jsonify(failures=_sim().failures)


@bp.delete("/failures")
def clear_failures():
    _sim().failures.clear()
    return Response(status=204)


@bp.get("/")
def page():
    rows = "".join(
        f"<tr><td>{escape(m['received_at'])}</td><td>{escape(m['to'])}</td>"
        f"<td>{escape(m['sender'] or '')}</td><td>{escape(m['text'])}</td></tr>"
        for m in list(_sim().messages)
    )
    html = (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        "<title>SMS simulator</title></head><body><h1>Tin nhắn SMS đã gửi (mô phỏng)</h1>"
        "<table><thead><tr><th>Thời điểm</th><th>Số</th><th>Tên gửi</th><th>Nội dung</th>"
        f"</tr></thead><tbody>{rows}</tbody></table></body></html>"
    )
    return Response(html, mimetype="text/html")


def init_app(app: Flask) -> SmsSimulator:
    """Create the simulator from ``app.config`` and mount its blueprint (once per app)."""
    if EXTENSION in app.extensions:
        return app.extensions[EXTENSION]
    sim = SmsSimulator(
        api_key=str(app.config.get("SMS_API_KEY") or ""),
        api_secret=str(app.config.get("SMS_API_SECRET") or ""),
    )
    app.extensions[EXTENSION] = sim
    app.register_blueprint(bp)
    return sim


def messages(app: Flask, to: str | None = None) -> list[dict[str, Any]]:
    """The recorded messages, newest first (``to`` in any form: 0912…, 84912…)."""
    items = list(app.extensions[EXTENSION].messages)
    return [m for m in items if to is None or m["to"] == international(to)]


def fail(app: Flask, number: str, mode: str = "reject") -> None:
    """Make ``number`` fail: ``reject`` (permanent, 422) or ``error`` (temporary, 503)."""
    app.extensions[EXTENSION].failures[international(number)] = mode


def reset(app: Flask) -> None:
    app.extensions[EXTENSION].clear()
