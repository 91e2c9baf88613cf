"""The read side of statistics: one grouped aggregation over the dossiers of a period.

Definitions (DOMAIN.md §3.4 and §7; README "Statistics" repeats them for users):

* The period is a range of Vietnam calendar days ``[first, last]``: ``start`` is ``first``
  00:00 and ``end`` is the day after ``last`` 00:00, both in Asia/Ho_Chi_Minh.
* A dossier's *finish* is ``coalesce(finished_at, closed_at)`` (NgayKetThucXuLy: result
  ready, else refused, withdrawn or stopped) — as :func:`backend.dossiers.deadlines.finish_moment`.
* *In scope* ("received or processed in the period"): submitted before ``end`` and not
  finished before ``start``. *Received* (new): submitted within the period; *carried over*:
  submitted before it. Drafts are never in scope.
* *Finished in the period* are classified early / on time / late by comparing the Vietnam
  date of the finish with the date of the statistics due date (``original_due_at`` when an
  apology re-dated the dossier, else ``due_at``); **more than one supplement request counts
  late**. Supplement pauses are already out of ``due_at``: accepting a supplement moves the
  due date by the paused working time (pause policy) or restarts it (restart policy), so
  "finish − pause ≤ due" is "finish ≤ due_at".
* *Open at the end* of the period: within the deadline when waiting for a supplement or when
  ``due_at`` ≥ the reference moment (the end of the period, or now for a running period),
  overdue otherwise. Dossiers without a due date (awaiting reception, refused at reception)
  have no timeliness class.
* Processing time of a resolved dossier: ``finished_at − received_at`` minus the time its
  supplement rounds kept it with the citizen (request → accepted supplement).
"""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from backend.catalog.models import Agency, OnlineLevel, Procedure, ProcedureFee, ProcedureVersion
from backend.catalog.models import version_receiving_agencies as receiving_table
from backend.core.clock import VN_TZ, utcnow
from backend.core.db import UTCDateTime
from backend.dossiers.models import (
    CHANNEL_COUNTER,
    CHANNEL_ONLINE,
    CHANNEL_POSTAL,
    Dossier,
    DossierAttachment,
    SupplementRequest,
)
from backend.dossiers.states import DossierStatus
from backend.extensions import db
from backend.payments.models import Payment
from backend.results.models import IssuedDocument
from backend.statistics import sources
from backend.statistics.models import DISSATISFIED, SATISFIED, VERY_SATISFIED, SatisfactionRating
from backend.statistics.sql import count_if, seconds_between, sum_if, vn_date

S = DossierStatus
#: Payment states that mean the dossier was paid online (refunds do not undo the payment).
PAID = ("succeeded", "partially_refunded", "refunded")


@dataclass(frozen=True)
class Period:
    """A report period: Vietnam calendar days ``first`` to ``last`` inclusive."""

    kind: str
    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(0), VN_TZ)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(0), VN_TZ)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls("month", date(year, month, 1), date(year, month, _month_days(year, month)))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first_month = 3 * (quarter - 1) + 1
        last_month = first_month + 2
        return cls(
            "quarter",
            date(year, first_month, 1),
            date(year, last_month, _month_days(year, last_month)),
        )

    @classmethod
    def year(cls, year: int) -> Period:
        return cls("year", date(year, 1, 1), date(year, 12, 31))


def _month_days(year: int, month: int) -> int:
    return pycalendar.monthrange(year, month)[1]


#: Counters returned by the grouped statement, in order.
COUNTERS = (
    "received",
    "received_counter",
    "received_online",
    "received_postal",
    "carried_over",
    "in_scope",
    "early",
    "on_time",
    "late",
    "late_by_supplements",
    "open_within",
    "open_overdue",
    "awaiting_reception",
    "resolved",
    "withdrawn",
    "refused",
    "stopped",
    "paused_supplement",
    "paused_payment",
    "timed",
    "processing_seconds",
    "received_paid_online",
    "resolved_with_e_result",
    "received_digitised",
    "received_reused",
    "received_from_repository",
    "received_synced",
    "received_population",
    "rated",
    "rated_very_satisfied",
    "rated_satisfied",
    "rated_dissatisfied",
    "rating_timeliness",
    "rating_contacts",
    "rating_agencies",
    "rating_attitude",
    "rating_ease",
    "rating_overall",
)


