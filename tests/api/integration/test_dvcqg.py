"""Sync with the National Public Service Portal through its simulator over real HTTP: the
payloads against golden files, the synced flags and rate, updates after a new step, retries,
duplicates, validation, and the signed file links."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import requests
from flask import Flask

from backend.backoffice import services as backoffice
from backend.core import clock
from backend.dossiers import services as dossier_services
from backend.dossiers.models import Dossier, ProcessLogEntry
from backend.integration import dvcqg
from backend.integration.models import DvcqgDossierSync
from backend.integration.tasks import sync_dvcqg
from backend.simulators import dvcqg as dvcqg_sim
from tests.catalog_fixtures import publish
from tests.dossier_fixtures import submitted
from tests.factories import AgencyFactory, CitizenFactory, OfficerFactory
from tests.helpers import bearer
from tests.http_server import free_port, serve

GOLDEN = Path(__file__).parent / "golden"
KEY = "test-only-dvcqg-key"
FEE = {
    "code": "LP01",
    "name_vi": "Lệ phí đăng ký khai sinh",
    "name_en": "Birth registration fee",
    "amount": 8000,
    "kind": "fee",
    "payable": "on_request",
}


@pytest.fixture(scope="module")
def portal():
    sim_app = Flask("dvcqg-sim")
    sim_app.config.update(DVCQG_API_KEY=KEY)
    sim = dvcqg_sim.init_app(sim_app)
    with serve(sim_app) as base:
        yield sim, base + "/simulators/dvcqg/api"


@pytest.fixture
def sim(app, monkeypatch, portal):
    simulator, url = portal
    simulator.dossiers.clear()
    simulator.process_log.clear()
    simulator.calls.clear()
    simulator.forced.clear()
    monkeypatch.setitem(app.config, "DVCQG_API_URL", url)
    monkeypatch.setitem(app.config, "DVCQG_API_KEY", KEY)
    monkeypatch.setitem(app.config, "DVCQG_FILE_BASE_URL", "https://dichvucong.example.gov.vn")
    return simulator


@pytest.fixture
def received(client, db):
    """A birth registration filed online on 25/11/2026 at 09:00 and received at 10:30."""
    clock.freeze(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))
    agency = AgencyFactory(code="000.00.31.H26", name_vi="UBND phường Hoàn Kiếm")
    publish(agency.code, fees=[FEE])
    citizen = CitizenFactory(
        personal_id="001090012345",
        full_name="Phạm Văn Cường",
        date_of_birth=date(1990, 5, 20),
        email="cuong@example.vn",
    )
    code = submitted(client, bearer(client, citizen.email))["code"]
    clock.freeze(datetime(2026, 11, 25, 3, 30, tzinfo=UTC))
    officer = OfficerFactory(agency=agency, roles=["reception_officer", "dept_head"])
    dossier = db.session.query(Dossier).filter_by(code=code).one()
    backoffice.accept(dossier, officer=officer, version=dossier.version)
    db.session.flush()
    return dossier, officer


def normalised(value):
    text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
    return re.sub(r"/files/(tl|kq)\.[0-9a-f-]+\.[0-9a-f]+", r"/files/\1.<token>", text) + "\n"


def check_golden(name: str, value) -> None:
    path = GOLDEN / name
    text = normalised(value)
    if os.environ.get("UPDATE_GOLDEN") or not path.exists():
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_payloads_match_the_golden_files(received, sim, db):
    dossier, _ = received
    assert sync_dvcqg() == {"synced": 1, "failed": 0}

    check_golden("dvcqg_dossier.json", sim.dossiers[dossier.code])
    check_golden("dvcqg_process_log.json", sim.process_log[dossier.code])
    pushed = sim.dossiers[dossier.code]
    assert pushed["NgayNopHoSo"] == "20261125090000"
    assert pushed["NgayTiepNhan"] == "20261125103000"
    assert (pushed["TrangThaiHoSo"], pushed["KenhThucHien"]) == (2, 2)


def test_flags_and_rate_follow_each_change(received, sim, client, db):
    dossier, officer = received
    admin = bearer(client, OfficerFactory(roles=["admin"]).email)
    rate = client.get("/api/v1/admin/integration/dvcqg/sync-rate", headers=admin)
    assert rate.json["dossiers"] == {"total": 1, "synced": 0, "rate": 0.0}

    sync_dvcqg()
    flag = db.session.get(DvcqgDossierSync, dossier.id)
    assert (flag.synced, flag.known_to_portal) == (1, True)
    rows = db.session.query(ProcessLogEntry).filter_by(dossier_id=dossier.id).all()
    assert [r.sync_state for r in rows] == [1, 1]
    rate = client.get("/api/v1/admin/integration/dvcqg/sync-rate", headers=admin)
    assert rate.json == {
        "dossiers": {"total": 1, "synced": 1, "rate": 1.0},
        "process_log": {"total": 2, "synced": 2, "rate": 1.0},
    }

    dossier = db.session.get(Dossier, dossier.id)
    dossier_services.transition(dossier, "assign", actor=officer, role="dept_head")
    db.session.flush()
    assert db.session.get(DvcqgDossierSync, dossier.id).synced == 0
    sim.calls.clear()
    sync_dvcqg()
    assert sim.calls == [("capnhat", "0"), ("quatrinh", "0")]
    assert sim.dossiers[dossier.code]["TrangThaiHoSo"] == 4
    assert [r["TrangThai"] for r in sim.process_log[dossier.code]] == [1, 2, 4]


def test_a_portal_failure_keeps_the_flag_and_retries_later(
    received, sim, portal, app, db, monkeypatch
):
    dossier, _ = received
    sim.forced.append({"error_code": "-9", "message": "Hệ thống đang bảo trì"})
    assert sync_dvcqg() == {"synced": 0, "failed": 1}
    flag = db.session.get(DvcqgDossierSync, dossier.id)
    assert (flag.synced, flag.attempts, flag.last_error) == (0, 1, "Hệ thống đang bảo trì")
    assert sync_dvcqg() == {"synced": 0, "failed": 0}  # backing off

    monkeypatch.setitem(app.config, "DVCQG_API_URL", f"http://127.0.0.1:{free_port()}/api")
    clock.freeze(clock.utcnow() + timedelta(minutes=2))
    assert sync_dvcqg() == {"synced": 0, "failed": 1}
    assert db.session.get(DvcqgDossierSync, dossier.id).last_error.startswith("unreachable")

    monkeypatch.setitem(app.config, "DVCQG_API_URL", portal[1])
    clock.freeze(clock.utcnow() + timedelta(minutes=5))
    assert sync_dvcqg() == {"synced": 1, "failed": 0}


def test_the_portal_refuses_duplicates_and_the_client_carries_on(received, sim, app, db):
    dossier, _ = received
    client = dvcqg.client()
    payload = dvcqg.dossier_payload(dossier)
    rows = dvcqg.log_rows_payload(dossier.code, dossier.log)

    client.push_dossier(payload, known=False)
    client.push_dossier(payload, known=False)  # "đã tồn tại" → update
    assert [c for c in sim.calls] == [("them", "0"), ("them", "-1"), ("capnhat", "0")]
    client.push_log(rows[:1])
    client.push_log(rows)  # the first row is there already: sent one by one
    assert len(sim.process_log[dossier.code]) == 2


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"TrangThaiHoSo": 11}, "TrangThaiHoSo"),
        ({"NgayNopHoSo": "2026-11-25"}, "NgayNopHoSo"),
        ({"KenhThucHien": 4}, "KenhThucHien"),
        ({"DinhDanhCHS": [{"LoaiDinhDanh": 1, "SoDinhDanh": "12345"}]}, "DinhDanhCHS"),
        ({"MaHoSo": ""}, "MaHoSo"),
    ],
)
def test_the_portal_validates_payloads(received, sim, app, change, complaint):
    dossier, _ = received
    payload = {**dvcqg.dossier_payload(dossier), **change}
    with pytest.raises(dvcqg.DvcqgError, match=complaint):
        dvcqg.client().push_dossier(payload, known=False)
    assert dossier.code not in sim.dossiers


def test_file_links_are_signed_for_the_portal(received, sim, app, db):
    dossier, _ = received
    link = dvcqg.dossier_payload(dossier)["TaiLieuNop"][0]["DuongDanTaiTepTin"]
    path = link.removeprefix("https://dichvucong.example.gov.vn")
    with serve(app) as base:
        fetched = requests.get(base + path, timeout=10)
        forged = requests.get(base + path[:-4] + "0000", timeout=10)
    assert fetched.status_code == 200 and fetched.content.startswith(b"%PDF")
    assert forged.status_code == 404
