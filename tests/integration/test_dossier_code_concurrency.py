"""Official codes under concurrent submissions on PostgreSQL: distinct and consecutive."""

from __future__ import annotations

import io
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from backend import migrate
from tests.catalog_fixtures import publish
from tests.conftest import drop_scratch_database, scratch_database_url
from tests.dossier_fixtures import PDF
from tests.factories import PASSWORD

SUBMISSIONS = 20


@pytest.fixture
def scratch_url():
    """A database of its own: these submissions really commit, concurrently."""
    url = scratch_database_url("concurrency")
    migrate.upgrade(url)
    yield url
    drop_scratch_database(url)


def test_concurrent_submissions_get_distinct_consecutive_codes(make_app, scratch_url):
    from backend.core.transaction import task_transaction
    from tests.factories import AgencyFactory, CitizenFactory

    app = make_app(
        DATABASE_URL=scratch_url,
        LOGIN_RATE_LIMIT_IP="1000 per minute",
        LOGIN_RATE_LIMIT_ACCOUNT="1000 per minute",
    )
    with app.app_context(), task_transaction():
        agency = AgencyFactory(code="000.00.15.C01")
        publish(agency.code)
        citizen = CitizenFactory()
        email = citizen.email
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": email, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.json['access_token']}"}
    drafts = []
    for _ in range(SUBMISSIONS):
        dossier_id = client.post(
            "/api/v1/dossiers", json={"procedure_code": "1.001193"}, headers=headers
        ).json["id"]
        client.patch(
            f"/api/v1/dossiers/{dossier_id}",
            json={"form_data": {"full_name": "Nguyễn Văn An"}},
            headers=headers,
        )
        for component in ("TK", "GCS"):
            client.post(
                f"/api/v1/dossiers/{dossier_id}/attachments",
                data={"component_code": component, "file": (io.BytesIO(PDF), "a.pdf")},
                content_type="multipart/form-data",
                headers=headers,
            )
        drafts.append(dossier_id)
    start = threading.Barrier(SUBMISSIONS)

    def submit(dossier_id: str):
        start.wait()
        response = app.test_client().post(
            f"/api/v1/dossiers/{dossier_id}/submit",
            headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
        )
        return response.status_code, response.json.get("code")

    with ThreadPoolExecutor(max_workers=SUBMISSIONS) as pool:
        results = list(pool.map(submit, drafts))

    assert [status for status, _ in results] == [200] * SUBMISSIONS
    codes = [code for _, code in results]
    assert len(set(codes)) == SUBMISSIONS
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert numbers == list(range(1, SUBMISSIONS + 1))
    assert all(code.startswith("000.00.15.C01-") for code in codes)


def test_two_officers_acting_at_once_one_wins_the_other_gets_409(make_app, scratch_url):
    from backend.core.transaction import task_transaction
    from tests.factories import AgencyFactory, CitizenFactory, OfficerFactory

    app = make_app(
        DATABASE_URL=scratch_url,
        LOGIN_RATE_LIMIT_IP="1000 per minute",
        LOGIN_RATE_LIMIT_ACCOUNT="1000 per minute",
    )
    with app.app_context(), task_transaction():
        agency = AgencyFactory(code="000.00.15.C02")
        publish(agency.code)
        citizen_email = CitizenFactory().email
        officers = [
            OfficerFactory(agency=agency, roles=["reception_officer"]).email for _ in range(2)
        ]
    client = app.test_client()

    def token(email):
        response = client.post("/api/v1/auth/token", json={"username": email, "password": PASSWORD})
        return {"Authorization": f"Bearer {response.json['access_token']}"}

    from tests.dossier_fixtures import submitted

    for _round in range(5):  # several races, to make a lucky pass unlikely
        dossier = submitted(client, token(citizen_email))
        version = dossier["version"]
        url = f"/api/v1/backoffice/dossiers/{dossier['id']}"
        headers = [token(email) for email in officers]
        start = threading.Barrier(2)

        def act(index):
            start.wait()
            action, body = ("accept", {}) if index == 0 else ("refuse", {"reason": "Sai"})
            response = app.test_client().post(
                f"{url}/{action}", json={"version": version, **body}, headers=headers[index]
            )
            return response.status_code

        with ThreadPoolExecutor(max_workers=2) as pool:
            statuses = sorted(pool.map(act, [0, 1]))

        assert statuses == [200, 409]
        final = client.get(url, headers=headers[0]).json
        assert final["status"] in ("received", "refused")
        assert len(final["timeline"]) == 2  # submit and exactly one of the two actions


