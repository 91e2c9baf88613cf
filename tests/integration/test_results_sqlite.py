"""The embedded default issues real signed PDFs: SQLite, demo seed, dev keys, eager Celery —
from a paid dossier to the citizen's signed result, verified."""

from __future__ import annotations

import io

from backend import migrate
from backend.seed import DEMO_CITIZEN, DEMO_CITIZEN_PASSWORD, DEMO_OFFICER_PASSWORD
from tests.dossier_fixtures import PDF
from tests.integration.test_golden_path_sqlite import FILLERS
from tests.payment_fixtures import ipn_params


def token(client, username: str, password: str) -> dict:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['access_token']}"}


def test_demo_flow_issues_a_signed_result_on_sqlite(make_app, tmp_path):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    app = make_app(DATABASE_URL=url, RESULTS_KEYS_DIR=str(tmp_path / "keys"))
    migrate.upgrade(url)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    keys = runner.invoke(args=["keys", "init"])
    assert keys.exit_code == 0 and "000.00.15.H56.p12" in keys.output, keys.output
    client = app.test_client()
    citizen = token(client, DEMO_CITIZEN["personal_id"], DEMO_CITIZEN_PASSWORD)
    officer = {
        role: token(client, f"{role}@demo.dvc.local", DEMO_OFFICER_PASSWORD)
        for role in ("tiepnhan", "truongphong", "chuyenvien", "lanhdao", "vanthu")
    }

    # The citizen files 2.000635 (copies of civil status extracts) and pays its fee.
    dossier_id = client.post(
        "/api/v1/dossiers", json={"procedure_code": "2.000635"}, headers=citizen
    ).json["id"]
    detail = client.get("/api/v1/procedures/2.000635").json
    for component in (c["code"] for c in detail["components"] if c["required"]):
        client.post(
            f"/api/v1/dossiers/{dossier_id}/attachments",
            data={"component_code": component, "file": (io.BytesIO(PDF), "giay-to.pdf")},
            content_type="multipart/form-data",
            headers=citizen,
        )
    check = client.post(
        "/api/v1/procedures/2.000635/versions/1/form-check", json={"data": {}, "partial": False}
    ).json
    form = {path: FILLERS.get(path, "Nguyễn Văn An") for path in check["errors"]}
    client.patch(f"/api/v1/dossiers/{dossier_id}", json={"form_data": form}, headers=citizen)
    submitted = client.post(
        f"/api/v1/dossiers/{dossier_id}/submit",
        headers={**citizen, "Idempotency-Key": "results-sqlite-1"},
    )
    assert submitted.status_code == 200, submitted.json
    payment = client.post(
        f"/api/v1/dossiers/{dossier_id}/payments",
        headers={**citizen, "Idempotency-Key": "results-sqlite-pay"},
    ).json["payment"]
    ipn = client.get(
        "/api/v1/payments/vnpay/ipn",
        query_string=ipn_params(payment["txn_ref"], payment["amount"]),
    )
    assert ipn.json["RspCode"] == "00"

    # The department takes it through the workflow; the clerk issues.
    def act(action, who, **body):
        url = f"/api/v1/backoffice/dossiers/{dossier_id}"
        version = client.get(url, headers=officer[who]).json["version"]
        response = client.post(
            f"{url}/{action}", json={"version": version, **body}, headers=officer[who]
        )
        assert response.status_code == 200, response.json
        return response.json

    act("accept", "tiepnhan")
    admin = token(client, "quantri@demo.dvc.local", DEMO_OFFICER_PASSWORD)
    officers = client.get("/api/v1/admin/officers", headers=admin).json["items"]
    specialist = next(o["id"] for o in officers if o["roles"] == ["specialist"])
    act("assign", "truongphong", specialist_id=specialist)
    act("forward", "chuyenvien", to="dept_head")
    act("forward", "truongphong", to="leader")
    act("approve", "lanhdao", note="Đồng ý")
    act("issue", "vanthu", number="15", symbol="BS-STP")

    mine = client.get("/api/v1/me/documents", headers=citizen).json
    assert {d["kind"] for d in mine} == {"fee_receipt", "receipt_slip", "result"}
    result = next(d for d in mine if d["kind"] == "result")
    content = client.get(f"/api/v1/me/documents/{result['id']}/content", headers=citizen).data
    verified = client.post(
        "/api/v1/verify",
        data={"file": (io.BytesIO(content), "ket-qua.pdf")},
        content_type="multipart/form-data",
    ).json
    assert verified["identical_to_issued"] and verified["signature_valid"]
    assert verified["signatures"][0]["signer"] == "Sở Tư pháp tỉnh Khánh Hòa"
    view = client.get(f"/api/v1/dossiers/{dossier_id}", headers=citizen).json
    assert view["status"] == "delivered"
