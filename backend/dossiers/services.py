"""Dossier use cases for citizens (and the shared steps the back office builds on).

Each takes the actor explicitly, flushes and never commits. Every status change goes through
``states.next_status`` and writes a process-log row, an audit row and an outbox event in the
same transaction.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from backend.accounts.models import User
from backend.accounts.validators import normalize_phone, personal_id_errors
from backend.catalog.forms import validate_data
from backend.catalog.models import Agency, OnlineLevel, Procedure, ProcedureVersion
from backend.catalog.units import unaccent
from backend.core import audit, outbox
from backend.core.clock import VN_TZ, utcnow
from backend.core.db import append_row, next_counter_value
from backend.core.files import FileTooLarge, HashingReader, sanitize_filename, sniff_type
from backend.core.i18n import Message
from backend.core.storage import get_storage
from backend.core.transaction import after_commit, after_rollback
from backend.dossiers import states
from backend.dossiers.errors import DossierInvalid, InvalidTransition, NotEditable
from backend.dossiers.events import dossier_closed, step_recorded
from backend.dossiers.models import (
    Dossier,
    DossierAttachment,
    DossierCodeCounter,
    ProcessLogEntry,
    SupplementRequest,
)
from backend.dossiers.states import DossierStatus
from backend.extensions import db

SNIFF_BYTES = 8192

log = logging.getLogger(__name__)


# --- steps shared by every transition -----------------------------------------------------------


def transition(
    dossier: Dossier,
    action: str,
    *,
    actor: User | None,
    role: str,
    note: str | None = None,
    step_due_at: datetime | None = None,
    event_data: dict | None = None,
    react_later: bool = False,
) -> ProcessLogEntry:
    """Move ``dossier`` by ``action`` (``InvalidTransition`` when the table forbids it), and
    record the step: process-log row, audit row, outbox event — all in this transaction."""
    try:
        new_status = states.next_status(dossier.status, action, role)
    except states.InvalidTransition as exc:
        raise InvalidTransition() from exc
    dossier.set_status(new_status)
    return record_step(
        dossier,
        action,
        actor=actor,
        role=role,
        note=note,
        step_due_at=step_due_at,
        event_data=event_data,
        react_later=react_later,
    )


def record_step(
    dossier: Dossier,
    action: str,
    *,
    actor: User | None,
    role: str,
    note: str | None = None,
    step_due_at: datetime | None = None,
    event_data: dict | None = None,
    react_later: bool = False,
) -> ProcessLogEntry | None:
    """Write the process-log row, the audit row and the outbox event of one step, and run its
    reactions (``step_recorded``) in this transaction; the entry.

    With ``react_later`` (a hot path driven by another system: the VNPay IPN, which should
    answer without paying for notifications, forms and statistics), the rows are queued and
    written together (``core.db.append_row``), the reactions run in a worker after the commit
    (:func:`react_to_steps`), and nothing is returned. ``dossier`` may then be any object
    with the dossier's ``id``, ``uuid``, ``code``, ``status`` and ``status_code`` (a row
    returned by an UPDATE)."""
    now = utcnow()
    agency = actor.agency if actor is not None and actor.kind == "officer" else None
    values = {
        "dossier_id": dossier.id,
        "occurred_at": now,
        "action": action,
        "actor_uuid": actor.uuid if actor else None,
        "actor_name": actor.full_name if actor else None,
        "actor_role": role,
        "agency_code": agency.code if agency else None,
        "status": dossier.status,
        "status_code": dossier.status_code,
        "step_started_at": now,
        "step_due_at": step_due_at,
        "note": note,
    }
    audit_args = (f"dossier.{action}",)
    audit_kwargs = {
        "actor_uuid": values["actor_uuid"],
        "subject": dossier.code or str(dossier.uuid),
        "data": {"status": dossier.status},
    }
    event_args = (
        f"dossier.{action}",
        "dossier",
        str(dossier.uuid),
        {
            "dossier": str(dossier.uuid),
            "code": dossier.code,
            "status": dossier.status,
            "status_code": dossier.status_code,
            "action": action,
            "actor_role": role,
            "occurred_at": now.isoformat(),
            **(event_data or {}),
        },
    )
    if react_later:
        values.update(sync_state=0, pending_reaction=event_data or {})
        append_row(ProcessLogEntry.__table__, values)
        audit.insert(*audit_args, **audit_kwargs)
        outbox.insert_event(*event_args)
        _queue_reactions()
        return None
    entry = ProcessLogEntry(**values)
    db.session.add(entry)
    audit.record(*audit_args, **audit_kwargs)
    outbox.add_event(*event_args)
    step_recorded.send(dossier, entry=entry, actor=actor, event_data=event_data or {})
    return entry


# --- reactions to a step, run by a worker ---------------------------------------------------------

_DEFERRED = "dossiers_deferred_steps"
#: A commit that deferred steps queues one reaction task to run this many seconds later; the
#: process's later commits within that time queue none (the task, running after them, takes
#: their steps too): a burst of IPNs costs one publication per process and quarter second.
REACTION_DELAY = 0.25
_last_publication = [float("-inf")]


def _queue_reactions() -> None:
    info = db.session().info
    if _DEFERRED not in info:
        info[_DEFERRED] = True
        after_commit(_publish_reactions)
        after_rollback(lambda: info.pop(_DEFERRED, None))


def _publish_reactions() -> None:
    """After a commit that deferred steps: have a worker run their reactions.

    Eager (no broker): now, in this process. Otherwise one delayed task that takes every
    pending step, unless this process queued one less than REACTION_DELAY ago: that task
    starts after this commit (its countdown had not run out when this commit ended), so it
    sees these steps. Whatever a lost publication or a clock skew leaves behind, the beat's
    sweep takes (``dossiers.react_to_steps`` every 15 seconds)."""
    from backend.dossiers.tasks import react_to_steps as task
    from backend.extensions import celery

    db.session().info.pop(_DEFERRED, None)
    if celery.conf.task_always_eager:
        task.delay(older_than=0)
        return
    now = time.monotonic()
    if now - _last_publication[0] < REACTION_DELAY:
        return
    _last_publication[0] = now
    task.apply_async(kwargs={"older_than": 0}, countdown=REACTION_DELAY)


def react_to_steps(entry_ids: list[int]) -> int:
    """Run the reactions of deferred steps, oldest first, each in its own transaction that
    also clears the step's ``pending_reaction`` (so they run once; a step another worker holds
    or has done is skipped). A step whose reactions fail stays pending for the sweep. Returns
    how many steps reacted. The caller must not be inside a transaction it wants to keep."""
    from backend.core.transaction import task_transaction

    done = 0
    for entry_id in sorted(entry_ids):
        try:
            with task_transaction():
                entry = db.session.scalar(
                    sa.select(ProcessLogEntry)
                    .where(
                        ProcessLogEntry.id == entry_id,
                        ProcessLogEntry.pending_reaction.is_not(None),
                    )
                    .with_for_update(skip_locked=True)
                )
                if entry is None:
                    continue
                event_data = dict(entry.pending_reaction)
                entry.pending_reaction = None
                dossier = db.session.get(Dossier, entry.dossier_id)
                actor = (
                    db.session.scalar(sa.select(User).where(User.uuid == entry.actor_uuid))
                    if entry.actor_uuid
                    else None
                )
                step_recorded.send(dossier, entry=entry, actor=actor, event_data=event_data)
            done += 1
        except Exception:
            log.exception("reactions to a dossier step failed", extra={"entry_id": entry_id})
    return done


REACTION_BATCH = 500


def pending_reactions(older_than: datetime, limit: int = REACTION_BATCH) -> list[int]:
    """Steps whose reactions are still pending since before ``older_than`` (their task was lost
    or failed), oldest first."""
    return list(
        db.session.scalars(
            sa.select(ProcessLogEntry.id)
            .where(
                ProcessLogEntry.pending_reaction.is_not(None),
                ProcessLogEntry.occurred_at < older_than,
            )
            .order_by(ProcessLogEntry.id)
            .limit(limit)
        )
    )


def _touch(dossier: Dossier) -> None:
    dossier.last_activity_at = utcnow()


# --- drafts ------------------------------------------------------------------------------------


def _applicant_fields(owner: User, applicant: dict | None) -> dict:
    if not applicant:
        return {
            "applicant_name": owner.full_name,
            "applicant_personal_id": owner.personal_id,
            "applicant_date_of_birth": owner.date_of_birth,
            "applicant_phone": owner.phone,
            "applicant_email": owner.email,
            "filed_by_delegate": False,
            "delegate_relationship": None,
        }
    errors: dict = {}
    keys = personal_id_errors(applicant["personal_id"], applicant["date_of_birth"])
    if keys:
        errors["applicant.personal_id"] = keys
    phone = applicant.get("phone")
    if phone:
        phone = normalize_phone(phone)
        if phone is None:
            errors["applicant.phone"] = ["phone.invalid"]
    if errors:
        raise DossierInvalid(errors=errors)
    return {
        "applicant_name": " ".join(applicant["full_name"].split()),
        "applicant_personal_id": applicant["personal_id"],
        "applicant_date_of_birth": applicant["date_of_birth"],
        "applicant_phone": phone,
        "applicant_email": applicant.get("email"),
        "filed_by_delegate": True,
        "delegate_relationship": applicant.get("relationship"),
    }


def create_draft(
    *,
    owner: User,
    procedure_code: str,
    agency_code: str | None = None,
    applicant: dict | None = None,
) -> Dossier:
    """Start a dossier for the current version of a procedure (the version stays pinned).

    ``applicant`` files on behalf of another person (a delegate filing); without it the
    account holder is the applicant. Raises ``DossierInvalid`` (unknown procedure, an agency
    that does not receive it, a procedure without online service, bad applicant identity)."""
    version = db.session.scalar(
        sa.select(ProcedureVersion)
        .join(Procedure, Procedure.current_version_id == ProcedureVersion.id)
        .where(Procedure.code == procedure_code)
    )
    if version is None:
        raise DossierInvalid(errors={"procedure_code": ["dossier.procedure-unknown"]})
    if version.online_level not in (OnlineLevel.FULL, OnlineLevel.PARTIAL):
        raise DossierInvalid(errors={"procedure_code": ["dossier.online-closed"]})
    receiving = [a for a in version.receiving_agencies if a.is_active]
    agency = receiving[0] if receiving and agency_code is None else None
    if agency_code is not None:
        agency = next((a for a in receiving if a.code == agency_code), None)
    if agency is None:
        raise DossierInvalid(errors={"agency_code": ["dossier.agency-not-receiving"]})
    dossier = Dossier(
        procedure_version=version,
        receiving_agency_id=agency.id,
        competent_agency_id=version.competent_agency_id,
        owner_id=owner.id,
        status=DossierStatus.DRAFT,
        form_data={},
        last_activity_at=utcnow(),
        **_applicant_fields(owner, applicant),
    )
    db.session.add(dossier)
    db.session.flush()
    return dossier


def _editable(dossier: Dossier) -> None:
    if dossier.status not in (DossierStatus.DRAFT, DossierStatus.SUPPLEMENT_REQUESTED):
        raise NotEditable()


def update_draft(
    dossier: Dossier,
    *,
    actor: User,
    form_data: dict | None = None,
    applicant: dict | None = None,
    clear_applicant: bool = False,
) -> Dossier:
    """Save form fields as the citizen types: only the given fields are validated (partial);
    completeness waits for submission. Raises ``DossierInvalid`` with ``form.<path>`` keys."""
    _editable(dossier)
    if dossier.status != DossierStatus.DRAFT and (applicant or clear_applicant):
        raise NotEditable()
    if form_data is not None:
        cleaned, errors = validate_data(dossier.procedure_version.form, form_data, partial=True)
        if errors:
            raise DossierInvalid(errors={f"form.{path}": msgs for path, msgs in errors.items()})
        merged = dict(dossier.form_data or {})
        merged.update(cleaned)
        dossier.form_data = merged
    if applicant is not None or clear_applicant:
        for name, value in _applicant_fields(dossier.owner, applicant).items():
            setattr(dossier, name, value)
    _touch(dossier)
    db.session.flush()
    return dossier


def delete_draft(dossier: Dossier, *, actor: User) -> None:
    """Discard a draft and its files (files are removed once the deletion is committed)."""
    if dossier.status != DossierStatus.DRAFT:
        raise NotEditable()
    keys = [a.storage_key for a in dossier.attachments]
    db.session.delete(dossier)
    db.session.flush()
    _delete_files_after_commit(keys)


def _delete_files_after_commit(keys: list[str]) -> None:
    if keys:
        storage = get_storage()
        after_commit(lambda: [storage.delete(key) for key in keys])


# --- attachments -------------------------------------------------------------------------------


def add_attachment(
    dossier: Dossier,
    *,
    actor: User,
    component_code: str,
    stream,
    filename: str | None,
    reused: bool = False,
) -> DossierAttachment:
    """Store an uploaded file for a component. The type comes from the content, the name is
    sanitised and never used as a path; limits per file, per dossier and in count apply. A
    failure leaves neither file nor row."""
    _editable(dossier)
    version = dossier.procedure_version
    component = next((c for c in version.components if c.code == component_code), None)
    if component is None:
        raise DossierInvalid(errors={"component_code": ["dossier.component-unknown"]})
    config = current_app.config
    if len(dossier.attachments) >= config["UPLOAD_MAX_FILES"]:
        raise DossierInvalid(
            errors={"file": [Message("dossier.too-many-files", limit=config["UPLOAD_MAX_FILES"])]}
        )
    head = stream.read(SNIFF_BYTES)
    if not head:
        raise DossierInvalid(errors={"file": ["dossier.file-empty"]})
    stream.seek(0)
    content_type = sniff_type(head, stream)
    stream.seek(0)
    if content_type not in component.accepted_types:
        allowed = ", ".join(t.rsplit("/", 1)[-1].upper() for t in component.accepted_types)
        raise DossierInvalid(errors={"file": [Message("dossier.file-type", allowed=allowed)]})
    limit_mb = min(config["UPLOAD_MAX_FILE_MB"], component.max_size_mb)
    used = sum(a.size for a in dossier.attachments)
    room = config["UPLOAD_MAX_DOSSIER_MB"] * 1024 * 1024 - used
    limit = max(0, min(limit_mb * 1024 * 1024, room))
    key = f"dossiers/{dossier.uuid.hex}/{uuid.uuid4().hex}"
    reader = HashingReader(stream, limit)
    storage = get_storage()
    try:
        storage.put(key, reader, content_type=content_type)
    except FileTooLarge as exc:
        storage.delete(key)
        if room < limit_mb * 1024 * 1024:
            message = Message("dossier.total-too-large", limit_mb=config["UPLOAD_MAX_DOSSIER_MB"])
        else:
            message = Message("dossier.file-too-large", limit_mb=limit_mb)
        raise DossierInvalid(errors={"file": [message]}) from exc
    after_rollback(lambda: storage.delete(key))
    attachment = DossierAttachment(
        dossier=dossier,
        component_code=component_code,
        storage_key=key,
        filename=sanitize_filename(filename),
        content_type=content_type,
        size=reader.size,
        sha256=reader.hexdigest,
        uploaded_at=utcnow(),
        uploaded_by=actor.uuid,
        supplement_round=_open_round(dossier),
        reused=reused,
    )
    db.session.add(attachment)
    _touch(dossier)
    db.session.flush()
    return attachment


def reuse_document(
    dossier: Dossier, *, actor: User, component_code: str, document_id
) -> DossierAttachment:
    """Once-only: answer a reusable component with a document already issued to the citizen,
    instead of an upload. The file is copied, so the dossier keeps it whatever happens to the
    store; the attachment is marked reused (DuocTaiSuDung)."""
    from backend.results.queries import get_reusable_for_holder_or_404

    _editable(dossier)
    component = next(
        (c for c in dossier.procedure_version.components if c.code == component_code), None
    )
    if component is None:
        raise DossierInvalid(errors={"component_code": ["dossier.component-unknown"]})
    if not component.reusable:
        raise DossierInvalid(errors={"component_code": ["dossier.component-not-reusable"]})
    document = get_reusable_for_holder_or_404(document_id, actor)
    if document.content_type not in component.accepted_types:
        allowed = ", ".join(t.rsplit("/", 1)[-1].upper() for t in component.accepted_types)
        raise DossierInvalid(
            errors={"document_id": [Message("dossier.file-type", allowed=allowed)]}
        )
    storage = get_storage()
    key = f"dossiers/{dossier.uuid.hex}/{uuid.uuid4().hex}"
    source = storage.open(document.storage_key)
    try:
        storage.put(key, source, content_type=document.content_type, size=document.size)
    finally:
        source.close()
    after_rollback(lambda: storage.delete(key))
    attachment = DossierAttachment(
        dossier=dossier,
        component_code=component_code,
        storage_key=key,
        filename=document.filename,
        content_type=document.content_type,
        size=document.size,
        sha256=document.sha256,
        uploaded_at=utcnow(),
        uploaded_by=actor.uuid,
        supplement_round=_open_round(dossier),
        reused=True,
        issued_document_id=document.id,
    )
    db.session.add(attachment)
    _touch(dossier)
    db.session.flush()
    return attachment


def _open_round(dossier: Dossier) -> int | None:
    if dossier.status != DossierStatus.SUPPLEMENT_REQUESTED or not dossier.supplements:
        return None
    return dossier.supplements[-1].round


def remove_attachment(dossier: Dossier, attachment: DossierAttachment, *, actor: User) -> None:
    """Remove a file from a draft (or one added in the open supplement round)."""
    _editable(dossier)
    if dossier.status != DossierStatus.DRAFT and attachment.supplement_round != _open_round(
        dossier
    ):
        raise NotEditable()
    key = attachment.storage_key
    dossier.attachments.remove(attachment)
    _touch(dossier)
    db.session.flush()
    _delete_files_after_commit([key])


# --- submission --------------------------------------------------------------------------------


def _next_sequence(agency_id: int, day: date) -> int:
    """The next number of the agency's daily counter, atomically.

    An upsert that increments and returns the row: concurrent submissions for the same agency
    and day queue on that row until the first commits, so numbers never repeat; a rolled back
    submission gives its number back."""
    return next_counter_value(DossierCodeCounter.__table__, agency_id=agency_id, day=day)


def assign_code(dossier: Dossier, moment: datetime) -> str:
    """``<receiving agency code>-YYMMDD-NNNN`` (DOMAIN.md §3.1); five digits past 9999."""
    agency = db.session.get(Agency, dossier.receiving_agency_id)
    day = moment.astimezone(VN_TZ).date()
    number = _next_sequence(agency.id, day)
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"


def submit(dossier: Dossier, *, actor: User) -> Dossier:
    """Submit a draft: the whole form is validated against the pinned version, required
    components must be attached, the fees due now are computed, the official code assigned,
    the status becomes submitted (1). A procedure that charges at submission holds the dossier
    as awaiting payment before it reaches the reception queue."""
    if dossier.status != DossierStatus.DRAFT:
        raise InvalidTransition()
    version = dossier.procedure_version
    # Read what the event needs before changing the row: a lazy load would flush half the
    # changes early and update the dossier twice.
    event_data = {
        "procedure": version.procedure.code,
        "procedure_version": version.number,
        "receiving_agency": dossier.receiving_agency.code,
    }
    cleaned, form_errors = validate_data(version.form, dossier.form_data or {}, partial=False)
    errors = {f"form.{path}": msgs for path, msgs in form_errors.items()}
    attached = {a.component_code for a in dossier.attachments}
    for component in version.components:
        if component.required and component.code not in attached:
            errors[f"components.{component.code}"] = ["dossier.component-required"]
    if errors:
        raise DossierInvalid(errors=errors)
    now = utcnow()
    dossier.form_data = cleaned
    dossier.fee_due_at_submission = sum(
        fee.amount for fee in version.fees if fee.payable == "at_submission"
    )
    dossier.awaiting_payment = dossier.fee_due_at_submission > 0
    dossier.amount_due = dossier.fee_due_at_submission
    dossier.code = assign_code(dossier, now)
    dossier.submitted_at = now
    dossier.search_text = unaccent(
        f"{dossier.code} {dossier.applicant_name} {dossier.applicant_personal_id or ''}"
    )
    _touch(dossier)
    transition(
        dossier,
        "submit",
        actor=actor,
        role=states.CITIZEN,
        event_data={**event_data, "fee_due": dossier.fee_due_at_submission},
    )
    db.session.flush()
    return dossier


# --- after submission --------------------------------------------------------------------------


def withdraw(dossier: Dossier, *, actor: User, reason: str, role: str = states.CITIZEN) -> Dossier:
    """Withdraw before a decision (status 7), with the applicant's reason."""
    if not reason or not reason.strip():
        raise DossierInvalid(errors={"reason": ["dossier.reason-required"]})
    before_processing = dossier.status in (DossierStatus.SUBMITTED, DossierStatus.RECEIVED)
    dossier.withdraw_reason = reason.strip()
    dossier.closed_at = utcnow()
    transition(dossier, "withdraw", actor=actor, role=role, note=dossier.withdraw_reason)
    db.session.flush()
    dossier_closed.send(dossier, before_processing=before_processing)
    return dossier


