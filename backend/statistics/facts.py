"""The ``dossier_facts`` projection: computed by SQL from the source rows, kept current on flush.

The dossiers whose row, attachments, supplement rounds, payments, issued documents, rating or
DVCQG sync flag a flush wrote are remembered; before the transaction commits (and before a
report reads in the same transaction, :func:`apply_pending`) their facts are recomputed with one
``INSERT … SELECT … ON CONFLICT DO UPDATE`` from the source tables (so they are never
"incremented" and cannot drift). Writers that bypass the ORM (bulk loads, ``COPY``) call
:func:`rebuild` or ``flask statistics rebuild-facts`` afterwards.

The per-dossier rules are those of :func:`backend.dossiers.deadlines.timeliness`. The owner's
identity check counts only when it happened at or before submission, so a later verification
(which no flush of the dossier sees) never changes a dossier's facts.
"""

from __future__ import annotations

import functools
import itertools

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.util import identity_key

from backend.accounts.models import User
from backend.core.db import AppSession
from backend.dossiers.events import step_recorded
from backend.dossiers.models import Dossier, DossierAttachment, SupplementRequest
from backend.integration.models import DvcqgDossierSync
from backend.payments.models import Payment
from backend.results.models import IssuedDocument
from backend.statistics.models import CRITERIA, DossierFacts, SatisfactionRating
from backend.statistics.sql import seconds_between, vn_date

#: Payment states that mean the dossier was paid online (refunds do not undo the payment).
PAID = ("succeeded", "partially_refunded", "refunded")
#: Rows whose change can change a dossier's facts (they carry ``dossier_id``).
CHILDREN = (
    DossierAttachment,
    SupplementRequest,
    Payment,
    IssuedDocument,
    SatisfactionRating,
    DvcqgDossierSync,
)

FACTS = DossierFacts.__table__


def facts_select(ids=None) -> sa.Select:
    """The facts of the submitted dossiers (only ``ids`` when given: a list or an expanding
    bind parameter), column for column."""
    d = Dossier

    def scoped(stmt, column):
        return stmt if ids is None else stmt.where(column.in_(ids))

    att = scoped(
        sa.select(
            DossierAttachment.dossier_id.label("dossier_id"),
            sa.func.max(sa.case((DossierAttachment.reused, 1), else_=0)).label("reused"),
            sa.func.max(
                sa.case((DossierAttachment.issued_document_id.is_not(None), 1), else_=0)
            ).label("from_store"),
        ),
        DossierAttachment.dossier_id,
    ).group_by(DossierAttachment.dossier_id)
    att = att.subquery("att")
    sup = scoped(
        sa.select(
            SupplementRequest.dossier_id.label("dossier_id"),
            sa.func.max(SupplementRequest.round).label("rounds"),
            sa.func.sum(
                seconds_between(SupplementRequest.accepted_at, SupplementRequest.requested_at)
            ).label("paused"),
        ),
        SupplementRequest.dossier_id,
    ).group_by(SupplementRequest.dossier_id)
    sup = sup.subquery("sup")
    paid = scoped(
        sa.select(Payment.dossier_id.label("dossier_id")).where(Payment.status.in_(PAID)),
        Payment.dossier_id,
    ).group_by(Payment.dossier_id)
    paid = paid.subquery("paid")
    docs = scoped(
        sa.select(IssuedDocument.dossier_id.label("dossier_id")).where(
            IssuedDocument.dossier_id.is_not(None)
        ),
        IssuedDocument.dossier_id,
    ).group_by(IssuedDocument.dossier_id)
    docs = docs.subquery("docs")
    rating = SatisfactionRating.__table__.alias("rating")
    sync = DvcqgDossierSync.__table__.alias("sync")
    owner = User.__table__.alias("owner")
    verified_at = owner.c.identity_verified_at

    finish = sa.func.coalesce(d.finished_at, d.closed_at)
    statistics_due = sa.func.coalesce(d.original_due_at, d.due_at)
    multi = sa.func.coalesce(sup.c.rounds, 0) > 1
    finish_day, due_day = vn_date(finish), vn_date(statistics_due)
    classed = sa.and_(finish.is_not(None), d.due_at.is_not(None))
    finish_class = sa.case(
        (sa.and_(classed, sa.or_(multi, finish_day > due_day)), "late"),
        (sa.and_(classed, finish_day < due_day), "early"),
        (classed, "on_time"),
        else_=None,
    )
    timed = sa.and_(d.finished_at.is_not(None), d.received_at.is_not(None))
    stmt = (
        sa.select(
            d.id,
            d.procedure_version_id,
            d.receiving_agency_id,
            d.competent_agency_id,
            d.channel,
            d.status,
            d.submitted_at,
            d.due_at,
            finish,
            d.finished_at.is_not(None),
            finish_class,
            sa.and_(classed, multi, finish_day <= due_day),
            sa.case(
                (
                    timed,
                    seconds_between(d.finished_at, d.received_at)
                    - sa.func.coalesce(sup.c.paused, 0),
                ),
                else_=None,
            ),
            att.c.dossier_id.is_not(None),
            sa.func.coalesce(att.c.reused, 0) == 1,
            sa.func.coalesce(att.c.from_store, 0) == 1,
            paid.c.dossier_id.is_not(None),
            docs.c.dossier_id.is_not(None),
            sync.c.known_to_portal.is_(True),
            sa.and_(verified_at.is_not(None), verified_at <= d.submitted_at),
            *(rating.c[name] for name in CRITERIA),
        )
        .select_from(
            sa.outerjoin(d.__table__, att, att.c.dossier_id == d.id)
            .outerjoin(sup, sup.c.dossier_id == d.id)
            .outerjoin(paid, paid.c.dossier_id == d.id)
            .outerjoin(docs, docs.c.dossier_id == d.id)
            .outerjoin(rating, rating.c.dossier_id == d.id)
            .outerjoin(sync, sync.c.dossier_id == d.id)
            .join(owner, owner.c.id == d.owner_id)
        )
        .where(d.submitted_at.is_not(None))
    )
    return stmt if ids is None else stmt.where(d.id.in_(ids))


