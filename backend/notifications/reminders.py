"""Reminders and digests run by Celery beat (times in Asia/Ho_Chi_Minh, see celery_app).

Each function takes ``now`` (default: the clock) so tests drive them with a frozen clock, adds
notifications once (their key names the reminder and its subject), and returns how many it
added. Working days come from the agency's calendar (``catalog.deadlines``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from backend.accounts.models import User
from backend.catalog.deadlines import holiday_calendar, working_hours
from backend.catalog.models import Agency
from backend.core.calendar import (
    WorkingHours,
    add_working_days,
    closing_time,
    is_working_day,
    next_working_day,
)
from backend.core.clock import VN_TZ, utcnow
from backend.dossiers.models import Dossier, SupplementRequest
from backend.dossiers.states import DossierStatus
from backend.extensions import db
from backend.notifications import services
from backend.notifications.models import Notification
from backend.notifications.receivers import _items_text, dossier_context, officers
from backend.notifications.templates import format_amount, format_moment

S = DossierStatus
#: Statuses with a running legal clock.
WITH_DUE = (S.RECEIVED, S.PROCESSING, S.PAYMENT_REQUESTED)
#: How many dossiers a digest lists by code (the counts are complete).
DIGEST_LIST_LIMIT = 20


class _Calendars:
    """Working hours and holiday calendars per agency, loaded once per run."""

    def __init__(self):
        self._cache: dict = {}

    def __call__(self, agency_id: int | None):
        if agency_id not in self._cache:
            agency = db.session.get(Agency, agency_id) if agency_id else None
            hours = working_hours(agency) if agency else WorkingHours()
            self._cache[agency_id] = (hours, holiday_calendar(agency))
        return self._cache[agency_id]


def _today(now: datetime):
    return now.astimezone(VN_TZ).date()


def _remind(user, dossier, template: str, key: str, anchor: str, details) -> bool:
    """Remind ``user`` once (``key``) about ``dossier``, linking to its ``anchor`` section;
    ``details(locale)`` gives the template's own fields. Whether a notification was added."""
    url = services.dossier_link(dossier.uuid, anchor)

    def context(locale):
        return {**dossier_context(dossier, locale), **details(locale), "action_link": url}

    added = services.notify(
        user, template, key=key, context=context, url=url, dossier_id=dossier.id, once=True
    )
    return added is not None


def remind_supplements(now: datetime | None = None) -> int:
    """Citizens whose supplement deadline is within two working days (of the receiving
    agency) and who have not answered yet; once per supplement round. A request made today
    is not reminded the same day."""
    now = now or utcnow()
    today = _today(now)
    calendars = _Calendars()
    rows = db.session.execute(
        sa.select(SupplementRequest, Dossier)
        .join(Dossier, Dossier.id == SupplementRequest.dossier_id)
        .where(
            Dossier.status == S.SUPPLEMENT_REQUESTED,
            SupplementRequest.supplied_at.is_(None),
            SupplementRequest.deadline_at > now,
            SupplementRequest.deadline_at < now + timedelta(days=30),
        )
        .order_by(SupplementRequest.id)
    ).all()
    count = 0
    for supplement, dossier in rows:
        if supplement is not dossier.supplements[-1]:
            continue
        if _today(supplement.requested_at) >= today:
            continue
        hours, calendar = calendars(dossier.receiving_agency_id)
        if _today(supplement.deadline_at) > add_working_days(today, 2, hours, calendar):
            continue
        count += _remind(
            dossier.owner,
            dossier,
            "supplement_reminder",
            f"remind-supplement:{supplement.id}",
            "bo-sung",
            lambda locale, s=supplement: {
                "deadline": format_moment(s.deadline_at, locale),
                "items": _items_text(s.items, locale),
            },
        )
    return count


def remind_expiring_payments(now: datetime | None = None) -> int:
    """Payers whose payment attempt is still pending and expires within
    ``NOTIFY_PAYMENT_REMINDER_MINUTES``, while the dossier still owes it; once per attempt."""
    from backend.payments.models import Payment

    now = now or utcnow()
    window = timedelta(minutes=current_app.config["NOTIFY_PAYMENT_REMINDER_MINUTES"])
    rows = db.session.execute(
        sa.select(Payment, Dossier)
        .join(Dossier, Dossier.id == Payment.dossier_id)
        .where(
            Payment.status == "pending",
            Payment.expires_at > now,
            Payment.expires_at <= now + window,
            Dossier.amount_due > 0,
        )
        .order_by(Payment.id)
    ).all()
    count = 0
    for payment, dossier in rows:
        count += _remind(
            db.session.get(User, payment.payer_id),
            dossier,
            "payment_expiring",
            f"remind-payment:{payment.id}",
            "thanh-toan",
            lambda locale, p=payment: {
                "amount": format_amount(p.amount, locale),
                "expires_at": format_moment(p.expires_at, locale),
            },
        )
    return count


def remind_uncollected_results(now: datetime | None = None) -> int:
    """Citizens whose result has been ready for ``NOTIFY_RESULT_REMINDER_DAYS`` days and is
    not delivered yet; once per dossier. Only results that became due in the last week are
    looked at (a week of missed beats is caught up; old undelivered results are not re-read
    every day)."""
    now = now or utcnow()
    due = now - timedelta(days=current_app.config["NOTIFY_RESULT_REMINDER_DAYS"])
    dossiers = db.session.scalars(
        sa.select(Dossier)
        .where(
            Dossier.status == S.RESOLVED,
            Dossier.finished_at <= due,
            Dossier.finished_at > due - timedelta(days=7),
        )
        .order_by(Dossier.id)
    ).all()
    count = 0
    for dossier in dossiers:
        count += _remind(
            dossier.owner,
            dossier,
            "result_reminder",
            f"remind-result:{dossier.id}",
            "ket-qua",
            lambda locale, d=dossier: {"finished_at": format_moment(d.finished_at, locale)},
        )
    return count


