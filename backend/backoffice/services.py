"""Back-office actions on a dossier. Each checks the dossier version the officer saw (a stale
one is 409), the officer's roles against the transition table, then changes the dossier and
records the step (process log, audit, outbox) in the same transaction."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from backend.accounts.models import User
from backend.catalog.deadlines import holiday_calendar, procedure_due_at, working_hours
from backend.core import audit
from backend.core.calendar import due_at_with_pauses
from backend.core.clock import utcnow
from backend.core.errors import Forbidden
from backend.dossiers import services as dossier_services
from backend.dossiers import states
from backend.dossiers.deadlines import pauses
from backend.dossiers.errors import DossierInvalid, InvalidTransition, StaleVersion
from backend.dossiers.events import dossier_closed
from backend.dossiers.models import Dossier, DossierNote
from backend.dossiers.states import DossierStatus
from backend.extensions import db


def _flush() -> None:
    try:
        db.session.flush()
    except StaleDataError as exc:  # another officer's change committed first
        raise StaleVersion() from exc


def acting_role(dossier: Dossier, officer: User, action: str) -> str:
    """The role under which ``officer`` may take ``action`` now: 409 when the action is not
    possible in this state at all, 403 when it is but not for this officer's roles."""
    rule = states.TRANSITIONS.get((DossierStatus(dossier.status), action))
    if rule is None:
        raise InvalidTransition()
    role = next((r for r in officer.roles if r in rule[0]), None)
    if role is None:
        raise Forbidden()
    return role


def _begin(dossier: Dossier, officer: User, action: str, version: int) -> str:
    if dossier.version != version:
        raise StaleVersion()
    return acting_role(dossier, officer, action)


def _step(dossier, action, officer, role, **kwargs):
    entry = dossier_services.transition(dossier, action, actor=officer, role=role, **kwargs)
    _flush()
    return entry


def receipt_slip(dossier: Dossier) -> dict:
    """The data of the receipt and appointment slip (Mẫu 01)."""
    version = dossier.procedure_version
    return {
        "code": dossier.code,
        "agency": dossier.receiving_agency.name_vi,
        "applicant": dossier.applicant_name,
        "applicant_phone": dossier.applicant_phone,
        "applicant_email": dossier.applicant_email,
        "procedure": version.name_vi,
        "components": [
            {"code": a.component_code, "filename": a.filename} for a in dossier.attachments
        ],
        "duration": {
            "amount": float(version.duration_amount),
            "unit": version.duration_unit,
        },
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
    }


def accept(dossier: Dossier, *, officer: User, version: int) -> Dossier:
    """Receive the dossier: the legal clock starts, the due date comes from the calendar."""
    role = _begin(dossier, officer, "accept", version)
    if dossier.awaiting_payment:
        raise DossierInvalid(errors={"payment": ["backoffice.unpaid"]})
    now = utcnow()
    dossier.received_at = now
    dossier.due_at = procedure_due_at(dossier.procedure_version, dossier.receiving_agency, now)
    _step(dossier, "accept", officer, role, step_due_at=dossier.due_at)
    return dossier


def refuse(dossier: Dossier, *, officer: User, version: int, reason: str) -> Dossier:
    role = _begin(dossier, officer, "refuse", version)
    dossier.closed_at = utcnow()
    _step(dossier, "refuse", officer, role, note=reason)
    dossier_closed.send(dossier, before_processing=True)
    return dossier


def request_supplement(
    dossier: Dossier,
    *,
    officer: User,
    version: int,
    items: list[dict],
    note: str | None,
    deadline_at: datetime,
) -> Dossier:
    """Ask for documents; a second round is allowed and flagged (counted late nationally)."""
    role = _begin(dossier, officer, "request_supplement", version)
    if deadline_at <= utcnow():
        raise DossierInvalid(errors={"deadline_at": ["backoffice.deadline-past"]})
    dossier_services.request_supplement(
        dossier, actor=officer, role=role, items=items, note=note, deadline_at=deadline_at
    )
    _flush()
    return dossier


