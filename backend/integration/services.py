"""Outbound webhooks: subscribers, the outbox relay, retries, dead letter and replay.

The relay (the ``integration.relay_outbox`` task) runs rounds of two steps, each in its own
transaction:

1. :func:`dispatch_events` turns each new outbox event into one :class:`Delivery` per active
   subscriber that wants its type (an event nobody wants is published at once);
2. :func:`deliver_due` sends the due deliveries, oldest event first. A delivery is due only
   when every earlier event of the same aggregate (the same dossier) has reached that
   subscriber, so a subscriber never sees step N+1 of a dossier before step N. A failed attempt
   is recorded and retried on the backoff ladder (``INTEGRATION_RETRY_LADDER``, seconds, with
   ± ``INTEGRATION_RETRY_JITTER``); after the last rung the delivery is dead (dead letter) until
   an administrator replays it.

Rows are claimed with ``FOR UPDATE SKIP LOCKED``, so several workers never send the same
delivery twice at the same time.
"""

from __future__ import annotations

import json
import logging
import random
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased

from backend.accounts.models import User
from backend.core import audit
from backend.core.clock import utcnow
from backend.core.outbox import OutboxEvent
from backend.extensions import db
from backend.integration import http, signing
from backend.integration.errors import IntegrationInvalid, NotReplayable
from backend.integration.models import (
    DEAD,
    DELIVERED,
    PENDING,
    Delivery,
    DeliveryAttempt,
    Subscriber,
)

log = logging.getLogger(__name__)

DISPATCH_BATCH = 500
DELIVERY_BATCH = 50
USER_AGENT = "DVC-Webhooks/1"


# --- targets and subscribers -------------------------------------------------------------------


def check_url(url: str) -> http.Target:
    """Check ``url`` against the SSRF rules of the current configuration."""
    config = current_app.config
    return http.check_target(
        url,
        allow_private=bool(config["INTEGRATION_ALLOW_PRIVATE_TARGETS"]),
        require_https=config["APP_ENV"] == "production",
    )


def _checked(url: str) -> str:
    from backend.core.i18n import Message

    try:
        check_url(url)
    except http.TargetRefused as exc:
        raise IntegrationInvalid(
            errors={"url": [Message("integration.target-refused", reason=exc.reason)]}
        ) from exc
    return url


def create_subscriber(*, actor: User | None, name: str, url: str, event_types: list[str]):
    """Register a webhook subscriber; the URL must pass the SSRF checks. Returns the
    subscriber, whose ``secret`` is shown to the administrator this once."""
    subscriber = Subscriber(
        name=name.strip(),
        url=_checked(url),
        secret=signing.new_secret(),
        event_types=sorted(set(event_types)),
        is_active=True,
    )
    db.session.add(subscriber)
    db.session.flush()
    audit.record(
        "integration.subscriber_created",
        actor_uuid=actor.uuid if actor else None,
        subject=str(subscriber.uuid),
        data={"name": subscriber.name, "url": subscriber.url},
    )
    return subscriber


def update_subscriber(subscriber: Subscriber, *, actor: User, changes: dict) -> Subscriber:
    """Change a subscriber's name, URL, event types or active flag; ``rotate_secret`` issues
    a new secret."""
    recorded: dict = {}
    if "name" in changes:
        subscriber.name = recorded["name"] = changes["name"].strip()
    if "url" in changes:
        subscriber.url = recorded["url"] = _checked(changes["url"])
    if "event_types" in changes:
        subscriber.event_types = recorded["event_types"] = sorted(set(changes["event_types"]))
    if "is_active" in changes:
        subscriber.is_active = recorded["is_active"] = changes["is_active"]
    if changes.get("rotate_secret"):
        subscriber.secret = signing.new_secret()
        recorded["secret_rotated"] = True
    db.session.flush()
    audit.record(
        "integration.subscriber_updated",
        actor_uuid=actor.uuid,
        subject=str(subscriber.uuid),
        data=recorded,
    )
    return subscriber


# --- the relay ---------------------------------------------------------------------------------


#: Key of the PostgreSQL advisory lock held by the one dispatcher at work.
DISPATCH_LOCK = 0x44564301


