"""Catalogue reads: procedure search and detail, agencies, the calendar of a year."""

from __future__ import annotations

import functools
import re
from datetime import date, timedelta

import holidays
import sqlalchemy as sa
from sqlalchemy.orm import aliased, contains_eager, load_only, selectinload

from backend.catalog.deadlines import holiday_calendar
from backend.catalog.errors import ProcedureNotFound, VersionNotFound
from backend.catalog.models import (
    Agency,
    CalendarEntry,
    Procedure,
    ProcedureVersion,
    version_receiving_agencies,
)
from backend.catalog.units import unaccent
from backend.core.api import paginate
from backend.extensions import db

MAX_TOKENS = 8
#: Version numbers are 32-bit integers in the database.
MAX_VERSION = 2**31 - 1
#: A national procedure code such as 1.001193 (optionally with a local suffix).
_CODE = re.compile(r"^[0-9]\.[0-9]{6}(\.[A-Z0-9]{1,8})?$")
#: What a search result needs, and nothing heavier (no form, no descriptions).
_LIST_LOAD = (
    load_only(
        ProcedureVersion.id,
        ProcedureVersion.uuid,
        ProcedureVersion.procedure_id,
        ProcedureVersion.number,
        ProcedureVersion.name_vi,
        ProcedureVersion.name_en,
        ProcedureVersion.field_code,
        ProcedureVersion.field_name_vi,
        ProcedureVersion.field_name_en,
        ProcedureVersion.competent_agency_id,
        ProcedureVersion.online_level,
        ProcedureVersion.duration_amount,
        ProcedureVersion.duration_unit,
        ProcedureVersion.cutoff,
        ProcedureVersion.has_fee,
    ),
    selectinload(ProcedureVersion.fees),
)


def _current_versions():
    return sa.select(ProcedureVersion).join(
        Procedure, Procedure.current_version_id == ProcedureVersion.id
    )


def search_procedures(filters: dict) -> dict:
    """Published procedures matching ``filters``, best match first.

    The text query ignores accents and case: every word must appear in the procedure's
    search text (names, code, field, result, agencies); ranking favours a name that starts with
    the phrase, then contains it, then contains each word. A national code finds its procedure.
    One SQL statement (LIKE on an unaccented column, with a trigram index on PostgreSQL)
    returns the page and the total."""
    stmt = _current_versions()
    if filters.get("agency"):
        agency_ids = sa.select(Agency.id).where(Agency.code == filters["agency"])
        receiving = sa.select(version_receiving_agencies.c.version_id).where(
            version_receiving_agencies.c.agency_id.in_(agency_ids)
        )
        stmt = stmt.where(
            sa.or_(
                ProcedureVersion.competent_agency_id.in_(agency_ids),
                ProcedureVersion.id.in_(receiving),
            )
        )
    if filters.get("field"):
        stmt = stmt.where(ProcedureVersion.field_code == filters["field"])
    if filters.get("level"):
        stmt = stmt.where(ProcedureVersion.online_level == filters["level"])
    if filters.get("has_fee") is not None:
        stmt = stmt.where(ProcedureVersion.has_fee.is_(filters["has_fee"]))
    raw = (filters.get("q") or "").strip()
    phrase = unaccent(raw)
    tokens = list(dict.fromkeys(phrase.split()))[:MAX_TOKENS]
    order = [ProcedureVersion.name_vi, ProcedureVersion.id]
    if _CODE.match(raw):
        stmt = stmt.where(Procedure.code == raw)
    elif tokens:
        stmt = stmt.where(
            *(ProcedureVersion.search_text.contains(t, autoescape=True) for t in tokens)
        )
        name = ProcedureVersion.search_name
        score = (
            sa.case((name.startswith(phrase, autoescape=True), 100), else_=0)
            + sa.case((name.contains(phrase, autoescape=True), 50), else_=0)
            + sum(sa.case((name.contains(t, autoescape=True), 10), else_=0) for t in tokens)
        )
        # Best score first; among equals, the shorter (more specific) name.
        order[0:0] = [score.desc(), sa.func.length(name)]
    stmt = stmt.options(contains_eager(ProcedureVersion.procedure), *_LIST_LOAD).order_by(*order)
    return paginate(db.session, stmt, filters["page"], filters["size"])


