"""Legal due moments for an agency: its working hours, the national holidays, and the
official days off and make-up working days (national and the agency's own)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from decimal import Decimal

import sqlalchemy as sa

from backend.catalog.models import Agency, CalendarEntry, ProcedureVersion
from backend.core.calendar import (
    DurationUnit,
    HolidayCalendar,
    Pause,
    WorkingHours,
    due_at,
    due_at_with_pauses,
)
from backend.extensions import db


def holiday_calendar(agency: Agency | None) -> HolidayCalendar:
    """The statutory holidays plus the calendar entries that apply to ``agency``."""
    scope = CalendarEntry.agency_id.is_(None)
    if agency is not None:
        scope = sa.or_(scope, CalendarEntry.agency_id == agency.id)
    rows = db.session.execute(
        sa.select(CalendarEntry.day, CalendarEntry.kind, CalendarEntry.agency_id).where(scope)
    ).all()
    # An agency's own entry wins over a national one for the same day.
    kinds: dict = {}
    for row in sorted(rows, key=lambda r: r.agency_id is not None):
        kinds[row.day] = row.kind
    return HolidayCalendar(
        extra_days_off=[d for d, k in kinds.items() if k == "day_off"],
        extra_working_days=[d for d, k in kinds.items() if k == "working_day"],
    )


def working_hours(agency: Agency) -> WorkingHours:
    return WorkingHours.from_dict(agency.working_hours)


def _cutoff(value: str | None) -> time | None:
    if not value:
        return None
    hour, minute = value.split(":")
    return time(int(hour), int(minute))


def procedure_due_at(
    version: ProcedureVersion,
    agency: Agency,
    received_at: datetime,
    pauses: Iterable[Pause] = (),
) -> datetime:
    """When a dossier of ``version`` received by ``agency`` at ``received_at`` is due, with
    the pause-policy shifts of ``pauses`` (restart-policy callers pass the restart moment)."""
    amount = Decimal(version.duration_amount)
    if amount == amount.to_integral_value():
        amount = int(amount)
    unit = DurationUnit(version.duration_unit)
    hours, calendar = working_hours(agency), holiday_calendar(agency)
    cutoff = _cutoff(version.cutoff)
    pauses = list(pauses)
    if pauses:
        return due_at_with_pauses(received_at, amount, unit, hours, calendar, pauses, cutoff=cutoff)
    return due_at(received_at, amount, unit, hours, calendar, cutoff=cutoff)
