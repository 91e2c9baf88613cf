"""The national population database through its simulator over real HTTP: the client,
verification at registration, a citizen's own check and prefill, officers' lookups, and the
query log (who, when, why, about whom)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from flask import Flask

from backend.accounts.models import User
from backend.integration.models import PopulationLookup
from backend.integration.population import PopulationClient, PopulationUnreachable
from backend.simulators import population as population_sim
from tests.factories import PASSWORD, CitizenFactory, OfficerFactory
from tests.helpers import bearer
from tests.http_server import free_port, serve

KEY = "test-only-population-key"
CUONG = {
    "personal_id": "001090012345",
    "full_name": "Phạm Văn Cường",
    "date_of_birth": "1990-05-20",
}


@pytest.fixture(scope="module")
def population_url():
    sim_app = Flask("population-sim")
    sim_app.config.update(POPULATION_API_KEY=KEY)
    population_sim.init_app(sim_app)
    with serve(sim_app) as base:
        yield base + "/simulators/population/api/congdan"


@pytest.fixture
def wired(app, monkeypatch, population_url):
    monkeypatch.setitem(app.config, "POPULATION_API_URL", population_url)
    monkeypatch.setitem(app.config, "POPULATION_API_KEY", KEY)
    return population_url


def lookup_client(url, key=KEY):
    return PopulationClient(url=url, api_key=key, service_code="DVC", integration_code="LGSP")


def ask(client, **changes):
    data = {
        "personal_id": "001090012345",
        "full_name": "phạm  văn cường",
        "date_of_birth": date(1990, 5, 20),
        "officer_code": "CB01",
        "request_id": str(uuid.uuid4()),
        **changes,
    }
    return client.lookup(**data)


def test_the_client_reads_matches_mismatches_and_unknown_people(population_url):
    client = lookup_client(population_url)

    found = ask(client)
    assert found.outcome == "match"
    assert found.citizen.full_name == "Phạm Văn Cường"
    assert found.citizen.date_of_birth == date(1990, 5, 20)
    assert found.citizen.permanent_address.province_code == "01"
    assert found.citizen.household_book == "HN-0012345"
    wrong = ask(client, date_of_birth=date(1990, 5, 21))
    assert (wrong.outcome, wrong.citizen) == ("mismatch", None)
    assert ask(client, personal_id="001090999999").outcome == "not_found"


def test_the_client_refuses_what_is_not_a_usable_answer(population_url):
    with pytest.raises(PopulationUnreachable):
        ask(lookup_client(population_url, key="wrong-key"))
    client = lookup_client(population_url)
    request_id = str(uuid.uuid4())
    ask(client, request_id=request_id)
    with pytest.raises(PopulationUnreachable):  # the platform refuses a replayed request id
        ask(client, request_id=request_id)
    with pytest.raises(PopulationUnreachable):
        ask(lookup_client(f"http://127.0.0.1:{free_port()}/api"))


def register(client, **identity):
    body = {**CUONG, "email": "cuong@example.vn", "password": PASSWORD, **identity}
    return client.post("/api/v1/auth/register", json=body, headers={"Accept-Language": "en"})


def test_registration_with_matching_details_verifies_the_account(
    app, client, db, wired, monkeypatch
):
    monkeypatch.setitem(app.config, "POPULATION_CHECK_AT_REGISTRATION", "verify")
    response = register(client)

    assert response.status_code == 201, response.json
    assert response.json["identity_verified"] is True
    assert response.json["identity_source"] == "population_db"
    row = db.session.query(PopulationLookup).one()
    assert (row.purpose, row.personal_id, row.outcome) == ("registration", "001090012345", "match")


def test_registration_that_does_not_match_stays_unverified_or_is_refused(
    app, client, db, wired, monkeypatch
):
    monkeypatch.setitem(app.config, "POPULATION_CHECK_AT_REGISTRATION", "verify")
    loose = register(client, full_name="Phạm Văn Cương")
    assert loose.status_code == 201 and loose.json["identity_verified"] is False

    monkeypatch.setitem(app.config, "POPULATION_CHECK_AT_REGISTRATION", "require")
    strict = register(
        client,
        personal_id="079185004321",
        full_name="Nguyễn Thị Lân",
        date_of_birth="1985-11-02",
        email="lan@example.vn",
    )
    assert strict.status_code == 422
    assert strict.json["code"] == "integration.identity-mismatch"
    assert db.session.query(User).filter_by(personal_id="079185004321").count() == 0
    outcomes = [r.outcome for r in db.session.query(PopulationLookup).order_by(PopulationLookup.id)]
    assert outcomes == ["mismatch", "mismatch"]


def test_an_unreachable_database_leaves_the_account_unverified_and_is_logged(
    app, client, db, monkeypatch
):
    monkeypatch.setitem(app.config, "POPULATION_CHECK_AT_REGISTRATION", "verify")
    monkeypatch.setitem(app.config, "POPULATION_API_URL", f"http://127.0.0.1:{free_port()}/x")
    response = register(client)
    assert response.status_code == 201 and response.json["identity_verified"] is False

    headers = bearer(client, "cuong@example.vn")
    again = client.post("/api/v1/me/identity/verify", headers=headers)
    assert again.status_code == 503
    assert again.json["code"] == "integration.population-unavailable"
    rows = db.session.query(PopulationLookup).order_by(PopulationLookup.id).all()
    assert [(r.purpose, r.outcome) for r in rows] == [
        ("registration", "error"),
        ("verify_account", "error"),
    ]


def test_a_citizen_verifies_later_and_prefills_forms_from_their_record(client, db, wired):
    citizen = CitizenFactory(**{**CUONG, "date_of_birth": date(1990, 5, 20)})
    headers = bearer(client, citizen.email)

    verified = client.post("/api/v1/me/identity/verify", headers=headers)
    assert verified.status_code == 200 and verified.json["identity_verified"] is True
    record = client.post(
        "/api/v1/me/identity/prefill", json={"purpose_note": "1.001193"}, headers=headers
    )
    assert record.status_code == 200
    assert record.json["outcome"] == "match"
    assert record.json["permanent_address"]["detail"].startswith("Số 12 ngõ 5")
    assert record.json["father_name"] == "Phạm Văn Dũng"
    row = db.session.query(PopulationLookup).filter_by(purpose="prefill").one()
    assert (row.actor_uuid, row.purpose_note) == (citizen.uuid, "1.001193")


def test_officers_check_applicants_and_the_log_names_them(client, db, wired):
    officer = OfficerFactory(roles=["reception_officer"])
    headers = bearer(client, officer.email)
    body = {**CUONG, "purpose": "counter_intake", "purpose_note": "Hồ sơ MC-2026-1"}

    found = client.post("/api/v1/backoffice/population/lookup", json=body, headers=headers)
    assert found.status_code == 200 and found.json["full_name"] == "Phạm Văn Cường"
    wrong = client.post(
        "/api/v1/backoffice/population/lookup",
        json={**body, "full_name": "Phạm Văn Cừơng"},
        headers=headers,
    )
    assert wrong.json == {**{k: None for k in found.json}, "outcome": "mismatch"}

    admin = bearer(client, OfficerFactory(roles=["admin"]).email)
    log = client.get(
        "/api/v1/admin/integration/population-lookups?personal_id=001090012345", headers=admin
    )
    assert log.status_code == 200 and log.json["total"] == 2
    newest = log.json["items"][0]
    assert newest["actor_id"] == str(officer.uuid)
    assert newest["unit_code"] == officer.agency.code
    assert (newest["purpose"], newest["purpose_note"]) == ("counter_intake", "Hồ sơ MC-2026-1")


def test_only_officers_look_up_and_only_admins_read_the_log(client, db, wired):
    citizen = bearer(client, CitizenFactory().email)
    body = {**CUONG, "purpose": "dossier_check", "purpose_note": "x"}
    assert client.post("/api/v1/backoffice/population/lookup", json=body).status_code == 401
    assert (
        client.post("/api/v1/backoffice/population/lookup", json=body, headers=citizen).status_code
        == 403
    )
    officer = bearer(client, OfficerFactory(roles=["reception_officer"]).email)
    log = client.get("/api/v1/admin/integration/population-lookups", headers=officer)
    assert log.status_code == 403
    assert client.post("/api/v1/me/identity/verify", headers=officer).status_code == 403
