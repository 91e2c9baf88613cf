"""The read side of statistics: one grouped aggregation over the dossiers of a period.

It reads the narrow ``dossier_facts`` projection (:mod:`backend.statistics.facts`: one row per
submitted dossier, recomputed by SQL from the dossier and its attachments, supplement rounds,
payments, issued documents, rating, DVCQG sync flag and owner's identity check before each
commit that wrote them).

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
* *Synced* (766 indicator 1.4): received and the National Public Service Portal has it (its
  sync flag's ``known_to_portal``). *Population* (4.5): received and its owner's identity had
  been verified by the population database or VNeID at or before submission.
"""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from backend.catalog.models import Agency, OnlineLevel, Procedure, ProcedureFee, ProcedureVersion
from backend.catalog.models import version_receiving_agencies as receiving_table
from backend.core.clock import VN_TZ, utcnow
from backend.core.db import UTCDateTime
from backend.dossiers.models import CHANNEL_COUNTER, CHANNEL_ONLINE, CHANNEL_POSTAL
from backend.dossiers.states import DossierStatus
from backend.extensions import db
from backend.statistics import facts
from backend.statistics.models import (
    CRITERIA,
    DISSATISFIED,
    SATISFIED,
    VERY_SATISFIED,
    DossierFacts,
)
from backend.statistics.sql import count_if, sum_if, vn_month

S = DossierStatus


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
    """The facts of a period's dossiers and the named conditions every counter uses."""

    def __init__(self, period: Period, reference: datetime):
        f = DossierFacts.__table__.c
        start = sa.literal(period.start, UTCDateTime())
        end = sa.literal(period.end, UTCDateTime())
        ref = sa.literal(reference, UTCDateTime())
        self.froms = DossierFacts.__table__
        finish = f.finished_at
        c: dict = {}
        c["in_scope"] = sa.and_(f.submitted_at < end, sa.or_(finish.is_(None), finish >= start))
        c["new"] = f.submitted_at >= start
        c["carried"] = f.submitted_at < start
        c["finished_in"] = sa.and_(finish.is_not(None), finish < end)
        c["open_at_end"] = sa.or_(finish.is_(None), finish >= end)
        for name in ("early", "on_time", "late"):
            c[name] = sa.and_(c["finished_in"], f.finish_class == name)
        c["late_by_supplements"] = sa.and_(c["finished_in"], f.late_by_supplements)
        c["waiting"] = sa.and_(finish.is_(None), f.status == S.SUPPLEMENT_REQUESTED)
        open_classed = sa.and_(c["open_at_end"], f.due_at.is_not(None))
        c["open_within"] = sa.and_(open_classed, sa.or_(c["waiting"], f.due_at >= ref))
        c["open_overdue"] = sa.and_(open_classed, sa.not_(c["waiting"]), f.due_at < ref)
        c["awaiting_reception"] = sa.and_(c["open_at_end"], f.due_at.is_(None), finish.is_(None))
        c["resolved"] = sa.and_(c["finished_in"], f.resolved)
        c["timed"] = sa.and_(c["resolved"], f.processing_seconds.is_not(None))
        c["rated"] = sa.and_(c["finished_in"], f.rating_overall.is_not(None))
        self.f = f
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


