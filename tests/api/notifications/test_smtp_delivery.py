"""E-mails reach a real SMTP server on loopback: subjects, Vietnamese bodies and links as the
citizen reads them, sent only after the step is committed."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

import sqlalchemy as sa

from backend.core import clock
from backend.core.clock import VN_TZ
from backend.notifications.models import Message
from tests.notification_fixtures import body_of

BASE = "http://127.0.0.1:5000"


def test_submission_mail_has_code_and_lookup_link(client, desk, smtp, db):
    clock.freeze(datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ))
    dossier_id = desk.submit()
    code = desk.code(dossier_id)

    [mail] = smtp.to(desk.citizen.email)
    assert mail["Subject"] == f"Đã nộp hồ sơ {code}"
    assert mail["From"].addresses[0].display_name == "Dịch vụ công"
    body = body_of(mail)
    assert "Kính gửi Phạm Thị Thu Hương" in body
    assert f"Mã hồ sơ: {code}" in body
    assert "Thủ tục: Thủ tục đăng ký khai sinh" in body
    assert f"{BASE}/tra-cuu?ma={quote(code, safe='')}" in body
    assert f"{BASE}/ho-so-cua-toi/{dossier_id}" in body
    assert "Thời điểm nộp: 09:00 02/03/2026" in body
    row = db.session.scalar(sa.select(Message).where(Message.recipient == desk.citizen.email))
    assert row.status == "sent" and row.attempts == 1
    assert row.provider_id == mail["Message-ID"]


def test_reception_officers_hear_of_the_new_dossier(client, desk, smtp):
    desk.submit()

    reception = desk.officers["reception_officer"].email
    [mail] = smtp.to(reception)
    assert mail["Subject"].startswith("Hồ sơ mới cần xử lý: ")
    assert f"{BASE}/can-bo/ho-so/" in body_of(mail)
    assert smtp.to(desk.officers["specialist"].email) == []


def test_receipt_slip_with_appointment_date(client, desk, smtp):
    clock.freeze(datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ))  # Monday
    dossier_id = desk.submit()
    desk.act(dossier_id, "accept", "reception_officer")

    mail = smtp.to(desk.citizen.email)[-1]
    assert "hẹn trả kết quả 17:00 05/03/2026" in mail["Subject"]
    body = body_of(mail)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in body
    assert "Ngày hẹn trả kết quả: 17:00 05/03/2026" in body


def test_refusal_gives_the_reason(client, desk, smtp):
    dossier_id = desk.submit()
    desk.act(dossier_id, "refuse", "reception_officer", reason="Thiếu chữ ký trên tờ khai")

    mail = smtp.to(desk.citizen.email)[-1]
    assert mail["Subject"].endswith("không được tiếp nhận")
    assert "Lý do: Thiếu chữ ký trên tờ khai" in body_of(mail)


def test_supplement_request_lists_items_and_deadline(client, desk, smtp):
    clock.freeze(datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ))
    dossier_id = desk.submit()
    deadline = datetime(2026, 3, 6, 17, 0, tzinfo=VN_TZ)
    desk.act(
        dossier_id,
        "request-supplement",
        "reception_officer",
        items=[{"component_code": "GCS", "description": "Giấy chứng sinh bản gốc"}],
        note="Bản chụp bị mờ",
        deadline_at=deadline.isoformat(),
    )

    mail = smtp.to(desk.citizen.email)[-1]
    code = desk.code(dossier_id)
    assert mail["Subject"] == f"Yêu cầu bổ sung hồ sơ {code} trước 17:00 06/03/2026"
    body = body_of(mail)
    assert "- Giấy chứng sinh bản gốc (GCS)" in body
    assert "Ghi chú: Bản chụp bị mờ" in body
    assert f"{BASE}/ho-so-cua-toi/{dossier_id}#bo-sung" in body


def test_whole_workflow_tells_the_citizen_every_step(client, desk, smtp):
    clock.freeze(datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ))
    dossier_id = desk.submit()
    desk.to_processing(dossier_id)
    desk.act(
        dossier_id,
        "request-payment",
        "specialist",
        lines=[{"code": "LP", "name": "Lệ phí", "amount": 50000}],
    )
    desk.act(dossier_id, "settle-payment", "cashier", receipt="BL-2026-00000077")
    desk.act(
        dossier_id,
        "apologize",
        "leader",
        reason="Cần xác minh thêm",
        new_due_at=(datetime(2026, 3, 10, 17, 0, tzinfo=VN_TZ)).isoformat(),
    )
    desk.act(dossier_id, "forward", "specialist", to="dept_head")
    desk.act(dossier_id, "forward", "dept_head", to="leader")
    desk.act(dossier_id, "approve", "leader", note="Đồng ý")
    desk.act(dossier_id, "issue", "clerk", number="125", symbol="GKS-UBND")
    desk.act(dossier_id, "deliver", "reception_officer")

    subjects = [m["Subject"] for m in smtp.to(desk.citizen.email)]
    assert [s.split(" ")[0:2] for s in subjects] == [
        ["Đã", "nộp"],
        ["Hồ", "sơ"],  # received
        ["Hồ", "sơ"],  # payment requested
        ["Đã", "thanh"],  # payment succeeded
        ["Thư", "xin"],  # apology
        ["Đã", "có"],  # result ready
        ["Đã", "trả"],  # delivered
    ]
    payment, paid, apology, result = (smtp.to(desk.citizen.email)[i] for i in (2, 3, 4, 5))
    assert "50.000 đồng" in payment["Subject"]
    assert f"{BASE}/ho-so-cua-toi/{dossier_id}#thanh-toan" in body_of(payment)
    assert "Số biên lai: BL-2026-00000077" in body_of(paid)
    assert "Ngày hẹn trả kết quả mới: 17:00 10/03/2026" in body_of(apology)
    assert "Lý do: Cần xác minh thêm" in body_of(apology)
    assert f"{BASE}/ho-so-cua-toi/{dossier_id}#ket-qua" in body_of(result)
    assert "số 125/GKS-UBND" in body_of(result)
    # Officers: the specialist was assigned, the leader and the clerk got it in their queues.
    assert smtp.to(desk.officers["specialist"].email)[0]["Subject"].startswith("Bạn được phân công")
    assert smtp.to(desk.officers["leader"].email)
    assert smtp.to(desk.officers["clerk"].email)


def test_english_speakers_get_english(client, desk, smtp):
    client.put(
        "/api/v1/me/notification-preferences", json={"locale": "en"}, headers=desk.citizen_headers
    )
    dossier_id = desk.submit()
    desk.act(dossier_id, "refuse", "reception_officer", reason="Không đúng thẩm quyền")

    first, second = smtp.to(desk.citizen.email)
    assert first["Subject"].startswith("Dossier ") and first["Subject"].endswith(" submitted")
    assert "Track its status (no sign-in needed): " in body_of(first)
    assert "Procedure: Birth registration" in body_of(first)
    assert "Reason: Không đúng thẩm quyền" in body_of(second)


def test_nothing_is_sent_for_a_failed_request(client, desk, smtp):
    dossier_id = desk.submit()
    before = len(smtp.messages)
    # A stale version: the action fails, nothing is recorded or sent.
    response = client.post(
        f"/api/v1/backoffice/dossiers/{dossier_id}/refuse",
        json={"version": 999, "reason": "x"},
        headers=desk.headers["reception_officer"],
    )
    assert response.status_code == 409
    assert len(smtp.messages) == before


def test_online_payment_sends_the_receipt_once(client, db, smtp):
    from tests.payment_fixtures import FEE, dossier_awaiting_payment, ipn_params, start

    dossier, headers = dossier_awaiting_payment(client)
    me = client.get("/api/v1/me/notification-preferences", headers=headers).json["email_address"]
    [submitted] = smtp.to(me)
    assert "Phí, lệ phí cần nộp trước khi tiếp nhận: 200.000 đồng" in body_of(submitted)
    assert f"{BASE}/ho-so-cua-toi/{dossier['id']}#thanh-toan" in body_of(submitted)
    payment = start(client, dossier["id"], headers)["payment"]

    answer = client.get(
        "/api/v1/payments/vnpay/ipn", query_string=ipn_params(payment["txn_ref"], FEE)
    )
    client.get("/api/v1/payments/vnpay/ipn", query_string=ipn_params(payment["txn_ref"], FEE))

    assert answer.json["RspCode"] == "00"
    receipt = client.get(f"/api/v1/payments/{payment['id']}", headers=headers).json["receipt"]
    paid = [m for m in smtp.to(me) if m["Subject"].startswith("Đã thanh toán")]
    assert len(paid) == 1  # the duplicate IPN tells nobody
    assert paid[0]["Subject"] == f"Đã thanh toán 200.000 đồng cho hồ sơ {dossier['code']}"
    assert f"Số biên lai: {receipt['number']}" in body_of(paid[0])


def test_stop_and_withdrawal_are_told(client, desk, smtp):
    client.put(
        "/api/v1/me/notification-preferences",
        json={"email": False},
        headers=desk.citizen_headers,
    )
    stopped = desk.submit()
    desk.to_processing(stopped)
    desk.act(stopped, "stop", "leader", reason="Quá hạn bổ sung hồ sơ")
    withdrawn = desk.submit()
    desk.act(withdrawn, "withdraw", "reception_officer", reason="Công dân xin rút")

    # Stopping is a required notice: it is e-mailed even with e-mail turned off.
    [mail] = smtp.to(desk.citizen.email)
    assert mail["Subject"] == f"Dừng giải quyết hồ sơ {desk.code(stopped)}"
    assert "Lý do: Quá hạn bổ sung hồ sơ" in body_of(mail)
    titles = [n["title"] for n in desk.notifications(desk.citizen_headers)]
    assert titles[0] == f"Đã rút hồ sơ {desk.code(withdrawn)}"