def request_supplement(
    dossier: Dossier,
    *,
    actor: User,
    role: str,
    items: list[dict],
    note: str | None,
    deadline_at: datetime,
) -> SupplementRequest:
    """Ask the citizen for documents (Mẫu 02). The clock policy of the procedure (pause or
    restart) is recorded; the clock itself is recomputed when the supplement is accepted.
    A second request is allowed (the 766 scorecard counts such dossiers late)."""
    now = utcnow()
    round_number = len(dossier.supplements) + 1
    request = SupplementRequest(
        dossier=dossier,
        round=round_number,
        requested_at=now,
        requested_by=actor.uuid,
        items=items,
        note=note,
        deadline_at=deadline_at,
        clock_policy=dossier.procedure_version.supplement_policy,
        due_before=dossier.due_at,
    )
    db.session.add(request)
    transition(
        dossier,
        "request_supplement",
        actor=actor,
        role=role,
        note=note,
        step_due_at=deadline_at,
        event_data={"round": round_number, "deadline_at": deadline_at.isoformat()},
    )
    db.session.flush()
    return request


def supply(dossier: Dossier, *, actor: User, note: str | None = None) -> SupplementRequest:
    """The citizen answers the open supplement request (files already uploaded in the round);
    the dossier waits for an officer to accept the supplement."""
    if dossier.status != DossierStatus.SUPPLEMENT_REQUESTED or not dossier.supplements:
        raise InvalidTransition()
    current = dossier.supplements[-1]
    if current.supplied_at is not None:
        raise InvalidTransition()
    current.supplied_at = utcnow()
    current.response_note = (note or "").strip() or None
    _touch(dossier)
    transition(
        dossier,
        "supply",
        actor=actor,
        role=states.CITIZEN,
        note=current.response_note,
        event_data={"round": current.round},
    )
    db.session.flush()
    return current


def purge_idle_drafts(now: datetime | None = None) -> int:
    """Delete drafts untouched for ``DRAFT_RETENTION_DAYS`` (files after commit)."""
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["DRAFT_RETENTION_DAYS"])
    drafts = db.session.scalars(
        sa.select(Dossier).where(
            Dossier.status == DossierStatus.DRAFT, Dossier.last_activity_at < cutoff
        )
    ).all()
    keys = [a.storage_key for d in drafts for a in d.attachments]
    for draft in drafts:
        db.session.delete(draft)
    db.session.flush()
    _delete_files_after_commit(keys)
    if drafts:
        audit.record("dossier.drafts_purged", data={"count": len(drafts)})
    return len(drafts)
