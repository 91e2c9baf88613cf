"""A citizen's other screens on a phone: answering a supplement request, withdrawing, the
public lookup, and problem+json field errors at their fields (axe-core on every page)."""

from __future__ import annotations

from backend.seed import DEMO_CITIZEN, DEMO_CITIZEN_PASSWORD, DEMO_OFFICER_PASSWORD
from tests.dossier_fixtures import PDF, PNG
from tests.e2e import api_setup


def sign_in(pages, username: str, password: str) -> None:
    pages.goto("/dang-nhap")
    pages.page.fill("#username", username)
    pages.page.fill("#password", password)
    pages.page.click("form button[type=submit]")
    pages.page.wait_for_url("**/ho-so-cua-toi")


def test_supplement_answer_withdrawal_and_lookup(new_pages, live_server):
    dossier = api_setup.submitted_dossier(live_server, api_setup.citizen(live_server), PDF)
    api_setup.request_supplement(live_server, dossier["id"], "GTTT", "Bản sao căn cước")
    pages = new_pages("supplement", "phone")
    page = pages.page
    sign_in(pages, "congdan@demo.dvc.local", DEMO_CITIZEN_PASSWORD)
    page.wait_for_selector(f"text={dossier['code']}")
    pages.axe("my-dossiers-supplement")

    # The dossier asks for the ID card copy: upload it there and send the supplement.
    page.click(f"a:has-text('{dossier['code']}')")
    page.wait_for_selector("[data-testid=dossier-status]:has-text('Yêu cầu bổ sung')")
    page.wait_for_selector("text=Bản sao căn cước")
    page.set_input_files(
        "#file-GTTT", files=[{"name": "cccd.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.wait_for_selector("[data-component=GTTT] a:has-text('cccd.png')")
    page.fill("#sup-note", "Đã bổ sung bản sao căn cước.")
    pages.axe("supplement-form")
    page.click("button:has-text('Gửi bổ sung')")
    page.wait_for_selector("#sup-h", state="detached")
    page.wait_for_selector("ol.timeline >> text=bổ sung")

    # Withdraw: the reason is required (the server's message at the field), then it works.
    page.click("button:has-text('Rút hồ sơ')")
    page.click("form button:has-text('Xác nhận')")
    page.wait_for_selector("#wd-err .error")
    assert page.locator("#wd-reason").get_attribute("aria-invalid") == "true"
    pages.axe("withdraw-error")
    page.fill("#wd-reason", "Tôi nộp nhầm thủ tục.")
    page.click("form button:has-text('Xác nhận')")
    page.wait_for_selector("[data-testid=dossier-status]:has-text('Đã rút')")
    pages.axe("withdrawn")

    # The public lookup, signed out.
    pages.context.clear_cookies()
    pages.goto("/tra-cuu")
    page.fill("#code", dossier["code"])
    page.fill("#personal_id", DEMO_CITIZEN["personal_id"])
    page.click("form button[type=submit]")
    page.wait_for_selector(f"section h2:has-text('{dossier['code']}')")
    pages.axe("lookup-found")
    assert not pages.csp_violations(), pages.csp_violations()


def test_registration_errors_are_shown_at_their_fields(new_pages, live_server):
    pages = new_pages("register-errors", "phone")
    page = pages.page
    pages.goto("/dang-ky")
    # The client catches what it can with the server's words ...
    page.fill("#full_name", "Phạm Thu")
    page.fill("#personal_id", "003090001234")
    page.fill("#date_of_birth", "1990-01-01")
    page.fill("#new-password", "Mat-khau-rat-dai-2026")
    page.click("form button[type=submit]")
    page.wait_for_selector("#personal_id-err:has-text('không phải là mã tỉnh')")
    # ... and shows the server's field errors (problem+json) for the rest: the birth year does
    # not match digits 5-6 of the ID number.
    page.fill("#personal_id", "056095001234")
    page.click("form button[type=submit]")
    page.wait_for_selector("#personal_id-err:has-text('năm sinh')")
    assert page.locator("#personal_id").get_attribute("aria-invalid") == "true"
    pages.axe("register-errors")

    # The English switch translates the interface and the server's messages.
    page.click(".menu-toggle")
    page.click("button.lang")
    page.click("form button[type=submit]")
    page.wait_for_selector("#personal_id-err:has-text('birth year')")
    pages.axe("register-errors-en")


def test_the_remaining_public_pages_pass_axe(new_pages, live_server):
    pages = new_pages("public", "desktop")
    for path in ("/quen-mat-khau", "/dat-lai-mat-khau?token=abc", "/xac-minh/ABC123", "/khong-co"):
        pages.goto(path)
        pages.axe(path.strip("/").split("?")[0].replace("/", "-"))
    # Sign-in offers VNeID (a plain link carrying where to come back to) and shows its error.
    pages.goto("/dang-nhap?next=/ho-so-cua-toi&vneid_error=access_denied")
    vneid = pages.page.locator("[data-testid=vneid-login]")
    assert vneid.get_attribute("href") == "/api/v1/auth/vneid/login?next=%2Fho-so-cua-toi"
    assert "access_denied" in pages.page.locator("[data-testid=vneid-error]").inner_text()
    pages.axe("login-vneid-error")
    pages.goto("/dat-lai-mat-khau?token=abc")
    pages.page.fill("#new-password", "Mat-khau-moi-2026!")
    pages.page.click("form button[type=submit]")
    pages.page.wait_for_selector("[role=alert], .error")  # the bad token is refused, in words
    assert not pages.csp_violations(), pages.csp_violations()


def test_no_page_is_wider_than_a_360_px_phone(new_pages, live_server):
    pages = new_pages("narrow", "small")
    page = pages.page

    def fits(path: str) -> None:
        pages.goto(path)
        page.wait_for_selector("main [role=status] .spinner", state="detached")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width} px wide"

    for path in ("/", "/?q=khai sinh", "/thu-tuc/2.000488", "/dang-ky", "/tra-cuu", "/xac-minh"):
        fits(path)
    sign_in(pages, "congdan@demo.dvc.local", DEMO_CITIZEN_PASSWORD)
    for path in ("/ho-so-cua-toi", "/giay-to-cua-toi", "/thong-bao"):
        fits(path)
    pages.context.clear_cookies()
    pages.goto("/dang-nhap")
    page.fill("#username", "tiepnhan@demo.dvc.local")
    page.fill("#password", DEMO_OFFICER_PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/can-bo")
    fits("/can-bo")
    fits("/can-bo/thong-ke")
    page.wait_for_selector("[data-testid=stats-chart]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    pages.shot("officer-queue-360")


def test_keyboard_only_sign_in_and_a_failed_request_can_be_retried(new_pages, live_server):
    pages = new_pages("keyboard", "phone")
    page = pages.page
    pages.goto("/dang-nhap")
    page.keyboard.press("Tab")  # the first stop skips to the content
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "username"
    page.keyboard.type("congdan@demo.dvc.local")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_CITIZEN_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/ho-so-cua-toi")

    # Offline: the list says it cannot reach the server and offers to try again.
    pages.context.set_offline(True)
    page.select_option("#status-filter", "draft")
    page.wait_for_selector("[role=alert]:has-text('Không kết nối được máy chủ')")
    pages.shot("offline")
    pages.context.set_offline(False)
    page.click("[role=alert] button:has-text('Thử lại')")
    page.wait_for_selector("main [role=alert]", state="detached")
    pages.axe("back-online")
