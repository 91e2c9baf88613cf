"""The IPN answers VNPay without running the `pay` step's reactions (notifications, fee
e-receipt document, DVCQG flag, statistics): a worker runs them after the commit, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from backend.core import clock
from backend.dossiers import services as dossier_services
from backend.dossiers.events import step_recorded
from backend.dossiers.models import Dossier, ProcessLogEntry
from backend.dossiers.tasks import REACTION_GRACE_SECONDS, react_to_steps
from backend.extensions import celery
from backend.notifications.models import Notification
from backend.payments.models import Payment
from backend.results.models import KIND_FEE_RECEIPT, IssuedDocument
from tests.dossier_fixtures import submitted
from tests.factories import CitizenFactory
from tests.helpers import bearer
from tests.payment_fixtures import FEE, dossier_awaiting_payment, ipn_params, start

IPN = "/api/v1/payments/vnpay/ipn"


def db_has_fee_procedure() -> bool:
    from backend.catalog.models import Procedure
    from backend.extensions import db

    return db.session.scalar(sa.select(sa.func.count()).select_from(Procedure)) > 0


@pytest.fixture
def broker(monkeypatch):
    """Deployed mode: tasks go to a broker (recorded here) instead of running inline. The
    reaction delay is a minute, so that every IPN of a test falls within the first one's."""
    published = []
    monkeypatch.setattr(celery.conf, "task_always_eager", False)
    monkeypatch.setattr(
        react_to_steps, "apply_async", lambda *a, **k: published.append((a, k)), raising=False
    )
    monkeypatch.setattr(dossier_services, "_last_publication", [float("-inf")])
    monkeypatch.setattr(dossier_services, "REACTION_DELAY", 60.0)
    return published


def _pending(client):
    """A dossier held for its fee and a pending VNPay attempt for it."""
    if db_has_fee_procedure():
        headers = bearer(client, CitizenFactory().email)
        dossier = submitted(client, headers)
    else:
        dossier, headers = dossier_awaiting_payment(client)
    return dossier, start(client, dossier["id"], headers)["payment"]


def _ipn(client, payment) -> str:
    return client.get(IPN, query_string=ipn_params(payment["txn_ref"], FEE)).json["RspCode"]


def _paid(client):
    dossier, payment = _pending(client)
    assert _ipn(client, payment) == "00"
    return dossier, payment


def _pay_step(db, dossier) -> ProcessLogEntry:
    return db.session.scalar(
        sa.select(ProcessLogEntry)
        .join(Dossier, Dossier.id == ProcessLogEntry.dossier_id)
        .where(Dossier.uuid == dossier["id"], ProcessLogEntry.action == "pay")
    )


def _reactions(db, dossier) -> tuple[int, int]:
    """(payment notifications, fee e-receipt documents) of the dossier."""
    dossier_id = sa.select(Dossier.id).where(Dossier.uuid == dossier["id"]).scalar_subquery()
    notes = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.dossier_id == dossier_id)
        .where(Notification.template == "payment_succeeded")
    )
    documents = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(IssuedDocument)
        .where(IssuedDocument.dossier_id == dossier_id, IssuedDocument.kind == KIND_FEE_RECEIPT)
    )
    return notes, documents


def test_without_a_broker_the_reactions_run_right_after_the_commit(client, db):
    dossier, _ = _paid(client)

    assert _reactions(db, dossier) == (1, 1)
    assert _pay_step(db, dossier).pending_reaction is None


def test_the_ipn_leaves_the_reactions_to_a_worker_which_runs_them_once(client, db, broker):
    (first, payment), (second, other) = _pending(client), _pending(client)
    assert _ipn(client, payment) == "00" and _ipn(client, other) == "00"

    # Answered and settled, but nobody told yet: the step waits with its data.
    assert _reactions(db, first) == (0, 0) and _reactions(db, second) == (0, 0)
    step = _pay_step(db, first)
    assert step.pending_reaction == {"payment": payment["id"], "amount": FEE}
    # One delayed task for both commits (the second came within REACTION_DELAY).
    assert broker == [((), {"kwargs": {"older_than": 0}, "countdown": 60.0})]

    assert react_to_steps.apply(kwargs={"older_than": 0}).result == 2

    assert _reactions(db, first) == (1, 1) and _reactions(db, second) == (1, 1)
    db.session.refresh(step)
    assert step.pending_reaction is None
    # A second delivery of the task (or the sweep) finds nothing left to do.
    assert react_to_steps.apply(kwargs={"older_than": 0}).result == 0
    assert react_to_steps.apply(args=([step.id],)).result == 0
    assert _reactions(db, first) == (1, 1)


def test_failed_reactions_stay_pending_for_the_sweep(client, db, broker):
    dossier, _ = _paid(client)

    def broken(sender, **_):
        raise RuntimeError("SMTP down")

    step_recorded.connect(broken)
    try:
        assert react_to_steps.apply(kwargs={"older_than": 0}).result == 0
    finally:
        step_recorded.disconnect(broken)
    # The receivers that ran before the failure were rolled back with it.
    assert _reactions(db, dossier) == (0, 0)
    step = _pay_step(db, dossier)
    assert step.pending_reaction is not None

    # The beat's sweep leaves a fresh step to its own task, then takes it once it is late.
    assert react_to_steps.apply().result == 0
    clock.freeze(step.occurred_at + timedelta(seconds=REACTION_GRACE_SECONDS + 1))
    assert react_to_steps.apply().result == 1
    assert _reactions(db, dossier) == (1, 1)


def test_a_rolled_back_ipn_queues_nothing(client, db, broker, monkeypatch):
    from backend.payments import services as payment_services

    dossier, payment = _pending(client)

    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(payment_services, "_issue_receipt", fail)
    assert _ipn(client, payment) == "99"
    assert broker == []
    assert _pay_step(db, dossier) is None
    status = db.session.scalar(sa.select(Payment.status).where(Payment.uuid == payment["id"]))
    assert status == "pending"