def _grouped_statement(period: Period, agency_id: int | None, reference: datetime):
    """The one aggregation: counters per (procedure version, competent agency)."""
    frame = _Frame(period, reference)
    f, c = frame.f, frame.c
    new, finished_in, resolved = c["new"], c["finished_in"], c["resolved"]
    columns = [
        count_if(new),
        count_if(sa.and_(new, f.channel == CHANNEL_COUNTER)),
        count_if(sa.and_(new, f.channel == CHANNEL_ONLINE)),
        count_if(sa.and_(new, f.channel == CHANNEL_POSTAL)),
        count_if(c["carried"]),
        sa.func.count(),
        count_if(c["early"]),
        count_if(c["on_time"]),
        count_if(c["late"]),
        count_if(c["late_by_supplements"]),
        count_if(c["open_within"]),
        count_if(c["open_overdue"]),
        count_if(c["awaiting_reception"]),
        count_if(resolved),
        count_if(sa.and_(finished_in, f.status == S.WITHDRAWN)),
        count_if(sa.and_(finished_in, f.status == S.REFUSED)),
        count_if(sa.and_(finished_in, f.status == S.STOPPED)),
        count_if(c["waiting"]),
        count_if(sa.and_(f.finished_at.is_(None), f.status == S.PAYMENT_REQUESTED)),
        count_if(c["timed"]),
        sum_if(f.processing_seconds, c["timed"]),
        count_if(sa.and_(new, f.paid_online)),
        count_if(sa.and_(resolved, f.has_document)),
        count_if(sa.and_(new, f.has_attachment, sa.or_(sa.not_(f.resolved), f.has_document))),
        count_if(sa.and_(new, f.reused)),
        count_if(sa.and_(new, sa.or_(f.from_store, f.has_document))),
        count_if(sa.and_(new, f.on_portal)),
        count_if(sa.and_(new, f.identity_verified)),
    ]
    rated = c["rated"]
    columns += [
        count_if(rated),
        count_if(sa.and_(rated, f.rating_overall == VERY_SATISFIED)),
        count_if(sa.and_(rated, f.rating_overall == SATISFIED)),
        count_if(sa.and_(rated, f.rating_overall == DISSATISFIED)),
    ]
    columns += [sum_if(f[f"rating_{name}"], rated) for name in CRITERIA]
    stmt = (
        sa.select(f.procedure_version_id, f.competent_agency_id, *columns)
        .select_from(frame.froms)
        .where(c["in_scope"])
    )
    if agency_id is not None:
        stmt = stmt.where(
            sa.or_(f.receiving_agency_id == agency_id, f.competent_agency_id == agency_id)
        )
    return stmt.group_by(f.procedure_version_id, f.competent_agency_id)


def classify(period: Period, now: datetime | None = None) -> dict[int, str | None]:
    """Dossier id → timeliness class for every dossier in scope of ``period``, with the very
    expressions the report counts (for checks against ``timeliness()``; never used on a
    whole province)."""
    now = now or utcnow()
    facts.apply_pending(db.session)
    frame = _Frame(period, min(period.end, now))
    rows = db.session.execute(
        sa.select(frame.f.dossier_id, frame.timeliness_class())
        .select_from(frame.froms)
        .where(frame.c["in_scope"])
    ).all()
    return dict(rows)


def count_dossiers(period: Period, agency_id: int | None = None, now: datetime | None = None):
    """Counters per (procedure version id, competent agency id) for ``period``.

    Returns ``{(version_id, agency_id): {counter: value}}``."""
    now = now or utcnow()
    reference = min(period.end, now)
    facts.apply_pending(db.session)
    rows = db.session.execute(_grouped_statement(period, agency_id, reference)).all()
    groups = {}
    for row in rows:
        values = dict(zip(COUNTERS, row[2:], strict=True))
        groups[(row[0], row[1])] = values
    return groups


def catalogue_counts(agency_id: int | None, used_procedures: set[int]) -> dict:
    """Procedure-side figures (766 indicators 3.1, 3.2, 3.5) for the procedures in scope: the
    current versions whose competent or a receiving agency is ``agency_id`` (all when None).
    ``used_procedures``: ids of the procedures that received an online dossier in the period
    (from the grouped counters)."""
    v = ProcedureVersion
    payable_online = (
        sa.exists()
        .where(
            ProcedureFee.version_id == v.id,
            ProcedureFee.amount > 0,
            ProcedureFee.payable == "at_submission",
        )
        .label("payable_online")
    )
    stmt = sa.select(v.procedure_id, v.online_level, v.has_fee, payable_online).join(
        Procedure, Procedure.current_version_id == v.id
    )
    if agency_id is not None:
        receives = sa.exists().where(
            receiving_table.c.version_id == v.id, receiving_table.c.agency_id == agency_id
        )
        stmt = stmt.where(sa.or_(v.competent_agency_id == agency_id, receives))
    rows = db.session.execute(stmt).all()
    online = [row for row in rows if row.online_level in (OnlineLevel.FULL, OnlineLevel.PARTIAL)]
    fees = [row for row in rows if row.has_fee]
    return {
        "procedures": len(rows),
        "online_services": len(online),
        "online_services_used": sum(1 for row in online if row.procedure_id in used_procedures),
        "fee_procedures": len(fees),
        "fee_procedures_payable_online": sum(1 for row in fees if row.payable_online),
    }