def remind_due_tomorrow(now: datetime | None = None) -> int:
    """Officers responsible for a dossier due on the next working day: its specialist, or the
    department heads of the competent agency while nobody is assigned; once per due date."""
    now = now or utcnow()
    today = _today(now)
    calendars = _Calendars()
    dossiers = db.session.scalars(
        sa.select(Dossier)
        .where(
            Dossier.status.in_(WITH_DUE),
            Dossier.due_at > now,
            Dossier.due_at < now + timedelta(days=15),
        )
        .order_by(Dossier.due_at, Dossier.id)
    ).all()
    count = 0
    for dossier in dossiers:
        hours, calendar = calendars(dossier.receiving_agency_id)
        if _today(dossier.due_at) != next_working_day(today, hours, calendar):
            continue
        people = (
            [dossier.assignee]
            if dossier.assignee
            else officers(dossier.competent_agency_id, ["dept_head"])
        )
        for officer in people:
            added = services.notify(
                officer,
                "due_tomorrow",
                key=f"due-tomorrow:{dossier.id}:{_today(dossier.due_at).isoformat()}",
                context=lambda locale, d=dossier: dossier_context(d, locale),
                url=services.officer_link(dossier.uuid),
                dossier_id=dossier.id,
                once=True,
            )
            count += added is not None
    return count


def purge_old(now: datetime | None = None) -> int:
    """Delete notifications (and their messages, with the personal data in their texts) older
    than ``NOTIFY_RETENTION_DAYS``; unread required notices are kept until read."""
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["NOTIFY_RETENTION_DAYS"])
    old = sa.select(Notification.id).where(
        Notification.created_at < cutoff,
        sa.or_(Notification.read_at.is_not(None), Notification.required.is_(False)),
    )
    # Their messages go with them (ON DELETE CASCADE).
    deleted = db.session.execute(
        sa.delete(Notification)
        .where(Notification.id.in_(old))
        .execution_options(synchronize_session=False)
    ).rowcount
    return deleted or 0


#: Who receives the daily digest, and of which dossiers.
DIGEST_ALL = ("reception_officer", "dept_head", "leader")


def send_daily_digests(now: datetime | None = None) -> int:
    """On the national working days, each officer gets the dossiers of their agency that are
    overdue or due by the close of the next working day (specialists: only those assigned to
    them; reception officers, department heads and leaders: all); nobody gets an empty one."""
    now = now or utcnow()
    today = _today(now)
    national = WorkingHours(), holiday_calendar(None)
    if not is_working_day(today, *national):
        return 0
    calendars = _Calendars()
    dossiers = db.session.scalars(
        sa.select(Dossier)
        .where(Dossier.status.in_(WITH_DUE), Dossier.due_at.is_not(None))
        .where(Dossier.due_at < now + timedelta(days=15))
        .order_by(Dossier.due_at, Dossier.id)
    ).all()
    by_agency: dict[int, list[tuple[Dossier, bool]]] = defaultdict(list)
    for dossier in dossiers:
        hours, calendar = calendars(dossier.receiving_agency_id)
        limit = closing_time(next_working_day(today, hours, calendar), hours, calendar)
        if dossier.due_at > limit:
            continue
        overdue = dossier.due_at < now
        for agency_id in {dossier.receiving_agency_id, dossier.competent_agency_id}:
            by_agency[agency_id].append((dossier, overdue))
    count = 0
    for agency_id, items in by_agency.items():
        for officer in officers(agency_id, [*DIGEST_ALL, "specialist"], with_roles=True):
            if not officer.has_role(*DIGEST_ALL):
                mine = [(d, o) for d, o in items if d.assignee_id == officer.id]
            else:
                mine = items
            if mine:
                count += _digest(officer, mine, today, now) is not None
    return count


def _digest(officer: User, items, today, now):
    overdue = [d for d, late in items if late]
    due = [d for d, late in items if not late]

    def listing(dossiers, locale):
        lines = [
            f"- {d.code} — {d.applicant_name} — {format_moment(d.due_at, locale)}"
            for d in dossiers[:DIGEST_LIST_LIMIT]
        ]
        if len(dossiers) > DIGEST_LIST_LIMIT:
            more = len(dossiers) - DIGEST_LIST_LIMIT
            lines.append(f"… +{more}")
        return "\n".join(lines) or ("(none)" if locale == "en" else "(không có)")

    agency = officer.agency

    def context(locale):
        return {
            "day": today.strftime("%d/%m/%Y"),
            "agency": (agency.name_en if locale == "en" else agency.name_vi) if agency else "",
            "due_count": len(due),
            "overdue_count": len(overdue),
            "due": listing(due, locale),
            "overdue": listing(overdue, locale),
            "queue_link": services.queue_link(),
        }

    return services.notify(
        officer,
        "daily_digest",
        key=f"digest:{today.isoformat()}",
        context=context,
        url=services.queue_link(),
        once=True,
    )
