"""Accounts: citizens and officers, officer roles, sign-in sessions and their tokens."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.catalog.models import Agency
from backend.core.db import Base, IdMixin, TimestampMixin


class UserKind(enum.StrEnum):
    CITIZEN = "citizen"
    OFFICER = "officer"


class Role(enum.StrEnum):
    """Back-office roles (DOMAIN.md §4). An officer holds one or more."""

    RECEPTION_OFFICER = "reception_officer"
    SPECIALIST = "specialist"
    DEPT_HEAD = "dept_head"
    LEADER = "leader"
    CLERK = "clerk"
    CASHIER = "cashier"
    ADMIN = "admin"


ROLE_VALUES = tuple(role.value for role in Role)


class User(IdMixin, TimestampMixin, Base):
    """A person who signs in: a citizen (applicant) or an officer of an agency."""

    __tablename__ = "users"

    #: citizen or officer.
    kind: Mapped[str] = mapped_column(sa.String(16))
    #: Full name as on the ID card.
    full_name: Mapped[str] = mapped_column(sa.String(128))
    #: 12-digit personal ID number (số định danh cá nhân); citizens only.
    personal_id: Mapped[str | None] = mapped_column(sa.String(12), unique=True)
    #: Date of birth; citizens only.
    date_of_birth: Mapped[date | None] = mapped_column(sa.Date)
    #: Lower-cased e-mail address.
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    #: Mobile number in national form (0xxxxxxxxx).
    phone: Mapped[str | None] = mapped_column(sa.String(10), unique=True)
    #: argon2id hash.
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    #: Officer's agency.
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agencies.id"), index=True)
    #: Disabled accounts cannot sign in and their tokens stop working.
    is_active: Mapped[bool] = mapped_column(default=True)
    #: Consecutive failed sign-ins since the last success or lock.
    failed_login_count: Mapped[int] = mapped_column(default=0)
    #: Sign-in refused until this moment after too many failures.
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    #: When the identity was confirmed by the population database or VNeID (integration).
    identity_verified_at: Mapped[datetime | None]
    #: population_db or vneid.
    identity_source: Mapped[str | None] = mapped_column(sa.String(16))

    agency: Mapped[Agency | None] = relationship(lazy="joined")
    role_rows: Mapped[list[OfficerRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (
        sa.CheckConstraint("kind IN ('citizen', 'officer')", name="kind_known"),
        sa.CheckConstraint(
            "kind = 'officer' OR (personal_id IS NOT NULL AND date_of_birth IS NOT NULL)",
            name="citizen_identity",
        ),
        sa.CheckConstraint("kind = 'citizen' OR agency_id IS NOT NULL", name="officer_agency"),
        sa.CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name="has_contact"),
    )

    @property
    def roles(self) -> list[str]:
        return sorted(row.role for row in self.role_rows)

    def set_roles(self, roles) -> None:
        wanted = set(roles)
        self.role_rows[:] = [row for row in self.role_rows if row.role in wanted]
        have = {row.role for row in self.role_rows}
        for role in sorted(wanted - have):
            self.role_rows.append(OfficerRole(role=role))

    @property
    def identity_verified(self) -> bool:
        return self.identity_verified_at is not None

    def has_role(self, *roles: str) -> bool:
        return any(row.role in roles for row in self.role_rows)


class OfficerRole(Base):
    __tablename__ = "officer_roles"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    #: One of :class:`Role`.
    role: Mapped[str] = mapped_column(sa.String(32), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")

    __table_args__ = (
        sa.CheckConstraint(
            "role IN (" + ", ".join(f"'{r}'" for r in ROLE_VALUES) + ")", name="role_known"
        ),
    )


class AuthSession(Base):
    """One sign-in: the family of refresh tokens it issues. Revoking it ends every token."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
    )
    #: Carried in access tokens as the ``sid`` claim.
    uuid: Mapped[uuid.UUID] = mapped_column(sa.Uuid, unique=True, default=uuid.uuid4)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: cookie (browser) or token (mobile / API client).
    client: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime]
    #: Set on logout, password reset, or when a spent refresh token is presented again.
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(sa.String(32))
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(256))

    user: Mapped[User] = relationship()


class RefreshToken(Base):
    """A single-use refresh token; only its SHA-256 is stored."""

    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
    )
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("auth_sessions.id", ondelete="CASCADE"), index=True
    )
    #: SHA-256 hex of the token handed to the client.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    #: Set when exchanged for a new pair; a second use means the token was stolen.
    used_at: Mapped[datetime | None]

    session: Mapped[AuthSession] = relationship(lazy="joined")


class PasswordResetToken(Base):
    """A one-time password-reset token sent by e-mail; only its SHA-256 is stored."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