def accept_supplement(dossier: Dossier, *, officer: User, version: int) -> Dossier:
    """The supplement is complete: the clock resumes (pause policy: the due date moves by the
    paused working time) or restarts from the supplement (restart policy). A supplement asked
    at reception sends the dossier back to the reception desk."""
    current = dossier.supplements[-1] if dossier.supplements else None
    if current is None or current.supplied_at is None:
        raise InvalidTransition()
    action = "accept_supplement" if dossier.received_at else "resume_reception"
    role = _begin(dossier, officer, action, version)
    now = utcnow()
    current.accepted_at = now
    if dossier.received_at is not None:
        version_row = dossier.procedure_version
        agency = dossier.receiving_agency
        if current.clock_policy == "restart":
            dossier.due_at = procedure_due_at(version_row, agency, current.supplied_at)
        else:
            amount = version_row.duration_amount
            amount = int(amount) if amount == amount.to_integral_value() else amount
            dossier.due_at = due_at_with_pauses(
                dossier.received_at,
                amount,
                version_row.duration_unit,
                working_hours(agency),
                holiday_calendar(agency),
                pauses(dossier, now),
            )
        current.due_after = dossier.due_at
    _step(dossier, action, officer, role, step_due_at=dossier.due_at)
    return dossier


def _officer_of(agency_id: int, officer_id, role: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.uuid == officer_id))
    if user is None or user.kind != "officer" or user.agency_id != agency_id or not user.is_active:
        raise DossierInvalid(errors={"specialist_id": ["backoffice.not-an-officer-here"]})
    if not user.has_role(role):
        raise DossierInvalid(errors={"specialist_id": ["backoffice.not-a-specialist"]})
    return user


def assign(dossier: Dossier, *, officer: User, version: int, specialist_id) -> Dossier:
    """Give the dossier to a specialist of the competent agency."""
    role = _begin(dossier, officer, "assign", version)
    dossier.assignee = _officer_of(dossier.competent_agency_id, specialist_id, states.SPECIALIST)
    dossier.stage = states.SPECIALIST
    _step(dossier, "assign", officer, role, note=dossier.assignee.full_name)
    return dossier


#: Who hands the dossier to whom during processing.
FORWARDS = {
    states.SPECIALIST: {states.DEPT_HEAD},
    states.DEPT_HEAD: {states.LEADER},
}


def forward(dossier: Dossier, *, officer: User, version: int, to: str, note: str | None) -> Dossier:
    """Hand the draft decision up: specialist → department head → leader."""
    role = _begin(dossier, officer, "forward", version)
    if dossier.stage != role or to not in FORWARDS.get(role, set()):
        raise InvalidTransition()
    if role == states.SPECIALIST and dossier.assignee_id != officer.id:
        raise Forbidden()
    dossier.stage = to
    _step(dossier, "forward", officer, role, note=note, event_data={"to": to})
    return dossier


def return_for_rework(dossier: Dossier, *, officer: User, version: int, comment: str) -> Dossier:
    """Send the dossier back to the specialist with a comment."""
    role = _begin(dossier, officer, "return_for_rework", version)
    if dossier.stage != role:
        raise InvalidTransition()
    dossier.stage = states.SPECIALIST
    dossier.decision = None
    _step(dossier, "return_for_rework", officer, role, note=comment)
    return dossier


def request_payment(
    dossier: Dossier, *, officer: User, version: int, lines: list[dict], note: str | None
) -> Dossier:
    """Ask for fees or taxes not paid at submission (status 6; the payment settles it)."""
    role = _begin(dossier, officer, "request_payment", version)
    total = sum(line["amount"] for line in lines)
    dossier.amount_due = total
    _step(
        dossier,
        "request_payment",
        officer,
        role,
        note=note,
        event_data={"lines": lines, "total": total},
    )
    return dossier


