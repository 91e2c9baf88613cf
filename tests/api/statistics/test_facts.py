"""The dossier_facts projection follows the dossiers through the ORM, and rebuilds the same."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from backend.core import clock
from backend.extensions import db
from backend.statistics import facts, scorecard
from backend.statistics.models import DossierFacts
from backend.statistics.queries import Period
from tests.api.dossiers.test_backoffice import Desk
from tests.api.statistics.test_report import NOW, History
from tests.api.statistics.test_workflow import RATING, at, finish, processed
from tests.dossier_fixtures import ready_draft


def facts_of(dossier_uuid) -> DossierFacts | None:
    from backend.dossiers.models import Dossier

    db.session.expire_all()
    dossier = db.session.scalar(sa.select(Dossier).where(Dossier.uuid == dossier_uuid))
    return db.session.get(DossierFacts, dossier.id)


def test_facts_follow_a_dossier_from_submission_to_rating(client, db):
    desk = Desk(client)
    clock.freeze(at(2))
    draft = ready_draft(client, desk.citizen_headers)
    assert facts_of(draft) is None  # drafts are never counted

    dossier_id = desk.submit()
    submitted = facts_of(dossier_id)
    assert submitted.status == "submitted" and submitted.channel == 2
    assert submitted.has_attachment and submitted.due_at is None
    processed(desk, dossier_id)
    assert facts_of(dossier_id).due_at is not None
    finish(desk, dossier_id)
    resolved = facts_of(dossier_id)
    assert resolved.resolved and resolved.finish_class == "early"
    assert resolved.processing_seconds == 0  # issued the minute it was received
    client.post(f"/api/v1/dossiers/{dossier_id}/rating", json=RATING, headers=desk.citizen_headers)
    assert facts_of(dossier_id).rating_overall == 2


def test_a_successful_dvcqg_sync_puts_the_dossier_on_the_portal(received, sim, db):
    """The sync task sets the flag through the ORM; the facts (766 indicator 1.4) follow in the
    same transaction. A failed first push leaves the dossier off the portal."""
    from backend.integration.tasks import sync_dvcqg

    dossier, _ = received
    assert facts_of(dossier.uuid).on_portal is False
    sim.forced.append({"error_code": "-9", "message": "Hệ thống đang bảo trì"})
    assert sync_dvcqg() == {"synced": 0, "failed": 1}
    assert facts_of(dossier.uuid).on_portal is False

    clock.freeze(clock.utcnow() + timedelta(minutes=2))  # after the backoff
    assert sync_dvcqg() == {"synced": 1, "failed": 0}
    synced = facts_of(dossier.uuid)
    assert synced.on_portal is True and synced.identity_verified is False
    report = scorecard.build_report(Period.month(2026, 11), None)
    assert report["counts"]["received_synced"] == 1 and report["rates"]["sync"] == 1.0


def test_rebuilding_the_facts_gives_the_same_report(db):
    history = History()
    before = scorecard.build_report(Period.year(2026), history.agency, NOW)
    db.session.execute(sa.delete(DossierFacts))
    assert scorecard.build_report(Period.year(2026), history.agency, NOW)["counts"]["in_scope"] == 0

    count = facts.rebuild(db.session.connection())

    assert count == 17  # D1–D16 and Y1 (the draft D17 has none)
    assert scorecard.build_report(Period.year(2026), history.agency, NOW) == before


def test_an_ipn_settlement_counts_as_paid_online(client, db):
    """The IPN settles with set-based statements the ORM flush never sees: the recorded step
    still brings the dossier's facts up to date."""
    from backend.dossiers.events import step_recorded
    from backend.results import receivers
    from tests.payment_fixtures import FEE, dossier_awaiting_payment, ipn_params, start

    dossier, headers = dossier_awaiting_payment(client)
    payment = start(client, dossier["id"], headers)["payment"]
    assert facts_of(dossier["id"]).paid_online is False

    # Without the fee e-receipt's row, nothing of this dossier goes through the flush.
    step_recorded.disconnect(receivers.order_forms)
    try:
        ipn = ipn_params(payment["txn_ref"], FEE)
        answer = client.get("/api/v1/payments/vnpay/ipn", query_string=ipn)
    finally:
        step_recorded.connect(receivers.order_forms)

    assert answer.json["RspCode"] == "00"
    assert facts_of(dossier["id"]).paid_online is True
