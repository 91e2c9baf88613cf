"""The embedded default end to end: SQLite, migrations, demo seed (twice), sign-in."""

from __future__ import annotations

import io

from backend import migrate
from backend.seed import DEMO_CITIZEN, DEMO_CITIZEN_PASSWORD, DEMO_OFFICER_PASSWORD
from tests.dossier_fixtures import PDF

#: Values for the required fields of the seeded form of 2.000635 (copies of civil status
#: extracts); other required text fields get a name.
FILLERS = {
    "requester_personal_id": "056090001234",
    "requester_phone": "0912345678",
    "requester_relationship": "self",
    "document_type": "birth",
    "record_place": "UBND phường Nha Trang",
    "copies": 2,
    "declaration": True,
}


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

    # A dossier from draft to submitted, on SQLite.
    headers = {"X-CSRF-TOKEN": login.json["csrf_token"]}
    draft = client.post("/api/v1/dossiers", json={"procedure_code": "2.000635"}, headers=headers)
    assert draft.status_code == 201, draft.json
    dossier_id = draft.json["id"]
    detail = client.get("/api/v1/procedures/2.000635").json
    required = [c["code"] for c in detail["components"] if c["required"]]
    for component in required:
        uploaded = client.post(
            f"/api/v1/dossiers/{dossier_id}/attachments",
            data={"component_code": component, "file": (io.BytesIO(PDF), "giay-to.pdf")},
            content_type="multipart/form-data",
            headers=headers,
        )
        assert uploaded.status_code == 201, uploaded.json
    check = client.post(
        "/api/v1/procedures/2.000635/versions/1/form-check", json={"data": {}, "partial": False}
    ).json
    form = {path: FILLERS.get(path, "Nguyễn Văn An") for path in check["errors"]}
    saved = client.patch(
        f"/api/v1/dossiers/{dossier_id}", json={"form_data": form}, headers=headers
    )
    assert saved.status_code == 200, saved.json
    submitted = client.post(
        f"/api/v1/dossiers/{dossier_id}/submit",
        headers={**headers, "Idempotency-Key": "golden-path-1"},
    )
    assert submitted.status_code == 200, submitted.json
    assert submitted.json["code"].startswith(submitted.json["receiving_agency"]["code"] + "-")
    tracked = client.get(
        "/api/v1/lookup",
        query_string={"code": submitted.json["code"], "personal_id": DEMO_CITIZEN["personal_id"]},
    )
    assert tracked.status_code == 200 and tracked.json["status_code"] == 1

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
