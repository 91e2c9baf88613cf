"""Every template renders in both languages, with every field filled and SMS text folded."""

from __future__ import annotations

import re
import string

import pytest

from backend.notifications import templates


@pytest.mark.parametrize("name", sorted(templates.T))
@pytest.mark.parametrize("locale", ["vi", "en"])
def test_templates_render_completely(name, locale):
    fields = {
        field
        for part in templates.T[name][locale].values()
        for _, field, _, _ in string.Formatter().parse(part)
        if field
    }
    assert set(templates.T[name]["vi"]) == {"subject", "short", "body"}
    rendered = templates.render(name, locale, {f: f"<{f}>" for f in fields})

    for text in (rendered.subject, rendered.short, rendered.body):
        assert not re.search(r"\{\w+\}", text)
    assert rendered.sms.isascii()
    assert len(rendered.subject) <= 255


def test_every_required_notice_exists():
    assert set(templates.T) >= templates.REQUIRED
    assert {
        "refused",
        "supplement_requested",
        "payment_requested",
        "result_ready",
        "overdue_apology",
    } <= templates.REQUIRED


def test_vietnamese_formats():
    assert templates.format_amount(1250000, "vi") == "1.250.000 đồng"
    assert templates.format_amount(1250000, "en") == "1,250,000 VND"
    assert templates.fold("Hồ sơ ĐÃ được tiếp nhận") == "Ho so DA duoc tiep nhan"
