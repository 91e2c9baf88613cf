"""Payment endpoints: start a payment, VNPay's return and IPN, receipts, refunds."""

from __future__ import annotations

from urllib.parse import urlencode

import sqlalchemy as sa
from flask import current_app, jsonify, redirect, request
from flask_restx import Namespace, Resource
from marshmallow import Schema, fields, validate

from backend.accounts.auth import current_user, login_required, public
from backend.accounts.models import Role
from backend.core import transaction
from backend.core.api import DateTime, accepts, documents_errors, responds
from backend.core.db import write_appended
from backend.core.errors import NotFound
from backend.core.i18n import get_locale
from backend.core.idempotency import idempotent
from backend.dossiers import queries as dossier_queries
from backend.dossiers.models import Dossier
from backend.extensions import db
from backend.payments import services
from backend.payments.models import Payment

payments_ns = Namespace("payments", description="Online payment of fees (VNPay)")
dossier_payments_ns = Namespace("dossier-payments", description="A dossier's payments")


class ReceiptSchema(Schema):
    number = fields.String(required=True)
    amount = fields.Integer(required=True)
    payer_name = fields.String(required=True)
    issued_at = DateTime(required=True)


class PaymentSchema(Schema):
    id = fields.UUID(attribute="uuid", required=True)
    purpose = fields.String(required=True)
    amount = fields.Integer(required=True)
    status = fields.String(required=True)
    txn_ref = fields.String(required=True)
    created_at = DateTime(required=True)
    expires_at = DateTime(required=True)
    paid_at = DateTime(allow_none=True)
    refunded_amount = fields.Integer(required=True)
    receipt = fields.Nested(ReceiptSchema, allow_none=True)


class StartedPaymentSchema(Schema):
    payment = fields.Nested(PaymentSchema, required=True)
    redirect_url = fields.String(required=True, metadata={"description": "Send the payer here"})


class RefundInputSchema(Schema):
    amount = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class RefundSchema(Schema):
    id = fields.UUID(attribute="uuid", required=True)
    amount = fields.Integer(required=True)
    reason = fields.String(required=True)
    status = fields.String(required=True)
    created_at = DateTime(required=True)


def _client_ip() -> str:
    address = request.remote_addr or "127.0.0.1"
    return "127.0.0.1" if address in ("::1", "localhost") else address


@dossier_payments_ns.route("/<uuid:dossier_id>/payments")
class DossierPayments(Resource):
    @login_required(kind="citizen")
    @responds(PaymentSchema, many=True, description="Attempts, newest first")
    def get(self, dossier_id):
        """The payment attempts of my dossier, with their receipts."""
        dossier = dossier_queries.get_for_owner_or_404(dossier_id, current_user())
        return _payments_of(dossier)

    @login_required(kind="citizen")
    @idempotent(lambda: current_user().uuid)
    @documents_errors(409)
    @responds(StartedPaymentSchema, status=201, description="Redirect the payer to pay")
    def post(self, dossier_id):
        """Pay what my dossier owes now (fees at submission or an officer's request).

        Send an ``Idempotency-Key``; a retry with it returns the same attempt.
        """
        dossier = dossier_queries.get_for_owner_or_404(dossier_id, current_user())
        payment, url = services.start_payment(
            dossier,
            payer=current_user(),
            ip_addr=_client_ip(),
            locale="en" if get_locale() == "en" else "vi",
        )
        return {"payment": payment, "redirect_url": url}


def _payments_of(dossier):
    return list(
        db.session.scalars(
            sa.select(Payment).where(Payment.dossier_id == dossier.id).order_by(Payment.id.desc())
        )
    )


