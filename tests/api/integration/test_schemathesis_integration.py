"""Property-based API tests of the integration endpoints, driven by the OpenAPI document.

The companion of ``tests/api/test_schemathesis.py`` (same document, configuration and checks)
for the webhook administration, the dead letter, client systems, the DVCQG sync rate and file
links, the population-database endpoints and the signed inbound API. Every response must not be
a server error and must have a documented status code, content type and body. Secured
operations get the caller they are meant for (an admin, a citizen, a reception officer) three
times in four; the fourth goes unauthenticated and must get a documented 401. Half of the path
parameters are aimed at real rows. Host names are never looked up: the SSRF check's resolver
is replaced by a table. The population database is its simulator, over HTTP.
"""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, settings

from backend.integration import http, services
from backend.simulators import population as population_sim
from tests.api.test_schemathesis import CHECKS, CONFIG, DOCUMENT, sign_in
from tests.factories import AgencyFactory, CitizenFactory, OfficerFactory
from tests.http_server import serve

schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG).include(
    path_regex=r"^/api/v1/(admin/integration/|integration/|me/identity/|backoffice/population/)"
)

MAX_EXAMPLES = int(os.environ.get("API_FUZZ_MAX_EXAMPLES", "25"))
KEY = "test-only-population-key"


@dataclass
class Callers:
    admin: dict
    citizen: dict
    reception: dict
    subscriber_id: str
    turns: itertools.count = field(default_factory=itertools.count)


@pytest.fixture(scope="module")
def population_url():
    sim_app = Flask("population-sim")
    sim_app.config.update(POPULATION_API_KEY=KEY)
    population_sim.init_app(sim_app)
    with serve(sim_app) as base:
        yield base + "/simulators/population/api/congdan"


@pytest.fixture
def callers(app, db, monkeypatch, population_url) -> Callers:
    monkeypatch.setitem(app.config, "POPULATION_API_URL", population_url)
    monkeypatch.setitem(app.config, "POPULATION_API_KEY", KEY)
    monkeypatch.setattr(
        http,
        "resolve",
        lambda host, port: ["127.0.0.1"] if host == "localhost" else ["93.184.216.34"],
    )
    agency = AgencyFactory()
    admin = OfficerFactory(roles=["admin"], agency=agency)
    reception = OfficerFactory(roles=["reception_officer"], agency=agency)
    citizen = CitizenFactory()
    subscriber = services.create_subscriber(
        actor=admin, name="Một cửa", url="https://onestop.example.gov.vn/hook", event_types=[]
    )
    db.session.commit()
    return Callers(
        admin=sign_in(app, admin.email),
        citizen=sign_in(app, citizen.email),
        reception=sign_in(app, reception.email),
        subscriber_id=str(subscriber.uuid),
    )


def _aim(case, callers: Callers) -> dict | None:
    turn = next(callers.turns)
    path = case.operation.path
    if case.path_parameters and "subscriber_id" in case.path_parameters and turn % 2 == 0:
        case.path_parameters = {**case.path_parameters, "subscriber_id": callers.subscriber_id}
    if not case.operation.definition.raw.get("security") or turn % 4 == 3:
        return None
    if path.startswith("/api/v1/me/"):
        return callers.citizen
    if path.startswith("/api/v1/backoffice/"):
        return callers.reception
    if path.startswith("/api/v1/integration/"):
        return None  # signed requests: see test_onestop_inbound.py
    return callers.admin


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_integration_endpoints_conform_to_the_document(case, app, db, callers):
    headers = _aim(case, callers)
    with app.app_context():
        case.call_and_validate(app=app, headers=headers, checks=CHECKS)
