"""Payment use cases: start an attempt, apply verified gateway messages, reconcile, refund.

Only a verified gateway message (IPN or query answer) moves a payment; the browser return never
does. A payment row is locked while a message is applied, so duplicates (VNPay retries up to ten
times) are answered "already confirmed" and never credited twice.
"""

from __future__ import annotations

import functools
import secrets
import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql

from backend.accounts.models import User
from backend.core import audit, outbox
from backend.core.clock import VN_TZ, utcnow
from backend.core.db import append_row, next_counter_value, write_appended
from backend.core.errors import AppError, Conflict
from backend.core.i18n import register_messages
from backend.dossiers import services as dossier_services
from backend.dossiers.events import dossier_closed
from backend.dossiers.models import Dossier
from backend.dossiers.states import DossierStatus
from backend.extensions import db
from backend.payments.gateways.base import (
    GatewayUnavailable,
    PaymentGateway,
    PaymentIntent,
    PaymentOutcome,
    VerifiedCallback,
)
from backend.payments.models import GatewayMessage, Payment, Receipt, ReceiptCounter, Refund

#: How long before a pending attempt is asked about (reconciliation), and closed.
RECONCILE_AFTER = timedelta(minutes=15)


class NothingToPay(AppError):
    status, code, title_key = 409, "payments.nothing-due", "problem.conflict"


class GatewayDown(AppError):
    status, code, title_key = 503, "payments.gateway-unavailable", "problem.unavailable"


class RefundTooLarge(AppError):
    status, code, title_key = 422, "payments.refund-too-large", "problem.validation-failed"


class RefundRefused(Conflict):
    code = "payments.refund-refused"
    #: A refused refund is recorded (the attempt and the gateway's answer).
    keep_changes = True


register_messages(
    {
        "payments.nothing-due.detail": {
            "vi": "Hồ sơ không có khoản phí nào cần thanh toán.",
            "en": "The dossier owes nothing.",
        },
        "payments.refund-too-large.detail": {
            "vi": "Số tiền hoàn vượt quá số còn có thể hoàn ({remaining} đồng).",
            "en": "The refund exceeds the refundable remainder ({remaining} VND).",
        },
        "payments.gateway-unavailable.detail": {
            "vi": "Không kết nối được cổng thanh toán. Vui lòng thử lại sau.",
            "en": "The payment gateway cannot be reached. Please try again later.",
        },
        "payments.refund-refused.detail": {
            "vi": "Cổng thanh toán từ chối hoàn tiền hoặc không trả lời hợp lệ.",
            "en": "The gateway refused the refund or gave no valid answer.",
        },
    }
)


def gateway() -> PaymentGateway:
    """The configured gateway (VNPay; the simulator in the embedded default)."""
    from backend.payments.gateways.vnpay import VNPayGateway

    config = current_app.config
    return VNPayGateway(
        tmn_code=config["VNPAY_TMN_CODE"],
        hash_secret=config["VNPAY_HASH_SECRET"],
        payment_url=config["VNPAY_PAYMENT_URL"],
        api_url=config["VNPAY_API_URL"],
        return_url=config["VNPAY_RETURN_URL"],
        post_json=current_app.extensions.get("vnpay_post_json"),
    )


def _purpose(dossier: Dossier) -> str | None:
    if dossier.awaiting_payment and dossier.status == DossierStatus.SUBMITTED:
        return "submission"
    if dossier.status == DossierStatus.PAYMENT_REQUESTED:
        return "request"
    return None


def start_payment(dossier: Dossier, *, payer: User, ip_addr: str, locale: str = "vi"):
    """A new attempt for what the dossier owes; returns ``(payment, redirect_url)``."""
    purpose = _purpose(dossier)
    if purpose is None or dossier.amount_due <= 0:
        raise NothingToPay()
    now = utcnow()
    txn_ref = f"{now.astimezone(VN_TZ):%y%m%d%H%M%S}{secrets.token_hex(4).upper()}"
    prepared = gateway().prepare_payment(
        PaymentIntent(
            txn_ref=txn_ref,
            amount=dossier.amount_due,
            order_info=f"Thanh toan phi ho so {dossier.code}",
            ip_addr=ip_addr or "127.0.0.1",
            locale=locale,
        )
    )
    payment = Payment(
        dossier_id=dossier.id,
        purpose=purpose,
        amount=dossier.amount_due,
        status="pending",
        gateway="vnpay",
        txn_ref=txn_ref,
        gateway_created_at=prepared.created_at,
        expires_at=prepared.expires_at,
        payer_id=payer.id,
    )
    db.session.add(payment)
    db.session.flush()
    audit.record(
        "payments.started",
        actor_uuid=payer.uuid,
        subject=txn_ref,
        data={"dossier": dossier.code, "amount": payment.amount},
    )
    return payment, prepared.url


