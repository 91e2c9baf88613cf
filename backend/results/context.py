"""What a document template shows: the agency, number, holder, the dossier's e-form as
display values (option labels, dd/mm/yyyy), the signer, the verification URL, and the
kind-specific parts (supplement items, refusal reason, fee receipt with the amount in words)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import current_app

from backend.accounts.models import User
from backend.catalog.models import Agency
from backend.dossiers.models import Dossier
from backend.extensions import db
from backend.results.models import (
    KIND_FEE_RECEIPT,
    KIND_RECEIPT_SLIP,
    KIND_REFUSAL,
    KIND_RESULT,
    KIND_SUPPLEMENT_REQUEST,
    IssuedDocument,
)

SIGNER_TITLES = {
    KIND_RECEIPT_SLIP: "NGƯỜI TIẾP NHẬN",
    KIND_SUPPLEMENT_REQUEST: "NGƯỜI TIẾP NHẬN",
    KIND_REFUSAL: "NGƯỜI TIẾP NHẬN",
    KIND_FEE_RECEIPT: "NGƯỜI THU TIỀN",
}


def _display(field: dict, value) -> str | None:
    if value is None or value == "" or value == []:
        return None
    if field.get("options"):
        labels = {o["value"]: o["label"]["vi"] for o in field["options"]}
        if isinstance(value, list):
            return ", ".join(labels.get(v, str(v)) for v in value)
        return labels.get(value, str(value))
    if field.get("type") == "date":
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except (TypeError, ValueError):
            return str(value)
    if field.get("type") == "checkbox" or isinstance(value, bool):
        return "Có" if value else "Không"
    if field.get("type") == "address" and isinstance(value, dict):
        return _address(value)
    if field.get("type") == "group":
        return None
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _address(value: dict) -> str:
    from backend.catalog import units

    parts = [value.get("street")]
    ward = units._wards().get(value.get("ward_code") or value.get("ward") or "")
    province = units._provinces().get(value.get("province_code") or value.get("province") or "")
    parts += [ward["name"] if ward else None, province["name"] if province else None]
    return ", ".join(p for p in parts if p)


def form_values(definition: dict, data: dict) -> dict[str, str]:
    """Display values of the dossier's e-form, by field name (option labels, dd/mm/yyyy)."""
    values: dict[str, str] = {}
    for section in (definition or {}).get("sections", []):
        for field in section.get("fields", []):
            shown = _display(field, (data or {}).get(field["name"]))
            if shown is not None:
                values[field["name"]] = shown
    return values


def form_sections(definition: dict, data: dict) -> list[dict]:
    """Labelled rows per section (for the generic result template)."""
    sections = []
    for section in (definition or {}).get("sections", []):
        rows = []
        for field in section.get("fields", []):
            if field.get("type") == "checkbox":
                continue
            shown = _display(field, (data or {}).get(field["name"]))
            if shown is not None:
                rows.append({"label": field["label"]["vi"], "value": shown})
        if rows:
            sections.append({"title": section["title"]["vi"], "rows": rows})
    return sections


def _place(agency: Agency) -> str:
    if agency.address:
        last = agency.address.rsplit(",", 1)[-1].strip()
        for prefix in ("tỉnh ", "thành phố ", "Tỉnh ", "Thành phố "):
            last = last.removeprefix(prefix)
        return last
    return agency.name_vi


def _leader_title(agency: Agency) -> str:
    name = agency.name_vi
    if name.startswith("UBND"):
        return "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
    return "GIÁM ĐỐC"


def _decider(dossier: Dossier) -> str:
    for entry in reversed(dossier.log):
        if entry.action in ("approve", "reject") and entry.actor_name:
            return entry.actor_name
    return ""


def verify_url(code: str) -> str:
    # The SPA's human-facing page (it calls ``GET /api/v1/verify/<code>``), not the JSON API.
    return f"{current_app.config['PUBLIC_BASE_URL']}/xac-minh/{code}"


def _duration(dossier: Dossier) -> str:
    version = dossier.procedure_version
    amount = version.duration_amount
    amount = int(amount) if amount == amount.to_integral_value() else float(amount)
    unit = {"working_days": "ngày làm việc", "working_hours": "giờ làm việc"}.get(
        version.duration_unit, version.duration_unit
    )
    return "trong ngày" if amount == 0 else f"{amount} {unit}"


