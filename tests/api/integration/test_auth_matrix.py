"""Who may call each integration endpoint: anonymous, citizen, officer without the role,
officer with it, admin."""

from __future__ import annotations

import uuid

import pytest

from tests.factories import CitizenFactory, OfficerFactory
from tests.helpers import bearer

ID = uuid.uuid4()
ADMIN_ONLY = [
    ("get", "/api/v1/admin/integration/subscribers", None),
    ("post", "/api/v1/admin/integration/subscribers", {"name": "x", "url": "ftp://x"}),
    ("get", f"/api/v1/admin/integration/subscribers/{ID}", None),
    ("patch", f"/api/v1/admin/integration/subscribers/{ID}", {"is_active": False}),
    ("get", "/api/v1/admin/integration/deliveries", None),
    ("get", f"/api/v1/admin/integration/deliveries/{ID}", None),
    ("post", f"/api/v1/admin/integration/deliveries/{ID}/replay", None),
    ("get", "/api/v1/admin/integration/clients", None),
    ("post", "/api/v1/admin/integration/clients", {"name": "x", "agency_code": "nope"}),
    ("get", "/api/v1/admin/integration/dvcqg/sync-rate", None),
    ("get", "/api/v1/admin/integration/population-lookups", None),
]
CITIZEN_ONLY = [
    ("post", "/api/v1/me/identity/verify", None),
    ("post", "/api/v1/me/identity/prefill", {}),
]
LOOKUP = ("post", "/api/v1/backoffice/population/lookup", {})


@pytest.fixture
def callers(client, db):
    return {
        "anonymous": {},
        "citizen": bearer(client, CitizenFactory().email),
        "clerk": bearer(client, OfficerFactory(roles=["clerk"]).email),
        "reception": bearer(client, OfficerFactory(roles=["reception_officer"]).email),
        "admin": bearer(client, OfficerFactory(roles=["admin"]).email),
    }


def call(client, method, path, body, headers):
    return getattr(client, method)(path, json=body, headers=headers)


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ONLY)
def test_admin_endpoints(client, callers, method, path, body):
    statuses = {who: call(client, method, path, body, h).status_code for who, h in callers.items()}
    assert statuses["anonymous"] == 401
    assert statuses["citizen"] == statuses["clerk"] == statuses["reception"] == 403
    assert statuses["admin"] not in (401, 403)


@pytest.mark.parametrize(("method", "path", "body"), [*CITIZEN_ONLY, LOOKUP])
def test_identity_endpoints(client, callers, method, path, body):
    statuses = {who: call(client, method, path, body, h).status_code for who, h in callers.items()}
    assert statuses["anonymous"] == 401
    allowed = {"reception"} if path.endswith("/lookup") else {"citizen"}
    for who, status in statuses.items():
        if who != "anonymous":
            assert (status not in (401, 403)) == (who in allowed), (who, status)


def test_the_inbound_api_takes_no_user_session(client, callers):
    for headers in callers.values():
        response = client.post(
            "/api/v1/integration/onestop/events", json={"id": "x"}, headers=headers
        )
        assert response.status_code == 401
        assert response.json["code"] == "integration.signature-refused"