_INSERT_RECEIPT = Receipt.__table__.insert()


def _record(
    kind: str,
    callback: VerifiedCallback | None,
    payload: dict,
    *,
    payment_id: int | None = None,
    result: str | None = None,
    verified: bool | None = None,
) -> None:
    """Store a gateway message as received, with its verification result (append-only rows:
    queued and written with the transaction's audit rows and outbox events, no ORM)."""
    append_row(
        GatewayMessage.__table__,
        {
            "payment_id": payment_id,
            "gateway": "vnpay",
            "kind": kind,
            "message_key": callback.message_key if callback is not None else None,
            "verified": callback.verified if verified is None else verified,
            "result": result,
            "payload": dict(payload),
            "received_at": utcnow(),
        },
    )


_CLOSED_STATUS = {PaymentOutcome.CANCELLED: "cancelled", PaymentOutcome.EXPIRED: "expired"}


def _claim_statement(*where):
    table = Payment.__table__
    return (
        table.update()
        .where(table.c.status == "pending", *where)
        .values(
            status=sa.bindparam("p_status"),
            paid_at=sa.bindparam("p_paid_at"),
            transaction_no=sa.bindparam("p_transaction_no"),
            bank_code=sa.bindparam("p_bank_code"),
            response_code=sa.bindparam("p_response_code"),
            settled_by=sa.bindparam("p_settled_by"),
            updated_at=sa.bindparam("p_now"),
        )
        .returning(
            table.c.id,
            table.c.uuid,
            table.c.dossier_id,
            table.c.purpose,
            table.c.amount,
            table.c.txn_ref,
        )
    )


# Built once: the IPN is the hottest write path (bench/payments).
_CLAIM_BY_REF = _claim_statement(
    Payment.__table__.c.txn_ref == sa.bindparam("p_ref"),
    Payment.__table__.c.amount == sa.bindparam("p_amount"),
)
_CLAIM_BY_ID = _claim_statement(Payment.__table__.c.id == sa.bindparam("p_id"))


def _claim(statement, status: str, response_code: str | None, settlement=None, **where):
    """Move a *pending* payment to ``status`` in one statement: the row lock, the "still
    pending" check and the update at once, so of two concurrent messages exactly one claims
    it (the other waits for the lock, then finds it no longer pending). ``settlement`` is
    ``(paid_at, transaction_no, bank_code, settled_by)`` for a success. The claimed row
    (id, uuid, dossier_id, purpose, amount, txn_ref) or None."""
    paid_at, transaction_no, bank_code, settled_by = settlement or (None, None, None, None)
    now = utcnow()
    params = {
        "p_status": status,
        "p_paid_at": (paid_at or now) if settlement else None,
        "p_transaction_no": transaction_no,
        "p_bank_code": bank_code,
        "p_response_code": response_code,
        "p_settled_by": settled_by,
        "p_now": now,
        **{f"p_{name}": value for name, value in where.items()},
    }
    return db.session.connection().execute(statement, params).first()


_dossiers = Dossier.__table__
#: Releases a dossier whose fee was due at submission (it enters the reception queue).
_RELEASE_SUBMITTED = (
    _dossiers.update()
    .where(
        _dossiers.c.id == sa.bindparam("p_id"),
        _dossiers.c.awaiting_payment.is_(True),
        _dossiers.c.amount_due == sa.bindparam("p_amount"),
    )
    .values(
        awaiting_payment=False,
        amount_due=0,
        version=_dossiers.c.version + 1,
        last_activity_at=sa.bindparam("p_now"),
        updated_at=sa.bindparam("p_now"),
    )
    .returning(
        _dossiers.c.id,
        _dossiers.c.uuid,
        _dossiers.c.code,
        _dossiers.c.status,
        _dossiers.c.status_code,
        _dossiers.c.applicant_name,
    )
)


