"""Agencies, administrative units, the working-day calendar and due dates over the API."""

from __future__ import annotations

from datetime import datetime

import pytest

from backend.core.clock import VN_TZ
from tests.catalog_fixtures import publish
from tests.factories import AgencyFactory, OfficerFactory
from tests.helpers import bearer


@pytest.fixture
def admin(client, db):
    return bearer(client, OfficerFactory(roles=["admin"]).email)


def agency_body(**changes) -> dict:
    body = {
        "code": "000.00.40.T02",
        "name_vi": "Sở Thử nghiệm Hai",
        "name_en": "Second Test Department",
        "level": "department",
        "address": "01 Trần Phú, Nha Trang",
    }
    body.update(changes)
    return body


def test_admin_creates_an_agency_with_default_hours(client, admin):
    response = client.post("/api/v1/admin/agencies", json=agency_body(), headers=admin)

    assert response.status_code == 201
    assert response.json["working_hours"]["mon"] == [["07:00", "11:30"], ["13:30", "17:00"]]
    assert response.json["working_hours"]["sat"] == []
    public = client.get("/api/v1/agencies/000.00.40.T02")
    assert public.status_code == 200 and public.json["name_vi"] == "Sở Thử nghiệm Hai"
    assert (
        client.post("/api/v1/admin/agencies", json=agency_body(), headers=admin).status_code == 409
    )


def test_invalid_working_hours_are_422(client, admin):
    hours = {"mon": [["13:30", "17:00"], ["07:00", "11:30"]]}

    response = client.post(
        "/api/v1/admin/agencies", json=agency_body(working_hours=hours), headers=admin
    )

    assert response.status_code == 422
    assert "working_hours" in response.json["errors"]


def test_merged_agency_points_to_its_successor_and_leaves_the_list(client, db, admin):
    old = AgencyFactory(code="000.00.40.T03")
    new = AgencyFactory(code="000.00.40.T04")

    response = client.patch(
        f"/api/v1/admin/agencies/{old.code}",
        json={"is_active": False, "successor_code": new.code},
        headers=admin,
    )

    assert response.status_code == 200
    assert response.json["successor"]["code"] == new.code
    codes = [
        a["code"] for a in client.get("/api/v1/agencies", query_string={"size": 100}).json["items"]
    ]
    assert old.code not in codes and new.code in codes


def test_a_parent_cycle_is_refused(client, db, admin):
    province = AgencyFactory(code="000.00.00.T05", level="province")
    department = AgencyFactory(code="000.00.41.T05", parent_id=province.id)

    response = client.patch(
        f"/api/v1/admin/agencies/{province.code}",
        json={"parent_code": department.code},
        headers=admin,
    )

    assert response.status_code == 422 and "parent_code" in response.json["errors"]


def test_procedures_of_an_inactive_agency_cannot_be_published(client, db, admin):
    from tests.catalog_fixtures import procedure_payload

    agency = AgencyFactory(is_active=False)

    response = client.post(
        "/api/v1/admin/procedures", json=procedure_payload(agency.code), headers=admin
    )

    assert response.status_code == 422
    assert "competent_agency_code" in response.json["errors"]


def test_provinces_and_wards_for_address_pickers(client, db):
    provinces = client.get("/api/v1/admin-units/provinces").json
    hanoi = next(p for p in provinces if "Hà Nội" in p["name"])
    wards = client.get(f"/api/v1/admin-units/provinces/{hanoi['code']}/wards").json

    assert len(provinces) == 34
    assert any(w["name"].endswith("Hoàn Kiếm") for w in wards)
    assert all(w["province_code"] == hanoi["code"] for w in wards)
    assert client.get("/api/v1/admin-units/provinces/999/wards").status_code == 404


def test_calendar_year_lists_tet_and_official_entries(client, db, admin):
    added = client.post(
        "/api/v1/admin/calendar-entries",
        json={
            "day": "2026-01-02",
            "kind": "day_off",
            "name_vi": "Nghỉ bù Tết Dương lịch",
            "name_en": "New Year bridge day",
        },
        headers=admin,
    )
    assert added.status_code == 201

    days = {d["date"]: d for d in client.get("/api/v1/calendar/2026").json["days"]}

    assert days["2026-02-17"]["kind"] == "holiday"
    assert days["2026-01-02"]["kind"] == "day_off"
    assert days["2026-04-30"]["name_en"]
    duplicate = client.post(
        "/api/v1/admin/calendar-entries",
        json={"day": "2026-01-02", "kind": "working_day", "name_vi": "x", "name_en": "x"},
        headers=admin,
    )
    assert duplicate.status_code == 409


def test_removing_a_calendar_entry(client, db, admin):
    entry = client.post(
        "/api/v1/admin/calendar-entries",
        json={
            "day": "2026-01-10",
            "kind": "working_day",
            "name_vi": "Làm bù",
            "name_en": "Make-up",
        },
        headers=admin,
    ).json

    assert (
        client.delete(f"/api/v1/admin/calendar-entries/{entry['id']}", headers=admin).status_code
        == 204
    )
    listed = client.get(
        "/api/v1/admin/calendar-entries", query_string={"year": 2026}, headers=admin
    )
    assert listed.json == []


def test_due_date_skips_tet(client, db):
    agency = AgencyFactory()
    publish(agency.code)  # 3 working days
    received = datetime(2026, 2, 13, 10, 0, tzinfo=VN_TZ)  # Friday before Tết Bính Ngọ

    response = client.get(
        "/api/v1/procedures/1.001193/due-date", query_string={"received_at": received.isoformat()}
    )

    assert response.status_code == 200
    assert response.json["due_at"] == "2026-02-25T17:00:00+07:00"


def test_due_date_uses_the_agency_calendar_entries(client, db, admin):
    agency = AgencyFactory()
    publish(agency.code, duration={"amount": 1, "unit": "working_days", "cutoff": None})
    client.post(
        "/api/v1/admin/calendar-entries",
        json={
            "day": "2026-03-03",
            "kind": "day_off",
            "name_vi": "Nghỉ riêng",
            "name_en": "Local day off",
            "agency_code": agency.code,
        },
        headers=admin,
    )
    received = datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ)  # Monday

    response = client.get(
        "/api/v1/procedures/1.001193/due-date", query_string={"received_at": received.isoformat()}
    )

    assert response.json["due_at"] == "2026-03-04T17:00:00+07:00"


def test_due_date_with_a_same_day_cutoff(client, db):
    agency = AgencyFactory()
    publish(agency.code, duration={"amount": 0, "unit": "working_days", "cutoff": "15:00"})

    before = client.get(
        "/api/v1/procedures/1.001193/due-date",
        query_string={"received_at": "2026-03-02T14:00:00+07:00"},
    ).json
    after = client.get(
        "/api/v1/procedures/1.001193/due-date",
        query_string={"received_at": "2026-03-02T15:30:00+07:00"},
    ).json

    assert before["due_at"] == "2026-03-02T17:00:00+07:00"
    assert after["due_at"] == "2026-03-03T17:00:00+07:00"