def test_fifty_duplicate_ipns_credit_once(make_app, scratch_url):
    from backend.core.transaction import task_transaction
    from backend.payments.models import Payment, Receipt
    from tests.dossier_fixtures import submitted
    from tests.factories import CitizenFactory
    from tests.payment_fixtures import FEE, fee_procedure, ipn_params, start

    app = make_app(
        DATABASE_URL=scratch_url,
        LOGIN_RATE_LIMIT_IP="1000 per minute",
        LOGIN_RATE_LIMIT_ACCOUNT="1000 per minute",
    )
    with app.app_context(), task_transaction():
        fee_procedure()
        email = CitizenFactory().email
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": email, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.json['access_token']}"}
    dossier = submitted(client, headers)
    payment = start(client, dossier["id"], headers)["payment"]
    params = ipn_params(payment["txn_ref"], FEE)
    start_line = threading.Barrier(50)

    def deliver(_):
        start_line.wait()
        return app.test_client().get("/api/v1/payments/vnpay/ipn", query_string=params).json

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = [a["RspCode"] for a in pool.map(deliver, range(50))]

    assert sorted(answers) == ["00"] + ["02"] * 49
    engine = sa.create_engine(scratch_url)
    with engine.connect() as connection:
        receipts = connection.execute(sa.select(sa.func.count()).select_from(Receipt)).scalar()
        status = connection.execute(
            sa.select(Payment.status).where(Payment.txn_ref == payment["txn_ref"])
        ).scalar()
        pays = connection.execute(
            sa.text("SELECT count(*) FROM dossier_process_log WHERE action = 'pay'")
        ).scalar()
    engine.dispose()
    assert (receipts, status, pays) == (1, "succeeded", 1)


def test_concurrent_settlements_get_distinct_receipt_numbers(make_app, scratch_url):
    from backend.core.transaction import task_transaction
    from backend.payments.models import Receipt
    from tests.dossier_fixtures import submitted
    from tests.factories import CitizenFactory
    from tests.payment_fixtures import FEE, fee_procedure, ipn_params, start

    app = make_app(
        DATABASE_URL=scratch_url,
        LOGIN_RATE_LIMIT_IP="1000 per minute",
        LOGIN_RATE_LIMIT_ACCOUNT="1000 per minute",
    )
    with app.app_context(), task_transaction():
        fee_procedure()
        email = CitizenFactory().email
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": email, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.json['access_token']}"}
    refs = []
    for _ in range(12):
        dossier = submitted(client, headers)
        refs.append(start(client, dossier["id"], headers)["payment"]["txn_ref"])
    start_line = threading.Barrier(len(refs))

    def deliver(ref):
        start_line.wait()
        params = ipn_params(ref, FEE)
        return app.test_client().get("/api/v1/payments/vnpay/ipn", query_string=params).json

    with ThreadPoolExecutor(max_workers=len(refs)) as pool:
        answers = [a["RspCode"] for a in pool.map(deliver, refs)]

    assert answers == ["00"] * len(refs)
    engine = sa.create_engine(scratch_url)
    with engine.connect() as connection:
        numbers = connection.execute(sa.select(Receipt.number)).scalars().all()
    engine.dispose()
    assert len(numbers) == len(set(numbers)) == len(refs)
