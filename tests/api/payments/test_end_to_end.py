"""Paying through the VNPay simulator mounted in the app: page, IPN, return, reconciliation,
refunds — the same HTTP path as the real gateway."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from backend.core import clock
from backend.payments.tasks import reconcile_pending
from tests.factories import OfficerFactory
from tests.helpers import bearer
from tests.payment_fixtures import FEE, dossier_awaiting_payment, start

SUCCESS_CARD = "9704198526191432198"
INSUFFICIENT_CARD = "9704195798459170488"


@pytest.fixture
def wired(app, db):
    """Route the simulator's IPN calls and the client's API calls through test clients."""
    sim = app.extensions["vnpay_sim"]

    def isolated(method, url, **kwargs):
        # Like a real HTTP call: another thread, so another session and application context.
        client = app.test_client()
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(getattr(client, method), url, **kwargs).result()

    saved = sim.http_get, sim.ipn_mode, app.extensions.get("vnpay_post_json")
    sim.http_get = lambda url, timeout: isolated("get", url)
    app.extensions["vnpay_post_json"] = lambda url, payload, timeout: isolated(
        "post", url, json=dict(payload)
    ).json
    yield sim
    sim.http_get, sim.ipn_mode = saved[0], saved[1]
    app.extensions["vnpay_post_json"] = saved[2]


def pay_on_the_page(client, redirect_url, card=SUCCESS_CARD, action="pay"):
    page = client.get(redirect_url)
    assert page.status_code == 200, page.headers.get("Location")
    token = re.search(r'name="session" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    form = {
        "session": token,
        "action": action,
        "card_number": card,
        "card_holder": "NGUYEN VAN A",
        "issue_date": "07/15",
        "otp": "123456",
    }
    response = client.post(urlsplit(redirect_url).path, data=form)
    assert response.status_code == 302
    return response.headers["Location"]


def test_pay_end_to_end_ipn_before_return(client, db, wired):
    dossier, headers = dossier_awaiting_payment(client)
    started = start(client, dossier["id"], headers)

    back_to = pay_on_the_page(client, started["redirect_url"])
    landing = client.get(back_to)

    assert urlsplit(back_to).path == "/api/v1/payments/vnpay/return"
    assert landing.status_code == 302
    assert "status=succeeded" in landing.headers["Location"]
    payment = client.get(f"/api/v1/payments/{started['payment']['id']}", headers=headers).json
    assert payment["status"] == "succeeded" and payment["receipt"]["amount"] == FEE
    view = client.get(f"/api/v1/dossiers/{dossier['id']}", headers=headers).json
    assert view["awaiting_payment"] is False


def test_insufficient_balance_fails_and_the_dossier_still_owes(client, db, wired):
    dossier, headers = dossier_awaiting_payment(client)
    started = start(client, dossier["id"], headers)

    landing = client.get(pay_on_the_page(client, started["redirect_url"], INSUFFICIENT_CARD))

    assert "status=failed" in landing.headers["Location"]
    view = client.get(f"/api/v1/dossiers/{dossier['id']}", headers=headers).json
    assert view["awaiting_payment"] is True


def run_eagerly(task):
    """The task's return value, run here. (``.get()`` would refuse while a simulator thread
    runs an eager task of its own: Celery's "no join within a task" flag is process-wide.)"""
    result = task.apply()
    assert result.successful(), result.traceback
    return result.result


def test_a_return_without_ipn_is_settled_by_reconciliation(client, db, wired):
    wired.ipn_mode = "off"
    dossier, headers = dossier_awaiting_payment(client)
    started = start(client, dossier["id"], headers)
    landing = client.get(pay_on_the_page(client, started["redirect_url"]))
    assert "status=pending" in landing.headers["Location"]  # the return alone settles nothing

    assert run_eagerly(reconcile_pending)["succeeded"] == 0  # too early to ask
    clock.freeze(clock.utcnow() + timedelta(minutes=16))
    counts = run_eagerly(reconcile_pending)

    assert counts["succeeded"] == 1
    payment = client.get(f"/api/v1/payments/{started['payment']['id']}", headers=headers).json
    assert payment["status"] == "succeeded" and payment["receipt"] is not None


def test_refunds_never_exceed_the_remainder(client, db, wired):
    dossier, headers = dossier_awaiting_payment(client)
    started = start(client, dossier["id"], headers)
    client.get(pay_on_the_page(client, started["redirect_url"]))
    payment_id = started["payment"]["id"]
    dossier_row_agency = client.get(f"/api/v1/dossiers/{dossier['id']}", headers=headers).json
    from backend.catalog.models import Agency
    from backend.extensions import db as database

    agency = (
        database.session.query(Agency)
        .filter_by(code=dossier_row_agency["receiving_agency"]["code"])
        .one()
    )
    cashier = bearer(client, OfficerFactory(agency=agency, roles=["cashier"]).email)
    url = f"/api/v1/payments/{payment_id}/refunds"

    def refund(amount, key):
        return client.post(
            url,
            json={"amount": amount, "reason": "Hồ sơ bị từ chối"},
            headers={**cashier, "Idempotency-Key": key},
        )

    partial = refund(50000, "r1")
    too_much = refund(FEE, "r2")
    rest = refund(FEE - 50000, "r3")
    nothing_left = refund(1, "r4")
    replay = refund(50000, "r1")

    assert partial.status_code == 201 and partial.json["status"] == "succeeded"
    assert too_much.status_code == 422
    assert rest.status_code == 201
    assert nothing_left.status_code == 409
    assert replay.status_code == 201 and replay.json["id"] == partial.json["id"]
    payment = client.get(f"/api/v1/payments/{payment_id}", headers=headers).json
    assert payment["status"] == "refunded" and payment["refunded_amount"] == FEE
    citizen_refund = client.post(
        url, json={"amount": 1, "reason": "x"}, headers={**headers, "Idempotency-Key": "c1"}
    )
    assert citizen_refund.status_code == 403
