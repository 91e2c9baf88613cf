"""Catalogue models: agencies (more in the catalogue issue: procedures, forms, fees)."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.db import Base, IdMixin, TimestampMixin


class AgencyLevel(enum.StrEnum):
    PROVINCE = "province"
    DEPARTMENT = "department"
    COMMUNE = "commune"


class Agency(IdMixin, TimestampMixin, Base):
    """A state body that receives or resolves dossiers."""

    __tablename__ = "agencies"

    #: Electronic identification code, the prefix of every dossier code it receives.
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    #: Official names.
    name_vi: Mapped[str] = mapped_column(sa.String(255))
    name_en: Mapped[str] = mapped_column(sa.String(255))
    #: Province, provincial department or commune.
    level: Mapped[str] = mapped_column(sa.String(16))
    #: Parent body (a department's province, a commune's province).
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"))
    #: Inactive agencies (merged, dissolved) receive no new dossiers.
    is_active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (
        sa.CheckConstraint("level IN ('province', 'department', 'commune')", name="level_known"),
    )
