"""Integration endpoints: the one-stop system's inbound events, and the administration of
webhook subscribers, deliveries (dead letter, replay), client systems and the DVCQG sync."""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import g, jsonify, request
from flask_restx import Namespace, Resource

from backend.accounts.auth import current_user, login_required, public
from backend.accounts.models import Role
from backend.core.api import (
    accepts,
    documents_errors,
    file_response,
    openapi_meta,
    page_schema,
    paginate,
    responds,
)
from backend.core.storage import get_storage
from backend.extensions import db
from backend.integration import dvcqg, inbound, receivers, services, signing  # noqa: F401
from backend.integration.errors import DeliveryNotFound, SubscriberNotFound
from backend.integration.models import Delivery, InboundClient, Subscriber
from backend.integration.schemas import (
    ClientCreateSchema,
    ClientSchema,
    ClientWithSecretSchema,
    DeliveryDetailSchema,
    DeliveryQuerySchema,
    DeliverySchema,
    InboundEventSchema,
    InboundResultReplySchema,
    ReplayCountSchema,
    SubscriberCreateSchema,
    SubscriberSchema,
    SubscriberUpdatedSchema,
    SubscriberUpdateSchema,
    SubscriberWithSecretSchema,
    SyncRateSchema,
)

integration_ns = Namespace(
    "integration", description="Inbound events of the provincial one-stop system (signed)"
)
integration_admin_ns = Namespace(
    "integration-admin", description="Administration: webhooks, dead letter, client systems"
)

#: HMAC-signed requests, for the OpenAPI document.
SIGNED = [{"hmacSignature": []}]