def get_current_version(code: str) -> ProcedureVersion:
    version = db.session.scalar(_current_versions().where(Procedure.code == code))
    if version is None:
        raise ProcedureNotFound()
    return version


def get_version(code: str, number: int) -> ProcedureVersion:
    """A pinned version (dossiers keep the version they started with)."""
    procedure = db.session.scalar(sa.select(Procedure).where(Procedure.code == code))
    if procedure is None:
        raise ProcedureNotFound()
    if not 1 <= number <= MAX_VERSION:
        raise VersionNotFound()
    version = db.session.scalar(
        sa.select(ProcedureVersion).where(
            ProcedureVersion.procedure_id == procedure.id, ProcedureVersion.number == number
        )
    )
    if version is None:
        raise VersionNotFound()
    return version


def list_versions(code: str) -> list[ProcedureVersion]:
    procedure = db.session.scalar(sa.select(Procedure).where(Procedure.code == code))
    if procedure is None:
        raise ProcedureNotFound()
    return list(procedure.versions)


def list_agencies(filters: dict) -> dict:
    stmt = sa.select(Agency).order_by(Agency.code)
    if not filters.get("include_inactive"):
        stmt = stmt.where(Agency.is_active.is_(True))
    if filters.get("level"):
        stmt = stmt.where(Agency.level == filters["level"])
    if filters.get("parent"):
        parent = aliased(Agency)
        stmt = stmt.join(parent, Agency.parent_id == parent.id).where(
            parent.code == filters["parent"]
        )
    return paginate(db.session, stmt, filters["page"], filters["size"])


def calendar_year(year: int, agency: Agency | None) -> dict:
    """Every non-ordinary day of ``year``: statutory holidays (from the ``holidays`` package)
    and the official entries (national, and the agency's own when ``agency`` is given)."""
    calendar = holiday_calendar(agency)
    english = _english_holiday_names(year)
    days: dict = {}
    for day, name in sorted(calendar.package_holidays(year).items()):
        days[day] = {
            "date": day,
            "kind": "holiday",
            "name_vi": name,
            "name_en": english.get(day, name),
            "scope": "national",
        }
    weekend = (d for d in _days_of(year) if d.weekday() >= 5)
    for day in weekend:
        if calendar.is_extra_working_day(day) and day not in days:
            days[day] = {
                "date": day,
                "kind": "working_day",
                "name_vi": "Ngày làm việc bù",
                "name_en": "Make-up working day",
                "scope": "national",
            }
    scope = CalendarEntry.agency_id.is_(None)
    if agency is not None:
        scope = sa.or_(scope, CalendarEntry.agency_id == agency.id)
    entries = db.session.scalars(
        sa.select(CalendarEntry)
        .where(
            scope, CalendarEntry.day >= date(year, 1, 1), CalendarEntry.day <= date(year, 12, 31)
        )
        .order_by(CalendarEntry.day)
    )
    for entry in sorted(entries, key=lambda e: e.agency_id is not None):
        days[entry.day] = {
            "date": entry.day,
            "kind": entry.kind,
            "name_vi": entry.name_vi,
            "name_en": entry.name_en,
            "scope": entry.agency.code if entry.agency else "national",
        }
    return {
        "year": year,
        "agency": agency.code if agency else None,
        "days": [days[d] for d in sorted(days)],
    }


@functools.cache
def _english_holiday_names(year: int) -> dict:
    return dict(holidays.country_holidays("VN", years=year, language="en_US"))


def _days_of(year: int):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def list_calendar_entries(year: int) -> list[CalendarEntry]:
    return list(
        db.session.scalars(
            sa.select(CalendarEntry)
            .where(CalendarEntry.day >= date(year, 1, 1), CalendarEntry.day <= date(year, 12, 31))
            .order_by(CalendarEntry.day, CalendarEntry.agency_id)
        )
    )