def dispatch_events(limit: int = DISPATCH_BATCH) -> int:
    """Create the deliveries of undispatched outbox events, oldest first; returns how many
    events. Commit before delivering (the task does).

    One dispatcher at a time (a transaction-level advisory lock on PostgreSQL; another caller
    returns 0): two dispatchers committing events N and N+1 of a dossier in the wrong order
    would let a relay see N+1's delivery before N's exists and send it first."""
    bind = db.session.get_bind()
    if bind.dialect.name == "postgresql" and not db.session.scalar(
        sa.select(sa.func.pg_try_advisory_xact_lock(DISPATCH_LOCK))
    ):
        return 0
    now = utcnow()
    events = db.session.scalars(
        sa.select(OutboxEvent)
        .where(OutboxEvent.dispatched_at.is_(None))
        .order_by(OutboxEvent.id)
        .limit(limit)
    ).all()
    if not events:
        return 0
    subscribers = db.session.scalars(
        sa.select(Subscriber).where(Subscriber.is_active.is_(True)).order_by(Subscriber.id)
    ).all()
    for event in events:
        wanted = [s for s in subscribers if s.wants(event.type)]
        for subscriber in wanted:
            db.session.add(
                Delivery(
                    subscriber_id=subscriber.id,
                    event_id=event.id,
                    aggregate_key=f"{event.aggregate_type}:{event.aggregate_id}"[:100],
                    state=PENDING,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
        event.dispatched_at = now
        if not wanted:
            event.published_at = now
    db.session.flush()
    return len(events)


def _due_statement(now, limit: int):
    earlier = aliased(Delivery)
    owed_before = (
        sa.select(earlier.id)
        .where(
            earlier.subscriber_id == Delivery.subscriber_id,
            earlier.aggregate_key == Delivery.aggregate_key,
            earlier.event_id < Delivery.event_id,
            earlier.state != DELIVERED,
        )
        .exists()
    )
    return (
        sa.select(Delivery)
        .where(Delivery.state == PENDING, Delivery.next_attempt_at <= now, ~owed_before)
        .order_by(Delivery.event_id, Delivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=Delivery)
    )


def envelope(event: OutboxEvent) -> dict:
    """The JSON body a subscriber receives for ``event``."""
    return {
        "id": str(event.uuid),
        "type": event.type,
        "occurred_at": event.occurred_at.isoformat(),
        "aggregate": {"type": event.aggregate_type, "id": event.aggregate_id},
        "data": event.payload,
    }


def _ladder() -> list[float]:
    raw = str(current_app.config["INTEGRATION_RETRY_LADDER"])
    return [float(part) for part in raw.split(",") if part.strip()]


def next_delay(attempts: int, *, rng=random) -> timedelta | None:
    """How long to wait after the ``attempts``-th failure; ``None`` once the ladder is
    exhausted (the delivery is dead)."""
    ladder = _ladder()
    if attempts > len(ladder):
        return None
    jitter = float(current_app.config["INTEGRATION_RETRY_JITTER"])
    base = ladder[attempts - 1]
    return timedelta(seconds=base * (1 + rng.uniform(-jitter, jitter)))


def _prepare(delivery: Delivery, now) -> tuple[http.Target | None, bytes, dict, str | None]:
    """Body, signed headers and the checked target of one delivery (in the relay's thread)."""
    event = delivery.event
    body = json.dumps(envelope(event), ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        signing.EVENT_ID_HEADER: str(event.uuid),
        signing.EVENT_TYPE_HEADER: event.type,
        **signing.signed_headers(delivery.subscriber.secret, body, timestamp=int(now.timestamp())),
    }
    try:
        target = check_url(delivery.subscriber.url)  # again: DNS may have changed since saved
    except http.TargetRefused as exc:
        return None, body, headers, f"target-refused: {exc.reason}"
    return target, body, headers, None


def _record(delivery: Delivery, reply: http.Reply, now) -> DeliveryAttempt:
    """Record one attempt's outcome: delivered, retried later on the ladder, or dead."""
    attempt = DeliveryAttempt(
        delivery_id=delivery.id,
        attempted_at=now,
        status_code=reply.status_code,
        error=(reply.error or None) and reply.error[:255],
        duration_ms=reply.duration_ms,
    )
    db.session.add(attempt)
    delivery.attempts += 1
    delivery.last_status = reply.status_code
    delivery.last_error = attempt.error
    if reply.error is None:
        delivery.state = DELIVERED
        delivery.delivered_at = now
        return attempt
    delay = next_delay(delivery.attempts)
    if delay is None:
        delivery.state = DEAD
        delivery.dead_at = now
        audit.record(
            "integration.delivery_dead",
            subject=str(delivery.uuid),
            data={
                "subscriber": str(delivery.subscriber.uuid),
                "event": str(delivery.event.uuid),
                "attempts": delivery.attempts,
                "last_error": delivery.last_error,
            },
        )
        log.warning(
            "webhook delivery dead",
            extra={"delivery": str(delivery.uuid), "subscriber": delivery.subscriber.name},
        )
    else:
        delivery.next_attempt_at = now + delay
    return attempt


def _send_all(prepared: list[tuple], connect_timeout: float, read_timeout: float) -> list:
    """POST the prepared deliveries, several at once (they are independent: a batch holds at
    most one event per subscriber and dossier). No database work happens in the threads."""

    def send(item) -> http.Reply:
        target, body, headers, refused = item
        if refused is not None:
            return http.Reply(None, b"", refused, 0)
        return http.post(
            target, body, headers, connect_timeout=connect_timeout, read_timeout=read_timeout
        )

    workers = max(1, min(int(current_app.config["INTEGRATION_RELAY_CONCURRENCY"]), len(prepared)))
    if workers == 1:
        return [send(item) for item in prepared]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(send, prepared))


def _mark_published(event_ids: set[int]) -> None:
    if not event_ids:
        return
    owed = sa.select(Delivery.event_id).where(
        Delivery.event_id.in_(event_ids), Delivery.state != DELIVERED
    )
    db.session.execute(
        sa.update(OutboxEvent)
        .where(OutboxEvent.id.in_(event_ids), OutboxEvent.id.not_in(owed))
        .values(published_at=utcnow())
    )


def deliver_due(limit: int = DELIVERY_BATCH) -> dict:
    """Send one batch of due deliveries, ``INTEGRATION_RELAY_CONCURRENCY`` at a time. Only the
    oldest owed event of each subscriber and dossier is due, so the batch's deliveries are
    independent; a failed one holds back the later events of its dossier until it gets
    through."""
    now = utcnow()
    deliveries = db.session.scalars(_due_statement(now, limit)).unique().all()
    counts = {"delivered": 0, "failed": 0, "dead": 0}
    published: set[int] = set()
    config = current_app.config
    replies = _send_all(
        [_prepare(delivery, now) for delivery in deliveries],
        config["INTEGRATION_HTTP_CONNECT_TIMEOUT"],
        config["INTEGRATION_HTTP_READ_TIMEOUT"],
    )
    for delivery, reply in zip(deliveries, replies, strict=True):
        _record(delivery, reply, now)
        if delivery.state == DELIVERED:
            counts["delivered"] += 1
            published.add(delivery.event_id)
        else:
            counts["dead" if delivery.state == DEAD else "failed"] += 1
    db.session.flush()
    _mark_published(published)
    return counts


def replay(delivery: Delivery, *, actor: User) -> Delivery:
    """Send a dead (or already delivered) event again: the delivery is pending with a fresh
    retry ladder; its earlier attempts stay on record. Raises ``NotReplayable`` when pending."""
    if delivery.state == PENDING:
        raise NotReplayable()
    previous = delivery.state
    delivery.state = PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    delivery.dead_at = None
    delivery.delivered_at = None
    event = delivery.event
    event.published_at = None
    db.session.flush()
    audit.record(
        "integration.delivery_replayed",
        actor_uuid=actor.uuid,
        subject=str(delivery.uuid),
        data={"previous_state": previous, "event": str(event.uuid)},
    )
    return delivery


def replay_dead(subscriber: Subscriber, *, actor: User) -> int:
    """Replay every dead delivery of ``subscriber`` (e.g. after an outage longer than the
    ladder); they go out in their original order. Returns how many."""
    dead = db.session.scalars(
        sa.select(Delivery)
        .where(Delivery.subscriber_id == subscriber.id, Delivery.state == DEAD)
        .order_by(Delivery.event_id)
        .with_for_update(of=Delivery)
    ).all()
    now = utcnow()
    for delivery in dead:
        delivery.state, delivery.attempts, delivery.next_attempt_at = PENDING, 0, now
        delivery.dead_at = None
    db.session.flush()
    audit.record(
        "integration.deliveries_replayed",
        actor_uuid=actor.uuid,
        subject=str(subscriber.uuid),
        data={"count": len(dead)},
    )
    return len(dead)
