"""The inbound API of the provincial one-stop system: authenticated, idempotent events.

A client system signs each request (``X-DVC-Key-Id``, ``X-DVC-Timestamp``, ``X-DVC-Signature``
= HMAC-SHA256 over ``<timestamp>.<raw body>``, see :mod:`backend.integration.signing`); a
timestamp more than ``INTEGRATION_INBOUND_WINDOW_SECONDS`` away is refused. Each event carries
the client's unique id: the first time it is applied and its answer stored; a repeat with the
same body gets the stored answer and changes nothing; a repeat with another body is a 409.

Events reuse the dossier and back-office use cases, so codes, deadlines, process-log rows,
audit rows and outbox events are exactly those of the online channel. A counter or postal
dossier is owned by the applicant's citizen account when there is one (they can follow it
online), otherwise by the client's service account.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import uuid

import sqlalchemy as sa
from flask import current_app
from marshmallow import Schema, ValidationError

from backend.accounts import passwords
from backend.accounts.models import Role, User, UserKind
from backend.backoffice import services as backoffice
from backend.catalog.models import Agency
from backend.core import audit
from backend.core.clock import utcnow
from backend.core.errors import ValidationFailed
from backend.core.files import sanitize_filename, sniff_type
from backend.core.storage import get_storage
from backend.core.transaction import after_rollback
from backend.dossiers import services as dossier_services
from backend.dossiers import states
from backend.dossiers.models import CHANNEL_COUNTER, CHANNEL_POSTAL, Dossier
from backend.extensions import db
from backend.integration import signing
from backend.integration.errors import (
    ClientNotFound,
    EventIdReused,
    IntegrationInvalid,
    SignatureRefused,
)
from backend.integration.models import InboundClient, InboundEvent
from backend.integration.schemas import (
    InboundDossierSchema,
    InboundResultSchema,
    InboundStatusSchema,
    InboundStepSchema,
    InboundSubmissionSchema,
)

#: Roles of a client's service account: what the one-stop desk reports it did.
SERVICE_ROLES = (Role.RECEPTION_OFFICER, Role.LEADER, Role.CLERK)
#: Role recorded on process-log rows for steps the client reports without a status change.
ONESTOP_ROLE = "onestop"


# --- clients -----------------------------------------------------------------------------------


def create_client(*, actor: User | None, name: str, agency_code: str) -> InboundClient:
    """Register a client system with a new key id and secret, and its service account (an
    officer account nobody can sign in with). The secret is shown this once."""
    agency = db.session.scalar(sa.select(Agency).where(Agency.code == agency_code))
    if agency is None:
        raise IntegrationInvalid(errors={"agency_code": ["accounts.agency-unknown.detail"]})
    key_id = "os_" + uuid.uuid4().hex[:16]
    service_user = User(
        kind=UserKind.OFFICER,
        full_name=name.strip()[:128],
        email=f"{key_id}@integration.invalid",
        agency=agency,
        # Random, never disclosed: the account acts only through signed events.
        password_hash=passwords.hash_password(signing.new_secret()),
    )
    service_user.set_roles(SERVICE_ROLES)
    client = InboundClient(
        key_id=key_id,
        name=name.strip(),
        secret=signing.new_secret(),
        service_user=service_user,
        is_active=True,
    )
    db.session.add(client)
    db.session.flush()
    audit.record(
        "integration.client_created",
        actor_uuid=actor.uuid if actor else None,
        subject=str(client.uuid),
        data={"key_id": key_id, "agency": agency.code},
    )
    return client


def get_client_or_404(client_id) -> InboundClient:
    client = db.session.scalar(sa.select(InboundClient).where(InboundClient.uuid == client_id))
    if client is None:
        raise ClientNotFound()
    return client


# --- authentication and idempotency ------------------------------------------------------------


def authenticate(key_id: str | None, timestamp: str | None, signature: str | None, body: bytes):
    """The active client whose key signed ``body``; raises ``SignatureRefused`` (401) for an
    unknown key, a bad signature or a timestamp outside the window (audited)."""
    client = None
    if key_id:
        client = db.session.scalar(
            sa.select(InboundClient).where(
                InboundClient.key_id == key_id[:64], InboundClient.is_active.is_(True)
            )
        )
    reason = "unknown-key"
    if client is not None:
        reason = signing.verify(
            client.secret,
            timestamp,
            body,
            signature,
            now=utcnow().timestamp(),
            window=current_app.config["INTEGRATION_INBOUND_WINDOW_SECONDS"],
        )
    if reason is not None:
        audit.record(
            "integration.inbound_refused",
            subject=(key_id or "")[:64] or None,
            data={"reason": reason},
        )
        error = SignatureRefused()
        error.keep_changes = True  # keep the audit row
        raise error
    return client


def receive(client: InboundClient, envelope: dict, body: bytes) -> tuple[dict, bool]:
    """Apply one event once. Returns ``(answer, replayed)``; ``replayed`` when the same event
    was already applied (nothing changes). Raises ``EventIdReused`` (409) for the same id with
    another body, ``IntegrationInvalid``/``ValidationFailed`` (422) or a dossier error."""
    digest = hashlib.sha256(body).hexdigest()
    seen = _seen(client, envelope["id"])
    if seen is not None:
        if seen.body_sha256 != digest:
            raise EventIdReused()
        return seen.response, True
    # Claim the id first: a concurrent duplicate waits on the unique key, then replays.
    record = InboundEvent(
        client_id=client.id,
        event_id=envelope["id"],
        type=envelope["type"],
        body_sha256=digest,
        received_at=utcnow(),
        response={},
    )
    try:
        with db.session.begin_nested():
            db.session.add(record)
            db.session.flush()
    except sa.exc.IntegrityError:
        seen = _seen(client, envelope["id"])
        if seen is None or seen.body_sha256 != digest:
            raise EventIdReused() from None
        return seen.response, True
    handler = HANDLERS[envelope["type"]]
    dossier = handler(client, _load(handler.schema, envelope["data"]))
    answer = {
        "event_id": envelope["id"],
        "status": "applied",
        "dossier": InboundDossierSchema().dump(dossier),
    }
    record.response = answer
    db.session.flush()
    audit.record(
        "integration.inbound_applied",
        actor_uuid=client.service_user.uuid,
        subject=dossier.code,
        data={
            "client": client.key_id,
            "event": envelope["id"],
            "type": envelope["type"],
            "occurred_at": envelope["occurred_at"].isoformat(),
        },
    )
    return answer, False


def _seen(client: InboundClient, event_id: str) -> InboundEvent | None:
    return db.session.scalar(
        sa.select(InboundEvent).where(
            InboundEvent.client_id == client.id, InboundEvent.event_id == event_id
        )
    )


def _load(schema: type[Schema], data: dict) -> dict:
    try:
        return schema().load(data)
    except ValidationError as exc:
        raise ValidationFailed(
            errors={f"data.{k}": v for k, v in exc.normalized_messages().items()}
        ) from exc


def _decode(content: str, field: str) -> bytes:
    try:
        raw = base64.b64decode(content, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise IntegrationInvalid(errors={field: ["integration.base64"]}) from exc
    if not raw:
        raise IntegrationInvalid(errors={field: ["integration.base64"]})
    return raw


def _find_dossier(data: dict) -> Dossier:
    stmt = None
    if data.get("code"):
        stmt = sa.select(Dossier).where(Dossier.code == data["code"])
    elif data.get("external_code"):
        stmt = sa.select(Dossier).where(Dossier.external_code == data["external_code"])
    dossier = db.session.scalar(stmt) if stmt is not None else None
    if dossier is None:
        raise IntegrationInvalid(errors={"data.code": ["integration.dossier-unknown"]})
    return dossier


# --- handlers ----------------------------------------------------------------------------------


def _submitted(client: InboundClient, data: dict) -> Dossier:
    """A dossier received at the counter (1) or by post (3), with its documents: filed and
    submitted through the same use cases as an online one (code, fees, process log)."""
    if data["channel"] not in (CHANNEL_COUNTER, CHANNEL_POSTAL):
        raise IntegrationInvalid(errors={"data.channel": ["integration.channel-not-offline"]})
    taken = db.session.scalar(
        sa.select(Dossier.id).where(Dossier.external_code == data["external_code"])
    )
    if taken is not None:
        raise IntegrationInvalid(errors={"data.external_code": ["integration.external-code-taken"]})
    applicant = data["applicant"]
    citizen = db.session.scalar(
        sa.select(User).where(
            User.kind == UserKind.CITIZEN,
            User.personal_id == applicant["personal_id"],
            User.date_of_birth == applicant["date_of_birth"],
        )
    )
    owner = citizen or client.service_user
    dossier = dossier_services.create_draft(
        owner=owner,
        procedure_code=data["procedure_code"],
        agency_code=data["agency_code"],
        applicant=None if citizen else {**applicant, "relationship": None},
    )
    dossier.filed_by_delegate = False
    dossier.channel = data["channel"]
    dossier.external_code = data["external_code"]
    if data["form_data"]:
        dossier_services.update_draft(dossier, actor=owner, form_data=data["form_data"])
    for index, document in enumerate(data["documents"]):
        content = _decode(document["content_base64"], f"data.documents.{index}.content_base64")
        dossier_services.add_attachment(
            dossier,
            actor=owner,
            component_code=document["component_code"],
            stream=io.BytesIO(content),
            filename=document["filename"],
        )
    dossier_services.submit(dossier, actor=owner)
    return dossier


def _status_changed(client: InboundClient, data: dict) -> Dossier:
    """A status change made at the one-stop desk (accept, refuse, start processing, stop,
    withdrawal asked at the counter, result handed over)."""
    dossier = _find_dossier(data)
    officer = client.service_user
    action, note = data["action"], data.get("note")
    if action in ("refuse", "stop", "withdraw") and not note:
        raise IntegrationInvalid(errors={"data.note": ["dossier.reason-required"]})
    version = dossier.version
    if action == "accept":
        backoffice.accept(dossier, officer=officer, version=version)
    elif action == "refuse":
        backoffice.refuse(dossier, officer=officer, version=version, reason=note)
    elif action == "stop":
        backoffice.stop(dossier, officer=officer, version=version, reason=note)
    elif action == "withdraw":
        backoffice.record_withdrawal(dossier, officer=officer, version=version, reason=note)
    elif action == "deliver":
        backoffice.deliver(dossier, officer=officer, version=version)
    else:  # assign: processing starts at the competent agency
        dossier_services.transition(
            dossier, "assign", actor=officer, role=states.RECEPTION, note=note
        )
        db.session.flush()
    return dossier


def _step(client: InboundClient, data: dict) -> Dossier:
    """A process step without a status change (a comment, an internal transfer)."""
    dossier = _find_dossier(data)
    if dossier.status == states.DossierStatus.DRAFT:
        raise IntegrationInvalid(errors={"data.code": ["integration.dossier-unknown"]})
    dossier_services.record_step(
        dossier, "onestop_step", actor=client.service_user, role=ONESTOP_ROLE, note=data["note"]
    )
    db.session.flush()
    return dossier


def _result_issued(client: InboundClient, data: dict) -> Dossier:
    """The competent agency's result, issued outside the platform: the file goes into the
    holder's document store and the dossier is resolved (status 9)."""
    from backend.results.models import IssuedDocument

    dossier = _find_dossier(data)
    if dossier.status != states.DossierStatus.PROCESSING:
        from backend.dossiers.errors import InvalidTransition

        raise InvalidTransition()
    file = data["document"]
    content = _decode(file["content_base64"], "data.document.content_base64")
    content_type = sniff_type(content[:8192], io.BytesIO(content)) or "application/octet-stream"
    storage = get_storage()
    key = f"results/{uuid.uuid4().hex}"
    storage.put(key, io.BytesIO(content), content_type=content_type, size=len(content))
    after_rollback(lambda: storage.delete(key))
    now = utcnow()
    version = dossier.procedure_version
    agency = dossier.competent_agency
    number = f"{data['number']}/{data['symbol']}"
    db.session.add(
        IssuedDocument(
            holder_personal_id=dossier.applicant_personal_id,
            holder_name=dossier.applicant_name,
            type_code=version.result_type_code if file["type_code"] == "KQ" else file["type_code"],
            title_vi=(data.get("title") or version.result_name_vi)[:255],
            title_en=(data.get("title") or version.result_name_en)[:255],
            number=number[:64],
            issuer_code=agency.code,
            issuer_name=agency.name_vi,
            issued_at=now,
            valid_until=None,
            storage_key=key,
            filename=sanitize_filename(file["filename"]),
            content_type=content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            dossier_id=dossier.id,
            created_at=now,
            agency_id=agency.id,
            # Unique per dossier: the same result is never stored twice.
            source_key=f"result:{dossier.uuid}",
        )
    )
    dossier.decision = data["decision"]
    dossier.result_number, dossier.result_symbol = data["number"], data["symbol"]
    dossier.finished_at = now
    dossier.stage = None
    dossier_services.transition(
        dossier,
        "issue",
        actor=client.service_user,
        role=states.CLERK,
        note=number,
        event_data={
            "decision": dossier.decision,
            "number": data["number"],
            "symbol": data["symbol"],
        },
    )
    db.session.flush()
    return dossier


_submitted.schema = InboundSubmissionSchema
_status_changed.schema = InboundStatusSchema
_step.schema = InboundStepSchema
_result_issued.schema = InboundResultSchema

HANDLERS = {
    "dossier.submitted": _submitted,
    "dossier.status_changed": _status_changed,
    "dossier.step": _step,
    "dossier.result_issued": _result_issued,
}
