"""The e-form widgets against the real catalogue: address pickers (province → commune),
repeated groups, radios, conditional fields; the draft keeps what was typed."""

from __future__ import annotations

import re

from backend.seed import DEMO_CITIZEN_PASSWORD
from tests.e2e import api_setup
from tests.e2e.test_citizen_flows import sign_in


def test_address_pickers_groups_and_conditions_save_into_the_draft(new_pages, live_server):
    pages = new_pages("widgets", "desktop")
    page = pages.page
    sign_in(pages, "congdan@demo.dvc.local", DEMO_CITIZEN_PASSWORD)
    pages.goto("/thu-tuc/2.000488")
    page.click("button:has-text('Nộp hồ sơ trực tuyến')")
    page.wait_for_url(re.compile(r".*/nop-ho-so/[0-9a-f-]+$"))
    dossier_id = page.url.rsplit("/", 1)[1]

    # Province first; the commune list follows it.
    page.wait_for_selector("#f-residence-province option[value='56']", state="attached")
    assert page.locator("#f-residence-ward").is_disabled()
    page.select_option("#f-residence-province", "56")
    page.wait_for_selector("#f-residence-ward option[value='22366']", state="attached")
    page.select_option("#f-residence-ward", "22366")
    page.fill("#f-residence-street", "12 Trần Phú")
    page.locator("#f-residence-street").blur()
    page.check("input[name=f-gender][value=female]")
    page.wait_for_selector("[data-testid=save-state]:has-text('Đã lưu nháp')")
    pages.axe("address")

    # Straight to "next": the required fields of the section are named at their fields.
    page.click("form button[type=submit]:has-text('Tiếp tục')")
    page.wait_for_selector("#f-full_name-err:has-text('Trường này là bắt buộc.')")
    assert page.evaluate("document.activeElement.getAttribute('aria-invalid')") == "true"

    # A repeated group and a condition in later sections (filled with required fields first).
    for name, value in {
        "full_name": "Nguyễn Văn An",
        "birth_date": "1990-05-15",
        "birth_place": "Nha Trang",
        "personal_id": "056090001234",
        "phone": "0912345678",
    }.items():
        page.fill(f"#f-{name}", value)
        page.locator(f"#f-{name}").blur()
    page.click("form button[type=submit]:has-text('Tiếp tục')")
    page.fill("#f-mother_name", "Trần Thị Mai")
    page.locator("#f-mother_name").blur()
    page.click("form button[type=submit]:has-text('Tiếp tục')")
    page.click("button:has-text('Thêm mục')")
    page.fill("#f-residence_history-0-place", "Nha Trang, Khánh Hòa")
    page.locator("#f-residence_history-0-place").blur()
    page.click("form button[type=submit]:has-text('Tiếp tục')")
    # The item's own required date is named inside the item, and focused.
    page.wait_for_selector("#f-residence_history-0-period_from-err")
    page.fill("#f-residence_history-0-period_from", "2008-05-15")
    page.locator("#f-residence_history-0-period_from").blur()
    page.click("form button[type=submit]:has-text('Tiếp tục')")
    assert page.locator("#f-ban_confirmation").count() == 0
    page.check("input[name=f-certificate_type][value='1']")
    page.wait_for_selector("#f-ban_confirmation")
    pages.axe("conditional")
    page.wait_for_selector("[data-testid=save-state]:has-text('Đã lưu nháp')")

    saved = (
        api_setup.citizen(live_server)
        .get(f"{live_server}/api/v1/dossiers/{dossier_id}", timeout=10)
        .json()["form_data"]
    )
    assert saved["residence"] == {
        "province_code": "56",
        "ward_code": "22366",
        "street": "12 Trần Phú",
    }
    assert saved["gender"] == "female" and saved["certificate_type"] == "1"
    assert saved["residence_history"][0]["place"] == "Nha Trang, Khánh Hòa"
