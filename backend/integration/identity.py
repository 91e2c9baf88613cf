"""Identity checks against the national population database: at registration (the account
becomes verified), on a citizen's request, to prefill forms, and by officers at the counter.

Every query, whatever its outcome, leaves a :class:`PopulationLookup` row: who asked, when,
for what purpose, about which ID number, and the outcome.
"""

from __future__ import annotations

import logging
import uuid
from datetime import date

from flask import current_app, g, has_request_context

from backend.accounts.models import User
from backend.core import audit
from backend.core.clock import utcnow
from backend.extensions import db
from backend.integration.errors import IdentityMismatch, PopulationUnavailable
from backend.integration.models import PopulationLookup
from backend.integration.population import LookupResult, PopulationClient, PopulationUnreachable

log = logging.getLogger(__name__)

PURPOSES = ("registration", "verify_account", "prefill", "counter_intake", "dossier_check")


def client() -> PopulationClient:
    config = current_app.config
    return PopulationClient(
        url=config["POPULATION_API_URL"],
        api_key=config["POPULATION_API_KEY"],
        service_code=config["POPULATION_SERVICE_CODE"],
        integration_code=config["POPULATION_INTEGRATION_CODE"],
        timeout=config["INTEGRATION_HTTP_READ_TIMEOUT"],
    )


def lookup(
    *,
    actor: User | None,
    purpose: str,
    personal_id: str,
    full_name: str,
    date_of_birth: date,
    purpose_note: str | None = None,
) -> LookupResult:
    """Query the database and log the query. Raises ``PopulationUnavailable`` (503; the log row
    is kept) when it cannot answer."""
    row = PopulationLookup(
        uuid=uuid.uuid4(),
        occurred_at=utcnow(),
        actor_uuid=actor.uuid if actor else None,
        unit_code=actor.agency.code if actor is not None and actor.agency else None,
        purpose=purpose,
        purpose_note=(purpose_note or None) and purpose_note[:255],
        personal_id=personal_id,
        outcome="error",
        request_id=g.get("request_id") if has_request_context() else None,
    )
    db.session.add(row)
    if not current_app.config["POPULATION_API_URL"]:
        raise _unavailable()
    try:
        result = client().lookup(
            personal_id=personal_id,
            full_name=full_name,
            date_of_birth=date_of_birth,
            officer_code=str(actor.uuid) if actor and actor.kind == "officer" else "CONGDAN",
            request_id=str(row.uuid),
        )
    except PopulationUnreachable as exc:
        log.warning("population database unreachable", extra={"reason": str(exc)})
        db.session.flush()
        raise _unavailable() from exc
    row.outcome = result.outcome
    db.session.flush()
    return result


def _unavailable() -> PopulationUnavailable:
    error = PopulationUnavailable()
    error.keep_changes = True  # the lookup log row stays
    return error


def mark_verified(user: User, source: str) -> None:
    if user.identity_verified_at is None:
        user.identity_verified_at = utcnow()
        user.identity_source = source
        audit.record(
            "auth.identity_verified",
            actor_uuid=user.uuid,
            subject=str(user.uuid),
            data={"source": source},
        )


def check_registration(data: dict) -> LookupResult | None:
    """Before a citizen account is created (``POPULATION_CHECK_AT_REGISTRATION``): ``verify``
    returns the result (``None`` when the database cannot answer: the account is created
    unverified); ``require`` refuses a mismatch or an unknown ID with ``IdentityMismatch``
    (422, the log row kept) and an unreachable database with 503."""
    mode = current_app.config["POPULATION_CHECK_AT_REGISTRATION"]
    if mode == "off":
        return None
    try:
        result = lookup(
            actor=None,
            purpose="registration",
            personal_id=data["personal_id"],
            full_name=data["full_name"],
            date_of_birth=data["date_of_birth"],
        )
    except PopulationUnavailable:
        if mode == "require":
            raise
        return None
    if result.outcome != "match" and mode == "require":
        error = IdentityMismatch(errors={"personal_id": ["integration.identity-mismatch.detail"]})
        error.keep_changes = True  # nothing but the lookup row was written
        raise error
    return result


def verify_account(user: User) -> User:
    """Check a citizen's own account now (e.g. registered while the database was down).
    Raises ``IdentityMismatch`` when the database disagrees (the log row is kept)."""
    if user.identity_verified_at is not None:
        return user
    result = lookup(
        actor=user,
        purpose="verify_account",
        personal_id=user.personal_id,
        full_name=user.full_name,
        date_of_birth=user.date_of_birth,
    )
    if result.outcome != "match":
        error = IdentityMismatch()
        error.keep_changes = True
        raise error
    mark_verified(user, "population_db")
    db.session.flush()
    return user


def prefill(user: User, *, purpose_note: str | None) -> dict:
    """The signed-in citizen's own record, to prefill an e-form."""
    result = lookup(
        actor=user,
        purpose="prefill",
        purpose_note=purpose_note,
        personal_id=user.personal_id,
        full_name=user.full_name,
        date_of_birth=user.date_of_birth,
    )
    if result.citizen is None:
        error = IdentityMismatch()
        error.keep_changes = True
        raise error
    mark_verified(user, "population_db")
    return record_view(result)


def record_view(result: LookupResult) -> dict:
    c = result.citizen
    return {
        "outcome": result.outcome,
        "personal_id": c.personal_id if c else None,
        "full_name": c.full_name if c else None,
        "date_of_birth": c.date_of_birth if c else None,
        "gender": c.gender if c else None,
        "ethnicity": c.ethnicity if c else None,
        "religion": c.religion if c else None,
        "hometown": c.hometown.__dict__ if c else None,
        "permanent_address": c.permanent_address.__dict__ if c else None,
        "current_address": c.current_address.__dict__ if c else None,
        "father_name": c.father_name if c else None,
        "mother_name": c.mother_name if c else None,
        "spouse_name": (c.spouse_name or None) if c else None,
        "household_head": c.household_head if c else None,
        "household_book": c.household_book if c else None,
    }