def versions_info(version_ids) -> dict[int, dict]:
    """Procedure code, names and fee flag of the given versions (names of the current one)."""
    if not version_ids:
        return {}
    current = aliased(ProcedureVersion)
    rows = db.session.execute(
        sa.select(
            ProcedureVersion.id,
            ProcedureVersion.procedure_id,
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
        row[0]: {
            "procedure_id": row[1],
            "has_fee": row[2],
            "code": row[3],
            "name_vi": row[4],
            "name_en": row[5],
        }
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


def sum_groups(groups) -> dict:
    """Add up counter dictionaries."""
    total = dict.fromkeys(COUNTERS, 0)
    for values in groups:
        for key in COUNTERS:
            total[key] += values[key] or 0
    total["processing_seconds"] = float(total["processing_seconds"])
    return total


def monthly_series(year: int, agency_id: int | None) -> list[dict]:
    """Twelve points for charts: dossiers received per month (by channel), and dossiers
    finished per month by class, with the ratings given for them. Two grouped statements."""
    facts.apply_pending(db.session)
    f = DossierFacts.__table__.c
    period = Period.year(year)
    start = sa.literal(period.start, UTCDateTime())
    end = sa.literal(period.end, UTCDateTime())
    scope = []
    if agency_id is not None:
        scope.append(sa.or_(f.receiving_agency_id == agency_id, f.competent_agency_id == agency_id))
    month = vn_month(f.submitted_at, year)
    received = db.session.execute(
        sa.select(
            month,
            sa.func.count(),
            count_if(f.channel == CHANNEL_COUNTER),
            count_if(f.channel == CHANNEL_ONLINE),
            count_if(f.channel == CHANNEL_POSTAL),
        )
        .where(f.submitted_at >= start, f.submitted_at < end, *scope)
        .group_by(month)
    ).all()
    month = vn_month(f.finished_at, year)
    finished = db.session.execute(
        sa.select(
            month,
            count_if(f.finish_class == "early"),
            count_if(f.finish_class == "on_time"),
            count_if(f.finish_class == "late"),
            count_if(f.rating_overall.is_not(None)),
            count_if(f.rating_overall == DISSATISFIED),
        )
        .where(f.finished_at >= start, f.finished_at < end, *scope)
        .group_by(month)
    ).all()
    points = {
        m: dict.fromkeys(
            (
                "received",
                "received_counter",
                "received_online",
                "received_postal",
                "early",
                "on_time",
                "late",
                "rated",
                "rated_dissatisfied",
            ),
            0,
        )
        for m in range(1, 13)
    }
    for m, total, counter, online, postal in received:
        points[m].update(
            received=total, received_counter=counter, received_online=online, received_postal=postal
        )
    for m, early, on_time, late, rated, dissatisfied in finished:
        points[m].update(
            early=early, on_time=on_time, late=late, rated=rated, rated_dissatisfied=dissatisfied
        )
    series = []
    for m in range(1, 13):
        p = points[m]
        done = p["early"] + p["on_time"] + p["late"]
        series.append(
            {
                "month": m,
                **p,
                "on_time_rate": (p["early"] + p["on_time"]) / done if done else None,
                "online_rate": p["received_online"] / p["received"] if p["received"] else None,
            }
        )
    return series
