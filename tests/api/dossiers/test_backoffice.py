"""The back office: every branch of the legal workflow through the API, roles, versions,
queues, notes and deadlines."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from backend.core import clock
from backend.core.clock import VN_TZ
from tests.catalog_fixtures import publish
from tests.dossier_fixtures import PNG, submitted, upload
from tests.factories import AgencyFactory, CitizenFactory, OfficerFactory
from tests.helpers import bearer

BO = "/api/v1/backoffice/dossiers"
ROLES = ["reception_officer", "specialist", "dept_head", "leader", "clerk", "cashier"]


class Desk:
    """An agency with one officer per role, a citizen, and helpers to act."""

    def __init__(self, client, policy="restart"):
        self.client = client
        self.agency = AgencyFactory()
        publish(self.agency.code, supplement_policy=policy)
        self.officers = {role: OfficerFactory(agency=self.agency, roles=[role]) for role in ROLES}
        self.headers = {role: bearer(client, o.email) for role, o in self.officers.items()}
        self.citizen = CitizenFactory(full_name="Phạm Thị Thu Hương", personal_id="079195001234")
        self.citizen_headers = bearer(client, self.citizen.email)

    def submit(self) -> str:
        return submitted(self.client, self.citizen_headers)["id"]

    def view(self, dossier_id, role="reception_officer") -> dict:
        return self.client.get(f"{BO}/{dossier_id}", headers=self.headers[role]).json

    def act(self, dossier_id, action, role, expect=200, **body):
        version = self.view(dossier_id, role)["version"]
        response = self.client.post(
            f"{BO}/{dossier_id}/{action}",
            json={"version": version, **body},
            headers=self.headers[role],
        )
        assert response.status_code == expect, response.json
        return response.json


@pytest.fixture
def desk(client, db):
    return Desk(client)


def to_processing(desk, dossier_id):
    desk.act(dossier_id, "accept", "reception_officer")
    desk.act(dossier_id, "assign", "dept_head", specialist_id=str(desk.officers["specialist"].uuid))


def test_from_submitted_to_delivered(client, desk):
    clock.freeze(datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ))  # Monday
    dossier_id = desk.submit()

    received = desk.act(dossier_id, "accept", "reception_officer")
    assert received["status"] == "received" and received["status_code"] == 2
    assert received["due_at"] == "2026-03-05T17:00:00+07:00"  # 3 working days
    assigned = desk.act(
        dossier_id, "assign", "dept_head", specialist_id=str(desk.officers["specialist"].uuid)
    )
    assert assigned["status"] == "processing" and assigned["stage"] == "specialist"
    desk.act(dossier_id, "forward", "specialist", to="dept_head")
    desk.act(dossier_id, "forward", "dept_head", to="leader")
    approved = desk.act(dossier_id, "approve", "leader", note="Đồng ý")
    assert approved["decision"] == "approved" and approved["stage"] == "clerk"
    clock.freeze(datetime(2026, 3, 4, 10, 0, tzinfo=VN_TZ))
    issuing = desk.act(dossier_id, "issue", "clerk", number="125", symbol="GKS-UBND")
    # Still processing while the result is rendered and signed; resolved once it is stored.
    assert issuing["status"] == "processing" and issuing["stage"] == "issuing"
    issued = desk.view(dossier_id, "clerk")
    assert issued["status"] == "resolved" and issued["status_code"] == 9
    assert issued["timeliness"]["class"] == "early"
    delivered = desk.act(dossier_id, "deliver", "reception_officer")
    assert delivered["status"] == "delivered" and delivered["status_code"] == 10
    assert [t["action"] for t in delivered["timeline"]] == [
        "submit",
        "accept",
        "assign",
        "forward",
        "forward",
        "approve",
        "issue",
        "deliver",
    ]
    mine = client.get(f"/api/v1/dossiers/{dossier_id}", headers=desk.citizen_headers).json
    assert mine["status"] == "delivered" and mine["timeline"][-1]["text"] == "Đã trả kết quả"


def test_refusal_is_terminal_with_its_reason(client, desk):
    dossier_id = desk.submit()

    refused = desk.act(dossier_id, "refuse", "reception_officer", reason="Sai thẩm quyền")

    assert refused["status"] == "refused" and refused["status_code"] == 3
    assert refused["timeline"][-1]["note"] == "Sai thẩm quyền"
    desk.act(dossier_id, "accept", "reception_officer", expect=409)


def request_supplement(desk, dossier_id, role="specialist"):
    deadline = (clock.utcnow() + timedelta(days=5)).isoformat()
    return desk.act(
        dossier_id,
        "request-supplement",
        role,
        items=[{"component_code": "GCS", "description": "Bản rõ nét"}],
        note="Ảnh mờ",
        deadline_at=deadline,
    )


def citizen_supplies(desk, dossier_id):
    upload(desk.client, dossier_id, "GCS", content=PNG, headers=desk.citizen_headers)
    answered = desk.client.post(
        f"/api/v1/dossiers/{dossier_id}/supplement", json={}, headers=desk.citizen_headers
    )
    assert answered.status_code == 200, answered.json


def test_supplement_with_restart_counts_again_from_the_supplement(client, db):
    desk = Desk(client, policy="restart")
    clock.freeze(datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ))
    dossier_id = desk.submit()
    to_processing(desk, dossier_id)
    request_supplement(desk, dossier_id)
    clock.freeze(datetime(2026, 3, 9, 9, 0, tzinfo=VN_TZ))  # next Monday
    citizen_supplies(desk, dossier_id)

    resumed = desk.act(dossier_id, "accept-supplement", "specialist")

    assert resumed["status"] == "processing"
    assert resumed["due_at"] == "2026-03-12T17:00:00+07:00"  # 3 working days from the supplement


def test_supplement_with_pause_moves_the_due_date_by_the_paused_time(client, db):
    desk = Desk(client, policy="pause")
    clock.freeze(datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ))
    dossier_id = desk.submit()
    to_processing(desk, dossier_id)  # due Thu 5/3 17:00
    clock.freeze(datetime(2026, 3, 3, 9, 0, tzinfo=VN_TZ))
    request_supplement(desk, dossier_id)
    clock.freeze(datetime(2026, 3, 4, 9, 0, tzinfo=VN_TZ))  # one working day later
    citizen_supplies(desk, dossier_id)

    resumed = desk.act(dossier_id, "accept-supplement", "specialist")

    assert resumed["due_at"] == "2026-03-06T17:00:00+07:00"
    assert len(resumed["timeliness"]["paused"]) == 1


def test_a_second_supplement_request_counts_the_dossier_late(client, desk):
    clock.freeze(datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ))
    dossier_id = desk.submit()
    to_processing(desk, dossier_id)
    for _ in range(2):
        request_supplement(desk, dossier_id)
        citizen_supplies(desk, dossier_id)
        desk.act(dossier_id, "accept-supplement", "specialist")
    desk.act(dossier_id, "forward", "specialist", to="dept_head")
    desk.act(dossier_id, "forward", "dept_head", to="leader")
    desk.act(dossier_id, "approve", "leader")

    desk.act(dossier_id, "issue", "clerk", number="1", symbol="X")
    issued = desk.view(dossier_id, "clerk")

    assert issued["timeliness"]["supplement_rounds"] == 2
    assert issued["timeliness"]["class"] == "late"  # finished early, but two rounds


def test_supplement_at_reception_returns_to_the_desk(client, desk):
    dossier_id = desk.submit()
    request_supplement(desk, dossier_id, role="reception_officer")
    citizen_supplies(desk, dossier_id)

    back = desk.act(dossier_id, "accept-supplement", "reception_officer")

    assert back["status"] == "submitted" and back["due_at"] is None
    assert desk.act(dossier_id, "accept", "reception_officer")["status"] == "received"


def test_payment_request_and_counter_settlement(client, desk):
    dossier_id = desk.submit()
    to_processing(desk, dossier_id)

    asked = desk.act(
        dossier_id,
        "request-payment",
        "specialist",
        lines=[{"code": "THUE", "name": "Lệ phí trước bạ", "amount": 500000}],
    )
    assert asked["status"] == "payment_requested" and asked["status_code"] == 6
    mine = client.get(f"/api/v1/dossiers/{dossier_id}", headers=desk.citizen_headers).json
    assert mine["next_step"]["code"] == "pay"
    settled = desk.act(dossier_id, "settle-payment", "cashier", receipt="BL-000123")
    assert settled["status"] == "processing"


def test_return_for_rework_goes_back_to_the_specialist(client, desk):
    dossier_id = desk.submit()
    to_processing(desk, dossier_id)
    desk.act(dossier_id, "forward", "specialist", to="dept_head")

    returned = desk.act(dossier_id, "return", "dept_head", comment="Thiếu căn cứ pháp lý")

    assert returned["stage"] == "specialist"
    assert returned["timeline"][-1]["note"] == "Thiếu căn cứ pháp lý"
    desk.act(dossier_id, "forward", "dept_head", expect=409, to="leader")


def test_apology_redates_once_and_keeps_the_original_due_date(client, desk):
    clock.freeze(datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ))
    dossier_id = desk.submit()
    to_processing(desk, dossier_id)
    new_due = "2026-03-10T17:00:00+07:00"

    sorry = desk.act(dossier_id, "apologize", "leader", new_due_at=new_due, reason="Chờ xác minh")
    twice = desk.act(
        dossier_id,
        "apologize",
        "leader",
        expect=422,
        new_due_at="2026-03-12T17:00:00+07:00",
        reason="again",
    )

    assert sorry["due_at"] == new_due
    assert sorry["timeliness"]["original_due_at"] == "2026-03-05T17:00:00+07:00"
    assert "new_due_at" in twice["errors"]
    desk.act(dossier_id, "forward", "specialist", to="dept_head")
    desk.act(dossier_id, "forward", "dept_head", to="leader")
    desk.act(dossier_id, "approve", "leader")
    clock.freeze(datetime(2026, 3, 9, 9, 0, tzinfo=VN_TZ))  # before the new date, after the old
    desk.act(dossier_id, "issue", "clerk", number="2", symbol="Y")
    issued = desk.view(dossier_id, "clerk")
    assert issued["timeliness"]["class"] == "late"


def test_stop_and_recorded_withdrawal(client, desk):
    first, second = desk.submit(), desk.submit()
    to_processing(desk, first)

    stopped = desk.act(first, "stop", "leader", reason="Quá hạn bổ sung")
    withdrawn = desk.act(second, "withdraw", "reception_officer", reason="Công dân xin rút")

    assert stopped["status"] == "stopped" and stopped["status_code"] == 8
    assert withdrawn["status"] == "withdrawn" and withdrawn["status_code"] == 7


def test_a_stale_version_is_409_and_changes_nothing(client, desk):
    dossier_id = desk.submit()
    version = desk.view(dossier_id)["version"]
    url = f"{BO}/{dossier_id}"

    first = client.post(
        f"{url}/accept", json={"version": version}, headers=desk.headers["reception_officer"]
    )
    second = client.post(
        f"{url}/refuse",
        json={"version": version, "reason": "x"},
        headers=desk.headers["reception_officer"],
    )

    assert first.status_code == 200
    assert second.status_code == 409 and second.json["code"] == "dossier.stale-version"
    assert desk.view(dossier_id)["status"] == "received"


@pytest.mark.parametrize(
    ("action", "role", "expected"),
    [
        ("accept", "specialist", 403),
        ("accept", "clerk", 403),
        ("approve", "leader", 409),  # not possible before processing
        ("issue", "clerk", 409),
        ("refuse", "reception_officer", 200),
    ],
)
def test_each_action_is_limited_to_its_roles_and_states(client, desk, action, role, expected):
    dossier_id = desk.submit()
    body = {"reason": "x"} if action == "refuse" else {}
    if action == "issue":
        body = {"number": "1", "symbol": "X"}

    desk.act(dossier_id, action, role, expect=expected, **body)


def test_officers_of_another_agency_do_not_see_the_dossier(client, desk):
    dossier_id = desk.submit()
    other = bearer(client, OfficerFactory(roles=["reception_officer"]).email)
    admin = bearer(client, OfficerFactory(roles=["admin"]).email)

    assert client.get(f"{BO}/{dossier_id}", headers=other).status_code == 404
    assert (
        client.post(f"{BO}/{dossier_id}/accept", json={"version": 2}, headers=other).status_code
        == 404
    )
    assert client.get(f"{BO}/{dossier_id}", headers=admin).status_code == 200
    assert client.get(f"{BO}/{dossier_id}", headers=desk.citizen_headers).status_code == 403
    assert client.get(f"{BO}/{dossier_id}").status_code == 401


def test_queues_count_and_list_with_search_and_keyset_pages(client, desk):
    ids = [desk.submit() for _ in range(3)]
    desk.act(ids[0], "accept", "reception_officer")
    headers = desk.headers["reception_officer"]

    counts = client.get("/api/v1/backoffice/queues", headers=headers).json
    page1 = client.get(
        BO, query_string={"queue": "awaiting_reception", "size": 1}, headers=headers
    ).json
    page2 = client.get(
        BO,
        query_string={"queue": "awaiting_reception", "size": 1, "after": page1["next"]},
        headers=headers,
    ).json
    found = client.get(BO, query_string={"q": "pham thi thu huong"}, headers=headers).json
    by_id = client.get(BO, query_string={"q": "079195001234"}, headers=headers).json
    nobody = client.get(BO, query_string={"q": "nguyen van khong"}, headers=headers).json

    assert counts["awaiting_reception"] == 2 and counts["received"] == 1
    assert len(page1["items"]) == 1 and len(page2["items"]) == 1 and page2["next"] is None
    assert {page1["items"][0]["id"], page2["items"][0]["id"]} == set(ids[1:])
    assert len(found["items"]) == 3 and len(by_id["items"]) == 3
    assert nobody["items"] == []
    assert client.get(BO, query_string={"after": "garbage"}, headers=headers).status_code == 400


def test_overdue_and_due_soon_queues(client, desk):
    clock.freeze(datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ))
    dossier_id = desk.submit()
    desk.act(dossier_id, "accept", "reception_officer")  # due Thu 5/3 17:00
    headers = desk.headers["reception_officer"]

    clock.freeze(datetime(2026, 3, 4, 9, 0, tzinfo=VN_TZ))
    soon = client.get("/api/v1/backoffice/queues", headers=headers).json
    clock.freeze(datetime(2026, 3, 6, 9, 0, tzinfo=VN_TZ))
    late = client.get("/api/v1/backoffice/queues", headers=headers).json
    view = desk.view(dossier_id)

    assert soon["due_soon"] == 1 and soon["overdue"] == 0
    assert late["overdue"] == 1 and late["due_soon"] == 0
    assert view["timeliness"]["class"] == "open_overdue"


def test_internal_notes_stay_internal_and_messages_reach_the_citizen(client, desk):
    dossier_id = desk.submit()
    headers = desk.headers["specialist"]
    client.post(f"{BO}/{dossier_id}/notes", json={"text": "Kiểm tra lại chữ ký"}, headers=headers)
    client.post(
        f"{BO}/{dossier_id}/notes",
        json={"text": "Vui lòng mang bản gốc khi nhận kết quả", "internal": False},
        headers=headers,
    )

    officer_view = desk.view(dossier_id)
    citizen_view = client.get(f"/api/v1/dossiers/{dossier_id}", headers=desk.citizen_headers).json

    assert [n["text"] for n in officer_view["notes"]] == [
        "Kiểm tra lại chữ ký",
        "Vui lòng mang bản gốc khi nhận kết quả",
    ]
    assert [m["text"] for m in citizen_view["messages"]] == [
        "Vui lòng mang bản gốc khi nhận kết quả"
    ]
    assert "Kiểm tra lại chữ ký" not in str(citizen_view)


def test_allowed_actions_follow_role_and_state(client, desk):
    dossier_id = desk.submit()

    reception = desk.view(dossier_id, "reception_officer")["allowed_actions"]
    clerk = desk.view(dossier_id, "clerk")["allowed_actions"]

    assert set(reception) == {"accept", "refuse", "request_supplement", "withdraw"}
    assert clerk == []


def test_unpaid_dossiers_cannot_be_received(client, db):
    agency = AgencyFactory()
    publish(
        agency.code,
        fees=[
            {
                "code": "LP",
                "name_vi": "Lệ phí",
                "name_en": "Fee",
                "amount": 50000,
                "kind": "fee",
                "payable": "at_submission",
            }
        ],
    )
    officer = bearer(client, OfficerFactory(agency=agency, roles=["reception_officer"]).email)
    citizen = bearer(client, CitizenFactory().email)
    dossier_id = submitted(client, citizen)["id"]
    counts = client.get("/api/v1/backoffice/queues", headers=officer).json
    version = client.get(f"{BO}/{dossier_id}", headers=officer).json["version"]

    response = client.post(f"{BO}/{dossier_id}/accept", json={"version": version}, headers=officer)

    assert counts["awaiting_payment"] == 1 and counts["awaiting_reception"] == 0
    assert response.status_code == 422


def test_receipt_slip_after_reception(client, desk):
    clock.freeze(datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ))
    dossier_id = desk.submit()
    url = f"{BO}/{dossier_id}/receipt"
    headers = desk.headers["reception_officer"]
    assert client.get(url, headers=headers).status_code == 409

    desk.act(dossier_id, "accept", "reception_officer")
    slip = client.get(url, headers=headers).json

    assert slip["applicant"] == "Phạm Thị Thu Hương"
    assert slip["due_at"] == "2026-03-05T17:00:00+07:00"
    assert {c["code"] for c in slip["components"]} == {"TK", "GCS"}


def test_an_action_writes_log_audit_and_outbox_or_nothing(client, desk, db, monkeypatch):
    import sqlalchemy as sa

    from backend.core import outbox
    from backend.core.audit import AuditEvent
    from backend.core.outbox import OutboxEvent
    from backend.dossiers.models import ProcessLogEntry

    def counts():
        # Audit rows of the dossier's steps (the receipt slip's issuance audits itself).
        dossier_audit = sa.select(AuditEvent).where(AuditEvent.event.like("dossier.%")).subquery()
        return tuple(
            db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (ProcessLogEntry, dossier_audit, OutboxEvent)
        )

    dossier_id = desk.submit()
    before = counts()
    desk.act(dossier_id, "accept", "reception_officer")
    after = counts()
    assert [b - a for a, b in zip(before, after, strict=True)] == [1, 1, 1]

    def broken(*args, **kwargs):
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(outbox, "add_event", broken)
    version = desk.view(dossier_id)["version"]
    failed = client.post(
        f"{BO}/{dossier_id}/assign",
        json={"version": version, "specialist_id": str(desk.officers["specialist"].uuid)},
        headers=desk.headers["dept_head"],
    )
    assert failed.status_code == 500
    assert counts() == after
    view = desk.view(dossier_id)
    assert view["status"] == "received" and view["version"] == version and view["assignee"] is None


#: Every action with a body that passes validation, so the answer shows who may act.
ACTIONS = [
    ("accept", {}),
    ("refuse", {"reason": "x"}),
    (
        "request-supplement",
        {"items": [{"description": "x"}], "deadline_at": "2099-01-01T00:00:00+07:00"},
    ),
    ("accept-supplement", {}),
    ("assign", {"specialist_id": "00000000-0000-4000-8000-000000000000"}),
    ("forward", {"to": "leader"}),
    ("return", {"comment": "x"}),
    ("request-payment", {"lines": [{"code": "P", "name": "x", "amount": 1}]}),
    ("settle-payment", {"receipt": "x"}),
    ("approve", {}),
    ("reject", {}),
    ("issue", {"number": "1", "symbol": "X"}),
    ("deliver", {}),
    ("stop", {"reason": "x"}),
    ("withdraw", {"reason": "x"}),
    ("apologize", {"new_due_at": "2099-01-01T00:00:00+07:00", "reason": "x"}),
]

ENDPOINTS = [
    ("get", "/api/v1/backoffice/queues", None),
    ("get", BO, None),
    ("get", BO + "/{id}", None),
    ("get", BO + "/{id}/receipt", None),
    ("post", BO + "/{id}/notes", {"text": "x"}),
    *[("post", BO + "/{id}/" + action, {"version": 1, **extra}) for action, extra in ACTIONS],
]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_auth_matrix_of_every_back_office_endpoint(client, desk, method, path, body):
    dossier_id = desk.submit()
    url = path.format(id=dossier_id)
    callers = {
        "anonymous": {},
        "citizen": desk.citizen_headers,
        "officer elsewhere": bearer(client, OfficerFactory(roles=ROLES).email),
        "admin": bearer(client, OfficerFactory(roles=["admin"]).email),
    }
    statuses = {}
    for who, headers in callers.items():
        kwargs = {"headers": headers}
        if body is not None:
            kwargs["json"] = body
        statuses[who] = getattr(client, method)(url, **kwargs).status_code

    assert statuses["anonymous"] == 401, (statuses, body)
    assert statuses["citizen"] == 403
    per_dossier = "{id}" in path
    assert statuses["officer elsewhere"] == (404 if per_dossier else 200), (statuses, body)
    # Admins see every dossier; acting needs the workflow role, so a POST is 403/409/422.
    if method == "get":
        assert statuses["admin"] in (200, 409)
    else:
        assert statuses["admin"] in (201, 403, 409, 422)
    assert desk.view(dossier_id)["status"] == "submitted" or path.endswith("notes")
