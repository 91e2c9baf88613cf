"""Small helpers shared by the API tests."""

from __future__ import annotations

from tests.factories import PASSWORD


def bearer(client, username: str, password: str = PASSWORD) -> dict:
    """Sign in through the token endpoint; returns the Authorization header."""
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['access_token']}"}


def cookie_login(client, username: str, password: str = PASSWORD) -> str:
    """Sign in through the browser endpoint; returns the CSRF token (cookies stay in client)."""
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.json
    return response.json["csrf_token"]
