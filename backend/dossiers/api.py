"""Dossier endpoints for citizens, attachment downloads, and the public lookup."""

from __future__ import annotations

from flask import current_app, request
from flask_restx import Namespace, Resource
from marshmallow import Schema, fields

from backend.accounts.auth import current_user, login_required, public
from backend.catalog.schemas import CODE
from backend.core.api import (
    accepts,
    accepts_upload,
    documents_errors,
    file_response,
    page_schema,
    responds,
)
from backend.core.idempotency import idempotent
from backend.core.storage import get_storage
from backend.dossiers import queries, services
from backend.dossiers.errors import AttachmentNotFound, DossierInvalid
from backend.dossiers.schemas import (
    AttachmentSchema,
    DossierCreateSchema,
    DossierListItemSchema,
    DossierListQuerySchema,
    DossierSchema,
    DossierUpdateSchema,
    LookupQuerySchema,
    LookupSchema,
    SupplementSchema,
    SupplySchema,
    WithdrawSchema,
)
from backend.extensions import limiter

dossiers_ns = Namespace("dossiers", description="A citizen's dossiers")
lookup_ns = Namespace("lookup", description="Public dossier tracking")

DossierPageSchema = page_schema(DossierListItemSchema, "DossierPage")
DOSSIER = "<uuid:dossier_id>"


class UploadFormSchema(Schema):
    component_code = fields.String(required=True, validate=CODE)


def _mine(dossier_id):
    return queries.get_for_owner_or_404(dossier_id, current_user())


def _view(dossier):
    return queries.citizen_view(dossier)


@dossiers_ns.route("")
class DossierList(Resource):
    @login_required(kind="citizen")
    @accepts(DossierListQuerySchema, location="query")
    @responds(DossierPageSchema, description="My dossiers, latest first")
    def get(self, query):
        """My dossiers (drafts included), optionally by status."""
        return queries.list_for_owner(current_user(), query)

    @login_required(kind="citizen")
    @accepts(DossierCreateSchema)
    @responds(DossierSchema, status=201, description="The new draft")
    def post(self, data):
        """Start a dossier for a procedure (its current version is pinned).

        Give ``applicant`` to file on behalf of another person.
        """
        dossier = services.create_draft(owner=current_user(), **data)
        return _view(dossier)


@dossiers_ns.route(f"/{DOSSIER}")
class DossierItem(Resource):
    @login_required(kind="citizen")
    @responds(DossierSchema, description="The dossier, its timeline and what comes next")
    def get(self, dossier_id):
        """One of my dossiers."""
        return _view(_mine(dossier_id))

    @login_required(kind="citizen")
    @documents_errors(409)
    @accepts(DossierUpdateSchema)
    @responds(DossierSchema, description="Saved")
    def patch(self, data, dossier_id):
        """Save form fields as they are typed (each given field is validated, none required).

        ``applicant: null`` makes the account holder the applicant again.
        """
        dossier = _mine(dossier_id)
        services.update_draft(
            dossier,
            actor=current_user(),
            form_data=data.get("form_data"),
            applicant=data.get("applicant"),
            clear_applicant="applicant" in data and data["applicant"] is None,
        )
        return _view(dossier)

    @login_required(kind="citizen")
    @documents_errors(409)
    @responds(status=204, description="Deleted")
    def delete(self, dossier_id):
        """Delete a draft."""
        services.delete_draft(_mine(dossier_id), actor=current_user())


@dossiers_ns.route(f"/{DOSSIER}/attachments")
class AttachmentList(Resource):
    @login_required(kind="citizen")
    @documents_errors(409)
    @accepts_upload(UploadFormSchema)
    @responds(AttachmentSchema, status=201, description="Stored")
    def post(self, data, upload, dossier_id):
        """Attach a file to a component (PDF, JPEG or PNG, checked from the content)."""
        dossier = _mine(dossier_id)
        if upload is None:
            raise DossierInvalid(errors={"file": ["dossier.file-required"]})
        return services.add_attachment(
            dossier,
            actor=current_user(),
            component_code=data["component_code"],
            stream=upload.stream,
            filename=upload.filename,
        )