def _release(claimed, *, settled_by: str) -> None:
    """What a claimed successful payment does: the receipt (biên lai), the dossier released
    (awaiting payment → reception queue; status 6 → back to processing), the process-log step,
    audit rows and outbox event. Set-based statements for the common case (a fee paid at
    submission); the ORM transition for a payment the officers requested."""
    now = utcnow()
    step = {"payment": str(claimed.uuid), "amount": claimed.amount}
    released = dossier = None
    if claimed.purpose == "submission":
        params = {"p_id": claimed.dossier_id, "p_amount": claimed.amount, "p_now": now}
        released = db.session.connection().execute(_RELEASE_SUBMITTED, params).first()
    if released is None:
        dossier = db.session.get(Dossier, claimed.dossier_id)
    # The step's reactions (the citizen's notifications, the fee e-receipt PDF, the DVCQG flag,
    # the statistics) run in a worker after the commit: VNPay waits for this answer.
    if released is not None:
        # The returned row is all the step needs (the worker loads the dossier).
        dossier_services.record_step(
            released, "pay", actor=None, role="system", event_data=step, react_later=True
        )
    elif dossier.amount_due == claimed.amount and dossier.status == DossierStatus.PAYMENT_REQUESTED:
        dossier.amount_due = 0
        dossier_services.transition(
            dossier,
            "payment_settled",
            actor=None,
            role="system",
            event_data=step,
            react_later=True,
        )
    audit.insert(
        "payments.succeeded",
        subject=claimed.txn_ref,
        data={"amount": claimed.amount, "by": settled_by},
    )
    _payment_event(
        "payment.succeeded",
        claimed,
        released if released is not None else dossier,
        "succeeded",
        add=outbox.insert_event,
    )
    # The receipt last: its number comes from the year's counter row, which the upsert keeps
    # locked until the commit (concurrent settlements queue there); the step's reactions (the
    # fee e-receipt document) read the receipt after the commit.
    if dossier is not None:
        db.session.flush()  # the ORM transition's dossier update, before the counter
    _issue_receipt(claimed, (released or dossier).applicant_name, now)


def _issue_receipt(claimed, payer_name: str, now: datetime) -> None:
    """The receipt (biên lai) of a claimed payment, ``BL-YYYY-NNNNNNNN`` from the year's
    counter: an upsert that increments and returns it, so concurrent settlements queue on the
    row and never share a number, and a rolled-back one gives its number back. Writes the
    queued audit rows, outbox events and gateway messages first — on PostgreSQL in the same
    statement as the counter and the receipt (one round trip, the row locked the least)."""
    year = now.astimezone(VN_TZ).year
    values = {
        "uuid": uuid.uuid4(),
        "payment_id": claimed.id,
        "dossier_id": claimed.dossier_id,
        "amount": claimed.amount,
        "payer_name": payer_name,
        "issued_at": now,
    }
    if db.session.connection().dialect.name == "postgresql":
        write_appended(
            with_statement=_numbered_receipt_insert(),
            parameters={**values, "year": year, "prefix": f"BL-{year}-"},
        )
        return
    write_appended()
    number = next_counter_value(ReceiptCounter.__table__, year=year)
    db.session.connection().execute(
        _INSERT_RECEIPT, {**values, "number": f"BL-{year}-{number:08d}"}
    )


@functools.cache
def _numbered_receipt_insert():
    """PostgreSQL: ``WITH counter AS (INSERT … ON CONFLICT (year) DO UPDATE … RETURNING
    last_value) INSERT INTO payment_receipts … SELECT prefix || last_value padded to 8``."""
    counters, receipts = ReceiptCounter.__table__, Receipt.__table__
    counter = (
        postgresql.insert(counters)
        .values(year=sa.bindparam("year"), last_value=1)
        .on_conflict_do_update(
            index_elements=[counters.c.year], set_={"last_value": counters.c.last_value + 1}
        )
        .returning(counters.c.last_value)
        .cte("receipt_counter")
    )
    digits = sa.cast(counter.c.last_value, sa.Text)
    number = sa.func.concat(
        sa.bindparam("prefix", type_=sa.Text),
        sa.func.lpad(digits, sa.func.greatest(8, sa.func.length(digits)), "0"),
    )
    names = ["uuid", "payment_id", "dossier_id", "amount", "payer_name", "issued_at"]
    columns = [sa.bindparam(name, type_=receipts.c[name].type) for name in names]
    return receipts.insert().from_select([*names, "number"], sa.select(*columns, number))


def _payment_event(
    event_type: str, payment, dossier, status: str, *, add=outbox.add_event, **data
) -> None:
    """An integration event about a payment (a claimed row or a ``Payment``), keyed by its
    dossier (a row or a ``Dossier`` with ``uuid`` and ``code``) so that subscribers get it in
    order with the dossier's own events (integration domain). ``add`` writes it (``add_event``,
    or ``insert_event`` on the IPN's path)."""
    add(
        event_type,
        "dossier",
        str(dossier.uuid),
        {
            "dossier": str(dossier.uuid),
            "code": dossier.code,
            "payment": str(payment.uuid),
            "purpose": payment.purpose,
            "amount": payment.amount,
            "status": status,
            **data,
        },
    )