def settle_payment(dossier: Dossier, *, officer: User, version: int, receipt: str) -> Dossier:
    """Record a payment made at the counter (online payments settle through the gateway)."""
    role = _begin(dossier, officer, "payment_settled", version)
    dossier.amount_due = 0
    _step(dossier, "payment_settled", officer, role, note=receipt)
    return dossier


def decide(
    dossier: Dossier, *, officer: User, version: int, approve: bool, note: str | None
) -> Dossier:
    """The leader approves or rejects the decision; the clerk issues it next."""
    action = "approve" if approve else "reject"
    role = _begin(dossier, officer, action, version)
    if dossier.stage != states.LEADER:
        raise InvalidTransition()
    dossier.decision = "approved" if approve else "rejected"
    dossier.stage = states.CLERK
    _step(dossier, action, officer, role, note=note)
    return dossier


def issue(dossier: Dossier, *, officer: User, version: int, number: str, symbol: str) -> Dossier:
    """The clerk numbers the result and orders its signed document. The dossier waits in the
    ``issuing`` stage (still processing, 4) and is resolved (9) by the ``results`` task once
    the signed PDF is stored; the process log records the issue step then."""
    from backend.results import services as results_services

    _begin(dossier, officer, "issue", version)
    if dossier.stage != states.CLERK or dossier.decision is None:
        raise InvalidTransition()
    dossier.result_number, dossier.result_symbol = number, symbol
    dossier.stage = results_services.ISSUING
    audit.record(
        "dossier.issue_ordered",
        actor_uuid=officer.uuid,
        subject=dossier.code,
        data={"decision": dossier.decision, "number": number, "symbol": symbol},
    )
    _flush()
    results_services.order_result(dossier, officer=officer)
    return dossier


def deliver(dossier: Dossier, *, officer: User, version: int) -> Dossier:
    role = _begin(dossier, officer, "deliver", version)
    dossier.delivered_at = utcnow()
    _step(dossier, "deliver", officer, role)
    return dossier


def stop(dossier: Dossier, *, officer: User, version: int, reason: str) -> Dossier:
    role = _begin(dossier, officer, "stop", version)
    dossier.closed_at = utcnow()
    _step(dossier, "stop", officer, role, note=reason)
    return dossier


def record_withdrawal(dossier: Dossier, *, officer: User, version: int, reason: str) -> Dossier:
    """Record a withdrawal the applicant asked for at the counter."""
    role = _begin(dossier, officer, "withdraw", version)
    dossier_services.withdraw(dossier, actor=officer, reason=reason, role=role)
    _flush()
    return dossier


def apologize(
    dossier: Dossier, *, officer: User, version: int, new_due_at: datetime, reason: str
) -> Dossier:
    """Apology with a new due date: once per dossier; the original due date is kept for the
    statistics (a late dossier stays late)."""
    role = _begin(dossier, officer, "apologize", version)
    if dossier.apologized:
        raise DossierInvalid(errors={"new_due_at": ["backoffice.apology-once"]})
    if dossier.due_at is None or new_due_at <= dossier.due_at:
        raise DossierInvalid(errors={"new_due_at": ["backoffice.apology-later"]})
    dossier.original_due_at = dossier.original_due_at or dossier.due_at
    dossier.due_at = new_due_at
    dossier.apologized = True
    _step(dossier, "apologize", officer, role, note=reason, step_due_at=new_due_at)
    return dossier


def add_note(dossier: Dossier, *, officer: User, text: str, internal: bool) -> DossierNote:
    """An internal note (officers only) or a message the citizen sees."""
    note = DossierNote(
        dossier_id=dossier.id,
        created_at=utcnow(),
        author_uuid=officer.uuid,
        author_name=officer.full_name,
        internal=internal,
        text=text.strip(),
    )
    db.session.add(note)
    db.session.flush()
    return note
