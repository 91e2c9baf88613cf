"""Outbound webhooks over real HTTP: signed deliveries, order per dossier, retries on the
backoff ladder, dead letter and replay, SSRF refusals."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from flask import Flask, Response, request

from backend.core import clock, outbox
from backend.core.clock import utcnow
from backend.integration import signing
from backend.integration.models import Delivery, DeliveryAttempt
from backend.integration.services import next_delay
from backend.integration.tasks import relay_outbox
from tests.factories import CitizenFactory, OfficerFactory
from tests.helpers import bearer
from tests.http_server import free_port, serve


class Receiver:
    """A subscriber's endpoint: verifies our signature, records events, answers from a queue
    of statuses (default 200)."""

    def __init__(self, secret: str | None = None):
        self.secret = secret
        self.received: list[dict] = []
        self.signature_ok: list[bool] = []
        self.replies: list[int] = []
        #: Statuses for given events, by (aggregate id, n), used once each.
        self.replies_for: dict[tuple[str, int], int] = {}
        self.app = Flask("receiver")
        self.app.add_url_rule("/hook", "hook", self.hook, methods=["POST"])
        self.app.add_url_rule("/moved", "moved", self.moved, methods=["POST"])
        self.app.add_url_rule("/elsewhere", "elsewhere", self.elsewhere, methods=["POST"])
        self.elsewhere_calls = 0

    def hook(self):
        body = request.get_data()
        status = self.replies.pop(0) if self.replies else 200
        if self.replies_for:
            sent = json.loads(body)
            key = (sent.get("aggregate", {}).get("id"), sent.get("data", {}).get("n"))
            status = self.replies_for.pop(key, status)
        if self.secret is not None:
            self.signature_ok.append(
                signing.verify(
                    self.secret,
                    request.headers.get("X-DVC-Timestamp"),
                    body,
                    request.headers.get("X-DVC-Signature"),
                    now=utcnow().timestamp(),
                )
                is None
            )
        if status < 300:
            event = json.loads(body)
            event["_header_id"] = request.headers.get("X-DVC-Event-Id")
            self.received.append(event)
        return Response("{}", status=status, mimetype="application/json")

    def moved(self):
        return Response("", status=302, headers={"Location": "/elsewhere"})

    def elsewhere(self):
        self.elsewhere_calls += 1
        return Response("{}", status=200)


@pytest.fixture
def private_ok(app, monkeypatch):
    monkeypatch.setitem(app.config, "INTEGRATION_ALLOW_PRIVATE_TARGETS", True)


@pytest.fixture
def admin(client):
    officer = OfficerFactory(roles=["admin"])
    return bearer(client, officer.email)


def subscribe(client, admin, url, **extra):
    response = client.post(
        "/api/v1/admin/integration/subscribers",
        json={"name": "Hệ thống một cửa tỉnh", "url": url, **extra},
        headers=admin,
    )
    assert response.status_code == 201, response.json
    return response.json


def event(dossier: str, n: int):
    return outbox.add_event(
        "dossier.step_recorded", "dossier", dossier, {"dossier": dossier, "n": n}
    )


def test_deliveries_are_signed_and_verifiable_with_the_secret(client, db, admin, private_ok):
    receiver = Receiver()
    with serve(receiver.app) as base:
        sub = subscribe(client, admin, base + "/hook")
        receiver.secret = sub["secret"]
        sent = event("d-1", 1)
        db.session.flush()
        counts = relay_outbox()

    assert counts["delivered"] == 1
    assert receiver.signature_ok == [True]
    [body] = receiver.received
    assert body["id"] == body["_header_id"] == str(sent.uuid)
    assert body["type"] == "dossier.step_recorded"
    assert body["aggregate"] == {"type": "dossier", "id": "d-1"}
    assert body["data"] == {"dossier": "d-1", "n": 1}
    db.session.refresh(sent)
    assert sent.published_at is not None


def test_a_tampered_body_or_another_secret_fails_verification():
    body = b'{"id":"x","type":"dossier.submit"}'
    headers = signing.signed_headers("s3cret", body, timestamp=1_800_000_000)
    stamp, signature = headers["X-DVC-Timestamp"], headers["X-DVC-Signature"]

    assert signing.verify("s3cret", stamp, body, signature, now=1_800_000_010) is None
    assert signing.verify("s3cret", stamp, body + b" ", signature, now=1_800_000_010)
    assert signing.verify("other", stamp, body, signature, now=1_800_000_010)
    assert signing.verify("s3cret", stamp, body, signature, now=1_800_000_400) == "stale"


def test_events_of_one_dossier_arrive_in_order_even_after_a_failure(client, db, admin, private_ok):
    receiver = Receiver()
    # Dossier A's first event fails (the relay sends independent deliveries concurrently: which
    # call arrives first is not fixed).
    receiver.replies_for = {("A", 1): 503}
    with serve(receiver.app) as base:
        subscribe(client, admin, base + "/hook")
        event("A", 1)
        event("A", 2)
        event("B", 1)
        db.session.flush()
        first = relay_outbox()
        assert [(e["aggregate"]["id"], e["data"]["n"]) for e in receiver.received] == [("B", 1)]
        assert first["failed"] == 1

        clock.freeze(utcnow() + timedelta(minutes=5))  # past the first rung (60 s ± 20 %)
        relay_outbox()

    assert [(e["aggregate"]["id"], e["data"]["n"]) for e in receiver.received] == [
        ("B", 1),
        ("A", 1),
        ("A", 2),
    ]


def test_an_unreachable_subscriber_is_retried_then_dead_lettered_and_replayed(
    app, client, db, admin, private_ok, monkeypatch
):
    monkeypatch.setitem(app.config, "INTEGRATION_RETRY_LADDER", "60,600")
    monkeypatch.setitem(app.config, "INTEGRATION_HTTP_CONNECT_TIMEOUT", 1)
    sub = subscribe(client, admin, f"http://127.0.0.1:{free_port()}/hook")
    event("C", 1)
    event("C", 2)
    db.session.flush()

    relay_outbox()
    [first, second] = db.session.query(Delivery).order_by(Delivery.event_id).all()
    assert (first.state, first.attempts) == ("pending", 1)
    assert first.last_error.startswith("connection")
    assert second.attempts == 0  # waits behind the first
    delay = first.next_attempt_at - utcnow()
    assert timedelta(seconds=47) < delay < timedelta(seconds=73)

    relay_outbox()  # not due yet: nothing happens
    assert first.attempts == 1

    clock.freeze(utcnow() + timedelta(seconds=80))
    relay_outbox()
    assert first.attempts == 2 and first.state == "pending"
    clock.freeze(utcnow() + timedelta(seconds=800))
    relay_outbox()
    assert (first.state, first.attempts) == ("dead", 3)
    assert db.session.query(DeliveryAttempt).filter_by(delivery_id=first.id).count() == 3
    assert second.state == "pending" and second.attempts == 0

    first_id = first.id
    dead = client.get("/api/v1/admin/integration/deliveries?state=dead", headers=admin)
    assert dead.status_code == 200
    assert [d["id"] for d in dead.json["items"]] == [str(first.uuid)]
    detail = client.get(f"/api/v1/admin/integration/deliveries/{first.uuid}", headers=admin)
    assert len(detail.json["history"]) == 3

    receiver = Receiver()
    with serve(receiver.app) as base:
        moved = client.patch(
            f"/api/v1/admin/integration/subscribers/{sub['id']}",
            json={"url": base + "/hook"},
            headers=admin,
        )
        assert moved.status_code == 200 and moved.json["secret"] is None
        replay = client.post(
            f"/api/v1/admin/integration/deliveries/{first.uuid}/replay", headers=admin
        )
        assert replay.status_code == 200 and replay.json["state"] == "pending"
        again = client.post(
            f"/api/v1/admin/integration/deliveries/{first.uuid}/replay", headers=admin
        )
        assert again.status_code == 409
        relay_outbox()

    assert [(e["aggregate"]["id"], e["data"]["n"]) for e in receiver.received] == [
        ("C", 1),
        ("C", 2),
    ]
    first = db.session.get(Delivery, first_id)
    assert first.state == "delivered"
    assert db.session.query(DeliveryAttempt).filter_by(delivery_id=first_id).count() == 4


def test_the_default_ladder_spans_more_than_a_day_with_jitter(app, db):
    rungs = [next_delay(n) for n in range(1, 20)]
    ladder = [r for r in rungs if r is not None]
    assert rungs[len(ladder)] is None  # then dead
    assert sum(ladder, timedelta()) >= timedelta(hours=24)
    assert len({next_delay(3) for _ in range(5)}) > 1  # jitter


def test_redirects_are_not_followed(client, db, admin, private_ok):
    receiver = Receiver()
    with serve(receiver.app) as base:
        subscribe(client, admin, base + "/moved")
        event("R", 1)
        db.session.flush()
        relay_outbox()
    delivery = db.session.query(Delivery).one()
    assert delivery.state == "pending" and delivery.last_error == "redirect-refused"
    assert delivery.last_status == 302
    assert receiver.elsewhere_calls == 0


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:8080/hook", "private"),
        ("http://localhost/hook", "private"),  # loopback by name, whatever /etc/hosts says
        ("http://api.localhost/hook", "private"),
        ("http://10.1.2.3/hook", "private"),
        ("http://192.168.1.10/hook", "private"),
        ("http://169.254.169.254/latest/meta-data", "private"),
        ("http://[::1]/hook", "private"),
        ("http://[::ffff:127.0.0.1]/hook", "private"),
        ("http://0.0.0.0/hook", "private"),
        ("ftp://example.com/hook", "scheme"),
        ("http://user:pw@93.184.216.34/hook", "credentials"),
    ],
)
def test_subscriber_targets_are_checked_against_ssrf(client, db, admin, url, reason):
    response = client.post(
        "/api/v1/admin/integration/subscribers",
        json={"name": "x", "url": url},
        headers={**admin, "Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert reason in response.json["errors"]["url"][0]


def test_a_public_address_is_accepted_and_production_requires_https(app, client, db, admin):
    from backend.integration import http

    assert subscribe(client, admin, "http://93.184.216.34/hook")["is_active"] is True
    with pytest.raises(http.TargetRefused, match="https-required"):
        http.check_target("http://93.184.216.34/hook", allow_private=False, require_https=True)
    assert (
        http.check_target(
            "https://93.184.216.34/hook", allow_private=False, require_https=True
        ).address
        == "93.184.216.34"
    )


def test_a_target_that_became_private_is_refused_at_delivery(
    app, client, db, admin, private_ok, monkeypatch
):
    subscribe(client, admin, "http://127.0.0.1:9/hook")
    event("P", 1)
    db.session.flush()
    monkeypatch.setitem(app.config, "INTEGRATION_ALLOW_PRIVATE_TARGETS", False)
    relay_outbox()
    delivery = db.session.query(Delivery).one()
    assert delivery.last_error == "target-refused: private"


def test_dossier_steps_reach_subscribers_after_commit(
    app, client, db, admin, private_ok, monkeypatch
):
    from tests.dossier_fixtures import procedure, submitted

    monkeypatch.setitem(app.config, "INTEGRATION_RELAY_ON_COMMIT", True)
    receiver = Receiver()
    with serve(receiver.app) as base:
        subscribe(client, admin, base + "/hook", event_types=["dossier.*"])
        procedure()
        citizen = CitizenFactory()
        dossier = submitted(client, bearer(client, citizen.email))
    assert [e["type"] for e in receiver.received] == ["dossier.submit"]
    assert receiver.received[0]["data"]["code"] == dossier["code"]


def test_only_admins_manage_webhooks(client, db):
    citizen = CitizenFactory()
    officer = OfficerFactory(roles=["reception_officer"])
    for headers in ({}, bearer(client, citizen.email), bearer(client, officer.email)):
        listing = client.get("/api/v1/admin/integration/deliveries", headers=headers)
        assert listing.status_code in (401, 403)
        created = client.post(
            "/api/v1/admin/integration/subscribers",
            json={"name": "x", "url": "https://93.184.216.34/"},
            headers=headers,
        )
        assert created.status_code in (401, 403)
    missing = client.post(
        f"/api/v1/admin/integration/deliveries/{uuid.uuid4()}/replay",
        headers=bearer(client, OfficerFactory(roles=["admin"]).email),
    )
    assert missing.status_code == 404


def test_a_whole_dead_letter_is_replayed_in_order(app, client, db, admin, private_ok, monkeypatch):
    monkeypatch.setitem(app.config, "INTEGRATION_RETRY_LADDER", "0")
    sub = subscribe(client, admin, f"http://127.0.0.1:{free_port()}/hook")
    for n in (1, 2):
        event("D", n)
        event("E", n)
    db.session.flush()
    relay_outbox()
    relay_outbox()  # the heads of D and E die after two attempts; their followers wait
    states = sorted(d.state for d in db.session.query(Delivery))
    assert states == ["dead", "dead", "pending", "pending"]

    receiver = Receiver()
    with serve(receiver.app) as base:
        client.patch(
            f"/api/v1/admin/integration/subscribers/{sub['id']}",
            json={"url": base + "/hook"},
            headers=admin,
        )
        replayed = client.post(
            f"/api/v1/admin/integration/subscribers/{sub['id']}/replay-dead", headers=admin
        )
        assert replayed.status_code == 200 and replayed.json == {"replayed": 2}
        relay_outbox()
    order = [(e["aggregate"]["id"], e["data"]["n"]) for e in receiver.received]
    assert sorted(order) == [("D", 1), ("D", 2), ("E", 1), ("E", 2)]
    assert order.index(("D", 1)) < order.index(("D", 2))
    assert order.index(("E", 1)) < order.index(("E", 2))


def test_only_one_dispatcher_works_at_a_time(app, client, db, admin, private_ok):
    import sqlalchemy as sa

    from backend.integration import services

    subscribe(client, admin, "http://127.0.0.1:9/hook")
    event("F", 1)
    db.session.flush()
    other = app.extensions["db_engine"].connect()
    try:
        other.execute(sa.select(sa.func.pg_advisory_lock(services.DISPATCH_LOCK)))
        assert services.dispatch_events() == 0  # another worker is dispatching
        other.execute(sa.select(sa.func.pg_advisory_unlock(services.DISPATCH_LOCK)))
        assert services.dispatch_events() == 1
    finally:
        other.close()


def test_a_rotated_secret_is_shown_once_and_signs_from_then_on(client, db, admin, private_ok):
    receiver = Receiver()
    with serve(receiver.app) as base:
        sub = subscribe(client, admin, base + "/hook")
        rotated = client.patch(
            f"/api/v1/admin/integration/subscribers/{sub['id']}",
            json={"rotate_secret": True},
            headers=admin,
        )
        assert rotated.status_code == 200 and rotated.json["secret"] not in (None, sub["secret"])
        shown = client.get(f"/api/v1/admin/integration/subscribers/{sub['id']}", headers=admin)
        assert "secret" not in shown.json
        receiver.secret = rotated.json["secret"]
        event("G", 1)
        db.session.flush()
        relay_outbox()
    assert receiver.signature_ok == [True]


def test_payment_events_follow_the_dossier_events_in_order(client, db, admin, private_ok):
    from tests.payment_fixtures import FEE, dossier_awaiting_payment, ipn_params, start

    receiver = Receiver()
    with serve(receiver.app) as base:
        subscribe(client, admin, base + "/hook")
        dossier, headers = dossier_awaiting_payment(client)
        failed = start(client, dossier["id"], headers)["payment"]
        params = ipn_params(failed["txn_ref"], FEE, response="51", status="02")
        assert client.get("/api/v1/payments/vnpay/ipn", query_string=params).json["RspCode"] == "00"
        paid = start(client, dossier["id"], headers)["payment"]
        params = ipn_params(paid["txn_ref"], FEE, transaction_no="14000002")
        assert client.get("/api/v1/payments/vnpay/ipn", query_string=params).json["RspCode"] == "00"
        relay_outbox()

    mine = [e for e in receiver.received if e["aggregate"]["id"] == dossier["id"]]
    assert [e["type"] for e in mine] == [
        "dossier.submit",
        "payment.failed",
        "dossier.pay",
        "payment.succeeded",
    ]
    assert mine[-1]["data"]["payment"] == paid["id"] and mine[-1]["data"]["amount"] == FEE
