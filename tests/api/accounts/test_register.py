"""Citizen registration: the validation matrix, duplicates, and what gets stored."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from backend.accounts.models import User
from backend.core.audit import AuditEvent

URL = "/api/v1/auth/register"


def valid(**changes) -> dict:
    body = {
        "full_name": "Nguyễn Thị Hoa",
        "personal_id": "079303001234",  # Hồ Chí Minh, female, born 2003
        "date_of_birth": "2003-07-21",
        "email": "Hoa.Nguyen@Example.VN",
        "phone": "+84 912 345 679",
        "password": "Hoa-mai-no-ruc-ro",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not ...}


def test_register_creates_a_citizen_with_normalised_contacts(client, db):
    response = client.post(URL, json=valid())

    assert response.status_code == 201
    body = response.json
    assert body["kind"] == "citizen"
    assert body["email"] == "hoa.nguyen@example.vn"
    assert body["phone"] == "0912345679"
    assert "password" not in body and "password_hash" not in body
    user = db.session.scalar(sa.select(User).where(User.personal_id == "079303001234"))
    assert user.password_hash.startswith("$argon2id$")
    assert db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.event == "auth.registered")
    ).subject == str(user.uuid)


@pytest.mark.parametrize(
    ("changes", "field", "key_text"),
    [
        ({"personal_id": "07930300123"}, "personal_id", "đúng 12 chữ số"),
        ({"personal_id": "07930300123a"}, "personal_id", "đúng 12 chữ số"),
        ({"personal_id": "003303001234"}, "personal_id", "mã tỉnh"),
        ({"personal_id": "079103001234"}, "personal_id", "thế kỷ"),
        ({"personal_id": "079304001234"}, "personal_id", "năm sinh"),
        (
            {"date_of_birth": "2099-01-01", "personal_id": "079399001234"},
            "date_of_birth",
            "tương lai",
        ),
        ({"password": "short-1"}, "password", "10 ký tự"),
        ({"password": "Password123"}, "password", "phổ biến"),
        ({"password": "matkhau1234"}, "password", "phổ biến"),
        ({"password": "xx079303001234xx"}, "password", "số định danh"),
        ({"email": None, "phone": None}, "email", "e-mail hoặc số điện thoại"),
        ({"email": "not-an-email"}, "email", "e-mail không hợp lệ"),
        ({"phone": "02438253536"}, "phone", "di động"),
        ({"full_name": "R2-D2"}, "full_name", "chữ cái"),
        ({"full_name": ...}, "full_name", "bắt buộc"),
    ],
)
def test_each_broken_rule_is_a_field_error(client, db, changes, field, key_text):
    response = client.post(URL, json=valid(**changes))

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "validation-failed"
    messages = " ".join(response.json["errors"][field]).lower()
    assert key_text.lower() in messages, response.json["errors"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_every_broken_id_rule_is_reported_at_once(client, db):
    # Province 003 does not exist, digit 2 means born in the 2000s, year digits 91.
    response = client.post(
        URL,
        json=valid(personal_id="003291001234", date_of_birth="1990-01-01"),
        headers={"Accept-Language": "en"},
    )

    errors = response.json["errors"]["personal_id"]
    assert len(errors) == 3
    assert any("province" in e for e in errors)
    assert any("century" in e for e in errors)


def test_messages_follow_accept_language(client, db):
    response = client.post(
        URL, json=valid(password="Password123"), headers={"Accept-Language": "en-US,en;q=0.9"}
    )

    assert response.json["title"] == "Validation failed"
    assert "too common" in response.json["errors"]["password"][0]


@pytest.mark.parametrize(
    ("first", "second", "field"),
    [
        (
            {},
            {"personal_id": "079303001234", "email": "other@example.vn", "phone": None},
            "personal_id",
        ),
        (
            {},
            {"personal_id": "079303009999", "email": "HOA.NGUYEN@example.vn", "phone": None},
            "email",
        ),
        ({}, {"personal_id": "079303009999", "email": None, "phone": "0912345679"}, "phone"),
    ],
)
def test_duplicates_are_a_409_problem(client, db, first, second, field):
    assert client.post(URL, json=valid(**first)).status_code == 201

    response = client.post(URL, json=valid(**second))

    assert response.status_code == 409
    assert response.json["code"] == "accounts.duplicate"
    assert field in response.json["errors"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_a_body_that_is_not_an_object_is_refused(client, db):
    response = client.post(URL, json=["not", "an", "object"])

    assert response.status_code == 400
    assert response.json["code"] == "bad-request"


def test_a_non_json_body_is_refused(client, db):
    response = client.post(
        URL, data="full_name=x", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 415
    assert response.mimetype == "application/problem+json"