def signed_request(func):
    """Authenticate the client system from the signature headers before anything else."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g.integration_client = inbound.authenticate(
            request.headers.get(signing.KEY_ID_HEADER),
            request.headers.get(signing.TIMESTAMP_HEADER),
            request.headers.get(signing.SIGNATURE_HEADER),
            request.get_data(cache=True),
        )
        return func(*args, **kwargs)

    wrapper.__openapi__ = openapi_meta(func)
    wrapper.__openapi__["security"] = SIGNED
    return wrapper


@integration_ns.route("/onestop/events")
class OnestopEvents(Resource):
    @signed_request
    @documents_errors(409)
    @accepts(InboundEventSchema)
    @responds(InboundResultReplySchema, description="Applied (or the answer of the first time)")
    def post(self, data):
        """Receive an event of the provincial one-stop system.

        Types: ``dossier.submitted`` (a counter or postal dossier with its documents),
        ``dossier.status_changed``, ``dossier.step``, ``dossier.result_issued``. Sign with
        ``X-DVC-Key-Id``, ``X-DVC-Timestamp`` and ``X-DVC-Signature`` (README). A repeated
        event id with the same body is answered again with ``Idempotent-Replayed: true`` and
        changes nothing; with another body it is a 409. An invalid event changes nothing.
        """
        answer, replayed = inbound.receive(g.integration_client, data, request.get_data(cache=True))
        response = jsonify(InboundResultReplySchema().dump(answer))
        if replayed:
            response.headers["Idempotent-Replayed"] = "true"
        return response


@integration_ns.route("/dvcqg/files/<string:token>")
class DvcqgFile(Resource):
    @public
    @responds(status=200, description="The file")
    def get(self, token):
        """A dossier's submitted file or issued result, for the National Public Service Portal
        (the link in TaiLieuNop / DanhSachGiayToKetQua carries a signature)."""
        stored = dvcqg.stored_file(token)
        return file_response(
            get_storage().open(stored.storage_key),
            content_type=stored.content_type,
            size=stored.size,
            filename=stored.filename,
        )


# --- administration ----------------------------------------------------------------------------

SubscriberPageSchema = page_schema(SubscriberSchema, "SubscriberPage")
DeliveryPageSchema = page_schema(DeliverySchema, "DeliveryPage")


def _subscriber_or_404(subscriber_id) -> Subscriber:
    subscriber = db.session.scalar(sa.select(Subscriber).where(Subscriber.uuid == subscriber_id))
    if subscriber is None:
        raise SubscriberNotFound()
    return subscriber


def _delivery_or_404(delivery_id) -> Delivery:
    delivery = db.session.scalar(sa.select(Delivery).where(Delivery.uuid == delivery_id))
    if delivery is None:
        raise DeliveryNotFound()
    return delivery


@integration_admin_ns.route("/integration/subscribers")
class SubscriberList(Resource):
    @login_required(Role.ADMIN)
    @responds(SubscriberSchema, many=True, description="Webhook subscribers")
    def get(self):
        """List webhook subscribers."""
        return db.session.scalars(sa.select(Subscriber).order_by(Subscriber.id)).all()

    @login_required(Role.ADMIN)
    @accepts(SubscriberCreateSchema)
    @responds(SubscriberWithSecretSchema, status=201, description="With its secret, shown once")
    def post(self, data):
        """Register a webhook subscriber. The URL must be https in production and may not
        point to a private, loopback or link-local address."""
        return services.create_subscriber(actor=current_user(), **data)


@integration_admin_ns.route("/integration/subscribers/<uuid:subscriber_id>")
class SubscriberItem(Resource):
    @login_required(Role.ADMIN)
    @responds(SubscriberSchema, description="The subscriber")
    def get(self, subscriber_id):
        """One subscriber."""
        return _subscriber_or_404(subscriber_id)

    @login_required(Role.ADMIN)
    @accepts(SubscriberUpdateSchema)
    @responds(SubscriberUpdatedSchema, description="The subscriber (and a rotated secret)")
    def patch(self, data, subscriber_id):
        """Change a subscriber (URL, event types, active flag), or rotate its secret: the new
        secret is shown this once."""
        subscriber = services.update_subscriber(
            _subscriber_or_404(subscriber_id), actor=current_user(), changes=data
        )
        subscriber.shown_secret = subscriber.secret if data.get("rotate_secret") else None
        return subscriber


@integration_admin_ns.route("/integration/subscribers/<uuid:subscriber_id>/replay-dead")
class SubscriberReplayDead(Resource):
    @login_required(Role.ADMIN)
    @responds(ReplayCountSchema, description="How many dead deliveries are pending again")
    def post(self, subscriber_id):
        """Replay the whole dead letter of a subscriber, in the original order (after an
        outage longer than the retry ladder)."""
        subscriber = _subscriber_or_404(subscriber_id)
        return {"replayed": services.replay_dead(subscriber, actor=current_user())}


@integration_admin_ns.route("/integration/deliveries")
class DeliveryList(Resource):
    @login_required(Role.ADMIN)
    @accepts(DeliveryQuerySchema, location="query")
    @responds(DeliveryPageSchema, description="One page of deliveries, newest first")
    def get(self, query):
        """Deliveries of events to subscribers; ``state=dead`` is the dead letter."""
        stmt = sa.select(Delivery).order_by(Delivery.id.desc())
        if query.get("state"):
            stmt = stmt.where(Delivery.state == query["state"])
        if query.get("subscriber_id"):
            stmt = stmt.join(Subscriber, Subscriber.id == Delivery.subscriber_id).where(
                Subscriber.uuid == query["subscriber_id"]
            )
        return paginate(db.session, stmt, query["page"], query["size"])


@integration_admin_ns.route("/integration/deliveries/<uuid:delivery_id>")
class DeliveryItem(Resource):
    @login_required(Role.ADMIN)
    @responds(DeliveryDetailSchema, description="The delivery and every attempt")
    def get(self, delivery_id):
        """One delivery with the history of its attempts."""
        return _delivery_or_404(delivery_id)


@integration_admin_ns.route("/integration/deliveries/<uuid:delivery_id>/replay")
class DeliveryReplay(Resource):
    @login_required(Role.ADMIN)
    @documents_errors(409)
    @responds(DeliverySchema, description="Pending again, with a fresh retry ladder")
    def post(self, delivery_id):
        """Send a dead (or delivered) event again; it goes out with the next relay run."""
        return services.replay(_delivery_or_404(delivery_id), actor=current_user())


@integration_admin_ns.route("/integration/clients")
class ClientList(Resource):
    @login_required(Role.ADMIN)
    @responds(ClientSchema, many=True, description="Client systems allowed to send events")
    def get(self):
        """List client systems (the provincial one-stop system…)."""
        return db.session.scalars(sa.select(InboundClient).order_by(InboundClient.id)).all()

    @login_required(Role.ADMIN)
    @accepts(ClientCreateSchema)
    @responds(ClientWithSecretSchema, status=201, description="Key id and secret, shown once")
    def post(self, data):
        """Register a client system: a key id and an HMAC secret for signing its events."""
        return inbound.create_client(actor=current_user(), **data)


@integration_admin_ns.route("/integration/dvcqg/sync-rate")
class DvcqgSyncRate(Resource):
    @login_required(Role.ADMIN)
    @responds(SyncRateSchema, description="Share of dossiers and process-log rows synced")
    def get(self):
        """How much of the dossiers and their process logs the National Public Service
        Portal has."""
        return dvcqg.sync_rate()