def _closed_event(claimed, status: str, response_code: str | None) -> None:
    """The outbox event of a payment that ended without success (not the hot path)."""
    if claimed is None:
        return
    dossier = db.session.execute(
        sa.select(Dossier.uuid, Dossier.code).where(Dossier.id == claimed.dossier_id)
    ).one()
    _payment_event(f"payment.{status}", claimed, dossier, status, response_code=response_code)


def handle_ipn(params: dict) -> tuple[str, str]:
    """Apply a VNPay IPN (VNPAY.md §5.2 order): checksum → order → amount → already
    confirmed → update. Returns ``(RspCode, Message)`` for VNPay."""
    callback = gateway().verify_callback(params)
    if not callback.verified:
        _record("ipn", callback, params, result="97")
        return "97", "Invalid Checksum"
    claimed = None
    if callback.txn_ref:
        if callback.succeeded:
            status = "succeeded"
            settlement = (
                callback.pay_date,
                callback.transaction_no,
                callback.bank_code,
                "ipn",
            )
        else:
            status, settlement = _CLOSED_STATUS.get(callback.outcome, "failed"), None
        claimed = _claim(
            _CLAIM_BY_REF,
            status,
            callback.response_code,
            settlement,
            ref=callback.txn_ref,
            amount=callback.amount,
        )
    if claimed is None:  # tell apart: unknown order, wrong amount, already confirmed
        current = (
            db.session.execute(
                sa.select(Payment.id, Payment.amount).where(Payment.txn_ref == callback.txn_ref)
            ).first()
            if callback.txn_ref
            else None
        )
        if current is None:
            code, message = "01", "Order not found"
        elif current.amount != callback.amount:
            code, message = "04", "Invalid amount"
        else:
            code, message = "02", "Order already confirmed"
        _record("ipn", callback, params, payment_id=current and current.id, result=code)
        return code, message
    _record("ipn", callback, params, payment_id=claimed.id, result="00")
    if callback.succeeded:
        _release(claimed, settled_by="ipn")  # last: it ends with the receipt counter's lock
    else:
        _closed_event(claimed, status, callback.response_code)
    return "00", "Confirm Success"


def handle_return(params: dict) -> tuple[Payment | None, VerifiedCallback]:
    """Record the browser's return; it never changes a payment (only IPN or a query does)."""
    callback = gateway().verify_callback(params)
    payment = None
    if callback.verified and callback.txn_ref:
        payment = db.session.scalar(sa.select(Payment).where(Payment.txn_ref == callback.txn_ref))
    _record("return", callback, params, payment_id=payment.id if payment else None)
    return payment, callback


def reconcile_pending(now: datetime | None = None) -> dict:
    """Ask the gateway about attempts pending past RECONCILE_AFTER; settle the paid ones, close
    the failed and the expired. Returns counts per outcome."""
    now = now or utcnow()
    counts = {"succeeded": 0, "failed": 0, "expired": 0, "unknown": 0}
    ids = db.session.scalars(
        sa.select(Payment.id).where(
            Payment.status == "pending", Payment.created_at < now - RECONCILE_AFTER
        )
    ).all()
    client = gateway()
    for payment_id in ids:
        payment = db.session.scalar(
            sa.select(Payment).where(Payment.id == payment_id).with_for_update()
        )
        if payment is None or payment.status != "pending":
            continue
        try:
            answer = client.query(payment.txn_ref, payment.gateway_created_at, ip_addr="127.0.0.1")
        except Exception:  # gateway unreachable: try again next run
            counts["unknown"] += 1
            continue
        _record(
            "querydr",
            None,
            dict(answer.raw),
            payment_id=payment.id,
            result=answer.response_code,
            verified=answer.verified,
        )
        if answer.paid and answer.amount == payment.amount:
            settlement = (
                answer.pay_date,
                answer.transaction_no,
                answer.bank_code,
                "reconciliation",
            )
            claimed = _claim(_CLAIM_BY_ID, "succeeded", "00", settlement, id=payment.id)
            _release(claimed, settled_by="reconciliation")
            counts["succeeded"] += 1
        elif answer.ok and answer.payment_outcome not in (None, PaymentOutcome.PENDING):
            status = _CLOSED_STATUS.get(answer.payment_outcome, "failed")
            claimed = _claim(_CLAIM_BY_ID, status, answer.response_code, id=payment.id)
            _closed_event(claimed, status, answer.response_code)
            counts["failed"] += 1
        elif payment.expires_at < now - RECONCILE_AFTER:
            claimed = _claim(_CLAIM_BY_ID, "expired", None, id=payment.id)
            _closed_event(claimed, "expired", None)
            counts["expired"] += 1
        else:
            counts["unknown"] += 1
    db.session.flush()
    return counts


