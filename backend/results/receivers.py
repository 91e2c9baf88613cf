"""The one-stop desk's forms, ordered when their step is recorded (dossiers' ``step_recorded``):
accept → receipt and appointment slip (Mẫu 01), request_supplement → supplement request
(Mẫu 02), refuse → refusal (Mẫu 03), an online payment → the fee e-receipt."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from backend.dossiers.events import step_recorded
from backend.extensions import db
from backend.results import services
from backend.results.models import (
    KIND_FEE_RECEIPT,
    KIND_RECEIPT_SLIP,
    KIND_REFUSAL,
    KIND_SUPPLEMENT_REQUEST,
)


@step_recorded.connect
def order_forms(dossier, *, entry, actor, event_data, **_):
    """Order the form a step produces (it is rendered and signed after commit)."""
    officer = actor if actor is not None and actor.kind == "officer" else None
    if entry.action == "accept":
        # One slip per reception (a supplement asked at the desk leads to a second one).
        received = dossier.received_at.strftime("%Y%m%d%H%M%S")
        services.order_form(
            dossier,
            KIND_RECEIPT_SLIP,
            officer=officer,
            suffix=f":{received}",
            number=dossier.code,
        )
    elif entry.action == "request_supplement":
        round_number = event_data.get("round")
        services.order_form(
            dossier,
            KIND_SUPPLEMENT_REQUEST,
            officer=officer,
            suffix=f":{round_number}",
            number=f"{dossier.code}-BS{round_number}",
            context={"round": round_number},
        )
    elif entry.action == "refuse":
        services.order_form(
            dossier,
            KIND_REFUSAL,
            officer=officer,
            number=f"{dossier.code}-TC",
            context={"reason": entry.note},
        )
    elif entry.action in ("pay", "payment_settled") and event_data.get("payment"):
        from backend.payments.models import Payment, Receipt

        receipt = db.session.scalar(
            sa.select(Receipt)
            .join(Payment, Payment.id == Receipt.payment_id)
            .where(Payment.uuid == uuid.UUID(str(event_data["payment"])))
        )
        if receipt is not None:
            services.order_form(
                dossier,
                KIND_FEE_RECEIPT,
                officer=None,
                suffix=f":{receipt.number}",
                number=receipt.number,
            )