class _Frame:
    """The joined dossier rows of a period and the named conditions every counter uses."""

    def __init__(self, period: Period, reference: datetime, found: sources.Sources):
        d = Dossier
        start = sa.literal(period.start, UTCDateTime())
        end = sa.literal(period.end, UTCDateTime())
        ref = sa.literal(reference, UTCDateTime())
        att = (
            sa.select(
                DossierAttachment.dossier_id.label("dossier_id"),
                sa.func.max(sa.case((DossierAttachment.reused, 1), else_=0)).label("reused"),
                sa.func.max(
                    sa.case((DossierAttachment.issued_document_id.is_not(None), 1), else_=0)
                ).label("from_store"),
            )
            .group_by(DossierAttachment.dossier_id)
            .subquery("att")
        )
        sup = (
            sa.select(
                SupplementRequest.dossier_id.label("dossier_id"),
                sa.func.max(SupplementRequest.round).label("rounds"),
                sa.func.sum(
                    seconds_between(SupplementRequest.accepted_at, SupplementRequest.requested_at)
                ).label("paused"),
            )
            .group_by(SupplementRequest.dossier_id)
            .subquery("sup")
        )
        paid = (
            sa.select(Payment.dossier_id.label("dossier_id"))
            .where(Payment.status.in_(PAID))
            .group_by(Payment.dossier_id)
            .subquery("paid")
        )
        docs = (
            sa.select(IssuedDocument.dossier_id.label("dossier_id"))
            .where(IssuedDocument.dossier_id.is_not(None))
            .group_by(IssuedDocument.dossier_id)
            .subquery("docs")
        )
        self.rating = rating = SatisfactionRating.__table__.alias("rating")
        self.froms = (
            sa.outerjoin(d.__table__, att, att.c.dossier_id == d.id)
            .outerjoin(sup, sup.c.dossier_id == d.id)
            .outerjoin(paid, paid.c.dossier_id == d.id)
            .outerjoin(docs, docs.c.dossier_id == d.id)
            .outerjoin(rating, rating.c.dossier_id == d.id)
        )
        finish = sa.func.coalesce(d.finished_at, d.closed_at)
        statistics_due = sa.func.coalesce(d.original_due_at, d.due_at)
        multi = sa.func.coalesce(sup.c.rounds, 0) > 1
        finish_day, due_day = vn_date(finish), vn_date(statistics_due)
        c: dict = {}
        c["in_scope"] = sa.and_(
            d.submitted_at.is_not(None),
            d.submitted_at < end,
            sa.or_(finish.is_(None), finish >= start),
        )
        c["new"] = d.submitted_at >= start
        c["carried"] = d.submitted_at < start
        c["finished_in"] = sa.and_(finish.is_not(None), finish < end)
        c["open_at_end"] = sa.or_(finish.is_(None), finish >= end)
        c["multi"] = multi
        c["classed"] = sa.and_(c["finished_in"], d.due_at.is_not(None))
        c["early"] = sa.and_(c["classed"], sa.not_(multi), finish_day < due_day)
        c["on_time"] = sa.and_(c["classed"], sa.not_(multi), finish_day == due_day)
        c["late"] = sa.and_(c["classed"], sa.or_(multi, finish_day > due_day))
        c["late_by_supplements"] = sa.and_(c["classed"], multi, finish_day <= due_day)
        c["waiting"] = sa.and_(finish.is_(None), d.status == S.SUPPLEMENT_REQUESTED)
        open_classed = sa.and_(c["open_at_end"], d.due_at.is_not(None))
        c["open_within"] = sa.and_(open_classed, sa.or_(c["waiting"], d.due_at >= ref))
        c["open_overdue"] = sa.and_(open_classed, sa.not_(c["waiting"]), d.due_at < ref)
        c["resolved"] = sa.and_(c["finished_in"], d.finished_at.is_not(None))
        c["timed"] = sa.and_(c["resolved"], d.received_at.is_not(None))
        c["has_attachment"] = att.c.dossier_id.is_not(None)
        c["has_document"] = docs.c.dossier_id.is_not(None)
        c["reused"] = att.c.reused == 1
        c["from_store"] = att.c.from_store == 1
        c["paid_online"] = paid.c.dossier_id.is_not(None)
        c["rated"] = sa.and_(c["finished_in"], rating.c.id.is_not(None))
        self.processing_seconds = seconds_between(d.finished_at, d.received_at) - sa.func.coalesce(
            sup.c.paused, 0
        )
        self.finish = finish
        self.found = found
        self.c = c

    def timeliness_class(self) -> sa.ColumnElement:
        """The class of one dossier, as :func:`backend.dossiers.deadlines.timeliness` gives."""
        c = self.c
        return sa.case(
            (c["early"], "early"),
            (c["on_time"], "on_time"),
            (c["late"], "late"),
            (c["open_within"], "open_within"),
            (c["open_overdue"], "open_overdue"),
            else_=None,
        )


