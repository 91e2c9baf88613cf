"""The embedded default (SQLite, simulators mounted, Celery eager): a submitted dossier reaches a
webhook subscriber right after the commit, and the DVCQG sync pushes it to the portal
simulator served by the app itself, over real HTTP."""

from __future__ import annotations

import io
import json

from flask import Flask, Response, request

from backend import migrate
from backend.catalog.models import Agency
from backend.extensions import db
from backend.integration import signing
from backend.integration.tasks import sync_dvcqg
from backend.seed import DEMO_CITIZEN, DEMO_CITIZEN_PASSWORD, DEMO_OFFICER_PASSWORD
from tests.dossier_fixtures import PDF
from tests.http_server import serve
from tests.integration.test_golden_path_sqlite import FILLERS


def test_webhooks_and_portal_sync_on_the_embedded_default(make_app, tmp_path):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    app = make_app(
        DATABASE_URL=url,
        INTEGRATION_RELAY_ON_COMMIT=True,
        INTEGRATION_ALLOW_PRIVATE_TARGETS=True,
    )
    migrate.upgrade(url)
    assert app.test_cli_runner().invoke(args=["seed", "demo"]).exit_code == 0
    client = app.test_client()
    received, verified = [], []
    receiver = Flask("receiver")

    @receiver.post("/hook")
    def hook():
        body = request.get_data()
        verified.append(
            signing.verify(
                secret,
                request.headers["X-DVC-Timestamp"],
                body,
                request.headers["X-DVC-Signature"],
            )
            is None
        )
        received.append(json.loads(body))
        return Response("{}", mimetype="application/json")

    with serve(receiver) as hook_base, serve(app) as app_base:
        admin = client.post(
            "/api/v1/auth/token",
            json={"username": "quantri@demo.dvc.local", "password": DEMO_OFFICER_PASSWORD},
        ).json["access_token"]
        created = client.post(
            "/api/v1/admin/integration/subscribers",
            json={"name": "Một cửa tỉnh", "url": hook_base + "/hook"},
            headers={"Authorization": f"Bearer {admin}"},
        )
        assert created.status_code == 201, created.json
        secret = created.json["secret"]

        login = client.post(
            "/api/v1/auth/login",
            json={"username": DEMO_CITIZEN["personal_id"], "password": DEMO_CITIZEN_PASSWORD},
        )
        headers = {"X-CSRF-TOKEN": login.json["csrf_token"]}
        draft = client.post(
            "/api/v1/dossiers", json={"procedure_code": "2.000635"}, headers=headers
        )
        dossier_id = draft.json["id"]
        detail = client.get("/api/v1/procedures/2.000635").json
        for component in [c["code"] for c in detail["components"] if c["required"]]:
            client.post(
                f"/api/v1/dossiers/{dossier_id}/attachments",
                data={"component_code": component, "file": (io.BytesIO(PDF), "giay-to.pdf")},
                content_type="multipart/form-data",
                headers=headers,
            )
        check = client.post(
            "/api/v1/procedures/2.000635/versions/1/form-check",
            json={"data": {}, "partial": False},
        ).json
        form = {path: FILLERS.get(path, "Nguyễn Văn An") for path in check["errors"]}
        client.patch(f"/api/v1/dossiers/{dossier_id}", json={"form_data": form}, headers=headers)
        submitted = client.post(
            f"/api/v1/dossiers/{dossier_id}/submit",
            headers={**headers, "Idempotency-Key": "integration-sqlite-1"},
        )
        assert submitted.status_code == 200, submitted.json
        code = submitted.json["code"]

        assert [e["type"] for e in received] == ["dossier.submit"]
        assert received[0]["data"]["code"] == code and verified == [True]

        app.config["DVCQG_API_URL"] = app_base + "/simulators/dvcqg/api"
        with app.app_context():
            assert sync_dvcqg() == {"synced": 1, "failed": 0}
    portal = app.extensions["dvcqg_sim"]
    assert portal.dossiers[code]["TrangThaiHoSo"] == 1
    assert [row["NoiDungXuLy"] for row in portal.process_log[code]] == ["Nộp hồ sơ"]


def test_the_command_line_relays_syncs_and_registers_a_client(make_app, tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    app = make_app(DATABASE_URL=url)
    migrate.upgrade(url)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0

    relayed = runner.invoke(args=["integration", "relay"])
    synced = runner.invoke(args=["integration", "sync-dvcqg"])
    created = runner.invoke(
        args=["integration", "create-client", "--name", "Một cửa tỉnh", "--agency", "nope"]
    )

    assert relayed.exit_code == 0 and "'dispatched'" in relayed.output
    assert synced.exit_code == 0 and "synced" in synced.output
    assert created.exit_code != 0 and "refused" in created.output
    with app.app_context():
        agency = db.session.query(Agency).order_by(Agency.id).first().code
    good = runner.invoke(
        args=["integration", "create-client", "--name", "Một cửa tỉnh", "--agency", agency]
    )
    assert good.exit_code == 0 and "key id: os_" in good.output and "secret: " in good.output