@payments_ns.route("/vnpay/ipn")
class VNPayIPN(Resource):
    @public
    @responds(status=200, description='JSON {"RspCode": "00", "Message": "Confirm Success"}')
    def get(self):
        """VNPay's server-to-server notification (VNPAY.md §5): always HTTP 200 with RspCode."""
        params = request.args.to_dict(flat=True)
        if not params:
            return jsonify(RspCode="99", Message="Input data required")
        try:
            code, message = services.handle_ipn(params)
            # The queued rows (gateway message…) now, not in the commit: a failure is a "99".
            write_appended()
        except Exception:
            current_app.logger.exception("IPN failed")
            # Also forgets what was to follow the commit (the reactions' task).
            transaction.rollback()
            return jsonify(RspCode="99", Message="Unknown error")
        return jsonify(RspCode=code, Message=message)


@payments_ns.route("/vnpay/return")
class VNPayReturn(Resource):
    @public
    @responds(status=302, description="Redirect to the SPA's payment result page")
    def get(self):
        """The payer's browser back from VNPay: verified, recorded, never settles anything."""
        payment, callback = services.handle_return(request.args.to_dict(flat=True))
        query = {
            "verified": "1" if callback.verified else "0",
            "outcome": callback.outcome.value if callback.verified else "unverified",
        }
        if payment is not None:
            query["payment"] = str(payment.uuid)
            query["status"] = payment.status
        return redirect(f"/thanh-toan/ket-qua?{urlencode(query)}", code=302)


@payments_ns.route("/<uuid:payment_id>")
class PaymentItem(Resource):
    @login_required()
    @responds(PaymentSchema, description="The attempt, its status and receipt")
    def get(self, payment_id):
        """A payment attempt: the payer's, or an officer's of the dossier's agencies."""
        return _visible_payment(payment_id)


def _visible_payment(payment_id) -> Payment:
    payment = db.session.scalar(sa.select(Payment).where(Payment.uuid == payment_id))
    if payment is None:
        raise NotFound()
    dossier = db.session.get(Dossier, payment.dossier_id)
    user = current_user()
    if dossier.owner_id != user.id and not dossier_queries.can_officer_see(dossier, user):
        raise NotFound()
    return payment


@payments_ns.route("/<uuid:payment_id>/refunds")
class PaymentRefunds(Resource):
    @login_required(Role.CASHIER, Role.LEADER)
    @idempotent(lambda: current_user().uuid)
    @documents_errors(404, 409)
    @accepts(RefundInputSchema)
    @responds(RefundSchema, status=201, description="Refunded")
    def post(self, data, payment_id):
        """Refund all or part of a payment, with a reason (cashier or leader)."""
        payment = _visible_payment(payment_id)
        return services.refund(payment, actor=current_user(), **data)


payments_admin_ns = Namespace("payments-admin", description="Payment reconciliation for admins")
refunds_ns = Namespace("refund-proposals", description="Refunds waiting for a cashier")


class ProposalSchema(PaymentSchema):
    dossier_code = fields.Function(
        lambda p: db.session.get(Dossier, p.dossier_id).code, required=True
    )
    refund_proposed_at = DateTime(required=True)


class MismatchSchema(Schema):
    kind = fields.String(required=True)
    received_at = DateTime(required=True)
    message_key = fields.String(allow_none=True)
    result = fields.String(allow_none=True)
    txn_ref = fields.Function(lambda m: (m.payload or {}).get("vnp_TxnRef"), allow_none=True)
    amount = fields.Function(
        lambda m: int((m.payload or {}).get("vnp_Amount", 0) or 0) // 100, required=True
    )
    our_status = fields.Function(
        lambda m: db.session.get(Payment, m.payment_id).status if m.payment_id else None,
        allow_none=True,
    )


@refunds_ns.route("/refund-proposals")
class RefundProposals(Resource):
    @login_required(Role.CASHIER, Role.LEADER, Role.ADMIN)
    @responds(ProposalSchema, many=True, description="Oldest proposal first")
    def get(self):
        """Paid dossiers refused or withdrawn before processing: refunds to make."""
        return services.refund_proposals(current_user())


@payments_admin_ns.route("/payments/mismatches")
class PaymentMismatches(Resource):
    @login_required(Role.ADMIN)
    @responds(MismatchSchema, many=True, description="Newest first")
    def get(self):
        """Reconciliation report: the gateway says paid, we do not hold the payment as paid."""
        return services.mismatches()
