"""The citizen's document store: what has been issued to them."""

from __future__ import annotations

import sqlalchemy as sa

from backend.accounts.models import User
from backend.core.errors import NotFound
from backend.core.i18n import register_messages
from backend.extensions import db
from backend.results.models import IssuedDocument


class DocumentNotFound(NotFound):
    code = "results.document-not-found"


register_messages(
    {
        "results.document-not-found.detail": {
            "vi": "Không tìm thấy giấy tờ trong kho dữ liệu của bạn.",
            "en": "No such document in your document store.",
        }
    }
)


def list_for_holder(user: User) -> list[IssuedDocument]:
    """Documents issued to the signed-in citizen (matched by personal ID number)."""
    if not user.personal_id:
        return []
    return list(
        db.session.scalars(
            sa.select(IssuedDocument)
            .where(IssuedDocument.holder_personal_id == user.personal_id)
            .order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc())
        )
    )


def get_for_holder_or_404(document_id, user: User) -> IssuedDocument:
    document = db.session.scalar(
        sa.select(IssuedDocument).where(IssuedDocument.uuid == document_id)
    )
    if document is None or not user.personal_id or document.holder_personal_id != user.personal_id:
        raise DocumentNotFound()
    return document
