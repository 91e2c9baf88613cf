"""Payments: attempts at the gateway, every gateway message, e-receipts and refunds."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.core.db import Base, IdMixin, JSONType, TimestampMixin

BIGINT = sa.BigInteger().with_variant(sa.Integer, "sqlite")

STATUSES = (
    "created",
    "pending",
    "succeeded",
    "failed",
    "cancelled",
    "expired",
    "partially_refunded",
    "refunded",
)


def _in(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class Payment(IdMixin, TimestampMixin, Base):
    """One attempt to pay what a dossier owes, at one gateway."""

    __tablename__ = "payments"

    dossier_id: Mapped[int] = mapped_column(sa.ForeignKey("dossiers.id"), index=True)
    #: submission (fees due when submitting) or request (an officer's payment request).
    purpose: Mapped[str] = mapped_column(sa.String(16))
    #: Whole VND.
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    status: Mapped[str] = mapped_column(sa.String(24), default="pending", index=True)
    gateway: Mapped[str] = mapped_column(sa.String(16))
    #: Merchant reference sent to the gateway (fresh per attempt).
    txn_ref: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: The gateway's create date of the attempt (querydr and refund need it).
    gateway_created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    payer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    paid_at: Mapped[datetime | None]
    transaction_no: Mapped[str | None] = mapped_column(sa.String(32))
    bank_code: Mapped[str | None] = mapped_column(sa.String(32))
    response_code: Mapped[str | None] = mapped_column(sa.String(8))
    #: Sum of succeeded refunds.
    refunded_amount: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: How the success became known: ipn or reconciliation.
    settled_by: Mapped[str | None] = mapped_column(sa.String(16))
    #: Set when the dossier was refused or withdrawn before processing: a cashier should
    #: refund what is left (listed in the back office).
    refund_proposed_at: Mapped[datetime | None]

    receipt: Mapped[Receipt | None] = relationship(back_populates="payment", uselist=False)
    refunds: Mapped[list[Refund]] = relationship(back_populates="payment", order_by="Refund.id")

    __table_args__ = (
        sa.CheckConstraint(_in("status", STATUSES), name="status_known"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint(
            "refunded_amount >= 0 AND refunded_amount <= amount", name="refund_within_amount"
        ),
        sa.CheckConstraint(_in("purpose", ["submission", "request"]), name="purpose_known"),
    )


class GatewayMessage(Base):
    """Every message from or to a gateway, stored raw with its verification result."""

    __tablename__ = "payment_gateway_messages"

    id: Mapped[int] = mapped_column(BIGINT, primary_key=True)
    payment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payments.id"), index=True)
    gateway: Mapped[str] = mapped_column(sa.String(16))
    #: ipn, return, querydr or refund.
    kind: Mapped[str] = mapped_column(sa.String(16))
    #: TxnRef + TransactionNo + ResponseCode (TransactionNo alone repeats: 0 on cancels).
    message_key: Mapped[str | None] = mapped_column(sa.String(200), index=True)
    verified: Mapped[bool]
    #: What we answered or concluded (e.g. RspCode 00, 02, 97).
    result: Mapped[str | None] = mapped_column(sa.String(32))
    payload: Mapped[dict] = mapped_column(JSONType)
    received_at: Mapped[datetime]


class Receipt(IdMixin, Base):
    """The electronic fee receipt (biên lai điện tử): exactly one per succeeded payment."""

    __tablename__ = "payment_receipts"

    #: BL-YYYY-NNNNNNNN.
    number: Mapped[str] = mapped_column(sa.String(32), unique=True)
    payment_id: Mapped[int] = mapped_column(sa.ForeignKey("payments.id"), unique=True)
    dossier_id: Mapped[int] = mapped_column(sa.ForeignKey("dossiers.id"), index=True)
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    payer_name: Mapped[str] = mapped_column(sa.String(128))
    issued_at: Mapped[datetime]

    payment: Mapped[Payment] = relationship(back_populates="receipt")


class Refund(IdMixin, Base):
    """A full or partial refund of a payment, with its reason."""

    __tablename__ = "payment_refunds"

    payment_id: Mapped[int] = mapped_column(sa.ForeignKey("payments.id"), index=True)
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    reason: Mapped[str] = mapped_column(sa.Text)
    #: succeeded or failed (the gateway's verified answer).
    status: Mapped[str] = mapped_column(sa.String(16))
    requested_by: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    created_at: Mapped[datetime]
    transaction_no: Mapped[str | None] = mapped_column(sa.String(32))
    response_code: Mapped[str | None] = mapped_column(sa.String(8))

    payment: Mapped[Payment] = relationship(back_populates="refunds")

    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount_positive"),)


class ReceiptCounter(Base):
    """Last receipt number given per year (receipt numbers are gapless and never repeat)."""

    __tablename__ = "payment_receipt_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_value: Mapped[int]
