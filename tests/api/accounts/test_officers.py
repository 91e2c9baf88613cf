"""Officer administration: the auth matrix, creation, role changes, deactivation, CLI."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from backend.accounts.models import User
from tests.factories import PASSWORD, AgencyFactory, CitizenFactory, OfficerFactory
from tests.helpers import bearer

LIST = "/api/v1/admin/officers"


def new_officer(agency_code: str, **changes) -> dict:
    body = {
        "full_name": "Phan Văn Mới",
        "email": "Moi.Phan@Agency.gov.vn",
        "agency_code": agency_code,
        "roles": ["reception_officer", "cashier"],
        "password": "Can-bo-moi-2026!",
    }
    body.update(changes)
    return body


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 401), ("citizen", 403), ("specialist", 403), ("leader", 403), ("admin", 200)],
)
def test_only_admins_list_officers(client, db, who, expected):
    headers = {}
    if who == "citizen":
        headers = bearer(client, CitizenFactory().email)
    elif who != "anonymous":
        headers = bearer(client, OfficerFactory(roles=[who]).email)

    response = client.get(LIST, headers=headers)

    assert response.status_code == expected
    if expected != 200:
        assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    ("who", "expected"), [("anonymous", 401), ("citizen", 403), ("clerk", 403), ("admin", 201)]
)
def test_only_admins_create_officers(client, db, who, expected):
    agency = AgencyFactory()
    headers = {}
    if who == "citizen":
        headers = bearer(client, CitizenFactory().email)
    elif who != "anonymous":
        headers = bearer(client, OfficerFactory(roles=[who]).email)

    response = client.post(LIST, json=new_officer(agency.code), headers=headers)

    assert response.status_code == expected
    created = db.session.scalar(sa.select(User).where(User.email == "moi.phan@agency.gov.vn"))
    assert (created is not None) == (expected == 201)


def test_admin_creates_an_officer_who_can_sign_in(client, db):
    agency = AgencyFactory()
    admin = bearer(client, OfficerFactory(roles=["admin"]).email)

    response = client.post(LIST, json=new_officer(agency.code), headers=admin)

    assert response.status_code == 201
    assert response.json["roles"] == ["cashier", "reception_officer"]
    assert response.json["agency"]["code"] == agency.code
    signed_in = bearer(client, "moi.phan@agency.gov.vn", "Can-bo-moi-2026!")
    me = client.get("/api/v1/auth/me", headers=signed_in).json
    assert me["kind"] == "officer" and me["roles"] == ["cashier", "reception_officer"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"roles": ["mayor"]}, "roles"),
        ({"roles": []}, "roles"),
        ({"password": "1234567890"}, "password"),
        ({"email": "nope"}, "email"),
    ],
)
def test_invalid_officer_input_is_422(client, db, changes, field):
    agency = AgencyFactory()
    admin = bearer(client, OfficerFactory(roles=["admin"]).email)

    response = client.post(LIST, json=new_officer(agency.code, **changes), headers=admin)

    assert response.status_code == 422
    assert field in response.json["errors"]


def test_unknown_agency_is_422_and_duplicate_email_is_409(client, db):
    admin_user = OfficerFactory(roles=["admin"])
    admin = bearer(client, admin_user.email)

    unknown = client.post(LIST, json=new_officer("999.99.99.X00"), headers=admin)
    duplicate = client.post(
        LIST, json=new_officer(admin_user.agency.code, email=admin_user.email), headers=admin
    )

    assert unknown.status_code == 422 and "agency_code" in unknown.json["errors"]
    assert duplicate.status_code == 409


def test_list_filters_by_agency_and_role_and_paginates(client, db):
    agency = AgencyFactory()
    for _ in range(3):
        OfficerFactory(agency=agency, roles=["specialist"])
    OfficerFactory(agency=agency, roles=["leader"])
    OfficerFactory(roles=["specialist"])
    admin = bearer(client, OfficerFactory(roles=["admin"]).email)

    page = client.get(
        f"{LIST}?agency_code={agency.code}&role=specialist&size=2", headers=admin
    ).json

    assert page["total"] == 3 and len(page["items"]) == 2
    second = client.get(
        f"{LIST}?agency_code={agency.code}&role=specialist&size=2&page=2", headers=admin
    ).json
    assert len(second["items"]) == 1
    assert client.get(f"{LIST}?size=101", headers=admin).status_code == 422


def test_deactivating_an_officer_ends_their_sessions(client, db):
    officer = OfficerFactory(roles=["specialist"])
    officer_headers = bearer(client, officer.email)
    admin = bearer(client, OfficerFactory(roles=["admin"]).email)

    response = client.patch(f"{LIST}/{officer.uuid}", json={"is_active": False}, headers=admin)

    assert response.status_code == 200 and response.json["is_active"] is False
    assert client.get("/api/v1/auth/me", headers=officer_headers).status_code == 401


def test_changing_roles_takes_effect_immediately(client, db):
    officer = OfficerFactory(roles=["specialist"])
    officer_headers = bearer(client, officer.email)
    assert client.get(LIST, headers=officer_headers).status_code == 403
    admin = bearer(client, OfficerFactory(roles=["admin"]).email)

    patched = client.patch(
        f"{LIST}/{officer.uuid}", json={"roles": ["admin", "specialist"]}, headers=admin
    )
    assert patched.status_code == 200, patched.json

    assert client.get(LIST, headers=officer_headers).status_code == 200


def test_unknown_officer_is_404(client, db):
    admin = bearer(client, OfficerFactory(roles=["admin"]).email)
    citizen = CitizenFactory()

    assert client.get(f"{LIST}/{citizen.uuid}", headers=admin).status_code == 404
    assert client.get(f"{LIST}/not-a-uuid", headers=admin).status_code == 404


def test_cli_creates_an_officer(app, db):
    agency = AgencyFactory()
    runner = app.test_cli_runner()

    result = runner.invoke(
        args=[
            "officers",
            "create",
            "--email",
            "cli@agency.gov.vn",
            "--name",
            "Ngô Văn Lệnh",
            "--agency",
            agency.code,
            "--role",
            "admin",
            "--password",
            "Quan-tri-vien-2026",
        ]
    )

    assert result.exit_code == 0, result.output
    officer = db.session.scalar(sa.select(User).where(User.email == "cli@agency.gov.vn"))
    assert officer.roles == ["admin"]


def test_cli_refuses_a_weak_password(app, db):
    agency = AgencyFactory()
    result = app.test_cli_runner().invoke(
        args=[
            "officers",
            "create",
            "--email",
            "weak@agency.gov.vn",
            "--name",
            "Ngô Văn Yếu",
            "--agency",
            agency.code,
            "--role",
            "clerk",
            "--password",
            "password123",
        ]
    )

    assert result.exit_code != 0
    assert "common" in result.output
    assert PASSWORD  # factories' password is unrelated
