"""Catalogue use cases: agencies, procedure publication (as versions), calendar entries."""

from __future__ import annotations

import sqlalchemy as sa

from backend.accounts.models import User
from backend.catalog.errors import (
    AgencyNotFound,
    CalendarEntryNotFound,
    DuplicateAgency,
    DuplicateCalendarEntry,
    DuplicateProcedure,
    InvalidCatalogInput,
    ProcedureNotFound,
)
from backend.catalog.forms import definition_errors
from backend.catalog.models import (
    DEFAULT_WORKING_HOURS,
    Agency,
    CalendarEntry,
    Procedure,
    ProcedureComponent,
    ProcedureFee,
    ProcedureVersion,
    VersionStatus,
)
from backend.catalog.units import unaccent
from backend.core import audit
from backend.core.calendar import WorkingHours
from backend.core.clock import utcnow
from backend.core.i18n import Message
from backend.extensions import db


def _agency_by_code(code: str) -> Agency | None:
    return db.session.scalar(sa.select(Agency).where(Agency.code == code))


def _check_working_hours(hours: dict) -> dict:
    try:
        return WorkingHours.from_dict(hours).to_dict()
    except ValueError as exc:
        raise InvalidCatalogInput(
            errors={"working_hours": [Message("catalog.working-hours-invalid", reason=str(exc))]}
        ) from exc


def _parent(code: str | None, agency: Agency | None = None) -> Agency | None:
    if code is None:
        return None
    parent = _agency_by_code(code)
    if parent is None:
        raise InvalidCatalogInput(errors={"parent_code": ["catalog.agency-unknown"]})
    node = parent
    while node is not None:  # walking up must never reach the agency itself
        if agency is not None and node.id == agency.id:
            raise InvalidCatalogInput(errors={"parent_code": ["catalog.parent-cycle"]})
        node = node.parent if node.parent_id else None
    return parent


def create_agency(data: dict, *, actor: User | None) -> Agency:
    """Create an agency. Raises ``DuplicateAgency`` (409) or ``InvalidCatalogInput`` (422)."""
    if _agency_by_code(data["code"]) is not None:
        raise DuplicateAgency()
    agency = Agency(
        code=data["code"],
        name_vi=data["name_vi"],
        name_en=data["name_en"],
        level=data["level"],
        address=data.get("address"),
        working_hours=_check_working_hours(data.get("working_hours") or DEFAULT_WORKING_HOURS),
    )
    agency.parent = _parent(data.get("parent_code"))
    db.session.add(agency)
    db.session.flush()
    audit.record(
        "catalog.agency_created", actor_uuid=actor.uuid if actor else None, subject=agency.code
    )
    return agency


def update_agency(agency: Agency, changes: dict, *, actor: User) -> Agency:
    """Rename, move, re-time, deactivate an agency or name its successor (2025 mergers)."""
    for name in ("name_vi", "name_en", "address", "is_active"):
        if name in changes:
            setattr(agency, name, changes[name])
    if "working_hours" in changes:
        agency.working_hours = _check_working_hours(changes["working_hours"])
    if "parent_code" in changes:
        agency.parent = _parent(changes["parent_code"], agency)
    if "successor_code" in changes:
        code = changes["successor_code"]
        successor = _agency_by_code(code) if code else None
        if code and (successor is None or successor.id == agency.id):
            raise InvalidCatalogInput(errors={"successor_code": ["catalog.agency-unknown"]})
        agency.successor = successor
    db.session.flush()
    audit.record(
        "catalog.agency_updated",
        actor_uuid=actor.uuid,
        subject=agency.code,
        data={k: v for k, v in changes.items() if k != "working_hours"},
    )
    return agency


def _resolve_agencies(data: dict) -> tuple[Agency, list[Agency]]:
    errors: dict = {}
    competent = _agency_by_code(data["competent_agency_code"])
    if competent is None:
        errors["competent_agency_code"] = ["catalog.agency-unknown"]
    elif not competent.is_active:
        errors["competent_agency_code"] = ["catalog.agency-inactive"]
    receiving = []
    for index, code in enumerate(dict.fromkeys(data["receiving_agency_codes"])):
        agency = _agency_by_code(code)
        if agency is None or not agency.is_active:
            key = "catalog.agency-unknown" if agency is None else "catalog.agency-inactive"
            errors.setdefault("receiving_agency_codes", {})[str(index)] = [key]
        else:
            receiving.append(agency)
    if errors:
        raise InvalidCatalogInput(errors=errors)
    return competent, receiving


def _check_form(form: dict) -> None:
    problems = definition_errors(form)
    if problems:
        errors: dict = {}
        for path, message in problems:
            key = f"form.{path}" if path else "form"
            errors.setdefault(key, []).append(Message("catalog.form-invalid", reason=message))
        raise InvalidCatalogInput(errors=errors)