def _grouped_statement(period: Period, agency_id: int | None, reference: datetime, found):
    """The one aggregation: counters per (procedure version, competent agency)."""
    d = Dossier
    frame = _Frame(period, reference, found)
    c, rating = frame.c, frame.rating
    new, finished_in, resolved = c["new"], c["finished_in"], c["resolved"]
    columns = [
        count_if(new),
        count_if(sa.and_(new, d.channel == CHANNEL_COUNTER)),
        count_if(sa.and_(new, d.channel == CHANNEL_ONLINE)),
        count_if(sa.and_(new, d.channel == CHANNEL_POSTAL)),
        count_if(c["carried"]),
        sa.func.count(),
        count_if(c["early"]),
        count_if(c["on_time"]),
        count_if(c["late"]),
        count_if(c["late_by_supplements"]),
        count_if(c["open_within"]),
        count_if(c["open_overdue"]),
        count_if(sa.and_(c["open_at_end"], d.due_at.is_(None), frame.finish.is_(None))),
        count_if(resolved),
        count_if(sa.and_(finished_in, d.status == S.WITHDRAWN)),
        count_if(sa.and_(finished_in, d.status == S.REFUSED)),
        count_if(sa.and_(finished_in, d.status == S.STOPPED)),
        count_if(c["waiting"]),
        count_if(sa.and_(frame.finish.is_(None), d.status == S.PAYMENT_REQUESTED)),
        count_if(c["timed"]),
        sum_if(frame.processing_seconds, c["timed"]),
        count_if(sa.and_(new, c["paid_online"])),
        count_if(sa.and_(resolved, c["has_document"])),
        count_if(
            sa.and_(new, c["has_attachment"], sa.or_(d.finished_at.is_(None), c["has_document"]))
        ),
        count_if(sa.and_(new, c["reused"])),
        count_if(sa.and_(new, sa.or_(c["from_store"], c["has_document"]))),
    ]
    froms = frame.froms
    if found.sync:
        columns.append(count_if(sa.and_(new, sources.synced_at().is_not(None))))
    else:
        columns.append(sa.literal(None))
    if found.population:
        lookups = sources.population_lookups()
        queried = (
            sa.select(lookups.c.dossier_id.label("dossier_id"))
            .where(lookups.c.dossier_id.is_not(None))
            .group_by(lookups.c.dossier_id)
            .subquery("pop")
        )
        froms = froms.outerjoin(queried, queried.c.dossier_id == d.id)
        columns.append(count_if(sa.and_(new, queried.c.dossier_id.is_not(None))))
    else:
        columns.append(sa.literal(None))
    rated = c["rated"]
    columns += [
        count_if(rated),
        count_if(sa.and_(rated, rating.c.overall == VERY_SATISFIED)),
        count_if(sa.and_(rated, rating.c.overall == SATISFIED)),
        count_if(sa.and_(rated, rating.c.overall == DISSATISFIED)),
    ]
    columns += [
        sum_if(rating.c[name], rated)
        for name in ("timeliness", "contacts", "agencies", "attitude", "ease", "overall")
    ]
    stmt = (
        sa.select(d.procedure_version_id, d.competent_agency_id, *columns)
        .select_from(froms)
        .where(c["in_scope"])
    )
    if agency_id is not None:
        stmt = stmt.where(
            sa.or_(d.receiving_agency_id == agency_id, d.competent_agency_id == agency_id)
        )
    return stmt.group_by(d.procedure_version_id, d.competent_agency_id)


def classify(period: Period, now: datetime | None = None) -> dict[int, str | None]:
    """Dossier id → timeliness class for every dossier in scope of ``period``, with the very
    expressions the report counts (for checks against ``timeliness()``; never used on a
    whole province)."""
    now = now or utcnow()
    frame = _Frame(period, min(period.end, now), sources.Sources(False, False))
    rows = db.session.execute(
        sa.select(Dossier.id, frame.timeliness_class())
        .select_from(frame.froms)
        .where(frame.c["in_scope"])
    ).all()
    return dict(rows)


