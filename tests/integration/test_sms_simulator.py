"""The SMS provider adapter against the simulator over real HTTP (a server on loopback)."""

from __future__ import annotations

import threading

import pytest
import requests
from werkzeug.serving import make_server

from backend.config import DEV_SMS_API_KEY, DEV_SMS_SECRET
from backend.notifications.sms import HttpSmsGateway, SmsError
from backend.simulators import sms as sms_sim

PORT = 5251


@pytest.fixture
def provider(app):
    server = make_server("127.0.0.1", PORT, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    sms_sim.reset(app)
    yield f"http://127.0.0.1:{PORT}/simulators/sms"
    server.shutdown()
    thread.join(5)
    sms_sim.reset(app)


def gateway(url, secret=DEV_SMS_SECRET) -> HttpSmsGateway:
    return HttpSmsGateway(api_url=url, api_key=DEV_SMS_API_KEY, api_secret=secret, sender="DVC")


def test_signed_message_is_accepted_and_listed(app, provider):
    provider_id = gateway(provider).send("0912345678", "Ho so 1 da duoc tiep nhan", "ref-1")

    listed = requests.get(f"{provider}/messages", params={"to": "84912345678"}, timeout=5).json()
    [message] = listed["messages"]
    assert message["id"] == provider_id
    assert message["text"] == "Ho so 1 da duoc tiep nhan"
    assert message["sender"] == "DVC" and message["reference"] == "ref-1"
    page = requests.get(f"{provider}/", timeout=5)
    assert page.status_code == 200 and "Ho so 1 da duoc tiep nhan" in page.text


def test_wrong_signature_is_refused_and_may_be_retried(provider):
    with pytest.raises(SmsError) as refused:
        gateway(provider, secret="not-the-secret").send("0912345678", "x", "ref-2")

    assert "401 bad_signature" in str(refused.value) and refused.value.permanent is False


def test_invalid_and_blocked_numbers_are_permanent(app, provider):
    with pytest.raises(SmsError) as invalid:
        gateway(provider).send("0241234567", "x", "ref-3")  # a landline
    assert invalid.value.permanent and "invalid_number" in str(invalid.value)

    added = requests.post(
        f"{provider}/failures", json={"number": "0987654321", "mode": "reject"}, timeout=5
    )
    assert added.status_code == 200
    with pytest.raises(SmsError) as blocked:
        gateway(provider).send("0987654321", "x", "ref-4")
    assert blocked.value.permanent and "blocked_number" in str(blocked.value)

    sms_sim.fail(app, "0987654321", "error")
    with pytest.raises(SmsError) as outage:
        gateway(provider).send("0987654321", "x", "ref-5")
    assert not outage.value.permanent and "503" in str(outage.value)
    assert requests.delete(f"{provider}/failures", timeout=5).status_code == 204
    assert gateway(provider).send("0987654321", "x", "ref-6")


def test_unreachable_provider_is_temporary():
    with pytest.raises(SmsError) as down:
        gateway(f"http://127.0.0.1:{PORT + 1}/simulators/sms").send("0912345678", "x", "r")
    assert down.value.permanent is False
