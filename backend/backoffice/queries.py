"""Officers' queues: counts and keyset-paginated lists for the officer's agency."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from backend.accounts.models import User
from backend.catalog.deadlines import holiday_calendar, working_hours
from backend.catalog.models import Procedure, ProcedureVersion
from backend.catalog.units import unaccent
from backend.core.calendar import closing_time, next_working_day
from backend.core.clock import VN_TZ, utcnow
from backend.core.db import UTCDateTime
from backend.core.errors import BadRequest
from backend.dossiers.errors import DossierNotFound
from backend.dossiers.models import Dossier, SupplementRequest
from backend.dossiers.queries import can_officer_see
from backend.dossiers.states import DossierStatus
from backend.extensions import db

S = DossierStatus
#: Sorts dossiers without a due date after every real one.
FAR = datetime(9998, 1, 1, tzinfo=UTC)
OPEN = [S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED]

QUEUES = (
    "awaiting_reception",
    "received",
    "processing_mine",
    "processing_department",
    "supplement_requested",
    "supplement_received",
    "awaiting_payment",
    "awaiting_approval",
    "awaiting_issuance",
    "awaiting_delivery",
    "due_soon",
    "overdue",
)


def _open_round_supplied():
    """Whether the dossier's latest supplement round has been answered by the citizen."""
    latest = aliased(SupplementRequest)
    return (
        sa.select(latest.supplied_at.is_not(None))
        .where(latest.dossier_id == Dossier.id)
        .order_by(latest.round.desc())
        .limit(1)
        .scalar_subquery()
    )


def _due_soon_limit(officer: User) -> datetime:
    """The close of the next working day of the officer's agency."""
    agency = officer.agency
    hours, calendar = working_hours(agency), holiday_calendar(agency)
    today = utcnow().astimezone(VN_TZ).date()
    return closing_time(next_working_day(today, hours, calendar), hours, calendar)


def queue_condition(queue: str, officer: User, now: datetime | None = None):
    """The SQL condition of one queue for ``officer`` (only that one is built)."""
    now = now or utcnow()
    status = Dossier.status
    open_with_due = status.in_([S.RECEIVED, S.PROCESSING, S.PAYMENT_REQUESTED])
    builders = {
        "awaiting_reception": lambda: sa.and_(
            status == S.SUBMITTED, Dossier.awaiting_payment.is_(False)
        ),
        "received": lambda: status == S.RECEIVED,
        "processing_mine": lambda: sa.and_(
            status == S.PROCESSING, Dossier.assignee_id == officer.id
        ),
        "processing_department": lambda: status == S.PROCESSING,
        "supplement_requested": lambda: sa.and_(
            status == S.SUPPLEMENT_REQUESTED,
            sa.not_(sa.func.coalesce(_open_round_supplied(), False)),
        ),
        "supplement_received": lambda: sa.and_(
            status == S.SUPPLEMENT_REQUESTED, sa.func.coalesce(_open_round_supplied(), False)
        ),
        "awaiting_payment": lambda: sa.or_(
            status == S.PAYMENT_REQUESTED,
            sa.and_(status == S.SUBMITTED, Dossier.awaiting_payment.is_(True)),
        ),
        "awaiting_approval": lambda: sa.and_(status == S.PROCESSING, Dossier.stage == "leader"),
        "awaiting_issuance": lambda: sa.and_(status == S.PROCESSING, Dossier.stage == "clerk"),
        "awaiting_delivery": lambda: status == S.RESOLVED,
        "due_soon": lambda: sa.and_(
            open_with_due, Dossier.due_at >= now, Dossier.due_at <= _due_soon_limit(officer)
        ),
        "overdue": lambda: sa.and_(open_with_due, Dossier.due_at < now),
    }
    return builders[queue]()


def _scope(officer: User):
    """Dossiers the officer's agency receives or decides (all, for admins)."""
    if officer.has_role("admin"):
        return sa.true()
    return sa.or_(
        Dossier.receiving_agency_id == officer.agency_id,
        Dossier.competent_agency_id == officer.agency_id,
    )


