"""Catalogue endpoints: public procedure search and detail, agencies, administrative units,
the working-day calendar; admin publication of procedures, agencies and calendar entries."""

from __future__ import annotations

from flask_restx import Namespace, Resource

from backend.accounts.auth import current_user, login_required, public
from backend.accounts.models import Role
from backend.catalog import queries, services, units
from backend.catalog.deadlines import procedure_due_at
from backend.catalog.errors import AgencyNotFound
from backend.catalog.forms import validate_data
from backend.catalog.schemas import (
    AgencyInputSchema,
    AgencyListQuerySchema,
    AgencySchema,
    AgencyUpdateSchema,
    CalendarEntryInputSchema,
    CalendarEntryListQuerySchema,
    CalendarEntrySchema,
    CalendarQuerySchema,
    CalendarYearSchema,
    DueDateQuerySchema,
    DueDateSchema,
    FormCheckResultSchema,
    FormCheckSchema,
    ProcedureDetailSchema,
    ProcedureInputSchema,
    ProcedureListItemSchema,
    ProcedureSearchQuerySchema,
    ProvinceSchema,
    VersionSummarySchema,
    WardSchema,
)
from backend.core.api import accepts, documents_errors, page_schema, responds
from backend.core.clock import utcnow
from backend.core.i18n import translate_errors

procedures_ns = Namespace("procedures", description="Administrative procedures (public)")
agencies_ns = Namespace("agencies", description="Agencies (public)")
units_ns = Namespace("admin-units", description="Provinces and communes for address pickers")
calendar_ns = Namespace("calendar", description="The working-day calendar (public)")
catalog_admin_ns = Namespace(
    "admin-catalog", description="Administration: procedures, agencies, calendar entries"
)

ProcedurePageSchema = page_schema(ProcedureListItemSchema, "ProcedurePage")
AgencyPageSchema = page_schema(AgencySchema, "AgencyPage")

PROCEDURE_CODE = "<string:code>"


@procedures_ns.route("")
class ProcedureList(Resource):
    @public
    @accepts(ProcedureSearchQuerySchema, location="query")
    @responds(ProcedurePageSchema, description="Matching procedures, best first")
    def get(self, query):
        """Search procedures.

        ``q`` ignores accents and case ("dang ky khai sinh" finds "Đăng ký khai sinh"); filter by
        agency code, field code, online level and whether a fee applies.
        """
        return queries.search_procedures(query)


@procedures_ns.route(f"/{PROCEDURE_CODE}")
class ProcedureItem(Resource):
    @public
    @responds(ProcedureDetailSchema, description="The current version")
    def get(self, code):
        """A procedure: components to prepare, fees, legal deadline, agencies, legal basis, form."""
        return queries.get_current_version(code)


@procedures_ns.route(f"/{PROCEDURE_CODE}/versions/<int:number>")
class ProcedureVersionItem(Resource):
    @public
    @responds(ProcedureDetailSchema, description="That version, current or superseded")
    def get(self, code, number):
        """One version of a procedure (dossiers stay bound to the version they started with)."""
        return queries.get_version(code, number)


@procedures_ns.route(f"/{PROCEDURE_CODE}/versions/<int:number>/form-check")
class ProcedureFormCheck(Resource):
    @public
    @accepts(FormCheckSchema)
    @responds(FormCheckResultSchema, description="Field errors (translated) and cleaned values")
    def post(self, data, code, number):
        """Check form data against a version's e-form, as a draft save or a submission would.

        The same validator runs on every draft save and at submission; the SPA may call this to
        show the server's messages for a field.
        """
        version = queries.get_version(code, number)
        cleaned, errors = validate_data(version.form, data["data"], partial=data["partial"])
        return {"valid": not errors, "errors": translate_errors(errors), "cleaned": cleaned}


@procedures_ns.route(f"/{PROCEDURE_CODE}/due-date")
class ProcedureDueDate(Resource):
    @public
    @documents_errors(404)
    @accepts(DueDateQuerySchema, location="query")
    @responds(DueDateSchema, description="The legal due moment")
    def get(self, query, code):
        """When the result is due if the dossier is received at ``received_at`` (default now)."""
        version = queries.get_current_version(code)
        agency = version.receiving_agencies[0] if version.receiving_agencies else None
        if query.get("agency"):
            agency = next(
                (a for a in version.receiving_agencies if a.code == query["agency"]), None
            )
        if agency is None:
            raise AgencyNotFound()
        received_at = query.get("received_at") or utcnow()
        return {
            "procedure": code,
            "agency": agency.code,
            "received_at": received_at,
            "due_at": procedure_due_at(version, agency, received_at),
            "amount": version.duration_amount,
            "unit": version.duration_unit,
        }


