"""The citizen's document store: what has been issued to them."""

from __future__ import annotations

import sqlalchemy as sa

from backend.accounts.models import User
from backend.extensions import db
from backend.results.errors import DocumentNotFound, VerificationNotFound
from backend.results.models import STATUS_REVOKED, STATUS_VALID, IssuedDocument

#: What a holder sees in the store: documents stored and signed (revoked ones say so).
STORED = (STATUS_VALID, STATUS_REVOKED)


def list_for_holder(user: User) -> list[IssuedDocument]:
    """Documents issued to the signed-in citizen (matched by personal ID number)."""
    if not user.personal_id:
        return []
    return list(
        db.session.scalars(
            sa.select(IssuedDocument)
            .where(
                IssuedDocument.holder_personal_id == user.personal_id,
                IssuedDocument.status.in_(STORED),
            )
            .order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc())
        )
    )


def get_for_holder_or_404(document_id, user: User) -> IssuedDocument:
    document = db.session.scalar(
        sa.select(IssuedDocument).where(IssuedDocument.uuid == document_id)
    )
    if (
        document is None
        or not user.personal_id
        or document.holder_personal_id != user.personal_id
        or document.status not in STORED
    ):
        raise DocumentNotFound()
    return document


def get_reusable_for_holder_or_404(document_id, user: User) -> IssuedDocument:
    """A document of the holder that may stand in for an upload: a revoked one may not."""
    document = get_for_holder_or_404(document_id, user)
    if document.status != STATUS_VALID:
        raise DocumentNotFound()
    return document


def get_for_officer_or_404(document_id, officer: User) -> IssuedDocument:
    """A stored document of a dossier the officer's agency handles (admins: any)."""
    from backend.dossiers.models import Dossier
    from backend.dossiers.queries import can_officer_see

    document = db.session.scalar(
        sa.select(IssuedDocument).where(IssuedDocument.uuid == document_id)
    )
    if document is None or officer.kind != "officer":
        raise DocumentNotFound()
    dossier = db.session.get(Dossier, document.dossier_id) if document.dossier_id else None
    allowed = officer.has_role("admin") or (
        dossier is not None and can_officer_see(dossier, officer)
    )
    if not allowed or (document.agency_id is None and dossier is None):
        raise DocumentNotFound()
    return document


def list_for_dossier(dossier_id: int, *, stored_only: bool) -> list[IssuedDocument]:
    """The documents produced for a dossier, oldest first (officers also see pending and
    failed ones)."""
    stmt = sa.select(IssuedDocument).where(IssuedDocument.dossier_id == dossier_id)
    if stored_only:
        stmt = stmt.where(IssuedDocument.status.in_(STORED))
    return list(db.session.scalars(stmt.order_by(IssuedDocument.id)))


def get_by_code_or_404(code: str) -> IssuedDocument:
    document = db.session.scalar(
        sa.select(IssuedDocument).where(
            IssuedDocument.verification_code == code, IssuedDocument.status.in_(STORED)
        )
    )
    if document is None:
        raise VerificationNotFound()
    return document


def get_by_sha256(digest: str) -> IssuedDocument | None:
    return db.session.scalar(
        sa.select(IssuedDocument)
        .where(IssuedDocument.sha256 == digest, IssuedDocument.status.in_(STORED))
        .limit(1)
    )
