"""Issued documents kept in the citizen's document store."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base, IdMixin


class IssuedDocument(IdMixin, Base):
    """A document issued to a person (a result of a procedure, or digitised at a counter)."""

    __tablename__ = "issued_documents"

    #: The holder's 12-digit personal ID number (documents belong to the person, not the login).
    holder_personal_id: Mapped[str] = mapped_column(sa.String(12), index=True)
    holder_name: Mapped[str] = mapped_column(sa.String(128))
    #: Result document type code (e.g. GKS for a birth certificate).
    type_code: Mapped[str] = mapped_column(sa.String(32))
    title_vi: Mapped[str] = mapped_column(sa.String(255))
    title_en: Mapped[str] = mapped_column(sa.String(255))
    #: Document number and symbol (số, ký hiệu).
    number: Mapped[str] = mapped_column(sa.String(64))
    issuer_code: Mapped[str] = mapped_column(sa.String(32))
    issuer_name: Mapped[str] = mapped_column(sa.String(255))
    issued_at: Mapped[datetime]
    valid_until: Mapped[date | None]
    #: The stored file (never modified once stored).
    storage_key: Mapped[str] = mapped_column(sa.String(255), unique=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(128))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    #: The dossier it resulted from, when issued here.
    dossier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dossiers.id"), index=True)
    created_at: Mapped[datetime]
