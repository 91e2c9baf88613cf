"""Property-based API tests of the account endpoints, driven by the OpenAPI document.

Schemathesis generates requests for every operation under ``/api/v1/auth/`` and
``/api/v1/admin/officers`` from the document ``backend.core.openapi.build_spec`` produces (the one
``/api/v1/openapi.json`` serves) and sends them to the Flask app in-process (WSGI). Every
response must:

- not be a server error (5xx),
- have a status code the operation documents,
- have a content type documented for that status,
- match the schema documented for that status.

pytest collects one test per operation, so each operation runs in its own rolled-back ``db``
transaction (its Hypothesis examples share it). Secured operations get an admin officer's bearer
token three times in four; the fourth request goes unauthenticated and must get a documented
401. Half of the officer requests are aimed at real rows (an existing officer id, an existing
agency code) so the success paths are fuzzed too, not only the 404 and 422 answers.

Every request runs in an application context of its own, as in production. The ``db`` fixture
keeps one context open for the whole test and Flask reuses it for requests, so ``g`` would carry
over from one request to the next: after any error answer, ``g.rollback_requested`` would make
every later request of the test roll back instead of committing.

Generated data never guesses a password or a token, so the success answers of the sign-in,
refresh, logout and password-reset operations are validated by the scripted flows below, with
the same checks. ``API_FUZZ_MAX_EXAMPLES`` raises the number of generated cases for a deeper run.
"""

from __future__ import annotations

import email
import email.policy
import itertools
import os
import re
import warnings
from dataclasses import dataclass, field

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import backend
from backend.accounts.models import User
from backend.core.openapi import build_spec
from backend.extensions import api, limiter
from tests.factories import PASSWORD, AgencyFactory, CitizenFactory, OfficerFactory
from tests.helpers import bearer

# The schema is needed at collection time, before the session-scoped ``app`` fixture exists:
# register the namespaces on the shared ``Api`` the way ``create_app`` does (idempotent).
backend._register_namespaces(api)

CONFIG = schemathesis.Config.from_dict(
    {
        # Valid and deliberately invalid data; the checks below apply to both.
        "generation": {"mode": "all"},
        # ``examples`` and ``coverage`` (boundary values, missing or mistyped fields, unexpected
        # methods) are Hypothesis explicit examples; ``fuzzing`` is its generate phase.
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": True},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": False},
        },
    }
)

# A warning while building the document (e.g. two schemas with one component name) would stop
# collection under ``filterwarnings = error``; it is kept and reported by a test of its own.
with warnings.catch_warnings(record=True) as BUILD_WARNINGS:
    warnings.simplefilter("always")
    DOCUMENT = build_spec(api)

schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG).include(
    path_regex=r"^/api/v1/(auth/|admin/officers)"
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

MAX_EXAMPLES = int(os.environ.get("API_FUZZ_MAX_EXAMPLES", "40"))

CITIZEN = {
    "full_name": "Nguyễn Văn An",
    "personal_id": "001095012345",
    "date_of_birth": "1995-05-15",
    "email": "an.nguyen@example.vn",
    "phone": "0912345678",
    "password": PASSWORD,
}
#: ``AGENCY`` stands for the code of the test's agency.
AGENCY = "<agency>"
NEW_OFFICER = {
    "full_name": "Phạm Thị Hoa",
    "email": "hoa.pham@agency.gov.vn",
    "agency_code": AGENCY,
    "roles": ["reception_officer", "clerk"],
    "password": PASSWORD,
}


def sign_in(app, username: str) -> dict:
    """A bearer header for ``username``, signed in from an application context of its own."""
    with app.app_context():
        return bearer(app.test_client(), username)


@dataclass
class Accounts:
    """The rows generated requests are aimed at, and the admin's bearer header."""

    admin: User
    officer: User
    citizen: User
    agency_code: str
    admin_headers: dict
    turns: itertools.count = field(default_factory=itertools.count)


@pytest.fixture
def accounts(app, db) -> Accounts:
    agency = AgencyFactory()
    admin = OfficerFactory(roles=["admin"], agency=agency)
    officer = OfficerFactory(roles=["specialist"], agency=agency)
    citizen = CitizenFactory()
    # Release the savepoint: a request that fails rolls back its own work, never these rows.
    db.session.commit()
    return Accounts(admin, officer, citizen, agency.code, sign_in(app, admin.email))


def _aim(case, accounts: Accounts, app) -> dict | None:
    """Point some cases at real rows; return the headers to add (a bearer token, or none)."""
    turn = next(accounts.turns)
    path, method = case.operation.path, case.method.upper()
    if path == "/api/v1/admin/officers/{officer_id}" and turn % 2 == 0:
        case.path_parameters = {**case.path_parameters, "officer_id": str(accounts.officer.uuid)}
    if (
        path == "/api/v1/admin/officers"
        and method == "POST"
        and isinstance(case.body, dict)
        and "agency_code" in case.body
        and turn % 2 == 0
    ):
        case.body = {**case.body, "agency_code": accounts.agency_code}
    if not case.operation.definition.raw.get("security") or turn % 4 == 3:
        return None
    if path == "/api/v1/auth/logout":
        # Signing out revokes the session: every logout gets a session of its own.
        return sign_in(app, accounts.citizen.email)
    return accounts.admin_headers


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    database=None,
    # ``db`` is function-scoped on purpose: one rolled-back transaction per operation.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_account_endpoints_conform_to_the_document(case, app, db, accounts):
    # Left alone, the sign-in limits (10 per minute per account, 30 per IP) would answer most
    # generated sign-ins with 429 and hide the code behind them. The 429 answer itself is
    # checked by test_sign_in_limit_answers_a_documented_429.
    limiter.reset()
    headers = _aim(case, accounts, app)
    with app.app_context():
        case.call_and_validate(app=app, headers=headers, checks=CHECKS)


def test_the_document_builds_without_warnings():
    assert [str(warning.message) for warning in BUILD_WARNINGS] == []


# --- scripted flows, validated with the same checks ---------------------------------------


def call(app, method: str, path: str, *, headers=None, session=None, **parts):
    """Send one request built from the document's operation and validate the answer."""
    case = schema[path][method].Case(**parts)
    with app.app_context():
        return case.call_and_validate(app=app, headers=headers, session=session, checks=CHECKS)


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/auth/token"])
def test_sign_in_limit_answers_a_documented_429(app, db, accounts, path):
    per_account = int(app.config["LOGIN_RATE_LIMIT_ACCOUNT"].split()[0])
    assert per_account < int(app.config["LOGIN_RATE_LIMIT_IP"].split()[0])
    wrong = {"username": accounts.citizen.email, "password": "not-the-password"}
    for _ in range(per_account):
        assert call(app, "POST", path, body=wrong).status_code == 401
    response = call(app, "POST", path, body=wrong)
    assert response.status_code == 429
    assert response.json()["code"] == "rate-limited"
    assert "retry-after" in response.headers


def test_bearer_flow_conforms(app, db, accounts):
    credentials = {"username": accounts.citizen.email, "password": PASSWORD}
    pair = call(app, "POST", "/api/v1/auth/token", body=credentials).json()
    auth = {"Authorization": f"Bearer {pair['access_token']}"}
    me = call(app, "GET", "/api/v1/auth/me", headers=auth).json()
    assert me["id"] == str(accounts.citizen.uuid)
    renewed = call(
        app, "POST", "/api/v1/auth/refresh", body={"refresh_token": pair["refresh_token"]}
    )
    assert renewed.status_code == 200
    # A spent refresh token revokes the whole session.
    spent = call(app, "POST", "/api/v1/auth/refresh", body={"refresh_token": pair["refresh_token"]})
    assert spent.status_code == 401
    assert call(app, "GET", "/api/v1/auth/me", headers=auth).status_code == 401

    pair = call(app, "POST", "/api/v1/auth/token", body=credentials).json()
    auth = {"Authorization": f"Bearer {pair['access_token']}"}
    assert call(app, "POST", "/api/v1/auth/logout", headers=auth).status_code == 204
    assert call(app, "GET", "/api/v1/auth/me", headers=auth).status_code == 401


def test_cookie_flow_conforms(app, db, accounts):
    browser = app.test_client()
    credentials = {"username": accounts.citizen.email, "password": PASSWORD}
    signed_in = call(app, "POST", "/api/v1/auth/login", body=credentials, session=browser)
    csrf = signed_in.json()["csrf_token"]
    assert call(app, "GET", "/api/v1/auth/me", session=browser).status_code == 200
    # Cookie refresh must echo the csrf_refresh_token cookie.
    refused = call(app, "POST", "/api/v1/auth/session/refresh", session=browser)
    assert refused.status_code == 403
    refresh_csrf = browser.get_cookie("csrf_refresh_token").value
    renewed = call(
        app,
        "POST",
        "/api/v1/auth/session/refresh",
        session=browser,
        headers={"X-CSRF-TOKEN": refresh_csrf},
    )
    assert renewed.status_code == 200
    csrf = renewed.json()["csrf_token"]
    assert call(app, "POST", "/api/v1/auth/logout", session=browser).status_code == 403
    logout = call(
        app, "POST", "/api/v1/auth/logout", session=browser, headers={"X-CSRF-TOKEN": csrf}
    )
    assert logout.status_code == 204


def test_registration_and_password_reset_conform(app, db, outbox):
    assert call(app, "POST", "/api/v1/auth/register", body=CITIZEN).status_code == 201
    assert call(app, "POST", "/api/v1/auth/register", body=CITIZEN).status_code == 409

    reset = {"email": CITIZEN["email"]}
    assert call(app, "POST", "/api/v1/auth/password-reset", body=reset).status_code == 202
    (message_path,) = outbox.glob("*.eml")
    message = email.message_from_bytes(message_path.read_bytes(), policy=email.policy.default)
    token = re.search(r"token=([\w-]+)", message.get_body().get_content())[1]
    confirm = {"token": token, "password": "Mot-mat-khau-moi-2027"}
    path = "/api/v1/auth/password-reset/confirm"
    assert call(app, "POST", path, body=confirm).status_code == 204
    assert call(app, "POST", path, body=confirm).status_code == 400
    signed_in = {"username": CITIZEN["personal_id"], "password": confirm["password"]}
    assert call(app, "POST", "/api/v1/auth/token", body=signed_in).status_code == 200


def test_officer_administration_conforms(app, db, accounts):
    admin = accounts.admin_headers
    officer = {**NEW_OFFICER, "agency_code": accounts.agency_code}
    created = call(app, "POST", "/api/v1/admin/officers", headers=admin, body=officer).json()
    assert (
        call(app, "POST", "/api/v1/admin/officers", headers=admin, body=officer).status_code == 409
    )
    item = "/api/v1/admin/officers/{officer_id}"
    found = call(app, "GET", item, headers=admin, path_parameters={"officer_id": created["id"]})
    assert found.json()["roles"] == created["roles"]
    changed = call(
        app,
        "PATCH",
        item,
        headers=admin,
        path_parameters={"officer_id": created["id"]},
        body={"roles": ["specialist"], "is_active": False},
    )
    assert changed.json()["is_active"] is False
    page = call(
        app,
        "GET",
        "/api/v1/admin/officers",
        headers=admin,
        query={"agency_code": accounts.agency_code, "role": "specialist", "size": 5},
    ).json()
    assert page["total"] == 2  # the fixture's specialist and the one just changed
    missing = {"officer_id": "00000000-0000-4000-8000-000000000000"}
    assert call(app, "GET", item, headers=admin, path_parameters=missing).status_code == 404
    specialist = sign_in(app, accounts.officer.email)
    assert call(app, "GET", "/api/v1/admin/officers", headers=specialist).status_code == 403


# --- inputs the fuzzer found (or only rarely generates) that must not be server errors -------

#: 60 dotted capital I's lower-case to 120 characters: 246 accepted characters, 306 stored.
LENGTHENING_EMAIL = "İ" * 60 + "@" + ("a" * 60 + ".") * 3 + "vn"


def edge(name: str, method: str, path: str, *, signed_in: bool = False, **parts):
    return pytest.param(method, path, signed_in, parts, id=name)


EDGE_CASES = [
    # PostgreSQL text cannot hold NUL: psycopg raises DataError for any query that carries one.
    edge("nul-in-sign-in-email", "POST", "/api/v1/auth/token",
         body={"username": "a\x00@example.vn", "password": "x"}),
    edge("nul-in-agency-filter", "GET", "/api/v1/admin/officers", signed_in=True,
         query={"agency_code": "a\x00"}),
    edge("nul-in-new-officer-agency", "POST", "/api/v1/admin/officers", signed_in=True,
         body={**NEW_OFFICER, "agency_code": "a\x00"}),
    edge("nul-in-officer-agency-change", "PATCH", "/api/v1/admin/officers/{officer_id}",
         signed_in=True, body={"agency_code": "a\x00"}),
    # Python's ``$`` also matches before a final newline: 13 characters reach a VARCHAR(12).
    edge("personal-id-with-final-newline", "POST", "/api/v1/auth/register",
         body={**CITIZEN, "personal_id": "001095012345\n"}),
    # The length limit is checked before the address is lower-cased.
    edge("email-longer-once-lowercased", "POST", "/api/v1/auth/register",
         body={**CITIZEN, "email": LENGTHENING_EMAIL}),
    edge("officer-email-longer-once-lowercased", "POST", "/api/v1/admin/officers",
         signed_in=True, body={**NEW_OFFICER, "email": LENGTHENING_EMAIL}),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "signed_in", "parts"), EDGE_CASES)
def test_edge_inputs_conform(app, db, accounts, method, path, signed_in, parts):
    if "{officer_id}" in path:
        parts = {**parts, "path_parameters": {"officer_id": str(accounts.officer.uuid)}}
    if parts.get("body", {}).get("agency_code") == AGENCY:
        parts = {**parts, "body": {**parts["body"], "agency_code": accounts.agency_code}}
    call(app, method, path, headers=accounts.admin_headers if signed_in else None, **parts)
