"""Statistics endpoints: citizens' ratings of a dossier, officers' reports and exports."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, make_response
from flask_restx import Namespace, Resource

from backend.accounts.auth import current_user, login_required
from backend.accounts.models import User
from backend.catalog.models import Agency, AgencyLevel
from backend.core.api import accepts, documents_errors, openapi_meta, responds
from backend.core.clock import VN_TZ, utcnow
from backend.dossiers import queries as dossier_queries
from backend.dossiers.errors import DossierNotFound
from backend.dossiers.models import Dossier
from backend.extensions import db
from backend.statistics import export, queries, scorecard, services
from backend.statistics.errors import AgencyNotFound, ScopeForbidden
from backend.statistics.schemas import (
    ExportQuerySchema,
    RatingInputSchema,
    RatingSchema,
    ReportQuerySchema,
    ReportSchema,
    SeriesQuerySchema,
    SeriesSchema,
    period_from,
)

statistics_ns = Namespace("statistics", description="Officers: reports and the 766 scorecard")
dossier_rating_ns = Namespace("dossier-rating", description="Satisfaction rating of a dossier")

PROVINCE = "province"


def _rating_view(rating):
    days = current_app.config["SATISFACTION_EDIT_DAYS"]
    rating.editable_until = rating.rated_at + timedelta(days=days)
    return rating


def _dossier_for_reader(dossier_id, user: User) -> Dossier:
    if user.kind == "citizen":
        return dossier_queries.get_for_owner_or_404(dossier_id, user)
    dossier = db.session.scalar(sa.select(Dossier).where(Dossier.uuid == dossier_id))
    if dossier is None or not dossier_queries.can_officer_see(dossier, user):
        raise DossierNotFound()
    return dossier


@dossier_rating_ns.route("/<uuid:dossier_id>/rating")
class DossierRating(Resource):
    @login_required()
    @documents_errors(404)
    @responds(RatingSchema, description="The owner's rating")
    def get(self, dossier_id):
        """The rating of a dossier: its owner's, or (officers) of a dossier of my agency."""
        dossier = _dossier_for_reader(dossier_id, current_user())
        return _rating_view(services.get_rating(dossier))

    @login_required(kind="citizen")
    @accepts(RatingInputSchema)
    @documents_errors(404, 409)
    @responds(RatingSchema, status=201, description="Rated")
    def post(self, data, dossier_id):
        """Rate my dossier once its result is ready (status 9 or 10).

        One rating per dossier: sending again within ``SATISFACTION_EDIT_DAYS`` of the first
        rating changes it (200); later it is 409 ``rating.locked``. Before the result: 409
        ``rating.not-yet``."""
        user = current_user()
        dossier = dossier_queries.get_for_owner_or_404(dossier_id, user)
        rating, created = services.rate(dossier, actor=user, data=data)
        body = RatingSchema().dump(_rating_view(rating))
        return make_response(body, 201 if created else 200)


# The second success answer of POST …/rating (a changed rating), for the OpenAPI document.
openapi_meta(DossierRating.post)["responses"][200] = (RatingSchema(), "Rating changed", None)


def province_wide(officer: User) -> bool:
    """Admins and officers of a province-level body see every agency's figures."""
    return officer.has_role("admin") or (
        officer.agency is not None and officer.agency.level == AgencyLevel.PROVINCE
    )


def report_scope(officer: User, code: str | None) -> Agency | None:
    """The agency a report covers (None: the whole province), after the scope check:
    officers see their own agency; province-wide officers any agency or the province."""
    wide = province_wide(officer)
    if code is None:
        return None if wide else officer.agency
    if code == PROVINCE:
        if not wide:
            raise ScopeForbidden()
        return None
    agency = db.session.scalar(sa.select(Agency).where(Agency.code == code))
    if agency is None:
        raise AgencyNotFound()
    if not wide and agency.id != officer.agency_id:
        raise ScopeForbidden()
    return agency


def _report(query: dict) -> dict:
    agency = report_scope(current_user(), query["agency"])
    return scorecard.build_report(period_from(query), agency)


@statistics_ns.route("/report")
class Report(Resource):
    @login_required(kind="officer")
    @accepts(ReportQuerySchema, location="query")
    @documents_errors(403, 404)
    @responds(
        ReportSchema, description="Counters, rates, the 766 scorecard, per procedure and agency"
    )
    def get(self, query):
        """The report of a month, quarter, year or custom range, for my agency (or, for
        province-level officers and admins, any agency or ``agency=province``)."""
        return _report(query)


@statistics_ns.route("/report/export")
class ReportExport(Resource):
    @login_required(kind="officer")
    @accepts(ExportQuerySchema, location="query")
    @documents_errors(403, 404)
    @responds(status=200, description="text/csv (UTF-8 with BOM) or an XLSX workbook")
    def get(self, query):
        """The same report as a file: ``format=csv`` or ``format=xlsx`` (default)."""
        from backend.core.files import content_disposition

        report = _report(query)
        period = report["period"]
        scope = report["agency"]["code"] if report["agency"] else PROVINCE
        stem = f"thong-ke-{scope}-{period['first'].isoformat()}-{period['last'].isoformat()}"
        if query["format"] == "csv":
            body, mimetype = export.to_csv(report), "text/csv; charset=utf-8"
        else:
            body = export.to_xlsx(report)
            mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = current_app.response_class(body, mimetype=mimetype)
        response.headers["Content-Disposition"] = content_disposition(f"{stem}.{query['format']}")
        response.headers["Cache-Control"] = "private, no-store"
        return response


@statistics_ns.route("/series")
class MonthlySeries(Resource):
    @login_required(kind="officer")
    @accepts(SeriesQuerySchema, location="query")
    @documents_errors(403, 404)
    @responds(SeriesSchema, description="Twelve monthly points, for charts")
    def get(self, query):
        """Month by month over a year: dossiers received (by channel) and finished (early, on
        time, late) with their ratings — the data of the statistics page's charts."""
        agency = report_scope(current_user(), query["agency"])
        year = query["year"] or utcnow().astimezone(VN_TZ).year
        months = queries.monthly_series(year, agency.id if agency is not None else None)
        agency_view = None
        if agency is not None:
            agency_view = {
                "code": agency.code,
                "name_vi": agency.name_vi,
                "name_en": agency.name_en,
            }
        return {"year": year, "agency": agency_view, "months": months}