def count_dossiers(period: Period, agency_id: int | None = None, now: datetime | None = None):
    """Counters per (procedure version id, competent agency id) for ``period``.

    Returns ``({(version_id, agency_id): {counter: value}}, sources)``."""
    now = now or utcnow()
    reference = min(period.end, now)
    found = sources.detect()
    rows = db.session.execute(_grouped_statement(period, agency_id, reference, found)).all()
    groups = {}
    for row in rows:
        values = dict(zip(COUNTERS, row[2:], strict=True))
        groups[(row[0], row[1])] = values
    return groups, found


def catalogue_counts(agency_id: int | None, period: Period) -> dict:
    """Procedure-side figures (766 indicators 3.1, 3.2, 3.5) for the procedures in scope:
    the current versions whose competent or a receiving agency is ``agency_id`` (all when
    None)."""
    v = ProcedureVersion
    scoped = sa.select(v.id, v.procedure_id, v.online_level, v.has_fee).join(
        Procedure, Procedure.current_version_id == v.id
    )
    if agency_id is not None:
        receives = sa.exists().where(
            receiving_table.c.version_id == v.id, receiving_table.c.agency_id == agency_id
        )
        scoped = scoped.where(sa.or_(v.competent_agency_id == agency_id, receives))
    scoped = scoped.subquery("scoped")
    online = scoped.c.online_level.in_([OnlineLevel.FULL, OnlineLevel.PARTIAL])
    payable_online = sa.exists().where(
        ProcedureFee.version_id == scoped.c.id,
        ProcedureFee.amount > 0,
        ProcedureFee.payable == "at_submission",
    )
    # An online service "has dossiers" when any version of the procedure received an online
    # dossier in the period.
    start = sa.literal(period.start, UTCDateTime())
    end = sa.literal(period.end, UTCDateTime())
    used = sa.exists().where(
        Dossier.procedure_version_id == ProcedureVersion.id,
        ProcedureVersion.procedure_id == scoped.c.procedure_id,
        Dossier.channel == CHANNEL_ONLINE,
        Dossier.submitted_at >= start,
        Dossier.submitted_at < end,
    )
    if agency_id is not None:
        used = used.where(
            sa.or_(
                Dossier.receiving_agency_id == agency_id, Dossier.competent_agency_id == agency_id
            )
        )
    row = db.session.execute(
        sa.select(
            sa.func.count(),
            count_if(online),
            count_if(sa.and_(online, used)),
            count_if(scoped.c.has_fee),
            count_if(sa.and_(scoped.c.has_fee, payable_online)),
        ).select_from(scoped)
    ).one()
    keys = ("procedures", "online_services", "online_services_used", "fee_procedures")
    return dict(zip((*keys, "fee_procedures_payable_online"), row, strict=True))


def versions_info(version_ids) -> dict[int, dict]:
    """Procedure code, names and fee flag of the given versions (names of the current one)."""
    if not version_ids:
        return {}
    current = sa.orm.aliased(ProcedureVersion)
    rows = db.session.execute(
        sa.select(
            ProcedureVersion.id,
            ProcedureVersion.has_fee,
            Procedure.code,
            sa.func.coalesce(current.name_vi, ProcedureVersion.name_vi),
            sa.func.coalesce(current.name_en, ProcedureVersion.name_en),
        )
        .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
        .outerjoin(current, current.id == Procedure.current_version_id)
        .where(ProcedureVersion.id.in_(list(version_ids)))
    ).all()
    return {
        row[0]: {"has_fee": row[1], "code": row[2], "name_vi": row[3], "name_en": row[4]}
        for row in rows
    }


def agencies_info(agency_ids) -> dict[int, dict]:
    if not agency_ids:
        return {}
    rows = db.session.execute(
        sa.select(Agency.id, Agency.code, Agency.name_vi, Agency.name_en).where(
            Agency.id.in_(list(agency_ids))
        )
    ).all()
    return {row[0]: {"code": row[1], "name_vi": row[2], "name_en": row[3]} for row in rows}


def sum_groups(groups, found: sources.Sources) -> dict:
    """Add up counter dictionaries; a source that is not available stays ``None``."""
    total = dict.fromkeys(COUNTERS, 0)
    for values in groups:
        for key in COUNTERS:
            total[key] += values[key] or 0
    total["processing_seconds"] = float(total["processing_seconds"])
    if not found.sync:
        total["received_synced"] = None
    if not found.population:
        total["received_population"] = None
    return total
