"""One function for a dossier's deadline picture, shared by queues, dossier views and statistics.

DOMAIN.md §3.4: a finished dossier is early / on time / late by comparing the *date* it
finished (status 9, or 10, or its refusal, withdrawal or stop) with its due date; more than one
supplement request counts as late; an apology's new date does not make a late dossier on time
(the original due date is kept for that). An open dossier is within its deadline or overdue.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from backend.catalog.deadlines import holiday_calendar, working_hours
from backend.core.calendar import Pause, working_time_between
from backend.core.clock import VN_TZ, utcnow
from backend.dossiers.models import Dossier
from backend.dossiers.states import DossierStatus

EARLY, ON_TIME, LATE = "early", "on_time", "late"
OPEN_WITHIN, OPEN_OVERDUE = "open_within", "open_overdue"


def pauses(dossier: Dossier, now: datetime | None = None) -> list[Pause]:
    """Supplement intervals: from the request until the officer accepted the supplement
    (still running for an open round)."""
    now = now or utcnow()
    return [
        Pause(request.requested_at, request.accepted_at or now)
        for request in dossier.supplements
        if (request.accepted_at or now) > request.requested_at
    ]


def finish_moment(dossier: Dossier) -> datetime | None:
    """NgayKetThucXuLy: when processing ended, or None while it goes on."""
    return dossier.finished_at or dossier.closed_at


def timeliness(dossier: Dossier, now: datetime | None = None) -> dict:
    """Due date, working time left, pauses and the timeliness class of ``dossier``."""
    now = now or utcnow()
    due = dossier.due_at
    statistics_due = dossier.original_due_at or due
    finished = finish_moment(dossier)
    result: dict = {
        "due_at": due,
        "original_due_at": dossier.original_due_at,
        "paused": [{"start": p.start, "end": p.end} for p in pauses(dossier, now)],
        "supplement_rounds": len(dossier.supplements),
        "working_time_left_seconds": None,
        "class": None,
    }
    if due is None or dossier.status == DossierStatus.DRAFT:
        return result
    if finished is not None:
        if len(dossier.supplements) > 1:
            result["class"] = LATE
        else:
            finished_day = finished.astimezone(VN_TZ).date()
            due_day = statistics_due.astimezone(VN_TZ).date()
            result["class"] = (
                EARLY if finished_day < due_day else ON_TIME if finished_day == due_day else LATE
            )
        return result
    agency = dossier.receiving_agency
    left = working_time_between(now, due, working_hours(agency), holiday_calendar(agency))
    result["working_time_left_seconds"] = int(left / timedelta(seconds=1))
    if dossier.status == DossierStatus.SUPPLEMENT_REQUESTED:
        result["class"] = OPEN_WITHIN  # paused: the clock waits for the citizen
    else:
        result["class"] = OPEN_WITHIN if due >= now else OPEN_OVERDUE
    return result
