"""Issued documents: the citizen's store, a dossier's documents, officers' view and retry,
revocation, and public verification."""

from __future__ import annotations

from flask import current_app, request
from flask_restx import Namespace, Resource

from backend.accounts.auth import current_user, login_required, public
from backend.accounts.models import Role
from backend.backoffice import queries as backoffice_queries
from backend.core.api import accepts, accepts_upload, documents_errors, file_response, responds
from backend.core.errors import ValidationFailed
from backend.core.storage import get_storage
from backend.dossiers import queries as dossier_queries
from backend.extensions import limiter
from backend.results import queries, receivers, services  # noqa: F401  (receivers connect)
from backend.results.schemas import (
    IssuedDocumentSchema,
    OfficerDocumentSchema,
    RevokeSchema,
    UploadCheckSchema,
    VerificationSchema,
    VerifyUploadSchema,
)

documents_ns = Namespace("me", description="The signed-in citizen's issued documents")
dossier_documents_ns = Namespace("dossier-documents", description="A dossier's documents")
backoffice_documents_ns = Namespace(
    "backoffice-documents", description="Officers: documents issued for their dossiers"
)
documents_admin_ns = Namespace("documents-admin", description="Admins: revoke issued documents")
verify_ns = Namespace("verify", description="Anyone: check a document we issued")

DOCUMENT = "<uuid:document_id>"


def _download(document):
    return file_response(
        get_storage().open(document.storage_key),
        content_type=document.content_type,
        size=document.size,
        filename=document.filename,
    )


@documents_ns.route("/documents")
class MyDocuments(Resource):
    @login_required(kind="citizen")
    @responds(IssuedDocumentSchema, many=True, description="Newest first")
    def get(self):
        """Documents issued to me (kho dữ liệu điện tử), reusable in new dossiers instead of
        uploading."""
        return queries.list_for_holder(current_user())


@documents_ns.route(f"/documents/{DOCUMENT}/content")
class MyDocumentContent(Resource):
    @login_required(kind="citizen")
    @responds(status=200, description="The signed PDF")
    def get(self, document_id):
        """Download one of my documents. The first download of a result delivered online
        marks the dossier delivered (status 10)."""
        document = queries.get_for_holder_or_404(document_id, current_user())
        services.record_download(document, holder=current_user())
        return _download(document)


@dossier_documents_ns.route("/<uuid:dossier_id>/documents")
class DossierDocuments(Resource):
    @login_required(kind="citizen")
    @responds(IssuedDocumentSchema, many=True, description="Oldest first")
    def get(self, dossier_id):
        """The documents of my dossier: receipt slip, supplement requests, refusal, fee
        receipts, the result. Download them from ``/me/documents/<id>/content`` (holder
        only)."""
        dossier = dossier_queries.get_for_owner_or_404(dossier_id, current_user())
        return queries.list_for_dossier(dossier.id, stored_only=True)


@backoffice_documents_ns.route("/dossiers/<uuid:dossier_id>/documents")
class OfficerDossierDocuments(Resource):
    @login_required(kind="officer")
    @responds(OfficerDocumentSchema, many=True, description="Oldest first, pending included")
    def get(self, dossier_id):
        """Documents of a dossier of my agency, with production failures."""
        dossier = backoffice_queries.get_for_officer_or_404(dossier_id, current_user())
        return queries.list_for_dossier(dossier.id, stored_only=False)


@backoffice_documents_ns.route(f"/documents/{DOCUMENT}/content")
class OfficerDocumentContent(Resource):
    @login_required(kind="officer")
    @documents_errors(409)
    @responds(status=200, description="The signed PDF")
    def get(self, document_id):
        """Download a document issued for a dossier of my agency."""
        document = queries.get_for_officer_or_404(document_id, current_user())
        if not document.is_stored:
            raise queries.DocumentNotFound()
        return _download(document)


@backoffice_documents_ns.route(f"/documents/{DOCUMENT}/retry")
class OfficerDocumentRetry(Resource):
    @login_required(Role.CLERK, Role.RECEPTION_OFFICER, Role.ADMIN)
    @documents_errors(409)
    @responds(OfficerDocumentSchema, description="Queued again")
    def post(self, document_id):
        """Issue again a document whose rendering or signing failed after every retry."""
        document = queries.get_for_officer_or_404(document_id, current_user())
        return services.retry(document, officer=current_user())


@documents_admin_ns.route(f"/documents/{DOCUMENT}/revoke")
class DocumentRevoke(Resource):
    @login_required(Role.ADMIN)
    @documents_errors(409)
    @accepts(RevokeSchema)
    @responds(OfficerDocumentSchema, description="Revoked: verification now says so")
    def post(self, data, document_id):
        """Revoke an issued document, with the reason (the stored file stays unchanged)."""
        document = queries.get_for_officer_or_404(document_id, current_user())
        return services.revoke(document, admin=current_user(), reason=data["reason"])


def verification_view(document) -> dict:
    return {
        "issuer_code": document.issuer_code,
        "issuer_name": document.issuer_name,
        "type_code": document.type_code,
        "title_vi": document.title_vi,
        "title_en": document.title_en,
        "number": document.number,
        "issued_at": document.issued_at,
        "holder_name": services.masked_name(document.holder_name),
        "status": document.status,
        "revoked_at": document.revoked_at,
        "sha256": document.sha256,
        "signer_name": document.signer_name,
        "signer_fingerprint": document.signer_fingerprint,
    }


def _limit():
    return current_app.config.get("RESULTS_VERIFY_RATE_LIMIT", "60 per minute")


@verify_ns.route("/<string:code>")
class VerifyCode(Resource):
    @public
    @documents_errors(404, 429)
    @responds(VerificationSchema, description="The document as issued, and whether revoked")
    @limiter.limit(_limit, key_func=lambda: request.remote_addr or "?", scope="verify")
    def get(self, code):
        """Check a document by the verification code printed under its QR code."""
        if len(code) > 64:
            raise queries.VerificationNotFound()
        return verification_view(queries.get_by_code_or_404(code))


@verify_ns.route("")
class VerifyUpload(Resource):
    @public
    @documents_errors(413, 429)
    @accepts_upload(VerifyUploadSchema)
    @responds(UploadCheckSchema, description="Same bytes as issued? Signatures valid?")
    @limiter.limit(_limit, key_func=lambda: request.remote_addr or "?", scope="verify")
    def post(self, data, upload):
        """Upload a PDF: is it byte-identical to a document we issued, and do its signatures
        validate against the issuing agencies' roots?"""
        if upload is None:
            raise ValidationFailed(errors={"file": ["results.file-required"]})
        limit = current_app.config["RESULTS_VERIFY_MAX_MB"] * 1024 * 1024
        content = upload.stream.read(limit + 1)
        if len(content) > limit:
            from werkzeug.exceptions import RequestEntityTooLarge

            raise RequestEntityTooLarge()
        if not content.startswith(b"%PDF-"):
            raise ValidationFailed(errors={"file": ["results.not-a-pdf"]})
        result = services.verify_upload(content)
        if result["document"] is not None:
            result["document"] = verification_view(result["document"])
        return result
