"""Every error path answers RFC 9457 problem+json, in Vietnamese or English."""

from __future__ import annotations

import pytest

PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "request_id"}


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body.keys() >= PROBLEM_KEYS
    assert body["status"] == status and body["code"] == code
    assert body["type"] == f"urn:dvc:problem:{code}"
    assert body["request_id"] == response.headers["X-Request-ID"]
    return body


def test_unknown_api_path_is_a_404_problem_in_vietnamese_by_default(client):
    body = assert_problem(client.get("/api/v1/khong-co"), 404, "not-found")

    assert body["title"] == "Không tìm thấy"


def test_english_when_asked(client):
    body = assert_problem(
        client.get("/api/v1/nothing-here", headers={"Accept-Language": "en"}), 404, "not-found"
    )

    assert body["title"] == "Not found"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_unknown_api_path_is_404_whatever_the_method(client, method):
    assert_problem(getattr(client, method)("/api/v1/khong-co"), 404, "not-found")


def test_wrong_method_is_a_405_problem_with_allow(client):
    response = client.delete("/api/v1/auth/me")

    body = assert_problem(response, 405, "method-not-allowed")
    assert "GET" in response.headers["Allow"]
    assert "DELETE" in body["detail"]


def test_field_errors_are_a_422_problem_with_errors(client):
    response = client.post("/api/v1/auth/token", json={"username": ""})

    body = assert_problem(response, 422, "validation-failed")
    assert body["errors"]["password"] == ["Trường này là bắt buộc."]
    assert "username" in body["errors"]


def test_too_large_body_is_a_413_problem(make_app, tmp_path):
    app = make_app(MAX_CONTENT_LENGTH=1024)

    response = app.test_client().post("/api/v1/auth/token", json={"username": "x" * 5000})

    body = assert_problem(response, 413, "payload-too-large")
    assert "1024" in body["detail"]


def test_unexpected_error_is_a_500_problem_that_reveals_nothing(make_app, tmp_path, caplog):
    app = make_app()

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret connection string postgres://user:pw@db")

    response = app.test_client().get("/boom", headers={"X-Request-ID": "trace-0123456789"})

    body = assert_problem(response, 500, "internal-error")
    assert "secret" not in response.get_data(as_text=True)
    assert body["request_id"] == "trace-0123456789"
    # The log keeps the details, tied to the request id.
    assert any(r.request_id == "trace-0123456789" and r.exc_info for r in caplog.records)


def test_request_id_is_generated_when_missing_or_unsafe(client):
    generated = client.get("/healthz")
    unsafe = client.get("/healthz", headers={"X-Request-ID": "bad id <script>"})

    assert len(generated.headers["X-Request-ID"]) == 32
    assert unsafe.headers["X-Request-ID"] != "bad id <script>"


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", "/api/v1/auth/token", {"username": "a\u0000@example.vn", "password": "x"}),
        ("get", "/api/v1/procedures?q=a%00b", None),
        ("post", "/api/v1/auth/register", {"full_name": "An", "nested": {"k\u0000": 1}}),
    ],
)
def test_nul_characters_are_a_422_not_a_crash(client, method, url, body):
    response = getattr(client, method)(url, json=body) if body else client.get(url)

    assert_problem(response, 422, "validation-failed")


def test_a_trailing_newline_does_not_pass_a_pattern(client):
    response = client.post(
        "/api/v1/auth/register",
        json={
            "full_name": "Trần An",
            "personal_id": "001095012345\n",
            "date_of_birth": "1995-01-01",
            "email": "an@example.vn",
            "password": "Mot-mat-khau-dai-2026",
        },
    )

    assert response.status_code == 422 and "personal_id" in response.json["errors"]


def test_an_email_that_grows_when_lower_cased_is_checked_after(client):
    email = "İ" * 60 + "@" + ("a" * 60 + ".") * 3 + "vn"

    response = client.post(
        "/api/v1/auth/register",
        json={
            "full_name": "Trần An",
            "personal_id": "001095012345",
            "date_of_birth": "1995-01-01",
            "email": email,
            "password": "Mot-mat-khau-dai-2026",
        },
    )

    assert response.status_code == 422 and "email" in response.json["errors"]
