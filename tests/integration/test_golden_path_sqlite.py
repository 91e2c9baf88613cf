"""The embedded default end to end: SQLite, migrations, demo seed (twice), sign-in."""

from __future__ import annotations

from backend import migrate
from backend.seed import DEMO_CITIZEN, DEMO_CITIZEN_PASSWORD, DEMO_OFFICER_PASSWORD


def test_embedded_default_golden_path(make_app, tmp_path):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    app = make_app(DATABASE_URL=url)
    migrate.upgrade(url)
    runner = app.test_cli_runner()

    first = runner.invoke(args=["seed", "demo"])
    second = runner.invoke(args=["seed", "demo"])  # idempotent

    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "quantri@demo.dvc.local" in first.output and DEMO_OFFICER_PASSWORD in first.output
    client = app.test_client()
    login = client.post(
        "/api/v1/auth/login",
        json={"username": DEMO_CITIZEN["personal_id"], "password": DEMO_CITIZEN_PASSWORD},
    )
    assert login.status_code == 200
    assert client.get("/api/v1/auth/me").json["full_name"] == DEMO_CITIZEN["full_name"]

    admin = client.post(
        "/api/v1/auth/token",
        json={"username": "quantri@demo.dvc.local", "password": DEMO_OFFICER_PASSWORD},
    ).json["access_token"]
    officers = client.get(
        "/api/v1/admin/officers", headers={"Authorization": f"Bearer {admin}"}
    ).json
    assert officers["total"] == 7
    roles = sorted(role for item in officers["items"] for role in item["roles"])
    assert roles == sorted(
        ["reception_officer", "specialist", "dept_head", "leader", "clerk", "cashier", "admin"]
    )

    found = client.get("/api/v1/procedures", query_string={"q": "ly lich tu phap"}).json
    assert found["items"][0]["code"] == "2.000488"
    detail = client.get("/api/v1/procedures/2.000488").json
    assert detail["fee_at_submission"] == 200000 and detail["components"]
    assert client.get("/api/v1/procedures", query_string={"size": 100}).json["total"] >= 8

    registered = client.post(
        "/api/v1/auth/register",
        json={
            "full_name": "Võ Thị Sáu",
            "personal_id": "051195001122",
            "date_of_birth": "1995-01-01",
            "phone": "0933123456",
            "password": "Hoa-sen-tren-dam-2026",
        },
    )
    assert registered.status_code == 201


def test_seed_is_refused_in_production(make_app, tmp_path, monkeypatch):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'p.db'}")
    app.config["APP_ENV"] = "production"

    result = app.test_cli_runner().invoke(args=["seed", "demo"])

    assert result.exit_code != 0
    assert "never seeded in production" in result.output