def queue_counts(officer: User) -> dict[str, int]:
    """Every queue's count in one statement (conditional aggregates over the agency's
    open and recently finished dossiers)."""
    now = utcnow()
    columns = [
        sa.func.count().filter(queue_condition(queue, officer, now)).label(queue)
        for queue in QUEUES
    ]
    stmt = sa.select(*columns).where(_scope(officer), Dossier.status.in_([*OPEN, S.RESOLVED]))
    row = db.session.execute(stmt).one()
    return {queue: getattr(row, queue) for queue in QUEUES}


def _decode_cursor(cursor: str) -> tuple[str | None, int]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
        return data["d"], int(data["i"])
    except (ValueError, KeyError, TypeError) as exc:
        raise BadRequest("backoffice.bad-cursor") from exc


def _encode_cursor(dossier: Dossier) -> str:
    due = dossier.due_at.isoformat() if dossier.due_at else None
    raw = json.dumps({"d": due, "i": dossier.id}).encode()
    return base64.urlsafe_b64encode(raw).decode()


def list_queue(officer: User, filters: dict) -> dict:
    """One page of a queue (or of all the agency's dossiers), soonest due first, with a
    keyset cursor: ``after`` is the ``next`` of the previous page."""
    stmt = sa.select(Dossier).where(_scope(officer), Dossier.status != S.DRAFT)
    if filters.get("queue"):
        stmt = stmt.where(queue_condition(filters["queue"], officer))
    if filters.get("status"):
        stmt = stmt.where(Dossier.status == filters["status"])
    if filters.get("procedure"):
        stmt = stmt.where(
            Dossier.procedure_version_id.in_(
                sa.select(ProcedureVersion.id)
                .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
                .where(Procedure.code == filters["procedure"])
            )
        )
    if filters.get("submitted_from"):
        stmt = stmt.where(Dossier.submitted_at >= filters["submitted_from"])
    if filters.get("submitted_to"):
        stmt = stmt.where(Dossier.submitted_at < filters["submitted_to"] + timedelta(days=1))
    words = unaccent(filters.get("q") or "").split()[:6]
    for word in words:
        stmt = stmt.where(Dossier.search_text.contains(word, autoescape=True))
    # Soonest due first; dossiers without a due date (not yet received) come last.
    due = sa.func.coalesce(Dossier.due_at, sa.literal(FAR, UTCDateTime()), type_=UTCDateTime())
    if filters.get("after"):
        after_due, after_id = _decode_cursor(filters["after"])
        after_value = datetime.fromisoformat(after_due) if after_due else FAR
        stmt = stmt.where(
            sa.tuple_(due, Dossier.id) > sa.tuple_(sa.literal(after_value, UTCDateTime()), after_id)
        )
    size = filters["size"]
    # Sort and cut on the narrow keys first, then load only the rows of the page.
    ids = db.session.scalars(
        stmt.with_only_columns(Dossier.id).order_by(due, Dossier.id).limit(size + 1)
    ).all()
    more = len(ids) > size
    ids = ids[:size]
    rows = {d.id: d for d in db.session.scalars(sa.select(Dossier).where(Dossier.id.in_(ids)))}
    items = [rows[i] for i in ids]
    return {"items": items, "next": _encode_cursor(items[-1]) if more else None}


def get_for_officer_or_404(dossier_id, officer: User) -> Dossier:
    dossier = db.session.scalar(sa.select(Dossier).where(Dossier.uuid == dossier_id))
    if dossier is None or dossier.status == S.DRAFT or not can_officer_see(dossier, officer):
        raise DossierNotFound()
    return dossier


def specialists_for(dossier: Dossier) -> list[User]:
    """Active specialists of the dossier's competent agency: whom it can be assigned to."""
    from backend.accounts.models import OfficerRole

    return list(
        db.session.scalars(
            sa.select(User)
            .join(OfficerRole, OfficerRole.user_id == User.id)
            .where(
                User.kind == "officer",
                User.agency_id == dossier.competent_agency_id,
                User.is_active.is_(True),
                OfficerRole.role == "specialist",
            )
            .order_by(User.full_name, User.id)
        )
    )