def render_context(document: IssuedDocument, dossier: Dossier) -> dict:
    """Everything a template shows, from the row and its dossier."""
    agency = db.session.get(Agency, document.agency_id)
    version = dossier.procedure_version
    extra = dict(document.context or {})
    ordered_by = (
        db.session.scalar(sa.select(User).where(User.uuid == document.ordered_by))
        if document.ordered_by
        else None
    )
    if document.kind == KIND_RESULT:
        number, symbol = dossier.result_number, dossier.result_symbol
        signer = {"title": _leader_title(agency), "name": _decider(dossier)}
    else:
        number, symbol = document.number, None
        signer = {
            "title": SIGNER_TITLES[document.kind],
            "name": ordered_by.full_name if ordered_by else agency.name_vi,
        }
    names = {c.code: c.name_vi for c in version.components}
    context = {
        "title": document.title_vi,
        "agency": {
            "name": agency.name_vi,
            "parent": agency.parent.name_vi if agency.parent else None,
            "code": agency.code,
        },
        "number": number,
        "symbol": symbol,
        "place": _place(agency),
        "issued_at": document.issued_at,
        "holder": {
            "name": document.holder_name,
            "personal_id": document.holder_personal_id,
            "date_of_birth": dossier.applicant_date_of_birth,
        },
        "dossier": {
            "code": dossier.code,
            "procedure": version.name_vi,
            "received_at": dossier.received_at,
            "due_at": dossier.due_at,
            "duration": _duration(dossier),
            "applicant_phone": dossier.applicant_phone,
            "applicant_email": dossier.applicant_email,
            "channel": {1: "Trực tiếp", 2: "Trực tuyến", 3: "Dịch vụ bưu chính"}.get(
                dossier.channel, ""
            ),
            "components": [
                {
                    "name": names.get(a.component_code, a.component_code),
                    "form": "Tái sử dụng từ kho dữ liệu" if a.reused else "Bản điện tử",
                }
                for a in dossier.attachments
            ],
        },
        "f": form_values(version.form, dossier.form_data),
        "sections": form_sections(version.form, dossier.form_data),
        "signer": signer,
        "verify_url": verify_url(document.verification_code),
        "decision": dossier.decision,
        "decision_note": _decision_note(dossier),
        "pdf_identifier": bytes.fromhex(document.uuid.hex),
    }
    context.update(_form_extra(document, dossier, extra))
    return context


def _decision_note(dossier: Dossier) -> str | None:
    for entry in reversed(dossier.log):
        if entry.action in ("approve", "reject"):
            return entry.note
    return None


def _form_extra(document: IssuedDocument, dossier: Dossier, extra: dict) -> dict:
    if document.kind == KIND_SUPPLEMENT_REQUEST:
        round_no = extra.get("round")
        supplement = next((s for s in dossier.supplements if s.round == round_no), None)
        if supplement is None:
            return {}
        names = {c.code: c.name_vi for c in dossier.procedure_version.components}
        items = [
            {
                "component_name": names.get(item.get("component_code")),
                "description": item.get("description") or "",
            }
            for item in supplement.items or []
        ]
        return {
            "supplement": {
                "round": supplement.round,
                "items": items,
                "note": supplement.note,
                "deadline_at": supplement.deadline_at,
            }
        }
    if document.kind == KIND_REFUSAL:
        return {"reason": extra.get("reason") or ""}
    if document.kind == KIND_FEE_RECEIPT:
        from backend.payments.models import Payment, Receipt

        receipt = db.session.scalar(sa.select(Receipt).where(Receipt.number == document.number))
        payment = db.session.get(Payment, receipt.payment_id) if receipt else None
        if receipt is None:
            return {}
        return {
            "receipt": {
                "number": receipt.number,
                "payer_name": receipt.payer_name,
                "amount": receipt.amount,
                "amount_words": amount_in_words(receipt.amount),
                "purpose": "Phí, lệ phí giải quyết thủ tục hành chính",
                "method": "Thanh toán trực tuyến (VNPay)" if payment else "Tiền mặt",
                "transaction_no": payment.transaction_no if payment else None,
                "paid_at": (payment.paid_at if payment else None) or receipt.issued_at,
            }
        }
    return {}


_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def _three(n: int, full: bool) -> str:
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words = []
    if full or hundreds:
        words += [_DIGITS[hundreds], "trăm"]
    if tens > 1:
        words += [_DIGITS[tens], "mươi"]
        if units == 1:
            words.append("mốt")
        elif units == 5:
            words.append("lăm")
        elif units:
            words.append(_DIGITS[units])
    elif tens == 1:
        words.append("mười")
        if units == 5:
            words.append("lăm")
        elif units:
            words.append(_DIGITS[units])
    elif units:
        if full or hundreds:
            words.append("lẻ")
        words.append(_DIGITS[units])
    return " ".join(words)


def amount_in_words(amount: int) -> str:
    """``150000`` → ``Một trăm năm mươi nghìn đồng``."""
    if amount == 0:
        return "Không đồng"
    groups = []
    while amount:
        amount, group = divmod(amount, 1000)
        groups.append(group)
    scales = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ"]
    words = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        words.append(_three(group, full=index != len(groups) - 1))
        if scales[index]:
            words.append(scales[index])
    text = " ".join(words) + " đồng"
    return text[0].upper() + text[1:]
