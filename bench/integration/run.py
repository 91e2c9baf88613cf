"""Outbox relay throughput: signed webhook deliveries per second to a local subscriber.

Run from the repository root::

    .venv/bin/python -m bench.integration.run [--events 5000] [--dossiers 500]
        [--subscribers 1] [--port 0]
        [--database-url postgresql://postgres@127.0.0.1:5432/bench_integration]

Wipes and migrates the loopback database (its name must contain ``bench``), writes
``--events`` outbox events spread over ``--dossiers`` dossiers (aggregates), registers
``--subscribers`` subscribers pointing at a threaded local receiver on 127.0.0.1 (which checks
every signature and the order of each dossier's events), then runs the relay task in a loop,
as a Celery worker would, until every delivery is made. Prints deliveries per second, the time
per relay run, and the checks: every event delivered once per subscriber, signatures valid,
order per dossier kept.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import defaultdict

from flask import Flask, Response, request

from bench.auth.run import prepare_database
from tests.http_server import serve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--dossiers", type=int, default=500)
    parser.add_argument("--subscribers", type=int, default=1)
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/bench_integration"
    )
    args = parser.parse_args()
    url = prepare_database(args.database_url)

    from backend import create_app
    from backend.core import outbox
    from backend.core.transaction import task_transaction
    from backend.extensions import db
    from backend.integration import services, signing
    from backend.integration.models import Delivery
    from backend.integration.tasks import relay_outbox

    app = create_app(
        {
            "APP_ENV": "test",
            "DATABASE_URL": url,
            "SECRET_KEY": "bench-only-secret-key-0123456789abcdef",
            "INTEGRATION_ALLOW_PRIVATE_TARGETS": True,
            "INTEGRATION_RELAY_ON_COMMIT": False,
            "LOG_LEVEL": "WARNING",
        }
    )
    secrets: dict[str, str] = {}
    received: dict[str, list[tuple[str, int]]] = defaultdict(list)
    bad_signatures = [0]
    lock = threading.Lock()
    receiver = Flask("bench-receiver")

    @receiver.post("/hook/<name>")
    def hook(name):
        body = request.get_data()
        ok = (
            signing.verify(
                secrets[name],
                request.headers.get(signing.TIMESTAMP_HEADER),
                body,
                request.headers.get(signing.SIGNATURE_HEADER),
            )
            is None
        )
        event = json.loads(body)
        with lock:
            if not ok:
                bad_signatures[0] += 1
            received[name].append((event["aggregate"]["id"], event["data"]["n"]))
        return Response("{}", mimetype="application/json")

    with serve(receiver) as base, app.app_context():
        with task_transaction():
            for index in range(args.subscribers):
                name = f"s{index}"
                subscriber = services.create_subscriber(
                    actor=None, name=name, url=f"{base}/hook/{name}", event_types=[]
                )
                secrets[name] = subscriber.secret
            for n in range(args.events):
                dossier = f"bench-{n % args.dossiers:05d}"
                outbox.add_event("dossier.step", "dossier", dossier, {"dossier": dossier, "n": n})
        expected = args.events * args.subscribers
        runs, run_seconds = 0, []
        started = time.perf_counter()
        while True:
            run_started = time.perf_counter()
            counts = relay_outbox()
            run_seconds.append(time.perf_counter() - run_started)
            runs += 1
            if counts["dispatched"] == 0 and counts["delivered"] == 0:
                break
        elapsed = time.perf_counter() - started
        delivered = db.session.query(Delivery).filter_by(state="delivered").count()

    in_order = all(
        [n for agg, n in events if agg == dossier]
        == sorted(n for agg, n in events if agg == dossier)
        for events in received.values()
        for dossier in {agg for agg, _ in events}
    )
    total = sum(len(v) for v in received.values())
    print(f"events: {args.events}, dossiers: {args.dossiers}, subscribers: {args.subscribers}")
    print(f"delivered: {delivered}/{expected} (receiver saw {total}) in {elapsed:.2f} s")
    print(f"throughput: {total / elapsed:.0f} deliveries/s")
    print(f"relay runs: {runs}, mean {sum(run_seconds) / runs * 1000:.0f} ms per run")
    print(f"bad signatures: {bad_signatures[0]}, order per dossier kept: {in_order}")
    if total != expected or bad_signatures[0] or not in_order:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
