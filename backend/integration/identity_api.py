"""Identity endpoints: checks against the population database (citizens' own account and
prefill, officers at the counter, the lookup log for admins) and VNeID sign-in."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import current_app, redirect, request
from flask_restx import Namespace, Resource
from marshmallow import Schema, fields, validate

from backend.accounts import services as account_services
from backend.accounts.auth import (
    current_user,
    issue_access_token,
    login_required,
    public,
    set_session_cookies,
)
from backend.accounts.models import Role
from backend.accounts.schemas import UserSchema
from backend.core import audit
from backend.core.api import (
    DateTime,
    PageQuerySchema,
    Pattern,
    accepts,
    documents_errors,
    page_schema,
    paginate,
    responds,
)
from backend.extensions import db
from backend.integration import identity, vneid
from backend.integration.models import PopulationLookup

identity_ns = Namespace(
    "identity", description="My identity as the national population database knows it"
)
population_ns = Namespace(
    "population", description="Back office: identity checks against the population database"
)
population_admin_ns = Namespace(
    "population-admin", description="Administration: the population database query log"
)


#: A person's name: letters (any script), single separators (the accounts' rule).
NAME_PATTERN = r"^[^\W\d_]+(?:[ .'\-][^\W\d_]+)*\.?$"


class AddressSchema(Schema):
    province_code = fields.String(required=True)
    ward_code = fields.String(required=True)
    detail = fields.String(required=True)


class PopulationRecordSchema(Schema):
    outcome = fields.String(required=True, metadata={"description": "match, mismatch or not_found"})
    personal_id = fields.String(allow_none=True)
    full_name = fields.String(allow_none=True)
    date_of_birth = fields.Date(allow_none=True)
    gender = fields.String(allow_none=True)
    ethnicity = fields.String(allow_none=True)
    religion = fields.String(allow_none=True)
    hometown = fields.Nested(AddressSchema, allow_none=True)
    permanent_address = fields.Nested(AddressSchema, allow_none=True)
    current_address = fields.Nested(AddressSchema, allow_none=True)
    father_name = fields.String(allow_none=True)
    mother_name = fields.String(allow_none=True)
    spouse_name = fields.String(allow_none=True)
    household_head = fields.String(allow_none=True)
    household_book = fields.String(allow_none=True)


class PrefillInputSchema(Schema):
    purpose_note = fields.String(
        load_default=None,
        validate=validate.Length(max=255),
        metadata={"description": "What the data is for, e.g. the procedure code"},
    )


class OfficerLookupSchema(Schema):
    personal_id = fields.String(required=True, validate=Pattern(r"^[0-9]{12}$"))
    full_name = fields.String(
        required=True,
        validate=[validate.Length(min=2, max=128), Pattern(NAME_PATTERN)],
        metadata={"description": "As on the ID card: letters, spaces, . ' -"},
    )
    date_of_birth = fields.Date(
        required=True, validate=validate.Range(min=date(1900, 1, 1), max=date(2299, 12, 31))
    )
    purpose = fields.String(
        required=True, validate=validate.OneOf(["counter_intake", "dossier_check"])
    )
    purpose_note = fields.String(
        required=True,
        validate=validate.Length(min=1, max=255),
        metadata={"description": "The dossier code or the reason"},
    )


class LookupLogQuerySchema(PageQuerySchema):
    personal_id = fields.String(validate=Pattern(r"^[0-9]{12}$"))


class LookupLogSchema(Schema):
    id = fields.UUID(attribute="uuid", required=True)
    occurred_at = DateTime(required=True)
    actor_id = fields.UUID(attribute="actor_uuid", allow_none=True)
    unit_code = fields.String(allow_none=True)
    purpose = fields.String(required=True)
    purpose_note = fields.String(allow_none=True)
    personal_id = fields.String(required=True)
    outcome = fields.String(required=True)


LookupLogPageSchema = page_schema(LookupLogSchema, "PopulationLookupPage")


@identity_ns.route("/verify")
class IdentityVerify(Resource):
    @login_required(kind="citizen")
    @documents_errors(422, 503)
    @responds(UserSchema, description="My account, verified")
    def post(self):
        """Have my account checked against the national population database now (name and
        date of birth must match the ID number)."""
        return identity.verify_account(current_user())


@identity_ns.route("/prefill")
class IdentityPrefill(Resource):
    @login_required(kind="citizen")
    @documents_errors(503)
    @accepts(PrefillInputSchema)
    @responds(PopulationRecordSchema, description="My record, to fill forms in")
    def post(self, data):
        """My record in the national population database (addresses, hometown, family), to
        prefill an e-form. The query is logged with its purpose."""
        return identity.prefill(current_user(), purpose_note=data["purpose_note"])


@population_ns.route("/lookup")
class PopulationLookupResource(Resource):
    @login_required(Role.RECEPTION_OFFICER, Role.SPECIALIST)
    @documents_errors(503)
    @accepts(OfficerLookupSchema)
    @responds(PopulationRecordSchema, description="The outcome; the record when it matches")
    def post(self, data):
        """Check an applicant's identity at the counter or while processing a dossier. The
        query is logged with the officer, the unit and the purpose."""
        result = identity.lookup(actor=current_user(), **data)
        return identity.record_view(result)


@population_admin_ns.route("/integration/population-lookups")
class PopulationLookupLog(Resource):
    @login_required(Role.ADMIN)
    @accepts(LookupLogQuerySchema, location="query")
    @responds(LookupLogPageSchema, description="Queries, newest first")
    def get(self, query):
        """Who queried the population database, when, why and about whom."""
        stmt = sa.select(PopulationLookup).order_by(PopulationLookup.id.desc())
        if query.get("personal_id"):
            stmt = stmt.where(PopulationLookup.personal_id == query["personal_id"])
        return paginate(db.session, stmt, query["page"], query["size"])


# --- VNeID sign-in -----------------------------------------------------------------------------

vneid_ns = Namespace("vneid", description="Sign-in with VNeID (the national electronic identity)")


class VneidLoginQuerySchema(Schema):
    next = fields.String(
        load_default=None,
        validate=validate.Length(max=512),
        metadata={"description": "Path of the SPA to return to after signing in"},
    )


class VneidCallbackQuerySchema(Schema):
    code = fields.String(load_default=None, validate=validate.Length(max=2048))
    state = fields.String(load_default=None, validate=validate.Length(max=512))
    error = fields.String(load_default=None, validate=validate.Length(max=128))


def _failed(reason: str):
    audit.record("auth.login_failed", data={"reason": f"vneid_{reason}"})
    response = redirect(f"/dang-nhap?{urlencode({'vneid_error': reason})}", 302)
    response.delete_cookie(
        vneid.STATE_COOKIE,
        path=vneid.STATE_COOKIE_PATH,
        secure=current_app.config["COOKIE_SECURE"],
        samesite="Lax",
    )
    return response


@vneid_ns.route("/login")
class VneidLogin(Resource):
    @public
    @accepts(VneidLoginQuerySchema, location="query")
    @responds(status=302, description="To the VNeID sign-in page")
    def get(self, query):
        """Start signing in with VNeID ("Đăng nhập bằng VNeID"): redirects the browser to the
        national portal's sign-in page."""
        try:
            started = vneid.start(query["next"])
        except vneid.VneidError as exc:
            return _failed(exc.reason)
        response = redirect(started.url, 302)
        response.set_cookie(
            vneid.STATE_COOKIE,
            started.cookie,
            max_age=vneid.STATE_SECONDS,
            httponly=True,
            secure=current_app.config["COOKIE_SECURE"],
            samesite="Lax",
            path=vneid.STATE_COOKIE_PATH,
        )
        return response


@vneid_ns.route("/callback")
class VneidCallback(Resource):
    @public
    @accepts(VneidCallbackQuerySchema, location="query")
    @responds(status=302, description="Signed in (session cookies set), back to the SPA")
    def get(self, query):
        """Where VNeID sends the browser back: the account is linked or created from the
        verified identity and signed in with the same session cookies as a password sign-in.
        A failure redirects to ``/dang-nhap?vneid_error=<reason>``."""
        try:
            state = vneid.read_state(request.cookies.get(vneid.STATE_COOKIE))
            user = vneid.finish(
                state=state,
                code=query["code"],
                returned_state=query["state"],
                error=query["error"],
            )
        except vneid.VneidError as exc:
            return _failed(exc.reason)
        session, refresh = account_services.start_session(
            user, client="cookie", ip=request.remote_addr, user_agent=request.user_agent.string
        )
        response = redirect(state["next"], 302)
        set_session_cookies(response, issue_access_token(user, session), refresh)
        response.delete_cookie(vneid.STATE_COOKIE, path=vneid.STATE_COOKIE_PATH)
        return response
