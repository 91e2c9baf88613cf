"""Every document template renders to a PDF whose text keeps the Vietnamese letters."""

from __future__ import annotations

import io
from datetime import datetime

import pytest

from backend.catalog.seed_data import PROCEDURES
from backend.core.clock import VN_TZ
from backend.results import context as document_context
from backend.results import rendering, services

NAME = "Nguyễn Thị Ánh Tuyết"
PLACE = "Bệnh viện Đa khoa tỉnh Khánh Hòa, phường Nha Trang"


def sample_value(field: dict):
    kind = field["type"]
    if field.get("options"):
        value = field["options"][-1]["value"]
        return [value] if kind == "checkboxes" else value
    return {
        "date": "2020-05-17",
        "number": 2,
        "personal_id": "001090123456",
        "phone": "0912345678",
        "email": "tuyet@example.vn",
        "checkbox": True,
        "address": {"street": "12 Trần Phú"},
        "group": [],
    }.get(kind, NAME if "name" in field["name"] else PLACE)


def context_for(procedure: dict) -> dict:
    definition = procedure["form"]
    data = {f["name"]: sample_value(f) for s in definition["sections"] for f in s["fields"]}
    context = rendering.sample_context()
    context.update(
        title=procedure["result"]["name_vi"],
        number="125",
        symbol=procedure["result"]["type_code"],
        f=document_context.form_values(definition, data),
        sections=document_context.form_sections(definition, data),
        decision="approved",
        signer={"title": "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", "name": "Đặng Hữu Lộc"},
    )
    return context


def text_of(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def assert_national_header(text: str) -> None:
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text


@pytest.mark.parametrize("procedure", PROCEDURES, ids=[p["result"]["template"] for p in PROCEDURES])
def test_each_result_template_renders_with_vietnamese_text(procedure):
    template = f"results/{procedure['result']['template']}.html"
    assert rendering.template_exists(template)

    pdf = rendering.render_pdf(template, context_for(procedure))

    assert pdf.startswith(b"%PDF-")
    text = text_of(pdf)
    assert_national_header(text)
    assert procedure["result"]["name_vi"].upper() in text.replace("\n", " ")
    assert "Số: 125/" in text and "Đặng Hữu Lộc" in text
    assert NAME in text or PLACE in text.replace("\n", " ")


def test_a_rejected_decision_says_why():
    procedure = PROCEDURES[0]
    context = context_for(procedure) | {"decision": "rejected", "decision_note": "Thiếu giấy tờ"}

    text = text_of(rendering.render_pdf("results/birth_certificate.html", context))

    assert "không chấp thuận" in text and "Thiếu giấy tờ" in text


def test_the_generic_result_template_lists_the_form():
    context = context_for(PROCEDURES[1])

    text = text_of(rendering.render_pdf("results/generic.html", context))

    assert_national_header(text)
    assert NAME in text


def form_context(kind: str) -> dict:
    now = datetime(2026, 3, 2, 9, 30, tzinfo=VN_TZ)
    context = rendering.sample_context()
    context.update(
        title=services.FORMS[kind][1],
        number="000.31.01.H56-260302-0001",
        symbol=None,
        issued_at=now,
        reason="Hồ sơ không thuộc thẩm quyền giải quyết của phường",
        supplement={
            "round": 1,
            "items": [{"component_name": "Giấy chứng sinh", "description": "Bản chụp rõ nét"}],
            "note": "Ảnh mờ, không đọc được",
            "deadline_at": now,
        },
        receipt={
            "number": "BL-2026-00000042",
            "payer_name": NAME,
            "amount": 150000,
            "amount_words": document_context.amount_in_words(150000),
            "purpose": "Phí, lệ phí giải quyết thủ tục hành chính",
            "method": "Thanh toán trực tuyến (VNPay)",
            "transaction_no": "14123456",
            "paid_at": now,
        },
    )
    return context


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("receipt_slip", ["Mẫu số 01", "Thời gian trả kết quả", "Tờ khai đăng ký khai sinh"]),
        ("supplement_request", ["Mẫu số 02", "Bản chụp rõ nét", "Ảnh mờ, không đọc được"]),
        ("refusal", ["Mẫu số 03", "không thuộc thẩm quyền giải quyết của phường"]),
        ("fee_receipt", ["BL-2026-00000042", "150.000 đồng", "Một trăm năm mươi nghìn đồng"]),
    ],
)
def test_each_desk_form_renders_with_vietnamese_text(kind, expected):
    pdf = rendering.render_pdf(rendering.FORM_TEMPLATES[kind], form_context(kind))

    text = text_of(pdf).replace("\n", " ")
    assert_national_header(text)
    assert services.FORMS[kind][1].upper() in text
    for phrase in expected:
        assert phrase in text


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (15000, "Mười lăm nghìn đồng"),
        (105000, "Một trăm lẻ năm nghìn đồng"),
        (1021000, "Một triệu không trăm hai mươi mốt nghìn đồng"),
        (2500000, "Hai triệu năm trăm nghìn đồng"),
    ],
)
def test_amounts_in_words(amount, words):
    assert document_context.amount_in_words(amount) == words


def test_the_pdf_is_pdf_a_and_tagged():
    from pypdf import PdfReader

    pdf = rendering.render_pdf("forms/receipt_slip.html", rendering.sample_context())

    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root  # tagged
    assert b"pdfaid:part" in root["/Metadata"].get_object().get_data()
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Noto-Serif" in name for name in fonts)  # embedded subset of Noto Serif


def test_holder_names_are_masked():
    assert services.masked_name("Phạm Thị Thu Hương") == "P*** T** T** Hương"
    assert services.masked_name("An") == "A*"