def _search_fields(data: dict, competent: Agency, receiving: list[Agency]) -> tuple[str, str]:
    # "Thủ tục …" opens most official names: rank on what follows it.
    name = unaccent(f"{data['name_vi']} {data['name_en']}").removeprefix("thu tuc ")
    words = [
        name,
        unaccent(data["code"]),
        unaccent(f"{data['field']['name_vi']} {data['field']['name_en']}"),
        unaccent(data["result"]["name_vi"]),
        *(unaccent(a.name_vi) for a in [competent, *receiving]),
    ]
    return name, " ".join(words)


def publish_procedure(
    data: dict, *, actor: User | None, code: str | None = None
) -> ProcedureVersion:
    """Publish a procedure: version 1 of a new code (``code`` None), or the next version of an
    existing one. The previous version stays as it was (dossiers keep pointing at it) and is
    marked superseded. Raises ``DuplicateProcedure``, ``ProcedureNotFound`` or
    ``InvalidCatalogInput`` (unknown agencies, a form definition error with its path)."""
    if code is None:
        if db.session.scalar(sa.select(Procedure.id).where(Procedure.code == data["code"])):
            raise DuplicateProcedure()
        procedure = Procedure(code=data["code"])
        db.session.add(procedure)
        number = 1
    else:
        procedure = db.session.scalar(
            sa.select(Procedure).where(Procedure.code == code).with_for_update()
        )
        if procedure is None:
            raise ProcedureNotFound()
        if data["code"] != code:
            raise InvalidCatalogInput(errors={"code": ["catalog.code-immutable"]})
        number = len(procedure.versions) + 1
    competent, receiving = _resolve_agencies(data)
    _check_form(data["form"])
    search_name, search_text = _search_fields(data, competent, receiving)
    duration = data["duration"]
    version = ProcedureVersion(
        procedure=procedure,
        number=number,
        status=VersionStatus.PUBLISHED,
        published_at=utcnow(),
        published_by=actor.uuid if actor else None,
        name_vi=data["name_vi"],
        name_en=data["name_en"],
        field_code=data["field"]["code"],
        field_name_vi=data["field"]["name_vi"],
        field_name_en=data["field"]["name_en"],
        description_vi=data.get("description_vi", ""),
        description_en=data.get("description_en", ""),
        competent_agency=competent,
        receiving_agencies=receiving,
        online_level=data["online_level"],
        legal_basis=list(data.get("legal_basis", [])),
        duration_amount=duration["amount"],
        duration_unit=duration["unit"],
        cutoff=duration.get("cutoff"),
        supplement_policy=data["supplement_policy"],
        result_type_code=data["result"]["type_code"],
        result_name_vi=data["result"]["name_vi"],
        result_name_en=data["result"]["name_en"],
        result_template=data["result"]["template"],
        form=data["form"],
        search_name=search_name,
        search_text=search_text,
        has_fee=any(fee["amount"] > 0 for fee in data.get("fees", [])),
        components=[
            ProcedureComponent(position=i, **component)
            for i, component in enumerate(data["components"])
        ],
        fees=[ProcedureFee(position=i, **fee) for i, fee in enumerate(data.get("fees", []))],
    )
    db.session.add(version)
    if procedure.current_version is not None:
        procedure.current_version.status = VersionStatus.SUPERSEDED
    db.session.flush()
    procedure.current_version = version
    db.session.flush()
    audit.record(
        "catalog.procedure_published",
        actor_uuid=actor.uuid if actor else None,
        subject=procedure.code,
        data={"version": number},
    )
    return version


def add_calendar_entry(data: dict, *, actor: User) -> CalendarEntry:
    """Add an official day off or make-up working day, national or for one agency."""
    agency = None
    if data.get("agency_code"):
        agency = _agency_by_code(data["agency_code"])
        if agency is None:
            raise InvalidCatalogInput(errors={"agency_code": ["catalog.agency-unknown"]})
    clash = sa.select(CalendarEntry.id).where(CalendarEntry.day == data["day"])
    clash = clash.where(
        CalendarEntry.agency_id.is_(None)
        if agency is None
        else CalendarEntry.agency_id == agency.id
    )
    if db.session.scalar(clash) is not None:
        raise DuplicateCalendarEntry()
    entry = CalendarEntry(
        day=data["day"],
        kind=data["kind"],
        name_vi=data["name_vi"],
        name_en=data["name_en"],
        agency=agency,
    )
    db.session.add(entry)
    db.session.flush()
    audit.record(
        "catalog.calendar_entry_added",
        actor_uuid=actor.uuid,
        subject=entry.day.isoformat(),
        data={"kind": entry.kind, "agency": agency.code if agency else None},
    )
    return entry


def remove_calendar_entry(entry_id, *, actor: User) -> None:
    entry = db.session.scalar(sa.select(CalendarEntry).where(CalendarEntry.uuid == entry_id))
    if entry is None:
        raise CalendarEntryNotFound()
    audit.record(
        "catalog.calendar_entry_removed",
        actor_uuid=actor.uuid,
        subject=entry.day.isoformat(),
        data={"kind": entry.kind, "agency": entry.agency.code if entry.agency else None},
    )
    db.session.delete(entry)
    db.session.flush()


def get_agency_or_404(code: str) -> Agency:
    agency = _agency_by_code(code)
    if agency is None:
        raise AgencyNotFound()
    return agency