@agencies_ns.route("")
class AgencyList(Resource):
    @public
    @accepts(AgencyListQuerySchema, location="query")
    @responds(AgencyPageSchema, description="Agencies by code")
    def get(self, query):
        """List agencies, by level or parent."""
        return queries.list_agencies(query)


@agencies_ns.route("/<string:code>")
class AgencyItem(Resource):
    @public
    @responds(AgencySchema, description="The agency")
    def get(self, code):
        """One agency, with its reception hours."""
        return services.get_agency_or_404(code)


@units_ns.route("/provinces")
class ProvinceList(Resource):
    @public
    @responds(ProvinceSchema, many=True, description="The 34 provinces and cities")
    def get(self):
        """Provinces and centrally-run cities (two-tier units since 1 July 2025)."""
        return units.list_provinces()


@units_ns.route("/provinces/<string:province_code>/wards")
class WardList(Resource):
    @public
    @responds(WardSchema, many=True, description="Wards, communes and special zones")
    def get(self, province_code):
        """The wards and communes of a province."""
        wards = units.list_wards(province_code)
        if wards is None:
            from backend.core.errors import NotFound

            raise NotFound()
        return wards


@calendar_ns.route("/<int:year>")
class CalendarYear(Resource):
    @public
    @accepts(CalendarQuerySchema, location="query")
    @responds(CalendarYearSchema, description="Holidays, official days off and make-up days")
    def get(self, query, year):
        """The non-ordinary days of a year, nationally or for one agency."""
        if not 2000 <= year <= 2100:
            from backend.core.errors import NotFound

            raise NotFound()
        agency = services.get_agency_or_404(query["agency"]) if query.get("agency") else None
        return queries.calendar_year(year, agency)


# --- administration ---------------------------------------------------------------------------


@catalog_admin_ns.route("/procedures")
class AdminProcedureList(Resource):
    @login_required(Role.ADMIN)
    @documents_errors(409)
    @accepts(ProcedureInputSchema)
    @responds(ProcedureDetailSchema, status=201, description="Version 1, published")
    def post(self, data):
        """Publish a new procedure (version 1)."""
        return services.publish_procedure(data, actor=current_user())


@catalog_admin_ns.route(f"/procedures/{PROCEDURE_CODE}")
class AdminProcedureItem(Resource):
    @login_required(Role.ADMIN)
    @accepts(ProcedureInputSchema)
    @responds(ProcedureDetailSchema, description="The new version, published")
    def put(self, data, code):
        """Publish the next version of a procedure; earlier versions stay for their dossiers."""
        return services.publish_procedure(data, actor=current_user(), code=code)


@catalog_admin_ns.route(f"/procedures/{PROCEDURE_CODE}/versions")
class AdminProcedureVersions(Resource):
    @login_required(Role.ADMIN)
    @responds(VersionSummarySchema, many=True, description="Every version, oldest first")
    def get(self, code):
        """The versions of a procedure."""
        return queries.list_versions(code)


@catalog_admin_ns.route("/agencies")
class AdminAgencyList(Resource):
    @login_required(Role.ADMIN)
    @documents_errors(409)
    @accepts(AgencyInputSchema)
    @responds(AgencySchema, status=201, description="The new agency")
    def post(self, data):
        """Create an agency."""
        return services.create_agency(data, actor=current_user())


@catalog_admin_ns.route("/agencies/<string:code>")
class AdminAgencyItem(Resource):
    @login_required(Role.ADMIN)
    @accepts(AgencyUpdateSchema)
    @responds(AgencySchema, description="The updated agency")
    def patch(self, data, code):
        """Change an agency: names, address, hours, parent, active flag, successor."""
        return services.update_agency(services.get_agency_or_404(code), data, actor=current_user())


@catalog_admin_ns.route("/calendar-entries")
class AdminCalendarEntryList(Resource):
    @login_required(Role.ADMIN)
    @accepts(CalendarEntryListQuerySchema, location="query")
    @responds(CalendarEntrySchema, many=True, description="Entries of the year")
    def get(self, query):
        """The official days off and make-up working days of a year."""
        return queries.list_calendar_entries(query["year"])

    @login_required(Role.ADMIN)
    @documents_errors(409)
    @accepts(CalendarEntryInputSchema)
    @responds(CalendarEntrySchema, status=201, description="The new entry")
    def post(self, data):
        """Add an official day off or make-up working day (national or one agency's)."""
        return services.add_calendar_entry(data, actor=current_user())


@catalog_admin_ns.route("/calendar-entries/<uuid:entry_id>")
class AdminCalendarEntryItem(Resource):
    @login_required(Role.ADMIN)
    @responds(status=204, description="Removed")
    def delete(self, entry_id):
        """Remove a calendar entry."""
        services.remove_calendar_entry(entry_id, actor=current_user())
