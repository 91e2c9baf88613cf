"""The citizen's document store ("my documents")."""

from __future__ import annotations

from flask_restx import Namespace, Resource
from marshmallow import Schema, fields

from backend.accounts.auth import current_user, login_required
from backend.core.api import DateTime, file_response, responds
from backend.core.storage import get_storage
from backend.results import queries

documents_ns = Namespace("me", description="The signed-in citizen's issued documents")


class IssuedDocumentSchema(Schema):
    id = fields.UUID(attribute="uuid", required=True)
    type_code = fields.String(required=True)
    title_vi = fields.String(required=True)
    title_en = fields.String(required=True)
    number = fields.String(required=True)
    issuer_code = fields.String(required=True)
    issuer_name = fields.String(required=True)
    issued_at = DateTime(required=True)
    valid_until = fields.Date(allow_none=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)


@documents_ns.route("/documents")
class MyDocuments(Resource):
    @login_required(kind="citizen")
    @responds(IssuedDocumentSchema, many=True, description="Newest first")
    def get(self):
        """Documents issued to me, reusable in new dossiers instead of uploading."""
        return queries.list_for_holder(current_user())


@documents_ns.route("/documents/<uuid:document_id>/content")
class MyDocumentContent(Resource):
    @login_required(kind="citizen")
    @responds(status=200, description="The file")
    def get(self, document_id):
        """Download one of my documents."""
        document = queries.get_for_holder_or_404(document_id, current_user())
        return file_response(
            get_storage().open(document.storage_key),
            content_type=document.content_type,
            size=document.size,
            filename=document.filename,
        )