COLUMNS = [
    "dossier_id",
    "procedure_version_id",
    "receiving_agency_id",
    "competent_agency_id",
    "channel",
    "status",
    "submitted_at",
    "due_at",
    "finished_at",
    "resolved",
    "finish_class",
    "late_by_supplements",
    "processing_seconds",
    "has_attachment",
    "reused",
    "from_store",
    "paid_online",
    "has_document",
    "on_portal",
    "identity_verified",
    *(f"rating_{name}" for name in CRITERIA),
]


@functools.cache
def _upsert(dialect_name: str):
    """The refresh statement, built once per dialect (its ids are an expanding parameter)."""
    insert = (postgresql.insert if dialect_name == "postgresql" else sqlite.insert)(FACTS)
    stmt = insert.from_select(COLUMNS, facts_select(sa.bindparam("ids", expanding=True)))
    return stmt.on_conflict_do_update(
        index_elements=[FACTS.c.dossier_id],
        set_={name: stmt.excluded[name] for name in COLUMNS[1:]},
    )


def refresh(connection, ids) -> None:
    """Recompute the facts of the dossiers ``ids`` (drafts have none) on ``connection``."""
    ids = sorted(i for i in ids if i is not None)
    if ids:
        connection.execute(_upsert(connection.dialect.name), {"ids": ids})


def rebuild(connection) -> int:
    """Recompute every dossier's facts; the number of rows."""
    connection.execute(FACTS.delete())
    connection.execute(FACTS.insert().from_select(COLUMNS, facts_select()))
    return connection.scalar(sa.select(sa.func.count()).select_from(FACTS))


def _is_draft(session, dossier_id) -> bool:
    """Whether the session holds ``dossier_id`` as a draft (drafts have no facts); never
    loads anything."""
    key = identity_key(Dossier, dossier_id)
    dossier = session.identity_map.get(key)
    return dossier is not None and dossier.submitted_at is None


PENDING = "statistics_facts_pending"


@event.listens_for(AppSession, "after_flush")
def _collect_touched(session, flush_context) -> None:
    # In after_flush, new/dirty/deleted still list what the flush wrote. The ids wait until
    # the transaction commits (or a report reads), so a request that flushes a dossier three
    # times recomputes its facts once.
    ids = set()
    for instance in itertools.chain(session.new, session.dirty, session.deleted):
        if isinstance(instance, Dossier):
            ids.add(instance.id)
        elif isinstance(instance, CHILDREN):
            ids.add(instance.dossier_id)
    ids = {i for i in ids if i is not None and not _is_draft(session, i)}
    if ids:
        session.info.setdefault(PENDING, set()).update(ids)


@step_recorded.connect
def _step_touches_facts(dossier, **_) -> None:
    # Every recorded step changes a dossier's facts, including steps whose rows were written
    # with set-based statements the flush never sees (the IPN settlement in payments).
    from backend.extensions import db

    if dossier.id is not None:
        db.session.info.setdefault(PENDING, set()).add(dossier.id)


def apply_pending(session) -> None:
    """Flush, then recompute the facts of the dossiers written in this transaction so far."""
    session.flush()
    ids = session.info.pop(PENDING, None)
    if ids:
        refresh(session.connection(), ids)


@event.listens_for(AppSession, "before_commit")
def _refresh_before_commit(session) -> None:
    # before_commit runs before the commit's own final flush: apply_pending flushes first.
    apply_pending(session)


@event.listens_for(AppSession, "after_soft_rollback")
def _forget_on_rollback(session, previous_transaction) -> None:
    if not session.in_transaction():
        session.info.pop(PENDING, None)


statistics_cli = AppGroup("statistics", help="Statistics maintenance.")


@statistics_cli.command("rebuild-facts")
def rebuild_facts_command() -> None:
    """Recompute the statistics projection of every dossier (after bulk loads)."""
    from backend.core.transaction import task_transaction
    from backend.extensions import db

    with task_transaction():
        count = rebuild(db.session.connection())
    click.echo(f"dossier_facts: {count} rows")
