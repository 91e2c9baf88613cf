"""The golden path in a real browser, on a phone (390×844) and a desktop (1280×800).

A citizen registers, finds a procedure, fills its e-form (autosave shows "saved"), uploads the
required document, submits, pays on the VNPay simulator and sees the result page; officers
receive, assign, process, approve and issue; the citizen sees the result and, when the
verification API exists, the verify page says the result is valid. axe-core runs on every page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from backend.seed import DEMO_OFFICER_PASSWORD
from tests.dossier_fixtures import PDF
from tests.e2e import api_setup

#: The outcome of each viewport's golden path, for the result / verify test.
OUTCOMES: dict[str, dict] = {}

CITIZENS = {
    # 12-digit IDs: Khánh Hòa (056), born 1990 (century digit 0, year 90).
    "phone": ("Trần Thị Bình", "056190123401", "1990-04-12", "binh.e2e@example.vn"),
    "desktop": ("Lê Văn Cường", "056090123402", "1990-08-30", "cuong.e2e@example.vn"),
}
PASSWORD = "Ho-so-truc-tuyen-2026"
PROCEDURE = "2.000635"  # copies of civil status extracts: 8,000 VND at submission


def fill_field(page, name: str, value: str) -> None:
    page.fill(f"#f-{name}", value)
    page.locator(f"#f-{name}").blur()


def drop_file(page, target: str, filename: str, content: bytes) -> None:
    """Drag and drop a file onto ``target``, as a browser does (a drop event with the file)."""
    page.evaluate(
        """([target, filename, bytes]) => {
            const dt = new DataTransfer();
            dt.items.add(new File([new Uint8Array(bytes)], filename, {type: 'application/pdf'}));
            const el = document.querySelector(target);
            el.dispatchEvent(new DragEvent('dragover', {dataTransfer: dt, bubbles: true}));
            el.dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true}));
        }""",
        [target, filename, list(content)],
    )


def officer_does(pages, email: str, code: str, action: str, fill=None, check=False) -> None:
    """Sign in as an officer, open the dossier from the queue search, take one action."""
    page = pages.page
    pages.context.clear_cookies()
    pages.goto("/dang-nhap")
    if check:
        pages.axe("officer-login")
    page.fill("#username", email)
    page.fill("#password", DEMO_OFFICER_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/can-bo")
    page.wait_for_selector(".tabs")
    if check:
        page.wait_for_selector("[data-queue=awaiting_reception] .badge:not(:has-text('0'))")
        pages.axe("officer-queue")
    page.fill("#f-q", code)
    page.click("form[role=search] button[type=submit]")
    page.click(f"a:has-text('{code}')")
    page.wait_for_selector(f"[data-action='{action}']")
    if check:  # the attachments preview inline (PDF in a frame of our own origin)
        page.click("button:has-text('Xem trước') >> nth=0")
        frame = page.wait_for_selector("iframe.preview")
        assert "inline=1" in frame.get_attribute("src")
    pages.axe(f"workspace-before-{action}")
    page.click(f"[data-action='{action}']")
    if fill:
        fill(page)
    page.click("[data-testid=action-confirm]")
    page.wait_for_selector(".notice.ok[role=status], form .notice.bad", timeout=30000)
    refused = page.locator("form .notice.bad")
    assert not refused.count(), f"{action} by {email}: {refused.inner_text()}"


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_golden_path(new_pages, live_server, viewport):
    name, personal_id, birth, email = CITIZENS[viewport]
    citizen = new_pages("citizen", viewport)
    page = citizen.page

    # Register (and be signed in).
    citizen.goto("/dang-ky")
    citizen.axe("register")
    page.fill("#full_name", name)
    page.fill("#personal_id", personal_id)
    page.fill("#date_of_birth", birth)
    page.fill("#email", email)
    page.fill("#new-password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(live_server + "/")
    page.wait_for_selector(f"li.who:has-text('{name}')", state="attached")
    citizen.axe("home")

    # Find the procedure without typing accents.
    page.fill("#q", "ban sao trich luc ho tich")
    page.click("form[role=search] button[type=submit]")
    page.click(f"a[href='/thu-tuc/{PROCEDURE}'] >> nth=0")
    page.wait_for_selector("text=Căn cứ pháp lý")
    citizen.axe("procedure")
    page.click("button:has-text('Nộp hồ sơ trực tuyến')")
    page.wait_for_url(re.compile(r".*/nop-ho-so/[0-9a-f-]+$"))
    dossier_id = page.url.rsplit("/", 1)[1]

    # Step 1: a wrong ID number is refused at the field with the server's message.
    page.wait_for_selector("#f-requester_name")
    fill_field(page, "requester_personal_id", "12345")
    page.wait_for_selector("text=Số định danh cá nhân phải gồm đúng 12 chữ số.")
    citizen.axe("form-error")
    fill_field(page, "requester_name", name)
    fill_field(page, "requester_personal_id", personal_id)
    fill_field(page, "requester_phone", "0912345678")
    page.select_option("#f-requester_relationship", "self")
    page.wait_for_selector("[data-testid=save-state]:has-text('Đã lưu nháp')")
    citizen.axe("form-step-1")
    page.click("form button[type=submit]:has-text('Tiếp tục')")

    # Step 2, step 3.
    fill_field(page, "subject_name", name)
    page.select_option("#f-document_type", "birth")
    fill_field(page, "record_place", "UBND phường Nha Trang")
    citizen.axe("form-step-2")
    page.click("form button[type=submit]:has-text('Tiếp tục')")
    fill_field(page, "copies", "2")
    page.check("#f-declaration")
    citizen.axe("form-step-3")
    page.click("form button[type=submit]:has-text('Tiếp tục')")

    # Documents: every required component gets a PDF (file picker; the drop zone takes the
    # same files).
    page.wait_for_selector("h2:has-text('Giấy tờ đính kèm')")
    detail = requests.get(f"{live_server}/api/v1/procedures/{PROCEDURE}", timeout=10).json()
    first = detail["components"][0]["code"]
    drop_file(page, f"[data-component='{first}'] .drop", "to-khai.pdf", PDF)
    page.wait_for_selector(f"[data-component='{first}'] a:has-text('to-khai.pdf')")
    required = [c["code"] for c in detail["components"] if c["required"]]
    for code in required:
        page.set_input_files(
            f"#file-{code}",
            files=[{"name": f"{code}.pdf", "mimeType": "application/pdf", "buffer": PDF}],
        )
        page.wait_for_selector(f"[data-component='{code}'] a:has-text('{code}.pdf')")
    citizen.axe("documents")
    page.click("button:has-text('Tiếp tục')")

    # Review and submit: the fee is due now, so the browser goes to VNPay (the simulator).
    page.wait_for_selector("h2:has-text('Kiểm tra và nộp')")
    page.wait_for_selector("text=Phí phải nộp: 8.000 ₫")
    citizen.axe("review")
    page.click("button:has-text('Nộp hồ sơ')")
    page.wait_for_url("**/simulators/vnpay/**")
    citizen.shot("vnpay")
    page.fill("#card_number", "9704198526191432198")
    page.fill("#card_holder", "NGUYEN VAN A")
    page.fill("#issue_date", "07/15")
    if page.locator("#otp").count():
        page.fill("#otp", "123456")
    page.click("button[value=pay]")
    if page.locator("#otp").count() and "/simulators/" in page.url:
        page.fill("#otp", "123456")
        page.click("button[value=pay]")
    page.wait_for_url("**/thanh-toan/ket-qua**")
    page.wait_for_selector("[data-testid=payment-outcome][data-outcome=success]", timeout=30000)
    citizen.axe("payment-result")

    # My dossiers: the dossier awaits reception, with its code.
    page.click("a:has-text('Xem hồ sơ')")
    page.wait_for_selector("[data-testid=dossier-status]")
    code = page.locator("main h1").inner_text().split()[-1]
    assert re.fullmatch(r"[0-9.A-Z]+-\d{6}-\d{4}", code), code
    citizen.axe("dossier-submitted")
    citizen.goto("/ho-so-cua-toi")
    page.wait_for_selector(f"text={code}")
    citizen.axe("my-dossiers")

    # The back office: reception receives and assigns, the specialist forwards to the
    # department head, who forwards to the leader; the leader approves; the clerk issues.
    officer = new_pages("officer", viewport)
    officer_does(officer, "tiepnhan@demo.dvc.local", code, "accept", check=True)
    officer_does(officer, "tiepnhan@demo.dvc.local", code, "assign")
    officer_does(
        officer,
        "chuyenvien@demo.dvc.local",
        code,
        "forward",
        lambda p: p.select_option("#act-to", "dept_head"),
    )
    officer_does(
        officer,
        "truongphong@demo.dvc.local",
        code,
        "forward",
        lambda p: p.select_option("#act-to", "leader"),
    )
    officer_does(officer, "lanhdao@demo.dvc.local", code, "approve")

    def issue(p):
        p.fill("#act-number", f"{viewport[:2].upper()}-125")
        p.fill("#act-symbol", "QĐ-STP")

    officer_does(officer, "vanthu@demo.dvc.local", code, "issue", issue)
    # The dossier is "issuing" until the signed PDF is stored, then resolved (9); the
    # workspace lists the dossier's documents, the stored result among them.
    officer.page.wait_for_selector(
        "[data-testid=officer-status]:has-text('Đã có kết quả')", timeout=30000
    )
    officer.page.wait_for_selector("li[data-kind=result][data-status=valid]")
    assert officer.page.locator("li[data-kind=receipt_slip]").count() == 1
    officer.axe("workspace-documents")
    officer.goto("/can-bo/thong-ke")
    # This year's report of the clerk's agency: the dossier counts among those received, the
    # monthly chart has its text alternative and table, the 766 scorecard its rows.
    officer.page.wait_for_selector("[data-testid=stats-report]")
    assert int(officer.page.locator("[data-testid=stats-received]").inner_text()) >= 1
    assert officer.page.locator("[data-testid=stats-chart] rect.bar").count() == 12
    assert officer.page.locator("#st-766 ~ .table-wrap tbody tr").count() > 5
    assert "format=xlsx" in officer.page.get_attribute("[data-testid=export-xlsx]", "href")
    officer.axe("statistics")
    assert not officer.csp_violations(), officer.csp_violations()

    # The citizen sees the result.
    citizen.goto(f"/ho-so-cua-toi/{dossier_id}")
    page.wait_for_selector("[data-testid=dossier-status]:has-text('Đã có kết quả')")
    timeline = page.locator("ol.timeline").inner_text()
    assert "Đã nộp phí qua VNPay" in timeline and "timeline." not in timeline, timeline
    citizen.axe("dossier-resolved")
    citizen.goto("/giay-to-cua-toi")
    page.wait_for_selector("[data-kind=result]")  # my documents store holds the result
    citizen.axe("giay-to-cua-toi")
    for path in ("/tra-cuu", "/xac-minh"):
        citizen.goto(path)
        citizen.axe(path.strip("/"))

    # Notifications: the header counts the unread ones; each links into this SPA (the dossier
    # page); "mark all read" clears the count; the preferences are saved.
    page.wait_for_selector("[data-testid=unread-count]", state="attached")
    citizen.goto("/thong-bao")
    page.wait_for_selector("li[data-read=false]")
    links = page.locator("ul.notes a").evaluate_all("(els) => els.map((a) => a.pathname)")
    assert links and all(link.startswith(f"/ho-so-cua-toi/{dossier_id}") for link in links), links
    citizen.axe("notifications")
    page.click("button:has-text('Đánh dấu tất cả đã đọc')")
    page.wait_for_selector("li[data-read=false]", state="detached")
    page.wait_for_selector("[data-testid=unread-count]", state="detached")
    page.select_option("#pref-locale", "en")
    page.click("[data-testid=prefs-form] button[type=submit]")
    page.wait_for_selector("[data-testid=prefs-form] .notice.ok")

    # The lookup link of the notices (/tra-cuu?ma=<code>) looks the dossier up directly.
    citizen.goto(f"/tra-cuu?ma={code}")
    page.wait_for_selector(f"[data-testid=lookup-result]:has-text('{code}')")
    citizen.goto("/thong-bao")
    page.wait_for_selector("[data-testid=prefs-form]")
    if page.locator(".menu-toggle").is_visible():  # phones: the menu is behind a button
        page.click(".menu-toggle")
    page.click("button.lang")
    citizen.page.wait_for_selector("main h1:has-text('Notifications')")
    citizen.axe("english")
    assert not citizen.csp_violations(), citizen.csp_violations()
    OUTCOMES[viewport] = {"dossier_id": dossier_id, "code": code, "username": email}


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_signed_result_download_and_verify(new_pages, live_server, viewport):
    """After the golden path: download the signed result; its QR opens a page saying valid."""
    if viewport not in OUTCOMES:
        pytest.skip("the golden path did not complete for this viewport")
    outcome = OUTCOMES[viewport]
    citizen = new_pages("citizen-result", viewport)
    page = citizen.page
    citizen.goto("/dang-nhap")
    page.fill("#username", outcome["username"])
    page.fill("#password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/ho-so-cua-toi")
    citizen.goto(f"/ho-so-cua-toi/{outcome['dossier_id']}#ket-qua")
    link = page.locator("[data-testid=result-download]").first
    with page.expect_download() as download:
        link.click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    # The verification code of the result, as the documents API gives it (the QR code on
    # the PDF opens the same page: PUBLIC_BASE_URL/xac-minh/<code>).
    cookies = {c["name"]: c["value"] for c in citizen.context.cookies()}
    documents = requests.get(
        f"{live_server}/api/v1/dossiers/{outcome['dossier_id']}/documents",
        cookies=cookies,
        timeout=10,
    ).json()
    result = next(d for d in documents if d["kind"] == "result")
    page.locator(f"a[href='/xac-minh/{result['verification_code']}']").first.click()
    page.wait_for_selector("[data-testid=verify-result][data-valid=true]")
    assert "Giấy tờ hợp lệ" in page.locator("[data-testid=verify-result]").inner_text()
    citizen.axe("verify-valid")
    # Uploading the downloaded PDF: byte-identical to the issued one, signature valid.
    page.set_input_files(
        "#verify-file",
        files=[{"name": "ket-qua.pdf", "mimeType": "application/pdf", "buffer": pdf}],
    )
    page.click("[data-testid=verify-upload]")
    page.wait_for_selector("[data-testid=upload-result][data-identical=true][data-signature=true]")
    citizen.axe("verify-upload")
    # A code nobody issued: "not found", clearly.
    citizen.goto("/xac-minh/khong-co-ma-nay")
    page.wait_for_selector("[data-testid=verify-result][data-valid=false]")
    # An admin revokes the receipt slip (Mẫu 01): its page now says "revoked", with the date.
    slip = next(d for d in documents if d["kind"] == "receipt_slip")
    admin = api_setup.session(live_server, "quantri@demo.dvc.local", DEMO_OFFICER_PASSWORD)
    admin.post(
        f"{live_server}/api/v1/admin/documents/{slip['id']}/revoke",
        json={"reason": "Cấp nhầm số"},
        timeout=10,
    ).raise_for_status()
    citizen.goto(f"/xac-minh/{slip['verification_code']}")
    page.wait_for_selector("[data-testid=verify-result][data-status=revoked]")
    assert "Giấy tờ đã bị thu hồi" in page.locator("[data-testid=verify-result]").inner_text()
    citizen.axe("verify-revoked")
    # The citizen rates the service on the resolved dossier and sees the rating saved.
    citizen.goto(f"/ho-so-cua-toi/{outcome['dossier_id']}#danh-gia")
    page.wait_for_selector("[data-testid=rating-form]")
    for criterion in ("timeliness", "contacts", "agencies", "attitude", "ease", "overall"):
        page.check(f"input[name=rate-{criterion}][value='2']")
    page.click("[data-testid=rating-form] button[type=submit]")
    page.wait_for_selector("[data-testid=rating-saved]")
    citizen.axe("rating-saved")