def refund(payment: Payment, *, actor: User, amount: int, reason: str) -> Refund:
    """Refund all or part of a succeeded payment, never beyond the refundable remainder."""
    payment = db.session.scalar(
        sa.select(Payment).where(Payment.id == payment.id).with_for_update()
    )
    if payment.status not in ("succeeded", "partially_refunded"):
        raise RefundRefused()
    remaining = payment.amount - payment.refunded_amount
    if amount > remaining:
        raise RefundTooLarge(
            errors={"amount": ["payments.refund-too-large.detail"]}, remaining=remaining
        )
    try:
        answer = gateway().refund(
            payment.txn_ref,
            payment.gateway_created_at,
            amount,
            original_amount=payment.amount,
            already_refunded=payment.refunded_amount,
            created_by=actor.full_name,
            ip_addr="127.0.0.1",
            transaction_no=payment.transaction_no,
        )
    except GatewayUnavailable as exc:  # outcome unknown: nothing recorded, the cashier retries
        raise GatewayDown() from exc
    _record(
        "refund",
        None,
        dict(answer.raw),
        payment_id=payment.id,
        result=answer.response_code,
        verified=answer.verified,
    )
    row = Refund(
        payment_id=payment.id,
        amount=amount,
        reason=reason,
        status="succeeded" if answer.ok else "failed",
        requested_by=actor.uuid,
        created_at=utcnow(),
        transaction_no=answer.transaction_no,
        response_code=answer.response_code,
    )
    db.session.add(row)
    if not answer.ok:
        db.session.flush()
        raise RefundRefused()
    payment.refunded_amount += amount
    payment.status = (
        "refunded" if payment.refunded_amount == payment.amount else ("partially_refunded")
    )
    audit.record(
        "payments.refunded",
        actor_uuid=actor.uuid,
        subject=payment.txn_ref,
        data={"amount": amount, "reason": reason},
    )
    dossier = db.session.get(Dossier, payment.dossier_id)
    _payment_event(
        "payment.refunded", payment, dossier, payment.status, refunded=amount, reason=reason
    )
    db.session.flush()
    return row


@dossier_closed.connect
def _propose_refunds(dossier: Dossier, *, before_processing: bool) -> None:
    """A paid dossier refused or withdrawn before processing: propose refunds to the cashier."""
    if not before_processing:
        return
    now = utcnow()
    for payment in db.session.scalars(
        sa.select(Payment).where(
            Payment.dossier_id == dossier.id,
            Payment.status.in_(("succeeded", "partially_refunded")),
            Payment.refund_proposed_at.is_(None),
        )
    ):
        payment.refund_proposed_at = now
        audit.record(
            "payments.refund_proposed", subject=payment.txn_ref, data={"dossier": dossier.code}
        )
    db.session.flush()


def refund_proposals(officer: User) -> list[Payment]:
    """Payments with a refund proposed and something left to refund, for the officer's
    agency (all for admins)."""
    stmt = (
        sa.select(Payment)
        .join(Dossier, Dossier.id == Payment.dossier_id)
        .where(
            Payment.refund_proposed_at.is_not(None),
            Payment.refunded_amount < Payment.amount,
            Payment.status.in_(("succeeded", "partially_refunded")),
        )
        .order_by(Payment.refund_proposed_at)
    )
    if not officer.has_role("admin"):
        stmt = stmt.where(
            sa.or_(
                Dossier.receiving_agency_id == officer.agency_id,
                Dossier.competent_agency_id == officer.agency_id,
            )
        )
    return list(db.session.scalars(stmt))


def mismatches() -> list[GatewayMessage]:
    """Verified gateway messages saying "paid" for a payment we do not hold as paid (the
    reconciliation report for admins): amount mismatches, unknown references, late successes
    after we closed the attempt."""
    paid_states = ("succeeded", "partially_refunded", "refunded")
    messages = db.session.scalars(
        sa.select(GatewayMessage)
        .where(GatewayMessage.verified.is_(True), GatewayMessage.kind.in_(("ipn", "querydr")))
        .order_by(GatewayMessage.id.desc())
        .limit(5000)
    )
    report = []
    for message in messages:
        payload = message.payload or {}
        said_paid = payload.get("vnp_ResponseCode") == "00" and (
            payload.get("vnp_TransactionStatus") == "00"
        )
        if not said_paid:
            continue
        payment = db.session.get(Payment, message.payment_id) if message.payment_id else None
        if payment is None or payment.status not in paid_states:
            report.append(message)
    return report