class ReuseSchema(Schema):
    component_code = fields.String(required=True, validate=CODE)
    document_id = fields.UUID(required=True, metadata={"description": "From GET /me/documents"})


@dossiers_ns.route(f"/{DOSSIER}/attachments/reuse")
class AttachmentReuse(Resource):
    @login_required(kind="citizen")
    @documents_errors(404, 409)
    @accepts(ReuseSchema)
    @responds(AttachmentSchema, status=201, description="Attached, marked reused")
    def post(self, data, dossier_id):
        """Use a document already issued to me for a reusable component (no upload)."""
        return services.reuse_document(
            _mine(dossier_id),
            actor=current_user(),
            component_code=data["component_code"],
            document_id=data["document_id"],
        )


@dossiers_ns.route(f"/{DOSSIER}/attachments/<uuid:attachment_id>")
class AttachmentItem(Resource):
    @login_required(kind="citizen")
    @documents_errors(409)
    @responds(status=204, description="Removed")
    def delete(self, dossier_id, attachment_id):
        """Remove a file from a draft (or from the open supplement round)."""
        dossier = _mine(dossier_id)
        attachment = next((a for a in dossier.attachments if a.uuid == attachment_id), None)
        if attachment is None:
            raise AttachmentNotFound()
        services.remove_attachment(dossier, attachment, actor=current_user())


@dossiers_ns.route(f"/{DOSSIER}/attachments/<uuid:attachment_id>/content")
class AttachmentContent(Resource):
    @login_required()
    @responds(
        status=200,
        description="The file (Content-Disposition: attachment; X-Content-Type-Options: nosniff)",
    )
    def get(self, dossier_id, attachment_id):
        """Download a file: its owner, or an officer of a handling agency."""
        _dossier, attachment = queries.get_attachment_for(dossier_id, attachment_id, current_user())
        return file_response(
            get_storage().open(attachment.storage_key),
            content_type=attachment.content_type,
            size=attachment.size,
            filename=attachment.filename,
            inline=request.args.get("inline") == "1",
        )


@dossiers_ns.route(f"/{DOSSIER}/submit")
class DossierSubmit(Resource):
    @login_required(kind="citizen")
    @idempotent(lambda: current_user().uuid)
    @documents_errors(409)
    @responds(DossierSchema, description="Submitted: the official code is assigned")
    def post(self, dossier_id):
        """Submit the dossier.

        The whole form is checked against the pinned version, required documents must be
        attached; the official code is assigned and fees due now are computed. Send an
        ``Idempotency-Key``: a retry with the same key returns the same answer.
        """
        dossier = services.submit(_mine(dossier_id), actor=current_user())
        return _view(dossier)


@dossiers_ns.route(f"/{DOSSIER}/withdraw")
class DossierWithdraw(Resource):
    @login_required(kind="citizen")
    @documents_errors(409)
    @accepts(WithdrawSchema)
    @responds(DossierSchema, description="Withdrawn (status 7)")
    def post(self, data, dossier_id):
        """Withdraw the dossier before a decision, giving a reason."""
        dossier = services.withdraw(_mine(dossier_id), actor=current_user(), reason=data["reason"])
        return _view(dossier)


@dossiers_ns.route(f"/{DOSSIER}/supplement")
class DossierSupply(Resource):
    @login_required(kind="citizen")
    @documents_errors(409)
    @accepts(SupplySchema)
    @responds(SupplementSchema, description="The answered supplement round")
    def post(self, data, dossier_id):
        """Send the requested documents (upload them first) with an optional note."""
        return services.supply(_mine(dossier_id), actor=current_user(), note=data["note"])


@lookup_ns.route("")
class Lookup(Resource):
    @public
    @documents_errors(404, 429)
    @accepts(LookupQuerySchema, location="query")
    @responds(LookupSchema, description="Status and dates, nothing personal")
    @limiter.limit(
        lambda: current_app.config.get("LOOKUP_RATE_LIMIT", "30 per minute"),
        key_func=lambda: request.remote_addr or "?",
        scope="lookup",
    )
    def get(self, query):
        """Track a dossier with its code and the applicant's personal ID number.

        An unknown code and a wrong ID number get the same answer.
        """
        return queries.lookup(query["code"], query["personal_id"])
